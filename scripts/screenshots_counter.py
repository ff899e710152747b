"""Screenshots of the counter screen for docs/ and the README, on a demo database.

Builds the real window offscreen on a fresh demo store (``app.demo.generate`` with a fixed
clock), drives it like a cashier and grabs each state at 1024×768, plus the counter and the
remedy step at 1920×1080 to check that it scales.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_counter.py [--out docs]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _shots import demo_store, grab, start

from app import staff


def main() -> int:
    app, out = start(__doc__)
    from ui.app import build_main_window

    with tempfile.TemporaryDirectory() as tmp:
        ctx, clock = demo_store(Path(tmp) / "demo.db", weeks=8)
        window = build_main_window(ctx)
        page = window.page("counter")
        sam = staff.find_by_name(ctx, "Sam")
        window.controller.set_current_staff(sam)
        for size, suffix in (((1920, 1080), "_1920"), ((1024, 768), "")):
            window.resize(*size)
            window.show()
            page.go_back()
            grab(window, app, out / f"counter{suffix}.png")
            page.category_tile("cold_food").click()
            grab(window, app, out / f"remedy{suffix}.png")
        page.remedy_step.tile_for("free_dessert").add_button.click()
        page.remedy_step.tile_for("free_drink").add_button.click()
        grab(window, app, out / "remedy_multi.png")
        page.remedy_step.clear_pending()
        page.remedy_step.tile_for("refund").click()
        for digit in "73":
            page.pinpad.digit_buttons[digit].click()
        grab(window, app, out / "pinpad.png")
        page.pinpad.cancel()
        page.go_back()
        page.category_tile("cold_food").click()
        page.remedy_step.tile_for("remake").click()
        grab(window, app, out / "confirm.png")
        # The optional third tap: the table pad on the logged bar.
        page.confirm_bar.table_button.click()
        grab(window, app, out / "confirm_table_pad.png")
        page.table_pad.digit_buttons["1"].click()
        page.table_pad.digit_buttons["2"].click()
        page.table_pad.ok_button.click()
        clock.advance(minutes=2)
        page.details_toggle.click()
        page.details.new_button.click()
        page.details.guest_edit.setText("Ana García")
        page.details.table_edit.setText("12")
        grab(window, app, out / "counter_details.png")
        page.category_tile("foreign_object").click()
        page.remedy_step.tile_for("comp_item").click()
        grab(window, app, out / "confirm_flagged.png")
        # The tallest bar: a severe failure whose remedy is a voucher (its code to hand over).
        page.category_tile("undercooked").click()
        page.remedy_step.tile_for("voucher").click()
        grab(window, app, out / "confirm_flagged_voucher.png")
        page.details_toggle.click()
        page.open_staff_switch()
        grab(window, app, out / "counter_staff.png")
        page.go_back()
        # The busiest it gets: banner, undo bar and details open, another failure tapped.
        page.details_toggle.click()
        page.category_tile("rude_service").click()
        grab(window, app, out / "remedy_crowded.png")
        page.go_back()
        page.details_toggle.click()
        # After closing time: the bar says no reminder comes, instead of a time.
        clock.set(clock.now().replace(hour=21, minute=40))  # 22:40 in Oslo
        page.category_tile("long_wait").click()
        page.remedy_step.tile_for("free_drink").click()
        grab(window, app, out / "confirm_closed.png")
        window.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
