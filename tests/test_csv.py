"""CSV export and import: exact round trip, line-numbered refusals, nothing half-written."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from app import demo
from app.context import Context
from app.csv_import import import_csv
from app.csvio import COLUMNS, ENCODING, ImportRefused, export_bytes, export_rows
from app.setup import init_store
from app.staff import list_staff
from app.summary import weekly_summary
from db.connection import open_database
from tests.conftest import OWNER_PIN

HEADER = ",".join(COLUMNS)


def fresh_store(clock) -> Context:
    """An empty, initialised store with the same preset and settings as ``ctx``."""
    other = Context(db=open_database(None), clock=clock)
    init_store(other, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin="4821")
    return other


def same_figures(one, two) -> bool:
    """Equal summaries but for staff ids (the importing store numbers its staff anew)."""
    return one._replace(staff=tuple(s._replace(staff_id=0) for s in one.staff)) == \
        two._replace(staff=tuple(s._replace(staff_id=0) for s in two.staff))


def records(ctx: Context) -> list[dict[str, str]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in export_rows(ctx)]


def stream(text: str) -> io.StringIO:
    return io.StringIO(text, newline="")


def counts(ctx: Context) -> dict[str, int]:
    """Rows per table; audit entries other than PIN checks (the owner's PIN is checked,
    and audited, before the file is read)."""
    found = {table: ctx.db[table].count for table in (
        "incidents", "incident_remedies", "followups", "vouchers", "staff")}
    found["audit_log"] = ctx.db.execute(
        "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'approval.%'").fetchone()[0]
    return found


def test_export_has_the_documented_header_and_one_row_per_incident(ctx, hand_built_week):
    data = export_bytes(ctx)
    assert data.startswith("\ufeff".encode() + HEADER.encode() + b"\r\n")
    rows = records(ctx)
    assert len(rows) == 11  # 10 live + 1 voided
    first_of_w47 = next(r for r in rows if r["occurred_at"] == "2026-11-16T11:10:00+00:00")
    assert first_of_w47["note"].startswith("Příliš dlouhé čekání")
    assert first_of_w47["remedies"] == "remake" and first_of_w47["total"] == "120.00"
    assert first_of_w47["outcome"] == "delighted"
    missed = next(r for r in rows if r["remedies"] == "remake|free_dessert")
    assert missed["remedy_amounts"] == "120.00|65.00" and missed["followup_missed_at"]
    voided = next(r for r in rows if r["voided_at"])
    assert voided["remedies"] == "refund" and voided["approved_by"] == "Marco"


def test_export_then_import_into_an_empty_store_then_export_is_byte_identical(
        ctx, hand_built_week):
    original = export_bytes(ctx)
    other = fresh_store(hand_built_week)
    result = import_csv(other, stream(original.decode(ENCODING)), pin=OWNER_PIN)
    assert result.incidents == 11
    assert export_bytes(other) == original
    assert same_figures(weekly_summary(other, "2026-W47"), weekly_summary(ctx, "2026-W47"))


def test_round_trip_of_two_demo_weeks_is_byte_identical(bare_ctx, clock):
    demo.generate(bare_ctx, weeks=2, seed=3,
                  end=datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc))
    original = export_bytes(bare_ctx)
    other = fresh_store(clock)
    import_csv(other, stream(original.decode(ENCODING)), pin=OWNER_PIN)
    assert export_bytes(other) == original


def test_unknown_staff_are_created_as_inactive_cashiers(ctx, hand_built_week):
    other = fresh_store(hand_built_week)
    result = import_csv(other, stream(export_bytes(ctx).decode(ENCODING)), pin=OWNER_PIN)
    assert set(result.staff_created) == {"Sam", "Marco"}
    created = {m.name: m for m in list_staff(other, include_inactive=True)}
    assert created["Sam"].role.value == "cashier" and not created["Sam"].active
    assert created["Ingrid"].active  # existing names are matched, not duplicated
    assert [m.name for m in list_staff(other)] == ["Ingrid"]


def test_a_paper_log_with_local_times_and_few_columns_is_imported(ctx):
    text = ("occurred_at,category,remedies,staff,note\r\n"
            "2026-11-09 12:30,cold_food,remake,Sam,Suppe kald\r\n"
            "2026-11-10T19:05:00,long_wait,free_drink|free_dessert,,\r\n")
    assert import_csv(ctx, stream(text), pin=OWNER_PIN).incidents == 2
    rows = records(ctx)
    assert rows[0]["occurred_at"] == "2026-11-09T11:30:00+00:00"  # Oslo is UTC+1
    assert rows[0]["severity"] == "low" and rows[0]["followup_due_at"] == ""
    assert rows[1]["total"] == "100.00" and rows[1]["staff"] == ""
    assert weekly_summary(ctx, "2026-W46").this.incidents == 2


def test_import_refuses_bad_rows_with_their_line_numbers_and_writes_nothing(ctx):
    before = counts(ctx)
    text = (HEADER.removesuffix(",terminal") + "\r\n"  # a file from before terminals
            + ",".join(["2026-11-09T11:00:00+00:00", "cold_food"] + [""] * 7
                       + ["remake"] + [""] * 14) + "\r\n"                           # 2 ok
            + ",".join(["2026-11-09T12:00:00+00:00", "burnt_toast"] + [""] * 7
                       + ["remake"] + [""] * 14) + "\r\n"                           # 3
            + ",".join(["2026-11-09T13:00:00+00:00", "cold_food", "", "Sam", "", "", "",
                        "", '"two\r\nlines"', "remake", '"12;50"'] + [""] * 13) + "\r\n"  # 4-5
            + ",".join(["yesterday", "cold_food"] + [""] * 7 + ["remake"] + [""] * 14)
            + "\r\n"                                                                # 6
            + ",".join(["2026-11-09T14:00:00+00:00", "cold_food"] + [""] * 7
                       + ["remake"] + [""] * 9 + ["delighted"] + [""] * 4) + "\r\n"  # 7
            + "too,few\r\n")                                                        # 8
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(text), pin=OWNER_PIN)
    problems = refused.value.problems
    assert [line for line, _reason in problems] == [3, 4, 6, 7, 8]
    reasons = dict(problems)
    assert "burnt_toast does not exist" in reasons[3] and "cold_food" in reasons[3]
    assert "12;50 is not an amount like 89.00" in reasons[4]
    assert "yesterday is not a date and time" in reasons[6]
    assert "follow-up details are given but followup_due_at is empty" in reasons[7]
    assert "2 cells, but the header has 24" in reasons[8]
    assert "nothing was written" in str(refused.value)
    assert refused.value.lines()[0].startswith("line 3: category burnt_toast")
    assert counts(ctx) == before


@pytest.mark.parametrize("cells, reason", [
    ({"severity": "huge"}, "severity must be low, medium or high"),
    ({"remedies": ""}, "remedies is empty"),
    ({"remedies": "remake|sparkling_wine"}, "remedy sparkling_wine does not exist"),
    ({"remedy_amounts": "1.00|2.00"}, "2 amounts for 1 remedies"),
    ({"remedy_amounts": "-5.00"}, "-5.00 is not an amount"),
    ({"remedy_amounts": "1.005"}, "1.005 is not an amount"),
    ({"total": "99.00"}, "total 99.00 is not the sum"),
    ({"currency": "EUR"}, "EUR is not the store's currency NOK"),
    ({"occurred_at": "2031-01-01T00:00:00+00:00"}, "is in the future"),
    ({"note": "x" * 501}, "note can be at most 500 characters"),
    ({"repeat_guest": "maybe"}, "repeat_guest must be 0, 1 or empty"),
    ({"voucher_codes": "K7M-3QX"}, "the remedies hold 0 voucher"),
    ({"followup_due_at": "2026-11-09T11:05:00+00:00", "outcome": "ecstatic"},
     "outcome must be delighted"),
    ({"followup_due_at": "2026-11-09T11:05:00+00:00",
      "followup_done_at": "2026-11-09T10:00:00+00:00"}, "before occurred_at"),
    ({"followup_due_at": "2026-11-09T11:05:00+00:00", "outcome": "delighted"},
     "an outcome needs followup_done_at"),
])
def test_each_kind_of_bad_cell_is_named(ctx, cells, reason):
    row = {c: "" for c in COLUMNS} | {"occurred_at": "2026-11-09T11:00:00+00:00",
                                      "category": "cold_food", "remedies": "remake"} | cells
    buffer = io.StringIO(newline="")
    csv.DictWriter(buffer, COLUMNS).writeheader()
    csv.DictWriter(buffer, COLUMNS).writerow(row)
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(buffer.getvalue()), pin=OWNER_PIN)
    assert refused.value.problems[0][0] == 2
    assert reason in refused.value.problems[0][1]


@pytest.mark.parametrize("text, reason", [
    ("", "the file is empty"),
    ("occurred_at,category\r\n", "the column remedies is missing"),
    ("occurred_at,category,remedies,colour\r\n", "unknown column colour"),
    (HEADER + "\r\n", "has a header but no incidents"),
])
def test_a_bad_header_is_refused_on_line_one(ctx, text, reason):
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(text), pin=OWNER_PIN)
    assert refused.value.problems[0][0] == 1 and reason in refused.value.problems[0][1]


def test_importing_the_same_file_twice_is_refused(ctx, hand_built_week):
    data = export_bytes(ctx).decode(ENCODING)
    other = fresh_store(hand_built_week)
    import_csv(other, stream(data), pin=OWNER_PIN)
    before = counts(other)
    with pytest.raises(ImportRefused) as refused:
        import_csv(other, stream(data), pin=OWNER_PIN)
    assert "already in the database" in refused.value.problems[0][1]
    assert counts(other) == before


def test_voucher_codes_and_redemptions_survive_the_round_trip(ctx, hand_built_week):
    rows = [r for r in records(ctx) if r["voucher_codes"]]
    assert len(rows) == 2 and all(r["vouchers_redeemed_at"] for r in rows)
    other = fresh_store(hand_built_week)
    import_csv(other, stream(export_bytes(ctx).decode(ENCODING)), pin=OWNER_PIN)
    assert weekly_summary(other, "2026-W47").this.came_back == 2


def test_docs_show_the_header_and_rows_export_really_writes(ctx, hand_built_week):
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "csv-format.md").read_text(encoding="utf-8")
    example = doc.split("```\n", 2)[1].split("```", 1)[0].splitlines()
    assert example[0] == HEADER
    exported = export_bytes(ctx).decode(ENCODING).split("\r\n")
    assert example[1] in exported and example[2] in exported
