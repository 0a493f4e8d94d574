/*
 * `saferd audit-verify DIR`: checks the audit log's hash chain in a data
 * folder without a running server, and names the first row that was edited,
 * deleted or moved. It may also run beside `saferd run`: the database is in
 * WAL mode, so this reader sees one consistent snapshot per page while the
 * server keeps writing. It prints the same lines, with the same exit codes,
 * as `safer admin audit --verify`.
 */
#include "server/cmds.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/store.h"

#define AUDIT_DIR_MAX 3900 /* leaves room for the file name in an AUDIT_PATH_MAX path */
#define AUDIT_PATH_MAX 4096
#define AUDIT_WHY_MAX 160

static void audit_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd audit-verify DIR\n"
        "\n"
        "Checks the hash chain of the audit log in the data folder DIR, and that\n"
        "it reaches the head sealed under the server's key (DIR/server.key), so\n"
        "rows cut off its end show too. Prints\n"
        "\"audit log intact: N rows\" and exits 0, or \"audit log broken at row ID: WHY\"\n"
        "and exits 1. Safe to run while 'saferd run' serves DIR.\n"
        "\n"
        "  -h, --help   show this help\n");
}

/* Parses argv. Returns 0 with *dir set, -1 after --help, or 2 (usage, printed). */
static int audit_parse(int argc, char **argv, const char **dir)
{
    *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            audit_usage(stdout);
            return -1;
        }
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "saferd: audit-verify: unknown option \"%s\"\n", a);
            audit_usage(stderr);
            return 2;
        }
        if (*dir) {
            fprintf(stderr, "saferd: audit-verify: one DIR only; \"%s\" is a second\n", a);
            return 2;
        }
        *dir = a;
    }
    if (!*dir) {
        fprintf(stderr, "saferd: audit-verify: DIR is missing\n");
        audit_usage(stderr);
        return 2;
    }
    if ((*dir)[0] == '\0' || strnlen(*dir, AUDIT_DIR_MAX + 1) > AUDIT_DIR_MAX) {
        fprintf(stderr, "saferd: audit-verify: DIR \"%s\": must be 1 to %d bytes long\n", *dir,
            AUDIT_DIR_MAX);
        return 2;
    }
    return 0;
}

int cmd_audit_verify(int argc, char **argv)
{
    char path[AUDIT_PATH_MAX];
    char why[AUDIT_WHY_MAX] = "";
    const char *dir = NULL;
    store *st = NULL;
    int64_t rows = 0, bad_id = 0;
    int ret = 1;
    int rc;

    switch (audit_parse(argc, argv, &dir)) {
    case 0:
        break;
    case -1:
        return 0;
    default:
        return 2;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, SAFERD_DB_FILE);
    rc = store_open(&st, path, 0);
    if (rc == SAFER_E_NOTFOUND) {
        fprintf(stderr, "saferd: audit-verify: %s: no database: is %s a data folder?\n", path, dir);
        goto out;
    }
    if (rc < 0) {
        fprintf(stderr, "saferd: audit-verify: %s: %s\n", path, err_msg(rc));
        goto out;
    }
    /* The head of the log is sealed with a key that only server.key gives. */
    snprintf(path, sizeof(path), "%s/%s", dir, SAFERD_KEY_FILE);
    rc = audit_load_server_key(st, path);
    if (rc < 0) {
        fprintf(stderr, "saferd: audit-verify: %s: %s\n", path,
            rc == SAFER_E_PASSPHRASE ? "passphrase-protected keys are not supported" : err_msg(rc));
        goto out;
    }
    rc = audit_verify_rows(st, &rows, &bad_id, why, sizeof(why));
    if (rc == 0) {
        printf("audit log intact: %" PRId64 " rows\n", rows);
        ret = 0;
    } else if (rc == SAFER_E_PRECOND) {
        printf("audit log broken at row %" PRId64 ": %s\n", bad_id, why);
    } else {
        fprintf(stderr, "saferd: audit-verify: reading the audit log: %s\n", err_msg(rc));
    }
    if (fflush(stdout) != 0)
        ret = 1;
out:
    store_close(st);
    return ret;
}
