from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import ValidationReport
from tests.factories import CLEAN_BODY, make_article

pytestmark = pytest.mark.django_db


def test_every_new_revision_queues_its_validation(tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article()
    revision = article.revisions.get()
    assert [(r.task.name, r.args, r.kwargs) for r in tasks.results] == [
        ("validate_revision", [], {"revision_id": revision.pk})
    ]


def test_validate_article_stores_a_report_and_fails_on_errors():
    clean = make_article()
    out = StringIO()
    call_command("validate_article", clean.slug, stdout=out)
    assert f"{clean.slug} revision 1: 0 errors" in out.getvalue()
    broken = make_article(body=CLEAN_BODY + "\nSee also [7].\n")
    with pytest.raises(CommandError, match="validation errors"):
        call_command("validate_article", broken.slug, stdout=StringIO())
    assert ValidationReport.objects.filter(revision__article=broken, errors__gt=0).exists()
    with pytest.raises(CommandError, match="No article with slug 'nope'"):
        call_command("validate_article", "nope")
