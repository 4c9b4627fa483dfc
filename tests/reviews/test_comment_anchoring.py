"""Re-anchoring a commented passage in another revision's text: kept, changed or removed."""

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from reviews.comments.anchoring import (
    ANCHORED,
    CHANGED,
    REMOVED,
    Anchor,
    anchor_in,
    body_paragraphs,
    reanchor,
)

BODY = (
    "Dexamethasone 16 mg a day is usual before radiotherapy [1].\n\n"
    "Surgery suits **selected** patients who can still walk [2].\n\n"
    "- Give a proton pump inhibitor\n- Check the blood sugar daily\n"
)
NUMBERS = {1, 2}


def _anchor(quote: str, paragraph: int, body: str = BODY) -> Anchor:
    found = anchor_in(body_paragraphs(body, NUMBERS), paragraph=paragraph, quote=quote)
    assert found is not None
    return found


def test_paragraphs_are_the_text_readers_see_one_per_top_level_block():
    assert body_paragraphs(BODY, NUMBERS) == [
        "Dexamethasone 16 mg a day is usual before radiotherapy [1].",
        "Surgery suits selected patients who can still walk [2].",
        "Give a proton pump inhibitor Check the blood sugar daily",
    ]


def test_anchor_in_finds_the_quote_with_its_offset_and_context_and_quotes_the_paragraph_when_empty():
    anchor = _anchor("selected   patients\nwho", 2)
    assert (anchor.paragraph, anchor.quote, anchor.start) == (2, "selected patients who", 14)
    assert anchor.before == "Surgery suits " and anchor.after == " can still walk [2]."
    assert _anchor("", 1).quote == "Dexamethasone 16 mg a day is usual before radiotherapy [1]."
    paragraphs = body_paragraphs(BODY, NUMBERS)
    assert anchor_in(paragraphs, paragraph=2, quote="proton pump") is None  # in paragraph 3, not 2
    assert anchor_in(paragraphs, paragraph=4, quote="") is None
    assert anchor_in(paragraphs, paragraph=0, quote="Surgery") is None


def test_a_passage_kept_by_an_edit_stays_anchored_even_when_paragraphs_move():
    anchor = _anchor("selected patients who can still walk", 2)
    edited = "A new opening paragraph about imaging.\n\n" + BODY.replace("usual before", "usual ahead of")
    placement = reanchor(anchor, body_paragraphs(edited, NUMBERS), min_similarity=75)
    assert (placement.state, placement.paragraph, placement.text) == (ANCHORED, 3, anchor.quote)
    assert placement.start == 14


def test_the_same_words_twice_anchor_where_the_surrounding_words_match():
    body = "Walk daily. Patients who can still walk do better.\n\nPatients who can still walk may go home.\n"
    paragraphs = body_paragraphs(body, NUMBERS)
    anchor = anchor_in(paragraphs, paragraph=2, quote="Patients who can still walk")
    assert anchor is not None and anchor.after == " may go home."
    swapped = "Patients who can still walk may go home.\n\nWalk daily. Patients who can still walk do better.\n"
    placement = reanchor(anchor, body_paragraphs(swapped, NUMBERS), min_similarity=75)
    assert (placement.state, placement.paragraph, placement.start) == (ANCHORED, 1, 0)


def test_a_passage_reworded_a_little_is_shown_as_changed_where_it_now_is():
    anchor = _anchor("Dexamethasone 16 mg a day is usual before radiotherapy", 1)
    edited = BODY.replace("16 mg a day is usual before", "16 mg daily is usual before")
    placement = reanchor(anchor, body_paragraphs(edited, NUMBERS), min_similarity=75)
    assert placement.state == CHANGED
    assert placement.paragraph == 1
    assert placement.text.startswith("Dexamethasone 16 mg daily is usual before radiotherapy")
    assert 75 <= placement.similarity < 100


def test_a_passage_deleted_or_rewritten_beyond_the_threshold_is_removed():
    anchor = _anchor("Surgery suits selected patients who can still walk", 2)
    deleted = BODY.replace("Surgery suits **selected** patients who can still walk [2].\n\n", "")
    assert reanchor(anchor, body_paragraphs(deleted, NUMBERS), min_similarity=75).state == REMOVED
    rewritten = BODY.replace("Surgery suits **selected** patients who can still walk", "Operate early on everyone")
    placement = reanchor(anchor, body_paragraphs(rewritten, NUMBERS), min_similarity=75)
    assert (placement.state, placement.paragraph) == (REMOVED, None)
    assert reanchor(anchor, [], min_similarity=75).state == REMOVED


@pytest.mark.parametrize(("floor", "state"), [(60, CHANGED), (95, REMOVED)])
def test_the_threshold_comes_from_the_setting(settings, floor, state):
    settings.COMMENT_REANCHOR_MIN_SIMILARITY = floor
    anchor = _anchor("Check the blood sugar daily", 3)
    edited = BODY.replace("Check the blood sugar daily", "Check blood glucose daily")
    assert reanchor(anchor, body_paragraphs(edited, NUMBERS)).state == state


WORDS = st.lists(st.sampled_from(["dose", "mg", "daily", "surgery", "walk", "the", "patients", "16", "not"]),
                 min_size=3, max_size=25)  # fmt: skip


@given(paragraphs=st.lists(WORDS, min_size=1, max_size=6), data=st.data())
@hypothesis_settings(max_examples=60, deadline=None)
def test_a_passage_in_an_unchanged_text_is_always_anchored_to_the_same_words(paragraphs, data):
    texts = [" ".join(words) for words in paragraphs]
    number = data.draw(st.integers(1, len(texts)))
    words = paragraphs[number - 1]
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    anchor = anchor_in(texts, paragraph=number, quote=" ".join(words[first : last + 1]))
    assert anchor is not None
    placement = reanchor(anchor, texts, min_similarity=75)
    assert placement.state == ANCHORED
    assert texts[placement.paragraph - 1][placement.start :].startswith(anchor.quote)
