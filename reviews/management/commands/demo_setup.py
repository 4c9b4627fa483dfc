"""Demo accounts and sample content for `make demo`. Idempotent; refuses to run in production."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Topic
from reviews import roles, workflow
from reviews.importing import article_files, import_file
from reviews.models import ReviewerProfile

SAMPLES = Path(settings.BASE_DIR) / "articles" / "samples"

# Demo-only accounts for the local SQLite demo; the command refuses to run in production.
ACCOUNTS = [
    ("editor", "Eleanor", "Editor", [roles.EDITOR], True),
    ("chief", "Charles", "Chief", [roles.EDITOR_IN_CHIEF], True),
    ("author", "Ada", "Author", [roles.AUTHOR], False),
    ("dr.neuro", "Jane", "Doe", [roles.REVIEWER], False),
    ("dr.onco", "Sam", "Okafor", [roles.REVIEWER], False),
]
PASSWORD = "imprimatur-demo"
REVIEWERS = {
    "dr.neuro": ("Jane Doe", "MD", "Neuroradiology", ["Neurology", "Radiology"]),
    "dr.onco": ("Sam Okafor", "MD", "Radiation Oncology", ["Oncology", "Musculoskeletal"]),
}


class Command(BaseCommand):
    help = "Create demo accounts and import the sample articles (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_setup creates accounts with known passwords; it never runs in production.")
        with transaction.atomic():
            users = {row[0]: self._user(*row) for row in ACCOUNTS}
            for username, profile in REVIEWERS.items():
                self._reviewer(users[username], *profile, verifier=users["chief"])
        for path in article_files([str(SAMPLES)]):
            result = import_file(path=path, actor=users["editor"])
            self.stdout.write(f"  {path.name}: {result.outcome} {result.message}".rstrip())
        self._stage(users)
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password for all: {PASSWORD}):"))
        for username, first, last, groups, _staff in ACCOUNTS:
            self.stdout.write(f"  {username:<10} {first} {last} — {', '.join(groups)}")
        self.stdout.write("Editors use /admin/; reviewers use /review/; readers browse /.")

    def _user(self, username, first, last, groups, staff):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.imprimatur.invalid",
                      "is_staff": staff},
        )  # fmt: skip
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=groups))
        return user

    def _reviewer(self, user, name, degree, specialty, topics, *, verifier):
        profile, _ = ReviewerProfile.objects.get_or_create(
            user=user,
            defaults={
                "display_name": name, "degree": degree, "specialty": specialty,
                "board_certification": f"Board certified in {specialty}",
                "licence_number": f"DEMO-{user.pk:05d}", "licence_jurisdiction": "England",
                "licence_expires": timezone.localdate() + timedelta(days=400),
                "credentials_verified_at": timezone.now(), "credentials_verified_by": verifier,
            },
        )  # fmt: skip
        for topic_name in topics:
            topic, _ = Topic.objects.get_or_create(name=topic_name, defaults={"slug": topic_name.lower()})
            profile.topics.add(topic)

    def _stage(self, users):
        """Move a few fresh articles along so the desk shows more than drafts."""
        editor = users["editor"]
        drafts = Article.objects.filter(status=Article.Status.DRAFT).order_by("slug")
        if drafts.count() != Article.objects.count():
            return  # staged on an earlier run
        for article in drafts[:3]:
            workflow.submit(article=article, actor=editor, reason="Ready for the advisory board")
