"""Uploaded files kept between the admin's preview and its confirmation.

The bytes stay on the server (``ImportUpload`` rows, in the database every web process shares),
under a random token bound to the uploader. The confirmation names the token and the batch's
digest as previewed; the files are re-hashed and must match it, so what is imported is exactly
what the editor saw, and a token alone (another user's, or a reused one) imports nothing.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.import_preview import UploadedFile
from reviews.models import ImportUpload

BATCH_LIFETIME = timedelta(hours=2)


class BatchUnavailable(LookupError):
    """The batch is unknown, not this user's, expired, already imported or changed since preview."""


def batch_digest(*, files: list[UploadedFile]) -> str:
    """One hash over the batch: each file's name and bytes, in order."""
    outer = hashlib.sha256()
    for file in files:
        outer.update(f"{file.name}\0{hashlib.sha256(file.content).hexdigest()}\n".encode())
    return outer.hexdigest()


@transaction.atomic
def batch_store(*, files: list[UploadedFile], user) -> str:
    """Keep the uploaded files for this user; returns the batch token. Expired batches go first."""
    ImportUpload.objects.filter(created_at__lt=timezone.now() - BATCH_LIFETIME).delete()
    token = secrets.token_urlsafe(32)
    ImportUpload.objects.bulk_create(
        ImportUpload(batch=token, position=index, uploaded_by=user, name=file.name, content=file.content,
                     sha256=hashlib.sha256(file.content).hexdigest())
        for index, file in enumerate(files)
    )  # fmt: skip
    return token


def batch_peek(*, token: str, user) -> list[UploadedFile]:
    """The files of a live batch of this user, left waiting (to show its preview again); [] if none."""
    rows = ImportUpload.objects.filter(
        batch=token, uploaded_by=user, created_at__gte=timezone.now() - BATCH_LIFETIME
    ).order_by("position")
    return [UploadedFile(name=row.name, content=bytes(row.content)) for row in rows]


@transaction.atomic
def batch_take(*, token: str, user, digest: str) -> list[UploadedFile]:
    """Claim a live batch of this user, checked against the digest shown at preview: its rows are
    deleted as they are handed over, so a second confirmation (a double click) imports nothing."""
    rows = list(
        ImportUpload.objects.select_for_update()
        .filter(batch=token, uploaded_by=user, created_at__gte=timezone.now() - BATCH_LIFETIME)
        .order_by("position")
    )
    files = []
    for row in rows:
        content = bytes(row.content)
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise BatchUnavailable(f"{row.name} changed on the server since it was previewed")
        files.append(UploadedFile(name=row.name, content=content))
    if not files:
        raise BatchUnavailable("these files are no longer waiting: upload them again")
    if not secrets.compare_digest(batch_digest(files=files), digest or ""):
        raise BatchUnavailable("the files do not match the ones previewed: upload them again")
    ImportUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return files
