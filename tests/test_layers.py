"""Imports point one way: ui → app → db. app/ and db/ never touch Qt widgets or SQL rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["app", "db"])
def test_core_never_imports_qt_gui_or_widgets(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.startswith(
            ("PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtSvg", "PySide6.QtPrintSupport")))
        for path in _modules(package)}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("package", ["app", "db"])
def test_core_never_imports_the_ui(package):
    offenders = [str(p.relative_to(ROOT)) for p in _modules(package)
                 if any(n == "ui" or n.startswith("ui.") for n in _imports(p))]
    assert offenders == []


def test_db_never_imports_app():
    offenders = [str(p.relative_to(ROOT)) for p in _modules("db")
                 if any(n == "app" or n.startswith("app.") for n in _imports(p))]
    assert offenders == []


def test_sql_lives_only_in_db():
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    offenders = []
    for package in ("app", "ui"):
        for path in _modules(package):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                        node.value.lstrip().upper().startswith(k) for k in keywords):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_guard_itself_catches_a_widget_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtWidgets import QLabel\n")
    assert "PySide6.QtWidgets" in _imports(sample)
