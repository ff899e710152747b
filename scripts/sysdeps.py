#!/usr/bin/env python3
"""Check or install the Debian/Ubuntu system packages Comeback needs.

    python3 scripts/sysdeps.py check   [--gui] [--test]  # list what is missing; exit 1 if
                                                         # anything is
    python3 scripts/sysdeps.py install [--gui] [--test]  # as root: apt-get install what is
                                                         # missing; otherwise print the sudo
                                                         # command, exit 1

The base set is what Qt needs to run offscreen plus the tools the tests use; --gui adds
what a real window (or one under `xvfb-run`) needs; --test adds the PostgreSQL server the
tests start a throwaway cluster of (`make test`). Without root, a missing PostgreSQL alone
is not an error: its one-line install is printed and its tests are skipped.
If `python3 -m venv` would fail for want of ensurepip, python3-venv is added too. Without
dpkg (not Debian/Ubuntu) there is nothing to check: a note is printed and the script
succeeds.

It runs before anything is pip-installed, so it uses the standard library only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys

BASE = [
    # Qt's offscreen platform plugin, its OpenGL/EGL stack, fonts and D-Bus
    *("libgl1", "libegl1", "libxkbcommon0", "libglib2.0-0", "libfontconfig1", "libdbus-1-3"),
    "fonts-dejavu-core",
    "poppler-utils",  # pdftotext / pdftoppm, used by the PDF tests
    "tzdata",  # zoneinfo reads the system time zone database
]
GUI = [
    "xvfb",  # xvfb-run, for a window without a screen
    "xauth",
    # Qt's xcb platform plugin (a real window on X11 or Xvfb)
    *("libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"),
    "libxcb-shape0",
    "libcups2",  # Qt's print dialog lists real printers through CUPS
]
TEST = [
    "postgresql",  # initdb + pg_ctl: the tests' throwaway PostgreSQL cluster (tests/pg_cluster.py)
]


def installed() -> set[str]:
    """Names of installed packages, plus the names they provide (e.g. Ubuntu's *t64 renames)."""
    fmt = "${Status}|${Package}|${Provides}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f=" + fmt], capture_output=True, text=True)
    names = set()
    for line in out.stdout.splitlines():
        status, _, rest = line.partition("|")
        if status.strip() != "install ok installed":
            continue
        package, _, provides = rest.partition("|")
        names.add(package.split(":")[0])
        names.update(p.split()[0].split(":")[0] for p in provides.split(",") if p.strip())
    return names


def missing_packages(gui: bool, extra: list[str], test: bool = False) -> list[str]:
    have = installed()
    wanted = BASE + (GUI if gui else []) + (TEST if test else []) + extra
    missing = [p for p in wanted if p not in have]
    # Debian ships ensurepip, which `python3 -m venv` needs, in python3-venv.
    if importlib.util.find_spec("ensurepip") is None:
        if os.path.realpath(sys.executable).startswith("/usr/"):
            missing.append("python3-venv")
        else:
            print(f"sysdeps: {sys.executable} has no ensurepip, so no venv", file=sys.stderr)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "install"])
    parser.add_argument("--gui", action="store_true", help="also the packages for a real window")
    parser.add_argument("--test", action="store_true",
                        help="also the PostgreSQL server the tests use")
    parser.add_argument("--no-update", action="store_true", help="skip apt-get update")
    parser.add_argument("--extra", action="append", default=[], help=argparse.SUPPRESS)  # tests
    args = parser.parse_args()

    if shutil.which("dpkg-query") is None:
        note = "no dpkg-query (not Debian/Ubuntu?): not checking system packages"
        print(f"sysdeps: {note}; see BASE and GUI in {__file__}", file=sys.stderr)
        return 0

    missing = missing_packages(args.gui, args.extra, test=args.test)
    if args.action == "check":
        print("missing: " + " ".join(missing) if missing else "all system packages installed")
        return 1 if missing else 0
    if not missing:
        return 0
    command = "apt-get install -y " + " ".join(missing)
    if os.geteuid() != 0 and all(p in TEST for p in missing):
        print(f"\nThe PostgreSQL tests are skipped: the server is not installed. To run "
              f"them too:\n\n    sudo {command}\n", file=sys.stderr)
        return 0
    if os.geteuid() != 0:
        print(
            f"\nComeback needs system packages that are not installed: {' '.join(missing)}\n"
            f"Install them with this command, then run make again:\n\n"
            f"    sudo {command}\n",
            file=sys.stderr,
        )
        return 1
    return install_packages(missing, update=not args.no_update)


APT_GET = "apt-get"
#: How long apt waits for another apt (or the software updater) to let go of its lock.
LOCK_WAIT_S = 120


def install_packages(missing: list[str], update: bool = True) -> int:
    """apt-get (update and) install ``missing``; waits for a held lock up to LOCK_WAIT_S,
    then says what is wrong in a sentence instead of a traceback."""
    print(f"sysdeps: installing {' '.join(missing)}", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    steps = ([["update"]] if update else []) + [
        ["install", "-y", "--no-install-recommends", *missing]]
    for step in steps:
        command = [APT_GET, "-o", f"DPkg::Lock::Timeout={LOCK_WAIT_S}", *step]
        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            if "lock" in result.stderr.lower():
                why = (f"another apt (or the software updater) still holds the package lock "
                       f"after {LOCK_WAIT_S} s")
            else:
                why = f"apt-get {step[0]} failed (exit code {result.returncode})"
            print(f"\nsysdeps: could not install {' '.join(missing)}: {why}.\n"
                  f"Wait for it to finish (or fix what apt says above), then run make "
                  f"again.\n", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
