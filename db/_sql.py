"""INSERT and UPDATE statements built from a dict of column → value (private to db/).

Table and column names go into the SQL text, so each one must be a plain identifier
(letters, digits, underscore; not starting with a digit): a key such as
``"note = 1; --"`` raises ValueError instead of reaching SQLite. Values are always bound
as ``?`` parameters.
"""

from __future__ import annotations

import re

from db.connection import Database

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CHECKED: set[str] = set()  # names already matched: one regex per name, not per row


def _name(name: object) -> str:
    if name in _CHECKED:
        return name  # type: ignore[return-value]
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a table or column name: {name!r}")
    if len(_CHECKED) < 1000:
        _CHECKED.add(name)
    return name


def insert_row(db: Database, table: str, values: dict, *,
               unless_taken: str | None = None) -> int | None:
    """``INSERT INTO table (keys) VALUES (?, …)``; returns the new row's id.

    ``unless_taken`` names a unique column: when a row with the same value is there
    already, nothing is inserted and None is returned (``ON CONFLICT DO NOTHING``, which
    leaves a transaction usable on both engines, unlike a caught constraint error).
    """
    if not values:
        raise ValueError(f"nothing to insert into {table!r}")
    cols = [_name(col) for col in values]
    conflict = f" ON CONFLICT ({_name(unless_taken)}) DO NOTHING" if unless_taken else ""
    cursor = db.execute(
        f"INSERT INTO {_name(table)} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        + conflict, list(values.values()))
    if unless_taken and cursor.rowcount == 0:
        return None
    return cursor.lastrowid


def update_row(db: Database, table: str, where: dict, values: dict, *,
               guard: str = "") -> int:
    """``UPDATE table SET a = ?, … WHERE x = ? AND …``; returns the number of rows changed.

    ``where`` maps columns to the values they must equal (at least one). ``guard`` is an
    extra condition ANDed on, written as a constant in db/ code (never built from input).
    """
    if not values:
        raise ValueError(f"nothing to update in {table!r}")
    if not where:
        raise ValueError(f"an UPDATE of {table!r} without a WHERE")
    sets = ", ".join(f"{_name(col)} = ?" for col in values)
    conditions = [f"{_name(col)} = ?" for col in where]
    if guard:
        conditions.append(guard)
    cursor = db.execute(f"UPDATE {_name(table)} SET {sets} WHERE {' AND '.join(conditions)}",
                        [*values.values(), *where.values()])
    return cursor.rowcount
