"""Filters that say stored values as people read them: dates from ISO strings, states by label."""

import re
from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Article

register = template.Library()
ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")


@register.filter
def when(value) -> str:
    """ "3 Dec 2026, 14:05" for a datetime (or its ISO string), "3 Dec 2026" for a date; as given otherwise."""
    if isinstance(value, str):
        value = parse_datetime(value) or parse_date(value) or value
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return dateformat.format(local, "j M Y, H:i")
    if isinstance(value, date):
        return dateformat.format(value, "j M Y")
    return "" if value is None else str(value)


@register.filter
def state(value) -> str:
    """An article state's label in lower case ("changes requested"); other codes with spaces."""
    try:
        return str(Article.Status(value).label).lower()
    except ValueError:
        return str(value or "").replace("_", " ")


@register.filter
def words(value) -> str:
    """A code such as ``request_changes`` or ``under_review`` as words."""
    return str(value or "").replace("_", " ")


@register.filter
def dates_in_words(value) -> str:
    """ISO dates inside a stored text ("re-review due on 2026-11-29") as people read them ("29 Nov 2026")."""
    return ISO_DATE.sub(_date_in_words, str(value or ""))


def _date_in_words(match) -> str:
    try:
        day = parse_date(match[0])
    except ValueError:  # shaped like a date, but not one (2027-13-40)
        day = None
    return when(day) if day else match[0]
