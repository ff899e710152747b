"""Database files in each bad state, made for real (tests/test_db_states*.py).

Unreadable and read-only files need a process that permissions apply to: as root the
child runs under ``setpriv`` with the capabilities that bypass file modes dropped
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), so mode 000 is really unreadable.
A full disk is SQLite's ``max_page_count`` (set by a preamble in the child, since the
limit belongs to a connection); a lock held past the busy timeout is a writer in this
process holding ``BEGIN EXCLUSIVE`` while the child runs with a 200 ms timeout.
"""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"] \
    if os.geteuid() == 0 else []
CAN_DROP_PRIVILEGES = os.geteuid() != 0 or shutil.which("setpriv") is not None

FULL_DISK = """
import db.connection as connection
_configure = connection._configure
def full(conn, *, wal):
    _configure(conn, wal=wal)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={max(pages, 1)}")
connection._configure = full
"""
SHORT_BUSY_TIMEOUT = """
import db.connection as connection
connection.BUSY_TIMEOUT_MS = 200
"""


def run_cli(args: list[str], *, preamble: str = "", unprivileged: bool = False,
            cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``comeback ARGS`` in a child process, as a user would run it."""
    code = preamble + "\nimport sys\nfrom ui.entry import main\nsys.exit(main(sys.argv[1:]))\n"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", code, *args]
    return subprocess.run((UNPRIVILEGED if unprivileged else []) + command, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def flip_bytes_in_the_middle(path: Path, count: int = 64) -> None:
    """Flip ``count`` bytes in the used page nearest the middle of the file that the
    counter does not read to paint (the vouchers table's root page, or one of its
    children), as a failing disk sector would: SQLite's quick_check finds it."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [r[0] for r in conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name IN ('vouchers', 'audit_log') "
        "AND rootpage > 1")]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    page = min(roots, key=lambda r: abs(r - pages // 2))
    offset = (page - 1) * page_size
    with open(path, "r+b") as file:
        file.seek(offset)
        chunk = file.read(count)
        file.seek(offset)
        file.write(bytes(b ^ 0xFF for b in chunk))


def mark_as_newer(path: Path, name: str = "0099_from_the_future") -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('comeback', ?, '2030-01-01')", [name])
    conn.close()


def checkpoint(path: Path) -> None:
    """Everything into the main file, no -wal left (so a byte flip hits real pages); first
    lets go of connections this process left open (an in-process ``comeback init``)."""
    gc.collect()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}
