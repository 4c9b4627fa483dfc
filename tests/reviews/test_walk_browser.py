"""The author's article list in Chromium: at 1280 px every column is in view (no nav sidebar beside
the list, headings wrap, no author column on an author's own list); at 390 px no sideways scroll."""

import re

import pytest

from articles.models import Article
from tests.factories import make_article, make_topic, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FITS = """() => { const r = document.querySelector('#changelist-form .results');
                  return [r.scrollWidth, r.clientWidth, document.documentElement.scrollWidth]; }"""


def test_the_authors_article_list_shows_every_column_at_1280_and_390(page, login, artifacts):
    author = make_user("list-author", roles=["author"], is_staff=True, first_name="Ada", last_name="Author")
    topic = make_topic("Musculoskeletal")
    make_article(author=author, topic=topic, title="Early signs of cord compression in older adults")
    make_article(author=author, status=Article.Status.CHANGES_REQUESTED, title="Steroids before spinal surgery")
    login(author, next_url="/admin/articles/article/")
    page.wait_for_url(re.compile(r"/admin/articles/article/$"))
    assert page.locator("#nav-sidebar").count() == 0
    headings = [h.lower() for h in page.locator("#result_list thead th").all_inner_texts()]
    assert "author" not in headings and any("next review" in h for h in headings)
    results, shown, document = page.evaluate(FITS)
    page.screenshot(path=str(artifacts / "walk-author-list-1280.png"), full_page=True)
    assert results <= shown and document <= 1280, f"the list is {results} px wide in {shown} px"
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(artifacts / "walk-author-list-390.png"), full_page=True)
    assert page.evaluate(FITS)[2] <= 390


def test_the_authors_change_page_panels_hold_their_inputs_at_390(page, login, artifacts):
    author = make_user("panel-author", roles=["author"], is_staff=True)
    article = make_article(author=author, title="Steroids before spinal surgery")
    page.set_viewport_size({"width": 390, "height": 844})
    login(author, next_url=f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_url(re.compile(r"/change/$"))
    outside = page.evaluate("""() => [...document.querySelectorAll('.desk-panel input:not([type=hidden]), select')]
        .filter(e => e.closest('.desk-panel'))
        .filter(e => e.getBoundingClientRect().width > 0
                     && e.getBoundingClientRect().right > e.closest('.desk-panel').getBoundingClientRect().right + 1)
        .map(e => e.id || e.name)""")
    page.screenshot(path=str(artifacts / "walk-author-change-390.png"), full_page=True)
    assert page.locator("#reason-submit").is_visible() and outside == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_change_pages_buttons_sit_below_the_title_not_over_it(page, login, artifacts):
    editor = make_user("tools-editor", roles=["editor"])
    article = make_article(title="What is the treatment for malignant spinal cord compression in adults?")
    login(editor, next_url=f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_url(re.compile(r"/change/$"))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        title = page.locator("#content > h2").bounding_box()
        tools = page.locator(".object-tools").bounding_box()
        workflow = page.locator("#workflow-heading").bounding_box()
        page.screenshot(path=str(artifacts / f"walk-change-tools-{width}.png"), full_page=True)
        assert tools["y"] >= title["y"] + title["height"] - 1, width
        assert workflow["y"] >= tools["y"] + tools["height"] - 1, width
