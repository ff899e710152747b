"""Import incidents from the CSV format of :mod:`app.csvio` (docs/csv-format.md).

Importing is an owner's action: it needs an owner's PIN, and its one audit entry names
the owner, the file's SHA-256 and the number of rows. Approvals in the file are kept as
history ("on paper: Marco; imported by Ingrid"), never as live approvals.

The file is read as a stream: each row is checked (:mod:`app.csv_rows`) and, while no row
was bad, staged in batches into temporary tables (:mod:`db.csv_import`), so memory stays
flat whatever the file's size and the counter can save taps meanwhile. A big file on
SQLite is first staged set-wise (:mod:`app.import_setwise`: its raw cells, then checked
and converted in SQL); a file that way does not accept is read again and checked row by
row, which names each bad row. Nothing is
written to the store unless every row is valid; then the rows are copied in short slices,
invisible until one short transaction switches them all in (:mod:`app.import_switch`).
Each bad row is reported with its line number (the line it starts on).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from app import approval, audit, import_setwise, import_switch, staff, vouchers
from app.context import Context
from app.csv_read import NotACsv, Opened, open_csv, open_stream
from app.csv_rows import Bad, Checker
from app.csvio import COLUMNS, REQUIRED, ImportRefused, from_spreadsheet_safe
from app.errors import ValidationError
from app.i18n import _
from app.models import Changes, Role
from db import csv_import as csv_db
from db import import_staging as staging_db

BATCH = 5000
PROBLEMS_KEPT = 200
#: Files of at least this size (about 1,000 rows) are first staged set-wise
#: (:mod:`app.import_setwise`); smaller ones, and any file that way does not accept, are
#: checked row by row.
SETWISE_BYTES = 150_000


class OwnerPinNeeded(ValidationError):
    """Importing was asked without an owner's PIN (or with someone else's)."""

    def __init__(self, message: str) -> None:
        super().__init__("pin", message)


@dataclass(frozen=True)
class Imported:
    """What an import wrote, and how the file was read."""

    incidents: int
    staff_created: tuple[str, ...]
    changes: Changes
    encoding: str = "UTF-8"
    delimiter: str = ","
    sha256: str = ""
    assumed_code_page: bool = False


def owner_for_import(ctx: Context, pin: str | None) -> tuple[int, str]:
    """The active owner whose PIN this is, as (id, name); refuses anyone else."""
    if not str(pin or "").strip():
        raise OwnerPinNeeded(_("Importing incidents needs an owner's PIN (--pin)."))
    grant = approval.authorize(ctx, pin, for_what="import")
    member = staff.get_staff(ctx, grant.staff_id)
    if member.role is not Role.OWNER or not member.active:
        raise OwnerPinNeeded(_("Only an owner can import incidents: that PIN is not an "
                               "owner's. Ask the owner to type theirs."))
    return member.id, member.name


def import_csv(ctx: Context, source: str | Path | TextIO, *, pin: str | None,
               between: import_switch.Hook | None = None) -> Imported:
    """Check every row of ``source``, then switch them all in at once.

    ``pin`` must be an active owner's. Raises :class:`OwnerPinNeeded` without it,
    :class:`ImportRefused` listing each bad row's line number and reason (nothing is
    written then), ``OSError`` when the file cannot be read. ``between`` runs after each
    slice of the copy (see :func:`app.import_switch.switch_in`).
    """
    owner = owner_for_import(ctx, pin)
    running = import_switch.running_import(ctx)
    if running is not None:
        raise _another_import(running)
    import_switch.clean_killed(ctx)
    known = set(COLUMNS)
    reopen = None
    if isinstance(source, str | Path):
        prefer = "cp1250" if ctx.settings().locale.startswith("cs") else "cp1252"
        try:
            opened = open_csv(source, known, prefer)
        except NotACsv as error:
            raise ImportRefused([(1, str(error))]) from None
        if Path(source).stat().st_size >= SETWISE_BYTES:
            def reopen() -> Opened:  # to check it row by row after the set-wise try
                return open_csv(source, known, prefer)
    else:
        opened = open_stream(source, known)
    files = [opened]
    try:
        return _import(ctx, opened, owner, source, between, reopen, files)
    finally:
        for each in files:
            each.text.close()


def _header(reader) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRefused([(1, _("the file is empty: expected a header line."))]) from None
    except csv.Error as error:
        raise ImportRefused([(1, str(error))]) from None
    if len(header) == 1 and not set(header) & set(COLUMNS):
        raise ImportRefused([(1, _(
            "this does not look like an incidents file: the first line should name the "
            "columns, like occurred_at,category,remedies (comma, semicolon or tab "
            "between them)."))])
    problems = [(1, _("unknown column {name}; the columns are: {known}.").format(
        name=h, known=", ".join(COLUMNS))) for h in header if h not in COLUMNS]
    problems += [(1, _("the column {name} is missing.").format(name=c))
                 for c in REQUIRED if c not in header]
    problems += [(1, _("the column {name} appears twice.").format(name=h))
                 for h in sorted({h for h in header if header.count(h) > 1})]
    if problems:
        raise ImportRefused(problems)
    return header


class _Stager:
    """Numbers the checked rows and stages them in batches."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.incidents: list[tuple] = []
        self.remedies: list[tuple] = []
        self.vouchers: list[tuple] = []
        self.followups: list[tuple] = []
        self.counts = [0, 0, 0, 0]  # incidents, remedies, vouchers, follow-ups so far

    @property
    def count(self) -> int:
        return self.counts[0]

    def add(self, line: int, checked) -> None:
        incident, remedies, followup = checked
        counts = self.counts
        counts[0] += 1
        n = counts[0]
        self.incidents.append((n, line, *incident))
        for remedy, voucher in remedies:
            counts[1] += 1
            self.remedies.append((counts[1], n, *remedy))
            if voucher is not None:
                counts[2] += 1
                self.vouchers.append((counts[2], n, counts[1], *voucher))
        if followup is not None:
            counts[3] += 1
            self.followups.append((counts[3], n, *followup))
        if len(self.incidents) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for table, rows in (("import_incidents", self.incidents),
                            ("import_remedies", self.remedies),
                            ("import_vouchers", self.vouchers),
                            ("import_followups", self.followups)):
            csv_db.stage(self.ctx.db, table, rows)
            rows.clear()


def _another_import(row: dict) -> ImportRefused:
    return ImportRefused([(1, _(
        "another import into this database started at {when} and is still being written; "
        "nothing was written. Import this file when it has finished.").format(
        when=row["started_at"]))])


def _import(ctx: Context, opened: Opened, owner: tuple[int, str], source,
            between: import_switch.Hook | None, reopen=None,
            files: list[Opened] | None = None) -> Imported:
    reader = csv.reader(opened.text, delimiter=opened.delimiter)
    header = _header(reader)
    checker = Checker(ctx, header)
    problems: list[tuple[int, str]] = []
    bad_rows = 0
    stager = _Stager(ctx)
    csv_db.start(ctx.db)
    try:
        count = None
        if reopen is not None and not checker.check_duplicates \
                and import_setwise.available(ctx):
            count = import_setwise.stage(ctx, reader, header, checker)
            if count is None:  # not accepted set-wise: row by row, from the top
                opened = reopen()
                if files is not None:
                    files.append(opened)
                reader = csv.reader(opened.text, delimiter=opened.delimiter)
                _header(reader)
                checker = Checker(ctx, header)
            else:
                stager.counts[0] = count
        end = reader.line_num
        while count is None:
            start = end + 1
            try:
                raw = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                problems.append((reader.line_num, str(error)))
                bad_rows += 1
                break
            except UnicodeDecodeError:
                raise ImportRefused([(start, _(
                    "the text could not be read as {encoding}. Save the sheet as \"CSV "
                    "UTF-8\" and import that file.").format(encoding=opened.encoding_name))]
                ) from None
            end = reader.line_num
            if "'" in "".join(raw):
                raw = [from_spreadsheet_safe(cell) for cell in raw]
            try:
                checked = checker.row(raw, start)
            except Bad as bad:
                bad_rows += 1
                if len(problems) < PROBLEMS_KEPT:
                    problems.append((start, str(bad)))
                continue
            if checked is not None and not bad_rows:
                stager.add(start, checked)
            if checker.unsettled >= BATCH:
                bad_rows += _settle(checker, problems)
        bad_rows += _settle(checker, problems)
        if bad_rows:
            problems.sort(key=lambda problem: problem[0])  # settled ones came later
            raise ImportRefused(problems, total=bad_rows)
        stager.flush()
        count = stager.count
        if not count:
            raise ImportRefused([(1, _("the file has a header but no incidents."))])
        _fill_voucher_codes(ctx, checker)
        staff_keys = {**{key: (name, None) for key, name in checker.new_staff.items()},
                      **{key: ("", staff_id) for key, staff_id in checker.staff.items()}}
        name = Path(source).name if isinstance(source, str | Path) else ""
        created: list[str] = []

        def audit_entry(added: dict[str, int], coverage: dict) -> None:
            # The rows written, by id range and digest: comeback verify holds them to it.
            audit.record(ctx, owner[0], "incidents.imported", "store", ctx.store_id,
                         incidents=count, rows=count, owner=owner[1], sha256=opened.sha256,
                         file=name, encoding=opened.encoding_name,
                         staff_created=list(added), **coverage)

        try:
            created.extend(import_switch.switch_in(ctx, owner[0], staff_keys, audit_entry,
                                                   between=between))
        except staging_db.AnotherImport as other:
            raise _another_import(other.row) from None
        except csv_db.CodeTaken as taken:
            raise ImportRefused([(taken.line, _(
                "voucher code {code} already exists in this database.").format(
                code=taken.code))]) from None
        except (staging_db.Lost, staging_db.IdsTaken):
            raise ImportRefused([(1, _("the store changed while the file was imported; "
                                       "nothing was written. Import it again."))]) from None
    finally:
        csv_db.drop(ctx.db)
    if count > 1000:
        csv_db.optimize(ctx.db)
    return Imported(count, tuple(created), Changes(incidents=True, followups=True,
                                                  vouchers=True, staff=bool(created)),
                    encoding=opened.encoding_name, delimiter=opened.delimiter,
                    sha256=opened.sha256, assumed_code_page=opened.is_code_page)


def _settle(checker: Checker, problems: list[tuple[int, str]]) -> int:
    """The rows the database refuses among those checked since the last batch (already
    in the store, a voucher code taken); returns how many, keeps their reasons."""
    found = checker.settle()
    problems.extend(found[:max(0, PROBLEMS_KEPT - len(problems))])
    return len(found)


def _fill_voucher_codes(ctx: Context, checker: Checker) -> None:
    """A new code for each voucher the file gave none (after all the file's codes are
    known, so a new one never takes a code a later row names)."""
    missing = csv_db.vouchers_without_code(ctx.db)
    fills = []
    for n in missing:
        code = None
        while code is None or code in checker.codes or csv_db.code_exists(ctx.db, code):
            code = vouchers.new_code()
        checker.codes[code] = 0
        fills.append((code, n))
    if fills:
        csv_db.set_voucher_codes(ctx.db, fills)
