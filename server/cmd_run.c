/*
 * `saferd run [DIR]`: serves a data folder. It settles its settings from the
 * defaults, the config file and the flags (config.h), reads the server's keys, opens
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
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"
#include "common/invite.h"
#include "common/keyfile.h"
#include "common/log.h"
#include "common/noise.h"
#include "server/audit.h"
#include "server/config.h"
#include "server/server.h"
#include "server/settings.h"
#include "server/store.h"

#define RUN_PATH_MAX 4096
/* File descriptors wanted beyond one per connection: the store, the loop, logs. */
#define RUN_FD_SPARE 64u

/* The command line before the config file is read. */
struct run_args {
    const char *dir;                 /* DIR, if given */
    const char *file;                /* --config FILE, if given */
    const char *over[CONFIG_NITEMS]; /* each flag's value (the last one given), or NULL */
};

/* What the run uses: the config file with the flags over it, checked. */
struct run_opts {
    const char *dir; /* cfg.data_dir */
    config cfg;
    server_limits lim;
    char host[INVITE_HOST_MAX + 1]; /* from cfg.listen, when it is set */
    uint16_t port;
};

static void run_usage(FILE *f)
{
    fprintf(f,
        "usage: saferd run [DIR] [--config FILE] [options]\n"
        "\n"
        "Serves the data folder DIR (made by 'saferd init') until SIGINT or SIGTERM.\n"
        "DIR may instead come from data_dir in the config file.\n"
        "\n"
        "  --config FILE\n"
        "      read settings from FILE (default: DIR/" CONFIG_FILE_NAME " if it exists)\n");
    config_usage(f);
    fprintf(f,
        "  -h, --help\n"
        "      show this help\n"
        "\n"
        "Each option is also a key of the config file's [" CONFIG_SECTION "] section\n"
        "(--max-conns N is max_conns = N); an option given here beats the file.\n");
}

/* Takes the value of the option argv[*i] (after its '=', or the next argument). */
static int run_value(int argc, char **argv, int *i, const char **val)
{
    if (*val != NULL)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "saferd: run: %s needs a value\n", argv[*i]);
        run_usage(stderr);
        return 2;
    }
    *val = argv[++*i];
    return 0;
}

/* Checks the value of flag k on a scratch config, so a bad flag is a usage error. */
static int run_check_flag(config *scratch, int k, const char *arg, const char *val)
{
    char why[CONFIG_ERR_MAX];

    if (config_set(scratch, k, val, why, sizeof(why)) < 0) {
        fprintf(stderr, "saferd: run: %.*s %s\n", (int)strcspn(arg, "="), arg, why);
        return 2;
    }
    return 0;
}

/* Parses argv into a. Returns 0, -1 after --help, or 2 (usage, printed). */
static int run_parse(int argc, char **argv, struct run_args *a)
{
    config scratch;

    config_defaults(&scratch);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        int k = config_flag(arg, &val);
        int is_file = strcmp(arg, "--config") == 0 || strncmp(arg, "--config=", 9) == 0;

        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            run_usage(stdout);
            return -1;
        }
        if (is_file && arg[8] == '=')
            val = arg + 9;
        if (k >= 0 || is_file) {
            if (run_value(argc, argv, &i, &val) != 0)
                return 2;
            if (is_file)
                a->file = val;
            else if (run_check_flag(&scratch, k, arg, val) != 0)
                return 2;
            else
                a->over[k] = val;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "saferd: run: unknown option \"%s\"\n", arg);
            run_usage(stderr);
            return 2;
        }
        if (a->dir) {
            fprintf(stderr, "saferd: run: one DIR only; \"%s\" is a second\n", arg);
            return 2;
        }
        if (arg[0] == '\0' || strnlen(arg, CONFIG_DIR_MAX + 1) > CONFIG_DIR_MAX) {
            fprintf(stderr, "saferd: run: DIR \"%s\": must be 1 to %d bytes long\n", arg,
                CONFIG_DIR_MAX);
            return 2;
        }
        a->dir = arg;
    }
    if (a->file && (a->file[0] == '\0' || strnlen(a->file, RUN_PATH_MAX) >= RUN_PATH_MAX)) {
        fprintf(stderr, "saferd: run: --config \"%s\": must be 1 to %d bytes long\n", a->file,
            RUN_PATH_MAX - 1);
        return 2;
    }
    return 0;
}

/*
 * Builds o from the defaults, the config file (--config FILE, else
 * DIR/saferd.conf if there is one) and the flags, in that order. Returns 0,
 * 1 for a config file that cannot be read, or 2 for a missing DIR.
 */
static int run_configure(const struct run_args *a, struct run_opts *o)
{
    const int kdir = config_find("data_dir");
    const char *dir = a->dir ? a->dir : a->over[kdir];
    const char *file = a->file;
    char path[RUN_PATH_MAX];
    char err[CONFIG_ERR_MAX];
    char why[128];

    config_defaults(&o->cfg);
    if (file == NULL && dir != NULL) {
        snprintf(path, sizeof(path), "%s/%s", dir, CONFIG_FILE_NAME);
        if (access(path, F_OK) == 0)
            file = path;
    }
    if (file != NULL && config_load(&o->cfg, file, err, sizeof(err)) < 0) {
        fprintf(stderr, "saferd: run: %s\n", err);
        return 1;
    }
    /* Every value was checked as the command line was parsed. */
    for (int k = 0; k < CONFIG_NITEMS; k++) {
        if (a->over[k] != NULL)
            config_set(&o->cfg, k, a->over[k], err, sizeof(err));
    }
    if (a->dir != NULL)
        config_set(&o->cfg, kdir, a->dir, err, sizeof(err));
    if (o->cfg.data_dir[0] == '\0') {
        fprintf(stderr, "saferd: run: DIR is missing\n");
        run_usage(stderr);
        return 2;
    }
    o->dir = o->cfg.data_dir;
    config_limits(&o->cfg, &o->lim);
    if (o->cfg.listen[0] != '\0')
        invite_parse_hostport(o->cfg.listen, o->host, sizeof(o->host), &o->port, why, sizeof(why));
    return 0;
}

/* Checks a HOST:PORT from the store into o. */
static int run_listen_addr(struct run_opts *o, const char *what, const char *s)
{
    char why[160];

    if (strnlen(s, CONFIG_ADDR_MAX + 1) > CONFIG_ADDR_MAX
        || invite_parse_hostport(s, o->host, sizeof(o->host), &o->port, why, sizeof(why)) < 0) {
        fprintf(stderr, "saferd: run: %s \"%s\": %s\n", what, s,
            strnlen(s, CONFIG_ADDR_MAX + 1) > CONFIG_ADDR_MAX ? "too long" : why);
        return SAFER_E_INVAL;
    }
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
    char listen[CONFIG_ADDR_MAX + 1];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", o->dir, SAFERD_DB_FILE);
    rc = store_open(st, path, 0);
    if (rc == SAFER_E_NOTFOUND) {
        fprintf(stderr, "saferd: run: %s: no database: run 'saferd init %s' first\n", path, o->dir);
        return rc;
    }
    if (rc < 0)
        return run_fail(path, rc);
    if (o->cfg.listen[0] != '\0')
        return 0; /* checked with the other settings */
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

static int run_public_job(store_tx *tx, void *ctx)
{
    return settings_set_tx(tx, SETTINGS_PUBLIC_ADDRESS, ctx);
}

/*
 * Stores public_address in the settings when the config sets it, so that
 * invites made while serving, and by 'saferd invite' later, name it.
 */
static int run_public_address(struct run_opts *o, store *st)
{
    char cur[SETTINGS_VALUE_MAX + 1];
    int rc;

    if (o->cfg.public_address[0] == '\0')
        return 0;
    rc = settings_get(st, SETTINGS_PUBLIC_ADDRESS, cur, sizeof(cur));
    if (rc == 0 && strcmp(cur, o->cfg.public_address) == 0)
        return 0;
    rc = store_run(st, run_public_job, o->cfg.public_address);
    if (rc < 0)
        return run_fail("storing public_address", rc);
    log_info("invites now name %s", o->cfg.public_address);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run_args a = { 0 };
    struct run_opts o;
    store *st = NULL;
    uint8_t *sk = NULL;
    uint8_t *sign_sk = NULL;
    uint8_t sign_pk[SERVER_KEY_BYTES];
    int ret = 1;

    memset(&o, 0, sizeof(o));
    switch (run_parse(argc, argv, &a)) {
    case 0:
        break;
    case -1:
        return 0;
    default:
        return 2;
    }
    ret = run_configure(&a, &o);
    if (ret != 0)
        return ret;
    ret = 1;
    log_setup("saferd", (enum log_level)o.cfg.log_level);
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
    if (run_store(&o, &st) < 0 || run_public_address(&o, st) < 0)
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
