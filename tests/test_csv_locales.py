"""Incidents files as Excel and LibreOffice save them in the stores' locales (made here).

Spreadsheets in Norwegian, Czech, Dutch and Spanish locales use a decimal comma, so they
save "CSV" with semicolons between cells and amounts like 120,00; "CSV" in Excel is the
Windows code page (1252 for nb/nl/es, 1250 for cs), "CSV UTF-8" adds a byte-order mark,
"Unicode text" is UTF-16 with TABs.
"""

from __future__ import annotations

import csv
import io

import pytest

from app.cli import main
from app.context import open_context
from app.csv_import import import_csv
from app.csv_read import code_page
from app.csvio import ImportRefused
from tests.conftest import OWNER_PIN, cli_init_store

NOTES = {
    "nb": "Kald suppe – gjesten fikk øl, blåbærsyltetøy på huset",
    "cs": "Host čekal příliš dlouho, polévka byla studená – děkujeme za trpělivost",
    "nl": "Bestelling kwam zonder saus, één keer opnieuw gemaakt – café",
    "es": "Pidió sin gluten, llegó con pan; la señora esperó",
}
GUESTS = {"nb": "Øystein Ærø", "cs": "Jiří Dvořák", "nl": "Daan de Vries", "es": "Íñigo Muñoz"}
HEADER = ["occurred_at", "category", "staff", "guest_name", "note", "remedies",
          "remedy_amounts", "total", "followup_due_at"]


def spreadsheet_file(path, lang: str, *, delimiter: str, encoding: str,
                     decimal: str = ",") -> None:
    rows = [HEADER,
            ["2026-11-09T11:00:00+00:00", "cold_food", "Sam", GUESTS[lang], NOTES[lang],
             "remake|free_dessert", f"120{decimal}00|65{decimal}50", f"185{decimal}50", ""],
            ["2026-11-09T12:30:00+00:00", "long_wait", "Tereza", "", "", "free_drink",
             f"35{decimal}00", "", ""]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def stored(db_path) -> tuple[list, list]:
    ctx = open_context(db_path)
    incidents = ctx.db.execute("SELECT guest_name, note FROM incidents ORDER BY id").fetchall()
    amounts = [r[0] for r in ctx.db.execute(
        "SELECT amount_minor FROM incident_remedies ORDER BY id")]
    ctx.db.close()
    return incidents, amounts


# (language, what saved it, delimiter, encoding, the name the message gives or None)
SAVED = [
    ("nb", "Excel CSV, Norwegian", ";", "cp1252", "Windows-1252"),
    ("nb", "Excel CSV UTF-8, Norwegian", ";", "utf-8-sig", None),
    ("nb", "LibreOffice, Norwegian, UTF-8", ";", "utf-8", None),
    ("cs", "Excel CSV, Czech", ";", "cp1250", "Windows-1250"),
    ("cs", "Excel CSV UTF-8, Czech", ";", "utf-8-sig", None),
    ("cs", "LibreOffice, Czech, UTF-16", ";", "utf-16", None),
    ("nl", "Excel CSV, Dutch", ";", "cp1252", "Windows-1252"),
    ("nl", "Excel CSV UTF-8, Dutch", ";", "utf-8-sig", None),
    ("nl", "Excel Unicode text, Dutch", "\t", "utf-16", None),
    ("es", "Excel CSV, Spanish", ";", "cp1252", "Windows-1252"),
]


@pytest.mark.parametrize("lang, saved_by, delimiter, encoding, named", SAVED,
                         ids=[s[1] for s in SAVED])
def test_spreadsheet_csv_in_each_locale_is_imported_as_written(
        tmp_path, capsys, lang, saved_by, delimiter, encoding, named):
    db = tmp_path / "store.db"
    cli_init_store(db)
    path = tmp_path / "saved.csv"
    spreadsheet_file(path, lang, delimiter=delimiter, encoding=encoding)
    assert main(["import", "--db", str(db), "--pin", OWNER_PIN, str(path)]) == 0
    out = capsys.readouterr().out
    assert "Imported 2 incidents" in out
    if named:
        assert f"read as {named}" in out
    else:
        assert "read as" not in out
    incidents, amounts = stored(db)
    assert incidents == [(GUESTS[lang], NOTES[lang]), (None, None)]
    assert amounts == [12000, 6550, 3500]


def test_comma_separated_utf8_with_decimal_points_still_works(tmp_path, capsys):
    db = tmp_path / "store.db"
    cli_init_store(db)
    path = tmp_path / "plain.csv"
    spreadsheet_file(path, "nb", delimiter=",", encoding="utf-8", decimal=".")
    assert main(["import", "--db", str(db), "--pin", OWNER_PIN, str(path)]) == 0
    assert stored(db)[1] == [12000, 6550, 3500]


@pytest.mark.parametrize("lang, expected", [("nb", "cp1252"), ("cs", "cp1250"),
                                            ("es", "cp1252")])
def test_code_page_is_told_apart_by_the_letters_of_the_text(lang, expected):
    """Even when the store's locale points at the other code page."""
    sample = (NOTES[lang] + " " + GUESTS[lang]).encode(expected)
    assert code_page(sample, prefer="cp1250" if expected == "cp1252" else "cp1252") == \
        expected


def test_text_both_code_pages_read_alike_goes_by_the_store_locale():
    """Dutch é, ë, ï are the same bytes in 1250 and 1252: the store's locale decides."""
    sample = (NOTES["nl"] + " reünie ideeën").encode("cp1252")
    assert code_page(sample, prefer="cp1252") == "cp1252"


def test_czech_store_reads_an_ambiguous_code_page_file_as_1250(tmp_path, ctx):
    assert code_page("Škoda".encode("cp1250"), prefer="cp1250") == "cp1250"


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "spreadsheet workbook (.xlsx or .xls)"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "does not look like an incidents file"),
    (b"", "the file is empty"),
    (b"occurred_at;category;remedies;colour\r\n", "unknown column colour;"),
    (b"\x00\x01\x02\x03binary\x00\x00", "not a CSV text file"),
])
def test_what_is_not_an_incidents_csv_gets_a_plain_message(tmp_path, capsys, content,
                                                           message):
    db = tmp_path / "store.db"
    cli_init_store(db)
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    assert main(["import", "--db", str(db), "--pin", OWNER_PIN, str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "codec" not in err


def test_semicolon_file_with_an_unknown_column_names_only_that_column(ctx, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_bytes("occurred_at;category;remedies;colour\r\n".encode("cp1252"))
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, path, pin=OWNER_PIN)
    [(line, reason)] = refused.value.problems
    assert line == 1 and reason.startswith("unknown column colour;")
    assert "occurred_at;category" not in reason


def test_local_date_format_a_spreadsheet_wrote_is_read_in_the_store_time_zone(ctx, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_bytes("occurred_at;category;remedies\r\n16.11.2026 09:30;cold_food;remake\r\n"
                     .encode("cp1252"))
    import_csv(ctx, path, pin=OWNER_PIN)
    assert ctx.db.execute("SELECT occurred_at FROM incidents").fetchone()[0] == \
        "2026-11-16T08:30:00+00:00"
