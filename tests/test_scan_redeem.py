"""Scan to redeem: a scanner types the code and Enter into the counter window, whatever has
the focus; the voucher is redeemed as if typed into the redeem box. Typing by hand — a digit
that picks a tile, text in a details field — is left alone."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import catalog, incidents, vouchers
from app.models import RemedyRequest
from db.incidents import count_incidents
from ui.counter import CATEGORIES, REMEDIES
from ui.scan_redeem import ScanCatcher

pytestmark = pytest.mark.gui


def _voucher(ctx, people) -> str:
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "long_wait").id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id)])
    return logged.voucher_codes[0]


def _redeemed_at(ctx, code: str) -> str | None:
    return next(ctx.db["vouchers"].rows_where("code = ?", [code]))["redeemed_at"]


@pytest.fixture
def counter(window):
    page = window.page("counter")
    page.setFocus()
    return page


def _scan(window, text: str) -> None:
    QTest.keyClicks(window, text)
    QTest.keyClick(window, Qt.Key_Return)


def test_a_scanned_code_is_redeemed_without_focusing_the_box(window, counter, ctx, people):
    code = _voucher(ctx, people)
    assert not window.reminders.queue.voucher.code_edit.hasFocus()

    _scan(window, code)

    assert _redeemed_at(ctx, code) is not None
    assert counter.status().startswith(f"Welcome back! Voucher {code} for")
    assert counter.step == CATEGORIES and count_incidents(ctx.db, ctx.store_id) == 1


def test_a_qr_code_without_the_dash_in_lower_case_is_the_same_code(window, counter, ctx, people):
    code = _voucher(ctx, people)
    _scan(window, code.replace("-", "").lower())
    assert _redeemed_at(ctx, code) is not None


def test_a_scan_on_the_remedy_step_redeems_and_gives_nothing(window, counter, ctx, people):
    code = _voucher(ctx, people)
    counter.pick_category(catalog.categories(ctx)[0])
    _scan(window, code)
    assert _redeemed_at(ctx, code) is not None
    assert counter.step == REMEDIES and count_incidents(ctx.db, ctx.store_id) == 1


def test_a_code_scanned_twice_gets_the_same_message_as_typing_it(window, counter, ctx, people):
    code = _voucher(ctx, people)
    vouchers.redeem(ctx, code, people["Sam"])
    _scan(window, code)
    assert counter.status().startswith(f"Voucher {code} was already redeemed on")
    _scan(window, "KKK-KKK")
    assert counter.status().startswith("No voucher with code KKK-KKK")


def test_a_scan_on_the_follow_up_page_shows_in_its_box(window, ctx, people):
    code = _voucher(ctx, people)
    window.show_page("followups")
    queue = window.reminders.queue
    queue.setFocus()
    _scan(queue, code)
    assert queue.voucher.message().startswith("Welcome back!")


def test_a_digit_typed_by_hand_still_picks_its_tile(window, counter, ctx):
    catcher = window.findChild(ScanCatcher)
    QTest.keyClick(counter, "3")
    assert counter.step == CATEGORIES  # held back a moment: it could be a scan
    catcher.timer.timeout.emit()  # nothing followed
    assert counter.step == REMEDIES
    assert counter.remedy_step.category.id == catalog.categories(ctx)[2].id


def test_keys_typed_slowly_are_not_a_scan(window, counter, ctx, people):
    code = _voucher(ctx, people)
    catcher = window.findChild(ScanCatcher)
    ticks = itertools.count(0, 0.2)  # a key every 200 ms: a person
    catcher.clock = lambda: next(ticks)
    _scan(window, code)
    assert _redeemed_at(ctx, code) is None


def test_a_code_typed_into_a_details_field_stays_there(window, counter, ctx, people):
    code = _voucher(ctx, people)
    counter.details_toggle.setChecked(True)
    note = counter.details.note_edit
    note.setFocus()
    QTest.keyClicks(note, code)
    assert note.toPlainText() == code and _redeemed_at(ctx, code) is None


def test_the_back_office_is_not_listening(window, ctx, people):
    code = _voucher(ctx, people)
    backoffice = window.page("backoffice")
    from app import staff

    backoffice.unlock(staff.find_by_name(ctx, "Ingrid"))
    window.show_page("backoffice")
    _scan(window, code)
    assert _redeemed_at(ctx, code) is None
