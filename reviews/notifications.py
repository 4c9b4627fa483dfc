"""Emails, sent as tasks queued after commit. Each is recorded so it is never sent twice."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django_tasks import task

from articles import error_reports
from articles.models import Publication
from reviews import roles
from reviews.assignments import invitations, labels
from reviews.mail.templates import email_render
from reviews.masking import Masking, masking_for
from reviews.models import Notification, TransitionLog

# Transitions the handling editors hear about; authors hear about every step others take.
_EDITOR_NOTICES = {"approve", "request_changes", "reject"}


def send_once(
    *, key: str, recipient: str, template: str, context: dict, mask: Callable[[str], str] | None = None
) -> bool:
    """Render ``template`` (its edited version if an editor-in-chief saved one, else the file, subject
    line first) and send it unless ``key`` was sent already. The version sent is recorded.

    ``mask`` (``Masking.text``) replaces the names an anonymous review hides from the recipient,
    whatever an edited template prints."""
    rendered = email_render(template=template, context={**context, "site_url": settings.SITE_URL})
    mask = mask or (lambda text: text)
    subject = mask(" ".join(rendered.subject.split()))  # a header is one line, whatever a stored title holds
    body = mask(rendered.body)
    try:
        with transaction.atomic():  # claim the key first, so two workers never both send
            claim = Notification.objects.create(
                key=key, recipient=recipient, subject=subject[:300], template=template,
                template_version=rendered.version, body=body,
            )  # fmt: skip
    except IntegrityError:
        return False
    try:  # outside any transaction: no row lock is held while the mail server answers
        send_mail(subject, body + "\n", None, [recipient])
    except Exception:
        claim.delete()  # not sent, so a later run may try again
        raise
    return True


def editor_emails() -> list[str]:
    User = get_user_model()
    users = User.objects.filter(groups__name__in=[roles.EDITOR, roles.EDITOR_IN_CHIEF], is_active=True)
    return sorted({u.email for u in users.distinct() if u.email})


def actor_name(user, by: str = "") -> str:
    """Who acted, as an email says it: the person's name, or the job that acted for the system."""
    if user is None:
        return by or "the system"
    return user.get_full_name() or user.username


@task()
def transition_notice(log_id: int, by: str = "") -> int:
    """Tell the author (and for decisions, the editors) that the article moved. ``by`` names the
    job that took a system step ("the scheduled re-review"); the mail names it as the actor."""
    log = TransitionLog.objects.select_related("article__author", "actor").get(pk=log_id)
    recipients = set()
    if log.article.author.email and log.article.author_id != log.actor_id:
        recipients.add(log.article.author.email)
    if log.transition in _EDITOR_NOTICES:
        recipients.update(editor_emails())
    sent = 0
    reviews = _change_requests(log) if log.transition == "request_changes" else []
    for email in sorted(recipients):
        # The author of a returned article gets the reviewers' comments, not only the step; in an
        # anonymous review, with each reviewer by label (the editors always read the names).
        is_author = email == log.article.author.email
        masking = masking_for(user=log.article.author, article=log.article) if is_author else Masking()
        context = {"log": log, "article": log.article, "acted_by": _acted_by(log, by, masking)}
        if reviews:
            context["reviews"] = masking.label_reviews(list(reviews))
        to_author = log.transition == "request_changes" and is_author
        sent += send_once(
            key=f"transition:{log.pk}:{email}",
            recipient=email,
            template="reviews/email/changes_requested.txt" if to_author else "reviews/email/transition.txt",
            context=context,
            mask=masking.text,
        )
    return sent


def _acted_by(log: TransitionLog, by: str, masking) -> str:
    label = masking.person(log.actor) if log.actor is not None else ""
    return label if label and label != str(log.actor) else actor_name(log.actor, by)


def _change_requests(log: TransitionLog) -> list:
    from reviews.models import Review

    return list(
        Review.objects.filter(article=log.article, revision=log.revision, decision="request_changes")
        .select_related("reviewer")
        .order_by("created_at", "pk")
    )


def _assignment(assignment_id: int):
    from reviews.models import ReviewAssignment

    return (
        ReviewAssignment.objects.select_related("article__topic", "article__author", "reviewer__user", "assigned_by")
        .filter(pk=assignment_id)
        .first()
    )


def _to_reviewer(
    assignment_id: int, *, key: Callable, template: str, by: str = "", extra: Callable | None = None
) -> int:
    """Send ``template`` once to the assigned reviewer; ``key(assignment)`` says what "once" means.
    ``by`` names the job that acted when no person did; ``extra(assignment)`` adds to the context, and
    runs only when the email is still to be sent."""
    assignment = _assignment(assignment_id)
    if assignment is None or not assignment.reviewer.user.email:
        return 0
    if Notification.objects.filter(key=key(assignment)).exists():
        return 0
    # A double-anonymous review names no author to the reviewer, whatever an edited template prints.
    masking = masking_for(user=assignment.reviewer.user, article=assignment.article)
    return int(
        send_once(
            key=key(assignment),
            recipient=assignment.reviewer.user.email,
            template=template,
            context={
                "assignment": assignment, "article": assignment.article,
                "invited_by": by or actor_name(assignment.assigned_by),
                "author_name": masking.author(assignment.article.author),
                **(extra(assignment) if extra else {}),
            },
            mask=masking.text,
        )
    )  # fmt: skip


@task()
def invitation_notice(assignment_id: int, by: str = "") -> int:
    """Invite the reviewer by email, with a single-use sign-in link scoped to the assignment and the
    page's address. ``by`` names the job that re-invited them when no person did."""
    return _to_reviewer(
        assignment_id, key=lambda a: f"invitation:{a.pk}", template="reviews/email/invitation.txt", by=by,
        extra=lambda a: {"link_token": invitations.link_issue(assignment=a),
                         "link_days": settings.INVITATION_LINK_DAYS, "round_label": labels.round_label(assignment=a)},
    )  # fmt: skip


@task()
def reminder_notice(assignment_id: int) -> int:
    """Remind the reviewer that an open assignment is due soon (once per assignment and due date)."""
    return _to_reviewer(
        assignment_id, key=lambda a: f"reminder:{a.pk}:{a.due_at:%Y%m%d%H%M}", template="reviews/email/reminder.txt"
    )


@task()
def overdue_notice(assignment_id: int) -> int:
    """Tell the reviewer, the assigning editor and the editors that an assignment is overdue."""
    assignment = _assignment(assignment_id)
    if assignment is None:
        return 0
    context = {"assignment": assignment, "article": assignment.article}
    sent = 0
    if assignment.reviewer.user.email:
        sent += send_once(
            key=f"overdue:{assignment.pk}:{assignment.reviewer.user.email}",
            recipient=assignment.reviewer.user.email,
            template="reviews/email/overdue_reviewer.txt",
            context=context,
            mask=masking_for(user=assignment.reviewer.user, article=assignment.article).text,
        )
    editors = set(editor_emails()) | ({assignment.assigned_by.email} if assignment.assigned_by.email else set())
    for email in sorted(editors):
        sent += send_once(
            key=f"overdue:{assignment.pk}:{email}",
            recipient=email,
            template="reviews/email/overdue_editor.txt",
            context=context,
        )
    return sent


@task()
def correction_notice(publication_id: int) -> int:
    """After a correction went live: email once each reader whose error report on the article was fixed
    (``articles.error_reports.error_reports_notify_fixed``). Returns how many were mailed."""
    publication = Publication.objects.select_related("article").filter(pk=publication_id).first()
    return 0 if publication is None else error_reports.error_reports_notify_fixed(publication=publication)
