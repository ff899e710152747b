"""Taps kept for later (app.pending, db.outbox, db.faults) without the GUI: exactly once by
the terminal-made uid, the tap's own time, what counts as a failure that passes, the
outbox file, and a kept tap that can no longer be applied."""

from __future__ import annotations

import errno
import re
import sqlite3
import stat
from datetime import timedelta

import pytest

from app import catalog, catalog_admin, incidents, pending
from app.approval import authorize
from app.errors import ValidationError
from app.models import RemedyRequest
from db import faults
from db.migrations import migrations
from db.outbox import Outbox
from tests.conftest import MANAGER_PIN

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def log(ctx, code="cold_food", remedy="remake", **extra):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, remedy).id)], staff_id=None,
        **extra)


def uids(ctx) -> list[str]:
    return [r["uid"] for r in ctx.db.query("SELECT uid FROM incidents ORDER BY id")]


def test_logging_the_same_uid_again_returns_the_incident_already_written(ctx):
    first = log(ctx, remedy="voucher", uid="4b1f2c3e-0000-4000-8000-000000000001")
    again = log(ctx, remedy="voucher", uid="4b1f2c3e-0000-4000-8000-000000000001")

    assert again.incident == first.incident and again.followup == first.followup
    assert again.voucher_codes == first.voucher_codes
    assert uids(ctx) == ["4b1f2c3e-0000-4000-8000-000000000001"]
    assert ctx.db.execute("SELECT count(*) FROM vouchers").fetchone()[0] == 1


def test_every_incident_gets_a_uuid_when_none_is_given(ctx):
    log(ctx)
    log(ctx)
    assert all(UUID.fullmatch(uid) for uid in uids(ctx)) and len(set(uids(ctx))) == 2


def test_the_database_refuses_a_second_incident_with_the_same_uid(ctx):
    log(ctx, uid="same")
    with pytest.raises(sqlite3.IntegrityError):
        ctx.db.execute("INSERT INTO incidents (store_id, category_id, category_label, "
                       "occurred_at, severity, uid) SELECT store_id, category_id, "
                       "category_label, occurred_at, severity, uid FROM incidents")


def test_the_migration_gives_incidents_logged_before_it_a_uuid_each():
    from sqlite_utils import Database

    db = Database(memory=True)
    migrations.apply(db, stop_before="0011_incident_uid")
    db.execute("INSERT INTO stores (id, created_at) VALUES (1, '2026-01-01T00:00:00')")
    db.execute("INSERT INTO categories (store_id, code, label, icon, apology, "
               "followup_minutes, default_severity, position) "
               "VALUES (1, 'x', 'X', 'x', 'Sorry', 5, 'low', 1)")
    for _i in range(50):
        db.execute("INSERT INTO incidents (store_id, category_id, category_label, occurred_at, "
                   "severity) VALUES (1, 1, 'X', '2026-01-01T00:00:00', 'low')")
    migrations.apply(db)
    found = [r["uid"] for r in db.query("SELECT uid FROM incidents")]
    assert len(set(found)) == 50 and all(UUID.fullmatch(uid) for uid in found), found[:3]
    db.close()


def test_a_tap_saved_later_keeps_its_time_and_its_approval(ctx, clock, people):
    grant = authorize(ctx, MANAGER_PIN)
    tap = pending.incident_tap(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "refund").id)],
        staff_id=people["Sam"], approval=grant, table_ref="7")
    tapped = clock.now()
    clock.advance(hours=2)

    logged = pending.apply(ctx, tap)

    assert logged.incident.occurred_at == tapped
    assert logged.followup.due_at == tapped + timedelta(minutes=5)
    assert logged.incident.table_ref == "7"
    assert [r.approved_by for r in logged.incident.remedies] == [people["Marco"]]
    assert pending.apply(ctx, tap).incident.id == logged.incident.id


def test_an_incident_cannot_be_logged_in_the_future(ctx, clock):
    with pytest.raises(ValidationError, match="future"):
        log(ctx, at=clock.now() + timedelta(minutes=1))


@pytest.mark.parametrize(("error", "reason"), [
    (sqlite3.OperationalError("database is locked"), faults.BUSY),
    (sqlite3.OperationalError("database or disk is full"), faults.FULL),
    (sqlite3.OperationalError("disk I/O error"), faults.IO),
    (OSError(errno.ENOSPC, "No space left on device"), faults.FULL),
    (OSError(errno.EIO, "Input/output error"), faults.IO),
    (sqlite3.IntegrityError("UNIQUE constraint failed"), None),
    (sqlite3.OperationalError("no such column: note"), None),
    (ValueError("a bug"), None),
])
def test_which_failures_pass(error, reason):
    assert faults.passing_reason(error) == reason


def test_a_real_lock_is_recognised_as_busy(tmp_path):
    path = tmp_path / "x.db"
    first, second = sqlite3.connect(path, isolation_level=None), sqlite3.connect(
        path, isolation_level=None, timeout=0)
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        second.execute("INSERT INTO t VALUES (1)")
    assert faults.passing_reason(locked.value) == faults.BUSY
    first.close()
    second.close()


def test_the_outbox_file_is_private_and_keeps_taps_in_order(tmp_path):
    box = Outbox(tmp_path / "store.db-outbox")
    assert box.entries() == [] and not box.path.exists()
    for n in range(3):
        box.add(uid=f"u{n}", kind="incident.log", store_id=1,
                tapped_at=f"2026-11-16T11:0{n}:00+00:00", payload={"n": n, "name": "Kåre"})
    box.add(uid="u0", kind="incident.log", store_id=1, tapped_at="x", payload={})  # again
    assert stat.S_IMODE(box.path.stat().st_mode) == 0o600
    assert [(e["uid"], e["payload"]["n"]) for e in box.entries()] == [
        ("u0", 0), ("u1", 1), ("u2", 2)]
    box.remove("u1")
    box.failed("u2", "gone")
    assert [e["uid"] for e in box.entries()] == ["u0"]
    assert [e["last_error"] for e in box.entries("failed")] == ["gone"]
    box.close()


def test_a_kept_tap_that_no_longer_applies_is_set_aside_with_why(ctx, tmp_path, people):
    cold = catalog.category_by_code(ctx, "cold_food")
    saver = pending.TapSaver(ctx, Outbox(tmp_path / "outbox"))
    tap = pending.incident_tap(ctx, category_id=cold.id, staff_id=None, remedies=[
        RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    saver._keep(tap, pending.BUSY)
    catalog_admin.set_category_hidden(ctx, people["Ingrid"], cold.id, True)

    flushed = saver.flush()

    assert flushed.saved == [] and flushed.waiting == 0
    [failed] = flushed.failed
    assert "hidden" in failed.message
    assert saver.outbox.entries() == [] and len(saver.outbox.entries("failed")) == 1
    assert uids(ctx) == []


def test_when_even_the_outbox_cannot_be_written_the_tap_is_kept_in_memory(ctx, monkeypatch):
    saver = pending.TapSaver(ctx, Outbox("/nonexistent-folder/outbox"))
    tap = pending.incident_tap(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=None,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    kept = saver._keep(tap, pending.FULL)
    assert not kept.on_disk and saver.count() == 1 and saver.in_memory() == 1
    assert "kept only in this app's memory" in pending.reason_text(kept.reason, kept.on_disk)
    flushed = saver.flush()
    assert len(flushed.saved) == 1 and saver.count() == 0 and len(uids(ctx)) == 1


def test_a_uid_written_by_another_process_after_the_check_is_not_written_again(
        ctx, monkeypatch):
    from db import incidents as incidents_db

    first = log(ctx, uid="from-counter-1")
    real = incidents_db.incident_id_by_uid
    calls = []

    def not_yet_seen(db, uid):  # the other process commits right after this look-up
        calls.append(uid)
        return None if len(calls) == 1 else real(db, uid)

    monkeypatch.setattr(incidents_db, "incident_id_by_uid", not_yet_seen)
    again = log(ctx, uid="from-counter-1")
    assert again.incident.id == first.incident.id and uids(ctx) == ["from-counter-1"]
    assert ctx.db.execute("SELECT count(*) FROM followups").fetchone()[0] == 1


def test_a_tap_saved_later_keeps_the_audit_log_intact(ctx, clock, people):
    from app.verify import verify

    tap = pending.incident_tap(
        ctx, category_id=catalog.category_by_code(ctx, "long_wait").id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id)])
    clock.advance(minutes=7)  # the database was locked meanwhile
    pending.apply(ctx, tap)
    verdict = verify(ctx, remember=False)
    assert verdict.intact, [p.text for p in verdict.problems]
