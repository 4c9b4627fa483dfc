"""In a real browser: an editor uploads article files, previews them, confirms, and reads each file's result."""

import pytest

from articles.models import Article, ArticleRevision, Reference, RevisionProvenance
from reviews.models import ImportUpload
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKDOWN = (
    "---\ntitle: Cooling after acute spinal cord injury\ntopic: Neurology\n---\n"
    "Cooling the injured cord early is under study [1].\n\n"
    "## What the trials measured\n\nMotor scores at one year were the main outcome [1, 2].\n\n## References\n"
    "1. [Research] Writer A, Writer B. A cooling trial in cord injury. A spine journal. 2021.\n"
    "2. [Research] Writer C. Motor scores after injury. A neurology journal. 2019.\n"
)
HTML = (
    "<html><head><title>Walking aids after cord injury</title></head><body><main>"
    "<h1>Walking aids after cord injury</h1><p>Early walking practice helps some patients.<sup>1</sup></p>"
    "<h2>References</h2><ol><li>[Research] Writer D. Walking practice. A rehabilitation journal. 2020.</li></ol>"
    "</main></body></html>"
)
BROKEN = (
    "---\ntitle: A file with a numbering slip\n---\nSome text [1].\n\n## References\n"
    "1. [Other] Writer E. First. A source. 2020.\n3. [Other] Writer F. Third. A source. 2020.\n"
)


def _files(tmp_path):
    paths = []
    for name, text in (("cooling.md", MARKDOWN), ("walking.html", HTML), ("broken.md", BROKEN)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _no_overflow(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_editor_uploads_previews_and_confirms_a_batch(page, login, artifacts, tmp_path):
    editor = make_user("upload-editor", roles=["editor"])
    login(editor, next_url="/admin/articles/article/")
    page.get_by_role("link", name="Import files").click()
    page.set_input_files("input[type=file]", [str(path) for path in _files(tmp_path)])
    page.get_by_role("button", name="Preview").click()

    previews = page.get_by_test_id("preview")
    previews.first.wait_for()
    assert previews.count() == 3
    assert "Cooling after acute spinal cord injury" in previews.nth(0).inner_text()
    assert previews.nth(0).locator(".import-body h2", has_text="What the trials measured").is_visible()
    assert "Walking aids after cord injury" in previews.nth(1).inner_text()
    assert "broken.md:8: reference numbered 3 where 2 was expected" in previews.nth(2).inner_text()
    assert Article.objects.count() == 0 and ImportUpload.objects.count() == 3  # the preview wrote no article
    page.screenshot(path=str(artifacts / "admin-import-preview-1280.png"), full_page=True)

    page.fill("#id_source_url_1", "https://example.org/walking-aids")
    page.get_by_role("button", name="Import 2 files").click()
    summary = page.get_by_test_id("import-summary")
    summary.wait_for()
    assert summary.inner_text() == "3 files processed: 2 created, 0 new revisions, 0 unchanged, 1 failed."
    results = page.get_by_test_id("import-result")
    assert [results.nth(i).get_attribute("data-outcome") for i in range(3)] == ["created", "created", "failed"]
    assert "Nothing from this file was saved." in results.nth(2).inner_text()
    page.screenshot(path=str(artifacts / "admin-import-result-1280.png"), full_page=True)

    # Row counts: the two good files and nothing of the broken one.
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Cooling after acute spinal cord injury",
        "Walking aids after cord injury",
    ]
    assert ArticleRevision.objects.count() == 2 and Reference.objects.count() == 3
    assert RevisionProvenance.objects.count() == 2 and not ImportUpload.objects.exists()
    assert RevisionProvenance.objects.get(revision__article__slug="walking-aids-after-cord-injury").source_url == (
        "https://example.org/walking-aids"
    )

    results.nth(0).get_by_role("link").click()  # the result leads to the article, with where it came from
    panel = page.get_by_test_id("provenance-panel")
    assert "Imported from another source" in panel.inner_text() and "the file cooling.md" in panel.inner_text()
    panel.screenshot(path=str(artifacts / "admin-import-provenance-1280.png"))


def test_the_import_pages_fit_a_phone(page, login, artifacts, tmp_path):
    editor = make_user("phone-editor", roles=["editor"])
    page.set_viewport_size({"width": 390, "height": 844})
    login(editor, next_url="/admin/articles/article/import/")
    assert _no_overflow(page)
    page.screenshot(path=str(artifacts / "admin-import-upload-390.png"), full_page=True)
    page.set_input_files("input[type=file]", [str(path) for path in _files(tmp_path)[:2]])
    page.get_by_role("button", name="Preview").click()
    page.get_by_test_id("preview").first.wait_for()
    assert _no_overflow(page)
    page.screenshot(path=str(artifacts / "admin-import-preview-390.png"), full_page=True)
    page.get_by_role("button", name="Import 2 files").click()
    page.get_by_test_id("import-summary").wait_for()
    assert _no_overflow(page)
    page.screenshot(path=str(artifacts / "admin-import-result-390.png"), full_page=True)
    assert Article.objects.count() == 2


@pytest.mark.parametrize("width", [1280, 390])
def test_a_refused_source_address_is_marked_on_the_preview_and_nothing_is_imported(
    page, login, artifacts, tmp_path, width
):
    editor = make_user("upload-editor", roles=["editor"])
    page.set_viewport_size({"width": width, "height": 900})
    login(editor, next_url="/admin/articles/article/import/")
    page.set_input_files("input[type=file]", [str(_files(tmp_path)[0])])
    page.get_by_role("button", name="Preview").click()
    page.fill("#id_source_url_0", "ftp://example.org/cooling")  # a URL to the browser, not a web address
    page.get_by_role("button", name="Import 1 file").click()
    error = page.get_by_test_id("source-error")
    error.wait_for()
    assert error.inner_text() == "Enter a web address (http or https)."
    assert page.input_value("#id_source_url_0") == "ftp://example.org/cooling"
    assert Article.objects.count() == 0 and ImportUpload.objects.count() == 1
    assert _no_overflow(page)
    page.screenshot(path=str(artifacts / f"admin-import-bad-source-{width}.png"), full_page=True)

    page.fill("#id_source_url_0", "https://example.org/cooling")
    page.get_by_role("button", name="Import 1 file").click()
    page.get_by_test_id("import-summary").wait_for()
    assert RevisionProvenance.objects.get().source_url == "https://example.org/cooling"
