"""Helpers the benchmark modules share (not a benchmark itself).

Percentiles, the raw-sqlite3 INSERT floor, the cached-database check and the demo store.
The app is imported inside the functions, so a benchmark can set QT_QPA_PLATFORM first and
``python -m bench --list`` stays light.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from datetime import datetime
from pathlib import Path


def percentile(samples: list[float], q: float) -> float:
    """The sample at rank ``round(q * (n - 1))`` of the sorted samples (0 ≤ q ≤ 1)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def p50_p99(samples: list[float]) -> tuple[float, float]:
    """(median, 99th percentile) of ``samples``."""
    return statistics.median(samples), percentile(samples, 0.99)


def latency_line(name: str, samples: list[float], width: int = 44) -> str:
    """One printed line: p50, p99 and max of ``samples`` (ms)."""
    return (f"{name:<{width}} p50 {statistics.median(samples):6.2f} ms   "
            f"p99 {percentile(samples, 0.99):6.2f} ms   max {max(samples):6.2f} ms")


def manager_checks_back(ctx, by: int, announce=None, after_s: float = 600) -> None:
    """The manager records "satisfied" for every follow-up more than ``after_s`` overdue, so
    open follow-ups do not pile up over a long run; ``announce`` gets each Changes."""
    from app import followups
    from app.models import Outcome

    now = ctx.clock.now()
    for item in followups.open_followups(ctx):
        if (now - item.due_at).total_seconds() > after_s:
            changes = followups.record_outcome(ctx, item.id, Outcome.SATISFIED, by)
            if announce is not None:
                announce(changes)


def raw_insert_floor(path: Path, n: int) -> list[float]:
    """ms per single-row INSERT + COMMIT, ``n`` times, with plain sqlite3 on a new file at
    ``path`` in WAL mode with synchronous=FULL (the pragmas the app uses)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT, label TEXT, amount INTEGER)")
    samples = []
    for i in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t (at, label, amount) VALUES (?, ?, ?)",
                     ("2026-11-16T11:00:00+00:00", "Cold food", i))
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    conn.close()
    return samples


def cache_ready(path: Path, mark: int) -> bool:
    """Whether the cached database at ``path`` was built to the end (its user_version is
    ``mark``, set as the last step of the build)."""
    if not path.exists():
        return False
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0] == mark
    finally:
        conn.close()


def fresh_database(path: Path):
    """A new migrated database at ``path`` (any old one, with its -wal/-shm, removed first)."""
    from db.connection import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return open_database(path)


def demo_store(path: Path, at: datetime):
    """The demo store (8 weeks, seed 7, ending ``at``) in a file database at ``path``.

    Returns ``(ctx, clock, result)``: the open context, its FixedClock at ``at`` and what
    :func:`app.demo.generate` returned. The caller closes ``ctx.db``.
    """
    from app import demo
    from app.clock import FixedClock
    from app.context import open_context

    clock = FixedClock(at)
    ctx = open_context(path, clock)
    result = demo.generate(ctx, weeks=8, seed=7, end=clock.now())
    return ctx, clock, result


def report_against_floor(app: list[str], out: Path, tmp: Path, charts: int, runs: int,
                         timed) -> tuple[list[float], list[float], int]:
    """Time a command that writes the PDF ``out`` against ``bench/report_floor.py``
    building the same pages with bare reportlab (same text, ``charts`` charts), ``runs``
    times each after one warm-up run (which writes the .pyc files, as a first run does).
    ``timed(command)`` runs a command and returns its milliseconds. Returns (floor, ours,
    pages)."""
    import json
    import subprocess
    import sys

    timed(app)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    spec = {"charts": charts, "pages": [[line for line in page.splitlines() if line.strip()]
                                        for page in text.split("\f")[:pages]]}
    spec_path = tmp / "pages.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    floor_cmd = [sys.executable, str(Path(__file__).parent / "report_floor.py"),
                 str(spec_path), str(tmp / "floor.pdf")]
    timed(floor_cmd)
    floor, ours = [], []
    for _i in range(runs):
        floor.append(timed(floor_cmd))
        ours.append(timed(app))
    return floor, ours, pages
