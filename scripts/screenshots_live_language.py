"""Screenshot: the store's language changed on another terminal applies on this counter live.

A demo store in a SQLite file (a server works the same), two connections to it on one fixed
clock: the owner's terminal switches the store to Norwegian (Bokmål) and the counter, woken
by the live feed, shows itself in Norwegian without a restart. The counter before and after,
side by side.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_live_language.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from _shots import NOW, SIZE, demo_store, settle, start
from screenshots_live import side_by_side, wait_live

from app import staff, store_admin
from app.context import Context


def main() -> int:
    app, out = start(__doc__)
    from PySide6.QtGui import QPixmap

    from ui.app import build_main_window

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        ctx, clock = demo_store(path, weeks=1, end=NOW - timedelta(days=1))
        from db.connection import open_database

        owner_ctx = Context(open_database(path), clock=clock)
        counter = build_main_window(ctx)
        counter.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        counter.resize(*SIZE)
        counter.show()
        settle(app, 5)
        before = QPixmap(counter.grab())
        owner = next(m for m in staff.list_staff(owner_ctx) if m.role.value == "owner")
        store_admin.update_settings(owner_ctx, owner.id, {"language": "nb"})
        wait_live(app, counter)

        class Shot:  # side_by_side grabs what it is given
            def __init__(self, pixmap) -> None:
                self.pixmap = pixmap

            def grab(self):
                return self.pixmap

        side_by_side(app, Shot(before), counter,
                     ("Counter, English", "Same counter: the owner chose Norsk (bokmål)"),
                     out / "live-language.png")
        counter.live.stop()
        counter.close()
        owner_ctx.db.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
