"""Screenshots of the first-run setup and the back office for docs/, at 1024×768.

The first run is grabbed on an empty database (time zone guess Europe/Oslo, English
chosen, a store and an owner typed in); the back office on a demo store, opened by the
owner: the staff list (one former cashier), the category editor, the remedy editor, the
store's settings, and
the Guest data tab with a guest found (the erase not yet confirmed).

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_backoffice.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _shots import NOW, SIZE, demo_store, start
from _shots import grab as grab_settled
from PySide6.QtWidgets import QApplication, QWidget

from app import admin, catalog, incidents, staff
from app.clock import FixedClock
from app.context import open_context


def grab(widget: QWidget, app: QApplication, path: Path) -> None:
    grab_settled(widget, app, path, rounds=6)  # icon grids re-fit their height after layout


def first_run(app: QApplication, out: Path, tmp: Path) -> None:
    from ui.first_run import FirstRunSetup
    from ui.theme import apply_theme

    apply_theme(app)
    ctx = open_context(tmp / "new.db", FixedClock(NOW))
    page = FirstRunSetup(ctx, timezone_guess="Europe/Oslo")
    page.language.setCurrentIndex(page.language.findData("en"))
    page.store_name.setText("Fjord Kafé")
    page.owner_name.setText("Ingrid Solberg")
    page.pin.setText("4821")
    page.pin_confirm.setText("4821")
    page.resize(*SIZE)
    page.show()
    grab(page, app, out / "first-run.png")
    page.hours_button.setChecked(True)
    page.hours.days["sun"].setChecked(False)
    grab(page, app, out / "first-run-hours.png")
    page.close()


def back_office(app: QApplication, out: Path, tmp: Path) -> None:
    from ui.app import build_main_window

    ctx, _clock = demo_store(tmp / "demo.db", weeks=2)
    owner = staff.find_by_name(ctx, "Ingrid")
    ola = staff.find_by_name(ctx, "Ola")
    admin.save_staff(ctx, owner.id, ola.id, name=ola.name, role="cashier", active=False)
    window = build_main_window(ctx)
    window.resize(*SIZE)
    window.show()
    page = window.page("backoffice")
    page.unlock(owner)
    window.show_page("backoffice")

    page.show_tab(page.staff_tab)
    page.staff_tab.select(staff.find_by_name(ctx, "Aisha").id)
    grab(window, app, out / "staff.png")

    page.show_tab(page.categories_tab)
    page.categories_tab.select(catalog.category_by_code(ctx, "long_wait").id)
    grab(window, app, out / "categories.png")

    page.show_tab(page.remedies_tab)
    page.remedies_tab.select(catalog.remedy_by_code(ctx, "discount_20").id)
    grab(window, app, out / "categories-remedies.png")

    page.show_tab(page.settings_tab)
    from PySide6.QtWidgets import QScrollArea

    app.processEvents()
    shown = page.findChild(QWidget, "setting_old_pin_grace_hours")
    scroll = shown.parent()
    while not isinstance(scroll, QScrollArea):
        scroll = scroll.parent()
    scroll.ensureWidgetVisible(shown, 0, 200)
    grab(window, app, out / "settings.png")  # who may give how much, sign-in, old PINs

    page.show_tab(page.guest_tab)
    guest = next(i for i in incidents.recent(ctx, 200) if i.guest_name)
    page.guest_tab.name.setText(guest.guest_name)
    page.guest_tab.find()
    grab(window, app, out / "guest-erase.png")
    window.close()


def main() -> int:
    app, out = start(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        first_run(app, out, Path(tmp))
        back_office(app, out, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
