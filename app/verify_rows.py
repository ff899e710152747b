"""The cross-checks of ``comeback verify``: incidents, remedies given, vouchers, undos and
redemptions against the audit entries that recorded them (see app/verify.py).

Each row must be described by an entry written after the chain started, or lie in the id
ranges of a *coverage* entry (``audit.chain_started`` for what existed before the chain,
``incidents.imported`` for a CSV import) whose digests still match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from app.context import Context
from app.formatting import money
from app.i18n import _
from app.verify import COVERAGE_ACTIONS, Problem, details
from db import audit as audit_db
from db import audit_chain

# What a remedy row is compared on: its column, and the key in the entry's payload.
REMEDY_FIELDS = (("remedy_id", "remedy_id"), ("kind", "kind"), ("label", "label"),
                 ("amount_minor", "amount_minor"), ("percent", "percent"),
                 ("approved_by", "approved_by"))


class _Checker:
    def __init__(self, ctx: Context, store_id: int, entries: list[dict]) -> None:
        self.ctx, self.store_id = ctx, store_id
        self.problems: list[Problem] = []
        self.asked: set[int] = set()
        self.complete = True
        settings = ctx.settings()
        self.currency, self.locale = settings.currency, settings.locale
        self.coverage = [(e, details(e)) for e in entries if e["action"] in COVERAGE_ACTIONS
                         and "covers" in details(e)]
        start = next((e["id"] for e, _p in self.coverage
                      if e["action"] == "audit.chain_started"), 0)
        # Entries from before the chain carry the old, thinner payloads: the chain_started
        # entry vouches for the rows they wrote.
        self.entries = [(e, details(e)) for e in entries if e["id"] > start]

    def covered(self, table: str, row_id: int) -> bool:
        for _entry, payload in self.coverage:
            lo, hi = payload["covers"][table]
            if lo <= row_id <= hi:
                return True
        return False

    def add(self, text: str, entry: dict | None = None) -> None:
        self.problems.append(Problem(text, entry["id"] if entry else None))

    def name(self, column: str) -> str:
        return {"staff_id": _("staff"), "occurred_at": _("time"), "category_id": _("category"),
                "severity": _("severity"), "remedy_id": _("remedy"), "kind": _("kind"),
                "label": _("name"), "amount_minor": _("amount"), "percent": _("percent"),
                "approved_by": _("approver"), "given_at": _("time given"),
                "incident_id": _("incident"), "incident_remedy_id": _("remedy row"),
                "issued_at": _("time issued")}.get(column, column)

    def show(self, column: str, value: object) -> str:
        if value is None:
            return _("nothing")
        if column == "amount_minor" and isinstance(value, int):
            return money(value, self.currency, self.locale)
        return str(value)

    # -- incidents -----------------------------------------------------------------------
    def incidents(self, rows: list[dict], complete: bool) -> None:
        logged, severity = {}, {}
        for entry, payload in self.entries:
            if entry["action"] == "incident.logged":
                logged[entry["entity_id"]] = (entry, payload)
                severity[entry["entity_id"]] = payload.get("severity")
            elif entry["action"] == "incident.details" and "severity" in payload:
                severity[entry["entity_id"]] = payload["severity"]
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            found = logged.get(row["id"])
            if found is None:
                if not self.covered("incidents", row["id"]):
                    self.add(_("Incident {id} ({when}) has no entry in the audit log.").format(
                        id=row["id"], when=row["occurred_at"]))
                continue
            entry, payload = found
            for column, expected in (("staff_id", entry["staff_id"]),
                                     ("occurred_at", payload.get("tapped_at", entry["at"])),
                                     ("category_id", payload.get("category_id")),
                                     ("severity", severity.get(row["id"]))):
                if row[column] != expected:
                    self.add(_("Incident {id}: {field} is {found}, but entry {entry} recorded "
                               "{expected}.").format(
                        id=row["id"], field=self.name(column), found=self.show(column, row[column]),
                        entry=entry["id"], expected=self.show(column, expected)), entry)
        for incident_id, (entry, _payload) in logged.items():
            if incident_id not in by_id and (complete or incident_id in self.asked):
                self.add(_("Entry {entry} records incident {id}, but there is no such "
                           "incident.").format(entry=entry["id"], id=incident_id), entry)

    # -- remedies and vouchers -----------------------------------------------------------
    def remedies(self, rows: list[dict], vouchers: list[dict]) -> None:
        expected: dict[int, list[tuple[dict, dict]]] = defaultdict(list)
        for entry, payload in self.entries:
            if entry["action"] in ("incident.logged", "incident.further_remedy"):
                for item in payload.get("remedies", []):
                    if isinstance(item, dict):
                        expected[entry["entity_id"]].append((entry, item))
        actual: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            if not self.covered("remedies", row["id"]):
                actual[row["incident_id"]].append(row)
        voucher_rows = {v["code"]: v for v in vouchers if not self.covered("vouchers", v["id"])}
        claimed: set[str] = set()
        for incident_id in sorted(set(expected) | set(actual)):
            wanted, got = expected.get(incident_id, []), actual.get(incident_id, [])
            for (entry, item), row in zip(wanted, got, strict=False):
                self._remedy(incident_id, entry, item, row)
                code = item.get("voucher")
                if code:
                    claimed.add(code)
                    self._voucher(code, entry, item, row, voucher_rows.get(code))
            for row in got[len(wanted):]:
                self.add(_("Remedy row {row} of incident {id} ({label}, {amount}) is not in the "
                           "audit log.").format(row=row["id"], id=incident_id,
                                                label=row["label"],
                                                amount=self.show("amount_minor",
                                                                 row["amount_minor"])))
            for entry, item in wanted[len(got):]:
                self.add(_("Entry {entry} records {label} ({amount}) on incident {id}, but "
                           "there is no such row among the remedies given.").format(
                    entry=entry["id"], label=item.get("label"), id=incident_id,
                    amount=self.show("amount_minor", item.get("amount_minor"))), entry)
        for code, voucher in voucher_rows.items():
            if code not in claimed:
                self.add(_("Voucher {code} (incident {id}) is not in the audit log.").format(
                    code=code, id=voucher["incident_id"]))

    def _remedy(self, incident_id: int, entry: dict, item: dict, row: dict) -> None:
        pairs = [(column, row[column], item.get(key)) for column, key in REMEDY_FIELDS]
        # A tap saved later (app.pending) keeps the tap's time: the entry says it.
        pairs.append(("given_at", row["given_at"], details(entry).get("tapped_at", entry["at"])))
        for column, found, wanted in pairs:
            if found != wanted:
                self.add(_("Remedy row {row} of incident {id}: {field} is {found}, but entry "
                           "{entry} recorded {expected}.").format(
                    row=row["id"], id=incident_id, field=self.name(column),
                    found=self.show(column, found), entry=entry["id"],
                    expected=self.show(column, wanted)), entry)
                return

    def _voucher(self, code: str, entry: dict, item: dict, row: dict,
                 voucher: dict | None) -> None:
        if voucher is None:
            self.add(_("Entry {entry} records voucher {code}, but there is no such voucher.")
                     .format(entry=entry["id"], code=code), entry)
            return
        for column, wanted in (("amount_minor", item.get("amount_minor")),
                               ("incident_id", entry["entity_id"]),
                               ("incident_remedy_id", row["id"]),
                               ("issued_at", entry["at"])):
            if voucher[column] != wanted:
                self.add(_("Voucher {code}: {field} is {found}, but entry {entry} recorded "
                           "{expected}.").format(
                    code=code, field=self.name(column), found=self.show(column, voucher[column]),
                    entry=entry["id"], expected=self.show(column, wanted)), entry)
                return

    # -- undo and redemption -------------------------------------------------------------
    def voids(self, incidents: list[dict], complete: bool) -> set[int]:
        entries = {e["entity_id"]: e for e, _p in self.entries if e["action"] == "incident.voided"}
        by_id = {row["id"]: row for row in incidents}
        for row in incidents:
            entry = entries.get(row["id"])
            if row["voided_at"] is None:
                if entry is not None:
                    self.add(_("Entry {entry} records incident {id} as undone, but it is not.")
                             .format(entry=entry["id"], id=row["id"]), entry)
            elif entry is None:
                if not self.covered("incidents", row["id"]):
                    self.add(_("Incident {id} is marked undone, but no entry records that.")
                             .format(id=row["id"]))
            elif (row["voided_at"], row["voided_by"]) != (entry["at"], entry["staff_id"]):
                self.add(_("Incident {id} was undone at {found} by {found_by}, but entry "
                           "{entry} recorded {expected} by {expected_by}.").format(
                    id=row["id"], found=row["voided_at"], found_by=self.show("", row["voided_by"]),
                    entry=entry["id"], expected=entry["at"],
                    expected_by=self.show("", entry["staff_id"])), entry)
        return {i for i in entries if i in by_id}

    def redemptions(self, vouchers: list[dict]) -> set[str]:
        entries = {p.get("code"): e for e, p in self.entries if e["action"] == "voucher.redeemed"}
        # Redeemed on a terminal whose server was away: dated when the guest was there.
        when = {p.get("code"): p.get("redeemed_at", e["at"]) for e, p in self.entries
                if e["action"] == "voucher.redeemed"}
        for voucher in vouchers:
            entry = entries.get(voucher["code"])
            if voucher["redeemed_at"] is None:
                if entry is not None:
                    self.add(_("Entry {entry} records voucher {code} as redeemed, but it is "
                               "not.").format(entry=entry["id"], code=voucher["code"]), entry)
            elif entry is None:
                if not self.covered("vouchers", voucher["id"]):
                    self.add(_("Voucher {code} is marked redeemed, but no entry records that.")
                             .format(code=voucher["code"]))
            elif (voucher["redeemed_at"], voucher["redeemed_by"]) != (when[voucher["code"]],
                                                                      entry["staff_id"]):
                self.add(_("Voucher {code} was redeemed at {found}, but entry {entry} recorded "
                           "{expected}.").format(code=voucher["code"],
                                                 found=voucher["redeemed_at"],
                                                 entry=entry["id"],
                                                 expected=when[voucher["code"]]), entry)
        known = {voucher["code"] for voucher in vouchers}
        for code, entry in entries.items():
            if code and code not in known and (self.complete or entry["entity_id"] in self.asked):
                self.add(_("Entry {entry} records voucher {code}, but there is no such "
                           "voucher.").format(entry=entry["id"], code=code), entry)
        return {code for code in entries if code}

    # -- coverage ------------------------------------------------------------------------
    def coverage_digests(self, voided_later: set[int], redeemed_later: set[str]) -> None:
        names = {"incidents": _("incidents"), "remedies": _("remedies given"),
                 "vouchers": _("vouchers"), "voided": _("undone incidents"),
                 "redeemed": _("redeemed vouchers")}
        for entry, payload in self.coverage:
            rows = audit_chain.coverage_rows(self.ctx.db, self.store_id, payload["covers"])
            # Undone or redeemed since, with an entry of their own: checked above.
            rows["voided"] = [r for r in rows["voided"] if r[0] not in voided_later]
            rows["redeemed"] = [r for r in rows["redeemed"] if r[1] not in redeemed_later]
            for table, found in rows.items():
                if audit_chain.digest(found) != payload["digests"].get(table):
                    lo, hi = payload["covers"]["incidents" if table == "voided" else
                                               "vouchers" if table == "redeemed" else table]
                    self.add(_("The {table} with ids {lo}–{hi}, vouched for by entry {entry} "
                               "({when}), were changed since: they no longer match its "
                               "digest.").format(table=names[table], lo=lo, hi=hi,
                                                 entry=entry["id"], when=entry["at"]), entry)



def cross_check(ctx: Context, store_id: int, entries: list[dict] | None,
                incident_ids: Iterable[int] | None = None) -> list[Problem]:
    """Every problem between the store's tables and its ``entries`` (all of them, oldest
    first), or, for ``incident_ids`` only, between those incidents and their entries."""
    complete = incident_ids is None
    ids = None if complete else sorted(set(incident_ids))
    run = _Run(ctx, store_id, ids) if ids and _is_run(ids) else None
    if entries is None:
        entries = sorted(audit_db.entries_with_actions(ctx.db, store_id, COVERAGE_ACTIONS)
                         + (run.entries_about() if run else
                            audit_db.entries_about(ctx.db, store_id, "incident", ids)),
                         key=lambda e: e["id"])
    checker = _Checker(ctx, store_id, entries)
    checker.asked, checker.complete = set(ids or ()), complete
    if complete:
        incidents, remedies, vouchers = _rows_outside_coverage(ctx, store_id, checker)
    elif run:
        incidents, remedies, vouchers = run.incidents(), run.remedies(), run.vouchers()
    else:
        incidents = audit_chain.incidents_to_check(ctx.db, store_id, ids)
        remedies = audit_chain.remedies_to_check(ctx.db, store_id, ids)
        vouchers = audit_chain.vouchers_to_check(ctx.db, store_id, ids)
    return _held_to_entries(checker, incidents, remedies, vouchers, complete)


def _held_to_entries(checker: _Checker, incidents: list[dict], remedies: list[dict],
                     vouchers: list[dict], complete: bool) -> list[Problem]:
    checker.incidents(incidents, complete)
    checker.remedies(remedies, vouchers)
    voided_later = checker.voids(incidents, complete)
    redeemed_later = checker.redemptions(vouchers)
    if complete:
        checker.coverage_digests(voided_later, redeemed_later)
    return checker.problems


def check_week(ctx: Context, store_id: int, start: str, end: str) -> list[Problem]:
    """The problems between the store's incidents of ``[start, end)`` (undone ones too),
    their remedies given and vouchers, and the entries about them: the same problems, in
    the same order, as :func:`cross_check` with those incidents' ids.

    Read as the week itself, no list of ids (db.verify_range's ``week_*``: over the run of
    the week's ids in each table's incident-id index, or, for a store whose ids other
    stores' are between, through the week's entries of the time index), and rows a
    coverage entry vouches for (an import's, or those from before the chain) stay in the
    database unless an entry is about them: the checker compares nothing of them (their
    digest is ``comeback verify``'s, over the whole range it covers). A week of a
    million-incident import is a few reads that find nothing; a week the app logged has
    every row held to its entry."""
    from db import verify_range

    db = ctx.db
    low, high, count = verify_range.week_span(db, store_id, start, end)
    if not count:
        return []
    # A run of ids (a store of its own) is read over it; else the week's index entries.
    span = (low, high) if _is_run([low, high], count) else None
    about = verify_range.week_entries(db, store_id, start, end, span)
    entries = sorted(audit_db.entries_with_actions(db, store_id, COVERAGE_ACTIONS) + about,
                     key=lambda e: e["id"])
    checker = _Checker(ctx, store_id, entries)
    # The entries are those of the week's incidents: each one they name was asked for.
    checker.asked, checker.complete = {e["entity_id"] for e in about}, False
    skip = {table: [payload["covers"][table] for _e, payload in checker.coverage]
            for table in ("incidents", "remedies", "vouchers")}
    also = sorted({e["entity_id"] for e, _p in checker.entries
                   if e["entity"] == "incident" and isinstance(e["entity_id"], int)
                   and checker.covered("incidents", e["entity_id"])})
    codes = sorted({p["code"] for e, p in checker.entries
                    if e["action"] == "voucher.redeemed" and isinstance(p.get("code"), str)})
    incidents = verify_range.week_incidents(db, store_id, start, end, skip["incidents"], also,
                                            span)
    remedies = verify_range.week_remedies(db, store_id, start, end, skip["remedies"], span)
    vouchers = verify_range.week_vouchers(db, store_id, start, end, skip["vouchers"], codes,
                                          span)
    return _held_to_entries(checker, incidents, remedies, vouchers, complete=False)


#: Ids asked (a week's incidents) are read as the one range from the first to the last
#: (db.verify_range: one query a table, not one per 500 ids) when that range holds at most
#: this many ids for each one asked; a store of a chain, whose ids the other stores' ids
#: are between, is read by its ids.
RUN_SPREAD = 2


def _is_run(ids: list[int], count: int | None = None) -> bool:
    """Whether the sorted ``ids`` (or ``count`` ids from ``ids[0]`` to ``ids[-1]``) are a
    run: their range holds few other ids."""
    return ids[-1] - ids[0] + 1 <= RUN_SPREAD * (len(ids) if count is None else count) + 500


class _Run:
    """The rows of a run of incident ids ``ids`` (sorted), read over their range and kept
    to those ids: the same rows, in the same order, as the reads by ids."""

    def __init__(self, ctx: Context, store_id: int, ids: list[int]) -> None:
        self.db, self.store_id, self.ids = ctx.db, store_id, set(ids)
        self.lo, self.hi = ids[0], ids[-1]

    def entries_about(self) -> list[dict]:
        from db import verify_range

        return [e for e in verify_range.entries_about(self.db, self.store_id, "incident",
                                                      self.lo, self.hi)
                if e["entity_id"] in self.ids]

    def incidents(self) -> list[dict]:
        from db import verify_range

        return [r for r in verify_range.incidents(self.db, self.store_id, self.lo, self.hi)
                if r["id"] in self.ids]

    def remedies(self) -> list[dict]:
        from db import verify_range

        return [r for r in verify_range.remedies(self.db, self.store_id, self.lo, self.hi)
                if r["incident_id"] in self.ids]

    def vouchers(self) -> list[dict]:
        from db import verify_range

        return [r for r in verify_range.vouchers(self.db, self.store_id, self.lo, self.hi)
                if r["incident_id"] in self.ids]


def _rows_outside_coverage(ctx: Context, store_id: int, checker: _Checker
                           ) -> tuple[list[dict], list[dict], list[dict]]:
    """Every row no coverage entry vouches for, plus the covered ones an entry is about
    (undone or redeemed since): the rest is checked by the coverage digests alone."""
    skip = {table: [payload["covers"][table] for _e, payload in checker.coverage]
            for table in ("incidents", "remedies", "vouchers")}
    about = [e["entity_id"] for e, _p in checker.entries
             if e["entity"] == "incident" and isinstance(e["entity_id"], int)
             and checker.covered("incidents", e["entity_id"])]
    codes = [p["code"] for e, p in checker.entries
             if e["action"] == "voucher.redeemed" and isinstance(p.get("code"), str)]
    db = ctx.db
    incidents = _merged(audit_chain.incidents_to_check(db, store_id, skip=skip["incidents"]),
                        audit_chain.incidents_to_check(db, store_id, about) if about else [])
    remedies = audit_chain.remedies_to_check(db, store_id, skip=skip["remedies"])
    vouchers = _merged(audit_chain.vouchers_to_check(db, store_id, skip=skip["vouchers"]),
                       audit_chain.vouchers_to_check(db, store_id, codes=codes) if codes else [])
    return incidents, remedies, vouchers


def _merged(one: list[dict], two: list[dict]) -> list[dict]:
    return sorted({row["id"]: row for row in one + two}.values(), key=lambda row: row["id"])
