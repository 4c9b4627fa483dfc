"""The article change page's provenance panel: how the latest recorded revision was made.

Editors see an imported text's source and the source page's own "Reviewed by" line here, marked
as the source's claim; it never becomes a credit of our board (those come from signed reviews).
"""

from articles.models import Article, RevisionProvenance


def latest_provenance(*, article: Article) -> RevisionProvenance | None:
    """The provenance of the newest revision that has one (an edit after an import keeps showing
    where the text came from), with its revision and recorder in the same query."""
    return (
        RevisionProvenance.objects.filter(revision__article=article)
        .select_related("revision", "recorded_by")
        .order_by("-revision__number")
        .first()
    )
