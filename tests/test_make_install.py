"""`make install` in a temporary HOME: the app in its own virtualenv, the `comeback`
launcher on ~/.local/bin, a menu entry with the app's icon; `make uninstall` removes them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = next(Path(sys.prefix, "lib").glob("python3*/site-packages"))

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def test_make_install_puts_a_launcher_and_a_menu_entry_in_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PIP_"))}
    env.update(HOME=str(home), SKIP_SYSDEPS="1", PYTHONDONTWRITEBYTECODE="1")
    # --no-deps: this test installs Comeback itself, not PySide6 again; the launcher
    # borrows the test venv's libraries below.
    result = subprocess.run(["make", "-s", "install", f"PYTHON={sys.executable}",
                             "INSTALL_PIP_ARGS=--no-deps"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode and "Could not find a version" in result.stderr:
        pytest.skip("no package index to build with")
    assert result.returncode == 0, result.stderr
    launcher = home / ".local/bin/comeback"
    desktop = home / ".local/share/applications/comeback.desktop"
    icon = home / ".local/share/icons/hicolor/scalable/apps/comeback.svg"
    assert launcher.exists() and os.access(launcher, os.X_OK)
    assert launcher.resolve().is_relative_to(home / ".local/share/comeback/venv")
    entry = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    assert entry["Exec"] == str(launcher) and entry["Type"] == "Application"
    assert Path(entry["Icon"]) == icon and icon.read_text().startswith("<svg")
    run = subprocess.run([str(launcher), "--help"], env={**env, "PYTHONPATH": str(SITE)},
                         capture_output=True, text=True)
    assert run.returncode == 0 and "usage: comeback" in run.stdout, run.stderr
    subprocess.run(["make", "-s", "uninstall"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    assert not launcher.exists() and not desktop.exists() and not icon.exists()
