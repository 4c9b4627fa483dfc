"""The article row's ``live_state`` (what readers see: published, provisional, withdrawn or never published),
the partial indexes of the change list's "published provisionally" and "withdrawn" filters (README
"Lists at 100,000 articles"; the approved articles' re-review dates, which the change list's "re-review"
filters count from too, are indexed by 0019's ``article_rereview_due``)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def copy_live_state(apps, schema_editor):
    """Each article's state from its live publication, or from its withdrawals when nothing is live."""
    Article = apps.get_model("articles", "Article")
    PublicationWithdrawal = apps.get_model("articles", "PublicationWithdrawal")
    live = Article.objects.filter(live_publication__isnull=False)
    live.filter(live_publication__provisional=True).update(live_state="provisional")
    live.filter(live_publication__provisional=False).update(live_state="published")
    withdrawn = Exists(PublicationWithdrawal.objects.filter(article=OuterRef("pk")))
    Article.objects.filter(withdrawn, live_publication__isnull=True).update(live_state="withdrawn")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_desk_needs_reviewer"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="live_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Never published"),
                    ("published", "Published"),
                    ("provisional", "Published provisionally"),
                    ("withdrawn", "Withdrawn (unpublished)"),
                ],
                default="",
                editable=False,
                max_length=16,
            ),
        ),
        migrations.RunPython(copy_live_state, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("live_state", "provisional")),
                fields=["-updated_at", "-id"],
                name="article_provisional",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("live_state", "withdrawn")),
                fields=["-updated_at", "-id"],
                name="article_withdrawn",
            ),
        ),
    ]
