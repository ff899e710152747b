"""What ``comeback followups`` no longer loads (issue 13, process floors): Babel's whole
locale data and its global data, when the store's locale is one of app.locale_data's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.sqlite_only


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_followups_formats_times_and_amounts_without_babel_s_whole_data(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    assert main(["log", "--db", str(path), "--category", "cold_food", "--remedy", "remake",
                 "--remedy", "free_dessert:45", "--table", "7"]) == 0
    out = _run(f"import sys\nfrom app.cli import main\n"
               f"assert main(['followups', '--db', {str(path)!r}]) == 0\n"
               f"from babel import core, localedata\n"
               f"print('loaded:', sorted(localedata._cache), core._global_data is not None)")
    assert "Open follow-ups: 1" in out
    assert "Table 7 — Cold food · Remake (120,00\xa0kr) + Free dessert (45,00\xa0kr)" in out
    assert out.splitlines()[-1] == "loaded: [] False"
