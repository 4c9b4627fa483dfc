"""Previews of uploaded article files: one per file, errors named by file and line, no writes."""

from pathlib import Path

import pytest

from articles.import_preview import MAX_UPLOAD_BYTES, UploadedFile, article_previews
from articles.models import Article, ArticleRevision, ValidationReport

FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytestmark = pytest.mark.django_db


def upload(name: str) -> UploadedFile:
    return UploadedFile(name=name, content=(FIXTURES / name).read_bytes())


def test_two_files_give_two_previews_in_upload_order(django_assert_num_queries):
    with django_assert_num_queries(0):
        markdown, html = article_previews(files=[upload("ankle-sprain.md"), upload("ankle-sprain.html")], year=2026)
    assert (markdown.name, markdown.ok, markdown.format) == ("ankle-sprain.md", True, "markdown")
    assert (html.name, html.ok, html.format) == ("ankle-sprain.html", True, "html")
    assert html.title == "Managing an ankle sprain in the first weeks"
    assert html.slug == "managing-an-ankle-sprain-in-the-first-weeks"
    assert 'surgery <sup class="citation">[<a href="#ref-1" id="cite-1-1" class="cite"' in html.body_html
    assert "<table>" in html.body_html and "<em>four to six weeks</em>" in html.body_html
    assert [ref["number"] for ref in html.references] == [1, 2, 3, 4]
    assert html.references[3]["kind"] == "animal_study"
    assert html.findings == markdown.findings
    assert {f["rule"] for f in html.findings} >= {"claim-uncited", "claim-animal-only"}
    assert html.counts == markdown.counts and html.counts["warnings"] >= 2


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("broken.md", b"---\ntitle: Shin pain\naudience: everyone\n---\nRest.\n", "broken.md:3: unknown audience"),
        ("empty.txt", b"   \n", "empty.txt:1: the file is empty"),
        ("untitled.html", b"<p>No title anywhere.</p>", "untitled.html:1: the HTML page has no title"),
        ("latin1.md", "---\ntitle: Caf\u00e9\n---\n".encode("latin-1"), "latin1.md:2: the file is not UTF-8 text"),
        ("scan.pdf", b"%PDF-1.4", "scan.pdf:1: .pdf files cannot be imported"),
        ("huge.md", b"x" * (MAX_UPLOAD_BYTES + 1), "huge.md:1: the file is larger than 2 MB"),
    ],
)
def test_a_broken_file_gets_its_error_naming_file_and_line(name, content, error):
    [good, broken] = article_previews(files=[upload("ankle-sprain.md"), UploadedFile(name, content)])
    assert good.ok
    assert not broken.ok
    assert broken.error.startswith(error)
    assert (broken.title, broken.references, broken.findings) == ("", [], [])


def test_nothing_is_written():
    article_previews(files=[upload("ankle-sprain.md"), UploadedFile("broken.md", b"---\ntitle: x\n")])
    assert (Article.objects.count(), ArticleRevision.objects.count(), ValidationReport.objects.count()) == (0, 0, 0)


def test_a_path_in_the_uploaded_name_is_dropped():
    content = (FIXTURES / "ankle-sprain.md").read_bytes()
    [preview] = article_previews(files=[UploadedFile("../../etc/ankle.md", content)])
    assert preview.name == "ankle.md"
