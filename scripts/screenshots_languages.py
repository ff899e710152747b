"""The counter and its remedy step in each of the five languages at 1024×768, for docs/.

One fresh store per language (its own currency, locale and time zone, a cashier with a local
name at the counter), built and driven offscreen like ``scripts/screenshots_counter.py``:

    docs/counter-<lang>.png   the failure tiles
    docs/remedy-<lang>.png    after tapping "Long wait": the apology line, remedy tiles and
                              their values in the store's money

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_languages.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _shots import NOW, SIZE, grab, start
from PySide6.QtWidgets import QApplication

from app import staff
from app.clock import FixedClock
from app.context import open_context
from app.models import Role
from app.setup import init_store

#: language: (store, currency, locale, time zone, owner, cashier at the counter)
STORES = {"en": ("Harbour Café", "GBP", "en_GB", "Europe/London", "Olivia", "Sam"),
          "nb": ("Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo", "Ingrid", "Sindre"),
          "es": ("Café del Puerto", "EUR", "es_ES", "Europe/Madrid", "Carmen", "Lucía"),
          "nl": ("Grachtcafé", "EUR", "nl_NL", "Europe/Amsterdam", "Femke", "Daan"),
          "cs": ("Kavárna U Mostu", "CZK", "cs_CZ", "Europe/Prague", "Zdeňka", "Jiří")}
#: The category tapped for the remedy step (a long apology line in every language).
CATEGORY = "long_wait"


def shoot(app: QApplication, language: str, out: Path) -> None:
    from ui.app import build_main_window

    name, currency, locale, tz, owner, cashier = STORES[language]
    with tempfile.TemporaryDirectory() as tmp:
        # Monday 16 November 2026, lunch time in every one of these zones.
        ctx = open_context(Path(tmp) / "store.db", FixedClock(NOW))
        init_store(ctx, store_name=name, preset="restaurant", currency=currency,
                   locale=locale, language=language, timezone=tz, owner_name=owner,
                   owner_pin="4821")
        member, _changes = staff.add_staff(ctx, cashier, Role.CASHIER)
        window = build_main_window(ctx)  # with the follow-ups page: the whole nav bar
        window.controller.set_current_staff(member)
        window.resize(*SIZE)
        window.show()
        page = window.page("counter")
        grab(window, app, out / f"counter-{language}.png")
        page.category_tile(CATEGORY).click()
        grab(window, app, out / f"remedy-{language}.png")
        window.close()
        ctx.db.close()


def main() -> int:
    app, out = start(__doc__)
    for language in STORES:
        shoot(app, language, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
