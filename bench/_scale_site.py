"""Seeding and timing for ``bench/scale.py``: ``python -m bench._scale_site SIZE`` seeds SIZE articles
into the (empty, migrated) database DATABASE_URL names, times every list page there and prints the
figures as one JSON line. Used only by ``bench/scale.py``, which owns and drops that database.

Seeded per article: one revision, ten history rows, one reference and two review assignments; 70 %
are live (one Publication each), 2 % were withdrawn; 5 % are submitted with both invitations declined
(the editors' desk's "needs a reviewer", stored by the domain's own refresh). 20 topics (topic 01 with
about a fifth of the articles, so it has several pages at every size); one reviewer per 20 articles (a
board grows with its site), so each reviewer has about 40 assignments at every size.

Pages compared alike: every filtered list measured holds at least a full page of rows at every size.
Proportions alone would leave the small site's lists of provisional or withdrawn articles, of a topic,
of a word search, of the re-reviews due or of overdue reviews with fewer rows than a page (7 to 85 at
1,000 articles) while the large site's show a full page, and the ratio would time the rendering of
more rows, not a slower query. So a floor of FLOOR articles of each such kind is spread evenly over
the ids at every size (every ``n // FLOOR``-th article: 200 at 1,000 articles, still 200 at 100,000,
where the proportions above dominate). ``measure`` reports the rows each page shows, which
``bench/scale.py`` prints beside its time.
"""

import json
import os
import re
import statistics
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import DateField, DateTimeField, JSONField  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from articles.models import Article, ArticleRevision, Publication, PublicationWithdrawal, Reference, Topic  # noqa: E402
from articles.views import TOPIC_PAGE_SIZE  # noqa: E402
from reviews.models import ReviewAssignment, ReviewerProfile  # noqa: E402
from reviews.workflow import rounds  # noqa: E402

TOPICS = 20
HISTORY_PER_ARTICLE = 10
ARTICLES_PER_REVIEWER = 20
REPEATS = 9
WORDS = ["spinal", "cord", "compression", "myelopathy", "radiotherapy", "steroid", "imaging", "surgery",
         "oedema", "marrow", "cervical", "lumbar", "fracture", "infection", "tumour", "stenosis"]  # fmt: skip
S = Article.Status
_STATUS = [S.APPROVED] * 6 + [S.UNDER_REVIEW, S.SUBMITTED, S.DRAFT, S.CHANGES_REQUESTED]
NOW = timezone.now()
# Articles of each floored kind (``_floored``: 0 re-review due, 1 provisional, 2 in topic-01, 3 titled with the
# searched words, 4 with an overdue assignment; and withdrawn, ``_withdrawn``) at every size: two pages of the
# change list (100 rows), so its filtered pages are full at 1,000 articles.
FLOOR = 200
PROVISIONAL_EVERY = 97  # at large sizes: one live publication in 97 is provisional
WITHDRAWN_DECADES = 10  # ... and two ids of one decade of ten were withdrawn (2 %)


def _default(field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, DateTimeField):
        return NOW
    if isinstance(field, DateField):
        return NOW.date()
    return ""


def _copy(model, rows) -> int:
    """COPY dict rows into the model's table; absent fields get their default (or NULL, or now)."""
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = [(f.attname, _default(f), isinstance(f, JSONField)) for f in fields]
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(v) if js else v for v, js in ((row.get(name, dflt), js) for name, dflt, js in defaults)]
            )
            count += 1
    return count


def _floored(i: int, n: int, kind: int) -> bool:
    """Article ``i`` is one of the FLOOR articles of a kind (0-4) at a site of ``n``: every ``n // FLOOR``-th id,
    from an offset of its own (at 1,000 articles the ids ending in 0 or 5 for kind 0, in 1 or 6 for kind 1 ...)."""
    stride = max(1, n // FLOOR)
    return i % stride == kind % stride


def _provisional(i: int, n: int) -> bool:  # of the live ones (ids ending in 0-6), one in 97, or a floored one
    return i % PROVISIONAL_EVERY == 0 or _floored(i, n, 1)


def _withdrawn(i: int, n: int) -> bool:
    """Published once, not live now: ids ending in 7 or 8 (submitted again, or a draft) of one decade in
    WITHDRAWN_DECADES at large sizes (2 % of the articles), of more decades while that would be under FLOOR."""
    decades = max(1, min(WITHDRAWN_DECADES, n // (5 * FLOOR)))
    return i % 10 in (7, 8) and (i // 10) % decades == 0


def _title(i: int, n: int) -> str:
    if _floored(i, n, 3):  # the change list's word search ("cervical tumour") finds at least FLOOR at every size
        return f"Cervical tumour and {WORDS[(i * 7) % 16]} {i}"
    return f"{WORDS[i % 16].capitalize()} {WORDS[(i // 16) % 16]} and {WORDS[(i * 7) % 16]} {i}"


def _review_in_days(i: int, n: int) -> int:
    """Days until an approved article's re-review: spread over 400 days from 30 days ago (due now: 31 in 400),
    and due now for the floored ones (FLOOR approved articles, ids ending in 0 or 5 at 1,000 articles)."""
    return -1 - i % 30 if _floored(i, n, 0) else i % 400 - 30


def _topic_id(i: int, n: int, topic_ids: list[int]) -> int:
    # Topic 01 holds about a fifth of the articles (a sixth of all, besides its own twentieth), so that at
    # every size it has several pages: the "later page" the bench times is a full page at 1,000 articles too;
    # and at least FLOOR (its filtered change list is full at every size).
    return topic_ids[1] if i % 6 == 1 or _floored(i, n, 2) else topic_ids[i % TOPICS]


def _article(i: int, n: int, editor_id: int, topic_ids: list[int]) -> dict:
    status = _STATUS[i % 10]
    live = i % 10 <= 6
    approved = status == S.APPROVED
    topic = _topic_id(i, n, topic_ids)
    state = ("provisional" if _provisional(i, n) else "published") if live else "withdrawn" if _withdrawn(i, n) else ""
    return {
        "id": i, "title": _title(i, n), "slug": f"article-{i}", "summary": "A benchmark article.",
        "body": "Text [1].", "topic_id": topic, "audience": "patient" if i % 4 == 0 else "clinician",
        "status": status, "revision": 1, "author_id": editor_id, "live_publication_id": i if live else None,
        "live_revision": 1 if live else None, "live_title": _title(i, n) if live else "", "live_state": state,
        "last_reviewed_at": NOW - timedelta(days=i % 365) if approved else None,
        "next_review_due": (NOW + timedelta(days=_review_in_days(i, n))).date() if approved else None,
        "created_at": NOW - timedelta(minutes=i), "updated_at": NOW - timedelta(minutes=i),
    }  # fmt: skip


def _publication(i: int, n: int, editor_id: int) -> dict:
    reviewed = (NOW - timedelta(days=i % 365 + 1)).isoformat()
    return {
        "id": i, "article_id": i, "revision_id": i, "title": _title(i, n), "summary": "A benchmark article.",
        "rendered_html": f"<p>{_title(i, n)}</p>", "references": [], "provisional": _provisional(i, n),
        "reviewer_credits": [{"display": "A Reviewer, MD, Neurology", "reviewed_at": reviewed}],
        "published_by_id": editor_id, "published_at": NOW - timedelta(minutes=i), "reason": "seed",
        "search_text": f"{_title(i, n)} A benchmark article about {WORDS[(i * 3) % 16]} and {WORDS[(i * 5) % 16]}.",
    }  # fmt: skip


def _history(n: int, editor_id: int, topic_ids: list[int]):
    hid = 0
    for i in range(1, n + 1):
        base = _article(i, n, editor_id, topic_ids)
        for k in range(HISTORY_PER_ARTICLE):
            hid += 1
            yield {
                **base, "history_id": hid, "history_date": NOW - timedelta(minutes=i, seconds=HISTORY_PER_ARTICLE - k),
                "history_type": "+" if k == 0 else "~", "history_change_reason": f"step {k}",
                "history_user_id": editor_id,
            }  # fmt: skip


def _declined(i: int) -> bool:
    """5 % of the articles are submitted articles whose two invitations were declined: the desk's
    "needs a reviewer" (a full first page of it at 1,000 articles already)."""
    return i % 20 == 7


def _due_in_days(i: int, n: int) -> int:
    """Days until an assignment is due: from 10 days ago to 20 days ahead (a third overdue), and overdue for the
    floored ones (FLOOR articles of kind 4), so the change list's "review overdue" is a full page at every size."""
    return -1 - i % 10 if _floored(i, n, 4) else i % 30 - 10


def _assignments(n: int, editor_id: int, profile_ids: list[int]):
    aid = 0
    for i in range(1, n + 1):
        if _STATUS[i % 10] == S.DRAFT:
            continue
        for k in range(2):
            aid += 1
            status = "accepted" if _STATUS[i % 10] == S.UNDER_REVIEW else "submitted" if k == 0 else "invited"
            if _STATUS[i % 10] == S.APPROVED and status == "invited":
                status = "withdrawn"  # approval ends the round (rounds.round_end): no invitation stays open
            if _declined(i):
                status = "declined"
            yield {
                "id": aid, "article_id": i, "reviewer_id": profile_ids[(i * 2 + k) % len(profile_ids)],
                "revision": 1, "status": status, "assigned_by_id": editor_id,
                "assigned_at": NOW - timedelta(days=i % 60), "due_at": NOW + timedelta(days=_due_in_days(i, n)),
                "decision": "approve" if status == "submitted" else "",
                "decision_revision": 1 if status == "submitted" else None,
                "decided_at": NOW - timedelta(days=i % 30) if status == "submitted" else None,
            }  # fmt: skip


def _people(n: int) -> tuple[int, list[int], list[int]]:
    User = get_user_model()
    editor = User.objects.create_superuser("bench-editor", "editor@example.org", "bench")
    editor.groups.add(*Group.objects.filter(name__in=["editor"]))
    topic_ids = [Topic.objects.create(name=f"Topic {t:02d}", slug=f"topic-{t:02d}").pk for t in range(TOPICS)]
    password = make_password("bench")
    count = max(50, n // ARTICLES_PER_REVIEWER)
    users = User.objects.bulk_create(
        [User(username=f"reviewer{r}", email=f"r{r}@example.org", password=password) for r in range(count)]
    )
    Group.objects.get(name="reviewer").user_set.add(*users)
    profiles = ReviewerProfile.objects.bulk_create(
        [ReviewerProfile(user=u, display_name=f"Reviewer {u.pk}", degree="MD", specialty="Neurology") for u in users]
    )
    return editor.pk, topic_ids, [p.pk for p in profiles]


def seed(n: int) -> dict:
    start = time.perf_counter()
    with transaction.atomic():  # foreign keys are checked at commit (Django makes them deferrable)
        editor_id, topic_ids, profile_ids = _people(n)
        counts = {"articles": _copy(Article, (_article(i, n, editor_id, topic_ids) for i in range(1, n + 1)))}
        counts["revisions"] = _copy(
            ArticleRevision,
            ({"id": i, "article_id": i, "number": 1, "title": _title(i, n), "references": [], "content_hash": "0" * 64,
              "reason": "seed", "created_at": NOW} for i in range(1, n + 1)),
        )  # fmt: skip
        published = [i for i in range(1, n + 1) if i % 10 <= 6 or _withdrawn(i, n)]
        counts["publications"] = _copy(Publication, (_publication(i, n, editor_id) for i in published))
        counts["withdrawals"] = _copy(
            PublicationWithdrawal,
            ({"article_id": i, "publication_id": i, "reason": "seed", "withdrawn_by_id": editor_id, "id": j}
             for j, i in enumerate((i for i in published if _withdrawn(i, n)), 1)),
        )  # fmt: skip
        counts["references"] = _copy(
            Reference, ({"id": i, "article_id": i, "number": 1, "doi": f"10.9999/bench.{i}"} for i in range(1, n + 1))
        )
        counts["history rows"] = _copy(Article.history.model, _history(n, editor_id, topic_ids))
        counts["assignments"] = _copy(ReviewAssignment, _assignments(n, editor_id, profile_ids))
        # The desk's stored "needs a reviewer", from its one definition (as every step keeps it).
        rounds.desk_flags_refresh(articles=Article.objects.filter(status__in=rounds.IN_REVIEW))
        counts["needing a reviewer"] = Article.objects.filter(needs_reviewer=True).count()
        with connection.cursor() as cursor:
            for model in (Article, ArticleRevision, Publication, PublicationWithdrawal, Reference, ReviewAssignment):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: planner statistics, and the visibility map that lets
        # the topics' counts read their index only.
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": time.perf_counter() - start, "counts": counts, "reviewer_ids": profile_ids}


def pages(n: int, profile_ids: list[int]) -> dict[str, tuple[str, str]]:
    """Page label → (who, URL)."""
    # The later page starts in the middle of topic 01's live articles (in the page's own order), never so
    # near the end that fewer than a full page follow: the page timed shows as many rows at every size.
    live = Article.objects.filter(topic__slug="topic-01", live_publication__isnull=False)
    order = live.order_by("live_title", "pk").values_list("pk", flat=True)
    count = live.count()
    if count < 2 * TOPIC_PAGE_SIZE + 1:
        raise RuntimeError(f"topic-01 has {count} live articles: too few for a full later page")
    after = order[min(count // 2, count - TOPIC_PAGE_SIZE - 1)]
    admin = "/admin/articles/article/"
    return {
        "admin change list": ("editor", admin),
        "admin filter status": ("editor", f"{admin}?status__exact=approved"),
        "admin filter topic": ("editor", f"{admin}?topic__id__exact={Topic.objects.get(slug='topic-01').pk}"),
        "admin filter reviewer": ("editor", f"{admin}?reviewer={profile_ids[3]}"),
        "admin filter overdue": ("editor", f"{admin}?overdue=yes"),
        "admin filter rereview due": ("editor", f"{admin}?rereview=due"),
        "admin filter rereview 30": ("editor", f"{admin}?rereview=30"),
        "admin filter published": ("editor", f"{admin}?published=published"),
        "admin filter provisional": ("editor", f"{admin}?published=provisional"),
        "admin filter unpublished": ("editor", f"{admin}?published=unpublished"),
        "admin filter withdrawn": ("editor", f"{admin}?published=withdrawn"),
        "admin search words": ("editor", f"{admin}?q=cervical+tumour"),
        "admin search DOI": ("editor", f"{admin}?q=10.9999/bench.{n // 2}"),
        "admin desk": ("editor", f"{admin}desk/"),
        "editors' desk": ("editor", "/review/desk/"),
        "reviewer's assignments": ("reviewer", "/review/"),
        "home": ("reader", "/"),
        "topic page": ("reader", "/topics/topic-01/"),
        "topic page, later page": ("reader", f"/topics/topic-01/?after={after}"),
        "search": ("reader", "/search/?q=cervical+tumour"),
        "sitemap index": ("reader", "/sitemap.xml"),
    }


# Pages timed as computed, not as remembered: the sitemap index keeps its page counts for
# ``articles.sitemaps.PAGE_COUNT_SECONDS``, so the bench forgets them before each request (the cost
# of the index when it is computed is what may grow with the site).
UNREMEMBERED = {"sitemap index"}


def rows_shown(response) -> int:
    """How many rows a page shows: the change list's result rows; else its cards (reader lists), sitemap
    entries and table body rows (the desks, the reviewer's assignments)."""
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is not None:
        return len(changelist.result_list)
    html = response.content.decode()
    bodies = re.findall(r"<tbody.*?</tbody>", html, flags=re.S)
    return html.count('<li class="card"') + html.count("<sitemap>") + sum(body.count("<tr") for body in bodies)


def measure(n: int, profile_ids: list[int]) -> dict:
    User = get_user_model()
    clients = {"reader": Client(), "editor": Client(), "reviewer": Client()}
    clients["editor"].force_login(User.objects.get(username="bench-editor"))
    clients["reviewer"].force_login(ReviewerProfile.objects.get(pk=profile_ids[3]).user)
    out = {}
    for label, (who, url) in pages(n, profile_ids).items():
        client = clients[who]
        forget = cache.clear if label in UNREMEMBERED else lambda: None
        response = client.get(url)  # warm: connections, template and URL caches
        if response.status_code != 200:
            raise RuntimeError(f"{label}: GET {url} answered {response.status_code}")
        forget()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured.captured_queries)
        times = []
        for _ in range(REPEATS):
            forget()
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        out[label] = {"queries": queries, "median_ms": statistics.median(times) * 1000, "url": url,
                      "rows": rows_shown(response)}  # fmt: skip
    return out


if __name__ == "__main__":
    size = int(sys.argv[1])
    seeded = seed(size)
    figures = measure(size, seeded.pop("reviewer_ids"))
    print(json.dumps({"size": size, "seed": seeded, "pages": figures}))
