"""Import is an owner's action; imported approvals are history; spreadsheet formulas."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from app import catalog, incidents, staff
from app.cli import main
from app.csv_import import OwnerPinNeeded, import_csv
from app.csvio import (
    COLUMNS,
    ENCODING,
    ImportRefused,
    export_bytes,
    from_spreadsheet_safe,
    spreadsheet_safe,
)
from app.errors import ComebackError
from app.followup_items import given, open_items
from app.models import RemedyRequest, Role
from db.connection import open_database
from tests.conftest import MANAGER_PIN, OWNER_PIN, cli_init_store
from tests.test_csv import counts, fresh_store, stream

WHEN = "2026-11-09T11:00:00+00:00"


def csv_text(*rows: dict[str, str]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" for c in COLUMNS} | row)
    return buffer.getvalue()


def row(**cells: str) -> dict[str, str]:
    return {"occurred_at": WHEN, "category": "cold_food", "remedies": "remake"} | cells


# -- who may import ---------------------------------------------------------------------------

@pytest.mark.parametrize("pin", [None, "", "  "])
def test_import_without_owner_pin_is_refused_and_writes_nothing(ctx, pin):
    before = counts(ctx)
    with pytest.raises(OwnerPinNeeded, match="needs an owner's PIN"):
        import_csv(ctx, stream(csv_text(row())), pin=pin)
    assert counts(ctx) == before


def test_import_with_a_manager_pin_is_refused(ctx):
    before = counts(ctx)
    with pytest.raises(OwnerPinNeeded, match="Only an owner can import"):
        import_csv(ctx, stream(csv_text(row())), pin=MANAGER_PIN)
    assert counts(ctx) == before


def test_import_with_a_cashier_pin_is_refused(ctx):
    staff.add_staff(ctx, "Jan", Role.CASHIER, "5937")
    before = counts(ctx)
    with pytest.raises(ComebackError):
        import_csv(ctx, stream(csv_text(row())), pin="5937")
    assert counts(ctx) == before


def test_import_with_an_inactive_owner_pin_is_refused(ctx, people):
    staff.add_staff(ctx, "Kari", Role.OWNER, "6284")
    staff.update_staff(ctx, staff.find_by_name(ctx, "Kari").id, by=None, active=False)
    with pytest.raises(ComebackError):
        import_csv(ctx, stream(csv_text(row())), pin="6284")
    assert counts(ctx)["incidents"] == 0


def test_cli_import_without_pin_exits_2_and_writes_nothing(tmp_path, capsys):
    db = tmp_path / "store.db"
    cli_init_store(db)
    path = tmp_path / "in.csv"
    path.write_text(csv_text(row()), encoding="utf-8")
    assert main(["import", "--db", str(db), str(path)]) == 2
    err = capsys.readouterr().err
    assert "needs an owner's PIN" in err and "Traceback" not in err
    assert open_database(db)["incidents"].count == 0


def test_cli_import_with_a_manager_pin_exits_2(tmp_path, capsys):
    from app.context import open_context

    db = tmp_path / "store.db"
    cli_init_store(db)
    context = open_context(db)
    staff.add_staff(context, "Marco", Role.MANAGER, MANAGER_PIN)
    context.db.close()
    path = tmp_path / "in.csv"
    path.write_text(csv_text(row()), encoding="utf-8")
    assert main(["import", "--db", str(db), "--pin", MANAGER_PIN, str(path)]) == 2
    err = capsys.readouterr().err
    assert "Only an owner can import" in err and "Traceback" not in err
    assert open_database(db)["incidents"].count == 0


def test_audit_entry_names_the_owner_the_file_sha256_and_the_row_count(ctx, tmp_path, people):
    path = tmp_path / "paper.csv"
    path.write_bytes(csv_text(row(), row(occurred_at="2026-11-09T12:00:00+00:00")).encode())
    import_csv(ctx, path, pin=OWNER_PIN)
    entry = ctx.db.execute("SELECT staff_id, detail FROM audit_log "
                           "WHERE action = 'incidents.imported'").fetchone()
    detail = json.loads(entry[1])
    assert entry[0] == people["Ingrid"] and detail["owner"] == "Ingrid"
    assert detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert detail["rows"] == 2 and detail["file"] == "paper.csv"


# -- approvals in the file are history --------------------------------------------------------

def test_imported_approval_is_kept_as_paper_history_not_a_live_approval(ctx, people):
    text = csv_text(row(remedies="refund", remedy_amounts="250.00", approved_by="Marco",
                        followup_due_at="2026-11-16T10:58:00+00:00"))
    import_csv(ctx, stream(text), pin=OWNER_PIN)
    stored = ctx.db.execute("SELECT approved_by, paper_approved_by FROM incident_remedies"
                            ).fetchone()
    assert stored == (None, "Marco")  # Marco exists, yet no live approval is recorded
    assert ctx.db.execute("SELECT imported_by FROM incidents").fetchone()[0] == \
        people["Ingrid"]
    [item] = open_items(ctx)
    assert "on paper: Marco; imported by Ingrid" in given(item)


def test_paper_approver_is_exported_again_so_the_round_trip_holds(ctx, clock):
    text = csv_text(row(remedies="refund|remake", remedy_amounts="250.00|120.00",
                        approved_by="Marco|", total="370.00", currency="NOK"))
    import_csv(ctx, stream(text), pin=OWNER_PIN)
    exported = export_bytes(ctx).decode(ENCODING)
    assert ",Marco|," in exported
    other = fresh_store(clock)
    import_csv(other, stream(exported), pin=OWNER_PIN)
    assert export_bytes(other).decode(ENCODING) == exported


# -- voucher codes ----------------------------------------------------------------------------

def test_duplicate_voucher_code_already_in_the_database_is_refused_with_its_line(ctx):
    voucher = catalog.remedy_by_code(ctx, "voucher")
    logged = incidents.log_incident(ctx, category_id=catalog.category_by_code(
        ctx, "cold_food").id, remedies=[RemedyRequest(voucher.id)], staff_id=None)
    code = logged.voucher_codes[0]
    text = csv_text(row(), row(occurred_at="2026-11-09T12:00:00+00:00", remedies="voucher",
                               voucher_codes=code))
    before = counts(ctx)
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(text), pin=OWNER_PIN)
    assert refused.value.problems == [
        (3, f"voucher code {code} already exists in this database.")]
    assert counts(ctx) == before


def test_duplicate_voucher_code_in_another_store_of_the_file_is_refused(ctx, clock):
    other = fresh_store(clock)
    text = csv_text(row(remedies="voucher", voucher_codes="K7M-3QX"))
    import_csv(other, stream(text), pin=OWNER_PIN)
    # The same code again, in the same database (another import): refused.
    with pytest.raises(ImportRefused, match="1 problem"):
        import_csv(other, stream(csv_text(row(occurred_at="2026-11-09T13:00:00+00:00",
                                              remedies="voucher", voucher_codes="k7m3qx"))),
                   pin=OWNER_PIN)


def test_the_same_voucher_code_twice_in_one_file_is_refused_naming_both_lines(ctx):
    text = csv_text(row(remedies="voucher", voucher_codes="K7M-3QX"),
                    row(occurred_at="2026-11-09T12:00:00+00:00", remedies="voucher",
                        voucher_codes="K7M-3QX"))
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(text), pin=OWNER_PIN)
    assert refused.value.problems == [
        (3, "voucher code K7M-3QX is already used on line 2 of this file.")]


# -- spreadsheet formulas ---------------------------------------------------------------------

# What the counter can store (it strips leading and trailing blanks, so no TAB or CR leads).
FORMULAS = ["=SUM(A1:A9)", "+47 99 88 77 66", "-5 kr off", "@home", "'=already quoted",
            "''+twice", "'plain apostrophe", "=", "'", "'@"]


@pytest.mark.parametrize("cell, safe", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("'=x", "''=x"), ("''-x", "'''-x"), ("'x", "'x"), ("x=1", "x=1"),
    ("", ""), ("'", "'"), ("''", "''")])
def test_spreadsheet_safe_prefix_is_added_and_removed_exactly(cell, safe):
    assert spreadsheet_safe(cell) == safe
    assert from_spreadsheet_safe(safe) == cell


def test_formula_cells_are_exported_quoted_and_the_round_trip_is_byte_identical(ctx, clock):
    cold = catalog.category_by_code(ctx, "cold_food").id
    remake = catalog.remedy_by_code(ctx, "remake").id
    for index, text in enumerate(FORMULAS):
        clock.advance(minutes=1)
        incidents.log_incident(ctx, category_id=cold, remedies=[RemedyRequest(remake)],
                               staff_id=None, note=text, guest_name=text,
                               table_ref=f"-{index}")
    exported = export_bytes(ctx)
    cells = list(csv.reader(io.StringIO(exported.decode(ENCODING), newline="")))[1:]
    notes = [r[COLUMNS.index("note")] for r in cells]
    assert notes == ["'=SUM(A1:A9)", "'+47 99 88 77 66", "'-5 kr off", "'@home",
                     "''=already quoted", "'''+twice", "'plain apostrophe", "'=", "'", "''@"]
    assert all(r[COLUMNS.index("table")].startswith("'-") for r in cells)
    assert [r[COLUMNS.index("guest_name")] for r in cells] == notes
    other = fresh_store(clock)
    import_csv(other, stream(exported.decode(ENCODING)), pin=OWNER_PIN)
    assert export_bytes(other) == exported
    stored = [r[0] for r in other.db.execute("SELECT note FROM incidents ORDER BY id")]
    assert stored == FORMULAS


@pytest.mark.parametrize("column", ["staff", "followup_by", "approved_by"])
@pytest.mark.parametrize("name", ["=cmd!A0", "+Marco", "-Sam", "@Ingrid",
                                  "'=HYPERLINK(\"x\")"])
def test_staff_names_that_are_formulas_are_refused(ctx, column, name):
    cells = {column: name}
    if column == "followup_by":
        cells |= {"followup_due_at": "2026-11-09T11:05:00+00:00"}
    before = counts(ctx)
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(csv_text(row(**cells))), pin=OWNER_PIN)
    [(line, reason)] = refused.value.problems
    assert line == 2 and column in reason and "formula" in reason
    assert counts(ctx) == before


def test_the_weekly_summary_shows_imported_approvals_as_history(ctx):
    from app.report_text import approvals_line
    from app.summary import weekly_summary

    text = csv_text(row(remedies="refund", remedy_amounts="250.00", approved_by="Marco"))
    import_csv(ctx, stream(text), pin=OWNER_PIN)
    summary = weekly_summary(ctx, "2026-W46")
    assert [(a.name, a.approvals, a.value_minor) for a in summary.approvers] == [
        ("on paper: Marco; imported by Ingrid", 1, 25000)]
    assert "on paper: Marco; imported by Ingrid" in approvals_line(summary)
