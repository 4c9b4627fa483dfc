"""Password guessing is throttled on both sign-in pages (django-axes): after LOGIN_FAILURE_LIMIT wrong
passwords the username is locked out from that address, with a message saying so, until the cool-off ends."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.factories import make_user

PASSWORD = "pw-for-tests-only"
LOCKED = "Too many failed sign-in attempts"
PAGES = ("/accounts/login/", "/admin/login/")


@pytest.fixture
def staff(db):
    return make_user("guarded-editor", roles=["editor"])


def _sign_in(client, page: str, password: str):
    return client.post(page, {"username": "guarded-editor", "password": password, "next": "/admin/"})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", PAGES)
def test_a_hundred_wrong_passwords_lock_the_account_out_and_say_so(client, staff, page):
    limit = settings.AXES_FAILURE_LIMIT
    answers = [_sign_in(client, page, f"guess-{n}") for n in range(100)]
    assert [r.status_code for r in answers[: limit - 1]] == [200] * (limit - 1)  # the form again, with its error
    assert {r.status_code for r in answers[limit - 1 :]} == {429}
    message = answers[-1].content.decode()
    assert LOCKED in message and "guarded-editor" in message
    assert f"for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in message

    refused = _sign_in(client, page, PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert not _signed_in(client)


def test_a_lockout_from_one_page_holds_on_the_other_until_the_cool_off_ends(client, staff):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "/accounts/login/", f"guess-{n}")
    refused = _sign_in(client, "/admin/login/", PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert not _signed_in(client)

    start, cool_off = timezone.now(), settings.AXES_COOLOFF_TIME
    with time_machine.travel(start + cool_off - timedelta(minutes=1), tick=False):
        assert _sign_in(client, "/admin/login/", PASSWORD).status_code == 429
        assert not _signed_in(client)
    # Each attempt during a lockout starts the cool-off again, so guessing on never gets through.
    retried = start + cool_off - timedelta(minutes=1)
    with time_machine.travel(retried + cool_off - timedelta(minutes=1), tick=False):
        assert _sign_in(client, "/admin/login/", PASSWORD).status_code == 429
    last = retried + cool_off - timedelta(minutes=1)
    with time_machine.travel(last + cool_off + timedelta(minutes=1), tick=False):
        accepted = _sign_in(client, "/admin/login/", PASSWORD)
        assert accepted.status_code == 302 and _signed_in(client)


def test_a_few_wrong_passwords_then_the_right_one_sign_in_and_reset_the_count(client, staff):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "/accounts/login/", f"guess-{n}").status_code == 200
    assert _sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):  # the count started again from nothing
        assert _sign_in(client, "/accounts/login/", f"again-{n}").status_code == 200
    assert _sign_in(client, "/accounts/login/", PASSWORD).status_code == 302


def test_another_address_is_not_locked_out_by_a_stranger(client, staff):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "guarded-editor", "password": f"guess-{n}"},
                    REMOTE_ADDR="203.0.113.9")  # fmt: skip
    assert _sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
