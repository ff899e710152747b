"""Shared fixtures: a fresh migrated in-memory store with an injected clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every terminal of the tests is "Bar" unless a test names another (not the host's name).
os.environ["COMEBACK_TERMINAL"] = "Bar"
# The tests' own data and settings folders (terminal copies, outboxes, terminal.json), never
# the user's: removed when the session ends.
import atexit  # noqa: E402
import gc  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

_HOMES = tempfile.mkdtemp(prefix="comeback-tests-home-")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOMES, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOMES, "config")
atexit.register(shutil.rmtree, _HOMES, True)

from datetime import datetime, timezone  # noqa: E402

import pytest  # noqa: E402

from app import i18n, staff  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.context import Context  # noqa: E402
from app.models import Role  # noqa: E402
from app.setup import init_store  # noqa: E402
from db.connection import open_database  # noqa: E402

OWNER_PIN, MANAGER_PIN = "4821", "7392"
# Monday 16 November 2026, 12:00 in Oslo.
START = datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _cheap_pin_hashing(monkeypatch):
    """Real scrypt, lower cost: the production cost is ~50 ms per hash."""
    monkeypatch.setattr(staff, "SCRYPT_N", 2**8)


@pytest.fixture(autouse=True)
def _nothing_frozen():
    """A test that runs the app's whole start (ui.app.start) also runs its GC policy
    (ui.gc_policy: what is alive is frozen); the test's windows come and go, so what was
    frozen goes back to the collector after it."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


# -- the two backends -------------------------------------------------------------------------
# Service and CLI tests run on both: SQLite (in memory) and PostgreSQL (a throwaway cluster
# this session starts, see tests/pg_cluster.py, or the server COMEBACK_TEST_PG names). GUI
# tests (those that use qtbot) and tests marked ``sqlite_only`` run on SQLite alone.

def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite itself")
    config.addinivalue_line("markers", "postgresql: the test needs the PostgreSQL server")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    sqlite_only = ("qtbot" in metafunc.fixturenames
                   or metafunc.definition.get_closest_marker("sqlite_only") is not None)
    metafunc.parametrize("backend", ["sqlite"] if sqlite_only else ["sqlite", "postgresql"],
                         indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL server, with a migrated template database."""
    from tests.pg_cluster import Cluster

    try:
        cluster = Cluster().start()
    except RuntimeError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    template = "comeback_template"
    cluster.admin(f"DROP DATABASE IF EXISTS {template}")
    cluster.admin(f"CREATE DATABASE {template}")
    database = open_database(cluster.url(template))
    database.close()
    cluster.template = template
    yield cluster
    cluster.remove()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A new, migrated, empty PostgreSQL database of its own."""
    return pg_cluster.new_database(pg_cluster.template)


@pytest.fixture
def db_target(backend, request, tmp_path) -> str | None:
    """Where the test's database is: None (SQLite in memory) or a PostgreSQL URL."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return None


@pytest.fixture
def cli_db(backend, request, tmp_path):
    """Where a CLI test's store is (``--db``): a file that does not exist yet, or the URL of
    a fresh, migrated, empty PostgreSQL database. For tests that are about what a command
    does, not about the file it does it in (those use a path of their own).

    On PostgreSQL the connections a test opens to look at the rows
    (``open_database(store_db)["incidents"].get(1)``) are closed when it ends, as SQLite's
    are when they are dropped."""
    if backend == "postgresql":
        import db.pg

        opened: list = []
        real = db.pg.open_pg

        def tracking(url: str):
            database = real(url)
            opened.append(database)
            return database

        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setattr(db.pg, "open_pg", tracking)
        request.addfinalizer(lambda: [database.close() for database in opened])
        return request.getfixturevalue("pg_url")
    return tmp_path / "store.db"


@pytest.fixture
def db(db_target):
    """A fresh, migrated database (in memory on SQLite, a new database on PostgreSQL)."""
    database = open_database(db_target)
    yield database
    database.close()


@pytest.fixture
def bare_ctx(db, clock) -> Context:
    return Context(db=db, clock=clock)


@pytest.fixture
def ctx(bare_ctx) -> Context:
    """A Norwegian restaurant: owner Ingrid, manager Marco, cashier Sam."""
    init_store(bare_ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(bare_ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(bare_ctx, "Sam", Role.CASHIER)
    return bare_ctx


@pytest.fixture
def people(ctx) -> dict[str, int]:
    return {member.name: member.id for member in staff.list_staff(ctx)}


# -- the weekly summary's hand-built week (tests/test_summary*.py, test_pdf*.py) ---------------

CZECH_NOTE = "Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů"
NORWEGIAN_NOTE = "Kylling var rå i midten — kokken er varslet"


@pytest.fixture
def hand_built_week(ctx, clock, people):
    """Week 2026-W47 (16–22 Nov, Oslo = UTC+1) and W46, logged through the services.

    W47: 7 live incidents + 1 voided; W46: 3. Every figure is worked out by hand in
    tests/test_summary.py. Returns the clock, set to Tue 24 Nov (both weeks complete).
    """
    from app import followups, incidents, vouchers
    from app.approval import Approval
    from app.catalog import category_by_code, remedy_by_code
    from app.models import RemedyRequest

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

    def log(when: str, category: str, remedies: list[tuple[str, int]], who: str, **extra):
        clock.set(at(when))
        return incidents.log_incident(
            ctx, category_id=category_by_code(ctx, category).id,
            remedies=[RemedyRequest(remedy_by_code(ctx, code).id, amount)
                      for code, amount in remedies],
            staff_id=people[who],
            approval=Approval(people["Marco"], "Marco", clock.now()), **extra)

    def outcome(logged, when: str, result: str, note: str | None = None) -> None:
        clock.set(at(when))
        followups.record_outcome(ctx, logged.followup.id, result, people["Marco"], note)

    kari = {"guest_name": "Kari Nordmann", "guest_contact": "+47 912 34 567"}
    # Last week, W46 (Mon 9 – Sun 15 Nov).
    p1 = log("2026-11-10T11:00:00", "long_wait", [("free_drink", 3500)], "Sam")
    outcome(p1, "2026-11-10T11:06:00", "delighted")
    p2 = log("2026-11-11T17:00:00", "cold_food", [("voucher", 10000)], "Marco")
    outcome(p2, "2026-11-11T17:20:00", "satisfied")
    p3 = log("2026-11-12T11:00:00", "cold_food", [("remake", 12000)], "Sam")
    outcome(p3, "2026-11-12T11:05:00", "satisfied")
    # This week, W47 (Mon 16 – Sun 22 Nov).
    a = log("2026-11-16T11:10:00", "cold_food", [("remake", 12000)], "Sam", table_ref="7",
            note=CZECH_NOTE)
    outcome(a, "2026-11-16T11:16:00", "delighted")
    b = log("2026-11-16T18:30:00", "long_wait", [("free_drink", 3500)], "Sam", **kari)
    outcome(b, "2026-11-16T18:42:00", "satisfied")
    c = log("2026-11-17T11:00:00", "wrong_order", [("refund", 25000)], "Sam")
    clock.advance(seconds=30)
    incidents.void_incident(ctx, c.incident.id, people["Sam"],  # an approved refund: Marco's PIN
                            approval=Approval(people["Marco"], "Marco", clock.now()))
    d = log("2026-11-17T17:00:00", "long_wait", [("voucher", 10000)], "Sam")
    outcome(d, "2026-11-17T17:08:00", "delighted")
    e = log("2026-11-18T11:40:00", "long_wait", [("free_drink", 3500)], "Marco", **kari)
    outcome(e, "2026-11-18T11:43:00", "unhappy", "Fortsatt misfornøyd med ventetiden")
    clock.set(at("2026-11-19T11:00:00"))
    vouchers.redeem(ctx, d.voucher_codes[0], people["Sam"])
    f = log("2026-11-20T17:05:00", "wrong_order", [("remake", 12000), ("free_dessert", 6500)],
            "Sam")
    clock.set(at("2026-11-20T22:00:00"))
    followups.mark_missed(ctx, f.followup.id)
    clock.set(at("2026-11-21T12:30:00"))
    vouchers.redeem(ctx, p2.voucher_codes[0], people["Sam"])
    g = log("2026-11-21T12:00:00", "undercooked", [("comp_item", 14000)], "Ingrid",
            note=NORWEGIAN_NOTE)
    outcome(g, "2026-11-21T12:04:00", "left")
    log("2026-11-22T22:30:00", "long_wait", [("apology", 0)], "Sam")
    clock.set(at("2026-11-24T09:00:00"))
    return clock


# -- fake timers for the reminder scheduler, banner and queue (tests/test_scheduler.py, …) -----

class FakeTimer:
    """Stands in for QTimer: records how it was armed; a test fires it with ``fire()``."""

    def __init__(self, parent=None) -> None:
        from PySide6.QtCore import QObject, Signal

        class _Emitter(QObject):
            timeout = Signal()

        self._emitter = _Emitter(parent)
        self.timeout = self._emitter.timeout
        self.single_shot = False
        self.timer_type = None
        self._interval = 0
        self.active = False
        self.starts: list[int] = []

    def setSingleShot(self, value: bool) -> None:  # noqa: N802 (QTimer API)
        self.single_shot = value

    def setTimerType(self, value) -> None:  # noqa: N802
        self.timer_type = value

    def setInterval(self, ms: int) -> None:  # noqa: N802
        self._interval = ms

    def interval(self) -> int:
        return self._interval

    def start(self, ms: int | None = None) -> None:
        if ms is not None:
            self._interval = ms
        self.active = True
        self.starts.append(self._interval)

    def stop(self) -> None:
        self.active = False

    def isActive(self) -> bool:  # noqa: N802
        return self.active

    def fire(self) -> None:
        if self.single_shot:
            self.active = False
        self.timeout.emit()


@pytest.fixture
def fake_timers():
    """A timer factory for widgets that take one; ``fake_timers.made`` lists every timer."""
    made: list[FakeTimer] = []

    def factory(parent=None) -> FakeTimer:
        timer = FakeTimer(parent)
        made.append(timer)
        return timer

    factory.made = made
    return factory



# -- the real main window (GUI tests: tests/test_counter*.py, test_backoffice.py) ----------------

def shown_main_window(qtbot, ctx: Context, signed_in: bool = True):
    """``ui.app.build_main_window(ctx)`` at 1024×768, shown and exposed, owned by qtbot.

    ``signed_in``: the first cashier is at the counter, as after tapping their name and
    typing their PIN (the app itself starts with nobody signed in: tests/test_signin.py)."""
    from ui.app import build_main_window

    window = build_main_window(ctx)
    cashiers = [m for m in staff.list_staff(ctx) if m.role is Role.CASHIER]
    if signed_in and cashiers:
        window.controller.set_current_staff(cashiers[0])
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(ctx, qtbot):
    """The whole main window on the ``ctx`` store (see :func:`shown_main_window`)."""
    return shown_main_window(qtbot, ctx)


# -- a store set up from the shell (CLI tests: tests/test_csv_cli.py, test_followups_cli.py) -----

def cli_init_store(path) -> None:
    """``comeback init`` the Fjord Kafé store at ``path`` (NOK, nb_NO, Europe/Oslo, English;
    owner Ingrid with PIN 4821), as a user would from the shell."""
    from app.cli import main

    assert main(["init", "--db", str(path), "--store", "Fjord Kafé", "--currency", "NOK",
                 "--locale", "nb_NO", "--tz", "Europe/Oslo", "--language", "en",
                 "--owner", "Ingrid", "--owner-pin", OWNER_PIN]) == 0
