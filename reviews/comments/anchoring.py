"""Where a commented passage sits in a revision: the body's paragraphs as readers read them, and
re-anchoring a passage quoted from one revision in the text of another.

A passage is found again by its text: exactly (the nearest occurrence to where it was, the
surrounding words breaking ties), else by a fuzzy match in the same paragraph, then in the others
(difflib's ratio at least ``COMMENT_REANCHOR_MIN_SIMILARITY`` percent). Pure functions: no database.
"""

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import nh3
from django.conf import settings

from articles.rendering import body_blocks, render_body

ANCHORED, CHANGED, REMOVED = "anchored", "passage changed", "passage removed"
CONTEXT_CHARS = 80
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|blockquote|pre)>|<br\s*/?>")


def squash(text: str) -> str:
    """Spaces collapsed and trimmed: how a passage is compared (a browser's selection adds line breaks)."""
    return re.sub(r"\s+", " ", text or "").strip()


def _text_of(rendered: str) -> str:
    return squash(html.unescape(nh3.clean(_BLOCK_END.sub(" ", rendered), tags=set())))


def body_paragraphs(body: str, reference_numbers: set[int] | frozenset[int]) -> list[str]:
    """The plain text of each top-level block of the body, rendered as on the review page (whose
    ``block-N`` is paragraph N here), so a reader's selection is found in it as shown."""
    return [
        _text_of(render_body(body=text, reference_numbers=reference_numbers).html) for _, _, text in body_blocks(body)
    ]


@dataclass(frozen=True)
class Anchor:
    """A passage as quoted: its paragraph (1-based), text, offset in the paragraph and the words around it."""

    paragraph: int
    quote: str
    start: int
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a passage is in one revision: ``state`` is ANCHORED, CHANGED or REMOVED (paragraph None)."""

    state: str
    paragraph: int | None = None
    start: int | None = None
    text: str = ""
    similarity: int = 100


def anchor_in(paragraphs: list[str], *, paragraph: int, quote: str) -> Anchor | None:
    """The anchor of ``quote`` in paragraph ``paragraph`` (the whole paragraph when the quote is empty),
    or None when that paragraph does not exist or does not contain the quote."""
    if not 1 <= paragraph <= len(paragraphs):
        return None
    text, quote = paragraphs[paragraph - 1], squash(quote) or paragraphs[paragraph - 1]
    start = text.find(quote)
    if not quote or start < 0:
        return None
    end = start + len(quote)
    return Anchor(paragraph, quote, start, text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS])


def _context_score(anchor: Anchor, text: str, start: int) -> float:
    before = text[max(0, start - len(anchor.before)) : start]
    after = text[start + len(anchor.quote) : start + len(anchor.quote) + len(anchor.after)]
    return SequenceMatcher(None, anchor.before, before).ratio() + SequenceMatcher(None, anchor.after, after).ratio()


def _exact(anchor: Anchor, paragraphs: list[str]) -> Placement | None:
    found = []
    for number, text in enumerate(paragraphs, start=1):
        start = text.find(anchor.quote)
        while start >= 0:
            found.append((-_context_score(anchor, text, start), abs(number - anchor.paragraph), number, start))
            start = text.find(anchor.quote, start + 1)
    if not found:
        return None
    *_, number, start = min(found)
    return Placement(ANCHORED, number, start, anchor.quote)


def _best_window(quote: str, text: str, floor: float) -> tuple[float, int, str]:
    """The run of whole words of ``text`` most like ``quote`` and at least ``floor`` alike: (ratio, offset,
    words), or ratio 0. difflib's cheap upper bounds skip most windows before the full ratio."""
    words = list(re.finditer(r"\S+", text))
    size = len(quote.split())
    best = (0.0, 0, "")
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(quote)
    for length in {max(1, size - 2), max(1, size - 1), size, size + 1, size + 2}:
        for i in range(max(1, len(words) - length + 1)):
            chosen = words[i : i + length]
            if not chosen:
                continue
            start, end = chosen[0].start(), chosen[-1].end()
            matcher.set_seq1(text[start:end])
            bar = max(best[0], floor)
            if matcher.real_quick_ratio() < bar or matcher.quick_ratio() < bar:
                continue
            ratio = matcher.ratio()
            if ratio >= bar and ratio > best[0]:
                best = (ratio, start, text[start:end])
    return best


def reanchor(anchor: Anchor, paragraphs: list[str], *, min_similarity: int | None = None) -> Placement:
    """Where ``anchor`` (quoted from another revision) is in ``paragraphs`` (another revision's text).

    The same text anywhere: ANCHORED. Else the most similar run of words, in the same paragraph
    first: CHANGED when at least ``min_similarity`` percent alike. Else REMOVED.
    """
    exact = _exact(anchor, paragraphs)
    if exact is not None:
        return exact
    floor = (settings.COMMENT_REANCHOR_MIN_SIMILARITY if min_similarity is None else min_similarity) / 100
    order = [anchor.paragraph] if 1 <= anchor.paragraph <= len(paragraphs) else []
    order += [n for n in range(1, len(paragraphs) + 1) if n != anchor.paragraph]
    for number in order:
        ratio, start, text = _best_window(anchor.quote, paragraphs[number - 1], floor)
        if ratio and ratio >= floor:
            return Placement(CHANGED, number, start, text, similarity=round(ratio * 100))
    return Placement(REMOVED, similarity=0)
