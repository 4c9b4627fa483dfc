"""schema.org JSON-LD and Open Graph tags for an article page.

The JSON-LD is a ``MedicalWebPage`` saying who wrote it (``author``: a Person whose ``url`` is their
profile page, with their ORCID iD as ``sameAs``), who reviewed it (``reviewedBy``: each approving
reviewer as a Person with their degree as ``honorificSuffix`` and ``url``, their page), when
(``lastReviewed``), for whom (``audience``), when it last changed (``dateModified``: the newest
correction or update in its log) and what it cites (``citation``).
"""

import json
from datetime import datetime

from django.utils import timezone
from django.utils.html import _json_script_escapes
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Audience, AuthorProfile, Publication
from articles.reader import Credit, ReaderReference, absolute_url

_AUDIENCE_TYPES = {Audience.CLINICIAN: "Clinician", Audience.PATIENT: "Patient"}


def _person(credit: Credit) -> dict:
    person = {"@type": "Person", "name": credit.name}
    if credit.url:
        url = absolute_url(credit.url)
        person.update({"@id": url, "url": url})
    if credit.degree:
        person["honorificSuffix"] = credit.degree
        person["hasCredential"] = {"@type": "EducationalOccupationalCredential", "credentialCategory": credit.degree}
    if credit.specialty:
        person["knowsAbout"] = credit.specialty
    return person


def person(*, url: str, name: str, details: dict, affiliation: str, photo_url: str) -> dict:
    """A schema.org Person (an author or a board reviewer); ``url`` is the absolute address of their page."""
    found = {"@type": "Person", "@id": url, "name": name, "url": url, **details}
    if affiliation:
        found["affiliation"] = {"@type": "Organization", "name": affiliation}
    if photo_url:
        found["image"] = photo_url
    return found


def author_person(profile: AuthorProfile, *, url: str) -> dict:
    """An author as a schema.org Person; ``url`` is the absolute address of their profile page."""
    pairs = (("honorificSuffix", profile.credentials), ("knowsAbout", profile.specialty))
    details = {key: value for key, value in pairs if value}
    found = person(
        url=url, name=profile.display_name, details=details, affiliation=profile.affiliation,
        photo_url=profile.photo_url,
    )  # fmt: skip
    if profile.orcid:
        found["sameAs"] = [profile.orcid_url]
        found["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": profile.orcid}
    return found


def _citation(ref: ReaderReference) -> dict:
    work = {"@type": "CreativeWork", "name": ref.title or ref.raw}
    if ref.authors:
        work["author"] = ref.authors
    if ref.source:
        work["isPartOf"] = ref.source
    if ref.year:
        work["datePublished"] = str(ref.year)
    same_as = [u for u in (ref.doi_url, ref.pubmed_url, ref.pmc_url, ref.url) if u]
    if same_as:
        work["url"] = same_as[0]
        work["sameAs"] = same_as
    if ref.doi:
        work["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": ref.doi}
    return work


def medical_web_page(
    *,
    article: Article,
    publication: Publication,
    url: str,
    credits: list[Credit],
    references: list[ReaderReference],
    last_reviewed: datetime | None,
    author: dict | None = None,
    date_modified: datetime | None = None,
    sponsor: str = "",
) -> dict:
    """The page's MedicalWebPage object. Provisional pages carry no reviewer and no review date.
    ``author`` is ``author_person(...)``; ``date_modified`` defaults to when the publication went up."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": publication.title,
        "headline": publication.title,
        "description": publication.summary,
        "inLanguage": "en",
        "dateModified": (date_modified or publication.published_at).isoformat(),
        "audience": {"@type": "MedicalAudience", "audienceType": _AUDIENCE_TYPES.get(article.audience, "Patient")},
        "citation": [_citation(ref) for ref in references],
    }
    if author:
        data["author"] = author
    if sponsor:
        data["sponsor"] = {"@type": "Organization", "name": sponsor}
    if article.topic_id:
        data["about"] = {"@type": "MedicalCondition", "name": article.topic.name}
    if not publication.provisional:
        named = [credit for credit in credits if credit.named]  # an unnamed reviewer is no Person to name
        if named:
            data["reviewedBy"] = [_person(credit) for credit in named]
        if last_reviewed:
            data["lastReviewed"] = timezone.localtime(last_reviewed).date().isoformat()
    return data


JSON_LD_OPEN = '<script type="application/ld+json">'


def json_ld(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` element, escaped so no text can close the script early.

    It has no nonce: pages are cached as rendered, and the nonce is per response (``with_nonce``).
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_json_script_escapes)
    return mark_safe(f"{JSON_LD_OPEN}{text}</script>")


def with_nonce(html: bytes, nonce: str) -> bytes:
    """The page with this response's Content-Security-Policy nonce on its JSON-LD element.

    The element is in the page's head, before any body text, and body text cannot contain it
    (titles are escaped, article HTML sanitised), so the first occurrence is the page's own.
    """
    opening = JSON_LD_OPEN.encode()
    return html.replace(opening, opening[:-1] + f' nonce="{nonce}">'.encode(), 1)


def open_graph(
    *, publication: Publication, url: str, site_name: str = "Imprimatur", modified: datetime | None = None
) -> list[tuple[str, str]]:
    """(property, content) pairs for the page's Open Graph ``<meta>`` tags."""
    return [
        ("og:type", "article"),
        ("og:site_name", site_name),
        ("og:title", publication.title),
        ("og:description", publication.summary),
        ("og:url", url),
        ("article:modified_time", (modified or publication.published_at).isoformat()),
    ]
