"""What ``comeback followups`` does as a process of its own: it prints the same lines, and it
leaves its objects to the OS only when it is the program (never in a process that goes on)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent


def test_followups_run_in_a_process_that_goes_on_collects_as_before(cli_db, capsys):
    cli_init_store(cli_db)
    capsys.readouterr()
    frozen = gc.get_freeze_count()
    assert main(["followups", "--db", str(cli_db)]) == 0
    assert capsys.readouterr().out.startswith("Open follow-ups: 0")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_program_prints_its_follow_ups_and_ends_cleanly(cli_db):
    cli_init_store(cli_db)
    done = subprocess.run([sys.executable, "-m", "ui.entry", "followups", "--db", str(cli_db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Open follow-ups: 0")
    assert done.stderr == ""


def test_the_program_writes_its_weekly_report_and_ends_cleanly(cli_db, tmp_path):
    """``comeback report`` leaves its objects to the OS too: the PDF is whole all the same."""
    cli_init_store(cli_db)
    out = tmp_path / "week.pdf"
    done = subprocess.run([sys.executable, "-m", "ui.entry", "report", "--db", str(cli_db),
                           "--week", "2026-W47", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().rstrip().endswith(b"%%EOF")


def test_a_file_with_one_store_is_that_store_without_reading_terminal_json(tmp_path,
                                                                          monkeypatch):
    """Finding terminal.json imports platformdirs (~10 % of the command): a file that holds
    one store needs no saved choice; a file of several stores still follows it."""
    from app import terminal_config
    from app.cli import _close_opened, _context

    saved = tmp_path / "data" / "terminal.json"
    monkeypatch.setattr(terminal_config, "path", lambda: saved)
    monkeypatch.delenv("COMEBACK_STORE", raising=False)
    terminal_config.save(terminal_config.TerminalConfig(None, "Bar", 2))
    single, chain = tmp_path / "single.db", tmp_path / "chain.db"
    cli_init_store(single)
    cli_init_store(chain)
    cli_init_store(chain)  # init on a database with a store adds the next one: store 2
    try:
        assert _context(single).store_id == 1
        assert _context(chain).store_id == 2
    finally:
        _close_opened(refresh_statistics=False)


@pytest.mark.sqlite_only  # a file: a server's terminal reads its saved store as before
def test_the_follow_ups_of_a_one_store_file_do_not_import_platformdirs(cli_db):
    cli_init_store(cli_db)
    probe = ("import sys\nfrom app.cli import main\n"
             f"code = main(['followups', '--db', {str(cli_db)!r}])\n"
             "print(code, 'platformdirs' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 False"
