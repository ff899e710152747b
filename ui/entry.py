"""The ``comeback`` console script: the CLI, with the GUI as its default command.

It lives in ``ui`` so that ``app`` never imports the GUI: the launcher is handed down.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def _gui(db_path: Path | str) -> int:
    # The services the counter starts with, before PySide6: once PySide6 is imported it
    # reads the source of every module imported after it (looking for its
    # ``from __feature__`` switches), ~7 ms of a cold start for these.
    import app.catalog
    import app.staff  # noqa: F401
    from ui.app import main as gui_main

    return gui_main(db_path)


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli import main as cli_main

    return cli_main(argv, gui=_gui)


if __name__ == "__main__":
    sys.exit(main())
