"""An import's share of the weekly summary's rollup is grouped from its staged rows before
the switch (db/import_rollup.py): the switch adds the grouped rows, nothing of the import
counts before it, everything after, taps meanwhile count as always (SQLite's path)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import import_switch
from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
from bench.generator import write_csv
from db import import_rollup, summary_rollup
from tests.conftest import OWNER_PIN, START, cli_init_store
from tests.test_import_switch import tap

ROWS = 1500


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    return path


@pytest.fixture(autouse=True)
def fixed_slices(monkeypatch):
    monkeypatch.setattr(import_switch, "FIRST_SLICE", 300)
    monkeypatch.setattr(import_switch, "MIN_SLICE", 300)
    monkeypatch.setattr(import_switch, "MAX_SLICE", 300)
    monkeypatch.setattr(import_switch, "PAUSE_S", 0)


def test_the_rollup_gets_the_import_at_its_switch_and_the_taps_meanwhile(store, tmp_path):
    source = write_csv(tmp_path / "big.csv", ROWS, seed=11, end=START - timedelta(minutes=1))
    importer = open_context(store, FixedClock(START))
    counter = open_context(store, FixedClock(START))
    seen: list[int] = []

    def between(table: str, done: int, total: int) -> None:
        if table == "incidents" and done <= 301:  # after the first slice
            tap(counter)
            kept = summary_rollup.kept(counter.db)
            assert kept == summary_rollup.recomputed(counter.db)  # the tap, not the import
            seen.append(sum(row[3] for row in kept["summary_hours"]))

    try:
        imported = import_csv(importer, str(source), pin=OWNER_PIN, between=between)
        assert seen == [1]
        assert summary_rollup.kept(counter.db) == summary_rollup.recomputed(counter.db)
        hours = summary_rollup.kept(counter.db)["summary_hours"]
        live = counter.db.execute("SELECT count(*) FROM incidents "
                                  "WHERE voided_at IS NULL").fetchone()[0]
        assert sum(row[3] for row in hours) == live
        assert live > imported.incidents * 0.9
        # the import's TEMP tables and views are gone with its staging tables
        assert not importer.db.conn.execute(
            "SELECT name FROM temp.sqlite_master WHERE name LIKE 'import%'").fetchall()
    finally:
        importer.db.close()
        counter.db.close()


def test_the_insert_trigger_leaves_an_import_s_rows_to_the_switch(store):
    """Migration 0023: the row trigger on new incidents asks nothing of rows an import
    copies (``imported_by``): those are counted at the switch."""
    ctx = open_context(store, FixedClock(START))
    try:
        sql = ctx.db.conn.execute("SELECT sql FROM sqlite_master WHERE "
                                  "name = 'summary_rollup_insert'").fetchone()[0]
        assert f"WHEN {import_rollup.GUARD} BEGIN" in sql
        tap(ctx)  # a tap (no imported_by) counts at once
        assert summary_rollup.kept(ctx.db) == summary_rollup.recomputed(ctx.db)
        assert sum(row[3] for row in summary_rollup.kept(ctx.db)["summary_hours"]) == 1
    finally:
        ctx.db.close()
