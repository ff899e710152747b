"""Back-office changes to failure categories, remedies and the remedy suggestion rules.

Each service checks who is asking (:mod:`app.admin`), validates everything, then writes
in one transaction with an audit entry, and returns ``Changes(catalog=True)`` so the
counter rebuilds its tiles at once. Past incidents keep the labels they were logged with
(incidents copy them), so renaming or hiding never rewrites history.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from app import admin, audit, catalog
from app.context import Context
from app.errors import NotFound, ValidationError
from app.formatting import minor_digits, parse_money
from app.i18n import _
from app.models import Category, Changes, Remedy, RemedyKind, Severity
from app.presets import ICON_DIR
from db import catalog as catalog_db

LABEL_MAX = 40
APOLOGY_MAX = 200
FOLLOWUP_MAX = 240
AMOUNT_MAX = 10**9
# Icons that belong to the app's own chrome, not to a failure or a remedy.
UI_ICONS = frozenset({"back", "bell", "check", "lock", "plus", "report", "settings", "undo",
                      "user"})


@dataclass(frozen=True)
class Rule:
    """A suggestion: for this category (and severity, or any), offer this remedy first."""

    id: int
    category_id: int
    severity: Severity | None
    remedy_id: int


def available_icons() -> list[str]:
    """Names of the bundled icons an owner can pick for a category or a remedy."""
    return sorted(p.stem for p in ICON_DIR.glob("*.svg") if p.stem not in UI_ICONS)


# -- field checks ------------------------------------------------------------------------
def _label(value: str | None, field: str = "label") -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError(field, _("Label must not be empty."))
    if len(text) > LABEL_MAX:
        raise ValidationError(field, _("Label can be at most {n} characters.").format(
            n=LABEL_MAX))
    return text


def _unique_label(label: str, existing: list, own_id: int | None, field: str,
                  message: str) -> None:
    wanted = label.casefold()
    for item in existing:
        if item.id != own_id and wanted in (item.label.casefold(), _(item.label).casefold()):
            raise ValidationError(field, message.format(label=label))


def _apology(value: str | None) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError("apology", _("Apology line must not be empty: say sorry and "
                                           "what you do now."))
    if len(text) > APOLOGY_MAX:
        raise ValidationError("apology", _("Apology line can be at most {n} characters.")
                              .format(n=APOLOGY_MAX))
    return text


def _icon(value: str | None) -> str:
    if value not in available_icons():
        raise ValidationError("icon", _("Pick an icon from the bundled set."))
    return value


def _whole(field: str, value: object, low: int, high: int, name: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError(field, _("{field} must be a whole number from {low} to {high}.")
                              .format(field=name, low=low, high=high))
    return number


def _severity(value: Severity | str | None, field: str = "default_severity") -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise ValidationError(field, _("Severity must be low, medium or high.")) from None


def _code(label: str, taken: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:30] or "item"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


# -- money as typed by the owner --------------------------------------------------------
def parse_amount(field: str, text: str | None, currency: str, locale: str, *,
                 allow_empty: bool = False) -> int | None:
    """Turn '12,50' typed in the store's locale into minor units; ValidationError if bad."""
    text = (text or "").strip()
    if not text and allow_empty:
        return None
    try:
        value = parse_money(text, currency, locale)
        exact = parse_decimal(text, locale=locale).scaleb(minor_digits(currency))
    except (ValueError, NumberFormatError):
        value = exact = None
    if value is None or exact != value or not 0 <= value <= AMOUNT_MAX:
        example = amount_text(1250, currency, locale)
        raise ValidationError(field, _("Enter an amount of 0 or more, like {example}.")
                              .format(example=example))
    return value


def amount_text(minor: int | None, currency: str, locale: str) -> str:
    """Minor units as the owner types them: '12,50' for 1250 in nb_NO (no symbol)."""
    if minor is None:
        return ""
    digits = minor_digits(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(minor).scaleb(-digits), format=pattern, locale=locale,
                          group_separator=False)


# -- categories ---------------------------------------------------------------------------
def _category_values(ctx: Context, category_id: int | None, *, label: str, icon: str,
                     apology: str, followup_minutes: object,
                     default_severity: Severity | str) -> dict:
    clean = _label(label)
    _unique_label(clean, catalog.categories(ctx, include_hidden=True), category_id, "label",
                  _("A category called {label} already exists (hidden ones count too)."))
    return {"label": clean, "icon": _icon(icon), "apology": _apology(apology),
            "followup_minutes": _whole("followup_minutes", followup_minutes, 0, FOLLOWUP_MAX,
                                       _("Follow-up minutes")),
            "default_severity": _severity(default_severity).value}


def add_category(ctx: Context, by: int | None, *, label: str, icon: str, apology: str,
                 followup_minutes: object = 5,
                 default_severity: Severity | str = Severity.MEDIUM) -> tuple[Category, Changes]:
    """Add a failure category at the end of the counter's tiles."""
    admin.require(ctx, by, admin.CATALOG)
    values = _category_values(ctx, None, label=label, icon=icon, apology=apology,
                              followup_minutes=followup_minutes,
                              default_severity=default_severity)
    taken = {c.code for c in catalog.categories(ctx, include_hidden=True)}
    values["code"] = _code(values["label"], taken)
    with ctx.db.atomic():
        values["position"] = catalog_db.max_position(ctx.db, "categories", ctx.store_id) + 1
        category_id = catalog_db.insert_category(ctx.db, ctx.store_id, values)
        audit.record(ctx, by, "category.added", "category", category_id, label=values["label"])
    return catalog.get_category(ctx, category_id), Changes(catalog=True)


def update_category(ctx: Context, by: int | None, category_id: int, *, label: str,
                    icon: str, apology: str, followup_minutes: object,
                    default_severity: Severity | str) -> Changes:
    """Change a category; only the fields that differ are written and audited."""
    admin.require(ctx, by, admin.CATALOG)
    current = catalog.get_category(ctx, category_id)
    values = _category_values(ctx, category_id, label=label, icon=icon, apology=apology,
                              followup_minutes=followup_minutes,
                              default_severity=default_severity)
    row = {"label": current.label, "icon": current.icon, "apology": current.apology,
           "followup_minutes": current.followup_minutes,
           "default_severity": current.default_severity.value}
    return _write_changed(ctx, by, "category", category_id, row, values,
                          catalog_db.update_category)


def set_category_hidden(ctx: Context, by: int | None, category_id: int,
                        hidden: bool) -> Changes:
    """Hide a category from the counter (or show it again); it is never deleted."""
    admin.require(ctx, by, admin.CATALOG)
    return _set_hidden(ctx, by, "category", catalog.get_category(ctx, category_id), hidden,
                       catalog.categories, catalog_db.update_category,
                       _("At least one category must stay on the counter."))


def _write_changed(ctx: Context, by: int | None, entity: str, item_id: int, current: dict,
                   values: dict, update) -> Changes:
    """Write (with ``update``) and audit as ``<entity>.changed`` the values that differ from
    ``current``; nothing at all when none do."""
    changed = {k: v for k, v in values.items() if current[k] != v}
    if not changed:
        return Changes()
    with ctx.db.atomic():
        update(ctx.db, ctx.store_id, item_id, changed)
        audit.record(ctx, by, f"{entity}.changed", entity, item_id, **changed)
    return Changes(catalog=True)


def _set_hidden(ctx: Context, by: int | None, entity: str, current: Category | Remedy,
                hidden: bool, visible, update, last_one: str) -> Changes:
    """Hide or show ``current``; refuse (``last_one``) to hide the last one ``visible(ctx)``
    lists. Audited as ``<entity>.hidden`` or ``<entity>.shown``."""
    if current.hidden == hidden:
        return Changes()
    if hidden and len(visible(ctx)) <= 1:
        raise ValidationError("hidden", last_one)
    with ctx.db.atomic():
        update(ctx.db, ctx.store_id, current.id, {"hidden": int(hidden)})
        audit.record(ctx, by, f"{entity}.hidden" if hidden else f"{entity}.shown", entity,
                     current.id, label=current.label)
    return Changes(catalog=True)


def _move(ctx: Context, by: int | None, items: list, item_id: int, step: int,
          update, entity: str) -> Changes:
    ids = [item.id for item in items]
    if item_id not in ids:
        raise NotFound(entity, _("Unknown item (id {id}).").format(id=item_id))
    index = ids.index(item_id)
    target = index + (1 if step > 0 else -1)
    if step == 0 or not 0 <= target < len(ids):
        return Changes()
    ids[index], ids[target] = ids[target], ids[index]
    with ctx.db.atomic():
        for position, some_id in enumerate(ids):
            update(ctx.db, ctx.store_id, some_id, {"position": position})
        audit.record(ctx, by, f"{entity}.moved", entity, item_id, position=target)
    return Changes(catalog=True)


def move_category(ctx: Context, by: int | None, category_id: int, step: int) -> Changes:
    """Move a category one place earlier (step -1) or later (+1) on the counter."""
    admin.require(ctx, by, admin.CATALOG)
    return _move(ctx, by, catalog.categories(ctx, include_hidden=True), category_id, step,
                 catalog_db.update_category, "category")


# -- remedies -----------------------------------------------------------------------------
def _remedy_values(ctx: Context, remedy_id: int | None, *, label: str, icon: str,
                   kind: RemedyKind | str, value_minor: object, percent: object,
                   approval_above_minor: object) -> dict:
    clean = _label(label)
    _unique_label(clean, catalog.remedies(ctx, include_hidden=True), remedy_id, "label",
                  _("A remedy called {label} already exists (hidden ones count too)."))
    try:
        kind = RemedyKind(kind)
    except ValueError:
        raise ValidationError("kind", _("Pick a kind of remedy from the list.")) from None
    value = _minor("value_minor", value_minor, _("Value"))
    if kind is RemedyKind.APOLOGY:
        value = 0
    pct = (_whole("percent", percent, 1, 100, _("Discount percent"))
           if kind is RemedyKind.DISCOUNT_PERCENT else None)
    threshold = (None if approval_above_minor is None
                 else _minor("approval_above_minor", approval_above_minor,
                             _("Approval threshold")))
    return {"label": clean, "icon": _icon(icon), "kind": kind.value, "value_minor": value,
            "percent": pct, "approval_above_minor": threshold}


def _minor(field: str, value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= AMOUNT_MAX:
        raise ValidationError(field, _("{field} must be an amount of 0 or more.").format(
            field=name))
    return value


def add_remedy(ctx: Context, by: int | None, *, label: str, icon: str,
               kind: RemedyKind | str, value_minor: object = 0, percent: object = None,
               approval_above_minor: object = None) -> tuple[Remedy, Changes]:
    """Add a remedy at the end; ``approval_above_minor`` None = never needs a PIN."""
    admin.require(ctx, by, admin.CATALOG)
    values = _remedy_values(ctx, None, label=label, icon=icon, kind=kind,
                            value_minor=value_minor, percent=percent,
                            approval_above_minor=approval_above_minor)
    taken = {r.code for r in catalog.remedies(ctx, include_hidden=True)}
    values["code"] = _code(values["label"], taken)
    with ctx.db.atomic():
        values["position"] = catalog_db.max_position(ctx.db, "remedies", ctx.store_id) + 1
        remedy_id = catalog_db.insert_remedy(ctx.db, ctx.store_id, values)
        audit.record(ctx, by, "remedy.added", "remedy", remedy_id, label=values["label"],
                     value_minor=values["value_minor"],
                     approval_above_minor=values["approval_above_minor"])
    return catalog.get_remedy(ctx, remedy_id), Changes(catalog=True)


def update_remedy(ctx: Context, by: int | None, remedy_id: int, *, label: str, icon: str,
                  kind: RemedyKind | str, value_minor: object, percent: object,
                  approval_above_minor: object) -> Changes:
    """Change a remedy; incidents already logged keep the label and amount they had."""
    admin.require(ctx, by, admin.CATALOG)
    current = catalog.get_remedy(ctx, remedy_id)
    values = _remedy_values(ctx, remedy_id, label=label, icon=icon, kind=kind,
                            value_minor=value_minor, percent=percent,
                            approval_above_minor=approval_above_minor)
    row = {"label": current.label, "icon": current.icon, "kind": current.kind.value,
           "value_minor": current.value_minor, "percent": current.percent,
           "approval_above_minor": current.approval_above_minor}
    return _write_changed(ctx, by, "remedy", remedy_id, row, values, catalog_db.update_remedy)


def set_remedy_hidden(ctx: Context, by: int | None, remedy_id: int, hidden: bool) -> Changes:
    """Hide a remedy from the counter (or show it again); it is never deleted."""
    admin.require(ctx, by, admin.CATALOG)
    return _set_hidden(ctx, by, "remedy", catalog.get_remedy(ctx, remedy_id), hidden,
                       catalog.remedies, catalog_db.update_remedy,
                       _("At least one remedy must stay on the counter."))


def move_remedy(ctx: Context, by: int | None, remedy_id: int, step: int) -> Changes:
    """Move a remedy one place earlier (step -1) or later (+1) on the counter."""
    admin.require(ctx, by, admin.CATALOG)
    return _move(ctx, by, catalog.remedies(ctx, include_hidden=True), remedy_id, step,
                 catalog_db.update_remedy, "remedy")


# -- suggestion rules ---------------------------------------------------------------------
def rules(ctx: Context) -> list[Rule]:
    return [Rule(r["id"], r["category_id"], Severity(r["severity"]) if r["severity"] else None,
                 r["remedy_id"]) for r in catalog_db.rules(ctx.db, ctx.store_id)]


def add_rule(ctx: Context, by: int | None, category_id: int, severity: Severity | str | None,
             remedy_id: int) -> Changes:
    """Suggest ``remedy_id`` first for ``category_id`` (at ``severity``, or None = any)."""
    admin.require(ctx, by, admin.RULES)
    category = catalog.get_category(ctx, category_id)
    remedy = catalog.get_remedy(ctx, remedy_id)
    sev = None if severity in (None, "") else _severity(severity, "severity")
    if any(r.category_id == category_id and r.severity == sev and r.remedy_id == remedy_id
           for r in rules(ctx)):
        raise ValidationError("remedy", _("This suggestion already exists."))
    with ctx.db.atomic():
        rule_id = catalog_db.insert_rule(ctx.db, ctx.store_id, category_id,
                                         sev.value if sev else None, remedy_id)
        audit.record(ctx, by, "rule.added", "rule", rule_id, category=category.label,
                     severity=sev.value if sev else None, remedy=remedy.label)
    return Changes(catalog=True)


def remove_rule(ctx: Context, by: int | None, rule_id: int) -> Changes:
    admin.require(ctx, by, admin.RULES)
    rule = next((r for r in rules(ctx) if r.id == rule_id), None)
    if rule is None:
        raise NotFound("rule", _("Unknown suggestion (id {id}).").format(id=rule_id))
    with ctx.db.atomic():
        catalog_db.delete_rule(ctx.db, ctx.store_id, rule_id)
        audit.record(ctx, by, "rule.removed", "rule", rule_id,
                     category=catalog.get_category(ctx, rule.category_id).label,
                     severity=rule.severity.value if rule.severity else None,
                     remedy=catalog.get_remedy(ctx, rule.remedy_id).label)
    return Changes(catalog=True)
