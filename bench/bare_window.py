"""The floor for ``bench.startup``: a bare PySide6 window's first paint, nothing else.

Same protocol as ``comeback`` under COMEBACK_BENCH_READY=1: a QMainWindow of 1024×768 with
one label; after the first paint of its central widget, a 0 ms single shot prints "ready"
and quits (``--stay``: stays open, idle).

    python -m bench.bare_window
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class _FirstPaint(QObject):
    def __init__(self, app: QApplication, stay: bool = False) -> None:
        super().__init__(app)
        self._app, self._seen, self._stay = app, False, stay

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._ready)
        return False

    def _ready(self) -> None:
        print("ready", flush=True)
        if not self._stay:
            self._app.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    label = QLabel("Comeback")
    window.setCentralWidget(label)
    window.resize(1024, 768)
    # --stay: keep it open after "ready" (bench.scaling measures its idle CPU).
    label.installEventFilter(_FirstPaint(app, stay="--stay" in sys.argv[1:]))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
