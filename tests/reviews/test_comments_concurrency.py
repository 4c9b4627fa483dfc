"""Two people settling one comment thread at once, on PostgreSQL: the article row lock serialises them."""

import threading

import pytest
from django.db import connection, transaction

from articles.models import Article
from reviews.comments import services
from reviews.comments.models import Comment
from reviews.exceptions import CommentRefused
from tests.factories import make_article, make_assignment, make_reviewer, make_user
from tests.reviews.test_concurrency import _in_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_resolutions_at_once_one_is_recorded_and_the_other_is_told_why():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editor = make_user("comment-editor", roles=["editor"])
    article = make_article(status=Article.Status.UNDER_REVIEW)
    reviewer = make_reviewer("comment-reviewer")
    make_assignment(article=article, reviewer=reviewer, status="accepted", assigned_by=editor)
    thread = services.comment_start(
        article=article, actor=reviewer.user, revision=1, paragraph=1, quote="", body="Which trial?"
    )
    holding, release = threading.Event(), threading.Event()
    results = {}

    def resolve_and_hold():
        with transaction.atomic():
            services.comment_resolve(thread=thread, actor=reviewer.user, note="Answered")
            holding.set()
            release.wait(5)  # keep the lock while the editor tries

    def resolve_too():
        holding.wait(5)
        return services.comment_resolve(thread=thread, actor=editor, note="Settled")

    a = threading.Thread(target=_in_thread, args=(resolve_and_hold, results, "a"))
    b = threading.Thread(target=_in_thread, args=(resolve_too, results, "b"))
    a.start(), b.start()
    holding.wait(5)
    b.join(0.5)
    assert b.is_alive(), "the second resolution must wait for the article's row lock"
    release.set()
    a.join(10), b.join(10)

    assert isinstance(results["b"], CommentRefused) and "already resolved" in str(results["b"])
    kinds = list(Comment.objects.filter(thread=thread).values_list("kind", "body"))
    assert kinds == [("comment", "Which trial?"), ("resolved", "Answered")]
