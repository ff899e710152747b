"""The "By counter" table of a store with two terminals: the Reports screen and page 2 of
the weekly PDF, for docs/.

The demo restaurant (as scripts/screenshots_summary.py) logged on its "Bar" terminal, plus
a dozen incidents of week 2026-W47 logged on the "Terrace" terminal.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_terminals.py [--out docs]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _shots import SIZE, demo_store, grab, start

from app import catalog, incidents, staff, summary
from app.context import Context
from app.models import RemedyRequest
from app.pdf import render_pdf

END = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def terrace_week(ctx, clock) -> None:
    """Twelve incidents on the terrace during W47 (Tuesday to Saturday, 12:00–20:00)."""
    terrace = Context(ctx.db, clock, terminal="Terrace")
    cats = [c for c in catalog.categories(ctx) if not c.hidden]
    rems = [r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)]
    cashier = next(m for m in staff.list_staff(ctx) if m.role.value == "cashier")
    was = clock.now()
    for i in range(12):
        clock.set(datetime(2026, 11, 17, 11, 0, tzinfo=timezone.utc)
                  + timedelta(days=i % 5, hours=(i * 3) % 8))
        incidents.log_incident(terrace, category_id=cats[i % len(cats)].id,
                               remedies=[RemedyRequest(rems[(i * 2) % len(rems)].id)],
                               staff_id=cashier.id)
    clock.set(was)


def main() -> int:
    app, out = start(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        ctx, clock = demo_store(Path(tmp) / "demo.db", weeks=8, seed=2, now=END)
        terrace_week(ctx, clock)
        week = summary.Week.parse("2026-W47")
        pdf = Path(tmp) / "week.pdf"
        render_pdf(summary.weekly_summary(ctx, week), pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "2", "-l", "2", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        next(Path(tmp).glob("page-*2.png")).replace(out / "summary-by-counter.png")
        from ui.app import build_main_window

        window = build_main_window(ctx)
        window.controller.set_current_staff(staff.find_by_name(ctx, "Ingrid"))
        window.resize(*SIZE)
        window.show()
        window.show_page("reports")
        reports = window.page("reports")
        reports.show_week(week)
        from PySide6.QtWidgets import QScrollArea

        for _i in range(3):
            app.processEvents()
        scroll = reports.findChild(QScrollArea, "ReportScroll")
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
        grab(window, app, out / "reports-by-counter.png")
        window.close()
        ctx.db.close()
    print(f"wrote summary-by-counter.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
