"""The claim ledger's POST on the review page: parse the marks, call the service, show the page again on a refusal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.models import ArticleRevision
from reviews import views as review_views
from reviews.assignments.decisions import StaleRevision
from reviews.exceptions import NotPermitted, WorkflowError
from reviews.ledger import selectors as ledger
from reviews.ledger.forms import LedgerForm
from reviews.ledger.services import claim_marks_record


@require_POST
@login_required
def claims_mark(request, pk: int):
    assignment = review_views._own_assignment(request, pk)
    article = assignment.article
    current = ArticleRevision.objects.get(article=article, number=article.revision)
    form = LedgerForm(request.POST, rows=ledger.ledger_rows(assignment=assignment, revision=current))
    status, problems = 400, []
    if form.is_valid():
        try:
            written = claim_marks_record(
                assignment=assignment, actor=request.user, revision=form.cleaned_data["revision"], marks=form.marks()
            )
        except StaleRevision as error:
            status, problems = 409, [str(error)]
        except NotPermitted:
            raise
        except WorkflowError as error:
            problems = [str(error)]
        else:
            messages.success(request, f"Your marks on the claim ledger are recorded ({len(written)} changed).")
            return redirect(reverse("reviews:assignment", args=[pk]) + "#h-ledger")
    else:
        problems = form.error_list()
    assignment.refresh_from_db()
    context = {**review_views._review_context(request, assignment), "ledger_errors": problems}
    return review_views._render(request, "reviews/assignment.html", context, status=status)
