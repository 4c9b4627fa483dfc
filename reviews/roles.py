"""The four roles are Django groups; this module names them and grants their admin permissions."""

EDITOR = "editor"
EDITOR_IN_CHIEF = "editor-in-chief"
REVIEWER = "reviewer"
AUTHOR = "author"
ALL = (EDITOR, EDITOR_IN_CHIEF, REVIEWER, AUTHOR)

# Admin permissions per role. History, transition logs and publications are never changeable
# or deletable through the product; the admin classes enforce that whatever a group holds.
_EDITORIAL = {
    "articles": {
        "article": ("view", "add", "change"),
        "reference": ("view", "add", "change", "delete"),
        "topic": ("view", "add", "change"),
        "articlerevision": ("view",),
        "validationreport": ("view",),
        "publication": ("view",),
        "publicationwithdrawal": ("view",),
        "scheduledpublication": ("view",),
        "sitesettings": ("view", "change"),
    },
    "reviews": {
        "reviewerprofile": ("view", "add", "change"),
        "reviewassignment": ("view",),
        "review": ("view",),
        "transitionlog": ("view",),
        "validationoverride": ("view",),
        "notification": ("view",),
    },
}
GRANTS = {
    EDITOR: _EDITORIAL,
    EDITOR_IN_CHIEF: _EDITORIAL,
    AUTHOR: {"articles": {"article": ("view", "add", "change"), "reference": ("view", "add", "change", "delete")}},
    REVIEWER: {},
}


def grant_role_permissions(**kwargs) -> None:
    """post_migrate plumbing: permissions exist only after every app has migrated."""
    from django.contrib.auth.models import Group, Permission

    for role, apps in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [
            (app, f"{action}_{model}")
            for app, models in apps.items()
            for model, actions in models.items()
            for action in actions
        ]
        perms = Permission.objects.filter(content_type__app_label__in=list(apps)).select_related("content_type")
        group.permissions.add(*[p for p in perms if (p.content_type.app_label, p.codename) in wanted])
