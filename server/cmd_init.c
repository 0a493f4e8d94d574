/*
 * `saferd init DIR`: makes a new data folder. It holds the server's X25519
 * key (server.key), its Ed25519 signing seed (sign.key) and the database with
 * the partnership's settings, the first agency, the first admin and an enrol
 * invite for them, which is printed on its own line. Missing parent folders
 * are made as `mkdir -p` would (mode 0755). Either all of it is made or, on
 * any failure, everything this run created is removed again, parent folders
 * included, and nothing that was there before.
 */
#include "server/cmds.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"
#include "common/invite.h"
#include "common/keyfile.h"
#include "common/noise.h"
#include "server/audit.h"
#include "server/ident.h"
#include "server/people.h"
#include "server/settings.h"
#include "server/store.h"

#define INIT_DIR_MAX 3900 /* leaves room for "/safer.db-journal" in a 4096-byte path */
#define INIT_PATH_MAX 4096
#define INIT_INVITE_HOURS_MAX 8760 /* one year */

/* The command line, once parsed and checked. */
struct init_opts {
    const char *dir;
    const char *listen;
    const char *partnership;
    const char *initials;
    const char *admin_name;
    const char *agency;
    const char *agency_name;
    long hours;                     /* how long the invite stays valid */
    char host[INVITE_HOST_MAX + 1]; /* from listen */
    uint16_t port;
};

/* The files of the data folder, and which of them this run made. */
struct init_files {
    char key[INIT_PATH_MAX];
    char sign[INIT_PATH_MAX];
    char db[INIT_PATH_MAX];
    size_t parents_from; /* the length of the first parent folder this run made */
    int made_parents;    /* some parent folders were made (parents_from is set) */
    int made_dir;
    int made_key;
    int made_sign;
    int made_db;
};

/* Secrets, kept in sodium_malloc memory for the length of the run. */
struct init_secrets {
    uint8_t sk[NOISE_KEY_BYTES];                 /* server X25519 private key */
    uint8_t sign_sk[crypto_sign_SECRETKEYBYTES]; /* Ed25519 secret key */
    uint8_t seed[crypto_sign_SEEDBYTES];         /* what sign.key keeps */
    char code[INVITE_CODE_CHARS + 1];            /* the first invite's code */
    char invite[INVITE_MAX];                     /* the invite string, which carries the code */
};

/* What the database job needs, and where it says what failed. */
struct init_job {
    const struct init_opts *o;
    const char *code;
    int64_t now;
    int64_t expires;
    const char *what; /* the step that failed */
};

static void init_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd init DIR [options]\n"
        "\n"
        "Creates the data folder DIR (mode 0700, with any missing parent folders\n"
        "0755) holding the server's keys, the database and an invite for the first\n"
        "admin, printed on its own line. On failure it removes what it made.\n"
        "\n"
        "  --listen HOST:PORT     the address saferd listens on and the invite names\n"
        "                         (default %s)\n"
        "  --partnership NAME     the partnership's name\n"
        "                         (default \"Community Safety Partnership\")\n"
        "  --admin-initials XX    the first admin's initials, 1 to %d letters A-Z\n"
        "                         (default AD)\n"
        "  --admin-name NAME      the first admin's name\n"
        "                         (default \"Partnership Administrator\")\n"
        "  --agency CODE          the admin's agency, 1 to %d of a-z 0-9 -\n"
        "                         (default council)\n"
        "  --agency-name NAME     the agency's name (default \"The Council\")\n"
        "  --invite-hours N       how long the invite is valid, 1 to %d (default 168)\n"
        "  -h, --help             show this help\n",
        SAFERD_DEFAULT_LISTEN, IDENT_INITIALS_MAX, IDENT_AGENCY_CODE_MAX, INIT_INVITE_HOURS_MAX);
}

static int init_bad(const char *opt, const char *val, const char *why)
{
    fprintf(stderr, "saferd: init: %s \"%s\": %s\n", opt, val, why);
    return 2;
}

/*
 * A value the server's own checks refused: their message names the input
 * (quoting it only where it is known to be printable), so it is printed as it
 * is rather than echoing bytes that may not be text.
 */
static int init_refused(const char *opt, const char *why)
{
    fprintf(stderr, "saferd: init: %s: %s\n", opt, why);
    return 2;
}

/* Returns 0 if every value is good, else prints what is wrong and returns 2. */
static int init_check(struct init_opts *o)
{
    char why[PEOPLE_WHY_MAX];

    if (strnlen(o->dir, INIT_DIR_MAX + 1) > INIT_DIR_MAX || o->dir[0] == '\0')
        return init_bad("DIR", o->dir, "must be 1 to 3900 bytes long");
    /* Room for a bracketed host, a colon and five digits. */
    if (strnlen(o->listen, INVITE_HOST_MAX + 9) > INVITE_HOST_MAX + 8)
        return init_bad("--listen", o->listen, "too long");
    if (invite_parse_hostport(o->listen, o->host, sizeof(o->host), &o->port, why, sizeof(why)) < 0)
        return init_bad("--listen", o->listen, why);
    /* The same checks as the admin requests make, so init cannot store what they refuse. */
    if (people_check_text(
            "the partnership name", o->partnership, IDENT_PARTNERSHIP_MAX, why, sizeof(why))
        < 0)
        return init_refused("--partnership", why);
    if (people_check_initials(o->initials, why, sizeof(why)) < 0)
        return init_refused("--admin-initials", why);
    if (people_check_text("the admin's name", o->admin_name, IDENT_NAME_MAX, why, sizeof(why)) < 0)
        return init_refused("--admin-name", why);
    if (people_check_agency_code(o->agency, why, sizeof(why)) < 0)
        return init_refused("--agency", why);
    if (people_check_text(
            "the agency name", o->agency_name, IDENT_AGENCY_NAME_MAX, why, sizeof(why))
        < 0)
        return init_refused("--agency-name", why);
    return 0;
}

static int init_hours(struct init_opts *o, const char *s)
{
    char *end = NULL;

    errno = 0;
    o->hours = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || o->hours < 1 || o->hours > INIT_INVITE_HOURS_MAX)
        return init_bad("--invite-hours", s, "must be a whole number from 1 to 8760");
    return 0;
}

/* Parses argv into o. Returns 0, -1 after --help, or 2 (usage, printed). */
static int init_parse(int argc, char **argv, struct init_opts *o)
{
    static const char *const names[] = { "--listen", "--partnership", "--admin-initials",
        "--admin-name", "--agency", "--agency-name", "--invite-hours" };
    const char *hours = "168";
    const char **slots[] = { &o->listen, &o->partnership, &o->initials, &o->admin_name, &o->agency,
        &o->agency_name, &hours };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t k;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            init_usage(stdout);
            return -1;
        }
        for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            size_t n = strlen(names[k]);

            if (strncmp(a, names[k], n) == 0 && a[n] == '=') {
                *slots[k] = a + n + 1;
                break;
            }
            if (strcmp(a, names[k]) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "saferd: init: %s needs a value\n", a);
                    return 2;
                }
                *slots[k] = argv[++i];
                break;
            }
        }
        if (k < sizeof(names) / sizeof(names[0]))
            continue;
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "saferd: init: unknown option \"%s\"\n", a);
            init_usage(stderr);
            return 2;
        }
        if (o->dir) {
            fprintf(stderr, "saferd: init: one DIR only; \"%s\" is a second\n", a);
            return 2;
        }
        o->dir = a;
    }
    if (!o->dir) {
        fprintf(stderr, "saferd: init: DIR is missing\n");
        init_usage(stderr);
        return 2;
    }
    if (init_hours(o, hours) != 0)
        return 2;
    return init_check(o);
}

static int init_fail(const char *what, const char *why)
{
    fprintf(stderr, "saferd: init: %s: %s\n", what, why);
    return 1;
}

/* 1 if the directory holds nothing but . and .., 0 if it holds more, -1 on error. */
static int init_dir_empty(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int empty = 1;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    }
    closedir(d);
    return empty;
}

/* The length of dir without its trailing slashes (but at least 1). */
static size_t init_dir_end(const char *dir)
{
    size_t end = strlen(dir);

    while (end > 1 && dir[end - 1] == '/')
        end--;
    return end;
}

/* 1 if a slash at p in dir ends a parent folder's name, else 0. */
static int init_is_parent_end(const char *dir, size_t p, size_t end)
{
    return p > 0 && p < end && dir[p] == '/' && dir[p - 1] != '/';
}

/*
 * Makes the missing parent folders of DIR (mode 0755), remembering the first
 * one made so that init_undo removes exactly those. Returns 0 or 1 (printed).
 */
static int init_parents(const struct init_opts *o, struct init_files *f)
{
    char path[INIT_PATH_MAX];
    size_t end = init_dir_end(o->dir);
    struct stat sb;

    snprintf(path, sizeof(path), "%s", o->dir);
    for (size_t p = 1; p < end; p++) {
        if (!init_is_parent_end(path, p, end))
            continue;
        path[p] = '\0';
        if (mkdir(path, 0755) == 0) {
            if (!f->made_parents) {
                f->made_parents = 1;
                f->parents_from = p;
            }
        } else if (errno != EEXIST) {
            return init_fail(path, strerror(errno));
        } else if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            return init_fail(path, "exists and is not a directory");
        }
        path[p] = '/';
    }
    return 0;
}

/* Removes the parent folders init_parents made, deepest first. */
static void init_undo_parents(const struct init_opts *o, const struct init_files *f)
{
    char path[INIT_PATH_MAX];
    size_t end = init_dir_end(o->dir);

    if (!f->made_parents)
        return;
    snprintf(path, sizeof(path), "%s", o->dir);
    for (size_t p = end; p-- > f->parents_from;) {
        if (!init_is_parent_end(path, p, end))
            continue;
        path[p] = '\0';
        rmdir(path);
    }
}

/* Makes DIR 0700, or takes an existing empty one. Returns 0 or 1 (printed). */
static int init_dir(const struct init_opts *o, struct init_files *f)
{
    struct stat sb;
    int empty;

    snprintf(f->key, sizeof(f->key), "%s/%s", o->dir, SAFERD_KEY_FILE);
    snprintf(f->sign, sizeof(f->sign), "%s/%s", o->dir, SAFERD_SIGN_FILE);
    snprintf(f->db, sizeof(f->db), "%s/%s", o->dir, SAFERD_DB_FILE);
    if (init_parents(o, f) != 0)
        return 1;
    if (mkdir(o->dir, 0700) == 0) {
        f->made_dir = 1;
        return 0;
    }
    if (errno != EEXIST)
        return init_fail(o->dir, strerror(errno));
    if (stat(o->dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return init_fail(o->dir, "exists and is not a directory");
    if (access(f->db, F_OK) == 0) {
        fprintf(stderr, "saferd: init: %s is already initialised\n", o->dir);
        return 1;
    }
    empty = init_dir_empty(o->dir);
    if (empty < 0)
        return init_fail(o->dir, strerror(errno));
    if (!empty)
        return init_fail(o->dir, "exists and is not empty");
    if (chmod(o->dir, 0700) != 0)
        return init_fail(o->dir, strerror(errno));
    return 0;
}

/* Removes what this run made, so that a failed init leaves nothing behind. */
static void init_undo(const struct init_opts *o, const struct init_files *f)
{
    static const char *const db_extra[] = { "", "-wal", "-shm", "-journal" };
    char path[INIT_PATH_MAX + 16];

    if (f->made_key)
        unlink(f->key);
    if (f->made_sign)
        unlink(f->sign);
    for (size_t i = 0; f->made_db && i < sizeof(db_extra) / sizeof(db_extra[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", f->db, db_extra[i]);
        unlink(path);
    }
    if (f->made_dir)
        rmdir(o->dir);
    init_undo_parents(o, f);
}

static int init_write_key(const char *path, const uint8_t key[32], int *made)
{
    int rc = keyfile_write(path, key, NULL);

    if (rc < 0)
        return init_fail(path, rc == SAFER_E_IO ? strerror(errno) : err_msg(rc));
    *made = 1;
    return 0;
}

/* Makes both key pairs and writes their private halves. Returns 0 or 1. */
static int init_keys(struct init_files *f, struct init_secrets *s, uint8_t pk[NOISE_KEY_BYTES])
{
    uint8_t sign_pk[crypto_sign_PUBLICKEYBYTES];

    if (noise_keypair(s->sk, pk) < 0)
        return init_fail("making the server key", "the random source failed");
    if (init_write_key(f->key, s->sk, &f->made_key) != 0)
        return 1;
    if (crypto_sign_keypair(sign_pk, s->sign_sk) != 0
        || crypto_sign_ed25519_sk_to_seed(s->seed, s->sign_sk) != 0)
        return init_fail("making the signing key", "the random source failed");
    return init_write_key(f->sign, s->seed, &f->made_sign);
}

/* The database job: everything the new partnership starts with. */
static int init_job_fn(store_tx *tx, void *arg)
{
    struct init_job *j = arg;
    const struct init_opts *o = j->o;
    char created[24];
    char detail[64 + IDENT_INITIALS_MAX + IDENT_AGENCY_CODE_MAX];
    int64_t agency_id, person_id;
    int rc;

    snprintf(created, sizeof(created), "%" PRId64, j->now);
    j->what = "writing the settings";
    if ((rc = settings_set_tx(tx, SETTINGS_PARTNERSHIP, o->partnership)) < 0
        || (rc = settings_set_tx(tx, SETTINGS_LISTEN, o->listen)) < 0
        || (rc = settings_set_tx(tx, SETTINGS_CREATED, created)) < 0)
        return rc;
    j->what = "adding the agency";
    {
        const store_val a[] = { SV_TEXT(o->agency), SV_TEXT(o->agency_name), SV_INT(j->now) };
        if ((rc = store_tx_exec(tx, ST_AGENCY_INSERT, a, 3, NULL, NULL)) < 0)
            return rc;
    }
    agency_id = store_tx_last_id(tx);
    j->what = "adding the admin";
    {
        const store_val p[] = { SV_TEXT(o->initials), SV_TEXT(o->admin_name), SV_INT(agency_id),
            SV_INT(ROLE_BIT_ADMIN), SV_INT(j->now) };
        if ((rc = store_tx_exec(tx, ST_PERSON_INSERT, p, 5, NULL, NULL)) < 0)
            return rc;
    }
    person_id = store_tx_last_id(tx);
    j->what = "adding the invite";
    rc = ident_invite_add(tx, person_id, j->code, IDENT_PURPOSE_ENROL, j->now, j->expires, 0);
    if (rc < 0)
        return rc;
    j->what = "writing the audit log";
    snprintf(detail, sizeof(detail), "admin %s of agency %s, invite for %ld hours", o->initials,
        o->agency, (long)((j->expires - j->now) / 3600));
    return audit_append(tx, j->now, "saferd", "init", "partnership", detail);
}

/* Creates the database and fills it in one transaction. Returns 0 or 1. */
static int init_db(const struct init_opts *o, struct init_files *f, struct init_job *j,
    const uint8_t sk[NOISE_KEY_BYTES])
{
    store *st = NULL;
    int rc;

    /* Marked before opening: a failed open may still leave a file behind. */
    f->made_db = 1;
    rc = store_open(&st, f->db, STORE_CREATE);
    if (rc < 0)
        return init_fail(f->db, err_msg(rc));
    rc = audit_use_server_key(st, sk);
    if (rc < 0) {
        store_close(st);
        return init_fail("the audit key", err_msg(rc));
    }
    rc = store_run(st, init_job_fn, j);
    store_close(st);
    if (rc < 0)
        return init_fail(j->what, err_msg(rc));
    if (chmod(f->db, 0600) != 0)
        return init_fail(f->db, strerror(errno));
    return 0;
}

/* Prints the summary and the invite alone on its last line. Returns 0 or 1. */
static int init_report(const struct init_opts *o, struct init_secrets *s,
    const uint8_t pk[NOISE_KEY_BYTES], int64_t expires)
{
    char fpr[KEYFILE_FPR_CHARS + 1];
    char when[32];
    invite inv = { 0 };
    time_t t = (time_t)expires;
    struct tm tm;

    snprintf(inv.host, sizeof(inv.host), "%s", o->host);
    inv.port = o->port;
    memcpy(inv.server_pk, pk, NOISE_KEY_BYTES);
    memcpy(inv.code, s->code, sizeof(inv.code));
    if (invite_format(&inv, s->invite, sizeof(s->invite)) < 0) {
        sodium_memzero(&inv, sizeof(inv));
        return init_fail("formatting the invite", "it does not fit");
    }
    sodium_memzero(&inv, sizeof(inv));
    keyfile_fingerprint(pk, fpr);
    if (!gmtime_r(&t, &tm) || strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
        return init_fail("formatting the expiry time", "out of range");
    printf("Initialised %s for \"%s\".\n", o->dir, o->partnership);
    printf("Server key fingerprint: %s\n", fpr);
    printf("First admin invite for %s (expires %s):\n", o->initials, when);
    printf("%s\n", s->invite);
    if (fflush(stdout) != 0)
        return init_fail("printing the invite", strerror(errno));
    return 0;
}

int cmd_init(int argc, char **argv)
{
    struct init_opts o = { .listen = SAFERD_DEFAULT_LISTEN,
        .partnership = "Community Safety Partnership",
        .initials = "AD",
        .admin_name = "Partnership Administrator",
        .agency = "council",
        .agency_name = "The Council" };
    struct init_files f = { 0 };
    struct init_secrets *s = NULL;
    struct init_job j = { 0 };
    uint8_t pk[NOISE_KEY_BYTES];
    int ret = init_parse(argc, argv, &o);

    if (ret != 0)
        return ret < 0 ? 0 : ret;
    ret = 1;
    if (sodium_init() < 0)
        return init_fail("starting libsodium", "it could not initialise");
    s = sodium_malloc(sizeof(*s));
    if (!s)
        return init_fail("allocating key memory", strerror(errno));
    if (init_dir(&o, &f) != 0 || init_keys(&f, s, pk) != 0)
        goto out;
    invite_new_code(s->code);
    j.o = &o;
    j.code = s->code;
    j.now = (int64_t)time(NULL);
    j.expires = j.now + (int64_t)o.hours * 3600;
    if (init_db(&o, &f, &j, s->sk) != 0 || init_report(&o, s, pk, j.expires) != 0)
        goto out;
    ret = 0;
out:
    if (ret != 0)
        init_undo(&o, &f);
    sodium_free(s);
    return ret;
}
