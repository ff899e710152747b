"""Where the store's database is: a SQLite file (a path) or a PostgreSQL server (a URL).

``--db`` and ``COMEBACK_DB`` take either. A ``postgresql://`` (or ``postgres://``) URL is
kept as the text it is — never wrapped in a ``Path``, which would turn ``//`` into ``/`` —
and is shown without its password (:func:`shown`). Which one a command uses, first found:

1. ``--db`` on the command line;
2. the ``COMEBACK_DB`` environment variable;
3. the server this terminal was set up for at first run (``app.terminal_config``);
4. the default file in the user's data folder.

Comeback never stores a password: libpq's own ``~/.pgpass``, service files
(``postgresql:///?service=NAME``), ``PGPASSWORD`` and ``sslmode`` apply as for any other
PostgreSQL client. Importing this module costs nothing worth measuring (no psycopg, no
platformdirs until the default file is needed).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV = "COMEBACK_DB"
_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"(://[^:/@?]*):[^@/?]*@")
_PASSWORD_PARAM = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)

Target = str | Path


def is_server(target: object) -> bool:
    """A PostgreSQL URL rather than a file."""
    return isinstance(target, str) and target.lower().startswith(_SCHEMES)


def parse(text: str | os.PathLike) -> Target:
    """``--db``'s value: a URL stays text, anything else is a file path (``~`` expanded)."""
    if isinstance(text, Path):
        return text
    text = os.fspath(text).strip()
    return text if is_server(text) else Path(text).expanduser()


def from_environment() -> Target | None:
    value = os.environ.get(ENV, "").strip()
    return parse(value) if value else None


def default_target() -> Target:
    """The database when ``--db`` is not given: COMEBACK_DB, the terminal's server, or the
    default file."""
    chosen = from_environment()
    if chosen is not None:
        return chosen
    from app import terminal_config

    url = terminal_config.configured_url()
    if url:
        return url
    from app.cli import default_db_path

    return default_db_path()


def without_password(url: str) -> str:
    """The URL with its password (in the user part or a ``password=`` parameter) taken
    out: what may be written into a config file."""
    base, _mark, query = _PASSWORD.sub(r"\1@", url).partition("?")
    kept = [p for p in query.split("&") if p and not p.lower().startswith("password=")]
    return base + ("?" + "&".join(kept) if kept else "")


def shown(target: Target | None) -> str:
    """How a database is named in messages: the file's path, or the URL with ``***`` for a
    password."""
    if target is None:
        return ":memory:"
    if is_server(target):
        url = _PASSWORD.sub(r"\1:***@", str(target))
        return _PASSWORD_PARAM.sub(r"\1***", url)
    return str(target)
