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
