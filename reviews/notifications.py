"""Emails, sent as tasks queued after commit. Each is recorded so it is never sent twice."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django_tasks import task

from reviews import roles
from reviews.models import Notification, TransitionLog

# Transitions the handling editors hear about; authors hear about every step others take.
_EDITOR_NOTICES = {"approve", "request_changes", "reject"}


def send_once(*, key: str, recipient: str, template: str, context: dict) -> bool:
    """Render ``template`` (subject line first) and send it unless ``key`` was sent already."""
    text = render_to_string(template, {**context, "site_url": settings.SITE_URL}).strip()
    subject, _, body = text.partition("\n")
    try:
        with transaction.atomic():
            Notification.objects.create(key=key, recipient=recipient, subject=subject.strip()[:300])
            send_mail(subject.strip(), body.strip() + "\n", None, [recipient])
    except IntegrityError:
        return False
    return True


def editor_emails() -> list[str]:
    User = get_user_model()
    users = User.objects.filter(groups__name__in=[roles.EDITOR, roles.EDITOR_IN_CHIEF], is_active=True)
    return sorted({u.email for u in users.distinct() if u.email})


@task()
def transition_notice(log_id: int) -> int:
    """Tell the author (and for decisions, the editors) that the article moved."""
    log = TransitionLog.objects.select_related("article__author", "actor").get(pk=log_id)
    recipients = set()
    if log.article.author.email and log.article.author_id != log.actor_id:
        recipients.add(log.article.author.email)
    if log.transition in _EDITOR_NOTICES:
        recipients.update(editor_emails())
    sent = 0
    for email in sorted(recipients):
        sent += send_once(
            key=f"transition:{log.pk}:{email}",
            recipient=email,
            template="reviews/email/transition.txt",
            context={"log": log, "article": log.article},
        )
    return sent
