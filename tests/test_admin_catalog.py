"""Back-office catalog services: categories, remedies and suggestion rules."""

from __future__ import annotations

import pytest

from app import audit, catalog, catalog_admin
from app.admin import NotAllowed
from app.errors import ValidationError
from app.incidents import get_incident, log_incident
from app.models import RemedyKind, RemedyRequest, Severity


def _add(ctx, by, label="Broken glass", **kw):
    values = {"icon": "warning", "apology": "I'm sorry, I'm clearing it away right now.",
              "followup_minutes": 4, "default_severity": "high", **kw}
    return catalog_admin.add_category(ctx, by, label=label, **values)


def test_manager_adds_a_category_at_the_end_with_an_audit_entry(ctx, people):
    category, changes = _add(ctx, people["Marco"])
    assert changes.catalog
    assert catalog.categories(ctx)[-1] == category
    assert category.code == "broken_glass" and category.default_severity is Severity.HIGH
    entry = audit.entries(ctx)[0]
    assert (entry["action"], entry["staff_id"], entry["entity_id"]) == (
        "category.added", people["Marco"], category.id)


@pytest.mark.parametrize("label", ["Cold food", "cold FOOD", "  Cold   food "])
def test_a_duplicate_category_label_is_refused_whatever_the_case(ctx, people, label):
    before = catalog.categories(ctx, include_hidden=True)
    with pytest.raises(ValidationError, match="already exists") as err:
        _add(ctx, people["Ingrid"], label=label)
    assert err.value.field == "label"
    assert catalog.categories(ctx, include_hidden=True) == before


def test_a_hidden_category_still_blocks_its_label(ctx, people):
    cold = catalog.category_by_code(ctx, "cold_food")
    catalog_admin.set_category_hidden(ctx, people["Ingrid"], cold.id, True)
    with pytest.raises(ValidationError, match="already exists"):
        _add(ctx, people["Ingrid"], label="COLD FOOD")


@pytest.mark.parametrize("field, values, message", [
    ("label", {"label": "   "}, "Label must not be empty"),
    ("label", {"label": "x" * 41}, "at most 40"),
    ("apology", {"apology": ""}, "Apology line must not be empty"),
    ("followup_minutes", {"followup_minutes": -1}, "from 0 to 240"),
    ("followup_minutes", {"followup_minutes": "soon"}, "from 0 to 240"),
    ("icon", {"icon": "no-such-icon"}, "bundled set"),
    ("icon", {"icon": "lock"}, "bundled set"),
    ("default_severity", {"default_severity": "huge"}, "low, medium or high"),
])
def test_bad_category_fields_are_refused_naming_the_field(ctx, people, field, values,
                                                          message):
    count = len(catalog.categories(ctx, include_hidden=True))
    with pytest.raises(ValidationError, match=message) as err:
        _add(ctx, people["Ingrid"], **values)
    assert err.value.field == field
    assert len(catalog.categories(ctx, include_hidden=True)) == count


def test_a_cashier_cannot_change_the_catalog(ctx, people):
    with pytest.raises(NotAllowed):
        _add(ctx, people["Sam"])


def test_renaming_a_category_keeps_past_incidents_as_logged(ctx, people):
    cold = catalog.category_by_code(ctx, "cold_food")
    apology = catalog.remedy_by_code(ctx, "apology")
    logged = log_incident(ctx, category_id=cold.id, remedies=[RemedyRequest(apology.id)],
                          staff_id=people["Sam"])
    changes = catalog_admin.update_category(
        ctx, people["Marco"], cold.id, label="Lukewarm food", icon=cold.icon,
        apology=cold.apology, followup_minutes=7, default_severity="medium")
    assert changes.catalog
    assert catalog.get_category(ctx, cold.id).label == "Lukewarm food"
    assert get_incident(ctx, logged.incident.id).category_label == "Cold food"
    detail = audit.entries(ctx)[0]["detail"]
    assert "Lukewarm food" in detail and "apology" not in detail


def test_saving_an_unchanged_category_writes_nothing(ctx, people):
    cold = catalog.category_by_code(ctx, "cold_food")
    before = len(audit.entries(ctx))
    changes = catalog_admin.update_category(
        ctx, people["Marco"], cold.id, label=cold.label, icon=cold.icon, apology=cold.apology,
        followup_minutes=cold.followup_minutes, default_severity=cold.default_severity)
    assert not changes.catalog and len(audit.entries(ctx)) == before


def test_categories_move_up_and_down_and_hide(ctx, people):
    codes = [c.code for c in catalog.categories(ctx)]
    second = catalog.category_by_code(ctx, codes[1])
    catalog_admin.move_category(ctx, people["Marco"], second.id, -1)
    assert [c.code for c in catalog.categories(ctx)][:2] == [codes[1], codes[0]]
    assert not catalog_admin.move_category(ctx, people["Marco"], second.id, -1).catalog
    catalog_admin.set_category_hidden(ctx, people["Marco"], second.id, True)
    assert codes[1] not in [c.code for c in catalog.categories(ctx)]
    assert catalog.get_category(ctx, second.id).hidden


def test_the_last_visible_category_cannot_be_hidden(ctx, people):
    visible = catalog.categories(ctx)
    for category in visible[1:]:
        catalog_admin.set_category_hidden(ctx, people["Ingrid"], category.id, True)
    with pytest.raises(ValidationError, match="At least one category"):
        catalog_admin.set_category_hidden(ctx, people["Ingrid"], visible[0].id, True)


def test_add_a_remedy_with_threshold_that_then_needs_approval(ctx, people):
    remedy, _changes = catalog_admin.add_remedy(
        ctx, people["Marco"], label="Free lunch", icon="gift", kind="comp_item",
        value_minor=19500, approval_above_minor=15000)
    assert catalog.remedies(ctx)[-1] == remedy
    assert remedy.needs_approval(19500) and not remedy.needs_approval(15000)


@pytest.mark.parametrize("field, values, message", [
    ("approval_above_minor", {"approval_above_minor": -100}, "Approval threshold must be an"),
    ("value_minor", {"value_minor": -1}, "Value must be an amount"),
    ("value_minor", {"value_minor": 12.5}, "Value must be an amount"),
    ("percent", {"kind": "discount_percent", "percent": 0}, "from 1 to 100"),
    ("kind", {"kind": "free_car"}, "kind of remedy"),
    ("label", {"label": "remake"}, "already exists"),
    ("label", {"label": ""}, "must not be empty"),
])
def test_bad_remedy_fields_are_refused_naming_the_field(ctx, people, field, values, message):
    fields = {"label": "Free lunch", "icon": "gift", "kind": "comp_item",
              "value_minor": 19500, "approval_above_minor": 15000, **values}
    count = len(catalog.remedies(ctx, include_hidden=True))
    with pytest.raises(ValidationError, match=message) as err:
        catalog_admin.add_remedy(ctx, people["Ingrid"], **fields)
    assert err.value.field == field
    assert len(catalog.remedies(ctx, include_hidden=True)) == count


def test_apology_only_is_always_worth_nothing(ctx, people):
    remedy, _c = catalog_admin.add_remedy(ctx, people["Ingrid"], label="Sorry card",
                                          icon="apology", kind=RemedyKind.APOLOGY,
                                          value_minor=500)
    assert remedy.value_minor == 0 and remedy.percent is None


@pytest.mark.parametrize("text, minor", [("12,50", 1250), ("1 234,5", 123450), ("0", 0),
                                         ("150", 15000)])
def test_amounts_are_typed_in_the_store_locale(text, minor):
    assert catalog_admin.parse_amount("value", text, "NOK", "nb_NO") == minor


@pytest.mark.parametrize("text", ["-5", "abc", "", "12,345"])
def test_bad_amounts_are_refused_with_an_example(text):
    with pytest.raises(ValidationError, match="like 12,50") as err:
        catalog_admin.parse_amount("approval_above_minor", text, "NOK", "nb_NO")
    assert err.value.field == "approval_above_minor"


def test_an_empty_threshold_means_never(ctx):
    assert catalog_admin.parse_amount("t", " ", "NOK", "nb_NO", allow_empty=True) is None
    assert catalog_admin.amount_text(123450, "NOK", "nb_NO") == "1234,50"
    assert catalog_admin.amount_text(1500, "CZK", "cs_CZ") == "15,00"


def test_rules_put_a_suggested_remedy_first(ctx, people):
    dirty = catalog.category_by_code(ctx, "dirty_table")
    voucher = catalog.remedy_by_code(ctx, "voucher")
    catalog_admin.add_rule(ctx, people["Ingrid"], dirty.id, "high", voucher.id)
    assert catalog.remedies_for(ctx, dirty.id, Severity.HIGH)[0] == voucher
    assert catalog.remedies_for(ctx, dirty.id, Severity.LOW)[0] != voucher
    with pytest.raises(ValidationError, match="already exists"):
        catalog_admin.add_rule(ctx, people["Ingrid"], dirty.id, "high", voucher.id)
    with pytest.raises(NotAllowed):
        catalog_admin.add_rule(ctx, people["Marco"], dirty.id, None, voucher.id)
    rule = catalog_admin.rules(ctx)[-1]
    catalog_admin.remove_rule(ctx, people["Ingrid"], rule.id)
    assert catalog.remedies_for(ctx, dirty.id, Severity.HIGH)[0] != voucher
    assert [e["action"] for e in audit.entries(ctx)][:2] == ["rule.removed", "rule.added"]
