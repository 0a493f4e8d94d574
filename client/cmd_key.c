/*
 * `safer key show|rotate`: the user's own key. Rotation replaces the key pair
 * without an admin: the current session asks the server for a one-time
 * rotation code, a new key pair is made here into `key.new`, and the new key
 * enrols with the code on a session of its own; the server revokes the old
 * key in the same transaction. Only then does `key.new` replace `key`, by
 * rename, so at every moment the file `key` holds a key the server accepts
 * (or, for the instant between the server's commit and the rename, `key.new`
 * does, and a failed rename says so). Finally a fresh session with the key
 * now on disk proves the result before success is reported.
 *
 * The rotation code is a secret: it is never printed and is wiped after use.
 */
#include "client/cmds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "client/admin.h"
#include "client/cli.h"
#include "client/pass.h"
#include "common/err.h"
#include "common/keyfile.h"
#include "common/noise.h"

#define KEY_NEW_FILE "key.new"
#define KEY_CODE_MAX 256 /* the longest rotation code accepted from the server */

static const char key_show_usage[] = "usage: safer key show\n"
                                     "\n"
                                     "Prints the fingerprint of your key, as 'safer whoami' and\n"
                                     "'safer admin key list' show it. Needs no connection.\n";

static const char key_rotate_usage[]
    = "usage: safer key rotate [--passphrase]\n"
      "\n"
      "Replaces your key pair: asks the server for a rotation code, makes a new key\n"
      "pair on this machine, enrols it with the code (the server revokes the old key\n"
      "at the same moment), puts it in place of the old key file and checks that it\n"
      "works. Prints the old and new fingerprints. On failure the old key is kept.\n"
      "With SAFER_PASSPHRASE_FD, the current key's passphrase (if it is sealed) is\n"
      "the first line and the new one (with --passphrase) the next.\n"
      "\n"
      "  --passphrase  seal the new key with a passphrase (typed twice on a terminal,\n"
      "                or from SAFER_PASSPHRASE or SAFER_PASSPHRASE_FD)\n";

/* The state of one rotation. */
struct rotate {
    char key_path[HOME_PATH_MAX]; /* the key file */
    char new_path[HOME_PATH_MAX]; /* key.new beside it */
    char dir[HOME_PATH_MAX];      /* the client's folder */
    char old_fpr[KEYFILE_FPR_CHARS + 1];
    char new_fpr[KEYFILE_FPR_CHARS + 1];
    home_server srv; /* the enrolled server */
    char *code;      /* the rotation code, sodium_malloc */
    char *pass;      /* the new key's passphrase or NULL, sodium_malloc */
    uint8_t *old_sk; /* the current private key, sodium_malloc */
    uint8_t *sk;     /* the new private key, sodium_malloc */
    uint8_t pk[32];  /* the new public key */
    int unsure;      /* the enrol was sent but its answer lost: the server may have it */
};

/* Asks the server, over a session with the current key, for a rotation code. */
static int rotate_begin(struct rotate *r)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__RotateBeginRequest br = SAFER__ROTATE_BEGIN_REQUEST__INIT;
    Safer__Response *rs = NULL;
    cli_session s;
    int ret;

    if ((ret = cli_session_open_key(&s, r->old_sk)) != 0)
        return ret;
    rq.body_case = SAFER__REQUEST__BODY_ROTATE_BEGIN;
    rq.rotate_begin = &br;
    if ((ret = cli_session_call(&s, &rq, &rs, SAFER__RESPONSE__BODY_ROTATE_BEGIN)) != 0)
        goto out;
    if (rs->rotate_begin->code == NULL || rs->rotate_begin->code[0] == '\0'
        || strlen(rs->rotate_begin->code) > KEY_CODE_MAX) {
        cli_fail("rotate_begin", "the server sent no usable rotation code");
        ret = SAFER_E_PROTO;
        goto out;
    }
    snprintf(r->code, KEY_CODE_MAX + 1, "%s", rs->rotate_begin->code);
    sodium_memzero(rs->rotate_begin->code, strlen(rs->rotate_begin->code));
out:
    pb_response_free(&s.b, rs);
    /* The old session ends before the new key goes in: the server would close it then. */
    if (cli_session_close(&s, ret == 0) != 0 && ret == 0)
        ret = SAFER_E_CLOSED;
    return ret;
}

/*
 * Loads the current key (its passphrase is asked first) and then, when the new
 * key is to be sealed, asks for the new passphrase: both before the server is
 * asked for anything, so a mistyped passphrase wastes no rotation code.
 */
static int rotate_passphrases(struct rotate *r, int seal)
{
    char why[HOME_WHY_MAX] = "";
    uint8_t pk[32];
    int ret = cli_load_key(r->key_path, r->old_sk, pk);

    if (ret == SAFER_E_NOTFOUND)
        cli_fail("reading key", "%s: no key file; run 'safer enrol INVITE' again", r->key_path);
    if (ret != 0)
        return ret;
    keyfile_fingerprint(pk, r->old_fpr);
    if (!seal)
        return 0;
    r->pass = sodium_malloc(PASS_BUF_BYTES);
    if (r->pass == NULL) {
        cli_fail("making key", "%s", err_msg(SAFER_E_NOMEM));
        return SAFER_E_NOMEM;
    }
    ret = pass_get(r->pass, "New passphrase for the Safer key: ", 1, why, sizeof(why));
    if (ret != 0)
        cli_fail("reading passphrase", "%s", why);
    return ret;
}

/* Makes the new key pair and writes it to key.new, sealed when a passphrase was given. */
static int rotate_make_key(struct rotate *r)
{
    int ret;

    if ((ret = noise_keypair(r->sk, r->pk)) != 0) {
        cli_fail("making key", "%s", err_msg(ret));
        return ret;
    }
    keyfile_fingerprint(r->pk, r->new_fpr);
    ret = keyfile_write(r->new_path, r->sk, r->pass);
    if (ret != 0)
        cli_fail("writing key", "%s: %s", r->new_path,
            ret == SAFER_E_IO ? strerror(errno) : err_msg(ret));
    return ret;
}

/* Enrols the new key with the rotation code on a session of its own. */
static int rotate_enrol(struct rotate *r)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__EnrolRequest er = SAFER__ENROL_REQUEST__INIT;
    Safer__Response *rs = NULL;
    net_config cfg = { 0 };
    net *n = NULL;
    pb_budget b;
    int ret;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    if ((ret = net_new(&n)) != 0) {
        cli_fail("connecting", "%s", err_msg(ret));
        return ret;
    }
    cfg.host = r->srv.host;
    cfg.port = r->srv.port;
    cfg.sk = r->sk;
    cfg.server_pk = r->srv.server_pk;
    cfg.io_timeout_ms = net_timeout_from_env();
    er.code = r->code;
    rq.body_case = SAFER__REQUEST__BODY_ENROL;
    rq.enrol = &er;
    if ((ret = net_connect(n, &cfg)) != 0) {
        cli_fail_msg(net_error(n));
        goto out;
    }
    if ((ret = net_call(n, &rq, &rs, &b)) != 0) {
        cli_fail_msg(net_error(n));
        /* A refusal leaves the session usable; anything else may have come after the commit. */
        r->unsure = !net_usable(n) && ret != SAFER_E_UNAUTH;
        goto out;
    }
    if (rs->body_case != SAFER__RESPONSE__BODY_ENROL) {
        cli_fail("enrol", "the server sent a response of another kind");
        ret = SAFER_E_PROTO;
        goto out;
    }
    if (rs->enrol->initials == NULL || strcmp(rs->enrol->initials, r->srv.initials) != 0)
        fprintf(stderr, "safer: note: the server enrolled the new key under other initials\n");
out:
    /* The new key is in once the server said OK; a failed goodbye does not undo that. */
    if (net_usable(n))
        (void)net_goodbye(n);
    pb_response_free(&b, rs);
    net_free(n);
    return ret;
}

/* Puts key.new in place of key: rename, then fsync the folder so the rename lasts. */
static int rotate_install(struct rotate *r)
{
    int fd;

    if (rename(r->new_path, r->key_path) != 0) {
        cli_fail("rotating key",
            "the server took the new key and revoked the old one, but renaming %s to %s "
            "failed (%s): rename it by hand",
            r->new_path, r->key_path, strerror(errno));
        return SAFER_E_IO;
    }
    fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    return 0;
}

/* Reads the key back from disk and asks the server who it is. */
static int rotate_verify(struct rotate *r)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__WhoamiRequest wr = SAFER__WHOAMI_REQUEST__INIT;
    Safer__Response *rs = NULL;
    uint8_t *sk = sodium_malloc(NOISE_KEY_BYTES);
    cli_session s;
    int ret = SAFER_E_NOMEM;

    memset(&s, 0, sizeof(s));
    if (sk == NULL) {
        cli_fail("checking the new key", "%s", err_msg(ret));
        return ret;
    }
    ret = keyfile_read(r->key_path, sk, r->pass);
    if (ret == 0 && sodium_memcmp(sk, r->sk, NOISE_KEY_BYTES) != 0)
        ret = SAFER_E_INVAL;
    if (ret != 0) {
        cli_fail("checking the new key", "%s does not hold the new key", r->key_path);
        goto out;
    }
    if ((ret = cli_session_open_key(&s, sk)) != 0)
        goto out;
    rq.body_case = SAFER__REQUEST__BODY_WHOAMI;
    rq.whoami = &wr;
    ret = cli_session_call(&s, &rq, &rs, SAFER__RESPONSE__BODY_WHOAMI);
    pb_response_free(&s.b, rs);
    if (cli_session_close(&s, ret == 0) != 0 && ret == 0)
        ret = SAFER_E_CLOSED;
out:
    sodium_free(sk);
    return ret;
}

/* Fills the paths and the server of r; refuses when key.new is left from before. */
static int rotate_prepare(struct rotate *r)
{
    struct stat st;

    if (cli_home(r->dir, sizeof(r->dir), 0) != 0 || cli_read_server(r->dir, &r->srv) != 0)
        return SAFER_E_NOTFOUND;
    if (home_path(r->key_path, sizeof(r->key_path), r->dir, HOME_KEY_FILE) != 0
        || home_path(r->new_path, sizeof(r->new_path), r->dir, KEY_NEW_FILE) != 0) {
        cli_fail("client folder", "the path is too long");
        return SAFER_E_TOOBIG;
    }
    if (lstat(r->new_path, &st) == 0) {
        cli_fail("key rotate",
            "%s is left from an earlier rotation. If that rotation reported that the "
            "server took the new key, rename it over %s; otherwise remove it. Then try again",
            r->new_path, r->key_path);
        return SAFER_E_EXISTS;
    }
    r->code = sodium_malloc(KEY_CODE_MAX + 1);
    r->old_sk = sodium_malloc(NOISE_KEY_BYTES);
    r->sk = sodium_malloc(NOISE_KEY_BYTES);
    if (r->code == NULL || r->old_sk == NULL || r->sk == NULL) {
        cli_fail("key rotate", "%s", err_msg(SAFER_E_NOMEM));
        return SAFER_E_NOMEM;
    }
    return 0;
}

/* Runs the rotation; the new key file is removed on any failure before the server took it. */
static int rotate_run(struct rotate *r, int seal)
{
    int ret;

    if ((ret = rotate_prepare(r)) != 0 || (ret = rotate_passphrases(r, seal)) != 0
        || (ret = rotate_begin(r)) != 0)
        return ret;
    if ((ret = rotate_make_key(r)) == 0 && (ret = rotate_enrol(r)) != 0 && r->unsure) {
        fprintf(stderr,
            "safer: key rotate: the server's answer was lost, so the new key may be in: it is "
            "kept in %s. If 'safer whoami' now fails, rename it over %s\n",
            r->new_path, r->key_path);
        return ret;
    }
    if (ret != 0) {
        (void)unlink(r->new_path);
        fprintf(stderr, "safer: key rotate: nothing changed; the old key %s is kept\n", r->old_fpr);
        return ret;
    }
    if ((ret = rotate_install(r)) != 0)
        return ret;
    if ((ret = rotate_verify(r)) != 0) {
        fprintf(stderr,
            "safer: key rotate: the server took the new key %s and revoked the old one, but a "
            "session with it failed\n",
            r->new_fpr);
        return ret;
    }
    printf("Rotated your key.\nOld key: %s (revoked)\nNew key: %s\n", r->old_fpr, r->new_fpr);
    return 0;
}

static int key_rotate(int argc, char **argv)
{
    struct rotate r;
    const char *seal = NULL;
    const cli_opt opts[] = { { "--passphrase", 0, &seal } };
    size_t npos;
    int p = cli_parse(argc, argv, opts, 1, NULL, 0, 0, &npos, key_rotate_usage);
    int ret;

    if (p != 0)
        return CLI_PARSE_EXIT(p);
    memset(&r, 0, sizeof(r));
    ret = rotate_run(&r, seal != NULL);
    sodium_free(r.code);
    sodium_free(r.pass);
    sodium_free(r.old_sk);
    sodium_free(r.sk);
    return ret == 0 ? CLI_OK : CLI_FAIL;
}

static int key_show(int argc, char **argv)
{
    char dir[HOME_PATH_MAX];
    char path[HOME_PATH_MAX];
    char fpr[KEYFILE_FPR_CHARS + 1];
    uint8_t pk[32];
    uint8_t *sk = NULL;
    size_t npos;
    int p = cli_parse(argc, argv, NULL, 0, NULL, 0, 0, &npos, key_show_usage);
    int ret = CLI_FAIL;

    if (p != 0)
        return CLI_PARSE_EXIT(p);
    if (cli_home(dir, sizeof(dir), 0) != 0)
        return CLI_FAIL;
    if (home_path(path, sizeof(path), dir, HOME_KEY_FILE) != 0) {
        cli_fail("client folder", "the path is too long");
        return CLI_FAIL;
    }
    if ((sk = sodium_malloc(NOISE_KEY_BYTES)) == NULL) {
        cli_fail("reading key", "%s", err_msg(SAFER_E_NOMEM));
        return CLI_FAIL;
    }
    p = cli_load_key(path, sk, pk);
    if (p == SAFER_E_NOTFOUND)
        cli_fail("reading key", "%s: no key file; 'safer enrol INVITE' makes one", path);
    if (p == 0) {
        keyfile_fingerprint(pk, fpr);
        printf("%s\n", fpr);
        ret = CLI_OK;
    }
    sodium_free(sk);
    return ret;
}

static const admin_sub key_subs[] = {
    { "show", key_show, "Prints the fingerprint of your key" },
    { "rotate", key_rotate, "Replaces your key pair; the old key is revoked" },
};

int cmd_key(int argc, char **argv)
{
    return admin_dispatch(argc, argv, key_subs, sizeof(key_subs) / sizeof(key_subs[0]), "key");
}
