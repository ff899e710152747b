"""Every query on the tap, refresh, reminder and start-up paths uses an index chosen for it.

The queries are not listed here: they are collected with ``set_trace_callback`` on every
connection the app opens while the test drives those paths through the real code (the
counter's two taps, a broadcast to every screen, the reminder timer and its backstop, the
start-up steps, ``comeback followups``, one week's summary). A new query on those paths is
checked without anyone adding it here.

Each one is then planned with ``EXPLAIN QUERY PLAN`` on a copy of the database with rows in
it and no ``sqlite_stat1`` (what a store has before the app first runs ``PRAGMA optimize``),
and again after ``ANALYZE``. It fails when a plan reads incidents, remedies given or the audit
log in full: a ``SCAN`` of the table (unless through a partial index, which holds only what
is still to do), or a ``SEARCH`` whose only constraint is the store (one store's whole
history) that is not cut short by a ``LIMIT`` in index order.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import approval, catalog, demo, followups, incidents, staff
from app.clock import FixedClock
from app.context import open_context
from app.errors import PinRejected
from app.models import Changes, RemedyRequest
from db import audit_chain
from tests.conftest import START

pytestmark = pytest.mark.gui

WATCHED = {"incidents", "incident_remedies", "audit_log"}
_ALIAS = re.compile(
    r"\b(?:FROM|JOIN|UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(?!(?:ON|WHERE|JOIN|LEFT|CROSS|INNER|ORDER"
    r"|GROUP|LIMIT|USING|INDEXED|SET|NOT)\b)(\w+))?", re.IGNORECASE)
_STEP = re.compile(r"^(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+))?(?: \((.*)\))?")
_SKIP = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|--|INSERT INTO \w+ "
                   r"\([^)]*\) VALUES)", re.IGNORECASE)


class Traced:
    """Every SQL statement run on any sqlite3 connection opened while installed."""

    def __init__(self, monkeypatch) -> None:
        self.statements: list[str] = []
        self.recording = True
        real_connect = sqlite3.connect

        def connect(*args, **kwargs):
            conn = real_connect(*args, **kwargs)
            conn.set_trace_callback(self._seen)
            return conn

        monkeypatch.setattr(sqlite3, "connect", connect)

    def _seen(self, sql: str) -> None:
        # sqlite_stat1: the statistics' own upkeep on close (db.connection.optimize)
        if self.recording and not _SKIP.match(sql) and "sqlite_stat1" not in sql:
            self.statements.append(sql)


def _tables_by_alias(sql: str) -> dict[str, str]:
    found = {}
    for table, alias in _ALIAS.findall(sql):
        found[table] = table
        if alias:
            found[alias] = table
    return found


def full_reads(conn: sqlite3.Connection, sql: str, partial: set[str]) -> list[str]:
    """The steps of ``sql``'s plan that read a watched table in full (see the docstring)."""
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    tables = _tables_by_alias(sql)
    ordered = not any("TEMP B-TREE" in step for step in plan)
    limited = re.search(r"\bLIMIT\s+\d+", sql, re.IGNORECASE) is not None
    bad = []
    for step in plan:
        match = _STEP.match(step)
        if not match:
            continue
        kind, name, index, constraints = match.groups()
        if tables.get(name, name) not in WATCHED:
            continue
        if kind == "SCAN" and index not in partial:
            bad.append(step)
        elif kind == "SEARCH" and constraints and index not in partial:
            terms = {t.strip() for t in constraints.split(" AND ")}
            if terms == {"store_id=?"} and not (ordered and limited):
                bad.append(step)
    return bad


def _plan_copy(source: Path, target: Path, analyze: bool) -> sqlite3.Connection:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.execute("DROP TABLE IF EXISTS sqlite_stat1" if not analyze else "ANALYZE")
    dst.commit()
    dst.close()
    conn = sqlite3.connect(target)  # statistics are read when a connection opens
    audit_chain.register(conn)  # the SQL function the audit log's INSERT calls
    has_stats = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                             ).fetchone()[0]
    assert bool(has_stats) == analyze
    return conn


@pytest.fixture
def store_file(tmp_path) -> Path:
    """A demo store with 6 weeks of history whose audit log was last checked at the end,
    closed (its statistics removed)."""
    from app.verify import check_new

    path = tmp_path / "store.db"
    ctx = open_context(path, FixedClock(START))
    demo.generate(ctx, weeks=6, seed=3, end=START)
    assert check_new(ctx).intact  # as the app's start-up check left it
    ctx.db.conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
    ctx.db.conn.commit()
    ctx.db.close()
    return path


def _drive_the_app(qtbot, path: Path, fake_timers, clock: FixedClock) -> None:
    """Start-up, taps, broadcasts, reminders and follow-ups, as the app does them."""
    from app.privacy import erase_expired_guest_details
    from ui.app import build_main_window, check_audit_log
    from ui.reminders import install_reminders

    ctx = open_context(path, clock)
    window = build_main_window(ctx, reminders=False)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    erase_expired_guest_details(ctx)
    window.reminders = install_reminders(window, timer_factory=fake_timers)
    check_audit_log(window)
    page = window.page("counter")
    for category, remedy in (("cold_food", "remake"), ("long_wait", "free_drink")):
        qtbot.mouseClick(page.category_tile(category), Qt.LeftButton)
        qtbot.mouseClick(page.remedy_step.tile_for(remedy), Qt.LeftButton)
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=None,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)],
        guest_name="Kari Nordmann", guest_contact="+47 912 34 567", note="by the window")
    window.controller.announce(logged.changes)
    marco = staff.find_by_name(ctx, "Marco")
    sam = staff.find_by_name(ctx, "Sam")
    staff.set_pin(ctx, marco.id, "7392", by=None)
    with pytest.raises(PinRejected):
        approval.authorize(ctx, "0000", for_what="log", exclude=sam.id)
    grant = approval.authorize(ctx, "7392", for_what="log", exclude=sam.id)
    window.controller.announce(incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "wrong_order").id, staff_id=sam.id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "refund").id, 9000)],
        approval=grant).changes)
    window.controller.announce(Changes(incidents=True, followups=True, vouchers=True,
                                       settings=False))
    clock.advance(minutes=10)
    scheduler = window.reminders.scheduler
    scheduler.timer.fire()
    scheduler.backstop.fire()
    clock.advance(minutes=10)
    scheduler.timer.fire()  # escalation
    window.show_page("followups")
    window.reminders.queue.refresh()
    window.controller.announce(followups.record_outcome(
        ctx, logged.followup.id, "satisfied", marco.id, "fine now"))
    clock.advance(hours=14)  # after closing: swept into "left open"
    scheduler.backstop.fire()
    window.reminders.queue.refresh()
    ctx.db.close()


def _cli_followups(path: Path) -> None:
    from app.cli import main

    assert main(["followups", "--db", str(path)]) == 0


def _one_week_summary(path: Path, clock: FixedClock) -> None:
    from app.summary import Week, weekly_summary

    ctx = open_context(path, clock)
    weekly_summary(ctx, Week.containing((clock.now() - timedelta(days=7)).date()))
    ctx.db.close()


@pytest.fixture
def traced_statements(store_file, qtbot, fake_timers, monkeypatch, capsys) -> list[str]:
    traced = Traced(monkeypatch)
    clock = FixedClock(START + timedelta(hours=1))
    _drive_the_app(qtbot, store_file, fake_timers, clock)
    _cli_followups(store_file)
    _one_week_summary(store_file, clock)
    traced.recording = False
    capsys.readouterr()
    return list(dict.fromkeys(traced.statements))


@pytest.mark.parametrize("analyze", [False, True], ids=["no-statistics", "analyzed"])
def test_no_query_on_the_tap_refresh_reminder_or_startup_paths_reads_history_in_full(
        traced_statements, store_file, tmp_path, analyze):
    conn = _plan_copy(store_file, tmp_path / "plan.db", analyze)
    partial = {name for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}
    assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] > 200
    assert len(traced_statements) > 30
    found = {sql: steps for sql in traced_statements
             if (steps := full_reads(conn, sql, partial))}
    assert not found, "\n\n".join(f"{sql}\n  -> {steps}" for sql, steps in found.items())


def test_the_plan_check_catches_a_full_scan_and_a_whole_store_history(store_file, tmp_path):
    conn = _plan_copy(store_file, tmp_path / "plan.db", analyze=False)
    assert full_reads(conn, "SELECT * FROM incidents WHERE note LIKE '%x%'", set())
    assert full_reads(conn, "SELECT count(*) FROM incidents i WHERE i.store_id = 1", set())
    assert not full_reads(conn, "SELECT * FROM incidents WHERE id = 3", set())


def test_the_app_makes_its_own_statistics_when_a_command_succeeds(store_file):
    from app.cli import main

    def stats() -> int:
        conn = sqlite3.connect(store_file)
        try:
            found = conn.execute("SELECT count(*) FROM sqlite_master "
                                 "WHERE name = 'sqlite_stat1'").fetchone()[0]
            return conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] \
                if found else 0
        finally:
            conn.close()

    assert stats() == 0
    assert main(["followups", "--db", str(store_file)]) == 0
    assert stats() > 0  # PRAGMA optimize (analysis_limit) as the command closed


def test_the_weekly_summary_reads_ranges_of_the_summary_index_without_statistics(
        store_file, tmp_path, monkeypatch):
    """One week's summary (migrations 0014, 0018, 0022): the week's figures come from ranges of
    the rollups per hour and of idx_incidents_checks alone (covering: no table row), and nothing
    in it scans
    incidents, remedies or the audit log, not even through a partial index."""
    traced = Traced(monkeypatch)
    _one_week_summary(store_file, FixedClock(START + timedelta(hours=1)))
    traced.recording = False
    conn = _plan_copy(store_file, tmp_path / "plan.db", analyze=False)
    covering, rolled, problems = set(), set(), []
    for sql in dict.fromkeys(traced.statements):
        tables = _tables_by_alias(sql)
        for step in (row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)):
            match = _STEP.match(step)
            if not match or tables.get(match[2], match[2]) not in WATCHED:
                continue
            kind, _name, index, constraints = match.groups()
            ranged = "PRIMARY KEY" in step or constraints and (
                "occurred_at>?" in constraints
                or "=?" in constraints and "store_id=?" not in constraints)
            if kind == "SCAN" or not ranged:
                problems.append(f"{sql}\n  -> {step}")
            if index in ("idx_incidents_summary", "idx_incidents_checks") \
                    and "COVERING" in step:
                covering.add(sql)
        rolled.update(sql for row in conn.execute("EXPLAIN QUERY PLAN " + sql)
                      if re.match(r"SEARCH (summary_\w+|\w) USING PRIMARY KEY "
                                  r"\(store_id=\? AND hour>\? AND hour<\?\)", row[3]))
    assert not problems, "\n\n".join(problems)
    assert len(covering) >= 1  # the checks (minutes, on time / late)
    # migrations 0018 and 0022: the eight weeks' totals (one statement), hours, staff,
    # remedies, approvals
    assert len(rolled) >= 5
