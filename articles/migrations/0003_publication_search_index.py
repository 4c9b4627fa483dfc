"""GIN index for reader search on PostgreSQL, on exactly the expression articles.search.search_vector() builds.

Only PostgreSQL has it; on SQLite (the demo) search falls back to a plain scan and this does nothing.
"""

from django.db import migrations

INDEX = "publication_search_gin"
EXPRESSION = (
    "((setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(search_text, '')), 'C'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_publication USING gin ({EXPRESSION})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_publishing_and_site_settings")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
