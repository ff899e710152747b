"""The chain view of the Reports screen (offscreen, SQLite): three stores, the owner only."""

from __future__ import annotations

import pytest

from app import staff
from app.summary import Week
from tests.chain_stores import build_three_stores
from ui.controller import Controller
from ui.reports import ReportsPage


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def chain(db, clock):
    return build_three_stores(db, clock)


def reports_for(qtbot, ctx, name: str, saved: list | None = None) -> ReportsPage:
    controller = Controller(ctx)
    controller.set_current_staff(staff.find_by_name(ctx, name))

    def ask(_parent, suggested):
        return saved[0] if saved else None

    page = ReportsPage(controller)
    page.chain_view._ask_save_path = ask
    qtbot.addWidget(page)
    page.resize(1180, 760)
    page.show()
    qtbot.waitExposed(page)
    page.show_week(Week.parse("2026-W47"))
    return page


def test_the_owner_sees_every_store_side_by_side_best_first(qtbot, chain):
    page = reports_for(qtbot, chain[1], "Ingrid")
    assert page.chain_button.isVisible() and page.chain_button.text() == "All stores"
    page.chain_button.click()
    view = page.chain_view
    assert view.isVisible() and not page.scroll.isVisible()
    assert not page.save_button.isVisible() and not page.print_button.isVisible()
    rows = [[plain(view.cell(r, c)) for c in range(view.table.columnCount())]
            for r in range(view.table.rowCount())]
    # Store 1 formats numbers as nb_NO; each amount in its own store's currency.
    assert rows == [
        ["Café Sol", "1", "3", "41 €", "14 €", "100 %", "0", "67 % (2 of 3)", "Long wait"],
        ["Bryggen Bistro", "2", "4", "275 kr", "69 kr", "67 %", "0", "75 % (3 of 4)",
         "Cold food"],
        ["Fjord Kafé", "3", "3", "255 kr", "85 kr", "67 %", "1", "100 % (3 of 3)",
         "Cold food"],
        ["Total in NOK (2 stores)", "", "7", "530 kr", "76 kr", "67 %", "1", "86 % (6 of 7)",
         ""],
        ["Total in EUR (1 store)", "", "3", "41 €", "14 €", "100 %", "0", "67 % (2 of 3)", ""]]
    assert plain(view.best.text()) == "Best: Café Sol — 100 % recovered, 14 € per incident"
    assert plain(view.worst.text()) == "Worst: Fjord Kafé — 67 % recovered, 85 kr per incident"
    assert view.title.text() == "All stores: 3 stores"
    assert page.week_label.text().startswith("Week 47, 2026")
    assert page.chain_button.text() == "This store"
    assert "Cold food" in view.fixes.text() and "5 incidents in 3 stores" in view.fixes.text()


def test_back_to_the_store_and_the_week_follows(qtbot, chain):
    page = reports_for(qtbot, chain[1], "Ingrid")
    page.chain_button.click()
    page.previous_button.click()  # W46: only Fjord Kafé's refund
    assert page.chain_view.report.week == Week.parse("2026-W46")
    assert [r.store.name for r in page.chain_view.report.ranked] == ["Fjord Kafé"]
    assert not page.chain_view.worst.isVisible()
    page.chain_button.click()
    assert page.scroll.isVisible() and page.save_button.isVisible()
    assert not page.chain_view.isVisible()


def test_a_manager_gets_no_chain_view(qtbot, chain):
    page = reports_for(qtbot, chain[1], "Marco")
    assert not page.chain_button.isVisible()
    assert page.cards["incidents"].value.text() == "3"  # their own store's week


def test_one_store_alone_has_no_chain_view(qtbot, ctx):
    page = reports_for(qtbot, ctx, "Ingrid")
    assert not page.chain_button.isVisible()


def test_switching_to_a_manager_closes_the_chain_view(qtbot, chain):
    page = reports_for(qtbot, chain[1], "Ingrid")
    page.chain_button.click()
    page.controller.set_current_staff(staff.find_by_name(chain[1], "Marco"))
    assert not page.chain_button.isVisible() and not page.chain_view.isVisible()
    assert page.scroll.isVisible()


def test_the_owner_saves_the_chain_pdf(qtbot, chain, tmp_path):
    target = tmp_path / "chain.pdf"
    page = reports_for(qtbot, chain[1], "Ingrid", saved=[str(target)])
    page.chain_button.click()
    page.chain_view.save_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert plain(page.status.text()) == f"Saved {target}"
