"""Regenerate every screenshot in docs/ (``make screenshots``): one script per area."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("screenshots_counter.py", "screenshots_followups.py", "screenshots_backoffice.py",
           "screenshots_summary.py", "screenshots_languages.py", "screenshots_audit.py",
           "screenshots_trust.py", "screenshots_retry.py", "screenshots_data.py",
           "screenshots_server.py", "screenshots_live.py", "screenshots_chain.py")


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    failed = []
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(ROOT / "scripts" / script), *sys.argv[1:]],
                          env=env, check=False).returncode:
            failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
