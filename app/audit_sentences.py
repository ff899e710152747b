"""Each audit entry as one sentence in the store's language.

"Sam logged Cold food at 12:04 and gave Remake, Refund 250,00 kr. Marco approved Refund
250,00 kr for Sam." One function per action; money and times through app/formatting.py in
the store's locale and time zone. An action without its own sentence still reads as one
("Sam recorded “staff sign in” at 12:04.") and never shows raw keys or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.clock import from_iso
from app.formatting import money, short_time
from app.i18n import _, ngettext
from app.models import Outcome, Role, Severity
from app.settings import StoreSettings
from app.verify import details


def _tr(text: object, empty: str = "—") -> str:
    """A label stored in English (a preset's), in the current language; ``empty`` if none."""
    return _(text) if isinstance(text, str) and text else empty


class _Entry:
    """One entry with what its sentence needs: who, when, its payload, money, names."""

    def __init__(self, entry: dict, settings: StoreSettings, names: Mapping[int, str]) -> None:
        self.entry, self.settings, self.names = entry, settings, names
        self.payload = details(entry)
        self.time = short_time(from_iso(entry["at"]), settings.timezone, settings.locale)
        self.who = entry.get("staff_name") or self.name(entry.get("staff_id"))
        self.id = entry.get("entity_id")

    def name(self, staff_id: object, fallback: str | None = None) -> str:
        if isinstance(staff_id, int) and staff_id in self.names:
            return self.names[staff_id]
        return fallback or _("Someone")

    def money(self, amount: object) -> str:
        return money(amount if isinstance(amount, int) else 0, self.settings.currency,
                     self.settings.locale)

    def remedy(self, item: object) -> str:
        """'Refund 250,00 kr', 'Remake', 'Discount 20 %' (older entries: the code only)."""
        if not isinstance(item, dict):
            return str(item).replace("_", " ")
        label = _tr(item.get("label") or item.get("code"))
        amount = item.get("amount_minor")
        if item.get("kind") == "discount_percent" or not amount:
            return label
        return _("{remedy} {amount}").format(remedy=label, amount=self.money(amount))

    def remedies(self) -> str:
        return ", ".join(self.remedy(i) for i in self.payload.get("remedies", [])) or _("nothing")

    def approvals(self) -> str:
        """'Marco approved Refund 250,00 kr for Sam.' per approver, or ''."""
        items = [i for i in self.payload.get("remedies", [])
                 if isinstance(i, dict) and i.get("approved_by")]
        if not items and self.payload.get("approved_by"):  # entries from before the chain
            return _("{approver} approved it.").format(approver=self.name(
                self.payload["approved_by"], self.payload.get("approved_by_name")))
        approvers: dict[int, list[dict]] = {}
        for item in items:
            approvers.setdefault(item["approved_by"], []).append(item)
        return " ".join(_("{approver} approved {remedies} for {who}.").format(
            approver=self.name(staff_id, self.payload.get("approved_by_name")),
            remedies=", ".join(self.remedy(i) for i in group), who=self.who)
            for staff_id, group in approvers.items())

    def changes(self) -> str:
        """'name: Lena, active: no' with the field names in words."""
        words = {"name": _("name"), "role": _("role"), "active": _("active"),
                 "label": _("name"), "icon": _("icon"), "apology": _("apology line"),
                 "followup_minutes": _("check back after (minutes)"),
                 "default_severity": _("severity"), "value_minor": _("value"),
                 "approval_above_minor": _("PIN needed above"), "percent": _("percent"),
                 "position": _("position"), "hidden": _("hidden")}
        parts = []
        for key, value in self.payload.items():
            parts.append(_("{field}: {value}").format(field=words.get(key, key.replace("_", " ")),
                                                      value=self.value(key, value)))
        return ", ".join(parts) or _("no details")

    def value(self, key: str, value: object) -> str:
        if value is None:
            return _("none")
        if isinstance(value, bool) or key in ("active", "hidden"):
            return _("yes") if value else _("no")
        if key.endswith("_minor") and isinstance(value, int):
            return self.money(value)
        if key == "role" and value in {r.value for r in Role}:
            return Role(value).label().lower()  # mid-sentence in every language we speak
        if key in ("severity", "default_severity") and value in {s.value for s in Severity}:
            return Severity(value).label()
        if isinstance(value, list | dict):
            return ", ".join(str(v) for v in value) if isinstance(value, list) else "…"
        return str(value)


def _logged(e: _Entry) -> str:
    category = _tr(e.payload.get("category_label") or e.payload.get("category"), "")
    text = _("{who} logged {category} at {time} and gave {remedies}.").format(
        who=e.who, category=category or _("an incident"), time=e.time, remedies=e.remedies())
    return " ".join(t for t in (text, e.approvals()) if t)


def _further(e: _Entry) -> str:
    text = _("{who} gave {remedies} more on incident {id} at {time}.").format(
        who=e.who, remedies=e.remedies(), id=e.id, time=e.time)
    return " ".join(t for t in (text, e.approvals()) if t)


def _outcome(e: _Entry) -> str:
    sentences = {
        Outcome.DELIGHTED.value: _("{who} checked back at {time}: the guest was delighted."),
        Outcome.SATISFIED.value: _("{who} checked back at {time}: the guest was satisfied."),
        Outcome.UNHAPPY.value: _("{who} checked back at {time}: the guest was still unhappy."),
        Outcome.LEFT.value: _("{who} went to check back at {time}: the guest had left."),
    }
    text = sentences.get(e.payload.get("outcome"), _("{who} checked back at {time}."))
    return text.format(who=e.who, time=e.time)


def _setting(e: _Entry) -> str:
    from app.settings import SETTINGS

    name = e.payload.get("name", "")
    spec = next((s for s in SETTINGS if s.name == name), None)
    return _("{who} changed the setting “{setting}” from {old} to {new} at {time}.").format(
        who=e.who, setting=spec.title() if spec else name.replace("_", " "),
        old=e.value(name, e.payload.get("old")), new=e.value(name, e.payload.get("new")),
        time=e.time)


def _catalog(kind: str) -> Callable[[_Entry], str]:
    """Sentences for ``category.*`` and ``remedy.*`` entries."""
    def sentence(e: _Entry, verb: str) -> str:
        label = _tr(e.payload.get("label"))
        texts = {
            ("category", "added"): _("{who} added the category “{label}” at {time}."),
            ("category", "hidden"): _("{who} hid the category “{label}” at {time}."),
            ("category", "shown"): _("{who} showed the category “{label}” again at {time}."),
            ("category", "moved"): _("{who} moved a category at {time}."),
            ("category", "changed"): _("{who} changed a category at {time}: {changes}."),
            ("remedy", "added"): _("{who} added the remedy “{label}” at {time}."),
            ("remedy", "hidden"): _("{who} hid the remedy “{label}” at {time}."),
            ("remedy", "shown"): _("{who} showed the remedy “{label}” again at {time}."),
            ("remedy", "moved"): _("{who} moved a remedy at {time}."),
            ("remedy", "changed"): _("{who} changed a remedy at {time}: {changes}."),
        }
        return texts[(kind, verb)].format(who=e.who, label=label, time=e.time,
                                          changes=e.changes())
    return sentence


def _rule(e: _Entry, added: bool) -> str:
    text = _("{who} added a suggestion at {time}: {remedy} for {category}.") if added else \
        _("{who} removed a suggestion at {time}: {remedy} for {category}.")
    return text.format(who=e.who, time=e.time, remedy=_tr(e.payload.get("remedy")),
                       category=_tr(e.payload.get("category")))


SENTENCES: dict[str, Callable[[_Entry], str]] = {
    "store.created": lambda e: _("The store was set up at {time}.").format(time=e.time),
    "backoffice.opened": lambda e: _("{who} opened the back office at {time}.").format(
        who=e.who, time=e.time),
    "approval.pin_ok": lambda e: _("{who} entered their PIN to approve at {time}.").format(
        who=e.who, time=e.time),
    "approval.pin_failed": lambda e: _("A wrong PIN was entered at {time}.").format(
        time=e.time),
    "approval.locked": lambda e: ngettext(
        "Too many wrong PINs: PIN entry was locked for {n} second at {time}.",
        "Too many wrong PINs: PIN entry was locked for {n} seconds at {time}.",
        int(e.payload.get("seconds", 0))).format(n=e.payload.get("seconds", 0), time=e.time),
    "staff.added": lambda e: (
        _("{who} added {name} as {role} at {time}.") if e.entry.get("staff_id") else
        _("{name} was added as {role} at {time}.")).format(
        who=e.who, name=e.payload.get("name", "—"), time=e.time,
        role=e.value("role", e.payload.get("role"))),
    "staff.changed": lambda e: _("{who} changed {person} at {time}: {changes}.").format(
        who=e.who, person=e.name(e.id), time=e.time, changes=e.changes()),
    "staff.pin_set": lambda e: _("{who} set a new PIN for {person} at {time}.").format(
        who=e.who, person=e.name(e.id), time=e.time),
    "rule.added": lambda e: _rule(e, True),
    "rule.removed": lambda e: _rule(e, False),
    "setting.changed": _setting,
    "incident.logged": _logged,
    "incident.voided": lambda e: _("{who} undid incident {id} at {time}.").format(
        who=e.who, id=e.id, time=e.time),
    "incident.details": lambda e: _("{who} added details to incident {id} at {time}.").format(
        who=e.who, id=e.id, time=e.time),
    "incident.further_remedy": _further,
    "incidents.imported": lambda e: ngettext(
        "{who} imported {n} incident from a CSV file at {time}.",
        "{who} imported {n} incidents from a CSV file at {time}.",
        int(e.payload.get("incidents", 0))).format(who=e.who, n=e.payload.get("incidents", 0),
                                                   time=e.time),
    "voucher.redeemed": lambda e: _(
        "{who} redeemed voucher {code} at {time}: the guest of incident {id} came back.").format(
        who=e.who, code=e.payload.get("code", "—"), id=e.id, time=e.time),
    "followup.alerted": lambda e: _("The reminder to check back went off at {time}.").format(
        time=e.time),
    "followup.escalated": lambda e: _("Nobody answered a reminder; it was escalated at {time}."
                                      ).format(time=e.time),
    "followup.missed": lambda e: _("Nobody checked back on a guest; counted as missed at "
                                   "{time}.").format(time=e.time),
    "followup.snoozed": lambda e: ngettext(
        "{who} put a reminder off for {n} minute at {time}.",
        "{who} put a reminder off for {n} minutes at {time}.",
        int(e.payload.get("minutes", 0))).format(who=e.who, n=e.payload.get("minutes", 0),
                                                 time=e.time),
    "followup.outcome": _outcome,
    "privacy.guest_details_erased": lambda e: ngettext(
        "Guest names and contacts of {n} incident were erased at {time}, past their retention.",
        "Guest names and contacts of {n} incidents were erased at {time}, past their "
        "retention.", int(e.payload.get("incidents", 0))).format(
        n=e.payload.get("incidents", 0), time=e.time),
    "privacy.notes_erased": lambda e: ngettext(
        "{n} note was erased at {time}, past its retention.",
        "{n} notes were erased at {time}, past their retention.",
        int(e.payload.get("notes", 0))).format(n=e.payload.get("notes", 0), time=e.time),
    "privacy.guest_erased": lambda e: ngettext(
        "{who} erased a guest's details from {n} incident at {time}, at the guest's request.",
        "{who} erased a guest's details from {n} incidents at {time}, at the guest's request.",
        int(e.payload.get("incidents", 0))).format(who=e.who, n=e.payload.get("incidents", 0),
                                                   time=e.time),
    "outbox.refused": lambda e: _voucher_refused(e) if e.payload.get("kind") == \
    "voucher.redeem" else _(
        "Not applied: {who} tapped {category} — {remedies} on a counter while the server was "
        "away; when it was sent at {time} it was refused: {why}").format(
        who=e.who, category=_tr(e.payload.get("category_label"), "—"), time=e.time,
        remedies=", ".join(_tr(r) for r in e.payload.get("remedies", [])) or "—",
        why=e.payload.get("message", "")),
    "voucher.refusal_seen": lambda e: _(
        "{who} saw at {time} that a voucher redeemed while the server was away could not be "
        "applied.").format(who=e.who, time=e.time),
    "audit.chain_started": lambda e: _("The audit log was sealed with a hash chain at {time}."
                                       ).format(time=e.time),
}
for _kind in ("category", "remedy"):
    for _verb in ("added", "hidden", "shown", "moved", "changed"):
        SENTENCES[f"{_kind}.{_verb}"] = (lambda s, v: lambda e: s(e, v))(_catalog(_kind), _verb)


def _voucher_refused(e: _Entry) -> str:
    """A voucher redeemed offline that the server could not apply (app.offline_vouchers)."""
    from app.offline_vouchers import refusal_text

    fields = dict(e.payload)
    fields.setdefault("redeemed_at", fields.get("tapped_at"))
    return _("Not applied, sent at {time}: {why}").format(
        time=e.time, why=refusal_text(e.settings, fields))


def sentence(entry: dict, settings: StoreSettings, names: Mapping[int, str]) -> str:
    """The entry as one sentence (``entry`` as ``app.audit.entries`` returns it; ``names``
    maps staff ids to names)."""
    e = _Entry(entry, settings, names)
    make = SENTENCES.get(entry["action"])
    if make is not None:
        try:
            return make(e)
        except (KeyError, TypeError, ValueError):
            pass  # a payload from another version: fall back to the generic sentence
    return _("{who} recorded “{what}” at {time}.").format(
        who=e.who, what=entry["action"].replace(".", " ").replace("_", " "), time=e.time)
