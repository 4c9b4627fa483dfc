"""Fixtures for the validation tests: the seed pages are read from the shared folder."""

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"


def seed_path(prefix: str) -> Path:
    """The seed page whose file name starts with ``prefix`` ("000" … "004")."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return matches[0]


@pytest.fixture
def seed():
    return seed_path
