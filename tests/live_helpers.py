"""Two terminals on one store: two connections to the same database (a SQLite file or a
PostgreSQL database), sharing one FixedClock (tests/test_live_*.py)."""

from __future__ import annotations

from app import catalog, changes, incidents, staff
from app.context import Context
from app.models import RemedyRequest, Role
from app.setup import init_store
from db.connection import open_database
from tests.conftest import MANAGER_PIN, OWNER_PIN

SECOND_MANAGER_PIN = "5164"


def make_store(target, clock) -> Context:
    """The Fjord Kafé store (Ingrid owner, Marco and Anna managers, Sam cashier)."""
    ctx = Context(open_database(target), clock=clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Anna", Role.MANAGER, SECOND_MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    return ctx


def terminal(target, clock) -> Context:
    """Another terminal on the same store: a connection of its own."""
    return Context(open_database(target), clock=clock)


def people(ctx) -> dict[str, int]:
    return {m.name: m.id for m in staff.list_staff(ctx)}


def log(ctx, code: str = "cold_food", remedy: str = "remake", **extra):
    return incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id,
        staff_id=people(ctx)["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, remedy).id)], **extra)


def woken(ctx) -> None:
    """What a terminal does when the change feed wakes it (ui.live.LiveUpdates.catch_up):
    it reads again what its handle kept (app.changes.forget_kept). On a server its own
    connection hears of another terminal's commit by a NOTIFY that comes in its own time:
    read at once, without being woken, it may still show what it kept before."""
    changes.forget_kept(ctx.db)
