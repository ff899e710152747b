"""Screenshots of a voucher redeemed while the server is away: the cashier's answer, and the
manager's message when the server could not apply it (redeemed at the bar first).

A throwaway PostgreSQL cluster (tests/pg_cluster.py) with a demo store; the real window
offscreen as a terminal of it ("Counter 2"). The network goes; Sam scans a guest's voucher:
"Redeemed — will be confirmed when the server is back". Meanwhile the same voucher is
redeemed at the bar, online. The server comes back, the counter sends what it kept, and the
follow-up page on the manager's tablet says who redeemed it where and who was first.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_offline_vouchers.py [--out docs]
"""

from __future__ import annotations

import sys

from _shots import NOW, grab, refuse, server_store, start

from app import staff


def main() -> int:
    app, out = start(__doc__)
    from app import demo, vouchers
    from app.clock import to_iso
    from app.context import Context, open_context
    from db.connection import open_database
    from ui.app import build_main_window

    with server_store() as (url, clock):
        ctx = open_context(url, clock)
        ctx.terminal = "Counter 2"
        demo.generate(ctx, weeks=2, seed=7, end=NOW)
        code = next(iter(ctx.db.query(
            "SELECT v.code FROM vouchers v JOIN incidents i ON i.id = v.incident_id "
            "WHERE v.redeemed_at IS NULL AND i.voided_at IS NULL AND v.expires_at > ? "
            "ORDER BY v.id DESC", [to_iso(NOW)])))["code"]
        ctx.db.refresh_copy()
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        window.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        clock.advance(minutes=3)
        connect = ctx.db._connect
        ctx.db._connect = refuse
        ctx.db.server.conn.raw.close()  # the network goes
        from ui.scan_redeem import ScanCatcher

        page = window.page("counter")
        window.show_page("counter")
        catcher = window.findChild(ScanCatcher)
        catcher._redeem(code)  # what the scanner's burst + Enter does on the counter
        grab(window, app, out / "offline-voucher-redeemed.png")

        bar = Context(open_database(url), clock, terminal="Bar")
        clock.advance(minutes=4)
        vouchers.redeem(bar, code, staff.find_by_name(bar, "Marco").id)
        bar.db.close()
        clock.advance(minutes=2)
        ctx.db._connect = connect
        ctx.db._next_try = 0.0
        assert ctx.db.reconnect()
        page._offline.came_back()
        for _turn in range(20):
            if not page.taps.waiting():
                break
            page.taps.retry_now()
        # The manager's tablet, on the floor: the follow-up page.
        tablet_ctx = open_context(url, clock)
        tablet_ctx.terminal = "Tablet"
        tablet = build_main_window(tablet_ctx)
        tablet.resize(1024, 768)
        tablet.show()
        tablet.controller.set_current_staff(staff.find_by_name(tablet_ctx, "Marco"))
        tablet.show_page("followups")
        grab(tablet, app, out / "offline-voucher-refused.png")
        tablet.close()
        tablet_ctx.db.close()
        window.close()
        page.taps.saver.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
