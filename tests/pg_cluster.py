"""A throwaway PostgreSQL cluster for the tests and benches (Debian's ``postgresql``).

``initdb`` and ``pg_ctl`` in a temporary folder, listening only on a Unix socket in that
folder. ``initdb`` refuses to run as root, so as root the cluster runs as the unprivileged
``postgres`` user (``runuser``), in a folder that user can enter (not under /root). With
``COMEBACK_TEST_PG`` set to a server URL (a database the user may create databases from),
that server is used instead and nothing is started.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

INSTALL_HINT = "apt-get install -y postgresql   (Debian's server: initdb, pg_ctl)"


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class Cluster:
    """A running server; :meth:`new_database` makes an empty database and returns its URL."""

    def __init__(self, *, fsync: bool = False) -> None:
        self.external = os.environ.get("COMEBACK_TEST_PG")
        self.folder: Path | None = None
        self.fsync = fsync
        self.user = "comeback"
        self._as: list[str] = []

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> Cluster:
        if self.external:
            return self
        bin_dir = server_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL server not installed: " + INSTALL_HINT)
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="comeback-pg-", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        os.chmod(self.folder, 0o755)
        data = self.folder / "data"
        self._run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", self.user,
                   "-E", "UTF8", "--locale=C", "--no-sync"])
        self.port = 20000 + uuid.uuid4().int % 20000
        options = (f"-k {self.folder} -c listen_addresses='' -p {self.port} "
                   f"-c fsync={'on' if self.fsync else 'off'} "
                   f"-c max_connections=200 -c shared_buffers=64MB")
        if not self.fsync:
            options += " -c synchronous_commit=off -c full_page_writes=off"
        self._run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
                   "-o", options, "-w", "-t", "60", "start"])
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.external or self.folder is None:
            return
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode,
                   "-w", "stop"], check=False)

    def restart_server(self) -> None:
        """Start it again after :meth:`stop` (same folder, same socket)."""
        data = self.folder / "data"
        options = (f"-k {self.folder} -c listen_addresses='' -p {self.port} "
                   f"-c fsync={'on' if self.fsync else 'off'} -c max_connections=200")
        self._run([str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
                   "-o", options, "-w", "-t", "60", "start"])

    def remove(self) -> None:
        self.stop("immediate")
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str], check: bool = True) -> None:
        result = subprocess.run(self._as + command, capture_output=True, text=True, cwd="/")
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:2])} failed: {result.stderr or result.stdout}")

    # -- databases --------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        if self.external:
            base = self.external.rsplit("/", 1)[0]
            return f"{base}/{dbname}"
        return f"postgresql://{self.user}@/{dbname}?host={self.folder}&port={self.port}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, template: str | None = None) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)
