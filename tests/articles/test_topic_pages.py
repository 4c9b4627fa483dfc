"""Topic pages in pages of TOPIC_PAGE_SIZE articles, by title, with a keyset cursor."""

import pytest

from articles import views
from articles.models import Article
from tests.factories import make_article, make_publication, make_topic


@pytest.fixture
def topic(db):
    topic = make_topic("Paging")
    for title in ["Delta", "Alpha", "Echo", "Bravo", "Charlie"]:
        article = make_article(status=Article.Status.APPROVED, title=title, topic=topic)
        make_publication(article=article)
    return topic


def _titles(html: str) -> list[str]:
    return [t for t in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"] if f">{t}<" in html]


def test_topic_pages_follow_the_next_link_to_the_end(client, topic, monkeypatch):
    monkeypatch.setattr(views, "TOPIC_PAGE_SIZE", 2)
    seen, url = [], topic.get_absolute_url()
    for _ in range(5):
        html = client.get(url).content.decode()
        seen.append(_titles(html))
        if 'rel="next"' not in html:
            break
        cursor = html.split('href="?after=')[1].split('"')[0]
        url = f"{topic.get_absolute_url()}?after={cursor}"
    assert seen == [["Alpha", "Bravo"], ["Charlie", "Delta"], ["Echo"]]


def test_every_topic_page_costs_the_same_queries(client, topic, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(views, "TOPIC_PAGE_SIZE", 2)
    last = Article.objects.get(title="Delta")
    with django_assert_num_queries(2):
        client.get(topic.get_absolute_url())
    with django_assert_num_queries(2):
        assert _titles(client.get(f"{topic.get_absolute_url()}?after={last.pk}").content.decode()) == ["Echo"]


@pytest.mark.parametrize("after", ["x", "-1", "²"])
def test_a_malformed_cursor_is_a_400_naming_it(client, topic, after):
    response = client.get(topic.get_absolute_url(), {"after": after})
    assert response.status_code == 400 and b"'after'" in response.content
