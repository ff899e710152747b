"""A big import is copied in short slices, invisible until one short switch: the counter
writes between the slices, and a failure or a kill -9 at any slice shows nothing."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app import catalog, import_switch, incidents, pending, verify
from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
from app.csvio import ImportRefused, export_csv
from app.followups import open_followups
from app.models import RemedyRequest
from app.summary import weekly_summary
from app.weeks import Week
from bench.generator import write_csv
from db import import_staging as staging_db
from db.writers import Turnstile, writers_path
from tests.conftest import OWNER_PIN, START, cli_init_store

ROWS = 3000
SLICE = 400
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    return path


@pytest.fixture
def big_file(tmp_path):
    return write_csv(tmp_path / "big.csv", ROWS, seed=7, end=START - timedelta(minutes=1))


@pytest.fixture(autouse=True)
def fixed_slices(monkeypatch):
    """Slices of SLICE rows whatever the machine's speed, and no pause between them."""
    monkeypatch.setattr(import_switch, "FIRST_SLICE", SLICE)
    monkeypatch.setattr(import_switch, "MIN_SLICE", SLICE)
    monkeypatch.setattr(import_switch, "MAX_SLICE", SLICE)
    monkeypatch.setattr(import_switch, "PAUSE_S", 0)


def raw_counts(ctx) -> dict[str, int]:
    return {t: ctx.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("incidents", "incident_remedies", "followups", "vouchers", "staff",
                      "import_staging")}


def what_the_app_shows(ctx) -> dict:
    """Everything a user can see of the incidents: the counter's list, the follow-ups, the
    week's summary, the export, the audit check."""
    out = io.StringIO()
    week = Week.containing((START - timedelta(days=1)).date())
    return {"recent": len(incidents.recent(ctx, 1000)),
            "followups": len(open_followups(ctx)),
            "summary": weekly_summary(ctx, week).this.incidents,
            "exported": export_csv(ctx, out),
            "verify": verify.verify(ctx, remember=False).problems}


def tap(ctx) -> int:
    cold = catalog.category_by_code(ctx, "cold_food").id
    remake = catalog.remedy_by_code(ctx, "remake").id
    return incidents.log_incident(ctx, category_id=cold, remedies=[RemedyRequest(remake)],
                                  staff_id=None).incident.id


def test_a_tap_from_another_connection_commits_between_the_slices(store, big_file):
    importer = open_context(store, FixedClock(START))
    counter = open_context(store, FixedClock(START))
    counter.db.conn.execute("PRAGMA busy_timeout = 0")  # no waiting: the lock must be free
    before = what_the_app_shows(counter)
    taps: list[int] = []

    saver = pending.TapSaver(counter, None, busy_ms=0)  # the counter's path, no waiting

    def between(table: str, done: int, total: int) -> None:
        if table in ("incidents", "followups") and done == SLICE + 1:
            taps.append(tap(counter))
            saved = saver.submit(pending.incident_tap(
                counter, category_id=catalog.category_by_code(counter, "long_wait").id,
                remedies=[RemedyRequest(catalog.remedy_by_code(counter, "apology").id)],
                staff_id=None))
            assert isinstance(saved, pending.Saved)  # not "not saved yet"
            taps.append(saved.logged.incident.id)
            shown = what_the_app_shows(counter)
            assert shown["recent"] == before["recent"] + len(taps)
            assert shown["exported"] == before["exported"] + len(taps)
            assert shown["summary"] == before["summary"]  # last week: only the import's
            assert shown["verify"] == ()

    result = import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    assert result.incidents == ROWS and len(taps) == 4
    shown = what_the_app_shows(counter)
    assert shown["exported"] == ROWS + 4
    assert shown["summary"] > 0
    assert shown["verify"] == ()  # the import's entry covers its block, the taps theirs
    assert staging_db.staging_rows(counter.db) == []
    for incident_id in taps:
        assert incidents.get_incident(counter, incident_id).category_label
    importer.db.close()
    counter.db.close()


@pytest.mark.parametrize("table", ["incidents", "remedies", "vouchers", "followups"])
def test_an_import_failing_after_some_slices_shows_nothing_and_leaves_nothing(
        store, big_file, table):
    importer = open_context(store, FixedClock(START))
    viewer = open_context(store, FixedClock(START))
    before, shown_before = raw_counts(viewer), what_the_app_shows(viewer)
    seen = []

    def between(name: str, done: int, total: int) -> None:
        if name == table:  # after its first slice
            seen.append((raw_counts(viewer), what_the_app_shows(viewer)))
            raise OSError(5, "the disk went away")

    with pytest.raises(OSError):
        import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    [(during, shown_during)] = seen
    assert during["incidents"] > before["incidents"]  # copied, in the real tables …
    assert shown_during == shown_before  # … and not seen anywhere
    assert raw_counts(viewer) == before  # deleted again after the failure
    assert what_the_app_shows(viewer) == shown_before
    assert importer.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert import_csv(importer, big_file, pin=OWNER_PIN).incidents == ROWS
    importer.db.close()
    viewer.db.close()


_KILLED_IMPORT = """
import os, signal, sys
from datetime import datetime
from app import import_switch
from app.clock import FixedClock
from app.context import open_context
from app.csv_import import import_csv
db, csv_path, table, after, pin, now = sys.argv[1:]
import_switch.FIRST_SLICE = import_switch.MIN_SLICE = import_switch.MAX_SLICE = {slice}
def between(name, done, total):
    if name == table and (done >= total if after == "last" else done > int(after)):
        os.kill(os.getpid(), signal.SIGKILL)
import_csv(open_context(db, FixedClock(datetime.fromisoformat(now))), csv_path, pin=pin,
           between=between)
"""


@pytest.mark.parametrize(("table", "after"), [("incidents", SLICE), ("remedies", 2 * SLICE),
                                              ("followups", "last")])
def test_a_killed_import_stays_invisible_and_the_next_import_deletes_it(
        store, big_file, table, after):
    viewer = open_context(store, FixedClock(START))
    before, shown_before = raw_counts(viewer), what_the_app_shows(viewer)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT.format(slice=SLICE), str(store), str(big_file),
         table, str(after), OWNER_PIN, START.isoformat()],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    left = raw_counts(viewer)
    assert left["import_staging"] == 1 and left["incidents"] > before["incidents"]
    assert what_the_app_shows(viewer) == shown_before  # invisible, in every read
    # The next import finds the killed one's process gone: deletes its rows, then imports.
    result = import_csv(viewer, big_file, pin=OWNER_PIN)
    assert result.incidents == ROWS
    after_counts = raw_counts(viewer)
    assert after_counts["import_staging"] == 0
    assert after_counts["incidents"] == before["incidents"] + ROWS
    assert what_the_app_shows(viewer)["verify"] == ()
    viewer.db.close()


def test_a_second_import_while_one_is_copying_is_refused_and_writes_nothing(
        store, big_file, tmp_path):
    importer = open_context(store, FixedClock(START))
    other = open_context(store, FixedClock(START))
    small = tmp_path / "small.csv"
    small.write_text("occurred_at,category,remedies\r\n"
                     "2026-11-09T11:00:00+00:00,cold_food,remake\r\n", encoding="utf-8")
    refusals = []

    def between(table: str, done: int, total: int) -> None:
        if not refusals:
            with pytest.raises(ImportRefused) as refused:
                import_csv(other, small, pin=OWNER_PIN)
            refusals.append(refused.value.problems[0][1])

    assert import_csv(importer, big_file, pin=OWNER_PIN, between=between).incidents == ROWS
    assert "another import" in refusals[0] and "nothing was written" in refusals[0]
    assert raw_counts(other)["incidents"] == ROWS
    assert import_csv(other, small, pin=OWNER_PIN).incidents == 1  # once it has finished
    importer.db.close()
    other.db.close()


def test_an_import_whose_process_cannot_be_checked_is_taken_for_dead_after_a_while(store):
    ctx = open_context(store, FixedClock(START))
    row = {"owner": "another-computer:123", "beat_at": START.isoformat()}
    assert import_switch.is_running(ctx, row)
    mine = {"owner": import_switch.owner_tag(), "beat_at": START.isoformat()}
    assert import_switch.is_running(ctx, mine)
    ctx.db.close()
    later = open_context(store, FixedClock(START + import_switch.STALE_AFTER
                                           + timedelta(seconds=1)))
    assert not import_switch.is_running(later, row)
    later.db.close()


_ANNOUNCED_TAP = """
import sys
from pathlib import Path
from db.writers import Turnstile
with Turnstile(Path(sys.argv[1])).waiting():
    print("waiting", flush=True)
    sys.stdin.readline()
print("saved", flush=True)
"""


def test_the_import_waits_before_its_next_slice_while_a_tap_announces_itself(tmp_path):
    """Another process's tap holds the announcement (db.writers) while it waits for the
    lock: the import does not start its next slice until the tap is through."""
    path = writers_path(tmp_path / "store.db")
    with subprocess.Popen([sys.executable, "-c", _ANNOUNCED_TAP, str(path)], cwd=ROOT,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as tapper:
        assert tapper.stdout.readline().strip() == "waiting"
        turnstile = Turnstile(path)
        assert turnstile.anyone_waiting()
        pauses = []

        def pause(seconds: float) -> None:  # the import's wait: the tap gets through
            pauses.append(seconds)
            if len(pauses) == 3:
                tapper.stdin.write("\n")
                tapper.stdin.flush()
                assert tapper.stdout.readline().strip() == "saved"

        import_switch._let_taps_in(turnstile, pause)
        assert len(pauses) == 3 and not turnstile.anyone_waiting()
        turnstile.close()
        tapper.communicate(timeout=30)


def test_a_slice_under_way_gives_way_to_a_tap_and_is_copied_again(store, big_file,
                                                                   monkeypatch):
    importer = open_context(store, FixedClock(START))
    real_copy = staging_db.copy_batch
    calls = []

    def copy_batch(db, plan, table, a, b, now, give_way=None):
        first = not calls
        copied = real_copy(db, plan, table, a, b, now, (lambda: True) if first else give_way)
        calls.append((table, a, b, copied))
        if first:  # rolled back: nothing of the slice is in the file
            assert db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
        return copied

    monkeypatch.setattr(staging_db, "copy_batch", copy_batch)
    monkeypatch.setattr(import_switch, "MIN_SLICE", 10)
    assert import_csv(importer, big_file, pin=OWNER_PIN).incidents == ROWS
    assert calls[0] == ("incidents", 1, SLICE, False)
    assert calls[1] == ("incidents", 1, SLICE // 2, True)  # again, smaller
    assert raw_counts(importer)["incidents"] == ROWS
    assert verify.verify(importer, remember=False).intact
    importer.db.close()


def test_an_import_taken_for_dead_and_deleted_meanwhile_stops_and_shows_nothing(
        store, big_file):
    """Its process was asleep for longer than STALE_AFTER and another import deleted its
    rows: its next slice finds its staging row gone, writes nothing and gives up."""
    importer = open_context(store, FixedClock(START))
    cleaner = open_context(store, FixedClock(START + import_switch.STALE_AFTER
                                             + timedelta(minutes=1)))
    before = raw_counts(cleaner)

    def between(table: str, done: int, total: int) -> None:
        if table == "incidents" and done == SLICE + 1:
            assert import_switch.clean_killed(cleaner, pause=lambda s: None) == 1

    with pytest.raises(ImportRefused) as refused:
        import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    assert "nothing was written" in refused.value.problems[0][1]
    assert raw_counts(cleaner) == before
    importer.db.close()
    cleaner.db.close()
