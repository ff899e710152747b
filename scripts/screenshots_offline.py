"""Screenshots of a counter whose PostgreSQL server went away: the offline bar.

A throwaway PostgreSQL cluster (tests/pg_cluster.py) with a demo store; the real window
offscreen as a terminal of it. A tap is logged, then the network goes (the connection is cut
and connects are refused) and the cashier taps three more: "Offline — 3 waiting to send".
Then the server is back, the counter sends them: "Back online — all sent".

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_offline.py [--out docs]
"""

from __future__ import annotations

import sys

from _shots import NOW, grab, refuse, server_store, start

from app import staff


def main() -> int:
    app, out = start(__doc__)
    from app import demo
    from app.context import open_context
    from ui.app import build_main_window

    with server_store() as (url, clock):
        ctx = open_context(url, clock)
        demo.generate(ctx, weeks=2, seed=7, end=NOW)
        ctx.db.refresh_copy()
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        page = window.page("counter")
        window.controller.set_current_staff(staff.find_by_name(ctx, "Sam"))
        page.category_tile("long_wait").click()
        page.remedy_step.tile_for("free_drink").click()
        clock.advance(minutes=1)
        connect = ctx.db._connect
        ctx.db._connect = refuse
        ctx.db.server.conn.raw.close()  # the network goes
        for category, remedy in (("cold_food", "remake"), ("wrong_order", "free_dessert"),
                                 ("long_wait", "free_drink")):
            clock.advance(seconds=40)
            page.category_tile(category).click()
            page.remedy_step.tile_for(remedy).click()
        grab(window, app, out / "offline-bar.png")
        ctx.db._connect = connect
        ctx.db._next_try = 0.0
        assert ctx.db.reconnect()
        page._offline.came_back()
        for _turn in range(20):
            if not page.taps.waiting():
                break
            page.taps.retry_now()
        page._offline.waiting_changed(0)
        grab(window, app, out / "offline-all-sent.png")
        window.close()
        page.taps.saver.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
