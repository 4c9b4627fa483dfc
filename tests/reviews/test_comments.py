"""Comment threads on the text: starting, replying, resolving and reopening; who sees them (every
comment URL tried by every role); bad input; re-anchoring on a later revision; the author's list of
what waits for them; the dossier; and a review page whose query count does not grow with comments."""

import json
import re

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.assignments import decisions
from reviews.comments import selectors, services
from reviews.comments.anchoring import ANCHORED, CHANGED, REMOVED
from reviews.comments.models import Comment, CommentThread
from reviews.exceptions import CommentRefused, NotPermitted
from reviews.publishing import dossier
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, force_status, make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db

S = Article.Status
BODY = (
    "Radiotherapy is the usual first treatment for most patients [1].\n\n"
    "Give 16 mg of dexamethasone daily.\n\n"
    "Decompressive surgery helps selected patients walk again [2].\n"
)


def _staff(name, roles):
    user = make_user(name, roles=roles)
    user.is_staff = True  # authors use the admin for their own articles
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def people(editor):
    author = _staff("cara-author", ["author"])
    article = make_article(author=author, status=S.UNDER_REVIEW, body=BODY, title="Cord compression")
    reviewer = make_reviewer("lena", specialty="Neuroradiology")
    assignment = make_assignment(article=article, reviewer=reviewer, status="accepted", assigned_by=editor)
    invited = make_reviewer("ivo")
    invited_assignment = make_assignment(article=article, reviewer=invited, status="invited", assigned_by=editor)
    return {
        "article": article, "author": author, "editor": editor, "reviewer": reviewer.user, "assignment": assignment,
        "invited": invited.user, "invited_assignment": invited_assignment,
        "stranger": make_reviewer("sam").user, "other_author": _staff("dan-author", ["author"]),
    }  # fmt: skip


def _start(p, actor_key="reviewer", *, paragraph=2, quote="16 mg of dexamethasone", body="Is 16 mg right here?"):
    return services.comment_start(
        article=p["article"], actor=p[actor_key], revision=p["article"].revision, paragraph=paragraph, quote=quote,
        body=body,
    )  # fmt: skip


def test_a_thread_keeps_every_reply_resolution_and_reopening_in_order(people):
    thread = _start(people)
    assert (thread.paragraph, thread.quote, thread.start, thread.revision) == (2, "16 mg of dexamethasone", 5, 1)
    assert thread.assignment == people["assignment"]  # the round it was made in
    assert (thread.context_before, thread.context_after) == ("Give ", " daily.")
    services.comment_reply(thread=thread, actor=people["author"], body="Yes: the guideline's dose [2].")
    services.comment_reply(thread=thread, actor=people["editor"], body="Agreed.")
    services.comment_resolve(thread=thread, actor=people["reviewer"], note="Answered, thank you.")
    services.comment_reopen(thread=thread, actor=people["author"], note="One more point.")
    services.comment_resolve(thread=thread, actor=people["editor"])
    thread.refresh_from_db()
    assert thread.status == CommentThread.Status.RESOLVED
    entries = list(thread.comments.values_list("kind", "role", "body"))
    assert entries == [
        ("comment", "reviewer", "Is 16 mg right here?"),
        ("comment", "author", "Yes: the guideline's dose [2]."),
        ("comment", "editor", "Agreed."),
        ("resolved", "reviewer", "Answered, thank you."),
        ("reopened", "author", "One more point."),
        ("resolved", "editor", ""),
    ]


def test_an_empty_quote_comments_on_the_whole_paragraph(people):
    thread = _start(people, "author", paragraph=3, quote="")
    assert thread.quote == "Decompressive surgery helps selected patients walk again [2]."
    assert thread.assignment is None and thread.comments.get().role == "author"


def test_only_the_starter_or_an_editor_resolves_and_each_step_needs_the_right_state(people):
    thread = _start(people)
    with pytest.raises(NotPermitted, match="only whoever started the thread, or an editor, resolves it"):
        services.comment_resolve(thread=thread, actor=people["author"])
    with pytest.raises(CommentRefused, match="open already"):
        services.comment_reopen(thread=thread, actor=people["author"])
    services.comment_resolve(thread=thread, actor=people["reviewer"])
    with pytest.raises(CommentRefused, match="already resolved"):
        services.comment_resolve(thread=thread, actor=people["editor"])
    with pytest.raises(CommentRefused, match="reopen it to reply"):
        services.comment_reply(thread=thread, actor=people["author"], body="Late reply")
    assert thread.comments.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"revision": 2}, "You were reading revision 2; the article is now at revision 1"),
        ({"paragraph": 9}, "Revision 1 has no paragraph 9 (it has 3)"),
        ({"quote": "20 mg of dexamethasone"}, "The passage you quoted is not in paragraph 2 of revision 1"),
        ({"body": "   "}, "A comment needs some text"),
        ({"body": "x" * 5001}, "at most 5000 characters; this one has 5001"),
    ],
)
def test_a_refused_start_names_what_is_wrong_and_writes_nothing(people, changes, message):
    arguments = {"revision": 1, "paragraph": 2, "quote": "16 mg", "body": "Dose?", **changes}
    with pytest.raises(CommentRefused, match=re.escape(message)):
        services.comment_start(article=people["article"], actor=people["reviewer"], **arguments)
    assert not CommentThread.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "invited", "other_author"])
def test_people_outside_the_review_may_not_comment_in_the_domain(people, who):
    with pytest.raises(NotPermitted):
        _start(people, who)
    thread = _start(people)
    with pytest.raises(NotPermitted):
        services.comment_reply(thread=thread, actor=people[who], body="Hello")
    assert thread.comments.count() == 1


def test_a_reviewer_of_a_past_round_still_comments_and_an_archived_article_takes_none(people):
    people["assignment"].status = "submitted"
    people["assignment"].save()
    thread = _start(people)
    force_status(people["article"], S.ARCHIVED)
    with pytest.raises(NotPermitted, match="archived"):
        services.comment_reply(thread=thread, actor=people["reviewer"], body="Still there?")


def test_every_comment_write_locks_the_article_row_first(people):
    thread = _start(people)
    steps = [
        lambda: _start(people, "editor", paragraph=1, quote="Radiotherapy"),
        lambda: services.comment_reply(thread=thread, actor=people["author"], body="Reply"),
        lambda: services.comment_resolve(thread=thread, actor=people["reviewer"]),
        lambda: services.comment_reopen(thread=thread, actor=people["reviewer"]),
    ]
    for step in steps:
        with CaptureQueriesContext(connection) as queries:
            step()
        first_lock = next(q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"])
        assert 'FROM "articles_article"' in first_lock


def test_the_label_is_the_name_with_the_role(people):
    thread = _start(people)
    services.comment_reply(thread=thread, actor=people["author"], body="Answer")
    first, second = Comment.objects.select_related("author__reviewer_profile").order_by("pk")
    assert selectors.comment_author_label(first, people["author"]) == "Lena Example, MD, Neuroradiology (reviewer)"
    assert selectors.comment_author_label(second, people["reviewer"]) == "cara-author (author)"


# Every comment URL, with the role it belongs to ("reviewer": under an assignment; "desk": under the article).
def _urls(p, thread) -> list[tuple[str, str, dict]]:
    a, art, t = p["assignment"].pk, p["article"].pk, thread.pk
    start = {"revision": "1", "paragraph": "1", "quote": "Radiotherapy", "text": "New point"}
    return [
        ("reviewer", reverse("reviews:comment-start", args=[a]), start),
        ("reviewer", reverse("reviews:comment-reply", args=[a, t]), {"text": "A reply"}),
        ("reviewer", reverse("reviews:comment-resolve", args=[a, t]), {}),
        ("reviewer", reverse("reviews:comment-reopen", args=[a, t]), {}),
        ("desk", reverse("reviews:article-comment-start", args=[art]), start),
        ("desk", reverse("reviews:article-comment-reply", args=[art, t]), {"text": "A reply"}),
        ("desk", reverse("reviews:article-comment-resolve", args=[art, t]), {}),
        ("desk", reverse("reviews:article-comment-reopen", args=[art, t]), {}),
    ]


@pytest.mark.parametrize("who", ["stranger", "invited", "other_author"])
def test_every_comment_url_answers_404_to_anyone_outside_the_review(client, people, who):
    thread = _start(people, body="Secret remark")
    client.force_login(people[who])
    for _, url, data in _urls(people, thread):
        assert client.post(url, data).status_code == 404, url
    if who == "invited":  # an invitation not yet accepted shows the page, without the comments
        page = client.get(reverse("reviews:assignment", args=[people["invited_assignment"].pk]))
        assert page.status_code == 200 and "Secret remark" not in page.content.decode()
    assert client.get(reverse("reviews:assignment", args=[people["assignment"].pk])).status_code == 404
    admin = client.get(reverse("admin:articles_article_change", args=[people["article"].pk]))
    assert admin.status_code in (302, 403, 404) and b"Secret remark" not in admin.content
    assert Comment.objects.count() == 1 and CommentThread.objects.get().status == "open"


@pytest.mark.parametrize("who", ["reviewer", "author", "editor"])
def test_each_person_in_the_review_uses_their_own_comment_urls(client, people, who):
    client.force_login(people[who])
    for kind, url, data in _urls(people, _start(people, body="Dose?")):
        response = client.post(url, data)
        mine = (kind == "reviewer") == (who == "reviewer")
        if not mine:
            assert response.status_code == 404, url
        elif url.endswith("/resolve/") and who == "author":
            assert response.status_code == 403  # the author answers a point; its starter settles it
        elif url.endswith("/reopen/") and who == "author":
            assert response.status_code == 400 and b"This thread is open already" in response.content
        else:
            assert response.status_code == 302, (url, response.content[:300])
    page_url = (
        reverse("reviews:assignment", args=[people["assignment"].pk])
        if who == "reviewer"
        else reverse("admin:articles_article_change", args=[people["article"].pk])
    )
    text = client.get(page_url).content.decode()
    assert "Dose?" in text and "New point" in text and "A reply" in text


@pytest.mark.parametrize(
    ("data", "status", "shown"),
    [
        ({"revision": "1", "paragraph": "two", "text": "x"}, 400, "Paragraph: Enter a whole number."),
        ({"revision": "abc", "paragraph": "2", "text": "x"}, 400, "Enter a whole number."),
        ({"revision": "1", "paragraph": "99999999999999999999", "text": "x"}, 400, "less than or equal to 100000"),
        ({"revision": "1", "paragraph": "2", "text": ""}, 400, "Your comment: This field is required."),
        ({"revision": "1", "paragraph": "2", "text": "y" * 5001}, 400, "at most 5000 characters"),
        ({"revision": "1", "paragraph": "2", "quote": "not there", "text": "Kept text"}, 400, "not in paragraph 2"),
        ({"revision": "7", "paragraph": "2", "text": "Kept text"}, 409, "now at revision 1"),
    ],
)
def test_bad_comment_input_answers_4xx_naming_it_and_keeps_the_text(client, people, data, status, shown):
    client.force_login(people["reviewer"])
    response = client.post(reverse("reviews:comment-start", args=[people["assignment"].pk]), data)
    assert response.status_code == status
    text = response.content.decode()
    assert shown in text
    if data["text"] == "Kept text":
        assert "Kept text" in text  # sent back in the form to send again
    assert not CommentThread.objects.exists()


def test_nul_characters_and_impossible_ids_are_refused_without_a_500(client, people):
    thread = _start(people)
    client.force_login(people["reviewer"])
    a = people["assignment"].pk
    start = reverse("reviews:comment-start", args=[a])
    nul = client.post(start, {"revision": "1", "paragraph": "2", "text": "bad\x00text"})
    assert nul.status_code == 400 and b"NUL" in nul.content
    reply = client.post(reverse("reviews:comment-reply", args=[a, thread.pk]), {"text": "a\x00b"})
    assert reply.status_code == 400
    huge = 10**20
    assert client.post(f"/review/assignments/{a}/comments/{huge}/reply/", {"text": "x"}).status_code == 404
    assert client.post(f"/review/assignments/{huge}/comments/", {"text": "x"}).status_code == 404
    assert client.post(f"/review/articles/{huge}/comments/{thread.pk}/resolve/").status_code == 404
    assert client.post(f"/review/assignments/{a}/comments/abc/reply/", {"text": "x"}).status_code == 404
    assert client.post(f"/review/assignments/{a}/comments/{thread.pk}/delete/").status_code == 404
    assert client.get(reverse("reviews:comment-reply", args=[a, thread.pk])).status_code == 405
    assert thread.comments.count() == 1


def _edited(article, editor, body: str) -> Article:
    content = content_of(article)
    article, _ = workflow.edit(
        article=article, actor=editor, reason="Reworded after review",
        content=Content(title=content.title, summary=content.summary, body=body, references=content.references),
    )  # fmt: skip
    return article


def test_threads_re_anchor_on_a_later_revision_kept_changed_or_removed(client, people):
    kept = _start(people, paragraph=1, quote="the usual first treatment", body="Kept")
    changed = _start(people, paragraph=2, quote="Give 16 mg of dexamethasone daily.", body="Changed")
    removed = _start(people, paragraph=3, quote="", body="Removed")
    body = "Radiotherapy is the usual first treatment for most patients [1].\n\nGive 16 mg of dexamethasone each day.\n"
    article = _edited(people["article"], people["editor"], body)
    assert article.revision == 2
    seen = selectors.comments_on_current(article=article, viewer=people["editor"])
    states = {t.thread.pk: (t.placement.state, t.placement.paragraph) for t in seen.threads}
    assert states == {kept.pk: (ANCHORED, 1), changed.pk: (CHANGED, 2), removed.pk: (REMOVED, None)}
    assert [t.thread.pk for t in seen.removed] == [removed.pk]
    client.force_login(people["editor"])
    text = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "passage changed" in text and "passage removed" in text and "Comments whose passage was removed" in text
    assert "Give 16 mg of dexamethasone each day." in text  # where the changed passage now is


def test_the_author_sees_unresolved_comments_of_a_reviewer_who_requested_changes(client, people):
    asked = _start(people, body="Cite the dose")
    also_open = _start(people, "editor", paragraph=1, quote="Radiotherapy", body="Editor's note")
    decisions.review_submit(
        assignment=people["assignment"], actor=people["reviewer"], revision=1, decision="request_changes",
        checklist={}, comments="Please cite the dose.", password=TEST_PASSWORD,
    )  # fmt: skip
    waiting = selectors.unresolved_after_changes_requested(article=people["article"], viewer=people["author"])
    assert [t.pk for t in waiting] == [asked.pk]
    assert also_open.pk not in [t.pk for t in waiting]
    client.force_login(people["author"])
    url = reverse("admin:articles_article_change", args=[people["article"].pk])
    text = client.get(url).content.decode()
    assert "Waiting for your answer: 1 unresolved comment from reviewers who requested changes" in text
    assert f'href="#thread-{asked.pk}"' in text
    services.comment_resolve(thread=asked, actor=people["reviewer"])
    assert "Waiting for your answer" not in client.get(url).content.decode()


def test_the_dossier_holds_each_thread_with_its_replies_and_resolution(people):
    thread = _start(people)
    services.comment_reply(thread=thread, actor=people["author"], body="Dose confirmed.")
    services.comment_resolve(thread=thread, actor=people["reviewer"], note="Fine.")
    data = dossier.dossier_for_article(article=people["article"])
    jsonschema.validate(json.loads(json.dumps(data)), dossier.dossier_schema())
    [record] = data["comment_threads"]
    assert record["quote"] == "16 mg of dexamethasone" and record["status"] == "resolved"
    assert record["assignment_id"] == people["assignment"].pk and record["paragraph"] == 2
    assert [(e["kind"], e["author"], e["body"]) for e in record["entries"]] == [
        ("comment", "lena", "Is 16 mg right here?"),
        ("comment", "cara-author", "Dose confirmed."),
        ("resolved", "lena", "Fine."),
    ]


def _comment_many(p, n: int) -> None:
    for i in range(n):
        thread = _start(p, "editor" if i % 2 else "reviewer", paragraph=i % 3 + 1, quote="", body=f"Point {i}")
        services.comment_reply(thread=thread, actor=p["author"], body=f"Answer {i}")
        if i % 3 == 0:
            services.comment_resolve(thread=thread, actor=p["editor"])


def test_the_review_and_change_pages_run_a_fixed_number_of_queries_whatever_the_comments(
    client, people, django_assert_max_num_queries
):
    _comment_many(people, 1)
    pages = [
        (people["reviewer"], reverse("reviews:assignment", args=[people["assignment"].pk])),
        (people["author"], reverse("admin:articles_article_change", args=[people["article"].pk])),
    ]
    counts = []
    for user, url in pages:
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(60) as one:
            client.get(url)
        counts.append(len(one.captured_queries))
    _comment_many(people, 30)
    for (user, url), count in zip(pages, counts, strict=True):
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(count):
            response = client.get(url)
        assert response.content.decode().count('data-testid="comment-thread"') == 31


def test_the_decisions_page_records_each_thread_with_its_replies_and_resolution(client, people):
    thread = _start(people, body="Is 16 mg right here?")
    services.comment_reply(thread=thread, actor=people["author"], body="It follows the guideline.")
    services.comment_resolve(thread=thread, actor=people["reviewer"])
    client.force_login(people["author"])
    text = client.get(reverse("reviews:decisions", args=[people["article"].pk])).content.decode()
    assert "Comments on the text: 0 open of 1" in text
    assert "It follows the guideline." in text and "resolved the thread" in text
    assert "/reply/" not in text  # the record, not a form


@pytest.mark.parametrize("mode", ["single", "double"])
def test_in_an_anonymous_review_each_side_sees_the_comment_not_the_commenter(people, client, mode):
    Article.objects.filter(pk=people["article"].pk).update(anonymity=mode)
    people["article"].refresh_from_db()
    thread = _start(people, body="Lena Example thinks 16 mg is high.")  # the reviewer names herself
    services.comment_reply(thread=thread, actor=people["author"], body="cara-author here: it is the guideline dose.")
    as_author = selectors.comments_on_current(article=people["article"], viewer=people["author"])
    first, own = as_author.threads[0].entries
    assert first.label == "Reviewer 1 (reviewer)" and "Lena" not in first.shown_body
    assert "16 mg is high" in first.shown_body and own.label == "cara-author (author)"  # the author sees their own name
    as_reviewer = selectors.comments_on_current(article=people["article"], viewer=people["reviewer"])
    reply = as_reviewer.threads[0].entries[1]
    hidden = mode == "double"
    assert (reply.label == "the author (author)") is hidden and ("cara-author" not in reply.shown_body) is hidden
    client.force_login(people["author"])
    page = client.get(reverse("admin:articles_article_change", args=[people["article"].pk])).content.decode()
    assert "Reviewer 1 (reviewer)" in page and "Lena Example" not in page
    as_editor = selectors.comments_on_current(article=people["article"], viewer=people["editor"])
    assert as_editor.threads[0].entries[0].label.startswith("Lena Example")
