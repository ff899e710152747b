"""Taps the database cannot take yet: kept, retried, saved exactly once.

A cashier's tap is tried at once with a short wait for another writer's lock
(:data:`TAP_BUSY_MS`), so the counter never freezes behind a long import. When the write
fails for a reason that passes (the database is locked, the disk is full, an I/O error)
the tap is kept in the outbox (:mod:`db.outbox`, a small SQLite file next to the database,
fsync'd) - or, when even that cannot be written, in this process's memory, and the
cashier is told so - and retried later until it is saved.

Exactly once: every tap carries an id made at the counter (``uid``, a UUID) that becomes
``incidents.uid`` (UNIQUE). A retry of a tap that did reach the database - the process died
between the write and the outbox clean-up - is recognised by :func:`app.incidents.log_incident`
and not written again. A retry is made with the tap's own time, so the manager's approval
given at the tap still counts (it is valid for a while after the PIN, see app.approval).

The outbox is also the offline outbox of a counter whose PostgreSQL server is away
(:mod:`app.offline`): while the server is away a tap is logged in the terminal's copy (the
same checks; its reminder rings here) and kept (reason :data:`OFFLINE`) without trying the
server; new taps queue behind the waiting ones, so the outbox is sent in tap order. A tap
the server refuses when it is sent (an approval that no longer holds, a category deleted
meanwhile) is not applied: it goes to the manager, as an ``outbox.refused`` entry in the
audit log.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

from app import offline
from app.approval import Approval
from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import ComebackError
from app.i18n import _
from app.models import Changes, Logged, RemedyRequest, Severity
from db import faults
from db.connection import busy_timeout, database_file, tap_transaction, tap_write
from db.outbox import Outbox, outbox_path
from db.writers import Turnstile, writers_path

#: How long a tap waits for another writer's lock before it is kept for a retry (ms).
TAP_BUSY_MS = 20
#: How often a tap tries the lock again while it waits (seconds).
POLL_S = 0.0005
KIND_LOG = "incident.log"
KIND_REDEEM = "voucher.redeem"  # app.offline_vouchers.KIND_REDEEM
#: At most this many waiting taps are read from the outbox for one batch of a flush.
BATCH_TAPS = 64
BUSY, FULL, IO, OFFLINE, OTHER = faults.BUSY, faults.FULL, faults.IO, faults.OFFLINE, "other"


class NotSavedYet(ComebackError):
    """A write the database could not take now (locked, disk full, I/O error): nothing was
    written. ``reason`` is BUSY, FULL, IO or OTHER; ``problem`` says it in one sentence."""

    def __init__(self, reason: str) -> None:
        self.reason, self.problem = reason, problem_text(reason)
        super().__init__(_("{problem} Nothing was saved: try again in a moment.").format(
            problem=self.problem))


class PendingTap(NamedTuple):
    """One tap to save: what to do (``kind``), its arguments and its terminal-made id."""

    uid: str
    kind: str
    store_id: int
    tapped_at: datetime
    payload: dict

    @property
    def shown(self) -> tuple[str, list[str]]:
        """(category label, remedy labels) as the cashier tapped them (untranslated)."""
        shown = self.payload.get("shown") or {}
        return shown.get("category", ""), list(shown.get("remedies", []))

    @property
    def severe(self) -> bool:
        """A severe failure: the manager is called at once, saved or not."""
        severity = self.payload.get("details", {}).get("severity") or (
            self.payload.get("shown") or {}).get("severity")
        return str(getattr(severity, "value", severity)) == Severity.HIGH.value


class Saved(NamedTuple):
    tap: PendingTap
    logged: Logged


class Kept(NamedTuple):
    """A tap that is not saved yet. ``on_disk`` False: only in this process's memory."""

    tap: PendingTap
    reason: str
    on_disk: bool


class Failed(NamedTuple):
    """A kept tap that cannot be applied any more (e.g. its category was deleted)."""

    tap: PendingTap
    message: str


class Flushed(NamedTuple):
    saved: list[Saved]
    failed: list[Failed]
    waiting: int
    reason: str | None  # why the taps still waiting wait (None when none do)
    #: Vouchers redeemed offline that the server took (app.offline_vouchers.SentRedemption;
    #: those it refused are in ``failed``).
    redeemed: list = []


def incident_tap(ctx: Context, *, category_id: int, remedies: Sequence[RemedyRequest],
                 staff_id: int | None, approval: Approval | None = None,
                 shown: tuple[str, Sequence[str]] = ("", ()),
                 default_severity: Severity | None = None, **details: Any) -> PendingTap:
    """A tap that logs an incident (the arguments of :func:`app.incidents.log_incident`),
    with a new uid and the clock's time. ``shown`` is what the cashier saw (category and
    remedy labels) and ``default_severity`` the category's, for the bar."""
    from app.approval_proof import sign_giver, sign_tap

    uid = str(uuid.uuid4())
    at = ctx.clock.now()
    pairs, proof = sign_tap(ctx, approval, uid, category_id, staff_id,
                            [[r.remedy_id, r.amount_minor] for r in remedies])
    payload = {
        "category_id": category_id, "staff_id": staff_id,
        "remedies": pairs,
        "details": {k: v for k, v in details.items() if v is not None},
        "approval": _approval_to_json(approval, proof),
        "shown": {"category": shown[0], "remedies": list(shown[1]),
                  "severity": default_severity.value if default_severity else None},
    }
    giver_proof = sign_giver(ctx, uid, category_id, staff_id, pairs, at)
    if giver_proof is not None:
        payload["giver_proof"] = giver_proof
    return PendingTap(uid, KIND_LOG, ctx.store_id, at, payload)


def _approval_fields() -> dict[str, str]:
    """Approval's field names and their annotations (a dataclass or a NamedTuple)."""
    if dataclasses.is_dataclass(Approval):  # not its key (app.approval_proof): never kept
        return {f.name: str(f.type) for f in dataclasses.fields(Approval) if f.name != "key"}
    return {name: str(kind) for name, kind in Approval.__annotations__.items()}


def _approval_to_json(approval: Approval | None, proof: dict | None = None) -> dict | None:
    """The manager's approval as given at the tap, kept with the tap (who, when, …, and
    on a terminal its ``proof``: app.approval_proof)."""
    if approval is None:
        return None
    values = {}
    for name in _approval_fields():
        value = getattr(approval, name)
        values[name] = to_iso(value) if isinstance(value, datetime) else value
    if proof is not None:
        values["proof"] = proof
    return values


def approval_from_json(data: dict | None) -> Approval | None:
    """The approval kept with a tap (None: none)."""
    if not data:
        return None
    kinds = _approval_fields()
    return Approval(**{name: (from_iso(value) if "datetime" in kinds.get(name, "")
                              and isinstance(value, str) else value)
                       for name, value in data.items() if name in kinds})


def apply(ctx: Context, tap: PendingTap, prove: bool = False) -> Logged:
    """Carry out ``tap`` on the database (once: a uid already there is recognised).
    ``prove``: a kept tap sent to a terminal's server, whose approval must be proven by
    the approver's key there (app.approval_proof)."""
    from app import incidents

    if tap.kind == KIND_REDEEM:  # a voucher redeemed while the server was away
        from app.offline_vouchers import apply_redemption

        return apply_redemption(ctx, tap)
    if tap.kind != KIND_LOG:
        raise ComebackError(_("Unknown kind of saved tap: {kind}.").format(kind=tap.kind))
    p = tap.payload
    if prove and offline.is_terminal(ctx):
        from app.approval_proof import check_tap

        check_tap(ctx, tap.uid, p, tap.tapped_at)
    return incidents.log_incident(
        ctx, category_id=p["category_id"],
        remedies=[RemedyRequest(remedy_id, amount) for remedy_id, amount in p["remedies"]],
        staff_id=p["staff_id"], approval=approval_from_json(p.get("approval")),
        uid=tap.uid, at=tap.tapped_at, **p.get("details", {}))


def retry_reason(error: BaseException) -> str | None:
    """BUSY, FULL, IO or OFFLINE for a failure that passes; OTHER for any other database or file
    error (the tap is kept all the same); None for everything else."""
    reason = faults.passing_reason(error)
    if reason is None and faults.is_storage_error(error):
        return OTHER
    return reason


@contextmanager
def short_wait(ctx: Context) -> Iterator[None]:
    """Run a write from a screen with the tap's short lock wait (the screen never freezes
    behind another writer); a failure that passes comes out as :class:`NotSavedYet`."""
    try:
        path = writers_path(database_file(ctx.db))
    except Exception:  # noqa: BLE001 - no announcement then; the write says what is wrong
        path = None
    turnstile = Turnstile(path)  # a big import lets the write in before its next slice
    try:
        with turnstile.waiting(), busy_timeout(ctx.db, TAP_BUSY_MS):
            yield
    except ComebackError:
        raise
    except Exception as error:
        reason = retry_reason(error)
        if reason is None:
            raise
        raise NotSavedYet(reason) from error
    finally:
        turnstile.close()


def problem_text(reason: str) -> str:
    """What is wrong with the database, in one sentence."""
    return {
        BUSY: _("The database is busy with another program (an import or a backup)."),
        FULL: _("The disk is full."),
        IO: _("The disk reported an error."),
        OFFLINE: _("The server cannot be reached."),
    }.get(reason, _("The database reported a problem."))


def reason_text(reason: str, on_disk: bool = True) -> str:
    """Why a tap is not saved yet and what to do, for the cashier."""
    advice = {
        BUSY: _("Nothing to do: it is saved by itself."),
        OFFLINE: _("Nothing to do: it is sent by itself when the server is back."),
        FULL: _("Tell the manager to free some space on this computer; it is saved by "
                "itself then."),
    }.get(reason, _("Tell the manager; it is saved by itself once that is fixed."))
    text = f"{problem_text(reason)} {advice}"
    if not on_disk:
        text = _("{reason} It is kept only in this app's memory: keep the app open until it "
                 "is saved.").format(reason=text)
    return text


class TapSaver:
    """Saves taps, keeping those the database cannot take yet in ``outbox`` (None: in
    memory only, as for an in-memory database)."""

    def __init__(self, ctx: Context, outbox: Outbox | None, busy_ms: int = TAP_BUSY_MS,
                 turnstile: Turnstile | None = None) -> None:
        self.ctx = ctx
        self.outbox = outbox
        self.busy_ms = busy_ms
        self.turnstile = turnstile if turnstile is not None else Turnstile(None)
        self.reason: str | None = None
        self._memory: dict[str, PendingTap] = {}

    @classmethod
    def for_database(cls, ctx: Context) -> TapSaver:
        """The saver whose outbox lies next to ``ctx``'s database file."""
        if offline.is_terminal(ctx):  # a server's terminal: its outbox in the data folder
            path = ctx.db.outbox_file
            return cls(ctx, Outbox(path) if path is not None else None)
        database = database_file(ctx.db)
        path = outbox_path(database)
        return cls(ctx, Outbox(path) if path is not None else None,
                   turnstile=Turnstile(writers_path(database)))

    # -- what waits ---------------------------------------------------------------------
    def waiting(self, limit: int | None = None) -> list[PendingTap]:
        """Every tap not saved yet, oldest first (outbox, then memory); ``limit``: only the
        first of the outbox's."""
        taps = [PendingTap(e["uid"], e["kind"], e["store_id"], from_iso(e["tapped_at"]),
                           e["payload"]) for e in self._outbox_entries(limit)]
        on_disk = {t.uid for t in taps}
        taps += [t for uid, t in self._memory.items() if uid not in on_disk]
        return taps

    def count(self) -> int:
        return len(self.waiting()) if self._memory else self._outbox_count()

    def in_memory(self) -> int:
        return len(self._memory)

    def _outbox_entries(self, limit: int | None = None) -> list[dict]:
        if self.outbox is None:
            return []
        try:
            return self.outbox.entries(limit=limit)
        except Exception as error:
            if retry_reason(error) is None:
                raise
            return []

    def _outbox_count(self) -> int:
        if self.outbox is None:
            return 0
        try:
            return self.outbox.count()
        except Exception as error:
            if retry_reason(error) is None:
                raise
            return 0

    # -- saving -------------------------------------------------------------------------
    def submit(self, tap: PendingTap) -> Saved | Kept:
        """Save ``tap`` now, or keep it when the database cannot take it. A refusal (bad
        input, a PIN needed) raises as the service does, and nothing is kept.

        Also while taps wait it waits its short time for the lock: a big import lets an
        announced tap in between two slices (app.import_switch), and a tap that did not
        wait would be kept whenever it met a slice — each kept tap making the next ones
        keep too, until the retry timer's next turn. While the server is away, or taps wait
        to be sent after an outage, the tap is logged in the terminal's copy and queued
        behind them (see :meth:`_keep_offline`).
        """
        if offline.is_away(self.ctx) or self._waiting_offline():
            return self._keep_offline(tap)
        try:
            return Saved(tap, self._attempt(tap))
        except ComebackError:
            raise
        except Exception as error:
            reason = retry_reason(error)
            if reason is None:
                raise
            if reason == OFFLINE and offline.is_terminal(self.ctx):
                return self._keep_offline(tap, checked=True)
            return self._keep(tap, reason)

    def _waiting_offline(self) -> bool:
        """Taps wait because the server was away: new ones go behind them."""
        if not offline.is_terminal(self.ctx) or not self.count():
            return False
        if self.reason == OFFLINE:
            return True
        if self.outbox is None:
            return False
        try:
            return str(self.outbox.newest_error() or "").startswith(OFFLINE)
        except Exception as error:
            if retry_reason(error) is None:
                raise
            return False

    def _keep_offline(self, tap: PendingTap, checked: bool = False) -> Kept:
        """Log ``tap`` in the terminal's copy (the service's checks, the approval rule with
        the limits as last seen; its follow-up rings here), then keep it to be sent.

        A refusal raises and nothing is kept - unless the server had the tap already
        (``checked``: the connection broke during the write, which may have landed): then
        it is kept all the same and the server decides when it is sent.
        """
        from app.errors import ApprovalRequired, ValidationError

        copy = offline.copy_context(self.ctx)
        if copy is not None:
            try:
                apply(copy, tap)
            except (ApprovalRequired, ValidationError):
                if not checked:
                    raise
            except ComebackError:
                pass  # e.g. a category the copy has not seen yet: the server decides
        return self._keep(tap, OFFLINE)

    def flush(self, budget_s: float | None = None) -> Flushed:
        """Try the waiting taps, oldest first; stop at the first the database cannot take,
        or once ``budget_s`` seconds are spent (one tap at least). ``reason`` None with taps
        still waiting: the budget ran out."""
        saved: list[Saved] = []
        failed: list[Failed] = []
        redeemed: list = []
        if offline.is_away(self.ctx):  # no try: the server is known to be away
            self.reason = OFFLINE
            waiting = self.count()
            return Flushed(saved, failed, waiting, OFFLINE if waiting else None)
        self.reason = None
        # Only the batch's first taps are read from the outbox (a long one is sent in many
        # batches).
        try:
            self._flush_batch(budget_s, saved, failed, redeemed)
        except Exception as error:  # the server went between two taps
            reason = retry_reason(error)
            if reason is None:
                raise
            self.reason = reason
        waiting = self.count()
        return Flushed(saved, failed, waiting, self.reason if waiting else None, redeemed)

    def _flush_batch(self, budget_s: float | None, saved: list[Saved],
                     failed: list[Failed], redeemed: list) -> None:
        start = time.monotonic()
        with self._server_only():
            for tap in self.waiting(limit=None if budget_s is None else BATCH_TAPS):
                if budget_s is not None and (saved or failed or redeemed) \
                        and time.monotonic() - start > budget_s:
                    break
                try:
                    logged = self._attempt(tap, prove=True)
                except ComebackError as refused:
                    failed.append(Failed(tap, str(refused)))
                    self._forget(tap, failed=str(refused))
                    self._refused(tap, str(refused))
                    continue
                except Exception as error:
                    reason = retry_reason(error)
                    if reason is None:
                        raise
                    self.reason = reason
                    self._note_attempt(tap, f"{reason}: {error}")
                    break
                if tap.kind == KIND_REDEEM:  # its refusal is audited in its transaction
                    if logged.applied:
                        redeemed.append(logged)
                        self._forget(tap)
                    else:
                        failed.append(Failed(tap, logged.message))
                        self._forget(tap, failed=logged.message)
                    continue
                saved.append(Saved(tap, logged))
                self._forget(tap)

    def cancel(self, uid: str) -> bool:
        """Take back a tap that is still waiting (the cashier's Undo): it is never saved.
        False when it is not waiting (saved already, or unknown); NotSavedYet when the
        outbox cannot be changed now."""
        tap = next((t for t in self.waiting() if t.uid == uid), None)
        if tap is None:
            return False
        if self.outbox is not None and uid not in self._memory:
            try:
                self.outbox.remove(uid)
            except Exception as error:
                reason = retry_reason(error)
                if reason is None:
                    raise
                raise NotSavedYet(reason) from error
        self._memory.pop(uid, None)
        self._forget_copy(uid)
        return True

    def _attempt(self, tap: PendingTap, wait: bool = True, prove: bool = False) -> Logged:
        """Save ``tap`` in one write transaction, waiting up to ``busy_ms`` for the lock
        (tried every :data:`POLL_S`), announced to a big import so that it lets the tap
        in before its next slice (:mod:`db.writers`); on a terminal, nothing is read from
        its copy meanwhile (a tap is written and read back on the server, or fails as one)."""
        # A redemption kept while the server was away is applied inside one transaction;
        # a failure logged is one write transaction of its own (db.connection.tap_write).
        block = tap_write if tap.kind == KIND_LOG else tap_transaction
        with self.turnstile.waiting(), self._server_only(), \
                block(self.ctx.db, self.busy_ms / 1000 if wait else 0, POLL_S):
            return apply(self.ctx, tap, prove)

    def _server_only(self):
        from contextlib import nullcontext

        return self.ctx.db.server_only() if offline.is_terminal(self.ctx) else nullcontext()

    def _keep(self, tap: PendingTap, reason: str) -> Kept:
        self.reason = reason
        on_disk = False
        if self.outbox is not None:
            try:
                self.outbox.add(uid=tap.uid, kind=tap.kind, store_id=tap.store_id,
                                tapped_at=to_iso(tap.tapped_at), payload=tap.payload,
                                last_error=reason)
                on_disk = True
            except Exception as error:
                if retry_reason(error) is None:
                    raise
        if not on_disk:
            self._memory[tap.uid] = tap
        return Kept(tap, reason, on_disk and not self._memory)

    def _forget(self, tap: PendingTap, failed: str | None = None) -> None:
        self._memory.pop(tap.uid, None)
        self._forget_copy(tap.uid)
        if self.outbox is None:
            return
        try:
            if failed is None:
                self.outbox.remove(tap.uid)  # a crash before this: the uid is recognised
            else:
                self.outbox.failed(tap.uid, failed)
        except Exception as error:
            if retry_reason(error) is None:
                raise

    def _forget_copy(self, uid: str) -> None:
        """The tap logged in the terminal's copy is on the server now, or refused."""
        copy = offline.copy_context(self.ctx)
        if copy is None:
            return
        from db.failover import forget_uid

        try:
            forget_uid(copy.db, uid)
        except Exception as error:  # the copy is only for reminders: never lose a tap
            if retry_reason(error) is None:
                raise

    def _refused(self, tap: PendingTap, message: str) -> None:
        """A kept tap the database will not take goes to the manager: in the audit log
        with what was tapped, when, by whom and why (best effort: it stays in the outbox's
        failed entries too)."""
        from app import audit

        category, remedies = tap.shown
        try:
            with busy_timeout(self.ctx.db, self.busy_ms):
                audit.record(self.ctx, tap.payload.get("staff_id"), "outbox.refused", "tap",
                             None, uid=tap.uid, tapped_at=to_iso(tap.tapped_at),
                             category_label=category, remedies=remedies,
                             approved_by=(tap.payload.get("approval") or {}).get("staff_id"),
                             message=message)
        except Exception as error:
            if retry_reason(error) is None:
                raise

    def _note_attempt(self, tap: PendingTap, error: str) -> None:
        if self.outbox is not None and tap.uid not in self._memory:
            try:
                self.outbox.attempted(tap.uid, error)
            except Exception as oops:
                if retry_reason(oops) is None:
                    raise

    def close(self) -> None:
        if self.outbox is not None:
            self.outbox.close()


def changes_of(saved: Sequence[Saved]) -> Changes:
    """Everything the saved taps changed, as one value for the screens."""
    total = Changes()
    for one in saved:
        total = total | one.logged.changes
    return total
