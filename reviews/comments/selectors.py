"""Reads of comment threads for one page: who sees them, where each passage is in the revision
shown, and the name shown beside each comment. A fixed number of queries whatever the number of
threads and comments; anyone who may not see an article's comments gets none (or DoesNotExist)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Prefetch, Subquery

from articles.models import Article, ArticleRevision
from reviews import permissions as perms
from reviews.comments.anchoring import ANCHORED, REMOVED, Anchor, Placement, body_paragraphs, reanchor
from reviews.comments.models import Comment, CommentThread
from reviews.masking import Masking, masking_for
from reviews.models import Review, ReviewAssignment


def comment_author_label(comment: Comment, viewer, masking: Masking | None = None) -> str:
    """The name shown to ``viewer`` for whoever wrote ``comment``: the one place it is decided. The
    name with the role (a reviewer by their credit line), or, where the review's anonymity mode hides
    that person from the viewer, their label ("Reviewer 1 (reviewer)", "the author (author)")."""
    user, role = comment.author, comment.get_role_display().lower()
    if comment.role == Comment.Role.REVIEWER:
        try:
            profile = user.reviewer_profile
        except ObjectDoesNotExist:
            profile = None
        if profile is not None:
            return f"{masking.reviewer(profile) if masking else profile.display_line} ({role})"
    if comment.role == Comment.Role.AUTHOR and masking is not None:
        return f"{masking.author(user)} ({role})"
    return f"{user.get_full_name() or user.get_username()} ({role})"


def _label_entries(entries: list[Comment], viewer, masking: Masking) -> None:
    """Each entry's shown name; a hidden person's name typed into a comment becomes their label too."""
    for entry in entries:
        entry.label = comment_author_label(entry, viewer, masking)
        entry.shown_body = masking.text(entry.body)


@dataclass
class ThreadView:
    thread: CommentThread
    entries: list[Comment]
    placement: Placement
    may_resolve: bool
    may_reopen: bool
    may_reply: bool


@dataclass
class CommentsOnRevision:
    """The threads of an article as seen on one revision, by paragraph, for one viewer."""

    revision: ArticleRevision
    role: str | None
    may_comment: bool
    paragraphs: list[str]
    by_paragraph: dict[int, list[ThreadView]] = field(default_factory=dict)
    removed: list[ThreadView] = field(default_factory=list)
    threads: list[ThreadView] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for t in self.threads if t.thread.status == CommentThread.Status.OPEN)

    def paragraph_choices(self) -> list[tuple[int, str]]:
        return [(n, f"¶{n}: {text[:70]}{'…' if len(text) > 70 else ''}") for n, text in enumerate(self.paragraphs, 1)]


def _threads(article: Article):
    entries = Comment.objects.select_related("author__reviewer_profile").order_by("created_at", "pk")
    return (
        CommentThread.objects.filter(article=article)
        .select_related("started_by")
        .prefetch_related(Prefetch("comments", entries, to_attr="entry_list"))
        .order_by("paragraph", "start", "pk")
    )


def _placement(thread: CommentThread, revision: ArticleRevision, paragraphs: list[str]) -> Placement:
    if thread.revision == revision.number:
        return Placement(ANCHORED, thread.paragraph, thread.start, thread.quote)
    # A thread's passage and a revision's text never change: where one sits in the other is worked out
    # once (re-anchoring a removed passage slides windows over every paragraph) and then remembered.
    key = (
        f"comment-place:{thread.pk}:{thread.started_at.timestamp()}:{revision.pk}:"
        f"{revision.created_at.timestamp()}:{settings.COMMENT_REANCHOR_MIN_SIMILARITY}"
    )
    anchor = Anchor(thread.paragraph, thread.quote, thread.start, thread.context_before, thread.context_after)
    return cache.get_or_set(key, lambda: reanchor(anchor, paragraphs), timeout=None)


def comments_on_revision(*, article: Article, revision: ArticleRevision, viewer) -> CommentsOnRevision | None:
    """Every thread of the article placed in ``revision`` (its passage anchored, changed or removed),
    with each comment's shown name and what ``viewer`` may do; None when the viewer sees no comments
    (an unassigned reviewer, an invitation not accepted, another author)."""
    role = perms.comment_role(viewer, article)
    if role is None:
        return None
    paragraphs = body_paragraphs(revision.body, {int(ref["number"]) for ref in revision.references})
    may_comment = perms.can_comment(viewer, article, role=role)
    out = CommentsOnRevision(revision=revision, role=role, may_comment=may_comment, paragraphs=paragraphs)
    masking = masking_for(user=viewer, article=article)
    for thread in _threads(article):
        _label_entries(thread.entry_list, viewer, masking)
        is_open = thread.status == CommentThread.Status.OPEN
        view = ThreadView(
            thread=thread,
            entries=thread.entry_list,
            placement=_placement(thread, revision, paragraphs),
            may_resolve=is_open and perms.can_resolve_comment(viewer, article, thread, role=role),
            may_reopen=not is_open and may_comment,
            may_reply=is_open and may_comment,
        )
        out.threads.append(view)
        if view.placement.state == REMOVED:
            out.removed.append(view)
        else:
            out.by_paragraph.setdefault(view.placement.paragraph, []).append(view)
    out.by_paragraph = dict(sorted(out.by_paragraph.items()))
    return out


def thread_for_viewer(*, user, article: Article, pk: int) -> CommentThread:
    """One thread of the article, for someone who sees its comments; anyone else (or a thread of
    another article) raises CommentThread.DoesNotExist, a 404 that tells nothing."""
    if perms.comment_role(user, article) is None:
        raise CommentThread.DoesNotExist("No such comment thread.")
    return CommentThread.objects.get(pk=pk, article=article)


def article_for_comments(*, user, pk: int) -> Article:
    """The article whose comments an editor or its author opens from the desk; Article.DoesNotExist for
    anyone else (a reviewer comments from their review page)."""
    article = Article.objects.select_related("topic", "author").get(pk=pk)
    if perms.comment_role(user, article) not in ("author", "editor"):
        raise Article.DoesNotExist("No such article of yours.")
    return article


def unresolved_after_changes_requested(*, article: Article, viewer) -> list[CommentThread]:
    """Open threads started by a reviewer whose latest decision on the article requests changes:
    what the author is asked to answer before the next round (listed on the author's page)."""
    latest = (
        Review.objects.filter(article=article, reviewer__user=OuterRef("started_by"))
        .order_by("-created_at", "-pk")
        .values("decision")[:1]
    )
    threads = list(
        CommentThread.objects.filter(article=article, status=CommentThread.Status.OPEN)
        .annotate(starter_decision=Subquery(latest))
        .filter(starter_decision=ReviewAssignment.Decision.REQUEST_CHANGES)
        .select_related("started_by__reviewer_profile")
        .prefetch_related(Prefetch("comments", Comment.objects.select_related("author__reviewer_profile"),
                                   to_attr="entry_list"))
        .order_by("paragraph", "start", "pk")
    )  # fmt: skip
    masking = masking_for(user=viewer, article=article)
    for thread in threads:
        _label_entries(thread.entry_list, viewer, masking)
    return threads


def comments_on_current(*, article: Article, viewer) -> CommentsOnRevision | None:
    """``comments_on_revision`` on the article's current revision (the desk's change page)."""
    revision = ArticleRevision.objects.filter(article=article, number=article.revision).first()
    if revision is None:
        return None
    return comments_on_revision(article=article, revision=revision, viewer=viewer)
