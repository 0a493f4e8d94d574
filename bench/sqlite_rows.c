/*
 * sqlite_rows: the reference for the durable-submissions anchor of DESIGN.md
 * ("against SQLite's own limits"). It inserts rows shaped like one report
 * version (the columns of report_versions in server/schema.c, with its two
 * UNIQUE indexes, a 1 KB Markdown body and a 16-byte key) into a fresh
 * database file in DIR, with the server's own settings (WAL,
 * synchronous=FULL), committing in three ways:
 *
 *     per_row   one transaction per row: what a server without group commit
 *               could at best do for durable writes, one fsync'd commit each
 *     batch100  100 rows per transaction
 *     all       every row in one transaction: the ceiling for this row size
 *
 *   sqlite_rows DIR [--rows N] [--seconds S] [--bytes B]
 *
 * Each way gets its own new file (DIR/sqlite_rows.XXXXXX), removed after.
 * N rows each (default 5000), but a way stops at the first transaction
 * boundary after S seconds (default 10): per_row may insert fewer. Prints
 * "sqlite_version=V", then one line per way: "mode=M rows=R per_commit=P
 * seconds=T rate=ROWS_PER_S". DIR should be
 * on the same file system as the server's data folder, so that both pay the
 * same fsync.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/err.h"

#define ROWS_MAX 1000000L
#define ROWS_SECONDS_MAX 600L
#define ROWS_BYTES_MAX 1048576L /* REPORT_BODY_MAX */
#define ROWS_PATH_MAX 4096
#define ROWS_IDEM_BYTES 16
#define ROWS_VERSIONS 100 /* PAPERS_VERSIONS_MAX: versions per report before the next */

struct rows_opts {
    const char *dir;
    long rows;
    long seconds;
    long bytes;
};

static const char rows_schema[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  "CREATE TABLE report_versions ("
                                  " id INTEGER PRIMARY KEY,"
                                  " report_id INTEGER NOT NULL,"
                                  " version INTEGER NOT NULL CHECK (version >= 1),"
                                  " title TEXT NOT NULL,"
                                  " rag INTEGER NOT NULL CHECK (rag BETWEEN 1 AND 3),"
                                  " marking INTEGER NOT NULL CHECK (marking IN (1, 2)),"
                                  " author_id INTEGER NOT NULL,"
                                  " submitted INTEGER NOT NULL,"
                                  " late INTEGER NOT NULL CHECK (late IN (0, 1)),"
                                  " body TEXT NOT NULL,"
                                  " idem_key BLOB NOT NULL CHECK (length(idem_key) = 16),"
                                  " UNIQUE (report_id, version),"
                                  " UNIQUE (report_id, idem_key)"
                                  ") STRICT;";

static const char rows_insert[]
    = "INSERT INTO report_versions (report_id, version, title, rag, marking, author_id,"
      " submitted, late, body, idem_key) VALUES (?, ?, 'Benchmark paper', 3, 1, 1, ?, 0, ?, ?)";

static double rows_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A cheap generator for the keys: they only need to differ, not be secret. */
static uint64_t rows_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int rows_exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    fprintf(stderr, "sqlite_rows: %s: %s\n", sql, sqlite3_errmsg(db));
    return SAFER_E_DB;
}

/* Inserts row i with body (len bytes); the key comes from *seed. */
static int rows_one(
    sqlite3 *db, sqlite3_stmt *ins, long i, const char *body, long len, uint64_t *seed)
{
    uint64_t key[ROWS_IDEM_BYTES / sizeof(uint64_t)];
    int rc;

    for (size_t k = 0; k < sizeof(key) / sizeof(key[0]); k++)
        key[k] = rows_next(seed);
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, i / ROWS_VERSIONS + 1);
    sqlite3_bind_int64(ins, 2, i % ROWS_VERSIONS + 1);
    sqlite3_bind_int64(ins, 3, (sqlite3_int64)time(NULL));
    sqlite3_bind_text(ins, 4, body, (int)len, SQLITE_STATIC);
    sqlite3_bind_blob(ins, 5, key, sizeof(key), SQLITE_STATIC);
    rc = sqlite3_step(ins);
    if (rc == SQLITE_DONE)
        return 0;
    fprintf(stderr, "sqlite_rows: insert: %s\n", sqlite3_errmsg(db));
    return SAFER_E_DB;
}

/*
 * Inserts up to o->rows rows, per rows to a transaction, into db; stops at
 * the first commit after the deadline. *done is how many were committed.
 */
static int rows_fill(
    sqlite3 *db, const struct rows_opts *o, const char *body, long per, long *done, double *secs)
{
    sqlite3_stmt *ins = NULL;
    uint64_t seed = 0x9e3779b97f4a7c15u;
    double t0, deadline;
    long i = 0;
    int ret = SAFER_E_DB;

    *done = 0;
    if (sqlite3_prepare_v2(db, rows_insert, -1, &ins, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_rows: prepare: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    t0 = rows_now();
    deadline = t0 + (double)o->seconds;
    while (i < o->rows && rows_now() < deadline) {
        if ((ret = rows_exec(db, "BEGIN IMMEDIATE")) < 0)
            goto out;
        for (long k = 0; k < per && i < o->rows; k++, i++) {
            if ((ret = rows_one(db, ins, i, body, o->bytes, &seed)) < 0)
                goto out;
        }
        /* COMMIT returns once the WAL is fsync'd: synchronous=FULL. */
        if ((ret = rows_exec(db, "COMMIT")) < 0)
            goto out;
        *done = i;
    }
    *secs = rows_now() - t0;
    ret = 0;
out:
    sqlite3_finalize(ins);
    return ret;
}

/* One way of committing, on its own new file in o->dir; prints its line. */
static int rows_mode(const struct rows_opts *o, const char *name, long per, const char *body)
{
    char path[ROWS_PATH_MAX], side[ROWS_PATH_MAX + 8];
    sqlite3 *db = NULL;
    long done = 0;
    double secs = 0.0;
    int fd, ret = SAFER_E_IO;

    if (snprintf(path, sizeof(path), "%s/sqlite_rows.XXXXXX", o->dir) >= (int)sizeof(path))
        return SAFER_E_INVAL;
    /* mkstemp makes a unique empty file; SQLite takes an empty file as a new database. */
    if ((fd = mkstemp(path)) < 0) {
        fprintf(stderr, "sqlite_rows: %s: %s\n", path, strerror(errno));
        return SAFER_E_IO;
    }
    close(fd);
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite_rows: open %s: %s\n", path, sqlite3_errmsg(db));
        goto out;
    }
    if ((ret = rows_exec(db, rows_schema)) < 0
        || (ret = rows_fill(db, o, body, per, &done, &secs)) < 0)
        goto out;
    printf("mode=%s rows=%ld per_commit=%ld seconds=%.3f rate=%.1f\n", name, done, per, secs,
        secs > 0 ? (double)done / secs : 0.0);
    fflush(stdout);
out:
    sqlite3_close(db);
    unlink(path);
    /* A clean close removes these already; a failed run may leave them. */
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    return ret;
}

static int rows_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;

    errno = 0;
    *out = strtol(s, &end, 10);
    return (errno != 0 || end == s || *end != '\0' || *out < lo || *out > hi) ? -1 : 0;
}

static int rows_parse(int argc, char **argv, struct rows_opts *o)
{
    o->rows = 5000;
    o->seconds = 10;
    o->bytes = 1024;
    if (argc < 2 || argc % 2 != 0 || strlen(argv[1]) >= ROWS_PATH_MAX - 32)
        return -1;
    o->dir = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        int bad = 1;

        if (strcmp(k, "--rows") == 0)
            bad = rows_parse_long(v, 1, ROWS_MAX, &o->rows);
        else if (strcmp(k, "--seconds") == 0)
            bad = rows_parse_long(v, 1, ROWS_SECONDS_MAX, &o->seconds);
        else if (strcmp(k, "--bytes") == 0)
            bad = rows_parse_long(v, 1, ROWS_BYTES_MAX, &o->bytes);
        if (bad)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct rows_opts o = { 0 };
    char *body;
    int ret = 1;

    if (rows_parse(argc, argv, &o) != 0) {
        fputs("usage: sqlite_rows DIR [--rows N] [--seconds S] [--bytes B]\n", stderr);
        return 2;
    }
    if ((body = malloc((size_t)o.bytes)) == NULL)
        return 1;
    printf("sqlite_version=%s\n", sqlite3_libversion());
    /* Plain ASCII Markdown lines, like bench_client's submission body. */
    for (long i = 0; i < o.bytes; i++)
        body[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    if (rows_mode(&o, "per_row", 1, body) == 0 && rows_mode(&o, "batch100", 100, body) == 0
        && rows_mode(&o, "all", o.rows, body) == 0)
        ret = 0;
    free(body);
    return ret;
}
