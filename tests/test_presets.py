"""Preset menus: both bundled ones load; a broken one names file, line and field."""

from __future__ import annotations

import pytest

from app import catalog, presets
from app.errors import PresetError
from app.setup import init_store


@pytest.mark.parametrize("name", ["restaurant", "retail"])
def test_bundled_presets_load_with_8_to_12_categories_and_about_8_remedies(name):
    preset = presets.load_preset(name)
    assert 8 <= len(preset.categories) <= 12
    assert 7 <= len(preset.remedies) <= 10
    assert all(c.apology and " but " not in c.apology for c in preset.categories)


def test_restaurant_follow_up_is_five_minutes_by_default():
    preset = presets.load_preset("restaurant")
    assert preset.followup_minutes == 5
    assert presets.load_preset("restaurant").categories[0].followup_minutes == 5


def test_preset_values_are_scaled_to_the_store_currency(bare_ctx):
    init_store(bare_ctx, store_name="Kavárna", preset="restaurant", currency="CZK",
               locale="cs_CZ", timezone="Europe/Prague", owner_name="Eva",
               owner_pin="5830")
    remake = catalog.remedy_by_code(bare_ctx, "remake")
    assert remake.value_minor == 30000  # 12 EUR ≈ 300 Kč, in haléře


@pytest.mark.parametrize("replace, field, problem", [
    ('severity = "medium"', "category.severity", "must be one of: low, medium, high"),
    ('followup_minutes = 5\nseverity', "category.followup_minutes",
     "whole number from 0 to 240"),
    ('icon = "wrong-order"', "category.icon", "no icon called"),
])
def test_broken_preset_names_file_line_and_field(tmp_path, replace, field, problem):
    text = presets.load_preset.__globals__["PRESET_DIR"].joinpath("restaurant.toml").read_text()
    broken = {"category.severity": 'severity = "dreadful"',
              "category.followup_minutes": "followup_minutes = -3\nseverity",
              "category.icon": 'icon = "no-such-icon"'}[field]
    text = text.replace(replace, broken, 1)
    first = broken.splitlines()[0]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.strip() == first)
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(PresetError) as caught:
        presets.load_preset(path)
    message = str(caught.value)
    assert f"mine.toml, line {line}, field {field}" in message and problem in message


def test_broken_preset_header_is_reported(tmp_path):
    path = tmp_path / "head.toml"
    path.write_text('[preset]\nname = "x"\nfollowup_minutes = "five"\n')
    with pytest.raises(PresetError, match="head.toml, line 3, field preset.followup_minutes"):
        presets.load_preset(path)


def test_toml_syntax_error_is_reported_with_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[[category]]\ncode = \n")
    with pytest.raises(PresetError, match="bad.toml: not valid TOML.*line 2"):
        presets.load_preset(path)
