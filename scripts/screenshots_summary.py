"""Pages 1 and 2 of a demo week's PDF, and the Reports screen, for docs/ and the README.

A demo restaurant with 8 weeks of history ending Monday 23 November 2026, 08:00 UTC, so
week 2026-W47 is the last complete one. Pages are rendered with pdftoppm at 100 dpi.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_summary.py [--out docs]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from _shots import SIZE, demo_store, start

from app import summary
from app.pdf import render_pdf

END = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def main() -> int:
    app, out = start(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        ctx, _clock = demo_store(Path(tmp) / "demo.db", weeks=8, seed=2, now=END)
        week = summary.Week.parse("2026-W47")
        pdf = Path(tmp) / "week.pdf"
        render_pdf(summary.weekly_summary(ctx, week), pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "2", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        for number in (1, 2):
            page = next(Path(tmp).glob(f"page-*{number}.png"))
            page.replace(out / f"summary-page{number}.png")
        from app import staff
        from ui.app import build_main_window

        window = build_main_window(ctx)
        window.controller.set_current_staff(staff.find_by_name(ctx, "Ingrid"))  # signed in
        window.resize(*SIZE)
        window.show()
        window.show_page("reports")
        reports = window.page("reports")
        reports.show_week(week)
        app.processEvents()
        window.grab().save(str(out / "reports.png"))
        window.close()
        ctx.db.close()
    print(f"wrote summary-page1.png, summary-page2.png, reports.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
