"""Which way of writing an import's rows is cheaper on SQLite: staged then copied (today's),
or written once straight into the store's tables (the "write each row once" design)?

    python -m bench.import_design [--incidents 100000] [--repeat 3] [--keep DIR]

The rows are those the app's own import writes: ``bench.csv_io`` imports a generated file
of N incidents into a store once (not timed) and its four tables (incidents, remedies,
vouchers, follow-ups) are read into memory. Then, each in a fresh child process on a
freshly initialised store, with the import's copy settings (foreign keys off,
``synchronous=NORMAL``, the 48 MB page cache, an ``import_staging`` row over the block so
the rollup's triggers skip the rows as they do during an import), CPU seconds per table:

* **stage + copy** (today, db.import_staging): ``executemany`` into a TEMP table, then
  ``INSERT … SELECT`` in slices of 2,000 rows, each its own write transaction;
* **write once, executemany**: ``executemany`` straight into the store's table, 2,000 rows
  per write transaction (one statement per row: with a UNIQUE index and triggers SQLite
  opens a statement journal for each row inside a transaction);
* **write once, multi-row VALUES**: ``INSERT … VALUES (…), (…), …`` of ~600 rows per
  statement, 2,000 rows per write transaction (one statement journal per statement);
* and, to show where the cost sits: the copy without the store's indexes on incidents, and
  without the rollup's triggers on incident_remedies;
* **indexes built after** (an import into a new database): the four tables' secondary
  indexes dropped, the copy, then ``CREATE INDEX`` of each in one write transaction at the
  end (timed: the longest a tap would wait); and the same for only the indexes no query
  pins with ``INDEXED BY`` (the only ones that could be missing while others read).

``--check`` measures reading and checking instead: the file read, checked and staged row
by row in Python (app.csv_rows, as the import did) against the raw cells staged with
``executemany``, checked set-wise in SQL and converted by ``INSERT … SELECT``
(app.import_setwise), CPU seconds by part. (Set ``BENCH_CACHE_KB`` to try another page
cache for the copy.)

Floor, in the same run: ``bench.csv_io``'s (csv.reader → ``executemany`` into a bare
table, one transaction). Prints medians of CPU seconds, each × the floor's CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.csv_io import END, PIN, _cpu_s, child_import, child_import_floor

TABLES = ("incidents", "incident_remedies", "vouchers", "followups")
SLICE = 2000
DESIGNS = ("stage + copy", "write once, executemany", "write once, VALUES",
           "copy, no incident indexes", "copy, no remedy triggers",
           "copy, remedy trigger guarded", "hidden by store, switch by UPDATE",
           "copy, indexes built after", "copy, unpinned indexes built after")
#: The four tables' indexes an import into an empty store could build after its rows
#: (every secondary index; the UNIQUE constraint's own index on vouchers.code cannot be
#: dropped and stays).
AFTER_TABLES = TABLES
#: Those of them no query names with INDEXED BY (a query naming a missing index fails, so
#: only these could be missing while taps and screens read during an import).
UNPINNED = ("idx_incidents_summary", "idx_followups_incident", "idx_followups_open",
            "idx_followups_missed", "idx_followups_outcome", "idx_vouchers_redeemed")
#: The WHEN a guard on summary_remedies_insert would take: rows of an import's remedy block.
REMEDY_GUARD = ("NEW.id NOT BETWEEN (SELECT coalesce(min(first_remedy), 0) FROM import_staging) "
                "AND (SELECT coalesce(max(last_remedy), -1) FROM import_staging)")


def _fresh_store(path: Path) -> sqlite3.Connection:
    from app.clock import FixedClock
    from app.context import open_context
    from app.setup import init_store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    ctx = open_context(path, FixedClock(END + timedelta(hours=1)))
    init_store(ctx, store_name="Bench", preset="restaurant", currency="EUR",
               locale="nl_NL", language="en", timezone="Europe/Amsterdam",
               owner_name="Ingrid", owner_pin=PIN)
    ctx.db.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA synchronous = NORMAL")
    # the import's page cache (db.csv_import.CACHE_KB), or another to try (BENCH_CACHE_KB)
    conn.execute(f"PRAGMA cache_size = -{int(os.environ.get('BENCH_CACHE_KB', 49152))}")
    top = 1 << 40
    conn.execute("INSERT INTO import_staging (store_id, first_incident, last_incident, "
                 "first_remedy, last_remedy, first_voucher, last_voucher, first_followup, "
                 "last_followup, owner, started_at, beat_at) "
                 "VALUES (1, 1, ?, 1, ?, 1, ?, 1, ?, 'bench', 'x', 'x')", [top] * 4)
    return conn


def _slices(rows: list, size: int = SLICE):
    for at in range(0, len(rows), size):
        yield rows[at:at + size]


def child_design(design: str, rows_file: str, store: str) -> dict[str, float]:
    with open(rows_file, "rb") as handle:
        data, columns = pickle.load(handle)
    conn = _fresh_store(Path(store))
    if design == "copy, no incident indexes":
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'incidents' AND sql IS NOT NULL").fetchall():
            conn.execute(f"DROP INDEX {name}")
    if design == "copy, no remedy triggers":
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'incident_remedies'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
    if design == "copy, remedy trigger guarded":
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND name = 'summary_remedies_insert'").fetchone()[0]
        head, begin, body = sql.partition(" BEGIN ")
        conn.execute("DROP TRIGGER summary_remedies_insert")
        conn.execute(f"{head} WHEN {REMEDY_GUARD}{begin}{body}")
    spent: dict[str, float] = {}
    built_after = []
    if design in ("copy, indexes built after", "copy, unpinned indexes built after"):
        began = _cpu_s()
        built_after = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(AFTER_TABLES))}) ORDER BY name",
            AFTER_TABLES).fetchall()
        if design == "copy, unpinned indexes built after":
            built_after = [(n, sql) for n, sql in built_after if n in UNPINNED]
        conn.execute("BEGIN IMMEDIATE")
        for name, _sql in built_after:
            conn.execute(f"DROP INDEX {name}")
        conn.execute("COMMIT")
        spent["drop"] = _cpu_s() - began
    if design == "hidden by store, switch by UPDATE":  # written under a store nobody reads
        conn.execute("INSERT INTO stores (id, created_at) VALUES (-1, 'x')")
        store_at = columns["incidents"].index("store_id")
        data["incidents"] = [(*row[:store_at], -1, *row[store_at + 1:])
                             for row in data["incidents"]]
    for table in TABLES:
        rows, names = data[table], columns[table]
        marks = ", ".join("?" * len(names))
        insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
        began = _cpu_s()
        if design == "write once, executemany":
            for part in _slices(rows):
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(f"{insert}({marks})", part)
                conn.execute("COMMIT")
        elif design == "write once, VALUES":
            per = max(1, 16_000 // len(names))  # parameters per statement: under the limit
            whole = insert + ", ".join([f"({marks})"] * per)
            for part in _slices(rows):
                conn.execute("BEGIN IMMEDIATE")
                for chunk in _slices(part, per):
                    sql = whole if len(chunk) == per else \
                        insert + ", ".join([f"({marks})"] * len(chunk))
                    conn.execute(sql, [value for row in chunk for value in row])
                conn.execute("COMMIT")
        else:  # stage in TEMP, then copy in slices
            conn.execute(f"CREATE TEMP TABLE staged ({', '.join(names)})")
            conn.execute("BEGIN")
            for part in _slices(rows, 5000):
                conn.executemany(f"INSERT INTO temp.staged VALUES ({marks})", part)
            conn.execute("COMMIT")
            for at in range(0, len(rows), SLICE):
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT * FROM "
                             "temp.staged WHERE rowid BETWEEN ? AND ?", [at + 1, at + SLICE])
                conn.execute("COMMIT")
            conn.execute("DROP TABLE temp.staged")
        spent[table] = _cpu_s() - began
    if design == "hidden by store, switch by UPDATE":
        # The switch: the import's rows made visible in one UPDATE, in one write transaction
        # (the time a tap would wait for it), with the import_staging row gone as at a switch.
        began, wall = _cpu_s(), time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM import_staging")
        conn.execute("UPDATE incidents SET store_id = 1 WHERE store_id = -1")
        conn.execute("COMMIT")
        spent["switch"] = _cpu_s() - began
        spent["switch wall"] = time.perf_counter() - wall
    if built_after:
        # The indexes made again from the rows (one sort each), in one write transaction at
        # the end: the longest a tap would wait for this design.
        began, wall = _cpu_s(), time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for name, sql in built_after:
            start = _cpu_s()
            conn.execute(sql)
            spent[f"index {name}"] = _cpu_s() - start
        conn.execute("COMMIT")
        spent["build"] = _cpu_s() - began
        spent["build wall"] = time.perf_counter() - wall
    conn.close()
    return spent


# -- reading and checking: in Python per row (today) or set-wise in SQL ---------------------

def child_check(way: str, csv_path: str, store: str) -> dict[str, float]:
    """Read, check and stage ``csv_path`` for an import into a fresh store, the way
    ``way`` says ("python": app.csv_rows.Checker per row and db.csv_import.stage, as
    app.csv_import does; "sql": the raw cells staged with executemany, checked set-wise,
    converted by INSERT … SELECT into the same TEMP tables). CPU seconds by part."""
    import csv as csv_module

    from app import csv_import as app_import
    from app.clock import FixedClock
    from app.context import open_context
    from app.csv_read import open_csv
    from app.csv_rows import Checker
    from app.csvio import COLUMNS
    from app.setup import init_store
    from db import csv_import as csv_db

    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    ctx = open_context(store, FixedClock(END + timedelta(hours=1)))
    init_store(ctx, store_name="Bench", preset="restaurant", currency="EUR",
               locale="nl_NL", language="en", timezone="Europe/Amsterdam",
               owner_name="Ingrid", owner_pin=PIN)
    spent: dict[str, float] = {}
    began = _cpu_s()
    opened = open_csv(csv_path, set(COLUMNS), "cp1252")
    reader = csv_module.reader(opened.text, delimiter=opened.delimiter)
    header = app_import._header(reader)
    checker = Checker(ctx, header)
    csv_db.start(ctx.db)
    spent["open"] = _cpu_s() - began
    if way == "python":
        began = _cpu_s()
        stager = app_import._Stager(ctx)
        stage = csv_db.stage
        staged = [0.0]

        def timed_stage(*args):
            start = _cpu_s()
            stage(*args)
            staged[0] += _cpu_s() - start

        csv_db.stage = timed_stage
        end = reader.line_num
        for raw in reader:
            start, end = end + 1, reader.line_num
            checked = checker.row(raw, start)
            if checked is not None:
                stager.add(start, checked)
        stager.flush()
        csv_db.stage = stage
        total = _cpu_s() - began
        spent["stage (TEMP tables)"] = staged[0]
        spent["read, check"] = total - staged[0]
    else:  # app.import_setwise, by part
        from app import import_setwise
        from db import import_setwise as setwise_db

        parts = {"stage_raw": "read, stage raw cells",
                 "convert": "check and convert (SQL)",
                 "drop": "drop raw and lookup tables"}
        real = {name: getattr(setwise_db, name) for name in parts}

        def timed(name):
            def run(*args, **kwargs):
                start = _cpu_s()
                try:
                    return real[name](*args, **kwargs)
                finally:
                    spent[parts[name]] = spent.get(parts[name], 0.0) + _cpu_s() - start
            return run

        for name in parts:
            setattr(setwise_db, name, timed(name))
        began = _cpu_s()
        if import_setwise.stage(ctx, reader, header, checker) is None:
            raise SystemExit("the set-wise way did not accept the file")
        total = _cpu_s() - began
        spent["distinct values, vouchers (Python)"] = total - sum(spent[p] for p in
                                                                  parts.values())
        for name in parts:
            setattr(setwise_db, name, real[name])
    spent["counts"] = list(csv_db.counts(ctx.db).values())
    ctx.db.close()
    return spent


def _check_main(args, folder: Path, source: Path) -> int:
    floors: list[float] = []
    runs: dict[str, list[dict]] = {"python": [], "sql": []}
    for _round in range(args.repeat):
        floors.append(_child(["floor", str(folder / "bare.db"), str(source)])["cpu"])
        Path(folder / "bare.db").unlink(missing_ok=True)
        for way in runs:
            runs[way].append(_child(["check", way, str(source), str(folder / "c.db")]))
    floor = statistics.median(floors)
    print(f"\nfloor (csv → executemany, bare table): {floor:.2f} CPU s (median of "
          f"{len(floors)})")
    for way, label in (("python", "per row in Python (app.csv_rows, today)"),
                       ("sql", "raw cells staged, checked and converted in SQL")):
        print(f"\nread, check and stage {label}: staged rows {runs[way][0]['counts']}")
        total = 0.0
        for part in runs[way][0]:
            if part == "counts":
                continue
            cpu = statistics.median(run[part] for run in runs[way])
            total += cpu
            print(f"  {part:40} {cpu:6.2f} CPU s {cpu / floor:6.2f}×")
        print(f"  {'all':40} {total:6.2f} CPU s {total / floor:6.2f}×")
    print(f"\n(incidents: {args.incidents:,}; runs: {args.repeat}; medians; files in {folder})")
    return 0


def save_rows(store: Path, rows_file: Path) -> None:
    """The four tables of ``store`` (as an import wrote them) into ``rows_file``, with
    their column names, for :func:`child_design`."""
    conn = sqlite3.connect(store)
    try:
        data = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
        columns = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in TABLES}
    finally:
        conn.close()
    with open(rows_file, "wb") as handle:
        pickle.dump((data, columns), handle)


def _child(args: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, "-m", "bench.import_design", "--child", *args],
                          capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_design")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--designs", default=";".join(DESIGNS),
                        help="which designs, separated by ; (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="measure reading and checking instead: per row in Python "
                             "(today) against set-wise in SQL")
    parser.add_argument("--child", nargs="+", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "floor":
            child_import_floor(*rest)
            from bench.csv_io import CPU
            print(json.dumps({"cpu": CPU[0]}))
        elif kind == "check":
            print(json.dumps(child_check(*rest)))
        elif kind == "import":
            child_import(*rest)
            print(json.dumps({}))
        else:
            print(json.dumps(child_design(kind, *rest)))
        return 0

    from bench.generator import write_csv

    folder = args.keep or Path(tempfile.mkdtemp(prefix="import_design-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"generated-{args.incidents}.csv"
    if not source.exists():
        write_csv(folder / "generating.csv", args.incidents, seed=1, end=END).rename(source)
    if args.check:
        return _check_main(args, folder, source)
    imported, rows_file = folder / "imported.db", folder / "rows.pickle"
    if not rows_file.exists():  # a kept folder's rows are reused (the generator's are fixed)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{imported}{suffix}").unlink(missing_ok=True)
        _child(["import", str(imported), str(source)])
        save_rows(imported, rows_file)
    floors: list[float] = []
    designs = [d.strip() for d in args.designs.split(";") if d.strip() in DESIGNS]
    figures: dict[str, list[dict[str, float]]] = {d: [] for d in designs}
    for _round in range(args.repeat):  # paired: each design beside a floor of the round
        floors.append(_child(["floor", str(folder / "bare.db"), str(source)])["cpu"])
        Path(folder / "bare.db").unlink(missing_ok=True)
        for design in designs:
            figures[design].append(_child([design, str(rows_file), str(folder / "w.db")]))
    floor = statistics.median(floors)
    print(f"\nfloor (csv → executemany, bare table): {floor:.2f} CPU s (median of "
          f"{len(floors)})\n")
    print(f"{'CPU s (median)':36}" + "".join(f"{t[:10]:>11}" for t in TABLES)
          + f"{'all':>8}{'× floor':>9}")
    for design in designs:
        per = {t: statistics.median(run[t] for run in figures[design]) for t in TABLES}
        total = sum(per.values())
        print(f"{design:36}" + "".join(f"{per[t]:11.2f}" for t in TABLES)
              + f"{total:8.2f}{total / floor:8.2f}×")
    for design in designs:
        if "switch" in figures[design][0]:
            cpu = statistics.median(run["switch"] for run in figures[design])
            wall = statistics.median(run["switch wall"] for run in figures[design])
            print(f"{design}: the switch's UPDATE holds the write lock {wall:.2f} s "
                  f"({cpu:.2f} CPU s, {cpu / floor:.2f}× the floor's CPU)")
    for design in designs:
        if "build" in figures[design][0]:
            build = statistics.median(run["build"] for run in figures[design])
            drop = statistics.median(run["drop"] for run in figures[design])
            wall = statistics.median(run["build wall"] for run in figures[design])
            per = {t: statistics.median(run[t] for run in figures[design]) for t in TABLES}
            total = sum(per.values()) + build + drop
            print(f"{design}: dropping the indexes {drop:.2f} CPU s, building them again "
                  f"{build:.2f} CPU s ({build / floor:.2f}× the floor's CPU) in one write "
                  f"transaction of {wall:.2f} s; with the copy {total:.2f} CPU s, "
                  f"{total / floor:.2f}× the floor")
            for key in sorted(k for k in figures[design][0] if k.startswith("index ")):
                print(f"    {key[6:]:34} "
                      f"{statistics.median(run[key] for run in figures[design]):6.2f} CPU s")
    print(f"\n(incidents: {args.incidents:,}; runs: {args.repeat}; files in {folder})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
