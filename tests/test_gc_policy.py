"""The app's one GC policy (ui.gc_policy): once the start's steps are done, what start-up
built is frozen out of the collector's full passes, and the counter works on."""

from __future__ import annotations

import gc

import pytest

from tests.conftest import cli_init_store

pytestmark = pytest.mark.gui


def test_the_start_freezes_what_it_built_once_every_step_ran(qtbot, tmp_path, fake_timers,
                                                             monkeypatch):
    from PySide6.QtWidgets import QApplication

    from ui import app as ui_app

    monkeypatch.setattr(ui_app.FileCare, "SYNC_CHECK_BYTES", 0)  # no check in a thread
    path = tmp_path / "store.db"
    cli_init_store(path)
    gc.unfreeze()
    try:
        window = ui_app.start(QApplication.instance(), path, timer_factory=fake_timers)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=10000)
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=10000)
        assert window.page("counter").category_tiles()  # the counter is as it was
        window.close()
        window.controller.ctx.db.close()
    finally:
        ui_app._WINDOWS.clear()
