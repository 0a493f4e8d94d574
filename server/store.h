/*
 * The store: SQLite behind a narrow interface, so that another backend (for
 * example PostgreSQL through libpq) could take its place without touching the
 * handlers.
 *
 * - Statements are registered once, by id, with `?` placeholders (store_sql.h
 *   lists them; store_sql.c holds their SQL).
 * - Values are only integer, real, text, blob and null; times are UTC seconds.
 * - Reads run on the caller's thread against a read connection (WAL readers do
 *   not wait for the writer).
 * - Writes are jobs. One writer thread takes every pending job, runs each in a
 *   savepoint of one transaction, commits once (group commit: the fsync happens
 *   there, never on the loop thread) and only then reports each job's result
 *   on the loop thread. A job that fails rolls back alone.
 * - No transaction is left open across loop iterations.
 */
#ifndef SAFER_SERVER_STORE_H
#define SAFER_SERVER_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* strlen, for SV_TEXT */

#include <uv.h>

#include "server/store_sql.h"

typedef struct store store;
typedef struct store_tx store_tx;

typedef enum store_type {
    STORE_NULL,
    STORE_INT,
    STORE_REAL,
    STORE_TEXT,
    STORE_BLOB,
} store_type;

/* One value. Text and blob point at memory owned by whoever made the value. */
typedef struct store_val {
    store_type type;
    int64_t i;
    double r;
    const void *p; /* text (NUL-terminated) or blob bytes */
    size_t n;      /* text length without the NUL, or blob length */
} store_val;

#define SV_NULL() ((store_val) { .type = STORE_NULL })
#define SV_INT(x) ((store_val) { .type = STORE_INT, .i = (int64_t)(x) })
#define SV_REAL(x) ((store_val) { .type = STORE_REAL, .r = (x) })
#define SV_TEXT(s) ((store_val) { .type = STORE_TEXT, .p = (s), .n = strlen(s) })
#define SV_BLOB(b, len) ((store_val) { .type = STORE_BLOB, .p = (b), .n = (len) })

/*
 * Called once per result row. The values are valid only during the call.
 * Return 0 to go on, non-zero to stop (store_read/store_tx_exec then return
 * that value).
 */
typedef int (*store_row_fn)(void *ctx, const store_val *cols, size_t ncols);

/* A write job: runs on the writer thread inside the batch transaction. */
typedef int (*store_job_fn)(store_tx *tx, void *ctx);

/*
 * Runs on the loop thread once the batch holding the job is durable (rc 0) or
 * has failed (rc < 0: the job's own code, or the commit's).
 */
typedef void (*store_done_fn)(void *ctx, int rc);

#define STORE_CREATE 1   /* create the file if missing (init) */
#define STORE_READONLY 2 /* only a reader: see below */

/*
 * Opens the database at path: WAL, foreign keys on, synchronous=FULL, every
 * statement prepared, migrations run up to STORE_SCHEMA_VERSION. Returns
 * SAFER_E_NOTFOUND if the file is missing and STORE_CREATE is not given,
 * SAFER_E_DB (with a log line naming the SQLite error), SAFER_E_PRECOND if the
 * schema is newer than this build knows.
 *
 * With STORE_READONLY (not with STORE_CREATE: SAFER_E_INVAL) it opens only a
 * query_only reader connection with a short busy timeout and prepares the
 * statements on it. It never migrates: SAFER_E_PRECOND if the schema version
 * is not exactly STORE_SCHEMA_VERSION. It never has a writer: store_run,
 * store_start_writer and store_submit return SAFER_E_STATE; store_read works.
 * Such a store belongs to the one thread that opened it. The server opens one
 * per worker job that must read (a pack pull, handle_pack.c) in the work
 * callback and closes it there: a connection is cheap next to a PDF render,
 * and a handle of its own means the job never touches the loop's reader.
 */
int store_open(store **out, const char *path, int flags);

/* The path the store was opened with (owned by the store). */
const char *store_path(const store *st);

/* Stops the writer (finishing pending jobs) and closes; NULL is allowed. */
void store_close(store *st);

#define STORE_AUDIT_KEY_BYTES 32

/*
 * Gives the store the key that authenticates the audit log's head (see
 * audit.h), copied into sodium_malloc memory that is read-only while held and
 * wiped at close. Call it before store_start_writer: the writer thread reads
 * it without a lock. SAFER_E_NOMEM.
 */
int store_set_audit_key(store *st, const uint8_t key[STORE_AUDIT_KEY_BYTES]);

/* The audit key, or NULL when none was set; for audit.c. */
const uint8_t *store_audit_key(const store *st);
const uint8_t *store_tx_audit_key(const store_tx *tx);

/*
 * Runs a read statement on the read connection. Reads are made from one
 * thread (the loop's, or for a STORE_READONLY store the thread that opened
 * it); a row callback must not run the same statement again.
 * Returns 0, the callback's non-zero value if it stopped, SAFER_E_INVAL for
 * arguments that do not match the statement, SAFER_E_DB.
 */
int store_read(store *st, enum store_stmt stmt, const store_val *args, size_t nargs,
    store_row_fn fn, void *ctx);

/*
 * Starts the writer thread; completions are delivered on loop. Until this is
 * called, store_submit fails with SAFER_E_STATE.
 */
int store_start_writer(store *st, uv_loop_t *loop);

/*
 * Stops taking jobs, commits what is pending, joins the thread and delivers the
 * last completions on the calling thread (which must be the loop's), then
 * closes the loop's async handle. That handle's memory is freed in its close
 * callback, so the store itself may be closed at once, but the caller must run
 * the loop until its handles have closed before uv_loop_close. Called by
 * store_close too (harmless if the writer is not running).
 */
void store_stop_writer(store *st);

/*
 * Queues a write job. ctx must stay valid until done runs. done may be NULL.
 * SAFER_E_STATE when the writer is not running or is stopping.
 */
int store_submit(store *st, store_job_fn job, store_done_fn done, void *ctx);

/*
 * Runs one job synchronously in its own transaction (init, offline commands,
 * tests) and returns its code, or SAFER_E_DB if the commit failed. The writer
 * connection belongs to the writer thread while it runs, so this returns
 * SAFER_E_STATE between store_start_writer and store_stop_writer.
 */
int store_run(store *st, store_job_fn job, void *ctx);

/*
 * Runs a statement inside a job, on the writer connection. Returns as
 * store_read does, and SAFER_E_EXISTS when a UNIQUE constraint refuses a row.
 */
int store_tx_exec(store_tx *tx, enum store_stmt stmt, const store_val *args, size_t nargs,
    store_row_fn fn, void *ctx);

/* The rowid of the last insert and the rows changed by the last statement. */
int64_t store_tx_last_id(store_tx *tx);
int store_tx_changes(store_tx *tx);

/* The schema version of an open store. */
int store_schema_version(store *st);

/* Counters for tests and benchmarks. */
typedef struct store_stats {
    uint64_t batches; /* transactions the writer thread has run, one per batch */
    uint64_t jobs;    /* jobs that ran in them (failed or not) */
} store_stats;

/* Copies the writer's counters; safe from any thread. */
void store_get_stats(store *st, store_stats *out);

#endif
