"""``comeback watch`` as a script would run it: a process printing one JSON line per change,
in order, none twice, also across a lost connection and a server restart; Ctrl-C exits 0,
a bad database exits 2 with a message."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.clock import FixedClock
from tests.conftest import START
from tests.live_helpers import log, make_store, terminal

ROOT = Path(__file__).resolve().parent.parent
LINE_S = 15  # the longest a line may take to come (a loaded machine; usually milliseconds)


class Watch:
    """``comeback watch`` in a process; its lines (stdout) and notes (stderr) as they come."""

    def __init__(self, db: str, *args: str, sigint_ignored: bool = False) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        command = [sys.executable, "-m", "ui.entry", "--db", db, "watch", *args]
        if sigint_ignored:  # as a script's background job starts it
            command = [sys.executable, "-c", "import os, signal, sys; "
                       "signal.signal(signal.SIGINT, signal.SIG_IGN); "
                       "os.execv(sys.argv[1], sys.argv[1:])", *command]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env)
        self.lines: queue.Queue = queue.Queue()
        self.notes: queue.Queue = queue.Queue()
        self.readers = [threading.Thread(target=self._read, args=(stream, into), daemon=True)
                        for stream, into in ((self.process.stdout, self.lines),
                                             (self.process.stderr, self.notes))]
        for reader in self.readers:
            reader.start()
        self.started = self.note()  # "comeback watch: store 1, changes after 7; …"

    @staticmethod
    def _read(stream, into: queue.Queue) -> None:
        for line in stream:
            into.put(line.rstrip("\n"))

    def take(self, n: int) -> list[dict]:
        return [json.loads(self.lines.get(timeout=LINE_S)) for _i in range(n)]

    def note(self) -> str:
        return self.notes.get(timeout=LINE_S)

    def nothing_more(self) -> bool:
        try:
            extra = self.lines.get(timeout=0.5)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected line: {extra}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(LINE_S)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(LINE_S)
        for reader in self.readers:
            reader.join(LINE_S)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def _terminate_watch(ctx) -> None:
    ctx.db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE application_name = 'comeback-listen' AND datname = current_database()")


def test_watch_prints_every_change_in_order_across_a_cut_and_a_server_restart(
        pg_cluster, pg_url, clock):
    ctx = make_store(pg_url, clock)
    history = [e["id"] for e in ctx.db.query("SELECT id FROM audit_log ORDER BY id")]
    watch = Watch(pg_url, "--since", "0")
    try:
        printed = watch.take(len(history))  # the history first
        assert [p["id"] for p in printed] == history
        first = log(ctx, table_ref="4")
        line = watch.take(1)[0]
        assert (line["kind"], line["entity_id"], line["staff"]) == (
            "incident.logged", first.incident.id, "Sam")
        printed.append(line)
        # Its connection is cut: what happens meanwhile is printed when it is back.
        _terminate_watch(ctx)
        assert "reconnecting" in watch.note()
        log(ctx, "long_wait", "free_drink")
        from app import followups

        followups.snooze(ctx, first.followup.id, 5, None)
        assert "back" in watch.note()
        printed += watch.take(2)
        # The whole server goes away and comes back.
        ctx.db.close()
        pg_cluster.stop()
        assert "reconnecting" in watch.note()
        pg_cluster.restart_server()
        ctx = terminal(pg_url, clock)
        log(ctx, "wrong_order", "remake")
        assert "back" in watch.note()
        printed += watch.take(1)
        assert watch.nothing_more()
        feed = [e["id"] for e in ctx.db.query("SELECT id FROM audit_log ORDER BY id")]
        assert [p["id"] for p in printed] == feed  # every change, in order, none twice
        assert [p["kind"] for p in printed[-4:]] == [
            "incident.logged", "incident.logged", "followup.snoozed", "incident.logged"]
        assert watch.interrupt() == 0
    finally:
        watch.kill()
        ctx.db.close()


def test_watch_without_since_starts_from_now(pg_url, clock):
    ctx = make_store(pg_url, clock)
    watch = Watch(pg_url)
    try:
        assert watch.nothing_more()  # the history is not printed
        logged = log(ctx)
        assert watch.take(1)[0]["entity_id"] == logged.incident.id
    finally:
        watch.kill()
        ctx.db.close()


def test_watch_on_a_sqlite_file_prints_changes_from_other_processes(tmp_path, clock):
    path = str(tmp_path / "store.db")
    ctx = make_store(path, clock)
    start = ctx.db.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    watch = Watch(path, "--since", str(start))
    try:
        logged = log(ctx)
        line = watch.take(1)[0]
        assert (line["id"], line["kind"], line["entity_id"]) == (
            start + 1, "incident.logged", logged.incident.id)
        assert watch.interrupt() == 0
    finally:
        watch.kill()
        ctx.db.close()


@pytest.mark.parametrize("args", [["--since", "-1"], ["--store", "9"]])
def test_watch_refuses_what_it_cannot_follow(tmp_path, clock, args):
    path = str(tmp_path / "store.db")
    make_store(path, clock).db.close()
    result = subprocess.run([sys.executable, "-m", "ui.entry", "--db", path, "watch", *args],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert args[0] in result.stderr


def test_watch_on_a_bad_database_exits_2_with_a_message(tmp_path):
    missing = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", str(tmp_path / "none.db"), "watch"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "There is no database" in missing.stderr
    not_db = tmp_path / "notes.db"
    not_db.write_text("shopping list\n" * 100)
    bad = subprocess.run([sys.executable, "-m", "ui.entry", "--db", str(not_db), "watch"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.strip()
    server = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db",
         f"postgresql://nobody@/nothing?host={tmp_path}&port=1", "watch"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert server.returncode == 2 and "Traceback" not in server.stderr, server.stderr


def test_ctrl_c_stops_watch_even_when_started_with_it_ignored(tmp_path, clock):
    """A script's background job starts with SIGINT ignored; "Ctrl-C stops" still holds."""
    path = str(tmp_path / "store.db")
    ctx = make_store(path, clock)
    watch = Watch(path, sigint_ignored=True)
    try:
        logged = log(ctx)
        assert watch.take(1)[0]["entity_id"] == logged.incident.id
        assert watch.interrupt() == 0
    finally:
        watch.kill()
        ctx.db.close()
