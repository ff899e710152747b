"""CSV import on PostgreSQL: one transaction, invisible to the other terminals until it
commits, which keep saving taps meanwhile; nothing written on any error; the audit check
holds after it (db/pg_import.py)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from app import catalog, incidents, verify
from app.context import Context
from app.csv_import import import_csv
from app.csvio import ImportRefused
from app.models import RemedyRequest
from app.setup import init_store
from bench.generator import write_csv
from db import pg_import
from db.connection import open_database
from tests.conftest import OWNER_PIN, START

pytestmark = pytest.mark.postgresql

ROWS = 300


@pytest.fixture
def importer(pg_url, clock):
    ctx = Context(db=open_database(pg_url), clock=clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    yield ctx
    ctx.db.close()


@pytest.fixture
def other(pg_url, clock, importer):
    """Another terminal on the same database."""
    ctx = Context(db=open_database(pg_url), clock=clock)
    yield ctx
    ctx.db.close()


@pytest.fixture
def big_file(tmp_path):
    return write_csv(tmp_path / "big.csv", ROWS, seed=7, end=START - timedelta(minutes=1))


def tap(ctx) -> int:
    cold = catalog.category_by_code(ctx, "cold_food").id
    remake = catalog.remedy_by_code(ctx, "remake").id
    return incidents.log_incident(ctx, category_id=cold, remedies=[RemedyRequest(remake)],
                                  staff_id=None).incident.id


def voucher_tap(ctx) -> str:
    voucher = catalog.remedy_by_code(ctx, "voucher")
    return incidents.log_incident(ctx, category_id=catalog.category_by_code(
        ctx, "cold_food").id, remedies=[RemedyRequest(voucher.id)],
        staff_id=None).voucher_codes[0]


def counts(ctx) -> dict[str, int]:
    return {t: ctx.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("incidents", "incident_remedies", "followups", "vouchers", "staff",
                      "audit_log")}


def imported_entries(ctx) -> list[dict]:
    return list(ctx.db.query("SELECT * FROM audit_log WHERE action = 'incidents.imported'"))


def test_a_tap_on_another_terminal_is_saved_during_the_import_without_waiting(
        importer, other, big_file):
    seen: list[int] = []
    taps: list[int] = []

    def between(table, done, total):
        if table == "followups":  # every row copied, the audit entry not yet written
            with other.db.lock_wait(300):  # would fail rather than wait for the import
                taps.append(tap(other))
            seen.append(counts(other)["incidents"])

    result = import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    assert result.incidents == ROWS
    assert seen == [1]  # the other terminal saw its own tap and nothing of the import
    assert counts(other)["incidents"] == ROWS + 1
    ids = [r["id"] for r in other.db.query("SELECT id FROM incidents WHERE imported_by "
                                           "IS NOT NULL ORDER BY id")]
    assert ids == list(range(ids[0], ids[0] + ROWS))  # one block, the tap outside it
    assert not ids[0] <= taps[0] <= ids[-1]
    (entry,) = imported_entries(other)
    assert verify.verify(other, remember=False).intact
    assert verify.verify(importer, remember=False).intact
    assert '"rows":300' in entry["detail"].replace(" ", "")


def test_a_failure_late_in_the_import_writes_nothing_and_the_next_import_works(
        importer, other, big_file):
    tap(other)
    before = counts(other)

    def fail(table, done, total):
        if table == "vouchers":
            raise OSError("disk gone")

    with pytest.raises(OSError):
        import_csv(importer, big_file, pin=OWNER_PIN, between=fail)
    after = counts(other)
    after["audit_log"] -= 1  # the owner's PIN check, audited before the file is read
    assert after == before
    assert not importer.db.conn.in_transaction
    tap(other)
    assert import_csv(importer, big_file, pin=OWNER_PIN).incidents == ROWS
    assert counts(other)["incidents"] == ROWS + 2
    assert verify.verify(other, remember=False).intact


def test_a_second_import_while_one_is_being_written_is_refused_with_nothing_written(
        importer, other, big_file, tmp_path):
    second = write_csv(tmp_path / "second.csv", 20, seed=3, end=START - timedelta(minutes=1))
    refused: list[ImportRefused] = []

    def between(table, done, total):
        if table == "incidents":
            with pytest.raises(ImportRefused) as caught:
                import_csv(other, second, pin=OWNER_PIN)
            refused.append(caught.value)

    import_csv(importer, big_file, pin=OWNER_PIN, between=between)
    (error,) = refused
    assert "another import into this database started at" in error.problems[0][1]
    assert counts(other)["incidents"] == ROWS
    assert len(imported_entries(other)) == 1
    assert import_csv(other, second, pin=OWNER_PIN).incidents == 20  # once it is done


def test_a_voucher_code_taken_by_another_terminal_after_the_check_is_refused_by_its_line(
        importer, other, monkeypatch):
    text = ("occurred_at,category,remedies,voucher_codes\r\n"
            "2026-11-09T12:00:00+00:00,cold_food,voucher,K7M-3QX\r\n")
    tap(other)
    before = counts(other)
    reserve = pg_import._reserve

    def reserve_after_another_took_it(db, table, count):
        if table == "incidents":  # the file was checked; now another terminal takes it
            other.db.execute("UPDATE vouchers SET code = 'K7M-3QX' WHERE code = ?",
                             [voucher_tap(other)])
        return reserve(db, table, count)

    monkeypatch.setattr(pg_import, "_reserve", reserve_after_another_took_it)
    with pytest.raises(ImportRefused) as caught:
        import_csv(importer, io.StringIO(text, newline=""), pin=OWNER_PIN)
    assert caught.value.problems == [
        (2, "voucher code K7M-3QX already exists in this database.")]
    assert counts(other)["incidents"] == before["incidents"] + 1  # the other's tap only
    assert counts(other)["staff"] == before["staff"]
    assert other.db.execute("SELECT count(*) FROM incidents WHERE imported_by IS NOT NULL"
                            ).fetchone()[0] == 0
    assert imported_entries(other) == []


def test_comeback_import_then_verify_on_a_server_passes(pg_url, tmp_path):
    """The commands themselves, as the owner types them."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    small = write_csv(tmp_path / "small.csv", 120, seed=5, end=START - timedelta(days=1))

    def comeback(*args):
        return subprocess.run([sys.executable, "-m", "ui.entry", "--db", pg_url, *args],
                              cwd=root, capture_output=True, text=True, timeout=120)

    assert comeback("init", "--store", "X", "--owner", "Ingrid",
                    "--owner-pin", OWNER_PIN).returncode == 0
    imported = comeback("import", str(small), "--pin", OWNER_PIN)
    assert imported.returncode == 0, imported.stderr
    assert "Imported 120 incidents" in imported.stdout
    checked = comeback("verify")
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith("intact")
    again = comeback("import", str(small), "--pin", OWNER_PIN)
    assert again.returncode == 2 and "already in the database" in again.stderr
    assert "Traceback" not in again.stderr
    assert comeback("verify").returncode == 0
