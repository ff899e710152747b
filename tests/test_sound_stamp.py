"""The damage check costs nothing while the file is as a Comeback process left it: the full
``quick_check`` runs when the file changed behind Comeback's back, when the last full check
is a day old, and not otherwise; a damaged page met while reading still refuses the
command with nothing written, and the next process checks the whole file again."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from app import backups
from app.cli import main
from app.context import Context
from db import health, sound_stamp
from db.connection import open_database
from tests.conftest import cli_init_store
from tests.dbstates import run_cli

LOG = ["log", "--category", "cold_food", "--remedy", "remake"]


@pytest.fixture
def full_checks(monkeypatch) -> list[Path]:
    """Every full quick_check this process runs (the file it read)."""
    done: list[Path] = []
    real = health.quick_check

    def counted(conn, path):
        done.append(Path(path))
        return real(conn, path)

    monkeypatch.setattr(health, "quick_check", counted)
    return done


def _touch_behind_comebacks_back(path: Path) -> None:
    """Another program writes the file (here: SQLite outside Comeback)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE someone_elses (x)")
    conn.close()


def test_a_file_found_sound_is_not_read_again_until_something_else_writes_it(
        tmp_path, full_checks):
    path = tmp_path / "store.db"
    cli_init_store(path)  # init checked the new file and stamped it when it ended well
    assert sound_stamp.stamp_path(path).is_file()
    full_checks.clear()
    assert main(["--db", str(path), *LOG]) == 0
    assert main(["--db", str(path), "followups"]) == 0
    assert main(["--db", str(path), "export", "--out", str(tmp_path / "all.csv")]) == 0
    assert full_checks == []  # each left the stamp for the next
    _touch_behind_comebacks_back(path)
    assert main(["--db", str(path), "followups"]) == 0
    assert main(["--db", str(path), *LOG]) == 0
    assert full_checks == [path]  # once, then stamped again


def test_the_full_check_runs_again_once_the_last_one_is_a_day_old(tmp_path, full_checks):
    path = tmp_path / "store.db"
    cli_init_store(path)
    day_ago = time.time() - sound_stamp.FULL_CHECK_EVERY - 60
    sound_stamp.write(path, day_ago)
    assert sound_stamp.sound_since(path) is None
    full_checks.clear()
    assert main(["--db", str(path), *LOG]) == 0
    assert full_checks == [path]
    assert sound_stamp.sound_since(path) > day_ago + 60


def test_a_stamp_for_another_file_at_that_path_counts_for_nothing(tmp_path, full_checks):
    """A copy put in its place (a restore by hand, ``cp -p`` of last week's file) is a
    different file: checked in full."""
    path = tmp_path / "store.db"
    cli_init_store(path)
    other = tmp_path / "copy.db"
    conn, copy = sqlite3.connect(path), sqlite3.connect(other)
    conn.backup(copy)
    conn.close(), copy.close()
    stat = path.stat()
    os.replace(other, path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old times
    full_checks.clear()
    assert main(["--db", str(path), "followups"]) == 0
    assert full_checks == [path]


def _flip_first_bytes_of(path: Path, table: str) -> None:
    """Damaged pages of ``table`` and its indexes, as a failing disk leaves them."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [r[0] for r in conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 1", [table])]
    conn.close()
    with open(path, "r+b") as file:
        for root in roots:
            file.seek((root - 1) * page_size)
            chunk = file.read(64)
            file.seek((root - 1) * page_size)
            file.write(bytes(b ^ 0xFF for b in chunk))


def test_a_damaged_page_met_while_reading_refuses_the_command_and_the_next_checks_all(
        tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    _flip_first_bytes_of(path, "followups")
    sound_stamp.write(path, time.time())  # the stamp still says sound: the disk rotted
    before = path.read_bytes()

    listed = run_cli(["--db", str(path), "followups"])
    assert listed.returncode == 2 and listed.stdout == ""
    assert "is damaged: part of it can no longer be read. Nothing was written" \
        in listed.stderr and "Traceback" not in listed.stderr
    assert not sound_stamp.stamp_path(path).exists()  # forgotten

    logged = run_cli(["--db", str(path), *LOG])  # the full check now finds it
    assert logged.returncode == 2 and "is damaged" in logged.stderr
    assert path.read_bytes() == before  # nothing was written into it


def test_a_good_backup_counts_as_the_full_check_of_the_day(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    day_ago = time.time() - sound_stamp.FULL_CHECK_EVERY - 60
    sound_stamp.write(path, day_ago)
    ctx = Context(open_database(path))
    before = time.time()
    backups.make_backup(ctx)  # copied page by page, then integrity_check on the copy
    assert ctx.db.sound_since >= before
    ctx.db.close(refresh_statistics=True)
    assert sound_stamp.sound_since(path) >= before


def test_no_stamp_is_kept_for_a_file_that_fails_its_check(tmp_path):
    from tests.dbstates import checkpoint, flip_bytes_in_the_middle

    path = tmp_path / "store.db"
    cli_init_store(path)
    checkpoint(path)
    flip_bytes_in_the_middle(path)
    sound_stamp.stamp_path(path).unlink()
    assert main(["--db", str(path), *LOG]) == 2
    assert not sound_stamp.stamp_path(path).exists()


@pytest.mark.gui
def test_the_app_does_not_read_a_stamped_file_again_and_stamps_one_it_checked(
        qtbot, tmp_path, fake_timers, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from ui import app as ui_app

    monkeypatch.setattr(ui_app.FileCare, "SYNC_CHECK_BYTES", 0)  # a check would be a thread
    path = tmp_path / "store.db"
    cli_init_store(path)  # stamped by init
    try:
        window = ui_app.start(QApplication.instance(), path, timer_factory=fake_timers)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=10000)
        assert getattr(window, "file_check", None) is None  # nothing read in full
        window.close()
        window.controller.ctx.db.close(refresh_statistics=True)  # as the app quits
        assert sound_stamp.sound_since(path) is not None

        sound_stamp.stamp_path(path).unlink()  # not checked today
        again = ui_app.start(QApplication.instance(), path, timer_factory=fake_timers)
        qtbot.addWidget(again)
        qtbot.waitUntil(lambda: sound_stamp.stamp_path(path).exists(), timeout=10000)
        assert again.file_check is not None  # checked in the worker, then stamped
        qtbot.waitUntil(lambda: hasattr(again, "backups"), timeout=10000)
        again.close()
        again.controller.ctx.db.close()
    finally:
        ui_app._WINDOWS.clear()
