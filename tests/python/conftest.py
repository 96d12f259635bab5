"""Fixtures the history tests share: `history_url`, the same tests on SQLite and on a real PostgreSQL server.

The PostgreSQL server is Debian's `postgresql` package, started by the tests themselves: initdb into a temporary
folder, listening on a Unix socket in that folder only (no TCP port), one database per test, stopped (by its
PID, from postmaster.pid) when the session ends. Where the package is not installed the PostgreSQL half is
skipped, with that reason; SQLite always runs."""
import glob
import itertools
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

_counter = itertools.count()


def _postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    return pathlib.Path(found[-1]).parent if found else None


class Server:
    def __init__(self, root: pathlib.Path, bindir: pathlib.Path, user: str):
        self.root, self.bindir, self.user = root, bindir, user
        self.data, self.socket = root / "data", root

    def _as_owner(self, command: list, **kwargs):
        prefix = ["runuser", "-u", self.user, "--"] if os.geteuid() == 0 else []
        return subprocess.run(prefix + command, capture_output=True, text=True, cwd=self.root, **kwargs)

    def start(self):
        done = self._as_owner(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[-300:]}")
        options = f"-c listen_addresses='' -k {self.socket} -c fsync=off -c max_connections=50"
        done = self._as_owner(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.root / "log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            timeout=90,
        )
        if done.returncode != 0:
            log = (self.root / "log").read_text(errors="replace")[-500:] if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()[-300:]} {log}")

    @property
    def pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        pid = self.pid
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        except ProcessLookupError:
            return
        for _ in range(300):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def new_database(self) -> str:
        import psycopg2

        name = f"yb_{os.getpid()}_{next(_counter)}"
        connection = psycopg2.connect(host=str(self.socket), user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server():
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; scripts/bootstrap installs it)")
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pytest.skip("psycopg2 is not installed (Debian package python3-psycopg2)")
    user = pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
    root = pathlib.Path(tempfile.mkdtemp(prefix="yb-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user)
    server = Server(root, bindir, user)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request, tmp_path):
    """A new, empty history: a SQLite file, or a new database on the test PostgreSQL server."""
    pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed (Debian package python3-sqlalchemy)")
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite")
    return request.getfixturevalue("postgres_server").new_database()
