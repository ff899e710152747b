"""The chain view of the Reports screen and page 1 of the chain PDF, for docs/ and the README.

Six demo restaurants in one database (kroner, euros and koruny; Oslo, Madrid, Amsterdam
and Prague), 3 weeks of history ending Monday 23 November 2026, 08:00 UTC; the owner of
Fjord Kafé looks at week 2026-W47. The PDF page is rendered with pdftoppm at 60 dpi.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_chain.py [--out docs]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from _shots import SIZE, grab, start

END = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
STORES = (("Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo", 6.0),
          ("Bryggen Bistro", "NOK", "nb_NO", "Europe/Oslo", 4.0),
          ("Café Sol", "EUR", "es_ES", "Europe/Madrid", 7.0),
          ("De Gouden Lepel", "EUR", "nl_NL", "Europe/Amsterdam", 3.0),
          ("U Zlatého lva", "CZK", "cs_CZ", "Europe/Prague", 5.0),
          ("Tromsø Brygge", "NOK", "nb_NO", "Europe/Oslo", 2.5))


def main() -> int:
    app, out = start(__doc__)
    from app import demo, staff
    from app.chain import chain_report
    from app.clock import FixedClock
    from app.context import Context, open_context
    from app.pdf_chain import render_chain_pdf
    from app.setup import init_store
    from app.summary import Week

    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(END)
        first = open_context(Path(tmp) / "chain.db", clock)
        for number, (name, currency, locale, tz, per_day) in enumerate(STORES, start=1):
            ctx = Context(first.db, FixedClock(datetime(2026, 10, 1, tzinfo=timezone.utc)),
                          number)
            init_store(ctx, store_name=name, currency=currency, locale=locale,
                       language="en", timezone=tz, owner_name="Ingrid",
                       owner_pin=demo.random_pin(), made_by=demo.DEMO_MADE_BY)
            ctx.clock = clock
            demo.generate(ctx, weeks=3, seed=number * 11, end=END, per_day=per_day)
        week = Week.parse("2026-W47")
        pdf = Path(tmp) / "chain.pdf"
        render_chain_pdf(chain_report(first, week), pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        next(Path(tmp).glob("page-*1.png")).replace(out / "chain-pdf.png")
        print(f"wrote {out / 'chain-pdf.png'}")
        from ui.app import build_main_window

        window = build_main_window(first)
        window.controller.set_current_staff(staff.find_by_name(first, "Ingrid"))
        window.resize(*SIZE)
        window.show()
        window.show_page("reports")
        reports = window.page("reports")
        reports.show_week(week)
        reports.chain_button.click()
        grab(window, app, out / "chain.png")
        window.close()
        first.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
