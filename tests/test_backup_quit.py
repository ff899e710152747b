"""The app's automatic backups off the counter's thread: the daily one in a worker thread
while taps go on being saved, the one at quit made after the window is gone (and skipped
when nothing was written since this run's last backup), and a machine switched off in the
middle of the quit backup leaves the previous backup good."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import db.backup
from app import backups, catalog, incidents
from app.clock import FixedClock
from app.context import Context
from app.models import RemedyRequest
from db.connection import open_database
from tests.conftest import START, cli_init_store, shown_main_window
from tests.dbstates import ROOT, checkpoint
from ui.backup_timer import finish_backups, install_backups

pytestmark = pytest.mark.gui


def _tap(ctx: Context) -> None:
    incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
                           remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)],
                           staff_id=None)


def _incidents(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def file_ctx(tmp_path):
    path = tmp_path / "comeback.db"
    cli_init_store(path)
    ctx = Context(open_database(path), FixedClock(START))
    yield ctx
    ctx.db.close()


def test_the_daily_backup_runs_in_a_thread_while_taps_are_saved(qtbot, file_ctx,
                                                                fake_timers, monkeypatch):
    _tap(file_ctx)
    window = shown_main_window(qtbot, file_ctx)
    timer = install_backups(window, file_ctx, fake_timers)  # the app's worker: a thread
    copying, go_on = threading.Event(), threading.Event()

    def progress(_status, _remaining, _total) -> None:
        copying.set()
        assert go_on.wait(30)  # held mid-copy until the tap below is saved

    monkeypatch.setattr(db.backup, "PAGES_PER_STEP", 1)
    monkeypatch.setattr(db.backup, "PROGRESS", progress)
    with qtbot.waitSignal(timer.backed_up, timeout=30000) as done:
        timer.timer.fire()  # returns at once: the copy is in the worker
        assert copying.wait(30)
        _tap(file_ctx)  # saved while the backup holds its snapshot
        go_on.set()
    made = done.args[0]
    assert _incidents(made.path) == 1  # the snapshot as the backup began
    assert _incidents(Path(file_ctx.db.path)) == 2
    assert file_ctx.db.sound_since is not None  # the checked copy counts as the day's check
    assert timer.timer.active  # armed for the next day
    file_ctx.clock.advance(hours=3)
    window.close()
    finish_backups([window])  # the tap after the snapshot goes in the quit backup
    newest = backups.last_backup(file_ctx)
    assert newest.taken_at == START.replace(hour=14) and _incidents(newest.path) == 2


def test_closing_during_the_daily_backup_waits_for_it_after_the_window_is_gone(
        qtbot, file_ctx, fake_timers, monkeypatch):
    window = shown_main_window(qtbot, file_ctx)
    timer = install_backups(window, file_ctx, fake_timers)
    copying, go_on = threading.Event(), threading.Event()

    def progress(_status, _remaining, _total) -> None:
        copying.set()
        assert go_on.wait(30)

    monkeypatch.setattr(db.backup, "PAGES_PER_STEP", 1)
    monkeypatch.setattr(db.backup, "PROGRESS", progress)
    timer.timer.fire()
    assert copying.wait(30)
    window.close()  # mid-copy: the window goes all the same
    assert not window.isVisible() and backups.last_backup(file_ctx) is None
    go_on.set()
    finish_backups([window])  # waits for the copy; nothing written since: no second one
    made = backups.last_backup(file_ctx)
    assert made is not None and timer.last_made.backup == made
    assert backups.list_backups(made.path.parent, Path(file_ctx.db.path)) == [made]
    assert file_ctx.db.sound_since is not None


def test_quitting_with_nothing_written_since_the_last_backup_makes_none(qtbot, file_ctx,
                                                                        fake_timers):
    window = shown_main_window(qtbot, file_ctx)
    timer = install_backups(window, file_ctx, fake_timers, worker=lambda work: work())
    timer.timer.fire()
    first = backups.last_backup(file_ctx)
    file_ctx.clock.advance(hours=3)
    window.close()
    assert not window.isVisible()
    finish_backups([window])
    assert backups.list_backups(first.path.parent, Path(file_ctx.db.path)) == [first]


def test_a_window_closed_without_backups_installed_finishes_nothing(qtbot, file_ctx):
    window = shown_main_window(qtbot, file_ctx)
    window.close()
    finish_backups([window])
    assert backups.last_backup(file_ctx) is None


def test_closing_on_a_database_with_no_file_makes_no_backup_and_no_error(qtbot, ctx):
    window = shown_main_window(qtbot, ctx)  # in memory, as a server's store: no file
    timer = install_backups(window, ctx)
    window.close()
    assert timer.closing
    finish_backups([window])
    assert timer.last_made is None


QUIT_SLOWLY = """
import sys, time
from pathlib import Path
import db.backup
db.backup.PAGES_PER_STEP = 1
db.backup.PROGRESS = lambda status, remaining, total: time.sleep(0.01)
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.clock import FixedClock
from app.context import Context
from db.connection import open_database
from datetime import datetime, timezone
from ui.app import build_main_window
from ui.backup_timer import finish_backups, install_backups
ctx = Context(open_database(Path(sys.argv[1])),
              FixedClock(datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc)))
window = build_main_window(ctx)
install_backups(window, ctx)
window.show()
app.processEvents()
window.close()
print("closed", window.isVisible(), flush=True)
finish_backups([window])
"""


def test_the_machine_switched_off_during_the_quit_backup_keeps_the_previous_one(tmp_path):
    from app.cli import main

    path = tmp_path / "store.db"
    assert main(["demo", "--db", str(path), "--weeks", "8"]) == 0  # ~110 pages to copy
    checkpoint(path)
    assert main(["backup", "--db", str(path)]) == 0
    folder = tmp_path / "backups"
    previous = folder / "store-2026-01-05T120000Z.db"
    next(folder.glob("store-*.db")).rename(previous)
    before = previous.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", QUIT_SLOWLY, str(path)], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "closed False"  # the window went first
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            part = next(folder.glob(".store-*.part"), None)
            if part is not None and part.exists() and part.stat().st_size > 16 * 4096:
                break
            time.sleep(0.01)  # waiting for the child to be mid-copy, not for a timer
        assert child.poll() is None, "the backup finished before the power went"
        os.kill(child.pid, signal.SIGKILL)  # as close to pulling the plug as a test gets
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    assert previous.read_bytes() == before
    assert [b.path for b in backups.list_backups(folder, path)] == [previous]
    assert db.backup.check_backup(previous)  # restores: sound and holds a store
