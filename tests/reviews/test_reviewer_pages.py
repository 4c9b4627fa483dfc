"""The reviewer pages under /review/: access, content, forms and fixed query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.assignments import decisions
from reviews.assignments import services as assignments
from reviews.assignments.decisions import CHECKLIST
from reviews.models import Review, ReviewAssignment
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, make_article, make_assignment, make_reviewer, make_user

S = Article.Status
pytestmark = pytest.mark.django_db
DOSE_BODY = (
    "Radiotherapy is the usual first treatment [1].\n\n"
    "Give 16 mg of dexamethasone daily.\n\n"
    "Surgery suits selected patients [2].\n"
)


def due(days=7):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def setup(editor, author):
    article = make_article(author=author, status=S.SUBMITTED, body=DOSE_BODY)
    reviewer = make_reviewer("neuro", specialty="Neuroradiology")
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    return article, reviewer, invited


def _accept_and_request_changes(invited, reviewer, comments: str) -> None:
    """The invited reviewer accepts and asks for changes on revision 1."""
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    decisions.review_submit(
        assignment=invited, actor=reviewer.user, revision=1, decision="request_changes", checklist={},
        comments=comments, password=TEST_PASSWORD,
    )  # fmt: skip


def _client_for(client, user):
    client.force_login(user)
    return client


def test_my_assignments_lists_pending_in_progress_overdue_and_done(client, setup, editor, author):
    article, reviewer, _invited = setup
    other = make_article(author=author, status=S.UNDER_REVIEW, title="Cervical myelopathy")
    make_assignment(article=other, reviewer=reviewer, status="accepted")
    late = make_article(author=author, status=S.UNDER_REVIEW, title="Bone marrow oedema")
    make_assignment(article=late, reviewer=reviewer, status="accepted", due_at=timezone.now() - timedelta(days=1))
    done = make_article(author=author, status=S.APPROVED, title="Myelomalacia")
    make_assignment(article=done, reviewer=reviewer, status="submitted")
    page = _client_for(client, reviewer.user).get("/review/")
    assert page.status_code == 200
    mine = page.context["mine"]
    assert [a.article for a in mine.pending] == [article]
    assert [a.article for a in mine.in_progress] == [other]
    assert [a.article for a in mine.overdue] == [late]
    assert [a.article for a in mine.done] == [done]
    html = page.content.decode()
    assert "My assignments" in html and "Bone marrow oedema" in html


def test_reviewer_pages_need_login_and_the_reviewer_role(client, setup, author):
    _article, _reviewer, invited = setup
    assert client.get("/review/").status_code == 302
    assert client.get(f"/review/assignments/{invited.pk}/").status_code == 302
    client.force_login(author)
    assert client.get("/review/").status_code == 403


def test_editors_without_a_profile_are_sent_to_their_desk(client, editor):
    response = _client_for(client, editor).get("/review/")
    assert response.status_code == 302 and response["Location"] == "/review/desk/"


def test_an_unassigned_reviewer_gets_404_or_403_on_every_reviewer_url(client, setup, editor):
    article, _reviewer, invited = setup
    stranger = make_reviewer("stranger")
    _client_for(client, stranger.user)
    pk = invited.pk
    assert client.get(f"/review/assignments/{pk}/").status_code == 404
    assert client.post(f"/review/assignments/{pk}/accept/", {"conflict": "none"}).status_code == 404
    assert client.post(f"/review/assignments/{pk}/decline/", {"reason": "x"}).status_code == 404
    decision = {"revision": 1, "decision": "approve", "password": TEST_PASSWORD,
                **{f"check_{k}": "on" for k, _ in CHECKLIST}}  # fmt: skip
    assert client.post(f"/review/assignments/{pk}/decision/", decision).status_code == 404
    assert client.get(f"/review/articles/{article.pk}/decisions/").status_code == 404
    assert client.get("/review/desk/").status_code == 403
    assert client.get(f"/review/desk/articles/{article.pk}/assign/").status_code == 403
    assert client.post(f"/review/desk/articles/{article.pk}/assign/", {}).status_code == 403
    assert client.post(f"/review/desk/assignments/{pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert client.get(f"/review/desk/assignments/{pk}/reassign/").status_code == 403
    assert client.post(f"/review/desk/assignments/{pk}/clear-conflict/", {"reason": "x"}).status_code == 403
    invited.refresh_from_db()
    assert invited.status == "invited" and not Review.objects.exists()
    # Their own "My assignments" shows nothing of it.
    page = client.get("/review/")
    assert article.title not in page.content.decode()


def test_accept_with_no_conflict_then_the_review_page_shows_article_report_and_form(client, setup):
    article, reviewer, invited = setup
    _client_for(client, reviewer.user)
    page = client.get(f"/review/assignments/{invited.pk}/")
    assert page.status_code == 200 and "Accept the review" in page.content.decode()
    response = client.post(f"/review/assignments/{invited.pk}/accept/", {"conflict": "none"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW
    html = client.get(f"/review/assignments/{invited.pk}/").content.decode()
    # Rendered for readers: linked citations, sanitised HTML.
    assert '<a href="#ref-1"' in html and "<p>Radiotherapy is the usual first treatment" in html
    # The uncited dose (line 3 of the body) is reported beside its paragraph.
    block = html.split('id="block-2"')[1].split('id="block-3"')[0]
    assert "16 mg" in block and 'data-rule="claim-uncited"' in block
    # Reference-level findings sit with the reference.
    ref1 = html.split('id="ref-1"')[1].split('id="ref-2"')[0]
    assert 'data-rule="reference-outdated"' in ref1
    assert "Sign and submit the decision" in html and "Acknowledge each warning" in html


def test_accept_without_a_declaration_is_a_400_with_the_message(client, setup):
    _article, reviewer, invited = setup
    response = _client_for(client, reviewer.user).post(f"/review/assignments/{invited.pk}/accept/", {})
    assert response.status_code == 400
    assert "Declare whether you have a conflict of interest" in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == "invited"


def test_accept_with_expired_credentials_is_refused_with_the_reason(client, setup):
    _article, reviewer, invited = setup
    reviewer.licence_expires = timezone.localdate() - timedelta(days=3)
    reviewer.save()
    response = _client_for(client, reviewer.user).post(
        f"/review/assignments/{invited.pk}/accept/", {"conflict": "none"}
    )
    assert response.status_code == 400 and "licence has expired" in response.content.decode()


def test_decline_with_a_reason(client, setup):
    _article, reviewer, invited = setup
    _client_for(client, reviewer.user)
    assert client.post(f"/review/assignments/{invited.pk}/decline/", {"reason": ""}).status_code == 400
    assert client.post(f"/review/assignments/{invited.pk}/decline/", {"reason": "On leave"}).status_code == 302
    invited.refresh_from_db()
    assert (invited.status, invited.decline_reason) == ("declined", "On leave")


def _decide(client, assignment, article, **extra):
    data = {"revision": article.revision, "decision": "approve", "password": TEST_PASSWORD,
            **{f"check_{k}": "on" for k, _ in CHECKLIST}}  # fmt: skip
    data["acknowledged"] = [w["key"] for w in gate.warnings_to_acknowledge(article=article)]
    data.update(extra)
    return client.post(f"/review/assignments/{assignment.pk}/decision/", data)


def test_approve_through_the_form(client, setup):
    article, reviewer, invited = setup
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    response = _decide(_client_for(client, reviewer.user), invited, article)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.APPROVED
    html = client.get(f"/review/assignments/{invited.pk}/").content.decode()
    assert "Reviewed by" in html and "Neuro Example, MD, Neuroradiology" in html


def test_missing_acknowledgement_is_a_400_and_records_nothing(client, setup):
    article, reviewer, invited = setup
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    response = _decide(_client_for(client, reviewer.user), invited, article, acknowledged=[])
    assert response.status_code == 400
    assert "acknowledge each warning" in response.content.decode()
    assert not Review.objects.exists()


def test_stale_submission_is_refused_with_the_message_and_the_new_diff(client, setup, editor):
    article, reviewer, invited = setup
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    content = content_of(article)
    workflow.edit(
        article=article, actor=editor, reason="Wording",
        content=Content(title=content.title, summary=content.summary,
                        body=content.body.replace("usual first", "standard initial"), references=content.references),
    )  # fmt: skip
    response = _decide(_client_for(client, reviewer.user), invited, article, revision=1)
    html = response.content.decode()
    assert response.status_code == 409
    assert "you read revision 1, it is now at revision 2" in html
    assert '<del class="diff-del">usual first</del><ins class="diff-ins">standard initial</ins>' in html
    newer = ReviewAssignment.objects.get(reviewer=reviewer, revision=2)
    assert f"/review/assignments/{newer.pk}/" in html
    assert not Review.objects.exists()


def _reword(article, actor) -> None:
    """An editor rewords the first paragraph: revision 2."""
    article.refresh_from_db()
    content = content_of(article)
    workflow.edit(
        article=article, actor=actor, reason="Wording",
        content=Content(title=content.title, summary=content.summary,
                        body=content.body.replace("usual first", "standard initial"), references=content.references),
    )  # fmt: skip


@pytest.mark.parametrize("ended", ["declined", "withdrawn"])
def test_a_declined_or_withdrawn_assignment_shows_nothing_of_the_article(client, setup, editor, ended):
    article, reviewer, invited = setup
    if ended == "declined":
        assignments.assignment_decline(assignment=invited, actor=reviewer.user, reason="On leave")
    else:
        assignments.assignment_withdraw(assignment=invited, actor=editor, reason="Too many open reviews")
    _reword(article, editor)
    _client_for(client, reviewer.user)
    url = f"/review/assignments/{invited.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}accept/", {"conflict": "none"}).status_code == 404
    assert client.post(f"{url}decline/", {"reason": "x"}).status_code == 404
    decision = {"revision": 2, "decision": "approve", "password": TEST_PASSWORD,
                **{f"check_{k}": "on" for k, _ in CHECKLIST}}  # fmt: skip
    assert client.post(f"{url}decision/", decision).status_code == 404
    # Still listed under "Done", without a link to a page that is gone.
    mine = client.get("/review/").content.decode()
    assert article.title in mine and f'href="{url}"' not in mine
    invited.refresh_from_db()
    assert invited.status == ended and not Review.objects.exists()


def test_a_stale_assignment_without_a_newer_one_shows_only_the_revision_it_was_made_for(client, setup, editor):
    article, reviewer, invited = setup  # invited, never answered: not invited again after the edit
    _reword(article, editor)
    invited.refresh_from_db()
    assert invited.status == "stale"
    assert not ReviewAssignment.objects.filter(reviewer=reviewer, revision=2).exists()
    response = _client_for(client, reviewer.user).get(f"/review/assignments/{invited.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "it is now at revision 2" in html and "The editors will invite you again if needed." in html
    assert "usual first" in html and "revision 1, the one you were invited to review" in html
    assert "standard initial" not in html and 'data-testid="diff-body"' not in html
    assert response.context["page"].revision.number == 1


def test_a_stale_assignment_with_a_newer_one_links_it_and_shows_the_changes(client, setup, editor):
    article, reviewer, invited = setup
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    _reword(article, editor)
    newer = ReviewAssignment.objects.get(reviewer=reviewer, revision=2)
    html = _client_for(client, reviewer.user).get(f"/review/assignments/{invited.pk}/").content.decode()
    assert "it is now at revision 2" in html and f'href="/review/assignments/{newer.pk}/"' in html
    assert '<del class="diff-del">usual first</del><ins class="diff-ins">standard initial</ins>' in html


def test_the_diff_since_the_last_reviewed_revision_is_shown_on_a_new_round(client, setup, editor, author):
    article, reviewer, invited = setup
    _accept_and_request_changes(invited, reviewer, "Cite the dose.")
    article.refresh_from_db()
    content = content_of(article)
    workflow.edit(
        article=article, actor=author, reason="Cited",
        content=Content(title=content.title, summary=content.summary,
                        body=content.body.replace("daily.", "daily [2]."), references=content.references),
    )  # fmt: skip
    workflow.submit(article=article, actor=author)
    again = ReviewAssignment.objects.get(reviewer=reviewer, status="invited")
    html = _client_for(client, reviewer.user).get(f"/review/assignments/{again.pk}/").content.decode()
    assert "Changes since the revision you last reviewed: revision 1 → 2" in html
    diff = html.split('data-testid="diff-body">')[1].split("</div>")[0]
    assert "<ins" in diff and "[2]" in diff.split("<ins")[1]


def test_decisions_page_for_author_and_editors_only(client, setup, editor, author):
    article, reviewer, invited = setup
    _accept_and_request_changes(invited, reviewer, "Please cite the dose.")
    url = f"/review/articles/{article.pk}/decisions/"
    for user in (author, editor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "Please cite the dose." in response.content.decode()
    client.force_login(make_user("other-author", roles=["author"]))
    assert client.get(url).status_code == 404


def _many_assignments(reviewer, author, n):
    for i in range(n):
        article = make_article(author=author, status=S.UNDER_REVIEW, title=f"Load {i}")
        make_assignment(article=article, reviewer=reviewer, status=("invited", "accepted", "submitted")[i % 3])


def test_my_assignments_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, author):
    reviewer = make_reviewer("counted")
    _many_assignments(reviewer, author, 1)
    client.force_login(reviewer.user)
    client.get("/review/")  # warm the session and content types
    with django_assert_max_num_queries(8) as one:
        client.get("/review/")
    _many_assignments(reviewer, author, 30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/review/")
    assert response.content.decode().count("Load ") >= 30


def test_the_review_page_query_count_does_not_grow_with_assignments(
    client, django_assert_max_num_queries, editor, author
):
    article = make_article(author=author, status=S.SUBMITTED, body=DOSE_BODY)
    reviewer = make_reviewer("pagecount")
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    client.force_login(reviewer.user)
    url = reverse("reviews:assignment", args=[invited.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for i in range(10):
        make_assignment(article=article, reviewer=make_reviewer(f"more{i}"), status="accepted")
    _many_assignments(reviewer, author, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
