"""A word-wrapped label that remembers its height at a width, for the texts that change at a tap.

Each time the window is laid out (every step of the counter: a tap, the banner growing back)
Qt asks a word-wrapped QLabel its height at a width several times, at a few widths, and the
label lays its text out anew each time (text shaping: most of a relayout). What it says does
not change between most of those asks, nor its font: the answer is kept per width until the
text, the font, the style or the margins change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

#: Widths remembered at most (a layout asks at a handful; more means the window is resized).
KEPT = 24
#: What changes a label's height at a width other than its own setters.
_CHANGES = (QEvent.FontChange, QEvent.StyleChange, QEvent.ContentsRectChange,
            QEvent.PolishRequest, QEvent.Polish, QEvent.ScreenChangeInternal,
            QEvent.LayoutDirectionChange)


class WrappedLabel(QLabel):
    """A QLabel whose :meth:`heightForWidth` is remembered (see the module)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._heights: dict[int, int] = {}

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= KEPT:
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def forget(self) -> None:
        """The text's layout changed: ask Qt again (the setters below say so themselves)."""
        heights = self.__dict__.get("_heights")  # (setters run inside QLabel.__init__)
        if heights:
            heights.clear()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        if text != self.text():
            self.forget()
        super().setText(text)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 (Qt override)
        self.forget()
        super().setWordWrap(on)

    def setTextFormat(self, text_format) -> None:  # noqa: N802 (Qt override)
        self.forget()
        super().setTextFormat(text_format)

    def setIndent(self, indent: int) -> None:  # noqa: N802 (Qt override)
        self.forget()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:  # noqa: N802 (Qt override)
        self.forget()
        super().setMargin(margin)

    def event(self, event: QEvent) -> bool:
        if event.type() in _CHANGES:
            self.forget()
        return super().event(event)
