"""The comment threads' form posts, from the reviewer's review page and from the desk's change page
(editors and the article's author). Each parses one form and calls one service; a refusal shows a
page naming what is wrong (400, or 409 when the article moved on) with the text kept to send again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.models import Article
from reviews import permissions as perms
from reviews.assignments import selectors as assignment_reads
from reviews.comments import selectors, services
from reviews.comments.forms import CommentNoteForm, CommentReplyForm, CommentStartForm
from reviews.comments.models import CommentThread
from reviews.exceptions import CommentRefused
from reviews.models import ReviewAssignment

# Each step on a thread: its form (whose fields are the service's arguments), its service, its message.
STEPS = {
    "reply": (CommentReplyForm, services.comment_reply, "Your reply is posted."),
    "resolve": (CommentNoteForm, services.comment_resolve, "Thread resolved."),
    "reopen": (CommentNoteForm, services.comment_reopen, "Thread reopened."),
}


def _reviewer_place(request, pk: int) -> tuple[Article, str, str]:
    """The reviewer's article, the page to return to and the base of the comment addresses (404 otherwise)."""
    try:
        assignment = assignment_reads.assignment_for_reviewer(user=request.user, pk=pk)
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such assignment of yours.") from None
    if perms.comment_role(request.user, assignment.article) is None:  # invited, not yet accepted
        raise Http404("No comments here.")
    back = reverse("reviews:assignment", args=[pk])
    return assignment.article, back, reverse("reviews:comment-start", args=[pk])


def _desk_place(request, pk: int) -> tuple[Article, str, str]:
    try:
        article = selectors.article_for_comments(user=request.user, pk=pk)
    except Article.DoesNotExist:
        raise Http404("No such article of yours.") from None
    back = reverse("admin:articles_article_change", args=[pk])
    return article, back, reverse("reviews:article-comment-start", args=[pk])


def _arguments(form) -> dict:
    """The form's values as the service's keyword arguments (the comment's ``text`` is its ``body``)."""
    data = dict(form.cleaned_data)
    if "text" in data:
        data["body"] = data.pop("text")
    return data


def _refused(request, form, *, action: str, back: str, message: str = "", status: int = 400):
    context = {"form": form, "action": action, "back": back, "message": message, "title": "Your comment was not saved"}
    return render(request, "reviews/comment_refused.html", context, status=status)


def _start(request, article: Article, back: str, base: str):
    form = CommentStartForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, action=base, back=back)
    try:
        thread = services.comment_start(article=article, actor=request.user, **_arguments(form))
    except CommentRefused as error:
        stale = form.cleaned_data["revision"] != article.revision
        return _refused(request, form, action=base, back=back, message=str(error), status=409 if stale else 400)
    messages.success(request, "Your comment is posted.")
    return redirect(f"{back}#thread-{thread.pk}")


def _act(request, article: Article, back: str, base: str, thread_pk: int, step: str):
    try:
        thread = selectors.thread_for_viewer(user=request.user, article=article, pk=thread_pk)
    except CommentThread.DoesNotExist:
        raise Http404("No such comment thread.") from None
    form_class, service, done = STEPS[step]
    form = form_class(request.POST)
    action = f"{base}{thread.pk}/{step}/"
    if not form.is_valid():
        return _refused(request, form, action=action, back=back)
    try:
        service(thread=thread, actor=request.user, **_arguments(form))
    except CommentRefused as error:
        return _refused(request, form, action=action, back=back, message=str(error))
    messages.success(request, done)
    return redirect(f"{back}#thread-{thread.pk}")


@require_POST
@login_required
def reviewer_comment_start(request, pk: int):
    return _start(request, *_reviewer_place(request, pk))


@require_POST
@login_required
def reviewer_comment_act(request, pk: int, thread: int, step: str):
    return _act(request, *_reviewer_place(request, pk), thread, step)


@require_POST
@login_required
def desk_comment_start(request, pk: int):
    return _start(request, *_desk_place(request, pk))


@require_POST
@login_required
def desk_comment_act(request, pk: int, thread: int, step: str):
    return _act(request, *_desk_place(request, pk), thread, step)
