"""Closing the app on a big store: how long until the window is gone, and the backup after.

On a COPY of a database (default: the scaling bench's 1,000,000-incident file; the
original is never opened), offscreen: the real main window with its automatic backups
(``ui.backup_timer``, the app's worker thread), one tap written so the quit backup is due,
then ``window.close()`` timed until the window is gone (what the cashier waits for), then
``finish_backups`` (what the process does with no window left: the copy, its
``integrity_check``, the rotation). Floor, same run: a bare QMainWindow's close. Also,
unless ``--no-before``: the backup made on the counter's thread as closing did before
(the window stayed until it was done).

    python -m bench.quit [--db /tmp/comeback-scaling-1000000.db] [--rounds 5] [--no-before]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DEFAULT_DB = Path("/tmp/comeback-scaling-1000000.db")


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-before", action="store_true",
                        help="skip the old way (a whole backup on the counter's thread)")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db}: no such database (python -m bench.scaling builds it)")

    from PySide6.QtWidgets import QApplication, QMainWindow

    from app import backups
    from app.clock import SystemClock
    from app.context import Context
    from db.connection import open_database
    from ui.app import build_main_window
    from ui.backup_timer import finish_backups, install_backups

    app = QApplication.instance() or QApplication(sys.argv[:1])
    floor = []
    for _ in range(max(5, args.rounds)):
        bare = QMainWindow()
        bare.resize(1024, 768)
        bare.show()
        app.processEvents()
        start = time.perf_counter()
        bare.close()
        app.processEvents()
        floor.append(_ms(start))
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        path = Path(tmp) / "store.db"
        shutil.copyfile(args.db, path)  # the original is never opened
        ctx = Context(open_database(path), SystemClock())
        size_mb = path.stat().st_size / 1e6
        before = None
        if not args.no_before:
            start = time.perf_counter()
            backups.make_backup(ctx)  # what closing ran on the counter's thread before
            before = _ms(start)
        gone, after = [], []
        for round_ in range(args.rounds):
            window = build_main_window(ctx, reminders=False)
            timer = install_backups(window, ctx)
            window.resize(1024, 768)
            window.show()
            app.processEvents()
            with ctx.db.atomic():  # a tap's worth of writing: the quit backup is due
                ctx.db.execute("UPDATE stores SET created_at = created_at")
            start = time.perf_counter()
            window.close()
            app.processEvents()
            assert not window.isVisible()
            gone.append(_ms(start))
            if round_ == args.rounds - 1:
                start = time.perf_counter()
                finish_backups([window])
                after.append(_ms(start))
                assert timer.last_made is not None, "no backup was made at quit"
            else:
                timer.stop()
        ctx.db.close()
    floor_ms, gone_ms = statistics.median(floor), statistics.median(gone)
    print(f"closing the app on a copy of {args.db.name} ({size_mb:.0f} MB), offscreen, "
          f"{args.rounds} rounds, medians")
    print(f"floor: a bare window's close            {floor_ms:8.2f} ms")
    print(f"close -> window gone                    {gone_ms:8.2f} ms   "
          f"{gone_ms / floor_ms:5.1f}x the floor")
    if before is not None:
        print(f"before: close -> window gone (backup)  {before:8.1f} ms   "
              f"{before / floor_ms:5.0f}x the floor")
    print(f"after the window: the quit backup       {after[0]:8.1f} ms   (no window; "
          f"the previous backup stays good until it is renamed into place)")


if __name__ == "__main__":
    main()
