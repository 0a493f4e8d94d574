/*
 * `saferd backup DIR FILE` and `saferd restore FILE DIR`: copies of a data
 * folder's database made through SQLite's online backup API, page by page,
 * never by copying the file's bytes (which could catch a write half-done and
 * would miss what still sits in the WAL).
 *
 * A backup may run while `saferd run` serves DIR. Its source connection holds
 * one read transaction from the first page to the last, so every page comes
 * from the same snapshot: everything committed (and so acknowledged) before
 * the backup began is in it, and the server's writers never wait for it
 * (WAL). The copy is written to FILE.tmp, checked as `saferd check` would,
 * switched out of WAL mode so that it is one self-contained file, fsynced and
 * only then renamed over FILE; a crash leaves the old FILE or the new one.
 *
 * Only the database is copied. The keys (server.key, sign.key) are secrets
 * that change rarely and must be kept apart from it; the help says so.
 *
 * Restore checks FILE first, copies it into DIR/safer.db.tmp the same way and
 * renames it into place, refusing to replace a database without --force.
 */
#include "server/cmds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define BACKUP_STEP_PAGES 256  /* pages copied per step, so locks are held briefly */
#define BACKUP_BUSY_MS 5000    /* how long opening the source waits for a lock */
#define BACKUP_SLEEP_MS 20     /* the pause after a busy or locked step */
#define BACKUP_RETRIES_MAX 250 /* busy steps in a row before giving up (~5 s) */
#define BACKUP_ERR_MAX 256

/* The paths one run works on. */
struct backup_paths {
    char src[SAFERD_PATH_MAX]; /* the database copied from */
    char dst[SAFERD_PATH_MAX]; /* where the copy ends up */
    char tmp[SAFERD_PATH_MAX]; /* dst + ".tmp", in the same folder */
    char dir[SAFERD_PATH_MAX]; /* the folder holding dst, fsynced after the rename */
    char key[SAFERD_PATH_MAX]; /* the data folder's server.key */
};

static void backup_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd backup DIR FILE\n"
        "\n"
        "Copies the database of the data folder DIR into FILE with SQLite's online\n"
        "backup API, safely while 'saferd run' serves DIR: everything acknowledged\n"
        "before the backup began is in the copy. The copy is written to FILE.tmp,\n"
        "checked as 'saferd check' does, synced to disk and renamed to FILE (mode\n"
        "0600). Prints \"Backed up DIR to FILE (N bytes, schema vS, audit rows R)\".\n"
        "\n"
        "The copy holds the database only. DIR's key files, " SAFERD_KEY_FILE
        " and " SAFERD_SIGN_FILE ",\n"
        "must be backed up separately, once, and kept secret: a restored database\n"
        "is of no use without the server key its clients pinned.\n"
        "\n"
        "  -h, --help   show this help\n");
}

static void restore_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd restore [--force] FILE DIR\n"
        "\n"
        "Checks the backup FILE (integrity, foreign keys, a schema version this\n"
        "saferd knows) and copies it into DIR/" SAFERD_DB_FILE " through SQLite's backup API.\n"
        "DIR is made (mode 0700) if missing. Stop saferd before restoring.\n"
        "The keys are not in the backup: put DIR/" SAFERD_KEY_FILE " and DIR/" SAFERD_SIGN_FILE
        " back from\n"
        "their own backup; the server cannot run without the key its clients pinned.\n"
        "\n"
        "  --force      replace a database already in DIR\n"
        "  -h, --help   show this help\n");
}

/*
 * Parses "[--force] A B" for the command name. Returns 0, -1 after --help, or
 * 2 (usage, printed).
 */
static int backup_parse(int argc, char **argv, void (*usage)(FILE *), int *force,
    const char *args[2], const char *const names[2])
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return -1;
        }
        if (force && strcmp(a, "--force") == 0) {
            *force = 1;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "saferd: %s: unknown option \"%s\"\n", argv[0], a);
            usage(stderr);
            return 2;
        }
        if (n == 2) {
            fprintf(stderr, "saferd: %s: too many arguments: \"%s\"\n", argv[0], a);
            usage(stderr);
            return 2;
        }
        if (a[0] == '\0' || strnlen(a, SAFERD_DIR_MAX + 1) > SAFERD_DIR_MAX) {
            fprintf(stderr, "saferd: %s: %s must be 1 to %d bytes long\n", argv[0], names[n],
                SAFERD_DIR_MAX);
            return 2;
        }
        args[n++] = a;
    }
    if (n < 2) {
        fprintf(stderr, "saferd: %s: %s is missing\n", argv[0], names[n]);
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Sets p->dst, p->tmp and p->dir for the file dst. */
static void backup_dest(struct backup_paths *p, const char *dst)
{
    const char *slash = strrchr(dst, '/');

    snprintf(p->dst, sizeof(p->dst), "%s", dst);
    snprintf(p->tmp, sizeof(p->tmp), "%s.tmp", dst);
    if (!slash)
        snprintf(p->dir, sizeof(p->dir), ".");
    else if (slash == dst)
        snprintf(p->dir, sizeof(p->dir), "/");
    else
        snprintf(p->dir, sizeof(p->dir), "%.*s", (int)(slash - dst), dst);
}

/* fsyncs path (a file or a folder). 0, or -1 with errno set. */
static int backup_fsync(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

/* Makes tmp afresh as an empty file of mode 0600, before SQLite opens it. */
static int backup_make_tmp(const char *tmp)
{
    int fd;

    if (unlink(tmp) != 0 && errno != ENOENT)
        return -1;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    return close(fd);
}

/*
 * Copies src (an open connection) into the file dst with the backup API, a
 * few pages a step, pausing when a step finds the source busy or locked.
 * Returns 0, or -1 with err filled in.
 */
static int backup_pages(sqlite3 *src, const char *dst, char err[BACKUP_ERR_MAX])
{
    sqlite3 *d = NULL;
    sqlite3_backup *b = NULL;
    int busy = 0, ret = -1;
    int rc;

    if (sqlite3_open_v2(dst, &d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(err, BACKUP_ERR_MAX, "%s: %s", dst, d ? sqlite3_errmsg(d) : "no memory");
        goto out;
    }
    b = sqlite3_backup_init(d, "main", src, "main");
    if (!b) {
        snprintf(err, BACKUP_ERR_MAX, "%s", sqlite3_errmsg(d));
        goto out;
    }
    do {
        rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busy > BACKUP_RETRIES_MAX)
                break;
            sqlite3_sleep(BACKUP_SLEEP_MS);
        } else {
            busy = 0;
        }
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    rc = sqlite3_backup_finish(b);
    b = NULL;
    if (rc != SQLITE_OK) {
        snprintf(err, BACKUP_ERR_MAX, "%s",
            busy > BACKUP_RETRIES_MAX ? "the database stayed locked" : sqlite3_errmsg(d));
        goto out;
    }
    ret = 0;
out:
    if (b)
        sqlite3_backup_finish(b);
    sqlite3_close(d);
    return ret;
}

/*
 * Runs SQL on the file path with a connection of its own: used to turn the
 * finished copy into a rollback-journal file (one file, no -wal beside it).
 */
static int backup_exec(const char *path, const char *sql, char err[BACKUP_ERR_MAX])
{
    sqlite3 *d = NULL;
    int ret = -1;

    if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
        || sqlite3_exec(d, sql, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, BACKUP_ERR_MAX, "%s: %s", path, d ? sqlite3_errmsg(d) : "no memory");
        goto out;
    }
    ret = 0;
out:
    sqlite3_close(d);
    return ret;
}

/*
 * Opens the source read-only and starts the read transaction that every
 * step then shares, so the copy is one snapshot even though it is taken in
 * steps (without it, a write between steps would restart the copy).
 */
static int backup_open_source(const char *path, sqlite3 **out, char err[BACKUP_ERR_MAX])
{
    sqlite3 *s = NULL;

    *out = NULL;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, BACKUP_ERR_MAX, "%s: %s", path, s ? sqlite3_errmsg(s) : "no memory");
        sqlite3_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s, BACKUP_BUSY_MS);
    if (sqlite3_exec(s, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL)
        != SQLITE_OK) {
        snprintf(err, BACKUP_ERR_MAX, "%s: %s", path, sqlite3_errmsg(s));
        sqlite3_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* Copies p->src into p->tmp (0600) in one snapshot. 0, or -1 with err. */
static int backup_to_tmp(const struct backup_paths *p, char err[BACKUP_ERR_MAX])
{
    sqlite3 *s = NULL;
    int ret = -1;

    if (backup_make_tmp(p->tmp) != 0) {
        snprintf(err, BACKUP_ERR_MAX, "%s: %s", p->tmp, strerror(errno));
        return -1;
    }
    if (backup_open_source(p->src, &s, err) < 0 || backup_pages(s, p->tmp, err) < 0)
        goto out;
    ret = 0;
out:
    if (s) {
        sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(s);
    }
    return ret;
}

/* Makes the copy one durable file, renames it to p->dst and syncs the folder. */
static int backup_commit(const struct backup_paths *p, char err[BACKUP_ERR_MAX])
{
    if (backup_exec(p->tmp, "PRAGMA journal_mode=DELETE", err) < 0)
        return -1;
    if (backup_fsync(p->tmp, O_RDONLY) != 0 || rename(p->tmp, p->dst) != 0
        || backup_fsync(p->dir, O_RDONLY | O_DIRECTORY) != 0) {
        snprintf(err, BACKUP_ERR_MAX, "%s: %s", p->dst, strerror(errno));
        return -1;
    }
    return 0;
}

int cmd_backup(int argc, char **argv)
{
    static const char *const names[2] = { "DIR", "FILE" };
    const char *args[2] = { NULL, NULL };
    char err[BACKUP_ERR_MAX] = "";
    struct backup_paths p;
    struct cmd_check_report rep;
    struct stat sb;

    switch (backup_parse(argc, argv, backup_usage, NULL, args, names)) {
    case 0:
        break;
    case -1:
        return 0;
    default:
        return 2;
    }
    snprintf(p.src, sizeof(p.src), "%s/%s", args[0], SAFERD_DB_FILE);
    snprintf(p.key, sizeof(p.key), "%s/%s", args[0], SAFERD_KEY_FILE);
    backup_dest(&p, args[1]);
    if (stat(p.src, &sb) != 0) {
        fprintf(stderr, "saferd: backup: %s: no database: is %s a data folder?\n", p.src, args[0]);
        return 1;
    }
    if (stat(p.dst, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "saferd: backup: %s is a folder: name the file to write\n", p.dst);
        return 1;
    }
    if (backup_to_tmp(&p, err) < 0) {
        fprintf(stderr, "saferd: backup: %s\n", err);
        unlink(p.tmp);
        return 1;
    }
    if (cmd_check_db(p.tmp, p.key, CMD_CHECK_ALLOW_OLD, &rep) != 0) {
        fprintf(stderr,
            "saferd: backup: the copy fails its check (kept as %s, %s untouched);\n"
            "  run 'saferd check %s' on the source\n",
            p.tmp, p.dst, args[0]);
        return 1;
    }
    if (backup_commit(&p, err) < 0) {
        fprintf(stderr, "saferd: backup: %s\n", err);
        return 1;
    }
    if (stat(p.dst, &sb) == 0)
        rep.bytes = (long long)sb.st_size;
    if (rep.audit_checked)
        printf("Backed up %s to %s (%lld bytes, schema v%d, audit rows %lld)\n", args[0], p.dst,
            rep.bytes, rep.version, (long long)rep.audit_rows);
    else
        printf("Backed up %s to %s (%lld bytes, schema v%d, audit not checked until "
               "'saferd run' migrates DIR)\n",
            args[0], p.dst, rep.bytes, rep.version);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* Makes dir (0700) if it is missing. 0, or 1 with the reason printed. */
static int restore_dir(const char *dir)
{
    struct stat sb;

    if (mkdir(dir, 0700) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return 0;
    fprintf(stderr, "saferd: restore: cannot make the folder %s: %s\n", dir,
        errno == EEXIST ? "a file is in the way" : strerror(errno));
    return 1;
}

/* Says which keys DIR still lacks: the database is useless without them. */
static void restore_remind(const char *dir)
{
    char key[SAFERD_PATH_MAX], sign[SAFERD_PATH_MAX];
    int has_key, has_sign;

    snprintf(key, sizeof(key), "%s/%s", dir, SAFERD_KEY_FILE);
    snprintf(sign, sizeof(sign), "%s/%s", dir, SAFERD_SIGN_FILE);
    has_key = access(key, F_OK) == 0;
    has_sign = access(sign, F_OK) == 0;
    if (!has_key)
        fprintf(stderr,
            "saferd: restore: %s is missing: restore it from its own backup before\n"
            "  'saferd run'; the server cannot run without the key its clients pinned\n",
            key);
    if (!has_sign)
        fprintf(stderr,
            "saferd: restore: %s is missing: restore it too, or packs will not verify\n"
            "  against the key the clients pinned\n",
            sign);
    if (has_key && has_sign)
        printf("The keys in %s stay as they were: they must be the ones this database was "
               "made with.\n",
            dir);
}

/* Removes a WAL left by the replaced database: it must never meet the new file. */
static int restore_clear_wal(const char *db)
{
    static const char *const ext[] = { "-wal", "-shm" };
    char path[SAFERD_PATH_MAX + 8];

    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s%s", db, ext[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            fprintf(stderr, "saferd: restore: %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int cmd_restore(int argc, char **argv)
{
    static const char *const names[2] = { "FILE", "DIR" };
    const char *args[2] = { NULL, NULL };
    char err[BACKUP_ERR_MAX] = "";
    char dst[SAFERD_PATH_MAX];
    struct backup_paths p;
    struct cmd_check_report rep;
    int force = 0;

    switch (backup_parse(argc, argv, restore_usage, &force, args, names)) {
    case 0:
        break;
    case -1:
        return 0;
    default:
        return 2;
    }
    snprintf(p.src, sizeof(p.src), "%s", args[0]);
    snprintf(dst, sizeof(dst), "%s/%s", args[1], SAFERD_DB_FILE);
    backup_dest(&p, dst);
    if (access(p.src, F_OK) != 0) {
        fprintf(stderr, "saferd: restore: %s: %s\n", p.src, strerror(errno));
        return 1;
    }
    if (cmd_check_db(p.src, NULL, CMD_CHECK_ALLOW_OLD, &rep) != 0) {
        fprintf(stderr, "saferd: restore: %s fails its check: nothing was restored\n", p.src);
        return 1;
    }
    if (restore_dir(args[1]) != 0)
        return 1;
    if (!force && access(p.dst, F_OK) == 0) {
        fprintf(stderr,
            "saferd: restore: %s already holds a database: stop saferd and add --force "
            "to replace it\n",
            p.dst);
        return 1;
    }
    if (backup_to_tmp(&p, err) < 0 || backup_fsync(p.tmp, O_RDONLY) != 0) {
        fprintf(stderr, "saferd: restore: %s\n", err[0] ? err : strerror(errno));
        unlink(p.tmp);
        return 1;
    }
    if (restore_clear_wal(p.dst) < 0)
        return 1;
    if (rename(p.tmp, p.dst) != 0 || backup_fsync(p.dir, O_RDONLY | O_DIRECTORY) != 0) {
        fprintf(stderr, "saferd: restore: %s: %s\n", p.dst, strerror(errno));
        return 1;
    }
    printf("Restored %s to %s (schema v%d)\n", p.src, args[1], rep.version);
    restore_remind(args[1]);
    return fflush(stdout) == 0 ? 0 : 1;
}
