"""Fixtures for the validation tests: the seed pages are read from the shared folder."""

import pytest

from tests.seeds import seed_path


@pytest.fixture
def seed():
    return seed_path
