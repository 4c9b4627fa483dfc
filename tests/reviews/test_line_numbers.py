"""One line numbering: a finding names the same body line on the command line, in the admin and
on the reviewer page; check_references on a file also names the file line."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article
from articles.validation.reports import report_create
from reviews.jobs.importing import import_file
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FILE = """---
title: Spinal cord compression in brief
audience: clinician
---
Radiotherapy is the usual first treatment [1].

Surgery helps selected patients walk again [1, 3].

## References
1. [Guideline] Loblaw DA. Spinal cord compression guideline. J Clin Oncol. 2021. doi:10.1200/x.1
"""


def _cli_lines(path) -> tuple[int, int]:
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_references", str(path), "--year", "2026", stdout=out)
    found = re.search(r":(\d+): error citation-missing-reference: .*\[body line (\d+)\]", out.getvalue())
    assert found, out.getvalue()
    return int(found[1]), int(found[2])


def test_admin_and_command_line_name_the_same_body_line(tmp_path, client):
    path = tmp_path / "brief.md"
    path.write_text(FILE)
    file_line, body_line = _cli_lines(path)
    assert (file_line, body_line) == (7, 3)
    editor = make_user("lines-editor", roles=["editor"])
    assert import_file(path=path, actor=editor).outcome in ("created", "imported")
    article = Article.objects.get(title="Spinal cord compression in brief")
    report = report_create(revision=article.revisions.get(number=1))  # what the worker does after the commit
    finding = next(f for f in report.findings if f["rule"] == "citation-missing-reference")
    assert finding["line"] == body_line
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f"body line {body_line}" in page
    out = io.StringIO()
    with pytest.raises(CommandError, match="validation errors"):
        call_command("validate_article", article.slug, stdout=out)
    assert f"{article.slug} body line {body_line}: error citation-missing-reference" in out.getvalue()
