"""A throwaway PostgreSQL cluster for fault tests: its own data directory and a free loopback port, so a
test may stop and start it without touching the machine's own server."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_BIN_DIRS = [Path("/usr/local/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def pg_bin(name: str) -> str | None:
    for directory in _BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return shutil.which(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        # Not pytest's tmp_path: PostgreSQL refuses to run as root, and the postgres user must reach the folder.
        self.root = Path(tempfile.mkdtemp(prefix="imprimatur-fault-pg-"))
        self.data, self.port = self.root / "data", free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [*args] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=check)

    def init(self) -> None:
        self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(pg_bin("pg_ctl"), "start", "-w", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"))

    def stop(self) -> None:
        self._run(pg_bin("pg_ctl"), "stop", "-w", "-D", str(self.data), "-m", "immediate")

    def destroy(self) -> None:
        self._run(pg_bin("pg_ctl"), "stop", "-w", "-D", str(self.data), "-m", "immediate", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def project_env(database_url: str, **extra: str) -> dict:
    # The site under test reads only the database it is given: no replica of the suite's own database.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST")) and k != "DATABASE_REPLICA_URL"
    }
    return env | {"DATABASE_URL": database_url, "DJANGO_DEBUG": "false", "TASK_BACKEND": "database"} | extra


def manage(*args: str, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def wait_for(predicate, *, seconds: float, step: float = 0.1):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)
