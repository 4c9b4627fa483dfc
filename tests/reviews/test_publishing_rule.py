"""Who may make what live: one rule on every path (button, bulk action, schedule and its task, API),
and four eyes for the article's author on approve, override, publish and schedule."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Publication, ScheduledPublication, SiteSettings
from articles.validation import reports
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.models import TransitionLog, ValidationOverride
from reviews.publishing import scheduling
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import force_status, make_article, make_assignment, make_reviewer, make_user

S = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")
BAD_BODY = "Radiotherapy helps [1]. A dose claim cites nothing real [3].\n"


@pytest.fixture
def provisional_site(db):
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})


@pytest.fixture
def author_editor(db):
    return make_user("author-editor", roles=["editor", "author"])


def _refused_cases(author_editor):
    """Each case: (label, article, who asks, the words the refusal must name)."""
    draft = make_article(title="A draft")
    changes = make_article(status=S.CHANGES_REQUESTED, title="Changes requested")
    rejected = make_article(status=S.REJECTED, title="Rejected")
    blocking = make_article(body=BAD_BODY, status=S.UNDER_REVIEW, title="Blocking errors")
    assert reports.report_create(revision=blocking.revisions.get(number=1)).errors >= 1
    own = make_article(author=author_editor, status=S.UNDER_REVIEW, title="Own article")
    return [
        ("draft", draft, None, "submitted or under review"),
        ("changes requested", changes, None, "submitted or under review"),
        ("rejected", rejected, None, "submitted or under review"),
        ("blocking errors", blocking, None, "blocking errors"),
        ("author-editor", own, author_editor, "four eyes"),
    ]


def _nothing_written(article, before_logs: int) -> None:
    article.refresh_from_db()
    assert article.live_publication is None
    assert not Publication.objects.filter(article=article).exists()
    assert not ScheduledPublication.objects.filter(article=article).exists()
    assert TransitionLog.objects.filter(article=article).count() == before_logs


@pytest.mark.django_db
def test_the_service_refuses_provisional_publication_naming_the_rule(editor, provisional_site, author_editor):
    for label, article, who, words in _refused_cases(author_editor):
        before = TransitionLog.objects.filter(article=article).count()
        error = NotPermitted if label == "author-editor" else TransitionNotAllowed
        with pytest.raises(error, match=words):
            publishing.publish(article=article, actor=who or editor, reason="early", provisional=True)
        _nothing_written(article, before)


@pytest.mark.django_db
def test_the_admin_publish_button_refuses_each_case(client, editor, provisional_site, author_editor):
    for label, article, who, words in _refused_cases(author_editor):
        client.force_login(who or editor)
        before = TransitionLog.objects.filter(article=article).count()
        url = reverse("admin:articles_article_publish", args=[article.pk])
        response = client.post(url, {"reason": "early", "provisional": "1"}, follow=True)
        notes = [str(m) for m in get_messages(response.wsgi_request)]
        assert any(words in n for n in notes), (label, notes)
        _nothing_written(article, before)


@pytest.mark.django_db
def test_the_bulk_publish_action_refuses_each_case(client, editor, provisional_site, author_editor):
    cases = _refused_cases(author_editor)
    own_approved = make_article(author=author_editor, status=S.APPROVED, title="Own approved")
    client.force_login(author_editor)
    articles = [article for _label, article, _who, _words in cases] + [own_approved]
    payload = {"action": "publish_approved", "_selected_action": [a.pk for a in articles]}
    response = client.post(CHANGELIST, {**payload, "apply": "1", "reason": "batch"}, follow=True)
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Publish approved articles: 0 done, 6 skipped." in notes
    assert any(n.startswith("“Own approved” skipped:") and "four eyes" in n for n in notes)
    for article in articles:
        _nothing_written(article, 0)


@pytest.mark.django_db
def test_schedule_create_refuses_each_case(editor, provisional_site, author_editor):
    later = timezone.now() + timedelta(days=1)
    for _label, article, who, words in _refused_cases(author_editor):
        before = TransitionLog.objects.filter(article=article).count()
        with pytest.raises((NotPermitted, TransitionNotAllowed), match=words):
            scheduling.schedule_create(
                article=article, actor=who or editor, publish_at=later, reason="embargo", provisional=True
            )
        _nothing_written(article, before)


@pytest.mark.django_db
def test_the_scheduled_task_at_its_time_asks_the_same_rule(editor, provisional_site, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    article = make_article(status=S.UNDER_REVIEW)
    schedule = scheduling.schedule_create(
        article=article, actor=editor, publish_at=now + timedelta(hours=1), reason="embargo", provisional=True
    )
    force_status(article, S.CHANGES_REQUESTED)  # the board sent it back before the time came
    time_machine.move_to(now + timedelta(hours=2), tick=False)
    assert scheduling.publish_scheduled.call(schedule_id=schedule.pk) == "failed"
    schedule.refresh_from_db()
    article.refresh_from_db()
    assert schedule.status == "failed" and "submitted or under review" in schedule.note
    assert article.live_publication is None and not Publication.objects.exists()


@pytest.mark.django_db
def test_an_author_never_publishes_or_schedules_their_own_approved_article(author_editor):
    article = make_article(author=author_editor, status=S.APPROVED)
    with pytest.raises(NotPermitted, match="four eyes"):
        publishing.publish(article=article, actor=author_editor, reason="mine")
    with pytest.raises(NotPermitted, match="four eyes"):
        scheduling.schedule_create(
            article=article, actor=author_editor, publish_at=timezone.now() + timedelta(days=1), reason="mine"
        )
    _nothing_written(article, 0)


@pytest.mark.django_db
def test_an_author_never_approves_or_overrides_on_their_own_article():
    chief_author = make_user("chief-author", roles=["editor-in-chief", "author"])
    article = make_article(author=chief_author, body=BAD_BODY, status=S.UNDER_REVIEW)
    report = reports.report_create(revision=article.revisions.get(number=1))
    error = next(f for f in report.findings if f["severity"] == "error")
    with pytest.raises(NotPermitted, match="four eyes"):
        workflow.override_validation(article=article, actor=chief_author, keys=[error["key"]], reason="mine")
    assert not ValidationOverride.objects.exists()
    # A reviewer who is the author, even with an accepted assignment, never approves.
    profile = make_reviewer("self-reviewer")
    own = make_article(author=profile.user, status=S.UNDER_REVIEW)
    make_assignment(article=own, reviewer=profile)
    with pytest.raises(NotPermitted):
        workflow.approve(article=own, actor=profile.user)
    own.refresh_from_db()
    assert own.status == S.UNDER_REVIEW
    assert not TransitionLog.objects.filter(article__in=[article, own]).exists()


@pytest.mark.django_db
def test_the_read_only_api_writes_nothing(client, editor):
    article = make_article(status=S.APPROVED)
    response = client.post("/api/articles/", {"slug": article.slug}, content_type="application/json")
    assert response.status_code in (401, 403, 405)
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_a_submitted_article_may_go_live_provisionally_by_another_editor(editor, provisional_site):
    article = make_article(status=S.SUBMITTED)
    publication = publishing.publish(article=article, actor=editor, reason="urgent", provisional=True)
    assert publication.provisional and publication.reviewer_credits == []


@pytest.mark.django_db
def test_the_admin_schedule_and_override_buttons_refuse_the_author(client, provisional_site, author_editor):
    article = make_article(author=author_editor, status=S.UNDER_REVIEW)
    client.force_login(author_editor)
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("admin:articles_article_schedule", args=[article.pk])
    response = client.post(url, {"publish_at": when, "reason": "mine", "provisional": "1"}, follow=True)
    assert any("four eyes" in str(m) for m in get_messages(response.wsgi_request))
    _nothing_written(article, 0)

    chief_author = make_user("chief-own", roles=["editor-in-chief", "author"])
    own = make_article(author=chief_author, body=BAD_BODY, status=S.UNDER_REVIEW)
    error = next(f for f in reports.report_create(revision=own.revisions.get(number=1)).findings
                 if f["severity"] == "error")  # fmt: skip
    client.force_login(chief_author)
    url = reverse("admin:articles_article_override", args=[own.pk])
    response = client.post(url, {"keys": [error["key"]], "reason": "mine"}, follow=True)
    assert any("four eyes" in str(m) for m in get_messages(response.wsgi_request))
    assert not ValidationOverride.objects.exists() and not TransitionLog.objects.filter(article=own).exists()
