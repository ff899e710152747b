"""Numbered schema migrations. Never edit one that has shipped: add the next number."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

migrations = Migrations("comeback")


def _run_script(db: Database, script: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the migration's transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:60]}")


@migrations(name="0001_initial_schema")
def m0001_initial_schema(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE stores (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL
        );

        -- Every store setting, declared in app/settings.py; value is JSON.
        CREATE TABLE settings (
            store_id INTEGER NOT NULL REFERENCES stores(id),
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (store_id, name)
        );

        CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'owner')),
            pin_hash TEXT,
            pin_salt TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );

        CREATE TABLE categories (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            icon TEXT NOT NULL,
            apology TEXT NOT NULL,
            followup_minutes INTEGER NOT NULL CHECK (followup_minutes BETWEEN 0 AND 1440),
            default_severity TEXT NOT NULL CHECK (default_severity IN ('low', 'medium', 'high')),
            position INTEGER NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            UNIQUE (store_id, code)
        );

        CREATE TABLE remedies (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            icon TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('remake', 'replace', 'comp_item',
                'discount_percent', 'fixed_amount', 'voucher', 'refund', 'apology')),
            value_minor INTEGER NOT NULL CHECK (value_minor >= 0),
            percent INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 100),
            approval_above_minor INTEGER CHECK (approval_above_minor IS NULL
                OR approval_above_minor >= 0),
            position INTEGER NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            UNIQUE (store_id, code)
        );

        -- Suggested remedy by category (and optionally severity): shown first at the counter.
        CREATE TABLE remedy_rules (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            category_id INTEGER NOT NULL REFERENCES categories(id),
            severity TEXT CHECK (severity IS NULL OR severity IN ('low', 'medium', 'high')),
            remedy_id INTEGER NOT NULL REFERENCES remedies(id)
        );

        -- One service failure. Labels are copied so history keeps what was logged.
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            category_id INTEGER NOT NULL REFERENCES categories(id),
            category_label TEXT NOT NULL,
            staff_id INTEGER REFERENCES staff(id),
            occurred_at TEXT NOT NULL,           -- UTC ISO-8601
            severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
            table_ref TEXT,
            guest_name TEXT,
            guest_contact TEXT,
            guest_key TEXT,                      -- normalised contact/name, for repeat guests
            note TEXT,
            repeat_guest INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT,
            voided_by INTEGER REFERENCES staff(id)
        );

        CREATE TABLE incident_remedies (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            remedy_id INTEGER NOT NULL REFERENCES remedies(id),
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
            percent INTEGER,
            approved_by INTEGER REFERENCES staff(id),
            given_at TEXT NOT NULL
        );

        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            created_at TEXT NOT NULL,
            original_due_at TEXT NOT NULL,
            due_at TEXT NOT NULL,                -- moves forward on snooze
            snooze_count INTEGER NOT NULL DEFAULT 0,
            escalated_at TEXT,
            done_at TEXT,
            done_by INTEGER REFERENCES staff(id),
            outcome TEXT CHECK (outcome IS NULL OR outcome IN
                ('delighted', 'satisfied', 'unhappy', 'left')),
            outcome_note TEXT,
            missed_at TEXT                       -- left open at closing time
        );

        CREATE TABLE vouchers (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            incident_remedy_id INTEGER NOT NULL REFERENCES incident_remedies(id),
            amount_minor INTEGER NOT NULL,
            issued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            redeemed_at TEXT,
            redeemed_by INTEGER REFERENCES staff(id)
        );

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            staff_id INTEGER,
            action TEXT NOT NULL,
            entity TEXT,
            entity_id INTEGER,
            detail TEXT
        );
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        CREATE INDEX idx_incidents_store_time ON incidents (store_id, occurred_at);
        CREATE INDEX idx_incidents_guest ON incidents (guest_key, occurred_at)
            WHERE guest_key IS NOT NULL;
        CREATE INDEX idx_incident_remedies_incident ON incident_remedies (incident_id);
        CREATE INDEX idx_followups_incident ON followups (incident_id);
        CREATE INDEX idx_followups_open ON followups (due_at) WHERE done_at IS NULL
            AND missed_at IS NULL;
        CREATE INDEX idx_vouchers_incident ON vouchers (incident_id);
        CREATE INDEX idx_audit_action ON audit_log (action, at);
        CREATE INDEX idx_staff_store ON staff (store_id);
        """
    )


@migrations(name="0002_followup_alerted_at")
def m0002_followup_alerted_at(db: Database) -> None:
    """Remember when a due follow-up was announced, so a restart never announces it twice.

    ``alerted_at`` is cleared when the follow-up is snoozed (the new due time is announced
    again). The partial index serves the "left open yesterday" list.
    """
    _run_script(
        db,
        """
        ALTER TABLE followups ADD COLUMN alerted_at TEXT;
        CREATE INDEX idx_followups_missed ON followups (due_at) WHERE missed_at IS NOT NULL;
        """
    )


@migrations(name="0003_vouchers_redeemed_index")
def m0003_vouchers_redeemed_index(db: Database) -> None:
    """"Guests who came back" counts vouchers redeemed in a week: without this index the
    weekly summary scanned every voucher (25 ms of 38 ms on 1,000,000 incidents)."""
    _run_script(
        db,
        """
        CREATE INDEX idx_vouchers_redeemed ON vouchers (redeemed_at, incident_id)
            WHERE redeemed_at IS NOT NULL;
        """
    )


@migrations(name="0005_audit_chain")
def m0005_audit_chain(db: Database) -> None:
    """Chain the audit log: every entry gets ``prev_hash`` and ``hash`` (db/audit_chain.py).

    Entries written before this migration are chained here, once, in id order; then each
    store gets an ``audit.chain_started`` entry that covers (by id ranges and digests) the
    incidents, remedies and vouchers that existed without a chained entry of their own. That
    is the defined starting point: ``comeback verify`` trusts what was there at this moment
    and checks everything after it. ``audit_verified`` remembers, per store, the last entry a
    check found intact; the app's start-up check only reads what came after it.
    """
    import json
    from datetime import datetime, timezone

    from db import audit_chain

    _run_script(
        db,
        """
        ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
        CREATE INDEX idx_audit_store ON audit_log (store_id);
        CREATE TABLE audit_verified (
            store_id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL,
            hash TEXT NOT NULL,
            entries INTEGER NOT NULL,
            verified_at TEXT NOT NULL
        );
        DROP TRIGGER audit_log_no_update;
        """
    )
    conn = db.conn
    heads: dict[int, str] = {}
    rows = conn.execute("SELECT id, store_id, at, staff_id, action, entity, entity_id, detail "
                        "FROM audit_log ORDER BY id").fetchall()
    for row in rows:
        values = dict(zip(audit_chain.COLUMNS, row, strict=True))
        prev = heads.get(values["store_id"], audit_chain.GENESIS)
        digest = audit_chain.hash_of_row(prev, values)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                     [prev, digest, values["id"]])
        heads[values["store_id"]] = digest
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    stores = [r[0] for r in conn.execute("SELECT id FROM stores ORDER BY id")]
    for store_id in stores:
        top = audit_chain.max_ids(db, store_id)
        ranges = {name: [1, high] for name, high in top.items()}
        payload = audit_chain.coverage_payload(db, store_id, ranges)
        payload["entries_before"] = sum(1 for r in rows if r[1] == store_id)
        detail = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        entry_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()[0]
        prev = heads.get(store_id, audit_chain.GENESIS)
        values = {"id": entry_id, "store_id": store_id, "at": now, "staff_id": None,
                  "action": "audit.chain_started", "entity": "store", "entity_id": store_id,
                  "detail": detail}
        digest = audit_chain.hash_of_row(prev, values)
        conn.execute("INSERT INTO audit_log (id, store_id, at, staff_id, action, entity, "
                     "entity_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [*values.values(), prev, digest])
        conn.execute("INSERT INTO audit_verified (store_id, entry_id, hash, entries, "
                     "verified_at) VALUES (?, ?, ?, ?, ?)",
                     [store_id, entry_id, digest, payload["entries_before"] + 1, now])
    _run_script(
        db,
        """
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """
    )


@migrations(name="0007_imported_approvals")
def m0007_imported_approvals(db: Database) -> None:
    """Approvals that came in a CSV import are history, not live approvals.

    ``incident_remedies.paper_approved_by`` keeps the approver's name as the file gave it
    ("on paper: Marco"); ``approved_by`` stays empty for those rows. ``incidents.imported_by``
    is the owner whose PIN let the import in ("imported by Ingrid").
    """
    _run_script(
        db,
        """
        ALTER TABLE incident_remedies ADD COLUMN paper_approved_by TEXT;
        ALTER TABLE incidents ADD COLUMN imported_by INTEGER REFERENCES staff(id);
        """
    )


@migrations(name="0008_flat_costs")
def m0008_flat_costs(db: Database) -> None:
    """Indexes that keep every cost flat as history grows (and guest data erasable at once).

    * ``idx_incidents_guest_data`` / ``idx_incidents_notes``: only the incidents that still
      hold guest details or a note, by store and time. The retention erasure walks them up to
      its cut-off date: nothing to erase is one index probe, never a scan of old incidents.
    * ``idx_followups_notes``: outcome notes still kept, by when the follow-up was made.
    * ``idx_audit_store_action``: the newest entry of an action (PIN lockout) is one probe
      (the rowid is the index's last column), whatever the length of the log.
    * ``idx_followups_outcome``: an incident's latest outcome is one covering probe, no
      sort (the weekly summary asks it of every incident of eight weeks).
    * ``idx_audit_entity``: the start-up check of the audit log reads the entries about the
      incidents it checks, not the store's whole log.
    """
    _run_script(
        db,
        """
        CREATE INDEX idx_incidents_guest_data ON incidents (store_id, occurred_at)
            WHERE guest_name IS NOT NULL OR guest_contact IS NOT NULL
            OR guest_key IS NOT NULL;
        CREATE INDEX idx_incidents_notes ON incidents (store_id, occurred_at)
            WHERE note IS NOT NULL;
        CREATE INDEX idx_followups_notes ON followups (created_at)
            WHERE outcome_note IS NOT NULL;
        CREATE INDEX idx_audit_store_action ON audit_log (store_id, action);
        CREATE INDEX idx_followups_outcome ON followups (incident_id, done_at, id, outcome)
            WHERE outcome IS NOT NULL;
        CREATE INDEX idx_audit_entity ON audit_log (entity, entity_id);
        """
    )


@migrations(name="0011_incident_uid")
def m0011_incident_uid(db: Database) -> None:
    """An id made where the incident was tapped (a UUID), so a tap that is retried - after a
    locked or full database, a restart, later from an offline outbox - is written once.

    Incidents logged before this migration get a random UUID of the same form.
    """
    _run_script(
        db,
        """
        ALTER TABLE incidents ADD COLUMN uid TEXT;
        UPDATE incidents SET uid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2))
            || '-4' || substr(hex(randomblob(2)), 2) || '-'
            || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
            || '-' || hex(randomblob(6)));
        CREATE UNIQUE INDEX idx_incidents_uid ON incidents (uid);
        """
    )


@migrations(name="0012_import_staging")
def m0012_import_staging(db: Database) -> None:
    """An import being switched in: its rows are copied into the real tables in short
    batches, under ids reserved here, and stay invisible until the row is deleted.

    Every read of incidents leaves out the incident ids of the row (``db.import_staging.
    visible``); remedies, vouchers and follow-ups are only ever read through their incident.
    ``owner`` is the importing process (host and pid) and ``beat_at`` its last batch: a row
    whose owner is gone is a killed import, whose rows the next import deletes.
    """
    _run_script(
        db,
        """
        CREATE TABLE import_staging (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            first_incident INTEGER NOT NULL,
            last_incident INTEGER NOT NULL,
            first_remedy INTEGER NOT NULL,
            last_remedy INTEGER NOT NULL,
            first_voucher INTEGER NOT NULL,
            last_voucher INTEGER NOT NULL,
            first_followup INTEGER NOT NULL,
            last_followup INTEGER NOT NULL,
            owner TEXT NOT NULL,
            started_at TEXT NOT NULL,
            beat_at TEXT NOT NULL
        );
        """
    )


@migrations(name="0014_summary_columns")
def m0014_summary_columns(db: Database) -> None:
    """The weekly summary's answers on each incident (remedies and their value, the first
    follow-up, the latest outcome, escalations, a note), filled in here for every incident
    and kept by every write path since; ``idx_incidents_summary`` makes a week's figures one
    range scan. See db/summary_columns.py."""
    from db.summary_columns import MIGRATION

    _run_script(db, MIGRATION)


@migrations(name="0015_terminals")
def m0015_terminals(db: Database) -> None:
    """Each terminal (counter, tablet) of a store has a name; incidents, the remedies given
    on them (with their approvals), voucher redemptions and audit entries record where they
    happened. A row is made the first time a terminal writes; rows written before this
    migration have no terminal (NULL)."""
    _run_script(
        db,
        """
        CREATE TABLE terminals (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (store_id, name)
        );
        ALTER TABLE incidents ADD COLUMN terminal_id INTEGER REFERENCES terminals(id);
        ALTER TABLE incident_remedies ADD COLUMN terminal_id INTEGER REFERENCES terminals(id);
        ALTER TABLE vouchers ADD COLUMN redeemed_terminal_id INTEGER REFERENCES terminals(id);
        ALTER TABLE audit_log ADD COLUMN terminal_id INTEGER;  -- as staff_id: no foreign key
        """
    )


@migrations(name="0017_live_changes")
def m0017_live_changes(db: Database) -> None:
    """Who is on a follow-up, and a wake-up for every terminal when the store changes.

    ``followups.taken_by``/``taken_at``: a manager opened "Record how it went" on some
    terminal; the others show "Marco is on it" and stop ringing for that guest until it is
    recorded, released (the dialog cancelled) or ``app.followup_taking.TAKE_MINUTES`` pass.

    The change feed is the audit log itself: append-only, written in the same transaction
    as every change a terminal shows, with ids that grow in commit order (the chain lock is
    held until commit). On PostgreSQL an AFTER INSERT trigger sends
    ``NOTIFY comeback_store_<store>, '<id>'``, delivered when the transaction commits; a
    notification only wakes a terminal, which then reads every entry after the last id it
    has seen (``db.changes``). SQLite has no NOTIFY: terminals watch the file instead.
    """
    _run_script(
        db,
        """
        ALTER TABLE followups ADD COLUMN taken_by INTEGER REFERENCES staff(id);
        ALTER TABLE followups ADD COLUMN taken_at TEXT;
        """
    )
    if getattr(db, "backend", "sqlite") == "postgresql":
        db.execute(
            "CREATE OR REPLACE FUNCTION comeback_notify_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "PERFORM pg_notify('comeback_store_' || NEW.store_id, NEW.id::text); "
            "RETURN NULL; END $$")
        db.execute("CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION comeback_notify_change()")


@migrations(name="0018_summary_rollup")
def m0018_summary_rollup(db: Database) -> None:
    """The weekly summary's figures per store and UTC hour (``summary_hours`` per category,
    ``summary_staff`` per staff member), filled in from every live incident and kept by
    triggers on ``incidents`` since: a week's figures are ~150 rows, not ~4,000 incidents.
    See db/summary_rollup.py."""
    from db.summary_rollup import migrate

    migrate(db)


@migrations(name="0019_offline_redemptions")
def m0019_offline_redemptions(db: Database) -> None:
    """Vouchers redeemed on a terminal while its server was away, as the server took them
    when they were sent: ``uid`` is the id the terminal made (a resend is recognised),
    ``outcome`` 'applied' (the voucher is redeemed, at the time it was redeemed offline) or
    'refused' (redeemed elsewhere first, unknown, cancelled or expired: ``detail``, JSON,
    says why and who redeemed it first, for the manager, who marks it seen). See
    app/offline_vouchers.py."""
    _run_script(
        db,
        """
        CREATE TABLE offline_redemptions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            code TEXT NOT NULL,
            voucher_id INTEGER REFERENCES vouchers(id),
            redeemed_at TEXT NOT NULL,
            redeemed_by INTEGER REFERENCES staff(id),
            terminal_id INTEGER REFERENCES terminals(id),
            sent_at TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
            detail TEXT,
            seen_at TEXT,
            seen_by INTEGER REFERENCES staff(id)
        );
        CREATE INDEX idx_offline_redemptions_open ON offline_redemptions (store_id, outcome,
            seen_at);
        """
    )


@migrations(name="0020_approval_keys")
def m0020_approval_keys(db: Database) -> None:
    """Approvals made on a terminal while its server was away carry a proof (docs/offline.md).

    ``staff.approval_kdf``: how the person's approval key is derived from their PIN
    (``scrypt$n$r$p$<salt hex>``, a salt of its own, not the PIN hash's); it is copied to
    the terminals with the staff rows. ``approval_keys``: the keys themselves (HMAC-SHA256
    keys, hex), one row per PIN a person has had since this migration, never copied to a
    terminal; ``replaced_at`` is when a new PIN replaced it (approvals made before that
    still prove with it). Staff whose PIN was set before this migration get a key the first
    time their PIN is checked on the server."""
    _run_script(
        db,
        """
        ALTER TABLE staff ADD COLUMN approval_kdf TEXT;
        CREATE TABLE approval_keys (
            id INTEGER PRIMARY KEY,
            store_id INTEGER NOT NULL REFERENCES stores(id),
            staff_id INTEGER NOT NULL REFERENCES staff(id),
            kdf TEXT NOT NULL,
            approval_key TEXT NOT NULL,
            made_at TEXT NOT NULL,
            replaced_at TEXT,
            UNIQUE (staff_id, kdf)
        );
        """
    )


@migrations(name="0021_pg_tap")
def m0021_pg_tap(db: Database) -> None:
    """PostgreSQL only: a tap's whole write in one server-side function
    (``comeback_log_tap``, one statement: one round trip), and the audit log's
    store indexes with ``id`` at their end, so the store's chain head is one probe (as
    SQLite's rowid makes them). See db/pg_tap.py. Nothing changes on SQLite."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        from db.pg_tap import migrate

        migrate(db)


@migrations(name="0022_summary_totals")
def m0022_summary_totals(db: Database) -> None:
    """The weekly summary's figures per store and UTC hour without the category split
    (``summary_totals``: the eight weeks a summary sums are ~1,300 rows, not ~6,000), filled
    in from summary_hours and kept by the same triggers on ``incidents`` since;
    ``idx_incidents_checks``, the done first follow-ups alone (the minutes to the check); and
    ``idx_incidents_noted``, the incidents with a note to print. See db/summary_rollup.py."""
    from db.summary_rollup import migrate_totals

    migrate_totals(db)


@migrations(name="0023_import_rollup_guard")
def m0023_import_rollup_guard(db: Database) -> None:
    """SQLite: the rollup's row trigger on new incidents (migration 0018) fires only for
    rows not written by an import's copy (``imported_by`` NULL): an import's rows are added
    at its switch (db/import_rollup.py), and asking each of a million copied rows whether it
    is in the import's block cost ~4 µs a row. PostgreSQL: nothing (statement triggers)."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        return
    from db.import_rollup import guard_insert_trigger

    guard_insert_trigger(db)


@migrations(name="0024_summary_notes")
def m0024_summary_notes(db: Database) -> None:
    """``idx_incidents_noted`` (0022) made again with the severity and the note: a week's
    notes are counted and ranked from one range of it, and only the forty printed are read
    from the table. See db/summary_rollup.py (NOTES_INDEX)."""
    from db.summary_rollup import migrate_notes

    migrate_notes(db)


@migrations(name="0025_pg_remedy_rollup")
def m0025_pg_remedy_rollup(db: Database) -> None:
    """PostgreSQL only: the remedies' rollup trigger (0018) finds each new remedy's incident
    by its id, instead of a plan that read every incident of the table for one remedy on
    every tap (a new store's tables have no statistics yet), see db/pg_remedy_rollup.py;
    and ``comeback_log_tap`` (0021) checks its arguments' keys with two expressions each
    before the query that names the wrong ones, see db/pg_tap.py. Nothing changes on
    SQLite."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        from db.pg_remedy_rollup import migrate
        from db.pg_tap import migrate_0025

        migrate(db)
        migrate_0025(db)


@migrations(name="0028_key_replaced_clock")
def m0028_key_replaced_clock(db: Database) -> None:
    """``approval_keys.replaced_epoch``: when a PIN replaced the key, by the database's own
    clock (the server's, which no terminal sets), in seconds since 1970. An old key proves
    approvals made before the change only while they are sent within the store's
    ``old_pin_grace_hours`` of it (app.approval_proof). Keys replaced before this migration
    get the time their ``replaced_at`` says."""
    from datetime import datetime, timezone

    db.execute("ALTER TABLE approval_keys ADD COLUMN replaced_epoch INTEGER")
    for row in list(db.query("SELECT id, replaced_at FROM approval_keys "
                             "WHERE replaced_at IS NOT NULL")):
        when = datetime.fromisoformat(row["replaced_at"])
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        db.execute("UPDATE approval_keys SET replaced_epoch = ? WHERE id = ?",
                   [int(when.timestamp()), row["id"]])


@migrations(name="0029_pg_summary_reads")
def m0029_pg_summary_reads(db: Database) -> None:
    """PostgreSQL only: what a store-week summary reads on a server, from less (see
    db/summary_rollup.py, GUEST_LATEST_INDEX): a flagged guest's latest comp from one index
    entry, not every incident of the guest's 37 days sorted. Nothing changes on SQLite."""
    from db.summary_rollup import migrate_guest_latest

    migrate_guest_latest(db)


@migrations(name="0030_summary_paper")
def m0030_summary_paper(db: Database) -> None:
    """``summary_paper``: the approvals on paper an import brought (its history), per store,
    UTC hour, name on paper and importing owner, filled in from every live incident's
    remedies and kept by triggers since, as the summary's other rollups: a week's are one
    short range, read with the summary's other reads, not every incident of the week
    joined to its remedies. See db/paper_rollup.py."""
    from db.paper_rollup import migrate

    migrate(db)


@migrations(name="0031_pg_read_stamps")
def m0031_pg_read_stamps(db: Database) -> None:
    """PostgreSQL only: a stamp per store that moves on with every change to its categories,
    remedies, staff and settings (row triggers), and ``comeback_log_tap`` checking the
    stamp its caller's reads were made under, and that a voucher code is still free: a
    terminal keeps those reads from tap to tap, and a tap is one round trip, its write. See
    db/pg_tap.py. Nothing changes on SQLite."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        from db.pg_tap import migrate_0031

        migrate_0031(db)
