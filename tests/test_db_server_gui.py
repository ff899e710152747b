"""The app on a PostgreSQL server: each bad day of the server opens the window that
explains it (naming the server) with its ways out; first run asks where the store is kept
and remembers the answer on this computer."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

from app import terminal_config
from app.cli import main as cli_main
from app.errors import ServerConnectionLost
from tests.conftest import OWNER_PIN
from ui import app as ui_app
from ui.db_problem import DbProblemWindow
from ui.first_run import FirstRunSetup
from ui.main_window import MainWindow
from ui.server_choice import ServerChoicePage

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]


@pytest.fixture(autouse=True)
def _forget_windows():
    yield
    # Windows go first, and for good: a step still queued after the first paint (bound to
    # its window) must not run on a database this test has closed, during the next test.
    for window in list(ui_app._WINDOWS):
        window.close()
        window.deleteLater()
    ui_app._WINDOWS.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    ui_app._close_databases()


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "data" / "terminal.json"
    monkeypatch.setattr(terminal_config, "path", lambda: path)
    return path


def _start(qtbot, target):
    window = ui_app.start(QApplication.instance(), target)
    qtbot.addWidget(window)
    return window


def _init(url: str) -> None:
    assert cli_main(["init", "--db", url, "--store", "Fjord Kafé", "--currency", "NOK",
                     "--owner", "Ingrid", "--owner-pin", OWNER_PIN]) == 0


def _name(url: str) -> str:
    return url.split("@/")[1].split("?")[0]


def _shown(qtbot, window: DbProblemWindow, title: str, *words: str) -> None:
    assert isinstance(window, DbProblemWindow)
    qtbot.waitExposed(window)
    assert window.title.text() == title
    assert "Database server:" in window.path_label.text()
    for word in words:
        assert word in window.text.text()
    assert set(window.buttons) == {"retry", "server", "open", "quit"}


def test_an_unreachable_server_explains_and_offers_the_ways_out(qtbot, tmp_path):
    url = f"postgresql://comeback@/shop?host={tmp_path}&port=5999"
    window = _start(qtbot, url)
    _shown(qtbot, window, "The database server does not answer", "shop on localhost:5999",
           "PostgreSQL runs on it")


def test_no_such_database_then_try_again_opens_the_counter(qtbot, pg_cluster, capsys):
    url = pg_cluster.url("later_" + os.urandom(4).hex())
    window = _start(qtbot, url)
    _shown(qtbot, window, "The server has no such database", _name(url), "createdb")
    pg_cluster.admin(f"CREATE DATABASE {_name(url)} TEMPLATE {pg_cluster.template}")
    _init(url)
    qtbot.mouseClick(window.buttons["retry"], Qt.LeftButton)
    counters = [w for w in ui_app._WINDOWS if isinstance(w, MainWindow)]
    assert len(counters) == 1 and window not in ui_app._WINDOWS


def test_a_user_the_server_does_not_know_is_told_about_pgpass(qtbot, pg_url):
    window = _start(qtbot, pg_url.replace("comeback@", "stranger@"))
    _shown(qtbot, window, "The database server did not let this user in", "~/.pgpass")


def test_a_user_without_rights_is_told_what_to_ask_for(qtbot, pg_cluster, pg_url, capsys):
    pg_cluster.admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                     "'visitor') THEN CREATE ROLE visitor LOGIN; END IF; END $$")
    _init(pg_url)
    window = _start(qtbot, pg_url.replace("comeback@", "visitor@"))
    _shown(qtbot, window, "This user may not use the database", "grant this one access")


def test_a_connection_lost_while_the_counter_opens_is_explained(qtbot, pg_url, monkeypatch,
                                                               capsys):
    _init(pg_url)
    real = ui_app.build_main_window

    def lose_it_first(ctx, **kwargs):
        server = getattr(ctx.db, "server", ctx.db)  # a first start: the server itself
        server.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return real(ctx, **kwargs)

    monkeypatch.setattr(ui_app, "build_main_window", lose_it_first)
    window = _start(qtbot, pg_url)
    assert isinstance(window.problem, ServerConnectionLost)
    _shown(qtbot, window, "The connection to the database server broke", "was not saved")


def test_connect_to_another_server_starts_on_it(qtbot, pg_url):
    from app.dbserver import problem
    from db.health import DatabaseServerError, ServerProblem

    window = DbProblemWindow(problem(DatabaseServerError(
        ServerProblem.UNREACHABLE, "comeback on kafe-server:5432", "Connection refused")),
        ask_server=lambda parent: pg_url)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.open_file) as chosen:
        qtbot.mouseClick(window.buttons["server"], Qt.LeftButton)
    assert chosen.args == [pg_url]


def test_first_run_alone_keeps_the_store_in_the_file(qtbot, tmp_path, config_file):
    page = _start(qtbot, tmp_path / "new.db")
    assert isinstance(page, ServerChoicePage) and page.choice() == "alone"
    assert not page.form.isVisible()
    page.terminal.setText("Till 2")
    qtbot.mouseClick(page.continue_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, FirstRunSetup) for w in ui_app._WINDOWS))
    assert page not in ui_app._WINDOWS
    assert json.loads(config_file.read_text()) == {"database": None, "terminal": "Till 2",
                                                   "store_id": 1}


def test_first_run_asks_where_the_store_is_kept_in_the_countrys_language(
        qtbot, tmp_path, config_file, monkeypatch):
    """The first question comes before the store's language is chosen: it is asked in the
    language the store form will suggest for the computer's time zone."""
    from app import store_admin

    monkeypatch.setattr(store_admin, "guess_timezone", lambda: "Europe/Madrid")
    page = _start(qtbot, tmp_path / "nueva.db")
    assert isinstance(page, ServerChoicePage)
    assert page.form.test_button.text() == "Probar conexión"
    page.terminal.setText("Caja 1")
    qtbot.mouseClick(page.continue_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, FirstRunSetup) for w in ui_app._WINDOWS))
    form = next(w for w in ui_app._WINDOWS if isinstance(w, FirstRunSetup))
    assert form.language.currentData() == "es"


def _server_form(page: ServerChoicePage, cluster, url: str) -> None:
    qtbot_click = page.choices["server"]
    qtbot_click.setChecked(True)
    page.form.host.setText(str(cluster.folder))
    page.form.port.setText(str(cluster.port))
    page.form.database.setText(_name(url))
    page.form.user.setText("comeback")


def test_first_run_connects_to_the_stores_server_and_remembers_it(qtbot, tmp_path,
                                                                 config_file, pg_cluster,
                                                                 pg_url, capsys):
    if pg_cluster.folder is None:
        pytest.skip("the form's server is the tests' own cluster's socket")
    _init(pg_url)
    page = _start(qtbot, tmp_path / "new.db")
    _server_form(page, pg_cluster, pg_url)
    assert page.form.isVisible()
    qtbot.mouseClick(page.form.test_button, Qt.LeftButton)
    assert page.form.verdict.text() == (f"Connected to {_name(pg_url)} on localhost:"
                                        f"{pg_cluster.port}. It holds the store Fjord Kafé.")
    page.terminal.setText("Bar")
    qtbot.mouseClick(page.continue_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, MainWindow) for w in ui_app._WINDOWS))
    counter = next(w for w in ui_app._WINDOWS if isinstance(w, MainWindow))
    assert counter.controller.ctx.db.backend == "postgresql"
    saved = json.loads(config_file.read_text())
    assert saved["terminal"] == "Bar" and saved["database"].startswith("postgresql://comeback@")
    assert terminal_config.configured_url() == saved["database"]


def test_test_connection_says_in_words_what_is_wrong_and_continue_waits(qtbot, tmp_path,
                                                                       config_file,
                                                                       pg_cluster):
    if pg_cluster.folder is None:
        pytest.skip("the form's server is the tests' own cluster's socket")
    page = _start(qtbot, tmp_path / "new.db")
    _server_form(page, pg_cluster, pg_cluster.url("no_such_store"))
    qtbot.mouseClick(page.form.test_button, Qt.LeftButton)
    assert "no such database: no_such_store on localhost:" in page.form.verdict.text()
    assert page.submit() is False
    assert page in ui_app._WINDOWS and not config_file.exists()
    page.form.host.setText("")
    page.form.host.textEdited.emit("")
    assert page.submit() is False
    assert page.form.errors.fields["host"].error().startswith("Give the server's name")


def test_the_counter_starts_on_a_server_through_every_step_after_its_first_paint(
        qtbot, pg_url, capsys):
    _init(pg_url)
    window = _start(qtbot, pg_url)
    assert isinstance(window, MainWindow)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=10000)  # the last steps
    assert hasattr(window, "reminders") and hasattr(window, "retention")
    assert window.isVisible()
    assert not [w for w in ui_app._WINDOWS if isinstance(w, DbProblemWindow)]


def test_two_taps_the_reports_and_the_back_office_work_on_a_server(qtbot, pg_url, clock):
    from app import staff
    from app.context import Context
    from app.models import Role
    from app.setup import init_store
    from db.connection import open_database
    from tests.conftest import shown_main_window

    ctx = Context(open_database(pg_url), clock)
    try:
        init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
                   locale="nb_NO", language="en", timezone="Europe/Oslo",
                   owner_name="Ingrid", owner_pin=OWNER_PIN)
        staff.add_staff(ctx, "Sam", Role.CASHIER)
        window = shown_main_window(qtbot, ctx)
        counter = window.page("counter")
        qtbot.mouseClick(counter.category_tile("cold_food"), Qt.LeftButton)
        qtbot.mouseClick(counter.remedy_step.tile_for("remake"), Qt.LeftButton)
        rows = list(ctx.db["incidents"].rows_where(order_by="id"))
        assert len(rows) == 1 and rows[0]["staff_id"] == staff.find_by_name(ctx, "Sam").id
        window.show_page("reports")
        backoffice = window.page("backoffice")
        backoffice.unlock(staff.find_by_name(ctx, "Ingrid"))
        window.show_page("backoffice")
        for index in range(backoffice.tabs.count()):
            backoffice.tabs.setCurrentIndex(index)
            QApplication.processEvents()
        window.close()
    finally:
        ctx.db.close()
