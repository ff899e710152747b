"""``comeback slip CODE``: the slip again on the store's printer, a test slip, or the voucher
card as a PDF; every refusal on stderr with exit code 2."""

from __future__ import annotations

import re

import pytest

from app import settings
from app.cli import main
from bench.loopback_printer import LoopbackPrinter
from db.connection import open_database
from tests.conftest import cli_init_store


@pytest.fixture
def store_db(cli_db):
    path = cli_db
    cli_init_store(path)
    return path


def _voucher(path, capsys) -> str:
    assert main(["log", "--db", str(path), "--category", "cold_food",
                 "--remedy", "voucher"]) == 0
    return re.search(r"Voucher code: (\S+)", capsys.readouterr().out).group(1)


def _set_printer(path, value: str) -> None:
    database = open_database(path)
    with database.atomic():
        settings.write(database, 1, {"printer": value})
    database.close()


def test_slip_prints_the_voucher_on_the_network_printer(store_db, capsys):
    code = _voucher(store_db, capsys)
    with LoopbackPrinter() as printer:
        _set_printer(store_db, f"network:127.0.0.1:{printer.port}")
        assert main(["slip", "--db", str(store_db), code.lower()]) == 0
        [received] = printer.received()
    assert code.encode() in received and b"\x1dkI" in received
    assert capsys.readouterr().out.startswith("Printed on 127.0.0.1:")


def test_slip_card_writes_the_voucher_card_pdf(store_db, capsys, tmp_path):
    code = _voucher(store_db, capsys)
    out = tmp_path / "card.pdf"
    assert main(["slip", "--db", str(store_db), code, "--card", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_slip_without_a_printer_says_what_to_do(store_db, capsys):
    code = _voucher(store_db, capsys)
    assert main(["slip", "--db", str(store_db), code]) == 2
    assert "No printer is set" in capsys.readouterr().err


def test_slip_of_an_unknown_code_is_refused(store_db, capsys):
    assert main(["slip", "--db", str(store_db), "KKK-KKK", "--card", "x.pdf"]) == 2
    assert "No voucher with code KKK-KKK" in capsys.readouterr().err
