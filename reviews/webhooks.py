"""Webhooks: signed event deliveries to the endpoints editors registered, as tasks after commit.

The domain calls ``event_emit`` inside its transaction; only when that commits are deliveries
recorded and queued, so a rolled-back step sends nothing. Each delivery POSTs JSON to the
endpoint's URL (and only there: no redirect is followed) with a timeout, signed as
``X-Imprimatur-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` with the
timestamp in ``X-Imprimatur-Timestamp``. A failure is retried with exponential backoff; an
endpoint that has failed for a day is disabled and the editors are emailed.
"""

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta
from functools import partial

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from articles.models import Article
from reviews import permissions as perms
from reviews import roles
from reviews.api.models import WebhookDelivery, WebhookEndpoint
from reviews.exceptions import NotPermitted

Event = WebhookEndpoint.Event
Status = WebhookDelivery.Status
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
DISABLE_AFTER = timedelta(days=1)
# The TransitionLog steps that are events (the log is the one record every step writes).
LOG_EVENTS = {"submit": Event.SUBMITTED, "approve": Event.APPROVED, "publish": Event.PUBLISHED,
              "unpublish": Event.UNPUBLISHED}  # fmt: skip


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: 30 s, 1 min, 2 min, 4 min …"""
    return FIRST_RETRY * (2 ** max(attempts - 1, 0))


def event_emit(*, event: str, article: Article, data: dict | None = None) -> None:
    """Record and queue ``event`` for every subscribed endpoint once the current transaction commits."""
    transaction.on_commit(partial(_fan_out, event=str(event), article_id=article.pk, data=data or {}))


def log_event(log) -> None:
    """The event of a TransitionLog row, if its step is one (called where the log row is written)."""
    event = LOG_EVENTS.get(log.transition)
    if event is not None:
        event_emit(event=event, article=log.article, data={"reason": log.reason, "actor": str(log.actor or "")})


def _fan_out(*, event: str, article_id: int, data: dict) -> None:
    article = Article.objects.get(pk=article_id)
    payload = {
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "article": {
            "id": article.pk,
            "slug": article.slug,
            "title": article.title,
            "status": article.status,
            "revision": article.revision,
        },
        "data": data,
    }
    for endpoint in WebhookEndpoint.objects.filter(active=True).order_by("pk"):
        if event in endpoint.events:
            delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, article=article, payload=payload)
            deliver.enqueue(delivery_id=delivery.pk)


def _post(endpoint: WebhookEndpoint, payload: dict) -> int:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Imprimatur-Webhooks/1",
        "X-Imprimatur-Event": payload["event"],
        "X-Imprimatur-Timestamp": timestamp,
        "X-Imprimatur-Signature": signature(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    with httpx.Client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False) as client:
        return client.post(endpoint.url, content=body, headers=headers).status_code


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at a delivery that is due. Returns its status afterwards."""
    return delivery_attempt(delivery_id=delivery_id)


def delivery_attempt(*, delivery_id: int) -> str:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        if delivery.status in (Status.DELIVERED, Status.FAILED):
            return delivery.status
        if not delivery.endpoint.active:
            return _give_up(delivery, "the endpoint is disabled")
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        try:
            code, error = _post(delivery.endpoint, delivery.payload), ""
        except httpx.HTTPError as exc:
            code, error = None, f"{type(exc).__name__}: {exc}"[:500]
        delivery.response_code, delivery.error = code, error
        if code is not None and 200 <= code < 300:
            return _delivered(delivery)
        return _failed_attempt(delivery)


def _delivered(delivery: WebhookDelivery) -> str:
    delivery.status, delivery.next_attempt_at = Status.DELIVERED, None
    delivery.save()
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
    return delivery.status


def _give_up(delivery: WebhookDelivery, why: str) -> str:
    delivery.status, delivery.next_attempt_at = Status.FAILED, None
    delivery.error = (delivery.error + "; " if delivery.error else "") + why
    delivery.save()
    return delivery.status


def _failed_attempt(delivery: WebhookDelivery) -> str:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    now = delivery.last_attempt_at
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
    if now - endpoint.failing_since >= DISABLE_AFTER:
        _disable(endpoint, now=now)
        return _give_up(delivery, "the endpoint failed for a day and was disabled")
    if delivery.attempts >= MAX_ATTEMPTS:
        return _give_up(delivery, f"no success after {delivery.attempts} attempts")
    delivery.status, delivery.next_attempt_at = Status.RETRYING, now + backoff(delivery.attempts)
    delivery.save()
    transaction.on_commit(partial(_enqueue_retry, delivery_id=delivery.pk, run_after=delivery.next_attempt_at))
    return delivery.status


def _enqueue_retry(*, delivery_id: int, run_after: datetime) -> None:
    # A backend that cannot defer (the immediate one) leaves retries to run_due_jobs, never early.
    if deliver.get_backend().supports_defer:
        deliver.using(run_after=run_after).enqueue(delivery_id=delivery_id)


def _editor_emails() -> list[str]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name__in=[roles.EDITOR, roles.EDITOR_IN_CHIEF], is_active=True)
    return sorted({u.email for u in users.distinct() if u.email})


def _disable(endpoint: WebhookEndpoint, *, now: datetime) -> None:
    since = timezone.localtime(endpoint.failing_since).strftime("%Y-%m-%d %H:%M")
    endpoint.active, endpoint.disabled_at = False, now
    endpoint.disabled_reason = f"every delivery failed since {since}"
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
    recipients = _editor_emails()
    if recipients:
        transaction.on_commit(partial(
            send_mail, f"Webhook endpoint disabled: {endpoint.url}",
            f"Deliveries to {endpoint.url} have failed since {since}, so the endpoint was disabled.\n"
            f"Fix the receiver, then re-enable it in the admin: {settings.SITE_URL}/admin/reviews/webhookendpoint/"
            f"{endpoint.pk}/change/\n", None, recipients,
        ))  # fmt: skip


def deliveries_run_due(*, now: datetime | None = None) -> dict[int, str]:
    """Attempt every retrying delivery whose time has come (the cron side of the backoff)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=Status.RETRYING, next_attempt_at__lte=now).order_by("next_attempt_at")
    return {pk: delivery_attempt(delivery_id=pk) for pk in due.values_list("pk", flat=True)}


def delivery_resend(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a delivery again as a new delivery of the same payload (the log keeps the old one). Editors only."""
    if not perms.is_editor(actor):
        raise NotPermitted("resend", "-", "only an editor may resend a webhook delivery")
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint, event=delivery.event, article=delivery.article, payload=delivery.payload
    )
    transaction.on_commit(partial(deliver.enqueue, delivery_id=copy.pk))
    return copy
