"""Reads of the claim-source ledger: a reviewer's rows on the review page, the gate's findings, the sign-off rule.

A reviewer's *standing* mark on a claim key is their newest mark on it, on any revision: a mark
carries to a later revision while the sentence and the reference stay the same (the key is the
same), and is shown there as "checked in revision N". A claim whose key the reviewer has not
marked, after they marked claims on an earlier revision, is to be re-checked: its text or its
source changed (or it is new). Each read is a fixed number of queries, whatever the claims.
"""

from dataclasses import dataclass

from articles.claim_keys import CitedClaim, cited_claims
from articles.models import Article, ArticleRevision
from reviews.ledger.models import ClaimCheck
from reviews.models import ReviewAssignment

M = ClaimCheck.Mark
RULE = "claim-not-supported"


@dataclass(frozen=True)
class LedgerRow:
    claim: CitedClaim
    mark: str  # the standing mark, "not_checked" when none
    note: str
    checked_in: int | None  # the revision the standing mark was made on
    recheck: bool  # the reviewer marked claims before, not this one: its text or source changed

    @property
    def carried(self) -> bool:
        return self.checked_in is not None

    @property
    def choices(self) -> list[tuple[str, str]]:
        return M.choices

    @property
    def mark_label(self) -> str:
        return M(self.mark).label


def revision_claims(*, revision: ArticleRevision) -> list[CitedClaim]:
    return cited_claims(body=revision.body, references=[r for r in revision.references or [] if isinstance(r, dict)])


def standing_marks(*, article: Article, keys: set[str], reviewer_ids=None) -> dict[tuple[int, str], ClaimCheck]:
    """(reviewer id, claim key) → that reviewer's newest mark on the key (withdrawn assignments left out)."""
    if not keys:
        return {}
    rows = ClaimCheck.objects.filter(article=article, claim_key__in=keys).exclude(
        assignment__status=ReviewAssignment.Status.WITHDRAWN
    )
    if reviewer_ids is not None:
        rows = rows.filter(assignment__reviewer_id__in=reviewer_ids)
    out: dict[tuple[int, str], ClaimCheck] = {}
    for row in rows.select_related("assignment__reviewer").order_by("revision", "pk"):
        out[(row.assignment.reviewer_id, row.claim_key)] = row  # the newest wins
    return out


def ledger_rows(*, assignment: ReviewAssignment, revision: ArticleRevision) -> list[LedgerRow]:
    """The reviewer's ledger on ``revision``: each cited claim with their standing mark."""
    claims = revision_claims(revision=revision)
    reviewer = assignment.reviewer_id
    marks = standing_marks(article=assignment.article, keys={c.key for c in claims}, reviewer_ids=[reviewer])
    marked_before = ClaimCheck.objects.filter(
        article=assignment.article, assignment__reviewer_id=reviewer, revision__lt=revision.number
    ).exists()
    rows = []
    for claim in claims:
        mark = marks.get((reviewer, claim.key))
        if mark is None:
            rows.append(LedgerRow(claim, M.NOT_CHECKED, "", None, marked_before))
        else:
            rows.append(LedgerRow(claim, mark.mark, mark.note, mark.revision, False))
    return rows


def ledger_snapshot(*, assignment: ReviewAssignment, revision: ArticleRevision) -> list[dict]:
    """The ledger as the reviewer signs it with their decision (kept in ``Review.ledger``)."""
    return [
        {
            "claim_key": row.claim.key,
            "sentence": row.claim.sentence,
            "line": row.claim.line,
            "reference": row.claim.number,
            "reference_identity": row.claim.identity,
            "states_number": row.claim.needs_support,
            "mark": row.mark,
            "note": row.note,
            "checked_in_revision": row.checked_in,
        }
        for row in ledger_rows(assignment=assignment, revision=revision)
    ]


def ledger_findings(*, article: Article, revision: ArticleRevision) -> list[dict]:
    """A blocking finding for each claim of ``revision`` some reviewer marked "does not support"
    (their standing mark): it lasts until the sentence or the reference changes."""
    claims = {c.key: c for c in revision_claims(revision=revision)}
    out = []
    for (_reviewer, key), mark in sorted(standing_marks(article=article, keys=set(claims)).items()):
        if mark.mark != M.DOES_NOT_SUPPORT:
            continue
        claim = claims[key]
        note = f" ({mark.note.strip()})" if mark.note.strip() else ""
        out.append({
            "rule": RULE, "severity": "error", "reference": claim.number, "line": claim.line,
            "key": f"{RULE}:{claim.number}:{claim.line}:{key[:8]}",
            "message": f'{mark.assignment.reviewer.display_name} found that reference {claim.number} does not '
                       f'support "{claim.sentence}"{note}; change the sentence or the reference',
        })  # fmt: skip
    return out


def claims_unsupported(*, article: Article, revision: ArticleRevision, reviewer_ids) -> list[CitedClaim]:
    """The cited claims stating a dose or a number that none of ``reviewer_ids`` marked "supports"."""
    needing = [c for c in revision_claims(revision=revision) if c.needs_support]
    marks = standing_marks(article=article, keys={c.key for c in needing}, reviewer_ids=list(reviewer_ids))
    supported = {key for (_r, key), mark in marks.items() if mark.mark == M.SUPPORTS}
    return [c for c in needing if c.key not in supported]


def claims_rule_missing(*, article: Article, revision: ArticleRevision, reviewer_ids) -> str | None:
    """What the topic's claim rule lacks, naming the claims, or None (also when the topic does not ask)."""
    if not (article.topic_id and article.topic.claims_need_support):
        return None
    lacking = claims_unsupported(article=article, revision=revision, reviewer_ids=reviewer_ids)
    if not lacking:
        return None
    named = "; ".join(f'"{c.sentence}" (reference {c.number})' for c in lacking)
    return (
        f'the topic asks an approving reviewer to mark "supports" on every cited claim with a dose or a '
        f"number; not yet: {named}"
    )
