"""What the metadata rules share: the references a registry answered for, the one comparison of an
entered value with the registered one, and the finding that names what the registry gives.

``rules.metadata_mismatch`` (title, year) and ``source_rules.metadata_author_mismatch`` and
``metadata_journal_mismatch`` stand on these, so every metadata finding reads and compares alike.
"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz

from articles.validation.base import Context, Resolution, _at

# Two normal forms at or above this rapidfuzz ratio are the same value (REFERENCES.md §7: acute/chronic is 89).
SAME_VALUE_SIMILARITY = 90


def answered(ctx: Context) -> Iterator[tuple[dict, Resolution, int | None]]:
    """Each reference a registry answered for (a record was found), with its resolution and file line."""
    for ref in ctx.references:
        resolution = ctx.resolutions.get(ref["number"])
        if resolution is not None and resolution.ok:
            yield ref, resolution, ctx.ref_line(ref["number"])


def alike(entered: str, registered: str, *, similarity: int = SAME_VALUE_SIMILARITY) -> bool:
    """Two normal forms name the same thing: equal, or nearly (a typo, a dropped word)."""
    return entered == registered or fuzz.ratio(entered, registered) >= similarity


def registry_gives(ref: dict, resolution: Resolution, line: int | None, what: str) -> tuple[int, int | None, str]:
    """The finding "Reference 3 (line 12): Crossref gives the <what>" on reference ``ref``."""
    return ref["number"], line, f"Reference {ref['number']}{_at(line)}: {resolution.source} gives the {what}"
