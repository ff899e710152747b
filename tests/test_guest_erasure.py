"""Guest data that really goes: retention in every process, one guest on request, and the
erased bytes gone from the database file and its WAL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app import catalog, followups, incidents, privacy, settings, staff
from app.clock import FixedClock
from app.context import open_context
from app.errors import ValidationError
from app.models import RemedyRequest, Role
from app.setup import init_store
from tests.conftest import OWNER_PIN, START, cli_init_store
from ui.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
CONTACT = "+47 913 57 246"
NAME = "Zyxwvut Quillfeather"
NOTE = "Quillfeather-allergy-to-saffron"
OUTCOME_NOTE = "Quillfeather was thrilled"


@pytest.fixture
def store(tmp_path):
    """A store in a file database (WAL), with a fixed clock; closed at the end."""
    ctx = open_context(tmp_path / "store.db", FixedClock(START))
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    staff.add_staff(ctx, "Marco", Role.MANAGER, "7392")
    yield ctx
    ctx.db.conn.close()


def _log(ctx, **guest):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)], staff_id=None,
        **guest)


def _raw(ctx) -> bytes:
    path = Path(ctx.db.conn.execute("PRAGMA database_list").fetchone()[2])
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _traces(ctx) -> list[bytes]:
    raw = _raw(ctx)
    return [text for text in (CONTACT.encode(), b"91357246", NAME.encode(),
                              NAME.casefold().encode(), NOTE.encode(), OUTCOME_NOTE.encode())
            if text in raw]


def _guest_visit(ctx, clock):
    logged = _log(ctx, guest_name=NAME, guest_contact=CONTACT, note=NOTE)
    clock.advance(minutes=6)
    manager = staff.find_by_name(ctx, "Marco")
    followups.record_outcome(ctx, logged.followup.id, "delighted", manager.id, OUTCOME_NOTE)
    return logged


def test_erasing_a_guest_on_request_leaves_no_byte_of_them_in_the_file_or_the_wal(store):
    clock = store.clock
    first = _guest_visit(store, clock)
    clock.advance(days=3)
    second = _log(store, guest_contact="913 57 246", note=NOTE)  # the same phone, other spelling
    other = _log(store, guest_name="Ana García", note="window seat")
    assert len(_traces(store)) == 5  # all of it is on disk before the erase (name: no key)

    assert privacy.find_guest(store, contact="+4791357246").count == 2
    assert privacy.erase_guest(store, None, contact="+4791357246") == 2

    assert _traces(store) == []
    kept = store.db["incidents"].get(other.incident.id)
    assert (kept["guest_name"], kept["note"]) == ("Ana García", "window seat")
    for logged in (first, second):
        row = store.db["incidents"].get(logged.incident.id)
        assert (row["guest_name"], row["guest_contact"], row["guest_key"], row["note"]) == \
            (None,) * 4
    [entry] = store.db["audit_log"].rows_where("action = 'privacy.guest_erased'")
    assert json.loads(entry["detail"]) == {"incidents": 2}


def test_a_guest_is_found_by_name_whatever_the_case_and_spacing(store):
    _log(store, guest_name=NAME)
    assert privacy.find_guest(store, name="  zyxwvut   QUILLFEATHER ").count == 1
    assert privacy.find_guest(store, name="Zyxwvut").count == 0
    with pytest.raises(ValidationError):
        privacy.find_guest(store)
    with pytest.raises(ValidationError):
        privacy.find_guest(store, contact="1", name="x")


def test_details_and_notes_past_the_retention_are_erased_to_the_last_byte(store):
    with store.db.atomic():
        settings.write(store.db, store.store_id, {"guest_contact_retention_days": 30})
    _guest_visit(store, store.clock)
    store.clock.advance(days=20)
    recent = _log(store, guest_name="Ana García", note="window seat")
    store.clock.advance(days=11)

    assert privacy.erase_expired_guest_details(store).incidents
    assert _traces(store) == []
    row = store.db["incidents"].get(recent.incident.id)
    assert (row["guest_name"], row["note"]) == ("Ana García", "window seat")
    actions = [r["action"] for r in store.db["audit_log"].rows_where(
        "action LIKE 'privacy.%'", order_by="id")]
    assert actions == ["privacy.guest_details_erased", "privacy.notes_erased"]
    assert not privacy.erase_expired_guest_details(store).incidents  # nothing left


def test_old_notes_stay_when_the_owner_turns_their_erasure_off(store):
    with store.db.atomic():
        settings.write(store.db, store.store_id, {"guest_contact_retention_days": 30,
                                                  "erase_old_notes": False})
    logged = _log(store, guest_name=NAME, note=NOTE)
    store.clock.advance(days=31)
    privacy.erase_expired_guest_details(store)
    row = store.db["incidents"].get(logged.incident.id)
    assert (row["guest_name"], row["note"]) == (None, NOTE)


def test_nothing_to_erase_costs_a_read_and_no_write(store):
    _log(store, guest_name=NAME)
    before = store.db.conn.total_changes
    assert privacy.erase_expired_guest_details(store).incidents is False
    assert store.db.conn.total_changes == before


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.entry", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_every_command_on_the_store_erases_what_is_past_retention(store, tmp_path):
    store.clock.set(START - timedelta(days=400))  # the CLI runs on today's clock
    logged = _log(store, guest_name=NAME, guest_contact=CONTACT, note=NOTE)
    path = tmp_path / "store.db"
    store.db.conn.close()

    done = _cli("followups", "--db", str(path))
    assert done.returncode == 0, done.stderr
    ctx = open_context(path)
    row = ctx.db["incidents"].get(logged.incident.id)
    assert (row["guest_name"], row["guest_contact"], row["note"]) == (None, None, None)
    assert _traces(ctx) == []
    store.db.conn = ctx.db.conn  # closed by the fixture


def test_erase_guest_command_says_how_many_and_audits_no_name(store, tmp_path):
    _guest_visit(store, store.clock)
    path = tmp_path / "store.db"
    store.db.conn.close()

    dry = _cli("erase-guest", "--db", str(path), "--name", NAME.upper(), "--dry-run")
    assert (dry.returncode, dry.stdout.strip()) == (0, "1 incident holds these guest details.")
    done = _cli("erase-guest", "--db", str(path), "--name", NAME.upper())
    assert (done.returncode, done.stdout.strip()) == (0, "Guest details erased from 1 incident.")
    again = _cli("erase-guest", "--db", str(path), "--contact", CONTACT)
    assert again.returncode == 0 and "nothing to erase" in again.stdout
    neither = _cli("erase-guest", "--db", str(path))
    assert neither.returncode == 2 and "Traceback" not in neither.stderr
    ctx = open_context(path)
    assert _traces(ctx) == []
    audit = " ".join(str(r["detail"]) for r in ctx.db["audit_log"].rows)
    assert "Quillfeather" not in audit and "913" not in audit
    store.db.conn = ctx.db.conn


@pytest.mark.gui
def test_the_app_erases_again_every_day_with_one_single_shot_timer(store, qtbot, fake_timers):
    from ui.controller import Controller
    from ui.retention import DAY_MS, RetentionTimer

    with store.db.atomic():
        settings.write(store.db, store.store_id, {"guest_contact_retention_days": 30})
    logged = _log(store, guest_name=NAME)
    controller = Controller(store)
    timer = RetentionTimer(controller, timer_factory=fake_timers)
    with qtbot.assertNotEmitted(controller.changed):
        timer.run()
    [made] = fake_timers.made
    assert made.single_shot and made.active and made.interval() == DAY_MS

    store.clock.advance(days=31)
    with qtbot.waitSignal(controller.changed) as blocker:
        made.fire()
    assert blocker.args[0].incidents
    assert store.db["incidents"].get(logged.incident.id)["guest_name"] is None
    assert made.active and made.starts[-1] == DAY_MS


@pytest.mark.gui
def test_back_office_finds_the_guest_shows_how_many_then_erases_on_confirm(store, qtbot):
    from ui.backoffice import BackOfficePage

    _guest_visit(store, store.clock)
    _log(store, guest_contact="913 57 246")
    page = BackOfficePage(Controller(store))
    qtbot.addWidget(page)
    page.unlock(staff.find_by_name(store, "Ingrid"))
    tab = page.guest_tab
    page.show_tab(tab)
    assert tab.erase_button.isHidden()

    tab.contact.setText("+47 91357246")
    tab.find_button.click()
    assert tab.message.text() == "2 incidents hold these guest details."
    assert not tab.erase_button.isHidden()
    assert tab.erase_button.text() == "Erase the guest's details from 2 incidents"
    tab.erase_button.click()

    assert tab.message.text() == "Guest details erased from 2 incidents."
    assert tab.erase_button.isHidden() and tab.contact.text() == ""
    assert _traces(store) == []
    [entry] = store.db["audit_log"].rows_where("action = 'privacy.guest_erased'")
    assert entry["staff_id"] == staff.find_by_name(store, "Ingrid").id


@pytest.mark.gui
def test_back_office_says_what_to_give_when_neither_contact_nor_name_is_typed(store, qtbot):
    from ui.backoffice import BackOfficePage

    page = BackOfficePage(Controller(store))
    qtbot.addWidget(page)
    page.unlock(staff.find_by_name(store, "Ingrid"))
    page.guest_tab.find_button.click()
    assert page.guest_tab.contact_field.error() == \
        "Give the guest's contact or name (one of the two)."
    assert page.guest_tab.erase_button.isHidden()


def test_an_import_keeps_no_guest_details_past_the_retention(store, tmp_path):
    from app.csvio import export_csv

    store.clock.set(START - timedelta(days=400))  # the CLI runs on today's clock
    _log(store, guest_name=NAME, guest_contact=CONTACT, note=NOTE)
    path = tmp_path / "old.csv"
    export_csv(store, path)
    fresh = tmp_path / "fresh.db"
    cli_init_store(fresh)
    done = _cli("import", "--db", str(fresh), "--pin", OWNER_PIN, str(path))
    assert done.returncode == 0, done.stderr
    ctx = open_context(fresh)
    [row] = ctx.db["incidents"].rows
    assert (row["guest_name"], row["guest_contact"], row["note"]) == (None, None, None)
    ctx.db.conn.close()
