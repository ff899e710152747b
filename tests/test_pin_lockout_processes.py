"""Several processes send 30 wrong PINs at the same moment, then the right one: at most 5
are checked, the right one is refused while locked, and the lock holds after a restart.

Real subprocesses on one database file; a file barrier lines them up. The evidence is the
audit log: every attempt leaves one row (checked and wrong, checked and right, or refused
unchecked because of the lock).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from db.connection import open_database
from tests.conftest import OWNER_PIN, cli_init_store

ROOT = Path(__file__).resolve().parent.parent
PROCESSES, EACH = 6, 5  # 30 wrong PINs at once


def _counts(path: Path) -> dict[str, int]:
    database = open_database(path)
    try:
        return {row["action"]: row["n"] for row in database.query(
            "SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'approval.%' "
            "GROUP BY action")}
    finally:
        database.close()


def _log_with_the_right_pin(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", str(path), "log", "--category",
         "cold_food", "--remedy", "refund", "--pin", OWNER_PIN],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_thirty_wrong_pins_from_several_processes_at_once_check_at_most_five_and_lock(
        tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    go = tmp_path / "go"
    readies = [tmp_path / f"ready{i}" for i in range(PROCESSES)]
    workers = [subprocess.Popen(
        [sys.executable, "-m", "tests.pin_burst", str(path), str(ready), str(go), "1357",
         str(EACH)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for ready in readies]
    try:
        deadline = time.monotonic() + 60
        while not all(r.exists() for r in readies):  # the barrier: everyone is ready
            assert time.monotonic() < deadline, "workers did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.01)
        go.write_text("go")
        outputs = [w.communicate(timeout=120) for w in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert all(w.returncode == 0 for w in workers), [err for _out, err in outputs]
    answers = [line for out, _err in outputs for line in out.split()]
    assert len(answers) == PROCESSES * EACH and "accepted" not in answers

    counts = _counts(path)
    assert counts.get("approval.pin_failed") == 5  # checked: at most five, here exactly
    assert counts.get("approval.locked") == 1
    assert counts.get("approval.pin_refused_locked") == PROCESSES * EACH - 5
    assert answers.count("rejected") == 4  # the fifth wrong one locks

    done = _log_with_the_right_pin(path)  # the right PIN while locked: refused
    assert done.returncode == 2 and "locked" in done.stderr and "Traceback" not in done.stderr
    again = _log_with_the_right_pin(path)  # a new process (a restart): still locked
    assert again.returncode == 2 and "locked" in again.stderr

    counts = _counts(path)
    assert "approval.pin_ok" not in counts
    assert counts["approval.pin_failed"] == 5
    assert counts["approval.pin_refused_locked"] == PROCESSES * EACH - 5 + 2
    database = open_database(path)
    assert database["incidents"].count == 0
    database.close()
