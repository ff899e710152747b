"""Slips on a network receipt printer, for real over loopback: a local "printer" on 127.0.0.1
keeps what it receives, and goes silent or hangs up mid-slip when told to. The counter keeps
taking taps, the voucher is saved, the bar offers Reprint, and the reprint arrives whole."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QApplication

from app import catalog, slips, store_admin
from app.slip_escpos import slip_bytes
from bench.loopback_printer import LoopbackPrinter
from db.incidents import count_incidents
from ui.counter import CATEGORIES
from ui.slip_bar import SlipBar
from ui.slip_printing import slip_printer

pytestmark = pytest.mark.gui


@pytest.fixture
def loopback():
    with LoopbackPrinter(lifetime=60) as printer:
        yield printer


@pytest.fixture
def counter(window, ctx, people, loopback):
    store_admin.update_settings(ctx, people["Ingrid"],
                                {"printer": f"network:127.0.0.1:{loopback.port}"})
    # Short enough that a silent printer fails fast, long enough for a loopback printer
    # thread on a machine busy with other work (0.5 s failed there now and then).
    slip_printer(window.controller).timeout = 2.0
    return window.page("counter")


def _tap_voucher(page):
    ctx = page.ctx
    page.pick_category(catalog.category_by_code(ctx, "cold_food"))
    return page.give([catalog.remedy_by_code(ctx, "voucher")])


def _voucher_rows(ctx) -> list[dict]:
    return list(ctx.db["vouchers"].rows)


def test_a_voucher_slip_arrives_whole_at_the_network_printer(qtbot, counter, loopback):
    printer = slip_printer(counter.controller)
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        logged = _tap_voucher(counter)
    [received] = loopback.received()
    assert slip_bytes(slips.voucher_slip(counter.ctx, logged.voucher_codes[0])) in received
    assert received.startswith(b"\x10\x04\x02") and received.endswith(b"\x10\x04\x02")
    bar = counter.findChild(SlipBar)
    assert bar is not None and not bar.isVisible()


@pytest.mark.parametrize("trouble", ["silent", "close"])
def test_a_printer_failing_mid_slip_leaves_the_counter_working_and_the_reprint_arrives_whole(
        qtbot, counter, loopback, trouble):
    loopback.misbehave(trouble, after=150)
    first = _tap_voucher(counter)
    # The counter is not waiting for the printer: the next tap saves at once.
    started = time.perf_counter()
    second = _tap_voucher(counter)
    assert time.perf_counter() - started < 0.3
    assert count_incidents(counter.ctx.db, counter.ctx.store_id) == 2
    assert {r["code"] for r in _voucher_rows(counter.ctx)} == {
        first.voucher_codes[0], second.voucher_codes[0]}
    assert counter.step == CATEGORIES

    qtbot.waitUntil(lambda: counter.findChild(SlipBar) is not None
                    and len(counter.findChild(SlipBar).failed_jobs) == 2, timeout=10_000)
    bar = counter.findChild(SlipBar)
    assert bar.isVisible() and bar.reprint_button.isVisible()
    assert bar.label.text().startswith("2 slips not printed — The printer at 127.0.0.1:")
    assert "tap Reprint" in bar.label.text()
    cut_short = loopback.received()
    assert all(len(data) <= 150 for data in cut_short)

    loopback.misbehave("ok")
    bar.reprint_button.click()
    qtbot.waitUntil(lambda: bar.label.text() == "Slip printed.", timeout=10_000)
    assert not bar.reprint_button.isVisible()
    reprinted = loopback.received()[len(cut_short):]
    for logged in (first, second):
        whole = slip_bytes(slips.voucher_slip(counter.ctx, logged.voucher_codes[0]))
        assert sum(whole in data for data in reprinted) == 1


def test_no_printer_prints_nothing_and_the_code_is_on_screen(qtbot, window, ctx, loopback):
    page = window.page("counter")
    logged = _tap_voucher(page)
    QApplication.processEvents()  # where the slips would be queued
    assert logged.voucher_codes[0] in page.confirm_bar.line_label.text()
    assert page.findChild(SlipBar) is None and loopback.received() == []


def test_the_sorry_card_prints_for_every_incident_when_the_store_wants_it(
        qtbot, counter, loopback, people):
    store_admin.update_settings(counter.ctx, people["Ingrid"], {"sorry_slip": True})
    printer = slip_printer(counter.controller)
    ctx = counter.ctx
    counter.pick_category(catalog.category_by_code(ctx, "cold_food"))
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        counter.give([catalog.remedy_by_code(ctx, "remake")])
    [received] = loopback.received()
    assert b"We're sorry" in received and b"Marco, manager" in received


def test_a_voucher_card_pdf_is_saved_without_a_receipt_printer(qtbot, window, ctx, people,
                                                               tmp_path):
    store_admin.update_settings(ctx, people["Ingrid"], {"printer": f"pdf:{tmp_path}"})
    page = window.page("counter")
    printer = slip_printer(window.controller)
    with qtbot.waitSignal(printer.printed, timeout=10_000) as done:
        logged = _tap_voucher(page)
    path = tmp_path / f"voucher-{logged.voucher_codes[0]}.pdf"
    assert done.args[1] == str(path) and path.read_bytes().startswith(b"%PDF")
    bar = page.findChild(SlipBar)
    assert bar.isVisible() and bar.label.text() == f"Voucher card saved: {path}"


def test_the_queue_reprints_the_slips_of_an_incident(qtbot, counter, loopback):
    printer = slip_printer(counter.controller)
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        logged = _tap_voucher(counter)
    window = counter.window()
    window.show_page("followups")
    queue = window.reminders.queue
    row = next(r for r in queue.rows if r.item.incident.id == logged.incident.id)
    assert row.reprint_button.isVisibleTo(row) and row.reprint_button.text() == "Reprint slip"
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        row.reprint_button.click()
    first, again = loopback.received()
    assert first == again


def test_print_a_test_slip_from_the_back_office(qtbot, ctx, people, loopback):
    from app import staff
    from ui.backoffice import BackOfficePage
    from ui.controller import Controller

    page = BackOfficePage(Controller(ctx))
    qtbot.addWidget(page)
    page.unlock(staff.find_by_name(ctx, "Ingrid"))
    tab = page.printer_tab
    tab.test_button.click()
    assert tab.test_message.text().startswith("No printer is set")
    tab.form.inputs["printer"].setText(f"network:127.0.0.1:{loopback.port}")
    tab.form.inputs["paper_width_mm"].setCurrentIndex(1)  # 58 mm
    tab.test_button.click()
    assert ctx.settings().printer.endswith(str(loopback.port))
    assert ctx.settings().paper_width_mm == 58
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=10_000)
    assert tab.test_message.text().startswith("The test slip went to the printer")
    [received] = loopback.received()
    assert b"Test slip" in received and b"58 mm paper, 32 characters" in received


def test_a_printer_setting_that_makes_no_sense_is_shown_next_to_the_field(qtbot, ctx, people):
    from app import staff
    from ui.backoffice import BackOfficePage
    from ui.controller import Controller

    page = BackOfficePage(Controller(ctx))
    qtbot.addWidget(page)
    page.unlock(staff.find_by_name(ctx, "Ingrid"))
    tab = page.printer_tab
    tab.form.inputs["printer"].setText("lpt1")
    tab.test_button.click()
    assert tab.form.fields["printer"].error().startswith("Slip printer: start with network:")
    assert ctx.settings().printer == ""


def test_the_printer_worker_starts_at_warm_up_only_when_a_receipt_printer_is_set(
        window, ctx, people, loopback):
    from ui.slip_printing import warm_up_printer

    warm_up_printer(window.controller)  # no printer yet: nothing made, no thread
    assert getattr(window.controller, "slip_printer", None) is None
    store_admin.update_settings(ctx, people["Ingrid"],
                                {"printer": f"network:127.0.0.1:{loopback.port}"})
    warm_up_printer(window.controller)
    printer = slip_printer(window.controller)
    assert printer._worker is not None and printer._worker.is_alive()
    assert loopback.received() == []  # warming up sends nothing to the printer
    printer.stop()
