"""Durability: kill -9 in the middle of logging loses nothing and leaves nothing half-written;
two counters and a report at once lose nothing.

Kill trials (``--trials``, default 100): each trial starts a counter process (real
subprocess, ``--child``) that logs incidents the way the counter does - through
``app.pending.TapSaver``: a 20 ms wait for the write lock, the outbox next to the database
when the database cannot take the tap - and prints ``saved UID`` or ``kept UID`` after
each tap returns (what the cashier would have seen: "Logged" or "Not saved yet"). Every
third trial another connection holds the write lock (a long import) while the child taps,
so taps go to the outbox, and lets go later. The parent reads the child's lines and sends
SIGKILL after a random number of them: the child is then in the middle of its next tap.
The next trial's child first retries the outbox, as the app does at start; a last child
drains it. Then every uid a child reported is in the database exactly once, every
incident has its remedies, one follow-up, its audit entry and a voucher per voucher remedy,
and ``PRAGMA integrity_check`` says ok.

Writers (``--per-writer``): two counter processes log at the same time while a third
process runs ``comeback report`` and ``comeback export`` in a loop; the same checks, and
every report and export exits 0.

No sleeping: the parent acts on the children's lines.

    python -m bench.durability [--trials 100] [--per-writer 150] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# -- the counter process ------------------------------------------------------------------

def child(db_path: Path, seed: int, count: int) -> int:
    """Log ``count`` incidents (0: until killed), retrying the outbox first and every few
    taps; one line per tap, flushed, once it returned."""
    sys.path.insert(0, str(ROOT))
    from app import catalog, pending
    from app.context import open_context
    from app.models import RemedyRequest

    rng = random.Random(seed)
    ctx = open_context(db_path)
    saver = pending.TapSaver.for_database(ctx)
    categories = [c.id for c in catalog.categories(ctx)]
    remedies = [r.id for r in catalog.remedies(ctx) if not r.needs_approval(r.value_minor)]

    def flush() -> None:
        for saved in saver.flush().saved:
            print("saved", saved.tap.uid, flush=True)

    flush()
    n = 0
    while count == 0 or n < count:
        n += 1
        picked = rng.sample(remedies, rng.choice((1, 1, 2)))
        tap = pending.incident_tap(ctx, category_id=rng.choice(categories), staff_id=None,
                                   remedies=[RemedyRequest(r) for r in picked],
                                   table_ref=str(rng.randint(1, 30)))
        result = saver.submit(tap)
        print("kept" if isinstance(result, pending.Kept) else "saved", tap.uid, flush=True)
        if n % 5 == 0 and saver.count():
            flush()
    while saver.count():  # the end of a writer's run: nothing may stay behind
        flush()
    print("done", flush=True)
    return 0


def _start_child(db_path: Path, seed: int, count: int = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.durability", "--child", str(db_path), "--seed",
         str(seed), "--count", str(count)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _read(proc: subprocess.Popen, reported: set[str], kept: set[str] | None = None
          ) -> str | None:
    """The next word the child printed; a reported uid goes into ``reported`` (and a
    "not saved yet" one into ``kept``)."""
    line = proc.stdout.readline()
    if not line:
        return None
    word, _sep, uid = line.strip().partition(" ")
    if word in ("saved", "kept"):
        reported.add(uid)
    if word == "kept" and kept is not None:
        kept.add(uid)
    return word


# -- the store and the checks -------------------------------------------------------------

def make_store(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from app.context import open_context
    from app.setup import init_store

    ctx = open_context(db_path)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin="4821")
    ctx.db.close()


def check(db_path: Path, reported: set[str]) -> dict:
    """What was lost, duplicated or half-written in the database at ``db_path``."""
    conn = sqlite3.connect(db_path)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    uids = [row[0] for row in conn.execute("SELECT uid FROM incidents")]
    found = set(uids)
    result = {
        "incidents": len(uids),
        "reported": len(reported),
        "lost": len(reported - found),
        "duplicated": len(uids) - len(found),
        "without_remedy": one("SELECT count(*) FROM incidents i WHERE NOT EXISTS "
                              "(SELECT 1 FROM incident_remedies r WHERE r.incident_id = i.id)"),
        "followups_not_one": one("SELECT count(*) FROM incidents i WHERE (SELECT count(*) "
                                 "FROM followups f WHERE f.incident_id = i.id) != 1"),
        "without_audit": one("SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 "
                             "FROM audit_log a WHERE a.action = 'incident.logged' "
                             "AND a.entity_id = i.id)"),
        "voucher_missing": one("SELECT count(*) FROM incident_remedies r WHERE r.kind = "
                               "'voucher' AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE "
                               "v.incident_remedy_id = r.id)"),
        "integrity": one("PRAGMA integrity_check"),
    }
    conn.close()
    return result


def healthy(result: dict) -> bool:
    return result["integrity"] == "ok" and not any(
        result[k] for k in ("lost", "duplicated", "without_remedy", "followups_not_one",
                            "without_audit", "voucher_missing"))


# -- kill -9 trials -----------------------------------------------------------------------

def kill_trials(db_path: Path, trials: int, seed: int = 1) -> dict:
    """``trials`` counter processes, each killed with SIGKILL in the middle of a tap."""
    rng = random.Random(seed)
    reported: set[str] = set()
    kept: set[str] = set()
    killed_mid_tap = 0
    for trial in range(trials):
        lock = None
        proc = _start_child(db_path, seed * 100_000 + trial)
        stop_after = rng.randint(1, 12)
        lock_at = rng.randint(0, stop_after - 1) if trial % 3 == 2 else None
        seen = 0
        while seen < stop_after:
            if lock_at is not None and seen == lock_at:
                lock = sqlite3.connect(db_path, isolation_level=None)
                lock.execute("BEGIN IMMEDIATE")  # an importer takes the write lock
            word = _read(proc, reported, kept)
            if word is None:
                raise RuntimeError(f"trial {trial}: the child died: {proc.stderr.read()}")
            seen += word in ("saved", "kept")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_mid_tap += proc.returncode == -signal.SIGKILL
        while _read(proc, reported, kept) is not None:  # what it said before it died
            pass
        proc.stdout.close()
        proc.stderr.close()
        if lock is not None:
            lock.execute("ROLLBACK")
            lock.close()
    drain = _start_child(db_path, seed, count=1)  # the app's next start retries the outbox
    while _read(drain, reported) not in ("done", None):
        pass
    drain.wait()
    drain.stdout.close()
    drain.stderr.close()
    result = check(db_path, reported)
    # At most one tap per kill (and one by the last child) was written and not yet said.
    result.update(trials=trials, killed=killed_mid_tap, kept=len(kept),
                  unannounced=result["incidents"] - (result["reported"] - result["lost"]))
    return result


# -- two writers and a report ---------------------------------------------------------------

def reporter(db_path: Path, stop: Path) -> int:
    """Run ``comeback report`` and ``comeback export`` (in this process) until ``stop``
    exists; one ``rc N`` line per run."""
    sys.path.insert(0, str(ROOT))
    from app.cli import main as cli

    out = db_path.parent
    while not stop.exists():
        for command in (["report", "--week", "2026-W48", "--out", str(out / "w.pdf")],
                        ["export", "--out", str(out / "all.csv")]):
            print("rc", cli([*command, "--db", str(db_path)]), flush=True)
    return 0


def writers_and_report(db_path: Path, per_writer: int, seed: int = 1) -> dict:
    """Two counter processes log ``per_writer`` incidents each while a third process writes
    the weekly report and the export over and over."""
    reported: set[str] = set()
    kept: set[str] = set()
    stop = db_path.parent / "stop-reporting"
    stop.unlink(missing_ok=True)
    report = subprocess.Popen(
        [sys.executable, "-m", "bench.durability", "--reporter", str(db_path), "--stop",
         str(stop)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writers = [_start_child(db_path, seed * 7 + n, count=per_writer) for n in (1, 2)]
    for proc in writers:
        while _read(proc, reported, kept) not in ("done", None):
            pass
    stop.touch()
    codes = [int(line.split()[1]) for line in report.stdout if line.startswith("rc ")]
    for proc in [*writers, report]:
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    result = check(db_path, reported)
    result.update(writers=2, per_writer=per_writer, report_runs=len(codes), kept=len(kept),
                  report_failures=sum(rc != 0 for rc in codes) + (report.returncode != 0),
                  writer_failures=sum(proc.returncode != 0 for proc in writers))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--per-writer", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reporter", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reporter:
        return reporter(args.reporter, args.stop)
    if args.child:
        return child(args.child, args.seed, args.count)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "store.db"
        make_store(db_path)
        start = time.perf_counter()
        kills = kill_trials(db_path, args.trials, args.seed)
        print(f"kill -9 trials: {kills['trials']} ({kills['killed']} killed by SIGKILL), "
              f"taps reported {kills['reported']} (of which 'not saved yet' {kills['kept']}), "
              f"incidents {kills['incidents']}, lost {kills['lost']}, "
              f"duplicated {kills['duplicated']}, half-written "
              f"{kills['without_remedy'] + kills['followups_not_one'] + kills['without_audit']}"
              f", vouchers missing {kills['voucher_missing']}, integrity {kills['integrity']}, "
              f"written in the tap the kill cut short {kills['unannounced']}"
              f"  [{time.perf_counter() - start:.0f} s]")
        db2 = Path(tmp) / "writers.db"
        make_store(db2)
        start = time.perf_counter()
        both = writers_and_report(db2, args.per_writer, args.seed)
        print(f"two writers + report: taps reported {both['reported']} (of which 'not saved "
              f"yet' {both['kept']}), incidents "
              f"{both['incidents']}, lost {both['lost']}, duplicated {both['duplicated']}, "
              f"half-written {both['without_remedy'] + both['followups_not_one']}, "
              f"report/export runs {both['report_runs']} (failed {both['report_failures']}), "
              f"integrity {both['integrity']}  [{time.perf_counter() - start:.0f} s]")
        ok = healthy(kills) and healthy(both) and not both["report_failures"] \
            and not both["writer_failures"]
    ok = ok and kills["unannounced"] <= kills["trials"] + 1
    print("OK: nothing lost, nothing half-written" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
