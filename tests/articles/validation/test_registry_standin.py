"""check_references against a local stand-in of the registries, through the settings' addresses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.articles.validation.standin import standin

ROOT = Path(__file__).resolve().parents[3]
JOURNAL = "Journal of Example Medicine. 2019"
REFERENCES = [
    f"Early mobilisation after hip fracture surgery: a cohort study. {JOURNAL}. doi:10.5555/notice.only",
    f"Vitamin D and fracture risk in older adults. {JOURNAL}. doi:10.5555/concern",
    f"Dexamethasone dosing in spinal cord compression. {JOURNAL}. doi:10.5555/corrected",
    f"Oral anticoagulants after ischaemic stroke. {JOURNAL}. doi:10.5555/withdrawn",
    "Prone positioning in awake patients with hypoxaemia. medRxiv. 2020. doi:10.1101/2020.04.01.20050000",
]
NOT_INDEXED = (
    "[Research] Example A. Turmeric extract for knee osteoarthritis: a randomised trial. "
    "International Journal of Example Remedies. 2019. doi:10.5555/not.indexed"
)
WAKEFIELD = (
    "[Research] Wakefield AJ. Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
    "developmental disorder in children. Lancet. 1998;351(9103):637-41. PMID: 9500320"
)
ARTICLE = "\n".join(
    [
        "---",
        "title: Notices on cited work",
        "audience: clinician",
        "---",
        "Early mobilisation helps [1]. Vitamin D lowers risk [2]. Dexamethasone 16 mg is usual [3].",
        "Anticoagulants help [4]. Prone positioning helps 60% of patients [5]. An old claim [6]. Turmeric helps [7].",
        "",
        "## References",
        *[f"{n}. [Research] Example A. {text}" for n, text in enumerate(REFERENCES, start=1)],
        f"6. {WAKEFIELD}",
        f"7. {NOT_INDEXED}",
        "",
    ]
)


# The command runs in its own process, so it can only see committed rows: a transactional test
# database, emptied afterwards, holds the registry cache it writes.
@pytest.mark.django_db(transaction=True)
def test_check_references_reports_notices_from_the_standin(tmp_path):
    path = tmp_path / "article.md"
    path.write_text(ARTICLE)
    db = connection.settings_dict
    with standin() as (url, requests):
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "RESOLVERS_ENABLED": "1",
            "CROSSREF_API_URL": f"{url}/works/",
            "NCBI_EUTILS_URL": f"{url}/eutils/",
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "check_references", str(path), "--format", "json", "--year", "2026"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    notices = [(n["reference"], n["kind"], n["registry"], n["url"]) for n in data["notices"]]
    assert notices == [
        (1, "retraction", "Crossref", "https://doi.org/10.5555/notice.only.retraction"),
        (2, "expression_of_concern", "Crossref", "https://doi.org/10.5555/concern.eoc"),
        (3, "correction", "Crossref", "https://doi.org/10.5555/corrected.erratum"),
        (4, "withdrawal", "Crossref", "https://doi.org/10.5555/withdrawn.notice"),
        (6, "retraction", "PubMed", "https://pubmed.ncbi.nlm.nih.gov/20137807/"),
    ]
    severities = {(f["rule"], f["reference"]): f["severity"] for f in data["findings"]}
    assert severities[("reference-retracted", 1)] == severities[("reference-retracted", 4)] == "error"
    assert severities[("reference-retracted", 6)] == severities[("reference-concern", 2)] == "error"
    assert severities[("reference-corrected", 3)] == severities[("reference-preprint", 5)] == "warning"
    [not_indexed] = [f for f in data["findings"] if f["rule"] == "source-not-indexed"]  # the other journals are
    assert (not_indexed["reference"], not_indexed["severity"]) == (7, "warning")
    message = not_indexed["message"]
    assert '"International Journal of Example Remedies" (ISSN 2345-6787) is not indexed in PubMed' in message
    assert 'the NLM Catalog search "(2345-6787[issn]) AND ncbijournals[filter]" found no' in message
    assert {r["registry"]: r["error"] for r in data["registries"]} == {"Crossref": "", "NCBI": "", "NLM Catalog": ""}
    assert "/works?filter=updates%3A10.5555%2Fnotice.only&rows=100&mailto=editorial%40localhost" in requests
    assert any(r.startswith("/eutils/esummary.fcgi?db=pubmed&id=9500320") for r in requests)
    assert any(r.startswith("/eutils/esearch.fcgi?db=nlmcatalog&term=%282345-6787%5Bissn%5D%29") for r in requests)
