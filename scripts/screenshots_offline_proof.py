"""Screenshot of the PIN pad of a counter whose server is away, for a manager who has no
approval key yet (docs/offline.md, "Managers whose PIN predates this").

A throwaway PostgreSQL cluster (tests/pg_cluster.py) with a demo store whose manager's PIN
was set before approval keys; the real window offscreen as a terminal of it. The network
goes, the cashier taps a refund, the manager types the PIN: the pad says why it cannot
approve here.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_offline_proof.py [--out docs]
"""

from __future__ import annotations

import sys

from _shots import NOW, grab, refuse, server_store, start

from app import staff


def main() -> int:
    app, out = start(__doc__)
    from app import demo
    from app.context import open_context
    from app.models import Role
    from ui.app import build_main_window

    with server_store() as (url, clock):
        ctx = open_context(url, clock)
        demo.generate(ctx, weeks=1, seed=7, end=NOW)
        manager, _changes = staff.add_staff(ctx, "Marco", Role.MANAGER, "739251")
        ctx.db.execute("DELETE FROM approval_keys WHERE staff_id = ?", [manager.id])
        ctx.db.execute("UPDATE staff SET approval_kdf = NULL WHERE id = ?", [manager.id])
        ctx.db.refresh_copy()
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        page = window.page("counter")
        cashier = next(m for m in staff.list_staff(ctx) if m.role is Role.CASHIER)
        window.controller.set_current_staff(cashier)
        ctx.db._connect = refuse
        ctx.db.server.conn.raw.close()  # the network goes
        page.category_tile("wrong_order").click()
        page.remedy_step.tile_for("refund").click()
        page.pinpad.entry.setText("739251")
        page._pin_submitted("739251")
        grab(window, app, out / "offline-no-key.png")
        window.close()
        page.taps.saver.close()
        ctx.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
