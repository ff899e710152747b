"""The server really goes away: a cluster of this module's own is stopped and started again
while terminal processes keep logging, and ``comeback log`` / ``comeback sync`` run against
it (real PostgreSQL, real processes; no sleeps: the terminals are driven line by line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import staff
from app.context import Context
from app.models import Role
from app.setup import init_store
from db.connection import open_database
from tests.conftest import MANAGER_PIN, OWNER_PIN

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def cluster():
    from tests.pg_cluster import Cluster

    try:
        server = Cluster().start()
    except RuntimeError as error:
        pytest.skip(str(error))
    if server.external:
        pytest.skip("stops and starts the server: needs a cluster of its own")
    yield server
    server.remove()


@pytest.fixture
def server(cluster):
    """The cluster, started again after a test that stopped it."""
    yield cluster
    if not _running(cluster):
        cluster.restart_server()


def _running(cluster) -> bool:
    return (cluster.folder / "data" / "postmaster.pid").exists()


@pytest.fixture
def store(server) -> str:
    url = server.new_database()
    ctx = Context(open_database(url))
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    ctx.db.close()
    return url


def _rows(url: str) -> list[dict]:
    database = open_database(url)
    try:
        return list(database.query("SELECT uid, occurred_at, note FROM incidents"))
    finally:
        database.close()


# -- two terminals, twenty restarts ------------------------------------------------------------

class Terminal:
    def __init__(self, url: str, data_dir: Path, name: str, base: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.offline_terminal", url, str(data_dir), name, base],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.answer() == {"ready": True}

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"{self.name} died: {self.process.stderr.read()}")
        return json.loads(line)

    def ask(self, line: str) -> dict:
        self.send(line)
        return self.answer()


def outage_run(server, url: str, data_dir: Path, restarts: int, per_step: int) -> dict:
    """Two terminals log while the server is stopped and started ``restarts`` times: some
    taps are cut off mid-write by the stop, some are made while it is away, some right
    after it is back. Returns what the terminals logged and what the server holds."""
    terminals = [Terminal(url, data_dir / "a", "A", "2026-11-16T11:00:00+00:00"),
                 Terminal(url, data_dir / "b", "B", "2026-11-17T11:00:00+00:00")]
    try:
        for _ in range(restarts):
            for t in terminals:  # logging while the server goes down under them
                t.send(f"log {per_step}")
            server.stop("immediate")
            for t in terminals:
                t.answer()
            for t in terminals:  # logging while it is away
                t.ask(f"log {per_step}")
            server.restart_server()
            for t in terminals:  # and when it is back (they find it on their backoff)
                t.send(f"log {per_step}")
            for t in terminals:
                t.answer()
        finals = [t.ask("sync") for t in terminals]
        reports = [t.ask("report") for t in terminals]
    finally:
        for t in terminals:
            if t.process.poll() is None:
                t.process.kill()
            t.process.wait()
            for stream in (t.process.stdin, t.process.stdout, t.process.stderr):
                stream.close()
    return {"finals": finals, "reports": reports, "rows": _rows(url)}


def check_nothing_lost(result: dict, expected_each: int) -> None:
    rows = result["rows"]
    by_uid = {row["uid"]: row for row in rows}
    assert len(by_uid) == len(rows), "an incident is in the server twice"
    logged = [one for report in result["reports"] for one in report["logged"]]
    assert [len(r["logged"]) for r in result["reports"]] == [expected_each, expected_each]
    assert not [one for one in logged if one["uid"] not in by_uid], "incidents lost"
    assert len(rows) == len(logged), "incidents the terminals never logged"
    wrong_time = [one for one in logged if by_uid[one["uid"]]["occurred_at"] != one["at"]]
    assert not wrong_time, f"not with their original time: {wrong_time[:3]}"
    assert all(r["waiting"] == 0 for r in result["reports"])
    assert sum(r["kept"] for r in result["reports"]) > 0  # the outbox was used


def test_three_restarts_while_two_terminals_log_lose_and_duplicate_nothing(server, store,
                                                                           tmp_path):
    result = outage_run(server, store, tmp_path, restarts=3, per_step=4)
    check_nothing_lost(result, expected_each=3 * 3 * 4)


def test_twenty_restarts_while_two_terminals_log_lose_and_duplicate_nothing(
        server, store, tmp_path, capsys):
    result = outage_run(server, store, tmp_path, restarts=20, per_step=4)
    check_nothing_lost(result, expected_each=20 * 3 * 4)
    with capsys.disabled():
        print("\n20 restarts: " + ", ".join(
            f"kept {r['kept']} saved {r['saved']} sent {r['sent']} "
            f"reconnects {r['reconnects']}" for r in result["reports"]))


# -- the command line ----------------------------------------------------------------------------

def _cli(url: str, data_home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.entry", "--db", url, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "XDG_DATA_HOME": str(data_home)})


def test_log_while_the_server_is_away_is_kept_and_sync_sends_it_with_its_time(
        server, store, tmp_path):
    first = _cli(store, tmp_path, "log", "--category", "cold_food", "--remedy", "remake")
    assert first.returncode == 0, first.stderr  # online: the terminal's copy is made
    server.stop()
    away = _cli(store, tmp_path, "log", "--category", "long_wait", "--remedy", "free_drink",
                "--table", "7")
    assert away.returncode == 0, away.stderr
    assert "The server cannot be reached: saved on this terminal (1 waiting to send)" \
        in away.stdout
    # The manager's list answers from the terminal's copy, and says what it holds.
    listed = _cli(store, tmp_path, "followups")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("Offline: the server ")
    assert "postgresql://" not in listed.stdout  # the database and host, as when it went
    assert "Open follow-ups: 1\n" in listed.stdout and "Long wait · Free drink" in listed.stdout
    still = _cli(store, tmp_path, "sync")
    assert still.returncode == 2
    assert "cannot be reached; 1 incident waits on this terminal" in still.stderr
    assert "Traceback" not in still.stderr
    server.restart_server()
    assert len(_rows(store)) == 1
    sent = _cli(store, tmp_path, "sync")
    assert sent.returncode == 0, sent.stderr
    assert "Sent 1 incident kept on this terminal:" in sent.stdout
    assert "#2: Long wait — Free drink, tapped at" in sent.stdout
    rows = _rows(store)
    assert len(rows) == 2
    again = _cli(store, tmp_path, "sync")
    assert again.returncode == 0 and "Nothing waiting to send." in again.stdout
    assert len(_rows(store)) == 2


def test_log_with_a_pin_while_away_is_checked_against_the_copy(server, store, tmp_path):
    assert _cli(store, tmp_path, "log", "--category", "cold_food", "--remedy",
                "remake").returncode == 0
    server.stop()
    no_pin = _cli(store, tmp_path, "log", "--category", "cold_food", "--remedy", "refund")
    assert no_pin.returncode == 2 and "needs a manager's or owner's PIN" in no_pin.stderr
    wrong = _cli(store, tmp_path, "log", "--category", "cold_food", "--remedy", "refund",
                 "--pin", "0000")
    assert wrong.returncode == 2 and "That PIN is not a manager's or owner's PIN" in wrong.stderr
    right = _cli(store, tmp_path, "log", "--category", "cold_food", "--remedy", "refund",
                 "--pin", MANAGER_PIN)
    assert right.returncode == 0 and "1 waiting to send" in right.stdout
    server.restart_server()
    # The next command that reaches the server sends what waits first, in order.
    after = _cli(store, tmp_path, "log", "--category", "long_wait", "--remedy", "apology")
    assert after.returncode == 0, after.stderr
    assert "Sent 1 incident kept on this terminal:" in after.stdout
    database = open_database(store)
    try:
        refunds = list(database.query(
            "SELECT r.approved_by, s.name FROM incident_remedies r "
            "JOIN staff s ON s.id = r.approved_by WHERE r.kind = 'refund'"))
        order = [r["category_label"] for r in database.query(
            "SELECT category_label FROM incidents ORDER BY id")]
    finally:
        database.close()
    assert [r["name"] for r in refunds] == ["Marco"]
    assert order == ["Cold food", "Cold food", "Long wait"]


def test_a_terminal_that_never_reached_the_server_says_what_is_wrong(server, store,
                                                                     tmp_path):
    server.stop()
    result = _cli(store, tmp_path, "log", "--category", "cold_food", "--remedy", "remake")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()
