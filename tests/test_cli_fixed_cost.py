"""What a CLI process loads and does beyond its own work (issue 13: the process floors).

A command imports only the module that registers its own parser; a command with nothing to
format never loads Babel; and closing a store whose partial index is empty (no open
follow-up) leaves statistics that ``PRAGMA optimize`` takes as fresh, instead of running
ANALYZE on that table at every close.
"""

from __future__ import annotations

import importlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.sqlite_only


class _Recorder:
    """Stands in for argparse's subparsers: records the names ``add_parsers`` registers."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def add_parser(self, name: str, **_kwargs):
        self.names.append(name)
        return cli._Unused()


def test_each_command_s_parser_comes_from_the_module_the_map_names():
    for module in sorted(set(cli.PARSER_MODULES.values())):
        recorder = _Recorder()
        importlib.import_module(module).add_parsers(recorder)
        assert sorted(recorder.names) == sorted(
            name for name, owner in cli.PARSER_MODULES.items() if owner == module), module
    assert set(cli.COMMANDS) == set(cli.PARSER_MODULES) | cli._BUILT_HERE


def test_the_full_parser_still_knows_every_command():
    parser = cli._parser(None)
    choices = parser._subparsers._group_actions[0].choices  # noqa: SLF001 (argparse's)
    assert set(choices) == set(cli.COMMANDS)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                          "print(' '.join(sorted(sys.modules)))"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_a_command_s_parser_imports_its_module_and_no_other_command_s():
    loaded = _modules_after("from app.cli import _parser\n"
                            "print(_parser('report').parse_args(['report']).command)")
    assert "app.cli_reports" in loaded
    assert not loaded & {"app.cli_watch", "app.changes", "app.cli_backup", "app.cli_offline",
                         "app.cli_slips", "app.cli_verify", "app.cli_privacy"}


def test_report_with_a_typo_still_gets_the_parser_s_message(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["report", "--db", str(tmp_path / "x.db"), "--weak", "2026-W01"])
    assert exit_.value.code == 2
    assert "--weak" in capsys.readouterr().err


def test_followups_with_nothing_to_list_never_loads_babel(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    loaded = _modules_after(f"from app.cli import main\n"
                            f"assert main(['followups', '--db', {str(path)!r}]) == 0")
    assert "babel" not in loaded and "babel.dates" not in loaded


def _statistics(path: Path) -> tuple[dict, list]:
    conn = sqlite3.connect(path)
    try:
        rows = {idx: stat for _tbl, idx, stat in
                conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1")}
        conn.execute("SELECT * FROM followups WHERE done_at IS NULL AND missed_at IS NULL "
                      "ORDER BY due_at").fetchall()
        would = conn.execute("PRAGMA optimize(-1)").fetchall()
        return rows, would
    finally:
        conn.close()


def _a_closed_follow_up(path: Path) -> None:
    """One incident whose follow-up the owner has closed: follow-ups has a row, the partial
    index of open ones none."""
    from app import catalog, followups, incidents, staff
    from app.clock import SystemClock
    from app.context import Context
    from app.models import Outcome, RemedyRequest
    from db.connection import open_database

    ctx = Context(open_database(path), SystemClock())
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=None,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    followups.record_outcome(ctx, logged.followup.id, Outcome.SATISFIED,
                             staff.find_by_name(ctx, "Ingrid").id)
    ctx.db.close()


def test_an_empty_partial_index_does_not_make_every_close_analyse_again(tmp_path, capsys):
    path = tmp_path / "store.db"
    cli_init_store(path)
    _a_closed_follow_up(path)
    assert cli.main(["followups", "--db", str(path)]) == 0  # closes: PRAGMA optimize
    assert "Open follow-ups: 0" in capsys.readouterr().out
    rows, would = _statistics(path)
    assert rows.get("idx_followups_open") == "0 0"  # nothing open: no entry in the index
    assert would == []  # the next close has nothing to analyse
    assert cli.main(["followups", "--db", str(path)]) == 0
    assert _statistics(path)[0] == rows  # the row is not added twice


def test_followups_does_not_load_the_write_path(tmp_path):
    """``comeback followups`` reads: what logging a tap needs (vouchers, remedies, approval
    rules, db.tap) and setting up a store are not loaded."""
    path = tmp_path / "store.db"
    cli_init_store(path)
    loaded = _modules_after(f"from app.cli import main\n"
                            f"assert main(['followups', '--db', {str(path)!r}]) == 0")
    assert "app.followups" in loaded  # the command ran in the probe
    assert "platformdirs" not in loaded  # one store in the file: terminal.json not needed
    assert not loaded & {"app.vouchers", "app.remedies_given", "app.approval_rule", "db.tap",
                         "app.audit_payload", "app.setup"}
