"""The duplicate rule blocks titles by year, numbers and length before comparing them: it must find exactly
what comparing every pair of references finds, including duplicates written differently."""

import random
import re

from rapidfuzz import fuzz

from articles.validation.engine import validate
from articles.validation.references import parse_reference
from articles.validation.rules import DUPLICATE_TITLE_SIMILARITY
from articles.validation.titles import normalize_title

WORDS = ["spinal", "cord", "compression", "dexamethasone", "radiotherapy", "surgery", "outcome", "β-amyloid",
         "metastatic", "myelopathy", "cervical", "imaging", "Ödema", "randomised", "trial", "cohort"]  # fmt: skip


def _every_pair(refs: list[dict]) -> list[tuple[int, int]]:
    """What the rule reported before blocking: each reference against every earlier one of its year."""
    found, earlier = [], []
    for ref in refs:
        title = normalize_title(ref["title"])
        for other, other_title, year in earlier if title else ():
            same_numbers = re.findall(r"\d+", title) == re.findall(r"\d+", other_title)
            if year == ref["year"] and same_numbers and fuzz.ratio(title, other_title) >= DUPLICATE_TITLE_SIMILARITY:
                found.append((ref["number"], other))
                break
        earlier.append((ref["number"], title, ref["year"]))
    return found


def _reported(refs: list[dict]) -> list[tuple[int, int]]:
    report = validate(body="", references=refs, year=2026)
    out = []
    for finding in report.findings:
        if finding.rule == "reference-duplicate":
            out.append((finding.reference, int(re.search(r"duplicates reference (\d+)", finding.message)[1])))
    return out


def _variant(title: str, rng: random.Random) -> str:
    """The same title written another way: case, punctuation, a dropped or doubled letter, markup."""
    choice = rng.randrange(6)
    if choice == 0:
        return title.upper()
    if choice == 1:
        return title.replace(" ", ", ", 1) + "."
    if choice == 2 and len(title) > 10:
        at = rng.randrange(len(title))
        return title[:at] + title[at + 1 :]
    if choice == 3:
        at = rng.randrange(len(title))
        return title[:at] + title[at] * 2 + title[at:]
    if choice == 4:
        return f"<i>{title}</i>"
    return "RETRACTED: " + title


def _references(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    refs, titles = [], []
    for number in range(1, count + 1):
        if titles and rng.random() < 0.35:
            title = _variant(rng.choice(titles), rng)
        else:
            size = rng.randrange(2, 9)
            title = " ".join(rng.choice(WORDS) for _ in range(size)) + (
                f" part {rng.randrange(3)}" if rng.random() < 0.2 else ""
            )
            titles.append(title)
        year = rng.choice([2019, 2020, 2021])
        refs.append(parse_reference(f"[Research] Author{number} A. {title}. J Test. {year}.", number=number).as_dict())
        refs[-1]["title"], refs[-1]["year"] = title, year  # exactly the generated text
    return refs


def test_blocking_finds_exactly_what_comparing_every_pair_finds():
    for seed in range(8):
        refs = _references(400, seed)
        expected = _every_pair(refs)
        assert len(expected) > 40, "the generated list has many duplicates to find"
        assert _reported(refs) == expected, f"seed {seed}"


def test_duplicates_written_differently_are_found_whatever_their_length():
    title = "Effect of high-dose dexamethasone in carcinomatous metastatic spinal cord compression"
    lines = [
        f"[RCT] Sorensen S. {title}. Eur J Cancer. 2019.",
        f"[RCT] Sorensen S. {title.upper()}! Eur J Cancer. 2019.",  # case and punctuation
        f"[RCT] Sorensen S. {title.replace('dexamethasone', 'dexamethasone and placebo')}. Eur J Cancer. 2019.",
        f"[RCT] Sorensen S. {title.replace('high-dose ', 'high dose ')}. Eur J Cancer. 2019.",
        f"[RCT] Sorensen S. {title.replace('carcinomatous', 'carcinomatus')}. Eur J Cancer. 2019.",  # shorter
        f"[RCT] Sorensen S. {title.replace('spinal', 'spinall')}. Eur J Cancer. 2019.",  # longer
        f"[RCT] Sorensen S. {title.removesuffix(' compression')}. Eur J Cancer. 2019.",  # too short to be the same
    ]
    refs = [parse_reference(line, number=n).as_dict() for n, line in enumerate(lines, 1)]
    assert _reported(refs) == _every_pair(refs) == [(2, 1), (4, 1), (5, 1), (6, 1)]


def test_greek_letters_and_accents_match_their_spelled_out_forms():
    lines = [
        "[Research] Doe J. Aβ plaques and Ödema in cervical myelopathy. BMJ. 2020.",
        "[Research] Doe J. A beta plaques and odema in cervical myelopathy. BMJ. 2020.",
    ]
    refs = [parse_reference(line, number=n).as_dict() for n, line in enumerate(lines, 1)]
    assert _reported(refs) == [(2, 1)]
