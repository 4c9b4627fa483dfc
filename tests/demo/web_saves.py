"""Run by test_sqlite_writers in a child process on the demo's SQLite settings: an editor saves an
article through the admin again and again while the worker and the jobs loop write beside it."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402

FIELDS = ("id", "number", "kind", "authors", "title", "source", "year", "details", "doi", "pmid", "pmcid", "isbn",
          "issn", "url", "raw")  # fmt: skip


def form_data(article: Article, n: int) -> dict:
    refs = list(article.references.order_by("number"))
    data = {
        "title": article.title, "summary": article.summary, "body": article.body + f"\nNote {n}.",
        "topic": article.topic_id or "", "audience": article.audience, "variant_of": "", "next_review_due": "",
        "change_reason": f"Demo save {n}", "expected_revision": article.revision, "expected_version": article.version,
        "references-TOTAL_FORMS": len(refs), "references-INITIAL_FORMS": len(refs),
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, ref in enumerate(refs):
        for name in FIELDS:
            value = getattr(ref, name)
            data[f"references-{i}-{name}"] = "" if value is None else value
        data[f"references-{i}-article"] = article.pk
    return data


def main(saves: int) -> int:
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="editor"))
    article = Article.objects.get(slug=sys.argv[2])
    failures = 0
    for n in range(saves):
        article.refresh_from_db()
        response = client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article, n))
        if response.status_code != 302:
            failures += 1
            print(f"save {n}: HTTP {response.status_code}", response.content[:300], flush=True)
    print(f"saves={saves} failures={failures} revision={Article.objects.get(pk=article.pk).revision}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
