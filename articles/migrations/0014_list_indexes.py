"""Indexes that keep the lists fast at 100,000 articles (README "Lists at 100,000 articles" names each and its page).

On PostgreSQL the desk's search also gets trigram indexes (pg_trgm) on the upper-cased title and slug,
the expression Django's ``icontains`` compares; on SQLite (the demo) that step does nothing.
"""

import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEXES = {"article_title_trgm": "title", "article_slug_trgm": "slug"}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON articles_article USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_trust_wiring")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("live_publication__isnull", False)), fields=["topic"], name="article_live_topic"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(
                    ("live_publication__isnull", False),
                    models.Q(("status__in", ["approved", "archived"]), _negated=True),
                ),
                fields=["next_review_due", "id"],
                name="article_rereview_running",
            ),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(fields=["-published_at", "-id"], name="publication_recent"),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(fields=["title"], name="publication_title"),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(condition=models.Q(("provisional", True)), fields=["id"], name="publication_provisional"),
        ),
        migrations.AddIndex(
            model_name="reference",
            index=models.Index(django.db.models.functions.text.Upper("doi"), name="reference_doi_upper"),
        ),
        migrations.AddIndex(
            model_name="reference",
            index=models.Index(django.db.models.functions.text.Upper("pmcid"), name="reference_pmcid_upper"),
        ),
        migrations.AddIndex(
            model_name="reference",
            index=models.Index(django.db.models.functions.text.Upper("isbn"), name="reference_isbn_upper"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
