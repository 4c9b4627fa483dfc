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
