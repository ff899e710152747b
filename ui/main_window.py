"""The main window: a banner area on top, a page strip, and the pages (counter first).

Pages are added by :func:`ui.app.build_main_window`; each page is a QWidget with an
optional ``retranslate()`` method called when the language changes. A page can also be
given as a factory: it is then built the first time it is shown or asked for with
:meth:`MainWindow.page`, so pages behind a tap do not slow the start to the counter.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui.controller import Controller


class _PageStack(QStackedWidget):
    """The pages: laid out for the page on show. QStackedLayout asks every page for its
    height at a width, hidden ones too (the follow-up queue, the back office...), each time
    the window is laid out; the window's height is the page on show's business."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        page = self.currentWidget()
        return page.hasHeightForWidth() if page is not None else False

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        page = self.currentWidget()
        return page.heightForWidth(width) if page is not None else -1


class MainWindow(QMainWindow):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("MainWindow")
        central = QWidget(self)
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        #: Widgets that must not be missed (reminders) go here, above everything.
        self.banner_area = QVBoxLayout()
        self.banner_area.setSpacing(0)
        self._layout.addLayout(self.banner_area)
        self.nav = QWidget(objectName="NavBar")
        self._nav_layout = QHBoxLayout(self.nav)
        self._nav_layout.setContentsMargins(8, 6, 8, 6)
        self._nav_group = QButtonGroup(self)
        self._nav_group.setExclusive(True)
        self._layout.addWidget(self.nav)
        self.stack = _PageStack()
        self._layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._pages: dict[str, tuple[QWidget, QPushButton, Callable[[], str]]] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._nav_layout.addStretch(1)
        controller.language_changed.connect(self._on_language_changed)
        self.retranslate()

    def add_page(self, key: str, widget: QWidget | Callable[[], QWidget],
                 title: Callable[[], str], guard: Callable[[], bool] | None = None,
                 position: int | None = None) -> None:
        """Add a page with a nav button; ``guard`` may refuse opening it (e.g. asks a PIN).

        ``widget`` may be a factory returning the page: it is called on first use.
        ``position`` puts the nav button at that index (default: last).
        """
        if not isinstance(widget, QWidget):
            self._factories[key] = widget
            widget = QWidget()
        button = QPushButton(title(), objectName=f"nav_{key}", checkable=True)
        button.setMinimumHeight(44)
        self._nav_group.addButton(button)
        last = self._nav_layout.count() - 1
        self._nav_layout.insertWidget(last if position is None else min(position, last), button)
        self.stack.addWidget(widget)
        self._pages[key] = (widget, button, title)
        button.clicked.connect(lambda _checked=False, k=key, g=guard: self._open(k, g))
        if len(self._pages) == 1:
            button.setChecked(True)

    def _open(self, key: str, guard: Callable[[], bool] | None) -> None:
        if guard is not None and not guard():
            self._pages[self.current_page()][1].setChecked(True)
            return
        self.show_page(key)

    def show_page(self, key: str) -> None:
        widget, button, _title = self._pages[key]
        button.setChecked(True)
        self.stack.setCurrentWidget(self.page(key))

    def current_page(self) -> str:
        current = self.stack.currentWidget()
        return next(k for k, (w, _b, _t) in self._pages.items() if w is current)

    def page(self, key: str) -> QWidget:
        """The page widget (a page given as a factory is built now, once)."""
        factory = self._factories.pop(key, None)
        if factory is not None:
            placeholder, button, title = self._pages[key]
            widget = factory()
            index = self.stack.indexOf(placeholder)
            self.stack.insertWidget(index, widget)
            self._pages[key] = (widget, button, title)
            if self.stack.currentWidget() is placeholder:
                self.stack.setCurrentWidget(widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return self._pages[key][0]

    def _on_language_changed(self, _code: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        name = self.controller.ctx.settings().store_name
        self.setWindowTitle(_("Comeback — {store}").format(store=name))
        for key, (widget, button, title) in self._pages.items():
            button.setText(title())
            if key not in self._factories and hasattr(widget, "retranslate"):
                widget.retranslate()
