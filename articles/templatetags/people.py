"""Filters that say stored values as people read them: dates from ISO strings, states by label."""

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Article

register = template.Library()


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
