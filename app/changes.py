"""What other terminals did, read from the change feed (the store's audit log, db.changes).

A terminal keeps the id of the last entry it has read. Woken (a NOTIFY, a file change, the
slow backstop), it reads every entry after that id, in order: a wake-up that was lost while
reconnecting loses nothing, the next read brings it. :func:`summary` turns entries into
the :class:`app.models.Changes` the screens already redraw from; :func:`as_json` is one
line of ``comeback watch``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.models import Changes
from db import changes as changes_db

#: Detail keys ``comeback watch`` passes on: what a kitchen screen or a script needs to act
#: (never a guest's name or contact, a note, or a setting's value).
PUBLIC_DETAIL = ("category", "category_label", "severity", "flagged", "total_minor",
                 "outcome", "minutes", "snoozes", "due_at", "code", "amount_minor",
                 "label", "role", "position", "for_what")

#: The first part of an action → what it changes on a screen.
_FLAGS: dict[str, dict[str, bool]] = {
    "incident": {"incidents": True, "followups": True, "vouchers": True},
    "incidents": {"incidents": True, "followups": True, "vouchers": True},
    "followup": {"followups": True},
    "voucher": {"vouchers": True, "incidents": True},
    "category": {"catalog": True},
    "remedy": {"catalog": True},
    "rule": {"catalog": True},
    "staff": {"staff": True},
    "setting": {"settings": True},
    "privacy": {"incidents": True, "followups": True},
    "store": {"incidents": True, "followups": True, "vouchers": True, "catalog": True,
              "staff": True, "settings": True},
    "database": {"incidents": True, "followups": True, "vouchers": True, "catalog": True,
                 "staff": True, "settings": True},
}


@dataclass(frozen=True)
class Change:
    """One entry of the feed, as a terminal or a script reads it."""

    id: int
    at: str
    kind: str  # the audit action, e.g. "incident.logged", "followup.taken"
    entity: str | None
    entity_id: int | None
    staff_id: int | None
    staff: str | None
    terminal: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def from_entry(row: dict) -> Change:
    import json

    try:
        detail = json.loads(row["detail"]) if row.get("detail") else {}
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    # A terminal's name, where the entry records one (counters get names with issue 14).
    terminal = row.get("terminal_name") or row.get("terminal") or detail.get("terminal")
    return Change(id=row["id"], at=row["at"], kind=row["action"], entity=row.get("entity"),
                  entity_id=row.get("entity_id"), staff_id=row.get("staff_id"),
                  staff=row.get("staff_name"),
                  terminal=str(terminal) if terminal is not None else None, detail=detail)


Reader = Callable[[int, int], list[dict]]


def read_all(read: Reader, after_id: int) -> list[Change]:
    """Every entry after ``after_id``, page by page (``read(after_id, limit)``)."""
    found: list[Change] = []
    while True:
        rows = read(after_id, changes_db.PAGE)
        found += [from_entry(r) for r in rows]
        if len(rows) < changes_db.PAGE:
            return found
        after_id = rows[-1]["id"]


def since(db, store_id: int, after_id: int) -> list[Change]:
    """The store's changes after ``after_id``, oldest first."""
    return read_all(lambda after, limit: changes_db.entries_after(db, store_id, after, limit),
                    after_id)


def newest_id(db, store_id: int) -> int:
    return changes_db.newest_id(db, store_id)


def forget_kept(db) -> None:
    """The feed brought changes: read again what this handle keeps until the database
    changes (its ``memo``: the settings, the open follow-ups; app.settings.load,
    app.followups). On a server that "until" is told by the NOTIFY of each commit, which
    reaches each connection of a terminal in its own time: the listening connection
    (db.pg_listen) may read another terminal's change while this handle has not heard of
    it yet, and the screens it wakes would redraw from what was kept before (a language
    changed by the owner did not show on the counter until something else changed). On
    SQLite the mark is never late; this costs one read of each."""
    memo = getattr(db, "memo", None)
    if memo:
        memo.clear()


def summary(found: Iterable[Change]) -> Changes:
    """What the screens must redraw for these changes (``remote``: made elsewhere)."""
    flags: dict[str, bool] = {}
    incident_id = followup_id = None
    for change in found:
        flags.update(_FLAGS.get(change.kind.split(".", 1)[0], {}))
        if change.kind == "setting.changed" and change.detail.get("name") == "currency":
            flags["catalog"] = True
        if change.entity == "incident":
            incident_id = change.entity_id
        elif change.entity == "followup":
            followup_id = change.entity_id
    if not flags:
        return Changes()
    return Changes(**flags, incident_id=incident_id, followup_id=followup_id, remote=True)


def alerted(found: Iterable[Change]) -> list[int]:
    """Follow-ups announced as due by whichever terminal got there first, in order."""
    return [c.entity_id for c in found if c.kind == "followup.alerted" and c.entity_id]


def as_json(change: Change) -> str:
    """One line of ``comeback watch``: what happened, to what, by whom, and the little a
    script needs to act on it."""
    import json

    line: dict[str, Any] = {"id": change.id, "at": change.at, "kind": change.kind,
                            "entity": change.entity, "entity_id": change.entity_id,
                            "staff": change.staff}
    if change.terminal is not None:
        line["terminal"] = change.terminal
    if change.kind == "setting.changed" and "name" in change.detail:
        line["setting"] = change.detail["name"]
    if change.kind.startswith("staff.") and "name" in change.detail:
        line["name"] = change.detail["name"]
    line.update({k: change.detail[k] for k in PUBLIC_DETAIL if k in change.detail})
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
