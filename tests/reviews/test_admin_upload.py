"""Articles → Import files: upload, preview (nothing written), confirm through the importer, per-file results."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.import_preview import MAX_UPLOAD_BYTES
from articles.models import Article, ArticleRevision, Reference, RevisionProvenance
from reviews.admin.upload import MAX_FILES
from reviews.models import ImportUpload
from tests.factories import make_user
from tests.seeds import seed_path

pytestmark = pytest.mark.django_db

UPLOAD, CONFIRM = "/admin/articles/article/import/", "/admin/articles/article/import/confirm/"

GOOD = (
    "---\ntitle: Cooling the injured cord\ntopic: Neurology\n---\n"
    "Early cooling is being studied in acute injury [1].\n\n## References\n"
    "1. [Research] Writer A. A cooling trial. A journal. 2021.\n"
)
BROKEN = (
    "---\ntitle: Numbering gone wrong\n---\nText [1].\n\n## References\n1. One. T. S. 2020.\n3. Three. T. S. 2020.\n"
)


def _file(name, text):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


@pytest.fixture
def editor():
    return make_user("upload-editor", roles=["editor"])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _preview(client, *files):
    return client.post(UPLOAD, {"files": list(files)})


def _hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def test_the_change_list_links_to_the_import_page_for_those_who_may_add(editor_client):
    page = editor_client.get("/admin/articles/article/").content.decode()
    assert f'href="{UPLOAD}"' in page
    assert editor_client.get(UPLOAD).status_code == 200


def test_a_reviewer_without_the_add_permission_is_refused(client):
    reviewer = make_user("upload-reviewer", roles=["reviewer"], is_staff=True)
    client.force_login(reviewer)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(CONFIRM, {"token": "x", "digest": "y"}).status_code == 403


def test_preview_shows_each_file_and_writes_no_article(editor_client):
    response = _preview(editor_client, _file("good.md", GOOD), _file("broken.md", BROKEN))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cooling the injured cord" in page and "<p>Early cooling" in page  # rendered as readers see it
    assert "A cooling trial" in page  # its reference
    assert "broken.md:8: reference numbered 3 where 2 was expected" in page
    assert "Import 1 file" in page
    assert not Article.objects.exists() and not ArticleRevision.objects.exists()
    assert ImportUpload.objects.count() == 2  # the bytes wait server-side, not in the form


def test_confirm_imports_through_the_importer_and_reports_each_file(editor_client, editor):
    page = _preview(editor_client, _file("good.md", GOOD), _file("broken.md", BROKEN)).content.decode()
    response = editor_client.post(CONFIRM, {"token": _hidden(page, "token"), "digest": _hidden(page, "digest"),
                                            "source_url_0": "https://example.org/cooling"})  # fmt: skip
    result = response.content.decode()
    assert "2 files processed: 1 created, 0 new revisions, 0 unchanged, 1 failed." in result
    assert 'data-outcome="created"' in result and 'data-outcome="failed"' in result
    assert "broken.md:8:" in result and "Nothing from this file was saved." in result
    article = Article.objects.get()
    assert article.title == "Cooling the injured cord" and article.author == editor
    assert article.revisions.get().reason == "imported from good.md"
    assert Reference.objects.count() == 1 and ArticleRevision.objects.count() == 1
    provenance = RevisionProvenance.objects.get()
    assert provenance.method == "imported" and provenance.source_url == "https://example.org/cooling"
    assert not ImportUpload.objects.exists()


def test_a_second_confirmation_of_the_same_batch_imports_nothing(editor_client):
    page = _preview(editor_client, _file("good.md", GOOD)).content.decode()
    data = {"token": _hidden(page, "token"), "digest": _hidden(page, "digest")}
    editor_client.post(CONFIRM, data)
    again = editor_client.post(CONFIRM, data).content.decode()
    assert "Nothing was imported: these files are no longer waiting" in again
    assert Article.objects.count() == 1 and ArticleRevision.objects.count() == 1


def test_reimporting_a_changed_file_makes_a_new_revision_and_the_default_source_is_the_file(editor_client):
    for text in (GOOD, GOOD.replace("is being studied", "is still being studied")):
        page = _preview(editor_client, _file("good.md", text)).content.decode()
        result = editor_client.post(CONFIRM, {"token": _hidden(page, "token"), "digest": _hidden(page, "digest")})
    assert "0 created, 1 new revision, 0 unchanged, 0 failed" in result.content.decode()
    assert Article.objects.get().revision == 2
    assert set(RevisionProvenance.objects.values_list("source_url", flat=True)) == {"file://localhost/good.md"}


def test_the_seed_with_an_outside_review_line_keeps_it_as_provenance(editor_client):
    path = seed_path("004")
    page = _preview(editor_client, _file(path.name, path.read_bytes())).content.decode()
    editor_client.post(CONFIRM, {"token": _hidden(page, "token"), "digest": _hidden(page, "digest")})
    lines = path.read_text(encoding="utf-8").split("\n")
    claim = next(line.strip() for line in lines if line.startswith("Reviewed by"))
    assert RevisionProvenance.objects.get().source_review_claim == claim


def test_a_tampered_digest_or_another_users_token_imports_nothing(editor_client, client):
    page = _preview(editor_client, _file("good.md", GOOD)).content.decode()
    token, digest = _hidden(page, "token"), _hidden(page, "digest")
    tampered = editor_client.post(CONFIRM, {"token": token, "digest": "0" * 64}).content.decode()
    assert "Nothing was imported: the files do not match the ones previewed" in tampered
    other = make_user("other-editor", roles=["editor"])
    client.force_login(other)
    stolen = client.post(CONFIRM, {"token": token, "digest": digest}).content.decode()
    assert "Nothing was imported" in stolen
    assert not Article.objects.exists() and ImportUpload.objects.count() == 1


def test_a_stored_file_changed_after_preview_is_refused(editor_client):
    page = _preview(editor_client, _file("good.md", GOOD)).content.decode()
    row = ImportUpload.objects.get()
    row.content = GOOD.replace("cooling", "heating").encode()
    row.save()
    result = editor_client.post(CONFIRM, {"token": _hidden(page, "token"), "digest": _hidden(page, "digest")})
    assert "changed on the server since it was previewed" in result.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [_file("notes.pdf", "%PDF")], "notes.pdf: only .md, .markdown, .txt, .html, .htm files"),
        (lambda: [_file("huge.md", b"a" * (MAX_UPLOAD_BYTES + 1))], "huge.md: larger than 2 MB"),
        (lambda: [_file(f"f{i}.md", GOOD) for i in range(MAX_FILES + 1)], f"upload at most {MAX_FILES} at a time"),
        (list, "This field is required."),
    ],
)
def test_refused_uploads_are_form_errors_and_store_nothing(editor_client, files, message):
    response = _preview(editor_client, *files())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'data-testid="upload-errors"' in response.content.decode()
    assert not ImportUpload.objects.exists() and not Article.objects.exists()


def test_confirm_answers_only_post(editor_client):
    assert editor_client.get(CONFIRM).status_code == 405


@pytest.mark.parametrize(
    "address",
    ["not a web address", "javascript:alert(1)", "ftp://example.org/cooling", "https://example.org/" + "a" * 1000],
)
def test_a_bad_source_address_is_a_form_error_and_imports_nothing(editor_client, address):
    page = _preview(editor_client, _file("good.md", GOOD)).content.decode()
    data = {"token": _hidden(page, "token"), "digest": _hidden(page, "digest"), "source_url_0": address}
    response = editor_client.post(CONFIRM, data)
    again = response.content.decode()
    assert response.status_code == 200 and 'data-testid="source-error"' in again
    assert "Nothing was imported: correct the web addresses marked below." in again
    assert "Enter a web address (http or https)." in again or "at most 1000 characters" in again
    assert not Article.objects.exists() and not RevisionProvenance.objects.exists()
    assert ImportUpload.objects.count() == 1  # the batch still waits: the corrected form imports it

    data["source_url_0"] = "https://example.org/cooling"
    result = editor_client.post(CONFIRM, data).content.decode()
    assert "1 created" in result
    assert RevisionProvenance.objects.get().source_url == "https://example.org/cooling"


def test_a_confirmation_without_a_batch_token_is_refused_plainly(editor_client):
    page = editor_client.post(CONFIRM, {"digest": "d", "source_url_0": "nope"}).content.decode()
    assert "Nothing was imported: these files are no longer waiting" in page
    assert not Article.objects.exists()
