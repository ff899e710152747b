"""Check the audit log's hash chain and hold the tables it describes to it.

:func:`verify` walks every store's chain from its first entry (``comeback verify`` and the
back office); :func:`check_new` reads only the entries after the last one found intact, and
what they describe (the app, after its first paint); :func:`check_for_report` adds the
incidents of the week a PDF shows. Each returns a :class:`Verdict`.

The chain (db/audit_chain.py) shows an entry changed, removed or written outside Comeback.
The cross-checks show a table changed behind the log's back: every incident, remedy given,
voucher, undo and redemption must match the entry that recorded it (or, for rows written
before the chain or by a CSV import, the digest of the entry that vouches for them).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

from app.context import Context
from app.i18n import _, ngettext
from db import audit as audit_db
from db import audit_chain

COVERAGE_ACTIONS = ("audit.chain_started", "incidents.imported")


class Problem(NamedTuple):
    """One thing that does not match, in words (what was expected, what was found)."""

    text: str
    entry_id: int | None = None


class Verdict(NamedTuple):
    """What a check found: ``entries`` in the log, the ``problems`` (the first is the first
    in the log's order) and the newest entry's hash."""

    entries: int
    problems: tuple[Problem, ...] = ()
    head: str | None = None
    checked: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.intact:
            return ngettext("intact, {n} entry", "intact, {n} entries",
                            self.entries).format(n=self.entries)
        return ngettext("broken: {n} problem", "broken: {n} problems",
                        len(self.problems)).format(n=len(self.problems))


def short(digest: str | None) -> str:
    return (digest or "—")[:12]


class _Walk:
    """What a walk along the chain has found so far."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.count = 0
        self.last: dict | None = None


def _walk(entries, prev: str, prev_entry: dict | None, walk: _Walk) -> None:
    """Check each entry's link to the one before it and its own hash."""
    for entry in entries:
        walk.count += 1
        linked = entry["prev_hash"] == prev
        sealed = audit_chain.hash_of_row(entry["prev_hash"], entry) == entry["hash"]
        if linked and sealed:
            prev, prev_entry, walk.last = entry["hash"], entry, entry
            continue
        label = _("Entry {id} ({action}, {when})").format(
            id=entry["id"], action=entry["action"], when=entry["at"])
        before = prev_entry["id"] if prev_entry else "—"
        if not entry["hash"]:
            text = _("{entry} was written outside Comeback: it carries no hash.").format(
                entry=label)
        elif not sealed:
            text = _("{entry} was changed outside Comeback: its content no longer gives the "
                     "hash it carries ({found}).").format(entry=label, found=short(entry["hash"]))
        else:
            text = _("{entry} does not follow entry {before}, the entry before it: it points "
                     "to {found}, entry {before} has {expected}. An entry between them was "
                     "removed, or one of them was changed.").format(
                entry=label, before=before, found=short(entry["prev_hash"]),
                expected=short(prev))
        if prev_entry and entry["at"] < prev_entry["at"]:
            text += " " + _("It is dated before the entry before it ({when}).").format(
                when=prev_entry["at"])
        walk.problems.append(Problem(text, entry["id"]))
        prev, prev_entry, walk.last = entry["hash"], entry, entry


def verify(ctx: Context, *, remember: bool = True, anchors: Sequence[str] = ()) -> Verdict:
    """Walk every store's chain from the start and cross-check every table against it.

    ``anchors``: chain heads printed earlier (the weekly PDF's "chain head"); each must still
    be the hash of an entry, else the log was rewritten or cut after it.
    """
    from app import verify_rows

    walk = _Walk()
    seen: set[str] = set()
    for store_id in audit_db.store_ids(ctx.db):
        entries = list(audit_db.chain_entries(ctx.db, store_id))
        seen.update(e["hash"] for e in entries)
        before = len(walk.problems)
        _walk(entries, audit_chain.GENESIS, None, walk)
        mark = audit_db.verified_mark(ctx.db, store_id)
        walk.problems += _mark_problems(ctx, store_id, mark, entries[-1] if entries else None)
        walk.problems += verify_rows.cross_check(ctx, store_id, entries)
        if remember and len(walk.problems) == before and entries and (
                mark is None or mark["entry_id"] != entries[-1]["id"]):
            _remember(ctx, store_id, entries[-1], len(entries))
    for anchor in anchors:
        wanted = anchor.strip().lower()
        if len(wanted) < 8 or not any(h.startswith(wanted) for h in seen):
            walk.problems.append(Problem(_(
                "No entry carries the chain head {anchor} printed earlier: the log was "
                "rewritten or cut after it was printed.").format(anchor=anchor)))
    head = walk.last["hash"] if walk.last else None
    return Verdict(walk.count, tuple(walk.problems), head, walk.count)


def _mark_problems(ctx: Context, store_id: int, mark: dict | None,
                   last: dict | None) -> list[Problem]:
    """An entry found intact before must still be there, unchanged."""
    if mark is None:
        return []
    found = audit_db.entry(ctx.db, mark["entry_id"])
    if found is None:
        return [Problem(_(
            "Entry {id} was found intact on {when}, but it is gone: the log now ends at "
            "entry {last}. Entries were removed.").format(
            id=mark["entry_id"], when=mark["verified_at"],
            last=last["id"] if last else "—"), mark["entry_id"])]
    if found["hash"] != mark["hash"]:
        return [Problem(_(
            "Entry {id} had hash {expected} when it was found intact on {when}; it now has "
            "{found}.").format(id=mark["entry_id"], expected=short(mark["hash"]),
                              when=mark["verified_at"], found=short(found["hash"])),
            mark["entry_id"])]
    return []


def _remember(ctx: Context, store_id: int, last: dict, entries: int) -> None:
    with ctx.db.atomic():
        audit_db.set_verified_mark(ctx.db, store_id, last["id"], last["hash"], entries,
                                   ctx.now_iso())


def check_new(ctx: Context) -> Verdict:
    """The start-up check: only the store's entries after the last one found intact, and
    the incidents they are about. Nothing new: two small reads."""
    store_id = ctx.store_id
    mark = audit_db.verified_mark(ctx.db, store_id)
    walk = _Walk()
    if mark is None:
        prev, prev_entry, after = audit_chain.GENESIS, None, 0
    else:
        prev_entry = audit_db.entry(ctx.db, mark["entry_id"])
        prev, after = mark["hash"], mark["entry_id"]
    new = list(audit_db.chain_entries(ctx.db, store_id, after))
    problems = _mark_problems(ctx, store_id, mark, new[-1] if new else
                              audit_db.last_entry(ctx.db, store_id))
    _walk(new, prev, prev_entry, walk)
    problems += walk.problems
    about = {e["entity_id"] for e in new if e["entity"] == "incident" and e["entity_id"]}
    if about:
        from app import verify_rows  # (and Babel, for money in its messages)

        problems += verify_rows.cross_check(ctx, store_id, None, incident_ids=about)
    total = (mark["entries"] if mark else 0) + len(new)
    if not problems and new:
        _remember(ctx, store_id, new[-1], total)
    head = new[-1]["hash"] if new else (mark["hash"] if mark else None)
    return Verdict(total, tuple(problems), head, len(new))


def check_for_report(ctx: Context, summary) -> Verdict:
    """The weekly PDF's check: the entries since the last intact check (as at start-up) and
    every incident of the summary's week held to its entries, so each figure on the page is
    vouched for. Its cost follows the week, not the history (one range of the time index a
    table: app.verify_rows.check_week); ``comeback verify`` (and the back office's *Check
    the record*) walk the whole log."""
    from zoneinfo import ZoneInfo

    from app import verify_rows
    from app.clock import to_iso

    new = check_new(ctx)
    start, end = summary.week.bounds(ZoneInfo(summary.timezone))
    problems = list(new.problems) + verify_rows.check_week(ctx, ctx.store_id, to_iso(start),
                                                           to_iso(end))
    return Verdict(new.entries, tuple(problems), new.head, new.checked)


def details(entry: dict) -> dict:
    """An entry's payload (``{}`` when it has none or it is not JSON)."""
    try:
        value = json.loads(entry["detail"]) if entry.get("detail") else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def verdict_line(verdict: Verdict) -> str:
    """One line for the weekly PDF."""
    if verdict.intact:
        return ngettext(
            "Audit log: intact, {n} entry (chain head {head}).",
            "Audit log: intact, {n} entries (chain head {head}).", verdict.entries,
        ).format(n=verdict.entries, head=short(verdict.head))
    return _("Audit log: BROKEN, changed outside Comeback — run comeback verify. First: "
             "{first}").format(first=verdict.problems[0].text)
