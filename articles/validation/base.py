"""What every validation rule reads and yields: the article's ``Context``, a ``Finding``, a
registry's ``Resolution`` and the ``Rule`` record. The rule modules (``rules``, ``claims``,
``claim_support``, ``promotion``, ``readability``, ``source_rules`` ...) all stand on this one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from articles.citations import Marker

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    reference: int | None
    line: int | None
    message: str

    @property
    def key(self) -> str:
        """Stable id for acknowledgements and overrides: ``rule:reference:line:digest``.

        The digest of the message tells apart two findings of one rule on one line (two
        uncited doses in one paragraph); "-" stands for a missing reference or line.
        """
        digest = hashlib.sha1(self.message.encode()).hexdigest()[:8]
        ref = "-" if self.reference is None else self.reference
        line = "-" if self.line is None else self.line
        return f"{self.rule}:{ref}:{line}:{digest}"

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "reference": self.reference,
            "line": self.line,
            "message": self.message,
        }


@dataclass(frozen=True)
class Resolution:
    """What a registry said about one reference's identifier."""

    ok: bool
    reason: str = ""
    source: str = ""
    identifier: str = ""
    title: str = ""
    years: tuple[int, ...] = ()
    retracted: bool = False
    notice: str = ""
    # What the notice and source-quality rules read (see notices.py and source_rules.py).
    notices: tuple = ()  # notices.Notice, one per event on the work
    not_found: bool = False  # the registry answered 404 for the identifier
    work_type: str = ""  # Crossref type: "journal-article", "posted-content", ...
    issns: tuple[str, ...] = ()
    journals: tuple[str, ...] = ()  # full and short journal names
    first_author: str = ""  # family name
    published_version: str = ""  # DOI of the journal article a preprint became
    # The NLM Catalog's answer for the journal's ISSNs (None: not asked, or it did not answer).
    catalog_indexed: bool | None = None
    catalog_query: str = ""  # the ESearch term asked of db=nlmcatalog
    catalog_answered_at: str = ""  # when the catalog answered it (ISO 8601)


@dataclass
class Context:
    body: str
    markers: list[Marker]
    references: list[dict]
    body_line: int
    reference_lines: dict[int, int]
    year: int
    max_age_guideline: int
    max_age_other: int
    resolutions: dict[int, Resolution] = field(default_factory=dict)
    audience: str | None = None  # "patient" turns on the readability rules
    reading_grade_target: float = 7.0
    long_sentence_words: int = 25

    def marker_line(self, marker: Marker) -> int:
        return self.body_line + marker.line - 1

    def ref_line(self, number: int) -> int | None:
        return self.reference_lines.get(number)

    def numbers(self) -> set[int]:
        return {ref["number"] for ref in self.references}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    check: Callable[[Context], Iterator[tuple[int | None, int | None, str]]]


def _at(line: int | None) -> str:
    return f" (line {line})" if line else ""
