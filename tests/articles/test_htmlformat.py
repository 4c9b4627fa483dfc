"""HTML pages in: Markdown out, <sup> markers, reference lists, identifiers, chrome left out."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.fileformat import ArticleFileError, parse_article_bytes, parse_article_file
from articles.htmlformat import html_to_markdown
from articles.management.commands.check_references import check_article
from articles.rendering import render_body

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_the_html_version_of_an_article_is_the_same_article_as_its_markdown():
    markdown = parse_article_file(FIXTURES / "ankle-sprain.md")
    html = parse_article_file(FIXTURES / "ankle-sprain.html")
    assert (html.format, markdown.format) == ("html", "markdown")
    assert (html.title, html.summary, html.body, html.body_line) == (
        markdown.title,
        markdown.summary,
        markdown.body,
        markdown.body_line,
    )
    assert html.references == markdown.references
    numbers = {entry.number for entry in markdown.references}
    assert render_body(body=html.body, reference_numbers=numbers) == render_body(
        body=markdown.body, reference_numbers=numbers
    )


def test_the_html_version_gives_the_same_references_and_findings():
    markdown = check_article(article=parse_article_file(FIXTURES / "ankle-sprain.md"), year=2026).as_dict()
    html = check_article(article=parse_article_file(FIXTURES / "ankle-sprain.html"), year=2026).as_dict()
    assert html == markdown
    rules = {(f["rule"], f["reference"]) for f in html["findings"]}
    assert {("claim-uncited", None), ("claim-animal-only", 4)} <= rules
    assert [r["doi"] for r in html["references"]][2] == "10.1177/0363546503260757"
    assert html["references"][1]["pmid"] == "19217992"


def test_page_chrome_is_left_out():
    body = parse_article_file(FIXTURES / "ankle-sprain.html").body
    for chrome in ("cookies", "Accept", "Topics", "Share", "Related", "Disclaimer", "substitute", "2026", "analytics"):
        assert chrome not in body


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_headings_lists_tables_links_and_emphasis_become_markdown():
    _, text = html_to_markdown(
        html(
            "<h1>Shin splints</h1><h3>Causes</h3><p>Running on <b>hard</b> ground, <i>new</i> shoes and "
            '<a href="https://example.org/x">more</a>.<br>Second line.</p>'
            "<ol><li>Rest</li><li>Stretch<ul><li>calves</li></ul></li></ol>"
            "<table><tr><td>Week</td><td>Load</td></tr><tr><td>1</td><td>a | b</td></tr></table>"
            "<blockquote><p>Listen to pain.</p></blockquote>"
        )
    )
    assert text.split("---\n", 2)[2] == (
        "### Causes\n\n"
        "Running on **hard** ground, *new* shoes and [more](https://example.org/x). Second line.\n\n"
        "1. Rest\n2. Stretch\n\n   - calves\n\n"
        "| Week | Load |\n| --- | --- |\n| 1 | a \\| b |\n\n"
        "> Listen to pain.\n"
    )


def test_sup_markers_anchors_and_exponents():
    parsed = parse_article_bytes(
        html(
            "<h1>Calf strain</h1><p>Heat helps<sup>2-3</sup> and ice<sup>[1]</sup>, at 40 mg/m<sup>2</sup> "
            'a day <a href="#ref-1">1</a>.</p><ol><li id="ref-1">[RCT] A B. Ice. J X. 2020.</li>'
            '<li id="ref-2">[RCT] C D. Heat. J X. 2021.</li><li id="ref-3">[RCT] E F. Rest. J X. 2022.</li></ol>'
        ).encode(),
        name="calf.html",
    )
    assert parsed.body == "Heat helps [2-3] and ice [1], at 40 mg/m\u00b2 a day [1]."
    assert [(e.number, e.text) for e in parsed.references] == [
        (1, "[RCT] A B. Ice. J X. 2020."),
        (2, "[RCT] C D. Heat. J X. 2021."),
        (3, "[RCT] E F. Rest. J X. 2022."),
    ]


def test_identifier_links_in_the_list_are_kept_as_identifiers():
    parsed = parse_article_bytes(
        html(
            "<h1>Tendon pain</h1><p>Load helps [1].</p><h2>Sources</h2><ol start='1'>"
            '<li>A B. Loading. J X. 2020. <a href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/">PMC</a> '
            '<a href="https://pubmed.ncbi.nlm.nih.gov/7654321">PubMed</a> <a href="https://dx.doi.org/10.5555/ab.1">Link</a></li></ol>'
        ).encode(),
        name="tendon.html",
    )
    [entry] = parsed.references
    assert entry.text == "A B. Loading. J X. 2020. PMCID: PMC1234567 PMID: 7654321 doi:10.5555/ab.1"


def test_html_is_recognised_by_its_look_in_a_txt_file():
    parsed = parse_article_bytes(b"<article><h1>Heel pain</h1><p>Stretching helps.</p></article>", name="heel.txt")
    assert (parsed.format, parsed.title, parsed.body) == ("html", "Heel pain", "Stretching helps.")


def test_the_title_falls_back_to_the_page_title():
    parsed = parse_article_bytes(html("<p>Rest.</p>", head="<title>Hip pain | Example</title>").encode(), name="h.html")
    assert parsed.title == "Hip pain"


def test_a_page_without_a_title_is_an_error_naming_the_line():
    with pytest.raises(ArticleFileError) as exc:
        parse_article_bytes(b"<p>No heading here.</p>", name="x.html")
    assert str(exc.value) == "line 1: the HTML page has no title: give it an <h1> or a <title>"


def test_check_references_reads_an_html_file(capsys):
    from django.core.management import call_command

    call_command("check_references", str(FIXTURES / "ankle-sprain.html"), "--year", "2026")
    out = capsys.readouterr().out
    assert "warning claim-animal-only: Line 21: the claim" in out
    assert out.strip().endswith("0 errors, 6 warnings, 0 infos")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('<>/ab hpolisu1="#-ref\n')), max_size=120))
def test_any_markup_under_a_title_converts(markup):
    try:
        parsed = parse_article_bytes(("<h1>T</h1>" + markup).encode(), name="x.html")
    except ArticleFileError as error:  # markup with no text under the title is an empty article: refused
        assert error.message == "the article has no body text (only a title was found)"
        return
    assert parsed.title == "T" and parsed.format == "html" and parsed.body.strip()


def test_a_wrapper_named_like_chrome_that_holds_the_article_is_kept():
    parsed = parse_article_bytes(
        html(
            '<div class="post comments-enabled"><h1>Elbow pain</h1><p>Rest the arm for a week.</p>'
            '<div class="social-share">Share</div></div>'
        ).encode(),
        name="elbow.html",
    )
    assert parsed.body == "Rest the arm for a week."
