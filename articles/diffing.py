"""Differences between two revisions: text fields word by word, references by identity."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from articles.models import ArticleRevision
from articles.validation.identifiers import WORK_IDENTIFIERS
from articles.validation.references import REFERENCE_FIELDS

_TOKEN = re.compile(r"\s+|[^\s]+")
_COMPARED = tuple(name for name in REFERENCE_FIELDS if name not in ("number", "raw"))


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged ("equal"), only in the new text ("insert") or only in the old ("delete")."""

    op: str
    text: str


@dataclass(frozen=True)
class ReferenceChange:
    number: int
    old: dict | None
    new: dict | None
    fields: tuple[str, ...] = ()


@dataclass
class RevisionDiff:
    old: int
    new: int
    title: list[Segment]
    summary: list[Segment]
    body: list[Segment]
    references_added: list[ReferenceChange] = field(default_factory=list)
    references_removed: list[ReferenceChange] = field(default_factory=list)
    references_changed: list[ReferenceChange] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        text_changed = any(s.op != "equal" for s in (*self.title, *self.summary, *self.body))
        return text_changed or bool(self.references_added or self.references_removed or self.references_changed)

    def as_dict(self) -> dict:
        def segs(items):
            return [{"op": s.op, "text": s.text} for s in items]

        def refs(items):
            return [{"number": c.number, "old": c.old, "new": c.new, "fields": list(c.fields)} for c in items]

        return {
            "old": self.old,
            "new": self.new,
            "title": segs(self.title),
            "summary": segs(self.summary),
            "body": segs(self.body),
            "references": {
                "added": refs(self.references_added),
                "removed": refs(self.references_removed),
                "changed": refs(self.references_changed),
            },
        }


def word_diff(old: str, new: str) -> list[Segment]:
    """Word-level diff; white space travels with the words so the text reassembles exactly.

    A lone space between two changed words joins them, so "usual first" → "standard initial"
    reads as one replacement rather than two.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    chunks: list[list] = []  # [deleted, inserted, equal]
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            chunks.append(["", "", removed])
        elif chunks and not chunks[-1][2].strip() and chunks[-1][2] and len(chunks) > 1 and chunks[-2][2] == "":
            space = chunks.pop()[2]
            chunks[-1][0] += space + removed
            chunks[-1][1] += space + added
        elif chunks and chunks[-1][2] == "":
            chunks[-1][0] += removed
            chunks[-1][1] += added
        else:
            chunks.append([removed, added, ""])
    out: list[Segment] = []
    for removed, added, equal in chunks:
        _append(out, "delete", removed)
        _append(out, "insert", added)
        _append(out, "equal", equal)
    return out


def _append(out: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))


def _identity(ref: dict) -> str:
    for name in WORK_IDENTIFIERS:
        if ref.get(name):
            return f"{name}:{str(ref[name]).lower()}"
    title = re.sub(r"\W+", " ", (ref.get("title") or ref.get("raw") or "").lower()).strip()
    return f"title:{title}:{ref.get('year')}"


def reference_changes(old: list[dict], new: list[dict]) -> tuple[list, list, list]:
    """Match references by identifier (else title and year), so renumbering is a change, not a swap."""
    old_by_id = {_identity(r): r for r in old}
    new_by_id = {_identity(r): r for r in new}
    added, removed, changed = [], [], []
    unmatched_old = [r for key, r in old_by_id.items() if key not in new_by_id]
    unmatched_new = [r for key, r in new_by_id.items() if key not in old_by_id]
    # A reference whose identifying fields were corrected keeps its number: pair those up.
    old_by_number = {r["number"]: r for r in unmatched_old}
    for ref in unmatched_new:
        previous = old_by_number.pop(ref["number"], None)
        if previous is None:
            added.append(ReferenceChange(ref["number"], None, ref))
        else:
            changed.append(ReferenceChange(ref["number"], previous, ref, _changed_fields(previous, ref)))
    removed = [ReferenceChange(r["number"], r, None) for r in old_by_number.values()]
    for key, ref in new_by_id.items():
        previous = old_by_id.get(key)
        if previous is not None:
            fields = _changed_fields(previous, ref) + (("number",) if previous["number"] != ref["number"] else ())
            if fields:
                changed.append(ReferenceChange(ref["number"], previous, ref, fields))
    return (
        sorted(added, key=lambda c: c.number),
        sorted(removed, key=lambda c: c.number),
        sorted(changed, key=lambda c: c.number),
    )


def _changed_fields(old: dict, new: dict) -> tuple[str, ...]:
    return tuple(name for name in _COMPARED if (old.get(name) or "") != (new.get(name) or ""))


def revision_diff(*, old: ArticleRevision, new: ArticleRevision) -> RevisionDiff:
    """The difference between two revisions of one article."""
    added, removed, changed = reference_changes(old.references, new.references)
    return RevisionDiff(
        old=old.number,
        new=new.number,
        title=word_diff(old.title, new.title),
        summary=word_diff(old.summary, new.summary),
        body=word_diff(old.body, new.body),
        references_added=added,
        references_removed=removed,
        references_changed=changed,
    )


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs (blocks separated by a blank line), stripped, blanks left out."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split((body or "").replace("\r\n", "\n")) if p.strip()]


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph "added", "removed" or "changed"; numbers count paragraphs from 1 in each revision."""

    kind: str
    old_number: int | None
    new_number: int | None
    segments: list[Segment]


@dataclass(frozen=True)
class ChangeSummary:
    paragraphs_added: int
    paragraphs_removed: int
    paragraphs_changed: int
    paragraphs_total: int
    words_added: int
    words_removed: int
    references_added: int
    references_removed: int
    references_changed: int
    title_changed: bool


def paragraph_diff(old: str, new: str) -> list[ParagraphChange]:
    """The paragraphs that differ between two bodies, matched in order; unchanged ones are left out."""
    a, b = paragraphs(old), paragraphs(new)
    out: list[ParagraphChange] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):  # a replaced run: the first paragraphs pair up as edits
            out.append(ParagraphChange("changed", i1 + k + 1, j1 + k + 1, word_diff(a[i1 + k], b[j1 + k])))
        for i in range(i1 + paired, i2):
            out.append(ParagraphChange("removed", i + 1, None, [Segment("delete", a[i])]))
        for j in range(j1 + paired, j2):
            out.append(ParagraphChange("added", None, j + 1, [Segment("insert", b[j])]))
    return out


def _words(segments: list[Segment], op: str) -> int:
    return sum(len(s.text.split()) for s in segments if s.op == op)


def change_summary(*, diff: RevisionDiff, changes: list[ParagraphChange], new_body: str) -> ChangeSummary:
    """Counts for the top of a comparison: paragraphs, words, references and whether the title changed."""
    kinds = [c.kind for c in changes]
    return ChangeSummary(
        paragraphs_added=kinds.count("added"),
        paragraphs_removed=kinds.count("removed"),
        paragraphs_changed=kinds.count("changed"),
        paragraphs_total=len(paragraphs(new_body)),
        words_added=_words(diff.body, "insert"),
        words_removed=_words(diff.body, "delete"),
        references_added=len(diff.references_added),
        references_removed=len(diff.references_removed),
        references_changed=len(diff.references_changed),
        title_changed=any(s.op != "equal" for s in diff.title),
    )
