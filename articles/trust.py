"""Services and predicates for provenance, the corrections log and the disclosures readers see.

The workflow calls the predicates (``provenance_blocks_submission`` before submit, and
``require_change_reason`` before publish); ``articles`` never imports ``reviews``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from articles.models import ArticleRevision, Publication, PublicationChange, RevisionProvenance, SiteSettings
from articles.revisions import content_of_revision


class ChangeReasonMissing(ValueError):
    """A publication changes what readers see (body or references) and no reason was given."""


@transaction.atomic
def provenance_record(
    *,
    revision: ArticleRevision,
    method: str,
    actor,
    ai_tool: str = "",
    ai_use: str = "",
    source_url: str = "",
    source_review_claim: str = "",
) -> RevisionProvenance:
    """Record (or correct) how a revision was made. Raises ValidationError naming the missing field."""
    provenance = RevisionProvenance.objects.select_for_update().filter(revision=revision).first()
    provenance = provenance or RevisionProvenance(revision=revision)
    provenance.method = method
    provenance.ai_tool, provenance.ai_use = ai_tool.strip(), ai_use.strip()
    provenance.source_url, provenance.source_review_claim = source_url.strip(), source_review_claim.strip()
    provenance.recorded_by = actor
    provenance.full_clean()
    provenance.save()
    return provenance


def provenance_blocks_submission(*, revision: ArticleRevision) -> str | None:
    """Why ``revision`` may not be submitted yet, or None: with *Site settings → Require provenance before
    submission* on, a revision needs a provenance record. For ``reviews.workflow.submit`` to call."""
    site = SiteSettings.objects.filter(pk=1).first()
    if site is None or not site.require_provenance_before_submission:
        return None
    if RevisionProvenance.objects.filter(revision=revision).exists():
        return None
    return (
        f"revision {revision.number} has no provenance: record whether it was written by a person, "
        "with AI assistance or imported before submitting it"
    )


def _comparable(revision: ArticleRevision) -> tuple[str, list]:
    content = content_of_revision(revision).normalised()
    return "\n".join(line.rstrip() for line in content.body.splitlines()), content.references


def change_reason_required(*, previous: ArticleRevision | None, new: ArticleRevision) -> bool:
    """A new publication needs a public reason when its body or references differ from the previous live
    one's (trailing spaces aside). A first publication, or one changing only the title or summary, does not."""
    if previous is None or previous.pk == new.pk:
        return False
    return _comparable(previous) != _comparable(new)


def require_change_reason(*, previous: ArticleRevision | None, new: ArticleRevision, reason: str) -> None:
    """Raise ChangeReasonMissing when ``change_reason_required`` and ``reason`` is blank. For publishing."""
    if change_reason_required(previous=previous, new=new) and not (reason or "").strip():
        raise ChangeReasonMissing(
            f"revision {new.number} changes the body or references of the live revision {previous.number}: "
            "give readers a one-line reason (a correction or an update)"
        )


def publication_change_record(*, publication: Publication, kind: str, reason: str, actor) -> PublicationChange:
    """Add the publication's line to the public corrections and updates log, dated when it went live.
    Raises ValidationError for an unknown kind, a blank or multi-line reason, or a second line."""
    change = PublicationChange(
        publication=publication,
        article_id=publication.article_id,
        kind=kind,
        reason=(reason or "").strip(),
        changed_at=publication.published_at or timezone.now(),
        recorded_by=actor,
    )
    change.full_clean()
    change.save()
    return change
