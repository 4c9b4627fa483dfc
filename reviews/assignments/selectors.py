"""Reads for the reviewer pages and the editors' desk. Each declares its joins, so a page's
query count stays the same whatever the number of assignments.

Access is decided here, not in templates: a reviewer's selectors only ever see that
reviewer's assignments, and raise ``DoesNotExist`` (a 404) for anyone else's.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.diffing import RevisionDiff, revision_diff
from articles.models import Anonymity, Article, ArticleRevision
from articles.rendering import body_blocks, render_body
from articles.validation import reports
from reviews import permissions as perms
from reviews.anonymity import anonymity_mode, author_hidden_from
from reviews.assignments.labels import round_labels
from reviews.ledger import selectors as ledger
from reviews.masking import AUTHOR_LABEL, credit_line, masking_for
from reviews.models import (
    CHECKLIST,
    OPEN_STATUSES,
    Review,
    ReviewAssignment,
    ValidationOverride,
)
from reviews.workflow import gate

A = ReviewAssignment.Status
# Assignments that ended before any decision: their reviewer is no longer assigned and has no page.
CLOSED = (A.DECLINED, A.WITHDRAWN)
DONE_SHOWN = 50


@dataclass
class MyAssignments:
    pending: list[ReviewAssignment] = field(default_factory=list)
    in_progress: list[ReviewAssignment] = field(default_factory=list)
    overdue: list[ReviewAssignment] = field(default_factory=list)
    done: list[ReviewAssignment] = field(default_factory=list)


def assignments_for_reviewer(*, user) -> MyAssignments:
    """The reviewer's own assignments for "My assignments": pending (invited), in progress
    (accepted), overdue (either, past due) and done (decided, declined, withdrawn, stale; newest 50,
    each round once). Each row's ``page_open`` says whether its review page exists (not for CLOSED
    ones) and ``round_label`` what kind of round it is ("new article", "re-review (scheduled)"...)."""
    profile = perms.reviewer_profile(user)
    out = MyAssignments()
    if profile is None:
        return out
    now = timezone.now()
    rows = ReviewAssignment.objects.filter(reviewer=profile).select_related("article__topic", "article__author")
    late = Exists(ReviewAssignment.objects.overdue(now).filter(pk=OuterRef("pk")))
    for row in rows.open().annotate(late=late).order_by("due_at", "pk"):
        bucket = out.overdue if row.late else out.pending if row.status == A.INVITED else out.in_progress
        bucket.append(row)
    done = list(rows.exclude(status__in=OPEN_STATUSES).order_by("-assigned_at", "-pk")[: DONE_SHOWN * 2])
    labels = round_labels(assignments=(*out.overdue, *out.pending, *out.in_progress, *done))
    out.done = _each_round_once(done, labels)[:DONE_SHOWN]
    for row in (*out.overdue, *out.pending, *out.in_progress, *out.done):
        row.page_open = row.status not in CLOSED
        row.round_label = labels[row.pk]
        row.author_shown = _author_shown(user, row.article)
    return out


def _each_round_once(done: list[ReviewAssignment], labels: dict[int, str]) -> list[ReviewAssignment]:
    """One row per round (article, revision and kind of round), its newest assignment: a reviewer
    re-invited within a round sees that round once, and each round says which it was."""
    seen, out = set(), []
    for row in done:
        key = (row.article_id, row.revision, labels[row.pk])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _author_shown(user, article: Article) -> str:
    """The author's name, or "the author" in a double-anonymous review."""
    if author_hidden_from(user, article):
        return AUTHOR_LABEL
    return article.author.get_full_name() or article.author.get_username()


def assignment_for_reviewer(*, user, pk: int) -> ReviewAssignment:
    """One of the reviewer's own assignments; anyone else's raises ReviewAssignment.DoesNotExist.

    So does a declined or withdrawn one: its reviewer is no longer assigned and sees no more of the article.
    """
    profile = perms.reviewer_profile(user)
    if profile is None:
        raise ReviewAssignment.DoesNotExist("Only the assigned reviewer sees an assignment.")
    return (
        ReviewAssignment.objects.select_related(
            "article__topic", "article__author", "reviewer__user", "assigned_by", "conflict_cleared_by"
        )
        .exclude(status__in=CLOSED)
        .get(pk=pk, reviewer=profile)
    )


@dataclass
class Block:
    anchor: str
    first_line: int
    last_line: int
    html: str
    findings: list[dict] = field(default_factory=list)


@dataclass
class ReviewPage:
    assignment: ReviewAssignment
    article: Article
    revision: ArticleRevision
    blocks: list[Block]
    references: list[dict]
    general_findings: list[dict]
    warnings: list[dict]
    errors: list[dict]
    diff: RevisionDiff | None
    stale: bool
    newer_assignment: ReviewAssignment | None
    credentials_problem: str | None
    signoff_missing: str | None
    credits: list[Review]
    ledger: list = field(default_factory=list)  # ledger.LedgerRow
    registries_note: str | None = None
    author_shown: str = ""
    anonymity: str = ""
    uncredited_here: bool = False  # the topic requires credited sign-off and this reviewer asked not to be named
    checklist: tuple = CHECKLIST


def _placed(body: str, numbers: set[int], findings: list[dict]) -> tuple[list[Block], list[dict]]:
    """Render each block as readers see it and pin each finding with a line beside its block."""
    blocks = []
    for i, (first, last, text) in enumerate(body_blocks(body), start=1):
        html = render_body(body=text, reference_numbers=numbers).html
        # Citation ids restart in each block; a block prefix keeps them unique on the page.
        html = html.replace('id="cite-', f'id="b{i}-cite-')
        blocks.append(Block(anchor=f"block-{i}", first_line=first, last_line=last, html=html))
    general = []
    for finding in findings:
        line = finding.get("line")
        target = None
        if line is not None:
            # A finding on a blank line between blocks belongs to the block before it.
            target = next((b for b in reversed(blocks) if b.first_line <= line), blocks[0] if blocks else None)
        if target is None:
            general.append(finding)
        else:
            target.findings.append(finding)
    return blocks, general


def _findings(*, article: Article, revision: ArticleRevision) -> list[dict]:
    """The reference report's findings on the revision shown, each marked when an editor-in-chief overrode it."""
    extra = []
    if revision.number == article.revision:
        report, overridden = gate.current_report(article=article), gate.overridden_keys(article=article)
        extra = gate.ledger_findings(article=article)
    else:  # an older revision: its stored report, if it was ever validated
        report = reports.latest_report(revision=revision)
        overrides = ValidationOverride.objects.filter(article=article, revision=revision.number)
        overridden = {key for override in overrides for key in override.rules}
    findings = (report.findings if report else []) + extra
    return [{**f, "overridden": f["key"] in overridden} for f in findings]


def _laid_out(revision: ArticleRevision, findings: list[dict]) -> tuple[list[Block], list[dict], list[dict]]:
    """Blocks with their findings, references with theirs, and the findings that belong to neither."""
    numbers = {int(ref["number"]) for ref in revision.references}
    # Findings on a line of the body go beside that paragraph; the others beside their reference.
    blocks, general = _placed(revision.body, numbers, [f for f in findings if f.get("line") is not None])
    by_reference: dict[int, list[dict]] = {}
    for finding in findings:
        if finding.get("line") is None and finding.get("reference") is not None:
            by_reference.setdefault(finding["reference"], []).append(finding)
        elif finding.get("line") is None:
            general.append(finding)
    references = [{**ref, "findings": by_reference.pop(ref["number"], [])} for ref in revision.references]
    general += [f for rest in by_reference.values() for f in rest]  # findings on references not listed
    return blocks, references, general


def _standing(assignment: ReviewAssignment) -> tuple[bool, ReviewAssignment | None, int]:
    """Whether the assignment is stale, the reviewer's newer assignment on the article, and the revision shown.

    A reviewer still assigned (this assignment is open, made for the current revision, or a newer
    one is) sees the current revision; anyone else only the revision this assignment was made for.
    """
    article = assignment.article
    open_on_older = assignment.revision != article.revision and assignment.status in ReviewAssignment.ACTIVE
    stale = assignment.status == A.STALE or open_on_older
    newer = None
    if assignment.revision != article.revision:
        newer = (
            article.assignments.filter(reviewer_id=assignment.reviewer_id)
            .exclude(pk=assignment.pk)
            .filter(Q(status__in=ReviewAssignment.ACTIVE) | Q(status=A.SUBMITTED, revision=article.revision))
            .order_by("-pk")
            .first()
        )
    assigned = assignment.revision == article.revision or open_on_older or newer is not None
    return stale, newer, article.revision if assigned else assignment.revision


def _diff_since(article: Article, revision: ArticleRevision, since: int | None) -> RevisionDiff | None:
    """What changed in ``revision`` since revision ``since`` (None: nothing to compare)."""
    if not since or since == revision.number:
        return None
    old = ArticleRevision.objects.filter(article=article, number=since).first()
    return revision_diff(old=old, new=revision) if old else None


def review_page(*, assignment: ReviewAssignment, since: int | None = None) -> ReviewPage:
    """Everything the review page shows: the current revision as rendered for readers, its
    reference report with findings beside the text, and the diff since this reviewer's last
    decision (or, for a stale assignment, since the revision it was made for; ``since`` overrides,
    e.g. the revision a refused submission was made on).

    A reviewer no longer assigned (a stale assignment and no newer one) sees only the revision the
    assignment was made for: no later revision, no diff, no credits of a later approval.
    """
    article = assignment.article
    stale, newer, shown = _standing(assignment)
    revision = ArticleRevision.objects.get(article=article, number=shown)
    findings = _findings(article=article, revision=revision)
    blocks, references, general = _laid_out(revision, findings)
    current = shown == article.revision
    since = since or (assignment.revision if stale else last_reviewed_revision(assignment=assignment))
    return ReviewPage(
        assignment=assignment,
        article=article,
        revision=revision,
        blocks=blocks,
        references=references,
        general_findings=general,
        warnings=[f for f in findings if f["severity"] == "warning"],
        errors=[f for f in findings if f["severity"] == "error" and not f["overridden"]],
        diff=_diff_since(article, revision, since) if current else None,
        stale=stale,
        newer_assignment=newer,
        credentials_problem=perms.credentials_problem(assignment.reviewer),
        signoff_missing=gate.signoff_missing(article=article),
        credits=reviewer_credits(article=article) if current else [],
        ledger=ledger.ledger_rows(assignment=assignment, revision=revision),
        registries_note=gate.registries_note(article=article) if current else None,
        author_shown=_author_shown(assignment.reviewer.user, article),
        anonymity=Anonymity(anonymity_mode(article)).label,
        uncredited_here=bool(article.topic_id and article.topic.requires_credited_signoff)
        and not assignment.reviewer.consents_to_public_credit,
    )


def reviewer_credits(*, article: Article) -> list[Review]:
    """The "reviewed by" credit: the eligible approvals of the current revision, once approved, each
    with ``credit`` as readers get it (unnamed for a reviewer who asked not to be named)."""
    if article.status != Article.Status.APPROVED:
        return []
    approvals = gate.eligible_approvals(article=article)
    for review in approvals:
        review.credit = credit_line(review)
    return approvals


def decisions_for_article(*, user, pk: int) -> tuple[Article, list[Review]]:
    """The board's recorded decisions on an article, with comments: for its author and editors only.

    Anyone else gets Article.DoesNotExist (a 404), so an unassigned reviewer learns nothing.
    """
    article = Article.objects.select_related("topic", "author").get(pk=pk)
    if not (perms.is_editor(user) or perms.is_author(user, article)):
        raise Article.DoesNotExist("Only the author and the editors see the decisions.")
    reviews = list(
        Review.objects.filter(article=article).select_related("reviewer", "signature").order_by("-created_at", "-pk")
    )
    # An anonymous review shows the author each reviewer as "Reviewer n", never their name.
    return article, masking_for(user=user, article=article).label_reviews(reviews)


def last_reviewed_revision(*, assignment: ReviewAssignment) -> int | None:
    """The revision this reviewer last decided on for this article (for the re-review diff)."""
    return (
        Review.objects.filter(article_id=assignment.article_id, reviewer_id=assignment.reviewer_id)
        .order_by("-revision", "-pk")
        .values_list("revision", flat=True)
        .first()
    )
