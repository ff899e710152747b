"""The big touch tiles of the counter (laid out by :mod:`ui.tile_grid`).

A :class:`Tile` is one thumb-sized button: its keyboard number, an icon, a title and an
optional value line, plus badges ("Suggested", "PIN") and, for remedies, a round "+" that
adds it to a multi-remedy list. A long press on the tile does the same as "+".
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QPushButton, QStylePainter, QWidget

from ui import icons, qt_values, theme

ICON_PX = 44
BIG_ICON_PX = 60
HUGE_ICON_PX = 80
BIG_TILE_W, BIG_TILE_H = 300, 200  # from this size on, bigger type and icon (1920×1080)
ADD_PX, ADD_COMPACT_PX = 52, 40  # the round "+" (sizes also in ui/theme.py)
CORNER_PT = 11  # the number, "Suggested" and "PIN"
NUMBER_PAD_X, NUMBER_PAD_Y = 8, 2  # around the number, inside its 1 px frame
LONG_PRESS_S = 0.5
#: Arrangements kept, for all tiles (see Tile._arrange): ten failures' remedy tiles at two
#: or three sizes, and the failure tiles, fit many times over.
ARRANGED_KEPT = 1024
#: (size, texts, icon, "+") -> (compact, pieces, icon, "+" geometry), oldest first
_ARRANGED: dict[tuple, tuple] = {}
#: Seconds since an arbitrary point; replaced in tests so a long press needs no sleeping.
monotonic: Callable[[], float] = time.monotonic


#: Where a label may wrap: white space other than the no-break and narrow no-break spaces.
_BREAKS = re.compile(r"[^\S\u00a0\u202f]+")


@lru_cache(maxsize=512)
def _fitted_font(text: str, room: int, size: int) -> QFont:
    """The largest font, from ``size`` down to 10 pt, in which the longest word of ``text``
    fits ``room`` pixels: long Dutch and Czech words wrap at spaces, never get cut. A
    no-break space (Czech 's\u00a0alergeny') joins two words into one that must fit."""
    words = _BREAKS.split(text.strip()) or [""]
    font = theme.counter_font(size, 600)
    while size > 10 and max(QFontMetrics(font).horizontalAdvance(w) for w in words) > room:
        size -= 1
        font.setPointSize(size)
    return font


@lru_cache(maxsize=512)
def _tall_font(text: str, room: int, height: int, size: int) -> QFont:
    """The title font of a tall tile: the one fitted from ``size``, or a size smaller (down
    to the short tile's) when that makes the title fit ``height``; the fitted one when none
    does."""
    fitted = _fitted_font(text, room, size)
    for size in range(fitted.pointSize(), theme.TILE_COMPACT_PT - 1, -1):
        font = fitted if size == fitted.pointSize() else theme.counter_font(size, 600)
        if _text_height(text, font, room) <= height:
            return font
    return fitted


@lru_cache(maxsize=512)
def _text_height(text: str, font: QFont, room: int) -> int:
    """Height of ``text`` word-wrapped to ``room`` pixels in ``font``."""
    return QFontMetrics(font).boundingRect(QRect(0, 0, max(room, 1), 10_000),
                                           qt_values.TEXT_WORD_WRAP, text).height()


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Piece(NamedTuple):
    """One text a tile draws: where (tile coordinates), in which font, how aligned."""

    text: str
    rect: QRect
    font: QFont
    flags: int

    def needed(self) -> QRect:
        """The rectangle the text takes when drawn in ``rect``."""
        return QFontMetrics(self.font).boundingRect(self.rect, self.flags, self.text)


@lru_cache(maxsize=1)
def _frame_pen() -> QPen:
    """The number's 1 px frame."""
    pen = QPen()
    pen.setColor(QColor(theme.BORDER))
    pen.setWidth(1)
    return pen


def _corner_font() -> QFont:
    return theme.counter_font(CORNER_PT, 700)


def _line(metrics: QFontMetrics, text: str) -> QSize:
    """Room for one line of ``text``: its laid-out size and a pixel each side, so centring
    a fractional width never pushes a glyph out of the box."""
    return metrics.size(0, text) + QSize(2, 0)


class Tile(QPushButton):
    """One big tile. The button draws its panel (background, border, states from the style
    sheet); the tile paints its number, icon, title, value line and badges itself, where
    :meth:`_arrange` placed them: ten tiles of six labels each were the slowest part of
    the counter's first paint.

    Signals:
        clicked(): inherited; a normal tap.
        add_toggled(bool): the "+" was tapped, or the tile was long-pressed (remedy tiles).
    """

    add_toggled = Signal(bool)

    def __init__(self, title: str, icon_name: str, *, subtitle: str = "", number: str = "",
                 addable: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Tile")
        qt_values.set_focus_policy(self, qt_values.NO_FOCUS)
        self.icon_name = icon_name
        self._title, self._sub, self._number, self._badge, self._lock = (
            title, subtitle, number, "", "")
        self._pressed_at: float | None = None
        self._compact: bool | None = None
        self._stale = True
        self._pieces: dict[str, Piece] = {}
        self._icon: tuple[QRect, QPixmap] | None = None
        self.add_button: QPushButton | None = None
        if addable:
            self.add_button = QPushButton(self, objectName="TileAdd", checkable=True)
            qt_values.set_focus_policy(self.add_button, qt_values.NO_FOCUS)
            self.add_button.setIcon(icons.icon("plus", 28))
            self.add_button.setIconSize(QSize(28, 28))
            self.add_button.toggled.connect(self._on_add_toggled)
        self._describe()

    # -- texts and states --------------------------------------------------------------------
    def title(self) -> str:
        return self._title

    def subtitle(self) -> str:
        return self._sub

    def number(self) -> str:
        return self._number

    def badge(self) -> str:
        return self._badge

    def lock(self) -> str:
        return self._lock

    def set_texts(self, title: str, subtitle: str = "") -> None:
        self._title, self._sub = title, subtitle
        self._changed()

    def set_icon(self, name: str) -> None:
        self.icon_name = name
        self._changed()

    def set_number(self, number: str) -> None:
        self._number = number
        self._changed()

    def set_badge(self, text: str) -> None:
        """A word in the top corner ("Suggested"); left out on a short tile."""
        self._badge = text
        self._changed()

    def set_lock(self, text: str) -> None:
        """Marks a remedy that needs a manager's PIN."""
        self._lock = text
        self._changed()

    def fits_width(self, width: int) -> bool:
        """Whether every word of the title fits a tile ``width`` wide at 12 pt (when not,
        the grid gives the tiles more width instead)."""
        words = _BREAKS.split(self._title.strip()) or [""]
        metrics = QFontMetrics(theme.counter_font(12, 600))
        side = ADD_COMPACT_PX + 12 + 16 if self.add_button is not None else 32
        return max(metrics.horizontalAdvance(w) for w in words) + side <= width

    def is_compact(self) -> bool:
        return bool(self._compact)

    def pieces(self) -> dict[str, Piece]:
        """What the tile shows now, by name: "number", "badge", "lock", "title", "sub"
        (only those on screen; the number is left out on a very short tile)."""
        if self._stale:
            self._arrange()
        return dict(self._pieces)

    def icon_rect(self) -> QRect | None:
        """Where the icon is drawn; None on a short tile, which has no room for it."""
        if self._stale:
            self._arrange()
        return QRect(self._icon[0]) if self._icon is not None else None

    def set_suggested(self, on: bool) -> None:
        if bool(self.property("suggested")) != on:
            self.setProperty("suggested", on)
            repolish(self)

    def set_picked(self, on: bool) -> None:
        """Shown as part of a multi-remedy list (accent border, "+" checked)."""
        if bool(self.property("picked")) != on:
            self.setProperty("picked", on)
            repolish(self)
        if self.add_button is not None and self.add_button.isChecked() != on:
            self.add_button.blockSignals(True)
            self.add_button.setChecked(on)
            self.add_button.blockSignals(False)
            self._update_add_icon(on)

    def is_picked(self) -> bool:
        return bool(self.property("picked"))

    def _update_add_icon(self, on: bool) -> None:
        if self.add_button is not None:
            self.add_button.setIcon(icons.icon("check" if on else "plus", 28))

    def _on_add_toggled(self, on: bool) -> None:
        self._update_add_icon(on)
        self.add_toggled.emit(on)

    def _describe(self) -> None:
        """What a screen reader says: the title, then the value and the badges."""
        self.setAccessibleName(self._title)
        self.setAccessibleDescription(" · ".join(t for t in (self._sub, self._badge,
                                                               self._lock) if t))

    def _changed(self) -> None:
        self._describe()
        # A hidden tile is arranged when it is shown (and gets its size).
        if self.isVisible():
            self._arrange()
            self.update()
        else:
            self._stale = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._arrange()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self._arrange()

    # -- layout ------------------------------------------------------------------------------
    def _arrange(self) -> None:
        """Tall tile (when icon, title and value fit): number, badges and "+" along the top,
        the icon over the title. Short tile: no icon, the number in the corner, "+" on the
        right, the title across the width.

        What was worked out for a size, texts and icon is kept (for every tile, the last
        ``ARRANGED_KEPT``): a grid that goes back and forth between two heights (a banner or
        a taller undo bar coming and going), or the remedy tiles of a failure seen before,
        are arranged at once instead of measuring every text again."""
        self._stale = False
        w, h = self.width(), self.height()
        key = (w, h, self._title, self._sub, self._number, self._badge, self._lock,
               self.icon_name, self.add_button is not None,
               icons._device_ratio())  # noqa: SLF001 (the icon pixmap is drawn for it)
        known = _ARRANGED.get(key)
        if known is None:
            self._measure(w, h)
            if len(_ARRANGED) >= ARRANGED_KEPT:
                _ARRANGED.pop(next(iter(_ARRANGED)))
            add = self.add_button.geometry() if self.add_button is not None else None
            _ARRANGED[key] = (self._compact, dict(self._pieces), self._icon, add)
            return
        compact, pieces, icon, add = known
        self._set_compact(compact)
        if add is not None:
            self.add_button.setGeometry(add)
        self._pieces, self._icon = dict(pieces), icon

    def _set_compact(self, compact: bool) -> None:
        if compact != self._compact:
            self._compact = compact
            # A smaller "+" leaves a short tile's title the width it needs.
            part = self.add_button
            if part is not None and bool(part.property("compact")) != compact:
                part.setProperty("compact", compact)
                repolish(part)

    def _measure(self, w: int, h: int) -> None:
        """Work out where everything goes on a tile ``w`` × ``h`` (see :meth:`_arrange`)."""
        text, sub = self._title, self._sub
        tall_top = 62 if self.add_button is not None else 36
        big = w >= BIG_TILE_W and h >= BIG_TILE_H
        sub_font = theme.counter_font(theme.TILE_SUB_BIG_PT if big else theme.TILE_SUB_PT)
        sub_line = _line(QFontMetrics(sub_font), sub).height() + 2 if sub else 0
        # The tall look (with the icon) while a title of at least the short tile's size fits:
        # a two-word label that would wrap at 18 pt keeps its icon beside its neighbours.
        fixed = tall_top + ICON_PX + sub_line + 12
        tall_font = _tall_font(text, w - 32, h - fixed,
                               theme.TILE_BIG_PT if big else theme.TILE_PT)
        needed = fixed + _text_height(text, tall_font, w - 32)
        compact = h < needed
        self._set_compact(compact)
        pieces: dict[str, Piece] = {}
        corner = _corner_font()
        corner_fm = QFontMetrics(corner)
        centre = qt_values.ALIGN_CENTER
        number = None
        if self._number:
            size = _line(corner_fm, self._number) + QSize(2 * NUMBER_PAD_X - 2,
                                                           2 * NUMBER_PAD_Y)
            number = QRect(QPoint(6, 5) if compact else QPoint(10, 10), size)
        right = w - 8
        if self.add_button is not None:
            size = ADD_COMPACT_PX if compact else ADD_PX
            y = (h - size) // 2 if compact else 8
            self.add_button.setGeometry(right - size, y, size, size)
            right -= size + 6
        lock_size = _line(corner_fm, self._lock) if self._lock else QSize(0, 0)
        if self._lock:
            at = (QPoint(6, h - 5 - lock_size.height()) if compact
                  else QPoint(right - lock_size.width(), 12))
            pieces["lock"] = Piece(self._lock, QRect(at, lock_size), corner, centre)
            if not compact:
                right -= lock_size.width() + 6
        if self._badge and not compact:
            size = _line(corner_fm, self._badge)
            pieces["badge"] = Piece(self._badge, QRect(QPoint(right - size.width(), 12), size),
                                    corner, centre)
        if compact:
            sub_font = theme.counter_font(theme.TILE_SUB_COMPACT_PT)
        sub_h = _line(QFontMetrics(sub_font), sub).height() if sub else 0
        if compact:  # the title gets the whole width, between the number and the lock
            right_room = ADD_COMPACT_PX + 12 if self.add_button is not None else 8
            room = w - 8 - right_room
            font = _fitted_font(text, room - 4, theme.TILE_COMPACT_PT)
            block_sub = 2 + sub_h if sub else 0
            block = _text_height(text, font, room) + block_sub
            top = number.bottom() + 3 if number is not None else 4
            bottom = lock_size.height() + 8 if self._lock else 4
            # The number keeps a band of its own above the title on a tile tall enough for
            # two lines below it; on a shorter one it is left out (its digit still picks
            # the tile), never drawn over a long Dutch or Czech label.
            two_lines = 2 * QFontMetrics(theme.counter_font(theme.TILE_COMPACT_PT,
                                                            600)).lineSpacing() + block_sub
            if number is not None and top + max(block, two_lines) + bottom > h:
                number = None
            margins = (8, top if number is not None else 4, right_room, bottom)
            icon_px = 0
        else:
            margins = (12, tall_top, 12, 10)
            font = tall_font
            sizes = (HUGE_ICON_PX, BIG_ICON_PX) if big else (BIG_ICON_PX,)
            icon_px = next((px for px in sizes if h >= needed + px - ICON_PX + 16), ICON_PX)
        if number is not None:
            pieces["number"] = Piece(self._number, number, corner, centre)
        # The middle: icon, title and value line, as one block centred in what is left.
        left, top, right_margin, bottom = margins
        width = max(1, w - left - right_margin)
        title_h = _text_height(text, font, width)
        block = (icon_px + 2 if icon_px else 0) + title_h + (2 + sub_h if sub else 0)
        y = top + max(0, (h - top - bottom - block) // 2)
        self._icon = None
        if icon_px:
            self._icon = (QRect((w - icon_px) // 2, y, icon_px, icon_px),
                          icons.pixmap(self.icon_name, icon_px))
            y += icon_px + 2
        pieces["title"] = Piece(text, QRect(left, y, width, title_h), font,
                                qt_values.ALIGN_HCENTER | qt_values.ALIGN_TOP
                                | qt_values.TEXT_WORD_WRAP)
        y += title_h + 2
        if sub:
            pieces["sub"] = Piece(sub, QRect(left, y, width, sub_h), sub_font, centre)
        self._pieces = pieces

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)  # the panel: background, border, hover, pressed, picked
        if self._stale:
            self._arrange()
        # No setPen/setBrush here: their overloads would build the Qt namespace before the
        # first paint (ui.qt_values); drawItemText takes the colour from a palette. The
        # QStylePainter's, not self.style()'s: a QStyle in Python builds its 11 enums.
        painter = QStylePainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        if self._icon is not None:
            painter.drawPixmap(self._icon[0], self._icon[1])
        colours = {"number": theme.MUTED, "badge": theme.ACCENT, "lock": theme.WARN,
                   "title": theme.TEXT, "sub": theme.MUTED}
        for name, piece in self._pieces.items():
            if name == "number":
                frame = QPainterPath()
                frame.addRoundedRect(QRectF(piece.rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
                painter.strokePath(frame, _frame_pen())
            painter.setFont(piece.font)
            painter.drawItemText(piece.rect, piece.flags, qt_values.text_palette(colours[name]),
                                 True, piece.text, QPalette.WindowText)
        painter.end()

    # -- long press = "+" -------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._pressed_at = monotonic()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        held = monotonic() - self._pressed_at if self._pressed_at is not None else 0.0
        self._pressed_at = None
        if self.add_button is not None and held >= LONG_PRESS_S and self.isDown():
            self.setDown(False)
            event.accept()
            self.add_button.toggle()
            return
        super().mouseReleaseEvent(event)
