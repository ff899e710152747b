"""The change feed (the audit log read by id), who is on a follow-up, and two managers
recording at once: on SQLite (two connections to one file) and on PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from app import changes, followup_taking, followups
from app.errors import StateError
from tests.live_helpers import log, make_store, people, terminal, woken


@pytest.fixture
def target(backend, request, tmp_path) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "store.db")


@pytest.fixture
def two(target, clock):
    """Terminal A (which set the store up) and terminal B, each its own connection."""
    a = make_store(target, clock)
    b = terminal(target, clock)
    yield a, b
    a.db.close()
    b.db.close()


def test_a_terminal_reads_every_change_made_elsewhere_in_order(two):
    a, b = two
    start = changes.newest_id(b.db, b.store_id)
    first = log(a)
    second = log(a, "long_wait", "free_drink")
    followups.snooze(a, first.followup.id, 5, people(a)["Marco"])
    found = changes.since(b.db, b.store_id, start)
    assert [c.kind for c in found] == ["incident.logged", "incident.logged", "followup.snoozed"]
    assert [c.entity_id for c in found] == [first.incident.id, second.incident.id,
                                            first.followup.id]
    assert [c.id for c in found] == sorted(c.id for c in found)
    assert found[-1].staff == "Marco"
    assert changes.since(b.db, b.store_id, found[-1].id) == []


def test_the_feed_says_what_each_screen_must_redraw(two):
    a, b = two
    start = changes.newest_id(b.db, b.store_id)
    logged = log(a)
    summary = changes.summary(changes.since(b.db, b.store_id, start))
    assert summary.incidents and summary.followups and summary.remote
    assert not summary.catalog and not summary.staff
    assert summary.incident_id == logged.incident.id


def test_a_catch_up_after_a_long_absence_reads_page_by_page(two, monkeypatch):
    a, b = two
    from db import changes as changes_db

    monkeypatch.setattr(changes_db, "PAGE", 2)
    start = changes.newest_id(b.db, b.store_id)
    for _n in range(5):
        log(a)
    assert len(changes.since(b.db, b.store_id, start)) == 5


def test_watch_lines_carry_what_a_script_needs_and_no_guest_details(two):
    a, b = two
    start = changes.newest_id(b.db, b.store_id)
    log(a, table_ref="7", guest_name="Kari Nordmann", guest_contact="+47 912 34 567")
    line = json.loads(changes.as_json(changes.since(b.db, b.store_id, start)[0]))
    assert line["kind"] == "incident.logged" and line["entity"] == "incident"
    assert line["staff"] == "Sam" and line["category"] == "cold_food"
    assert {"id", "at", "entity_id", "severity", "total_minor"} <= set(line)
    assert "terminal" not in line  # counters have no names yet
    assert "Kari" not in json.dumps(line) and "912" not in json.dumps(line)


# -- who is on it ----------------------------------------------------------------------------

def test_taking_a_followup_shows_on_the_other_terminal_and_stops_its_ringing(two, clock):
    a, b = two
    logged = log(a)
    clock.advance(minutes=5)
    assert [f.id for f in followups.due_to_announce(b)] == [logged.followup.id]
    followup_taking.take(a, logged.followup.id, people(a)["Marco"])
    woken(b)  # by the feed; B's own connection may hear of the take later
    from app.followup_items import due_items

    item = due_items(b)[0]
    assert item.taken(clock.now()) and item.taker == "Marco"
    assert followup_taking.taken_by_text(item.taker) == "Marco is on it"
    assert followups.due_to_announce(b) == []
    # ...and it looks again when the take runs out, not every second meanwhile.
    assert followups.next_due_at(b) == clock.now() + followup_taking.TAKE_FOR
    assert [e.kind for e in changes.since(b.db, b.store_id, 0)][-1] == "followup.taken"


def test_a_woken_terminal_shows_a_take_its_own_connection_has_not_heard_of_yet(
        two, clock, monkeypatch):
    """B keeps the open follow-ups until its connection hears of a change (on a server: the
    NOTIFY, which comes in its own time); the feed that wakes it is read on another one."""
    from db import connection

    a, b = two
    logged = log(a)
    clock.advance(minutes=5)
    heard = connection.data_mark
    monkeypatch.setattr(connection, "data_mark", lambda database, store_id=None: (
        "not heard yet" if database is b.db else heard(database, store_id)))
    assert [f.id for f in followups.due_to_announce(b)] == [logged.followup.id]
    followup_taking.take(a, logged.followup.id, people(a)["Marco"])
    assert [f.id for f in followups.due_to_announce(b)] == [logged.followup.id]  # as kept
    woken(b)
    assert followups.due_to_announce(b) == []


def test_a_take_runs_out_after_a_few_minutes(two, clock):
    a, b = two
    logged = log(a)
    clock.advance(minutes=5)
    followup_taking.take(a, logged.followup.id, people(a)["Marco"])
    clock.advance(minutes=followup_taking.TAKE_MINUTES)
    assert [f.id for f in followups.due_to_announce(b)] == [logged.followup.id]


def test_a_taken_followup_is_not_escalated_while_someone_is_on_it(two, clock):
    from app import settings

    a, b = two
    with a.db.atomic():
        settings.write(a.db, a.store_id, {"followup_grace_minutes": 2})
    logged = log(a)
    clock.advance(minutes=5)
    followup_taking.take(a, logged.followup.id, people(a)["Marco"])
    clock.advance(minutes=3)
    assert followups.escalate_overdue(b) == []
    clock.advance(minutes=followup_taking.TAKE_MINUTES)
    assert [f.id for f in followups.escalate_overdue(b)] == [logged.followup.id]


def test_cancelling_releases_only_ones_own_take(two, clock):
    a, b = two
    logged = log(a)
    mine = followup_taking.take(a, logged.followup.id, people(a)["Marco"])
    clock.advance(seconds=20)
    followup_taking.take(b, logged.followup.id, people(b)["Anna"])  # Anna took it over
    followup_taking.release(a, mine, people(a)["Marco"])
    from app.incidents import get_followup

    assert get_followup(b, logged.followup.id).taken_by == people(b)["Anna"]
    theirs = get_followup(b, logged.followup.id)
    followup_taking.release(b, theirs, people(b)["Anna"])
    assert get_followup(a, logged.followup.id).taken_at is None
    kinds = [e.kind for e in changes.since(a.db, a.store_id, 0)]
    assert kinds.count("followup.taken") == 2 and kinds.count("followup.released") == 1


# -- two managers recording the same follow-up ------------------------------------------------

def _outcomes(ctx, followup_id):
    return [e for e in changes.since(ctx.db, ctx.store_id, 0)
            if e.kind == "followup.outcome" and e.entity_id == followup_id]


def test_the_second_manager_is_told_who_recorded_it_and_what(two, clock):
    a, b = two
    logged = log(a)
    clock.advance(minutes=4)
    followups.record_outcome(a, logged.followup.id, "delighted", people(a)["Marco"])
    with pytest.raises(StateError) as refused:
        followups.record_outcome(b, logged.followup.id, "unhappy", people(b)["Anna"], "cold")
    assert str(refused.value) == "Marco recorded it at 12:04: Delighted"
    row = b.db["followups"].get(logged.followup.id)
    assert (row["outcome"], row["done_by"], row["outcome_note"]) == (
        "delighted", people(a)["Marco"], None)
    assert len(_outcomes(b, logged.followup.id)) == 1


def test_two_managers_at_the_same_moment_one_wins_and_nothing_of_the_other_is_written(
        two, clock, monkeypatch):
    """Both passed the "still open?" check before either wrote: the guarded UPDATE decides."""
    a, b = two
    logged = log(a)
    clock.advance(minutes=4)
    stale = followups._open_followup(b, logged.followup.id)  # B read it while open
    followups.record_outcome(a, logged.followup.id, "satisfied", people(a)["Marco"])
    monkeypatch.setattr(followups, "_open_followup", lambda ctx, fid: stale)
    with pytest.raises(StateError, match="Marco recorded it at 12:04: Satisfied"):
        followups.record_outcome(b, logged.followup.id, "left", people(b)["Anna"], "gone")
    assert b.db["followups"].get(logged.followup.id)["outcome"] == "satisfied"
    assert len(_outcomes(b, logged.followup.id)) == 1


@pytest.fixture
def pg_two(pg_url, clock):
    a = make_store(pg_url, clock)
    b = terminal(pg_url, clock)
    yield a, b
    a.db.close()
    b.db.close()


def test_two_managers_racing_on_two_postgresql_connections_one_wins(pg_two, clock):
    a, b = pg_two
    logged = log(a)
    clock.advance(minutes=4)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def record(ctx, name, outcome):
        barrier.wait()
        try:
            followups.record_outcome(ctx, logged.followup.id, outcome, people(ctx)[name])
            results[name] = "won"
        except StateError as error:
            results[name] = str(error)

    threads = [threading.Thread(target=record, args=(a, "Marco", "delighted")),
               threading.Thread(target=record, args=(b, "Anna", "unhappy"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winner = next(name for name, text in results.items() if text == "won")
    loser = ({"Marco", "Anna"} - {winner}).pop()
    assert results[loser].startswith(f"{winner} recorded it at 12:04: ")
    assert len(_outcomes(a, logged.followup.id)) == 1
    row = a.db["followups"].get(logged.followup.id)
    assert row["done_by"] == people(a)[winner]


# -- PostgreSQL wakes listeners on commit -----------------------------------------------------

def test_a_postgresql_commit_wakes_a_listening_terminal_and_a_rollback_does_not(pg_two):
    from db import changes as changes_db

    a, b = pg_two
    listener = changes_db.listener(b.db, b.store_id).connect()
    try:
        assert listener.drain() == 0
        with pytest.raises(RuntimeError), a.db.atomic():
            log(a)
            raise RuntimeError("the tap failed half-way")
        assert listener.wait(0.3) == 0
        before = changes.newest_id(listener.db, b.store_id)
        log(a)
        assert listener.wait(5) >= 1
        assert [c.kind for c in changes.read_all(listener.read, before)] == ["incident.logged"]
    finally:
        listener.close()


def test_sqlite_terminals_watch_the_file_and_its_log(two, backend):
    from db import changes as changes_db

    a, _b = two
    files = changes_db.watched_files(a.db)
    if backend == "sqlite":
        assert [f.name for f in files] == ["store.db", "store.db-wal"]
        assert changes_db.listener(a.db, a.store_id) is None
    else:
        assert files == []


def test_moments_keep_to_the_followups_own_rules(two, clock):
    a, _b = two
    logged = log(a)
    assert followups.next_due_at(a) == logged.followup.due_at
    clock.advance(minutes=1)
    followup_taking.take(a, logged.followup.id, None)
    assert followups.next_due_at(a) == clock.now() + timedelta(minutes=5)
