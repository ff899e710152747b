"""Big imports: all or nothing, bounded staging, and the counter keeps saving meanwhile."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from app import catalog, csv_import, incidents
from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
from app.csvio import ImportRefused
from app.models import RemedyRequest
from bench.generator import write_csv
from db import csv_import as csv_db
from tests.conftest import OWNER_PIN, START, cli_init_store

ROWS = 6000


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    return path


@pytest.fixture
def big_file(tmp_path):
    return write_csv(tmp_path / "big.csv", ROWS, seed=5, end=START - timedelta(minutes=1))


def table_counts(ctx) -> dict[str, int]:
    return {t: ctx.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("incidents", "incident_remedies", "followups", "vouchers", "staff")}


def test_a_bad_row_late_in_a_big_file_leaves_nothing_written(store, big_file, monkeypatch):
    monkeypatch.setattr(csv_import, "BATCH", 1000)  # several batches staged before it
    with open(big_file, "a", encoding="utf-8", newline="") as out:
        out.write("2026-11-10T10:00:00+00:00,burnt_toast" + "," * 7 + ",remake"
                  + "," * 15 + "\r\n")  # 25 cells: the terminal is the last
    ctx = open_context(store, FixedClock(START))
    before = table_counts(ctx)
    staged = []
    real_stage = csv_db.stage
    monkeypatch.setattr(csv_db, "stage", lambda db, table, rows: (
        staged.append(len(rows)), real_stage(db, table, rows))[1])
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, big_file, pin=OWNER_PIN)
    assert refused.value.problems[0][0] == ROWS + 2  # the last line of the file
    assert "burnt_toast does not exist" in refused.value.problems[0][1]
    assert sum(staged) >= 5 * 1000  # it was staging when it met the bad row
    assert table_counts(ctx) == before
    assert ctx.db.execute("SELECT count(*) FROM sqlite_temp_master").fetchone()[0] == 0
    ctx.db.close()


def test_a_tap_on_another_connection_is_saved_quickly_while_a_big_import_runs(
        store, big_file, monkeypatch):
    monkeypatch.setattr(csv_import, "BATCH", 1000)
    monkeypatch.setattr(csv_import, "SETWISE_BYTES", 1 << 62)  # row by row (set-wise:
    # tests/test_import_setwise.py)
    staging, go_on = threading.Event(), threading.Event()
    calls = []
    real_stage = csv_db.stage

    def stage_then_pause(db, table, rows):
        real_stage(db, table, rows)
        calls.append(table)
        if calls.count("import_incidents") == 3:  # 3,000 rows staged: hold the import here
            staging.set()
            assert go_on.wait(timeout=60)

    monkeypatch.setattr(csv_db, "stage", stage_then_pause)
    outcome: list = []

    def run_import() -> None:
        ctx = open_context(store, FixedClock(START))
        try:
            outcome.append(import_csv(ctx, big_file, pin=OWNER_PIN))
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            outcome.append(error)
        finally:
            ctx.db.close()

    worker = threading.Thread(target=run_import)
    worker.start()
    try:
        assert staging.wait(timeout=60), "the import never reached its staging"
        counter = open_context(store, FixedClock(START))
        counter.db.conn.execute("PRAGMA busy_timeout = 250")  # fail fast if it were locked
        cold = catalog.category_by_code(counter, "cold_food").id
        remake = catalog.remedy_by_code(counter, "remake").id
        started = time.perf_counter()
        logged = incidents.log_incident(counter, category_id=cold,
                                        remedies=[RemedyRequest(remake)], staff_id=None)
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, f"the tap took {elapsed:.2f} s"
        # Nothing of the import is visible yet: it is all or nothing.
        assert table_counts(counter)["incidents"] == 1
    finally:
        go_on.set()
        worker.join(timeout=120)
    assert not worker.is_alive()
    [result] = outcome
    assert not isinstance(result, BaseException), result
    assert result.incidents == ROWS
    assert table_counts(counter)["incidents"] == ROWS + 1
    assert incidents.get_incident(counter, logged.incident.id).category_id == cold
    counter.db.close()


def test_an_imported_store_passes_sqlites_foreign_key_check(store, big_file):
    """The copy skips SQLite's per-row foreign-key probes: every reference must hold."""
    ctx = open_context(store, FixedClock(START))
    import_csv(ctx, big_file, pin=OWNER_PIN)
    assert ctx.db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert ctx.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    ctx.db.close()
