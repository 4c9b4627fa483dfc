"""What a Publication shows readers: one revision rendered and sanitised, its search text, and its digest.

The reviewer credits and the act of publishing belong to the review side; this module only
renders, so the reader pages, the publisher and the audit share one rendering.
"""

import hashlib

from articles.models import ArticleRevision, Publication
from articles.reader import reader_parts
from articles.rendering import plain_text, render_body


def publication_render(*, revision: ArticleRevision) -> dict:
    """The Publication fields that come from the revision: title, summary, HTML, references, search text, and
    the reader page's parts that depend on nothing else (rendered once here, since a publication never changes)."""
    numbers = {int(ref["number"]) for ref in revision.references if isinstance(ref, dict) and ref.get("number")}
    rendered = render_body(body=revision.body, reference_numbers=numbers)
    return {
        "title": revision.title,
        "summary": revision.summary,
        "rendered_html": rendered.html,
        "references": revision.references,
        "search_text": " ".join(filter(None, (revision.title, revision.summary, plain_text(rendered.html)))),
        "reader_parts": reader_parts(rendered_html=rendered.html, references=revision.references),
    }


def publication_digest(publication: Publication) -> str:
    """SHA-256 of what readers were shown, so an auditor can check a stored page."""
    return hashlib.sha256(publication.rendered_html.encode()).hexdigest()
