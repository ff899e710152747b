"""The audit log's hash chain and ``comeback verify``: an untouched store is intact; a copy
tampered with through plain sqlite3 is named, entry or row, with what was expected."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import approval, audit, catalog, followups, incidents, settings, staff, verify, vouchers
from app.cli import main
from app.context import Context
from app.models import Outcome, RemedyRequest, Role
from app.setup import init_store
from db import audit_chain
from db.connection import open_database
from tests.conftest import MANAGER_PIN, OWNER_PIN

ROOT = Path(__file__).resolve().parent.parent
RECREATE_DELETE_TRIGGER = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;")


def _remedy(ctx, code, amount=None):
    return RemedyRequest(catalog.remedy_by_code(ctx, code).id, amount)


def _fill(ctx, clock) -> dict:
    """A morning at the counter: a refund approved by Marco, a voucher that came back, an
    undo, a further remedy. Returns the ids the tests tamper with."""
    sam = staff.find_by_name(ctx, "Sam").id
    cold = catalog.category_by_code(ctx, "cold_food").id
    with ctx.db.atomic():  # cashiers give up to 500 kr here: only the refund needs Marco
        settings.write(ctx.db, ctx.store_id, {"cashier_limit": 50000})
    grant = approval.authorize(ctx, MANAGER_PIN, for_what="log")
    refund = incidents.log_incident(ctx, category_id=cold, staff_id=sam,
                                    remedies=[_remedy(ctx, "remake"),
                                              _remedy(ctx, "refund", 25000)], approval=grant)
    clock.advance(minutes=3)
    voucher = incidents.log_incident(ctx, category_id=cold, staff_id=sam,
                                     remedies=[_remedy(ctx, "voucher", 500)])
    clock.advance(minutes=1)
    undone = incidents.log_incident(ctx, category_id=cold, staff_id=sam,
                                    remedies=[_remedy(ctx, "free_drink")])
    clock.advance(seconds=10)
    incidents.void_incident(ctx, undone.incident.id, sam)
    clock.advance(minutes=5)
    marco = staff.find_by_name(ctx, "Marco").id  # the manager who checked back gives more
    followups.record_outcome(ctx, refund.followup.id, Outcome.UNHAPPY, marco)
    followups.further_remedy(ctx, refund.incident.id, [_remedy(ctx, "free_dessert")], marco)
    clock.advance(days=2)
    vouchers.redeem(ctx, voucher.voucher_codes[0], sam)
    return {"refund": refund.incident.id, "voucher_code": voucher.voucher_codes[0]}


@pytest.fixture
def store_file(tmp_path, clock):
    """A file database with the morning of :func:`_fill`, closed; and its ids."""
    path = tmp_path / "store.db"
    ctx = Context(open_database(path), clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    ids = _fill(ctx, clock)
    ctx.db.close()
    return path, ids


def _tampered(path: Path, name: str, script: str) -> Path:
    """A copy of the database, changed with plain sqlite3 (no Comeback code, no hash
    function)."""
    copy = path.with_name(name)
    source, conn = sqlite3.connect(path), sqlite3.connect(copy, isolation_level=None)
    source.backup(conn)  # with what is still in the -wal file
    source.close()
    conn.executescript(script)
    conn.close()
    return copy


def _verify(path: Path, capsys) -> tuple[int, str]:
    code = main(["verify", "--db", str(path)])
    return code, capsys.readouterr().out


def test_every_entry_carries_the_hash_of_the_one_before(ctx, clock):
    _fill(ctx, clock)
    rows = list(ctx.db.query("SELECT * FROM audit_log ORDER BY id"))
    prev = audit_chain.GENESIS
    for row in rows:
        assert row["prev_hash"] == prev
        assert row["hash"] == audit_chain.hash_of_row(prev, row)
        prev = row["hash"]


def test_the_incident_entry_holds_every_remedy_value_and_its_approver(ctx, clock, people):
    ids = _fill(ctx, clock)
    entry = next(e for e in audit.entries(ctx) if e["action"] == "incident.logged"
                 and e["entity_id"] == ids["refund"])
    given = json.loads(entry["detail"])["remedies"]
    assert [(g["code"], g["amount_minor"], g["approved_by"]) for g in given] == [
        ("remake", 12000, None), ("refund", 25000, people["Marco"])]


def test_an_untouched_store_is_intact_through_the_command(cli_db, clock):
    ctx = Context(open_database(cli_db), clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    _fill(ctx, clock)
    entries = ctx.db["audit_log"].count
    ctx.db.close()
    done = subprocess.run([sys.executable, "-m", "ui.entry", "--db", str(cli_db), "verify"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, f"intact, {entries} entries")


def test_a_deleted_approval_entry_is_named_even_with_the_trigger_put_back(store_file, capsys):
    path, _ids = store_file
    copy = _tampered(path, "a.db", f"""
        DROP TRIGGER audit_log_no_delete;
        DELETE FROM audit_log WHERE action = 'approval.pin_ok';
        {RECREATE_DELETE_TRIGGER}""")
    done = subprocess.run([sys.executable, "-m", "ui.entry", "--db", str(copy), "verify"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert lines[0] == "broken: 1 problem"
    conn = sqlite3.connect(copy)
    after = conn.execute("SELECT id, action FROM audit_log WHERE id > (SELECT max(id) FROM "
                         "audit_log WHERE action = 'staff.added') ORDER BY id").fetchone()
    assert lines[1].startswith(f"1. Entry {after[0]} ({after[1]}, ")
    assert "An entry between them was removed" in lines[1]


def test_a_changed_remedy_amount_is_named_with_both_values(store_file, capsys):
    path, ids = store_file
    copy = _tampered(path, "b.db", f"UPDATE incident_remedies SET amount_minor = 2500 "
                                   f"WHERE incident_id = {ids['refund']} AND kind = 'refund';")
    code, out = _verify(copy, capsys)
    assert code == 3
    assert "amount is 25,00\xa0kr, but entry" in out and "recorded 250,00\xa0kr" in out
    assert f"of incident {ids['refund']}" in out.splitlines()[1]


def test_a_back_dated_entry_is_named(store_file, capsys):
    path, _ids = store_file
    copy = _tampered(path, "c.db", """
        INSERT INTO audit_log (store_id, at, staff_id, action, entity, entity_id, detail)
        VALUES (1, '2026-11-01T09:00:00+00:00', 2, 'approval.pin_ok', NULL, NULL,
                '{"for_what": "log"}');""")
    code, out = _verify(copy, capsys)
    assert code == 3
    first = out.splitlines()[1]
    assert "approval.pin_ok, 2026-11-01T09:00:00+00:00) was written outside Comeback" in first
    assert "It is dated before the entry before it" in first


def test_a_copied_entry_with_a_hash_from_the_code_still_breaks_the_link(store_file, capsys):
    path, _ids = store_file
    conn = sqlite3.connect(path)
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    values = {"id": last[0] + 1, "store_id": 1, "at": "2026-11-01T09:00:00+00:00",
              "staff_id": 2, "action": "approval.pin_ok", "entity": None, "entity_id": None,
              "detail": None}
    forged = audit_chain.hash_of_row(audit_chain.GENESIS, values)  # chained to nothing
    copy = _tampered(path, "d.db", f"""
        INSERT INTO audit_log VALUES ({last[0] + 1}, 1, '2026-11-01T09:00:00+00:00', 2,
            'approval.pin_ok', NULL, NULL, NULL, '{audit_chain.GENESIS}', '{forged}', NULL);""")
    code, out = _verify(copy, capsys)
    assert code == 3 and f"does not follow entry {last[0]}" in out


@pytest.mark.parametrize("script, words", [
    ("UPDATE incident_remedies SET approved_by = NULL WHERE kind = 'refund'",
     "approver is nothing, but entry"),
    ("UPDATE vouchers SET amount_minor = 50000", "Voucher {code}: amount is 500,00"),
    ("UPDATE vouchers SET redeemed_at = NULL, redeemed_by = NULL",
     "as redeemed, but it is not"),
    ("UPDATE incidents SET voided_at = NULL, voided_by = NULL",
     "as undone, but it is not"),
    ("UPDATE incidents SET voided_at = '2026-11-16T11:00:30+00:00' WHERE id = 1",
     "Incident 1 is marked undone, but no entry records that"),
    ("DELETE FROM vouchers", "but there is no such voucher"),
    ("INSERT INTO incident_remedies (incident_id, remedy_id, kind, label, amount_minor, "
     "given_at) VALUES (1, 1, 'refund', 'Refund', 90000, '2026-11-16T11:00:00+00:00')",
     "(Refund, 900,00\xa0kr) is not in the audit log"),
    ("UPDATE incidents SET staff_id = 1 WHERE id = 1", "Incident 1: staff is 1, but entry"),
])
def test_each_table_is_held_to_its_entries(store_file, capsys, script, words):
    path, ids = store_file
    copy = _tampered(path, "e.db", script + ";")
    code, out = _verify(copy, capsys)
    assert code == 3
    assert words.format(code=ids["voucher_code"]) in out


def test_a_verified_store_starts_checking_after_the_last_intact_entry(ctx, clock):
    _fill(ctx, clock)
    assert verify.verify(ctx).intact
    assert verify.check_new(ctx).checked == 0  # nothing new: two small reads
    incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
                           staff_id=None, remedies=[_remedy(ctx, "remake")])
    verdict = verify.check_new(ctx)
    assert (verdict.intact, verdict.checked) == (True, 1)
    assert verify.check_new(ctx).checked == 0


def test_the_start_up_check_finds_a_new_entry_that_does_not_match_its_rows(ctx, clock):
    verify.verify(ctx)
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=None,
        remedies=[_remedy(ctx, "free_drink")])
    ctx.db.execute("UPDATE incident_remedies SET amount_minor = 1 WHERE incident_id = ?",
                   [logged.incident.id])
    verdict = verify.check_new(ctx)
    assert not verdict.intact
    assert f"Remedy row 1 of incident {logged.incident.id}: amount is" in \
        verdict.problems[0].text


def test_removing_the_last_entries_is_seen_against_the_last_check(store_file, capsys):
    path, _ids = store_file
    assert _verify(path, capsys)[0] == 0  # remembers the last entry found intact
    copy = _tampered(path, "f.db", f"""
        DROP TRIGGER audit_log_no_delete;
        DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);
        {RECREATE_DELETE_TRIGGER}""")
    code, out = _verify(copy, capsys)
    assert code == 3 and "but it is gone" in out


def _old_append(db, *, store_id, at, staff_id, action, entity=None, entity_id=None,
                detail=None, terminal_id=None):
    """How entries were written before the chain (for a database made by an older version)."""
    return db.execute("INSERT INTO audit_log (store_id, at, staff_id, action, entity, "
                      "entity_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [store_id, at, staff_id, action, entity, entity_id, detail]).lastrowid


@pytest.fixture
def old_store(tmp_path, clock, monkeypatch):
    """A store written before migration 0005 (the chain), then opened by this version."""
    from db import approval_keys as approval_keys_db
    from db import audit as audit_db
    from db import incidents as incidents_db
    from db import summary_columns
    from db import vouchers as vouchers_db
    from db._sql import insert_row
    from db.migrations import migrations

    path = tmp_path / "old.db"
    database = open_database(None)
    database.close()
    conn = sqlite3.connect(path)
    from db.connection import Database

    old = Database(conn)
    migrations.apply(old.full, stop_before="0005_audit_chain")
    # Nor was there an import being copied in (migration 0012): an empty stand-in on this
    # connection only, for the reads that leave such an import out.
    conn.execute("CREATE TEMP TABLE import_staging (first_incident INTEGER, "
                 "last_incident INTEGER)")
    ctx = Context(old, clock)
    with monkeypatch.context() as patch:
        patch.setattr(audit_db, "append", _old_append)
        # Nor had incidents a uid yet (migration 0011), nor terminals (0015), nor summary
        # columns (0014).
        patch.setattr(incidents_db, "insert_incident", lambda db, values: insert_row(
            db, "incidents", {k: v for k, v in values.items()
                              if k not in ("uid", "terminal_id", "noted",
                                           *summary_columns.COLUMNS)}))
        patch.setattr(incidents_db, "insert_given", lambda db, values: insert_row(
            db, "incident_remedies", {k: v for k, v in values.items() if k != "terminal_id"}))
        patch.setattr(Context, "terminal_id", lambda self: None)
        patch.setattr(vouchers_db, "voucher_by_code", lambda db, code: next(iter(db.query(
            "SELECT v.*, i.store_id, i.voided_at AS incident_voided_at FROM vouchers v "
            "JOIN incidents i ON i.id = v.incident_id WHERE v.code = ?", [code])), None))
        patch.setattr(vouchers_db, "mark_redeemed", lambda db, vid, at, by, _t=None: db.execute(
            "UPDATE vouchers SET redeemed_at = ?, redeemed_by = ? WHERE id = ? "
            "AND redeemed_at IS NULL", [at, by, vid]).rowcount == 1)
        # Nor the summary columns (migration 0014).
        for name in ("refresh", "refresh_of_followups", "remedy_added", "followup_added"):
            patch.setattr(summary_columns, name, lambda *args: None)
        # Nor approval keys (migration 0020).
        patch.setattr(approval_keys_db, "replace_key", lambda *args: None)
        init_store(ctx, store_name="Old Kafé", preset="restaurant", currency="NOK",
                   locale="nb_NO", language="en", timezone="Europe/Oslo",
                   owner_name="Ingrid", owner_pin=OWNER_PIN)
        staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
        staff.add_staff(ctx, "Sam", Role.CASHIER)
        ids = _fill(ctx, clock)
    conn.close()
    return path, ids


def test_a_store_from_before_the_chain_is_chained_once_and_verifies(old_store, clock, capsys):
    path, _ids = old_store
    ctx = Context(open_database(path), clock)  # migrates
    started = audit.entries(ctx)[0]
    assert started["action"] == "audit.chain_started"
    assert verify.check_new(ctx).checked == 0  # the migration is the starting point
    assert verify.verify(ctx).intact
    _fill(ctx, clock)  # life goes on after the upgrade
    assert verify.verify(ctx).intact
    ctx.db.close()


def test_a_changed_row_from_before_the_chain_is_named_by_its_table(old_store, clock, capsys):
    path, ids = old_store
    open_database(path).close()  # migrates
    copy = _tampered(path, "g.db", "UPDATE incident_remedies SET amount_minor = 99 "
                                   f"WHERE incident_id = {ids['refund']};")
    code, out = _verify(copy, capsys)
    assert code == 3
    assert "The remedies given with ids 1–" in out and "vouched for by entry" in out


def test_a_chain_head_printed_earlier_must_still_be_in_the_log(store_file, capsys, clock):
    path, _ids = store_file
    head = sqlite3.connect(path).execute(
        "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0][:12]
    assert main(["verify", "--db", str(path), "--anchor", head]) == 0
    capsys.readouterr()
    # Someone with the code rewrites the chain from scratch: every link holds, the printed
    # head does not.
    copy = _tampered(path, "h.db", "DROP TRIGGER audit_log_no_update;")
    conn = sqlite3.connect(copy, isolation_level=None)
    prev = audit_chain.GENESIS
    rows = conn.execute("SELECT id, store_id, at, staff_id, action, entity, entity_id, detail "
                        "FROM audit_log ORDER BY id").fetchall()
    for row in rows:
        values = dict(zip(audit_chain.COLUMNS, row, strict=True))
        if values["action"] == "approval.pin_ok":
            values["staff_id"] = 1
        digest = audit_chain.hash_of_row(prev, values)
        conn.execute("UPDATE audit_log SET staff_id = ?, prev_hash = ?, hash = ? WHERE id = ?",
                     [values["staff_id"], prev, digest, values["id"]])
        prev = digest
    conn.execute("DELETE FROM audit_verified")
    conn.close()
    assert main(["verify", "--db", str(copy)]) == 0  # what the chain alone cannot see
    capsys.readouterr()
    assert main(["verify", "--db", str(copy), "--anchor", head]) == 3
    assert f"No entry carries the chain head {head}" in capsys.readouterr().out


def test_imported_rows_are_vouched_for_by_their_entry_and_a_change_is_named(clock):
    from app import demo
    from app.csv_import import import_csv
    from app.csvio import ENCODING, export_bytes
    from tests.test_csv import fresh_store, stream

    ctx = Context(open_database(None), clock)  # the demo fills only a store it makes
    demo.generate(ctx, weeks=1, seed=3, end=clock.now())
    other = fresh_store(clock)
    import_csv(other, stream(export_bytes(ctx).decode(ENCODING)), pin="4821")
    assert verify.verify(other).intact
    first = other.db.execute("SELECT min(id) FROM incident_remedies").fetchone()[0]
    other.db.execute("UPDATE incident_remedies SET amount_minor = amount_minor + 1 "
                     "WHERE id = ?", [first + 6])
    problems = verify.verify(other).problems
    assert len(problems) == 1
    assert problems[0].text.startswith(f"The remedies given with ids {first}–")
    assert "vouched for by entry" in problems[0].text


WRITER = """
import sys
from app import audit
from app.context import open_context

ctx = open_context(sys.argv[1])
for i in range(25):
    audit.record(ctx, None, "bench.concurrent", None, i, writer=sys.argv[2])
"""


def test_processes_writing_at_once_never_fork_the_chain(store_file):
    path, _ids = store_file
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n)], cwd=ROOT)
               for n in range(4)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'bench.concurrent'"
                        ).fetchone()[0] == 100
    assert main(["verify", "--db", str(path)]) == 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_weekly_pdf_prints_the_verdict(store_file, tmp_path, capsys):
    path, ids = store_file

    def footer(db: Path) -> str:
        out = tmp_path / "week.pdf"
        assert main(["report", "--db", str(db), "--week", "2026-W47", "--out", str(out)]) == 0
        return subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                              capture_output=True, text=True).stdout

    entries = sqlite3.connect(path).execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert f"Audit log: intact, {entries} entries (chain head " in footer(path)
    copy = _tampered(path, "p.db", "UPDATE incident_remedies SET amount_minor = 2500 "
                                   f"WHERE incident_id = {ids['refund']} AND kind = 'refund';")
    text = " ".join(footer(copy).split())
    assert "Audit log: BROKEN, changed outside Comeback — run comeback verify. First: " \
           f"Remedy row 2 of incident {ids['refund']}: amount is 25,00" in text


def test_verify_of_a_read_only_file_still_answers(store_file):
    from db import audit as audit_db
    from db.connection import Database

    path, _ids = store_file
    read_only = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    audit_chain.register(read_only.conn)
    assert not audit_db.set_verified_mark(read_only, 1, 1, "x", 1, "2026-11-16T11:00:00+00:00")
    assert verify.verify(Context(read_only)).intact
    read_only.close()


@pytest.mark.parametrize("script", [
    "SELECT 1",
    "UPDATE incident_remedies SET approved_by = NULL WHERE kind = 'refund'",
    "UPDATE vouchers SET amount_minor = 50000",
    "UPDATE vouchers SET redeemed_at = NULL, redeemed_by = NULL",
    "UPDATE incidents SET voided_at = NULL, voided_by = NULL",
    "DELETE FROM vouchers",
    "UPDATE incidents SET staff_id = 1 WHERE id = 1",
])
@pytest.mark.parametrize("asked", [None, (1, 3)])
def test_a_run_of_ids_read_as_one_range_finds_what_the_reads_by_ids_find(
        store_file, clock, monkeypatch, script, asked):
    """The weekly PDF's check reads its week's incidents as one id range (db.verify_range):
    the same problems, in the same order, as reading them by their ids; ids left out of
    the range (another store's, between) are not checked."""
    from app import verify_rows

    path, _ids = store_file
    ctx = Context(open_database(_tampered(path, "r.db", script + ";")), clock)
    wanted = asked or [row["id"] for row in ctx.db.query("SELECT id FROM incidents")]
    assert verify_rows._is_run(sorted(wanted))
    ranged = verify_rows.cross_check(ctx, ctx.store_id, None, incident_ids=wanted)
    monkeypatch.setattr(verify_rows, "_is_run", lambda ids: False)
    by_ids = verify_rows.cross_check(ctx, ctx.store_id, None, incident_ids=wanted)
    assert ranged == by_ids
    if asked is None:
        assert bool(ranged) == (script != "SELECT 1")
