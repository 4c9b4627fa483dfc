"""The promises of the set-up: PostgreSQL under CI, migrations committed, production settings deploy-safe."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_suite_runs_on_postgresql_under_ci():
    if os.environ.get("CI"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor in ("postgresql", "sqlite")


@pytest.mark.django_db
def test_migrations_are_committed():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _manage(*args, env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env_extra
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={
            "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-looking-secret-9f8e7d6c5b4a",
            "DJANGO_ALLOWED_HOSTS": "imprimatur.example", "DATABASE_URL": "postgres://u@127.0.0.1:5432/none",
            "SITE_URL": "https://imprimatur.example",
        },
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    base = {"DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "x.example", "SITE_URL": "https://x.example"}
    result = _manage("check", env_extra=base)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    result = _manage(
        "check", env_extra={k: v for k, v in {**base, "DJANGO_SECRET_KEY": "k" * 50}.items() if k != "SITE_URL"}
    )
    assert result.returncode != 0 and "SITE_URL is required" in result.stderr


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


PRODUCTION_ENV = {
    "DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "x.example", "SITE_URL": "https://x.example",
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/none",
}  # fmt: skip
GOOD_KEY = "p7Qw-2zLk9_Vb4Rt8Nc1Xs6Hy3Jm5Ge0Ua7Fd2Ki9Ol4Zp8Wq1"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("changeme", "it is a placeholder"),
        ("secret", "it is a placeholder"),
        ("django-insecure-" + GOOD_KEY, "it is a placeholder"),
        (GOOD_KEY[:49], "it has 49 characters, fewer than 50"),
        ("ab" * 40, "it has only 2 different characters"),
    ],
)
def test_production_refuses_to_start_with_a_short_or_placeholder_secret_key(key, reason):
    result = _manage("check", env_extra={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert f"DJANGO_SECRET_KEY is not fit for production: {reason}." in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _manage("check", env_extra={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_DEBUG": "true"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr
    assert _manage("check", env_extra={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": GOOD_KEY}).returncode == 0


def test_the_demos_email_links_use_the_host_and_port_it_serves_on():
    # `make demo` exports HOST and PORT to the web server, the worker and the jobs loop alike.
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_ENV")}
    env.update(HOST="192.0.2.7", PORT="8123", DJANGO_SETTINGS_MODULE="editorial.settings")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "http://192.0.2.7:8123", result.stderr


def test_every_name_the_benchmarks_import_exists():
    # The benchmarks import inside their run() functions; a module moved in the code must not break `make bench`.
    import ast
    import importlib

    missing = []
    for path in sorted((ROOT / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.split(".")[0] == "bench":
                    continue
                try:
                    module = importlib.import_module(node.module)
                except ImportError as error:
                    missing.append(f"{path.name}: {node.module} ({error})")
                    continue
                missing += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                            if not hasattr(module, a.name) and not _is_submodule(node.module, a.name)]  # fmt: skip
    assert missing == []


def _is_submodule(package: str, name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"{package}.{name}") is not None
