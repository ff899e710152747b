"""``comeback followups`` as a process loads only what it prints: no database toolkit
(sqlite-utils with click, dateutil and pluggy), no argument parser, no other command's
modules, no Qt or reportlab, when there is nothing to write (no follow-up to mark missed,
no guest detail past its retention)."""

from __future__ import annotations

from datetime import datetime, timezone

from app import catalog, incidents, settings
from app.clock import FixedClock
from app.context import Context
from app.models import RemedyRequest
from db.connection import open_database
from tests.conftest import cli_init_store
from tests.dbstates import checkpoint, flip_bytes_in_the_middle, run_cli

ALL_DAY = dict.fromkeys(settings.WEEKDAYS, ["00:00", "24:00"])
NOT_FOR_FOLLOWUPS = ("sqlite_utils", "click", "dateutil", "pluggy", "argparse", "uuid",
                     "reportlab", "PySide6", "app.cli_reports", "app.cli_backup",
                     "app.cli_slips", "app.cli_privacy", "app.cli_verify", "app.cli_trust")

WATCH = f"""
import atexit
import sys

def _loaded():
    found = [m for m in {NOT_FOR_FOLLOWUPS!r} if m in sys.modules]
    sys.stderr.write("loaded: " + ",".join(found) + "\\n")

atexit.register(_loaded)
"""


def test_followups_loads_no_toolkit_parser_or_other_command(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    database = open_database(path)
    with database.atomic():
        settings.write(database, 1, {"opening_hours": ALL_DAY})
    database.close()
    ctx = Context(open_database(path), FixedClock(datetime.now(timezone.utc)))
    incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
                           staff_id=None, table_ref="7",
                           remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    ctx.db.close()

    done = run_cli(["followups", "--db", str(path)], preamble=WATCH)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Open follow-ups: 1"
    assert "Table 7 — Cold food · Remake (" in done.stdout  # the remedy's value: Babel ran
    assert "loaded: \n" in done.stderr


def test_followups_with_more_than_the_database_still_goes_through_the_parser(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    done = run_cli(["followups", "--db", str(path), "--verbose"])
    assert done.returncode == 2
    assert "unrecognized arguments: --verbose" in done.stderr
    done = run_cli(["--db", str(path), "followups"])
    assert done.returncode == 0 and done.stdout.startswith("Open follow-ups: 0")


def test_followups_on_a_damaged_file_says_so_and_lists_nothing(tmp_path):
    # The quick_check runs in a worker thread while followups imports: its verdict still
    # comes before anything is opened, read or printed.
    path = tmp_path / "store.db"
    cli_init_store(path)
    checkpoint(path)
    flip_bytes_in_the_middle(path)
    done = run_cli(["followups", "--db", str(path)])
    assert done.returncode == 2
    assert "is damaged: part of it can no longer be read" in done.stderr
    assert done.stdout == ""
    done = run_cli(["followups", "--db", str(tmp_path / "nothing.db")])
    assert done.returncode == 2 and "There is no database at" in done.stderr
