"""The approval gate (reads only): the topic's sign-off rule and the validation report of the current revision."""

from dataclasses import dataclass

from articles.models import Article, ArticleRevision
from articles.validation import reports
from reviews.ledger import selectors as ledger
from reviews.models import NonMaterialClaim, Review, ReviewAssignment, ValidationOverride


def eligible_approvals(*, article: Article, number: int | None = None, this_round: bool = True) -> list[Review]:
    """Approvals that count on revision ``number`` (the current one by default): eligible, the first
    of each reviewer. Both the sign-off rule and a publication's reviewer credits are these.

    With ``this_round`` (the default), decisions of an earlier round on the same revision (their
    assignment went stale when a re-review opened a new round) no longer count."""
    seen, out = set(), []
    approvals = (
        Review.objects.filter(
            article=article,
            revision=article.revision if number is None else number,
            decision=ReviewAssignment.Decision.APPROVE,
            eligible=True,
        )
        .select_related("reviewer", "assignment")
        .order_by("created_at", "pk")
    )
    if this_round:
        approvals = approvals.exclude(assignment__status=ReviewAssignment.Status.STALE)
    for review in approvals:
        if review.reviewer_id not in seen:
            seen.add(review.reviewer_id)
            out.append(review)
    return out


def approval_source(*, article: Article, number: int) -> tuple[int, list[NonMaterialClaim]]:
    """The revision whose approvals revision ``number`` carries, and the accepted non-material edits
    between them (oldest first). ``(number, [])`` for a revision that was not a non-material edit."""
    claims = {c.to_revision: c for c in NonMaterialClaim.objects.filter(article=article, accepted=True)}
    chain = []
    while number in claims:
        chain.append(claims[number])
        number = claims[number].from_revision
    return number, chain[::-1]


def latest_claim(*, article: Article) -> NonMaterialClaim | None:
    """The non-material claim made for the article's current revision, if any."""
    return NonMaterialClaim.objects.filter(article=article, to_revision=article.revision).first()


def carried_approvals(*, article: Article, number: int) -> tuple[list[Review], list[NonMaterialClaim]]:
    """The approvals credited to revision ``number``: its own, or those of the revision it was a
    non-material edit of, with the edits carrying them."""
    source, chain = approval_source(article=article, number=number)
    return eligible_approvals(article=article, number=source), chain


def signoff_missing(*, article: Article) -> str | None:
    """What the topic's sign-off rule still lacks on the current revision, or None when it is met:
    the quorum, the required specialties, then the claim rule (the approvals read once for both)."""
    approvals = eligible_approvals(article=article)
    return quorum_missing(article=article, approvals=approvals) or claims_missing(article=article, approvals=approvals)


def quorum_missing(*, article: Article, approvals: list[Review] | None = None) -> str | None:
    """What the quorum and the required specialties still lack on the current revision, or None.

    Where the topic requires credited sign-off, only approvals from reviewers who consent to public
    credit count (toward the quorum and the required specialties)."""
    quorum = article.topic.required_approvals if article.topic_id else 1
    required = article.topic.required_specialties if article.topic_id else []
    approvals = eligible_approvals(article=article) if approvals is None else approvals
    if article.topic_id and article.topic.requires_credited_signoff:
        unnamed = [r for r in approvals if not r.reviewer.consents_to_public_credit]
        approvals = [r for r in approvals if r.reviewer.consents_to_public_credit]
        if len(approvals) < quorum:
            note = f"; {len(unnamed)} from reviewers who asked not to be named do not count" if unnamed else ""
            return (
                f"the topic {article.topic.name} requires credited sign-off: {quorum} approval(s) on revision "
                f"{article.revision} from reviewers who consent to public credit; it has {len(approvals)}{note}"
            )
    if len(approvals) < quorum:
        return (
            f"the sign-off rule needs {quorum} eligible approval(s) on revision {article.revision}; "
            f"it has {len(approvals)}"
        )
    specialties = {str(r.credentials.get("specialty", "")).casefold() for r in approvals}
    lacking = [s for s in required if s.casefold() not in specialties]
    if lacking:
        return f"the sign-off rule needs an approval from {', '.join(lacking)} on revision {article.revision}"
    return None


def claims_missing(*, article: Article, approvals: list[Review] | None = None) -> str | None:
    """The topic's claim rule: what it lacks on the current revision, or None when met or not asked."""
    if not (article.topic_id and article.topic.claims_need_support):
        return None
    approvals = eligible_approvals(article=article) if approvals is None else approvals
    revision = ArticleRevision.objects.get(article=article, number=article.revision)
    reviewers = [r.reviewer_id for r in approvals]
    return ledger.claims_rule_missing(article=article, revision=revision, reviewer_ids=reviewers)


def current_report(*, article: Article):
    """The newest report for the current revision, validating it now (offline) if none exists yet."""
    revision = ArticleRevision.objects.get(article=article, number=article.revision)
    # Offline here: this runs under the article's row lock; the online check is queued after commit.
    return reports.report_for_gate(revision=revision)


def registries_note(*, article: Article) -> str | None:
    """The gate's "registries not consulted yet" (naming failures) while the newest report lacks the online check."""
    revision = ArticleRevision.objects.get(article=article, number=article.revision)
    return reports.registries_note(report=reports.latest_report(revision=revision))


def overridden_keys(*, article: Article) -> set[str]:
    overrides = ValidationOverride.objects.filter(article=article, revision=article.revision)
    return {key for override in overrides for key in override.rules}


@dataclass(frozen=True)
class ReportVerdict:
    """What the current revision's validation report says about approving it, read once."""

    findings: list[dict]
    overridden: frozenset[str]

    @property
    def blocking(self) -> list[dict]:
        """Errors that no editor-in-chief has overridden: while any is left, nobody approves."""
        return [f for f in self.findings if f["severity"] == "error" and f["key"] not in self.overridden]

    @property
    def warnings(self) -> list[dict]:
        """Warnings the approving reviewer acknowledges one by one."""
        return [f for f in self.findings if f["severity"] == "warning"]


def report_verdict(*, article: Article) -> ReportVerdict:
    """The report verdict of the current revision (the report and its overrides, one read each), with
    the ledger's "does not support" marks on it as errors."""
    report = current_report(article=article)
    findings = report.findings + ledger_findings(article=article)
    return ReportVerdict(findings=findings, overridden=frozenset(overridden_keys(article=article)))


def ledger_findings(*, article: Article) -> list[dict]:
    """Claims of the current revision a reviewer marked "does not support", as blocking findings."""
    revision = ArticleRevision.objects.get(article=article, number=article.revision)
    return ledger.ledger_findings(article=article, revision=revision)


def blocking_findings(*, article: Article) -> list[dict]:
    """Errors in the current report that no editor-in-chief has overridden."""
    return report_verdict(article=article).blocking


def warnings_to_acknowledge(*, article: Article) -> list[dict]:
    """Warnings the approving reviewer acknowledges one by one."""
    return report_verdict(article=article).warnings
