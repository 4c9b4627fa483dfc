"""The editorial workflow: one transition table, one function per edge, nothing else sets status.

Every transition has the same shape: atomic → lock the article row → state check → permission check →
guards → change → save with a history reason → TransitionLog row → notices and webhooks after commit.
The simple ones are built from their row of ``RULES`` (``_transition``: its default reason, its guard and
what follows the move); approval, edits and overrides are written out.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from articles.history import history_note
from articles.models import Article, ArticleRevision
from articles.revisions import Content, content_apply, content_of, content_of_revision, metadata_apply
from articles.trust import provenance_blocks_submission
from reviews import notifications, webhooks
from reviews import permissions as perms
from reviews.exceptions import NotPermitted, TransitionNotAllowed, state_label
from reviews.locking import lock_article, require_current, require_reason, require_version
from reviews.models import TransitionLog, ValidationOverride
from reviews.publishing import records
from reviews.workflow import corrections, gate, rounds

S = Article.Status


def _then_archive(*, article: Article, actor, reason: str, **_) -> None:
    if article.live_publication_id:  # a live article leaves the public site (readers get 410)
        records.withdraw_locked(article=article, actor=actor, reason=f"archived: {reason}")


def provenance_missing(article: Article) -> str | None:
    """Why the current revision may not be submitted for want of a provenance record (the site requires
    one), or None: the ``submit`` rule's guard, and the submit button's warning."""
    revision = ArticleRevision.objects.filter(article=article, number=article.revision).first()
    return provenance_blocks_submission(revision=revision) if revision else None


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    target: str
    allowed: Callable[..., bool]
    who: str
    label: str
    internal: bool = False  # taken by a service as a side effect, never offered as a button
    default: str | None = None  # the reason when the caller gives none (None: a reason is required)
    then: Callable[..., None] | None = None  # what follows the move, in the same transaction
    guard: Callable[[Article], str | None] | None = None  # why the step is refused now, or None


RULES: dict[str, Rule] = {
    "submit": Rule(
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, perms.can_submit,
        "the article's author or an editor", "Submit for review",
        default="Submitted for review", guard=provenance_missing,
        then=lambda article, actor, **_: rounds.assignments_reinvite(article=article, actor=actor),
    ),
    "start_review": Rule(
        frozenset({S.SUBMITTED}), S.UNDER_REVIEW, perms.can_start_review,
        "an editor or a reviewer with an accepted assignment", "Start review", default="Review started",
    ),
    "request_changes": Rule(
        frozenset({S.UNDER_REVIEW}), S.CHANGES_REQUESTED, perms.can_request_changes,
        "an editor or an assigned reviewer who is not the author", "Request changes",
    ),
    "approve": Rule(
        frozenset({S.UNDER_REVIEW}), S.APPROVED, perms.can_approve,
        "a verified reviewer with an accepted assignment on the current revision, not the author",
        "Approve", default="Sign-off rule met",
    ),
    "reject": Rule(
        frozenset({S.UNDER_REVIEW}), S.REJECTED, perms.can_reject,
        "an editor who is not the author", "Reject",
    ),
    "withdraw": Rule(
        frozenset({S.SUBMITTED}), S.DRAFT, perms.can_withdraw,
        "the article's author, before review starts", "Withdraw submission",
        default="Withdrawn by the author before review",
        then=lambda article, actor, **_: rounds.round_withdraw(article=article, actor=actor),
    ),
    "revise": Rule(
        frozenset({S.CHANGES_REQUESTED}), S.DRAFT, perms.can_revise,
        "the article's author or an editor", "Back to draft", default="Returned to draft for revision",
    ),
    "archive": Rule(
        frozenset(set(S) - {S.ARCHIVED}), S.ARCHIVED, perms.can_archive,
        "an editor", "Archive", then=_then_archive,
    ),
    "start_rereview": Rule(
        frozenset({S.APPROVED}), S.SUBMITTED, perms.can_start_rereview,
        "an editor, or the scheduled re-review and evidence-watch jobs", "Start re-review",
        then=lambda article, actor, job, **_: rounds.round_restart(article=article, actor=actor, job=job),
    ),
    "reopen": Rule(
        frozenset({S.APPROVED}), S.SUBMITTED, perms.can_edit_content,
        "whoever may edit the article", "Reopen after edit", internal=True,
    ),
}  # fmt: skip


def _authorise(name: str, article: Article, actor) -> Rule:
    rule = RULES[name]
    if article.status not in rule.sources:
        allowed = ", ".join(state_label(source) for source in sorted(rule.sources))
        raise TransitionNotAllowed(name, article.status, f"it is only possible from {allowed}")
    if not rule.allowed(actor, article):
        raise NotPermitted(name, article.status, f"only {rule.who} may do this, and {actor or 'the system'} may not")
    return rule


def _move(
    article: Article, name: str, *, actor, reason: str, fields: tuple[str, ...] = (), job: str = ""
) -> TransitionLog:
    rule = RULES[name]
    from_status = article.status
    article.status = rule.target
    history_note(article, actor=actor, reason=f"{name}: {reason}")
    article.save(update_fields=["status", "updated_at", *fields])
    rounds.desk_flag_refresh(article_id=article.pk)
    log = _log(article, name, from_status=from_status, actor=actor, reason=reason)
    transaction.on_commit(partial(notifications.transition_notice.enqueue, log_id=log.pk, by=job))
    webhooks.log_event(log)
    return log


def _log(article: Article, name: str, *, from_status: str, actor, reason: str) -> TransitionLog:
    """The TransitionLog row of a step on the current revision, to the article's status now."""
    return TransitionLog.objects.create(
        article=article, revision=article.revision, transition=name, from_status=from_status,
        to_status=article.status, actor=actor, reason=reason,
    )  # fmt: skip


def _transition(name: str, doc: str) -> Callable[..., Article]:
    """The function of a transition of the one simple shape, read from its row of RULES: lock, state and
    permission checks, a reason (the rule's default when none is given), ``rule.guard``, the move, then
    ``rule.then``."""
    rule = RULES[name]

    def step(*, article: Article, actor, reason: str | None = rule.default, job: str = "") -> Article:
        with transaction.atomic():
            article = lock_article(article)
            _authorise(name, article, actor)
            reason = require_reason(name, article, reason)
            if refusal := rule.guard and rule.guard(article):
                raise TransitionNotAllowed(name, article.status, refusal)
            _move(article, name, actor=actor, reason=reason, job=job)
            if rule.then is not None:
                rule.then(article=article, actor=actor, reason=reason, job=job)
        return article

    step.__name__ = step.__qualname__ = name
    step.__doc__ = doc
    return step


# fmt: off
submit = _transition("submit", """Draft or changes-requested → submitted. The author (own article only) or an editor.
    With *Require provenance before submission* on, the current revision needs a provenance record
    (``articles.trust.provenance_blocks_submission``); TransitionNotAllowed names what is missing.
    A resubmission starts a new round: the previous round's reviewers are re-invited to the current
    revision in the same transaction (``rounds.assignments_reinvite``).""")
start_review = _transition("start_review", """Submitted → under review. An editor, or the first reviewer to
    accept an assignment.""")
request_changes = _transition("request_changes", """Under review → changes requested. An editor or an assigned
    reviewer; the reason is shown to the author.""")
reject = _transition("reject", "Under review → rejected. An editor who is not the author.")
withdraw = _transition("withdraw", """Submitted → draft: the author takes a submission back before review starts.
    Open invitations of the round are withdrawn in the same transaction (``rounds.round_withdraw``).""")
revise = _transition("revise", "Changes requested → draft, for the author to rework before resubmitting.")
archive = _transition("archive", """Any state → archived. Editors only. A live article leaves the public site in
    the same transaction (readers get 410); the history and publications stay.""")
start_rereview = _transition("start_rereview", """Approved → submitted for a new review round; the live
    publication stays up meanwhile. Taken by an editor, or by a scheduled job (``actor=None``, ``job``
    naming it, e.g. "the scheduled re-review") when the re-review date passes or a cited work is
    retracted. The new round's earlier decisions go stale and the previous reviewers are re-invited
    (``rounds.round_restart``).""")
# fmt: on


def approve(*, article: Article, actor, reason: str = RULES["approve"].default) -> Article:
    """Under review → approved, taken by the reviewer whose approval completes the sign-off rule.

    Needs the topic's quorum of eligible approvals on the *current* revision (with any required
    specialties) and a validation report for that revision with no errors left unoverridden.
    Approval ends the round (``rounds.round_end``). Raises NotPermitted or TransitionNotAllowed
    naming what is missing; nothing is written then.
    """
    with transaction.atomic():
        article = lock_article(article)
        _authorise("approve", article, actor)
        reason = require_reason("approve", article, reason)
        missing = gate.signoff_missing(article=article)
        return _approve(
            article, actor=actor, reason=reason, missing=missing, verdict=gate.report_verdict(article=article)
        )


def sign_off(*, article: Article, actor, reason: str, verdict: "gate.ReportVerdict") -> bool:
    """``approve`` for a reviewer's decision just recorded: approve if it completes the sign-off rule.

    The caller (``decisions.review_submit``) holds the article row lock inside its transaction and
    passes the report verdict it read, so one decision locks the article and reads the report once.
    Returns whether the article was approved; raises as ``approve`` does when the rule is met but
    the step is refused.
    """
    missing = gate.signoff_missing(article=article)
    if missing is not None:
        return False
    _authorise("approve", article, actor)
    _approve(article, actor=actor, reason=reason, missing=None, verdict=verdict)
    return True


def _approve(article: Article, *, actor, reason: str, missing: str | None, verdict: "gate.ReportVerdict") -> Article:
    reason = require_reason("approve", article, reason)
    if missing:
        raise TransitionNotAllowed("approve", article.status, missing)
    if verdict.blocking:
        named = "; ".join(f"{f['rule']}: {f['message']}" for f in verdict.blocking)
        raise TransitionNotAllowed("approve", article.status, f"the validation report has errors: {named}")
    now = timezone.now()
    article.last_reviewed_at = now
    interval = article.topic.rereview_interval_days if article.topic_id else 365
    article.next_review_due = (now + timedelta(days=interval)).date()
    _move(article, "approve", actor=actor, reason=reason, fields=("last_reviewed_at", "next_review_due"))
    rounds.round_end(article=article, actor=actor)
    records.promote_on_approval(article=article)
    return article


def article_edit(
    *, article: Article, actor, content: Content, metadata: dict, reason: str, expected_revision: int | None,
    non_material: str = "", expected_version: int | None = None,
):  # fmt: skip
    """The desk's save of an existing article: its content through ``edit`` (a new revision when it
    changed), then its metadata, in one transaction. ``expected_version`` is the row version the
    form was built from. Raises as ``edit`` does, or StaleArticle; nothing is written then."""
    with transaction.atomic():
        require_version(article=lock_article(article), expected_version=expected_version)
        article, revision = edit(
            article=article, actor=actor, content=content, reason=reason, expected_revision=expected_revision,
            non_material=non_material,
        )  # fmt: skip
        metadata_apply(article=Article.objects.get(pk=article.pk), values=metadata, actor=actor, reason=reason)
        rounds.desk_flag_refresh(article_id=article.pk)  # the topic (its quorum) may have changed
    return article, revision


def edit(
    *, article: Article, actor, content: Content, reason: str, expected_revision: int | None = None,
    non_material: str = "",
):  # fmt: skip
    """Change an article's content as a new revision. Returns (article, revision or None if unchanged).

    ``expected_revision`` is the revision the editor started from: if the article moved on
    meanwhile the save is refused with StaleEdit (never a silent overwrite). Assignments and
    approvals on older revisions become stale; an approved article returns to submitted.

    ``non_material`` is the editor's reason for calling the edit non-material. The domain decides
    (``materiality.assess``): accepted, the article keeps its approval and live state; refused, the
    refusal is recorded (a NonMaterialClaim, and in the reopen reason) and the edit goes on as above.
    """
    with transaction.atomic():
        article = lock_article(article)
        if not perms.can_edit_content(actor, article):
            raise NotPermitted("edit", article.status, f"{actor} may not edit this article now")
        require_current(article=article, expected_revision=expected_revision)
        old = content_of(article) if non_material.strip() else None
        revision = content_apply(article=article, content=content, actor=actor, reason=reason)
        if revision is None:
            return article, None
        rounds.desk_flag_refresh(article_id=article.pk)  # a new revision: a new round to count
        claim = old and corrections.claim_record(
            article=article, revision=revision, old=old, new=content, actor=actor, reason=non_material
        )
        if claim and claim.accepted:
            return article, revision
        rounds.assignments_mark_stale(article=article, actor=actor)
        if article.status == S.APPROVED:
            refused = f" (refused as non-material: {claim.refusal})" if claim else ""
            why = f"content edited in revision {revision.number}: {reason}{refused}"
            _move(article, "reopen", actor=actor, reason=why)
        if article.status in (S.SUBMITTED, S.UNDER_REVIEW):  # the round goes on, on the new revision
            rounds.assignments_reinvite(article=article, actor=actor)
    return article, revision


def revision_revert(
    *, article: Article, actor, number: int, reason: str, expected_revision: int | None = None
) -> ArticleRevision:
    """Make revision ``number``'s content the article's next revision, recording why.

    Goes through ``workflow.edit`` (lock, permission, stale check, approvals made stale, an
    approved article reopened). Raises TransitionNotAllowed when the revision does not exist,
    no reason is given or the content already matches; NotPermitted or StaleEdit from the edit.
    """
    reason = require_reason("revert", article, reason)
    source = ArticleRevision.objects.filter(article=article, number=number).first()
    if source is None:
        raise TransitionNotAllowed("revert", article.status, f"revision {number} of this article does not exist")
    _, revision = edit(
        article=article, actor=actor, content=content_of_revision(source),
        reason=f"revert to revision {number}: {reason}", expected_revision=expected_revision,
    )  # fmt: skip
    if revision is None:
        raise TransitionNotAllowed("revert", article.status, f"the article already matches revision {number}")
    return revision


def override_validation(*, article: Article, actor, keys: list[str], reason: str):
    """An editor-in-chief lets named validation errors pass for the current revision, with a reason.

    The override is recorded as a ValidationOverride, a TransitionLog row and an article history row.
    """
    with transaction.atomic():
        article = lock_article(article)
        if not perms.can_override_validation(actor, article):
            raise NotPermitted(
                "override_validation", article.status,
                "only an editor-in-chief may override, and never on their own article (four eyes)",
            )  # fmt: skip
        reason = require_reason("override_validation", article, reason)
        override = _override_record(article=article, actor=actor, keys=keys, reason=reason)
        history_note(article, actor=actor, reason=f"override_validation: {reason} ({', '.join(override.rules)})")
        article.save(update_fields=["updated_at"])
        _log(article, "override_validation", from_status=article.status, actor=actor,
             reason=f"{reason} (overrides {', '.join(override.rules)})")  # fmt: skip
    return override


def _override_record(*, article: Article, actor, keys: list[str], reason: str) -> ValidationOverride:
    """Record an override of the named error findings; unknown or non-error keys are refused."""
    errors = {f["key"] for f in gate.current_report(article=article).findings if f["severity"] == "error"}
    unknown = sorted(set(keys) - errors)
    if not keys or unknown:
        why = (
            f"these are not errors of revision {article.revision}: {', '.join(unknown)}" if keys else "name the errors"
        )
        raise TransitionNotAllowed("override_validation", article.status, why)
    return ValidationOverride.objects.create(
        article=article, revision=article.revision, rules=sorted(set(keys)), reason=reason, actor=actor
    )


def available_transitions(*, article: Article, user) -> list[tuple[str, Rule]]:
    """The transitions this user may take on this article now, in table order (for buttons)."""
    return [
        (name, rule)
        for name, rule in RULES.items()
        if not rule.internal and article.status in rule.sources and rule.allowed(user, article)
    ]


TRANSITIONS: dict[str, Callable[..., Article]] = {
    step.__name__: step
    for step in (submit, start_review, request_changes, approve, reject, withdraw, revise, archive, start_rereview)
}


def state_diagram() -> str:
    """The workflow as a Mermaid state diagram, drawn from RULES (the README's diagram)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for name, rule in RULES.items():
        sources = sorted(rule.sources) if len(rule.sources) < 3 else ["any"]
        lines += [f"    {source} --> {rule.target}: {name}" for source in sources]
    return "\n".join(lines)
