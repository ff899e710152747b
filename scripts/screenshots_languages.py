"""The counter and the remedy step in each language at 1024×768, for docs/.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_languages.py [--out docs]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.clock import FixedClock  # noqa: E402
from app.context import open_context  # noqa: E402
from app.setup import init_store  # noqa: E402

STORES = {"en": ("Harbour Café", "GBP", "en_GB", "Europe/London"),
          "nb": ("Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo"),
          "es": ("Café del Puerto", "EUR", "es_ES", "Europe/Madrid"),
          "nl": ("Grachtcafé", "EUR", "nl_NL", "Europe/Amsterdam"),
          "cs": ("Kavárna U Mostu", "CZK", "cs_CZ", "Europe/Prague")}
NOON = datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.app import build_main_window

    for language, (name, currency, locale, tz) in STORES.items():
        with tempfile.TemporaryDirectory() as tmp:
            ctx = open_context(Path(tmp) / "store.db", FixedClock(NOON))
            init_store(ctx, store_name=name, preset="restaurant", currency=currency,
                       locale=locale, language=language, timezone=tz)
            window = build_main_window(ctx, reminders=False)
            window.resize(1024, 768)
            window.show()
            app.processEvents()
            window.grab().save(str(args.out / f"counter-{language}.png"))
            page = window.page("counter")
            QTest.mouseClick(page.category_grid.tiles()[1], Qt.LeftButton)
            app.processEvents()
            window.grab().save(str(args.out / f"remedy-{language}.png"))
            window.close()
            ctx.db.close()
    print(f"wrote counter-<lang>.png and remedy-<lang>.png for {', '.join(STORES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
