"""Qt's alignment and focus values as plain numbers, for what runs before the first paint.

The first use of PySide6's ``Qt`` namespace (``from PySide6.QtCore import Qt``, or a call
whose overloads take one of its enums: ``QPainter.setPen``, ``setBrush``, ``fillRect``,
``QWidget.setFocusPolicy``, ``QLabel.alignment``…) builds its 93 Python enums, some 1,200
members: ~125 M instructions, a fifth of a bare window's whole start. A bare window never
touches it. The counter's start does without it until the first paint (tests/test_startup.py
checks): flags go to ``drawText`` and ``boundingRect`` as ints, enum properties are written
through Qt's property system, and the tiles paint their texts with ``QStyle.drawItemText``
(the colour from a palette, not ``setPen``). After the paint, ``ui.app`` builds the namespace
in a step of its own, so no later tap or key pays for it.

tests/test_qt_values.py checks each number against Qt's own.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

# Qt::AlignmentFlag and Qt::TextFlag
ALIGN_LEFT = 0x0001
ALIGN_HCENTER = 0x0004
ALIGN_TOP = 0x0020
ALIGN_VCENTER = 0x0080
ALIGN_CENTER = ALIGN_HCENTER | ALIGN_VCENTER
TEXT_WORD_WRAP = 0x1000
# Qt::FocusPolicy
NO_FOCUS = 0
STRONG_FOCUS = 0x1 | 0x2 | 0x8  # tab, click and the Qt::StrongFocus bit


def set_focus_policy(widget: QWidget, policy: int) -> None:
    """``widget.setFocusPolicy(policy)`` (see the module's docstring)."""
    widget.setProperty("focusPolicy", policy)


def set_alignment(widget: QWidget, flags: int) -> None:
    """``label.setAlignment(flags)`` (see the module's docstring)."""
    widget.setProperty("alignment", flags)


@lru_cache(maxsize=32)
def text_palette(colour: str) -> QPalette:
    """A palette whose window text is ``colour`` (``"#RRGGBB"``), for ``drawItemText``."""
    palette = QPalette()
    palette.setColor(QPalette.WindowText, QColor(colour))
    return palette


def build_qt_namespace() -> None:
    """Build the ``Qt`` namespace now (after the first paint), not in a later key press."""
    from PySide6.QtCore import Qt

    Qt.AlignCenter  # noqa: B018 - the first attribute of the namespace builds it
