import pytest

from articles.fileformat import ArticleFileError, parse_article_file, parse_article_text

MARKDOWN = """---
title: What is the treatment for malignant spinal cord compression?
topic: Oncology
audience: clinician
summary: Steroids, radiation and surgery.
slug: mscc-treatment
---

Radiation therapy is first-line for most patients [1]. Dexamethasone 16 mg/day
is usual [2].

## References
1. [Guideline] Author A, Author B. Title of the guideline. Source. 2021. doi:10.1000/xyz
2. [Research] Author C. Title. J Clin Oncol. 1998;16(4):1613-24.
   PMID: 9552073
"""


def test_markdown_format_reads_front_matter_body_and_references():
    article = parse_article_text(MARKDOWN)
    assert (article.format, article.title, article.topic, article.audience) == (
        "markdown",
        "What is the treatment for malignant spinal cord compression?",
        "Oncology",
        "clinician",
    )
    assert (article.summary, article.slug) == ("Steroids, radiation and surgery.", "mscc-treatment")
    assert article.body.startswith("Radiation therapy")
    assert article.body_line == 9
    assert [(r.number, r.line, r.kind_label) for r in article.references] == [
        (1, 13, "Guideline"),
        (2, 14, "Research"),
    ]
    assert article.references[1].text.endswith("1613-24. PMID: 9552073")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "line 1: the file is empty"),
        ("---\ntitle: x\n", "line 1: the front matter that starts here is never closed with ---"),
        ("---\ntopic: y\n---\nbody", "line 1: the front matter has no title"),
        (
            "---\ntitle: x\naudience: kids\n---\n",
            "line 3: unknown audience 'kids' (clinician or patient)",
        ),
        ("---\ntitle: x\ncolour: red\n---\n", "line 3: unknown front matter key 'colour'"),
        ("---\ntitle: x\nno colon here\n---\n", "line 3: front matter line 'no colon here'"),
        ("---\ntitle: T\n---\nB [1]\n## References\nfoo", "line 6: a reference line must start"),
        (
            "---\ntitle: T\n---\nB\n## References\n1. a\n3. b",
            "line 7: reference numbered 3 where 2",
        ),
        (
            "---\ntitle: T\n---\nB\n## References\n1. a\n1. b",
            "line 7: reference 1 is numbered twice",
        ),
        ("T\n\nBody\nReferences\nBlah\nA title\nSource, 2000", "line 5: expected a reference type"),
        ("T\n\nBody\nReferences\nResearch\nA title\n", "line 5: a reference needs a type, a title"),
    ],
)
def test_malformed_input_names_the_line(text, error):
    with pytest.raises(ArticleFileError) as excinfo:
        parse_article_text(text)
    assert str(excinfo.value).startswith(error)


def test_non_utf8_and_binary_files_are_errors(tmp_path):
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\x89PNG\r\n\x00\x00")
    with pytest.raises(ArticleFileError, match="line 2: the file is not UTF-8 text"):
        parse_article_file(latin)
    with pytest.raises(ArticleFileError, match="the file is binary"):
        parse_article_file(binary)
    with pytest.raises(ArticleFileError, match="cannot read the file"):
        parse_article_file(tmp_path / "missing.md")


def test_seed_000_page_format(seed):
    article = parse_article_file(seed("000"))
    assert article.format == "page"
    assert article.title == "What is the management and treatment for myelomelacia?"
    for chrome in ("Last updated", "Personalize", "Which best describes you", "Under Review"):
        assert chrome not in article.body
    assert "Disclaimer" not in article.body and "follow-up question" not in article.body
    assert "optimize functional outcomes [1]. This condition" in article.body
    assert "for 23 hours" in article.body and "up to age 65" in article.body
    lines = article.body.split("\n")
    # A body line L is file line body_line + L - 1.
    assert "Methylprednisolone protocol" in lines[49 - article.body_line]
    assert [(r.number, r.line, r.kind_label) for r in article.references] == [
        (1, 109, "Research"),
        (2, 115, "Guideline"),
        (3, 121, "Research"),
    ]
    assert article.references[0].text == (
        "[Research] MR imaging of compressive myelomalacia. Journal of computer assisted tomography. 1989."
    )


def test_seed_001_has_four_references(seed):
    article = parse_article_file(seed("001"))
    assert len(article.references) == 4
    assert "myelopathy [5, 7]." in article.body
    assert article.references[3].text.startswith("[Research] Emergency treatment of malignant")


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_seeds_without_reference_lists(seed, prefix):
    article = parse_article_file(seed(prefix))
    assert article.references == []
    assert article.body.strip()
