/*
 * `saferd invite DIR INITIALS [--hours N]`: makes an enrolment invite for a
 * person straight from the data folder, for when no admin can sign in any
 * more (every admin key lost or revoked). Whoever can read server.key already
 * holds the partnership, so this adds no power; it only gives it a safe,
 * audited door. It runs with the server stopped or beside `saferd run` (the
 * database is in WAL mode and the write waits its turn), checks the person
 * exactly as `safer admin invite` does, appends "invite.create" to the audit
 * log with "saferd" as the actor, and prints the invite alone on its own line.
 * The code is a secret: it lives in sodium_malloc memory and is wiped.
 */
#include "server/cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/err.h"
#include "common/invite.h"
#include "common/keyfile.h"
#include "common/noise.h"
#include "server/audit.h"
#include "server/people.h"
#include "server/settings.h"
#include "server/store.h"

#define INVITE_CMD_DIR_MAX 3900 /* leaves room for a file name in a path */
#define INVITE_CMD_PATH_MAX 4096
#define INVITE_CMD_HOURS_MAX 8760 /* one year */

/* The command line. */
struct invite_opts {
    const char *dir;
    const char *initials;
    long hours;
};

/* What the run holds that must be wiped: the key and the job with its code. */
struct invite_secrets {
    uint8_t sk[KEYFILE_KEY_BYTES];
    people_job job;
    char text[INVITE_MAX];
};

static void invcmd_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd invite DIR INITIALS [--hours N]\n"
        "\n"
        "Makes a one-time enrolment invite for the person with INITIALS in the data\n"
        "folder DIR and prints it alone on its last line. This is the way back in\n"
        "when no admin can sign in any more: give the invite to an admin, who runs\n"
        "'safer enrol --new-key INVITE' (or 'safer enrol INVITE' on a new machine).\n"
        "It needs read access to DIR/server.key, works whether or not 'saferd run'\n"
        "is serving DIR, and is recorded in the audit log as invite.create by saferd.\n"
        "The person and their agency must be active.\n"
        "\n"
        "  --hours N    how long the invite is valid, 1 to %d (default %d)\n"
        "  -h, --help   show this help\n",
        INVITE_CMD_HOURS_MAX, PEOPLE_INVITE_HOURS);
}

static int invcmd_hours(const char *s, long *hours)
{
    char *end = NULL;

    errno = 0;
    *hours = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || *hours < 1 || *hours > INVITE_CMD_HOURS_MAX) {
        fprintf(stderr, "saferd: invite: --hours: must be a whole number from 1 to %d\n",
            INVITE_CMD_HOURS_MAX);
        return 2;
    }
    return 0;
}

/* Takes a positional argument: DIR, then INITIALS. Returns 0 or 2 (printed). */
static int invcmd_positional(struct invite_opts *o, const char *a)
{
    if (!o->dir)
        o->dir = a;
    else if (!o->initials)
        o->initials = a;
    else {
        fprintf(stderr, "saferd: invite: too many arguments (see saferd invite --help)\n");
        return 2;
    }
    return 0;
}

/* Parses argv into o. Returns 0, -1 after --help, or 2 (usage, printed). */
static int invcmd_parse(int argc, char **argv, struct invite_opts *o)
{
    const char *hours = NULL;
    char why[PEOPLE_WHY_MAX];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            invcmd_usage(stdout);
            return -1;
        }
        if (strncmp(a, "--hours=", 8) == 0) {
            hours = a + 8;
        } else if (strcmp(a, "--hours") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "saferd: invite: --hours needs a value\n");
                return 2;
            }
            hours = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "saferd: invite: unknown option \"%s\"\n\n", a);
            invcmd_usage(stderr);
            return 2;
        } else if (invcmd_positional(o, a) != 0) {
            return 2;
        }
    }
    if (!o->dir || !o->initials) {
        fprintf(stderr, "saferd: invite: DIR and INITIALS are needed\n\n");
        invcmd_usage(stderr);
        return 2;
    }
    if (o->dir[0] == '\0' || strnlen(o->dir, INVITE_CMD_DIR_MAX + 1) > INVITE_CMD_DIR_MAX) {
        fprintf(stderr, "saferd: invite: DIR must be 1 to %d bytes long\n", INVITE_CMD_DIR_MAX);
        return 2;
    }
    if (people_check_initials(o->initials, why, sizeof(why)) < 0) {
        fprintf(stderr, "saferd: invite: %s\n", why);
        return 2;
    }
    o->hours = PEOPLE_INVITE_HOURS;
    return hours ? invcmd_hours(hours, &o->hours) : 0;
}

/* Opens DIR's store with its audit key, leaving the server's key in s->sk. */
static int invcmd_open(const struct invite_opts *o, struct invite_secrets *s, store **st)
{
    char path[INVITE_CMD_PATH_MAX];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", o->dir, SAFERD_KEY_FILE);
    rc = keyfile_read(path, s->sk, NULL);
    if (rc < 0) {
        fprintf(stderr, "saferd: invite: %s: %s\n", path,
            rc == SAFER_E_NOTFOUND         ? "no server key: is DIR a data folder?"
                : rc == SAFER_E_PASSPHRASE ? "passphrase-protected keys are not supported"
                                           : err_msg(rc));
        return rc;
    }
    snprintf(path, sizeof(path), "%s/%s", o->dir, SAFERD_DB_FILE);
    rc = store_open(st, path, 0);
    if (rc < 0) {
        fprintf(stderr, "saferd: invite: %s: %s\n", path,
            rc == SAFER_E_NOTFOUND ? "no database: is DIR a data folder?" : err_msg(rc));
        return rc;
    }
    rc = audit_use_server_key(*st, s->sk);
    if (rc < 0)
        fprintf(stderr, "saferd: invite: the audit key: %s\n", err_msg(rc));
    return rc;
}

/* Formats the invite for the code in s->job into s->text, naming the server's address. */
static int invcmd_text(store *st, struct invite_secrets *s)
{
    char addr[SETTINGS_VALUE_MAX + 1];
    char why[128];
    invite inv;
    int rc;

    memset(&inv, 0, sizeof(inv));
    if (settings_get(st, SETTINGS_PUBLIC_ADDRESS, addr, sizeof(addr)) < 0
        && settings_get(st, SETTINGS_LISTEN, addr, sizeof(addr)) < 0)
        snprintf(addr, sizeof(addr), "%s", SAFERD_DEFAULT_LISTEN);
    rc = invite_parse_hostport(addr, inv.host, sizeof(inv.host), &inv.port, why, sizeof(why));
    if (rc < 0 || inv.port == 0) {
        fprintf(stderr,
            "saferd: invite: the server's address \"%s\" cannot go in an invite%s%s; set "
            "the public_address setting\n",
            addr, rc < 0 ? ": " : " (port 0)", rc < 0 ? why : "");
        return SAFER_E_PRECOND;
    }
    rc = noise_public_key(s->sk, inv.server_pk);
    if (rc == 0) {
        snprintf(inv.code, sizeof(inv.code), "%s", s->job.invite_code);
        rc = invite_format(&inv, s->text, sizeof(s->text));
    }
    sodium_memzero(&inv, sizeof(inv));
    if (rc < 0)
        fprintf(stderr, "saferd: invite: formatting the invite: %s\n", err_msg(rc));
    return rc;
}

/* Prints the expiry and the invite alone on the last line. Returns 0 or 1. */
static int invcmd_print(const struct invite_opts *o, const struct invite_secrets *s)
{
    time_t t = (time_t)s->job.expires;
    char when[32];
    struct tm tm;

    if (!gmtime_r(&t, &tm) || strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(when, sizeof(when), "in %ld hours", o->hours);
    printf("Invite for %s (expires %s):\n%s\n", o->initials, when, s->text);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "saferd: invite: printing the invite: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int cmd_invite(int argc, char **argv)
{
    struct invite_opts o = { 0 };
    struct invite_secrets *s = NULL;
    store *st = NULL;
    int ret = invcmd_parse(argc, argv, &o);
    int rc;

    if (ret != 0)
        return ret < 0 ? 0 : ret;
    ret = 1;
    s = sodium_malloc(sizeof(*s));
    if (s == NULL) {
        fprintf(stderr, "saferd: invite: %s\n", err_msg(SAFER_E_NOMEM));
        return 1;
    }
    memset(s, 0, sizeof(*s));
    if (invcmd_open(&o, s, &st) < 0)
        goto out;
    s->job.now = (int64_t)time(NULL);
    s->job.expires = s->job.now + (int64_t)o.hours * 3600;
    snprintf(s->job.actor, sizeof(s->job.actor), "saferd");
    snprintf(s->job.initials, sizeof(s->job.initials), "%s", o.initials);
    invite_new_code(s->job.invite_code);
    /* Formatted first, so that an address no invite can carry stores nothing. */
    if (invcmd_text(st, s) < 0)
        goto out;
    rc = store_run(st, people_invite_job, &s->job);
    if (rc < 0) {
        fprintf(stderr, "saferd: invite: %s\n", s->job.why[0] ? s->job.why : err_msg(rc));
        goto out;
    }
    ret = invcmd_print(&o, s);
out:
    store_close(st);
    /* sodium_free wipes the key, the code and the invite. */
    sodium_free(s);
    return ret;
}
