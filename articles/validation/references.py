"""Parse one reference line into its fields.

The line has the shape (DESIGN.md, "Article file format")::

    [Kind] Authors. Title. Source. Year;vol(issue):pages. doi:… PMID: … PMCID: … ISBN … URL

Authors, details and identifiers are optional; the seed page format has no authors
(``[Research] Title. Source. 1989.``). Parsing never raises: what cannot be found is left
empty so the rules can report it. An identifier that fails normalisation is kept as written,
so the ``identifier-invalid`` rule (which re-normalises) sees it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from articles.validation import identifiers

# Kind labels as authors write them, mapped to articles.models.Reference.Kind values.
KIND_LABELS = {
    "guideline": "guideline",
    "guidelines": "guideline",
    "practice guideline": "guideline",
    "systematic review": "systematic_review",
    "meta-analysis": "systematic_review",
    "systematic review and meta-analysis": "systematic_review",
    "rct": "rct",
    "randomized controlled trial": "rct",
    "randomised controlled trial": "rct",
    "trial": "rct",
    "cohort": "cohort",
    "cohort study": "cohort",
    "case report": "case_report",
    "case series": "case_report",
    "animal study": "animal_study",
    "animal": "animal_study",
    "expert opinion": "expert_opinion",
    "research": "research",
    "review": "other",
    "other": "other",
}
KINDS = frozenset(KIND_LABELS.values())

_KIND = re.compile(r"^\s*\[(?P<label>[^\]]{1,60})\]\s*")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# Checked in order; the first match of a kind wins. A resolver host without its scheme
# ("doi.org/10...", any case) is read before the "doi" label, which it contains.
_IDENTIFIER_PATTERNS = (
    ("doi", re.compile(r"(?<![\w/.])(?P<v>(?:dx\.|www\.)?doi\.org/\S+)", re.IGNORECASE)),
    ("doi", re.compile(r"\b(?:info:doi/|urn:doi:)(?P<v>\S+)", re.IGNORECASE)),
    ("doi", re.compile(r"\bdoi\s*:?\s*(?P<v>\S+)", re.IGNORECASE)),
    ("doi", re.compile(r"(?<![\w/])(?P<v>10\.[0-9]{4,9}/\S+)")),
    ("pmcid", re.compile(r"\bPMC\s?ID\s*:?\s*(?P<v>\S+)", re.IGNORECASE)),
    # A PMCID under a PMID label is still a PMCID (the identifier-mislabelled rule says so).
    ("pmcid", re.compile(r"\b(?:PMID|PubMed\s?ID)\s*:?\s*(?P<v>PMC[0-9]+)\b", re.IGNORECASE)),
    ("pmcid", re.compile(r"\b(?P<v>PMC[0-9]+)\b", re.IGNORECASE)),
    ("pmid", re.compile(r"\b(?:PMID|PubMed\s?ID)\s*:?\s*(?P<v>\S+)", re.IGNORECASE)),
    ("isbn", re.compile(r"\bISBN(?:-1[03])?\s*:?\s*(?P<v>[0-9][0-9Xx\- ]{8,17}[0-9Xx])")),
    ("issn", re.compile(r"\be?ISSN\s*:?\s*(?P<v>[0-9]{4}-?[0-9]{3}[0-9Xx]\S*)", re.IGNORECASE)),
)
_SEGMENT_SPLIT = re.compile(r"(?<=[.?!])\s+(?=\S)")
_YEAR_SEGMENT = re.compile(
    r"^(?P<year>[0-9]{4})(?:\s+[A-Z][a-z]{2,8}(?:\s+[0-9]{1,2})?)?"
    r"\s*(?:[;:,]\s*(?P<details>.*?))?\s*\.?$"
)
_YEAR_AT_END = re.compile(
    r"^(?P<source>.*?)[\s,]+(?P<year>[0-9]{4})(?:\s+[A-Z][a-z]{2,8})?"
    r"\s*(?:[;:]\s*(?P<details>.*?))?\s*\.?$"
)
_AUTHORS = re.compile(r"^(?:[A-Z][\w'\-]+(?:\s[A-Z][\w'\-]+)*\s[A-Z]{1,3}(?:,\s*|$))+|\bet al\b", re.UNICODE)


@dataclass(frozen=True)
class ParsedReference:
    """The fields of one reference; empty strings and None mean "not given"."""

    number: int
    kind: str
    authors: str
    title: str
    source: str
    year: int | None
    details: str
    doi: str
    pmid: str
    pmcid: str
    isbn: str
    issn: str
    url: str
    raw: str

    def as_dict(self) -> dict:
        """The shape stored in ``ArticleRevision.references`` and on ``Reference`` rows."""
        return asdict(self)


# The fields of a stored reference (``ArticleRevision.references`` dicts and ``Reference`` rows), in order.
REFERENCE_FIELDS = tuple(f.name for f in fields(ParsedReference))


def kind_for_label(label: str | None) -> str:
    """Map a written kind label ("Research", "Systematic review") to a Reference.Kind value."""
    if not label:
        return "other"
    return KIND_LABELS.get(" ".join(label.lower().replace("_", " ").split()), "other")


def parse_reference(text: str, *, number: int) -> ParsedReference:
    """Parse one reference line; never raises, leaving missing fields empty."""
    raw = text.strip()
    rest = raw
    label = None
    kind_match = _KIND.match(rest)
    if kind_match:
        label = kind_match.group("label")
        rest = rest[kind_match.end() :]
    found, rest = _extract_identifiers(rest)
    authors, title, source, year, details = _split_bibliographic(rest)
    return ParsedReference(
        number=number,
        kind=kind_for_label(label),
        authors=authors,
        title=title,
        source=source,
        year=year,
        details=details,
        raw=raw,
        **{key: found.get(key, "") for key in identifiers.IDENTIFIER_FIELDS},
    )


def _extract_identifiers(text: str) -> tuple[dict[str, str], str]:
    """Pull identifiers out of the text; return them (normalised when valid) and the rest."""
    found: dict[str, str] = {}
    for match in list(_URL.finditer(text)):
        value = match.group(0)
        key = _url_kind(value)
        if key not in found:
            found[key] = _normalise_or_keep(key, value)
        text = text.replace(value, " ", 1)
    for key, pattern in _IDENTIFIER_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        if key not in found:
            found[key] = _normalise_or_keep(key, match.group("v"))
        text = text[: match.start()] + " " + text[match.end() :]
    return found, " ".join(text.split())


def _url_kind(url: str) -> str:
    lowered = url.lower()
    if "doi.org/" in lowered:
        return "doi"
    if "/pmc/articles/" in lowered or "pmc.ncbi.nlm.nih.gov/" in lowered:
        return "pmcid"
    if "pubmed" in lowered:
        return "pmid"
    return "url"


def _normalise_or_keep(key: str, value: str) -> str:
    try:
        return identifiers.NORMALIZERS[key](value)
    except identifiers.IdentifierError:
        return identifiers.strip_trailing_punctuation(value.strip())


def _split_bibliographic(text: str) -> tuple[str, str, str, int | None, str]:
    """Split "Authors. Title. Source. Year;details." into its parts."""
    segments = [s.strip() for s in _SEGMENT_SPLIT.split(text.strip()) if s.strip(" .")]
    year, details = None, ""
    for index in range(len(segments) - 1, -1, -1):
        match = _YEAR_SEGMENT.match(segments[index])
        if match:
            year, details = int(match.group("year")), (match.group("details") or "").strip(" .")
            segments = segments[:index]
            break
    else:
        if segments:
            match = _YEAR_AT_END.match(segments[-1])
            if match and match.group("source").strip():
                year = int(match.group("year"))
                details = (match.group("details") or "").strip(" .")
                segments[-1] = match.group("source")
    authors = ""
    if len(segments) >= 2 and _AUTHORS.search(segments[0].rstrip(".")):
        authors = segments.pop(0)
    title, source = "", ""
    if len(segments) == 1:
        title = segments[0]
    elif segments:
        title, source = " ".join(segments[:-1]), segments[-1]
    return _tidy(authors), _tidy(title), _tidy(source), year, details


def _tidy(value: str) -> str:
    return value.strip().rstrip(".").strip()
