"""Backups that restore: checked copies made by SQLite, rotated, private; restore keeps the
current database aside, works over a database the app has open, and is audited; a kill -9
during a backup leaves the database and the older backups as they were."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import backups, catalog, incidents
from app.cli import main
from app.clock import FixedClock
from app.context import Context
from app.models import RemedyRequest
from db.connection import open_database
from tests.conftest import START, cli_init_store
from tests.dbstates import ROOT, checkpoint, flip_bytes_in_the_middle, mark_as_newer, run_cli


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        conn.close()


def _log(ctx: Context, n: int = 1) -> None:
    category = catalog.category_by_code(ctx, "cold_food").id
    remedy = catalog.remedy_by_code(ctx, "remake").id
    for _ in range(n):
        incidents.log_incident(ctx, category_id=category, remedies=[RemedyRequest(remedy)],
                               staff_id=None)


@pytest.fixture
def store(tmp_path) -> Context:
    """A store on a file, open as the app has it, with a fixed clock."""
    path = tmp_path / "data" / "comeback.db"
    cli_init_store(path)
    ctx = Context(open_database(path), FixedClock(START))
    _log(ctx, 3)
    yield ctx
    ctx.db.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_a_checked_private_copy_with_everything_in_the_wal(store):
    made = backups.make_backup(store)
    assert made.path.parent == store.db.path.parent / "backups"
    assert made.path.name == "comeback-2026-11-16T110000Z.db"
    assert oct(made.path.stat().st_mode & 0o777) == "0o600"
    assert oct(made.path.parent.stat().st_mode & 0o777) == "0o700"
    assert Path(f"{store.db.path}-wal").exists()  # the 3 incidents may still be in the WAL
    assert _count(made.path) == 3
    conn = sqlite3.connect(made.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    conn.close()
    assert not list(made.path.parent.glob("*.part"))
    assert backups.last_backup(store) == made


def test_the_backup_folder_is_a_setting(store, tmp_path):
    from app import staff, store_admin

    owner = staff.find_by_name(store, "Ingrid").id
    usb = tmp_path / "usb stick"
    store_admin.update_settings(store, owner, {"backup_folder": str(usb)})
    made = backups.make_backup(store)
    assert made.path.parent == usb and backups.last_backup(store) == made


def _fake_backups(folder: Path, times: list[datetime]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for when in times:
        (folder / f"comeback-{when.strftime('%Y-%m-%dT%H%M%SZ')}.db").write_bytes(b"")


def test_rotation_keeps_14_daily_and_8_weekly_by_default(store):
    folder = store.db.path.parent / "backups"
    # Two backups a day (the daily one and one at closing) for 120 days.
    newest = datetime(2026, 11, 16, 22, 0, tzinfo=timezone.utc)
    times = [newest - timedelta(days=d, hours=h) for d in range(120) for h in (0, 9)]
    _fake_backups(folder, times)
    settings = store.settings()
    assert (settings.backups_daily, settings.backups_weekly) == (14, 8)
    backups.rotate(folder, store.db.path, settings.backups_daily, settings.backups_weekly)
    kept = backups.list_backups(folder, store.db.path)
    days = {b.taken_at.date() for b in kept}
    assert len(kept) == len(days)  # one per day at most: the newest of that day
    assert all(b.taken_at.hour == 22 for b in kept)
    assert sorted(days, reverse=True)[:14] == [newest.date() - timedelta(days=d)
                                               for d in range(14)]
    weeks = {b.taken_at.isocalendar()[:2] for b in kept}
    assert len(weeks) == 8  # the 14 days span 3 weeks; 5 more weeks back, one each
    assert len(kept) == 14 + 5


def test_an_interrupted_backup_is_swept_by_the_next_one(store):
    folder = store.db.path.parent / "backups"
    folder.mkdir()
    (folder / ".comeback-2026-11-16T100000Z.db.abc.part").write_bytes(b"half")
    backups.make_backup(store)
    assert [p.name for p in folder.iterdir()] == ["comeback-2026-11-16T110000Z.db"]


def test_a_backup_that_cannot_be_written_leaves_nothing_and_keeps_older_ones(store,
                                                                            monkeypatch):
    first = backups.make_backup(store)
    store.clock.advance(days=1)
    from db import backup as backup_db

    def fails(source, target):
        Path(target).write_bytes(b"SQLite format 3\x00 and then the disk was full")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_db, "copy_to", fails)
    from app.errors import ComebackError

    with pytest.raises(ComebackError, match="No space left on device"):
        backups.make_backup(store)
    assert list(first.path.parent.iterdir()) == [first.path]


def test_backup_and_restore_through_the_cli_keep_the_current_database_aside(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    assert main(["log", "--db", str(path), "--category", "cold_food", "--remedy", "remake"]) == 0
    done = run_cli(["--db", str(path), "backup", "--out", str(tmp_path / "friday.db")])
    assert done.returncode == 0 and "checked" in done.stdout
    for _ in range(2):
        assert main(["log", "--db", str(path), "--category", "cold_food",
                     "--remedy", "remake"]) == 0
    done = run_cli(["--db", str(path), "restore", str(tmp_path / "friday.db")])
    assert done.returncode == 0, done.stderr
    assert _count(path) == 1
    aside = next((tmp_path / "backups").glob("store-before-restore-*.db"))
    assert _count(aside) == 3 and oct(aside.stat().st_mode & 0o777) == "0o600"
    conn = sqlite3.connect(path)
    action, detail = conn.execute("SELECT action, detail FROM audit_log ORDER BY id DESC"
                                  ).fetchone()
    conn.close()
    assert action == "database.restored" and "friday.db" in detail and aside.name in detail


def test_restoring_over_a_database_the_app_has_open(store, tmp_path):
    made = backups.make_backup(store)
    _log(store, 4)  # the app goes on logging after the backup
    assert _count(store.db.path) == 7
    done = run_cli(["--db", str(store.db.path), "restore", str(made.path)])
    assert done.returncode == 0, done.stderr
    # The app's own connection reads the restored data on its next query, and can write.
    assert store.db.conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 3
    _log(store, 1)
    assert _count(store.db.path) == 4
    conn = sqlite3.connect(store.db.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_restoring_over_a_damaged_database_moves_it_aside(store, tmp_path):
    made = backups.make_backup(store)
    path = store.db.path
    store.db.close()
    checkpoint(path)
    flip_bytes_in_the_middle(path)
    damaged = path.read_bytes()
    done = run_cli(["--db", str(path), "restore", str(made.path)])
    assert done.returncode == 0, done.stderr
    assert _count(path) == 3
    aside = next((path.parent / "backups").glob("comeback-before-restore-*.db"))
    assert aside.read_bytes() == damaged


@pytest.mark.parametrize("spoil, message", [
    (flip_bytes_in_the_middle, "cannot be restored"),
    (lambda p: p.write_bytes(os.urandom(4096)), "cannot be restored"),
    (mark_as_newer, "saved by a newer Comeback"),
])
def test_a_bad_backup_is_refused_and_the_database_left_alone(store, tmp_path, spoil,
                                                             message):
    made = backups.make_backup(store)
    bad = tmp_path / "bad.db"
    shutil.copy(made.path, bad)
    spoil(bad)
    store.db.close()
    checkpoint(store.db.path)
    before = _sha(store.db.path)
    done = run_cli(["--db", str(store.db.path), "restore", str(bad)])
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert _sha(store.db.path) == before
    assert not list((store.db.path.parent / "backups").glob("*before-restore*"))


def test_restore_onto_a_new_computer_creates_the_database(store, tmp_path):
    made = backups.make_backup(store)
    new_pc = tmp_path / "new-pc" / "comeback.db"
    done = run_cli(["--db", str(new_pc), "restore", str(made.path)])
    assert done.returncode == 0, done.stderr
    assert _count(new_pc) == 3 and oct(new_pc.stat().st_mode & 0o777) == "0o600"


SLOW_BACKUP = """
import time
import db.backup
db.backup.PAGES_PER_STEP = 1
db.backup.PROGRESS = lambda status, remaining, total: time.sleep(0.01)
"""


def test_a_kill_during_a_backup_leaves_the_database_and_older_backups_intact(tmp_path):
    path = tmp_path / "store.db"
    assert main(["demo", "--db", str(path), "--weeks", "8"]) == 0  # ~110 pages to copy
    checkpoint(path)
    assert main(["backup", "--db", str(path)]) == 0
    folder = tmp_path / "backups"
    older = next(folder.glob("store-*.db"))
    older_sha, db_sha, incidents_before = _sha(older), _sha(path), _count(path)
    older.rename(folder / "store-2026-01-05T120000Z.db")  # a day long gone
    older = folder / "store-2026-01-05T120000Z.db"
    code = SLOW_BACKUP + "\nimport sys\nfrom ui.entry import main\nsys.exit(main(sys.argv[1:]))\n"
    child = subprocess.Popen([sys.executable, "-c", code, "--db", str(path), "backup"],
                             cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        part = None
        while time.monotonic() < deadline and child.poll() is None:
            part = next(folder.glob(".store-*.part"), None)
            if part is not None and part.exists() and part.stat().st_size > 16 * 4096:
                break
            time.sleep(0.01)  # waiting for the child to be mid-copy, not for a timer
        assert child.poll() is None, "the backup finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert _sha(older) == older_sha  # the older backup as it was
    assert [p.name for p in folder.glob("store-*.db")] == [older.name]  # no half backup
    assert _sha(path) == db_sha and _count(path) == incidents_before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert main(["backup", "--db", str(path)]) == 0  # the next one sweeps the .part
    assert not list(folder.glob(".*.part")) and len(list(folder.glob("store-*.db"))) == 2


def test_the_weekly_pdf_footer_names_the_last_backup(ctx, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    from app.pdf import render_pdf
    from app.summary import weekly_summary

    taken = backups.Backup(tmp_path / "x.db", datetime(2026, 11, 22, 21, 5, tzinfo=timezone.utc))
    out = tmp_path / "w.pdf"
    render_pdf(weekly_summary(ctx, "2026-W47"), out, last_backup=taken)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "last backup 22/11/2026, 22:05" in text
