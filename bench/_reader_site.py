"""The site the reader benchmark serves: the real URLconf plus ``/bench/bare/``, a bare Django view
returning the article page's bytes from memory, and ``/bench/plain/``, a plain Django page of the same
bytes. ``python -m bench._reader_site seed`` writes the benchmark's article (15 references, 25
citations) into the benchmark's own database and stores its page as a publish does; ``forget``
empties the page store.

Used only by ``bench/reader.py``, which sets DJANGO_SETTINGS_MODULE and ROOT_URLCONF for it.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

import django

django.setup()

from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402

from editorial import urls as site_urls  # noqa: E402

SLUG = "bench-spinal-cord-compression"
REFERENCES = 15
CITATIONS = 25
_page: bytes | None = None


def bare(request):
    """The same bytes as the article page, from memory: the cost of Django alone."""
    global _page
    if _page is None:  # once per worker, before the timed requests (the driver warms each worker)
        _page = Client().get(f"/articles/{SLUG}/").content
    return HttpResponse(_page, content_type="text/html; charset=utf-8")


_plain_template = None


def plain(request):
    """A plain Django page of the same bytes: two ORM queries (the article, its live publication) and a
    template rendered with them (the page's text around the publication's title)."""
    global _plain_template
    from django.template import engines

    from articles.models import Article, Publication

    article = Article.objects.select_related("topic").get(slug=SLUG)
    publication = Publication.objects.get(pk=article.live_publication_id)
    if _plain_template is None:  # compiled once per worker, like any template loader's cache
        page = Client().get(f"/articles/{SLUG}/").content.decode()
        head, _, tail = page.partition(publication.title)
        source = "{% verbatim %}" + head + "{% endverbatim %}{{ publication.title }}{% verbatim %}" + tail
        _plain_template = engines["django"].from_string(source + "{% endverbatim %}")
    return HttpResponse(_plain_template.render({"article": article, "publication": publication}, request))


# The site's own patterns at the root, as in production (an include around them would make every
# article request resolve one level deeper than it does there), after the two comparison views.
urlpatterns = [path("bench/bare/", bare), path("bench/plain/", plain), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def _references() -> list[dict]:
    kinds = ["guideline", "systematic_review", "rct", "cohort", "research"]
    return [
        {
            "number": n, "kind": kinds[n % len(kinds)], "authors": f"Author{n} AB, Writer C, Third D, et al.",
            "title": f"Outcomes of treatment {n} in metastatic spinal cord compression: a study of {n * 37} patients",
            "source": "J Clin Oncol", "year": 2000 + n, "details": f"{n}({n % 12 + 1}):{100 + n}-{110 + n}",
            "doi": f"10.1200/jco.{2000 + n}.{n:03d}", "pmid": str(16112300 + n), "raw": f"Reference {n}",
        }
        for n in range(1, REFERENCES + 1)
    ]  # fmt: skip


def _body() -> str:
    paragraphs = []
    for i in range(CITATIONS):
        cited = i % REFERENCES + 1
        paragraphs.append(
            f"Paragraph {i + 1}: patients with spinal cord compression usually receive radiotherapy, and "
            f"dexamethasone 16 mg a day is common while treatment is arranged [{cited}]."
        )
        if i % 6 == 5:
            paragraphs.append(f"## Section {i // 6 + 1}")
    return "\n\n".join(paragraphs)


def seed() -> None:
    from django.contrib.auth import get_user_model

    from articles.models import Article, ArticleRevision, Topic
    from articles.pages import store_page
    from articles.revisions import article_create
    from reviews.publishing.services import publication_build

    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    topic, _ = Topic.objects.get_or_create(name="Oncology", defaults={"slug": "oncology"})
    article = article_create(
        title="Malignant spinal cord compression: treatment", slug=SLUG, author=user, actor=user,
        reason="benchmark", summary="Radiotherapy, surgery and steroids.", body=_body(), references=_references(),
        topic=topic,
    )  # fmt: skip
    revision = ArticleRevision.objects.get(article=article, number=article.revision)
    publication = publication_build(article=article, revision=revision, actor=user, reason="bench", provisional=False)
    publication.reviewer_credits = [
        {"display": "Jane Doe, MD, Neuroradiology", "degree": "MD", "specialty": "Neuroradiology",
         "approved_at": "2026-05-29T10:30:00+00:00"}
    ]  # fmt: skip
    publication.save()
    # The benchmark's own throwaway database: the article is put live directly, without the editorial steps.
    Article.objects.filter(pk=article.pk).update(
        live_publication=publication,
        live_revision=revision.number,
        live_title=publication.title,
        status=Article.Status.APPROVED,
        last_reviewed_at=publication.published_at,
    )
    # As a publish does once it commits (articles.pages): the page is rendered and kept in the page store.
    store_page.call(article_id=article.pk)
    citations = publication.rendered_html.count('class="cite"')
    print(f"seeded {SLUG}: {len(revision.references)} references, {citations} citation links; page stored")


def forget() -> None:
    """Empty the page store: every cache miss then renders (a page changed in a way the store did not see)."""
    from articles.models import StoredPage

    StoredPage.objects.all().delete()


if __name__ == "__main__" and sys.argv[1:] == ["seed"]:
    seed()
elif __name__ == "__main__" and sys.argv[1:] == ["forget"]:
    forget()
