"""Backups: the last good backup, "Back up now", and where backups go and how many are
kept (owner). Managers can back up; only the owner changes the settings."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import backups
from app.errors import ComebackError
from app.formatting import short_datetime
from app.i18n import _
from ui.backoffice.common import message_label, section, set_message
from ui.backoffice.settings_form import SettingsForm
from ui.backup_timer import backup_work, in_a_thread
from ui.controller import Controller

BACKUP_SETTINGS = ("backup_folder", "backups_daily", "backups_weekly")


class BackupsTab(QWidget):
    """The newest good backup and a button to make one now, then the backup settings.

    "Back up now" of a store's file copies and checks it in a worker thread (``worker``,
    as ui.backup_timer's: tests hand in one that keeps or runs the work), so the counter
    goes on while a big file is copied; a server's copy is made on this thread (its
    connection is this thread's)."""

    _finished = Signal(object, object)  # (app.backups.Made or None, error text or None)

    def __init__(self, controller: Controller, signed_in: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        self.title = section()
        layout.addWidget(self.title)
        self.last_label = QLabel(objectName="backup_last", wordWrap=True)
        self.last_label.setStyleSheet("font-size: 14pt;")
        layout.addWidget(self.last_label)
        self.folder_label = QLabel(objectName="BoHelp", wordWrap=True)
        layout.addWidget(self.folder_label)
        row = QHBoxLayout()
        self.now_button = QPushButton(objectName="backup_now")
        self.now_button.setStyleSheet("font-size: 14pt; min-height: 44px; padding: 2px 24px;")
        self.now_button.clicked.connect(self.back_up_now)
        row.addWidget(self.now_button)
        self.message = message_label()
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.help = QLabel(objectName="BoHelp", wordWrap=True)
        layout.addWidget(self.help)
        self.settings_title = section()
        layout.addWidget(self.settings_title)
        self.form = SettingsForm(controller, [list(BACKUP_SETTINGS)], signed_in)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.worker: Callable = in_a_thread
        self.running = None  # the worker's thread while a backup is made
        self._finished.connect(self._on_finished)  # queued from the worker's thread
        self.retranslate()

    def back_up_now(self) -> None:
        ctx = self.controller.ctx
        if backups.on_server(ctx):
            try:
                made = backups.make_backup(ctx)
            except ComebackError as error:
                set_message(self.message, str(error), "error")
                return
            self._done(made)
            return
        try:
            plan = backups.plan_backup(ctx)
        except ComebackError as error:
            set_message(self.message, str(error), "error")
            return
        self.now_button.setEnabled(False)
        set_message(self.message, _("Backing up… the counter goes on meanwhile."))
        self.running = self.worker(backup_work(plan, self._finished.emit))

    def _on_finished(self, made, error) -> None:
        self.running = None
        self.now_button.setEnabled(True)
        if made is None:
            set_message(self.message, error, "error")
            return
        backups.found_sound(self.controller.ctx, made)
        self._done(made.backup)

    def _done(self, made: backups.Backup) -> None:
        self.reload()
        set_message(self.message, _("Backed up to {path} (checked).").format(path=made.path))

    def set_editable(self, editable: bool) -> None:
        self.form.set_editable(editable, "" if editable else _(
            "Only the owner can change where backups go."))

    def reload(self) -> None:
        ctx = self.controller.ctx
        self.form.load()
        if ctx.db.path is None and not backups.on_server(ctx):
            self.last_label.setText(_("This database lives in memory: it has no backups."))
            self.folder_label.clear()
            self.now_button.setEnabled(False)
            return
        last = backups.last_backup(ctx)
        settings = ctx.settings()
        if last is None:
            self.last_label.setText(_("No backup yet."))
        else:
            self.last_label.setText(_("Last good backup: {when}").format(
                when=short_datetime(last.taken_at, settings.timezone, settings.locale)))
        if backups.on_server(ctx):  # no daily copies by every counter: see app.backups
            self.last_label.setText(self.last_label.text() + " " + _(
                "The store is on a database server: the server's own backups (pg_dump) keep "
                "it. Back up now copies it into a file on this computer."))
        self.folder_label.setText(_("Backups go to {folder}").format(
            folder=backups.folder_for(ctx)))

    def retranslate(self) -> None:
        self.title.setText(_("Backups"))
        self.now_button.setText(_("Back up now"))
        self.help.setText(_("Comeback backs up by itself once a day and when it closes, and "
                            "checks every copy. To move to a new PC, copy the newest backup "
                            "and run comeback restore on it there."))
        self.settings_title.setText(_("Where and how many"))
        self.form.retranslate()
        self.reload()
