"""Issue 16.9: amounts on the command line in the store's currency, a remedy twice only
when asked, voucher codes that cannot be codes, and `make test` under a held apt lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import vouchers
from app.cli import main
from app.csvio import parse_amount, parse_written_amount
from app.errors import ValidationError
from db.connection import open_database
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store_db(cli_db):
    path = cli_db
    cli_init_store(path)
    return path


def _given(path) -> list[int]:
    return [r["amount_minor"] for r in open_database(path)["incident_remedies"].rows]


@pytest.mark.parametrize(("written", "minor"), [("12.50", 1250), ("12,50", 1250),
                                                ("12", 1200), ("0", 0), ("7.5", 750)])
def test_remake_amounts_are_written_in_the_currency(store_db, written, minor):
    assert main(["log", "--db", str(store_db), "--category", "cold_food",
                 "--remedy", f"remake:{written}"]) == 0
    assert _given(store_db) == [minor]


def test_written_amounts_read_like_csv_amounts():
    for text in ("12", "12.50", "0.5", "89"):
        assert parse_written_amount(text, "NOK") == parse_amount(text, "NOK")
    assert parse_written_amount("1250", "JPY") == 1250
    for bad in ("1,250.00", "12.505", "-3", "12,5,0", "", "abc"):
        with pytest.raises(ValueError):
            parse_written_amount(bad, "NOK")


def test_the_same_remedy_twice_only_with_allow_repeat(store_db, capsys):
    args = ["log", "--db", str(store_db), "--category", "cold_food",
            "--remedy", "free_drink", "--remedy", "free_drink"]
    assert main(args) == 2
    assert "given twice" in capsys.readouterr().err
    assert open_database(store_db)["incidents"].count == 0
    assert main([*args, "--allow-repeat"]) == 0
    assert len(_given(store_db)) == 2


def test_help_says_how_amounts_are_written(capsys):
    with pytest.raises(SystemExit):
        main(["log", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "12.50 or 12,50; 12 means 12.00" in out and "--allow-repeat" in out


@pytest.mark.parametrize("text", ["💥<script>", "K7M/3QX", "drop table;", "ÆØÅ-123"])
def test_what_cannot_be_a_code_is_not_a_voucher_code(ctx, text):
    with pytest.raises(ValidationError, match="not a voucher code"):
        vouchers.redeem(ctx, text, None)


def test_redeem_on_the_command_line_says_not_a_voucher_code(store_db, capsys):
    assert main(["redeem", "--db", str(store_db), "💥<script>"]) == 2
    err = capsys.readouterr().err
    assert "not a voucher code" in err and "SCR-1PT" not in err


def test_sysdeps_waits_for_or_explains_a_held_apt_lock(tmp_path, monkeypatch, capsys):
    """A fake apt-get that fails as when another apt holds the lock: it was asked to wait,
    and what is printed is a sentence saying so, not a traceback."""
    from scripts import sysdeps

    calls = tmp_path / "calls"
    tool = tmp_path / "apt-get"
    tool.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\n"
                    "echo 'E: Could not get lock /var/lib/dpkg/lock-frontend. "
                    "It is held by process 4242 (apt-get)' >&2\nexit 100\n")
    tool.chmod(0o755)
    monkeypatch.setattr(sysdeps, "APT_GET", str(tool))
    assert sysdeps.install_packages(["libxcb-cursor0"]) == 1
    err = capsys.readouterr().err
    assert "another apt" in err and "holds the package lock" in err and "run make" in err
    assert "DPkg::Lock::Timeout=120" in calls.read_text()


@pytest.mark.parametrize(("language", "locale", "tz", "currency"), [
    ("nb", "nb_NO", "Europe/Oslo", "NOK"), ("es", "es_ES", "Europe/Madrid", "EUR"),
    ("nl", "nl_NL", "Europe/Amsterdam", "EUR"), ("cs", "cs_CZ", "Europe/Prague", "CZK"),
    (None, "en_GB", "Europe/London", "EUR")])
def test_init_takes_formats_and_time_zone_from_the_language(tmp_path, language, locale, tz,
                                                             currency):
    path = tmp_path / "s.db"
    args = ["init", "--db", str(path), "--store", "S", "--owner", "Olga",
            "--owner-pin", "860419"] + (
        ["--language", language] if language else [])
    assert main(args) == 0
    settings = {r["name"]: r["value"] for r in open_database(path)["settings"].rows}
    assert (settings["locale"], settings["timezone"], settings["currency"]) == (
        f'"{locale}"', f'"{tz}"', f'"{currency}"')


def test_explicit_locale_and_time_zone_still_win(tmp_path):
    path = tmp_path / "s.db"
    assert main(["init", "--db", str(path), "--store", "S", "--language", "nb",
                 "--owner", "Olga", "--owner-pin", "860419", "--locale", "en_NO",
                 "--tz", "Europe/Berlin", "--currency", "EUR"]) == 0
    settings = {r["name"]: r["value"] for r in open_database(path)["settings"].rows}
    assert (settings["locale"], settings["timezone"], settings["currency"]) == (
        '"en_NO"', '"Europe/Berlin"', '"EUR"')
