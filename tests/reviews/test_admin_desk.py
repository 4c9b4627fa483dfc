"""The publishing desk in the admin: change list at scale, filters, bulk actions, change page, saves."""

import threading
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRevision, Publication, PublicationWithdrawal, Reference, SiteSettings
from articles.validation import reports
from reviews.models import ReviewAssignment, TransitionLog, ValidationOverride
from reviews.publishing import services as publishing
from tests.factories import make_article, make_assignment, make_reviewer, make_topic, make_user

CHANGELIST = reverse("admin:articles_article_changelist")


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def _bulk_articles(n: int, *, author, topics) -> list[Article]:
    """Many articles at once, bypassing the services (test set-up only)."""
    today = timezone.localdate()
    statuses = [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW, Article.Status.APPROVED]
    rows = []
    for i in range(n):
        status = statuses[i % 4]
        rows.append(Article(
            title=f"Bulk article {i}", slug=f"bulk-article-{i}", body="Text [1].", author=author,
            topic=topics[i % len(topics)], status=status,
            last_reviewed_at=timezone.now() if status == Article.Status.APPROVED else None,
            next_review_due=today + timedelta(days=(i % 7) - 3) if status == Article.Status.APPROVED else None,
        ))  # fmt: skip
    return Article.objects.bulk_create(rows, batch_size=2000)


@pytest.fixture
def big_desk(db, editor):
    author = make_user("bulk-author", roles=["author"])
    topics = [make_topic("Oncology"), make_topic("Neurology")]
    articles = _bulk_articles(10_000, author=author, topics=topics)
    revisions = ArticleRevision.objects.bulk_create(
        [ArticleRevision(article=a, number=1, title=a.title, body=a.body, content_hash="0" * 64, reason="bulk")
         for a in articles[:40]]
    )  # fmt: skip
    Reference.objects.create(article=articles[5], number=1, doi="10.1000/needle.42", title="Needle")
    pubs = Publication.objects.bulk_create(
        [Publication(article=r.article, revision=r, title=r.title, rendered_html="<p>x</p>", published_by=editor,
                     published_at=timezone.now(), provisional=(i % 2 == 1)) for i, r in enumerate(revisions[:10])]
    )  # fmt: skip
    for pub in pubs[:8]:  # two publications are withdrawn (no longer live); the live columns move together
        state = "provisional" if pub.provisional else "published"
        Article.objects.filter(pk=pub.article_id).update(
            live_publication=pub, live_revision=1, live_title=pub.title, live_state=state
        )
    for pub in pubs[8:]:
        PublicationWithdrawal.objects.create(article=pub.article, publication=pub, reason="x", withdrawn_by=editor)
        Article.objects.filter(pk=pub.article_id).update(live_state="withdrawn")
    reviewer = make_reviewer("dr-bulk")
    for i, article in enumerate(articles[100:130]):
        due = timezone.now() + timedelta(days=-2 if i < 5 else 10)
        make_assignment(article=article, reviewer=reviewer, assigned_by=editor, due_at=due)
    return {"articles": articles, "pubs": pubs, "reviewer": reviewer, "topics": topics}


def _result_pks(response) -> set[int]:
    return {a.pk for a in response.context["cl"].result_list}


@pytest.mark.django_db
def test_changelist_of_ten_thousand_articles_runs_a_fixed_number_of_queries(
    desk, big_desk, django_assert_max_num_queries
):
    reviewer = big_desk["reviewer"]
    queries = ["", "?status__exact=approved", f"?reviewer={reviewer.pk}", "?overdue=yes", "?rereview=due",
               "?published=published", "?published=provisional", "?published=unpublished", "?published=withdrawn",
               "?q=needle.42", "?q=Bulk+article+77", "?o=4", "?o=-6.2", f"?topic__id__exact={big_desk['topics'][1].pk}",
               "?p=50"]  # fmt: skip
    for query in queries:
        # session, user, 2 permissions, the user's roles (authors see only their own), 2 filter lists,
        # 2 counts, page, reviewers
        with django_assert_max_num_queries(11):
            response = desk.get(CHANGELIST + query)
        assert response.status_code == 200, query
    page = desk.get(CHANGELIST + f"?reviewer={reviewer.pk}").content.decode()
    assert "Dr-Bulk Example (accepted)" in page


@pytest.mark.django_db
def test_changelist_filters_and_search_select_the_right_articles(desk, big_desk):
    articles, pubs = big_desk["articles"], big_desk["pubs"]
    count = lambda q: desk.get(CHANGELIST + q).context["cl"].result_count  # noqa: E731
    assert count("") == 10_000
    assert count("?status__exact=approved") == 2_500
    assert count(f"?topic__id__exact={big_desk['topics'][1].pk}") == 5_000
    assert count(f"?reviewer={big_desk['reviewer'].pk}") == 30
    assert _result_pks(desk.get(CHANGELIST + "?overdue=yes")) == {a.pk for a in articles[100:105]}
    due = Article.objects.filter(status="approved", next_review_due__lte=timezone.localdate()).count()
    assert 0 < count("?rereview=due") == due < 2_500
    assert _result_pks(desk.get(CHANGELIST + "?published=published")) == {p.article_id for p in pubs[:8:2]}
    assert _result_pks(desk.get(CHANGELIST + "?published=provisional")) == {p.article_id for p in pubs[1:8:2]}
    assert count("?published=unpublished") == 10_000 - 8
    assert _result_pks(desk.get(CHANGELIST + "?published=withdrawn")) == {p.article_id for p in pubs[8:]}
    assert _result_pks(desk.get(CHANGELIST + "?q=10.1000/NEEDLE.42")) == {articles[5].pk}
    assert _result_pks(desk.get(CHANGELIST + "?q=Bulk+article+9999")) == {articles[9999].pk}
    ordered = desk.get(CHANGELIST + "?published=published&o=4").context["cl"].result_list
    assert [a.live_revision for a in ordered] == [1] * 4


@pytest.mark.django_db
def test_changelist_columns_show_live_revision_and_reviewers(desk, editor):
    article = make_article(status=Article.Status.APPROVED)
    publishing.publish(article=article, actor=editor, reason="live")
    make_assignment(article=article, reviewer=make_reviewer("dr-col"), assigned_by=editor, status="submitted")
    html = desk.get(CHANGELIST).content.decode()
    for header in ("Status", "Revision", "Live revision", "Reviewers", "Last reviewed"):
        assert header in html
    assert "Dr-Col Example (decision submitted)" in html
    assert 'class="field-live_revision_shown">1<' in html


def _bulk(client, action, articles, **data):
    payload = {"action": action, "_selected_action": [a.pk for a in articles], **data}
    return client.post(CHANGELIST, payload, follow=True)


@pytest.mark.django_db
def test_bulk_publish_reports_each_article_and_why_one_was_skipped(desk):
    ready = make_article(status=Article.Status.APPROVED, title="Ready one")
    draft = make_article(title="Still a draft")
    asked = _bulk(desk, "publish_approved", [ready, draft])
    assert "Publish approved articles" in asked.content.decode()  # the reason is asked for first
    assert not Publication.objects.exists()
    response = _bulk(desk, "publish_approved", [ready, draft], apply="1", reason="Spring batch")
    notes = _messages(response)
    assert "“Ready one”: published revision 1." in notes
    assert any(n.startswith("“Still a draft” skipped: Cannot publish from “draft”: revision 1 has not been approved")
               for n in notes)  # fmt: skip
    assert "Publish approved articles: 1 done, 1 skipped." in notes
    ready.refresh_from_db(), draft.refresh_from_db()
    assert ready.live_publication.reason == "Spring batch" and draft.live_publication is None


@pytest.mark.django_db
def test_bulk_archive_needs_a_reason_and_reports_each(desk):
    live = make_article(status=Article.Status.SUBMITTED, title="Old piece")
    gone = make_article(status=Article.Status.ARCHIVED, title="Already gone")
    response = _bulk(desk, "archive_articles", [live, gone], apply="1", reason="")
    assert "This field is required" in response.content.decode()
    response = _bulk(desk, "archive_articles", [live, gone], apply="1", reason="Superseded")
    notes = _messages(response)
    assert "“Old piece”: archived." in notes
    assert any(n.startswith("“Already gone” skipped: Cannot archive from “archived”") for n in notes)
    live.refresh_from_db()
    assert live.status == Article.Status.ARCHIVED


@pytest.mark.django_db
def test_bulk_assign_reviewer_uses_the_assignment_service(desk):
    reviewer = make_reviewer("dr-assign")
    open_one = make_article(status=Article.Status.SUBMITTED, title="Needs a reviewer")
    draft = make_article(title="Draft piece")
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = _bulk(desk, "assign_reviewer", [open_one, draft], apply="1", reviewers=reviewer.pk, due_on=due)
    notes = _messages(response)
    assert any(n.startswith("“Needs a reviewer”: Dr-Assign Example invited") for n in notes), notes
    assert any(n.startswith("“Draft piece” skipped:") and "draft" in n for n in notes), notes
    assert ReviewAssignment.objects.get().article == open_one


def _report_with_error(article):
    revision = article.revisions.get(number=article.revision)
    return reports.report_create(revision=revision)


@pytest.mark.django_db
def test_change_page_shows_references_with_findings_assignments_report_and_history(desk, editor):
    article = make_article(body="Radiotherapy helps [1]. A dose claim cites nothing real [3].\n")
    report = _report_with_error(article)
    assert report.errors >= 1
    make_assignment(article=article, reviewer=make_reviewer("dr-page"), assigned_by=editor)
    html = desk.get(_change(article)).content.decode()
    assert "Findings on the current revision" in html
    assert "Assignments (read-only)" in html and "Dr-Page Example, MD, Neurosurgery" in html
    assert f"Validation report of revision {article.revision}" in html
    assert report.findings[0]["message"].replace("'", "&#x27;") in html
    assert "Revisions (newest first)" in html and "written for a test" in html
    assert "Publish revision 1" in html and "Schedule revision 1" in html
    assert "Editor-in-chief: let these errors pass" not in html  # editors do not get the override form


@pytest.mark.django_db
def test_publish_unpublish_and_schedule_from_the_change_page(desk, editor):
    article = make_article(status=Article.Status.APPROVED)
    url = lambda name: reverse(f"admin:articles_article_{name}", args=[article.pk])  # noqa: E731
    assert desk.get(url("publish")).status_code == 405
    response = desk.post(url("publish"), {"reason": ""}, follow=True)
    assert "Nothing was changed: reason: This field is required." in _messages(response)
    response = desk.post(url("publish"), {"reason": "Reviewed and ready"}, follow=True)
    assert "Revision 1 is now live for readers." in _messages(response)
    assert "Live for readers: revision 1" in response.content.decode()
    response = desk.post(url("unpublish"), {"reason": "Safety notice"}, follow=True)
    article.refresh_from_db()
    assert article.live_publication is None and "Not on the public site." in response.content.decode()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = desk.post(url("schedule"), {"publish_at": when, "reason": "Embargo lifts"}, follow=True)
    assert any(m.startswith("Revision 1 will be published at") for m in _messages(response))
    response = desk.post(url("cancel_schedule"), {"reason": "Embargo extended"}, follow=True)
    assert "The scheduled publication was cancelled." in _messages(response)
    steps = set(TransitionLog.objects.filter(article=article).values_list("transition", flat=True))
    assert steps == {"publish", "unpublish", "schedule", "cancel_schedule"}


@pytest.mark.django_db
def test_refused_publish_shows_why_and_the_provisional_option_follows_the_setting(desk):
    article = make_article(status=Article.Status.UNDER_REVIEW)
    url = reverse("admin:articles_article_publish", args=[article.pk])
    assert "provisionally, if not approved" not in desk.get(_change(article)).content.decode()
    response = desk.post(url, {"reason": "early", "provisional": "1"}, follow=True)
    assert any("does not allow provisional publishing" in m for m in _messages(response))
    assert not Publication.objects.exists()
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    assert "provisionally, if not approved" in desk.get(_change(article)).content.decode()
    response = desk.post(url, {"reason": "urgent", "provisional": "1"}, follow=True)
    assert "Revision 1 is now live provisionally for readers." in _messages(response)


@pytest.mark.django_db
def test_authors_do_not_get_publishing_controls_and_cannot_publish(client, author):
    article = make_article(author=author, status=Article.Status.APPROVED)
    author.is_staff = True  # authors may use the admin for their own drafts
    author.save(update_fields=["is_staff"])
    client.force_login(author)
    html = client.get(_change(article)).content.decode()
    assert "Publish revision" not in html
    response = client.post(
        reverse("admin:articles_article_publish", args=[article.pk]), {"reason": "mine"}, follow=True
    )
    assert any("only an editor may do this" in m for m in _messages(response))
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_revert_to_a_revision_makes_a_new_revision_with_the_reason(desk, editor):
    from articles.revisions import Content, content_of
    from reviews.workflow import transitions as workflow

    article = make_article()
    first_body = article.body
    content = content_of(article)
    rewrite = Content(title=content.title, body="A rewrite [1][2].", references=content.references)
    workflow.edit(article=article, actor=editor, reason="Rewrite", content=rewrite)
    url = reverse("admin:articles_article_revert", args=[article.pk])
    response = desk.post(url, {"number": 1, "reason": "", "expected_revision": 2}, follow=True)
    assert "Nothing was changed: reason: This field is required." in _messages(response)
    response = desk.post(
        url, {"number": 1, "reason": "The rewrite lost the trial", "expected_revision": 2}, follow=True
    )
    assert "Revision 3 restores the content of revision 1." in _messages(response)
    article.refresh_from_db()
    assert article.revision == 3 and article.body == first_body
    assert article.revisions.get(number=3).reason == "revert to revision 1: The rewrite lost the trial"
    assert article.revisions.count() == 3  # nothing was rewritten
    response = desk.post(url, {"number": 1, "reason": "again", "expected_revision": 3}, follow=True)
    assert any("already matches revision 1" in m for m in _messages(response))


@pytest.mark.django_db
def test_editor_in_chief_overrides_a_validation_error_from_the_change_page(client, chief, editor):
    article = make_article(body="Radiotherapy helps [1]. A dose claim cites nothing real [3].\n")
    report = _report_with_error(article)
    error = next(f for f in report.findings if f["severity"] == "error")
    url = reverse("admin:articles_article_override", args=[article.pk])
    client.force_login(editor)
    response = client.post(url, {"keys": [error["key"]], "reason": "x"}, follow=True)
    assert any("only an editor-in-chief may override" in m for m in _messages(response))
    client.force_login(chief)
    assert "Editor-in-chief: let these errors pass" in client.get(_change(article)).content.decode()
    response = client.post(url, {"keys": ["not-a-finding"], "reason": "x"}, follow=True)
    assert any(m.startswith("Nothing was overridden: keys:") for m in _messages(response))
    response = client.post(url, {"keys": [error["key"]], "reason": "Reference 3 is in press"}, follow=True)
    assert any(m.startswith("Overridden for revision 1") for m in _messages(response))
    assert ValidationOverride.objects.get().rules == [error["key"]]
    assert "(overridden)" in response.content.decode()


def _form_data(article, **changes):
    data = {
        "title": article.title, "slug": article.slug, "summary": article.summary, "body": article.body,
        "topic": article.topic_id, "audience": article.audience, "variant_of": "", "next_review_due": "",
        "change_reason": "Edited", "expected_revision": article.revision, "expected_version": article.version,
        "references-TOTAL_FORMS": 0, "references-INITIAL_FORMS": 0,
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_admin_saves_the_second_is_refused_and_both_texts_survive():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editors = [make_user("desk-a", roles=["editor"]), make_user("desk-b", roles=["editor"])]
    article = make_article(references=[])
    texts = ["First editor: radiotherapy is first-line.", "Second editor: surgery comes first for some."]
    barrier = threading.Barrier(2)
    results = {}

    def save(i):
        try:
            client = Client()
            client.force_login(editors[i])
            barrier.wait(5)
            results[i] = client.post(_change(article), _form_data(article, body=texts[i], change_reason=f"edit {i}"))
        except Exception as error:  # recorded for the assertions below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 302], results
    winner = next(i for i, r in results.items() if r.status_code == 302)
    loser = 1 - winner
    article.refresh_from_db()
    assert article.revision == 2 and article.body.strip() == texts[winner]
    page = results[loser].content.decode()
    assert "you started from revision 1, it is now at revision 2" in page
    assert texts[loser].split(":")[0] in page  # the refused text is in the form again
    assert '<ins class="diff-ins">' in page and '<del class="diff-del">' in page  # and a diff against the saved one
    assert 'name="expected_revision" value="2"' in page
    assert ArticleRevision.objects.filter(article=article).count() == 2


@pytest.mark.django_db
def test_compare_view_highlights_words_and_reference_changes(desk, editor):
    from articles.revisions import Content, content_of
    from reviews.workflow import transitions as workflow

    article = make_article()
    content = content_of(article)
    refs = [content.references[0]]  # reference 2 removed
    workflow.edit(article=article, actor=editor, reason="Tightened",
                  content=Content(title=content.title, body=content.body.replace("walk again", "walk once more"),
                                  references=refs))  # fmt: skip
    html = desk.get(reverse("admin:articles_article_compare", args=[article.pk]) + "?old=1&new=2").content.decode()
    assert '<del class="diff-del">again' in html and '<ins class="diff-ins">once more' in html
    assert 'class="ref-removed">Removed [2]' in html


@pytest.mark.django_db
def test_publishing_dashboard_lists_due_rereviews_and_schedules(desk, editor):
    due = make_article(status=Article.Status.APPROVED, title="Due for review",
                       next_review_due=timezone.localdate() - timedelta(days=1))  # fmt: skip
    make_article(
        status=Article.Status.APPROVED, title="Fresh", next_review_due=timezone.localdate() + timedelta(days=200)
    )
    html = desk.get(reverse("admin:articles_article_desk")).content.decode()
    assert due.title in html and "Fresh" not in html


@pytest.mark.django_db
def test_site_settings_admin_edits_the_single_row_with_history(desk):
    url = reverse("admin:articles_sitesettings_change", args=[1])
    assert desk.get(reverse("admin:articles_sitesettings_changelist")).status_code == 200
    response = desk.post(url, {"allow_provisional_publishing": "on", "disclaimer": "Ask your doctor.",
                               "editorial_policy": ""})  # fmt: skip
    assert response.status_code == 302
    row = SiteSettings.load()
    assert row.allow_provisional_publishing and row.history.first().history_user.username == "editor"
    assert desk.get(reverse("admin:articles_sitesettings_add")).status_code == 403
