"""Automatic backups in the app (daily single-shot timer, and on close) and the back
office's Backups tab (the last good backup, "Back up now")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from app import backups, staff, store_admin
from app.clock import FixedClock
from app.context import Context
from db.connection import open_database
from tests.conftest import START, cli_init_store, shown_main_window
from ui.backup_timer import MIN_MS, RETRY_MS, finish_backups, install_backups

pytestmark = pytest.mark.gui
DAY_MS = 24 * 60 * 60 * 1000


def at_once(work) -> None:
    """A backup worker that does the work at once (the app's runs it in a thread)."""
    work()


def _write(ctx) -> None:
    """Something written to the file, as a tap would."""
    with ctx.db.atomic():
        ctx.db.execute("UPDATE stores SET created_at = created_at")


@pytest.fixture
def file_ctx(tmp_path):
    path = tmp_path / "comeback.db"
    cli_init_store(path)
    ctx = Context(open_database(path), FixedClock(START))
    yield ctx
    ctx.db.close()


def test_the_daily_backup_is_one_single_shot_timer_and_closing_backs_up(qtbot, file_ctx,
                                                                       fake_timers):
    window = shown_main_window(qtbot, file_ctx)
    timer = install_backups(window, file_ctx, fake_timers, worker=at_once)
    armed = timer.timer
    assert fake_timers.made == [armed] and armed.single_shot
    assert armed.active and armed.starts == [MIN_MS]  # none yet: due, after the first minute
    armed.fire()
    first = backups.last_backup(file_ctx)
    assert first is not None and first.taken_at == START
    assert armed.active and armed.starts[-1] == DAY_MS  # the next one a day later
    file_ctx.clock.advance(hours=30)
    armed.fire()
    assert backups.last_backup(file_ctx).taken_at == START.replace(day=17, hour=17)
    file_ctx.clock.advance(hours=2)
    _write(file_ctx)
    window.close()  # the window goes at once; the backup follows once it is gone
    assert not window.isVisible() and not armed.active
    assert backups.last_backup(file_ctx).taken_at == START.replace(day=17, hour=17)
    finish_backups([window])  # ui.app.main, after the event loop
    assert backups.last_backup(file_ctx).taken_at == START.replace(day=17, hour=19)
    assert len(list((Path(file_ctx.db.path).parent / "backups").iterdir())) == 2  # 1 a day


def test_a_failed_backup_is_tried_again_an_hour_later_not_in_a_loop(qtbot, file_ctx,
                                                                    fake_timers, tmp_path):
    owner = staff.find_by_name(file_ctx, "Ingrid").id
    not_a_folder = tmp_path / "usb"
    not_a_folder.write_text("the stick is not mounted")
    store_admin.update_settings(file_ctx, owner, {"backup_folder": str(not_a_folder)})
    window = shown_main_window(qtbot, file_ctx)
    timer = install_backups(window, file_ctx, fake_timers, worker=at_once)
    with qtbot.waitSignal(timer.failed) as failed:
        timer.timer.fire()
    assert "Could not write the backup" in failed.args[0]
    assert timer.timer.starts[-1] == RETRY_MS


def test_the_backups_tab_shows_the_last_good_backup_and_backs_up_now(qtbot, file_ctx):
    window = shown_main_window(qtbot, file_ctx)
    page = window.page("backoffice")
    page.unlock(staff.find_by_name(file_ctx, "Ingrid"))
    page.show_tab(page.backups_tab)
    tab = page.backups_tab
    last = tab.findChild(QLabel, "backup_last")
    assert last.text() == "No backup yet."
    assert str(Path(file_ctx.db.path).parent / "backups") in tab.folder_label.text()
    tab.worker = at_once
    tab.now_button.click()
    assert last.text() == "Last good backup: 16.11.2026, 12:00"
    assert "checked" in tab.message.text()
    assert backups.last_backup(file_ctx) is not None


def test_back_up_now_copies_in_a_worker_while_the_counter_goes_on(qtbot, file_ctx):
    """A big file takes a while to copy and check: the button waits, the counter saves
    taps meanwhile, and the message comes when the worker is done."""
    from PySide6.QtCore import Qt

    window = shown_main_window(qtbot, file_ctx)
    page = window.page("backoffice")
    page.unlock(staff.find_by_name(file_ctx, "Ingrid"))
    page.show_tab(page.backups_tab)
    tab = page.backups_tab
    kept = []
    tab.worker = kept.append  # the work waits here, as in a thread still copying
    tab.now_button.click()
    assert not tab.now_button.isEnabled()
    assert tab.message.text() == "Backing up… the counter goes on meanwhile."
    assert backups.last_backup(file_ctx) is None
    counter = window.page("counter")
    qtbot.mouseClick(counter.category_tile("cold_food"), Qt.LeftButton)
    qtbot.mouseClick(counter.remedy_step.tile_for("remake"), Qt.LeftButton)
    assert file_ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
    kept.pop()()  # the worker finishes
    assert tab.now_button.isEnabled()
    assert "checked" in tab.message.text()
    assert tab.findChild(QLabel, "backup_last").text() == \
        "Last good backup: 16.11.2026, 12:00"


def test_restoring_over_the_database_the_app_has_open_then_tapping_on(qtbot, file_ctx):
    """The counter is up; ``comeback restore`` runs in another process; the next taps go
    into the restored database, whole and in order."""
    from PySide6.QtCore import Qt

    from tests.dbstates import run_cli

    window = shown_main_window(qtbot, file_ctx)
    page = window.page("counter")

    def two_taps(category: str, remedy: str) -> None:
        qtbot.mouseClick(page.category_tile(category), Qt.LeftButton)
        qtbot.mouseClick(page.remedy_step.tile_for(remedy), Qt.LeftButton)

    two_taps("cold_food", "remake")
    made = backups.make_backup(file_ctx)
    two_taps("long_wait", "free_drink")
    two_taps("long_wait", "free_drink")
    done = run_cli(["--db", str(file_ctx.db.path), "restore", str(made.path)])
    assert done.returncode == 0, done.stderr
    two_taps("wrong_order", "remake")
    rows = list(file_ctx.db.query("SELECT i.id, c.code FROM incidents i JOIN categories c "
                                  "ON c.id = i.category_id ORDER BY i.id"))
    assert [r["code"] for r in rows] == ["cold_food", "wrong_order"]
    assert file_ctx.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.postgresql
def test_on_a_server_the_backups_tab_points_to_pg_dump_and_backs_up_into_a_file(
        qtbot, pg_url, tmp_path, monkeypatch):
    from app import terminal_config

    monkeypatch.setattr(terminal_config, "folder", lambda: tmp_path / "data")
    cli_init_store(pg_url)
    ctx = Context(open_database(pg_url), FixedClock(START))
    try:
        window = shown_main_window(qtbot, ctx)
        assert backups.backup_due(ctx) is None  # no daily copy by every counter
        page = window.page("backoffice")
        page.unlock(staff.find_by_name(ctx, "Ingrid"))
        page.show_tab(page.backups_tab)
        tab = page.backups_tab
        last = tab.findChild(QLabel, "backup_last")
        assert last.text().startswith("No backup yet. The store is on a database server")
        assert "pg_dump" in last.text() and tab.now_button.isEnabled()
        tab.now_button.click()
        assert "checked" in tab.message.text()
        made = backups.last_backup(ctx)
        assert made.path.parent == tmp_path / "data" / "backups"
        assert last.text().startswith("Last good backup: 16.11.2026, 12:00")
    finally:
        ctx.db.close()
