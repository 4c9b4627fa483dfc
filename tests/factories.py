"""Builders for tests. Only these (and the workflow) may set Article.status directly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def make_user(username: str, *, roles: tuple[str, ...] | list[str] = (), **fields):
    User = get_user_model()
    fields.setdefault("email", f"{username}@example.org")
    user = User.objects.create_user(username=username, password="pw-for-tests-only", **fields)
    if roles:
        user.groups.add(*Group.objects.filter(name__in=roles))
    if {"editor", "editor-in-chief"} & set(roles):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user
