"""Starting the app on a database file in each bad state shows the window that explains it
and offers the ways out (another file, the newest good backup, try again, quit); never a
traceback, never a counter on a file that cannot take a tap."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app import backups
from app.context import Context
from db.connection import open_database
from tests.conftest import cli_init_store
from tests.dbstates import (
    CAN_DROP_PRIVILEGES,
    ROOT,
    checkpoint,
    flip_bytes_in_the_middle,
    mark_as_newer,
    run_cli,
)
from ui import app as ui_app
from ui.db_problem import DbProblemWindow
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _forget_windows():
    yield
    for window in list(ui_app._WINDOWS):
        window.close()
    ui_app._WINDOWS.clear()


def _store(folder: Path) -> Path:
    path = folder / "store.db"
    cli_init_store(path)
    checkpoint(path)
    return path


def _start(qtbot, path, **kwargs):
    window = ui_app.start(QApplication.instance(), path, **kwargs)
    qtbot.addWidget(window)
    return window


def _deny(monkeypatch, what: int) -> None:
    """This process runs as root, for which file modes do not hold: the permission check
    answers as it would for the shop's user (the CLI tests make it real with setpriv)."""
    from db import health

    real = os.access
    monkeypatch.setattr(health.os, "access", lambda p, mode: False if mode == what
                        else real(p, mode))


def directory(folder, monkeypatch):
    (folder / "adir").mkdir()
    return folder / "adir"


def not_a_database(folder, monkeypatch):
    (folder / "random.db").write_bytes(os.urandom(8192))
    return folder / "random.db"


def a_pdf(folder, monkeypatch):
    (folder / "week.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return folder / "week.pdf"


def unreadable(folder, monkeypatch):
    path = _store(folder)
    path.chmod(0)
    _deny(monkeypatch, os.R_OK)
    return path


def read_only(folder, monkeypatch):
    path = _store(folder)
    path.chmod(0o444)
    _deny(monkeypatch, os.W_OK)
    return path


def newer(folder, monkeypatch):
    path = _store(folder)
    mark_as_newer(path)
    return path


def damaged_first_page(folder, monkeypatch):
    path = _store(folder)
    with open(path, "r+b") as file:
        file.seek(0)
        file.write(b"SQLite format 3\x00" + os.urandom(84))
    return path


def disk_full(folder, monkeypatch):
    """The first start on a disk with no room: the new database cannot be set up."""
    from db import connection

    configure = connection._configure

    def full(conn, *, wal):  # the page limit of tests.dbstates.FULL_DISK
        configure(conn, wal=wal)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={max(pages, 1)}")

    monkeypatch.setattr(connection, "_configure", full)
    return folder / "new" / "comeback.db"


CASES = {
    "directory": (directory, "That is a folder, not a database", "is a folder"),
    "not_a_database": (not_a_database, "This is not a Comeback database", "not a database"),
    "pdf": (a_pdf, "This is not a Comeback database", "a PDF document"),
    "unreadable": (unreadable, "The database cannot be read", "cannot be read by this user"),
    "read_only": (read_only, "The database is read-only", "nothing can be saved in it"),
    "newer_comeback": (newer, "The database is from a newer Comeback",
                       "database version 99"),
    "damaged": (damaged_first_page, "The database is damaged", "is damaged"),
    "disk_full": (disk_full, "The disk is full", "The disk is full"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_starting_on_a_bad_file_shows_the_explaining_window(qtbot, tmp_path, monkeypatch,
                                                            case):
    make, title, text = CASES[case]
    folder = tmp_path / "store"
    folder.mkdir()
    path = make(folder, monkeypatch)
    window = _start(qtbot, path)
    assert isinstance(window, DbProblemWindow) and window.isVisible()
    assert window.title.text() == title
    assert text in window.text.text() and str(path) in window.path_label.text()
    assert {"open", "quit"} <= set(window.buttons)
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, MainWindow) and w.isVisible()]


def test_a_lock_held_at_start_says_busy_and_try_again_opens_the_counter(
        qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr("db.connection.BUSY_TIMEOUT_MS", 100)
    path = _store(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    window = _start(qtbot, path)
    assert isinstance(window, DbProblemWindow)
    assert window.title.text() == "The database is busy"
    holder.execute("ROLLBACK")
    holder.close()
    window.buttons["retry"].click()
    counter = ui_app._WINDOWS[-1]
    qtbot.addWidget(counter)
    assert isinstance(counter, MainWindow) and counter.isVisible()


def test_open_another_file_from_the_window_starts_on_it(qtbot, tmp_path, monkeypatch):
    good = _store(tmp_path)
    (tmp_path / "adir").mkdir()
    window = ui_app.show_problem(QApplication.instance(), _problem_for(tmp_path / "adir"),
                                 tmp_path / "adir", ask_path=lambda parent: str(good))
    qtbot.addWidget(window)
    window.buttons["open"].click()
    counter = ui_app._WINDOWS[-1]
    qtbot.addWidget(counter)
    assert isinstance(counter, MainWindow) and counter.controller.ctx.db.path == good


def _problem_for(path):
    from app.context import open_context
    from app.errors import DatabaseProblem

    try:
        open_context(path)
    except DatabaseProblem as problem:
        return problem
    raise AssertionError("expected a problem")


@pytest.mark.parametrize("where", ["in_the_event_loop", "in_a_worker_thread"])
def test_a_damage_found_after_the_paint_offers_the_newest_backup_and_restores_it(
        qtbot, tmp_path, fake_timers, monkeypatch, where):
    """A small file is checked in one event-loop step; a big one (here: any) in a thread."""
    from app.cli import main

    if where == "in_a_worker_thread":
        monkeypatch.setattr(ui_app.FileCare, "SYNC_CHECK_BYTES", 0)

    path = tmp_path / "store.db"
    assert main(["demo", "--db", str(path), "--weeks", "8"]) == 0  # a store with a history
    ctx = Context(open_database(path))
    made = backups.make_backup(ctx)
    ctx.db.close()
    checkpoint(path)
    flip_bytes_in_the_middle(path)  # the counter still paints; quick_check finds it
    window = _start(qtbot, path, timer_factory=fake_timers)
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: isinstance(ui_app._WINDOWS[-1], DbProblemWindow), timeout=10000)
    problem_window = ui_app._WINDOWS[-1]
    qtbot.addWidget(problem_window)
    assert problem_window.title.text() == "The database is damaged"
    assert not window.isVisible()
    assert problem_window.problem.backup.path == made.path
    assert "The newest good backup is from" in problem_window.text.text()
    problem_window.buttons["restore"].click()
    counter = ui_app._WINDOWS[-1]
    assert not isinstance(counter, DbProblemWindow), counter.text.text()
    qtbot.addWidget(counter)
    assert isinstance(counter, MainWindow) and counter.isVisible()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT action FROM audit_log ORDER BY id DESC").fetchone()[0] == \
        "database.restored"
    conn.close()
    assert list((tmp_path / "backups").glob("store-before-restore-*.db"))


@pytest.mark.skipif(not CAN_DROP_PRIVILEGES, reason="root without setpriv")
@pytest.mark.parametrize("state", ["unreadable", "read_only", "damaged"])
def test_the_real_entry_point_shows_the_window_and_prints_no_traceback(tmp_path, state):
    """``comeback --db FILE`` as a user starts it (permissions real under setpriv)."""
    path = _store(tmp_path)
    if state == "unreadable":
        path.chmod(0)
    elif state == "read_only":
        path.chmod(0o444)
    else:
        flip_bytes_in_the_middle(path)
    preamble = """
from PySide6.QtCore import QTimer
import ui.app as ui_app

shown = ui_app.show_problem

def show_and_quit(app, problem, db_path, **options):
    window = shown(app, problem, db_path, **options)
    print(type(window).__name__, window.title.text(), flush=True)
    QTimer.singleShot(0, app.quit)
    return window

ui_app.show_problem = show_and_quit
"""
    done = run_cli(["--db", str(path)], preamble=preamble,
                   unprivileged=state != "damaged", cwd=ROOT)
    path.chmod(0o644)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    title = {"unreadable": "The database cannot be read", "read_only": "The database is read-only",
             "damaged": "The database is damaged"}[state]
    assert f"DbProblemWindow {title}" in done.stdout


def test_a_big_sound_file_is_checked_in_a_thread_then_erasure_and_backups_follow(
        qtbot, tmp_path, fake_timers, monkeypatch):
    monkeypatch.setattr(ui_app.FileCare, "SYNC_CHECK_BYTES", 0)
    erased = []
    monkeypatch.setattr("app.privacy.erase_expired_guest_details",
                        lambda ctx: erased.append(ctx))
    path = _store(tmp_path)
    window = _start(qtbot, path, timer_factory=fake_timers)
    qtbot.waitUntil(lambda: bool(erased) and hasattr(window, "backups"), timeout=10000)
    assert window.isVisible() and window.file_check is not None
    assert fake_timers.made[-1] is window.backups.timer and window.backups.timer.active


def test_a_damaged_file_can_be_cured_with_a_backup_file_the_owner_picks(qtbot, tmp_path):
    path = _store(tmp_path)
    ctx = Context(open_database(path))
    usb = tmp_path / "usb" / "friday.db"
    backups.make_backup(ctx, usb)
    ctx.db.close()
    checkpoint(path)
    with open(path, "r+b") as file:
        file.seek(0)
        file.write(b"SQLite format 3\x00" + os.urandom(84))
    for stale in (tmp_path / "backups").glob("*"):
        stale.unlink()
    window = ui_app.show_problem(QApplication.instance(), _problem_for(path), path,
                                 ask_path=lambda parent: str(usb))
    qtbot.addWidget(window)
    assert "restore" not in window.buttons  # none next to the database
    window.buttons["restore_file"].click()
    counter = ui_app._WINDOWS[-1]
    qtbot.addWidget(counter)
    assert isinstance(counter, MainWindow) and counter.controller.ctx.db.path == path
