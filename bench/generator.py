"""An incidents CSV that ``comeback import`` accepts, of any size, for benchmarks.

    from bench.generator import write_csv
    write_csv("1m.csv", 1_000_000, seed=1, end=datetime(2026, 11, 30, tzinfo=timezone.utc))

    python -m bench.generator --incidents 1000000 --out 1m.csv [--seed 1] [--end ISO] [--days N]

``write_csv(path, incidents, *, seed=1, end=None, days=None) -> Path`` writes ``incidents``
rows in the format of docs/csv-format.md (UTF-8 with BOM, CRLF), oldest first, and
returns ``path``. It streams: memory does not grow with ``incidents`` (apart from the set
of voucher codes, ~5 % of the rows).

What the rows hold, as the restaurant preset's store would log them:

- times: ``days`` days ending at ``end`` (default: now, UTC, to the minute), lunch and
  dinner peaks, every time unique to the second and before ``end``. ``days`` defaults
  to one day per 7 incidents, at most 5 years (1,826 days): 1,000,000 incidents are
  five years of a very busy store;
- categories and remedies by code from ``assets/presets/restaurant.toml``, amounts at the
  preset's values (in currency units with two decimals; the currency column is left empty,
  so any 2-decimal store currency takes the file), ``total`` their sum;
- staff by name: Ingrid (owner), Marco and Aisha (managers), five cashiers. Names the
  store does not know are created by the import as inactive cashiers;
- remedies above the preset's approval threshold name their approver (Marco, Aisha or
  Ingrid) in ``approved_by`` — imported as history, "on paper";
- about 5 % vouchers with well-formed codes unique in the file (``XXX-XXX`` from the
  app's voucher alphabet); a third of them redeemed, always after they were issued and
  never after ``end``;
- a follow-up on most incidents: done with an outcome by a manager, missed, or (in the
  last hour before ``end``) still open; some escalated; about 1 % voided (undone);
- guest names and contacts on some rows, a few regulars flagged as repeat guests, notes
  in the five languages.

Deterministic: the same arguments give the same bytes. Seeded codes are unique within the
file; importing a second file into the same store can collide with the first one's codes
(use another seed).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

from app.csvio import COLUMNS

# (code, default severity, weight) — the restaurant preset's categories.
CATEGORIES = (("wrong_order", 14), ("cold_food", 18), ("long_wait", 22), ("undercooked", 6),
              ("foreign_object", 2), ("missing_item", 12), ("rude_service", 5),
              ("dirty_table", 8), ("allergen", 2), ("billing_error", 11))
# (code, value in cents, approval threshold in cents or None, is a voucher) — the preset.
REMEDIES = {"apology": (0, None), "remake": (1200, None), "comp_item": (1400, 2500),
            "free_dessert": (650, None), "free_drink": (350, None),
            "discount_20": (900, 1500), "voucher": (1000, 1000), "refund": (2500, 1500)}
# What is given, as lists of remedy codes, with weights.
REMEDY_SETS = ((("remake",), 26), (("remake", "free_dessert"), 12), (("apology",), 10),
               (("free_drink",), 14), (("comp_item",), 10), (("discount_20",), 8),
               (("voucher",), 4), (("remake", "voucher"), 1), (("refund",), 5),
               (("free_dessert",), 10))
CASHIERS = ("Sam", "Lucía", "Jan", "Tereza", "Ola")
MANAGERS = ("Marco", "Aisha")
APPROVERS = ("Marco", "Aisha", "Ingrid")
GUESTS = ("Kari Nordmann", "Ana García", "Pieter de Vries", "Jana Nováková", "Tom Baker",
          "Sofie Hansen", "Javier Ruiz", "Emma Jansen", "Petr Dvořák", "Lars Øvrebø")
REGULARS = ("Kari Nordmann", "Pieter de Vries", "Jana Nováková")
NOTES = ("Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů",
         "Gjesten var hyggelig, men skuffet over ventetiden",
         "Pidió sin gluten, llegó con pan", "Bestelling kwam zonder saus",
         "Birthday table, wanted it perfect", "Allergic to nuts — kitchen informed")
OUTCOMES = (("delighted", 36), ("satisfied", 40), ("unhappy", 10), ("left", 6))
VOUCHER_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"  # app.vouchers.ALPHABET
VOUCHER_VALIDITY = timedelta(days=90)  # the setting's default
PER_DAY = 7
MAX_DAYS = 1826


def _iso(moment: datetime) -> str:
    """``moment`` is in UTC already (every time here is built from ``end`` in UTC)."""
    return moment.isoformat(timespec="seconds")


_CUMULATIVE: dict[int, tuple[tuple, list[float]]] = {}


def _pick(rng: random.Random, weighted):
    """One item of ``(item, weight)`` pairs (the same draw as ``rng.choices`` with weights)."""
    prepared = _CUMULATIVE.get(id(weighted))
    if prepared is None:
        items, weights = zip(*weighted, strict=True)
        prepared = _CUMULATIVE[id(weighted)] = (items, list(accumulate(weights)))
    return rng.choices(prepared[0], cum_weights=prepared[1])[0]


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _day_times(rng: random.Random, window_start: datetime, count: int) -> list[datetime]:
    """``count`` distinct whole-second times in the 24 hours from ``window_start``, with
    lunch and dinner peaks (around 11:40 and 17:50 UTC), sorted."""
    offset = window_start.hour * 3600 + window_start.minute * 60 + window_start.second
    seconds: set[int] = set()
    while len(seconds) < count:
        roll = rng.random()
        if roll < 0.45:
            of_day = int(rng.gauss(11.6 * 3600, 2400))
        elif roll < 0.9:
            of_day = int(rng.gauss(17.8 * 3600, 3300))
        else:
            of_day = rng.randrange(0, 86400)
        seconds.add((of_day - offset) % 86400)
    return [window_start + timedelta(seconds=s) for s in sorted(seconds)]


def rows(incidents: int, *, seed: int = 1, end: datetime | None = None,
         days: int | None = None) -> Iterator[list[str]]:
    """The data rows (cells in the order of ``app.csvio.COLUMNS``), oldest first."""
    if incidents < 0:
        raise ValueError("incidents must be 0 or more")
    rng = random.Random(seed)
    end = (end or datetime.now(timezone.utc)).astimezone(timezone.utc)
    end = end.replace(second=0, microsecond=0)
    days = days or max(1, min(MAX_DAYS, math.ceil(incidents / PER_DAY)))
    if incidents > days * 86000:
        raise ValueError("too many incidents for the days: at most 86,000 a day")
    codes: set[str] = set()
    base, extra = divmod(incidents, days)
    for index in range(days):
        count = base + (1 if index < extra else 0)
        window_start = end - timedelta(days=days - index)  # the last window ends at end
        for moment in _day_times(rng, window_start, count):
            yield _row(rng, moment, end, codes)


def _row(rng: random.Random, when: datetime, end: datetime, codes: set[str]) -> list[str]:
    category = _pick(rng, CATEGORIES)
    given = _pick(rng, REMEDY_SETS)
    amounts = [REMEDIES[code][0] for code in given]
    approvers = [rng.choice(APPROVERS) if REMEDIES[code][1] is not None
                 and REMEDIES[code][0] > REMEDIES[code][1] else "" for code in given]
    vouchers, redeemed = [], []
    for code in given:
        if code != "voucher":
            continue
        voucher = ""
        while not voucher or voucher in codes:
            raw = "".join(rng.choice(VOUCHER_ALPHABET) for _i in range(6))
            voucher = f"{raw[:3]}-{raw[3:]}"
        codes.add(voucher)
        vouchers.append(voucher)
        back = when + timedelta(days=rng.uniform(1, 80))
        redeemed.append(_iso(back) if rng.random() < 0.33 and back <= end else "")
    guest = contact = ""
    repeat = "0"
    roll = rng.random()
    if roll < 0.06:
        guest, repeat = rng.choice(REGULARS), "1"
    elif roll < 0.3:
        guest = rng.choice(GUESTS)
        if rng.random() < 0.3:
            contact = f"+47 {rng.randrange(40000000, 99999999)}"
    due = when + timedelta(minutes=3 if category == "foreign_object" else 5)
    done = missed = escalated = by = outcome = outcome_note = ""
    due_text = _iso(due)
    roll = rng.random()
    if roll < 0.05:
        due_text = ""  # a paper log: no check-back
    elif due + timedelta(hours=1) > end:
        pass  # still open
    elif roll < 0.12:
        missed = _iso(min(end, due + timedelta(hours=6)))
    else:
        done_at = due + timedelta(minutes=rng.randint(0, 25))
        if done_at - due > timedelta(minutes=15):
            escalated = _iso(due + timedelta(minutes=10))
        done, by, outcome = _iso(done_at), rng.choice(MANAGERS), _pick(rng, OUTCOMES)
        if outcome == "unhappy" and rng.random() < 0.5:
            outcome_note = "Wanted a refund, offered a voucher"
    voided = _iso(when + timedelta(minutes=1)) if rng.random() < 0.01 and \
        when + timedelta(minutes=1) <= end else ""
    cells = {
        "occurred_at": _iso(when), "category": category, "severity": "",
        "staff": rng.choice(CASHIERS), "table": str(rng.randint(1, 40))
        if rng.random() < 0.7 else "", "guest_name": guest, "guest_contact": contact,
        "repeat_guest": repeat, "note": rng.choice(NOTES) if rng.random() < 0.15 else "",
        "remedies": "|".join(given), "remedy_amounts": "|".join(_money(a) for a in amounts),
        "approved_by": "|".join(approvers) if any(approvers) else "",
        "total": _money(sum(amounts)), "currency": "", "voucher_codes": "|".join(vouchers),
        "vouchers_redeemed_at": "|".join(redeemed) if any(redeemed) else "",
        "followup_due_at": due_text, "followup_done_at": done, "followup_by": by,
        "outcome": outcome, "outcome_note": outcome_note, "followup_missed_at": missed,
        "followup_escalated_at": escalated, "voided_at": voided, "terminal": ""}
    return [cells[column] for column in COLUMNS]


def write_csv(path: str | Path, incidents: int, *, seed: int = 1,
              end: datetime | None = None, days: int | None = None) -> Path:
    """Write ``incidents`` generated rows to ``path`` (see the module docstring)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(incidents, seed=seed, end=end, days=days))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generator",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=datetime.fromisoformat, default=None,
                        help="last moment (ISO-8601; default now); no time after it")
    parser.add_argument("--days", type=int, default=None)
    args = parser.parse_args(argv)
    end = args.end
    if end is not None and end.tzinfo is None:
        end = end.replace(tzinfo=timezone.utc)
    write_csv(args.out, args.incidents, seed=args.seed, end=end, days=args.days)
    print(f"wrote {args.incidents} incidents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
