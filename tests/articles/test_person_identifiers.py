"""ORCID iD (ISO 7064 MOD 11-2) and US NPI (Luhn with the 80840 prefix) on author profiles."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import AuthorProfile
from articles.validation.person_identifiers import PersonIdentifierError, normalize_npi, normalize_orcid
from tests.factories import make_user


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),  # check character X stands for 10
    ],
)
def test_valid_orcid_ids_are_normalised(typed, normal):
    assert normalize_orcid(typed) == normal


def test_orcid_with_a_wrong_check_digit_names_the_right_one():
    with pytest.raises(PersonIdentifierError) as caught:
        normalize_orcid("0000-0002-1825-0098")
    assert str(caught.value) == (
        "'0000-0002-1825-0098' is not an ORCID iD: its check character is 8, the ISO 7064 MOD 11-2 "
        "check of the first 15 digits is 7"
    )


@pytest.mark.parametrize("typed", ["0000-0002-1694-2330", "0000-0002-1825", "0000-0002-1825-00A7", ""])
def test_malformed_or_miscounted_orcid_ids_are_refused(typed):
    with pytest.raises(PersonIdentifierError):
        normalize_orcid(typed)


@pytest.mark.parametrize("typed", ["1234567893", "123-456-7893", " 1234567893 "])
def test_valid_npi(typed):
    assert normalize_npi(typed) == "1234567893"


def test_npi_with_a_wrong_check_digit_names_the_right_one():
    with pytest.raises(PersonIdentifierError) as caught:
        normalize_npi("1234567890")
    assert str(caught.value) == (
        "'1234567890' is not an NPI: its check digit is 0, the Luhn check (with the 80840 prefix) "
        "of the first 9 digits is 3"
    )


@pytest.mark.parametrize("typed", ["123456789", "12345678930", "12345678X3"])
def test_npi_needs_ten_digits(typed):
    with pytest.raises(PersonIdentifierError, match="needs exactly 10 digits"):
        normalize_npi(typed)


def test_npi_check_uses_the_80840_prefix():
    # 1234567893 passes only with the prefix: Luhn over the bare ten digits would want a different check digit.
    from stdnum import luhn

    assert not luhn.is_valid("1234567893")
    assert normalize_npi("1234567893") == "1234567893"


def _profile(**fields):
    values = {"user": make_user("profiled"), "slug": "a-writer", "display_name": "Ada Writer"}
    return AuthorProfile(**{**values, **fields})


@pytest.mark.django_db
def test_profile_form_errors_name_each_bad_identifier():
    profile = _profile(orcid="0000-0002-1825-0098", npi="1234567890", licence_number="GMC 7654321")
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    errors = caught.value.message_dict
    assert "MOD 11-2" in errors["orcid"][0]
    assert "Luhn" in errors["npi"][0]
    assert errors["licence_issuer"] == ["Say which body issued the licence number."]


@pytest.mark.django_db
def test_profile_with_valid_identifiers_saves():
    profile = _profile(orcid="0000-0002-1825-0097", npi="1234567893", licence_number="7654321",
                       licence_issuer="General Medical Council")  # fmt: skip
    profile.full_clean()
    profile.save()
    assert profile.orcid_url == "https://orcid.org/0000-0002-1825-0097"


@pytest.mark.django_db
def test_profile_stores_identifiers_in_their_normal_form():
    profile = _profile(orcid="https://orcid.org/0000-0002-1694-233x", npi="123-456-7893")
    profile.full_clean()
    assert (profile.orcid, profile.npi) == ("0000-0002-1694-233X", "1234567893")
