"""Compare revisions: a summary of what changed at the top, and a "changed paragraphs only" view,
the default for long bodies."""

import pytest
from django.urls import reverse

from articles.diffing import change_summary, paragraph_diff, paragraphs, revision_diff
from articles.revisions import Content, content_of
from reviews.workflow import transitions as workflow
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LONG = "\n\n".join(f"Paragraph {n} says the same thing it always said." for n in range(1, 13))


def _edited(editor, *, body: str, new_body: str, title: str | None = None, drop_second_reference=False):
    article = make_article(body=body)
    content = content_of(article)
    refs = content.references[:1] if drop_second_reference else content.references
    workflow.edit(
        article=article, actor=editor, reason="Tightened",
        content=Content(title=title or content.title, summary=content.summary, body=new_body, references=refs),
    )  # fmt: skip
    return article


def test_paragraph_diff_pairs_edits_and_counts_additions_and_removals():
    old = "One stays.\n\nTwo is edited here.\n\nThree goes.\n\nFour stays."
    new = "One stays.\n\nTwo is changed here.\n\nFour stays.\n\nFive is new."
    changes = paragraph_diff(old, new)
    assert [(c.kind, c.old_number, c.new_number) for c in changes] == [
        ("changed", 2, 2), ("removed", 3, None), ("added", None, 4),
    ]  # fmt: skip
    assert paragraphs("a\n\n\n  \nb\r\n\r\nc") == ["a", "b", "c"]


def test_change_summary_counts_paragraphs_words_references_and_title(editor):
    old = "Radiotherapy is the usual first treatment [1].\n\nSurgery helps [2]."
    new = "Radiotherapy is the standard initial treatment [1].\n\nSurgery helps [1].\n\nSteroids come first."
    article = _edited(editor, body=old, new_body=new, title="A new title", drop_second_reference=True)
    first, second = article.revisions.get(number=1), article.revisions.get(number=2)
    diff = revision_diff(old=first, new=second)
    summary = change_summary(diff=diff, changes=paragraph_diff(first.body, second.body), new_body=second.body)
    assert (summary.paragraphs_changed, summary.paragraphs_added, summary.paragraphs_removed) == (2, 1, 0)
    assert (summary.words_added, summary.words_removed) == (6, 3)  # standard initial [1]. Steroids come first.
    assert (summary.references_added, summary.references_removed, summary.references_changed) == (0, 1, 0)
    assert summary.title_changed and summary.paragraphs_total == 3


def test_a_long_body_opens_on_its_changed_paragraphs_with_the_summary_on_top(client, editor):
    edited = LONG.replace("Paragraph 7 says the same", "Paragraph 7 now says a new")
    article = _edited(editor, body=LONG, new_body=edited)
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[article.pk]) + "?old=1&new=2"
    html = client.get(url).content.decode()
    assert html.index('data-testid="change-summary"') < html.index("<h2>Body</h2>")
    assert "Paragraphs: 1 changed, 0 added, 0 removed (of 12 in revision 2)" in html
    assert "Changed: paragraph 7 → 7" in html
    assert '<ins class="diff-ins">now </ins>says ' in html and '<ins class="diff-ins">a new</ins>' in html
    assert "Paragraph 3 says" not in html  # unchanged paragraphs are left out
    assert 'aria-current="page">Changed paragraphs only' in html
    whole = client.get(url + "&view=whole").content.decode()
    assert "Paragraph 3 says" in whole and 'aria-current="page">Whole body' in whole


def test_a_short_body_opens_whole_and_a_bad_view_value_is_a_message_not_an_error(client, editor):
    article = _edited(editor, body="Short one.\n\nShort two.", new_body="Short one.\n\nShort three.")
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[article.pk]) + "?old=1&new=2"
    html = client.get(url).content.decode()
    assert 'aria-current="page">Whole body' in html and "Title: unchanged" in html
    assert "Changed: paragraph 2 → 2" in client.get(url + "&view=changed").content.decode()
    bad = client.get(url + "&view=%3Cscript%3E")
    assert bad.status_code == 200 and "Unknown view: Select a valid choice." in bad.content.decode()
