"""Screenshots of signing in and of an approval by a second person, for docs/.

On a fresh demo store (random PINs, set again here so the script knows them): the counter as
the app starts (nobody signed in), Sam's PIN pad after a wrong try, and manager Marco giving
a refund that someone other than him must approve.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_trust.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _shots import demo_store, grab, start

from app import staff
from app.demo import random_pin


def main() -> int:
    app, out = start(__doc__)
    from ui.app import build_main_window

    with tempfile.TemporaryDirectory() as tmp:
        ctx, _clock = demo_store(Path(tmp) / "demo.db", weeks=2)
        pins = {}
        for name in ("Sam", "Marco"):
            pins[name] = random_pin()
            staff.set_pin(ctx, staff.find_by_name(ctx, name).id, pins[name], None)
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        page = window.page("counter")
        page.staff_button.click()
        page.staff_switch.tile_for("Sam").click()
        for digit in "1111":
            page.pinpad.digit_buttons[digit].click()
        page.pinpad.submit()  # a wrong try: the pad says so, and how many are left
        for digit in pins["Sam"][:2]:
            page.pinpad.digit_buttons[digit].click()
        grab(window, app, out / "signin.png")
        page.pinpad.entry.setText(pins["Sam"])
        page.pinpad.submit()

        page.staff_button.click()
        page.staff_switch.tile_for("Marco").click()
        page.pinpad.entry.setText(pins["Marco"])
        page.pinpad.submit()
        page.category_tile("wrong_order").click()
        page.remedy_step.tile_for("refund").click()
        for digit in "48":
            page.pinpad.digit_buttons[digit].click()
        grab(window, app, out / "approval-second-person.png")
        window.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
