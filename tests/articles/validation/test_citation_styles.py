"""The marker grammar per style: brackets, superscripts, HTML <sup>, parentheses, bare numbers,
page locators; the style chosen per document; and ordinary numbers that are never markers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.citations import detect_style, find_citations, find_markers, render_marker


def numbers(text, style=None):
    markers = find_markers(text, style=style) if style else find_citations(text)
    return [m.numbers for m in markers]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rest helps [2]\u2013[5].", [(2, 3, 4, 5)]),
        ("Rest helps ([2]\u2013[4]).", [(2, 3, 4)]),
        ("Rest helps ([6]).", [(6,)]),
        ("Rest helps [3, p. 12].", [(3,)]),
        ("Rest helps [3, pp. 12-14] and ice [4].", [(3,), (4,)]),
        ("Rest helps [2, 5-6].", [(2, 5, 6)]),
    ],
)
def test_bracket_forms(text, expected):
    assert numbers(text) == expected


def test_a_reversed_bracket_range_is_a_problem():
    [marker] = find_markers("Rest helps [5]-[2].")
    assert marker.problem == "range 5-2 is reversed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ice eases swelling\u00b3\u2074 in most knees.", [(34,)]),
        ("Ice eases swelling\u2075\u207b\u2078.", [(5, 6, 7, 8)]),
        ("Ice eases swelling\u00b2,\u2076 and heat does not\u00b9.", [(2, 6), (1,)]),
    ],
)
def test_unicode_superscripts(text, expected):
    assert detect_style(text) == "superscript"
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A dose of 40 mg/m\u00b2 daily.",
        "Platelets above 150 \u00d7 10\u2079/L.",
        "A lesion of 4 cm\u00b2 on the scan.",
    ],
)
def test_exponents_are_not_superscript_markers(text):
    assert detect_style(text) is None
    assert find_citations(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Splints help<sup>7,9</sup>.", [(7, 9)]),
        ('Splints help<sup class="ref">[3]</sup>.', [(3,)]),
        ("Splints help<sup>2-4</sup>.", [(2, 3, 4)]),
    ],
)
def test_html_sup(text, expected):
    assert numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Walking aids recovery (7). Stretching does too (2, 6).", [(7,), (2, 6)]),
        ("Walking aids recovery (4\u20139).", [(4, 5, 6, 7, 8, 9)]),
    ],
)
def test_parentheses(text, expected):
    assert detect_style(text) == "parentheses"
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Trials ran from 2015 to 2020 (2019) and used scores (see table (2)).",
        "(1) Rest the joint.\n(2) Apply ice.",
        "The estimate was 12 (4) units.",
        "Recovery was seen in most (n) cases (p < 0.05).",
    ],
)
def test_ordinary_parenthesised_numbers_stay_text(text):
    assert find_markers(text, style="parentheses") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gentle movement speeds recovery 4\nRest alone does not 5, 6.", [(4,), (5, 6)]),
        ("Gentle movement speeds recovery.3,11,12 Rest alone does not.", [(3, 11, 12)]),
        ("Gentle movement speeds recovery 6(pp12-14).\nRest alone does not 2.", [(6,), (2,)]),
    ],
)
def test_bare_numbers(text, expected):
    assert detect_style(text) == "bare"
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "People with Type 2 diabetes heal more slowly.",
        "The cyst measured 5 mm.",
        "We found 3 randomised trials on this.",
        "The guideline was revised in 2021.",
        "A usual dose is 500 mg twice daily.",
        "The difference was significant (p < 0.05).",
        "1. Rest the joint\n2. Apply ice",
        "Mean recovery took 2.5 weeks.",
        "The ratio was 1.3 overall.",
        "Pain scores fell from 7 to 3.",
        "See figure 2.",
        "Treatment went on for 12.",
    ],
)
def test_ordinary_numbers_are_never_markers(text):
    assert find_citations(text) == []
    for style in ("superscript", "parentheses", "bare"):
        assert find_markers(text, style=style) == []


def test_brackets_mix_with_one_other_style():
    text = "Ice helps [1]. Heat helps\u00b2. Rest helps (3)."
    assert detect_style(text) == "superscript"
    assert numbers(text) == [(1,), (2,)]


def test_one_stray_parenthesised_number_in_a_bracketed_article_stays_text():
    text = "Ice helps [1]. The second arm (2) did better [2]."
    assert detect_style(text) is None
    assert numbers(text) == [(1,), (2,)]


# --- properties -------------------------------------------------------------------------------

ITEMS = st.lists(st.tuples(st.integers(1, 150), st.integers(0, 8)), min_size=1, max_size=5).map(
    lambda pairs: [(a, a + span) for a, span in pairs]
)


@settings(max_examples=150, deadline=None)
@given(items=ITEMS, style=st.sampled_from(["brackets", "superscript", "parentheses", "bare", "html"]))
def test_rendered_in_any_style_parses_back_to_the_same_numbers(items, style):
    separator = "," if style == "superscript" else ", "
    marker = render_marker(items, separator=separator, dash="\u2013", style=style)
    text = f"Cold packs shorten recovery{marker}.\nA second sentence follows here."
    expected = tuple(n for a, b in items for n in range(a, b + 1))
    found = find_citations(text)
    assert [m.numbers for m in found] == [expected]
    assert all(m.problem is None for m in found)


ORDINARY = st.sampled_from(
    [
        "Type 2 diabetes",
        "5 mm",
        "3 randomised trials",
        "in 2019",
        "500 mg",
        "p < 0.05",
        "2.5 weeks",
        "stage 3",
        "age 65",
        "12 patients",
        "1.3 times",
        "for 4 days",
        "a 40% drop",
        "(2019)",
        "(p = 0.01)",
        "10\u2079/L",
        "40 mg/m\u00b2",
        "from 7 to 3",
    ]
)
WORDS = st.sampled_from(["rest", "helps", "the", "knee", "swelling", "recovery", "was", "slower", "with"])
PHRASE = st.lists(st.one_of(ORDINARY, WORDS), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(sentences=st.lists(PHRASE, min_size=1, max_size=5), numbered=st.booleans())
def test_prose_with_ordinary_numbers_has_no_markers(sentences, numbered):
    lines = [f"{i}. {s.capitalize()}." if numbered else f"{s.capitalize()}." for i, s in enumerate(sentences, 1)]
    text = "\n".join(lines)
    assert find_citations(text) == []


def test_readers_see_any_style_as_linked_citations():
    from articles.rendering import render_body

    body = "Ice helps\u00b9,\u00b2. Heat helps\u00b3 at 40 mg/m\u00b2."
    rendered = render_body(body=body, reference_numbers={1, 2, 3})
    assert rendered.citations == {1: ["cite-1-1"], 2: ["cite-2-1"], 3: ["cite-3-1"]}
    assert "\u00b9" not in rendered.html and "mg/m\u00b2" in rendered.html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab (),.;-\u2013[]<>/sup0123456789\u00b9\u00b2\u207b\n")), max_size=80))
def test_any_text_in_any_style_never_crashes(text):
    for style in (None, "superscript", "parentheses", "bare"):
        for marker in find_markers(text, style=style) if style else find_citations(text):
            assert text[marker.start : marker.end] == marker.text
            assert 1 <= marker.line <= text.count("\n") + 1
