"""Voucher slips and the tap: tap-to-saved with a network printer configured against none, in
the same run, and how soon the whole slip is at a printer on loopback after the tap.

The real main window on a demo store in a file database (as ``bench.tap``), offscreen. Each
round taps a failure tile, then - timed - the Voucher tile. Rounds alternate in blocks of 10
between no printer and a network printer on 127.0.0.1 (:class:`bench.loopback_printer.
LoopbackPrinter`, which answers the status queries like an ESC/POS printer). With the printer,
the bench then waits (not timed as a tap) until the printer has the slip's cut command: that
is "the slip arrived", measured from the start of the tap.

Targets: tap-to-saved p99 with the printer within noise of the p99 without (printing is in a
worker thread); slip at the printer ≤ 300 ms after the tap.

    python -m bench.slip [--taps 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.common import demo_store, latency_line, manager_checks_back, percentile
from bench.loopback_printer import LoopbackPrinter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TARGET_ARRIVAL_MS = 300.0
BLOCK = 10


def line(name: str, samples: list[float]) -> str:
    return latency_line(name, samples, 46)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=300)
    args = parser.parse_args()
    taps = max(100, args.taps)

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app import catalog, settings, staff

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.app import build_main_window
    from ui.slip_printing import slip_printer

    with tempfile.TemporaryDirectory() as tmp, LoopbackPrinter(lifetime=3600) as printer:
        ctx, clock, _result = demo_store(Path(tmp) / "store.db",
                                         datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc))
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        app.processEvents()
        page = window.page("counter")
        window.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        marco = staff.find_by_name(ctx, "Marco")
        service = slip_printer(window.controller)
        codes = [c.code for c in catalog.categories(ctx)]
        target = f"network:127.0.0.1:{printer.port}"
        plain, printing, arrival = [], [], []
        cold_arrival = None
        failures: list[str] = []
        service.failed.connect(lambda _job, why: failures.append(why))
        warm = 2 * BLOCK
        for i in range(taps + warm):
            with_printer = (i // BLOCK) % 2 == 1
            wanted = target if with_printer else ""
            if ctx.settings().printer != wanted:
                with ctx.db.atomic():
                    settings.write(ctx.db, ctx.store_id, {"printer": wanted})
            clock.advance(seconds=41)
            manager_checks_back(ctx, marco.id, window.controller.announce)
            QTest.mouseClick(page.category_tile(codes[i % len(codes)]), Qt.LeftButton)
            app.processEvents()
            index = next(n for n, r in enumerate(page.remedy_step._remedies)
                         if r.code == "voucher")
            tile = page.remedy_step.tiles()[index]
            arrived_before = len(printer.cut_at)
            start = time.perf_counter()
            QTest.mouseClick(tile, Qt.LeftButton)
            saved_ms = (time.perf_counter() - start) * 1000
            app.processEvents()
            if with_printer:
                deadline = start + 5
                while len(printer.cut_at) == arrived_before and time.perf_counter() < deadline:
                    app.processEvents()
                    time.sleep(0.0005)
                if len(printer.cut_at) == arrived_before:
                    raise SystemExit("a slip did not arrive within 5 s: " + "; ".join(failures))
                took = (printer.cut_at[-1] - start) * 1000
                if cold_arrival is None:
                    cold_arrival = took
            if i >= warm:
                (printing if with_printer else plain).append(saved_ms)
                if with_printer:
                    arrival.append(took)
        window.close()
        service.stop()
        ctx.db.close()
    print(f"{taps} voucher taps on a demo store (file database, WAL, synchronous=FULL), "
          f"offscreen; blocks of {BLOCK} alternate no printer / loopback network printer")
    print(line("tap -> saved, no printer (floor)", plain))
    print(line("tap -> saved, network printer configured", printing))
    print(line("tap -> whole slip at the printer", arrival))
    ratio_p50 = statistics.median(printing) / statistics.median(plain)
    ratio_p99 = percentile(printing, 0.99) / percentile(plain, 0.99)
    print(f"with printer / without: p50 {ratio_p50:.2f}x, p99 {ratio_p99:.2f}x")
    print(f"first slip of the run (python-escpos imported in the worker): "
          f"{cold_arrival:.0f} ms after its tap")
    p99 = percentile(arrival, 0.99)
    print(f"slip arrival p99 {p99:.1f} ms (target ≤ {TARGET_ARRIVAL_MS:.0f} ms) "
          f"{'OK' if p99 <= TARGET_ARRIVAL_MS else 'OVER'}; failures: {len(failures)}")


if __name__ == "__main__":
    main()
