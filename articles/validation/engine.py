"""Run every rule over one article and collect the findings into a ``Report``.

``validate`` is pure apart from the optional resolver (Crossref / NCBI lookups, see
``resolvers.py``), which is asked once per article for all its references.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from articles.citations import Marker, find_citations
from articles.validation.base import ERROR, INFO, WARNING, Context, Finding, Resolution
from articles.validation.references import REFERENCE_FIELDS
from articles.validation.rules import RULES
from articles.validation.source_rules import SOURCE_RULES

# What a report keeps of each reference: enough to name and look it up, not its full text.
REPORTED_REFERENCE_FIELDS = tuple(name for name in REFERENCE_FIELDS if name not in ("authors", "details", "raw"))
_TEXT_FIELDS = tuple(name for name in REFERENCE_FIELDS if name not in ("number", "year"))
_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


class Resolver(Protocol):
    def resolve(self, *, references: list[dict]) -> dict[int, Resolution]: ...


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    references: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    resolvers_used: bool = False

    def _count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    @property
    def errors(self) -> int:
        return self._count(ERROR)

    @property
    def warnings(self) -> int:
        return self._count(WARNING)

    @property
    def infos(self) -> int:
        return self._count(INFO)

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    def as_dict(self) -> dict:
        """The JSON shape of issue 3: references, citations, findings and summary."""
        return {
            "references": [{name: ref.get(name) for name in REPORTED_REFERENCE_FIELDS} for ref in self.references],
            "citations": self.citations,
            "findings": [finding.as_dict() for finding in self.findings],
            "summary": {"errors": self.errors, "warnings": self.warnings, "infos": self.infos},
        }


def validate(
    *,
    body: str,
    references: list[dict],
    body_line: int = 1,
    reference_lines: dict[int, int] | None = None,
    year: int | None = None,
    resolver: Resolver | None = None,
    audience: str | None = None,
) -> Report:
    """Check an article's body and references against every rule; never raises on bad input.

    ``body_line`` is the file line of the body's first line and ``reference_lines`` maps a
    reference number to its file line, so findings name file lines. ``year`` is the check
    year (today's by default); ``audience`` "patient" adds the plain-language rules.
    Findings come sorted by severity, then line.
    """
    markers = find_citations(body or "")
    references = [_clean(ref) for ref in references if isinstance(ref.get("number"), int)]
    ctx = Context(
        body=body or "",
        markers=markers,
        references=references,
        body_line=body_line,
        reference_lines=reference_lines or {},
        year=year or datetime.date.today().year,
        max_age_guideline=settings.REFERENCE_MAX_AGE_GUIDELINE,
        max_age_other=settings.REFERENCE_MAX_AGE_OTHER,
        resolutions=resolver.resolve(references=references) if resolver and references else {},
        audience=audience,
        reading_grade_target=settings.READING_GRADE_TARGET,
        long_sentence_words=settings.READING_LONG_SENTENCE_WORDS,
    )
    findings = [
        Finding(rule.id, rule.severity, reference, line, message)
        for rule in (*RULES, *SOURCE_RULES)
        for reference, line, message in rule.check(ctx)
    ]
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.line or 0, f.reference or 0))
    return Report(
        findings=findings,
        references=references,
        citations=[_citation(marker, body_line) for marker in markers],
        resolvers_used=resolver is not None,
    )


def _clean(ref: dict) -> dict:
    """Stored references may come from older revisions or hand edits: coerce field types so
    a wrong type becomes a finding (e.g. reference-incomplete), never an exception."""
    clean = {name: ref.get(name) for name in ref}
    for name in _TEXT_FIELDS:
        value = clean.get(name)
        clean[name] = value.strip() if isinstance(value, str) else ""
    year = clean.get("year")
    if isinstance(year, str) and year.strip().isascii() and year.strip().isdigit():
        year = int(year)
    clean["year"] = year if isinstance(year, int) and not isinstance(year, bool) else None
    return clean


def _citation(marker: Marker, body_line: int) -> dict:
    return {
        "marker": marker.text,
        "numbers": list(marker.numbers),
        "line": body_line + marker.line - 1,
    }
