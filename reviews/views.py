"""Reviewer pages (/review/) and the editors' desk (/review/desk/).

Views parse input, call one selector or service and map errors: NotPermitted → 403,
a missing or someone else's assignment → 404, any other refusal → the page again with the
message (400, or 409 when the article changed under the reviewer).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Anonymity, Article
from reviews import permissions as perms
from reviews.admin import selectors as desk_reads
from reviews.admin.forms import AssignForm, ReasonForm, ReassignForm
from reviews.anonymity import anonymity_mode, reviewer_hidden_from
from reviews.assignments import decisions, selectors
from reviews.assignments import services as assignments
from reviews.assignments.forms import AcceptForm, CreditConsentForm, DeclineForm, ReviewForm
from reviews.board.services import credit_consent_set
from reviews.comments import selectors as comment_reads
from reviews.exceptions import NotPermitted, WorkflowError
from reviews.models import ReviewAssignment
from reviews.workflow import gate


def _render(request, template: str, context: dict, status: int = 200):
    """Render a page with what the navigation needs to know about the user."""
    context = {
        **context,
        "is_editor": perms.is_editor(request.user),
        "is_chief": perms.is_editor_in_chief(request.user),
        "today": timezone.localdate(),
    }
    return render(request, template, context, status=status)


def _own_assignment(request, pk: int) -> ReviewAssignment:
    try:
        return selectors.assignment_for_reviewer(user=request.user, pk=pk)
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such assignment of yours.") from None


def editors_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not perms.is_editor(request.user):
            raise PermissionDenied("The desk is for editors.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@require_GET
@login_required
def my_assignments(request):
    """ "My assignments" for reviewers; editors without a reviewer profile go to their desk."""
    if perms.reviewer_profile(request.user) is None:
        if perms.is_editor(request.user):
            return redirect("reviews:desk")
        raise PermissionDenied("The reviewer pages are for members of the advisory board.")
    mine = selectors.assignments_for_reviewer(user=request.user)
    return _render(request, "reviews/my_assignments.html", {"mine": mine})


@require_http_methods(["GET", "POST"])
@login_required
def credit_consent(request):
    """The reviewer's own consent to public credit: shown, and changed with a POST."""
    profile = perms.reviewer_profile(request.user)
    if profile is None:
        raise PermissionDenied("The credit page is for members of the advisory board.")
    posted = request.POST if request.method == "POST" else None  # an unticked box posts nothing
    form = CreditConsentForm(posted, initial={"consents_to_public_credit": profile.consents_to_public_credit})
    if request.method == "POST" and form.is_valid():
        consents = form.cleaned_data["consents_to_public_credit"]
        credit_consent_set(profile=profile, actor=request.user, consents=consents)
        messages.success(request, "You will be named in the public credit." if consents else
                         "You will not be named in the public credit.")  # fmt: skip
        return redirect("reviews:credit")
    return _render(request, "reviews/credit.html", {"profile": profile, "form": form})


def _review_context(request, assignment, *, form=None, accept_form=None, decline_form=None, since=None) -> dict:
    page = selectors.review_page(assignment=assignment, since=since)
    form = form or ReviewForm(initial={"revision": page.revision.number}, warnings=page.warnings)
    if page.errors:
        n, claims = len(page.errors), any(e.get("rule") == "claim-not-supported" for e in page.errors)
        form.block_approval(
            f"Approve is not available: the reference report has {n} error{'s' if n != 1 else ''} "
            "(listed beside this form). Request changes, or ask the editor-in-chief to override them"
            + ("; a source marked “does not support” blocks until the sentence or the reference changes."
               if claims else ".")
        )  # fmt: skip
    return {
        "page": page,
        "may_mark_claims": perms.can_mark_claims(request.user, assignment) and not page.stale,
        "comments": comment_reads.comments_on_revision(
            article=assignment.article, revision=page.revision, viewer=request.user
        ),
        "comment_base": reverse("reviews:comment-start", args=[assignment.pk]),
        "error_groups": _grouped(page.errors, page.blocks),
        "assignment": assignment,
        "form": form,
        "accept_form": accept_form or AcceptForm(),
        "decline_form": decline_form or DeclineForm(),
    }


def _grouped(findings: list[dict], blocks) -> list[dict]:
    """Identical findings (one rule on one reference) once, with every body line and a link to its paragraph."""
    groups: dict[tuple, dict] = {}
    for f in findings:
        group = groups.setdefault((f["rule"], f.get("reference")), {"finding": f, "places": []})
        if f.get("line"):
            anchor = next((b.anchor for b in blocks if b.first_line <= f["line"] <= b.last_line), "h-article")
            group["places"].append((f["line"], anchor))
    return list(groups.values())


@require_GET
@login_required
def assignment_detail(request, pk: int):
    assignment = _own_assignment(request, pk)
    return _render(request, "reviews/assignment.html", _review_context(request, assignment))


@require_POST
@login_required
def assignment_accept(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            assignments.assignment_accept(
                assignment=assignment,
                actor=request.user,
                conflict=form.cleaned_data["conflict"],
                conflict_statement=form.cleaned_data["conflict_statement"],
            )
        except NotPermitted:
            raise
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "You accepted the review. Thank you.")
            return redirect("reviews:assignment", pk=pk)
    context = _review_context(request, assignment, accept_form=form)
    return _render(request, "reviews/assignment.html", context, status=400)


@require_POST
@login_required
def assignment_decline(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            assignments.assignment_decline(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except NotPermitted:
            raise
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "You declined the review; the editors will ask someone else.")
            return redirect("reviews:assignments")
    return _render(
        request, "reviews/assignment.html", _review_context(request, assignment, decline_form=form), status=400
    )


@require_POST
@login_required
def review_submit(request, pk: int):
    assignment = _own_assignment(request, pk)
    # The warnings are offered only when the page is shown again: the decision reads the report itself.
    form = ReviewForm(request.POST)
    status, since = 400, None
    if form.is_valid():
        try:
            review = decisions.review_submit(
                assignment=assignment,
                actor=request.user,
                revision=form.cleaned_data["revision"],
                decision=form.cleaned_data["decision"],
                checklist=form.checklist(),
                comments=form.cleaned_data["comments"],
                acknowledged=form.cleaned_data["acknowledged"],
                password=form.cleaned_data["password"],
            )
        except decisions.StaleRevision as error:
            form.add_error(None, str(error))
            status, since = 409, error.shown
            form = _fresh_form(form, error.current)
        except NotPermitted:
            raise
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your decision ({review.get_decision_display().lower()}) is recorded.")
            return redirect("reviews:assignment", pk=pk)
    assignment.refresh_from_db()
    form.offer_warnings(gate.warnings_to_acknowledge(article=assignment.article))
    return _render(
        request, "reviews/assignment.html", _review_context(request, assignment, form=form, since=since), status=status
    )


def _fresh_form(form: ReviewForm, current: int) -> ReviewForm:
    """The form again, set to the current revision, keeping what the reviewer wrote and the error."""
    data = form.data.copy()
    data["revision"] = str(current)
    fresh = ReviewForm(data)
    fresh.is_valid()
    for error in form.non_field_errors():
        fresh.add_error(None, error)
    return fresh


@require_GET
@login_required
def article_decisions(request, pk: int):
    """The board's decisions and comments on an article, for its author and the editors."""
    try:
        article, reviews = selectors.decisions_for_article(user=request.user, pk=pk)
    except Article.DoesNotExist:
        raise Http404("No such article of yours.") from None
    context = {
        "article": article,
        "reviews": reviews,
        "credits": selectors.reviewer_credits(article=article),
        "reviewers_hidden": reviewer_hidden_from(request.user, article),
        "anonymity": Anonymity(anonymity_mode(article)).label,
        "comments": comment_reads.comments_on_current(article=article, viewer=request.user),
    }
    return _render(request, "reviews/decisions.html", context)


@require_GET
@editors_only
def desk(request):
    board = desk_reads.dashboard_for_editor(user=request.user)
    context = {"board": board, "board_limit": desk_reads.DESK_LIST_LIMIT, "state_count_cap": desk_reads.STATE_COUNT_CAP}
    return _render(request, "reviews/desk/dashboard.html", context)


def _article_or_404(pk: int) -> Article:
    try:
        return desk_reads.article_for_desk(pk=pk)
    except Article.DoesNotExist:
        raise Http404("No such article.") from None


def _desk_assignment_or_404(pk: int) -> ReviewAssignment:
    try:
        return desk_reads.assignment_for_desk(pk=pk)
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such assignment.") from None


@require_http_methods(["GET", "POST"])
@editors_only
def desk_assign(request, pk: int):
    article = _article_or_404(pk)
    form = AssignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = assignments.assignments_create(
                    article=article,
                    reviewers=list(form.cleaned_data["reviewers"]),
                    actor=request.user,
                    due_at=form.due_at(),
                    override_reason=form.cleaned_data["override_reason"],
                )
            except NotPermitted:
                raise
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                names = ", ".join(a.reviewer.display_name for a in made)
                messages.success(request, f"Invited {names} to review “{article.title}”.")
                return redirect("reviews:desk-assign", pk=pk)
    context = {
        "article": article,
        "form": form,
        "suggestions": desk_reads.reviewer_suggestions(article=article),
        "current": desk_reads.assignments_on_article(article=article),
        "anonymity": Anonymity(anonymity_mode(article)).label,
    }
    return _render(request, "reviews/desk/assign.html", context, status=status)


def _act_with_reason(request, service, assignment: ReviewAssignment, success: str) -> None:
    """Call an assignment service with the posted reason; its refusal or ``success`` becomes the message.

    An empty reason goes to the service, which names it; one that is not a single line is the form's error;
    NotPermitted stays a 403.
    """
    form = ReasonForm(request.POST)
    if not form.is_valid() and form["reason"].value():  # given, but not one line: the form says why
        messages.error(request, f"Nothing was changed: {' '.join(form.errors['reason'])}")
        return
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(assignment=assignment, actor=request.user, reason=reason)
    except NotPermitted:
        raise
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@require_POST
@editors_only
def desk_withdraw(request, pk: int):
    assignment = _desk_assignment_or_404(pk)
    done = f"Withdrew the assignment of {assignment.reviewer.display_name}."
    _act_with_reason(request, assignments.assignment_withdraw, assignment, done)
    return redirect("reviews:desk-assign", pk=assignment.article_id)


@require_http_methods(["GET", "POST"])
@editors_only
def desk_reassign(request, pk: int):
    assignment = _desk_assignment_or_404(pk)
    form = ReassignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = assignments.assignment_reassign(
                    assignment=assignment,
                    reviewer=form.cleaned_data["reviewer"],
                    actor=request.user,
                    due_at=form.due_at(),
                    reason=form.cleaned_data["reason"],
                    override_reason=form.cleaned_data["override_reason"],
                )
            except NotPermitted:
                raise
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Reassigned to {made.reviewer.display_name}.")
                return redirect("reviews:desk-assign", pk=assignment.article_id)
    return _render(request, "reviews/desk/reassign.html", {"assignment": assignment, "form": form}, status=status)


@require_POST
@editors_only
def desk_clear_conflict(request, pk: int):
    assignment = _desk_assignment_or_404(pk)
    done = f"Cleared the interest declared by {assignment.reviewer.display_name}."
    _act_with_reason(request, assignments.conflict_clear, assignment, done)
    return redirect("reviews:desk")
