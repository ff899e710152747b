"""``comeback report``, ``comeback export`` and ``comeback import`` from the shell."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from app.cli import main
from db.connection import open_database
from tests.conftest import OWNER_PIN, cli_init_store


@pytest.fixture
def store_db(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    return path


@pytest.fixture
def filled_db(store_db):
    for args in (["--category", "cold_food", "--remedy", "remake", "--note",
                  "Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů"],
                 ["--category", "long_wait", "--remedy", "free_drink", "--guest", "Åse"]):
        assert main(["log", "--db", str(store_db), *args]) == 0
    return store_db


def test_export_then_import_into_a_new_store_then_export_gives_the_same_file(
        filled_db, tmp_path, capsys):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert main(["export", "--db", str(filled_db), "--out", str(first)]) == 0
    assert "Exported 2 incidents" in capsys.readouterr().out
    other = tmp_path / "other.db"
    cli_init_store(other)
    assert main(["import", "--db", str(other), "--pin", OWNER_PIN, str(first)]) == 0
    assert main(["export", "--db", str(other), "--out", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()


def test_import_of_a_bad_file_exits_2_listing_line_numbers_and_writes_nothing(
        store_db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("occurred_at,category,remedies\n2026-11-09T11:00:00+00:00,cold_food,remake\n"
                   "2026-11-09T12:00:00+00:00,cold_food,champagne\n"
                   "not a time,cold_food,remake\n", encoding="utf-8")
    assert main(["import", "--db", str(store_db), "--pin", OWNER_PIN, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "2 problems found, nothing was written" in err
    assert "line 3: remedy champagne does not exist" in err
    assert "line 4: occurred_at: not a time is not a date and time" in err
    assert "Traceback" not in err
    assert open_database(store_db)["incidents"].count == 0


def test_import_of_a_missing_file_is_a_clear_error(store_db, tmp_path, capsys):
    assert main(["import", "--db", str(store_db), "--pin", OWNER_PIN,
                 str(tmp_path / "nope.csv")]) == 2
    assert "Could not read" in capsys.readouterr().err


def test_report_writes_a_pdf_of_the_given_week(filled_db, tmp_path, capsys):
    out = tmp_path / "week.pdf"
    week = _logged_week(filled_db)
    assert main(["report", "--db", str(filled_db), "--week", week, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert f"Wrote the summary of {week}" in capsys.readouterr().out


def test_report_as_csv_gives_the_same_figures(filled_db, tmp_path):
    out = tmp_path / "week.csv"
    assert main(["report", "--db", str(filled_db), "--week", _logged_week(filled_db),
                 "--format", "csv", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "section,key,label,measure,this_week,last_week"
    assert "headline,incidents,,incidents,2,0" in lines
    assert "headline,remedy_value,,remedy_value,155.00,0.00" in lines
    assert "category,cold_food,Cold food,incidents,1,0" in lines


def test_report_without_week_writes_the_last_complete_week_here(filled_db, tmp_path,
                                                                monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--db", str(filled_db)]) == 0
    written = list(tmp_path.glob("summary-*-W*.pdf"))
    assert len(written) == 1 and "0 incidents" in capsys.readouterr().out


def test_report_refuses_a_bad_week(filled_db, capsys):
    assert main(["report", "--db", str(filled_db), "--week", "47"]) == 2
    assert "2026-W47" in capsys.readouterr().err


def test_the_command_line_parser_does_not_load_reportlab():
    code = ("import sys; from app.cli import _parser; _parser(); "
            "sys.exit('reportlab' in sys.modules or 'PySide6' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.skipif(shutil.which("comeback") is None, reason="package not installed")
def test_export_to_standard_output(filled_db):
    done = subprocess.run(["comeback", "export", "--db", str(filled_db), "--out", "-"],
                          capture_output=True, check=True)
    assert done.stdout.startswith("\ufeffoccurred_at,category".encode())
    assert "Příliš dlouhé čekání".encode() in done.stdout


def _logged_week(path) -> str:
    """The week the CLI logged in (on the real clock), read back from the database."""
    from zoneinfo import ZoneInfo

    from app.clock import from_iso
    from app.summary import Week

    first = next(iter(open_database(path)["incidents"].rows))["occurred_at"]
    return str(Week.containing(from_iso(first).astimezone(ZoneInfo("Europe/Oslo")).date()))
