//! The schema, as an ordered list of migrations.
//!
//! `PRAGMA user_version` holds how many migrations the file has. Opening
//! applies the missing ones in one immediate transaction, so two processes
//! opening the same file at once (the desktop app and the CLI) cannot both
//! migrate, and a process killed halfway leaves the old version intact. A
//! file with a version above [`MIGRATIONS`]`.len()` was written by a newer
//! Onramp and is refused rather than guessed at.
//!
//! Migrations are append-only: never edit one that has shipped, add a new
//! one.

/// Migration `i` takes the schema from version `i` to `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r"
    CREATE TABLE runs (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        profile        TEXT    NOT NULL,
        mode           TEXT    NOT NULL CHECK (mode IN ('preview', 'apply')),
        status         TEXT    NOT NULL CHECK (status IN
                           ('running', 'ok', 'partial', 'failed', 'held', 'preview', 'interrupted')),
        started_unix   INTEGER NOT NULL,
        finished_unix  INTEGER,
        created        INTEGER NOT NULL DEFAULT 0,
        updated        INTEGER NOT NULL DEFAULT 0,
        deprovisioned  INTEGER NOT NULL DEFAULT 0,
        groups_changed INTEGER NOT NULL DEFAULT 0,
        failed         INTEGER NOT NULL DEFAULT 0,
        skipped        INTEGER NOT NULL DEFAULT 0,
        message        TEXT
    );
    CREATE INDEX runs_by_profile ON runs (profile, id);

    CREATE TABLE objects (
        profile        TEXT    NOT NULL,
        anchor         TEXT    NOT NULL,
        kind           TEXT    NOT NULL CHECK (kind IN ('user', 'group')),
        target_id      TEXT,
        desired        TEXT    NOT NULL,
        deprovisioned  INTEGER NOT NULL DEFAULT 0 CHECK (deprovisioned IN (0, 1)),
        updated_unix   INTEGER NOT NULL,
        PRIMARY KEY (profile, anchor)
    ) WITHOUT ROWID;

    CREATE TABLE results (
        id             INTEGER PRIMARY KEY,
        run            INTEGER NOT NULL REFERENCES runs (id),
        anchor         TEXT    NOT NULL,
        action         TEXT    NOT NULL,
        outcome        TEXT    NOT NULL CHECK (outcome IN ('ok', 'failed')),
        message        TEXT,
        at_unix        INTEGER NOT NULL
    );
    CREATE INDEX results_by_run ON results (run, id);

    CREATE TABLE audit (
        id             INTEGER PRIMARY KEY,
        at_unix        INTEGER NOT NULL,
        profile        TEXT    NOT NULL,
        run            INTEGER NOT NULL REFERENCES runs (id),
        anchor         TEXT    NOT NULL,
        action         TEXT    NOT NULL,
        details        TEXT    NOT NULL
    );
    CREATE INDEX audit_by_profile ON audit (profile, id);

    CREATE TABLE holds (
        run            INTEGER PRIMARY KEY REFERENCES runs (id),
        profile        TEXT    NOT NULL,
        plan           TEXT    NOT NULL,
        reason         TEXT    NOT NULL,
        held_unix      INTEGER NOT NULL,
        approved_unix  INTEGER,
        consumed_unix  INTEGER,
        consumed_by    INTEGER REFERENCES runs (id)
    );
    CREATE INDEX holds_by_profile ON holds (profile, run);

    CREATE TABLE cursors (
        profile        TEXT    NOT NULL,
        key            TEXT    NOT NULL,
        value          TEXT    NOT NULL,
        PRIMARY KEY (profile, key)
    ) WITHOUT ROWID;
    ",
    // 2: the source mirror that delta reads are merged into.
    "
    CREATE TABLE source_objects (
        profile        TEXT    NOT NULL,
        anchor         TEXT    NOT NULL,
        kind           TEXT    NOT NULL CHECK (kind IN ('user', 'group')),
        json           TEXT    NOT NULL,
        PRIMARY KEY (profile, anchor)
    ) WITHOUT ROWID;
    ",
    // 3: a hold keeps its reason, not a copy of the plan nothing read.
    "
    ALTER TABLE holds DROP COLUMN plan;
    ",
    // 4: an approval is for the plan the admin saw: its digest. Holds from
    //    before have none, so approving one lets no plan through (the next
    //    run holds again, for a fresh approval).
    "
    ALTER TABLE holds ADD COLUMN plan_digest TEXT;
    ",
    // 5: the expiry reminders sent, one row per threshold per credential
    //    (a credential is its profile, item and fingerprint: a rotated one
    //    has a new fingerprint and starts afresh).
    "
    CREATE TABLE reminders (
        profile        TEXT    NOT NULL,
        item           TEXT    NOT NULL,
        fingerprint    TEXT    NOT NULL,
        threshold_days INTEGER NOT NULL,
        sent_unix      INTEGER NOT NULL,
        PRIMARY KEY (profile, item, fingerprint, threshold_days)
    ) WITHOUT ROWID;
    ",
];

/// The schema version this build writes.
pub(super) fn current_version() -> i64 {
    // A handful of migrations; the cast cannot truncate.
    MIGRATIONS.len() as i64
}
