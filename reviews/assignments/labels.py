"""What kind of round an assignment belongs to, as the reviewer reads it in the invitation and the lists.

One read computes it for many assignments in two queries: the article's re-review steps and the
revisions the board decided on. The labels:

- "re-review (evidence)": the round the evidence watch started (a cited work retracted or under concern);
- "re-review (scheduled)": any other re-review of an approved article (the schedule, or an editor);
- "changes since revision N": a later revision of an article the board reviewed at revision N;
- "new article": the first round.
"""

from collections.abc import Iterable

from reviews.models import REREVIEW_EVIDENCE_REASON, Review, ReviewAssignment, TransitionLog

NEW_ARTICLE = "new article"
REREVIEW_SCHEDULED = "re-review (scheduled)"
REREVIEW_EVIDENCE = "re-review (evidence)"


def round_labels(*, assignments: Iterable[ReviewAssignment]) -> dict[int, str]:
    """Assignment pk → its round label, for any number of assignments in two queries."""
    rows = list(assignments)
    if not rows:
        return {}
    articles = {a.article_id for a in rows}
    rereviews: dict[tuple[int, int], list] = {}
    logs = TransitionLog.objects.filter(article_id__in=articles, transition="start_rereview").order_by("at", "pk")
    for article_id, revision, at, reason in logs.values_list("article_id", "revision", "at", "reason"):
        rereviews.setdefault((article_id, revision), []).append((at, reason))
    decided: dict[int, list[tuple[int, int]]] = {}
    reviews = Review.objects.filter(article_id__in=articles).values_list("article_id", "reviewer_id", "revision")
    for article_id, reviewer_id, revision in reviews:
        decided.setdefault(article_id, []).append((reviewer_id, revision))
    return {a.pk: _label(a, rereviews.get((a.article_id, a.revision), []), decided.get(a.article_id, [])) for a in rows}


def round_label(*, assignment: ReviewAssignment) -> str:
    """The round label of one assignment (the invitation email's)."""
    return round_labels(assignments=[assignment])[assignment.pk]


def _label(assignment: ReviewAssignment, rereviews: list, decided: list[tuple[int, int]]) -> str:
    started = [reason for at, reason in rereviews if at <= assignment.assigned_at]
    if started:
        return REREVIEW_EVIDENCE if started[-1].startswith(REREVIEW_EVIDENCE_REASON) else REREVIEW_SCHEDULED
    # The reviewer's own last decided revision first (what their page diffs against), else the board's.
    earlier = [rev for who, rev in decided if who == assignment.reviewer_id and rev < assignment.revision] or [
        rev for _, rev in decided if rev < assignment.revision
    ]
    return f"changes since revision {max(earlier)}" if earlier else NEW_ARTICLE
