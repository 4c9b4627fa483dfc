"""Identifiers written under the wrong label (issue 13, point 3).

The reference parser reads what an identifier *is* ("PMID: PMC1234567" is a PMCID, and is
stored as one), because its form is unambiguous. The label was still wrong, and a wrong label
is how a copied identifier goes astray, so the ``identifier-mislabelled`` rule reports it from
the reference as written (its ``raw`` text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from articles.validation.base import Context

_MISLABELLED = (
    (re.compile(r"\b(?:PMID|PubMed\s?ID)\s*:?\s*(PMC[0-9]+)\b", re.IGNORECASE), "PMCID", "PMID"),
    (re.compile(r"\b(?:PMID|PubMed\s?ID)\s*:?\s*(10\.[0-9]{4,9}/\S+)", re.IGNORECASE), "DOI", "PMID"),
    (re.compile(r"\bPMC\s?ID\s*:?\s*(10\.[0-9]{4,9}/\S+)", re.IGNORECASE), "DOI", "PMCID"),
    (re.compile(r"\bDOI\s*:?\s*(PMC[0-9]+)\b", re.IGNORECASE), "PMCID", "DOI"),
)


_LABELS = re.compile(r"PMID|PubMed|PMC|DOI\s*:?\s*PMC", re.IGNORECASE)


def identifier_mislabelled(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """A reference writes one kind of identifier under another kind's label."""
    for ref in ctx.references:
        raw = ref.get("raw") or ""
        if not _LABELS.search(raw):
            continue
        for pattern, kind, label in _MISLABELLED:
            match = pattern.search(raw)
            if match is None:
                continue
            line = ctx.ref_line(ref["number"])
            at = f" (line {line})" if line else ""
            value = match.group(1).rstrip(".,;")
            yield (
                ref["number"],
                line,
                f'Reference {ref["number"]}{at}: "{match.group(0).rstrip(".,;")}" is a {kind} written as a {label}; '
                f"it is read as {kind} {value}, so label it {kind}",
            )
