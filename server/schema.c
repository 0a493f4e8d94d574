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

/* schema_steps[i] takes the file from version i to version i + 1. */
static const char *const schema_steps[STORE_SCHEMA_VERSION] = {
    schema_v1,
    schema_v2,
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
