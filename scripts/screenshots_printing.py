"""Screenshots of printing at the counter: "slip not printed — Reprint" on the counter after a
network printer hung up mid-slip, and Back office → Printer after a test slip.

    python scripts/screenshots_printing.py [--out docs]
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import _shots  # noqa: F401  (sets the platform and sys.path first)
from _shots import demo_store, grab, settle, start

from bench.loopback_printer import LoopbackPrinter


def wait(app, until, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not until() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    app, out = start(__doc__)
    from app import catalog, staff, store_admin
    from ui.app import build_main_window
    from ui.slip_bar import SlipBar
    from ui.slip_printing import slip_printer

    with tempfile.TemporaryDirectory() as tmp, LoopbackPrinter(lifetime=60) as printer:
        ctx, _clock = demo_store(Path(tmp) / "store.db", weeks=2)
        owner = next(m for m in staff.list_staff(ctx) if m.role.value == "owner")
        store_admin.update_settings(ctx, owner.id, {
            "printer": f"network:127.0.0.1:{printer.port}",
            "slip_footer": "Strandkaien 12, Bergen · åpent hver dag 10–22"})
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        settle(app)
        service = slip_printer(window.controller)
        service.timeout = 0.5
        page = window.page("counter")
        window.controller.set_current_staff(
            next(m for m in staff.list_staff(ctx) if m.role.value == "cashier"))
        printer.misbehave("close", after=200)
        page.pick_category(catalog.category_by_code(ctx, "cold_food"))
        page.give([catalog.remedy_by_code(ctx, "voucher")])
        wait(app, lambda: page.findChild(SlipBar) is not None
             and page.findChild(SlipBar).failed_jobs)
        grab(window, app, out / "slip-reprint.png")

        printer.misbehave("ok")
        window.show_page("backoffice")
        backoffice = window.page("backoffice")
        backoffice.unlock(owner)
        backoffice.show_tab(backoffice.printer_tab)
        backoffice.printer_tab.test_button.click()
        wait(app, lambda: backoffice.printer_tab.test_button.isEnabled())
        grab(window, app, out / "printer-settings.png")
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
