"""The ``comeback`` console script: the CLI, with the GUI as its default command.

It lives in ``ui`` so that ``app`` never imports the GUI: the launcher is handed down.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def _gui(db_path: Path | str) -> int:
    # What the counter needs before its first paint and does not need Qt for, imported
    # before PySide6: once PySide6 is imported it looks at the source of every module
    # imported after it (see ui.pyside_imports).
    import app.catalog
    import app.staff  # noqa: F401
    from app.dbtarget import is_server

    if is_server(db_path):
        # On a server: the terminal's handle. psycopg (some 100 modules, as long to import
        # as PySide6) only once the counter is on screen, when this terminal has a copy of
        # its store to paint it from (ui.server_start).
        import app.offline  # noqa: F401
        import db.failover  # noqa: F401
    from ui.pyside_imports import install

    install()
    from ui.app import main as gui_main

    return gui_main(db_path)


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli import main as cli_main

    return cli_main(argv, gui=_gui)


if __name__ == "__main__":
    sys.exit(main())
