"""The editors' desk lists its first open assignments by due date from this index (README "Lists at 100,000 articles")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_list_indexes"),
        ("reviews", "0008_email_templates_and_sent_versions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reviewassignment",
            index=models.Index(
                condition=models.Q(("status__in", ("invited", "accepted"))),
                fields=["due_at", "id"],
                name="assignment_open_due",
            ),
        ),
    ]
