"""Store settings: declared once, validated with messages that name the field."""

from __future__ import annotations

import pytest

from app import settings
from app.errors import ValidationError


def test_defaults_load_for_a_store_without_stored_values(bare_ctx):
    loaded = settings.load(bare_ctx.db, 1)
    assert loaded.undo_window_seconds == 60 and loaded.repeat_guest_days == 30


def test_every_setting_has_a_title_help_and_a_valid_default():
    for spec in settings.SETTINGS:
        assert spec.title() and spec.help(), spec.name
        assert settings.validate(spec.name, spec.default) == spec.default


@pytest.mark.parametrize("name, value, message", [
    ("currency", "XYZ", "Currency must be an ISO currency code"),
    ("timezone", "Mars/Olympus", "Time zone must be a time zone such as"),
    ("locale", "zz_ZZ", "Formats must be a locale such as"),
    ("language", "de", "Language must be one of: en, nb, es, nl, cs"),
    ("undo_window_seconds", -1, "Undo window (seconds) must be a whole number from 5 to 600"),
    ("repeat_guest_days", "many", "must be a whole number from 1 to 365"),
    ("store_name", "  ", "Store name must not be empty"),
    ("opening_hours", {"mon": ["22:00", "10:00"]}, "opening before closing"),
    ("nonsense", 1, "Unknown setting nonsense"),
])
def test_bad_values_are_refused_naming_the_setting(name, value, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings.validate(name, value)


def test_write_is_all_or_nothing(ctx):
    before = ctx.settings()
    with pytest.raises(ValidationError), ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"store_name": "New name", "currency": "???"})
    assert ctx.settings() == before
