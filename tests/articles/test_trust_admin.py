"""The admin pages editors use for profiles, provenance, disclosures and the corrections log."""

import pytest

from articles.models import AuthorProfile
from tests.factories import make_user


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/authorprofile/", "/admin/articles/authorprofile/add/",
        "/admin/articles/revisionprovenance/", "/admin/articles/revisionprovenance/add/",
        "/admin/articles/articledisclosure/", "/admin/articles/articledisclosure/add/",
        "/admin/articles/publicationchange/", "/admin/articles/errorreport/", "/admin/articles/sitesettings/",
    ],
)  # fmt: skip
def test_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_profile_form_names_the_bad_check_digit_and_saves_nothing(admin_client, db):
    writer = make_user("formwriter")
    data = {"user": writer.pk, "display_name": "Lee Form", "slug": "lee-form", "orcid": "0000-0002-1825-0098",
            "npi": "", "public": "on"}  # fmt: skip
    response = admin_client.post("/admin/articles/authorprofile/add/", data)
    assert response.status_code == 200
    assert "the ISO 7064 MOD 11-2 check of the first 15 digits is 7" in response.content.decode()
    assert not AuthorProfile.objects.exists()
    admin_client.post("/admin/articles/authorprofile/add/", {**data, "orcid": "https://orcid.org/0000-0002-1825-0097"})
    assert AuthorProfile.objects.get().orcid == "0000-0002-1825-0097"
