"""Preset menus (assets/presets/*.toml): failure categories, remedies and suggestion rules.

A broken preset file is reported with its file, line and field. Amounts in the files are
euro cents and are scaled to the store currency at install time, rounded to a tidy price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomllib

from app.errors import PresetError
from app.i18n import _

PRESET_DIR = Path(__file__).resolve().parent.parent / "assets" / "presets"
ICON_DIR = Path(__file__).resolve().parent.parent / "assets" / "icons"
SEVERITIES = ("low", "medium", "high")
KINDS = ("remake", "replace", "comp_item", "discount_percent", "fixed_amount", "voucher",
         "refund", "apology")
# Rough price level against the euro, so a free coffee costs a coffee in every store.
PRICE_LEVEL = {"EUR": 1, "USD": 1, "GBP": 1, "CHF": 1, "NOK": 10, "SEK": 10, "DKK": 7.5,
               "CZK": 25, "PLN": 4, "HUF": 400, "ISK": 150, "JPY": 150}


@dataclass(frozen=True)
class PresetCategory:
    code: str
    label: str
    icon: str
    apology: str
    followup_minutes: int
    severity: str


@dataclass(frozen=True)
class PresetRemedy:
    code: str
    label: str
    icon: str
    kind: str
    value: int
    percent: int | None
    approval_above: int | None


@dataclass(frozen=True)
class PresetRule:
    category: str
    severity: str | None
    remedy: str


@dataclass(frozen=True)
class Preset:
    name: str
    followup_minutes: int
    categories: tuple[PresetCategory, ...]
    remedies: tuple[PresetRemedy, ...]
    rules: tuple[PresetRule, ...]


def available() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def _line_of(text: str, table: str, index: int, field: str | None) -> int:
    """Line number of field ``field`` in the ``index``-th ``[[table]]`` block (1-based)."""
    lines = text.splitlines()
    header = re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
    seen, start = -1, 0
    for number, line in enumerate(lines):
        if header.match(line):
            seen += 1
            if seen == index:
                start = number
                break
    if field is None:
        return start + 1
    key = re.compile(rf"^\s*{re.escape(field)}\s*=")
    for number in range(start + 1, len(lines)):
        if re.match(r"^\s*\[", lines[number]):
            break
        if key.match(lines[number]):
            return number + 1
    return start + 1


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def fail(self, table: str, index: int, field: str | None, problem: str) -> PresetError:
        line = _line_of(self.text, table, index, field)
        return PresetError(_("{file}, line {line}, field {field}: {problem}").format(
            file=self.path.name, line=line, field=f"{table}.{field}" if field else table,
            problem=problem))

    def text_field(self, item: dict, table: str, i: int, name: str, limit: int) -> str:
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(table, i, name, _("must be a non-empty text"))
        if len(value) > limit:
            raise self.fail(table, i, name, _("must be at most {n} characters").format(n=limit))
        return value.strip()

    def int_field(self, item: dict, table: str, i: int, name: str, low: int, high: int,
                  required: bool = True) -> int | None:
        if name not in item and not required:
            return None
        value = item.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(table, i, name, _("must be a whole number from {low} to {high}")
                            .format(low=low, high=high))
        return value

    def choice(self, item: dict, table: str, i: int, name: str, allowed: tuple[str, ...],
               required: bool = True) -> str | None:
        if name not in item and not required:
            return None
        value = item.get(name)
        if value not in allowed:
            raise self.fail(table, i, name, _("must be one of: {allowed}").format(
                allowed=", ".join(allowed)))
        return value

    def icon(self, item: dict, table: str, i: int) -> str:
        name = self.text_field(item, table, i, "icon", 40)
        if not (ICON_DIR / f"{name}.svg").exists():
            raise self.fail(table, i, "icon", _("no icon called {name} in assets/icons").format(
                name=name))
        return name


def load_preset(source: str | Path) -> Preset:
    """Load and check a preset by name ('restaurant') or path."""
    path = Path(source) if str(source).endswith(".toml") else PRESET_DIR / f"{source}.toml"
    if not path.exists():
        raise PresetError(_("Preset {name} not found; available: {names}.").format(
            name=source, names=", ".join(available())))
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(_("{file}: not valid TOML: {problem}").format(
            file=path.name, problem=exc)) from None
    reader = _Reader(path, text)
    head = data.get("preset", {})
    followup_default = head.get("followup_minutes", 5)
    if isinstance(followup_default, bool) or not isinstance(followup_default, int) \
            or not 0 <= followup_default <= 240:
        line = next((n for n, text_line in enumerate(text.splitlines(), 1)
                     if text_line.strip().startswith("followup_minutes")), 1)
        raise PresetError(_("{file}, line {line}, field {field}: {problem}").format(
            file=path.name, line=line, field="preset.followup_minutes",
            problem=_("must be a whole number from {low} to {high}").format(low=0, high=240)))
    categories, codes = [], set()
    for i, item in enumerate(data.get("category", [])):
        code = reader.text_field(item, "category", i, "code", 40)
        if code in codes:
            raise reader.fail("category", i, "code", _("{code} is used twice").format(code=code))
        codes.add(code)
        minutes = item.get("followup_minutes", followup_default)
        categories.append(PresetCategory(
            code=code,
            label=reader.text_field(item, "category", i, "label", 40),
            icon=reader.icon(item, "category", i),
            apology=reader.text_field(item, "category", i, "apology", 200),
            followup_minutes=reader.int_field({"followup_minutes": minutes}, "category", i,
                                              "followup_minutes", 0, 240),
            severity=reader.choice(item, "category", i, "severity", SEVERITIES),
        ))
    if not categories:
        raise PresetError(_("{file}: no [[category]] entries.").format(file=path.name))
    remedies, rcodes = [], set()
    for i, item in enumerate(data.get("remedy", [])):
        code = reader.text_field(item, "remedy", i, "code", 40)
        if code in rcodes:
            raise reader.fail("remedy", i, "code", _("{code} is used twice").format(code=code))
        rcodes.add(code)
        kind = reader.choice(item, "remedy", i, "kind", KINDS)
        percent = (reader.int_field(item, "remedy", i, "percent", 1, 100)
                   if kind == "discount_percent" else None)
        remedies.append(PresetRemedy(
            code=code,
            label=reader.text_field(item, "remedy", i, "label", 40),
            icon=reader.icon(item, "remedy", i),
            kind=kind,
            value=reader.int_field(item, "remedy", i, "value", 0, 10**7),
            percent=percent,
            approval_above=reader.int_field(item, "remedy", i, "approval_above", 0, 10**7,
                                            required=False),
        ))
    if not remedies:
        raise PresetError(_("{file}: no [[remedy]] entries.").format(file=path.name))
    rules = []
    for i, item in enumerate(data.get("suggest", [])):
        category = reader.choice(item, "suggest", i, "category", tuple(sorted(codes)))
        remedy = reader.choice(item, "suggest", i, "remedy", tuple(sorted(rcodes)))
        severity = reader.choice(item, "suggest", i, "severity", SEVERITIES, required=False)
        rules.append(PresetRule(category, severity, remedy))
    return Preset(head.get("name", path.stem), followup_default, tuple(categories),
                  tuple(remedies), tuple(rules))


def scale_amount(euro_cents: int, currency: str) -> int:
    """Euro cents → minor units of ``currency``, rounded to a tidy price."""
    from app.formatting import minor_digits

    level = PRICE_LEVEL.get(currency.upper(), 1)
    major = euro_cents / 100 * level
    if major == 0:
        return 0
    step = 0.5 if major < 10 else 1 if major < 50 else 5 if major < 500 else 10
    tidy = max(step, round(major / step) * step)
    return int(round(tidy * 10 ** minor_digits(currency)))
