/*
 * The migrations behind schema.h. Tables are STRICT (SQLite 3.37 and later),
 * so a value of the wrong type is refused instead of silently converted; the
 * CHECK constraints hold the invariants that the code relies on (32-byte keys
 * and hashes, known purposes, 0/1 flags).
 */
#include "server/schema.h"

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#include "common/err.h"
#include "common/log.h"

/* Version 1: settings, agencies, people, credentials, invites, audit log. */
static const char schema_v1[] = "CREATE TABLE settings ("
                                " key TEXT PRIMARY KEY,"
                                " value TEXT NOT NULL"
                                ") STRICT;"
                                "CREATE TABLE agencies ("
                                " id INTEGER PRIMARY KEY,"
                                " code TEXT UNIQUE NOT NULL,"
                                " name TEXT NOT NULL,"
                                " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
                                " created INTEGER NOT NULL"
                                ") STRICT;"
                                "CREATE TABLE people ("
                                " id INTEGER PRIMARY KEY,"
                                " initials TEXT UNIQUE NOT NULL,"
                                " name TEXT NOT NULL,"
                                " agency_id INTEGER NOT NULL REFERENCES agencies(id),"
                                " roles INTEGER NOT NULL,"
                                " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
                                " created INTEGER NOT NULL"
                                ") STRICT;"
                                "CREATE INDEX people_agency ON people(agency_id);"
                                "CREATE TABLE credentials ("
                                " id INTEGER PRIMARY KEY,"
                                " person_id INTEGER NOT NULL REFERENCES people(id),"
                                " pubkey BLOB UNIQUE NOT NULL CHECK (length(pubkey) = 32),"
                                " fingerprint TEXT NOT NULL,"
                                " created INTEGER NOT NULL,"
                                " last_used INTEGER,"
                                " revoked INTEGER"
                                ") STRICT;"
                                "CREATE INDEX credentials_person ON credentials(person_id);"
                                "CREATE TABLE invites ("
                                " id INTEGER PRIMARY KEY,"
                                " person_id INTEGER NOT NULL REFERENCES people(id),"
                                " code_hash BLOB UNIQUE NOT NULL CHECK (length(code_hash) = 32),"
                                " purpose TEXT NOT NULL CHECK (purpose IN ('enrol', 'rotate')),"
                                " created INTEGER NOT NULL,"
                                " expires INTEGER NOT NULL,"
                                " used INTEGER,"
                                " created_by INTEGER REFERENCES people(id)"
                                ") STRICT;"
                                "CREATE INDEX invites_person ON invites(person_id);"
                                "CREATE TABLE audit ("
                                " id INTEGER PRIMARY KEY,"
                                " ts INTEGER NOT NULL,"
                                " actor TEXT NOT NULL,"
                                " action TEXT NOT NULL,"
                                " object TEXT NOT NULL,"
                                " detail TEXT NOT NULL,"
                                " prev BLOB NOT NULL CHECK (length(prev) = 32),"
                                " hash BLOB NOT NULL CHECK (length(hash) = 32)"
                                ") STRICT;";

/*
 * Version 2: a rotation code records which credential it replaces, so that
 * redeeming it revokes exactly that key; credentials are listed per person.
 */
static const char schema_v2[]
    = "ALTER TABLE invites ADD COLUMN replaces_cred_id INTEGER REFERENCES credentials(id);"
      "CREATE INDEX credentials_fingerprint ON credentials(fingerprint);";

/*
 * Version 3: the board's business. Task groups and their member agencies;
 * meetings (known by their date) with numbered agenda items, attendance and
 * minutes per item; papers with every version kept (a revision never
 * overwrites), their metrics and restrictions; actions with owners and a
 * history of updates. Positions are renumbered by the handlers, so they are
 * indexed but not unique.
 */
static const char schema_v3[]
    = "CREATE TABLE groups ("
      " id INTEGER PRIMARY KEY,"
      " code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 32),"
      " name TEXT NOT NULL,"
      " created INTEGER NOT NULL"
      ") STRICT;"
      "CREATE TABLE group_agencies ("
      " group_id INTEGER NOT NULL REFERENCES groups(id),"
      " agency_id INTEGER NOT NULL REFERENCES agencies(id),"
      " PRIMARY KEY (group_id, agency_id)"
      ") STRICT, WITHOUT ROWID;"
      "CREATE TABLE meetings ("
      " id INTEGER PRIMARY KEY,"
      " date TEXT NOT NULL UNIQUE CHECK (length(date) = 10),"
      " time TEXT NOT NULL CHECK (length(time) = 5),"
      " venue TEXT NOT NULL,"
      " deadline TEXT NOT NULL CHECK (length(deadline) = 10),"
      " published INTEGER," /* UTC seconds the pack was published (issue 5) */
      " minutes_approved_by INTEGER REFERENCES meetings(id)," /* the meeting that approved them */
      " created INTEGER NOT NULL"
      ") STRICT;"
      "CREATE TABLE agenda_items ("
      " id INTEGER PRIMARY KEY,"
      " meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
      " position INTEGER NOT NULL CHECK (position >= 1),"
      " title TEXT NOT NULL,"
      " kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 7),"
      " group_id INTEGER REFERENCES groups(id)"
      ") STRICT;"
      "CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);"
      "CREATE TABLE attendance ("
      " meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
      " person_id INTEGER NOT NULL REFERENCES people(id),"
      " presence INTEGER NOT NULL CHECK (presence IN (1, 2)),"
      " substitute TEXT NOT NULL DEFAULT '',"
      " PRIMARY KEY (meeting_id, person_id)"
      ") STRICT, WITHOUT ROWID;"
      "CREATE TABLE minutes ("
      " item_id INTEGER PRIMARY KEY REFERENCES agenda_items(id),"
      " text TEXT NOT NULL,"
      " updated INTEGER NOT NULL,"
      " updated_by INTEGER REFERENCES people(id)"
      ") STRICT;"
      "CREATE TABLE reports ("
      " id INTEGER PRIMARY KEY,"
      " meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
      " group_id INTEGER NOT NULL REFERENCES groups(id),"
      " agency_id INTEGER NOT NULL REFERENCES agencies(id),"
      " withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),"
      " UNIQUE (meeting_id, group_id, agency_id)"
      ") STRICT;"
      "CREATE TABLE report_versions ("
      " id INTEGER PRIMARY KEY,"
      " report_id INTEGER NOT NULL REFERENCES reports(id),"
      " version INTEGER NOT NULL CHECK (version >= 1),"
      " title TEXT NOT NULL,"
      " rag INTEGER NOT NULL CHECK (rag BETWEEN 1 AND 3),"
      " marking INTEGER NOT NULL CHECK (marking IN (1, 2)),"
      " author_id INTEGER NOT NULL REFERENCES people(id),"
      " submitted INTEGER NOT NULL,"
      " late INTEGER NOT NULL CHECK (late IN (0, 1)),"
      " body TEXT NOT NULL,"
      " idem_key BLOB NOT NULL CHECK (length(idem_key) = 16),"
      " UNIQUE (report_id, version),"
      " UNIQUE (report_id, idem_key)"
      ") STRICT;"
      "CREATE TABLE report_metrics ("
      " version_id INTEGER NOT NULL REFERENCES report_versions(id),"
      " position INTEGER NOT NULL,"
      " name TEXT NOT NULL,"
      " value REAL NOT NULL,"
      " target REAL,"
      " period TEXT NOT NULL DEFAULT '',"
      " PRIMARY KEY (version_id, position)"
      ") STRICT, WITHOUT ROWID;"
      "CREATE TABLE report_restrict ("
      " version_id INTEGER NOT NULL REFERENCES report_versions(id),"
      " agency_id INTEGER NOT NULL REFERENCES agencies(id),"
      " PRIMARY KEY (version_id, agency_id)"
      ") STRICT, WITHOUT ROWID;"
      "CREATE TABLE actions ("
      " id INTEGER PRIMARY KEY,"
      " meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
      " item_id INTEGER NOT NULL REFERENCES agenda_items(id),"
      " text TEXT NOT NULL,"
      " all_owners INTEGER NOT NULL DEFAULT 0 CHECK (all_owners IN (0, 1)),"
      " due TEXT NOT NULL CHECK (length(due) = 10),"
      " status INTEGER NOT NULL DEFAULT 1 CHECK (status IN (1, 2, 3)),"
      " closed_on TEXT," /* the date it was done or dropped; NULL while open */
      " created INTEGER NOT NULL,"
      " created_by INTEGER REFERENCES people(id)"
      ") STRICT;"
      "CREATE INDEX actions_status ON actions(status, due);"
      "CREATE TABLE action_owners ("
      " action_id INTEGER NOT NULL REFERENCES actions(id),"
      " person_id INTEGER NOT NULL REFERENCES people(id),"
      " PRIMARY KEY (action_id, person_id)"
      ") STRICT, WITHOUT ROWID;"
      "CREATE INDEX action_owners_person ON action_owners(person_id);"
      "CREATE TABLE action_updates ("
      " id INTEGER PRIMARY KEY,"
      " action_id INTEGER NOT NULL REFERENCES actions(id),"
      " ts INTEGER NOT NULL,"
      " person_id INTEGER NOT NULL REFERENCES people(id),"
      " status INTEGER NOT NULL CHECK (status IN (1, 2, 3)),"
      " note TEXT NOT NULL DEFAULT ''"
      ") STRICT;"
      "CREATE INDEX action_updates_action ON action_updates(action_id, ts);";

/*
 * Version 4: the board pack's editions. Publishing freezes the pack as a
 * packed Safer__PackModel, numbered per meeting from 1, with the list of what
 * changed since the edition before it (one line each).
 */
static const char schema_v4[] = "CREATE TABLE pack_editions ("
                                " id INTEGER PRIMARY KEY,"
                                " meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
                                " edition INTEGER NOT NULL CHECK (edition >= 1),"
                                " published INTEGER NOT NULL,"
                                " model BLOB NOT NULL,"
                                " changes TEXT NOT NULL DEFAULT '',"
                                " UNIQUE (meeting_id, edition)"
                                ") STRICT;";

/* schema_steps[i] takes the file from version i to version i + 1. */
static const char *const schema_steps[STORE_SCHEMA_VERSION] = {
    schema_v1,
    schema_v2,
    schema_v3,
    schema_v4,
};

int schema_version(struct sqlite3 *db, int *version)
{
    sqlite3_stmt *stmt = NULL;
    int ret = SAFER_E_DB;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK
        || sqlite3_step(stmt) != SQLITE_ROW) {
        log_error("reading the schema version: %s", sqlite3_errmsg(db));
        goto out;
    }
    *version = sqlite3_column_int(stmt, 0);
    ret = 0;
out:
    sqlite3_finalize(stmt);
    return ret;
}

/* Runs one migration and its version bump in one transaction. */
static int schema_step(struct sqlite3 *db, int to)
{
    char bump[64];

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        log_error("starting migration %d: %s", to, sqlite3_errmsg(db));
        return SAFER_E_DB;
    }
    /* PRAGMA takes no bound parameters; the number is our own constant. */
    snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", to);
    if (sqlite3_exec(db, schema_steps[to - 1], NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_error("migration %d failed: %s", to, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return SAFER_E_DB;
    }
    log_debug("database schema migrated to version %d", to);
    return 0;
}

int schema_migrate(struct sqlite3 *db, int *version)
{
    int have = 0;
    int rc = schema_version(db, &have);

    if (rc < 0)
        return rc;
    if (have > STORE_SCHEMA_VERSION) {
        log_error("the database has schema version %d; this build knows up to %d", have,
            STORE_SCHEMA_VERSION);
        return SAFER_E_PRECOND;
    }
    while (have < STORE_SCHEMA_VERSION) {
        rc = schema_step(db, have + 1);
        if (rc < 0)
            return rc;
        have++;
    }
    *version = have;
    return 0;
}
