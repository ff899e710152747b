"""The counter and its remedy step in each of the five languages at 1024×768, for docs/.

One fresh store per language (its own currency, locale and time zone, a cashier with a local
name at the counter), built and driven offscreen like ``scripts/screenshots_counter.py``:

    docs/counter-<lang>.png   the failure tiles
    docs/remedy-<lang>.png    after tapping "Long wait": the apology line, remedy tiles and
                              their values in the store's money

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

from PySide6.QtWidgets import QApplication  # noqa: E402

from app import staff  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.context import open_context  # noqa: E402
from app.models import Role  # noqa: E402
from app.setup import init_store  # noqa: E402

#: language: (store, currency, locale, time zone, owner, cashier at the counter)
STORES = {"en": ("Harbour Café", "GBP", "en_GB", "Europe/London", "Olivia", "Sam"),
          "nb": ("Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo", "Ingrid", "Sindre"),
          "es": ("Café del Puerto", "EUR", "es_ES", "Europe/Madrid", "Carmen", "Lucía"),
          "nl": ("Grachtcafé", "EUR", "nl_NL", "Europe/Amsterdam", "Femke", "Daan"),
          "cs": ("Kavárna U Mostu", "CZK", "cs_CZ", "Europe/Prague", "Zdeňka", "Jiří")}
#: Monday 16 November 2026, lunch time in every one of these zones.
NOON = datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc)
#: The category tapped for the remedy step (a long apology line in every language).
CATEGORY = "long_wait"


def grab(window, app: QApplication, path: Path) -> None:
    for _i in range(3):
        app.processEvents()
    window.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def shoot(app: QApplication, language: str, out: Path) -> None:
    from ui.app import build_main_window

    name, currency, locale, tz, owner, cashier = STORES[language]
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "store.db", FixedClock(NOON))
        init_store(ctx, store_name=name, preset="restaurant", currency=currency,
                   locale=locale, language=language, timezone=tz, owner_name=owner,
                   owner_pin="4821")
        member, _changes = staff.add_staff(ctx, cashier, Role.CASHIER)
        window = build_main_window(ctx)  # with the follow-ups page: the whole nav bar
        window.controller.set_current_staff(member)
        window.resize(1024, 768)
        window.show()
        page = window.page("counter")
        grab(window, app, out / f"counter-{language}.png")
        page.category_tile(CATEGORY).click()
        grab(window, app, out / f"remedy-{language}.png")
        window.close()
        ctx.db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for language in STORES:
        shoot(app, language, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
