"""Read an article file in either import format (DESIGN.md, "Article file format").

1. Markdown: a ``---`` front-matter block (title required; topic, audience, summary, slug),
   the body, and a final ``## References`` section of numbered reference lines.
2. The plain-text page format of the seed pages: the title on the first line, site chrome
   around the text, bare trailing numbers as citation markers, and a ``References`` block of
   type / title / source-and-year line groups. The page's own "Reviewed by …" line is not body
   text: it is kept as ``source_review_claim``, outside provenance for the revision's record
   (``articles.trust.provenance_record``), never a credit of our board.

3. HTML: a page or fragment (``.html`` / ``.htm``, or text that starts like HTML), converted to
   the Markdown format by ``articles.htmlformat``; its line numbers count lines of that Markdown.

All give a ``ParsedArticle`` whose reference entries are reference lines of one shape
(``[Kind] Authors. Title. Source. Year;details. identifiers``), so one reference parser
serves both. Malformed input raises ``ArticleFileError`` naming the file line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from articles.citations import convert_bare_markers
from articles.htmlformat import html_to_markdown, looks_like_html
from articles.validation.references import KIND_LABELS

FRONT_MATTER_KEYS = frozenset({"title", "topic", "audience", "summary", "slug"})
AUDIENCES = frozenset({"clinician", "patient"})


class ArticleFileError(ValueError):
    """The file cannot be read as an article; ``line`` is the 1-based file line at fault."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ParsedReferenceEntry:
    number: int
    text: str
    line: int
    kind_label: str | None = None


@dataclass(frozen=True)
class ParsedArticle:
    """An article read from a file; body line L is file line ``body_line + L - 1``."""

    title: str
    body: str
    body_line: int
    format: str
    topic: str | None = None
    audience: str | None = None
    summary: str = ""
    slug: str | None = None
    references: list[ParsedReferenceEntry] = field(default_factory=list)
    # The page's own "Reviewed by …" line: outside provenance, never a credit of our board.
    source_review_claim: str = ""


HTML_SUFFIXES = (".html", ".htm")


def parse_article_file(path: str | Path) -> ParsedArticle:
    """Read and parse an article file; unreadable or malformed files raise ArticleFileError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ArticleFileError(1, f"cannot read the file: {exc.strerror or exc}") from exc
    return parse_article_bytes(data, name=str(path))


def parse_article_bytes(data: bytes, *, name: str = "") -> ParsedArticle:
    """Parse an article file's bytes; ``name``'s extension picks HTML, else the text decides."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ArticleFileError(line, "the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleFileError(line, "the file is not UTF-8 text") from exc
    return parse_article_text(text, html=name.lower().endswith(HTML_SUFFIXES))


def parse_article_text(text: str, *, html: bool = False) -> ParsedArticle:
    """Parse article text: front matter means the Markdown format, HTML (by ``html`` or by its
    look) the HTML format, else the page format."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleFileError(1, "the file is empty")
    if html or looks_like_html(text):
        return _parse_html(text)
    lines = text.split("\n")
    if lines[0].strip() == "---":
        return _parse_markdown(lines)
    return _parse_page(lines)


def _parse_html(text: str) -> ParsedArticle:
    title, markdown = html_to_markdown(text)
    if not title:
        raise ArticleFileError(1, "the HTML page has no title: give it an <h1> or a <title>")
    parsed = _parse_markdown(markdown.split("\n"))
    return replace(parsed, format="html")


# --- Markdown format ---------------------------------------------------------------------

_REFERENCES_HEADING = re.compile(r"^#{1,3}\s*references\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?P<n>[0-9]+)[.)]\s+(?P<text>\S.*)$")
_KIND_LABEL = re.compile(r"^\[(?P<label>[^\]]+)\]")


def _parse_markdown(lines: list[str]) -> ParsedArticle:
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ArticleFileError(1, "the front matter that starts here is never closed with ---")
    meta = _front_matter(lines[1:end])
    if not meta.get("title"):
        raise ArticleFileError(1, "the front matter has no title")
    heading = max((i for i in range(end + 1, len(lines)) if _REFERENCES_HEADING.match(lines[i])), default=None)
    body_end = heading if heading is not None else len(lines)
    body, body_line = _trim_body(lines[end + 1 : body_end], first_line=end + 2)
    _require_body(body, line=(heading + 1) if heading is not None else end + 2)
    references = _markdown_references(lines, heading) if heading is not None else []
    return ParsedArticle(
        title=meta["title"],
        topic=meta.get("topic") or None,
        audience=meta.get("audience"),
        summary=meta.get("summary", ""),
        slug=meta.get("slug") or None,
        body=body,
        body_line=body_line,
        references=references,
        format="markdown",
    )


def _front_matter(lines: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for offset, line in enumerate(lines, start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon:
            raise ArticleFileError(offset, f"front matter line {line.strip()!r} is not 'key: value'")
        if key not in FRONT_MATTER_KEYS:
            known = ", ".join(sorted(FRONT_MATTER_KEYS))
            raise ArticleFileError(offset, f"unknown front matter key {key!r} (known: {known})")
        value = value.strip().strip("\"'").strip()
        if key == "audience":
            value = value.lower()
            if value not in AUDIENCES:
                raise ArticleFileError(offset, f"unknown audience {value!r} (clinician or patient)")
        meta[key] = value
    return meta


def _markdown_references(lines: list[str], heading: int) -> list[ParsedReferenceEntry]:
    """Numbered reference lines; an unnumbered line right under an entry (indented or not)
    continues it, as when an entry is wrapped over several lines."""
    entries: list[ParsedReferenceEntry] = []
    for index in range(heading + 1, len(lines)):
        line, number = lines[index], index + 1
        if not line.strip():
            continue
        match = _NUMBERED.match(line)
        if match is None:
            if entries and (line[:1].isspace() or not _was_blank(lines, index)):
                last = entries.pop()
                entries.append(
                    ParsedReferenceEntry(last.number, f"{last.text} {line.strip()}", last.line, last.kind_label)
                )
                continue
            raise ArticleFileError(number, "a reference line must start with its number, as in '1. '")
        entries.append(_numbered_entry(match, number, expected=len(entries) + 1, seen=entries))
    return entries


def _was_blank(lines: list[str], index: int) -> bool:
    return index == 0 or not lines[index - 1].strip()


def _numbered_entry(match, line: int, *, expected: int, seen) -> ParsedReferenceEntry:
    n = int(match.group("n"))
    if any(entry.number == n for entry in seen):
        raise ArticleFileError(line, f"reference {n} is numbered twice")
    if n != expected:
        raise ArticleFileError(line, f"reference numbered {n} where {expected} was expected")
    text = match.group("text").strip()
    label = _KIND_LABEL.match(text)
    return ParsedReferenceEntry(n, text, line, label.group("label").strip() if label else None)


def _trim_body(lines: list[str], *, first_line: int) -> tuple[str, int]:
    """Drop blank lines around the body, keeping the file line of its first line."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(line.rstrip() for line in lines[start:end]), first_line + start


# --- Page format ------------------------------------------------------------------------

# Lines of site chrome: the review stepper, dates, personalisation prompts, badges.
_CHROME = re.compile(
    r"^(?:Medical Advisory Board.*|Educational purpose only\b.*|Article Review Status"
    r"|Submitted|Under Review|Approved|Last updated:.*|Personalize|Help us tailor your experience"
    r"|Which best describes you\?.*|View editorial policy|Reviewed by .+ [\u2014\u2013-] .+)$",
    re.IGNORECASE,
)
_REVIEW_CLAIM = re.compile(r"^Reviewed by .+ [\u2014\u2013-] .+$", re.IGNORECASE)
# Everything from one of these lines on is not the article (disclaimer, sales prompt).
_TAIL = re.compile(r"^(?:Professional Medical Disclaimer|Have a follow-up question\?)$", re.I)
_SOURCE_YEAR = re.compile(r"^(?P<source>.*?)[\s,]+(?P<year>[0-9]{4})\.?$")


def _parse_page(lines: list[str]) -> ParsedArticle:
    title, title_index = _page_title(lines)
    if not title:
        raise ArticleFileError(1, "the first line must be the title")
    stop = next((i for i, line in enumerate(lines) if _TAIL.match(line.strip())), len(lines))
    heading = next((i for i in range(1, stop) if lines[i].strip() == "References"), None)
    body_end = heading if heading is not None else stop
    # Chrome lines (and a section label above the title) become blank rather than vanish, so
    # body line numbers stay file lines.
    kept = [_page_body_line(line, title) for line in lines[1:body_end]]
    body, body_line = _trim_body(kept, first_line=2)
    _require_body(body, line=min(title_index + 2, len(lines)))
    references = _page_references(lines, heading + 1, stop) if heading is not None else []
    claim = next((line.strip() for line in lines[1:stop] if _REVIEW_CLAIM.match(line.strip())), "")
    return ParsedArticle(
        title=title, body=body, body_line=body_line, references=references, format="page",
        source_review_claim=claim,
    )  # fmt: skip


def _require_body(body: str, *, line: int) -> None:
    """An article is its text: a file with a title and nothing else is refused, not imported empty."""
    if not body.strip():
        raise ArticleFileError(line, "the article has no body text (only a title was found)")


def _page_title(lines: list[str]) -> tuple[str, int]:
    """The title and its line index: the first line, unless that is a short section label (a
    site's category such as "Cardiology Imaging") directly above a longer heading-like line,
    which is then the article's own title."""
    first = lines[0].strip()
    filled = ((i, lines[i].strip()) for i in range(1, len(lines)) if lines[i].strip())
    following = next(((i, text) for i, text in filled if not _CHROME.match(text)), None)
    if following is None or not _is_section_label(first):
        return first, 0
    index, text = following
    words = len(text.split())
    if _is_heading(text) and words >= _TITLE_MIN_WORDS and words > 2 * len(first.split()):
        return text, index
    return first, 0


def _is_section_label(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _LABEL_MAX_WORDS and not text.endswith(("?", ".", ":")) and not _DIGIT.search(text)


def _is_heading(text: str) -> bool:
    """A line of the page that stands as a heading: short, capitalised, not a sentence, list item
    or label-and-text line, and not ending in a number (which would be a citation marker)."""
    words = text.split()
    if not 0 < len(words) <= _HEADING_MAX_WORDS or len(text) > _HEADING_MAX_CHARS:
        return False
    if text.endswith((".", ":", ";", ",", "!")) or text[-1].isdigit() or not text[0].isupper():
        return False
    return not _LIST_START.match(text)


_LABEL_MAX_WORDS = 3
_TITLE_MIN_WORDS = 5
_HEADING_MAX_WORDS = 20
_HEADING_MAX_CHARS = 160
_DIGIT = re.compile(r"[0-9]")
_LIST_START = re.compile(r"^(?:[-*+•·●▪◦]\s|[0-9]+[.)]\s)")


def _page_body_line(line: str, title: str) -> str:
    stripped = line.strip()
    if _CHROME.match(stripped) or stripped == title:
        return ""
    if line.rstrip() == stripped and _is_heading(stripped):
        return f"## {stripped}"  # a heading of the page, unindented on a line of its own
    line = re.sub(r"^(\s*)[•·●▪◦]\s+", r"\1- ", line)
    return convert_bare_markers(line)


def _page_references(lines: list[str], start: int, stop: int) -> list[ParsedReferenceEntry]:
    """Read each reference as its type line, its title (on one line or wrapped over several),
    then its source-and-year line: the last line before the next type line."""
    filled = [(i + 1, lines[i].strip()) for i in range(start, stop) if lines[i].strip()]
    groups: list[list[tuple[int, str]]] = []
    for line, text in filled:
        if text.lower() in KIND_LABELS:
            groups.append([(line, text)])
        elif not groups:
            raise ArticleFileError(line, f"expected a reference type such as Research, not {text!r}")
        else:
            groups[-1].append((line, text))
    entries = []
    for group in groups:
        (line, label), rest = group[0], [text for _, text in group[1:]]
        if len(rest) < 2:
            raise ArticleFileError(line, "a reference needs a type, a title and a source line")
        text = _page_reference_text(label, " ".join(rest[:-1]), rest[-1])
        entries.append(ParsedReferenceEntry(len(entries) + 1, text, line, label))
    return entries


def _page_reference_text(label: str, title: str, source_line: str) -> str:
    match = _SOURCE_YEAR.match(source_line)
    source, year = (match.group("source"), match.group("year")) if match else (source_line, "")
    parts = [f"[{label}]", _sentence(title), _sentence(source.rstrip(", "))]
    if year:
        parts.append(f"{year}.")
    return " ".join(parts)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."
