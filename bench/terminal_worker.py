"""One terminal of ``bench.terminals`` (and of tests/test_several_terminals_load.py), as a
process of its own: waits at a file barrier, then logs incidents on the shared store as a
busy counter does, and prints one JSON line with what it did (not a benchmark itself).

Every incident has a remedy; every 10th a refund that needs the manager's PIN (checked
here, so the store's PIN lockout and its write lock are in play), every 7th a voucher,
which the same terminal redeems three incidents later; every 5th, the manager records how
the check went on the incident before. A step that finds the database locked (a lock
waited for longer than the connection's lock wait, 5 s) is counted as an error, and then
retried as the counter does with a tap it keeps: the incident with the same uid, written
once whatever happened. Any other error is counted and not retried.

    python -m bench.terminal_worker DB NAME READY GO N MANAGER_PIN
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from functools import partial
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
    waits: list[float] = []

    def step(what: str, action):
        for attempt in range(4):
            begin = time.perf_counter()
            try:
                return action()
            except Exception as error:  # counted by kind: the bench reports every one
                text = str(error).lower()
                kind = "deadlock" if "deadlock" in text else \
                    "locked" if "database is locked" in text else type(error).__name__
                errors[kind] = errors.get(kind, 0) + 1
                errors.setdefault("first", f"{what}: {type(error).__name__}: {error} "
                                  f"(after {(time.perf_counter() - begin) * 1000:.0f} ms)")
                if kind != "locked" or attempt == 3:
                    raise
                waits.append((time.perf_counter() - begin) * 1000)
        return None

    import uuid

    for i in range(n):
        clock.advance(seconds=2)
        try:
            grant = None
            if i % 10 == 9:
                grant = step("PIN check", partial(approval.authorize, ctx, manager_pin,
                                                  for_what="log"))
                remedy = refund
            elif i % 7 == 3:
                remedy = voucher
            else:
                remedy = plain[i % len(plain)]
            uid, category = str(uuid.uuid4()), cats[i % len(cats)].id
            begin = time.perf_counter()
            done = step("log", partial(
                incidents.log_incident, ctx, category_id=category, staff_id=cashier, uid=uid,
                remedies=[RemedyRequest(remedy.id)], approval=grant,
                table_ref=str(i % 20) if i % 3 else None))
            samples.append((time.perf_counter() - begin) * 1000)
            logged += 1
            codes += [(i, code) for code in done.voucher_codes]
            if codes and codes[0][0] <= i - 3:
                code = codes.pop(0)[1]
                step("redeem", partial(vouchers.redeem, ctx, code, cashier))
                redeemed += 1
            if i % 5 == 4 and last is not None:
                followup = last.followup.id
                step("outcome", partial(followups.record_outcome, ctx, followup,
                                        "satisfied", manager))
                outcomes += 1
            last = done
        except Exception:  # noqa: S110 - counted in step(); the next incident goes on
            pass
    ctx.db.close()
    return {"terminal": name, "logged": logged, "redeemed": redeemed, "outcomes": outcomes,
            "errors": errors, "retried_after_ms": waits, "samples": samples}


if __name__ == "__main__":
    db, name, ready, go, n, pin = sys.argv[1:7]
    print(json.dumps(run(db, name, ready, go, int(n), pin)), flush=True)
