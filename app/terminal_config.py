"""What this terminal was set up for at first run, kept on this computer only.

``terminal.json`` in the user's data folder (next to the default database file), private
(0600 in a 0700 folder)::

    {"database": "postgresql://counter@kafe-server/comeback", "terminal": "Bar",
     "store_id": 1}

``database`` is the server's URL **without a password** (libpq finds it in ``~/.pgpass``,
a service file or ``PGPASSWORD``); it is absent when the terminal keeps its store in the
local SQLite file. ``terminal`` is this counter's name (the host name unless one was
given), ``store_id`` the store it serves. A missing or unreadable file is no
configuration: the app starts on the default file as before.
"""

import os
from pathlib import Path
from typing import NamedTuple

FILE_NAME = "terminal.json"
NAME_MAX = 40


class TerminalConfig(NamedTuple):  # a NamedTuple: a start reads it before dataclasses loads
    database: str | None = None  # a PostgreSQL URL without password; None: the local file
    terminal: str = ""
    store_id: int = 1


def folder() -> Path:
    """The user's data folder (where the default database file is)."""
    from app.cli import default_db_path

    return default_db_path().parent


def path() -> Path:
    return folder() / FILE_NAME


def default_name() -> str:
    """The terminal's name unless one is given: this computer's host name."""
    import socket

    return (socket.gethostname().split(".")[0] or "counter")[:NAME_MAX]


def load(at: Path | None = None) -> TerminalConfig | None:
    """The saved configuration, or None when there is none (or it cannot be read)."""
    import json

    try:
        data = json.loads((at or path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    database = data.get("database")
    store_id = data.get("store_id", 1)
    return TerminalConfig(
        database=database if isinstance(database, str) and database else None,
        terminal=str(data.get("terminal") or default_name())[:NAME_MAX],
        store_id=store_id if isinstance(store_id, int) and store_id > 0 else 1)


def configured_url(at: Path | None = None) -> str | None:
    """The server URL this terminal uses when no ``--db`` or COMEBACK_DB says otherwise.
    Costs one ``stat`` when there is no file (the usual single-counter start)."""
    target = at or path()
    if not target.exists():
        return None
    config = load(target)
    return config.database if config else None


def save(config: TerminalConfig, at: Path | None = None) -> Path:
    """Write the configuration privately (a password in the URL is never written)."""
    import json

    from app.dbtarget import without_password
    from db.health import PRIVATE_FILE, make_private_folder

    target = at or path()
    make_private_folder(target.parent)
    data = config._asdict()
    if data["database"]:
        data["database"] = without_password(data["database"])
    partial = target.with_name(target.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, indent=2)
        file.write("\n")
    os.chmod(partial, PRIVATE_FILE)
    os.replace(partial, target)
    return target
