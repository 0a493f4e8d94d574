/*
 * The SQLite store behind store.h.
 *
 * Map of this file:
 *   - values: binding store_val arguments and reading result rows
 *   - statements: running one prepared statement with a row callback
 *   - open/close: the two connections, pragmas, migrations, preparation
 *   - transactions: store_run and the batch runner shared with the writer
 *   - the writer thread: queue, group commit, completions on the loop
 *
 * A store opened with STORE_READONLY has only the reader: no writer, no
 * migration, and store_run, store_start_writer and store_submit refuse it.
 *
 * Two connections: the writer (WAL, synchronous=FULL) is used only by the
 * writer thread while it runs, or by store_run when it does not; the reader
 * (query_only) serves store_read on the caller's thread. Every statement is
 * prepared on both at open, so neither ever parses SQL while serving.
 */
#include "server/store.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "common/err.h"
#include "common/log.h"
#include "server/schema.h"

#define STORE_COLS_MAX 32  /* the most result columns a statement may have */
#define STORE_BUSY_MS 5000 /* how long the writer waits for a lock */
/*
 * How long the reader waits. In WAL mode a reader only ever waits for brief
 * moments (WAL-index recovery, an exclusive lock taken by some other
 * process), and it runs on the loop thread, so a long wait would stall every
 * connection: better to fail the one request.
 */
#define STORE_READ_BUSY_MS 50
/*
 * How long a read-only store (STORE_READONLY) waits. It serves a worker
 * thread, never the loop, so it may wait a little longer than the loop's
 * reader, but still fails the one request rather than hanging a worker.
 */
#define STORE_RO_BUSY_MS 1000

/* The control statements a batch needs, prepared once on the writer. */
enum store_ctl {
    CTL_BEGIN,
    CTL_COMMIT,
    CTL_ROLLBACK,
    CTL_SAVEPOINT,
    CTL_RELEASE,
    CTL_ROLLBACK_TO,
    CTL__COUNT
};

static const char *const store_ctl_sql[CTL__COUNT] = {
    [CTL_BEGIN] = "BEGIN IMMEDIATE",
    [CTL_COMMIT] = "COMMIT",
    [CTL_ROLLBACK] = "ROLLBACK",
    [CTL_SAVEPOINT] = "SAVEPOINT job",
    [CTL_RELEASE] = "RELEASE job",
    [CTL_ROLLBACK_TO] = "ROLLBACK TO job",
};

/* One queued write job and, later, its result. */
struct store_job {
    store_job_fn job;       /* runs on the writer thread */
    store_done_fn done;     /* runs on the loop thread */
    void *ctx;              /* the caller's, passed to both */
    int rc;                 /* the job's result once its batch is over */
    struct store_job *next; /* queue link */
};

/* What a job sees: the writer connection and its statements. */
struct store_tx {
    sqlite3 *db;              /* the writer connection */
    sqlite3_stmt **stmts;     /* the writer's prepared statements */
    const uint8_t *audit_key; /* the store's audit key, or NULL when none is set */
};

struct store {
    sqlite3 *w;                    /* writer connection */
    sqlite3 *r;                    /* reader connection (query_only) */
    sqlite3_stmt *ws[ST__COUNT];   /* statements prepared on the writer */
    sqlite3_stmt *rs[ST__COUNT];   /* statements prepared on the reader */
    sqlite3_stmt *ctl[CTL__COUNT]; /* BEGIN, COMMIT, savepoints on the writer */
    store_tx tx;                   /* the one transaction context, on the writer */
    int version;                   /* schema version after migration */
    int readonly;                  /* opened with STORE_READONLY: no writer connection */
    char *path;                    /* the database file, for store_path */
    uint8_t *audit_key;            /* STORE_AUDIT_KEY_BYTES in sodium_malloc memory, or NULL */

    uv_mutex_t mu;             /* guards everything below */
    uv_cond_t cond;            /* signalled when jobs arrive or stopping is set */
    uv_thread_t thread;        /* the writer thread */
    uv_async_t *async;         /* wakes the loop for completions; freed in its close cb */
    int running;               /* the writer thread is started and not yet joined */
    int stopping;              /* no new jobs; the thread exits once the queue is empty */
    struct store_job *pending; /* jobs waiting for the writer, in order */
    struct store_job **pending_tail;
    struct store_job *finished; /* jobs whose batch is over, awaiting done() */
    struct store_job **finished_tail;
    store_stats stats; /* batches and jobs the writer thread has run */
};

/* ---- values ---------------------------------------------------------- */

static int store_bind(sqlite3_stmt *stmt, const store_val *args, size_t nargs)
{
    if (nargs != (size_t)sqlite3_bind_parameter_count(stmt))
        return SAFER_E_INVAL;
    for (size_t i = 0; i < nargs; i++) {
        int col = (int)i + 1;
        int rc;

        if ((args[i].type == STORE_TEXT || args[i].type == STORE_BLOB) && args[i].n > INT_MAX)
            return SAFER_E_TOOBIG;
        switch (args[i].type) {
        case STORE_NULL:
            rc = sqlite3_bind_null(stmt, col);
            break;
        case STORE_INT:
            rc = sqlite3_bind_int64(stmt, col, args[i].i);
            break;
        case STORE_REAL:
            rc = sqlite3_bind_double(stmt, col, args[i].r);
            break;
        case STORE_TEXT:
            rc = sqlite3_bind_text(stmt, col, args[i].p, (int)args[i].n, SQLITE_STATIC);
            break;
        case STORE_BLOB:
            /* A zero-length blob still binds as a blob, not as NULL. */
            rc = sqlite3_bind_blob(
                stmt, col, args[i].n ? args[i].p : "", (int)args[i].n, SQLITE_STATIC);
            break;
        default:
            return SAFER_E_INVAL;
        }
        if (rc != SQLITE_OK)
            return SAFER_E_DB;
    }
    return 0;
}

static void store_column(sqlite3_stmt *stmt, int i, store_val *v)
{
    memset(v, 0, sizeof(*v));
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        v->type = STORE_INT;
        v->i = sqlite3_column_int64(stmt, i);
        break;
    case SQLITE_FLOAT:
        v->type = STORE_REAL;
        v->r = sqlite3_column_double(stmt, i);
        break;
    case SQLITE_TEXT:
        v->type = STORE_TEXT;
        v->p = sqlite3_column_text(stmt, i);
        v->n = (size_t)sqlite3_column_bytes(stmt, i);
        break;
    case SQLITE_BLOB:
        v->type = STORE_BLOB;
        v->p = sqlite3_column_blob(stmt, i);
        v->n = (size_t)sqlite3_column_bytes(stmt, i);
        if (!v->p)
            v->p = "";
        break;
    default:
        v->type = STORE_NULL;
        break;
    }
}

/* ---- statements ------------------------------------------------------ */

/*
 * Maps a failed step to a project code, logging what is not expected. The
 * statement's SQL holds only placeholders, never values, so it may be logged.
 */
static int store_step_error(sqlite3 *db, sqlite3_stmt *stmt, int rc)
{
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        /* An expected outcome (a duplicate), reported to the caller, not logged. */
        return SAFER_E_EXISTS;
    }
    log_error("database: %s (in: %.60s)", sqlite3_errmsg(db), sqlite3_sql(stmt));
    return SAFER_E_DB;
}

/*
 * Binds, steps through every row (calling fn on each) and resets, so that no
 * statement holds a read snapshot or a lock after it returns.
 */
static int store_exec(sqlite3 *db, sqlite3_stmt *stmt, enum store_stmt id, const store_val *args,
    size_t nargs, store_row_fn fn, void *ctx)
{
    store_val cols[STORE_COLS_MAX];
    int ncols;
    int ret;
    int rc;

    ret = store_bind(stmt, args, nargs);
    if (ret < 0) {
        log_error("statement %d: bad arguments (%s)", (int)id, err_name(ret));
        goto out;
    }
    ncols = sqlite3_column_count(stmt);
    if (ncols > STORE_COLS_MAX) {
        ret = SAFER_E_INTERNAL;
        goto out;
    }
    for (;;) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) {
            ret = 0;
            break;
        }
        if (rc != SQLITE_ROW) {
            ret = store_step_error(db, stmt, sqlite3_extended_errcode(db));
            break;
        }
        if (!fn)
            continue;
        for (int i = 0; i < ncols; i++)
            store_column(stmt, i, &cols[i]);
        ret = fn(ctx, cols, (size_t)ncols);
        if (ret != 0)
            break;
    }
out:
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return ret;
}

int store_read(store *st, enum store_stmt stmt, const store_val *args, size_t nargs,
    store_row_fn fn, void *ctx)
{
    if ((int)stmt < 0 || stmt >= ST__COUNT)
        return SAFER_E_INVAL;
    return store_exec(st->r, st->rs[stmt], stmt, args, nargs, fn, ctx);
}

int store_tx_exec(store_tx *tx, enum store_stmt stmt, const store_val *args, size_t nargs,
    store_row_fn fn, void *ctx)
{
    if ((int)stmt < 0 || stmt >= ST__COUNT)
        return SAFER_E_INVAL;
    return store_exec(tx->db, tx->stmts[stmt], stmt, args, nargs, fn, ctx);
}

int64_t store_tx_last_id(store_tx *tx)
{
    return sqlite3_last_insert_rowid(tx->db);
}

int store_tx_changes(store_tx *tx)
{
    return sqlite3_changes(tx->db);
}

int store_schema_version(store *st)
{
    return st->version;
}

/* ---- open and close -------------------------------------------------- */

static int store_connect(
    sqlite3 **db, const char *path, int flags, const char *pragmas, int busy_ms)
{
    int rc = sqlite3_open_v2(path, db, flags, NULL);

    if (rc != SQLITE_OK) {
        log_error("opening the database: %s", *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
        return SAFER_E_DB;
    }
    sqlite3_extended_result_codes(*db, 1);
    sqlite3_busy_timeout(*db, busy_ms);
    if (sqlite3_exec(*db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        log_error("setting up the database connection: %s", sqlite3_errmsg(*db));
        return SAFER_E_DB;
    }
    return 0;
}

/* WAL is asked for, not guaranteed (some file systems refuse it): check. */
static int store_want_wal(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    int ret = SAFER_E_DB;

    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL) != SQLITE_OK
        || sqlite3_step(stmt) != SQLITE_ROW) {
        log_error("switching the database to WAL: %s", sqlite3_errmsg(db));
        goto out;
    }
    if (sqlite3_stricmp((const char *)sqlite3_column_text(stmt, 0), "wal") != 0) {
        log_error("the database refused WAL mode");
        goto out;
    }
    ret = 0;
out:
    sqlite3_finalize(stmt);
    return ret;
}

static int store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        log_error("preparing a statement: %s", sqlite3_errmsg(db));
        return SAFER_E_DB;
    }
    return 0;
}

static int store_prepare_all(store *st)
{
    for (int i = 0; i < ST__COUNT; i++) {
        const char *sql = store_sql_text((enum store_stmt)i);

        if (!sql) {
            log_error("statement %d has no SQL", i);
            return SAFER_E_INTERNAL;
        }
        if (!st->readonly && store_prepare(st->w, sql, &st->ws[i]) < 0)
            return SAFER_E_DB;
        if (store_prepare(st->r, sql, &st->rs[i]) < 0)
            return SAFER_E_DB;
    }
    if (st->readonly)
        return 0;
    for (int i = 0; i < CTL__COUNT; i++) {
        if (store_prepare(st->w, store_ctl_sql[i], &st->ctl[i]) < 0)
            return SAFER_E_DB;
    }
    return 0;
}

static void store_free(store *st)
{
    for (int i = 0; i < ST__COUNT; i++) {
        sqlite3_finalize(st->ws[i]);
        sqlite3_finalize(st->rs[i]);
    }
    for (int i = 0; i < CTL__COUNT; i++)
        sqlite3_finalize(st->ctl[i]);
    /* The reader goes first so that closing the writer checkpoints the WAL. */
    if (sqlite3_close(st->r) != SQLITE_OK)
        log_error("closing the database reader: %s", sqlite3_errmsg(st->r));
    if (st->w && sqlite3_close(st->w) != SQLITE_OK)
        log_error("closing the database: %s", sqlite3_errmsg(st->w));
    uv_cond_destroy(&st->cond);
    uv_mutex_destroy(&st->mu);
    /* sodium_free wipes the key. */
    sodium_free(st->audit_key);
    free(st->path);
    free(st);
}

/* Allocates a store with its lock, condition and path; NULL when out of memory. */
static store *store_alloc(const char *path)
{
    store *st = calloc(1, sizeof(*st));

    if (!st)
        return NULL;
    st->path = strdup(path);
    if (!st->path) {
        free(st);
        return NULL;
    }
    if (uv_mutex_init(&st->mu) != 0) {
        free(st->path);
        free(st);
        return NULL;
    }
    if (uv_cond_init(&st->cond) != 0) {
        uv_mutex_destroy(&st->mu);
        free(st->path);
        free(st);
        return NULL;
    }
    st->pending_tail = &st->pending;
    st->finished_tail = &st->finished;
    st->tx.stmts = st->ws;
    return st;
}

/*
 * The read-only open: one query_only connection, no migration, no writer.
 * The schema must already be this build's, since nothing here may change it.
 */
static int store_open_readonly(store *st)
{
    int ret = store_connect(&st->r, st->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
        "PRAGMA query_only=ON; PRAGMA foreign_keys=ON;", STORE_RO_BUSY_MS);

    if (ret < 0)
        return ret;
    ret = schema_version(st->r, &st->version);
    if (ret < 0)
        return ret;
    if (st->version != STORE_SCHEMA_VERSION) {
        log_error("the database schema is version %d, this build reads only %d", st->version,
            STORE_SCHEMA_VERSION);
        return SAFER_E_PRECOND;
    }
    return store_prepare_all(st);
}

/* The full open: the writer (migrating), then the reader. */
static int store_open_full(store *st, int flags)
{
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int ret;

    ret = store_connect(&st->w, st->path,
        oflags | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0),
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", STORE_BUSY_MS);
    if (ret < 0)
        return ret;
    st->tx.db = st->w;
    ret = store_want_wal(st->w);
    if (ret < 0)
        return ret;
    ret = schema_migrate(st->w, &st->version);
    if (ret < 0)
        return ret;
    ret = store_connect(&st->r, st->path, oflags, "PRAGMA query_only=ON; PRAGMA foreign_keys=ON;",
        STORE_READ_BUSY_MS);
    if (ret < 0)
        return ret;
    return store_prepare_all(st);
}

int store_open(store **out, const char *path, int flags)
{
    store *st = NULL;
    int ret;

    *out = NULL;
    if ((flags & STORE_READONLY) && (flags & STORE_CREATE))
        return SAFER_E_INVAL;
    if (!(flags & STORE_CREATE) && access(path, F_OK) != 0)
        return SAFER_E_NOTFOUND;
    st = store_alloc(path);
    if (!st)
        return SAFER_E_NOMEM;
    st->readonly = (flags & STORE_READONLY) != 0;
    ret = st->readonly ? store_open_readonly(st) : store_open_full(st, flags);
    if (ret < 0)
        goto out;
    *out = st;
    st = NULL;
out:
    if (st)
        store_free(st);
    return ret;
}

const char *store_path(const store *st)
{
    return st->path;
}

int store_set_audit_key(store *st, const uint8_t key[STORE_AUDIT_KEY_BYTES])
{
    if (st->audit_key == NULL) {
        st->audit_key = sodium_malloc(STORE_AUDIT_KEY_BYTES);
        if (st->audit_key == NULL)
            return SAFER_E_NOMEM;
    } else if (sodium_mprotect_readwrite(st->audit_key) != 0) {
        return SAFER_E_INTERNAL;
    }
    memcpy(st->audit_key, key, STORE_AUDIT_KEY_BYTES);
    sodium_mprotect_readonly(st->audit_key);
    st->tx.audit_key = st->audit_key;
    return 0;
}

const uint8_t *store_audit_key(const store *st)
{
    return st->audit_key;
}

const uint8_t *store_tx_audit_key(const store_tx *tx)
{
    return tx->audit_key;
}

void store_close(store *st)
{
    if (!st)
        return;
    store_stop_writer(st);
    store_free(st);
}

/* ---- transactions ---------------------------------------------------- */

static int store_ctl(store *st, enum store_ctl c)
{
    int rc = sqlite3_step(st->ctl[c]);

    sqlite3_reset(st->ctl[c]);
    if (rc != SQLITE_DONE) {
        log_error("%s: %s", store_ctl_sql[c], sqlite3_errmsg(st->w));
        return SAFER_E_DB;
    }
    return 0;
}

/*
 * Runs one job in a savepoint so that a failing job undoes only its own
 * changes. Returns the job's code; sets *lost if the enclosing transaction is
 * gone (SQLite rolls everything back on some errors, such as a full disk).
 */
static int store_job_run(store *st, struct store_job *j, int *lost)
{
    int rc;

    if (store_ctl(st, CTL_SAVEPOINT) < 0) {
        *lost = 1;
        return SAFER_E_DB;
    }
    rc = j->job(&st->tx, j->ctx);
    if (sqlite3_get_autocommit(st->w)) {
        log_error("a write job lost its transaction");
        *lost = 1;
        return rc < 0 ? rc : SAFER_E_DB;
    }
    if (rc < 0) {
        if (store_ctl(st, CTL_ROLLBACK_TO) < 0 || store_ctl(st, CTL_RELEASE) < 0)
            *lost = 1;
        return rc;
    }
    if (store_ctl(st, CTL_RELEASE) < 0) {
        *lost = 1;
        return SAFER_E_DB;
    }
    return 0;
}

/*
 * Runs a list of jobs as one transaction with one commit. Sets each job's rc:
 * its own failure, or SAFER_E_DB for everyone if the commit does not happen.
 */
static void store_batch(store *st, struct store_job *head)
{
    int lost = 0;

    if (store_ctl(st, CTL_BEGIN) < 0) {
        for (struct store_job *j = head; j; j = j->next)
            j->rc = SAFER_E_DB;
        return;
    }
    for (struct store_job *j = head; j; j = j->next)
        j->rc = lost ? SAFER_E_DB : store_job_run(st, j, &lost);
    if (!lost && store_ctl(st, CTL_COMMIT) == 0)
        return;
    /* Nothing in this batch is durable: the jobs that succeeded learn so. */
    if (!sqlite3_get_autocommit(st->w))
        store_ctl(st, CTL_ROLLBACK);
    for (struct store_job *j = head; j; j = j->next) {
        if (j->rc == 0)
            j->rc = SAFER_E_DB;
    }
}

int store_run(store *st, store_job_fn job, void *ctx)
{
    struct store_job j = { .job = job, .ctx = ctx };
    int running;

    if (st->readonly)
        return SAFER_E_STATE;
    uv_mutex_lock(&st->mu);
    running = st->running;
    uv_mutex_unlock(&st->mu);
    /* The writer connection belongs to the writer thread while it runs. */
    if (running)
        return SAFER_E_STATE;
    store_batch(st, &j);
    return j.rc;
}

/* ---- the writer thread ----------------------------------------------- */

static void store_writer_main(void *arg)
{
    store *st = arg;
    struct store_job *batch;

    uv_mutex_lock(&st->mu);
    for (;;) {
        while (!st->pending && !st->stopping)
            uv_cond_wait(&st->cond, &st->mu);
        if (!st->pending)
            break;
        /* Group commit: everything queued so far goes into one transaction. */
        batch = st->pending;
        st->pending = NULL;
        st->pending_tail = &st->pending;
        uv_mutex_unlock(&st->mu);

        store_batch(st, batch);

        uv_mutex_lock(&st->mu);
        st->stats.batches++;
        st->stats.jobs++;
        *st->finished_tail = batch;
        while (batch->next) {
            batch = batch->next;
            st->stats.jobs++;
        }
        st->finished_tail = &batch->next;
        uv_async_send(st->async);
    }
    uv_mutex_unlock(&st->mu);
}

/* Calls done() for every finished job, on the calling (loop) thread. */
static void store_deliver(store *st)
{
    struct store_job *list;

    uv_mutex_lock(&st->mu);
    list = st->finished;
    st->finished = NULL;
    st->finished_tail = &st->finished;
    uv_mutex_unlock(&st->mu);
    while (list) {
        struct store_job *next = list->next;

        if (list->done)
            list->done(list->ctx, list->rc);
        free(list);
        list = next;
    }
}

static void store_async_cb(uv_async_t *handle)
{
    store_deliver(handle->data);
}

static void store_async_close_cb(uv_handle_t *handle)
{
    free(handle);
}

int store_start_writer(store *st, uv_loop_t *loop)
{
    uv_async_t *async;

    if (st->running || st->readonly)
        return SAFER_E_STATE;
    async = calloc(1, sizeof(*async));
    if (!async)
        return SAFER_E_NOMEM;
    if (uv_async_init(loop, async, store_async_cb) != 0) {
        free(async);
        return SAFER_E_INTERNAL;
    }
    async->data = st;
    uv_mutex_lock(&st->mu);
    st->async = async;
    st->stopping = 0;
    st->running = 1;
    uv_mutex_unlock(&st->mu);
    if (uv_thread_create(&st->thread, store_writer_main, st) != 0) {
        log_error("cannot start the database writer thread");
        uv_mutex_lock(&st->mu);
        st->running = 0;
        st->async = NULL;
        uv_mutex_unlock(&st->mu);
        uv_close((uv_handle_t *)async, store_async_close_cb);
        return SAFER_E_INTERNAL;
    }
    return 0;
}

void store_stop_writer(store *st)
{
    if (!st || !st->running)
        return;
    uv_mutex_lock(&st->mu);
    st->stopping = 1;
    uv_cond_signal(&st->cond);
    uv_mutex_unlock(&st->mu);
    uv_thread_join(&st->thread);
    store_deliver(st);
    uv_close((uv_handle_t *)st->async, store_async_close_cb);
    uv_mutex_lock(&st->mu);
    st->async = NULL;
    st->running = 0;
    st->stopping = 0;
    uv_mutex_unlock(&st->mu);
}

int store_submit(store *st, store_job_fn job, store_done_fn done, void *ctx)
{
    struct store_job *j = calloc(1, sizeof(*j));
    int ret = SAFER_E_STATE;

    if (!j)
        return SAFER_E_NOMEM;
    j->job = job;
    j->done = done;
    j->ctx = ctx;
    uv_mutex_lock(&st->mu);
    if (st->running && !st->stopping) {
        *st->pending_tail = j;
        st->pending_tail = &j->next;
        uv_cond_signal(&st->cond);
        j = NULL;
        ret = 0;
    }
    uv_mutex_unlock(&st->mu);
    free(j);
    return ret;
}

void store_get_stats(store *st, store_stats *out)
{
    uv_mutex_lock(&st->mu);
    *out = st->stats;
    uv_mutex_unlock(&st->mu);
}
