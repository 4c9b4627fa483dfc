"""The editors' desk lists its first open assignments by due date from this index (README "Lists at 100,000 articles")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_list_indexes"),
        ("reviews", "0012_trust_wiring"),
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
