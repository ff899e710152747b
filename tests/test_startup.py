"""Cold start of ``comeback`` on an existing store: what is loaded before the counter's
first paint, and what still happens right after it.

The child process is the real ``comeback`` entry point with COMEBACK_BENCH_READY=1 (it prints
"painted" after the counter's first paint, then "ready", and quits). A wrapper around its
stdout notes which heavy modules were already imported when "painted" was written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from app import catalog, incidents, settings
from app.clock import FixedClock
from app.context import Context
from app.models import RemedyRequest
from db.connection import open_database
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent
# Not needed to draw the counter: the database toolkit (and its click/dateutil/pluggy), the
# PIN hashing, reports, presets, the reminder machinery, the retry of kept taps.
NOT_BEFORE_PAINT = ("sqlite_utils", "click", "dateutil", "pluggy", "hashlib", "reportlab",
                    "babel", "tomllib", "ui.reminders", "ui.followup_queue", "app.followups",
                    "app.pending", "ui.retry")

#: PySide6 types whose first use builds their Python enums, which a bare window never pays
#: for (ui.qt_values): the ``Qt`` namespace (93 enums, ~125 M instructions) and ``QStyle``
#: (11 enums, ~47 M). Built lazily, they are in their module's namespace once built.
NOT_BUILT_BEFORE_PAINT = (("PySide6.QtCore", "Qt"), ("PySide6.QtWidgets", "QStyle"))

CHILD = f"""
import sys

HEAVY = {NOT_BEFORE_PAINT!r}
TYPES = {NOT_BUILT_BEFORE_PAINT!r}


class Watch:
    def __init__(self, out):
        self.out = out

    def write(self, text):
        if text.startswith("painted"):
            loaded = [m for m in HEAVY if m in sys.modules]
            self.out.write("loaded at paint: " + ",".join(loaded) + "\\n")
            built = [name for module, name in TYPES if name in vars(sys.modules[module])]
            self.out.write("built at paint: " + ",".join(built) + "\\n")
        if text.startswith("ready"):
            self.out.write("sqlite_utils at ready: " + str("sqlite_utils" in sys.modules) + "\\n")
        return self.out.write(text)

    def flush(self):
        self.out.flush()


sys.stdout = Watch(sys.stdout)
from ui.entry import main

sys.exit(main(["--db", sys.argv[1]]))
"""


def _start(path: Path) -> list[str]:
    env = dict(os.environ, COMEBACK_BENCH_READY="1", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_counter_paints_before_the_heavy_modules_load_and_they_follow(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    lines = _start(path)
    assert lines[0] == "loaded at paint: "  # none of them
    assert lines[1] == "built at paint: "  # neither
    assert lines[2].startswith("painted ")
    assert lines[3] == "sqlite_utils at ready: False"  # the app's writes need none of it
    assert lines[4].startswith("ready ")


def test_guest_details_past_their_retention_are_erased_at_start(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    long_ago = FixedClock(datetime(2025, 1, 6, 12, 0, tzinfo=timezone.utc))
    ctx = Context(open_database(path), long_ago)
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"guest_contact_retention_days": 30})
    owner = ctx.db.execute("SELECT id FROM staff").fetchone()[0]
    old = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)], staff_id=owner,
        guest_name="Lars Øvrebø", guest_contact="+47 900 11 222")
    ctx.db.close()
    _start(path)
    again = open_database(path)
    row = again["incidents"].get(old.incident.id)
    assert (row["guest_name"], row["guest_contact"]) == (None, None)
    again.close()
