"""Write to and read the append-only audit log."""

from __future__ import annotations

from typing import Any

from app.context import Context
from db import audit as audit_db


def record(ctx: Context, staff_id: int | None, action: str, entity: str | None = None,
           entity_id: int | None = None, **detail: Any) -> None:
    audit_db.append(ctx.db, entity_id=entity_id, **entry(ctx, staff_id, action, entity,
                                                         **detail))


def entry(ctx: Context, staff_id: int | None, action: str, entity: str | None = None,
          **detail: Any) -> dict:
    """The arguments of ``db.audit.append`` for an entry (all but ``entity_id``), written
    later with what they are about (a tap's, by db.tap)."""
    import json  # only when something is recorded (a reading command never loads it)

    return {"store_id": ctx.store_id, "at": ctx.now_iso(), "staff_id": staff_id,
            "action": action, "entity": entity, "terminal_id": ctx.terminal_id(),
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail
            else None}


def entries(ctx: Context, limit: int = 200) -> list[dict]:
    return audit_db.recent_entries(ctx.db, ctx.store_id, limit)
