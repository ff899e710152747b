"""Screenshot of a tap the database could not take yet: "Not saved yet — trying again".

The real window offscreen on a demo store in a file database; a tap is logged, then another
program takes the database's write lock (as a long import does) and the cashier taps again:
the amber bar replaces the "Logged" bar and says why and what to do.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_retry.py [--out docs]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from _shots import demo_store, grab, start

from app import staff


def main() -> int:
    app, out = start(__doc__)
    from ui.app import build_main_window

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        ctx, clock = demo_store(path, weeks=8)
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        page = window.page("counter")
        window.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        page.category_tile("long_wait").click()
        page.remedy_step.tile_for("free_drink").click()
        clock.advance(minutes=1)
        importer = sqlite3.connect(path, isolation_level=None)
        importer.execute("BEGIN IMMEDIATE")  # a long import holds the write lock
        page.category_tile("cold_food").click()
        page.remedy_step.tile_for("remake").click()
        clock.advance(seconds=40)
        page.category_tile("wrong_order").click()
        page.remedy_step.tile_for("free_dessert").click()
        grab(window, app, out / "not-saved-yet.png")
        importer.execute("ROLLBACK")
        importer.close()
        page.taps.retry_now()
        grab(window, app, out / "saved-after-retry.png")
        window.close()
        page.taps.saver.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
