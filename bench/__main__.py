"""List or run the benchmarks: ``python -m bench`` runs them all, one process each.

    python -m bench --list          # names and first lines
    python -m bench startup tap     # just these
    python -m bench log_incidents --pg   # options after the names go to each of them
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Modules here that are not benchmarks themselves (the floor a benchmark spawns, the
#: helpers they share, the CSV generator they build databases with).
HELPERS = {"bare_window", "common", "generator", "scaling_db", "server", "terminal_worker"}


def benchmarks() -> dict[str, str]:
    """Name → first line of the module docstring, for every benchmark module."""
    found = {}
    for path in sorted(HERE.glob("*.py")):
        name = path.stem
        if name.startswith("_") or name in HELPERS:
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found[name] = doc.strip().splitlines()[0] if doc.strip() else ""
    return found


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args, passed = parser.parse_known_args()
    known = benchmarks()
    if args.list:
        for name, line in known.items():
            print(f"{name:<16} {line}")
        return 0
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    status = 0
    # One at a time: the machine is small and the benchmarks time wall-clock latency.
    for name in args.names or known:
        print(f"== bench.{name}: {known[name]}", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{name}", *passed],
                                cwd=HERE.parent)
        status = status or result.returncode
        print(flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
