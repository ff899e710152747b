"""The comeback command line: init, demo, log; errors to stderr with exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.cli import main
from db.connection import open_database


@pytest.fixture
def store_db(cli_db):
    path = cli_db
    assert main(["init", "--db", str(path), "--preset", "restaurant", "--store", "Fjord Kafé",
                 "--currency", "NOK", "--locale", "nb_NO", "--language", "en",
                 "--tz", "Europe/Oslo", "--owner", "Ingrid", "--owner-pin", "4821"]) == 0
    return path


def test_init_creates_the_store_with_its_preset(store_db, capsys):
    database = open_database(store_db)
    assert database["categories"].count == 10
    assert database["staff"].count == 1
    settings = {r["name"]: r["value"] for r in database["settings"].rows}
    assert settings["currency"] == '"NOK"' and settings["timezone"] == '"Europe/Oslo"'


def test_init_of_a_store_number_that_exists_is_refused(store_db, capsys):
    # Without --store, init adds the next store (tests/test_stores.py).
    assert main(["--store", "1", "init", "--db", str(store_db), "--store", "Again", "--owner",
                 "Eva", "--owner-pin", "5830"]) == 2
    assert "already has a store" in capsys.readouterr().err


def test_log_prints_what_was_logged_in_the_store_locale(store_db, capsys):
    code = main(["log", "--db", str(store_db), "--category", "cold_food", "--remedy", "remake",
                 "--remedy", "free_dessert:45", "--table", "7",
                 "--note", "Příliš dlouhé čekání u stolu 7"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Cold food — Remake, Free dessert (165,00\xa0kr)" in out
    row = open_database(store_db)["incidents"].get(1)
    assert row["note"] == "Příliš dlouhé čekání u stolu 7" and row["table_ref"] == "7"


def test_log_above_threshold_needs_pin_and_takes_it(store_db, capsys):
    assert main(["log", "--db", str(store_db), "--category", "cold_food",
                 "--remedy", "refund"]) == 2
    assert "needs a manager's or owner's PIN" in capsys.readouterr().err
    assert main(["log", "--db", str(store_db), "--category", "cold_food", "--remedy", "refund",
                 "--pin", "4821"]) == 0
    given = open_database(store_db)["incident_remedies"].get(1)
    assert given["approved_by"] == 1


@pytest.mark.parametrize("args, message", [
    (["--category", "nope", "--remedy", "remake"], "Unknown failure category nope"),
    (["--category", "cold_food", "--remedy", "remake:-5"], "an amount in NOK like 12.50"),
    (["--category", "cold_food", "--remedy", "remake:abc"], "an amount in NOK like 12.50"),
    (["--category", "cold_food", "--remedy", "remake:1,250.00"], "an amount in NOK"),
    (["--category", "cold_food", "--remedy", "remake:12.505"], "an amount in NOK"),
    (["--category", "cold_food", "--remedy", "remake", "--remedy", "remake"],
     "--remedy remake is given twice; add --allow-repeat"),
    (["--category", "cold_food", "--remedy", "remake", "--severity", "huge"],
     "Severity must be low, medium or high"),
    (["--category", "cold_food", "--remedy", "remake", "--staff", "Nobody"],
     "No active staff member called Nobody"),
])
def test_log_refusals_exit_2_with_a_clear_message(store_db, capsys, args, message):
    assert main(["log", "--db", str(store_db), *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert open_database(store_db)["incidents"].count == 0


def test_cli_messages_follow_the_store_language(tmp_path, capsys):
    path = tmp_path / "oslo.db"
    assert main(["init", "--db", str(path), "--store", "Fjord Kafé", "--currency", "NOK",
                 "--locale", "nb_NO", "--tz", "Europe/Oslo", "--owner", "Ingrid",
                 "--owner-pin", "4821"]) == 0  # language from locale
    assert main(["log", "--db", str(path), "--category", "cold_food",
                 "--remedy", "refund"]) == 2
    err = capsys.readouterr().err
    assert "feil" in err and "PIN" in err and "needs" not in err


def test_log_on_a_database_without_a_store_says_what_to_do(tmp_path, capsys):
    assert main(["log", "--db", str(tmp_path / "x.db"), "--category", "a", "--remedy", "b"]) == 2
    assert "Create one with `comeback init`" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_log_on_a_database_file_without_a_store_says_run_init(tmp_path, capsys):
    open_database(tmp_path / "x.db").close()
    assert main(["log", "--db", str(tmp_path / "x.db"), "--category", "a", "--remedy", "b"]) == 2
    assert "run comeback init first" in capsys.readouterr().err


def test_demo_fills_every_table_and_if_empty_leaves_data_alone(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--weeks", "4"]) == 0
    database = open_database(path)
    counts = {t: database[t].count for t in database.table_names()}
    for table in ("staff", "categories", "remedies", "incidents", "incident_remedies",
                  "followups", "vouchers", "audit_log"):
        assert counts[table] > 0, table
    outcomes = {r["outcome"] for r in database["followups"].rows}
    assert {"delighted", "satisfied", "unhappy", "left", None} <= outcomes
    assert any(r["approved_by"] for r in database["incident_remedies"].rows)
    assert any(r["repeat_guest"] for r in database["incidents"].rows)
    before = counts["incidents"]
    assert main(["demo", "--db", str(path), "--weeks", "2", "--if-empty"]) == 0
    assert open_database(path)["incidents"].count == before


def test_errors_from_the_installed_command_have_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "app.cli", "demo", "--db",
                             str(tmp_path / "d.db"), "--weeks", "0"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "--weeks must be a whole number from 1 to 260" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv, expected", [
    ([], "default"), (["--db", "shop.db"], "shop.db"), (["--db=shop.db"], "shop.db"),
    (["--db", "init"], "init"),  # a file named like a command is still a file
])
def test_without_a_command_the_app_opens_on_the_given_or_default_database(
        argv, expected, monkeypatch, tmp_path):
    from pathlib import Path

    monkeypatch.setattr("app.cli.default_db_path", lambda: Path("default"))
    opened = []
    assert main(argv, gui=lambda path: opened.append(path) or 0) == 0
    assert opened == [Path(expected)]


@pytest.mark.parametrize("argv", [["--db"], ["--db", "shop.db", "--bogus"], ["bogus"]])
def test_a_start_with_something_else_gets_the_parsers_message(argv, capsys):
    opened = []
    with pytest.raises(SystemExit) as exit_info:
        main(argv, gui=opened.append)
    assert exit_info.value.code == 2 and opened == []
    assert "usage: comeback" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["followups"], ["verify"], ["export", "--out", "-"]])
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path, command):
    """``comeback followups | head``: the pipe's reader goes away before Comeback writes."""
    import os

    path = tmp_path / "p.db"
    assert main(["demo", "--db", str(path), "--weeks", "2"]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to the pipe fails: EPIPE
    try:
        result = subprocess.run([sys.executable, "-m", "app.cli", *command, "--db", str(path)],
                                stdout=write_end, stderr=subprocess.PIPE, text=True,
                                check=False)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.returncode == 0
