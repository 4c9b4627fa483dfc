"""The admin's import page: upload article files, preview each, confirm, see each file's result.

The preview writes nothing but the uploaded bytes, kept server-side (``reviews.jobs.upload_batches``):
a database row per file under a random token bound to the uploader, with a digest the
confirmation must match. Unlike the session (cookie or one row per user) or the local-memory
cache (one per web process), the database is shared by every web process and holds a few MB
well. The confirmation imports through the same importer as ``manage.py import_articles``.
"""

from pathlib import PurePath

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path

from articles.import_preview import ACCEPTED_SUFFIXES, MAX_UPLOAD_BYTES, UploadedFile, article_previews
from reviews.jobs.importing import file_source_url, import_bytes
from reviews.jobs.upload_batches import BatchUnavailable, batch_digest, batch_peek, batch_store, batch_take

MAX_FILES = 20
SOURCE_FIELD = "source_url_{}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)) and data:
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Article files",
        help_text=f"Up to {MAX_FILES} files of {MAX_UPLOAD_BYTES // (1024 * 1024)} MB each: "
        "Markdown (.md), plain-text pages (.txt) or HTML (.html).",
    )

    def clean_files(self) -> list[UploadedFile]:
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"{len(uploads)} files were chosen; upload at most {MAX_FILES} at a time.")
        problems, files = [], []
        for upload in uploads:
            name = PurePath(upload.name or "upload").name
            if PurePath(name).suffix.lower() not in ACCEPTED_SUFFIXES:
                problems.append(f"{name}: only {', '.join(ACCEPTED_SUFFIXES)} files can be imported")
            elif upload.size > MAX_UPLOAD_BYTES:
                problems.append(f"{name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
            else:
                files.append(UploadedFile(name=name, content=upload.read()))
        if problems:
            raise forms.ValidationError(problems)
        return files


class SourceURLField(forms.URLField):
    """A web address a text came from: http(s) only, bounded as the provenance row stores it."""

    default_validators = [URLValidator(schemes=("http", "https"))]
    default_error_messages = {"invalid": "Enter a web address (http or https)."}

    def __init__(self, **kwargs):
        super().__init__(max_length=1000, required=False, assume_scheme="https", **kwargs)


class ConfirmForm(forms.Form):
    """The preview's confirmation: the batch it shows and, per file, the address it came from (optional)."""

    token = forms.CharField(max_length=100)
    digest = forms.CharField(max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(MAX_FILES):
            self.fields[SOURCE_FIELD.format(index)] = SourceURLField(label=f"File {index + 1}'s web address")

    def source_url(self, index: int, name: str) -> str:
        return self.cleaned_data.get(SOURCE_FIELD.format(index)) or file_source_url(name)


class UploadViewsMixin:
    """The upload and confirm pages of the article admin, for users who may add articles."""

    def upload_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.upload_view), name="articles_article_upload"),
            path("import/confirm/", self.admin_site.admin_view(self.upload_confirm_view),
                 name="articles_article_upload_confirm"),
        ]  # fmt: skip

    def _upload_page(self, request, template: str, **context):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "max_files": MAX_FILES, **context}
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    def _preview_page(self, request, *, files: list[UploadedFile], token: str, form: ConfirmForm | None = None):
        previews = article_previews(files=files)
        fields = [SOURCE_FIELD.format(index) for index in range(len(previews))]
        return self._upload_page(
            request, "upload_preview.html", title="Check the files before importing", token=token,
            digest=batch_digest(files=files), importable=sum(preview.ok for preview in previews),
            previews=[(index, preview, form[field] if form else ConfirmForm()[field])
                      for index, (preview, field) in enumerate(zip(previews, fields, strict=True))],
            source_errors=bool(form and form.errors),
        )  # fmt: skip

    def upload_view(self, request):
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if request.method == "POST" and self.has_add_permission(request) and form.is_valid():
            files = form.cleaned_data["files"]
            return self._preview_page(request, files=files, token=batch_store(files=files, user=request.user))
        return self._upload_page(request, "upload.html", title="Import article files", form=form)

    def upload_confirm_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ConfirmForm(request.POST)
        if not form.is_valid():  # a bad address: the batch waits, shown again with the errors
            files = batch_peek(token=form.cleaned_data.get("token", ""), user=request.user)
            if files:
                return self._preview_page(request, files=files, token=form.cleaned_data["token"], form=form)
            return self._refused(request, "these files are no longer waiting: upload them again")
        try:
            files = batch_take(token=form.cleaned_data["token"], user=request.user,
                               digest=form.cleaned_data["digest"])  # fmt: skip
        except BatchUnavailable as error:
            return self._refused(request, str(error))
        results, claimed = [], {}  # two files of the batch for one article: the second is refused
        for index, file in enumerate(files):  # one by one, each in its own transaction
            results.append(
                import_bytes(
                    name=file.name, content=file.content, actor=request.user,
                    source_url=form.source_url(index, file.name), claimed=claimed,
                )
            )  # fmt: skip
        outcomes = [result.outcome for result in results]
        counts = {name: outcomes.count(name) for name in ("created", "updated", "unchanged", "failed")}
        return self._upload_page(request, "upload_result.html", title="Import results", results=results, counts=counts)

    def _refused(self, request, why: str):
        return self._upload_page(request, "upload.html", title="Import article files", form=UploadForm(),
                                 refusal=f"Nothing was imported: {why}.")  # fmt: skip
