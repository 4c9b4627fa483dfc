"""Titles and names are single lines: a line break is refused where it is written, so no email subject
(``[Imprimatur] <title>: …``) can ever carry one into the mail library's BadHeaderError."""

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.forms import modelform_factory

from articles.models import Article, ArticleRevision, Topic
from articles.revisions import Content, content_apply
from tests.factories import make_article, make_user

BROKEN_TITLES = ["Spinal cord compression\rBcc: someone@example.org", "Two\nlines", "Crlf\r\nhere", "Nel\x85here",
                 "Unicode\u2028separator"]  # fmt: skip


@pytest.mark.parametrize("title", BROKEN_TITLES)
def test_a_new_article_with_a_line_break_in_its_title_is_refused_and_nothing_is_written(db, title):
    author = make_user("crlf-author", roles=["author"])
    with pytest.raises(ValidationError) as refused:
        make_article(title=title, author=author)
    assert refused.value.message_dict["title"] == ["A title must be a single line: remove the line break."]
    assert not Article.objects.filter(author=author).exists()
    assert not ArticleRevision.objects.filter(article__author=author).exists()


def test_an_edit_that_puts_a_carriage_return_in_the_title_is_refused(db):
    article = make_article()
    with pytest.raises(ValidationError) as refused:
        content_apply(article=article, content=Content(title="New\rtitle", body=article.body), actor=article.author,
                      reason="retitle")  # fmt: skip
    assert "title" in refused.value.message_dict
    article.refresh_from_db()
    assert (article.revision, article.revisions.count()) == (1, 1)
    assert "\r" not in article.title


def test_the_article_form_refuses_a_carriage_return_with_a_form_error(db):
    article = make_article()
    form = modelform_factory(Article, fields=["title"])({"title": "Retitled\rBcc: x@example.org"}, instance=article)
    assert not form.is_valid()
    assert form.errors["title"] == ["A title must be a single line: remove the line break."]


def test_a_topic_name_with_a_line_break_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        Topic(name="Oncology\r\nX-Header: 1", slug="oncology").full_clean()
    assert refused.value.message_dict["name"] == ["A topic name must be a single line: remove the line break."]


def test_a_title_that_passes_validation_makes_a_subject_the_mail_library_accepts(db, mailoutbox):
    """The other half of the promise: what validation lets through is sendable as a subject."""
    article = make_article(title="  Spinal cord compression: steroids\tand surgery  ")
    send_mail(f"[Imprimatur] {article.title}: approved", "body", None, ["author@example.org"])
    assert mailoutbox[0].subject == "[Imprimatur] Spinal cord compression: steroids\tand surgery: approved"
