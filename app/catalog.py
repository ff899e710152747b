"""Reading the store's failure categories, remedies and remedy suggestions."""

from __future__ import annotations

from app.context import Context
from app.errors import NotFound
from app.i18n import _
from app.models import Category, Remedy, RemedyKind, Severity
from db import catalog as catalog_db


def to_category(row: dict) -> Category:
    return Category(id=row["id"], code=row["code"], label=row["label"], icon=row["icon"],
                    apology=row["apology"], followup_minutes=row["followup_minutes"],
                    default_severity=Severity(row["default_severity"]),
                    position=row["position"], hidden=bool(row["hidden"]))


def to_remedy(row: dict) -> Remedy:
    return Remedy(id=row["id"], code=row["code"], label=row["label"], icon=row["icon"],
                  kind=RemedyKind(row["kind"]), value_minor=row["value_minor"],
                  percent=row["percent"], approval_above_minor=row["approval_above_minor"],
                  position=row["position"], hidden=bool(row["hidden"]))


def categories(ctx: Context, include_hidden: bool = False) -> list[Category]:
    return [to_category(r) for r in catalog_db.categories(ctx.db, ctx.store_id, include_hidden)]


def remedies(ctx: Context, include_hidden: bool = False) -> list[Remedy]:
    return [to_remedy(r) for r in catalog_db.remedies(ctx.db, ctx.store_id, include_hidden)]


def get_category(ctx: Context, category_id: int) -> Category:
    row = catalog_db.category(ctx.db, ctx.store_id, category_id)
    if row is None:
        raise NotFound("category", _("Unknown failure category (id {id}).").format(
            id=category_id))
    return to_category(row)


def category_by_code(ctx: Context, code: str) -> Category:
    row = catalog_db.category_by_code(ctx.db, ctx.store_id, code)
    if row is None:
        known = ", ".join(c.code for c in categories(ctx))
        raise NotFound("category", _("Unknown failure category {code}; known: {known}.").format(
            code=code, known=known))
    return to_category(row)


def get_remedy(ctx: Context, remedy_id: int) -> Remedy:
    row = catalog_db.remedy(ctx.db, ctx.store_id, remedy_id)
    if row is None:
        raise NotFound("remedy", _("Unknown remedy (id {id}).").format(id=remedy_id))
    return to_remedy(row)


def remedy_by_code(ctx: Context, code: str) -> Remedy:
    row = catalog_db.remedy_by_code(ctx.db, ctx.store_id, code)
    if row is None:
        known = ", ".join(r.code for r in remedies(ctx))
        raise NotFound("remedy", _("Unknown remedy {code}; known: {known}.").format(
            code=code, known=known))
    return to_remedy(row)


def suggested_remedies(ctx: Context, category_id: int, severity: Severity | None) -> list[int]:
    """Remedy ids suggested for this category: rules for the exact severity first."""
    rules = [r for r in catalog_db.rules(ctx.db, ctx.store_id) if r["category_id"] == category_id]
    exact = [r["remedy_id"] for r in rules if severity and r["severity"] == severity.value]
    general = [r["remedy_id"] for r in rules if r["severity"] is None]
    seen: list[int] = []
    for remedy_id in exact + general:
        if remedy_id not in seen:
            seen.append(remedy_id)
    return seen


def remedies_for(ctx: Context, category_id: int, severity: Severity | None) -> list[Remedy]:
    """Visible remedies, suggested ones first, then in the store's order."""
    items = remedies(ctx)
    order = {rid: i for i, rid in enumerate(suggested_remedies(ctx, category_id, severity))}
    return sorted(items, key=lambda r: (order.get(r.id, len(order)), r.position, r.id))
