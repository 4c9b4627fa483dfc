"""Where the real seed pages live: ../shared/seeds beside the checkout (never copied into the repo)."""

import os
from pathlib import Path

import pytest

SEEDS = Path(os.environ.get("IMPRIMATUR_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds"))


def seeds_dir() -> Path:
    """The seed folder; missing, it fails the run under CI and skips elsewhere."""
    if not any(SEEDS.glob("*.txt")):
        message = f"The seed pages are not at {SEEDS} (set IMPRIMATUR_SEEDS)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SEEDS


def seed_path(prefix: str) -> Path:
    """The seed page whose file name starts with ``prefix`` ("000" … "004")."""
    matches = sorted(seeds_dir().glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.fail(f"seed {prefix} not found in {SEEDS}")
    return matches[0]
