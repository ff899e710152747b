"""Shared fixtures: a fresh migrated in-memory store with an injected clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timezone  # noqa: E402

import pytest  # noqa: E402

from app import i18n, staff  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.context import Context  # noqa: E402
from app.models import Role  # noqa: E402
from app.setup import init_store  # noqa: E402
from db.connection import open_database  # noqa: E402

OWNER_PIN, MANAGER_PIN = "4821", "7392"
# Monday 16 November 2026, 12:00 in Oslo.
START = datetime(2026, 11, 16, 11, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _cheap_pin_hashing(monkeypatch):
    """Real scrypt, lower cost: the production cost is ~50 ms per hash."""
    monkeypatch.setattr(staff, "SCRYPT_N", 2**8)


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def db():
    """A fresh, migrated in-memory database."""
    database = open_database(None)
    yield database
    database.close()


@pytest.fixture
def bare_ctx(db, clock) -> Context:
    return Context(db=db, clock=clock)


@pytest.fixture
def ctx(bare_ctx) -> Context:
    """A Norwegian restaurant: owner Ingrid, manager Marco, cashier Sam."""
    init_store(bare_ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(bare_ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(bare_ctx, "Sam", Role.CASHIER)
    return bare_ctx


@pytest.fixture
def people(ctx) -> dict[str, int]:
    return {member.name: member.id for member in staff.list_staff(ctx)}
