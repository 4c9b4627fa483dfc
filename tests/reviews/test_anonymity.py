"""Anonymity during review: every URL of the site tried as the author and as a reviewer, in each mode.

An article's mode is its own or its topic's: open; single-anonymous (the author does not see the
reviewers); double-anonymous (the reviewers do not see the author either). Editors see everyone, and
the board's approval ends the anonymity (the public credit names the approving reviewers).
"""

import itertools
import re

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import Anonymity, Article
from reviews.anonymity import anonymity_mode, author_hidden_from, reviewer_hidden_from
from reviews.assignments import decisions
from reviews.assignments import services as assignments
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, make_article, make_assignment, make_reviewer, make_topic, make_user

pytestmark = pytest.mark.django_db
S = Article.Status
# Lower-case fragments of the people's names, account names and addresses: none may appear where hidden.
AUTHOR_NAMES = (b"hquill", b"hester", b"quill")
ZEDWICK, YARROW = (b"zedwick",), (b"yarrow",)
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _author():
    author = make_user("hquill", roles=["author"], first_name="Hester", last_name="Quill")
    author.is_staff = True  # authors use the admin for their own articles
    author.save(update_fields=["is_staff"])
    return author


@pytest.fixture
def world(editor, django_capture_on_commit_callbacks):
    """An article in review under ``mode``: two reviewers invited and accepted, Yarrow asked for changes
    (every email sent, as after each commit)."""

    def build(mode: str, *, on_article: bool = False):
        with django_capture_on_commit_callbacks(execute=True):
            return _build(mode, on_article=on_article)

    def _build(mode: str, *, on_article: bool):
        topic = make_topic("Neurology", anonymity=Anonymity.OPEN if on_article else mode)
        author = _author()
        article = make_article(author=author, topic=topic, title="Cord compression in adults")
        if on_article:
            Article.objects.filter(pk=article.pk).update(anonymity=mode)
            article.refresh_from_db()
        article = workflow.submit(article=article, actor=author)
        article = workflow.start_review(article=article, actor=editor)
        zed, yar = make_reviewer("zedwick"), make_reviewer("yarrow", specialty="Neurology")
        made = assignments.assignments_create(
            article=article, reviewers=[zed, yar], actor=editor, due_at=_due(), override_reason=""
        )
        for assignment in made:
            assignments.assignment_accept(assignment=assignment, actor=assignment.reviewer.user, conflict="none")
        asked = next(a for a in made if a.reviewer == yar)
        decisions.review_submit(
            assignment=asked, actor=yar.user, revision=article.revision, decision="request_changes", checklist={},
            comments="Yarrow Example here: please give the dose of dexamethasone.", password=TEST_PASSWORD,
        )  # fmt: skip
        article.refresh_from_db()
        return article, author, zed, yar, made

    return build


def _due():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=7)


def _routes(patterns, prefix: str = ""):
    """Every route of the URL configuration, as its route string (regular-expression routes left out)."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if "(?P" in route or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


# The admin's "view on site" redirect takes any content type's id: it names nobody, and a content type
# whose model has a UUID key answers a bare number with Django's own ValidationError (left alone here).
SKIPPED = ("admin/r/",)


def _urls(article, made) -> list[str]:
    """Every URL with each parameter filled by each value that could open something of this article."""
    ids = [str(article.pk), *(str(a.pk) for a in made), *(str(r.pk) for r in article.reviews.all())]
    versions = [str(h.history_id) for h in article.history.all()]
    values = {"version_id": versions, "slug": [article.slug], "token": ["not-a-token"], "name": ["approve"],
              "number": ["1"], "section": ["articles"], "audience": ["patient"]}  # fmt: skip
    out = set()
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(SKIPPED):
            continue
        names = [name for _conv, name in _PARAM.findall(route)]
        for combo in itertools.product(*(values.get(name, ids) for name in names)):
            filled = iter(combo)
            out.add("/" + _PARAM.sub(lambda _m, it=filled: next(it), route))
    change = reverse("admin:articles_article_change", args=[article.pk])
    out |= {
        reverse("admin:articles_article_compare", args=[article.pk]) + "?old=1&new=1",
        reverse("admin:articles_article_dossier", args=[article.pk]) + "?format=json",
        reverse("admin:articles_article_audit") + "?export=transitions",
        reverse("admin:articles_article_changelist") + f"?q={article.title.split()[0]}",
        change,
    }
    return sorted(out)


# The public board roster names every member of the board, and no article: it tells nobody who reviews what.
ROSTER = "/editorial-policy/"


def _leaks(client, urls, names, article) -> list[str]:
    found = []
    for url in urls:
        response = client.get(url)
        body = response.content.lower()
        if response.status_code >= 500:
            found.append(f"{url}: {response.status_code}")
        if url == ROSTER:
            found += [f"{url}: names the article" for _ in [1] if article.title.lower().encode() in body]
            continue
        found += [f"{url}: {name.decode()}" for name in names if name in body]
    return found


@pytest.mark.parametrize("mode", [Anonymity.SINGLE, Anonymity.DOUBLE])
def test_no_author_url_names_a_reviewer_in_an_anonymous_review(client, world, mode):
    article, author, _zed, _yar, made = world(mode)
    client.force_login(author)
    urls = _urls(article, made)
    assert len(urls) > 100  # the whole site was tried
    assert _leaks(client, urls, ZEDWICK + YARROW, article) == []
    decisions_page = client.get(reverse("reviews:decisions", args=[article.pk])).content.decode()
    assert "Request changes: Reviewer 2" in decisions_page and "please give the dose" in decisions_page
    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Reviewer 2" in history  # the reviewer's workflow step, by label
    change = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Reviewer 1" in change and "Reviewer 2" in change


def test_in_an_open_review_the_author_sees_the_reviewers(client, world):
    article, author, *_ = world(Anonymity.OPEN)
    client.force_login(author)
    page = client.get(reverse("reviews:decisions", args=[article.pk])).content.lower()
    assert b"yarrow example" in page
    assert b"zedwick example" in client.get(reverse("admin:articles_article_change", args=[article.pk])).content.lower()


def test_no_reviewer_url_names_the_author_in_a_double_anonymous_review(client, world):
    article, _author, zed, _yar, made = world(Anonymity.DOUBLE)
    client.force_login(zed.user)
    urls = _urls(article, made)
    assert _leaks(client, urls, AUTHOR_NAMES + YARROW, article) == []
    mine = next(a for a in made if a.reviewer == zed)
    page = client.get(reverse("reviews:assignment", args=[mine.pk])).content.decode()
    assert 'written by <span data-testid="author">the author</span>' in page
    assert "Double-anonymous" in page
    assert "the author" in client.get(reverse("reviews:assignments")).content.decode()


def test_in_a_single_anonymous_review_the_reviewer_sees_the_author(client, world):
    _article, _author, zed, _yar, made = world(Anonymity.SINGLE)
    client.force_login(zed.user)
    mine = next(a for a in made if a.reviewer == zed)
    assert "Hester Quill" in client.get(reverse("reviews:assignment", args=[mine.pk])).content.decode()
    assert "Hester Quill" in client.get(reverse("reviews:assignments")).content.decode()


def test_the_article_override_beats_the_topic(client, world):
    article, author, *_ = world(Anonymity.DOUBLE, on_article=True)
    assert article.topic.anonymity == Anonymity.OPEN and anonymity_mode(article) == Anonymity.DOUBLE
    client.force_login(author)
    page = client.get(reverse("reviews:decisions", args=[article.pk])).content.lower()
    assert b"yarrow" not in page and b"reviewer 2" in page


def test_editors_see_everyone(client, world, editor):
    article, _author, _zed, _yar, _made = world(Anonymity.DOUBLE)
    assert not reviewer_hidden_from(editor, article) and not author_hidden_from(editor, article)
    client.force_login(editor)
    change = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.lower()
    assert b"yarrow example" in change and b"zedwick example" in change and b"hquill" in change
    assert b"double-anonymous" in change  # the mode is shown on the desk's article page


def test_approval_ends_the_anonymity(world):
    article, author, zed, _yar, _made = world(Anonymity.DOUBLE)
    assert reviewer_hidden_from(author, article) and author_hidden_from(zed.user, article)
    Article.objects.filter(pk=article.pk).update(status=S.APPROVED, last_reviewed_at=article.created_at)
    article.refresh_from_db()
    assert not reviewer_hidden_from(author, article) and not author_hidden_from(zed.user, article)


def test_emails_to_the_author_name_no_reviewer(world):
    _article, author, *_ = world(Anonymity.SINGLE)
    to_author = [m for m in mail.outbox if author.email in m.to]
    assert to_author, "the author is told of the request for changes"
    text = "\n".join(m.subject + m.body for m in to_author).lower()
    assert "yarrow" not in text and "zedwick" not in text
    assert "reviewer 2" in text and "please give the dose" in text
    to_editors = "\n".join(m.body for m in mail.outbox if "editor@example.org" in m.to).lower()
    assert "yarrow example" in to_editors  # editors read the names


def test_emails_to_reviewers_name_the_author_only_when_not_double_anonymous(world):
    world(Anonymity.DOUBLE)
    invitations = [m for m in mail.outbox if "Invitation to review" in m.subject]
    assert len(invitations) == 2
    assert all(b not in (m.subject + m.body).lower().encode() for m in invitations for b in AUTHOR_NAMES)
    assert all("written by the author" in m.body for m in invitations)


def test_the_invitation_names_the_author_in_an_open_review(world):
    world(Anonymity.OPEN)
    invitations = [m for m in mail.outbox if "Invitation to review" in m.subject]
    assert invitations and all("written by Hester Quill" in m.body for m in invitations)


def test_an_edited_email_template_cannot_name_the_hidden_author(world, chief):
    from reviews.mail.models import EmailTemplate

    EmailTemplate.objects.create(
        key="reviews/email/invitation.txt", subject="Review {{ article.title }}",
        body="By {{ article.author.get_full_name }} ({{ article.author.email }}). {{ site_url }}",
    )  # fmt: skip
    world(Anonymity.DOUBLE)
    bodies = [m.body for m in mail.outbox if m.subject.startswith("Review ")]
    assert bodies and all(body.startswith("By the author (the author).") for body in bodies)


def _change_data(article, **changes):
    refs = list(article.references.order_by("number"))
    data = {
        "title": article.title, "summary": article.summary, "body": article.body, "topic": article.topic_id,
        "audience": article.audience, "variant_of": "", "change_reason": "Set the review mode",
        "expected_revision": article.revision, "expected_version": article.version,
        "references-TOTAL_FORMS": len(refs), "references-INITIAL_FORMS": len(refs),
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, ref in enumerate(refs):
        for name in ("id", "number", "kind", "authors", "title", "source", "year", "details", "doi", "pmid",
                     "pmcid", "isbn", "issn", "url", "raw"):  # fmt: skip
            value = getattr(ref, name)
            data[f"references-{i}-{name}"] = "" if value is None else value
        data[f"references-{i}-article"] = article.pk
    data.update(changes)
    return data


def test_an_editor_sets_the_articles_mode_and_the_history_keeps_it(client, editor):
    article = make_article(topic=make_topic("Neurology"))
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert 'name="anonymity"' in client.get(url).content.decode()
    response = client.post(url, _change_data(article, anonymity=Anonymity.DOUBLE))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.anonymity == Anonymity.DOUBLE and article.revision == 1  # metadata: no new revision
    assert article.history.order_by("-history_id").first().history_user == editor


def test_an_author_cannot_set_the_mode(client):
    author = _author()
    article = make_article(author=author, topic=make_topic("Neurology", anonymity=Anonymity.SINGLE))
    client.force_login(author)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url).content.decode()
    assert 'name="anonymity"' not in page and "Single-anonymous" in page  # shown, not editable
    client.post(url, _change_data(article, anonymity=Anonymity.OPEN))
    article.refresh_from_db()
    assert article.anonymity == "" and anonymity_mode(article) == Anonymity.SINGLE


def test_the_topic_admin_edits_the_mode_and_the_credited_signoff(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:articles_topic_add")).content.decode()
    assert 'name="anonymity"' in page and 'name="requires_credited_signoff"' in page


def test_an_author_cannot_filter_the_desk_by_reviewer(client, world):
    _article, author, zed, *_ = world(Anonymity.SINGLE)
    client.force_login(author)
    listing = client.get(reverse("admin:articles_article_changelist"))
    assert b"zedwick" not in listing.content.lower() and b"2 anonymous" in listing.content
    filtered = client.get(reverse("admin:articles_article_changelist") + f"?reviewer={zed.pk}")
    assert filtered.status_code == 302 and "e=1" in filtered["Location"]  # an unknown filter, not an answer


def test_the_pages_cost_the_same_queries_however_many_reviewers(client, editor, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article, author, *_ = world(Anonymity.DOUBLE)
    urls = [
        reverse("reviews:decisions", args=[article.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
    ]
    client.force_login(author)

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    counts()  # the first request fills the per-process caches (content types, site settings)
    before = counts()
    for n in range(4):
        make_assignment(article=article, reviewer=make_reviewer(f"extra{n}"), status="invited", assigned_by=editor)
    assert counts() == before


def test_the_write_api_gives_the_author_no_reviewer(client, world):
    from reviews.api.tokens import token_create

    article, author, *_ = world(Anonymity.SINGLE)
    clear = token_create(owner=author, actor=author, name="mine", scopes=["read", "submit"]).clear
    for name in ("article", "report"):
        response = client.get(reverse(f"desk-api:{name}", args=[article.pk]), HTTP_AUTHORIZATION=f"Bearer {clear}")
        assert response.status_code == 200
        assert b"zedwick" not in response.content.lower() and b"yarrow" not in response.content.lower()
