"""The remedy step of the counter: the apology line to say, and the remedy tiles.

A tap on a tile gives that one remedy (the second of the two taps). "+" or a long press
collects several instead; "Done" then gives them all together.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _, ngettext
from app.models import Category, Remedy
from app.remedies_given import REMEDIES_MAX
from app.settings import StoreSettings
from ui.counter_tiles import Tile
from ui.tile_grid import TileGrid
from ui.wrapped_label import WrappedLabel


class RemedyStep(QWidget):
    """Say-this line, remedy tiles (suggested first) and the multi-remedy "Done" bar.

    Signals:
        tapped(object): a tile was tapped with no list being collected: give this
            :class:`app.models.Remedy` now.
        done(object): "Done" with the collected list of remedies.
        pending_changed(bool): the list being collected became non-empty (True) or empty.
    """

    tapped = Signal(object)
    done = Signal(object)
    pending_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category: Category | None = None
        self._remedies: list[Remedy] = []
        self._suggested: set[int] = set()
        self._settings: StoreSettings | None = None
        self.pending: list[Remedy] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(14)
        self.say_label = WrappedLabel(objectName="SayThis", wordWrap=True)
        self.say_label.setTextFormat(Qt.PlainText)
        outer.addWidget(self.say_label)
        self.grid = TileGrid()
        outer.addWidget(self.grid, 1)
        self.pending_bar = QFrame(objectName="PendingBar")
        bar = QHBoxLayout(self.pending_bar)
        bar.setContentsMargins(16, 8, 8, 8)
        self.pending_label = QLabel(objectName="PendingText", wordWrap=True)
        bar.addWidget(self.pending_label, 1)
        self.clear_button = QPushButton(objectName="BigButton")
        self.clear_button.setFocusPolicy(Qt.NoFocus)
        self.clear_button.clicked.connect(self.clear_pending)
        bar.addWidget(self.clear_button)
        self.done_button = QPushButton(objectName="Primary")
        self.done_button.setFocusPolicy(Qt.NoFocus)
        self.done_button.clicked.connect(self.finish)
        bar.addWidget(self.done_button)
        outer.addWidget(self.pending_bar)  # the counter moves it to its bottom strip
        self.pending_bar.hide()

    def show_category(self, category: Category, remedies: Sequence[Remedy],
                      suggested: Sequence[int], settings: StoreSettings) -> None:
        """Show the tiles for ``category``; ``remedies`` come suggested-first.

        The tiles of the failure before are given the new remedies when there are as many
        (the store's remedy menu: most failures): no widgets made, styled and measured anew
        at each first tap. Each tile gives the remedy now at its place."""
        self.category, self._remedies = category, list(remedies)
        self._suggested, self._settings = set(suggested), settings
        self.pending = []
        tiles = self.grid.tiles()
        if len(tiles) != len(self._remedies):
            tiles = []
            for index, remedy in enumerate(self._remedies):
                tile = Tile(remedy.label, remedy.icon, addable=True)
                tile.clicked.connect(lambda _checked=False, i=index: self._tap_at(i))
                tile.add_toggled.connect(lambda on, i=index: self.toggle(self._remedies[i], on))
                tiles.append(tile)
        for tile, remedy in zip(tiles, self._remedies, strict=True):
            if tile.icon_name != remedy.icon:
                tile.set_icon(remedy.icon)
            tile.set_suggested(remedy.id in self._suggested)
            tile.set_picked(False)
        self.grid.set_tiles(tiles)
        self.retranslate()

    def tiles(self) -> list[Tile]:
        return self.grid.tiles()

    def tile_for(self, code: str) -> Tile:
        index = next(i for i, r in enumerate(self._remedies) if r.code == code)
        return self.grid.tiles()[index]

    def _tap_at(self, index: int) -> None:
        self._tap(self._remedies[index])

    def _tap(self, remedy: Remedy) -> None:
        if self.pending:
            self.toggle(remedy, remedy not in self.pending)
        else:
            self.tapped.emit(remedy)

    def toggle(self, remedy: Remedy, on: bool) -> None:
        """Add ``remedy`` to (or take it off) the list given together on "Done"."""
        if on and remedy not in self.pending and len(self.pending) < REMEDIES_MAX:
            self.pending.append(remedy)
        elif not on and remedy in self.pending:
            self.pending.remove(remedy)
        self._show_pending()

    def clear_pending(self) -> None:
        if self.pending:
            self.pending = []
            self._show_pending()

    def finish(self) -> None:
        if self.pending:
            self.done.emit(list(self.pending))

    def _show_pending(self) -> None:
        for remedy, tile in zip(self._remedies, self.grid.tiles(), strict=False):
            tile.set_picked(remedy in self.pending)
        self.pending_bar.setVisible(bool(self.pending))
        self._retranslate_pending()
        self.pending_changed.emit(bool(self.pending))

    def _money(self, minor: int) -> str:
        from app.formatting import money  # Babel loads on the first tap, not at start-up

        settings = self._settings
        return money(minor, settings.currency, settings.locale) if settings else str(minor)

    def _retranslate_pending(self) -> None:
        n = len(self.pending)
        if not n:
            return
        self.pending_label.setText(ngettext(
            "{n} remedy: {remedies} · {total}", "{n} remedies together: {remedies} · {total}",
            n).format(n=n, remedies=" + ".join(_(r.label) for r in self.pending),
                      total=self._money(sum(r.value_minor for r in self.pending))))
        self.done_button.setText(_("Done"))
        self.clear_button.setText(_("Clear"))

    def retranslate(self) -> None:
        if self.category is not None:
            self.say_label.setText(_("Say this: “{line}”").format(line=_(self.category.apology)))
        for remedy, tile in zip(self._remedies, self.grid.tiles(), strict=False):
            tile.set_texts(_(remedy.label), self._money(remedy.value_minor))
            tile.set_badge(_("Suggested") if remedy.id in self._suggested else "")
            tile.set_lock(_("PIN") if remedy.needs_approval(remedy.value_minor) else "")
            if tile.add_button is not None:
                tile.add_button.setToolTip(_("Add to several remedies given together"))
        self._retranslate_pending()
