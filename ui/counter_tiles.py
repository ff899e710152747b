"""Big touch tiles and the grid that lays them out for the counter.

A :class:`Tile` is one thumb-sized button: its keyboard number, an icon, a title and an
optional value line, plus badges ("Suggested", "PIN") and, for remedies, a round "+" that
adds it to a multi-remedy list. A long press on the tile does the same as "+".
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from functools import lru_cache

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import icons, theme

MIN_TILE_W = 200
NARROWEST_TILE_W = 140
MIN_TILE_H = 64
MAX_TILE_H = 270
ICON_PX = 44
BIG_ICON_PX = 60
ADD_PX, ADD_COMPACT_PX = 52, 40  # the round "+" (sizes also in ui/theme.py)
SPACING = 14
LONG_PRESS_S = 0.5
#: Seconds since an arbitrary point; replaced in tests so a long press needs no sleeping.
monotonic: Callable[[], float] = time.monotonic


def key_number(index: int) -> str:
    """The digit that picks the tile at ``index`` (0-based): 1…9, then 0 for the tenth."""
    return str((index + 1) % 10) if index < 10 else ""


def _label(name: str, text: str = "", wrap: bool = False,
           align: Qt.AlignmentFlag = Qt.AlignCenter) -> QLabel:
    label = QLabel(text, objectName=name)
    label.setAlignment(align)
    label.setWordWrap(wrap)
    label.setAttribute(Qt.WA_TransparentForMouseEvents)
    return label


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
def _text_height(text: str, font: QFont, room: int) -> int:
    """Height of ``text`` word-wrapped to ``room`` pixels in ``font``."""
    return QFontMetrics(font).boundingRect(QRect(0, 0, max(room, 1), 10_000),
                                           int(Qt.TextWordWrap), text).height()


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Tile(QPushButton):
    """One big tile.

    Signals:
        clicked(): inherited; a normal tap.
        add_toggled(bool): the "+" was tapped, or the tile was long-pressed (remedy tiles).
    """

    add_toggled = Signal(bool)

    def __init__(self, title: str, icon_name: str, *, subtitle: str = "", number: str = "",
                 addable: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Tile")
        self.setFocusPolicy(Qt.NoFocus)
        self.icon_name = icon_name
        self._pressed_at: float | None = None
        self._compact: bool | None = None
        self._stale = True
        # Corner pieces are placed by hand (see _arrange); the middle is a layout.
        self.number_label = _label("TileNumber", number)
        self.number_label.setParent(self)
        self.number_label.setVisible(bool(number))
        self.badge_label = _label("TileBadge")
        self.badge_label.setParent(self)
        self.badge_label.hide()
        self.lock_label = _label("TileLock")
        self.lock_label.setParent(self)
        self.lock_label.hide()
        self.add_button: QPushButton | None = None
        if addable:
            self.add_button = QPushButton(self, objectName="TileAdd", checkable=True)
            self.add_button.setFocusPolicy(Qt.NoFocus)
            self.add_button.setIcon(icons.icon("plus", 28))
            self.add_button.setIconSize(QSize(28, 28))
            self.add_button.toggled.connect(self._on_add_toggled)
        self._middle = QVBoxLayout(self)
        self._middle.setSpacing(2)
        self._middle.addStretch(1)
        self.icon_label = _label("TileIcon")
        self._icon_px = 0  # rendered on the first _arrange, at the size the tile has room for
        self._middle.addWidget(self.icon_label)
        self.title_label = _label("TileTitle", title, wrap=True)
        self._middle.addWidget(self.title_label)
        self.sub_label = _label("TileSub", subtitle)
        self.sub_label.setVisible(bool(subtitle))
        self._middle.addWidget(self.sub_label)
        self._middle.addStretch(1)
        self.setAccessibleName(title)

    # -- texts and states --------------------------------------------------------------------
    def title(self) -> str:
        return self.title_label.text()

    def set_texts(self, title: str, subtitle: str = "") -> None:
        self.title_label.setText(title)
        self.sub_label.setText(subtitle)
        self.sub_label.setVisible(bool(subtitle))
        self.setAccessibleName(title)
        self._rearrange()

    def set_number(self, number: str) -> None:
        self.number_label.setText(number)
        self.number_label.setVisible(bool(number))
        self._rearrange()

    def set_badge(self, text: str) -> None:
        """A word in the top corner ("Suggested"); left out on a short tile."""
        self.badge_label.setText(text)
        self._rearrange()

    def set_lock(self, text: str) -> None:
        """Marks a remedy that needs a manager's PIN."""
        self.lock_label.setText(text)
        self._rearrange()

    def is_compact(self) -> bool:
        return bool(self._compact)

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

    def _rearrange(self) -> None:
        # A hidden tile is arranged when it is shown (and gets its size).
        if self.isVisible():
            self._arrange()
        else:
            self._stale = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._arrange()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self._arrange()

    def _arrange(self) -> None:
        """Tall tile (when icon, title and value fit): number, badges and "+" along the top,
        the icon over the title. Short tile: no icon, the number in the corner, "+" on the
        right, the title across the width."""
        self._stale = False
        w, h = self.width(), self.height()
        text = self.title_label.text()
        tall_top = 62 if self.add_button is not None else 36
        tall_font = _fitted_font(text, w - 32, theme.TILE_PT)
        needed = (tall_top + ICON_PX + _text_height(text, tall_font, w - 32)
                  + (24 if self.sub_label.text() else 0) + 12)
        compact = h < needed
        if compact != self._compact:
            self._compact = compact
            self.icon_label.setVisible(not compact)
            # A smaller "+" and value line leave a short tile's title the width it needs.
            # (Re-polishing costs ~0.6 ms a widget: only when the look really changes.)
            for part in (self.add_button, self.sub_label):
                if part is not None and bool(part.property("compact")) != compact:
                    part.setProperty("compact", compact)
                    repolish(part)
        icon_px = BIG_ICON_PX if h >= needed + BIG_ICON_PX - ICON_PX + 16 else ICON_PX
        if not compact and icon_px != self._icon_px:
            self._icon_px = icon_px
            self.icon_label.setPixmap(icons.pixmap(self.icon_name, icon_px))
        self.number_label.adjustSize()
        self.number_label.move(6 if compact else 10, 5 if compact else 10)
        right = w - 8
        if self.add_button is not None:
            size = ADD_COMPACT_PX if compact else ADD_PX
            y = (h - size) // 2 if compact else 8
            self.add_button.setGeometry(right - size, y, size, size)
            right -= size + 6
        self.lock_label.setVisible(bool(self.lock_label.text()))
        self.lock_label.adjustSize()
        if compact:
            self.lock_label.move(6, h - 5 - self.lock_label.height())
        else:
            self.lock_label.move(right - self.lock_label.width(), 12)
            right -= self.lock_label.width() + 6 if self.lock_label.text() else 0
        self.badge_label.setVisible(bool(self.badge_label.text()) and not compact)
        self.badge_label.adjustSize()
        self.badge_label.move(right - self.badge_label.width(), 12)
        if compact:  # the title gets the whole width, between the number and the lock
            right_room = ADD_COMPACT_PX + 12 if self.add_button is not None else 8
            room = w - 8 - right_room
            font = _fitted_font(text, room - 4, theme.TILE_COMPACT_PT)
            sub = 2 + self.sub_label.sizeHint().height() if self.sub_label.text() else 0
            block = _text_height(text, font, room) + sub
            top = self.number_label.geometry().bottom() + 3
            bottom = self.lock_label.height() + 8 if self.lock_label.text() else 4
            # The number keeps a band of its own above the title on a tile tall enough for
            # two lines below it; on a shorter one it is left out (its digit still picks
            # the tile), never drawn over a long Dutch or Czech label.
            two_lines = 2 * QFontMetrics(theme.counter_font(theme.TILE_COMPACT_PT,
                                                            600)).lineSpacing() + sub
            number = (bool(self.number_label.text())
                      and top + max(block, two_lines) + bottom <= h)
            self.number_label.setVisible(number)
            self._middle.setContentsMargins(8, top if number else 4, right_room, bottom)
        else:
            self.number_label.setVisible(bool(self.number_label.text()))
            self._middle.setContentsMargins(12, tall_top, 12, 10)
            font = tall_font
        if font != self.title_label.font():
            self.title_label.setFont(font)

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


class TileGrid(QWidget):
    """Tiles in as many balanced columns as fit, rows as tall as the space allows.

    The grid places its tiles itself: it never asks the window to grow (a tile shrinks to
    ``MIN_TILE_H`` at worst, and shows no icon when short) and tiles stop growing at
    ``MAX_TILE_H``, top-aligned, on a big screen.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tiles: list[Tile] = []
        self._columns = 1
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    def set_tiles(self, tiles: Sequence[Tile]) -> None:
        for tile in self._tiles:
            tile.hide()
            tile.deleteLater()
        self._tiles = list(tiles)
        for index, tile in enumerate(self._tiles):
            tile.setParent(self)
            tile.set_number(key_number(index))
        self._place()
        for tile in self._tiles:
            tile.show()

    def tile_for_key(self, digit: str) -> Tile | None:
        """The tile a digit key picks (1…9, 0 = the tenth), if there is one."""
        if not digit.isdigit() or len(digit) != 1:
            return None
        index = (int(digit) - 1) % 10
        return self._tiles[index] if index < len(self._tiles) else None

    def columns(self) -> int:
        return self._columns

    @staticmethod
    def columns_for(count: int, width: int) -> int:
        if count == 0:
            return 1
        fit = max(1, min(6, (width + SPACING) // (MIN_TILE_W + SPACING)))
        rows = math.ceil(count / fit)
        return math.ceil(count / rows)

    def _fit_height(self, columns: int) -> int:
        rows = max(1, math.ceil(len(self._tiles) / columns))
        return (self.height() - (rows - 1) * SPACING) // rows

    def tile_height(self) -> int:
        return max(MIN_TILE_H, min(MAX_TILE_H, self._fit_height(self._columns)))

    def _place(self) -> None:
        columns = self.columns_for(len(self._tiles), self.width())
        # Short of height (a banner above, say): more, narrower columns before shorter rows.
        while (self._fit_height(columns) < MIN_TILE_H and columns < len(self._tiles)
               and (self.width() - columns * SPACING) / (columns + 1) >= NARROWEST_TILE_W):
            columns += 1
        self._columns = columns
        width = (self.width() - (columns - 1) * SPACING) / columns
        height = self.tile_height()
        for index, tile in enumerate(self._tiles):
            row, column = divmod(index, columns)
            x = round(column * (width + SPACING))
            tile.setGeometry(x, row * (height + SPACING),
                             round((column + 1) * (width + SPACING) - SPACING) - x, height)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(4 * MIN_TILE_W, 2 * MIN_TILE_H)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(MIN_TILE_W, MIN_TILE_H)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._place()
