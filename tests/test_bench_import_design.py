"""bench.import_design writes the same rows into the store whichever design it measures."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
from app.setup import init_store
from bench import import_design
from bench.csv_io import END, PIN
from bench.generator import write_csv


def _tables(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in import_design.TABLES}
    finally:
        conn.close()


def test_each_design_writes_the_rows_the_import_wrote(tmp_path):
    source = write_csv(tmp_path / "rows.csv", 60, seed=5, end=END - timedelta(minutes=1))
    imported = tmp_path / "imported.db"
    ctx = open_context(imported, FixedClock(END + timedelta(hours=1)))
    try:
        init_store(ctx, store_name="Bench", preset="restaurant", currency="EUR",
                   locale="nl_NL", language="en", timezone="Europe/Amsterdam",
                   owner_name="Ingrid", owner_pin=PIN)
        assert import_csv(ctx, source, pin=PIN).incidents == 60
    finally:
        ctx.db.close()
    rows = tmp_path / "rows.pickle"
    import_design.save_rows(imported, rows)
    expected = _tables(imported)
    for n, design in enumerate(("stage + copy", "write once, executemany",
                                "write once, VALUES")):
        store = tmp_path / f"design{n}.db"
        spent = import_design.child_design(design, str(rows), str(store))
        assert set(spent) == set(import_design.TABLES)
        assert _tables(store) == expected, design


def test_the_update_switch_shows_the_rows_in_the_store_and_times_its_lock(tmp_path):
    source = write_csv(tmp_path / "rows.csv", 30, seed=6, end=END - timedelta(minutes=1))
    imported = tmp_path / "imported.db"
    ctx = open_context(imported, FixedClock(END + timedelta(hours=1)))
    try:
        init_store(ctx, store_name="Bench", preset="restaurant", currency="EUR",
                   locale="nl_NL", language="en", timezone="Europe/Amsterdam",
                   owner_name="Ingrid", owner_pin=PIN)
        import_csv(ctx, source, pin=PIN)
    finally:
        ctx.db.close()
    rows = tmp_path / "rows.pickle"
    import_design.save_rows(imported, rows)
    store = tmp_path / "flip.db"
    spent = import_design.child_design("hidden by store, switch by UPDATE", str(rows),
                                       str(store))
    assert spent["switch wall"] >= 0
    assert _tables(store) == _tables(imported)
