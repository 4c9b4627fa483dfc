"""Builders for tests. Only these (and the workflow) may set Article.status directly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

TEST_PASSWORD = "pw-for-tests-only"


def make_user(username: str, *, roles: tuple[str, ...] | list[str] = (), **fields):
    User = get_user_model()
    fields.setdefault("email", f"{username}@example.org")
    user = User.objects.create_user(username=username, password=TEST_PASSWORD, **fields)
    if roles:
        user.groups.add(*Group.objects.filter(name__in=roles))
    if {"editor", "editor-in-chief"} & set(roles):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


CLEAN_BODY = (
    "Decompressive surgery followed by radiotherapy helps selected patients walk again [1].\n\n"
    "Radiotherapy alone remains the usual first treatment for most others [2].\n"
)
CLEAN_REFERENCES = [
    {
        "number": 1,
        "kind": "rct",
        "authors": "Patchell RA, Tibbs PA, Regine WF, et al.",
        "title": "Direct decompressive surgical resection in the treatment of spinal cord compression "
        "caused by metastatic cancer: a randomised trial",
        "source": "Lancet",
        "year": 2005,
        "details": "366(9486):643-8",
        "doi": "10.1016/s0140-6736(05)66954-1",
        "pmid": "16112300",
        "raw": "Patchell RA, et al. Direct decompressive surgical resection... Lancet. 2005;366(9486):643-8.",
    },
    {
        "number": 2,
        "kind": "guideline",
        "authors": "Loblaw DA, Laperriere NJ.",
        "title": "Emergency treatment of malignant extradural spinal cord compression: an evidence-based guideline",
        "source": "J Clin Oncol",
        "year": 1998,
        "details": "16(4):1613-24",
        "pmid": "9552073",
        "raw": "Loblaw DA, Laperriere NJ. Emergency treatment... J Clin Oncol. 1998;16(4):1613-24.",
    },
]


def make_topic(name: str = "Oncology", **fields):
    from django.utils.text import slugify

    from articles.models import Topic

    topic, _ = Topic.objects.get_or_create(name=name, defaults={"slug": slugify(name), **fields})
    return topic


_counter = {"article": 0}


def make_article(*, author=None, status=None, title=None, body=CLEAN_BODY, references=None, **fields):
    """An article with its first revision, optionally put straight into ``status`` (tests only)."""
    from articles.models import Article
    from articles.revisions import article_create

    _counter["article"] += 1
    n = _counter["article"]
    author = author or make_user(f"writer{n}", roles=["author"])
    fields.setdefault("topic", make_topic())
    article = article_create(
        title=title or f"Spinal cord compression, part {n}",
        slug=f"spinal-cord-compression-{n}",
        body=body,
        references=CLEAN_REFERENCES if references is None else references,
        author=author,
        actor=author,
        reason="written for a test",
        **fields,
    )
    if status:
        extra = {}
        if status == Article.Status.APPROVED:
            from django.utils import timezone

            extra["last_reviewed_at"] = timezone.now()
        Article.objects.filter(pk=article.pk).update(status=status, **extra)
        _desk_flag(article)
        article.refresh_from_db()
    return article


def _desk_flag(article) -> None:
    """The desk's stored flag after a factory put rows in place (the domain's steps refresh it themselves)."""
    from reviews.workflow.rounds import desk_flag_refresh

    desk_flag_refresh(article_id=article.pk)


def make_reviewer(username: str = "reviewer", *, specialty: str = "Neurosurgery", verified: bool = True, **fields):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import ReviewerProfile

    user = make_user(username, roles=["reviewer"], first_name=username.title())
    fields.setdefault("licence_expires", timezone.localdate() + timedelta(days=365))
    return ReviewerProfile.objects.create(
        user=user,
        display_name=f"{username.title()} Example",
        degree="MD",
        specialty=specialty,
        licence_number="L-1234",
        licence_jurisdiction="England",
        credentials_verified_at=timezone.now() if verified else None,
        **fields,
    )


def make_assignment(*, article, reviewer, status="accepted", assigned_by=None, **fields):
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from reviews.models import ReviewAssignment

    assigned_by = assigned_by or make_user(f"assigner-{uuid4().hex[:10]}", roles=["editor"])
    fields.setdefault("due_at", timezone.now() + timedelta(days=14))
    fields.setdefault("conflict", "none" if status in ("accepted", "submitted") else "")
    made = ReviewAssignment.objects.create(
        article=article, reviewer=reviewer, revision=article.revision, status=status, assigned_by=assigned_by, **fields
    )
    _desk_flag(article)
    return made


def make_approval(*, assignment, eligible: bool = True):
    from reviews.models import Review

    article = assignment.article
    revision = article.revisions.get(number=article.revision)
    profile = assignment.reviewer
    return Review.objects.create(
        assignment=assignment,
        article=article,
        reviewer=profile,
        revision=article.revision,
        content_hash=revision.content_hash,
        decision="approve",
        credentials={"display": profile.display_line, "degree": profile.degree, "specialty": profile.specialty},
        checklist={"medical_accuracy": True},
        eligible=eligible,
    )


def take_through_review(article, *, editor, reviewer):
    """Submit, review and approve the article's current revision through the real workflow."""
    from reviews.workflow import transitions as workflow

    article.refresh_from_db()
    if article.status in ("draft", "changes_requested"):
        article = workflow.submit(article=article, actor=editor)
    if article.status != "under_review":
        article = workflow.start_review(article=article, actor=editor)
    assignment = make_assignment(article=article, reviewer=reviewer, assigned_by=editor)
    make_approval(assignment=assignment)
    return workflow.approve(article=article, actor=reviewer.user)


def make_publication(*, article, provisional: bool = False, credits=None, published_by=None, published_at=None):
    """Put the article's current revision live as a Publication built by ``publication_build`` (tests only:
    no approval or editor check, no TransitionLog row).

    ``credits`` defaults to one approving reviewer, "Jane Doe, MD, Neuroradiology", on 29 May 2026.
    """
    from datetime import UTC, datetime

    from django.utils import timezone

    from articles.models import Article
    from reviews.publishing.services import publication_build

    revision = article.revisions.get(number=article.revision)
    if credits is None:
        credits = [
            {
                "display": "Jane Doe, MD, Neuroradiology",
                "name": "Jane Doe",
                "degree": "MD",
                "specialty": "Neuroradiology",
                "reviewed_at": datetime(2026, 5, 29, 10, 30, tzinfo=UTC).isoformat(),
            }
        ]
    publication = publication_build(
        article=article, revision=revision, actor=published_by or article.author, reason="", provisional=provisional
    )
    publication.reviewer_credits = credits
    publication.published_at = published_at or publication.published_at
    publication.save()
    # Like publishing, which saves the article row: its updated_at is the page's Last-Modified.
    Article.objects.filter(pk=article.pk).update(
        live_publication=publication,
        live_revision=revision.number,
        live_title=publication.title,
        live_state="provisional" if provisional else "published",
        updated_at=timezone.now(),
    )
    article.refresh_from_db()
    return publication


def force_status(article, status):
    """Put an existing article straight into ``status`` (tests only, like ``make_article(status=...)``)."""
    from django.utils import timezone

    from articles.models import Article

    extra = {"last_reviewed_at": timezone.now()} if status == Article.Status.APPROVED else {}
    Article.objects.filter(pk=article.pk).update(status=status, **extra)
    _desk_flag(article)
    article.refresh_from_db()
    return article
