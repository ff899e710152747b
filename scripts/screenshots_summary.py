"""Pages 1 and 2 of a demo week's PDF, and the Reports screen, for docs/ and the README.

A demo restaurant with 8 weeks of history ending Monday 23 November 2026, 08:00 UTC, so
week 2026-W47 is the last complete one. Pages are rendered with pdftoppm at 100 dpi.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_summary.py [--out docs]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app import demo, summary  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.context import open_context  # noqa: E402
from app.pdf import render_pdf  # noqa: E402

END = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "demo.db", FixedClock(END))
        demo.generate(ctx, weeks=8, seed=2, end=END)
        week = summary.Week.parse("2026-W47")
        pdf = Path(tmp) / "week.pdf"
        render_pdf(summary.weekly_summary(ctx, week), pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "2", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        for number in (1, 2):
            page = next(Path(tmp).glob(f"page-*{number}.png"))
            page.replace(args.out / f"summary-page{number}.png")
        from ui.app import build_main_window

        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        window.show_page("reports")
        reports = window.page("reports")
        reports.show_week(week)
        app.processEvents()
        window.grab().save(str(args.out / "reports.png"))
        window.close()
        ctx.db.close()
    print(f"wrote summary-page1.png, summary-page2.png, reports.png to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
