"""A throw-away PostgreSQL cluster for the tests and the server benchmark: initdb into a temp
folder as an unprivileged user, listening on 127.0.0.1 at a free port, password logins over TCP
(scram-sha-256) exactly as an office server is set up, stopped and removed at the end.

As on an office server (docs/server.md, step 2) the databases belong to a login that is NOT a
superuser: `wulong_owner`, with CREATEROLE. The superuser (postgres) only makes databases."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "superuser-pw-for-tests"
OWNER = "wulong_owner"
OWNER_PASSWORD = "owner-pw-for-tests"


def find_binaries() -> Path | None:
    """The folder with initdb and pg_ctl (Debian's newest, or on PATH), or None."""
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        versions = sorted((p for p in root.iterdir() if (p / "bin" / "initdb").exists()),
                          key=lambda p: int(p.name) if p.name.isdigit() else 0)
        if versions:
            return versions[-1] / "bin"
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        # in the system's temporary folder, which the postgres user can enter (never the app's
        # private one in this user's home, where an export in this process may point tempfile)
        self.folder = Path(tempfile.mkdtemp(prefix="wulong-pg-",
                                            dir=os.environ.get("TMPDIR") or "/tmp"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user: str | None = None
        if os.geteuid() == 0:   # PostgreSQL refuses to run as root
            self.user = "postgres"
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", self.user],
                               check=True)
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        os.chmod(self.folder, 0o700)

    def _run(self, *argv: str) -> None:
        command = [str(a) for a in argv]
        if self.user:
            command = ["su", self.user, "-s", "/bin/sh", "-c", " ".join(
                f"'{part}'" for part in command)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=self.folder)

    def start(self, *, owner: bool = True) -> None:
        """initdb and start; with `owner`, the non-superuser owner is made too."""
        pwfile = self.folder / "pw"
        pwfile.write_text(SUPERUSER_PASSWORD + "\n")
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        self._run(self.bin / "initdb", "-D", self.data, "-U", SUPERUSER, "--pwfile", pwfile,
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        pwfile.unlink()
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l",
                  self.folder / "log", "-w", "start")
        if owner:
            self.admin_sql(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'")

    def create_database(self, name: str, template: str | None = None) -> str:
        """A database belonging to the owner (as `createdb --owner wulong_owner` makes it);
        returns its address for the owner."""
        copy = f" TEMPLATE {template}" if template else ""
        self.admin_sql(f"CREATE DATABASE {name}{copy} OWNER {OWNER}")
        return self.url(database=name)

    def drop_database(self, name: str) -> None:
        """The database and its office groups (roles outlive a database)."""
        self.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for kind in ("admin", "reviewer", "clerk"):
            self.admin_sql(f"DROP ROLE IF EXISTS wulong_{name}_{kind}")

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, user: str = OWNER, database: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin_sql(self, sql: str, database: str = "postgres") -> None:
        """Run statements as the superuser (autocommit: CREATE DATABASE needs it)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                             password=SUPERUSER_PASSWORD, dbname=database,
                             autocommit=True) as conn:
            conn.execute(sql)
