"""Content versioning: every change to title, summary, body or references writes a revision.

These services write content only. They never touch ``Article.status``: the workflow
(``reviews.workflow.transitions.edit``) wraps them with locking, permissions and state effects.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from articles.history import history_note
from articles.models import Article, ArticleRevision, Reference
from articles.validation.references import REFERENCE_FIELDS
from articles.validation.reports import report_enqueue

REFERENCE_BATCH_SIZE = 1000


@dataclass(frozen=True)
class Content:
    """An article's versioned content: what a revision holds and a hash covers."""

    title: str
    summary: str = ""
    body: str = ""
    references: list[dict] = field(default_factory=list)

    def normalised(self) -> "Content":
        refs = [_reference_dict(ref) for ref in sorted(self.references, key=lambda r: int(r["number"]))]
        return Content(
            title=self.title.strip(), summary=self.summary.strip(), body=self.body.strip() + "\n", references=refs
        )

    @property
    def hash(self) -> str:
        payload = json.dumps(
            {"title": self.title, "summary": self.summary, "body": self.body, "references": self.references},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _reference_dict(ref: dict) -> dict:
    out = {name: ref.get(name) or "" for name in REFERENCE_FIELDS}
    out["number"] = int(ref["number"])
    out["year"] = int(ref["year"]) if ref.get("year") not in (None, "") else None
    out["kind"] = out["kind"] or Reference.Kind.OTHER
    return out


def content_of(article: Article) -> Content:
    """The article's current content, read from its row and its reference rows."""
    refs = [{name: getattr(ref, name) for name in REFERENCE_FIELDS} for ref in article.references.order_by("number")]
    return Content(title=article.title, summary=article.summary, body=article.body, references=refs).normalised()


def content_of_revision(revision: ArticleRevision) -> Content:
    return Content(title=revision.title, summary=revision.summary, body=revision.body, references=revision.references)


@transaction.atomic
def article_create(
    *,
    title: str,
    slug: str,
    author,
    actor,
    reason: str,
    summary: str = "",
    body: str = "",
    references: Iterable[dict] = (),
    **fields,
) -> Article:
    """Create an article in draft with its first revision. Raises ValidationError on bad fields."""
    content = Content(title=title, summary=summary, body=body, references=list(references)).normalised()
    article = Article(
        title=content.title, slug=slug, summary=content.summary, body=content.body, author=author, **fields
    )
    article.full_clean()
    history_note(article, actor=actor, reason=f"create: {reason}")
    article.save()
    _sync_references(article, content.references, actor=actor, reason=f"create: {reason}")
    _write_revision(article, content, actor=actor, reason=reason)
    return article


def content_apply(*, article: Article, content: Content, actor, reason: str) -> ArticleRevision | None:
    """Apply new content to an article whose row the caller holds locked.

    Writes the next ArticleRevision when anything changed; returns None when nothing did.
    """
    if not reason or not reason.strip():
        raise ValueError("A content change needs a reason.")
    content = content.normalised()
    if content.hash == content_of(article).hash:
        return None
    article.title, article.summary, article.body = content.title, content.summary, content.body
    article.revision += 1
    article.full_clean(exclude=["slug"])
    history_note(article, actor=actor, reason=f"edit: {reason}")
    article.save()
    _sync_references(article, content.references, actor=actor, reason=f"edit: {reason}")
    return _write_revision(article, content, actor=actor, reason=reason)


def _sync_references(article: Article, references: list[dict], *, actor, reason: str) -> None:
    """Make the article's reference rows match ``references``, with a history row for each change.

    New and changed rows are written in bulk with their history rows (django-simple-history's
    bulk helpers), inside the caller's transaction: 10,000 references cost a few queries, not 20,000.
    """
    existing = {ref.number: ref for ref in article.references.all()}
    wanted = {ref["number"]: ref for ref in references}
    for number in sorted(set(existing) - set(wanted)):
        ref = existing[number]
        history_note(ref, actor=actor, reason=reason)
        ref.delete()
    created, changed = [], []
    for number, data in sorted(wanted.items()):
        ref = existing.get(number) or Reference(article=article, number=number)
        if ref.pk and all(getattr(ref, name) == data[name] for name in REFERENCE_FIELDS):
            continue
        for name in REFERENCE_FIELDS:
            setattr(ref, name, data[name])
        # Constraints are checked here in Python: Django checks each by a query (and a savepoint) per row.
        if number < 1:
            raise ValidationError({"number": f"Reference number {number} is not 1 or more."})
        ref.full_clean(exclude=["article"], validate_constraints=False)
        (changed if ref.pk else created).append(ref)
    history = {"default_user": actor, "default_change_reason": reason, "batch_size": REFERENCE_BATCH_SIZE}
    if created:
        bulk_create_with_history(created, Reference, **history)
    if changed:
        fields = [name for name in REFERENCE_FIELDS if name != "number"]
        bulk_update_with_history(changed, Reference, fields, **history)


def _write_revision(article: Article, content: Content, *, actor, reason: str) -> ArticleRevision:
    """Write the revision and queue its validation report for after the commit."""
    revision = ArticleRevision.objects.create(
        article=article,
        number=article.revision,
        title=content.title,
        summary=content.summary,
        body=content.body,
        references=content.references,
        content_hash=content.hash,
        created_by=actor,
        reason=reason,
    )
    report_enqueue(revision=revision)
    return revision


# ``next_review_due`` is not among them: moving it is a logged step of the workflow, with a reason.
METADATA_FIELDS = ("topic", "audience", "variant_of", "anonymity")


def metadata_apply(*, article: Article, values: dict, actor, reason: str) -> list[str]:
    """Change an article's unversioned metadata (topic, audience, variant).

    These do not change what reviewers approve, so they make no revision; the history keeps them.
    Returns the names of the fields that changed.
    """
    changed = [name for name in METADATA_FIELDS if name in values and getattr(article, name) != values[name]]
    if not changed:
        return []
    for name in changed:
        setattr(article, name, values[name])
    article.full_clean(exclude=["slug"])
    history_note(article, actor=actor, reason=f"metadata: {reason}")
    article.save(update_fields=[*changed, "updated_at"])
    return changed
