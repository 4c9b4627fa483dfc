"""Article bodies as readers see them: Markdown → HTML with linked citations → sanitised.

Every rendered page of user content goes through ``render_body``: markdown-it-py with raw
HTML off, citation markers turned into links to the reference list (and back), then nh3.
"""

import re
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

from articles.citations import find_citations

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_PLACEHOLDER = re.compile(r"@@cite((?:-[0-9]+)+)@@")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a", "sup", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "class", "title"},
    "sup": {"id", "class"},
    "span": {"class"},
    "th": {"scope"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


@dataclass
class RenderedBody:
    html: str
    # reference number → the ids of the places that cite it, for the reference list's back links
    citations: dict[int, list[str]] = field(default_factory=dict)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


def body_blocks(body: str) -> list[tuple[int, int, str]]:
    """Top-level Markdown blocks of the body as (first line, last line, text), lines 1-based: the review
    page's ``block-N`` and the comments' paragraph N."""
    lines = (body or "").splitlines()
    out = []
    for token in _md.parse(body or ""):
        if token.level == 0 and token.map and token.nesting in (0, 1):
            start, end = token.map
            out.append((start + 1, end, "\n".join(lines[start:end])))
    return out


def render_body(*, body: str, reference_numbers: set[int] | frozenset[int]) -> RenderedBody:
    """Render Markdown with each citation linked to ``#ref-N``; markers citing nothing stay plain text."""
    text, pieces = body or "", []
    cursor = 0
    for marker in find_citations(text):
        if marker.problem:
            continue
        pieces.append(text[cursor : marker.start])
        pieces.append("@@cite" + "".join(f"-{n}" for n in marker.numbers) + "@@")
        cursor = marker.end
    pieces.append(text[cursor:])
    html = _md.render("".join(pieces))
    citations: dict[int, list[str]] = {}

    def link(match: re.Match[str]) -> str:
        numbers = [int(n) for n in match.group(1).strip("-").split("-")]
        links = []
        for number in numbers:
            if number not in reference_numbers:
                links.append(f'<span class="cite-missing">{number}</span>')
                continue
            anchor = f"cite-{number}-{len(citations.setdefault(number, [])) + 1}"
            citations[number].append(anchor)
            links.append(f'<a href="#ref-{number}" id="{anchor}" class="cite">{number}</a>')
        return '<sup class="citation">[' + ", ".join(links) + "]</sup>"

    return RenderedBody(html=sanitise(_PLACEHOLDER.sub(link, html)), citations=citations)


def plain_text(html: str) -> str:
    """Text of rendered HTML, for search documents and summaries."""
    spaced = re.sub(r"</(p|li|h[2-6]|td|th|blockquote|pre)>|<br\s*/?>", " ", html)
    text = nh3.clean(spaced, tags=set())
    return re.sub(r"\s+", " ", text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")).strip()
