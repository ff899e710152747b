"""The README a new user reads: every link and image stays inside the repository, and it
answers what `make run` leaves open (own store, install, data, Python, platforms)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def test_every_link_in_the_readme_and_docs_points_inside_the_repository():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, page
        for target in LINK.findall(text):
            if target.startswith("#"):
                continue
            assert "://" not in target, f"{page.name}: {target} leaves the repository"
            path = (page.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{page.name}: {target}"


def test_the_readme_answers_what_a_new_user_asks_after_make_run():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for needed in ("## Your own store", "comeback init", "first-run", "make install",
                   ".desktop", "## Where the data lives", "Python 3.11", "Windows", "macOS",
                   "PINs", "docs/design.md"):
        assert needed in text, needed
