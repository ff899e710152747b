"""The window shown instead of the counter when the database file cannot be used: what is
wrong, in the words of ``app.dbfile``, and the ways out — open another file, restore the
newest good backup, try again (busy, full, unreadable), quit. Never a traceback.

``FileCheck`` runs SQLite's ``quick_check`` of the open file in a worker thread after the
counter's first paint (it reads every page: ~1.3 ms per MB from the OS cache, more from
the disk; too slow before the paint of a big store) and reports a damaged file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import errors
from app.i18n import _

#: The heading of each kind of problem.
_TITLES: dict[type, Callable[[], str]] = {
    errors.DatabaseMissing: lambda: _("There is no database here"),
    errors.DatabaseIsFolder: lambda: _("That is a folder, not a database"),
    errors.NotADatabase: lambda: _("This is not a Comeback database"),
    errors.DatabaseUnreadable: lambda: _("The database cannot be read"),
    errors.DatabaseReadOnly: lambda: _("The database is read-only"),
    errors.DatabaseTooNew: lambda: _("The database is from a newer Comeback"),
    errors.DatabaseDamaged: lambda: _("The database is damaged"),
    errors.DiskFull: lambda: _("The disk is full"),
    errors.DatabaseLocked: lambda: _("The database is busy"),
    errors.DatabaseIOError: lambda: _("The disk could not be read"),
    errors.DatabaseNotCreated: lambda: _("The database could not be created"),
    errors.ServerUnreachable: lambda: _("The database server does not answer"),
    errors.ServerLoginRefused: lambda: _("The database server did not let this user in"),
    errors.ServerNoDatabase: lambda: _("The server has no such database"),
    errors.ServerNoPermission: lambda: _("This user may not use the database"),
    errors.ServerConnectionLost: lambda: _("The connection to the database server broke"),
}
#: Problems that may pass by themselves: the window offers "Try again".
_PASSING = (errors.DatabaseLocked, errors.DiskFull, errors.DatabaseIOError,
            errors.DatabaseUnreadable, errors.DatabaseReadOnly, errors.DatabaseNotCreated,
            errors.DatabaseServerProblem)
#: Problems a backup cures: the window offers the newest one and a backup file of choice.
_RESTORABLE = (errors.DatabaseDamaged, errors.NotADatabase, errors.DatabaseTooNew)
QSS = """
#DbProblem { background: palette(window); }
#DbProblemTitle { font-size: 22pt; font-weight: 700; }
#DbProblemText { font-size: 14pt; }
#DbProblemPath { font-size: 11pt; color: #9AA8B5; }
#DbProblem QPushButton { font-size: 14pt; min-height: 48px; padding: 4px 20px; }
#db_restore { background: #2E8B57; font-weight: 700; }
"""


def title_of(problem: errors.DatabaseProblem) -> str:
    for kind, title in _TITLES.items():
        if isinstance(problem, kind):
            return title()
    return _("The database cannot be used")


class DbProblemWindow(QWidget):
    """Explains ``problem`` and offers the ways out.

    Signals:
        open_file(object): the user picked another database: a file (a Path) or a
            server (its URL, a str).
        restore(object): restore this backup (a Path) into the database, then start.
        retry(): try the same file again.
        (``restore`` is also sent for a backup file the user picks.)
        quit(): leave the app.
    """

    open_file = Signal(object)
    restore = Signal(object)
    retry = Signal()
    quit = Signal()

    def __init__(self, problem: errors.DatabaseProblem,
                 ask_path: Callable[[QWidget], str | None] | None = None,
                 parent: QWidget | None = None,
                 ask_server: Callable[[QWidget], str | None] | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        self._ask_path = ask_path or _ask_database_path
        self._ask_server = ask_server or _ask_server_url
        on_server = isinstance(problem, errors.DatabaseServerProblem)
        self.setObjectName("DbProblem")
        self.setStyleSheet(QSS)
        self.setWindowTitle(_("Comeback — the database needs attention"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(16)
        self.title = QLabel(title_of(problem), objectName="DbProblemTitle", wordWrap=True)
        layout.addWidget(self.title)
        self.text = QLabel(self._explanation(), objectName="DbProblemText", wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.text)
        where = (_("Database server: {where}").format(where=problem.path) if on_server
                 else _("Database file: {path}").format(path=problem.path))
        self.path_label = QLabel(where, objectName="DbProblemPath", wordWrap=True)
        self.path_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.path_label)
        layout.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        backup = problem.backup
        if backup is not None:  # the way out most people want, on a row of its own
            first = QHBoxLayout()
            self._add(first, "restore", _("Restore the backup of {when}").format(
                when=_local(backup.taken_at)), lambda: self.restore.emit(backup.path))
            first.addStretch(1)
            layout.addLayout(first)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        if isinstance(problem, _RESTORABLE):  # backups on a USB stick, say
            self._add(buttons, "restore_file", _("Restore a backup file…"), self._pick_backup)
        if isinstance(problem, _PASSING):
            self._add(buttons, "retry", _("Try again"), self.retry.emit)
        if on_server:
            self._add(buttons, "server", _("Connect to another server…"), self._pick_server)
        self._add(buttons, "open", _("Open another file…"), self._pick)
        buttons.addStretch(1)
        self._add(buttons, "quit", _("Quit"), self.quit.emit)
        layout.addLayout(buttons)
        self.resize(860, 440)

    def _explanation(self) -> str:
        text, backup = self.problem.plain, self.problem.backup
        if isinstance(self.problem, _RESTORABLE):
            if backup is None:
                return text + " " + _("No backup was found next to it: open another file, "
                                      "or ask for help before anything else is done.")
            return text + " " + _("The newest good backup is from {when}. Restoring it "
                                  "keeps this file aside, so nothing is thrown away.").format(
                when=_local(backup.taken_at))
        return text

    def _add(self, row: QHBoxLayout, key: str, text: str, slot) -> None:
        button = QPushButton(text, objectName=f"db_{key}")
        button.clicked.connect(slot)
        row.addWidget(button)
        self.buttons[key] = button

    def _pick(self) -> None:
        path = self._ask_path(self)
        if path:
            self.open_file.emit(Path(path))

    def _pick_server(self) -> None:
        url = self._ask_server(self)
        if url:
            self.open_file.emit(url)

    def _pick_backup(self) -> None:
        path = self._ask_path(self)
        if path:
            self.restore.emit(Path(path))


def _local(when) -> str:
    """A backup's time on this computer's clock (the store's zone is in the database)."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _ask_database_path(parent: QWidget) -> str | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Open a Comeback database"), str(Path.home()),
        _("Comeback database (*.db);;All files (*)"))
    return path or None


def _ask_server_url(parent: QWidget) -> str | None:
    from ui.server_choice import ServerDialog

    dialog = ServerDialog(parent)
    return dialog.url if dialog.exec() else None


class FileCheck(QObject):
    """``quick_check`` of a database file in a worker thread.

    Signals:
        damaged(object): the ``app.errors.DatabaseProblem`` when the file is damaged.
        sound(float): the file is sound; when the check began (a ``time.time()``).
        finished(): the check is over (damaged or not).
    """

    damaged = Signal(object)
    sound = Signal(float)
    finished = Signal()

    def start(self, path: Path) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(Path(path),), daemon=True,
                                  name="comeback-quick-check")
        thread.start()
        return thread

    def _run(self, path: Path) -> None:
        from app.dbfile import problem
        from db.health import DatabaseFileError, check_file

        try:
            self.sound.emit(check_file(path))
        except DatabaseFileError as error:
            self.damaged.emit(problem(error))
        except Exception:  # noqa: BLE001 - a check that cannot run proves nothing
            pass
        self.finished.emit()
