"""Import article files: a new article, or a new revision of the article with the same slug.

It lives in ``reviews`` because updating an approved article is a workflow step (it returns
to submitted), and ``articles`` never imports ``reviews``. The command line and the admin's
upload page both import through ``import_bytes``: one import path.

Every imported revision gets a provenance record (method "imported") with the address it came
from and the source page's own "Reviewed by …" line, kept as the source's claim: editors see it,
and it is never a credit of our board.
"""

from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles.fileformat import ArticleFileError, ParsedArticle, parse_article_bytes
from articles.models import Article, ArticleRevision, Audience, RevisionProvenance, Topic
from articles.revisions import Content, article_create
from articles.trust import provenance_record
from articles.validation.references import parse_reference
from reviews import permissions as perms
from reviews.exceptions import WorkflowError
from reviews.workflow import transitions as workflow

ARTICLE_SUFFIXES = (".md", ".txt", ".html", ".htm")


@dataclass(frozen=True)
class ImportResult:
    path: Path
    outcome: str  # created, updated, unchanged, failed
    message: str = ""
    article: Article | None = None
    warnings: tuple[str, ...] = ()


def article_files(paths: list[str]) -> list[Path]:
    """Expand folders into the article files they hold (*.md, *.txt, *.html, *.htm), sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix in ARTICLE_SUFFIXES and p.is_file())
        else:
            out.append(path)
    return out


def file_source_url(path: str | PurePath) -> str:
    """The address of a local file as its source when no other is known: ``file://localhost/…``."""
    absolute = Path(path).resolve() if isinstance(path, Path) else PurePath("/", path)
    return f"file://localhost{quote(absolute.as_posix())}"


def content_from(parsed: ParsedArticle) -> Content:
    references = [parse_reference(entry.text, number=entry.number).as_dict() for entry in parsed.references]
    return Content(title=parsed.title, summary=parsed.summary or "", body=parsed.body, references=references)


def _topic(name: str | None) -> Topic | None:
    if not name:
        return None
    slug = slugify(name)[:140]
    topic = Topic.objects.filter(Q(name__iexact=name.strip()) | Q(slug=slug)).first()
    return topic or Topic.objects.create(name=name.strip(), slug=slug)


def import_file(*, path: Path, actor, source_url: str = "", claimed: dict[str, Path] | None = None) -> ImportResult:
    """Import one file from disk; its source address defaults to the file's own address.
    ``claimed`` maps the slugs already taken in this batch to their files (updated here)."""
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        return ImportResult(path, "failed", f"{path}:1: cannot read the file ({error.strerror or error})")
    source_url = source_url or file_source_url(path)
    return import_bytes(name=str(path), content=content, actor=actor, source_url=source_url, claimed=claimed)


def import_bytes(
    *, name: str, content: bytes, actor, source_url: str, claimed: dict[str, Path] | None = None
) -> ImportResult:
    """Import one file's bytes in one transaction: nothing from a malformed file is saved.
    ``claimed``: as for ``import_file``; the admin's upload passes one for its batch."""
    path = Path(name)
    try:
        parsed = parse_article_bytes(content, name=name)
    except ArticleFileError as error:
        return ImportResult(path, "failed", f"{name}:{error.line}: {error.message}")
    slug = (parsed.slug or slugify(parsed.title))[:200]
    if parsed.audience and parsed.audience not in Audience.values:
        return ImportResult(path, "failed", f"{name}:1: unknown audience '{parsed.audience}'")
    if claimed is not None:
        if slug in claimed:
            return ImportResult(path, "failed", f"{name}:1: the same article ('{slug}') as {claimed[slug]}, refused")
        claimed[slug] = path
    try:
        with transaction.atomic():
            result = _save(path=path, parsed=parsed, slug=slug, actor=actor, source_url=source_url)
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
        return ImportResult(path, "failed", f"{name}:1: {problems}")
    except WorkflowError as error:
        return ImportResult(path, "failed", f"{name}:1: {error}")
    except DataError as error:  # e.g. a NUL byte, which PostgreSQL text cannot hold
        return ImportResult(path, "failed", f"{name}:1: cannot be stored ({str(error).splitlines()[0]})")
    except IntegrityError as error:
        return ImportResult(
            path, "failed", f"{name}:1: clashes with an existing record ({error.args[0].splitlines()[0]})"
        )
    if result.article is None:
        return result
    return ImportResult(result.path, result.outcome, result.message, result.article, _same_title(result.article))


def _save(*, path: Path, parsed: ParsedArticle, slug: str, actor, source_url: str) -> ImportResult:
    content = content_from(parsed)
    reason = f"imported from {path.name}"
    existing = Article.objects.filter(slug=slug).first()
    if existing is None:
        article = article_create(
            title=content.title, slug=slug, summary=content.summary, body=content.body,
            references=content.references, author=actor, actor=actor, reason=reason,
            topic=_topic(parsed.topic), audience=parsed.audience or Audience.CLINICIAN,
        )  # fmt: skip
        revision = ArticleRevision.objects.get(article=article, number=article.revision)
        _record_provenance(revision=revision, parsed=parsed, actor=actor, source_url=source_url)
        return ImportResult(path, "created", article=article)
    if not perms.is_editor(actor) and existing.author_id != getattr(actor, "pk", None):
        owner = existing.author.get_full_name() or existing.author.get_username()
        return ImportResult(
            path, "failed", f"{path}:1: article '{existing.slug}' belongs to {owner}: only its author or an "
            "editor may import a new revision of it",
        )  # fmt: skip
    article, revision = workflow.edit(article=existing, actor=actor, content=content, reason=reason)
    if revision is None:
        return ImportResult(path, "unchanged", article=article)
    _record_provenance(revision=revision, parsed=parsed, actor=actor, source_url=source_url)
    return ImportResult(path, "updated", f"revision {revision.number}", article=article)


def _record_provenance(*, revision: ArticleRevision, parsed: ParsedArticle, actor, source_url: str) -> None:
    provenance_record(
        revision=revision, method=RevisionProvenance.Method.IMPORTED, actor=actor, source_url=source_url,
        source_review_claim=parsed.source_review_claim,
    )  # fmt: skip


def _same_title(article: Article) -> tuple[str, ...]:
    """A warning per other article with the same title (not a refusal: a new edition may share it)."""
    others = Article.objects.filter(title__iexact=article.title).exclude(pk=article.pk).order_by("pk")
    return tuple(
        f"another article has the same title: '{other.slug}' (#{other.pk}, {other.get_status_display().lower()})"
        for other in others
    )
