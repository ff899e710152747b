"""The handle every service takes: the database, the clock and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app import settings as settings_mod
from app.clock import Clock, SystemClock
from db.connection import Database, open_database


@dataclass
class Context:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    store_id: int = 1

    def settings(self) -> settings_mod.StoreSettings:
        return settings_mod.load(self.db, self.store_id)

    def now_iso(self) -> str:
        from app.clock import to_iso

        return to_iso(self.clock.now())


def open_context(path: str | Path | None, clock: Clock | None = None) -> Context:
    return Context(db=open_database(path), clock=clock or SystemClock())
