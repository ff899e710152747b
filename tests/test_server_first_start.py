"""A terminal's first start on its PostgreSQL server (no copy of the store yet): the counter
is painted from the server, and the copy is made in the first step after the paint
(ui.server_start.fill_copy), before the taps' retry, the outbox and the live feed are set
up on the terminal's handle; a tap in between is saved on the server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

from app import offline, staff
from app.cli import main as cli_main
from app.context import Context
from db.connection import open_database
from db.failover import Failover, copy_path
from tests.conftest import OWNER_PIN
from ui import app as ui_app
from ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]


@pytest.fixture(autouse=True)
def _forget_windows():
    yield
    for window in list(ui_app._WINDOWS):
        window.close()
        window.deleteLater()
    ui_app._WINDOWS.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    ui_app._close_databases()


@pytest.fixture
def store(pg_url, tmp_path, monkeypatch) -> str:
    """A store on the server; this terminal (a data folder of the test's own) has no copy."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli_main(["init", "--db", pg_url, "--store", "Fjord Kafé", "--currency", "NOK",
                     "--owner", "Ingrid", "--owner-pin", OWNER_PIN]) == 0
    return pg_url


def _copy(url: str):
    return copy_path(offline.data_folder(), url)


def test_the_first_start_paints_from_the_server_and_makes_the_copy_after(qtbot, store):
    window = ui_app.start(QApplication.instance(), store)
    qtbot.addWidget(window)
    ctx = window.controller.ctx
    assert isinstance(window, MainWindow)
    assert "Cold food" in [c.label for c in window.page("counter")._categories]
    assert not isinstance(ctx.db, Failover) and not _copy(store).exists()  # not yet
    qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=15000)  # every step ran
    assert isinstance(ctx.db, Failover) and not ctx.db.away
    assert offline.is_terminal(ctx) and _copy(store).exists()
    assert window.page("counter")._offline is not None  # the server watch, on the handle
    assert "Cold food" in [c.label for c in window.page("counter")._categories]


def test_a_tap_before_the_copy_is_made_is_saved_on_the_server(qtbot, store):
    window = ui_app.start(QApplication.instance(), store)
    qtbot.addWidget(window)
    ctx = window.controller.ctx
    assert not isinstance(ctx.db, Failover)  # nothing has run since the start
    window.controller.set_current_staff(staff.find_by_name(ctx, "Ingrid"))
    page = window.page("counter")
    qtbot.mouseClick(page.category_tile("cold_food"), Qt.LeftButton)
    qtbot.mouseClick(page.remedy_step.tile_for("remake"), Qt.LeftButton)
    qtbot.waitUntil(lambda: isinstance(ctx.db, Failover), timeout=15000)
    server = Context(open_database(store))
    try:
        assert server.db.execute("SELECT category_label FROM incidents").fetchone()[0] == \
            "Cold food"
    finally:
        server.db.close()
