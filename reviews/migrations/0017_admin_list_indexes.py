"""The change list's "review overdue" filter counts from an index of the open assignments' due dates and
articles (README "Lists at 100,000 articles")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0016_desk_lists"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                condition=models.Q(("status__in", ("invited", "accepted"))),
                fields=["due_at", "article"],
                name="assignment_open_due_article",
            ),
        ),
    ]
