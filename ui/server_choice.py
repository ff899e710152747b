"""First run's first question: is this counter alone (its store in a file here), or does
it connect to the store's server (PostgreSQL, shared by several counters)?

The server's address is asked as fields (server, port, database, user); **Test connection**
says in words what it found or what is wrong; the terminal's name defaults to this
computer's host name. The choice is remembered on this computer (``app.server_setup``,
terminal.json). ``ServerDialog`` is the same server form on its own, for the window that
explains a server problem ("Connect to another server…").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import server_setup
from app.errors import ComebackError, DatabaseProblem
from app.i18n import _
from app.terminal_config import NAME_MAX, default_name
from ui.backoffice.common import QSS, Errors, Field, message_label, set_message

CHOICE_QSS = """
#ServerChoice, #ServerDialog { background: palette(window); }
#Welcome { font-size: 22pt; font-weight: 700; }
#ChoiceButton { font-size: 15pt; font-weight: 600; min-height: 56px; text-align: left;
    padding: 6px 16px; }
#ChoiceButton:checked { border: 2px solid palette(highlight); background: #1D3447; }
#Verdict { font-size: 12pt; }
#Verdict[kind="error"] { color: #F08A80; }
#Verdict[kind="ok"] { color: #7BC89A; }
"""


class ServerForm(QWidget):
    """Server, port, database and user; Test connection and its verdict; the store to
    serve when the database holds several."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message_label()
        self.errors = Errors(self.message)
        self.checked: server_setup.ServerCheck | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.host = QLineEdit(objectName="server_host", maxLength=253)
        self.port = QLineEdit(objectName="server_port", maxLength=5)
        self.port.setPlaceholderText(str(server_setup.DEFAULT_PORT))
        self.database = QLineEdit("comeback", objectName="server_database", maxLength=63)
        self.user = QLineEdit(objectName="server_user", maxLength=63)
        self.user.setPlaceholderText(_("your user name on this computer"))
        host = self._field("host", self.host, lambda: _("Server"),
                           lambda: _("Its name or address, e.g. kafe-server or 192.168.1.20."))
        port = self._field("port", self.port, lambda: _("Port"))
        database = self._field("database", self.database, lambda: _("Database"))
        user = self._field("user", self.user, lambda: _("User"))
        for index, field in enumerate((host, port, database, user)):
            grid.addWidget(field, index // 2, index % 2, Qt.AlignTop)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout.addLayout(grid)
        self.password_help = QLabel(objectName="BoHelp", wordWrap=True)
        layout.addWidget(self.password_help)
        row = QHBoxLayout()
        self.test_button = QPushButton(objectName="server_test")
        self.test_button.clicked.connect(self.test)
        row.addWidget(self.test_button, 0, Qt.AlignTop)
        self.verdict = QLabel(objectName="Verdict", wordWrap=True)
        self.verdict.setTextInteractionFlags(Qt.TextSelectableByMouse)
        row.addWidget(self.verdict, 1)
        layout.addLayout(row)
        self.store = QComboBox(objectName="server_store")
        self.store_field = self._field("store", self.store, lambda: _("Store served here"))
        self.store_field.setVisible(False)
        layout.addWidget(self.store_field)
        for edit in (self.host, self.port, self.database, self.user):
            edit.textEdited.connect(self._forget_check)
        self.retranslate()

    def _field(self, name, widget, title, help_text=None) -> Field:
        return self.errors.add(Field(name, widget, title, help_text))

    def url(self) -> str:
        return server_setup.server_url(self.host.text(), self.database.text(),
                                       self.user.text(), self.port.text())

    def _forget_check(self) -> None:
        self.checked = None
        self.store_field.setVisible(False)
        self._say("", "info")

    def _say(self, text: str, kind: str) -> None:
        set_message(self.verdict, text, kind)

    def test(self) -> server_setup.ServerCheck | None:
        """Test the connection; the verdict in words under the button. None if it failed."""
        self.errors.clear()
        self._forget_check()
        try:
            url = self.url()
        except ComebackError as error:
            self.errors.show(error)
            self._say(str(error), "error")
            return None
        self._say(_("Connecting…"), "info")
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            self.checked = server_setup.check_server(url)
        except DatabaseProblem as problem:
            self._say(str(problem), "error")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._say(self.checked.verdict(), "ok")
        self.store.clear()
        for store_id, name in self.checked.stores:
            self.store.addItem(name, store_id)
        self.store_field.setVisible(len(self.checked.stores) > 1)
        return self.checked

    def store_id(self) -> int:
        data = self.store.currentData()
        return int(data) if data is not None else 1

    def retranslate(self) -> None:
        for field in self.errors.fields.values():
            field.retranslate()
        self.password_help.setText(_(
            "No password here: the server's password for this user goes in ~/.pgpass on "
            "this computer (or a PostgreSQL service file); Comeback never stores one."))
        self.test_button.setText(_("Test connection"))


class ServerChoicePage(QWidget):
    """First run, step one: this counter alone, or the store's server.

    Signals:
        alone(object): this counter keeps its store here; the saved ``TerminalConfig``.
        connected(object, object): the server's URL and the saved ``TerminalConfig``.
    """

    alone = Signal(object)
    connected = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ServerChoice")
        self.setStyleSheet(QSS + CHOICE_QSS)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 16, 40, 12)
        outer.setSpacing(10)
        self.welcome = QLabel(objectName="Welcome")
        outer.addWidget(self.welcome)
        self.intro = QLabel(objectName="BoHelp", wordWrap=True)
        outer.addWidget(self.intro)
        self.group = QButtonGroup(self)
        self.choices: dict[str, QPushButton] = {}
        self.choice_help: dict[str, QLabel] = {}
        for key in ("alone", "server"):
            button = QPushButton(objectName="ChoiceButton", checkable=True)
            button.setProperty("choice", key)
            self.group.addButton(button)
            self.choices[key] = button
            outer.addWidget(button)
            help_label = QLabel(objectName="BoHelp", wordWrap=True)
            self.choice_help[key] = help_label
            outer.addWidget(help_label)
        self.choices["alone"].setChecked(True)
        self.group.buttonToggled.connect(self._choice_changed)
        self.form = ServerForm()
        outer.insertWidget(outer.indexOf(self.choice_help["server"]) + 1, self.form)
        self.terminal = QLineEdit(default_name(), objectName="terminal_name",
                                  maxLength=NAME_MAX)
        self.terminal_field = self.form.errors.add(Field(
            "terminal", self.terminal, lambda: _("This terminal's name"),
            lambda: _("Shown with what is logged here, e.g. Bar or Till 2.")))
        outer.addWidget(self.terminal_field)
        outer.addStretch(1)
        bottom = QHBoxLayout()
        self.message = self.form.message
        bottom.addWidget(self.message, 1)
        self.continue_button = QPushButton(objectName="Primary")
        self.continue_button.clicked.connect(self.submit)
        bottom.addWidget(self.continue_button)
        outer.addLayout(bottom)
        self._choice_changed()
        self.retranslate()

    def choice(self) -> str:
        button = self.group.checkedButton()
        return button.property("choice") if button else "alone"

    def _choice_changed(self, *_args) -> None:
        self.form.setVisible(self.choice() == "server")
        self.form.errors.clear()

    def submit(self) -> bool:
        """Remember the choice and go on; on a problem, say it and stay."""
        form = self.form
        form.errors.clear()
        try:
            if self.choice() == "alone":
                name = server_setup.terminal_name(self.terminal.text())
                try:
                    config = server_setup.remember(None, name)
                except ComebackError:  # nothing to remember that the file does not say
                    config = server_setup.TerminalConfig(None, name, 1)
                self.alone.emit(config)
                return True
            checked = form.checked or form.test()
            if checked is None:
                set_message(self.message, _("Not connected: see the message under Test "
                                            "connection."), "error")
                return False
            url = form.url()
            config = server_setup.remember(url, self.terminal.text(), form.store_id())
        except ComebackError as error:
            form.errors.show(error)
            return False
        self.connected.emit(url, config)
        return True

    def retranslate(self) -> None:
        self.setWindowTitle(_("Comeback — first run"))
        self.welcome.setText(_("Welcome to Comeback"))
        self.intro.setText(_("First: where is this store kept?"))
        self.choices["alone"].setText(_("This counter alone"))
        self.choice_help["alone"].setText(_(
            "The store is kept in a file on this computer. The right choice for one counter."))
        self.choices["server"].setText(_("Connect to the store's server"))
        self.choice_help["server"].setText(_(
            "Several counters, a manager's tablet or several stores share one PostgreSQL "
            "database on a server."))
        self.form.retranslate()
        self.terminal_field.retranslate()
        self.continue_button.setText(_("Continue"))


class ServerDialog(QDialog):
    """The server form on its own ("Connect to another server…"): ``url`` once accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ServerDialog")
        self.setStyleSheet(QSS + CHOICE_QSS)
        self.setWindowTitle(_("Connect to the store's server"))
        self.url: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self.form = ServerForm()
        layout.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.form.message, 1)
        cancel = QPushButton(_("Cancel"), objectName="server_cancel")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        self.connect_button = QPushButton(_("Connect"), objectName="Primary")
        self.connect_button.clicked.connect(self.submit)
        buttons.addWidget(self.connect_button)
        layout.addLayout(buttons)
        self.resize(760, 420)

    def submit(self) -> bool:
        if (self.form.checked or self.form.test()) is None:
            return False
        try:
            self.url = self.form.url()
        except ComebackError as error:
            self.form.errors.show(error)
            return False
        self.accept()
        return True
