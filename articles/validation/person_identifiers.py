"""Identifiers of people: ORCID iD, US NPI and a licence number with its issuing body.

Each ``normalize_*`` takes what an editor typed and returns the normal form, or raises
``PersonIdentifierError`` saying why the value is not valid. ``validate_*`` wrap them as Django
field validators. Check digits are computed by python-stdnum (ISO 7064 and Luhn), never by hand.

* ORCID iD: ``NNNN-NNNN-NNNN-NNNC``, 16 characters whose last is an ISO 7064 MOD 11-2 check
  character (0-9 or X), with or without the ``https://orcid.org/`` prefix.
* NPI: 10 digits; the Luhn check digit is computed over the number prefixed with ``80840``
  (the US health-industry issuer prefix), as CMS specifies.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2

_ORCID_URL = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
_ORCID = re.compile(r"^[0-9]{4}-?[0-9]{4}-?[0-9]{4}-?[0-9]{3}[0-9X]$")
_NPI = re.compile(r"^[0-9]{10}$")
NPI_PREFIX = "80840"


class PersonIdentifierError(ValueError):
    """The value is not a valid identifier; the message says which rule it breaks."""


def normalize_orcid(value: str) -> str:
    """``0000-0002-1825-0097`` from any of its usual spellings; raises PersonIdentifierError."""
    text = _ORCID_URL.sub("", (value or "").strip()).strip("/").upper()
    if not _ORCID.match(text):
        raise PersonIdentifierError(
            f"{value!r} is not an ORCID iD: it needs 16 characters as NNNN-NNNN-NNNN-NNNN (the last may be X)"
        )
    digits = text.replace("-", "")
    try:
        mod_11_2.validate(digits)
    except StdnumError:
        expected = mod_11_2.calc_check_digit(digits[:-1])
        raise PersonIdentifierError(
            f"{value!r} is not an ORCID iD: its check character is {digits[-1]}, the ISO 7064 MOD 11-2 "
            f"check of the first 15 digits is {expected}"
        ) from None
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def normalize_npi(value: str) -> str:
    """The 10 NPI digits, spaces and hyphens removed; raises PersonIdentifierError."""
    text = re.sub(r"[\s-]", "", value or "")
    if not _NPI.match(text):
        raise PersonIdentifierError(f"{value!r} is not an NPI: it needs exactly 10 digits")
    if not luhn.is_valid(NPI_PREFIX + text):
        expected = luhn.calc_check_digit(NPI_PREFIX + text[:-1])
        raise PersonIdentifierError(
            f"{value!r} is not an NPI: its check digit is {text[-1]}, the Luhn check (with the 80840 prefix) "
            f"of the first 9 digits is {expected}"
        )
    return text


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}" if orcid else ""


def validate_orcid(value: str) -> None:
    try:
        normalize_orcid(value)
    except PersonIdentifierError as exc:
        raise ValidationError(str(exc), code="orcid") from None


def validate_npi(value: str) -> None:
    try:
        normalize_npi(value)
    except PersonIdentifierError as exc:
        raise ValidationError(str(exc), code="npi") from None
