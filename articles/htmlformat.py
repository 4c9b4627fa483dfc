"""Read an HTML page or fragment as an article (issue 13, point 2).

The page is parsed with selectolax's Lexbor engine (a maintained, spec-conformant HTML5
parser, so a broken page parses the way a browser would read it) and turned into the
Markdown article file format: the ``<h1>`` (or ``<title>``) becomes the title, headings,
paragraphs, lists, tables, links and emphasis become Markdown, ``<sup>`` citation numbers and
links to ``#ref-N`` anchors become ``[n]`` markers, and the reference list comes from the
``<ol>`` under a "References" heading or from ``<li id="ref-N">`` anchors. DOI, PubMed and
PMC links in the list are kept as identifiers. Page chrome (navigation, header, footer,
aside, scripts, forms, cookie banners, share bars, disclaimers) is left out.

``html_to_markdown`` returns that Markdown document, so one parser (``fileformat``) reads
every format and line numbers in findings count lines of the converted document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

_CHROME_TAGS = (
    "nav, header, footer, aside, script, style, noscript, form, button, iframe, svg, template, "
    "select, input, dialog, [hidden], [aria-hidden=true], [role=navigation], [role=banner], "
    "[role=contentinfo], [role=dialog]"
)
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:cookie|consent|gdpr|banner|share|sharing|social|disclaimer|newsletter|breadcrumbs?"
    r"|advert|ads?|promo|related|comments?|sidebar|menu|navigation|navbar|subscribe|popup|modal)(?:$|[\s_-])",
    re.IGNORECASE,
)
_REFERENCES_TITLE = re.compile(
    r"^\s*(?:references|reference list|bibliography|sources|works cited|literature)\s*:?\s*$", re.I
)
# A section under one of these headings is not the article.
_CHROME_SECTION = re.compile(
    r"^\s*(?:(?:professional |medical )*disclaimer|share(?: this)?(?: article| page)?|related (?:articles|topics|posts)"
    r"|comments|newsletter|about the (?:author|clinic)|have a follow-up question\??)\s*:?\s*$",
    re.IGNORECASE,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset({*_HEADINGS, "p", "ul", "ol", "table", "blockquote", "pre", "hr", "dl", "figure"})
_MARKER_TEXT = re.compile(r"^\s*\[?\s*([0-9]+(?:\s*[-\u2013,;]\s*[0-9]+)*)\s*\]?\s*$")
_REF_ANCHOR = re.compile(r"^#(?:ref|cite|bib|r|reference|fn)[-_:]?([0-9]+)$", re.IGNORECASE)
_REF_ID = re.compile(r"^(?:ref|reference|bib|cite-note|r)[-_:]?([0-9]+)$", re.IGNORECASE)
_EXPONENT_BEFORE = re.compile(r"(?:[0-9]|(?<![A-Za-z])(?:m|cm|mm|km|dm|nm|µm|μm|ft|in))$")
_SUPERSCRIPT = str.maketrans("0123456789-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b")
_IDENTIFIER_LINKS = (
    ("doi", re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/(10\..+)$", re.I), "doi:{}"),
    ("pmcid", re.compile(r"/(?:pmc/articles|articles)/(PMC[0-9]+)", re.I), "PMCID: {}"),
    ("pmid", re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov|/pubmed)/([0-9]+)", re.I), "PMID: {}"),
)


def looks_like_html(text: str) -> bool:
    """Whether text is an HTML page or fragment rather than Markdown or page text."""
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html", "<body", "<article", "<main", "<h1", "<div", "<p>", "<p ")) or (
        head.startswith("<") and bool(re.search(r"</(?:p|h1|h2|li|div)>", head))
    )


def html_to_markdown(html: str) -> tuple[str, str]:
    """Return ``(title, markdown document)`` for an HTML page; the title may be empty."""
    tree = LexborHTMLParser(html)
    title = _title(tree)
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    if root is None:
        return title, ""
    _drop_chrome(root)
    references = _reference_list(root)
    body = _MarkdownWriter(title).blocks(root)
    lines = ["---", f"title: {title}"]
    description = tree.css_first('meta[name="description"]')
    if description is not None and (description.attributes.get("content") or "").strip():
        lines.append(f"summary: {_one_line(description.attributes['content'])}")
    lines += ["---", body.strip()]
    if references:
        lines += ["", "## References"] + [f"{number}. {text}" for number, text in references]
    return title, "\n".join(lines) + "\n"


def _title(tree: LexborHTMLParser) -> str:
    heading = tree.css_first("h1")
    if heading is not None and heading.text(strip=True):
        return _one_line(heading.text())
    title = tree.css_first("title")
    text = _one_line(title.text()) if title is not None else ""
    return re.split(r"\s+[|\u2013\u2014]\s+", text)[0] if text else ""


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _drop_chrome(root: LexborNode) -> None:
    for node in root.css(_CHROME_TAGS):
        node.decompose()
    for heading in root.css("h2, h3, h4, h5, h6"):
        if _CHROME_SECTION.match(heading.text() or ""):
            for node in _section_after(heading):
                node.decompose()
            heading.decompose()
    total = len(root.text() or "")
    for node in root.css("[class], [id]"):
        marks = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag in ("li", "ol", "sup", "a") or not _CHROME_WORDS.search(marks):
            continue
        # A wrapper whose class merely mentions comments or sharing may hold the article itself.
        if node.css_first("h1, article, main") is None and len(node.text() or "") < total / 2:
            node.decompose()


# --- the reference list ---------------------------------------------------------------------


def _reference_list(root: LexborNode) -> list[tuple[int, str]]:
    """Find, read and remove the reference list: under a References heading, or by anchors."""
    for heading in root.css(", ".join(_HEADINGS)):
        if _REFERENCES_TITLE.match(heading.text() or ""):
            items = _list_after(heading)
            heading.decompose()
            return items
    anchored = [li for li in root.css("li[id]") if _REF_ID.match(li.attributes.get("id") or "")]
    entries = [(int(_REF_ID.match(li.attributes["id"]).group(1)), _reference_text(li)) for li in anchored]
    for li in anchored:
        parent = li.parent
        li.decompose()
        if parent is not None and parent.tag in ("ol", "ul") and not parent.css("li"):
            parent.decompose()
    return sorted(entries)


def _section_after(heading: LexborNode) -> list[LexborNode]:
    """The sibling nodes after a heading, up to the next heading of any level."""
    section = []
    node = heading.next
    while node is not None and node.tag not in _HEADINGS:
        section.append(node)
        node = node.next
    return section


def _list_after(heading: LexborNode) -> list[tuple[int, str]]:
    """The items of the lists that follow a heading, up to the next heading of any level."""
    items: list[LexborNode] = []
    first: LexborNode | None = None
    section = _section_after(heading)
    for node in section:
        if node.is_element_node:
            for block in [node] if node.tag in ("ol", "ul") else node.css("ol, ul"):
                first = first or block
                items += list(_children(block, "li"))
    entries = [(_start(first) + index, _reference_text(li)) for index, li in enumerate(items)]
    for node in section:
        node.decompose()
    return entries


def _start(block: LexborNode | None) -> int:
    value = (block.attributes.get("start") or "1") if block is not None else "1"
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _reference_text(li: LexborNode) -> str:
    """One reference line: its text, with identifier links written as identifiers."""
    for link in li.css("a"):
        href = (link.attributes.get("href") or "").strip()
        if href.startswith("#") or not href:
            link.decompose()  # a back link to the citation
            continue
        identifier = _identifier(href)
        text = _one_line(link.text())
        if identifier:
            keep = text if identifier.split()[-1].split(":")[-1].lower() in text.lower() else ""
            generic = len(text.split()) <= 3 and not re.search(r"[0-9]", text)
            link.replace_with(f" {identifier} " if generic or not text else f"{text} {identifier if not keep else ''}")
        elif href.startswith(("http://", "https://")) and href not in text:
            link.replace_with(f"{text} {href}")
    return _one_line(li.text())


def _identifier(href: str) -> str:
    for _, pattern, written in _IDENTIFIER_LINKS:
        match = pattern.search(href)
        if match:
            return written.format(match.group(1))
    return ""


def _children(node: LexborNode, tag: str | None = None) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        if tag is None or child.tag == tag:
            yield child
        child = child.next


# --- body to Markdown -------------------------------------------------------------------------


class _MarkdownWriter:
    def __init__(self, title: str):
        self.title = title

    def blocks(self, node: LexborNode, indent: str = "") -> str:
        out: list[str] = []
        inline: list[str] = []

        def flush() -> None:
            text = _one_line("".join(inline))
            if text:
                out.append(indent + text)
            inline.clear()

        for child in _children(node):
            tag = child.tag
            if tag in _BLOCKS or tag in ("div", "section", "article", "main", "li", "dd", "dt"):
                flush()
                block = self.block(child, indent)
                if block.strip():
                    out.append(block)
            elif tag == "br":
                flush()
            else:
                inline.append(self.inline(child))
        flush()
        return "\n\n".join(out)

    def block(self, node: LexborNode, indent: str) -> str:
        tag = node.tag
        if tag in _HEADINGS:
            text = self.inline_children(node)
            if tag == "h1" and _one_line(text) == self.title:
                return ""
            return f"{indent}{'#' * max(2, int(tag[1]))} {_one_line(text)}"
        if tag in ("ul", "ol"):
            return self.list(node, indent)
        if tag == "table":
            return self.table(node, indent)
        if tag == "blockquote":
            return "\n".join(f"{indent}> {line}".rstrip() for line in self.blocks(node).split("\n"))
        if tag == "pre":
            return f"{indent}```\n{node.text()}\n{indent}```"
        if tag == "hr":
            return f"{indent}---"
        if tag == "p":
            return indent + _one_line(self.inline_children(node))
        return self.blocks(node, indent)

    def list(self, node: LexborNode, indent: str) -> str:
        ordered = node.tag == "ol"
        start = int(node.attributes.get("start") or 1) if (node.attributes.get("start") or "1").isdigit() else 1
        lines = []
        for index, item in enumerate(_children(node, "li")):
            bullet = f"{start + index}. " if ordered else "- "
            text = self.blocks(item, indent + " " * len(bullet)).lstrip()
            lines.append(f"{indent}{bullet}{text}")
        return "\n".join(lines)

    def table(self, node: LexborNode, indent: str) -> str:
        rows = [
            [_one_line(self.inline_children(cell)).replace("|", "\\|") for cell in row.css("th, td")]
            for row in node.css("tr")
        ]
        rows = [row for row in rows if row]
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(indent + line for line in lines)

    def cell(self, node: LexborNode) -> str:
        return _one_line(self.inline_children(node)).replace("|", "\\|")

    def inline_children(self, node: LexborNode) -> str:
        return "".join(self.inline(child) for child in _children(node))

    def inline(self, node: LexborNode) -> str:
        tag = node.tag
        if tag == "-text":
            return re.sub(r"\s+", " ", node.text_content or "")
        if tag in ("-comment", None):
            return ""
        if tag == "br":
            return " "
        text = self.inline_children(node)
        if tag in ("em", "i"):
            return _wrap(text, "*")
        if tag in ("strong", "b"):
            return _wrap(text, "**")
        if tag == "code":
            return f"`{text}`"
        if tag == "sup":
            return self.sup(node, text)
        if tag == "a":
            return self.link(node, text)
        return text

    def sup(self, node: LexborNode, text: str) -> str:
        match = _MARKER_TEXT.match(node.text() or "")
        if match is None:
            return text
        before = node.prev.text_content if node.prev is not None and node.prev.tag == "-text" else ""
        if _EXPONENT_BEFORE.search((before or "").rstrip()[-3:]) and not node.css("a"):
            return match.group(1).translate(_SUPERSCRIPT)  # m², 10⁹: an exponent, not a citation
        # The house style writes a space before a marker: "surgery [1]."
        return " [" + re.sub(r"\s*([,;])\s*", r"\1 ", match.group(1)).strip() + "]"

    def link(self, node: LexborNode, text: str) -> str:
        href = (node.attributes.get("href") or "").strip()
        anchor = _REF_ANCHOR.match(href)
        if anchor:
            if node.parent is not None and node.parent.tag == "sup":
                return text
            return f" [{anchor.group(1)}]"
        if href.startswith(("http://", "https://", "mailto:")) and text.strip():
            return f"[{text.strip()}]({href})"
        return text


def _wrap(text: str, mark: str) -> str:
    stripped = text.strip()
    if not stripped:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"
