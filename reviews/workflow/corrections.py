"""Non-material edits: record an editor's claim and the domain's answer (``materiality.assess``).

Called by ``workflow.edit`` under the article row lock, after the new revision is written. An
accepted claim keeps the approval: no assignment goes stale, the article stays approved and
live, the approvals of the previous revision are credited to the new one (``gate.carried_approvals``),
and a ``non_material_edit`` row goes to the workflow log. A refused claim is recorded with its
reason and the edit takes the normal path.
"""

from articles.models import Article, ArticleRevision
from articles.revisions import Content
from reviews.models import NonMaterialClaim, TransitionLog
from reviews.workflow import materiality


def _problems(article: Article, assessment: materiality.Assessment) -> list[str]:
    problems = list(assessment.problems)
    if article.status != Article.Status.APPROVED:
        problems.insert(
            0, f"only an approved article keeps its approval; this one is {article.get_status_display().lower()}"
        )
    return problems


def claim_record(
    *, article: Article, revision: ArticleRevision, old: Content, new: Content, actor, reason: str
) -> NonMaterialClaim:
    """Assess and record the claim that the edit to ``revision`` is non-material; returns the claim."""
    assessment = materiality.assess(old=old, new=new.normalised())
    problems = _problems(article, assessment)
    claim = NonMaterialClaim.objects.create(
        article=article, from_revision=revision.number - 1, to_revision=revision.number, reason=reason.strip(),
        accepted=not problems, refusal="; ".join(problems), changed_words=assessment.changed_words,
        total_words=assessment.total_words, actor=actor,
    )  # fmt: skip
    if claim.accepted:
        TransitionLog.objects.create(
            article=article, revision=revision.number, transition="non_material_edit", from_status=article.status,
            to_status=article.status, actor=actor,
            reason=f"revision {revision.number} keeps the approval of revision {claim.from_revision} "
            f"({assessment.measure}): {claim.reason}",
        )  # fmt: skip
    return claim
