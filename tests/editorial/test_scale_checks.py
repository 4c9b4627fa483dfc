"""The start-up check for the scale-out profile: configured without its packages, nothing starts."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from editorial import checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def without(monkeypatch):
    """Make the named modules look uninstalled to the check."""

    def hide(*names):
        real = importlib.util.find_spec
        monkeypatch.setattr(checks.importlib.util, "find_spec", lambda n, *a: None if n in names else real(n, *a))

    return hide


def test_redis_url_without_the_redis_package_is_an_error_naming_the_fix(monkeypatch, without):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    without("redis")
    (error,) = checks.scale_packages_installed()
    assert error.id == "editorial.E001"
    assert "'redis' is not installed" in error.msg and "pip install 'imprimatur[scale]'" in error.hint


def test_rq_backend_without_its_packages_names_each_missing_one(monkeypatch, settings, without):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    settings.TASK_BACKEND = "rq"
    without("rq", "django_tasks_rq")
    errors = {e.id: e for e in checks.scale_packages_installed()}
    assert "rq, django_tasks_rq" in errors["editorial.E002"].msg
    assert "pip install 'imprimatur[scale]'" in errors["editorial.E002"].hint


def test_installed_scale_packages_pass(monkeypatch, settings):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    settings.TASK_BACKEND = "rq"
    assert checks.scale_packages_installed() == []


def test_default_install_without_redis_is_fine(monkeypatch, without):
    monkeypatch.delenv("REDIS_URL", raising=False)
    without("redis", "rq", "django_rq", "django_tasks_rq")
    assert checks.scale_packages_installed() == []


def test_the_wsgi_application_refuses_to_start(monkeypatch, without):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    without("redis")
    with pytest.raises(Exception, match=r"imprimatur\[scale\]"):
        checks.refuse_to_start_without_scale_packages()


def test_manage_py_check_fails_in_an_environment_without_redis(tmp_path):
    """A real process whose import path hides the redis package, as on a default install."""
    (tmp_path / "redis.py").write_text("raise ImportError('not installed')\n")
    shim = tmp_path / "sitecustomize.py"
    shim.write_text(
        "import importlib.util, sys\n_real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n.split('.')[0] == 'redis' else _real(n, *a)\n"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/5", "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    env.pop("DATABASE_REPLICA_URL", None)
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "editorial.E001" in done.stderr and "pip install 'imprimatur[scale]'" in done.stderr
