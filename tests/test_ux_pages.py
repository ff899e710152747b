"""Switching pages from an open back office shows exactly one page, the one tapped."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from tests.conftest import OWNER_PIN
from tests.test_backoffice import click, open_backoffice

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("target", ["followups", "reports", "counter"])
def test_leaving_the_back_office_shows_only_the_page_tapped(qtbot, window, target):
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    open_backoffice(qtbot, window, OWNER_PIN)
    assert window.current_page() == "backoffice"
    click(qtbot, window.findChild(QPushButton, f"nav_{target}"))
    qtbot.wait(10)
    assert window.current_page() == target
    visible = [key for key in ("counter", "followups", "reports", "backoffice")
               if window.page(key).isVisible()]
    assert visible == [target]
    checked = [b.objectName() for b in window.nav.findChildren(QPushButton) if b.isChecked()]
    assert checked == [f"nav_{target}"]
