import pytest

from articles.validation.identifiers import (
    IdentifierError,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    normalize_pmid,
    normalize_url,
)


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1056/NEJMoa2007621", "10.1056/nejmoa2007621"),
        ("doi:10.1056/NEJMoa2007621.", "10.1056/nejmoa2007621"),
        ("DOI: 10.1200/JCO.1998.16.4.1613", "10.1200/jco.1998.16.4.1613"),
        ("https://doi.org/10.1038/nature01086?utm_source=x", "10.1038/nature01086"),
        ("http://dx.doi.org/10.1038/Nature01086/", "10.1038/nature01086"),
        ("doi.org/10.1002/%28SICI%291097-0258", "10.1002/(sici)1097-0258"),
        ("10.1016/S0140-6736(97)11096-0.", "10.1016/s0140-6736(97)11096-0"),
        ("(10.1000/abc)", None),
    ],
)
def test_doi_normalisation(raw, doi):
    if doi is None:
        with pytest.raises(IdentifierError):
            normalize_doi(raw)
    else:
        assert normalize_doi(raw) == doi


@pytest.mark.parametrize("raw", ["10.1000/", "10.10O0/abc", "abcdefg", "11.1000/x"])
def test_invalid_dois(raw):
    with pytest.raises(IdentifierError, match=r"is not of the form 10\.NNNN/suffix"):
        normalize_doi(raw)


@pytest.mark.parametrize(
    ("raw", "pmid"),
    [
        ("PMID: 33172213", "33172213"),
        ("PMID 9500320", "9500320"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/23193287", "23193287"),
        ("https://pubmed.ncbi.nlm.nih.gov/23193287/", "23193287"),
        ("9552073.", "9552073"),
    ],
)
def test_pmid_normalisation(raw, pmid):
    assert normalize_pmid(raw) == pmid


@pytest.mark.parametrize("raw", ["0123", "123456789", "12a", ""])
def test_invalid_pmids(raw):
    with pytest.raises(IdentifierError):
        normalize_pmid(raw)


@pytest.mark.parametrize(
    ("raw", "pmcid"),
    [
        ("pmc2631623", "PMC2631623"),
        ("PMCID: PMC7711589", "PMC7711589"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC3531190/", "PMC3531190"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3531190/?report=x", "PMC3531190"),
    ],
)
def test_pmcid_normalisation(raw, pmcid):
    assert normalize_pmcid(raw) == pmcid


@pytest.mark.parametrize("raw", ["PMC 2631623", "2631623", "NBK1234"])
def test_pmcid_is_never_repaired(raw):
    with pytest.raises(IdentifierError):
        normalize_pmcid(raw)


def test_isbn_becomes_isbn13_and_checks_its_digit():
    assert normalize_isbn("ISBN 978-0-471-11709-4") == "9780471117094"
    assert normalize_isbn("0-306-40615-2") == "9780306406157"
    with pytest.raises(IdentifierError, match="the check digit is wrong"):
        normalize_isbn("978-9024538271")
    with pytest.raises(IdentifierError, match="not an ISBN prefix"):
        normalize_isbn("7501031311309")


def test_issn_is_formatted_and_checked():
    assert normalize_issn("ISSN 20493630") == "2049-3630"
    assert normalize_issn("0317-8471") == "0317-8471"
    with pytest.raises(IdentifierError, match="the check digit is wrong"):
        normalize_issn("0140-6737")


def test_url_must_be_absolute_http():
    assert normalize_url("https://example.org/a.") == "https://example.org/a"
    with pytest.raises(IdentifierError):
        normalize_url("ftp://example.org")
