"""A write lock held across a read-check-write step, shared by every process on the file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from db.connection import Database


@contextmanager
def exclusive(db: Database) -> Iterator[None]:
    """The backend's write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an advisory
    lock in a transaction): the write lock is taken *before* the first read, so
    no other process can read the same state and act on it in between (a PIN check and its
    lockout count are one step). Inside an open transaction it only joins it."""
    with db.write_lock():
        yield
