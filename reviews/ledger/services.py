"""Recording a reviewer's marks on the claim ledger (writes)."""

from django.db import transaction
from django.utils import timezone

from articles.history import history_note
from articles.models import ArticleRevision
from reviews import permissions as perms
from reviews.assignments.decisions import DecisionRefused, StaleRevision
from reviews.exceptions import NotPermitted
from reviews.ledger import selectors as ledger
from reviews.ledger.models import ClaimCheck
from reviews.locking import lock_assignment

MAX_NOTE = 2000


def claim_marks_record(*, assignment, actor, revision: int, marks: dict[str, tuple[str, str]]) -> list[ClaimCheck]:
    """Record the reviewer's ``marks`` (claim key → (mark, note)) on the revision they were shown.

    Who: the assigned reviewer, on an accepted assignment, while the article is under review
    (``perms.can_mark_claims``); NotPermitted otherwise. StaleRevision when the article moved past
    ``revision``; DecisionRefused naming a key that is no claim of the revision, a mark that is not
    one of the three, or a note over 2,000 characters. Nothing is written on a refusal. A mark
    that matches the reviewer's standing one (same mark and note) is not written again, so a
    mark carried from an earlier revision keeps showing where it was made.
    """
    with transaction.atomic():
        article, assignment = lock_assignment(assignment)
        if not perms.can_mark_claims(actor, assignment):
            raise NotPermitted("mark claims", article.status, "only the assigned reviewer, on an accepted assignment")
        if article.revision != revision or assignment.revision != article.revision:
            raise StaleRevision(shown=revision, current=article.revision)
        current = ArticleRevision.objects.get(article=article, number=article.revision)
        rows = {row.claim.key: row for row in ledger.ledger_rows(assignment=assignment, revision=current)}
        _check(marks, rows)
        now, written = timezone.now(), []
        for key, (mark, note) in marks.items():
            row, note = rows[key], note.strip()
            if row.mark == mark and row.note == note and (row.carried or mark == ClaimCheck.Mark.NOT_CHECKED):
                continue
            check = ClaimCheck.objects.filter(assignment=assignment, revision=current.number, claim_key=key).first()
            check = check or ClaimCheck(assignment=assignment, revision=current.number, claim_key=key, article=article)
            check.sentence, check.reference_number = row.claim.sentence, row.claim.number
            check.reference_identity, check.mark, check.note = row.claim.identity, mark, note
            check.marked_by, check.marked_at = actor, now
            history_note(check, actor=actor, reason=f"claim ledger: reference {row.claim.number} marked {mark}")
            check.save()
            written.append(check)
    return written


def _check(marks: dict, rows: dict) -> None:
    unknown = [key for key in marks if key not in rows]
    if unknown:
        raise DecisionRefused(
            f"{len(unknown)} claim(s) are not claims of this revision (the page is out of date?): "
            + ", ".join(key[:12] for key in unknown[:5])
        )
    choices = set(ClaimCheck.Mark.values)
    for key, (mark, note) in marks.items():
        if mark not in choices:
            raise DecisionRefused(
                f"Reference {rows[key].claim.number}: choose supports, does not support or not checked."
            )
        if len(note) > MAX_NOTE:
            raise DecisionRefused(f"Reference {rows[key].claim.number}: the note is over {MAX_NOTE} characters.")
