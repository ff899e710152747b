"""A worker process for tests/test_pin_lockout_processes.py: waits at a file barrier, then
sends its wrong PINs to ``app.approval.authorize`` as fast as it can.

    python -m tests.pin_burst DB READY_FILE GO_FILE PIN COUNT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(db: str, ready: str, go: str, pin: str, count: int) -> None:
    from app import approval
    from app.context import open_context
    from app.errors import ApprovalLocked, PinRejected

    ctx = open_context(db)
    Path(ready).write_text("ready")
    while not Path(go).exists():  # process coordination only: the barrier
        time.sleep(0.002)
    for _i in range(count):
        try:
            approval.authorize(ctx, pin, for_what="burst")
            print("accepted")
        except ApprovalLocked:
            print("locked")
        except PinRejected:
            print("rejected")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
