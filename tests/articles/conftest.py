"""Fixtures shared by the article tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with an empty cache, so no reader page is served from another test."""
    cache.clear()
    yield
    cache.clear()
