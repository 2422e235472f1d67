"""A throwaway PostgreSQL server for tests that need a real one (never a mock): initdb in a temp
folder, listening only on a unix socket there (no TCP port to collide with), fsync off, stopped
with ``pg_ctl stop -m immediate`` and removed at the end, even when a test or the start fails.

PostgreSQL refuses to run as root: under root (CI) the server runs as the unprivileged
``postgres`` user, which owns the temp folder; a developer's own user runs it directly.

Fixtures (a test module imports them by name: ``from tests.postgres import postgres_url  # noqa: F401``):

* ``postgres``: the session's one server (:class:`PostgresServer`);
* ``postgres_url``: a database shared by the whole session, as a SQLAlchemy URL;
* ``fresh_postgres_url``: an empty database of its own for each test (``CREATE DATABASE`` is fast).

Without the server's binaries or the driver the tests skip, naming the package to install; with
``CI=true`` they fail instead: CI must not pass by silently testing nothing.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The superuser initdb creates: one name whoever runs the server, so URLs read the same everywhere.
SUPERUSER = "grader"
START_TIMEOUT_S = 30
# Speed over durability: the cluster is deleted at the end, a crash loses nothing worth keeping.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "listen_addresses": "''",
}
INSTALL_HINT = (
    "Fix: apt-get install postgresql (Debian installs the server in /usr/lib/postgresql/<version>/bin), "
    "or point GRADER_PG_BIN at a folder holding initdb and pg_ctl"
)


class PostgresServer:
    """A running throwaway cluster in ``root``; :meth:`create_database` makes databases on it."""

    def __init__(self, root: Path, run: Callable[[list[str]], subprocess.CompletedProcess]):
        self.root = root
        self.socket_dir = root  # short: a unix socket path must fit in 107 bytes
        self._run = run
        self._names = itertools.count()

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3, through the unix socket)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def create_database(self, prefix: str = "test") -> str:
        """A new empty database; its URL."""
        import psycopg  # imported here: the module must import (and skip cleanly) without the driver

        name = f"{prefix}_{next(self._names)}"
        # CREATE DATABASE cannot run in a transaction block: autocommit.
        with psycopg.connect(host=str(self.socket_dir), user=SUPERUSER, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def find_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: $GRADER_PG_BIN, Debian's newest
    /usr/lib/postgresql/<version>/bin, or the PATH's; None when there is none."""
    candidates = [os.environ.get("GRADER_PG_BIN", "")]
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        versions, key=lambda path: int(Path(path).parent.name) if Path(path).parent.name.isdigit() else 0, reverse=True
    )
    on_path = shutil.which("pg_ctl")
    candidates.append(str(Path(on_path).parent) if on_path else "")
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def _unavailable(reason: str) -> None:
    """Skip, or on CI (``CI=true``) fail: a CI run must not pass by testing nothing."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: failing, not skipping). {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"{reason}. {INSTALL_HINT}")


def _runner(root: Path) -> Callable[[list[str]], subprocess.CompletedProcess]:
    """How to run the server's tools: as ``postgres`` when we are root (the server refuses root),
    else as ourselves. The temp folder is handed to whoever runs them."""
    as_user: dict = {}
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root, but there is no 'postgres' user to run the server as")
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def run(argv: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30, **as_user)

    return run


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway server, yield it, then stop it and delete its folder, whatever happened."""
    binaries = find_binaries()
    if binaries is None:
        _unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
    if _psycopg_missing():
        _unavailable('the psycopg driver is not installed (pip install -c constraints.txt "psycopg[binary]")')
    # /tmp, not $TMPDIR: the folder must be reachable by the postgres user and the socket path short.
    root = Path(tempfile.mkdtemp(prefix="grader-pg-", dir="/tmp" if Path("/tmp").is_dir() else None))
    data, log = root / "data", root / "server.log"
    try:
        run = _runner(root)
        _check(
            run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                 "--no-locale", "--no-sync", "--no-instructions"]),
            "initdb",
        )  # fmt: skip
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in SETTINGS.items())
            conf.write(f"unix_socket_directories = '{root}'\n")
        try:
            _check(
                run(
                    [
                        str(binaries / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(log),
                        "-w",
                        "-t",
                        str(START_TIMEOUT_S),
                        "start",
                    ]
                ),
                "pg_ctl start",
                log,
            )
            yield PostgresServer(root, run)
        finally:
            # Also after a failed or timed-out start: a postmaster may be up without answering yet.
            run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _psycopg_missing() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return True
    return False


def _check(done: subprocess.CompletedProcess, step: str, log: Path | None = None) -> None:
    if done.returncode != 0:
        server_log = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
        raise RuntimeError(f"{step} failed with exit code {done.returncode}:\n{done.stdout}{done.stderr}{server_log}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's throwaway PostgreSQL server."""
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres: PostgresServer) -> str:
    """A database shared by the whole session: tests using it must not assume it is empty."""
    return postgres.create_database("session")


@pytest.fixture
def fresh_postgres_url(postgres: PostgresServer) -> str:
    """An empty database for this test alone."""
    return postgres.create_database("fresh")
