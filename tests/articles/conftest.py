"""Fixtures shared by the article tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with an empty cache (and no worker copy of a page), so no reader page is served
    from another test."""
    from articles import reader, views

    cache.clear()
    views._recent_pages = reader.RecentPages()
    yield
    cache.clear()
    views._recent_pages = reader.RecentPages()
