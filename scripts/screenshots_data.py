"""Screenshots of the database's bad day and of backups for docs/.

``db-problem.png``: the window shown at start when the database file is damaged, offering
the newest good backup; ``backups.png``: the back office's Backups tab with a few days of
backups, opened by the owner; ``backups-running.png``: the same while Back up now copies in
its worker thread.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_data.py [--out docs]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from _shots import SIZE, demo_store, grab, start
from PySide6.QtWidgets import QApplication

from app import backups, staff


def damaged(app: QApplication, out: Path, tmp: Path) -> None:
    from app.context import open_context
    from app.errors import DatabaseProblem
    from ui.db_problem import DbProblemWindow
    from ui.theme import apply_theme

    data = tmp / "Comeback"
    ctx, clock = demo_store(data / "comeback.db", weeks=8)
    clock.set(clock.now() - timedelta(hours=14))
    backups.make_backup(ctx)
    ctx.db.close()
    conn = sqlite3.connect(data / "comeback.db")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    path = data / "comeback.db"
    from tests.dbstates import flip_bytes_in_the_middle

    flip_bytes_in_the_middle(path)  # 64 bytes of a used page, as a failing disk does
    try:
        open_context(path).db.close()
        from db.health import DatabaseFileError, check_file

        check_file(path)
        raise SystemExit("the damage was not found")
    except (DatabaseProblem, DatabaseFileError) as error:
        from app.dbfile import problem

        found = error if isinstance(error, DatabaseProblem) else problem(error)
    apply_theme(app)
    window = DbProblemWindow(found)
    window.resize(900, 460)
    window.show()
    grab(window, app, out / "db-problem.png")
    window.close()


def backups_tab(app: QApplication, out: Path, tmp: Path) -> None:
    from ui.app import build_main_window

    ctx, clock = demo_store(tmp / "shop" / "comeback.db", weeks=2)
    now = clock.now()
    for days in (3, 2, 1):
        clock.set(now - timedelta(days=days, hours=-10))
        backups.make_backup(ctx)
    clock.set(now - timedelta(hours=3))
    backups.make_backup(ctx)
    clock.set(now)
    window = build_main_window(ctx)
    window.resize(*SIZE)
    window.show()
    page = window.page("backoffice")
    window.show_page("backoffice")
    page.unlock(staff.find_by_name(ctx, "Ingrid"))
    page.show_tab(page.backups_tab)
    grab(window, app, out / "backups.png")
    kept = []
    page.backups_tab.worker = kept.append  # the copy still under way
    page.backups_tab.now_button.click()
    grab(window, app, out / "backups-running.png")
    kept.pop()()
    window.close()


def main() -> int:
    app, out = start(__doc__)
    with tempfile.TemporaryDirectory() as folder:
        damaged(app, out, Path(folder))
        backups_tab(app, out, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
