"""import_articles: both file formats, re-import as revisions, malformed files change nothing."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ArticleRevision, Reference
from tests.seeds import seed_path, seeds_dir

SAMPLES = Path(__file__).resolve().parents[2] / "articles" / "samples"

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(db):
    from tests.factories import make_user

    return make_user("importer", roles=["editor"])


def run(*paths, user="importer"):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), user=user, stdout=out, stderr=err)
        failed = False
    except CommandError as error:
        err.write(str(error))
        failed = True
    return out.getvalue(), err.getvalue(), failed


def test_importing_the_seeds_creates_five_articles_with_their_listed_references(importer):
    out, err, failed = run(seeds_dir())
    assert not failed, err
    assert "5 created, 0 updated, 0 unchanged, 0 failed" in out
    by_file = {
        path.name[:3]: Reference.objects.filter(article__revisions__reason=f"imported from {path.name}").count()
        for path in sorted(seeds_dir().glob("*.txt"))
    }
    assert by_file == {"000": 3, "001": 4, "002": 0, "003": 0, "004": 0}
    assert Reference.objects.count() == 7


def test_reimporting_unchanged_seeds_makes_no_revision(importer):
    run(seeds_dir())
    before = ArticleRevision.objects.count()
    out, _, _ = run(seeds_dir())
    assert "0 created, 0 updated, 5 unchanged, 0 failed" in out
    assert ArticleRevision.objects.count() == before


def test_reimporting_an_edited_file_makes_exactly_one_revision(importer, tmp_path):
    copy = tmp_path / "001.txt"
    shutil.copy(seed_path("001"), copy)
    run(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("close post-treatment", "careful post-treatment"))
    out, _, _ = run(copy)
    assert "0 created, 1 updated" in out
    article = Article.objects.get()
    assert article.revision == 2 and article.revisions.count() == 2
    assert "careful post-treatment" in article.body


def test_malformed_file_changes_nothing_and_names_file_and_line(importer, tmp_path):
    good = tmp_path / "good.md"
    good.write_text("---\ntitle: A good article\ntopic: Oncology\n---\nText [1].\n\n## References\n"
                    "1. [Guideline] Body A. A title. A source. 2020.\n", encoding="utf-8")  # fmt: skip
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: Broken\n---\nText [1].\n\n## References\n1. Fine. Title. Src. 2020.\n"
                   "3. Skips a number. Title. Src. 2020.\n", encoding="utf-8")  # fmt: skip
    out, err, failed = run(bad, good)
    assert failed
    assert f"{bad}:8:" in err
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in out
    assert list(Article.objects.values_list("title", flat=True)) == ["A good article"]


def test_unreadable_bytes_are_reported_not_raised(importer, tmp_path):
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    _, err, failed = run(binary)
    assert failed and f"{binary}:" in err
    assert not Article.objects.exists()


def test_the_sample_articles_import_cleanly(importer):
    _, err, failed = run(SAMPLES)
    assert not failed, err
    assert Article.objects.count() == len(list(SAMPLES.glob("*.md")))


def _article_file(folder: Path, name: str, *, title: str, text: str) -> Path:
    path = folder / name
    path.write_text(f"---\ntitle: {title}\nslug: shared-slug\ntopic: Oncology\n---\n{text} [1].\n\n"
                    "## References\n1. [Guideline] Body A. A title. A source. 2020.\n", encoding="utf-8")  # fmt: skip
    return path


def test_two_files_for_one_article_in_a_batch_the_second_is_refused_naming_the_first(importer, tmp_path):
    first = _article_file(tmp_path, "a.md", title="First take", text="The first text")
    second = _article_file(tmp_path, "b.md", title="Second take", text="The second text")
    out, err, failed = run(tmp_path)
    assert failed
    assert f"{second}:1: the same article ('shared-slug') as {first}, refused" in err
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in out
    article = Article.objects.get()
    assert article.title == "First take" and article.revision == 1


def test_reimporting_a_damaged_batch_changes_nothing(importer, tmp_path):
    _article_file(tmp_path, "a.md", title="First take", text="The first text")
    _article_file(tmp_path, "b.md", title="Second take", text="The second text")
    (tmp_path / "c.md").write_text("---\ntitle: Broken\n---\nText [2].\n\n## References\n3. X. Y. Z. 2020.\n")
    (tmp_path / "d.md").write_text("---\ntitle: Has a NUL\x00 byte\nslug: nul-title\n---\nText.\n")
    run(tmp_path)
    counts = (Article.objects.count(), ArticleRevision.objects.count(), Reference.objects.count(),
              Article.history.count(), Reference.history.count())  # fmt: skip
    out, _, _ = run(tmp_path)
    assert "0 created, 0 updated, 1 unchanged, 3 failed" in out
    assert (Article.objects.count(), ArticleRevision.objects.count(), Reference.objects.count(),
            Article.history.count(), Reference.history.count()) == counts  # fmt: skip


# --- Import tells the truth: titles, headings, provenance, empty bodies, duplicates, ownership ---


def _lines(prefix):
    return seed_path(prefix).read_text(encoding="utf-8").split("\n")


def _article(prefix):
    return Article.objects.get(revisions__reason=f"imported from {seed_path(prefix).name}")


def test_seed_titles_are_the_article_headings_not_a_section_label(importer):
    run(seeds_dir())
    for prefix in ("000", "001", "002", "003"):
        assert _article(prefix).title == _lines(prefix)[0].strip()
    label, heading = _lines("004")[0].strip(), _lines("004")[2].strip()
    title = _article("004").title
    assert title == heading and title != label
    assert len(title.split()) > len(label.split())
    assert label not in _article("004").body  # the site's section label is not article text either


@pytest.mark.parametrize(
    ("prefix", "file_line"),
    [("000", 18), ("000", 22), ("001", 11), ("001", 25), ("002", 5), ("003", 3), ("003", 9), ("004", 7)],
)
def test_headings_of_the_seed_pages_become_markdown_headings(importer, prefix, file_line):
    run(seeds_dir())
    article = _article(prefix)
    heading = _lines(prefix)[file_line - 1].strip()
    body_lines = article.body.split("\n")
    revision = article.revisions.get(number=1)
    assert f"## {heading}" in body_lines
    # The body keeps file line numbers: the heading sits on its file line.
    first_body_line = _body_line(prefix)
    assert body_lines[file_line - first_body_line] == f"## {heading}"
    assert f"<h2>{heading}</h2>" in _rendered(revision.body)


def _body_line(prefix):
    from articles.fileformat import parse_article_file

    return parse_article_file(seed_path(prefix)).body_line


def _rendered(body):
    from articles.rendering import render_body

    return render_body(body=body, reference_numbers=set()).html


def test_seed_paragraphs_and_list_items_stay_what_they_are(importer):
    run(seeds_dir())
    for prefix in ("000", "001", "002", "003", "004"):
        for line in _article(prefix).body.split("\n"):
            if line.startswith("## "):
                heading = line[3:]
                assert len(heading.split()) <= 20 and not heading.endswith((".", ":", ","))
                assert not heading[-1].isdigit() and "[" not in heading  # no citation marker made a heading
    # A long paragraph and a bullet of seed 003 are not headings.
    body = _article("003").body.split("\n")
    assert not body[_index_of(body, _lines("003")[1].strip()[:40])].startswith("#")
    assert body[_index_of(body, _lines("003")[3].strip()[2:40])].startswith("- ")


def _index_of(lines, fragment):
    return next(i for i, line in enumerate(lines) if fragment in line)


def test_the_outside_reviewed_by_line_is_kept_as_provenance_never_as_a_credit(importer):
    from articles.models import RevisionProvenance
    from reviews.models import Review, ReviewAssignment

    run(seeds_dir())
    claim_line = next(line.strip() for line in _lines("004") if line.startswith("Reviewed by "))
    article = _article("004")
    provenance = RevisionProvenance.objects.get(revision__article=article)
    assert provenance.method == RevisionProvenance.Method.IMPORTED
    assert provenance.source_review_claim == claim_line
    assert provenance.source_url == f"file://localhost{seed_path('004').resolve().as_posix()}"
    assert provenance.source_is_file and provenance.source_file_name == seed_path("004").name
    assert provenance.recorded_by == importer
    assert "Reviewed by" not in article.body
    assert not ReviewAssignment.objects.exists() and not Review.objects.exists()
    assert article.last_reviewed_at is None
    # Every seed's revision records that it was imported; only 004 carries an outside claim.
    others = RevisionProvenance.objects.exclude(revision__article=article)
    assert others.count() == 4 and set(others.values_list("source_review_claim", flat=True)) == {""}


def test_the_outside_claim_is_shown_to_editors_on_the_change_page(importer, client):
    run(seed_path("004"))
    article = Article.objects.get()
    client.force_login(importer)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    claim_line = next(line.strip() for line in _lines("004") if line.startswith("Reviewed by "))
    assert 'data-testid="provenance-panel"' in page
    assert "not a review by our board" in page
    from django.utils.html import escape

    assert escape(claim_line) in page


def test_source_url_option_is_recorded_and_names_one_file(importer, tmp_path):
    from articles.models import RevisionProvenance

    _, err, failed = _run_with(seed_path("004"), source_url="https://example.org/imaging/myelopathy")
    assert not failed, err
    assert RevisionProvenance.objects.get().source_url == "https://example.org/imaging/myelopathy"
    _, err, failed = _run_with(seed_path("000"), seed_path("001"), source_url="https://example.org/a")
    assert failed and "one file" in err
    _, err, failed = _run_with(seed_path("001"), source_url="not an address")
    assert failed and "source_url" in err and Article.objects.count() == 1  # nothing of 001 was written


def _run_with(*paths, user="importer", stdout=None, **options):
    out, err = stdout or StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), user=user, stdout=out, stderr=err, **options)
        failed = False
    except CommandError as error:
        err.write(str(error))
        failed = True
    return out.getvalue(), err.getvalue(), failed


def test_a_reimport_with_new_content_records_provenance_for_the_new_revision(importer, tmp_path):
    from articles.models import RevisionProvenance

    copy = tmp_path / "001.txt"
    shutil.copy(seed_path("001"), copy)
    run(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("close post-treatment", "careful post-treatment"))
    run(copy)
    assert list(RevisionProvenance.objects.order_by("revision__number").values_list("revision__number", flat=True)) == [
        1,
        2,
    ]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("title-only.txt", "A page that is only its title\n\n\n", 2),
        ("title-only.md", "---\ntitle: Only a title\n---\n\n", 4),
        ("refs-only.md", "---\ntitle: Only references\n---\n## References\n1. [Other] A. T. S. 2020.\n", 4),
        ("title-only.html", "<html><body><h1>Only a heading</h1></body></html>", None),
    ],
)
def test_an_article_with_no_body_is_refused_and_nothing_is_written(importer, tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, err, failed = run(path)
    assert failed and "no body text" in err
    if line is not None:
        assert f"{path}:{line}:" in err
    assert not Article.objects.exists() and not ArticleRevision.objects.exists()


def test_a_duplicate_title_is_imported_with_a_warning(importer, tmp_path):
    first, second = tmp_path / "one.md", tmp_path / "two.md"
    first.write_text("---\ntitle: Shared title\nslug: shared-one\n---\nSome text.\n", encoding="utf-8")
    second.write_text("---\ntitle: Shared title\nslug: shared-two\n---\nOther text.\n", encoding="utf-8")
    out, err, failed = run(first)
    assert not failed and "warning" not in err
    out, err, failed = run(second)
    assert not failed
    assert "1 created" in out
    assert f"{second}: warning: another article has the same title: 'shared-one'" in err
    assert Article.objects.filter(title="Shared title").count() == 2


def test_importing_over_someone_elses_article_names_the_owner(importer, tmp_path):
    from tests.factories import make_user

    make_user("writer", roles=["author"], first_name="Wren", last_name="Writer")
    path = tmp_path / "owned.md"
    path.write_text("---\ntitle: Owned piece\n---\nFirst text.\n", encoding="utf-8")
    run(path)
    path.write_text("---\ntitle: Owned piece\n---\nChanged text.\n", encoding="utf-8")
    _, err, failed = run(path, user="writer")
    assert failed
    assert f"{path}:1: article 'owned-piece' belongs to importer" in err
    assert "cannot edit from" not in err.lower()
    assert Article.objects.get().revision == 1


class _Terminal(StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_command_shows_a_progress_bar(importer):
    out, err, failed = _run_with(seeds_dir(), stdout=_Terminal())
    assert not failed, err
    assert "\r" in out and "[" + "#" * 30 + "] 5/5 done" in out
    assert "[1/5]" not in out  # plain lines are for logs, not terminals
    assert "Imported 5 file(s): 5 created, 0 updated, 0 unchanged, 0 failed." in out


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Sleep Medicine\n\nHow Much Sleep Do Adults With Insomnia Really Need?\n\nA paragraph of text.\n", None),
        ("Asthma\n\nKey points\n\nA paragraph of text about inhalers.\n", "Asthma"),
        ("Asthma\n\nLiving with it\n\nA paragraph of text about inhalers.\n", "Asthma"),
        ("Caring for a wound at home\nClean it gently every day with water.\n", "Caring for a wound at home"),
    ],
)
def test_a_short_section_label_gives_way_only_to_a_clear_title_line(text, title):
    from articles.fileformat import parse_article_text

    parsed = parse_article_text(text)
    assert parsed.title == (title or text.split("\n")[2])
    assert parsed.title not in parsed.body and "Sleep Medicine" not in parsed.body


def test_page_headings_become_headings_and_other_lines_do_not():
    from articles.fileformat import parse_article_text

    page = (
        "Looking after a healing wound\n\nWhat to watch for\n\nRedness that spreads is a reason to call 2\n\n"
        "Signs of infection include warmth and swelling, and a fever means calling your clinic the same day.\n"
        "  • Keep the dressing dry\nCleaning:\nStage 2\n"
    )
    body = parse_article_text(page).body.split("\n")
    assert "## What to watch for" in body
    assert not any(line.startswith("#") and "Redness" in line for line in body)  # ends with a marker
    assert not any(line.startswith("#") and "Signs of infection" in line for line in body)  # a sentence
    assert "  - Keep the dressing dry" in body and "Cleaning:" in body and "## Stage 2" not in body
