"""Screenshots of two counters on one store: the same banner on both, "Marco is on it".

Two real windows offscreen, each with its own connection to one demo store (a SQLite file;
a server works the same), on one fixed clock. Counter 1 logs a cold dish at table 7; when
it is due, both ring and show the same banner. Then Marco taps "Record how it went" on the
second one and the first shows "Marco is on it". Also the strip a counter shows while its
live connection to the server is being re-made.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_live.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _shots import NOW, SIZE, demo_store, settle, start

from app import catalog, incidents, staff
from app.context import Context
from app.models import RemedyRequest

GAP = 24


def side_by_side(app, left, right, captions: tuple[str, str], path: Path) -> None:
    """Both windows in one picture, each under a caption, scaled to half size."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    settle(app, 5)
    shots = [left.grab(), right.grab()]
    top = 44
    width = shots[0].width() + GAP + shots[1].width()
    height = top + max(s.height() for s in shots)
    canvas = QPixmap(width, height)
    canvas.fill(QColor("#2A2F36"))
    painter = QPainter(canvas)
    painter.setPen(QColor("#E8EDF2"))
    font = QFont()
    font.setPointSize(16)
    font.setBold(True)
    painter.setFont(font)
    x = 0
    for shot, caption in zip(shots, captions, strict=True):
        painter.drawText(x + 12, 0, shot.width() - 24, top, Qt.AlignVCenter, caption)
        painter.drawPixmap(x, top, shot)
        x += shot.width() + GAP
    painter.end()
    canvas.scaledToWidth(width // 2, Qt.SmoothTransformation).save(str(path))
    print(f"wrote {path}")


def wait_live(app, window, seconds: float = 3.0) -> None:
    """Let the file watcher wake ``window`` and its reads settle (real time: a script)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    app, out = start(__doc__)
    from ui.app import build_main_window
    from ui.outcome import OutcomeDialog

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        ctx, clock = demo_store(path, weeks=1, end=NOW - timedelta(days=1))
        from db.connection import open_database

        tablet_ctx = Context(open_database(path), clock=clock)
        counter = build_main_window(ctx)
        counter.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        tablet = build_main_window(tablet_ctx)
        tablet.controller.set_current_staff(staff.find_by_name(ctx, "Marco"))
        for window in (counter, tablet):
            window.resize(*SIZE)
            window.show()
        clock.set(NOW - timedelta(minutes=5))
        logged = incidents.log_incident(
            ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
            remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)],
            staff_id=staff.find_by_name(ctx, "Sam").id, table_ref="7",
            guest_name="Mette Berg")
        counter.controller.announce(logged.changes)
        wait_live(app, tablet)
        clock.set(NOW)
        counter.reminders.scheduler.check()  # due: counter 1 rings, the tablet hears of it
        wait_live(app, tablet)
        tablet.reminders.scheduler.check()
        captions = ("Counter 1 (Sam)", "Manager's tablet (Marco)")
        side_by_side(app, counter, tablet, captions, out / "live-two-counters.png")
        tablet.reminders.banner.outcome_button.click()
        wait_live(app, counter)
        dialog = next(d for d in tablet.findChildren(OutcomeDialog) if d.isVisible())
        side_by_side(app, counter, dialog, (captions[0], "Manager's tablet: Record how it went"),
                     out / "live-on-it.png")
        dialog.reject()
        wait_live(app, counter)  # released: the counter shows the guest waiting again
        counter.live._set_paused(True)  # as when the server is away (PostgreSQL)
        wait_live(app, counter, 0.5)
        settle(app, 5)
        counter.grab().save(str(out / "live-paused.png"))
        print(f"wrote {out / 'live-paused.png'}")
        for window in (counter, tablet):
            window.live.stop()
            window.close()
        tablet_ctx.db.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
