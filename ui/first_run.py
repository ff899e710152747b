"""First run: one short page — the store, its hours, and the owner — then the counter.

Asked: store name, restaurant or retail, language, currency, time zone (guessed from the
system), opening hours (a compact default, editable), the owner's name and PIN (twice).
Formats (how money and dates are written) follow the language and the time zone's country.
Everything else has a sensible default and lives in the back office.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n, store_admin
from app.context import Context
from app.errors import ComebackError, ValidationError
from app.i18n import _
from app.models import Changes
from app.setup import init_store
from app.staff import NAME_MAX, PIN_MAX, PIN_MIN
from ui import icons
from ui.backoffice.common import QSS, Errors, Field, let_combos_shrink, message_label, section
from ui.backoffice.hours import HoursEditor, summary
from ui.backoffice.settings_form import combo, combo_value, language_combo, set_combo_text
from ui.backoffice.staff_tab import pin_input

PRESETS = (("restaurant", "comp-item"), ("retail", "damaged-item"))
FIRST_RUN_QSS = """
#FirstRun { background: palette(window); }
#PresetButton { font-size: 14pt; min-height: 44px; text-align: left; padding: 4px 14px; }
#PresetButton:checked { border: 2px solid palette(highlight); background: #1D3447; }
#HoursSummary { font-size: 13pt; }
#Welcome { font-size: 22pt; font-weight: 700; }
"""


class FirstRunSetup(QWidget):
    """The first-run form; creates the store with ``app.setup.init_store``.

    Signals:
        completed(object): the :class:`app.models.Changes` once the store exists.
    """

    completed = Signal(object)

    def __init__(self, ctx: Context, timezone_guess: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("FirstRun")
        self.setStyleSheet(QSS + FIRST_RUN_QSS)
        guess = timezone_guess or store_admin.FALLBACK_TIMEZONE
        suggested = store_admin.suggest_for_timezone(guess)
        i18n.set_language(suggested["language"])

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 16, 40, 12)
        outer.setSpacing(8)
        self.welcome = QLabel(objectName="Welcome")
        outer.addWidget(self.welcome)
        self.intro = QLabel(objectName="BoHelp", wordWrap=True)
        outer.addWidget(self.intro)
        self.message = message_label()
        self.errors = Errors(self.message)

        grid = QGridLayout()
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(8)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.setSpacing(8)
        right.setSpacing(8)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        outer.addLayout(grid, 1)

        self.store_title = section()
        left.addWidget(self.store_title)
        self.store_name = QLineEdit(objectName="store_name", maxLength=80)
        self.store_field = self._field(left, "store_name", self.store_name,
                                       lambda: _("Store name"))
        presets = QWidget()
        row = QHBoxLayout(presets)
        row.setContentsMargins(0, 0, 0, 0)
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: dict[str, QPushButton] = {}
        for name, icon in PRESETS:
            button = QPushButton(objectName="PresetButton", checkable=True)
            button.setProperty("preset", name)
            button.setIcon(icons.icon(icon, 28))
            button.setIconSize(QSize(28, 28))
            self.preset_group.addButton(button)
            self.preset_buttons[name] = button
            row.addWidget(button, 1)
        self.preset_buttons["restaurant"].setChecked(True)
        self.preset_field = self._field(left, "preset", presets, lambda: _("Kind of store"))
        self.language = language_combo()
        self.language.setObjectName("language")
        set_combo_text(self.language, suggested["language"])
        self.language.currentIndexChanged.connect(self._language_changed)
        self.language_field = self._field(left, "language", self.language,
                                          lambda: _("Language"))
        self.currency = combo(store_admin.COMMON_CURRENCIES)
        self.currency.setObjectName("currency")
        set_combo_text(self.currency, suggested["currency"])
        self.currency_field = self._field(left, "currency", self.currency,
                                          lambda: _("Currency"),
                                          lambda: _("ISO code, e.g. NOK, EUR, CZK."))
        self.timezone = combo(store_admin.timezones())
        self.timezone.setObjectName("timezone")
        set_combo_text(self.timezone, guess)
        self.timezone_field = self._field(left, "timezone", self.timezone,
                                          lambda: _("Time zone"))
        self.errors.add(self.language_field, "locale")
        left.addStretch(1)

        hours_head = QHBoxLayout()
        self.hours_title = section()
        hours_head.addWidget(self.hours_title)
        hours_head.addStretch(1)
        self.hours_button = QPushButton(objectName="hours_change", checkable=True)
        self.hours_button.toggled.connect(self._toggle_hours)
        hours_head.addWidget(self.hours_button)
        right.addLayout(hours_head)
        self.hours_summary = QLabel(objectName="HoursSummary", wordWrap=True)
        right.addWidget(self.hours_summary)
        self.hours = HoursEditor()
        self.hours.setVisible(False)
        self.hours.edited.connect(self._show_summary)
        right.addWidget(self.hours)
        self.hours_field = Field("opening_hours", QWidget(), lambda: "")
        self.hours_field.label.setVisible(False)
        self.errors.add(self.hours_field)
        right.addWidget(self.hours_field)
        right.addSpacing(4)

        self.owner_title = section()
        right.addWidget(self.owner_title)
        self.owner_name = QLineEdit(objectName="owner_name", maxLength=NAME_MAX)
        self.owner_field = self._field(right, "owner_name", self.owner_name,
                                       lambda: _("Your name"))
        self.errors.add(self.owner_field, "name")
        pins = QHBoxLayout()
        pins.setSpacing(16)
        self.pin = pin_input("owner_pin")
        self.pin_field = self._field(pins, "pin", self.pin, lambda: _("Your PIN"))
        self.pin_confirm = pin_input("owner_pin_confirm")
        self.confirm_field = self._field(pins, "pin_confirm", self.pin_confirm,
                                         lambda: _("Your PIN again"))
        for field in (self.pin_field, self.confirm_field):
            pins.setAlignment(field, Qt.AlignTop)
        right.addLayout(pins)
        self.pin_help = QLabel(objectName="BoHelp", wordWrap=True)
        right.addWidget(self.pin_help)
        right.addStretch(1)

        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        self.start_button = QPushButton(objectName="Primary")
        self.start_button.clicked.connect(self.submit)
        bottom.addWidget(self.start_button)
        outer.addLayout(bottom)
        self.store_name.returnPressed.connect(self.owner_name.setFocus)
        self.pin_confirm.returnPressed.connect(self.submit)
        let_combos_shrink(self)
        self.retranslate()

    def _field(self, layout: QVBoxLayout | QHBoxLayout, name: str, widget: QWidget,
               title: Callable[[], str], help_text: Callable[[], str] | None = None) -> Field:
        field = self.errors.add(Field(name, widget, title, help_text))
        layout.addWidget(field)
        return field

    # -- behaviour --------------------------------------------------------------------------
    def preset(self) -> str:
        button = self.preset_group.checkedButton()
        return button.property("preset") if button else "restaurant"

    def _language_changed(self) -> None:
        i18n.set_language(self.language.currentData())
        self.errors.clear()  # a refusal in the old language goes; Open the counter says it anew
        self.retranslate()

    def _toggle_hours(self, on: bool) -> None:
        self.hours.setVisible(on)
        self.hours_summary.setVisible(not on)
        self._retitle_hours()

    def _show_summary(self) -> None:
        self.hours_summary.setText(summary(self.hours.value()))

    def _retitle_hours(self) -> None:
        self.hours_button.setText(_("Done") if self.hours_button.isChecked() else _("Change"))

    def values(self) -> dict:
        language = self.language.currentData()
        timezone = combo_value(self.timezone)
        return {"store_name": self.store_name.text(), "preset": self.preset(),
                "currency": combo_value(self.currency), "language": language,
                "locale": store_admin.suggest_locale(language, timezone),
                "timezone": timezone, "opening_hours": self.hours.value(),
                "owner_name": self.owner_name.text(), "owner_pin": self.pin.text()}

    def submit(self) -> Changes | None:
        """Create the store; on a refusal, say why next to the field and create nothing."""
        self.errors.clear()
        values = self.values()
        try:
            if self.pin.text() != self.pin_confirm.text():
                raise ValidationError("pin_confirm", _("The two PINs differ: type the same "
                                                       "PIN twice."))
            changes = init_store(self.ctx, **values)
        except ComebackError as error:
            if isinstance(error, ValidationError) and error.field == "opening_hours":
                self.hours_button.setChecked(True)
            self.errors.show(error)
            return None
        self.completed.emit(changes)
        return changes

    def retranslate(self) -> None:
        self.setWindowTitle(_("Comeback — first run"))
        self.welcome.setText(_("Welcome to Comeback"))
        self.intro.setText(_("A few things about your store and you, then the counter opens. "
                             "Everything can be changed later in the back office."))
        self.store_title.setText(_("Your store"))
        self.owner_title.setText(_("You, the owner"))
        self.preset_buttons["restaurant"].setText(_("Restaurant or café"))
        self.preset_buttons["retail"].setText(_("Shop"))
        for field in self.errors.fields.values():
            field.retranslate()
        self.hours_title.setText(_("Opening hours"))
        self.pin_help.setText(_("{low} to {high} digits, not easy to guess like 1234. Your PIN "
                                "opens the back office and approves bigger remedies.").format(
            low=PIN_MIN, high=PIN_MAX))
        self.hours.retranslate()
        self._show_summary()
        self._retitle_hours()
        self.start_button.setText(_("Open the counter"))


def show_first_run(ctx: Context, on_done: Callable[[Changes], None],
                   timezone_guess: str | None = None) -> FirstRunSetup:
    """Show the first-run page; when the store exists, close it and call ``on_done``."""
    page = FirstRunSetup(ctx, timezone_guess or store_admin.guess_timezone())

    def done(changes: Changes) -> None:
        on_done(changes)
        page.close()

    page.completed.connect(done, Qt.QueuedConnection)
    page.resize(1024, 768)
    page.show()
    return page

