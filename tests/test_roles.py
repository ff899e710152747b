"""docs/roles.md is the rule: every cell of its table is checked against the services."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from app import (
    admin,
    catalog,
    catalog_admin,
    followups,
    incidents,
    roles,
    staff,
    store_admin,
    vouchers,
)
from app.approval import Approval
from app.errors import ApprovalRequired, NotAllowed, PinRejected
from app.models import RemedyRequest, Role
from app.report_access import may_print, save_pdf, summary_for
from tests.conftest import MANAGER_PIN, OWNER_PIN

DOC = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
ROLE_COLUMNS = ("cashier", "manager", "owner")
SAM_PIN = "5830"


def roles_table() -> dict[str, dict[str, bool]]:
    text = DOC.read_text(encoding="utf-8")
    body = re.search(r"<!-- roles-table:start -->\n(.*?)<!-- roles-table:end -->", text, re.S)
    assert body, "docs/roles.md lost its roles-table markers"
    lines = [line for line in body.group(1).splitlines() if line.startswith("|")]
    head = [cell.strip().lower() for cell in lines[0].strip("|").split("|")]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        key = cells[head.index("key")].strip("`")
        table[key] = {role: cells[head.index(role)] == "yes" for role in ROLE_COLUMNS}
    return table


TABLE = roles_table()
CELLS = [(action, role) for action in TABLE for role in ROLE_COLUMNS]


def test_the_table_in_the_docs_is_the_table_in_the_code():
    assert set(TABLE) == set(roles.ALLOWED)
    for action, allowed in TABLE.items():
        assert {Role(r) for r, yes in allowed.items() if yes} == roles.ALLOWED[action], action


@pytest.fixture
def crew(ctx, people):
    """Ingrid (owner), Marco (manager), Sam (cashier, with a PIN) and Jan (another cashier,
    who gives when someone else's approval is being tried)."""
    staff.set_pin(ctx, people["Sam"], SAM_PIN, by=people["Ingrid"])
    jan, _changes = staff.add_staff(ctx, "Jan", Role.CASHIER)
    return {"owner": people["Ingrid"], "manager": people["Marco"], "cashier": people["Sam"],
            "jan": jan.id}


def _log(ctx, by, code="remake", amount=None, approval=None):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=by,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, code).id, amount)],
        approval=approval)


def _approval(ctx, staff_id):
    return Approval(staff_id, "", ctx.clock.now())


def _undo_approved(ctx, crew, who):
    logged = _log(ctx, crew["jan"], "refund", approval=_approval(ctx, crew["owner"]))
    incidents.void_incident(ctx, logged.incident.id, who)


def _outcome(ctx, crew, who):
    logged = _log(ctx, crew["owner"])
    followups.record_outcome(ctx, logged.followup.id, "satisfied", who)


def _reports(ctx, crew, who, tmp_path):
    week = "2026-W47"
    summary = summary_for(ctx, week, who)
    may_print(ctx, who)
    save_pdf(ctx, summary, tmp_path / "week.pdf", who)


def _chain(ctx, crew, who, tmp_path):
    from app.chain import chain_for, save_chain_pdf

    report = chain_for(ctx, "2026-W47", who)
    save_chain_pdf(ctx, report, tmp_path / "chain.pdf", who)


def _redeem(ctx, crew, who):
    logged = _log(ctx, crew["owner"], "voucher")
    vouchers.redeem(ctx, logged.voucher_codes[0], who)


PINS = {"owner": OWNER_PIN, "manager": MANAGER_PIN, "cashier": SAM_PIN}
SERVICES = {
    "log": lambda ctx, crew, who, role, tmp: _log(ctx, who),
    "redeem": lambda ctx, crew, who, role, tmp: _redeem(ctx, crew, who),
    "undo": lambda ctx, crew, who, role, tmp: incidents.void_incident(
        ctx, _log(ctx, who).incident.id, who),
    "undo_approved": lambda ctx, crew, who, role, tmp: _undo_approved(ctx, crew, who),
    "approve_above_cashier_limit": lambda ctx, crew, who, role, tmp: _log(
        ctx, crew["jan"], "refund", approval=_approval(ctx, who)),
    "approve_above_manager_limit": lambda ctx, crew, who, role, tmp: _log(
        ctx, crew["jan"], "refund", ctx.settings().manager_limit + 1,
        approval=_approval(ctx, who)),
    "record_outcome": lambda ctx, crew, who, role, tmp: _outcome(ctx, crew, who),
    "reports": lambda ctx, crew, who, role, tmp: _reports(ctx, crew, who, tmp),
    "back_office": lambda ctx, crew, who, role, tmp: admin.open_back_office(ctx, PINS[role]),
    "catalog": lambda ctx, crew, who, role, tmp: catalog_admin.set_category_hidden(
        ctx, who, catalog.category_by_code(ctx, "dirty_table").id, True),
    "staff": lambda ctx, crew, who, role, tmp: admin.save_staff(
        ctx, who, None, name="Tereza", role="cashier"),
    "rules": lambda ctx, crew, who, role, tmp: catalog_admin.remove_rule(
        ctx, who, catalog_admin.rules(ctx)[0].id),
    "settings": lambda ctx, crew, who, role, tmp: store_admin.update_settings(
        ctx, who, {"store_name": "Fjord Kafé 2"}),
    "audit": lambda ctx, crew, who, role, tmp: admin.read_audit(ctx, who),
    "chain_report": lambda ctx, crew, who, role, tmp: _chain(ctx, crew, who, tmp),
}


def test_every_action_in_the_table_has_a_service_check():
    assert set(SERVICES) == set(TABLE)


@pytest.mark.parametrize("action, role", CELLS)
def test_each_cell_of_the_roles_table_holds_in_the_services(ctx, crew, clock, tmp_path,
                                                             action, role):
    clock.set(clock.now() + timedelta(days=1))
    who = crew[role]
    if TABLE[action][role]:
        SERVICES[action](ctx, crew, who, role, tmp_path)
    else:
        with pytest.raises((NotAllowed, ApprovalRequired, PinRejected)):
            SERVICES[action](ctx, crew, who, role, tmp_path)
