"""What changed in an article row since a given version: the words of a refused stale save."""

from dataclasses import dataclass, field

from articles.models import Article

SHOWN_FIELDS = ("title", "summary", "body", "topic", "audience", "variant_of", "next_review_due", "status",
                "last_reviewed_at", "live_publication", "revision")  # fmt: skip


@dataclass(frozen=True)
class ChangesSince:
    """The fields whose stored value differs from the one at ``version``, their values then, and why."""

    fields: list[str] = field(default_factory=list)
    then: dict[str, object] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def describe(self) -> str:
        named = ", ".join(Article._meta.get_field(name).verbose_name for name in self.fields) or "no shown field"
        why = "; ".join(self.reasons[-3:])
        return f"{named} changed" + (f" ({why})" if why else "")


def changes_since(*, article: Article, version: int) -> ChangesSince:
    """Compare the stored row with its history row of ``version`` (the newest one, if saved twice)."""
    rows = article.history.filter(version__gte=version).order_by("history_date", "history_id")
    old = next(iter(r for r in rows if r.version == version), None)
    reasons = [r.history_change_reason for r in rows if r.version > version and r.history_change_reason]
    if old is None:
        return ChangesSince(reasons=reasons)
    names = [f for f in SHOWN_FIELDS if _value(old, f) != _value(article, f)]
    return ChangesSince(fields=names, then={f: _value(old, f) for f in names}, reasons=reasons)


def _value(row, name: str):
    model_field = Article._meta.get_field(name)
    return getattr(row, model_field.attname)
