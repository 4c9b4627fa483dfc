import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.citations import (
    MAX_RANGE_SPAN,
    MAX_REFERENCE_NUMBER,
    convert_bare_markers,
    find_markers,
    render_marker,
)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("[1]", (1,)),
        ("[1, 3]", (1, 3)),
        ("[2-4]", (2, 3, 4)),
        ("[2\u20134]", (2, 3, 4)),
        ("[1,3\u20135]", (1, 3, 4, 5)),
        ("[2;4;6]", (2, 4, 6)),
        ("[ 7 ]", (7,)),
        ("[1, 3-5, 9]", (1, 3, 4, 5, 9)),
    ],
)
def test_marker_forms_expand_to_numbers(text, numbers):
    [marker] = find_markers(f"A claim {text}.")
    assert (marker.text, marker.numbers, marker.problem) == (text, numbers, None)


@pytest.mark.parametrize(
    "text",
    ["[text](http://x)", "[1](http://x)", "[^1]", "[sic]", "[n=30]", "[12a]", "[2019]", "[[1]]"],
)
def test_non_markers_are_ignored(text):
    assert find_markers(f"Some text {text} here") == []


def test_link_definition_is_not_a_marker():
    assert find_markers("Body [1]\n[1]: https://example.org") == [find_markers("Body [1]")[0]]


def test_marker_line_and_offsets():
    text = "First line\nsecond [2] and [3-4]\n"
    first, second = find_markers(text)
    assert (first.line, text[first.start : first.end]) == (2, "[2]")
    assert (second.line, second.numbers) == (2, (3, 4))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[5-2]", "range 5-2 is reversed"),
        ("[1-999]", f"reference number 999 is over {MAX_REFERENCE_NUMBER}"),
        ("[1-60]", f"range 1-60 spans more than {MAX_RANGE_SPAN} references"),
        ("[0]", "reference numbers start at 1"),
        ("[01]", "a reference number has a leading zero"),
    ],
)
def test_faulty_markers_carry_a_problem_not_an_exception(text, problem):
    [marker] = find_markers(text)
    assert marker.problem == problem


@pytest.mark.parametrize(
    ("line", "converted"),
    [
        ("... optimize functional outcomes 1", "... optimize functional outcomes [1]"),
        ("rapid symptom relief. 1", "rapid symptom relief. [1]"),
        ("radiation-induced myelopathy 3.", "radiation-induced myelopathy [3]."),
        ("myelopathy 5, 7.", "myelopathy [5, 7]."),
        ("bone disorders 2-4", "bone disorders [2-4]"),
        ("within 3-6 months 1, 8", "within 3-6 months [1, 8]"),
        ("outcomes 1. This condition is rare.", "outcomes [1]. This condition is rare."),
    ],
)
def test_bare_trailing_numbers_become_markers(line, converted):
    assert convert_bare_markers(line) == converted


@pytest.mark.parametrize(
    "line",
    [
        "5.4 mg/kg/hr for 23 hours",
        "patients up to age 65",
        "SPECT/CT has shown 63-80%",
        "High-intensity signal on T2",
        "1. Acute Management",
        "3",
        "Reviewed by A. Person, MD \u2014 May 29, 2026",
        "The score went 5-2",
        "treated in 2019",
        "disease stage 3",
    ],
)
def test_numbers_belonging_to_the_text_stay(line):
    assert convert_bare_markers(line) == line


items = st.lists(st.tuples(st.integers(1, 200), st.integers(0, 10)), min_size=1, max_size=6).map(
    lambda pairs: [(a, a + span) for a, span in pairs]
)


@given(
    items=items,
    separator=st.sampled_from([", ", ",", "; ", ";", " , "]),
    dash=st.sampled_from(["-", "\u2013", "\u2212", " - "]),
    prefix=st.text(max_size=30).filter(lambda s: "[" not in s and "]" not in s),
)
def test_rendered_markers_parse_back_to_the_same_numbers(items, separator, dash, prefix):
    text = render_marker(items, separator=separator, dash=dash)
    [marker] = find_markers(prefix + " " + text + " and so on")
    expected = tuple(n for a, b in items for n in range(a, b + 1))
    assert marker.numbers == expected
    assert marker.problem is None


@given(st.text())
def test_arbitrary_text_never_crashes(text):
    for marker in find_markers(text):
        assert text[marker.start : marker.end] == marker.text
        assert 1 <= marker.line <= text.count("\n") + 1
    assert isinstance(convert_bare_markers(text), str)


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_any_range_is_a_marker_or_a_problem(a, b):
    [marker] = find_markers(f"[{a}-{b}]")
    valid = a <= b <= MAX_REFERENCE_NUMBER and b - a < MAX_RANGE_SPAN
    assert (marker.problem is None) == valid
