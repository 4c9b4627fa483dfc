"""The reminder job: reminders before due dates, overdue flags, each email sent once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from articles.models import Article
from reviews.jobs import reminders
from reviews.models import Notification
from tests.factories import make_article, make_assignment, make_reviewer

S = Article.Status
pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def open_assignment(author, editor):
    with time_machine.travel(START, tick=False):
        article = make_article(author=author, status=S.UNDER_REVIEW)
        return make_assignment(
            article=article, reviewer=make_reviewer("slow"), status="accepted", assigned_by=editor,
            due_at=START + timedelta(days=5),
        )  # fmt: skip


def _emails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_nothing_is_sent_while_the_due_date_is_far(open_assignment):
    with time_machine.travel(START + timedelta(days=1), tick=False):
        run = reminders.reminders_send()
    assert (run.reminders, run.overdue) == (0, 0) and not mail.outbox


def test_a_reminder_goes_out_two_days_before_and_running_twice_sends_it_once(
    open_assignment, django_capture_on_commit_callbacks
):
    reviewer_email = open_assignment.reviewer.user.email
    with (
        time_machine.travel(START + timedelta(days=3, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = reminders.reminders_send()
        second = reminders.reminders_send()
    assert (first.reminders, second.reminders) == (1, 0)
    [email] = _emails_to(reviewer_email)
    assert "Reminder" in email.subject and f"/review/assignments/{open_assignment.pk}/" in email.body
    open_assignment.refresh_from_db()
    assert open_assignment.reminder_sent_at == START + timedelta(days=3, hours=1)
    assert open_assignment.history.latest().history_change_reason == "reminder sent"


def test_overdue_assignments_are_flagged_to_reviewer_and_editors_once(
    open_assignment, editor, django_capture_on_commit_callbacks
):
    with time_machine.travel(START + timedelta(days=6), tick=False), django_capture_on_commit_callbacks(execute=True):
        first = reminders.reminders_send()
        call_command("send_reminders")
        second = reminders.reminders_send()
    assert (first.overdue, second.overdue) == (1, 0)
    assert len(_emails_to(open_assignment.reviewer.user.email)) == 1
    editor_mail = _emails_to(editor.email)
    assert len(editor_mail) == 1 and "Overdue review" in editor_mail[0].subject
    assert "/review/desk/" in editor_mail[0].body
    assert Notification.objects.filter(key__startswith=f"overdue:{open_assignment.pk}:").count() == 2


def test_the_whole_sequence_over_time_sends_each_email_once(open_assignment, django_capture_on_commit_callbacks):
    for day in (1, 3, 4, 6, 7, 8):
        with (
            time_machine.travel(START + timedelta(days=day, hours=1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            reminders.reminders_send()
            reminders.reminders_send()
    subjects = [m.subject for m in _emails_to(open_assignment.reviewer.user.email)]
    assert len(subjects) == 2 and "Reminder" in subjects[0] and "Overdue" in subjects[1]


def test_closed_assignments_and_articles_out_of_review_are_left_alone(author):
    with time_machine.travel(START, tick=False):
        done = make_assignment(
            article=make_article(author=author, status=S.UNDER_REVIEW), reviewer=make_reviewer("done"),
            status="submitted", due_at=START + timedelta(days=1),
        )  # fmt: skip
        approved = make_assignment(
            article=make_article(author=author, status=S.APPROVED), reviewer=make_reviewer("late"),
            status="accepted", due_at=START + timedelta(days=1),
        )  # fmt: skip
    with time_machine.travel(START + timedelta(days=3), tick=False):
        run = reminders.reminders_send()
    assert (run.reminders, run.overdue) == (0, 0) and not mail.outbox
    assert done.pk and approved.pk


def test_the_task_runs_the_job(open_assignment):
    with time_machine.travel(START + timedelta(days=6), tick=False):
        result = reminders.send_reminders_task.enqueue()
    assert result.return_value == {"reminders": 0, "overdue": 1}


def test_run_due_jobs_also_sends_the_reminders_once(open_assignment, django_capture_on_commit_callbacks):
    """The single cron entry point runs the reminder job too; running it twice sends nothing more."""
    from io import StringIO

    out = StringIO()
    with (
        time_machine.travel(START + timedelta(days=3, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("run_due_jobs", stdout=out)
        call_command("run_due_jobs", stdout=out)
    assert "Reminders sent: 1;" in out.getvalue() and "Reminders sent: 0;" in out.getvalue()
    assert len(_emails_to(open_assignment.reviewer.user.email)) == 1
