"""The start-up check of the audit log and its red warning, on screen (pytest-qt)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from app import catalog, i18n, incidents, verify
from app.models import RemedyRequest
from db import audit as audit_db
from tests.conftest import cli_init_store
from tests.test_startup import _start
from ui.app import check_audit_log


def _log(ctx, code="free_drink"):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=None,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, code).id)])


def test_an_intact_store_starts_without_a_warning_and_remembers_where_it_checked(window, ctx):
    _log(ctx)
    check_audit_log(window)
    assert getattr(window, "tamper_banner", None) is None
    mark = audit_db.verified_mark(ctx.db, ctx.store_id)
    assert mark["entry_id"] == audit_db.last_entry(ctx.db, ctx.store_id)["id"]


def test_a_remedy_changed_behind_the_log_shows_the_red_warning(window, ctx, qtbot):
    verify.verify(ctx)  # the last run found everything intact
    logged = _log(ctx)
    ctx.db.execute("UPDATE incident_remedies SET amount_minor = 5 WHERE incident_id = ?",
                   [logged.incident.id])
    check_audit_log(window)
    banner = window.tamper_banner
    assert banner.isVisible()
    assert banner.title.text() == "The record of this store has been changed outside Comeback"
    assert "Call the owner" in banner.body.text() and "comeback verify" in banner.body.text()
    assert banner.first.text().startswith(
        f"First found: Remedy row 1 of incident {logged.incident.id}: amount is 0,05")
    # Above everything else in the window, on every page.
    assert window.banner_area.itemAt(0).widget() is banner
    qtbot.mouseClick(banner.details_button, Qt.LeftButton)
    assert "amount is 0,05" in banner.first.text()


def test_a_deleted_entry_since_the_last_check_shows_the_warning(window, ctx):
    verify.verify(ctx)
    _log(ctx)
    _log(ctx)
    conn = ctx.db.conn
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) - 1 FROM audit_log)")
    check_audit_log(window)
    assert "An entry between them was removed" in window.tamper_banner.first.text()


def test_the_warning_speaks_the_store_language(window, ctx):
    verify.verify(ctx)
    logged = _log(ctx)
    ctx.db.execute("UPDATE incident_remedies SET amount_minor = 5 WHERE incident_id = ?",
                   [logged.incident.id])
    i18n.set_language("nb")
    check_audit_log(window)
    assert window.tamper_banner.title.text() == \
        "Registeret for denne butikken er endret utenfor Comeback"


def test_the_real_start_checks_the_audit_log_after_the_first_paint(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    lines = _start(path)
    assert lines[0] == "loaded at paint: "  # the check costs nothing before the paint
    conn = sqlite3.connect(path)
    marked = conn.execute("SELECT entry_id FROM audit_verified").fetchone()
    assert marked == conn.execute("SELECT max(id) FROM audit_log").fetchone()


def test_the_owner_checks_the_whole_record_from_the_audit_tab(window, ctx, qtbot):
    from tests.conftest import OWNER_PIN
    from tests.test_backoffice import open_backoffice, show_tab

    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "audit_tab")
    qtbot.mouseClick(tab.verify_button, Qt.LeftButton)
    assert tab.verdict.isVisible()
    assert tab.verdict.text().startswith("Audit log: intact, ")
    logged = _log(ctx)
    ctx.db.execute("UPDATE incident_remedies SET amount_minor = 5 WHERE incident_id = ?",
                   [logged.incident.id])
    qtbot.mouseClick(tab.verify_button, Qt.LeftButton)
    assert tab.verdict.text().startswith("Audit log: BROKEN, changed outside Comeback")
