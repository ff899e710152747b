"""Switching a checked import into the store while the counter keeps saving taps.

The rows are copied into the real tables in slices (:mod:`db.import_staging`), each slice a
write transaction of about :data:`SLICE_S`, followed by a pause of :data:`PAUSE_S` in which
anyone else may write. A tap announces itself (:mod:`db.writers`): the import waits before
its next slice while one does, and a slice under way gives way to it (rolled back within
about a millisecond, copied again after the tap), so a tap waits far less than its short
lock wait (:data:`app.pending.TAP_BUSY_MS`). Until the one short switch at the end nothing
of the import can be seen; a failure deletes what was copied (again in slices), and an
import that was killed is deleted by the next import, once its process is gone.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta

from app.clock import from_iso
from app.context import Context
from db import csv_import as csv_db
from db import import_rollup
from db import import_staging as staging_db
from db.connection import database_file
from db.writers import Turnstile, writers_path

#: A slice of the copy holds the write lock about this long (seconds; a tap does not wait
#: for it to end: the slice gives way within about a millisecond, see copy_batch)…
SLICE_S = 0.02
#: …and then the import waits this long, so a writer that did not announce itself (the
#: command line, a screen's write) gets the lock too…
PAUSE_S = 0.002
#: …and before the next slice as long as a tap announces itself (db.writers), up to this.
YIELD_MAX_S = 0.5
FIRST_SLICE, MIN_SLICE, MAX_SLICE = 200, 20, 20_000
#: A staging import whose process has not copied a slice for this long is taken for dead
#: also when its process cannot be checked (another computer).
STALE_AFTER = timedelta(minutes=10)

Hook = Callable[[str, int, int], None]


def owner_tag() -> str:
    """This process, as an import's ``owner``: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def is_running(ctx: Context, row: dict) -> bool:
    """Whether the import of ``row`` (an ``import_staging`` row) may still be copying:
    its process lives (on this computer) and it copied a slice within STALE_AFTER."""
    host, _sep, pid = str(row["owner"]).rpartition(":")
    if ctx.clock.now() - from_iso(row["beat_at"]) > STALE_AFTER:
        return False
    if host == socket.gethostname() and pid.isdigit():
        return _process_alive(int(pid))
    return True


def running_import(ctx: Context) -> dict | None:
    """The ``import_staging`` row of an import that is still copying, if any."""
    return next((row for row in staging_db.staging_rows(ctx.db) if is_running(ctx, row)),
                None)


def clean_killed(ctx: Context, *, pause: Callable[[float], None] = time.sleep) -> int:
    """Delete the rows of every import whose process is gone; returns how many imports.
    Each slice is its own short transaction: the counter keeps saving meanwhile."""
    cleaned = 0
    for row in staging_db.staging_rows(ctx.db):
        if not is_running(ctx, row):
            discard(ctx, row, pause=pause)
            cleaned += 1
    return cleaned


def _turnstile(ctx: Context) -> Turnstile:
    return Turnstile(writers_path(database_file(ctx.db)))


def _let_taps_in(turnstile: Turnstile, pause: Callable[[float], None]) -> None:
    waited = 0.0
    while waited < YIELD_MAX_S and turnstile.anyone_waiting():
        pause(0.0005)
        waited += 0.0005


def discard(ctx: Context, row: dict, *, pause: Callable[[float], None] = time.sleep) -> None:
    chunk = FIRST_SLICE * 5
    turnstile = _turnstile(ctx)
    try:
        while True:
            _let_taps_in(turnstile, pause)
            began = time.perf_counter()
            if not staging_db.discard_step(ctx.db, row, chunk):
                return
            chunk = _next_size(chunk, time.perf_counter() - began)
            pause(PAUSE_S)
    finally:
        turnstile.close()


def _next_size(size: int, took: float) -> int:
    """The slice size that should hold the lock about SLICE_S, from how long ``size`` took."""
    wanted = size * SLICE_S / max(took, 1e-4)
    return int(min(MAX_SLICE, max(MIN_SLICE, min(wanted, size * 2))))


def switch_in(ctx: Context, owner_id: int, staff: dict[str, tuple[str, int | None]],
              inside: Callable[[dict[str, int], dict], None], *,
              between: Hook | None = None,
              pause: Callable[[float], None] = time.sleep) -> dict[str, int]:
    """Copy the rows staged on ``ctx``'s connection into the store and switch them in.

    ``staff`` as for :func:`db.import_staging.reserve`; ``inside(added, coverage)`` runs in
    the switch transaction (the audit entry). ``between(table, done, total)`` runs after
    each slice is committed, outside any transaction (tests and benchmarks). Raises
    :class:`db.import_staging.AnotherImport`, :class:`db.csv_import.CodeTaken`,
    :class:`db.import_staging.Lost` or :class:`db.import_staging.IdsTaken`; nothing of the
    import is visible then.

    On PostgreSQL (``db.backend``) none of the slicing is needed: one transaction is
    invisible to every other terminal until its COMMIT and takes only row locks nobody
    else wants (:mod:`db.pg_import`).
    """
    db = ctx.db
    if getattr(db, "backend", "sqlite") == "postgresql":
        from db import pg_import

        return pg_import.switch_in(db, ctx.store_id, staff, owner_id, ctx.now_iso(), inside,
                                   between)
    counts = csv_db.counts(db)
    staging_db.copy_mode(db, True)
    try:
        plan = staging_db.reserve(db, ctx.store_id, counts, staff, owner_tag(), owner_id,
                                  ctx.now_iso())
        try:
            coverage = csv_db.coverage(db, ctx.store_id, plan["base"], counts)
            import_rollup.prepare(db, ctx.store_id, owner_id)
            _copy(ctx, plan, between, pause)
            staging_db.copy_mode(db, False)
            return staging_db.switch(db, plan, ctx.now_iso(),
                                     lambda added: inside(added, coverage))
        except BaseException:
            staging_db.copy_mode(db, False)
            _discard_own(ctx, plan["id"], pause)
            raise
    finally:
        staging_db.copy_mode(db, False)


def _copy(ctx: Context, plan: dict, between: Hook | None,
          pause: Callable[[float], None]) -> None:
    size = FIRST_SLICE
    turnstile = _turnstile(ctx)
    try:
        for table in ("incidents", "remedies", "vouchers", "followups"):
            size = _copy_table(ctx, plan, table, size, turnstile, between, pause)
    finally:
        turnstile.close()


def _copy_table(ctx: Context, plan: dict, table: str, size: int, turnstile: Turnstile,
                between: Hook | None, pause: Callable[[float], None]) -> int:
    total = plan["counts"][table]
    a = 1  # rows 1 … total - 1: the top row went in with the reservation
    while a < total:
        b = min(total - 1, a + size - 1)
        _let_taps_in(turnstile, pause)
        began = time.perf_counter()
        try:
            copied = staging_db.copy_batch(ctx.db, plan, table, a, b, ctx.now_iso(),
                                           turnstile.anyone_waiting)
        except Exception as error:
            if table == "vouchers" and "vouchers.code" in str(error):
                taken = csv_db.taken_code_between(ctx.db, a, b, plan["base"]["vouchers"] + 1)
                if taken:
                    raise csv_db.CodeTaken(*taken) from None
            raise
        if not copied:  # a tap came: it goes first, then this slice again, smaller
            size = max(MIN_SLICE, (b - a + 1) // 2)
            continue
        size = _next_size(b - a + 1, time.perf_counter() - began)
        a = b + 1
        if between is not None:
            between(table, a, total)
        pause(PAUSE_S)
    return size


def _discard_own(ctx: Context, staging_id: int, pause: Callable[[float], None]) -> None:
    """Best effort after a failure: what cannot be deleted now (the file went away, the disk
    is full) stays invisible and goes with the next import."""
    try:
        row = next((r for r in staging_db.staging_rows(ctx.db) if r["id"] == staging_id),
                   None)
        if row is not None:
            discard(ctx, row, pause=pause)
    except Exception:  # noqa: BLE001 - the original failure is what the caller reports
        pass
