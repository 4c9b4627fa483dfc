"""Indexes of the editors' desk's lists (README "Lists at 100,000 articles"): the evidence watch's last
run, and on PostgreSQL the active reviewers in the order of "credentials expiring" (no licence date
first, then by date, then id), which SQLite (the demo) cannot index, so there that step does nothing."""

from django.db import migrations, models


def create_expiring_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS reviewer_expiring ON reviews_reviewerprofile "
            "(licence_expires NULLS FIRST, id) WHERE active"
        )


def drop_expiring_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reviewer_expiring")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0015_walk_fixes")]

    operations = [
        migrations.AddIndex(
            model_name="evidencewatchrun",
            index=models.Index(fields=["-started_at", "-id"], name="evidence_run_latest"),
        ),
        migrations.RunPython(create_expiring_index, drop_expiring_index),
    ]
