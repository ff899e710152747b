"""A big file is first staged set-wise (app.import_setwise): the same staged rows as the
row-by-row check, or — for anything its strict rules do not accept — nothing, and the
file is checked row by row with the same messages as ever."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from app import csv_import as app_import
from app import import_setwise, import_switch
from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
from app.csvio import COLUMNS, ImportRefused
from bench.generator import write_csv
from tests.conftest import OWNER_PIN, START, cli_init_store

ROWS = 1500
_STAGED = ("import_incidents", "import_remedies", "import_vouchers", "import_followups",
           "import_staff")


@pytest.fixture
def staged(monkeypatch):
    """Each import's staged rows (the TEMP tables as the switch gets them), and whether
    the set-wise way staged them."""
    seen: list[dict] = []
    real_switch, real_stage = import_switch.switch_in, import_setwise.stage

    def switch_in(ctx, *args, **kwargs):
        seen[-1]["rows"] = {t: ctx.db.conn.execute(f"SELECT * FROM temp.{t}").fetchall()
                            for t in _STAGED if t != "import_staff"}
        return real_switch(ctx, *args, **kwargs)

    def stage(*args):
        count = real_stage(*args)
        seen[-1]["setwise"] = count is not None
        return count

    monkeypatch.setattr(import_switch, "switch_in", switch_in)
    monkeypatch.setattr(import_setwise, "stage", stage)
    return seen


def _import(tmp_path, name: str, source, monkeypatch, staged, *, setwise: bool):
    path = tmp_path / f"{name}.db"
    cli_init_store(path)
    monkeypatch.setattr(app_import, "SETWISE_BYTES", 0 if setwise else 1 << 62)
    staged.append({"setwise": None})
    ctx = open_context(path, FixedClock(START))
    try:
        return import_csv(ctx, source, pin=OWNER_PIN)
    except ImportRefused as refused:
        return refused.problems
    finally:
        ctx.db.close()


def _without_random_codes(rows: dict, source) -> dict:
    """The staged vouchers' codes the file does not give are new random ones: left out."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        given = {row.get("voucher_codes") or "" for row in csv.DictReader(handle)}
    codes = {c for cell in given for c in cell.split("|") if c}
    return {**rows, "import_vouchers": [
        (*row[:3], row[3] if row[3] in codes else None, *row[4:])
        for row in rows["import_vouchers"]]}


def test_a_generated_file_is_staged_set_wise_as_row_by_row(tmp_path, monkeypatch, staged):
    source = write_csv(tmp_path / "big.csv", ROWS, seed=3, end=START - timedelta(minutes=1))
    fast = _import(tmp_path, "fast", source, monkeypatch, staged, setwise=True)
    slow = _import(tmp_path, "slow", source, monkeypatch, staged, setwise=False)
    assert staged[0]["setwise"] is True and staged[1]["setwise"] is None
    assert fast.incidents == slow.incidents == ROWS
    assert fast.staff_created == slow.staff_created
    assert _without_random_codes(staged[0]["rows"], source) == \
        _without_random_codes(staged[1]["rows"], source)
    assert len(staged[0]["rows"]["import_vouchers"]) > 10
    assert len(staged[0]["rows"]["import_followups"]) > 100


def _rewrite(source, target, change) -> None:
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for number, row in enumerate(rows[1:], 1):
        change(number, dict(zip(COLUMNS, row, strict=True)), row)
    with open(target, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)


def _set(row: list[str], column: str, value: str) -> None:
    row[COLUMNS.index(column)] = value


@pytest.mark.parametrize("kind", ["local time", "padded", "made safe", "lower-case"])
def test_a_valid_row_the_strict_rules_do_not_know_is_imported_row_by_row(
        tmp_path, monkeypatch, staged, kind):
    source = write_csv(tmp_path / "big.csv", ROWS, seed=4, end=START - timedelta(minutes=1))
    odd = tmp_path / "odd.csv"

    def change(number, cells, row):
        if number != ROWS // 2:
            return
        if kind == "local time":  # 12:15 in Oslo, as a spreadsheet writes it
            when = cells["occurred_at"]
            _set(row, "occurred_at", f"{when[8:10]}.{when[5:7]}.{when[:4]} {when[11:16]}")
        elif kind == "padded":
            _set(row, "note", "  cold soup  ")
        elif kind == "made safe":
            _set(row, "note", "'=not a formula")
        else:
            _set(row, "severity", "HIGH")

    _rewrite(source, odd, change)
    fast = _import(tmp_path, "fast", odd, monkeypatch, staged, setwise=True)
    slow = _import(tmp_path, "slow", odd, monkeypatch, staged, setwise=False)
    assert staged[0]["setwise"] is False  # tried, not accepted: checked row by row
    assert fast.incidents == slow.incidents == ROWS
    assert staged[0]["rows"].keys() == staged[1]["rows"].keys()
    assert _without_random_codes(staged[0]["rows"], odd) == \
        _without_random_codes(staged[1]["rows"], odd)


@pytest.mark.parametrize("kind", ["future", "category", "follow-up order", "amounts",
                                  "code twice", "cells", "staff formula", "long note",
                                  "huge cell", "no such day", "no such due day"])
def test_a_bad_row_is_reported_as_row_by_row(tmp_path, monkeypatch, staged, kind):
    source = write_csv(tmp_path / "big.csv", ROWS, seed=5, end=START - timedelta(minutes=1))
    bad = tmp_path / "bad.csv"
    first_code: list[str] = []

    def change(number, cells, row):
        if cells["voucher_codes"] and not first_code:
            first_code.append(cells["voucher_codes"].split("|")[0])
        if number != ROWS - 7:
            return
        if kind == "future":
            _set(row, "occurred_at", "2030-01-01T12:00:00+00:00")
        elif kind == "category":
            _set(row, "category", "no_such_thing")
        elif kind == "follow-up order":
            _set(row, "followup_due_at", "2026-11-01T12:00:00+00:00")
            _set(row, "followup_done_at", "2020-01-01T12:00:00+00:00")
        elif kind == "amounts":
            _set(row, "remedy_amounts", "abc")
        elif kind == "code twice":
            _set(row, "remedies", "voucher")
            _set(row, "remedy_amounts", "10.00")
            _set(row, "total", "10.00")
            _set(row, "voucher_codes", first_code[0])
            _set(row, "vouchers_redeemed_at", "")
        elif kind == "cells":
            row.append("one too many")
        elif kind == "staff formula":
            _set(row, "staff", "=cmd")
        elif kind == "no such day":  # SQLite's date() of the text would keep it
            _set(row, "occurred_at", "2026-02-29T12:00:00+00:00")
        elif kind == "no such due day":
            _set(row, "followup_due_at", "2026-04-31T12:00:00+00:00")
        elif kind == "huge cell":  # more than the csv module reads: csv.Error
            _set(row, "note", "x" * 200_000)
        else:
            _set(row, "note", "x" * 501)

    _rewrite(source, bad, change)
    fast = _import(tmp_path, "fast", bad, monkeypatch, staged, setwise=True)
    slow = _import(tmp_path, "slow", bad, monkeypatch, staged, setwise=False)
    assert isinstance(fast, list) and fast == slow
    assert fast[0][0] >= ROWS - 7  # the line of the bad row


def test_a_file_of_a_few_columns_in_another_order_is_staged_set_wise(tmp_path, monkeypatch,
                                                                    staged):
    source = write_csv(tmp_path / "big.csv", ROWS, seed=8, end=START - timedelta(minutes=1))
    few = tmp_path / "few.csv"
    keep = ["note", "remedies", "staff", "occurred_at", "category", "remedy_amounts"]
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in list(csv.reader(handle))[1:]]
    with open(few, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(keep)
        writer.writerows([row[c] for c in keep] for row in rows)
    fast = _import(tmp_path, "fast", few, monkeypatch, staged, setwise=True)
    slow = _import(tmp_path, "slow", few, monkeypatch, staged, setwise=False)
    assert staged[0]["setwise"] is True
    assert fast.incidents == slow.incidents == ROWS
    assert _without_random_codes(staged[0]["rows"], few) == \
        _without_random_codes(staged[1]["rows"], few)


@pytest.mark.parametrize("kind", ["no-break space", "quoted name", "blank cell",
                                  "tab in note", "blank line", "NUL in note"])
def test_cells_at_the_edge_of_the_rules_stage_as_row_by_row(tmp_path, monkeypatch, staged,
                                                            kind):
    source = write_csv(tmp_path / "big.csv", ROWS, seed=9, end=START - timedelta(minutes=1))
    odd = tmp_path / "odd.csv"

    def change(number, cells, row):
        if number % 97:
            return
        if kind == "no-break space":
            _set(row, "guest_name", "\u00a0Tom Baker")
        elif kind == "quoted name":
            _set(row, "staff", "'Tereza")
        elif kind == "blank cell":
            _set(row, "table", " ")
        elif kind == "blank line":
            row[:] = []
        elif kind == "NUL in note":
            _set(row, "note", "x" * 499 + "\x00yz")
        else:
            _set(row, "note", "cold\tsoup")

    _rewrite(source, odd, change)
    fast = _import(tmp_path, "fast", odd, monkeypatch, staged, setwise=True)
    slow = _import(tmp_path, "slow", odd, monkeypatch, staged, setwise=False)
    if kind == "NUL in note":  # 502 characters: too long
        assert isinstance(fast, list) and fast == slow
        return
    blank = ROWS // 97 if kind == "blank line" else 0
    assert fast.incidents == slow.incidents == ROWS - blank
    # a tab inside a note is kept as it is; blank lines are skipped either way
    assert staged[0]["setwise"] is (kind in ("tab in note", "blank line"))
    assert _without_random_codes(staged[0]["rows"], odd) == \
        _without_random_codes(staged[1]["rows"], odd)


def test_a_tap_on_another_connection_is_saved_while_the_file_is_staged_set_wise(
        tmp_path, monkeypatch):
    """The raw rows and their conversion live in the importing connection's TEMP tables:
    no lock on the store, a tap meanwhile is saved at once and the import still sees
    nothing of its own until the switch."""
    from app import catalog, incidents
    from app.models import RemedyRequest
    from db import import_setwise as setwise_db

    path = tmp_path / "store.db"
    cli_init_store(path)
    source = write_csv(tmp_path / "big.csv", ROWS, seed=2, end=START - timedelta(minutes=1))
    monkeypatch.setattr(app_import, "SETWISE_BYTES", 0)
    counter = open_context(path, FixedClock(START))
    counter.db.conn.execute("PRAGMA busy_timeout = 0")  # the lock must be free
    real_convert = setwise_db.convert
    taps = []

    def convert(db, *args):
        accepted = real_convert(db, *args)
        taps.append(incidents.log_incident(
            counter, category_id=catalog.category_by_code(counter, "cold_food").id,
            remedies=[RemedyRequest(catalog.remedy_by_code(counter, "remake").id)],
            staff_id=None).incident.id)
        assert counter.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
        return accepted

    monkeypatch.setattr(setwise_db, "convert", convert)
    importer = open_context(path, FixedClock(START))
    assert import_csv(importer, source, pin=OWNER_PIN).incidents == ROWS
    assert len(taps) == 1
    assert counter.db.execute("SELECT count(*) FROM incidents").fetchone()[0] == ROWS + 1
    assert not importer.db.conn.execute(
        "SELECT name FROM temp.sqlite_master WHERE name LIKE 'import%'").fetchall()
    importer.db.close()
    counter.db.close()
