"""Reading and checking an import's file set-wise (for :mod:`app.csv_import`, SQLite).

The raw cells go into a TEMP table with one ``executemany``; the columns of few distinct
values (category, the remedies with their amounts, approvers and total, staff names,
terminals) are checked here once per distinct value by the row checker's own methods
(:class:`app.csv_rows.Checker`: ``given_of``, ``person``, ``terminal_name``, ``guest_key``,
``voucher_cells``); ``INSERT … SELECT`` (:func:`db.import_setwise.convert`)
stages the same rows the row-by-row check would have, holding every row to strict rules
for the rest meanwhile (times already in the stored form and not in the future, lengths,
the follow-up's cells). Rows with vouchers (a few per cent) go through the
checker as before.

Anything the strict rules do not accept — a bad row, but also a valid one in a form they
do not know (a local date format, a padded cell, a formula made safe) — makes
:func:`stage` return None, having staged nothing: the caller then checks the file row by
row, which says what is wrong with each bad row, as ever. Measured in
docs/import-design.md.
"""

from __future__ import annotations

import csv
from datetime import datetime

from app import followups, incidents
from app.clock import to_iso
from app.context import Context
from app.csv_rows import Bad, Checker
from app.csvio import COLUMNS
from db import csv_import as csv_db
from db import import_setwise as setwise_db

#: Vouchers staged at a time.
BATCH = 5000


def available(ctx: Context) -> bool:
    """Whether the database can stage set-wise: SQLite (its TEMP tables and functions);
    on PostgreSQL every file is checked row by row (db.pg_import)."""
    return getattr(ctx.db, "backend", "sqlite") == "sqlite"


def stage(ctx: Context, reader, header: list[str], checker: Checker) -> int | None:
    """Stage every row of ``reader`` (past its header) set-wise; the number of incidents,
    or None when the row-by-row check must do it (nothing staged then)."""
    db = ctx.db
    width = len(header)
    setwise_db.start(db, width)
    count = None
    try:
        count = _stage(ctx, reader, header, checker, width)
    except (csv.Error, UnicodeDecodeError, Bad, _Unusual):
        pass  # the row-by-row check says which line, and why
    finally:
        setwise_db.drop(db)
        if count is None:
            setwise_db.clear_staged(db)
    return count


class _Unusual(Exception):
    """A cell in a form the set-wise way leaves to the row-by-row check (the first row's
    time not in the stored form, a cell a spreadsheet made safe with a quote)."""


def _usual(*cells: str) -> None:
    if any(cell[:1] == "'" for cell in cells):
        raise _Unusual()


def _rows(reader, occurred_at: int):
    """(first line, cell, …) of each row, as the row-by-row check numbers them. A file
    whose first time is in another form (a spreadsheet's local one) is left to the
    row-by-row check at once, before its rows are staged for nothing."""
    end = reader.line_num
    for row in reader:
        cell = row[occurred_at] if len(row) > occurred_at else ""
        if len(cell) != 25 or cell[10] != "T" or not cell.endswith("+00:00"):
            raise _Unusual()
        yield (end + 1, *row)
        end = reader.line_num
        break
    for row in reader:
        if row:  # a blank line: skipped, as row by row
            yield (end + 1, *row)
        end = reader.line_num


def _stage(ctx: Context, reader, header: list[str], checker: Checker,
           width: int) -> int | None:
    db = ctx.db
    if not setwise_db.stage_raw(db, width, _rows(reader, header.index("occurred_at"))):
        return None
    col = {name: f"r.c{header.index(name)}" if name in header else "''" for name in COLUMNS}
    setwise_db.fill(db, "import_categories", [
        (c.code, c.id, c.label, c.default_severity.value)
        for c in checker.categories.values()])
    given, items = [], []
    for k, cells in enumerate(setwise_db.distinct(
            db, [col["remedies"], col["remedy_amounts"], col["approved_by"], col["total"]])):
        _usual(*cells)
        wanted, staged, count, cost = checker.given_of(*cells)
        given.append((k, *cells, wanted, count, cost))
        items.extend((k, i, *remedy) for i, (remedy, _voucher) in enumerate(staged))
    setwise_db.fill(db, "import_given", given)
    setwise_db.fill(db, "import_given_items", items)
    named = setwise_db.people(db, col["staff"], col["followup_by"], col["followup_due_at"])
    _usual(*named)
    setwise_db.fill(db, "import_people", [(cell, checker.person("staff", cell))
                                          for cell in named])
    terminals = [cell for (cell,) in setwise_db.distinct(db, [col["terminal"]],
                                                         f"{col['terminal']} <> ''")]
    _usual(*terminals)
    setwise_db.fill(db, "import_terminal_cells", [(cell, checker.terminal_name(cell))
                                                  for cell in terminals])
    limits = {"table": incidents.TABLE_MAX, "guest_name": incidents.GUEST_NAME_MAX,
              "guest_contact": incidents.GUEST_CONTACT_MAX, "note": incidents.NOTE_MAX,
              "outcome_note": followups.OUTCOME_NOTE_MAX}
    db.conn.create_function("guest_key", 2, checker.guest_key, deterministic=True)
    if not setwise_db.convert(db, col, checker.currency, checker.latest_text, limits):
        return None
    if not _vouchers(ctx, checker, col):
        return None
    return csv_db.counts(db)["incidents"]


def _vouchers(ctx: Context, checker: Checker, col: dict[str, str]) -> bool:
    """Stage the vouchers of the rows that give any, checked by the checker as row by row
    (codes in the file's form, used once, redemption times), a batch at a time; False when
    a row is refused or a code is taken in the database."""
    db = ctx.db
    remedies = setwise_db.voucher_remedies(db)
    staged: list[tuple] = []
    n = 0
    for incident_n, line, codes_cell, redeemed_cell, wanted, occurred in \
            setwise_db.voucher_rows(db, col):
        codes = checker.voucher_cells(codes_cell, redeemed_cell, wanted, line)
        given = [code for code, _when in codes if code is not None]
        if given:
            checker.check_codes(given, line)
        expires = to_iso(datetime.fromisoformat(occurred) + checker.validity)
        for code, when in codes:
            remedy = next(remedies, None)
            if remedy is None or remedy[0] != incident_n:
                return False  # cannot be: the remedies were staged from the same rows
            _incident, remedy_n, amount = remedy
            n += 1
            staged.append((n, incident_n, remedy_n, code, amount, occurred, expires, when))
        if len(staged) >= BATCH:
            if checker.settle():
                return False
            setwise_db.stage_vouchers(db, staged)
            staged.clear()
    if checker.settle():
        return False
    setwise_db.stage_vouchers(db, staged)
    setwise_db.commit(db)
    return True
