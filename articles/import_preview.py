"""Preview uploaded article files before anything is imported (issue 13, point 4).

The editor's upload page calls ``article_previews`` with the uploaded files (name and bytes).
Each file is read in the format its extension names (``.md``, ``.txt``, ``.html``/``.htm``;
without one, the text decides), and its preview holds what the editor needs to confirm: the
title, the body rendered as readers will see it, the parsed references and the validation
findings. A file that cannot be read gets its error instead, as ``name:line: message``. Nothing
is written: importing stays with the importer, which reads the same files the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.text import slugify

from articles.fileformat import HTML_SUFFIXES, ArticleFileError, ParsedArticle, parse_article_bytes
from articles.rendering import render_body
from articles.validation.engine import validate
from articles.validation.references import parse_reference

ACCEPTED_SUFFIXES = (".md", ".markdown", ".txt", *HTML_SUFFIXES)
# A long article with its references is well under 1 MB; a larger upload is not an article.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class FilePreview:
    """What one uploaded file would import as; ``error`` is set instead when it cannot be read."""

    name: str
    error: str = ""
    line: int | None = None
    format: str = ""
    title: str = ""
    slug: str = ""
    summary: str = ""
    body: str = ""
    body_html: str = ""
    references: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error


def article_previews(*, files: list[UploadedFile], year: int | None = None) -> list[FilePreview]:
    """One preview per uploaded file, in upload order; never writes and never raises on bad input."""
    return [article_preview(file=file, year=year) for file in files]


def article_preview(*, file: UploadedFile, year: int | None = None) -> FilePreview:
    """Parse, render and validate one uploaded file without saving anything."""
    name = PurePath(file.name or "upload").name
    suffix = PurePath(name).suffix.lower()
    if suffix and suffix not in ACCEPTED_SUFFIXES:
        accepted = ", ".join(ACCEPTED_SUFFIXES)
        return _failed(name, 1, f"{suffix} files cannot be imported (accepted: {accepted})")
    if len(file.content) > MAX_UPLOAD_BYTES:
        return _failed(name, 1, f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        parsed = parse_article_bytes(file.content, name=name)
    except ArticleFileError as error:
        return _failed(name, error.line, error.message)
    return _preview(name, parsed, year)


def _failed(name: str, line: int, message: str) -> FilePreview:
    return FilePreview(name=name, error=f"{name}:{line}: {message}", line=line)


def _preview(name: str, parsed: ParsedArticle, year: int | None) -> FilePreview:
    references = [parse_reference(entry.text, number=entry.number).as_dict() for entry in parsed.references]
    report = validate(
        body=parsed.body,
        references=references,
        body_line=parsed.body_line,
        reference_lines={entry.number: entry.line for entry in parsed.references},
        year=year,
    )
    numbers = {ref["number"] for ref in references}
    data = report.as_dict()
    return FilePreview(
        name=name,
        format=parsed.format,
        title=parsed.title,
        slug=(parsed.slug or slugify(parsed.title))[:200],
        summary=parsed.summary,
        body=parsed.body,
        body_html=render_body(body=parsed.body, reference_numbers=numbers).html,
        references=references,
        findings=data["findings"],
        counts=data["summary"],
    )
