"""First-run setup: create the store, its settings, the preset menus and the owner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app import audit
from app import settings as settings_mod
from app.context import Context
from app.errors import StateError, ValidationError
from app.i18n import _
from app.models import Changes, Role
from app.staff import add_staff
from db import catalog as catalog_db
from db import store as store_db

if TYPE_CHECKING:
    from app.presets import Preset


def is_initialised(ctx: Context) -> bool:
    return store_db.store_exists(ctx.db, ctx.store_id)


def init_store(ctx: Context, *, store_name: str, preset: str = "restaurant",
               currency: str = "EUR", locale: str = "en_GB", language: str | None = None,
               timezone: str = "Europe/London", opening_hours: dict | None = None,
               owner_name: str | None = None, owner_pin: str | None = None,
               made_by: str = "setup", **other_settings: Any) -> Changes:
    """Create the store and its owner in one transaction; refuses if it already exists.

    An owner with a PIN is required: a store is never without someone who can approve,
    open the back office and reset a PIN. ``made_by`` is kept in the audit entry ("demo"
    marks a store the demo generator made, the only kind it will add to).
    """
    if is_initialised(ctx):
        raise StateError(_("This database already has a store; use the back office to change "
                           "its settings."))
    values: dict[str, Any] = {
        "store_name": store_name, "preset": preset, "currency": currency, "locale": locale,
        "language": language or locale.split("_")[0], "timezone": timezone, **other_settings,
    }
    if values["language"] not in ("en", "nb", "es", "nl", "cs"):
        values["language"] = "nb" if values["language"] in ("no", "nn") else "en"
    if opening_hours is not None:
        values["opening_hours"] = opening_hours
    clean = {name: settings_mod.validate(name, value) for name, value in values.items()}
    from app import presets  # (tomllib) not needed to check that a store exists

    for limit in ("cashier_limit", "manager_limit"):  # 30 and 100 euros, in this currency
        if limit not in clean:
            clean[limit] = presets.scale_amount(settings_mod.BY_NAME[limit].default,
                                                clean["currency"])
    loaded = presets.load_preset(clean["preset"])
    if owner_name is None:
        raise ValidationError("owner_name", _("The store needs an owner: give the owner's "
                                              "name and PIN."))
    if not owner_name.strip():
        raise ValidationError("owner_name", _("Name must not be empty."))
    if not owner_pin:
        raise ValidationError("owner_pin", _("The owner needs a PIN of {low} to {high} "
                                             "digits.").format(low=4, high=8))
    from app.staff import check_pin_format

    check_pin_format(owner_pin)
    with ctx.db.atomic():
        store_db.insert_store(ctx.db, ctx.store_id, ctx.now_iso())
        settings_mod.write(ctx.db, ctx.store_id, clean)
        install_preset(ctx, loaded, clean["currency"])
        add_staff(ctx, owner_name, Role.OWNER, owner_pin)
        audit.record(ctx, None, "store.created", "store", ctx.store_id,
                     preset=clean["preset"], currency=clean["currency"], made_by=made_by)
    return Changes(settings=True, catalog=True, staff=True)


def install_preset(ctx: Context, preset: Preset, currency: str) -> None:
    """Write a preset's categories, remedies and rules (inside the caller's transaction)."""
    from app import presets

    category_ids, remedy_ids = {}, {}
    for position, cat in enumerate(preset.categories):
        category_ids[cat.code] = catalog_db.insert_category(ctx.db, ctx.store_id, {
            "code": cat.code, "label": cat.label, "icon": cat.icon, "apology": cat.apology,
            "followup_minutes": cat.followup_minutes, "default_severity": cat.severity,
            "position": position})
    for position, rem in enumerate(preset.remedies):
        threshold = rem.approval_above
        remedy_ids[rem.code] = catalog_db.insert_remedy(ctx.db, ctx.store_id, {
            "code": rem.code, "label": rem.label, "icon": rem.icon, "kind": rem.kind,
            "value_minor": presets.scale_amount(rem.value, currency), "percent": rem.percent,
            "approval_above_minor": (None if threshold is None
                                     else presets.scale_amount(threshold, currency)),
            "position": position})
    for rule in preset.rules:
        catalog_db.insert_rule(ctx.db, ctx.store_id, category_ids[rule.category], rule.severity,
                               remedy_ids[rule.remedy])
