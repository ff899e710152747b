"""What every ``scripts/screenshots_*.py`` starts with (imported first, before the app).

Importing it sets QT_QPA_PLATFORM=offscreen unless the environment says otherwise and puts
the repository root on ``sys.path``; then ``start()`` reads ``--out`` (default docs/) and gives
the QApplication, ``demo_store()`` a demo store on a FixedClock, ``grab()`` saves a widget.
Run the scripts by path (``python scripts/screenshots_counter.py``), as their docstrings say.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

#: Monday 16 November 2026, 11:00 UTC = 12:00 in Oslo: lunch.
NOW = datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc)
SIZE = (1024, 768)


def start(doc: str) -> tuple[QApplication, Path]:
    """Parse ``--out`` (the parser described by the first line of ``doc``), create that
    folder, and return the QApplication and the folder (made absolute)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    return QApplication.instance() or QApplication(sys.argv[:1]), out


def settle(app: QApplication, rounds: int = 3) -> None:
    """Let pending layout and paint events run (``rounds`` passes)."""
    for _i in range(rounds):
        app.processEvents()


def grab(widget: QWidget, app: QApplication, path: Path, rounds: int = 3) -> None:
    """Settle, save ``widget`` as the PNG ``path`` and say so (relative to the repository)."""
    settle(app, rounds)
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def demo_store(path: Path, *, weeks: int, seed: int = 7, now: datetime = NOW,
               end: datetime | None = None):
    """A demo store (``app.demo.generate``) in a new file database at ``path``, its history
    ending at ``end`` (default ``now``). Returns ``(ctx, clock)``, the clock fixed at ``now``."""
    from app import demo
    from app.clock import FixedClock
    from app.context import open_context

    clock = FixedClock(now)
    ctx = open_context(path, clock)
    demo.generate(ctx, weeks=weeks, seed=seed, end=now if end is None else end)
    return ctx, clock


@contextmanager
def server_store() -> Iterator[tuple[str, object]]:
    """A throwaway PostgreSQL cluster (tests/pg_cluster.py) with one empty migrated-on-open
    database, and a data folder of its own for the terminal's copy and outbox (not yours):
    the URL and a clock at :data:`NOW`. The cluster is removed afterwards."""
    import tempfile

    from app.clock import FixedClock
    from tests.pg_cluster import Cluster

    cluster = Cluster().start()
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp()
    try:
        yield cluster.new_database(), FixedClock(NOW)
    finally:
        cluster.remove()


def refuse(url: str):
    """A connect to a server that is away (``Failover._connect`` for an offline scene)."""
    from db.health import DatabaseServerError, ServerProblem

    raise DatabaseServerError(ServerProblem.UNREACHABLE, "screenshot", "no route to host")
