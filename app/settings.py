"""Every store setting, declared once (name, type, default, help) and read through here."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from app.errors import ValidationError
from app.i18n import LANGUAGES, N_, _
from db import store as store_db

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = {day: ["10:00", "22:00"] for day in WEEKDAYS}


def _hhmm(value: str) -> int:
    hours, minutes = value.split(":")
    result = int(hours) * 60 + int(minutes)
    if not (0 <= int(hours) <= 24 and 0 <= int(minutes) < 60 and result <= 24 * 60):
        raise ValueError(value)
    return result


def _check_text(name: str, value: Any, spec: Setting) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(name, _("{field} must not be empty.").format(field=spec.title()))
    if len(value) > 80:
        raise ValidationError(name, _("{field} can be at most {n} characters.").format(
            field=spec.title(), n=80))
    return value.strip()


def _check_int(name: str, value: Any, spec: Setting) -> int:
    low, high = spec.limits or (0, 10**6)
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise ValidationError(name, _("{field} must be a whole number from {low} to {high}.")
                                  .format(field=spec.title(), low=low, high=high)) from None
    if not low <= value <= high:
        raise ValidationError(name, _("{field} must be a whole number from {low} to {high}.")
                              .format(field=spec.title(), low=low, high=high))
    return value


def _check_bool(name: str, value: Any, spec: Setting) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValidationError(name, _("{field} must be on or off (true or false).").format(
        field=spec.title()))


def _check_currency(name: str, value: Any, spec: Setting) -> str:
    from babel.numbers import get_currency_name

    code = str(value).strip().upper()
    if len(code) != 3 or get_currency_name(code, locale="en") == code:
        raise ValidationError(name, _("{field} must be an ISO currency code such as NOK, EUR, "
                                      "CZK or GBP.").format(field=spec.title()))
    return code


def _check_locale(name: str, value: Any, spec: Setting) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(str(value).strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(name, _("{field} must be a locale such as nb_NO, es_ES, nl_NL, "
                                      "cs_CZ or en_GB.").format(field=spec.title())) from None


def _check_language(name: str, value: Any, spec: Setting) -> str:
    code = str(value).strip().lower()
    if code not in LANGUAGES:
        raise ValidationError(name, _("{field} must be one of: {allowed}.").format(
            field=spec.title(), allowed=", ".join(LANGUAGES)))
    return code


def _check_folder(name: str, value: Any, spec: Setting) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > 400:
        raise ValidationError(name, _("{field} can be at most {n} characters.").format(
            field=spec.title(), n=400))
    if text and not Path(text).expanduser().is_absolute():
        raise ValidationError(name, _("{field} must be a full path to a folder, such as "
                                      "/media/usb/comeback or D:\\Backups, or empty for "
                                      "the backups folder next to the database.").format(
            field=spec.title()))
    return text


def _check_timezone(name: str, value: Any, spec: Setting) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # ~2 ms, only when checking

    try:
        ZoneInfo(str(value).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(name, _("{field} must be a time zone such as Europe/Oslo or "
                                      "Europe/Prague.").format(field=spec.title())) from None
    return str(value).strip()


def _check_preset(name: str, value: Any, spec: Setting) -> str:
    if value not in ("restaurant", "retail"):
        raise ValidationError(name, _("{field} must be restaurant or retail.").format(
            field=spec.title()))
    return value


def _check_printer(name: str, value: Any, spec: Setting) -> str:
    from app.printers import parse_target

    text = str(value or "").strip()
    try:
        parse_target(text)
    except ValueError as error:
        raise ValidationError(name, _("{field}: {problem}").format(
            field=spec.title(), problem=error)) from None
    return text


def _check_paper(name: str, value: Any, spec: Setting) -> int:
    try:
        width = int(str(value).strip())
    except ValueError:
        width = 0
    if width not in (58, 80):
        raise ValidationError(name, _("{field} must be 58 or 80.").format(field=spec.title()))
    return width


def _check_footer(name: str, value: Any, spec: Setting) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > 120:
        raise ValidationError(name, _("{field} can be at most {n} characters.").format(
            field=spec.title(), n=120))
    return text


def _check_hours(name: str, value: Any, spec: Setting) -> dict:
    message = _("{field}: give each weekday (mon…sun) as [\"HH:MM\", \"HH:MM\"] with opening "
                "before closing, or null when closed.").format(field=spec.title())
    if not isinstance(value, dict) or set(value) - set(WEEKDAYS):
        raise ValidationError(name, message)
    result = {}
    for day in WEEKDAYS:
        hours = value.get(day)
        if hours is None:
            result[day] = None
            continue
        try:
            opens, closes = hours
            if _hhmm(opens) >= _hhmm(closes):
                raise ValueError
        except (ValueError, TypeError, AttributeError):
            raise ValidationError(name, message) from None
        result[day] = [opens, closes]
    return result


class Setting(NamedTuple):
    name: str
    kind: str
    default: Any
    title_text: str
    help_text: str
    check: Callable[[str, Any, Setting], Any]
    limits: tuple[int, int] | None = None
    owner_only: bool = True

    def title(self) -> str:
        return _(self.title_text)

    def help(self) -> str:
        return _(self.help_text)


SETTINGS: tuple[Setting, ...] = (
    Setting("store_name", "text", "My store", N_("Store name"),
            N_("Printed on the weekly summary and shown in the title bar."), _check_text),
    Setting("preset", "choice", "restaurant", N_("Store type"),
            N_("Restaurant or retail: decides the preset failures and remedies."), _check_preset),
    Setting("currency", "currency", "EUR", N_("Currency"),
            N_("ISO code of the money the store takes, e.g. NOK, EUR, CZK."), _check_currency),
    Setting("locale", "locale", "en_GB", N_("Formats"),
            N_("How money, numbers and dates are written, e.g. nb_NO or cs_CZ."), _check_locale),
    Setting("language", "language", "en", N_("Language"),
            N_("Language of the screens, the messages and the printed summary."),
            _check_language),
    Setting("timezone", "timezone", "Europe/London", N_("Time zone"),
            N_("The store's time zone: days and weeks of the summary follow it."),
            _check_timezone),
    Setting("opening_hours", "hours", DEFAULT_HOURS, N_("Opening hours"),
            N_("When the store is open; no reminders outside these hours."), _check_hours),
    Setting("undo_window_seconds", "int", 60, N_("Undo window (seconds)"),
            N_("How long the cashier can undo a logged incident."), _check_int,
            limits=(5, 600)),
    Setting("edit_window_minutes", "int", 15, N_("Edit window (minutes)"),
            N_("How long the details of a logged incident can still be changed."), _check_int,
            limits=(1, 240)),
    Setting("repeat_guest_days", "int", 30, N_("Repeat-guest window (days)"),
            N_("A guest with an earlier failure within this many days goes straight to the "
               "manager."), _check_int, limits=(1, 365)),
    Setting("followup_grace_minutes", "int", 5, N_("Escalation grace (minutes)"),
            N_("A follow-up ignored this long after it is due is escalated to the owner."),
            _check_int, limits=(1, 120)),
    Setting("voucher_validity_days", "int", 90, N_("Voucher validity (days)"),
            N_("How long a voucher handed to a guest can be redeemed."), _check_int,
            limits=(1, 730)),
    Setting("guest_contact_retention_days", "int", 365, N_("Keep guest contact (days)"),
            N_("Guest names and contacts are erased after this many days."), _check_int,
            limits=(1, 3650)),
    Setting("erase_old_notes", "bool", True, N_("Erase old notes too"),
            N_("Notes on incidents and outcomes often name the guest: erase them with the "
               "guest's contact once older than the retention period."), _check_bool),
    # Who may give how much (docs/roles.md). Amounts are in the store currency's minor units;
    # init_store scales the defaults (30 and 100 euros) to the store's currency.
    Setting("cashier_limit", "int", 3000, N_("Cashier limit (minor units)"),
            N_("A cashier gives up to this much per incident without approval (a remedy's own "
               "threshold can only be lower); above it a manager must approve."), _check_int,
            limits=(0, 10**9)),
    Setting("manager_limit", "int", 10000, N_("Manager limit (minor units)"),
            N_("A manager gives or approves up to this much per incident; above it only the "
               "owner can approve."), _check_int, limits=(0, 10**9)),
    Setting("four_eyes", "bool", True, N_("Approver is a second person"),
            N_("The person who approves a remedy cannot be the one who gives it. An owner "
               "working alone can turn this off (the change is audited)."), _check_bool),
    Setting("old_pin_grace_hours", "int", 24, N_("Old PIN proves for (hours)"),
            N_("An approval made at a counter whose server was away, with a PIN changed "
               "since, counts only when the counter sends it within this many hours of the "
               "change (by the server's clock); later it is refused and shown to the "
               "manager."), _check_int, limits=(1, 720)),
    Setting("signin_pin", "bool", True, N_("Sign-in needs a PIN"),
            N_("Staff sign in at the counter with their own PIN; what is recorded under a "
               "name was done by that person."), _check_bool),
    Setting("signin_idle_minutes", "int", 15, N_("Sign-in lasts (idle minutes)"),
            N_("A sign-in ends at the next switch or after this many minutes without a tap."),
            _check_int, limits=(1, 720)),
    Setting("backup_folder", "folder", "", N_("Backup folder"),
            N_("Where backups go, e.g. a USB stick or a network share; empty: the backups "
               "folder next to the database."), _check_folder),
    Setting("backups_daily", "int", 14, N_("Daily backups kept"),
            N_("How many days back one backup per day is kept."), _check_int,
            limits=(1, 365)),
    Setting("backups_weekly", "int", 8, N_("Weekly backups kept"),
            N_("How many weeks back one backup per week is kept, after the daily ones."),
            _check_int, limits=(0, 520)),
    Setting("printer", "printer", "", N_("Slip printer"),
            N_("Where voucher slips print: empty for none (the code is shown on screen); "
               "network:HOST[:PORT], usb:VENDOR:PRODUCT, serial:DEVICE[:BAUD], "
               "system:PRINTER (a printer of the computer, raw ESC/POS), or pdf:FOLDER "
               "(a voucher card as a PDF file for an ordinary printer)."), _check_printer),
    Setting("paper_width_mm", "paper", 80, N_("Slip paper width (mm)"),
            N_("Width of the receipt paper: 80 or 58 mm."), _check_paper),
    Setting("slip_footer", "footer", "", N_("Slip footer"),
            N_("A line at the bottom of every slip, e.g. the address or the opening hours "
               "(may be empty)."), _check_footer),
    Setting("sorry_slip", "bool", False, N_("Sorry card for every incident"),
            N_("Also print a short “we're sorry” card with the manager's name for every "
               "incident logged at the counter."), _check_bool),
)
BY_NAME = {spec.name: spec for spec in SETTINGS}


class StoreSettings(NamedTuple):
    store_name: str
    preset: str
    currency: str
    locale: str
    language: str
    timezone: str
    opening_hours: dict
    undo_window_seconds: int
    edit_window_minutes: int
    repeat_guest_days: int
    followup_grace_minutes: int
    voucher_validity_days: int
    guest_contact_retention_days: int
    erase_old_notes: bool
    cashier_limit: int
    manager_limit: int
    four_eyes: bool
    old_pin_grace_hours: int
    signin_pin: bool
    signin_idle_minutes: int
    backup_folder: str
    backups_daily: int
    backups_weekly: int
    printer: str
    paper_width_mm: int
    slip_footer: str
    sorry_slip: bool


def validate(name: str, value: Any) -> Any:
    spec = BY_NAME.get(name)
    if spec is None:
        raise ValidationError(name, _("Unknown setting {name}; known settings: {names}.").format(
            name=name, names=", ".join(BY_NAME)))
    return spec.check(name, value, spec)


def load(db, store_id: int) -> StoreSettings:
    """The store's settings; read again only when the database may have changed since the
    last read on this connection (``db.connection.data_mark``: a tap asks ten times)."""
    memo = getattr(db, "memo", None)
    if memo is None:
        return _read(db, store_id)
    from db.connection import data_mark

    mark = data_mark(db, store_id)
    kept = memo.get(("settings", store_id))
    if kept is not None and kept[0] == mark:
        return kept[1]
    loaded = _read(db, store_id)
    memo[("settings", store_id)] = (mark, loaded)  # the mark before: a commit meanwhile reads again
    return loaded


def last_read(db, store_id: int) -> StoreSettings | None:
    """The settings as last read on this connection, whether or not they changed since
    (None: not read yet): only to guess what will be asked (db.tap reads ahead)."""
    kept = (getattr(db, "memo", None) or {}).get(("settings", store_id))
    return kept[1] if kept is not None else None


def load_every_store(db) -> dict[int, StoreSettings]:
    """store id → its settings, for every store of the database (one query)."""
    return {store_id: _parse(stored)
            for store_id, stored in store_db.settings_of_every_store(db).items()}


def _read(db, store_id: int) -> StoreSettings:
    """The settings as stored now, parsed again only when their stored text changed since
    the last parse on this connection: after each of the connection's own writes (a tap)
    the data mark moves and they are read again, almost always to the same text (the
    parse was ~0.1 ms of a tap's CPU)."""
    stored = store_db.settings_values(db, store_id)
    memo = getattr(db, "memo", None)
    if memo is None:
        return _parse(stored)
    kept = memo.get(("settings parsed", store_id))
    if kept is not None and kept[0] == stored:
        return kept[1]
    parsed = _parse(stored)
    memo[("settings parsed", store_id)] = (stored, parsed)
    return parsed


def _parse(stored: dict[str, str]) -> StoreSettings:
    values = {}
    for spec in SETTINGS:
        values[spec.name] = json.loads(stored[spec.name]) if spec.name in stored else spec.default
    return StoreSettings(**values)


def write(db, store_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first, then write them all (call inside a transaction)."""
    clean = {name: validate(name, value) for name, value in values.items()}
    for name, value in clean.items():
        store_db.put_setting(db, store_id, name, json.dumps(value, ensure_ascii=False))
    return clean
