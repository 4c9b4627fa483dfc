"""Recording how an article's current revision was made, before it is submitted.

With *Site settings → Require provenance before submission* on, ``workflow.submit`` refuses a
revision without a record (``articles.trust.provenance_blocks_submission``); this is the step
that records it from the change page, with the article row locked and the permission checked.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import trust
from articles.models import Article, RevisionProvenance
from reviews import permissions as perms
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.locking import lock_article

STEP = "record_provenance"


def revision_provenance_record(
    *, article: Article, actor, method: str, ai_tool: str = "", ai_use: str = "", source_url: str = "",
    source_review_claim: str = "",
) -> RevisionProvenance:  # fmt: skip
    """Record (or correct) how the article's current revision was made. The author while the text is theirs to
    change, or an editor (``perms.can_record_provenance``). Raises NotPermitted, or TransitionNotAllowed naming
    the missing field (an AI tool and what it did; an imported text's source); nothing is written then."""
    with transaction.atomic():
        article = lock_article(article)
        if not perms.can_record_provenance(actor, article):
            raise NotPermitted(STEP, article.status, "only the author (while the text is theirs) or an editor may")
        revision = article.revisions.get(number=article.revision)
        try:
            provenance = trust.provenance_record(
                revision=revision, method=method, actor=actor, ai_tool=ai_tool, ai_use=ai_use,
                source_url=source_url, source_review_claim=source_review_claim,
            )  # fmt: skip
        except ValidationError as error:
            named = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items())
            raise TransitionNotAllowed(STEP, article.status, named) from error
    return provenance
