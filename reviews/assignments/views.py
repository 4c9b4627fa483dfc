"""The invitation link's landing page: check the link, set a password on first use, sign in, scope the session."""

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from reviews.assignments import invitations, labels

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(request, error: invitations.LinkRefused):
    return render(
        request, "reviews/invitation.html", {"title": error.title, "message": str(error)}, status=error.status
    )


@require_http_methods(["GET", "POST"])
def invitation_open(request, token: str):
    """GET shows what the link opens (mail scanners following it use nothing); POST uses it once."""
    try:
        assignment = invitations.link_peek(token=token, user=request.user)
    except invitations.LinkRefused as error:
        return _refused(request, error)
    reviewer = assignment.reviewer.user
    if request.user.is_authenticated:  # the reviewer, already signed in: nothing to use up
        return redirect("reviews:assignment", pk=assignment.pk)
    form = None if reviewer.has_usable_password() else SetPasswordForm(reviewer, request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            assignment = invitations.link_redeem(token=token, user=request.user)
        except invitations.LinkRefused as error:
            return _refused(request, error)
        if form is not None:
            form.save()  # the password the reviewer will sign decisions with
        login(request, reviewer, backend=_BACKEND)
        request.session[invitations.SCOPE_KEY] = assignment.pk
        return redirect("reviews:assignment", pk=assignment.pk)
    context = {"title": "Your invitation to review", "assignment": assignment, "form": form,
               "round_label": labels.round_label(assignment=assignment)}  # fmt: skip
    return render(request, "reviews/invitation.html", context, status=400 if form is not None and form.errors else 200)
