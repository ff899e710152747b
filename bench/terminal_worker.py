"""One terminal of ``bench.terminals`` (and of tests/test_several_terminals_load.py), as a
process of its own: waits at a file barrier, then logs incidents on the shared store as a
busy counter does, and prints one JSON line with what it did (not a benchmark itself).

Every incident has a remedy; every 10th a refund that needs the manager's PIN (checked
here, so the store's PIN lockout and its write lock are in play), every 7th a voucher,
which the same terminal redeems three incidents later; every 5th, the manager records how
the check went on the incident before. Errors are counted by kind, never retried: a lost
write is an error here.

    python -m bench.terminal_worker DB NAME READY GO N MANAGER_PIN
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

START = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


def run(db: str, name: str, ready: str, go: str, n: int, manager_pin: str) -> dict:
    from app import approval, catalog, followups, incidents, staff, vouchers
    from app.clock import FixedClock
    from app.context import Context
    from app.models import RemedyRequest
    from db.connection import open_database

    clock = FixedClock(START)
    ctx = Context(open_database(db), clock, terminal=name)
    ctx.prepare_writes()
    ctx.terminal_id()
    people = {m.name: m.id for m in staff.list_staff(ctx)}
    cashier, manager = people["Sam"], people["Marco"]
    cats = catalog.categories(ctx)
    plain = [r for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)
             and r.kind.value != "voucher"]
    refund = catalog.remedy_by_code(ctx, "refund")
    voucher = catalog.remedy_by_code(ctx, "voucher")
    Path(ready).write_text("ready")
    while not Path(go).exists():  # process coordination only: the barrier
        time.sleep(0.002)
    samples, errors, logged, redeemed, outcomes = [], {}, 0, 0, 0
    codes: list[tuple[int, str]] = []
    last = None
    for i in range(n):
        clock.advance(seconds=2)
        try:
            grant = None
            if i % 10 == 9:
                grant = approval.authorize(ctx, manager_pin, for_what="log")
                remedy = refund
            elif i % 7 == 3:
                remedy = voucher
            else:
                remedy = plain[i % len(plain)]
            begin = time.perf_counter()
            done = incidents.log_incident(
                ctx, category_id=cats[i % len(cats)].id, staff_id=cashier,
                remedies=[RemedyRequest(remedy.id)], approval=grant,
                table_ref=str(i % 20) if i % 3 else None)
            samples.append((time.perf_counter() - begin) * 1000)
            logged += 1
            codes += [(i, code) for code in done.voucher_codes]
            if codes and codes[0][0] <= i - 3:
                vouchers.redeem(ctx, codes.pop(0)[1], cashier)
                redeemed += 1
            if i % 5 == 4 and last is not None:
                followups.record_outcome(ctx, last.followup.id, "satisfied", manager)
                outcomes += 1
            last = done
        except Exception as error:  # counted, not retried: the bench reports every one
            kind = "deadlock" if "deadlock" in str(error).lower() else type(error).__name__
            errors[kind] = errors.get(kind, 0) + 1
            errors.setdefault("first", f"{type(error).__name__}: {error}")
    ctx.db.close()
    return {"terminal": name, "logged": logged, "redeemed": redeemed, "outcomes": outcomes,
            "errors": errors, "samples": samples}


if __name__ == "__main__":
    db, name, ready, go, n, pin = sys.argv[1:7]
    print(json.dumps(run(db, name, ready, go, int(n), pin)), flush=True)
