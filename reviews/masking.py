"""Neutral labels for the people an anonymous review hides from one viewer ("Reviewer 1", "the author").

``masking_for`` reads the article's reviewers once and answers, for every page and email that
names a person: the reviewer's credit line or their label, a user's name or their label, and a
free text (a transition reason, a history note) with every hidden name replaced by its label.
Whether a name is hidden is decided by ``reviews.anonymity`` alone.
"""

import re
from dataclasses import dataclass, field

from articles.models import Article
from reviews.anonymity import author_hidden_from, reviewer_hidden_from
from reviews.models import ReviewAssignment

AUTHOR_LABEL = "the author"
# The public credit of a reviewer who approved but does not consent to be named (with degree and specialty).
UNNAMED_CREDIT = "A board reviewer who asked not to be named"
_SHORTEST_NAME = 3  # shorter strings are not searched for in free text (they would match ordinary words)


def _names_of(user, *extra: str) -> set[str]:
    names = {*extra, user.get_username(), user.get_full_name(), user.email or ""}
    return {name.strip() for name in names if name and len(name.strip()) >= _SHORTEST_NAME}


@dataclass
class Masking:
    """What one viewer may see of the people on one article."""

    reviewers_hidden: bool = False
    author_hidden: bool = False
    viewer_id: int | None = None
    author_id: int | None = None
    labels_by_user: dict[int, str] = field(default_factory=dict)
    labels_by_profile: dict[int, str] = field(default_factory=dict)
    replacements: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern | None = None

    @property
    def active(self) -> bool:
        return bool(self.replacements)

    def reviewer(self, profile) -> str:
        """The reviewer's credit line, or their label while reviewers are hidden."""
        if self.reviewers_hidden and profile.user_id != self.viewer_id:
            return self.labels_by_profile.get(profile.pk, "A reviewer")
        return profile.display_line

    def person(self, user, default: str = "") -> str:
        """A user as the product names them (the account name), or their label when hidden."""
        if user is None:
            return default
        if user.pk != self.viewer_id:
            if self.reviewers_hidden and user.pk in self.labels_by_user:
                return self.labels_by_user[user.pk]
            if self.author_hidden and user.pk == self.author_id:
                return AUTHOR_LABEL
        return str(user)

    def author(self, user) -> str:
        """The author's full name (or account name), or "the author" when hidden."""
        if self.author_hidden and user.pk != self.viewer_id:
            return AUTHOR_LABEL
        return user.get_full_name() or user.get_username()

    def label_assignments(self, rows) -> list:
        """Each assignment with ``shown_reviewer`` and ``shown_assigned_by``."""
        for row in rows:
            row.shown_reviewer, row.shown_assigned_by = self.reviewer(row.reviewer), self.person(row.assigned_by)
        return rows

    def label_logs(self, rows, default: str = "system") -> list:
        """Each transition log row with ``shown_actor`` and ``shown_reason``."""
        for row in rows:
            row.shown_actor, row.shown_reason = self.person(row.actor, default), self.text(row.reason)
        return rows

    def label_revisions(self, rows, default: str = "system") -> list:
        """Each revision with ``shown_by`` and ``shown_reason``."""
        for row in rows:
            row.shown_by, row.shown_reason = self.person(row.created_by, default), self.text(row.reason)
        return rows

    def label_reviews(self, rows) -> list:
        """Each decision with ``shown_reviewer``, ``shown_comments`` and the signature's ``shown_signer``
        and ``shown_credentials`` (empty while hidden: the label says all)."""
        for row in rows:
            row.shown_reviewer, row.shown_comments = self.reviewer(row.reviewer), self.text(row.comments)
            hidden = self.reviewer(row.reviewer) != row.reviewer.display_line
            signature = getattr(row, "signature", None)
            if signature is not None:
                row.shown_signer = row.shown_reviewer if hidden else signature.printed_name
                row.shown_credentials = "" if hidden else signature.credentials
        return rows

    def text(self, value: str) -> str:
        """``value`` with every hidden name replaced by its label (longest names first)."""
        if not value or self._pattern is None:
            return value
        return self._pattern.sub(lambda match: self.replacements[match.group(0)], value)


def _reviewers(article: Article) -> list:
    """The article's reviewers in the order they were first assigned (numbered from 1)."""
    seen, out = set(), []
    rows = ReviewAssignment.objects.filter(article=article).select_related("reviewer__user").order_by("pk")
    for assignment in rows:
        if assignment.reviewer_id not in seen:
            seen.add(assignment.reviewer_id)
            out.append(assignment.reviewer)
    return out


def credit_line(review) -> str:
    """The public "reviewed by" line of an approval: the credentials at the decision, or, without the
    reviewer's consent to public credit (read now), the unnamed line with the qualification that approved."""
    if review.reviewer.consents_to_public_credit:
        return review.credentials.get("display", "")
    held = ", ".join(part for part in (review.credentials.get("degree"), review.credentials.get("specialty")) if part)
    return f"{UNNAMED_CREDIT} ({held})" if held else UNNAMED_CREDIT


def masking_for(*, user, article: Article) -> Masking:
    """The masking for ``user`` on ``article``: nothing to hide costs no query."""
    hide_reviewers, hide_author = reviewer_hidden_from(user, article), author_hidden_from(user, article)
    viewer_id = getattr(user, "pk", None)
    masking = Masking(
        reviewers_hidden=hide_reviewers, author_hidden=hide_author, viewer_id=viewer_id, author_id=article.author_id
    )
    if hide_reviewers:
        for number, profile in enumerate(_reviewers(article), start=1):
            label = f"Reviewer {number}"
            masking.labels_by_profile[profile.pk] = label
            masking.labels_by_user[profile.user_id] = label
            if profile.user_id != viewer_id:
                for name in _names_of(profile.user, profile.display_line, profile.display_name):
                    masking.replacements.setdefault(name, label)
    if hide_author and article.author_id != viewer_id:
        author = article.author
        profile = getattr(author, "author_profile", None)  # a byline's name, when the author has one
        extra = (profile.display_name,) if profile is not None else ()
        for name in _names_of(author, *extra):
            masking.replacements.setdefault(name, AUTHOR_LABEL)
    if masking.replacements:
        names = sorted(masking.replacements, key=len, reverse=True)
        masking._pattern = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in names))
    return masking
