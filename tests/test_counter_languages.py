"""The counter in every language at 1024×768: no tile label is cut, and a language switch at
run time changes what the cashier sees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency, get_currency_precision
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from app import catalog, i18n, staff
from app.i18n import _
from app.models import Role
from app.setup import init_store
from tests.conftest import shown_main_window

#: language: (store, currency, locale, time zone, owner, cashier)
STORES = {"en": ("Harbour Café", "GBP", "en_GB", "Europe/London", "Olivia", "Sam"),
          "nb": ("Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo", "Ingrid", "Sindre"),
          "es": ("Café del Puerto", "EUR", "es_ES", "Europe/Madrid", "Carmen", "Lucía"),
          "nl": ("Grachtcafé", "EUR", "nl_NL", "Europe/Amsterdam", "Femke", "Daan"),
          "cs": ("Kavárna U Mostu", "CZK", "cs_CZ", "Europe/Prague", "Zdeňka", "Jiří")}
NAV = ("Counter", "Follow-ups", "Reports", "Back office")
HEADING = "What went wrong? Tap it."


def _settle() -> None:
    QApplication.sendPostedEvents()  # pending layout requests: widgets at their real size
    QApplication.processEvents()


def _text_rect(label: QLabel) -> QRect:
    """Where ``label`` draws its text: the box the text needs, placed as the label places it
    (alignment, word wrap) inside the label's contents rect."""
    room = label.contentsRect().adjusted(label.margin(), label.margin(),
                                         -label.margin(), -label.margin())
    flags = label.alignment() | (Qt.TextWordWrap if label.wordWrap() else Qt.AlignmentFlag(0))
    return QFontMetrics(label.font()).boundingRect(room, int(flags), label.text())


def _clipped(label: QLabel) -> str | None:
    """Why ``label``'s text does not fit inside it, or None when all of it shows."""
    room = label.contentsRect()
    needed = _text_rect(label)
    if not room.contains(needed):
        return (f"{label.text()!r} needs {needed.width()}×{needed.height()} at "
                f"({needed.x()},{needed.y()}), the label has {room.width()}×{room.height()}")
    return None


def _in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def _tile_problems(tiles) -> list[str]:
    """Every way a tile fails to show its whole title and value line (the texts a tile
    paints, and where: ``Tile.pieces``)."""
    _settle()
    problems = []
    for tile in tiles:
        name = repr(tile.title())
        if not tile.isVisible():
            problems.append(f"{name}: tile hidden")
            continue
        if tile.height() < 64:
            problems.append(f"{name}: tile only {tile.height()} px high")
        pieces = tile.pieces()
        if "title" not in pieces or (tile.subtitle() and "sub" not in pieces):
            problems.append(f"{name}: title or value line not shown")
        for key, piece in pieces.items():
            needed = piece.needed()
            if not piece.rect.contains(needed):
                problems.append(f"{name}: {piece.text!r} needs {needed.width()}×"
                                f"{needed.height()}, has {piece.rect.width()}×"
                                f"{piece.rect.height()} ({key})")
            if not tile.rect().contains(piece.rect):
                problems.append(f"{name}: {piece.text!r} reaches outside the tile")
        # Corner pieces (number, "Suggested", "PIN", "+") must not sit on the title's text.
        title_text = pieces["title"].needed() if "title" in pieces else QRect()
        corners = [(pieces[k].text, pieces[k].rect) for k in ("number", "badge", "lock")
                   if k in pieces]
        if tile.add_button is not None and tile.add_button.isVisible():
            corners.append(("+", tile.add_button.geometry()))
        icon = tile.icon_rect()
        if icon is not None:
            corners.append(("icon", icon))
        for text, rect in corners:
            if rect.intersects(title_text):
                problems.append(f"{name}: {text!r} covers the title")
    return problems


def _button_problems(buttons) -> list[str]:
    """Push buttons narrower than their text (and icon) need."""
    return [f"{b.text()!r}: {b.width()} px wide, needs {b.sizeHint().width()}"
            for b in buttons if b.isVisible() and b.width() < b.sizeHint().width()]


@pytest.fixture(params=sorted(STORES))
def window(request, qtbot, bare_ctx):
    """The whole window for a store in one of the five languages, at 1024×768."""
    name, currency, locale, tz, owner, cashier = STORES[request.param]
    init_store(bare_ctx, store_name=name, preset="restaurant", currency=currency,
               locale=locale, language=request.param, timezone=tz, owner_name=owner,
               owner_pin="4821")
    staff.add_staff(bare_ctx, cashier, Role.CASHIER)
    win = shown_main_window(qtbot, bare_ctx)
    _settle()
    assert i18n.language() == request.param
    return win


def test_category_tiles_heading_and_nav_show_their_whole_text(window):
    page = window.page("counter")
    tiles = page.category_grid.tiles()
    assert len(tiles) == len(catalog.categories(window.controller.ctx))
    assert _tile_problems(tiles) == []
    assert _clipped(page.heading) is None
    assert _button_problems(window.nav.findChildren(QPushButton)) == []
    assert _button_problems([page.staff_button, page.details_toggle]) == []


def test_remedy_tiles_show_their_whole_label_after_every_category(qtbot, window):
    page = window.page("counter")
    problems = []
    for index in range(len(page.category_grid.tiles())):
        qtbot.mouseClick(page.category_grid.tiles()[index], Qt.LeftButton)
        _settle()
        step = page.remedy_step
        assert step.isVisible() and step.grid.tiles()
        where = f"after {page.category_grid.tiles()[index].title()!r}"
        problems += [f"{where}: {p}" for p in _tile_problems(step.grid.tiles())]
        for label in (page.heading, step.say_label):
            problem = _clipped(label)
            if problem:
                problems.append(f"{where}: {problem}")
        problems += [f"{where}: {p}" for p in _button_problems([page.back_button])]
        qtbot.mouseClick(page.back_button, Qt.LeftButton)
        _settle()
    assert problems == []


def test_remedy_values_are_money_in_the_store_locale(qtbot, window):
    settings = window.controller.ctx.settings()
    page = window.page("counter")
    qtbot.mouseClick(page.category_grid.tiles()[0], Qt.LeftButton)
    remake = page.remedy_step.tile_for("remake")
    value = catalog.remedy_by_code(window.controller.ctx, "remake").value_minor
    digits = get_currency_precision(settings.currency)
    expected = format_currency(Decimal(value).scaleb(-digits), settings.currency,
                               locale=settings.locale)
    assert remake.subtitle() == expected and remake.pieces()["sub"].text == expected
    assert remake.title() == _("Remake")


def test_switching_language_at_run_time_changes_the_counter_and_nav(qtbot, ctx):
    window = shown_main_window(qtbot, ctx)
    page = window.page("counter")
    nav_buttons = [window.findChild(QPushButton, f"nav_{key}")
                   for key in ("counter", "followups", "reports", "backoffice")]

    def seen() -> tuple[str, list[str], str]:
        return page.heading.text(), [b.text() for b in nav_buttons], \
            page.category_grid.tiles()[0].title()

    assert seen() == (HEADING, list(NAV), "Wrong order")
    for language in ("nb", "es", "nl", "cs"):
        window.controller.set_language(language)
        expected = (_(HEADING), [_(text) for text in NAV], _("Wrong order"))
        assert seen() == expected, language
        assert expected[0] != HEADING and expected[2] != "Wrong order", language
        assert all(now != english for now, english in zip(expected[1], NAV, strict=True))
        _settle()
        assert _tile_problems(page.category_grid.tiles()) == [], language
    window.controller.set_language("en")
    assert seen() == (HEADING, list(NAV), "Wrong order")


def test_remedy_step_on_screen_follows_a_language_switch(qtbot, ctx):
    window = shown_main_window(qtbot, ctx)
    page = window.page("counter")
    qtbot.mouseClick(page.category_grid.tiles()[0], Qt.LeftButton)
    step = page.remedy_step
    english = step.say_label.text(), step.tile_for("remake").title(), page.back_button.text()
    window.controller.set_language("cs")
    apology = catalog.category_by_code(ctx, "wrong_order").apology
    czech = step.say_label.text(), step.tile_for("remake").title(), page.back_button.text()
    assert czech == (_("Say this: “{line}”").format(line=_(apology)), _("Remake"), _("Back"))
    assert all(c != e for c, e in zip(czech, english, strict=True))
    assert page.heading.text() == _("{category}: what are you giving?").format(
        category=_("Wrong order"))
    assert _tile_problems(step.grid.tiles()) == []


def _all_text_problems(window) -> list[str]:
    """Every visible label and push button in the window that cannot show all its text."""
    _settle()
    problems = [p for label in window.findChildren(QLabel)
                if label.isVisible() and label.text() and label.pixmap().isNull()
                for p in [_clipped(label)] if p]
    return problems + _button_problems(window.findChildren(QPushButton))


def _crowd(qtbot, window):
    """Log a severe incident and open the details: the follow-up banner on top, the undo
    bar below and the details panel at the side all take room from the tiles."""
    page = window.page("counter")
    qtbot.mouseClick(page.category_tile("undercooked"), Qt.LeftButton)
    qtbot.mouseClick(page.remedy_step.tile_for("remake"), Qt.LeftButton)
    assert page.confirm_bar.isVisible()
    qtbot.mouseClick(page.details_toggle, Qt.LeftButton)
    assert page.details.isVisible() and page.details.save_button.isVisible()
    _settle()
    assert window.banner_area.count() and window.banner_area.itemAt(0).widget().isVisible()
    return page


def test_crowded_counter_after_a_severe_incident_keeps_every_text_whole(qtbot, window):
    """Banner, undo bar and details panel at once: the failure tiles go short and narrow
    (no icon, the number left out when it would cover the title), the heading gets smaller,
    the details buttons stack — and no text anywhere is cut or covered."""
    page = _crowd(qtbot, window)
    # (compact or not depends on how many lines the banner's headline takes in a language)
    assert _tile_problems(page.category_grid.tiles()) == []
    assert _all_text_problems(window) == []


def test_crowded_remedy_step_keeps_every_text_whole(qtbot, window):
    """The same, then a second failure tapped: the banner keeps to its headline and button
    while the remedy tiles are up, the undo bar drops "Add details" beside the open panel,
    and every remedy tile shows its whole title and value."""
    page = _crowd(qtbot, window)
    banner = window.reminders.banner
    assert not page.confirm_bar.details_button.isVisible()
    assert banner.say_label.isVisible() and not banner.is_compact()
    qtbot.mouseClick(page.category_tile("rude_service"), Qt.LeftButton)
    assert page.remedy_step.isVisible() and page.back_button.isVisible()
    assert banner.is_compact() and banner.headline_label.isVisible()
    assert banner.outcome_button.isVisible() and not banner.say_label.isVisible()
    assert _tile_problems(page.remedy_step.grid.tiles()) == []
    assert _all_text_problems(window) == []
    qtbot.mouseClick(page.back_button, Qt.LeftButton)
    assert not banner.is_compact() and banner.say_label.isVisible()
    qtbot.mouseClick(page.details_toggle, Qt.LeftButton)  # panel closed
    assert page.confirm_bar.details_button.isVisible()
