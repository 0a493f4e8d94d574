/*
 * `saferd check DIR`: the health of a data folder's database, or of a backup
 * copy of one, without changing it. It runs SQLite's integrity check and
 * foreign key check, reads the schema version and walks the audit log's hash
 * chain up to the head sealed under the server's key, printing one line per
 * check and exiting 1 if any of them fails.
 *
 * The first three run on a read-only connection of this file's own, because
 * store_open migrates an older schema and a check must not change what it
 * checks. The audit walk needs the store's prepared statements, so it opens
 * the store only when the schema is already current (then store_open has
 * nothing to migrate). WAL lets all of this run beside `saferd run`.
 *
 * `saferd backup` and `saferd restore` run the same checks on their copies
 * through cmd_check_db (cmds.h).
 */
#include "server/cmds.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/schema.h"
#include "server/store.h"

#define CHECK_BUSY_MS 5000    /* how long a read waits for a lock held by saferd */
#define CHECK_PROBLEMS_MAX 5  /* integrity problems asked for (the first is printed) */
#define CHECK_WHY_MAX 160     /* an audit problem's description */
#define CHECK_MESSAGE_MAX 256 /* one problem as SQLite words it */

/*
 * Prints one check's line: every line to stdout when verbose, otherwise only
 * failing lines, to stderr, so that backup and restore stay quiet when all is
 * well.
 */
static void check_say(unsigned flags, int ok, const char *fmt, ...)
{
    FILE *f = (flags & CMD_CHECK_VERBOSE) ? stdout : ok ? NULL : stderr;
    va_list ap;

    if (!f)
        return;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

/* PRAGMA integrity_check: one row "ok", or rows naming the problems. */
static int check_integrity(sqlite3 *db, unsigned flags)
{
    char first[CHECK_MESSAGE_MAX] = "";
    sqlite3_stmt *stmt = NULL;
    int rows = 0, ok = 0;
    int rc;

    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(5)", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = SQLITE_ROW;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const unsigned char *text = sqlite3_column_text(stmt, 0);

        if (rows++ == 0 && text)
            snprintf(first, sizeof(first), "%s", (const char *)text);
    }
    if (rc != SQLITE_DONE)
        snprintf(first, sizeof(first), "%s", sqlite3_errmsg(db));
    else if (rows == 1 && strcmp(first, "ok") == 0)
        ok = 1;
    sqlite3_finalize(stmt);
    if (ok)
        check_say(flags, 1, "integrity: ok");
    else if (rc != SQLITE_DONE)
        check_say(flags, 0, "integrity: cannot be checked: %s", first);
    else
        check_say(flags, 0, "integrity: damaged: %s%s", first,
            rows >= CHECK_PROBLEMS_MAX ? " (and more)"
                : rows > 1             ? " (and others)"
                                       : "");
    return ok;
}

/* PRAGMA foreign_key_check: a row for every reference to a missing row. */
static int check_foreign_keys(sqlite3 *db, unsigned flags)
{
    char first[CHECK_MESSAGE_MAX] = "";
    sqlite3_stmt *stmt = NULL;
    long long rows = 0;
    int rc;

    rc = sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = SQLITE_ROW;
    while (rc == SQLITE_ROW && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (rows++ == 0) {
            const unsigned char *table = sqlite3_column_text(stmt, 0);
            const unsigned char *parent = sqlite3_column_text(stmt, 2);

            snprintf(first, sizeof(first), "row %lld of %s refers to a missing row of %s",
                (long long)sqlite3_column_int64(stmt, 1), table ? (const char *)table : "?",
                parent ? (const char *)parent : "?");
        }
    }
    if (rc != SQLITE_DONE) {
        check_say(flags, 0, "foreign keys: cannot be checked: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return 0;
    }
    sqlite3_finalize(stmt);
    if (rows == 0) {
        check_say(flags, 1, "foreign keys: ok");
        return 1;
    }
    check_say(flags, 0, "foreign keys: %lld broken references; the first: %s", rows, first);
    return 0;
}

/*
 * Reads the schema version into *version and judges it: the current one
 * passes, an older one passes only with CMD_CHECK_ALLOW_OLD (restore: saferd run
 * migrates it), a newer one never does.
 */
static int check_schema(sqlite3 *db, unsigned flags, int *version)
{
    int rc = schema_version(db, version);

    if (rc < 0) {
        check_say(flags, 0, "schema: cannot read the version: %s", sqlite3_errmsg(db));
        return 0;
    }
    if (*version == STORE_SCHEMA_VERSION) {
        check_say(flags, 1, "schema: version %d (current)", *version);
        return 1;
    }
    if (*version > STORE_SCHEMA_VERSION) {
        check_say(flags, 0,
            "schema: version %d is newer than this saferd knows (%d): upgrade saferd", *version,
            STORE_SCHEMA_VERSION);
        return 0;
    }
    if (*version == 0) {
        check_say(flags, 0, "schema: version 0: this is not a Safer database");
        return 0;
    }
    check_say(flags, (flags & CMD_CHECK_ALLOW_OLD) != 0,
        "schema: version %d (needs migration to %d: run saferd run once)", *version,
        STORE_SCHEMA_VERSION);
    return (flags & CMD_CHECK_ALLOW_OLD) != 0;
}

/* The audit chain and its sealed head, through the store (schema current). */
static int check_audit(const char *db, const char *key, unsigned flags, int64_t *rows)
{
    char why[CHECK_WHY_MAX] = "";
    int64_t bad_id = 0;
    store *st = NULL;
    int ok = 0;
    int rc;

    rc = store_open(&st, db, 0);
    if (rc < 0) {
        check_say(flags, 0, "audit: cannot open the database: %s", err_msg(rc));
        goto out;
    }
    rc = audit_load_server_key(st, key);
    if (rc < 0) {
        check_say(flags, 0, "audit: not checked: %s: %s", key,
            rc == SAFER_E_PASSPHRASE ? "passphrase-protected keys are not supported" : err_msg(rc));
        goto out;
    }
    rc = audit_verify_rows(st, rows, &bad_id, why, sizeof(why));
    if (rc == 0) {
        check_say(flags, 1, "audit: intact, %" PRId64 " rows", *rows);
        ok = 1;
    } else if (rc == SAFER_E_PRECOND) {
        check_say(flags, 0, "audit: broken at row %" PRId64 ": %s", bad_id, why);
    } else {
        check_say(flags, 0, "audit: cannot be read: %s", err_msg(rc));
    }
out:
    store_close(st);
    return ok;
}

int cmd_check_db(const char *db, const char *key, unsigned flags, struct cmd_check_report *rep)
{
    sqlite3 *h = NULL;
    struct stat sb;
    int ok = 1;

    memset(rep, 0, sizeof(*rep));
    rep->version = -1;
    if (stat(db, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        check_say(flags, 0, "integrity: %s: no such database file", db);
        return 1;
    }
    rep->bytes = (long long)sb.st_size;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        check_say(
            flags, 0, "integrity: %s: cannot open: %s", db, h ? sqlite3_errmsg(h) : "no memory");
        sqlite3_close(h);
        return 1;
    }
    sqlite3_busy_timeout(h, CHECK_BUSY_MS);
    ok &= check_integrity(h, flags);
    ok &= check_foreign_keys(h, flags);
    ok &= check_schema(h, flags, &rep->version);
    sqlite3_close(h);
    if (!key)
        return ok ? 0 : 1;
    if (ok && rep->version < STORE_SCHEMA_VERSION && (flags & CMD_CHECK_ALLOW_OLD))
        return 0; /* audit_checked stays 0 and the caller says so */
    if (rep->version != STORE_SCHEMA_VERSION) {
        /* The store's statements are written for the current schema only. */
        check_say(
            flags, 0, "audit: not checked until the schema is version %d", STORE_SCHEMA_VERSION);
        return 1;
    }
    ok &= check_audit(db, key, flags, &rep->audit_rows);
    rep->audit_checked = 1;
    return ok ? 0 : 1;
}

static void check_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd check [--key KEYFILE] DIR\n"
        "       saferd check --key KEYFILE FILE\n"
        "\n"
        "Checks the database of the data folder DIR (or the database file FILE,\n"
        "such as a backup) without changing it, and prints one line per check:\n"
        "  integrity     SQLite's integrity check\n"
        "  foreign keys  every reference points at a row that exists\n"
        "  schema        the version is the one this saferd uses (an older one\n"
        "                needs migration: run 'saferd run' once)\n"
        "  audit         the audit log's hash chain reaches the head sealed under\n"
        "                the server's key, so edited, deleted or cut-off rows show\n"
        "Exits 0 if every check passes and 1 if any fails. Safe to run while\n"
        "'saferd run' serves DIR.\n"
        "\n"
        "  --key KEYFILE  the server's key to check the audit head with\n"
        "                 (default: DIR/" SAFERD_KEY_FILE "; needed for a FILE)\n"
        "  -h, --help     show this help\n");
}

/* Parses argv. Returns 0, -1 after --help, or 2 (usage, printed). */
static int check_parse(int argc, char **argv, const char **path, const char **key)
{
    *path = NULL;
    *key = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            check_usage(stdout);
            return -1;
        }
        if (strcmp(a, "--key") == 0 && i + 1 < argc) {
            *key = argv[++i];
            continue;
        }
        if (strncmp(a, "--key=", 6) == 0) {
            *key = a + 6;
            continue;
        }
        if (strcmp(a, "--key") == 0) {
            fprintf(stderr, "saferd: check: --key needs a value\n");
            check_usage(stderr);
            return 2;
        }
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "saferd: check: unknown option \"%s\"\n", a);
            check_usage(stderr);
            return 2;
        }
        if (*path) {
            fprintf(stderr, "saferd: check: one DIR only; \"%s\" is a second\n", a);
            return 2;
        }
        *path = a;
    }
    if (!*path) {
        fprintf(stderr, "saferd: check: DIR is missing\n");
        check_usage(stderr);
        return 2;
    }
    if ((*path)[0] == '\0' || strnlen(*path, SAFERD_DIR_MAX + 1) > SAFERD_DIR_MAX
        || (*key && ((*key)[0] == '\0' || strnlen(*key, SAFERD_PATH_MAX) >= SAFERD_PATH_MAX))) {
        fprintf(stderr, "saferd: check: paths must be 1 to %d bytes long\n", SAFERD_DIR_MAX);
        return 2;
    }
    return 0;
}

int cmd_check(int argc, char **argv)
{
    char db[SAFERD_PATH_MAX], keypath[SAFERD_PATH_MAX];
    struct cmd_check_report rep;
    const char *path = NULL, *key = NULL;
    struct stat sb;
    int ret;

    switch (check_parse(argc, argv, &path, &key)) {
    case 0:
        break;
    case -1:
        return 0;
    default:
        return 2;
    }
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(db, sizeof(db), "%s/%s", path, SAFERD_DB_FILE);
        if (!key) {
            snprintf(keypath, sizeof(keypath), "%s/%s", path, SAFERD_KEY_FILE);
            key = keypath;
        }
    } else {
        snprintf(db, sizeof(db), "%s", path);
    }
    ret = cmd_check_db(db, key, CMD_CHECK_VERBOSE, &rep);
    if (ret == 0 && !key) {
        /* A file with no key: the chain cannot be held against its sealed head. */
        printf("audit: not checked: give the server's key with --key DIR/%s\n", SAFERD_KEY_FILE);
        ret = 1;
    }
    if (fflush(stdout) != 0)
        ret = 1;
    return ret;
}
