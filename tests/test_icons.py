"""Icons: rendered from SVG once, and kept on disk between runs when the app asks for it."""

from __future__ import annotations

import pytest

from ui import icons


@pytest.fixture
def disk_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(icons, "DISK_CACHE", tmp_path / "icons")
    icons._render.cache_clear()
    yield tmp_path / "icons"
    icons._render.cache_clear()


def _pixels(pixmap) -> bytes:
    image = pixmap.toImage()
    return bytes(image.constBits())


def test_an_icon_is_drawn_in_the_size_asked_for(qapp):
    pixmap = icons.pixmap("cold-food", 44)
    assert pixmap.width() == round(44 * pixmap.devicePixelRatio())
    assert not pixmap.toImage().isNull()
    assert any(_pixels(pixmap))  # something was drawn


def test_the_next_start_reads_the_kept_png_instead_of_rasterising(qapp, disk_cache,
                                                                   monkeypatch):
    first = icons.pixmap("cold-food", 60)
    kept = list(disk_cache.glob("cold-food-*.png"))
    assert len(kept) == 1 and not list(disk_cache.glob("*.part"))
    icons._render.cache_clear()  # as in a new process

    def no_svg(*_args):
        raise AssertionError("rasterised again")

    monkeypatch.setattr(icons, "_rasterise", no_svg)
    again = icons.pixmap("cold-food", 60)
    assert _pixels(again) == _pixels(first)
    assert again.devicePixelRatio() == first.devicePixelRatio()


def test_another_colour_or_size_is_kept_apart(qapp, disk_cache):
    icons.pixmap("lock", 24)
    icons.pixmap("lock", 24, colour="#E0A23A")
    icons.pixmap("lock", 48)
    assert len(list(disk_cache.glob("lock-*.png"))) == 3


def test_a_damaged_cache_file_is_drawn_again(qapp, disk_cache):
    first = icons.pixmap("long-wait", 44)
    (kept,) = disk_cache.glob("long-wait-*.png")
    kept.write_bytes(b"not a png")
    icons._render.cache_clear()
    assert _pixels(icons.pixmap("long-wait", 44)) == _pixels(first)


def test_without_a_cache_folder_nothing_is_written(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(icons, "DISK_CACHE", None)
    icons._render.cache_clear()
    icons.pixmap("remake", 44)
    assert not list(tmp_path.iterdir())
    icons._render.cache_clear()
