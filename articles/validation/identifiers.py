"""Normalise and check reference identifiers (REFERENCES.md §4 and §5).

Each ``normalize_*`` function takes what an author typed (with or without a label or a
resolver URL) and returns the normal form, or raises ``IdentifierError`` whose message says
why the value is not a valid identifier. The normal forms are:

* DOI: ``10.NNNN/suffix``, ASCII lower-cased (DOIs are case-insensitive for ASCII), without
  ``doi:`` or resolver URL, query string, fragment or trailing sentence punctuation;
* PMID: digits, 1 to 8 of them, no leading zero;
* PMCID: ``PMC`` + digits;
* ISBN: ISBN-13 digits without hyphens (python-stdnum checks the check digit);
* ISSN: ``NNNN-NNNC`` with an upper-case X (python-stdnum checks the check digit).

We never repair characters inside an identifier: ``PMC 2631623`` is an error, not a guess.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError as StdnumError

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2009\u202f\u2007"), " ")
_DOI_LABEL = re.compile(r"^(?:info:doi/|urn:doi:|doi(?:\s*:\s*|\s+))", re.IGNORECASE)
_DOI_URL = re.compile(r"^(?:https?\s*:\s*//\s*)?(?:dx\.|www\.)?doi\.org\s*/\s*", re.IGNORECASE)
_DOI = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+$")
_PMID_LABEL = re.compile(r"^pmid\s*:?\s*", re.IGNORECASE)
_PUBMED_URL = re.compile(
    r"^(?:https?://)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|www\.ncbi\.nlm\.nih\.gov/pubmed/)(?P<id>[^/?#]*)",
    re.IGNORECASE,
)
_PMCID_LABEL = re.compile(r"^pmcid\s*:?\s*", re.IGNORECASE)
_PMC_URL = re.compile(
    r"^(?:https?://)?(?:pmc\.ncbi\.nlm\.nih\.gov/articles/|www\.ncbi\.nlm\.nih\.gov/pmc/articles/)"
    r"(?P<id>[^/?#]*)",
    re.IGNORECASE,
)
_ISBN_LABEL = re.compile(r"^isbn(?:-1[03])?\s*:?\s*", re.IGNORECASE)
_ISSN_LABEL = re.compile(r"^e?issn\s*:?\s*", re.IGNORECASE)


class IdentifierError(ValueError):
    """The value is not a valid identifier of the kind asked for; the message says why."""


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).translate(_SPACES).strip()


def strip_trailing_punctuation(value: str) -> str:
    """Drop sentence punctuation after an identifier, and a closing bracket only if unbalanced."""
    while value:
        last = value[-1]
        unbalanced = (last == ")" and value.count("(") < value.count(")")) or (
            last == "]" and value.count("[") < value.count("]")
        )
        if last not in ".,;:" and not unbalanced:
            break
        value = value[:-1]
    return value


def normalize_doi(value: str) -> str:
    """Return the DOI in lower case without label, resolver URL, query or trailing punctuation."""
    text = _DOI_LABEL.sub("", _clean(value))
    if _DOI_URL.match(text):
        # In a URL a bare "?" or "#" starts a query or fragment, and the path is percent-encoded.
        text = unquote(re.split(r"[?#]", _DOI_URL.sub("", text), maxsplit=1)[0]).rstrip("/")
    text = strip_trailing_punctuation(text)
    if not _DOI.match(text):
        raise IdentifierError(f"DOI {value.strip()!r} is not of the form 10.NNNN/suffix")
    return text.lower() if text.isascii() else _ascii_lower(text)


def _ascii_lower(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def normalize_pmid(value: str) -> str:
    """Return the PMID as digits: 1 to 8 of them, without a leading zero."""
    text = _PMID_LABEL.sub("", _clean(value))
    url = _PUBMED_URL.match(text)
    if url:
        text = url.group("id")
    text = strip_trailing_punctuation(text).rstrip("/")
    if not re.fullmatch(r"[1-9][0-9]{0,7}", text):
        raise IdentifierError(f"PMID {value.strip()!r} is not 1 to 8 digits without a leading zero")
    return text


def normalize_pmcid(value: str) -> str:
    """Return the PMCID as ``PMC`` followed by digits."""
    text = _PMCID_LABEL.sub("", _clean(value))
    url = _PMC_URL.match(text)
    if url:
        text = url.group("id")
    text = strip_trailing_punctuation(text).rstrip("/")
    if not re.fullmatch(r"(?i:pmc)[1-9][0-9]{0,9}", text):
        raise IdentifierError(f"PMCID {value.strip()!r} is not PMC followed by digits")
    return "PMC" + text[3:]


def normalize_isbn(value: str) -> str:
    """Return a checked ISBN as ISBN-13 digits; ISBN-10 is converted."""
    text = strip_trailing_punctuation(_ISBN_LABEL.sub("", _clean(value)))
    try:
        compact = stdnum_isbn.validate(text)
        return stdnum_isbn.to_isbn13(compact)
    except StdnumError as exc:
        raise IdentifierError(f"ISBN {value.strip()!r}: {_reason(exc)}") from exc


def normalize_issn(value: str) -> str:
    """Return a checked ISSN as ``NNNN-NNNC``."""
    text = strip_trailing_punctuation(_ISSN_LABEL.sub("", _clean(value)))
    try:
        return stdnum_issn.format(stdnum_issn.validate(text))
    except StdnumError as exc:
        raise IdentifierError(f"ISSN {value.strip()!r}: {_reason(exc)}") from exc


def _reason(exc: StdnumError) -> str:
    return {
        "InvalidChecksum": "the check digit is wrong",
        "InvalidLength": "it has the wrong number of digits",
        "InvalidFormat": "it is not in the right format",
        "InvalidComponent": "it is not an ISBN prefix (978 or 979)",
    }.get(type(exc).__name__, str(exc))


def normalize_url(value: str) -> str:
    """Return an absolute http(s) URL without trailing sentence punctuation."""
    text = strip_trailing_punctuation(_clean(value))
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, re.IGNORECASE):
        raise IdentifierError(f"URL {value.strip()!r} is not an absolute http(s) address")
    return text


NORMALIZERS = {
    "doi": normalize_doi,
    "pmid": normalize_pmid,
    "pmcid": normalize_pmcid,
    "isbn": normalize_isbn,
    "issn": normalize_issn,
    "url": normalize_url,
}
# A reference's identifier fields, in stored order.
IDENTIFIER_FIELDS = tuple(NORMALIZERS)
# The identifiers that name one work, so two references sharing one cite the same work
# (an ISSN names a journal, and one URL may serve several works).
WORK_IDENTIFIERS = ("doi", "pmid", "pmcid", "isbn")
