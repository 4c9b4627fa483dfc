"""Plain language on patient pages: reading grade, long sentences, unexplained abbreviations, jargon.

Findings sit beside the paragraph they concern (its first line). Clinician pages are exempt:
they are written for readers who use the terms. The grade is the Flesch-Kincaid grade level
(0.39 * words per sentence + 11.8 * syllables per word - 15.59), computed here with a vowel-group
syllable counter. We do not use textstat, the maintained library for this: for English it
downloads the CMU pronouncing dictionary through NLTK from GitHub on first use, which fails offline
and in locked-down production; its fallback, pyphen's hyphenation points, undercounts
syllables ("spinal" → 1). The counter below is the classic heuristic the formula was made for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from articles.citations import find_markers

TERMS_FILE = Path(__file__).with_name("plain_terms.txt")
# Fewer words than this and the grade of a paragraph says more about chance than about the text.
MIN_WORDS_FOR_GRADE = 30

_QUOTES = "'\"\u2018\u2019\u201c\u201d"
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_SENTENCE_END = re.compile(rf"(?<=[.!?])[{_QUOTES})]*\s+(?=[{_QUOTES}(]*[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?<![\w&])([A-Z][A-Z0-9&]{1,5})s?(?![\w&])")
_VOWELS = re.compile(r"[aeiouy]+")
_MARKDOWN = re.compile(r"[*_`#>]+|\[([^\]]*)\]\([^)]*\)")
_EXPLAINED = r"\(|\bwhich means\b|\bmeaning\b|\bis when\b|\bare when\b|\bis an?\b|\bare\b|\bcalled\b|[\u2013\u2014:]"


@dataclass(frozen=True)
class Paragraph:
    line: int  # 1-based line within the body
    text: str


@dataclass(frozen=True)
class Terms:
    known_abbreviations: frozenset[str]
    jargon: dict[str, str]


@cache
def terms() -> Terms:
    known: set[str] = set()
    jargon: dict[str, str] = {}
    for raw in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("abbr:"):
            known.update(part.strip() for part in line[5:].split("|") if part.strip())
            continue
        term, _, plain = line.partition("|")
        jargon[term.strip().lower()] = plain.strip()
    return Terms(known_abbreviations=frozenset(known), jargon=jargon)


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e, at least one."""
    word = word.lower().strip("'\u2019-")
    if not word:
        return 0
    count = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if word.endswith(("ed", "es")) and count > 1 and not word.endswith(("ted", "ded", "ses", "ces", "ges", "zes")):
        count -= 1
    return max(count, 1)


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if _WORD.search(part)]


def grade(text: str) -> float:
    """Flesch-Kincaid grade level of ``text``; 0 for text without words."""
    words = _WORD.findall(text)
    found = sentences(text)
    if not words or not found:
        return 0.0
    per_sentence = len(words) / len(found)
    per_word = sum(syllables(word) for word in words) / len(words)
    return round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1)


def paragraphs(body: str) -> list[Paragraph]:
    """Prose blocks of a Markdown body (headings and references left out), citation markers removed."""
    out, start, buffer = [], 0, []
    lines = (body or "").splitlines()
    for index, line in enumerate([*lines, ""], start=1):
        stripped = line.strip()
        is_item = bool(re.match(r"^([-*+]|[0-9]+[.)])\s", stripped))
        if not stripped or stripped.startswith("#") or (is_item and buffer):
            if buffer:
                out.append(Paragraph(line=start, text=_plain(" ".join(buffer))))
            buffer = []
        if stripped and not stripped.startswith("#"):
            if not buffer:
                start = index
            buffer.append(re.sub(r"^([-*+]|[0-9]+[.)])\s+", "", stripped))
    return out


def _plain(text: str) -> str:
    for marker in sorted(find_markers(text), key=lambda m: -len(m.text)):
        text = text.replace(marker.text, "")
    return re.sub(r"\s+([.,;:])", r"\1", _MARKDOWN.sub(lambda m: m.group(1) or "", text)).strip()


def _explained(term: str, text: str) -> bool:
    """The term's meaning is given in a sentence that uses it: "(...)", "which means", "is a", a dash."""
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    for sentence in sentences(text):
        if pattern.search(sentence) and re.search(_EXPLAINED, sentence, re.IGNORECASE):
            return True
    return False


def _patient_paragraphs(ctx) -> list[Paragraph]:
    return paragraphs(ctx.body) if getattr(ctx, "audience", None) == "patient" else []


def grade_above_target(ctx):
    """A patient paragraph reads above the target grade (READING_GRADE_TARGET)."""
    for paragraph in _patient_paragraphs(ctx):
        if len(_WORD.findall(paragraph.text)) < MIN_WORDS_FOR_GRADE:
            continue
        level = grade(paragraph.text)
        if level > ctx.reading_grade_target:
            line = ctx.body_line + paragraph.line - 1
            yield (
                None,
                line,
                f"The paragraph at line {line} reads at grade {level:g}, above the target {ctx.reading_grade_target:g} "
                "for patients: use shorter sentences and everyday words",
            )


def long_sentences(ctx):
    """A sentence on a patient page is longer than READING_LONG_SENTENCE_WORDS words."""
    for paragraph in _patient_paragraphs(ctx):
        for sentence in sentences(paragraph.text):
            count = len(_WORD.findall(sentence))
            if count > ctx.long_sentence_words:
                line = ctx.body_line + paragraph.line - 1
                start = " ".join(sentence.split()[:8])
                yield (
                    None,
                    line,
                    f"A sentence in the paragraph at line {line} has {count} words (over {ctx.long_sentence_words}): "
                    f'"{start} …"',
                )


def _abbreviation_explained(abbreviation: str, body: str) -> bool:
    escaped = re.escape(abbreviation)
    # "magnetic resonance imaging (MRI)" or "MRI (magnetic resonance imaging)"
    return bool(re.search(rf"[a-z]\W*\(\s*{escaped}s?\s*\)|\b{escaped}s?\s*\(\s*[a-z]", body))


def abbreviations_unexplained(ctx):
    """An abbreviation on a patient page is never spelt out (and is not one readers already know)."""
    known, seen = terms().known_abbreviations, set()
    for paragraph in _patient_paragraphs(ctx):
        for match in _ABBREVIATION.finditer(paragraph.text):
            abbreviation = match.group(1)
            if abbreviation in seen or abbreviation in known or abbreviation.isdigit():
                continue
            seen.add(abbreviation)
            if not _abbreviation_explained(abbreviation, ctx.body):
                line = ctx.body_line + paragraph.line - 1
                yield (
                    None,
                    line,
                    f'"{abbreviation}" at line {line} is never spelt out: give the full words at first use',
                )


def jargon_unexplained(ctx):
    """A medical term from ``plain_terms.txt`` is used on a patient page and never explained."""
    jargon, seen = terms().jargon, set()
    body_text = " ".join(paragraph.text for paragraph in _patient_paragraphs(ctx))
    for paragraph in _patient_paragraphs(ctx):
        for word in _WORD.findall(paragraph.text):
            term = word.lower()
            if term not in jargon or term in seen:
                continue
            seen.add(term)
            if not _explained(term, body_text):
                line = ctx.body_line + paragraph.line - 1
                yield None, line, f'"{word}" at line {line} is a medical term: explain it or say "{jargon[term]}"'
