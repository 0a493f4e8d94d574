/*
 * The database schema as an ordered list of migrations. Migration N takes a
 * database from user_version N-1 to N; each runs in its own transaction with
 * the version bump, so a crash leaves the file at a whole version. A
 * migration, once released, is never edited: a change is a new one.
 */
#ifndef SAFER_SERVER_SCHEMA_H
#define SAFER_SERVER_SCHEMA_H

/* The version this build creates and expects (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 4

struct sqlite3;

/*
 * Brings db up to STORE_SCHEMA_VERSION and sets *version to what it found
 * there at the end. Returns 0, SAFER_E_PRECOND if the file is newer than this
 * build knows, SAFER_E_DB (logged) if a migration fails; a failed migration
 * leaves the file at the version before it.
 */
int schema_migrate(struct sqlite3 *db, int *version);

/* Reads PRAGMA user_version into *version; 0 or SAFER_E_DB. */
int schema_version(struct sqlite3 *db, int *version);

#endif
