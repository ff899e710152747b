"""A terminal process for the outage tests: logs incidents on a PostgreSQL store through the
counter's saver (app.pending + app.offline), on an injected clock, as it is told on stdin.

    python -m tests.offline_terminal URL DATA_DIR NAME BASE_ISO

Commands, one a line; each answers one JSON line on stdout:
  ``log K``   log K incidents (one second apart on its own clock; when the server is away
              and the backoff allows, it tries the server first and sends what waits)
  ``sync``    reconnect (ignoring the backoff) and send everything that waits
  ``report``  every incident it logged: uid and tap time; then it exits
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path


def main(argv: list[str]) -> int:
    url, data_dir, name, base = argv
    from app import catalog, offline, pending
    from app.cli_offline import send_all
    from app.clock import FixedClock, to_iso
    from app.context import Context
    from app.models import RemedyRequest
    from db.failover import Failover

    ticks = [0.0]
    clock = FixedClock(datetime.fromisoformat(base))
    handle = Failover.open(url, Path(data_dir), monotonic=lambda: ticks[0])
    ctx = Context(handle, clock)
    category = catalog.category_by_code(ctx, "cold_food")
    remedy = catalog.remedy_by_code(ctx, "remake")
    saver = pending.TapSaver.for_database(ctx)
    logged: list[dict] = []
    counts = {"kept": 0, "saved": 0, "sent": 0, "reconnects": 0}
    print(json.dumps({"ready": True}), flush=True)

    def send() -> None:
        flushed = send_all(saver)
        counts["sent"] += len(flushed.saved)
        if flushed.failed:
            raise RuntimeError(f"refused: {[f.message for f in flushed.failed]}")

    for line in sys.stdin:
        command, *rest = line.split()
        if command == "log":
            for _ in range(int(rest[0])):
                clock.advance(seconds=1)
                ticks[0] += 10.0  # backoff reaches its 30 s in a few taps
                if offline.is_away(ctx) and handle.due() and handle.reconnect():
                    counts["reconnects"] += 1
                if not offline.is_away(ctx) and saver.count():
                    send()
                tap = pending.incident_tap(
                    ctx, category_id=category.id, remedies=[RemedyRequest(remedy.id)],
                    staff_id=None, shown=(category.label, [remedy.label]), note=name)
                result = saver.submit(tap)
                counts["kept" if isinstance(result, pending.Kept) else "saved"] += 1
                logged.append({"uid": tap.uid, "at": to_iso(tap.tapped_at)})
        elif command == "sync":
            clock.advance(seconds=1)
            if handle.away:
                handle.reconnect()
            send()
        elif command == "report":
            print(json.dumps({"logged": logged, **counts, "waiting": saver.count()}),
                  flush=True)
            saver.close()
            handle.close()
            return 0
        print(json.dumps({**counts, "waiting": saver.count(), "away": handle.away}),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
