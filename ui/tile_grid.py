"""The grid that lays out the counter's tiles: balanced columns, rows as tall as fit."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.counter_tiles import Tile

MIN_TILE_W = 200
NARROWEST_TILE_W = 140
MIN_TILE_H = 64
MAX_TILE_H = 270
SPACING = 14


def key_number(index: int) -> str:
    """The digit that picks the tile at ``index`` (0-based): 1…9, then 0 for the tenth."""
    return str((index + 1) % 10) if index < 10 else ""



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
        self._held: int | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    def set_tiles(self, tiles: Sequence[Tile]) -> None:
        """Lay out ``tiles`` (the ones shown now, given again with new texts: kept)."""
        if list(tiles) == self._tiles:
            self._held = None  # new contents: no thumb knows where they were
            self._place()
            return
        for tile in self._tiles:
            tile.hide()
            tile.deleteLater()
        self._tiles = list(tiles)
        self._held = None  # new tiles: no thumb knows where they were
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

    def hold_columns(self, hold: bool, width: int | None = None) -> None:
        """While ``hold`` is on, lay out the columns ``width`` (default: the present width)
        would have, e.g. while a side panel takes some of the width: the tiles narrow but
        stay in their row and column, under the thumb that knows them. Tiles never get
        narrower than ``NARROWEST_TILE_W``, nor than their longest word, for it."""
        self._held = max(width or self.width(), self._held or 0) if hold else None
        self._place()

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
        if self._held is not None:  # the columns the full width would have, if they fit
            held = self.columns_for(len(self._tiles), max(self._held, self.width()))
            narrow = (self.width() - (held - 1) * SPACING) / held
            if narrow >= NARROWEST_TILE_W and all(t.fits_width(int(narrow))
                                                 for t in self._tiles):
                columns = held
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
