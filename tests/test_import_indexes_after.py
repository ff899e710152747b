"""An import into a new database (incidents, remedies, vouchers and follow-ups all empty)
drops those tables' secondary indexes, copies its rows and builds the indexes again before
the switch (db.import_staging.reserve with indexes_after). Every guarantee of the sliced
import holds: a tap meanwhile is saved and seen, a failure or a kill at any step shows
nothing and leaves the schema exactly as it was, the audit entry and the rollup hold."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from app import import_switch, verify
from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
from app.csvio import ImportRefused
from bench.generator import write_csv
from db import import_staging as staging_db
from db import summary_rollup
from tests.conftest import OWNER_PIN, cli_init_store
from tests.test_import_switch import (
    _KILLED_IMPORT,
    ROOT,
    ROWS,
    SLICE,
    START,
    raw_counts,
    tap,
    what_the_app_shows,
)


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    return path


@pytest.fixture
def big_file(tmp_path):
    return write_csv(tmp_path / "big.csv", ROWS, seed=7, end=START - timedelta(minutes=1))


@pytest.fixture(autouse=True)
def fixed_slices(monkeypatch):
    """Slices of SLICE rows, no pause, and indexes built after the rows at any size."""
    monkeypatch.setattr(import_switch, "FIRST_SLICE", SLICE)
    monkeypatch.setattr(import_switch, "MIN_SLICE", SLICE)
    monkeypatch.setattr(import_switch, "MAX_SLICE", SLICE)
    monkeypatch.setattr(import_switch, "PAUSE_S", 0)
    monkeypatch.setattr(import_switch, "INDEXES_AFTER_MIN", 0)


def schema(ctx) -> set[tuple]:
    return set(ctx.db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def secondary(ctx) -> set[str]:
    return {name for name, _sql in staging_db.secondary_indexes(ctx.db.conn)}


def built_after(ctx) -> set[str]:
    """Those of the indexes an import into empty tables drops that are there now."""
    return {name for name, _sql in staging_db.built_after(ctx.db.conn)}


def test_no_query_names_an_index_the_import_drops():
    """A query with INDEXED BY fails while its index is missing: the import may only drop
    indexes no code pins (db.import_staging.BUILT_AFTER)."""
    import re

    pinned = set()
    for folder in ("app", "db", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            pinned |= set(re.findall(r"INDEXED\s+BY\s+(\w+)", path.read_text("utf-8")))
    assert pinned  # the scan finds the ones there are
    assert not pinned & set(staging_db.BUILT_AFTER)


def test_the_indexes_are_built_after_the_rows_and_a_tap_meanwhile_is_saved_and_seen(
        store, big_file):
    importer = open_context(store, FixedClock(START))
    counter = open_context(store, FixedClock(START))
    counter.db.conn.execute("PRAGMA busy_timeout = 0")  # no waiting: the lock must be free
    before, shown_before = schema(counter), what_the_app_shows(counter)
    assert built_after(counter) == set(staging_db.BUILT_AFTER)
    during: list[tuple] = []

    def between(table: str, done: int, total: int) -> None:
        if table == "incidents" and done == SLICE + 1:
            assert built_after(counter) == set()  # dropped for the copy
            tap_id = tap(counter)
            shown = what_the_app_shows(counter)
            assert shown["recent"] == shown_before["recent"] + 1  # the tap, not the import
            assert shown["exported"] == shown_before["exported"] + 1
            assert shown["verify"] == ()
            assert summary_rollup.kept(counter.db) == summary_rollup.recomputed(counter.db)
            during.append(tap_id)
        if table == "indexes":
            during.append((done, total, len(built_after(counter))))

    result = import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    assert result.incidents == ROWS
    built = [step for step in during if isinstance(step, tuple)]
    assert [done for done, _t, _n in built] == list(range(1, len(built) + 1))
    assert [n for _d, _t, n in built] == [done for done, _t, _n in built]  # one at a time
    assert schema(counter) == before  # the same indexes, the same statements
    shown = what_the_app_shows(counter)
    assert shown["exported"] == ROWS + 1 and shown["verify"] == ()
    assert summary_rollup.kept(counter.db) == summary_rollup.recomputed(counter.db)
    audit = counter.db.execute("SELECT count(*) FROM audit_log "
                               "WHERE action = 'incidents.imported'").fetchone()[0]
    assert audit == 1
    plans = [row[3] for row in counter.db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM incidents WHERE store_id = 1 "
        "AND occurred_at > '2026-11-01'")]
    assert any("idx_incidents" in step for step in plans)
    importer.db.close()
    counter.db.close()


def test_tables_with_rows_keep_their_indexes(store, big_file):
    importer = open_context(store, FixedClock(START))
    tap(importer)
    seen = []

    def between(table: str, done: int, total: int) -> None:
        seen.append((table, len(secondary(importer))))

    assert import_csv(importer, big_file, pin=OWNER_PIN, between=between).incidents == ROWS
    assert "indexes" not in {table for table, _n in seen}
    assert {n for _t, n in seen} == {len(secondary(importer))}
    importer.db.close()


@pytest.mark.parametrize("table", ["incidents", "followups", "indexes"])
def test_a_failure_at_any_step_restores_the_indexes_and_shows_nothing(store, big_file,
                                                                      table):
    importer = open_context(store, FixedClock(START))
    viewer = open_context(store, FixedClock(START))
    before, counts, shown_before = schema(viewer), raw_counts(viewer), \
        what_the_app_shows(viewer)

    def between(name: str, done: int, total: int) -> None:
        if name == table and done >= 2:
            raise OSError(5, "the disk went away")

    with pytest.raises(OSError):
        import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    assert schema(viewer) == before
    assert raw_counts(viewer) == counts
    assert what_the_app_shows(viewer) == shown_before
    assert import_csv(importer, big_file, pin=OWNER_PIN).incidents == ROWS
    assert schema(viewer) == before
    importer.db.close()
    viewer.db.close()


@pytest.mark.parametrize(("table", "after"), [("incidents", SLICE), ("indexes", 3)])
def test_a_killed_import_leaves_the_indexes_to_the_next_import_which_restores_them(
        store, big_file, table, after):
    viewer = open_context(store, FixedClock(START))
    before, counts, shown_before = schema(viewer), raw_counts(viewer), \
        what_the_app_shows(viewer)
    script = _KILLED_IMPORT.format(slice=SLICE).replace(
        "import_switch.FIRST_SLICE", "import_switch.INDEXES_AFTER_MIN = 0\n"
        "import_switch.FIRST_SLICE", 1)
    killed = subprocess.run(
        [sys.executable, "-c", script, str(store), str(big_file), table, str(after),
         OWNER_PIN, START.isoformat()], cwd=ROOT, capture_output=True, text=True,
        timeout=120)
    assert killed.returncode == -9, killed.stderr
    assert raw_counts(viewer)["import_staging"] == 1
    assert built_after(viewer) != set(staging_db.BUILT_AFTER)
    assert what_the_app_shows(viewer) == shown_before  # still correct without them
    assert import_switch.clean_killed(viewer, pause=lambda s: None) == 1
    assert schema(viewer) == before and raw_counts(viewer) == counts
    assert import_csv(viewer, big_file, pin=OWNER_PIN).incidents == ROWS
    assert schema(viewer) == before
    assert verify.verify(viewer, remember=False).intact
    viewer.db.close()


def test_an_index_build_gives_way_to_a_tap_and_is_built_again(store, big_file, monkeypatch):
    importer = open_context(store, FixedClock(START))
    before = schema(importer)
    real_build = staging_db.build_index
    calls = []

    def build_index(db, plan, name, sql, now, give_way=None):
        first = not calls
        built = real_build(db, plan, name, sql, now, (lambda: True) if first else give_way)
        calls.append((name, built))
        if first:
            assert name not in built_after(importer)  # rolled back
        return built

    monkeypatch.setattr(staging_db, "build_index", build_index)
    assert import_csv(importer, big_file, pin=OWNER_PIN).incidents == ROWS
    assert calls[0][1] is False and calls[1] == (calls[0][0], True)
    assert schema(importer) == before
    importer.db.close()


def test_an_import_taken_for_dead_while_its_indexes_are_dropped_shows_nothing(
        store, big_file):
    importer = open_context(store, FixedClock(START))
    cleaner = open_context(store, FixedClock(START + import_switch.STALE_AFTER
                                             + import_switch.STALE_AFTER))
    before, counts = schema(cleaner), raw_counts(cleaner)

    def between(table: str, done: int, total: int) -> None:
        if table == "incidents" and done == SLICE + 1:
            assert import_switch.clean_killed(cleaner, pause=lambda s: None) == 1

    with pytest.raises(ImportRefused) as refused:
        import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    assert "nothing was written" in refused.value.problems[0][1]
    assert raw_counts(cleaner) == counts and schema(cleaner) == before
    importer.db.close()
    cleaner.db.close()
