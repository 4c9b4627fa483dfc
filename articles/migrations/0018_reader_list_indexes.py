"""Indexes for the reader's lists at 100,000 articles (README "Lists at 100,000 articles").

On PostgreSQL each publication also keeps its search document, ``search_document``: a stored column
generated from exactly the expression ``articles.search.search_vector()`` builds (migration 0003 indexed
that expression), with its GIN index in place of the expression's. Search walks the newest publications
and tests each one's stored document instead of parsing its text again. The column is the database's
own (generated, never written by the app) and the models do not list it; SQLite (the demo) has none.
"""

from django.db import migrations, models

EXPRESSION = (
    "((setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(search_text, '')), 'C'))"
)


def add_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE articles_publication ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX publication_document_gin ON articles_publication USING gin (search_document)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS publication_search_gin")


def drop_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS publication_search_gin ON articles_publication USING gin ({EXPRESSION})"
        )
        schema_editor.execute("ALTER TABLE articles_publication DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_stored_page"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("live_publication__isnull", False)),
                fields=["-last_reviewed_at", "-id"],
                name="article_live_reviewed",
            ),
        ),
        migrations.RunPython(add_search_document, drop_search_document, elidable=False),
    ]
