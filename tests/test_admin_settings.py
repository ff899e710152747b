"""Store settings changed from the back office, and the first-run guesses."""

from __future__ import annotations

import json

import pytest

from app import audit, catalog, store_admin
from app.admin import NotAllowed
from app.errors import ValidationError
from app.incidents import log_incident
from app.models import RemedyRequest


def test_owner_changes_settings_with_an_audit_entry_per_change(ctx, people):
    changes = store_admin.update_settings(ctx, people["Ingrid"], {
        "store_name": "Fjord Kafé Bergen", "undo_window_seconds": 90, "language": "en"})
    assert changes.settings
    settings = ctx.settings()
    assert (settings.store_name, settings.undo_window_seconds) == ("Fjord Kafé Bergen", 90)
    entries = [e for e in audit.entries(ctx) if e["action"] == "setting.changed"]
    assert {json.loads(e["detail"])["name"] for e in entries} == {
        "store_name", "undo_window_seconds"}
    assert all(e["staff_id"] == people["Ingrid"] for e in entries)


def test_a_manager_cannot_change_settings(ctx, people):
    with pytest.raises(NotAllowed, match="Only the owner"):
        store_admin.update_settings(ctx, people["Marco"], {"undo_window_seconds": 90})
    assert ctx.settings().undo_window_seconds == 60


def test_one_bad_value_writes_nothing(ctx, people):
    with pytest.raises(ValidationError) as err:
        store_admin.update_settings(ctx, people["Ingrid"], {
            "store_name": "New name", "voucher_validity_days": 0})
    assert err.value.field == "voucher_validity_days"
    assert "1 to 730" in str(err.value)
    assert ctx.settings().store_name == "Fjord Kafé"


def test_opening_hours_per_weekday(ctx, people):
    hours = dict(ctx.settings().opening_hours, sun=None, sat=["11:00", "23:30"])
    store_admin.update_settings(ctx, people["Ingrid"], {"opening_hours": hours})
    assert ctx.settings().opening_hours["sun"] is None
    assert ctx.settings().opening_hours["sat"] == ["11:00", "23:30"]


def test_currency_changes_only_before_the_first_incident(ctx, people):
    coffee = catalog.remedy_by_code(ctx, "free_drink")
    store_admin.update_settings(ctx, people["Ingrid"], {"currency": "JPY"})
    assert catalog.get_remedy(ctx, coffee.id).value_minor == coffee.value_minor // 100
    log_incident(ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
                 remedies=[RemedyRequest(coffee.id)], staff_id=people["Sam"])
    with pytest.raises(ValidationError, match="before the first incident") as err:
        store_admin.update_settings(ctx, people["Ingrid"], {"currency": "EUR"})
    assert err.value.field == "currency" and ctx.settings().currency == "JPY"


@pytest.mark.parametrize("env, etc, expected", [
    ({"TZ": "Europe/Prague"}, "Europe/Oslo", "Europe/Prague"),
    ({"TZ": ":Europe/Madrid"}, None, "Europe/Madrid"),
    ({}, "Europe/Oslo", "Europe/Oslo"),
    ({"TZ": "Nowhere/Atlantis"}, "Europe/Amsterdam", "Europe/Amsterdam"),
    ({}, None, "Europe/London"),
])
def test_time_zone_is_guessed_from_the_system(tmp_path, env, etc, expected):
    etc_file = tmp_path / "timezone"
    if etc:
        etc_file.write_text(etc + "\n")
    assert store_admin.guess_timezone(env, etc_file, tmp_path / "no-localtime") == expected


def test_time_zone_is_read_from_the_localtime_link(tmp_path):
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/Oslo")
    assert store_admin.guess_timezone({}, tmp_path / "none", link) == "Europe/Oslo"


@pytest.mark.parametrize("zone, currency, language, locale", [
    ("Europe/Oslo", "NOK", "nb", "nb_NO"),
    ("Europe/Prague", "CZK", "cs", "cs_CZ"),
    ("Europe/Madrid", "EUR", "es", "es_ES"),
    ("Europe/Amsterdam", "EUR", "nl", "nl_NL"),
    ("Europe/London", "GBP", "en", "en_GB"),
    ("Europe/Berlin", "EUR", "en", "en_DE"),
])
def test_currency_language_and_formats_follow_the_time_zone(zone, currency, language, locale):
    assert store_admin.suggest_for_timezone(zone) == {
        "currency": currency, "language": language, "locale": locale}


def test_the_settings_table_lists_every_setting():
    table = store_admin.settings_markdown()
    for spec in store_admin.settings_mod.SETTINGS:
        assert f"`{spec.name}`" in table and spec.help_text in table
