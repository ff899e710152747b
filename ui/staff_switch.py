"""Who is at the counter: the current name on a button, and the list of names to pick from.

Cashiers switch with one tap; managers and owners are asked for their PIN by the counter
(it owns the PIN pad). This module only shows names and says which one was tapped.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.models import Staff
from ui import icons, qt_values
from ui.counter_tiles import Tile
from ui.tile_grid import TileGrid


class StaffButton(QPushButton):
    """The header button that shows who is at the counter; tap it to switch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffButton")
        qt_values.set_focus_policy(self, qt_values.NO_FOCUS)
        self.setIcon(icons.icon("user", 26))
        self.setIconSize(QSize(26, 26))
        self._member: Staff | None = None
        self.retranslate()

    def set_member(self, member: Staff | None) -> None:
        self._member = member
        self.retranslate()

    def retranslate(self) -> None:
        if self._member is None:
            self.setText(_("Who's at the counter?"))
        else:
            self.setText(_("{name} · switch").format(name=self._member.name))
        self.setToolTip(_("Who's at the counter: tap your name"))


class StaffSwitch(QWidget):
    """Big name buttons for every active staff member (Back and the heading are the
    counter's).

    Signals:
        picked(object): the :class:`app.models.Staff` whose name was tapped.
    """

    picked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._members: list[Staff] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = TileGrid()
        outer.addWidget(self.grid, 1)

    def load(self, members: Sequence[Staff], current_id: int | None) -> None:
        self._members = [m for m in members if m.active]
        tiles = []
        for member in self._members:
            tile = Tile(member.name, "user")
            tile.clicked.connect(lambda _checked=False, m=member: self.picked.emit(m))
            tile.set_picked(member.id == current_id)
            tiles.append(tile)
        self.grid.set_tiles(tiles)
        self.retranslate()

    def members(self) -> list[Staff]:
        return list(self._members)

    def tile_for(self, name: str) -> Tile:
        index = next(i for i, m in enumerate(self._members) if m.name == name)
        return self.grid.tiles()[index]

    def retranslate(self) -> None:
        for member, tile in zip(self._members, self.grid.tiles(), strict=False):
            tile.set_texts(member.name, member.role.label())
            tile.set_lock(_("PIN") if member.role.can_approve else "")
