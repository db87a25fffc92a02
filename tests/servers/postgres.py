"""A real PostgreSQL for the tests that need one: `initdb` in a temporary directory, the
server on a free loopback port with its unix socket in that directory, stopped afterwards.
Never a fake in its place.

`initdb` refuses to run as root, so as root (CI) both run as the `postgres` OS user that
Debian's package creates. When no PostgreSQL is installed (`make test` installs Debian's
`postgresql` as root) or there is no such user, the tests that need it are skipped and say
why; a server that is installed but fails to start fails them, with its log.

Durability is off (fsync=off): these databases live for one test run.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.servers.redis import free_port

INSTALL_HINT = ("`make test` installs it (Debian package postgresql) when run as root; "
                "or apt-get install postgresql")


def postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin (Debian's layout), else initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run_as() -> dict:
    """Popen's user=/group= when we are root; nothing otherwise."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("PostgreSQL refuses to run as root and there is no `postgres` OS user: "
                    + INSTALL_HINT)
    return {"user": entry.pw_uid, "group": entry.pw_gid}


class PostgresServer:
    """One cluster: `start()`, `stop()` (fast shutdown), `kill()` (a crash), and
    `start()` again on the same port with the same data."""

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            pytest.skip("PostgreSQL is not installed: " + INSTALL_HINT)
        self.bindir = bindir
        self.as_user = _run_as()
        self.directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
        if self.as_user:
            os.chown(self.directory, self.as_user["user"], self.as_user["group"])
        self.data = self.directory / "data"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._names = itertools.count(1)
        self._initdb()

    def _initdb(self) -> None:
        result = subprocess.run(
            [self.bindir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            cwd=self.directory, capture_output=True, text=True, timeout=120, **self.as_user)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr[-2000:]}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self, timeout: float = 30.0) -> PostgresServer:
        log = (self.directory / "postgres.log").open("ab")
        self.process = subprocess.Popen(
            [self.bindir / "postgres", "-D", self.data, "-p", str(self.port), "-k", self.directory,
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
             "-c", "full_page_writes=off", "-c", "max_connections=100"],
            cwd=self.directory, stdout=log, stderr=log, **self.as_user)
        log.close()
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = (self.directory / "postgres.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL did not start: {tail}")
            time.sleep(0.05)
        return self

    def ready(self) -> bool:
        try:
            with psycopg.connect(self.url(), connect_timeout=2):
                return True
        except psycopg.Error:
            return False

    def create_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def _signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        """A fast shutdown (SIGINT): clients are disconnected, the data kept."""
        self._signal(signal.SIGINT)

    def kill(self) -> None:
        """As a crash (SIGQUIT, immediate shutdown): the next start recovers."""
        self._signal(signal.SIGQUIT)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One server for the session; each test takes its own database (postgres_url)."""
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database()


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A server of this test's own, which it may stop and start again."""
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.remove()
