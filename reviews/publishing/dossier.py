"""The compliance dossier of one article: what a medical publisher hands to an auditor.

Every revision with its diff from the one before and its validation reports, every assignment
with the reviewer's credentials as they stood when assigned (from the profile's history), every
decision with the credentials snapshot taken at the decision and the claim ledger it was signed
with, every claim-source mark of every revision, every workflow step, publication, withdrawal and
schedule, and every comment thread on the text with its replies and resolutions. Its shape is
fixed by ``reviews/schemas/dossier.schema.json``.
"""

import json
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from articles.diffing import revision_diff
from articles.models import Article
from articles.publications import publication_digest
from reviews.ledger.models import ClaimCheck
from reviews.models import (
    Comment,
    CommentThread,
    NonMaterialClaim,
    ReviewAssignment,
    ReviewerProfile,
    TransitionLog,
    ValidationOverride,
)

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "dossier.schema.json"
SCHEMA_VERSION = 3


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _user(user) -> str | None:
    return user.username if user else None


def _credentials(profile) -> dict:
    fields = ("display_name", "degree", "specialty", "board_certification", "licence_number",
              "licence_jurisdiction")  # fmt: skip
    out = {name: getattr(profile, name) or "" for name in fields}
    out["licence_expires"] = _iso(profile.licence_expires)
    out["credentials_verified_at"] = _iso(profile.credentials_verified_at)
    return out


def _credentials_when(reviewer: ReviewerProfile, at) -> dict:
    """The reviewer's credentials as recorded at ``at``; the current ones if the history starts later."""
    try:
        return {**_credentials(reviewer.history.as_of(at)), "as_of": _iso(at)}
    except ReviewerProfile.DoesNotExist:
        return {**_credentials(reviewer), "as_of": _iso(timezone.now())}


def _revisions(article: Article) -> list[dict]:
    revisions = list(article.revisions.select_related("created_by").prefetch_related("reports").order_by("number"))
    overrides = list(ValidationOverride.objects.filter(article=article).select_related("actor").order_by("at"))
    out, previous = [], None
    for rev in revisions:
        out.append({
            "number": rev.number, "title": rev.title, "summary": rev.summary, "body": rev.body,
            "references": rev.references, "content_hash": rev.content_hash, "created_by": _user(rev.created_by),
            "created_at": _iso(rev.created_at), "reason": rev.reason,
            "diff_from_previous": revision_diff(old=previous, new=rev).as_dict() if previous else None,
            "validation_reports": [
                {"created_at": _iso(r.created_at), "errors": r.errors, "warnings": r.warnings, "infos": r.infos,
                 "resolvers_used": r.resolvers_used, "findings": r.findings}
                for r in sorted(rev.reports.all(), key=lambda r: (r.created_at, r.pk))
            ],
            "validation_overrides": [
                {"rules": o.rules, "reason": o.reason, "actor": _user(o.actor), "at": _iso(o.at)}
                for o in overrides if o.revision == rev.number
            ],
        })  # fmt: skip
        previous = rev
    return out


def _assignments(article: Article) -> list[dict]:
    assignments = ReviewAssignment.objects.filter(article=article).select_related("reviewer", "assigned_by")
    return [
        {
            "id": a.pk, "reviewer_id": a.reviewer_id, "revision": a.revision, "status": a.status,
            "assigned_by": _user(a.assigned_by), "assigned_at": _iso(a.assigned_at), "due_at": _iso(a.due_at),
            "responded_at": _iso(a.responded_at), "conflict": a.conflict, "conflict_statement": a.conflict_statement,
            "decision": a.decision, "decision_revision": a.decision_revision, "decided_at": _iso(a.decided_at),
            "credentials_at_assignment": _credentials_when(a.reviewer, a.assigned_at),
        }
        for a in assignments.order_by("assigned_at", "pk")
    ]  # fmt: skip


def _signature(review) -> dict | None:
    s = getattr(review, "signature", None)
    if s is None:
        return None
    return {"printed_name": s.printed_name, "credentials": s.credentials, "signed_at": _iso(s.signed_at),
            "meaning": s.meaning, "method": s.method, "signer": _user(s.signer)}  # fmt: skip


def _decisions(article: Article) -> list[dict]:
    return [
        {
            "id": r.pk, "assignment_id": r.assignment_id, "reviewer_id": r.reviewer_id, "revision": r.revision,
            "content_hash": r.content_hash, "decision": r.decision, "credentials": r.credentials,
            "checklist": r.checklist, "comments": r.comments, "eligible": r.eligible,
            "acknowledged_warnings": r.acknowledged_warnings, "ledger": r.ledger, "created_at": _iso(r.created_at),
            "signature": _signature(r),
        }
        for r in article.reviews.select_related("signature__signer").order_by("created_at", "pk")
    ]  # fmt: skip


def _publications(article: Article) -> list[dict]:
    publications = article.publications.select_related("revision", "published_by").prefetch_related(
        "withdrawals__withdrawn_by"
    )
    return [
        {
            "id": p.pk, "revision": p.revision.number, "title": p.title, "provisional": p.provisional,
            "published_by": _user(p.published_by), "published_at": _iso(p.published_at), "reason": p.reason,
            "reviewer_credits": p.reviewer_credits, "references": p.references,
            "rendered_html_sha256": publication_digest(p), "rendered_html": p.rendered_html,
            "withdrawals": [
                {"reason": w.reason, "withdrawn_by": _user(w.withdrawn_by), "withdrawn_at": _iso(w.withdrawn_at)}
                for w in p.withdrawals.all()
            ],
        }
        for p in publications.order_by("published_at", "pk")
    ]  # fmt: skip


def _transitions(article: Article) -> list[dict]:
    logs = TransitionLog.objects.filter(article=article).select_related("actor").order_by("at", "pk")
    return [
        {"at": _iso(log.at), "revision": log.revision, "transition": log.transition, "from_status": log.from_status,
         "to_status": log.to_status, "actor": _user(log.actor), "reason": log.reason}
        for log in logs
    ]  # fmt: skip


def _schedules(article: Article) -> list[dict]:
    return [
        {"revision": s.revision.number, "publish_at": _iso(s.publish_at), "status": s.status,
         "provisional": s.provisional, "created_by": _user(s.created_by), "created_at": _iso(s.created_at),
         "closed_by": _user(s.closed_by), "closed_at": _iso(s.closed_at), "note": s.note,
         "publication_id": s.publication_id}
        for s in article.schedules.select_related("revision", "created_by", "closed_by").order_by("pk")
    ]  # fmt: skip


def _non_material_edits(article: Article) -> list[dict]:
    claims = NonMaterialClaim.objects.filter(article=article).select_related("actor").order_by("at", "pk")
    return [
        {"from_revision": c.from_revision, "to_revision": c.to_revision, "reason": c.reason, "accepted": c.accepted,
         "refusal": c.refusal, "changed_words": c.changed_words, "total_words": c.total_words,
         "actor": _user(c.actor), "at": _iso(c.at)}
        for c in claims
    ]  # fmt: skip


def _comment_threads(article: Article) -> list[dict]:
    """Every comment thread with its passage, its round and its whole conversation, resolutions included."""
    threads = (
        CommentThread.objects.filter(article=article)
        .select_related("started_by")
        .prefetch_related(Prefetch("comments", Comment.objects.select_related("author").order_by("created_at", "pk")))
    )
    return [
        {
            "id": t.pk, "revision": t.revision, "assignment_id": t.assignment_id, "paragraph": t.paragraph,
            "quote": t.quote, "start": t.start, "context_before": t.context_before, "context_after": t.context_after,
            "status": t.status, "started_by": _user(t.started_by), "started_at": _iso(t.started_at),
            "entries": [
                {"kind": c.kind, "author": _user(c.author), "role": c.role, "revision": c.revision, "body": c.body,
                 "at": _iso(c.created_at)}
                for c in t.comments.all()
            ],
        }
        for t in threads.order_by("started_at", "pk")
    ]  # fmt: skip


def _claim_checks(article: Article) -> list[dict]:
    return [
        {"revision": c.revision, "assignment_id": c.assignment_id, "reviewer_id": c.assignment.reviewer_id,
         "claim_key": c.claim_key, "sentence": c.sentence, "reference": c.reference_number,
         "reference_identity": c.reference_identity, "mark": c.mark, "note": c.note,
         "marked_by": _user(c.marked_by), "marked_at": _iso(c.marked_at)}
        for c in ClaimCheck.objects.filter(article=article).select_related("assignment", "marked_by")
        .order_by("revision", "pk")
    ]  # fmt: skip


def dossier_for_article(*, article: Article) -> dict:
    """The whole record of one article as plain data (JSON-ready), valid against the schema."""
    article = Article.objects.select_related("topic", "author").get(pk=article.pk)
    reviewers = ReviewerProfile.objects.filter(assignments__article=article).distinct().order_by("pk")
    summary = {
        "id": article.pk, "slug": article.slug, "title": article.title, "status": article.status,
        "revision": article.revision, "topic": article.topic.name if article.topic_id else None,
        "audience": article.audience, "author": _user(article.author), "created_at": _iso(article.created_at),
        "last_reviewed_at": _iso(article.last_reviewed_at), "next_review_due": _iso(article.next_review_due),
        "live_publication_id": article.live_publication_id,
    }  # fmt: skip
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": _iso(timezone.now()),
        "article": summary,
        "reviewers": [{"id": r.pk, **_credentials(r)} for r in reviewers],
        "revisions": _revisions(article),
        "assignments": _assignments(article),
        "decisions": _decisions(article),
        "claim_checks": _claim_checks(article),
        "transitions": _transitions(article),
        "publications": _publications(article),
        "schedules": _schedules(article),
        "non_material_edits": _non_material_edits(article),
        "comment_threads": _comment_threads(article),
    }


def dossier_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())
