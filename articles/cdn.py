"""A CDN in front of the reader pages: cache headers, surrogate keys and purging.

Reader responses say how long a shared cache may keep them (``s-maxage``) and serve them while it
revalidates (``stale-while-revalidate``), and which keys they belong to (``Surrogate-Key`` for
Fastly-style CDNs, ``Cache-Tag`` for Cloudflare-style ones): ``article-<id>``, ``topic-<id>`` and
``reader-lists`` (home, topic index, search, sitemaps). Browsers keep ``max-age=0,
must-revalidate``: a reader who revalidates reaches the origin, whose ETag changes at once on a
withdrawal. Publishing, unpublishing and withdrawing purge the article's keys through the
CDN_PURGE_URL pattern, from a task queued after the transaction commits (never for a rollback) to run
READER_STAMP_SECONDS later (``run_after``), so no worker is held while it waits.
"""

import functools
import logging
import time
from datetime import timedelta
from functools import partial
from urllib.parse import quote

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from articles.models import Article, Publication, PublicationWithdrawal

LISTS_KEY = "reader-lists"
logger = logging.getLogger(__name__)


def article_key(article_id: int) -> str:
    return f"article-{article_id}"


def topic_key(topic_id: int) -> str:
    return f"topic-{topic_id}"


def cache_for_cdn(response, *, keys: list[str]):
    """Set the shared-cache lifetime and the surrogate keys on a reader response; returns it."""
    for name, value in cdn_headers(tuple(keys)):
        response[name] = value
    return response


def cdn_headers(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The shared-cache lifetime and surrogate-key headers of a reader response with these keys."""
    return _cdn_headers(keys, settings.READER_S_MAXAGE, settings.READER_STALE_WHILE_REVALIDATE)


@functools.lru_cache(maxsize=4096)
def _cdn_headers(keys: tuple[str, ...], s_maxage: int, stale_while_revalidate: int) -> tuple[tuple[str, str], ...]:
    control = (
        f"public, max-age=0, must-revalidate, s-maxage={s_maxage}, stale-while-revalidate={stale_while_revalidate}"
    )
    return (("Cache-Control", control), ("Surrogate-Key", " ".join(keys)), ("Cache-Tag", ",".join(keys)))


def purge_keys_of(*, article_id: int) -> list[str]:
    """Every key a change to this article's live page touches: its page, its topic, the lists."""
    topic_id = Article.objects.filter(pk=article_id).values_list("topic_id", flat=True).first()
    keys = [article_key(article_id), LISTS_KEY]
    if topic_id is not None:
        keys.insert(1, topic_key(topic_id))
    return keys


@task()
def cdn_purge(*, article_id: int) -> list[str]:
    """Ask the CDN to drop the article's keys; a refused purge fails the task (visible in the queue)."""
    keys = purge_keys_of(article_id=article_id)
    headers = {"Authorization": f"Bearer {settings.CDN_PURGE_TOKEN}"} if settings.CDN_PURGE_TOKEN else {}
    with httpx.Client(timeout=settings.CDN_PURGE_TIMEOUT_SECONDS, headers=headers) as client:
        for key in keys:
            response = client.request(settings.CDN_PURGE_METHOD, settings.CDN_PURGE_URL.format(key=quote(key)))
            response.raise_for_status()
    logger.info("CDN purged %s", " ".join(keys))
    return keys


def purge_after_commit(*, article_id: int) -> None:
    """Queue ``cdn_purge`` once the surrounding transaction commits; nothing when purging is off."""
    if settings.CDN_PURGE_URL:
        transaction.on_commit(partial(_enqueue_purge, article_id=article_id))


def _enqueue_purge(*, article_id: int) -> None:
    # App servers may reuse a page's stamp for READER_STAMP_SECONDS after the commit; purging only after
    # that window keeps the CDN from refetching, and keeping, the page as it was before the change. The
    # task backend defers the task (``run_after``); one that cannot (the immediate backend, which runs
    # tasks in the request anyway) waits here instead.
    seconds = settings.READER_STAMP_SECONDS
    if not seconds:
        cdn_purge.enqueue(article_id=article_id)
    elif cdn_purge.get_backend().supports_defer:
        cdn_purge.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(article_id=article_id)
    else:
        time.sleep(seconds)
        cdn_purge.enqueue(article_id=article_id)


@receiver(post_save, sender=Publication, dispatch_uid="cdn_purge_on_publish")
@receiver(post_save, sender=PublicationWithdrawal, dispatch_uid="cdn_purge_on_withdrawal")
def _purge_on_change(sender, instance, created, raw=False, **kwargs):
    # Cache invalidation plumbing only: both rows are append-only, so creation is the event.
    if created and not raw:
        purge_after_commit(article_id=instance.article_id)
