"""check_references on files and on the five seed pages: what a careful reviewer would report."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import ValidationReport


def run(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("check_references", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def run_json(path, year=2026):
    code, out, _ = run(path, "--format", "json", "--year", str(year))
    return code, json.loads(out)


def rules(data, rule):
    return [f for f in data["findings"] if f["rule"] == rule]


CLEAN = """---
title: Malignant spinal cord compression
audience: clinician
---
Radiation therapy is first-line for most patients [1].
Dexamethasone 16 mg/day is usual [2].

## References
1. [Guideline] Loblaw DA. Spinal cord compression guideline. J Clin Oncol. 2021. doi:10.1200/x.1
2. [RCT] Sorensen S. High-dose dexamethasone. Eur J Cancer. 2019;30A(1):22-7. PMID: 8142159
"""


def test_clean_file_exits_0_with_text_summary(tmp_path):
    path = tmp_path / "clean.md"
    path.write_text(CLEAN)
    code, out, err = run(path, "--year", "2026")
    assert (code, out.strip(), err) == (0, "0 errors, 0 warnings, 0 infos", "")


def test_text_output_is_one_finding_per_line_and_exit_1_on_errors(tmp_path):
    path = tmp_path / "dangling.md"
    path.write_text(CLEAN.replace("usual [2].", "usual [2, 3]."))
    code, out, _ = run(path, "--year", "2026")
    assert code == 1
    assert out.splitlines() == [
        f"{path}:6: error citation-missing-reference: "
        "Marker [2, 3] on line 6 cites reference 3, which is not in the list of 2 [body line 2]",
        "1 errors, 0 warnings, 0 infos",
    ]


def test_warnings_only_exit_0(tmp_path):
    path = tmp_path / "old.md"
    path.write_text(CLEAN)
    code, data = run_json(path, year=2050)
    assert code == 0
    assert [f["reference"] for f in rules(data, "reference-outdated")] == [1, 2]


def test_json_lists_references_and_citations(tmp_path):
    path = tmp_path / "clean.md"
    path.write_text(CLEAN)
    _, data = run_json(path)
    assert data["citations"] == [
        {"marker": "[1]", "numbers": [1], "line": 5},
        {"marker": "[2]", "numbers": [2], "line": 6},
    ]
    assert data["references"][1] == {
        "number": 2, "kind": "rct", "title": "High-dose dexamethasone", "source": "Eur J Cancer",
        "year": 2019, "doi": "", "pmid": "8142159", "pmcid": "", "isbn": "", "issn": "", "url": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", ":1: the file is binary, not text"),
        (b"---\ntitle: x\n", ":1: the front matter that starts here is never closed with ---"),
        (b"", ":1: the file is empty"),
    ],
)
def test_unreadable_file_exits_2_with_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    code, out, err = run(path)
    assert (code, out) == (2, "")
    assert err.strip() == f"{path}{message}"


@pytest.mark.django_db
def test_it_saves_nothing(seed):
    run(seed("000"))
    assert ValidationReport.objects.count() == 0


# --- the seed pages ------------------------------------------------------------------------


def test_seed_000_myelomalacia(seed):
    code, data = run_json(seed("000"))
    assert code == 1
    dangling = rules(data, "citation-missing-reference")
    assert sorted({f["reference"] for f in dangling}) == [4, 5]
    assert [f["line"] for f in dangling if f["reference"] == 4] == [56, 57, 58, 61, 62]
    assert [f["line"] for f in dangling if f["reference"] == 5] == [102]
    [animal] = rules(data, "evidence-animal")
    assert (animal["reference"], animal["line"]) == (3, 121)
    [dose] = rules(data, "claim-uncited")
    assert dose["line"] == 49 and "Methylprednisolone" in dose["message"]
    assert rules(data, "references-missing") == []
    assert rules(data, "reference-uncited") == []
    resting = {f["line"]: f["message"] for f in rules(data, "claim-animal-only")}
    assert sorted(resting) == [36, 45, 96, 101]
    assert all(f["reference"] == 3 for f in rules(data, "claim-animal-only"))
    assert '"Postoperative clinical evaluation has shown neurologic improvement' in resting[96]
    assert 'rests only on reference 3 ("dogs")' in resting[96]
    [own] = rules(data, "self-citation")
    assert (own["reference"], own["line"]) == (2, 115)
    assert Counter(f["rule"] for f in data["findings"]) == {
        "citation-missing-reference": 6,
        "claim-uncited": 1,
        "evidence-animal": 1,
        "claim-animal-only": 4,  # the sentences cited only by the study in seven dogs
        "self-citation": 1,  # the publisher's own board listed as a guideline
        "reference-outdated": 2,  # 1989 and 2002, checked in 2026
        "reference-unverifiable": 3,  # the page gives no DOI, PMID or URL
    }


def test_seed_001_spinal_cord_compression(seed):
    code, data = run_json(seed("001"))
    assert code == 1
    assert len(data["references"]) == 4
    dangling = rules(data, "citation-missing-reference")
    assert sorted({f["reference"] for f in dangling}) == [5, 6, 7, 8]
    # The list repeats one "Guideline Directed Topic Overview" three times.
    assert [f["reference"] for f in rules(data, "reference-duplicate")] == [2, 3]
    # Dexamethasone 16mg/day and "50-58% of cases" on line 13 carry no marker.
    assert [(f["line"], f["message"].split('"')[1]) for f in rules(data, "claim-uncited")] == [
        (13, "16mg"),
        (13, "50-58%"),
    ]
    assert rules(data, "evidence-animal") == []


def test_seed_002_marketing_page_names_its_promotion_and_uncited_numbers(seed):
    code, data = run_json(seed("002"))
    assert code == 1
    assert data["citations"] == []
    assert rules(data, "references-missing") != []
    [count] = rules(data, "claim-uncited")
    assert count["line"] == 24 and '"75,000 patients"' in count["message"]
    phrases = [(f["line"], f["message"].split('"')[1]) for f in rules(data, "promotional-language")]
    assert phrases == [
        (24, "contact Laser Spine Institute to learn more"),
        (24, "safer and effective alternative"),
        (24, "helped more than 75,000 patients"),
        (26, "no-cost"),
        (26, "innovative"),
    ]
    assert {f["severity"] for f in rules(data, "promotional-language")} == {"warning"}


def test_seed_003_cites_without_a_reference_list(seed):
    code, data = run_json(seed("003"))
    assert code == 1
    assert data["references"] == []
    numbers = sorted({n for c in data["citations"] for n in c["numbers"]})
    assert numbers == [1, 2, 3, 4, 5, 6, 7, 8]
    [missing] = data["findings"]
    assert (missing["rule"], missing["line"]) == ("references-missing", 2)
    assert "25 citation markers" in missing["message"]


def test_seed_004_has_no_references(seed):
    code, data = run_json(seed("004"))
    assert code == 1
    assert data["citations"] == []
    assert [f["rule"] for f in data["findings"]] == ["references-missing"]
