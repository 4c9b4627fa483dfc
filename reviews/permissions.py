"""Who may do what: predicates the workflow enforces and views use to show or hide actions."""

from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from reviews import roles


def role_names(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_imprimatur_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {roles.EDITOR_IN_CHIEF}
        user._imprimatur_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    return bool(role_names(user) & set(names))


def is_editor(user) -> bool:
    return has_role(user, roles.EDITOR, roles.EDITOR_IN_CHIEF)


def is_editor_in_chief(user) -> bool:
    return has_role(user, roles.EDITOR_IN_CHIEF)


def is_author(user, article: Article) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and article.author_id == user.pk


def reviewer_profile(user):
    if not has_role(user, roles.REVIEWER):
        return None
    try:
        return user.reviewer_profile
    except Exception:  # RelatedObjectDoesNotExist: a reviewer without a profile cannot act
        return None


def credentials_problem(profile, *, today=None) -> str | None:
    """Why a reviewer may not accept or approve right now, or None when their credentials are in order."""
    today = today or timezone.localdate()
    if not profile.active:
        return f"{profile.display_name} is not an active reviewer"
    if profile.credentials_verified_at is None:
        return f"{profile.display_name}'s credentials have never been verified"
    if profile.licence_expires is None or profile.licence_expires < today:
        return f"{profile.display_name}'s licence has expired or has no expiry date on record"
    due = profile.credentials_recheck_due
    if due is not None and due < today:
        return f"{profile.display_name}'s credentials were due to be re-checked on {due:%Y-%m-%d}"
    return None


def current_assignment(user, article: Article, *, statuses=("accepted",)):
    """The reviewer's assignment on the article's current revision in one of ``statuses``, if any."""
    profile = reviewer_profile(user)
    if profile is None:
        return None
    return (
        article.assignments.filter(reviewer=profile, revision=article.revision, status__in=statuses)
        .order_by("-pk")
        .first()
    )


def can_submit(user, article: Article) -> bool:
    """Authors submit their own articles; editors may submit any (imports, commissioned pieces)."""
    return (is_author(user, article) and has_role(user, roles.AUTHOR)) or is_editor(user)


def can_start_review(user, article: Article) -> bool:
    return is_editor(user) or current_assignment(user, article) is not None


def can_request_changes(user, article: Article) -> bool:
    if is_author(user, article):
        return False
    return is_editor(user) or current_assignment(user, article) is not None


def can_approve(user, article: Article) -> bool:
    """Only a reviewer acting through an accepted assignment; never the article's own author."""
    if is_author(user, article):
        return False
    assignment = current_assignment(user, article)
    return assignment is not None and credentials_problem(assignment.reviewer) is None


def can_reject(user, article: Article) -> bool:
    return is_editor(user) and not is_author(user, article)


def can_withdraw(user, article: Article) -> bool:
    """The author takes their own submission back to draft before review starts (the table allows
    it only from submitted, so never once a reviewer has accepted and review is under way)."""
    return is_author(user, article)


def can_override_validation(user, article: Article) -> bool:
    """An editor-in-chief, never on their own article (four eyes)."""
    return is_editor_in_chief(user) and not is_author(user, article)


def can_change_review_due(user, article: Article) -> bool:
    """An editor who is not the article's author moves its re-review date, with a reason."""
    return is_editor(user) and not is_author(user, article)


def can_revise(user, article: Article) -> bool:
    return is_author(user, article) or is_editor(user)


def can_start_rereview(user, article: Article) -> bool:
    """Editors, or trusted scheduled jobs acting with no user (``user is None``)."""
    return user is None or is_editor(user)


def can_archive(user, article: Article) -> bool:
    return is_editor(user)


def can_view_article(user, article: Article) -> bool:
    """Editors see every article in the desk; authors see their own."""
    return is_editor(user) or is_author(user, article)


def can_edit_content(user, article: Article) -> bool:
    """Editors edit any live article; authors edit their own while it is theirs to change."""
    if article.status == Article.Status.ARCHIVED:
        return False
    if is_editor(user):
        return True
    own_turn = article.status in (Article.Status.DRAFT, Article.Status.CHANGES_REQUESTED)
    return is_author(user, article) and has_role(user, roles.AUTHOR) and own_turn


def took_part_in_review(user, article: Article) -> bool:
    """A reviewer who accepted an assignment on the article in any round, open or past: accepted,
    decided, or gone stale after accepting (an invitation never accepted, declined or withdrawn is not)."""
    profile = reviewer_profile(user)
    if profile is None:
        return False
    took_part = Q(status__in=("accepted", "submitted")) | Q(status="stale", responded_at__isnull=False)
    return article.assignments.filter(took_part, reviewer=profile).exists()


def comment_role(user, article: Article) -> str | None:
    """What the user is to the article's comments: "author", "reviewer" (took part in a round) or
    "editor"; None for anyone else, who sees no comment at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if is_author(user, article):
        return "author"
    if took_part_in_review(user, article):
        return "reviewer"
    return "editor" if is_editor(user) else None


def can_comment(user, article: Article, *, role: str | None = None) -> bool:
    """Whoever sees the comments writes them (start, reply, reopen), until the article is archived."""
    role = role or comment_role(user, article)
    return role is not None and article.status != Article.Status.ARCHIVED


def can_resolve_comment(user, article: Article, thread, *, role: str | None = None) -> bool:
    """The thread's starter or an editor settles it: the one who raised a point says when it is answered."""
    return can_comment(user, article, role=role) and (thread.started_by_id == user.pk or is_editor(user))


def can_mark_claims(user, assignment) -> bool:
    """The assigned reviewer marks the claim ledger, on an accepted assignment of an article under review."""
    return (
        assignment.reviewer.user_id == getattr(user, "pk", None)
        and assignment.status == "accepted"
        and assignment.article.status == Article.Status.UNDER_REVIEW
        and not is_author(user, assignment.article)
    )


def can_set_anonymity(user) -> bool:
    """Editors set a topic's or an article's anonymity mode; authors and reviewers never do."""
    return is_editor(user)


def can_set_credit_consent(user, profile) -> bool:
    """The reviewer themself, or an editor, records whether the reviewer consents to public credit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_editor(user) or profile.user_id == user.pk


def can_record_provenance(user, article: Article) -> bool:
    """Whoever may change the text says how its current revision was made (written, AI-assisted, imported)."""
    return can_edit_content(user, article)
