"""Approvals made on a terminal while its server was away carry a proof the server checks
and the terminal's files cannot make (docs/offline.md, "Approvals while away").

Every person with a PIN has an **approval key**: 32 bytes derived from the PIN with scrypt
and a salt of its own (``staff.approval_kdf``, copied to the terminals), stored on the
server only (``approval_keys``, never in a terminal's copy). The terminal caches the PIN
*hash* as before, which proves nothing by itself: the key cannot be computed from it.

* When a manager types the PIN on a terminal (server there or not), the PIN is checked as
  before, then the key is derived from the typed PIN (:func:`attach_key`) and held by the
  :class:`app.approval.Approval` until the one tap it approves is made: the tap stores an
  HMAC-SHA256 of the approval's canonical content (:func:`content`: the tap's terminal-made
  uid, store, category, giver, each remedy with its amount, the currency, the approver,
  the time of the approval and the terminal) in the outbox and the key is wiped.
* When the outbox is sent, the server recomputes the HMAC with its stored key
  (:func:`check_tap`): a proof that is missing, wrong, made with a key the server does not
  know, or with a PIN that had been replaced before the time of the approval, refuses the
  tap (:class:`ApprovalNotProven`: not applied, an ``outbox.refused`` entry for the
  manager). The key in force at the time of the approval counts: a PIN changed between
  the approval and the send does not undo an honest approval.
* Staff whose PIN was set before approval keys existed get their key the first time their
  PIN is checked on the server (:func:`first_key`). Until then they cannot approve on a
  terminal whose server is away (:class:`NoApprovalKey`, said at the PIN pad).

**Who gave it** is proven the same way. When someone signs in with their PIN on a terminal,
their key is derived and held for as long as they are the one signed in there
(:func:`remember_giver`; the next sign-in replaces it); every tap they give is signed with
it (:func:`sign_giver`). A kept tap whose giver is not proven is checked as if a cashier
gave it: a tap that names a manager as the giver of a comp within the manager's own limit,
written into the outbox by hand, needs an approval then, and without one nothing of it is
applied (:class:`GiverNotProven`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import sqlite3
import weakref
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from app.approval import MAX_WRONG_PINS, Approval
from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import ComebackError, PinRejected
from app.i18n import _, ngettext
from db import approval_keys as keys_db
from db import staff as staff_db

VERSION = 1


class ApprovalNotProven(ComebackError):
    """An approval in a kept tap that its approver's key does not prove (see the module)."""


class GiverNotProven(ApprovalNotProven):
    """A kept tap that names a giver whose sign-in it does not prove, and that would need an
    approval it does not carry if given by someone else."""


class NoApprovalKey(PinRejected):
    """The approver has no approval key yet, and the server is away: no offline approval."""


class ApprovalKey:
    """One approver's key, derived from the PIN just typed; signs one tap, then is wiped."""

    __slots__ = ("kdf", "_key")

    def __init__(self, kdf: str, key: bytes) -> None:
        self.kdf = kdf
        self._key = bytearray(key)

    def sign(self, message: bytes) -> str | None:
        """The HMAC of ``message``, once: the key is forgotten afterwards (None then)."""
        if not self._key:
            return None
        mac = hmac.new(bytes(self._key), message, hashlib.sha256).hexdigest()
        self.forget()
        return mac

    def forget(self) -> None:
        for index in range(len(self._key)):
            self._key[index] = 0
        self._key = bytearray()

    def __repr__(self) -> str:
        return "ApprovalKey(…)"


def _canonical(fields: dict) -> bytes:
    """Sorted JSON without spaces: the bytes a proof is the HMAC of."""
    return json.dumps({"v": VERSION, **fields}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def content(*, uid: str, store_id: int, category_id: object, giver_id: object,
            remedies: Sequence, currency: str, approver_id: object, approver_name: object,
            at: str, terminal: str) -> bytes:
    """The canonical bytes an approval's proof is the HMAC of."""
    return _canonical({
        "uid": uid, "store": store_id, "category": category_id,
        "giver": giver_id, "remedies": [list(pair) for pair in remedies],
        "currency": currency, "approver": approver_id, "approver_name": approver_name,
        "at": at, "terminal": terminal,
    })


class GiverKey:
    """The signed-in person's key on a terminal: signs each tap they give, until someone
    else signs in there (or the process ends)."""

    __slots__ = ("staff_id", "kdf", "_key")

    def __init__(self, staff_id: int, kdf: str, key: bytes) -> None:
        self.staff_id, self.kdf, self._key = staff_id, kdf, bytes(key)

    def sign(self, message: bytes) -> str:
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"GiverKey(staff {self.staff_id}, …)"


def giver_content(*, uid: str, store_id: int, category_id: object, giver_id: object,
                  remedies: Sequence, currency: str, at: str, terminal: str) -> bytes:
    """The canonical bytes a giver's proof is the HMAC of (not an approval's: ``kind``)."""
    return _canonical({
        "kind": "giver", "uid": uid, "store": store_id, "category": category_id,
        "giver": giver_id, "remedies": [list(pair) for pair in remedies],
        "currency": currency, "at": at, "terminal": terminal,
    })


# The person signed in on each terminal context, with their key (see the module docstring).
_GIVERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# -- at the counter ------------------------------------------------------------------------

def remember_giver(ctx: Context, where: Context, staff_id: int, pin: str) -> None:
    """``staff_id`` just signed in on the terminal ``ctx`` with ``pin`` (checked against
    ``where``): hold their key to sign the taps they give; forget the previous person's.
    A cashier needs no proof (their own rights are the least) and someone without a key
    yet (a PIN from before approval keys) has none to give."""
    from app import staff
    from app.models import Role

    _GIVERS.pop(ctx, None)
    row = staff_db.staff_member(where.db, where.store_id, staff_id)
    kdf = row.get("approval_kdf") if row else None
    if kdf and Role(row["role"]).can_approve:
        _GIVERS[ctx] = GiverKey(staff_id, kdf, staff.approval_key(pin, kdf))


def sign_giver(ctx: Context, uid: str, category_id: int, giver_id: int | None,
               remedies: list[list], at: datetime) -> dict | None:
    """The proof that ``giver_id``, signed in here, gave this tap (None: not signed in
    here with a key)."""
    held = _GIVERS.get(ctx)
    if held is None or giver_id is None or held.staff_id != giver_id:
        return None
    terminal = ctx.terminal
    mac = held.sign(giver_content(uid=uid, store_id=ctx.store_id, category_id=category_id,
                                  giver_id=giver_id, remedies=remedies,
                                  currency=ctx.settings().currency, at=to_iso(at),
                                  terminal=terminal))
    return {"kdf": held.kdf, "terminal": terminal, "mac": mac}


def first_key(ctx: Context, row: dict, pin: str) -> None:
    """Give ``row``'s person their approval key if they have none (a PIN set before approval
    keys), now that their ``pin`` was checked - on the server only, never on a copy. A
    database that cannot take it now leaves it for the next check."""
    from app import staff
    from db.failover import is_copy

    if row.get("approval_kdf") or not row.get("pin_hash") or is_copy(ctx.db) \
            or getattr(ctx.db, "read_only", False):
        return
    kdf = staff.new_approval_kdf()
    try:
        keys_db.add_first_key(ctx.db, ctx.store_id, row["id"], row["pin_hash"], kdf,
                              staff.approval_key(pin, kdf).hex(), ctx.now_iso())
    except sqlite3.Error:  # the server went, the database is busy: the PIN check stands
        return


def attach_key(ctx: Context, grant: Approval, pin: str, *, away: bool) -> Approval:
    """``grant`` holding its approver's key derived from ``pin`` (``ctx``: where the PIN was
    just checked, the terminal's copy while ``away``). An approver without a key cannot
    approve while away (NoApprovalKey); with the server there the grant goes as it is."""
    from app import staff

    row = staff_db.staff_member(ctx.db, ctx.store_id, grant.staff_id)
    kdf = row.get("approval_kdf") if row else None
    if not kdf:
        if away:
            raise NoApprovalKey(_(
                "{name} cannot approve offline yet: the PIN must be typed once while the "
                "server is there. Another manager can approve.").format(
                name=grant.staff_name), MAX_WRONG_PINS)
        return grant
    return dataclasses.replace(grant, key=ApprovalKey(kdf, staff.approval_key(pin, kdf)))


def sign_tap(ctx: Context, approval: Approval | None, uid: str, category_id: int,
             giver_id: int | None, remedies: list[list]) -> tuple[list[list], dict | None]:
    """The tap's remedies (each with its amount: the menu's when none was typed, so the
    approval is for what the approver saw) and its approval's proof (None without a key)."""
    key = approval.key if approval is not None else None
    if not isinstance(key, ApprovalKey):
        return remedies, None
    from app import catalog
    from app.errors import NotFound

    resolved = []
    for remedy_id, amount in remedies:
        if amount is None:
            with suppress(NotFound):  # else the service refuses the tap
                amount = catalog.get_remedy(ctx, remedy_id).value_minor
        resolved.append([remedy_id, amount])
    terminal = ctx.terminal
    mac = key.sign(content(uid=uid, store_id=ctx.store_id, category_id=category_id,
                           giver_id=giver_id, remedies=resolved,
                           currency=ctx.settings().currency, approver_id=approval.staff_id,
                           approver_name=approval.staff_name, at=to_iso(approval.at),
                           terminal=terminal))
    if mac is None:  # the key signed another tap already: this one goes without a proof
        return remedies, None
    return resolved, {"kdf": key.kdf, "terminal": terminal, "mac": mac}


# -- on the server -------------------------------------------------------------------------

def check_tap(ctx: Context, uid: str, payload: dict, tapped_at: datetime | None = None) -> None:
    """Raise ApprovalNotProven unless the approval the kept tap ``payload`` claims (if any)
    is proven by its approver's key on the server, and GiverNotProven when it names a giver
    it does not prove and would need an approval it lacks if anyone else gave it. A tap
    already on the server (sent before) is recognised, not checked again."""
    from db import incidents as incidents_db

    if incidents_db.incident_id_by_uid(ctx.db, uid) is not None:
        return
    claimed = payload.get("approval")
    if claimed:
        _check_approval(ctx, uid, payload, claimed)
    _check_giver(ctx, uid, payload, tapped_at)


def _check_giver(ctx: Context, uid: str, payload: dict, tapped_at: datetime | None) -> None:
    from app.models import Role

    giver_id = payload.get("staff_id")
    if not isinstance(giver_id, int) or isinstance(giver_id, bool):
        return  # nobody named: the approval rule gives the least rights already
    member = staff_db.staff_member(ctx.db, ctx.store_id, giver_id)
    if member is None or not member["active"] or not Role(member["role"]).can_approve:
        return  # a cashier's own rights are the least: nothing more to prove
    if tapped_at is not None and _giver_proven(ctx, uid, payload, giver_id, tapped_at):
        return
    from app import approval_rule, remedies_given
    from app.errors import ApprovalRequired
    from app.models import RemedyRequest
    from app.pending import approval_from_json

    try:
        pairs = [RemedyRequest(remedy_id, amount) for remedy_id, amount in payload["remedies"]]
    except (KeyError, TypeError, ValueError):
        return  # not pairs: the service refuses the tap with its own message
    picked = remedies_given.check_requests(ctx, pairs)
    now = tapped_at if tapped_at is not None else ctx.clock.now()
    try:  # as if someone without a role of their own gave it: a cashier
        approval_rule.check(ctx, picked, None, approval_from_json(payload.get("approval")),
                            now)
    except ApprovalRequired as needed:
        raise GiverNotProven(_(
            "Nothing proves that {name}, named as the one who gave it, was signed in on the "
            "terminal, so it counts as given by a cashier: {need} Nothing of it was "
            "applied.").format(name=member["name"], need=needed)) from None


def _giver_proven(ctx: Context, uid: str, payload: dict, giver_id: int,
                  tapped_at: datetime) -> bool:
    proof = payload.get("giver_proof") if isinstance(payload.get("giver_proof"), dict) else {}
    kdf, mac, terminal = proof.get("kdf"), proof.get("mac"), proof.get("terminal")
    if not all(isinstance(v, str) for v in (kdf, mac, terminal)):
        return False
    key = keys_db.key_for(ctx.db, ctx.store_id, giver_id, kdf)
    if key is None or (key["replaced_at"] and from_iso(key["replaced_at"]) <= tapped_at) \
            or _past_grace(ctx, key):
        return False
    try:
        expected = hmac.new(bytes.fromhex(key["approval_key"]), giver_content(
            uid=uid, store_id=ctx.store_id, category_id=payload.get("category_id"),
            giver_id=giver_id, remedies=payload.get("remedies") or [],
            currency=ctx.settings().currency, at=to_iso(tapped_at), terminal=terminal),
            hashlib.sha256).hexdigest()
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(expected.encode(), mac.encode())


def _past_grace(ctx: Context, key: dict) -> bool:
    """Whether a new PIN replaced ``key`` longer ago than the store lets an old PIN prove
    (``old_pin_grace_hours``, by the database's clock: a terminal cannot set it back). An
    honest approval made while away is sent when the counter is back, soon after; one made
    up later from an old PIN and dated before the change is not, or not within the hours."""
    ago = key.get("replaced_for")
    return ago is not None and ago > ctx.settings().old_pin_grace_hours * 3600


def _check_approval(ctx: Context, uid: str, payload: dict, claimed: dict) -> None:
    staff_id = claimed.get("staff_id")
    member = staff_db.staff_member(ctx.db, ctx.store_id, staff_id) \
        if isinstance(staff_id, int) and not isinstance(staff_id, bool) else None
    name = member["name"] if member else str(claimed.get("staff_name") or "?")
    proof = claimed.get("proof") if isinstance(claimed.get("proof"), dict) else {}
    kdf, mac, terminal = proof.get("kdf"), proof.get("mac"), proof.get("terminal")
    if member is None or not all(isinstance(v, str) for v in (kdf, mac, terminal)):
        raise ApprovalNotProven(_(
            "The approval by {name} could not be proven: it carries no proof that {name}'s "
            "PIN was typed for it. Nothing of it was applied.").format(name=name))
    key = keys_db.key_for(ctx.db, ctx.store_id, staff_id, kdf)
    try:
        at = from_iso(str(claimed.get("at")))
    except ValueError:
        key = None
    if key is not None and key["replaced_at"] and from_iso(key["replaced_at"]) <= at:
        raise ApprovalNotProven(_(
            "The approval by {name} could not be proven: it was made with a PIN {name} no "
            "longer had at that time. Nothing of it was applied.").format(name=name))
    if key is not None and _past_grace(ctx, key):
        hours = ctx.settings().old_pin_grace_hours
        raise ApprovalNotProven(ngettext(
            "The approval by {name} could not be proven: it was made with a PIN {name} "
            "changed more than {n} hour before it was sent (an old PIN proves approvals "
            "only that long). Nothing of it was applied.",
            "The approval by {name} could not be proven: it was made with a PIN {name} "
            "changed more than {n} hours before it was sent (an old PIN proves approvals "
            "only that long). Nothing of it was applied.", hours).format(name=name, n=hours))
    expected = None
    if key is not None:
        try:
            expected = hmac.new(bytes.fromhex(key["approval_key"]), content(
                uid=uid, store_id=ctx.store_id, category_id=payload.get("category_id"),
                giver_id=payload.get("staff_id"), remedies=payload.get("remedies") or [],
                currency=ctx.settings().currency, approver_id=staff_id,
                approver_name=claimed.get("staff_name"), at=str(claimed.get("at")),
                terminal=terminal), hashlib.sha256).hexdigest()
        except (TypeError, ValueError):  # remedies that are not pairs: nothing to prove
            expected = None
    if expected is None or not hmac.compare_digest(expected.encode(), mac.encode()):
        raise ApprovalNotProven(_(
            "The approval by {name} could not be proven: it does not match what {name}'s "
            "PIN signed on the terminal (changed afterwards, or made without the PIN). "
            "Nothing of it was applied.").format(name=name))
