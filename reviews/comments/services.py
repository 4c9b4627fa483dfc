"""Writes on comment threads: start one on a passage, reply, resolve, reopen.

Each locks the article row first (the house order), checks the permission predicates again
under the lock, and adds rows only: a resolution or a reopening is a new entry of the thread,
so nothing said, and no settlement, is ever lost.
"""

from django.db import transaction

from articles.models import Article
from reviews import permissions as perms
from reviews.comments.anchoring import anchor_in, body_paragraphs
from reviews.comments.models import Comment, CommentThread
from reviews.exceptions import CommentRefused, NotPermitted
from reviews.locking import lock_article, lock_thread

MAX_BODY = 5000


def _allowed(step: str, actor, article: Article) -> str:
    role = perms.comment_role(actor, article)
    if role is None:
        raise NotPermitted(step, article.status, "only the article's author, its editors and its reviewers comment")
    if not perms.can_comment(actor, article, role=role):
        raise NotPermitted(step, article.status, "an archived article takes no more comments")
    return role


def _text(body: str, *, required: bool = True) -> str:
    body = (body or "").strip()
    if required and not body:
        raise CommentRefused("A comment needs some text.")
    if len(body) > MAX_BODY:
        raise CommentRefused(f"A comment is at most {MAX_BODY} characters; this one has {len(body)}.")
    return body


def _entry(thread: CommentThread, *, actor, role: str, article: Article, kind: str, body: str) -> Comment:
    entry = Comment(thread=thread, kind=kind, author=actor, role=role, revision=article.revision, body=body)
    entry.full_clean()
    entry.save()
    return entry


def _reviewer_assignment(actor, article: Article):
    """The reviewer's latest assignment on the article: the round the thread was made in."""
    profile = perms.reviewer_profile(actor)
    return (
        article.assignments.filter(reviewer=profile)
        .exclude(status__in=("declined", "withdrawn"))
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def comment_start(*, article: Article, actor, revision: int, paragraph: int, quote: str, body: str) -> CommentThread:
    """Start a thread on a passage of the current revision: paragraph ``paragraph`` (1-based, as on the
    review page), ``quote`` a run of its text as readers see it (empty: the whole paragraph).

    For the author, editors and reviewers who took part in a round. Raises NotPermitted, or
    CommentRefused naming the stale revision, the missing paragraph or the passage not found."""
    article = lock_article(article)
    role = _allowed("comment", actor, article)
    body = _text(body)
    if revision != article.revision:
        raise CommentRefused(
            f"You were reading revision {revision}; the article is now at revision {article.revision}. "
            "Reload the page and comment on the current text."
        )
    current = article.revisions.get(number=article.revision)
    paragraphs = body_paragraphs(current.body, {int(ref["number"]) for ref in current.references})
    if not 1 <= paragraph <= len(paragraphs):
        raise CommentRefused(f"Revision {revision} has no paragraph {paragraph} (it has {len(paragraphs)}).")
    anchor = anchor_in(paragraphs, paragraph=paragraph, quote=quote)
    if anchor is None:
        raise CommentRefused(f"The passage you quoted is not in paragraph {paragraph} of revision {revision}.")
    thread = CommentThread(
        article=article, revision=revision, paragraph=anchor.paragraph, quote=anchor.quote, start=anchor.start,
        context_before=anchor.before, context_after=anchor.after, started_by=actor,
        assignment=_reviewer_assignment(actor, article) if role == Comment.Role.REVIEWER else None,
    )  # fmt: skip
    thread.full_clean()
    thread.save()
    _entry(thread, actor=actor, role=role, article=article, kind=Comment.Kind.COMMENT, body=body)
    return thread


@transaction.atomic
def comment_reply(*, thread: CommentThread, actor, body: str) -> Comment:
    """Reply in an open thread (a resolved one is reopened first). Same people as ``comment_start``.
    Raises NotPermitted or CommentRefused."""
    article, thread = lock_thread(thread)
    role = _allowed("reply", actor, article)
    body = _text(body)
    if thread.status != CommentThread.Status.OPEN:
        raise CommentRefused("This thread is resolved: reopen it to reply.")
    return _entry(thread, actor=actor, role=role, article=article, kind=Comment.Kind.COMMENT, body=body)


@transaction.atomic
def comment_resolve(*, thread: CommentThread, actor, note: str = "") -> CommentThread:
    """Settle an open thread, with an optional note: its starter or an editor. Raises NotPermitted or
    CommentRefused."""
    article, thread = lock_thread(thread)
    role = _allowed("resolve", actor, article)
    if not perms.can_resolve_comment(actor, article, thread, role=role):
        raise NotPermitted("resolve", article.status, "only whoever started the thread, or an editor, resolves it")
    if thread.status != CommentThread.Status.OPEN:
        raise CommentRefused("This thread is already resolved.")
    note = _text(note, required=False)
    thread.status = CommentThread.Status.RESOLVED
    thread.save(update_fields=["status"])
    _entry(thread, actor=actor, role=role, article=article, kind=Comment.Kind.RESOLVED, body=note)
    return thread


@transaction.atomic
def comment_reopen(*, thread: CommentThread, actor, note: str = "") -> CommentThread:
    """Open a resolved thread again, with an optional note: anyone who may comment. Raises NotPermitted
    or CommentRefused."""
    article, thread = lock_thread(thread)
    role = _allowed("reopen", actor, article)
    if thread.status != CommentThread.Status.RESOLVED:
        raise CommentRefused("This thread is open already.")
    note = _text(note, required=False)
    thread.status = CommentThread.Status.OPEN
    thread.save(update_fields=["status"])
    _entry(thread, actor=actor, role=role, article=article, kind=Comment.Kind.REOPENED, body=note)
    return thread
