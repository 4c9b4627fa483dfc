"""Webhooks against a real receiver on loopback: signed, logged, retried with backoff, disabled after a
day of failures, never sent for a rolled-back step."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from reviews import webhooks
from reviews.api.models import WebhookDelivery, WebhookEndpoint
from reviews.workflow import transitions as workflow
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """An HTTP server in a thread that records each request and answers with the next queued status."""

    def __init__(self):
        self.requests, self.statuses = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://example.invalid/elsewhere")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _endpoint(receiver, editor, events=("submitted",)):
    return WebhookEndpoint.objects.create(
        url=receiver.url, events=list(events), secret=webhooks.new_secret(), created_by=editor
    )


def test_a_submission_is_delivered_signed(receiver, editor):
    endpoint = _endpoint(receiver, editor)
    article = make_article()
    workflow.submit(article=article, actor=editor)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    expected = hmac.new(endpoint.secret.encode(), f"{headers['X-Imprimatur-Timestamp']}.".encode() + body,
                        hashlib.sha256).hexdigest()  # fmt: skip
    assert headers["X-Imprimatur-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert (payload["event"], payload["article"]["id"], payload["article"]["status"]) == (
        "submitted",
        article.pk,
        "submitted",
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)


def test_other_events_and_unsubscribed_endpoints_get_nothing(receiver, editor):
    _endpoint(receiver, editor, events=("published",))
    workflow.submit(article=make_article(), actor=editor)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_rolled_back_step_sends_nothing(receiver, editor):
    _endpoint(receiver, editor)
    article = make_article()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.submit(article=article, actor=editor)
        raise RuntimeError("something later in the same transaction failed")
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_500_is_retried_with_exponential_backoff(receiver, editor):
    _endpoint(receiver, editor)
    receiver.statuses = [500, 500, 200]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.submit(article=make_article(), actor=editor)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("retrying", 500, 1)
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    with time_machine.travel(start + timedelta(seconds=29), tick=False):
        assert webhooks.deliveries_run_due() == {}  # not before its time
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert webhooks.deliveries_run_due() == {delivery.pk: "retrying"}
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + timedelta(seconds=31) + timedelta(seconds=60)
    with time_machine.travel(start + timedelta(seconds=92), tick=False):
        assert webhooks.deliveries_run_due() == {delivery.pk: "delivered"}
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (3, 200)
    assert len(receiver.requests) == 3


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, editor):
    _endpoint(receiver, editor)
    receiver.statuses = [302]
    workflow.submit(article=make_article(), actor=editor)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("retrying", 302)
    assert len(receiver.requests) == 1


def test_an_endpoint_failing_for_a_day_is_disabled_and_the_editors_told(receiver, editor):
    endpoint = _endpoint(receiver, editor)
    receiver.statuses = [500] * 20
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        workflow.submit(article=make_article(), actor=editor)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        webhooks.deliveries_run_due()
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert WebhookDelivery.objects.get().status == "failed"
    assert [m.subject for m in mail.outbox if "Webhook" in m.subject] == [f"Webhook endpoint disabled: {endpoint.url}"]
    assert editor.email in mail.outbox[-1].to


def test_resend_makes_a_new_logged_delivery(receiver, editor, client):
    _endpoint(receiver, editor)
    workflow.submit(article=make_article(), actor=editor)
    first = WebhookDelivery.objects.get()
    client.force_login(editor)
    client.post("/admin/reviews/webhookdelivery/", {"action": "resend", "_selected_action": [first.pk]})
    assert WebhookDelivery.objects.count() == 2 and len(receiver.requests) == 2
    assert client.get("/admin/reviews/webhookdelivery/").status_code == 200
