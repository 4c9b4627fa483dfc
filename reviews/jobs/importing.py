"""Import article files: a new article, or a new revision of the article with the same slug.

It lives in ``reviews`` because updating an approved article is a workflow step (it returns
to submitted), and ``articles`` never imports ``reviews``.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles.fileformat import ArticleFileError, ParsedArticle, parse_article_file
from articles.models import Article, Audience, Topic
from articles.revisions import Content, article_create
from articles.validation.references import parse_reference
from reviews.exceptions import WorkflowError
from reviews.workflow import transitions as workflow


@dataclass(frozen=True)
class ImportResult:
    path: Path
    outcome: str  # created, updated, unchanged, failed
    message: str = ""
    article: Article | None = None


def article_files(paths: list[str]) -> list[Path]:
    """Expand folders into the article files they hold (*.md, *.txt, *.html, *.htm), sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix in (".md", ".txt", ".html", ".htm") and p.is_file())
        else:
            out.append(path)
    return out


def content_from(parsed: ParsedArticle) -> Content:
    references = [parse_reference(entry.text, number=entry.number).as_dict() for entry in parsed.references]
    return Content(title=parsed.title, summary=parsed.summary or "", body=parsed.body, references=references)


def _topic(name: str | None) -> Topic | None:
    if not name:
        return None
    slug = slugify(name)[:140]
    topic = Topic.objects.filter(Q(name__iexact=name.strip()) | Q(slug=slug)).first()
    return topic or Topic.objects.create(name=name.strip(), slug=slug)


def import_batch(*, paths: list[Path], actor) -> list[ImportResult]:
    """Import the files of one batch in order. A file that maps to the same article (slug) as an
    earlier file of the batch is refused, naming that file: so importing a batch twice changes nothing
    the second time."""
    claimed: dict[str, Path] = {}
    return [import_file(path=path, actor=actor, claimed=claimed) for path in paths]


def import_file(*, path: Path, actor, claimed: dict[str, Path] | None = None) -> ImportResult:
    """Import one file in one transaction: nothing from a malformed file is saved.

    ``claimed`` maps the slugs already taken in this batch to their files (updated here)."""
    try:
        parsed = parse_article_file(path)
    except ArticleFileError as error:
        return ImportResult(path, "failed", f"{path}:{error.line}: {error.message}")
    except OSError as error:
        return ImportResult(path, "failed", f"{path}:1: cannot read the file ({error.strerror or error})")
    slug = (parsed.slug or slugify(parsed.title))[:200]
    if parsed.audience and parsed.audience not in Audience.values:
        return ImportResult(path, "failed", f"{path}:1: unknown audience '{parsed.audience}'")
    if claimed is not None:
        if slug in claimed:
            return ImportResult(path, "failed", f"{path}:1: the same article ('{slug}') as {claimed[slug]}, refused")
        claimed[slug] = path
    try:
        with transaction.atomic():
            return _save(path=path, parsed=parsed, slug=slug, actor=actor)
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
        return ImportResult(path, "failed", f"{path}:1: {problems}")
    except WorkflowError as error:
        return ImportResult(path, "failed", f"{path}:1: {error}")
    except DataError as error:  # e.g. a NUL byte, which PostgreSQL text cannot hold
        return ImportResult(path, "failed", f"{path}:1: cannot be stored ({str(error).splitlines()[0]})")
    except IntegrityError as error:
        return ImportResult(
            path, "failed", f"{path}:1: clashes with an existing record ({error.args[0].splitlines()[0]})"
        )


def _save(*, path: Path, parsed: ParsedArticle, slug: str, actor) -> ImportResult:
    content = content_from(parsed)
    reason = f"imported from {path.name}"
    existing = Article.objects.filter(slug=slug).first()
    if existing is None:
        article = article_create(
            title=content.title, slug=slug, summary=content.summary, body=content.body,
            references=content.references, author=actor, actor=actor, reason=reason,
            topic=_topic(parsed.topic), audience=parsed.audience or Audience.CLINICIAN,
        )  # fmt: skip
        return ImportResult(path, "created", article=article)
    article, revision = workflow.edit(article=existing, actor=actor, content=content, reason=reason)
    if revision is None:
        return ImportResult(path, "unchanged", article=article)
    return ImportResult(path, "updated", f"revision {revision.number}", article=article)
