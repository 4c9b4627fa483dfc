"""Swapping a cited preprint for the journal article it became, as a new revision (a domain service).

The reference report's ``reference-preprint`` finding names the published version when the
registry records one (``is-preprint-of``). The swap reads that DOI from the current revision's
report (never from the request), replaces the reference keeping its number and kind
(``preprints.published_version_reference``) and saves the result through ``workflow.edit``:
row lock, permission, stale check, approvals on the old revision made stale, the reason kept in
the revision and the history.
"""

from dataclasses import replace

from django.db import transaction

from articles.models import Article, ArticleRevision
from articles.revisions import content_of_revision
from articles.validation import reports
from articles.validation.preprints import published_version_reference
from articles.validation.source_rules import published_versions
from reviews.exceptions import TransitionNotAllowed
from reviews.locking import lock_article, require_reason
from reviews.workflow import transitions as workflow


def reference_swap(
    *, article: Article, actor, number: int, reason: str, expected_revision: int | None = None
) -> ArticleRevision:
    """Replace preprint reference ``number`` by its published version in a new revision; returns it.

    Raises TransitionNotAllowed without a reason, or when the current report names no published
    version of that reference; NotPermitted or StaleEdit from ``workflow.edit``. Nothing is written then.
    """
    reason = require_reason("swap reference", article, reason)
    with transaction.atomic():
        article = lock_article(article)
        workflow.require_current(article=article, expected_revision=expected_revision)
        current = ArticleRevision.objects.get(article=article, number=article.revision)
        report = reports.latest_report(revision=current)
        published = published_versions(report.findings if report else []).get(number)
        if not published:
            raise TransitionNotAllowed(
                "swap reference", article.status,
                f"the reference report of revision {current.number} names no published version of reference {number}",
            )  # fmt: skip
        content = content_of_revision(current)
        old = next(ref for ref in content.references if int(ref["number"]) == number)
        new = published_version_reference(reference=old, published_doi=published)
        references = [new if ref is old else ref for ref in content.references]
        was = old.get("doi") or old.get("title") or ""
        why = f"reference {number}: preprint {was} swapped for its published version {new['doi']}: {reason}"
        _, revision = workflow.edit(
            article=article, actor=actor, content=replace(content, references=references), reason=why,
            expected_revision=current.number,
        )  # fmt: skip
    if revision is None:
        raise TransitionNotAllowed("swap reference", article.status, f"reference {number} already cites {published}")
    return revision
