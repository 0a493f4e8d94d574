/*
 * `saferd run DIR`: serves a data folder. It reads the server's keys, opens
 * the store, starts the store's writer thread (the only place that commits
 * and so the only place an fsync happens), listens, and runs the loop until
 * SIGINT or SIGTERM has shut everything down cleanly (see server.h). The
 * server's private key stays in sodium_malloc memory, read-only, and is wiped
 * when the run ends.
 */
#include "server/cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <sodium.h>

#include "common/err.h"
#include "common/invite.h"
#include "common/keyfile.h"
#include "common/log.h"
#include "common/noise.h"
#include "server/audit.h"
#include "server/server.h"
#include "server/settings.h"
#include "server/store.h"

#define RUN_DIR_MAX 3900 /* leaves room for a file name in a RUN_PATH_MAX path */
#define RUN_PATH_MAX 4096
#define RUN_LISTEN_MAX (INVITE_HOST_MAX + 8) /* "[host]:65535" */
#define RUN_TIMEOUT_MS_MAX 86400000u         /* one day */
#define RUN_CONNS_MAX 1000000u
#define RUN_FAILURES_MAX RATELIMIT_FAILURES_MAX
/* File descriptors wanted beyond one per connection: the store, the loop, logs. */
#define RUN_FD_SPARE 64u

/* The command line, once parsed and checked. */
struct run_opts {
    const char *dir;
    const char *listen; /* NULL: the store's "listen" setting */
    server_limits lim;
    int level; /* enum log_level */
    char host[INVITE_HOST_MAX + 1];
    uint16_t port;
};

static void run_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd run DIR [options]\n"
        "\n"
        "Serves the data folder DIR (made by 'saferd init') until SIGINT or SIGTERM.\n"
        "\n"
        "  --listen HOST:PORT         the address to listen on (default: the one\n"
        "                             given to 'saferd init')\n"
        "  --handshake-timeout-ms N   close connections not through the handshake\n"
        "                             in N ms, 1 to %u (default %u)\n"
        "  --idle-timeout-ms N        close connections idle for N ms, 1 to %u\n"
        "                             (default %u)\n"
        "  --max-conns N              connections at most, 1 to %u (default %u)\n"
        "  --max-handshakes N         unfinished handshakes at most, 1 to %u\n"
        "                             (default %u)\n"
        "  --max-failures N           refuse an address for the rest of its window\n"
        "                             after more than N failed handshakes or\n"
        "                             unknown keys, 1 to %u (default %u)\n"
        "  --failure-window-ms M      the length of that window in ms, 1 to %u\n"
        "                             (default %u)\n"
        "  --log-level LEVEL          debug, info, warn or error (default info)\n"
        "  -h, --help                 show this help\n",
        RUN_TIMEOUT_MS_MAX, SERVER_HANDSHAKE_MS_DEFAULT, RUN_TIMEOUT_MS_MAX, SERVER_IDLE_MS_DEFAULT,
        RUN_CONNS_MAX, SERVER_MAX_CONNS_DEFAULT, RUN_CONNS_MAX, SERVER_MAX_HANDSHAKES_DEFAULT,
        RUN_FAILURES_MAX, SERVER_MAX_FAILURES_DEFAULT, RUN_TIMEOUT_MS_MAX,
        SERVER_FAILURE_WINDOW_MS_DEFAULT);
}

static int run_bad(const char *opt, const char *val, const char *why)
{
    fprintf(stderr, "saferd: run: %s \"%s\": %s\n", opt, val, why);
    return 2;
}

/* Parses a whole number in 1..max. Returns 0, or 2 after saying what is wrong. */
static int run_number(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char why[64];
    char *end = NULL;
    unsigned long long v;

    snprintf(why, sizeof(why), "must be a whole number from 1 to %llu", (unsigned long long)max);
    if (s[0] < '0' || s[0] > '9')
        return run_bad(opt, s, why);
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > max)
        return run_bad(opt, s, why);
    *out = v;
    return 0;
}

/* Checks and stores the value of one option. Returns 0 or 2. */
static int run_option(struct run_opts *o, const char *name, const char *val)
{
    uint64_t n = 0;
    int rc = 0;

    if (strcmp(name, "--listen") == 0) {
        o->listen = val;
    } else if (strcmp(name, "--handshake-timeout-ms") == 0) {
        rc = run_number(name, val, RUN_TIMEOUT_MS_MAX, &o->lim.handshake_ms);
    } else if (strcmp(name, "--idle-timeout-ms") == 0) {
        rc = run_number(name, val, RUN_TIMEOUT_MS_MAX, &o->lim.idle_ms);
    } else if (strcmp(name, "--max-conns") == 0) {
        rc = run_number(name, val, RUN_CONNS_MAX, &n);
        o->lim.max_conns = (size_t)n;
    } else if (strcmp(name, "--max-handshakes") == 0) {
        rc = run_number(name, val, RUN_CONNS_MAX, &n);
        o->lim.max_handshakes = (size_t)n;
    } else if (strcmp(name, "--max-failures") == 0) {
        rc = run_number(name, val, RUN_FAILURES_MAX, &n);
        o->lim.max_failures = (uint32_t)n;
    } else if (strcmp(name, "--failure-window-ms") == 0) {
        rc = run_number(name, val, RUN_TIMEOUT_MS_MAX, &o->lim.failure_window_ms);
    } else {
        o->level = log_level_parse(val);
        if (o->level < 0)
            rc = run_bad(name, val, "must be debug, info, warn or error");
    }
    return rc;
}

/* Checks a HOST:PORT from the command line or the store into o. */
static int run_listen_addr(struct run_opts *o, const char *what, const char *s)
{
    char why[160];

    if (strnlen(s, RUN_LISTEN_MAX + 1) > RUN_LISTEN_MAX
        || invite_parse_hostport(s, o->host, sizeof(o->host), &o->port, why, sizeof(why)) < 0) {
        fprintf(stderr, "saferd: run: %s \"%s\": %s\n", what, s,
            strnlen(s, RUN_LISTEN_MAX + 1) > RUN_LISTEN_MAX ? "too long" : why);
        return SAFER_E_INVAL;
    }
    return 0;
}

/* Parses argv into o. Returns 0, -1 after --help, or 2 (usage, printed). */
static int run_parse(int argc, char **argv, struct run_opts *o)
{
    static const char *const names[] = { "--listen", "--handshake-timeout-ms", "--idle-timeout-ms",
        "--max-conns", "--max-handshakes", "--max-failures", "--failure-window-ms", "--log-level" };
    const size_t nnames = sizeof(names) / sizeof(names[0]);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t k;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            run_usage(stdout);
            return -1;
        }
        for (k = 0; k < nnames; k++) {
            size_t n = strlen(names[k]);

            if (strncmp(a, names[k], n) == 0 && a[n] == '=') {
                if (run_option(o, names[k], a + n + 1) != 0)
                    return 2;
                break;
            }
            if (strcmp(a, names[k]) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "saferd: run: %s needs a value\n", a);
                    run_usage(stderr);
                    return 2;
                }
                if (run_option(o, names[k], argv[++i]) != 0)
                    return 2;
                break;
            }
        }
        if (k < nnames)
            continue;
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "saferd: run: unknown option \"%s\"\n", a);
            run_usage(stderr);
            return 2;
        }
        if (o->dir) {
            fprintf(stderr, "saferd: run: one DIR only; \"%s\" is a second\n", a);
            return 2;
        }
        o->dir = a;
    }
    if (!o->dir) {
        fprintf(stderr, "saferd: run: DIR is missing\n");
        run_usage(stderr);
        return 2;
    }
    if (o->dir[0] == '\0' || strnlen(o->dir, RUN_DIR_MAX + 1) > RUN_DIR_MAX)
        return run_bad("DIR", o->dir, "must be 1 to 3900 bytes long");
    if (o->listen && run_listen_addr(o, "--listen", o->listen) < 0)
        return 2;
    return 0;
}

static int run_fail(const char *what, int rc)
{
    fprintf(stderr, "saferd: run: %s: %s\n", what, err_msg(rc));
    return rc;
}

/*
 * Reads DIR/server.key into sk and the pack-signing key from DIR/sign.key
 * into sign_sk (both sodium_malloc memory, crypto_sign_SECRETKEYBYTES for
 * sign_sk) and sign_pk.
 */
static int run_keys(
    const char *dir, uint8_t *sk, uint8_t *sign_sk, uint8_t sign_pk[SERVER_KEY_BYTES])
{
    char path[RUN_PATH_MAX];
    uint8_t *seed = NULL;
    int ret;

    snprintf(path, sizeof(path), "%s/%s", dir, SAFERD_KEY_FILE);
    ret = keyfile_read(path, sk, NULL);
    if (ret < 0) {
        fprintf(stderr, "saferd: run: %s: %s\n", path,
            ret == SAFER_E_PASSPHRASE ? "passphrase-protected keys are not supported"
                                      : err_msg(ret));
        goto out;
    }
    seed = sodium_malloc(crypto_sign_SEEDBYTES);
    ret = SAFER_E_NOMEM;
    if (seed == NULL)
        goto out;
    snprintf(path, sizeof(path), "%s/%s", dir, SAFERD_SIGN_FILE);
    ret = keyfile_read(path, seed, NULL);
    if (ret < 0) {
        fprintf(stderr, "saferd: run: %s: %s\n", path, err_msg(ret));
        goto out;
    }
    ret = crypto_sign_seed_keypair(sign_pk, sign_sk, seed) == 0 ? 0 : SAFER_E_CRYPTO;
out:
    sodium_free(seed);
    return ret;
}

/* Opens DIR/safer.db and settles the listen address. */
static int run_store(struct run_opts *o, store **st)
{
    char path[RUN_PATH_MAX];
    char listen[RUN_LISTEN_MAX + 1];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", o->dir, SAFERD_DB_FILE);
    rc = store_open(st, path, 0);
    if (rc == SAFER_E_NOTFOUND) {
        fprintf(stderr, "saferd: run: %s: no database: run 'saferd init %s' first\n", path, o->dir);
        return rc;
    }
    if (rc < 0)
        return run_fail(path, rc);
    if (o->listen)
        return 0; /* checked with the other options */
    rc = settings_get(*st, SETTINGS_LISTEN, listen, sizeof(listen));
    if (rc == SAFER_E_NOTFOUND)
        snprintf(listen, sizeof(listen), "%s", SAFERD_DEFAULT_LISTEN);
    else if (rc < 0)
        return run_fail("the listen setting", rc);
    return run_listen_addr(o, "the listen setting", listen);
}

/* Raises the open-file limit towards what max_conns needs, or warns. */
static void run_fd_limit(size_t max_conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)max_conns + RUN_FD_SPARE;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
        log_warn("the open-file limit (%llu) is below --max-conns %zu plus %u spare",
            (unsigned long long)rl.rlim_cur, max_conns, RUN_FD_SPARE);
}

static void run_close_walk(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* Runs the loop until every handle has closed, then closes it. */
static void run_loop_close(uv_loop_t *loop)
{
    uv_run(loop, UV_RUN_DEFAULT);
    if (uv_loop_close(loop) == UV_EBUSY) {
        log_warn("handles still open at exit; closing them");
        uv_walk(loop, run_close_walk, NULL);
        uv_run(loop, UV_RUN_DEFAULT);
        uv_loop_close(loop);
    }
}

/* Everything after the keys and the store: the loop, the server, the run. */
static int run_serve(
    struct run_opts *o, store *st, uint8_t *sk, const uint8_t *sign_sk, const uint8_t *sign_pk)
{
    uv_loop_t loop;
    server srv;
    char fpr[KEYFILE_FPR_CHARS + 1];
    int ret;

    ret = uv_loop_init(&loop);
    if (ret < 0)
        return run_fail("cannot start the event loop", SAFER_E_INTERNAL);
    ret = server_init(&srv, &loop, st, sk, &o->lim);
    memcpy(srv.sign_pk, sign_pk, SERVER_KEY_BYTES);
    srv.sign_sk = sign_sk;
    if (ret == 0)
        ret = noise_public_key(sk, srv.static_pk);
    if (ret == 0)
        ret = store_start_writer(st, &loop);
    if (ret == 0)
        ret = server_listen(&srv, o->host, o->port);
    if (ret == 0) {
        keyfile_fingerprint(srv.static_pk, fpr);
        log_info("serving %s, server key %s", o->dir, fpr);
    } else {
        log_error("cannot start: %s", err_msg(ret));
    }
    /* On failure this closes what was opened; on success it returns at shutdown. */
    if (ret < 0)
        server_shutdown(&srv);
    /* The shutdown stopped the writer before the last handles closed. */
    run_loop_close(&loop);
    return ret;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = { 0 };
    store *st = NULL;
    uint8_t *sk = NULL;
    uint8_t *sign_sk = NULL;
    uint8_t sign_pk[SERVER_KEY_BYTES];
    int ret = 1;

    o.lim.handshake_ms = SERVER_HANDSHAKE_MS_DEFAULT;
    o.lim.idle_ms = SERVER_IDLE_MS_DEFAULT;
    o.lim.max_conns = SERVER_MAX_CONNS_DEFAULT;
    o.lim.max_handshakes = SERVER_MAX_HANDSHAKES_DEFAULT;
    o.lim.wq_cap = SERVER_WQ_CAP_DEFAULT;
    o.lim.max_failures = SERVER_MAX_FAILURES_DEFAULT;
    o.lim.failure_window_ms = SERVER_FAILURE_WINDOW_MS_DEFAULT;
    o.level = LOG_INFO;
    switch (run_parse(argc, argv, &o)) {
    case 0:
        break;
    case -1:
        return 0;
    default:
        return 2;
    }
    log_setup("saferd", (enum log_level)o.level);
    sk = sodium_malloc(KEYFILE_KEY_BYTES);
    sign_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (sk == NULL || sign_sk == NULL) {
        run_fail("key memory", SAFER_E_NOMEM);
        goto out;
    }
    if (run_keys(o.dir, sk, sign_sk, sign_pk) < 0)
        goto out;
    sodium_mprotect_readonly(sk);
    sodium_mprotect_readonly(sign_sk);
    if (run_store(&o, &st) < 0)
        goto out;
    /* The audit log's head is sealed under a key that follows from the server's. */
    if (audit_use_server_key(st, sk) < 0) {
        run_fail("the audit key", SAFER_E_NOMEM);
        goto out;
    }
    run_fd_limit(o.lim.max_conns);
    if (run_serve(&o, st, sk, sign_sk, sign_pk) == 0)
        ret = 0;
out:
    store_close(st);
    /* sodium_free makes the page writable again and wipes it. */
    sodium_free(sk);
    sodium_free(sign_sk);
    sodium_memzero(sign_pk, sizeof(sign_pk));
    return ret;
}
