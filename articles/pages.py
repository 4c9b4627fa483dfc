"""The article page as readers get it: rendered from the live publication, and kept in the page store.

``page_html`` renders the page (the reader view calls it on a miss). After every change that can alter
a live article's page (every workflow and publishing step saves the article row, putting it live
too; a withdrawal is recorded; a disclosure is saved), ``store_page`` is queued once the transaction
commits: it renders the page as readers now get it and keeps it as a ``StoredPage`` under the page's
cache key. The stamp query reads the stored page with the stamp, so the first request after a
publish (and any request the page cache misses) is served without a render, in one query. A stored
page is served only while its key is the page's current one: a change the store did not see (an
author profile, the disclaimer, a re-review date that passed) makes the key differ, and the page is
rendered on request as before.
"""

import functools
import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django_tasks import task

from articles import reader, selectors, structured_data
from articles.forms import ErrorReportForm
from articles.models import Article, ArticleDisclosure, Audience, PublicationWithdrawal, StoredPage

logger = logging.getLogger(__name__)


def page_html(*, article: Article, stamp: dict, preference: str | None, missing_variant: bool, identity) -> bytes:
    """The article page's bytes (before its response's CSP nonce) for a fully loaded live article."""
    context = _article_context(article, reader.disclaimer_of(stamp), preference, missing_variant, identity)
    return render_to_string("articles/article.html", context).encode()


def _article_context(article, disclaimer, preference, missing_variant, identity) -> dict:
    publication = article.live_publication
    url = reader.absolute_url(article.get_absolute_url())
    credits = reader.credits_of(publication)
    references = reader.references_of(publication)
    last_reviewed = reader.last_reviewed(article, publication, credits)
    changes = reader.change_log_of(article)
    modified = reader.date_modified(publication, changes)
    byline, disclosure = reader.byline_of(article), reader.disclosure_of(article)
    author = (
        structured_data.author_person(byline, url=reader.absolute_url(byline.get_absolute_url())) if byline else None
    )
    page = structured_data.medical_web_page(
        article=article, publication=publication, url=url, credits=credits, references=references,
        last_reviewed=last_reviewed, author=author, date_modified=modified,
        sponsor=disclosure.sponsor if disclosure else "",
    )  # fmt: skip
    return {
        "byline": byline,
        "disclosure": disclosure,
        "provenance": reader.provenance_of(publication),
        "changes": changes,
        "date_modified": modified,
        "report_form_html": report_form_html(article.slug),
        "article": article,
        "publication": publication,
        "canonical_url": url,
        "steps": reader.review_steps(article, publication),
        "status_summary": reader.status_summary(article, publication),
        "credits": [] if publication.provisional else credits,
        "references_html": reader.references_html(publication),
        "last_reviewed": None if publication.provisional else last_reviewed,
        "identity": identity,
        "audiences": Audience.choices,
        "missing_variant": missing_variant,
        "preference_label": Audience(preference).label if preference else "",
        "disclaimer": disclaimer,
        "json_ld": structured_data.json_ld(page),
        "open_graph": structured_data.open_graph(publication=publication, url=url, modified=modified),
    }


@functools.lru_cache(maxsize=4096)
def report_form_html(slug: str) -> str:
    """The article page's empty "report a problem" form: the same for every reader of an address (no token, no
    values), so each process renders it once per address."""
    context = {"report_form": ErrorReportForm(), "article": {"slug": slug}}
    return mark_safe(render_to_string("articles/_report_form.html", context))


@task()
def store_page(*, article_id: int) -> str:
    """Render the article's page as readers get it now and keep it in the page store (forget it when the
    article is not live). Reads the primary; a change that lands meanwhile queues its own run."""
    slug = Article.objects.filter(pk=article_id).values_list("slug", flat=True).first()
    stamp = selectors.article_page_stamp(slug=slug, fresh=True) if slug is not None else None
    if stamp is None or stamp["live_publication_id"] is None:
        StoredPage.objects.filter(article_id=article_id).delete()
        return "not live"
    article = selectors.article_for_readers(slug=slug)
    if not reader.stamp_matches(stamp, article):
        return "changed while rendering"
    identity = reader.page_identity(stamp=stamp, missing_variant=False)
    html = page_html(article=article, stamp=stamp, preference=None, missing_variant=False, identity=identity)
    StoredPage.objects.update_or_create(article_id=article_id, defaults={"identity": identity.cache_key, "html": html})
    logger.info("stored the page of article %s", article_id)
    return identity.cache_key


def store_after_commit(*, article_id: int) -> None:
    """Queue ``store_page`` once the surrounding transaction commits (never for a rollback)."""
    transaction.on_commit(partial(store_page.enqueue, article_id=article_id))


@receiver(post_save, sender=Article, dispatch_uid="store_page_on_article_save")
def _store_on_article_save(sender, instance, raw=False, **kwargs):
    # Every workflow and publishing step saves the article row (putting it live too); a draft has no page.
    if not raw and instance.live_publication_id is not None:
        store_after_commit(article_id=instance.pk)


@receiver(post_save, sender=PublicationWithdrawal, dispatch_uid="forget_page_on_withdrawal")
def _forget_on_withdrawal(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        store_after_commit(article_id=instance.article_id)


@receiver(post_save, sender=ArticleDisclosure, dispatch_uid="store_page_on_disclosure")
def _store_on_disclosure(sender, instance, raw=False, **kwargs):
    # Saved on its own (the admin's disclosure form): the page shows the funding and interests.
    if not raw:
        store_after_commit(article_id=instance.article_id)
