"""Issue 11: each way around the approval rule, and each new rule, closed through the
service and the command line. Test names say the path they close."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from app import approval, demo, followups, incidents, settings, staff, store_admin
from app.approval import Approval
from app.catalog import category_by_code, remedy_by_code
from app.cli import main
from app.errors import ApprovalLocked, ApprovalRequired, PinRejected, StateError, ValidationError
from app.models import RemedyRequest, Role
from app.setup import init_store
from app.summary import weekly_summary
from db.connection import open_database
from tests.conftest import MANAGER_PIN, OWNER_PIN, cli_init_store

ROOT = Path(__file__).resolve().parent.parent


def _log(ctx, who, *remedies, approval=None, category="cold_food"):
    return incidents.log_incident(
        ctx, category_id=category_by_code(ctx, category).id, staff_id=who,
        remedies=[RemedyRequest(remedy_by_code(ctx, code).id, amount)
                  for code, amount in remedies], approval=approval)


def _grant(ctx, staff_id):
    return Approval(staff_id, "", ctx.clock.now())


def _audit(ctx, action):
    return [dict(row, detail=json.loads(row["detail"] or "{}")) for row in ctx.db.query(
        "SELECT * FROM audit_log WHERE action = ? ORDER BY id", [action])]


@pytest.fixture
def store_db(cli_db):
    path = cli_db
    cli_init_store(path)
    return path


def _cli(path, *args):
    return main([args[0], "--db", str(path), *args[1:]])


def _rows(path, table):
    database = open_database(path)
    try:
        return list(database[table].rows)
    finally:
        database.close()


# -- 1. one approval rule on the value actually given ------------------------------------------

def test_service_log_a_free_drink_of_ten_million_needs_the_owner(ctx, people):
    with pytest.raises(ApprovalRequired) as needed:
        _log(ctx, people["Sam"], ("free_drink", 1_000_000_000))
    assert needed.value.role is Role.OWNER
    with pytest.raises(ApprovalRequired):  # a manager may not approve it either
        _log(ctx, people["Sam"], ("free_drink", 1_000_000_000),
             approval=_grant(ctx, people["Marco"]))
    assert ctx.db["incidents"].count == 0
    logged = _log(ctx, people["Sam"], ("free_drink", 1_000_000_000),
                  approval=_grant(ctx, people["Ingrid"]))
    assert logged.incident.remedies[0].approved_by == people["Ingrid"]


def test_cli_log_free_drink_of_a_billion_minor_units_is_refused_without_a_pin(store_db, capsys):
    assert _cli(store_db, "log", "--category", "cold_food",
                "--remedy", "free_drink:10000000") == 2  # a billion minor units
    assert "needs the owner's PIN" in capsys.readouterr().err
    assert _rows(store_db, "incidents") == []


def test_cli_log_remake_500000_needs_a_managers_pin(store_db, capsys):
    assert _cli(store_db, "log", "--category", "cold_food", "--remedy", "remake:5000") == 2
    assert "PIN" in capsys.readouterr().err
    assert _cli(store_db, "log", "--category", "cold_food", "--remedy", "remake:5000",
                "--pin", OWNER_PIN) == 0
    assert _rows(store_db, "incident_remedies")[0]["approved_by"] == 1


def test_service_remedies_without_a_threshold_stop_at_the_cashier_limit(ctx, people):
    limit = ctx.settings().cashier_limit
    _log(ctx, people["Sam"], ("remake", limit))  # up to the limit: no PIN
    with pytest.raises(ApprovalRequired) as needed:
        _log(ctx, people["Sam"], ("remake", limit + 1))
    assert needed.value.role is Role.MANAGER


def test_service_small_remedies_add_up_to_the_cashier_limit(ctx, people):
    limit = ctx.settings().cashier_limit
    with pytest.raises(ApprovalRequired):
        _log(ctx, people["Sam"], ("remake", limit // 2 + 1), ("free_dessert", limit // 2 + 1))


def test_service_a_remedys_own_threshold_can_only_be_lower(ctx, people):
    refund = remedy_by_code(ctx, "refund")
    assert refund.approval_above_minor < ctx.settings().cashier_limit
    with pytest.raises(ApprovalRequired):
        _log(ctx, people["Sam"], ("refund", refund.approval_above_minor + 1))
    with ctx.db.atomic():  # a store-wide limit below a remedy's threshold wins
        settings.write(ctx.db, ctx.store_id, {"cashier_limit": 1000})
    with pytest.raises(ApprovalRequired):
        _log(ctx, people["Sam"], ("remake", 1001))


def test_service_tiers_cashier_then_manager_then_owner(ctx, people):
    s = ctx.settings()
    marco, ingrid, sam = people["Marco"], people["Ingrid"], people["Sam"]
    _log(ctx, marco, ("remake", s.manager_limit))  # a manager gives up to his limit
    with pytest.raises(ApprovalRequired) as needed:
        _log(ctx, marco, ("remake", s.manager_limit + 1))
    assert needed.value.role is Role.OWNER
    _log(ctx, ingrid, ("remake", s.manager_limit * 10))  # the owner: no limit
    _log(ctx, sam, ("remake", s.manager_limit), approval=_grant(ctx, marco))


def test_service_further_remedy_counts_what_was_given_before(ctx, people):
    sam, marco = people["Sam"], people["Marco"]
    limit = ctx.settings().cashier_limit
    logged = _log(ctx, sam, ("remake", limit - 100))
    followups.record_outcome(ctx, logged.followup.id, "unhappy", marco)
    with pytest.raises(ApprovalRequired):
        followups.further_remedy(ctx, logged.incident.id,
                                 [RemedyRequest(remedy_by_code(ctx, "free_drink").id, 200)], sam)
    result = followups.further_remedy(
        ctx, logged.incident.id, [RemedyRequest(remedy_by_code(ctx, "free_drink").id, 200)],
        sam, approval=_grant(ctx, marco))
    assert result.followup.incident_id == logged.incident.id
    assert _audit(ctx, "incident.further_remedy")[0]["detail"]["approved_by"] == marco


def test_service_four_eyes_a_manager_does_not_approve_his_own_refund(ctx, people):
    marco = people["Marco"]
    with pytest.raises(ApprovalRequired, match="someone else must approve") as needed:
        _log(ctx, marco, ("refund", 25000), approval=_grant(ctx, marco))
    assert needed.value.not_by == marco
    with pytest.raises(PinRejected):  # his own PIN is not asked: it does not approve
        approval.authorize(ctx, MANAGER_PIN, exclude=needed.value.not_by)
    grant = approval.authorize(ctx, OWNER_PIN, exclude=needed.value.not_by)
    assert _log(ctx, marco, ("refund", 25000), approval=grant).incident.remedies[0] \
        .approved_by == people["Ingrid"]


def test_cli_log_four_eyes_a_manager_gives_and_another_approves(store_db, capsys):
    ctx_db = open_database(store_db)
    from app.context import Context

    ctx = Context(ctx_db)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    ctx_db.close()
    base = ["log", "--category", "cold_food", "--remedy", "refund", "--staff", "Marco",
            "--staff-pin", MANAGER_PIN]
    assert _cli(store_db, *base, "--pin", MANAGER_PIN) == 2
    assert "not a manager's or owner's PIN" in capsys.readouterr().err
    assert _cli(store_db, *base, "--pin", OWNER_PIN, "--approver", "Ingrid") == 0
    [given] = _rows(store_db, "incident_remedies")
    assert given["approved_by"] == 1


def test_service_four_eyes_off_is_audited_and_lets_an_owner_alone_approve(ctx, people):
    ingrid = people["Ingrid"]
    with pytest.raises(ApprovalRequired):
        _log(ctx, ingrid, ("refund", 25000), approval=_grant(ctx, ingrid))
    store_admin.update_settings(ctx, ingrid, {"four_eyes": False})
    [changed] = [e for e in _audit(ctx, "setting.changed") if e["detail"]["name"] == "four_eyes"]
    assert changed["staff_id"] == ingrid and changed["detail"]["new"] is False
    _log(ctx, ingrid, ("refund", 25000), approval=_grant(ctx, ingrid))
    with pytest.raises(Exception, match="Only the owner"):
        store_admin.update_settings(ctx, people["Marco"], {"four_eyes": True})


def test_cli_log_as_a_manager_needs_that_managers_pin(store_db, capsys):
    assert _cli(store_db, "log", "--category", "cold_food", "--remedy", "remake:900",
                "--staff", "Ingrid") == 2
    assert "--staff-pin" in capsys.readouterr().err
    assert _cli(store_db, "log", "--category", "cold_food", "--remedy", "remake:900",
                "--staff", "Ingrid", "--staff-pin", "1357") == 2
    assert _rows(store_db, "incidents") == []
    assert _cli(store_db, "log", "--category", "cold_food", "--remedy", "remake:900",
                "--staff", "Ingrid", "--staff-pin", OWNER_PIN) == 0


def test_service_weekly_summary_says_who_approved_how_much(ctx, people, clock):
    _log(ctx, people["Sam"], ("refund", 25000), approval=_grant(ctx, people["Marco"]))
    _log(ctx, people["Sam"], ("remake", 50000), approval=_grant(ctx, people["Ingrid"]))
    _log(ctx, people["Sam"], ("voucher", 20000), approval=_grant(ctx, people["Marco"]))
    summary = weekly_summary(ctx, "2026-W47")
    assert [(a.name, a.approvals, a.value_minor) for a in summary.approvers] == [
        ("Ingrid", 1, 50000), ("Marco", 2, 45000)]
    from app.report_text import approvals_line

    assert approvals_line(summary).startswith("Approved by: Ingrid ")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_prints_who_approved(ctx, people, clock, tmp_path):
    from app.pdf import render_pdf
    from tests.test_pdf import pdf_text

    _log(ctx, people["Sam"], ("refund", 25000), approval=_grant(ctx, people["Marco"]))
    clock.advance(days=7)
    render_pdf(weekly_summary(ctx, "2026-W47"), tmp_path / "week.pdf")
    text = " ".join(pdf_text(tmp_path / "week.pdf").split())
    assert "Approved by: Marco 250 kr (1 remedy)" in text


# -- 2. demo -------------------------------------------------------------------------------------

def test_service_demo_refuses_a_store_it_did_not_make(ctx):
    before = ctx.db["audit_log"].count
    with pytest.raises(StateError, match="real store"):
        demo.generate(ctx, weeks=1)
    assert ctx.db["audit_log"].count == before and ctx.db["incidents"].count == 0


def _dump(path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.sqlite_only  # compares the file's SQL dump
def test_cli_demo_on_a_real_store_exits_2_and_writes_nothing(store_db, capsys):
    before = _dump(store_db)
    assert _cli(store_db, "demo", "--weeks", "1") == 2
    assert "real store" in capsys.readouterr().err
    assert _cli(store_db, "demo", "--weeks", "1", "--if-empty") == 2
    assert _rows(store_db, "incidents") == [] and len(_rows(store_db, "staff")) == 1
    assert _dump(store_db) == before  # every row of every table as it was


def test_cli_demo_prints_random_pins_that_work_and_are_new_each_run(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert _cli(path, "demo", "--weeks", "1") == 0
    first = dict(re.findall(r"^\s+(\w+) \(\w+\): (\d{4})$", capsys.readouterr().out, re.M))
    assert set(first) >= {"Ingrid", "Marco", "Aisha", "Sam"}
    from app.context import open_context

    ctx = open_context(path)
    assert approval.authorize(ctx, first["Ingrid"], min_role=Role.OWNER).staff_name == "Ingrid"
    ctx.db.close()
    assert _cli(path, "demo", "--weeks", "1", "--if-empty") == 0  # its own store: new PINs
    second = dict(re.findall(r"^\s+(\w+) \(\w+\): (\d{4})$", capsys.readouterr().out, re.M))
    assert set(second) == set(first) and second != first


def test_no_demo_pin_is_a_constant_in_the_source_or_the_readme():
    source = (ROOT / "app" / "demo.py").read_text(encoding="utf-8")
    assert not re.search(r"[\"']\d{4,8}[\"']", source)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"(--pin|--owner-pin)\s+\d{4}", readme)


# -- 3. PINs and lockout -------------------------------------------------------------------------

def test_service_setting_a_pin_someone_else_uses_says_nothing(ctx, people):
    staff.set_pin(ctx, people["Marco"], OWNER_PIN, by=people["Marco"])  # no oracle: no error
    assert approval.authorize(ctx, OWNER_PIN, staff_id=people["Marco"]).staff_id == \
        people["Marco"]


def test_service_every_pin_attempt_counts_toward_the_one_lockout(ctx, people):
    from app import admin

    staff.set_pin(ctx, people["Sam"], "5830", by=people["Ingrid"])
    assert not staff.verify_pin(ctx, people["Sam"], "1111")  # a sign-in
    with pytest.raises(PinRejected):
        approval.sign_in_check(ctx, people["Marco"], "1111")  # the outcome's name + PIN
    with pytest.raises(PinRejected):
        admin.open_back_office(ctx, "1111")  # the back office
    with pytest.raises(PinRejected):
        approval.authorize(ctx, "1111")  # an approval
    with pytest.raises(ApprovalLocked):
        approval.sign_in_check(ctx, people["Sam"], "2222")
    with pytest.raises(ApprovalLocked):  # the right PIN during the lock: refused
        approval.sign_in_check(ctx, people["Sam"], "5830")
    assert len(_audit(ctx, "approval.pin_failed")) == 5
    assert len(_audit(ctx, "approval.pin_refused_locked")) == 1


def test_service_init_requires_an_owner_with_a_pin(bare_ctx):
    with pytest.raises(ValidationError) as caught:
        init_store(bare_ctx, store_name="X")
    assert caught.value.field == "owner_name"
    with pytest.raises(ValidationError) as caught:
        init_store(bare_ctx, store_name="X", owner_name="Eva")
    assert caught.value.field == "owner_pin"
    assert bare_ctx.db["stores"].count == 0


def test_cli_init_without_an_owner_exits_2(tmp_path, capsys):
    path = tmp_path / "x.db"
    with pytest.raises(SystemExit) as exited:  # argparse: required options
        main(["init", "--db", str(path), "--store", "X"])
    assert exited.value.code == 2
    assert "--owner" in capsys.readouterr().err
    assert not path.exists() or open_database(path)["stores"].count == 0


def test_service_the_last_active_owner_cannot_be_deactivated_or_demoted(ctx, people):
    ingrid = people["Ingrid"]
    with pytest.raises(ValidationError, match="at least one active owner"):
        staff.update_staff(ctx, ingrid, by=ingrid, active=False)
    with pytest.raises(ValidationError, match="at least one active owner"):
        staff.update_staff(ctx, ingrid, by=ingrid, role=Role.MANAGER)
    staff.update_staff(ctx, people["Marco"], by=ingrid, role=Role.OWNER)
    staff.update_staff(ctx, ingrid, by=ingrid, active=False)  # now someone else is owner


def test_cli_reset_pin_prints_what_it_did_and_is_audited(store_db, capsys):
    assert _cli(store_db, "reset-pin", "--staff", "Ingrid") == 0
    out = capsys.readouterr().out
    pin = re.search(r"New PIN for Ingrid \(Owner\): (\d{4})", out).group(1)
    assert "audit log" in out
    from app.context import open_context

    ctx = open_context(store_db)
    assert approval.authorize(ctx, pin, min_role=Role.OWNER).staff_name == "Ingrid"
    [entry] = _audit(ctx, "staff.pin_reset")
    assert entry["detail"] == {"name": "Ingrid", "via": "command line"}
    ctx.db.close()
    assert _cli(store_db, "reset-pin", "--staff", "Nobody") == 2


# -- 4. who may do what ---------------------------------------------------------------------------

def test_service_undo_of_an_approved_refund_needs_a_manager(ctx, people, clock):
    sam, marco = people["Sam"], people["Marco"]
    logged = _log(ctx, sam, ("refund", 25000), approval=_grant(ctx, marco))
    clock.advance(seconds=10)
    with pytest.raises(ApprovalRequired, match="needs a manager"):
        incidents.void_incident(ctx, logged.incident.id, sam)
    incidents.void_incident(ctx, logged.incident.id, sam, approval=_grant(ctx, marco))
    assert _audit(ctx, "incident.voided")[0]["detail"]["approved_by"] == marco


def test_service_outcome_is_recorded_only_under_a_manager(ctx, people):
    from app.errors import NotAllowed

    logged = _log(ctx, people["Sam"], ("remake", None))
    with pytest.raises(NotAllowed):
        followups.record_outcome(ctx, logged.followup.id, "satisfied", people["Sam"])
    followups.record_outcome(ctx, logged.followup.id, "satisfied", people["Marco"])
    assert ctx.db["followups"].get(logged.followup.id)["done_by"] == people["Marco"]


def test_service_the_cashier_limit_cannot_be_above_the_manager_limit(ctx, people):
    with pytest.raises(ValidationError) as caught:
        store_admin.update_settings(ctx, people["Ingrid"], {"cashier_limit": 10**7})
    assert caught.value.field == "cashier_limit"
    store_admin.update_settings(ctx, people["Ingrid"], {"cashier_limit": 10**7,
                                                         "manager_limit": 10**8})
    assert ctx.settings().cashier_limit == 10**7


def test_service_back_office_a_manager_taking_the_owners_pin_is_told_nothing(ctx, people):
    from app import admin

    marco = staff.get_staff(ctx, people["Marco"])
    member, _changes = admin.save_staff(ctx, marco.id, marco.id, name="Marco", role="manager",
                                        pin=OWNER_PIN, pin_confirm=OWNER_PIN)
    assert member.has_pin  # saved like any other PIN: nothing says whose it also is


def test_cli_reset_pin_to_a_pin_someone_else_uses_says_nothing_of_them(store_db, capsys):
    assert _cli(store_db, "reset-pin", "--staff", "Ingrid", "--pin", "2580") == 0
    out = capsys.readouterr().out
    assert out.startswith("Ingrid (Owner) now has the PIN you gave.")
    assert "already" not in out and "2580" not in out


def test_service_four_eyes_the_givers_own_pin_never_approves_even_if_another_has_it(ctx,
                                                                                    people):
    from app import admin

    aisha, _changes = staff.add_staff(ctx, "Aisha", Role.MANAGER, "2580")
    marco = people["Marco"]
    admin.save_staff(ctx, marco, marco, name="Marco", role="manager", pin="2580",
                     pin_confirm="2580")  # by chance the same as Aisha's: nobody is told
    with pytest.raises(PinRejected):
        approval.authorize(ctx, "2580", exclude=marco)  # Marco gives, types his own PIN
    assert approval.authorize(ctx, "2580", exclude=people["Sam"]).staff_id in (marco, aisha.id)
