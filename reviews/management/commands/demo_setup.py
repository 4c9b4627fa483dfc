"""Demo accounts and sample content for `make demo`. Idempotent; refuses to run in production."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleRevision, RevisionProvenance, SiteSettings, Topic
from articles.revisions import Content, article_create, content_of, metadata_apply
from articles.trust import provenance_record
from reviews import roles
from reviews.assignments.decisions import review_submit
from reviews.assignments.services import assignment_accept, assignment_create
from reviews.jobs.importing import article_files, import_file
from reviews.models import CHECKLIST, ReviewAssignment, ReviewerProfile
from reviews.publishing import services as publishing
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from reviews.workflow.review_due import review_due_change

SAMPLES = Path(settings.BASE_DIR) / "articles" / "samples"

# Demo-only accounts for the local SQLite demo; the command refuses to run in production.
ACCOUNTS = [
    ("editor", "Eleanor", "Editor", [roles.EDITOR], True),
    ("chief", "Charles", "Chief", [roles.EDITOR_IN_CHIEF], True),
    ("author", "Ada", "Author", [roles.AUTHOR], True),
    ("dr.neuro", "Jane", "Doe", [roles.REVIEWER], False),
    ("dr.onco", "Sam", "Okafor", [roles.REVIEWER], False),
]
PASSWORD = "imprimatur-demo"
REVIEWERS = {
    "dr.neuro": ("Jane Doe", "MD", "Neuroradiology", ["Neurology", "Radiology"]),
    "dr.onco": ("Sam Okafor", "MD", "Radiation Oncology", ["Oncology", "Musculoskeletal"]),
}


# The demo author's own articles (written for the demo, through the real services).
AUTHOR_ARTICLES = (
    ("steroids-before-spinal-surgery", "Steroids before spinal surgery (draft)"),
    ("early-signs-of-cord-compression", "Early signs of cord compression"),
)
AUTHOR_BODY = (
    "Back pain that is worse lying down can be an early sign of spinal cord compression [1].\n\n"
    "A short course of steroids is often started while imaging is arranged [2].\n"
)
AUTHOR_REFERENCES = [
    {"number": 1, "kind": "guideline", "authors": "Demo Writers Group", "title": "Recognising cord compression early",
     "source": "Demo Guideline Series", "year": 2024, "raw": "Demo Writers Group. Recognising cord compression early. "
     "Demo Guideline Series. 2024."},
    {"number": 2, "kind": "expert_opinion", "authors": "Example A, Sample B", "title": "Steroids in spinal emergencies",
     "source": "Demo Journal of Neurology", "year": 2023, "raw": "Example A, Sample B. Steroids in spinal "
     "emergencies. Demo Journal of Neurology. 2023."},
]  # fmt: skip


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
        with transaction.atomic():
            self._stage(users)
        with transaction.atomic():
            self._author_articles(users)
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
                "credentials_checked": f"{degree} degree, board certification and licence DEMO-{user.pk:05d}",
                "credentials_register": "demo register (no real register was consulted)",
                "credentials_recheck_due": timezone.localdate() + timedelta(days=365),
                "affiliation": "Demo Teaching Hospital",
            },
        )  # fmt: skip
        for topic_name in topics:
            topic, _ = Topic.objects.get_or_create(name=topic_name, defaults={"slug": topic_name.lower()})
            profile.topics.add(topic)

    def _stage(self, users):
        """Take the fresh sample articles through review and publishing, so every state shows."""
        if Article.objects.exclude(status=Article.Status.DRAFT).exists():
            return  # staged on an earlier run
        editor, neuro, onco = users["editor"], users["dr.neuro"], users["dr.onco"]
        publisher = users["chief"]  # the editor imported (and so wrote) the samples; four eyes publish them
        article = {a.slug: a for a in Article.objects.all()}

        # Published and approved, with a patient version beside the clinician one.
        clinician = article["malignant-spinal-cord-compression"]
        patient = article["malignant-spinal-cord-compression-patient"]
        metadata_apply(article=patient, values={"variant_of": clinician}, actor=editor, reason="Patient version")
        for item in (clinician, patient):
            self._approve(item, reviewer=onco, editor=editor)
            publishing.publish(article=item, actor=publisher, reason="Approved by the board")

        # Published, approved, and now past its re-review date.
        overdue = self._approve(article["cervical-myelopathy-imaging"], reviewer=neuro, editor=editor)
        publishing.publish(article=overdue, actor=publisher, reason="Approved by the board")
        past = timezone.localdate() - timedelta(days=3)
        review_due_change(article=overdue, actor=publisher, due=past, reason="Demo: re-review due")

        self._stage_in_review(article, users)

    def _stage_in_review(self, article, users):
        """A revision under review while readers keep the approved one; a provisional page; an open invitation."""
        editor, neuro, onco = users["editor"], users["dr.neuro"], users["dr.onco"]
        publisher = users["chief"]
        # Under review on revision 2 while readers keep the approved revision 1.
        changed = self._approve(article["myelomalacia"], reviewer=neuro, editor=editor)
        publishing.publish(article=changed, actor=publisher, reason="Approved by the board")
        content = content_of(changed)
        body = content.body + "\nFollow-up imaging is usually planned with the treating team.\n"
        _, revision = workflow.edit(
            article=changed, actor=editor, reason="Add a note on follow-up",
            content=Content(title=content.title, summary=content.summary, body=body, references=content.references),
        )  # fmt: skip
        provenance_record(revision=revision, method=RevisionProvenance.Method.WRITTEN, actor=editor)
        reinvited = changed.assignments.get(status=ReviewAssignment.Status.INVITED)
        assignment_accept(assignment=reinvited, actor=neuro, conflict=ReviewAssignment.Conflict.NONE)

        # Published provisionally, pending review.
        SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
        provisional = article["spine-mri-what-to-expect"]
        workflow.submit(article=provisional, actor=editor, reason="Ready for the advisory board")
        publishing.publish(article=provisional, actor=publisher, reason="Pending review", provisional=True)

        # Waiting for a reviewer to answer the invitation; and one still in draft.
        waiting = article["bone-marrow-edema"]
        workflow.submit(article=waiting, actor=editor, reason="Ready for the advisory board")
        assignment_create(
            article=waiting, reviewer=onco.reviewer_profile, actor=editor, due_at=timezone.now() + timedelta(days=10)
        )

    def _author_articles(self, users):
        """The demo author's own work: a draft, and one the board sent back with changes requested."""
        author, editor, onco = users["author"], users["editor"], users["dr.onco"]
        for slug, title in AUTHOR_ARTICLES:
            if not Article.objects.filter(slug=slug).exists():
                draft = article_create(
                    title=title, slug=slug, summary="", body=AUTHOR_BODY, references=AUTHOR_REFERENCES,
                    author=author, actor=author, reason="First draft",
                )  # fmt: skip
                revision = ArticleRevision.objects.get(article=draft, number=draft.revision)
                provenance_record(revision=revision, method=RevisionProvenance.Method.WRITTEN, actor=author)
        returned = Article.objects.get(slug=AUTHOR_ARTICLES[1][0])
        if returned.status != Article.Status.DRAFT:
            return  # sent back on an earlier run
        workflow.submit(article=returned, actor=author, reason="Ready for the advisory board")
        assignment = assignment_create(
            article=returned, reviewer=onco.reviewer_profile, actor=editor, due_at=timezone.now() + timedelta(days=14)
        )
        assignment_accept(assignment=assignment, actor=onco, conflict=ReviewAssignment.Conflict.NONE)
        returned.refresh_from_db()
        review_submit(
            assignment=assignment, actor=onco, revision=returned.revision, decision="request_changes", checklist={},
            comments="Please say which patients the steroid dose applies to, and cite the trial for it.",
            password=PASSWORD,
        )  # fmt: skip

    def _approve(self, article, *, reviewer, editor):
        workflow.submit(article=article, actor=editor, reason="Ready for the advisory board")
        assignment = assignment_create(
            article=article, reviewer=reviewer.reviewer_profile, actor=editor,
            due_at=timezone.now() + timedelta(days=14),
        )  # fmt: skip
        assignment_accept(assignment=assignment, actor=reviewer, conflict=ReviewAssignment.Conflict.NONE)
        article.refresh_from_db()
        warnings = [f["key"] for f in gate.warnings_to_acknowledge(article=article)]
        review_submit(
            assignment=assignment, actor=reviewer, revision=article.revision, decision="approve",
            checklist={key: True for key, _label in CHECKLIST}, acknowledged=warnings,
            comments="Accurate and well referenced.", password=PASSWORD,
        )  # fmt: skip
        article.refresh_from_db()
        return article
