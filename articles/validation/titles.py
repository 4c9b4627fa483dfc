"""Reference titles for comparison only (REFERENCES.md §7): the duplicate and metadata rules
compare normal forms, never what is shown."""

import re
import unicodedata


def _greek_to_name(ch: str) -> str:
    """β becomes "beta", so "Aβ" and "A beta" compare equal."""
    name = unicodedata.name(ch, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
        return " " + name.rsplit(" ", 1)[-1].lower() + " "
    return ch


def normalize_title(title: str) -> str:
    """Title for comparison only (REFERENCES.md §7): no tags, accents, case or punctuation."""
    text = re.sub(r"<[^>]+>", " ", title)
    text = re.sub(r"^\s*(retracted|withdrawn)\s*:\s*", "", text, flags=re.IGNORECASE)
    if not text.isascii():  # ASCII has no Greek letters, accents or compatibility forms to fold
        text = "".join(_greek_to_name(ch) for ch in text)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())
