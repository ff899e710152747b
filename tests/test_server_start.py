"""A terminal on a PostgreSQL server that has a copy of its store paints its counter from
the copy and connects right after (ui.server_start): psycopg is not even imported before
the paint; what changed on the server meanwhile shows once connected; a server that is away
leaves the terminal working on its copy; a refused login shows the explaining window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.cli import main as cli_main
from app.offline import open_terminal
from tests.conftest import OWNER_PIN
from ui import app as ui_app
from ui.db_problem import DbProblemWindow
from ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]
ROOT = Path(__file__).resolve().parent.parent


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
    """A store on the server, and this terminal's copy of it (in a data folder of the
    test's own), as after an earlier start."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli_main(["init", "--db", pg_url, "--store", "Fjord Kafé", "--currency", "NOK",
                     "--owner", "Ingrid", "--owner-pin", OWNER_PIN]) == 0
    open_terminal(pg_url).db.close()  # the copy
    return pg_url


def _start(qtbot, url) -> MainWindow | DbProblemWindow:
    window = ui_app.start(QApplication.instance(), url)
    qtbot.addWidget(window)
    return window


def _labels(window) -> list[str]:
    return [c.label for c in window.page("counter")._categories]


def test_the_counter_is_painted_from_the_copy_then_connects(qtbot, store):
    window = _start(qtbot, store)
    handle = window.controller.ctx.db
    assert isinstance(window, MainWindow) and handle.server is None  # from the copy
    assert "Cold food" in _labels(window)
    qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=15000)  # every step ran
    assert handle.server is not None and not handle.away
    assert window.isVisible()
    assert not [w for w in ui_app._WINDOWS if isinstance(w, DbProblemWindow)]


def test_what_changed_on_the_server_meanwhile_shows_once_connected(qtbot, store):
    from app import catalog_admin, staff
    from app.context import Context
    from db.connection import open_database

    server = Context(open_database(store))
    try:
        owner = staff.find_by_name(server, "Ingrid")
        cold = next(c for c in __import__("app.catalog").catalog.categories(server)
                    if c.label == "Cold food")
        catalog_admin.update_category(server, owner.id, cold.id, label="Cold dish",
                                      icon=cold.icon, apology=cold.apology,
                                      followup_minutes=cold.followup_minutes,
                                      default_severity=cold.default_severity)
    finally:
        server.db.close()
    window = _start(qtbot, store)
    assert "Cold food" in _labels(window)  # the copy, as the last connect left it
    with qtbot.waitSignal(window.controller.changed, timeout=15000):
        pass
    assert "Cold dish" in _labels(window) and "Cold food" not in _labels(window)


def test_a_server_away_at_start_leaves_the_terminal_on_its_copy(qtbot, store, monkeypatch):
    from db.failover import Failover
    from db.health import DatabaseServerError, ServerProblem

    def away(handle):
        handle.last_error = DatabaseServerError(ServerProblem.UNREACHABLE, "kafe", "refused")
        return None

    monkeypatch.setattr(Failover, "try_connect", away)
    window = _start(qtbot, store)
    qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=15000)
    counter = window.page("counter")
    assert window.controller.ctx.db.away
    assert counter._offline.bar.isVisibleTo(window)  # "Offline": taps go to the outbox


def test_a_refused_login_after_the_paint_shows_the_explaining_window(qtbot, store):
    window = _start(qtbot, store.replace("comeback@", "stranger@"))  # the same copy
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: any(isinstance(w, DbProblemWindow) for w in ui_app._WINDOWS),
                    timeout=15000)
    problem = next(w for w in ui_app._WINDOWS if isinstance(w, DbProblemWindow))
    assert not window.isVisible()
    assert "stranger" in problem.text.text() or "Database server:" in \
        problem.path_label.text()


def test_psycopg_is_not_imported_before_the_first_paint(store, tmp_path):
    child = ("import sys\n"
             "class Watch:\n"
             "    def __init__(self, out): self.out = out\n"
             "    def write(self, text):\n"
             "        if text.startswith('painted'):\n"
             "            self.out.write(f'psycopg at paint: {\"psycopg\" in sys.modules}\\n')\n"
             "        if text.startswith('ready'):\n"
             "            self.out.write('connected at ready: ' + str(\n"
             "                sys.modules['ui.app']._WINDOWS[0].controller.ctx.db.server\n"
             "                is not None) + '\\n')\n"
             "        return self.out.write(text)\n"
             "    def flush(self): self.out.flush()\n"
             "sys.stdout = Watch(sys.stdout)\n"
             "from ui.entry import main\n"
             "sys.exit(main(['--db', sys.argv[1]]))\n")
    env = dict(os.environ, COMEBACK_BENCH_READY="1", QT_QPA_PLATFORM="offscreen",
               XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", child, store], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=90)
    lines = done.stdout.splitlines()
    assert lines[0] == "psycopg at paint: False", done.stderr
    assert lines[2] == "connected at ready: True", done.stderr


def test_a_tap_before_the_connection_is_up_reaches_the_server(qtbot, store):
    from PySide6.QtCore import Qt

    from app import staff
    from app.context import Context
    from db.connection import open_database

    window = _start(qtbot, store)
    ctx = window.controller.ctx
    assert ctx.db.server is None  # nothing has run since the start: not connected yet
    window.controller.set_current_staff(staff.find_by_name(ctx, "Ingrid"))
    page = window.page("counter")
    qtbot.mouseClick(page.category_tile("cold_food"), Qt.LeftButton)
    qtbot.mouseClick(page.remedy_step.tile_for("remake"), Qt.LeftButton)
    server = Context(open_database(store))
    try:
        qtbot.waitUntil(lambda: server.db.execute(
            "SELECT count(*) FROM incidents").fetchone()[0] == 1, timeout=15000)
        assert server.db.execute("SELECT category_label FROM incidents").fetchone()[0] == \
            "Cold food"
    finally:
        server.db.close()


def test_a_copy_that_was_not_this_servers_after_all_starts_again_connected_first(
        qtbot, store, monkeypatch, tmp_path):
    import db.failover

    real = db.failover.copy_path
    monkeypatch.setattr(db.failover, "copy_path",  # libpq reads the URL otherwise
                        lambda data_dir, url, store_id=1: real(tmp_path / "elsewhere", url,
                                                                store_id))
    first = _start(qtbot, store)
    qtbot.waitUntil(lambda: not first.isVisible() and any(
        isinstance(w, MainWindow) and w is not first for w in ui_app._WINDOWS),
        timeout=15000)
    again = next(w for w in ui_app._WINDOWS if isinstance(w, MainWindow))
    assert again.controller.ctx.db.server is not None  # connected before its paint
    assert again.controller.ctx.db.copy.path.parent.parent == tmp_path / "elsewhere"
