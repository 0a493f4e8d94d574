/*
 * `safer enrol INVITE`: redeems a one-time invite. The user's key pair is made
 * here, on their own machine, if there is none; the invite's server key is
 * pinned for the handshake; the code is sent inside the encrypted session,
 * and only when the server accepts it is the `server` file written. A failed
 * enrolment leaves nothing behind but the key pair, which a retry reuses.
 *
 * A key that was revoked cannot enrol again: the server ends its session
 * right after the handshake with an id-0 UNAUTHENTICATED notice. Enrol tells
 * the user so, and with --new-key moves the old key aside to key.revoked
 * (never deleting it) and enrols a new pair with the same invite, whose code
 * the refused session never reached.
 *
 * The invite's code is a secret: it is never printed, and the copy in memory
 * is wiped before returning.
 */
#include "client/cmds.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "client/cli.h"
#include "client/pass.h"
#include "common/err.h"
#include "common/keyfile.h"
#include "common/noise.h"

/* Where --new-key moves a revoked key: kept, in case its owner wants to see which it was. */
#define ENROL_REVOKED_KEY_FILE "key.revoked"

static const char enrol_usage[]
    = "usage: safer enrol INVITE [--force] [--passphrase] [--new-key]\n"
      "\n"
      "Redeems a one-time invite from your Safer admin: makes your key pair on this\n"
      "machine if there is none, pins the server's key and registers your key with it.\n"
      "INVITE is the safer://... line the admin gave you, or - to read it from stdin.\n"
      "\n"
      "  --force       replace an enrolment with a different server\n"
      "  --new-key     if the server says this machine's key was revoked, move it to\n"
      "                key.revoked and enrol a new key pair instead\n"
      "  --passphrase  seal a new key with a passphrase (typed twice on a terminal,\n"
      "                or taken from SAFER_PASSPHRASE)\n";

struct enrol_opts {
    const char *invite; /* the argument, or "-" for stdin */
    int force;          /* replace a different server pin */
    int passphrase;     /* seal a new key */
    int new_key;        /* replace a key the server says is revoked */
};

static int enrol_parse_args(int argc, char **argv, struct enrol_opts *o)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0)
            o->force = 1;
        else if (strcmp(argv[i], "--passphrase") == 0)
            o->passphrase = 1;
        else if (strcmp(argv[i], "--new-key") == 0)
            o->new_key = 1;
        else if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0)
            return cli_usage_error(enrol_usage, "unknown option", argv[i]);
        else if (o->invite == NULL)
            o->invite = argv[i];
        else
            return cli_usage_error(enrol_usage, "unexpected argument", argv[i]);
    }
    return o->invite == NULL ? cli_usage_error(enrol_usage, "missing argument", NULL) : 0;
}

/* Gets the invite text, from the argument or one line of stdin, into buf. */
static int enrol_invite_text(const char *arg, char *buf, size_t len)
{
    size_t n;

    if (strcmp(arg, "-") != 0) {
        if (strlen(arg) >= len)
            return SAFER_E_TOOBIG;
        snprintf(buf, len, "%s", arg);
        return 0;
    }
    if (fgets(buf, (int)len, stdin) == NULL)
        return SAFER_E_INVAL;
    n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n == len - 1)
        return SAFER_E_TOOBIG;
    buf[n] = '\0';
    return 0;
}

/* Refuses to replace a pin of another server unless forced. */
static int enrol_check_pin(const char *dir, const invite *inv, int force)
{
    char path[HOME_PATH_MAX];
    char why[HOME_WHY_MAX] = "";
    home_server old;
    int ret;

    if (home_path(path, sizeof(path), dir, HOME_SERVER_FILE) != 0)
        return SAFER_E_TOOBIG;
    ret = home_server_read(path, &old, why, sizeof(why));
    if (ret == SAFER_E_NOTFOUND || force)
        return 0;
    if (ret != 0) {
        cli_fail("enrol", "%s is unreadable (%s); use --force to replace it", path,
            ret == SAFER_E_IO ? strerror(errno) : why);
        return ret;
    }
    if (sodium_memcmp(old.server_pk, inv->server_pk, sizeof(old.server_pk)) != 0) {
        char addr[INVITE_HOST_MAX + 16];
        home_address(&old, addr, sizeof(addr));
        cli_fail(
            "enrol", "already enrolled with another server (%s); use --force to replace it", addr);
        return SAFER_E_EXISTS;
    }
    return 0;
}

/* Makes a new key pair at path, sealed if asked; prints its fingerprint. */
static int enrol_make_key(const char *path, uint8_t *sk, uint8_t pk[32], int seal)
{
    char fpr[KEYFILE_FPR_CHARS + 1];
    char why[HOME_WHY_MAX] = "";
    char *pass = NULL;
    int ret;

    if (seal) {
        pass = sodium_malloc(PASS_BUF_BYTES);
        if (pass == NULL) {
            ret = SAFER_E_NOMEM;
            cli_fail("making key", "%s", err_msg(ret));
            goto out;
        }
        ret = pass_get(pass, "New passphrase for the Safer key: ", 1, why, sizeof(why));
        if (ret != 0) {
            cli_fail("reading passphrase", "%s", why);
            goto out;
        }
    }
    if ((ret = noise_keypair(sk, pk)) != 0) {
        cli_fail("making key", "%s", err_msg(ret));
        goto out;
    }
    if ((ret = keyfile_write(path, sk, pass)) != 0) {
        cli_fail("writing key", "%s: %s", path, ret == SAFER_E_IO ? strerror(errno) : err_msg(ret));
        goto out;
    }
    keyfile_fingerprint(pk, fpr);
    printf("Made a new key pair in %s (fingerprint %s).\n", path, fpr);
    fflush(stdout);
out:
    sodium_free(pass);
    return ret;
}

/* Loads the key pair, or makes one when there is none. */
static int enrol_key(const char *dir, uint8_t *sk, uint8_t pk[32], int seal)
{
    char path[HOME_PATH_MAX];
    struct stat st;
    int ret;

    if (home_path(path, sizeof(path), dir, HOME_KEY_FILE) != 0) {
        cli_fail("client folder", "the path is too long");
        return SAFER_E_TOOBIG;
    }
    ret = cli_load_key(path, sk, pk);
    /* Check again that nothing is there: a key is never overwritten. */
    if (ret == SAFER_E_NOTFOUND && lstat(path, &st) != 0 && errno == ENOENT)
        return enrol_make_key(path, sk, pk, seal);
    if (ret == SAFER_E_NOTFOUND)
        cli_fail("reading key", "%s exists but could not be read", path);
    if (ret == 0 && seal)
        fprintf(stderr,
            "safer: note: keeping the existing key; --passphrase applies to a new "
            "key only\n");
    return ret;
}

/* Checks what the server sent before anything of it is written down. */
static int enrol_check_response(const Safer__EnrolResponse *er)
{
    if (er->initials == NULL || !home_initials_ok(er->initials)) {
        cli_fail("enrol", "the server sent malformed initials");
        return SAFER_E_PROTO;
    }
    if (er->server_sign_key.len != 32) {
        cli_fail(
            "enrol", "the server sent a signing key of %zu bytes, not 32", er->server_sign_key.len);
        return SAFER_E_PROTO;
    }
    return 0;
}

/* Writes the server file from the invite and the server's answer. */
static int enrol_save(const char *dir, const invite *inv, const Safer__EnrolResponse *er)
{
    char path[HOME_PATH_MAX];
    home_server srv = { 0 };
    int ret;

    snprintf(srv.host, sizeof(srv.host), "%s", inv->host);
    srv.port = inv->port;
    memcpy(srv.server_pk, inv->server_pk, sizeof(srv.server_pk));
    memcpy(srv.sign_pk, er->server_sign_key.data, sizeof(srv.sign_pk));
    snprintf(srv.initials, sizeof(srv.initials), "%s", er->initials);
    if ((ret = home_path(path, sizeof(path), dir, HOME_SERVER_FILE)) == 0)
        ret = home_server_write(path, &srv);
    if (ret != 0)
        cli_fail("enrolled, but saving the settings failed", "%s: %s", path, strerror(errno));
    return ret;
}

/*
 * 1 if the server ended the session because our key is revoked: the notice
 * a revoked key gets right after the handshake, UNAUTHENTICATED with a
 * message that says so (a deactivated account gets the same status with
 * another message, and a new key would not help it).
 */
static int enrol_key_revoked(const net *n)
{
    Safer__Status st;
    const char *msg = NULL;

    return net_ended(n, &st, &msg) && st == SAFER__STATUS__UNAUTHENTICATED && msg != NULL
        && strstr(msg, "revoked") != NULL;
}

/*
 * Connects pinning the invite's key and redeems its code. SAFER_E_REVOKED,
 * without printing, when the server says the key is revoked.
 */
static int enrol_redeem(const char *dir, const invite *inv, const uint8_t *sk, const uint8_t pk[32])
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__EnrolRequest er = SAFER__ENROL_REQUEST__INIT;
    Safer__Response *rs = NULL;
    char fpr[KEYFILE_FPR_CHARS + 1];
    net_config cfg = { 0 };
    net *n = NULL;
    pb_budget b;
    int ret;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    if ((ret = net_new(&n)) != 0) {
        cli_fail("connecting", "%s", err_msg(ret));
        return ret;
    }
    cfg.host = inv->host;
    cfg.port = inv->port;
    cfg.sk = sk;
    cfg.server_pk = inv->server_pk;
    cfg.io_timeout_ms = net_timeout_from_env();
    er.code = (char *)inv->code;
    rq.body_case = SAFER__REQUEST__BODY_ENROL;
    rq.enrol = &er;
    if ((ret = net_connect(n, &cfg)) != 0 || (ret = net_call(n, &rq, &rs, &b)) != 0) {
        /* The caller says what to do about a revoked key; anything else is printed here. */
        if (enrol_key_revoked(n))
            ret = SAFER_E_REVOKED;
        else
            cli_fail_msg(net_error(n));
        goto out;
    }
    if (rs->body_case != SAFER__RESPONSE__BODY_ENROL) {
        cli_fail("enrol", "the server sent a response of another kind");
        ret = SAFER_E_PROTO;
        goto out;
    }
    if ((ret = enrol_check_response(rs->enrol)) != 0
        || (ret = enrol_save(dir, inv, rs->enrol)) != 0)
        goto out;
    keyfile_fingerprint(pk, fpr);
    printf("Enrolled as ");
    cli_put_safe(stdout, rs->enrol->name);
    printf(" (%s) in ", rs->enrol->initials);
    cli_put_safe(stdout, rs->enrol->partnership);
    printf(".\nKey fingerprint: %s\n", fpr);
    if ((ret = net_goodbye(n)) != 0)
        cli_fail_msg(net_error(n));
out:
    /* A refused code leaves the session usable: end it politely, the error is already out. */
    if (ret != 0 && net_usable(n))
        (void)net_goodbye(n);
    pb_response_free(&b, rs);
    net_free(n);
    return ret;
}

/*
 * The key at HOME/key is revoked: without --new-key says how to go on;
 * with it moves the key to key.revoked, makes a new pair and redeems again.
 */
static int enrol_after_revoke(
    const char *dir, const invite *inv, uint8_t *sk, uint8_t pk[32], const struct enrol_opts *o)
{
    char fpr[KEYFILE_FPR_CHARS + 1];
    char path[HOME_PATH_MAX];
    char old[HOME_PATH_MAX];
    int ret;

    keyfile_fingerprint(pk, fpr);
    if (!o->new_key) {
        cli_fail("enrol", "your key %s was revoked; run 'safer enrol --new-key INVITE'", fpr);
        return SAFER_E_REVOKED;
    }
    if (home_path(path, sizeof(path), dir, HOME_KEY_FILE) != 0
        || home_path(old, sizeof(old), dir, ENROL_REVOKED_KEY_FILE) != 0) {
        cli_fail("client folder", "the path is too long");
        return SAFER_E_TOOBIG;
    }
    /* An older key.revoked is replaced: it was revoked too, and the newer one is what matters. */
    if (rename(path, old) != 0) {
        cli_fail("moving the revoked key aside", "%s: %s", path, strerror(errno));
        return SAFER_E_IO;
    }
    printf("Your key %s was revoked; moved it to %s.\n", fpr, old);
    fflush(stdout);
    if ((ret = enrol_make_key(path, sk, pk, o->passphrase)) != 0)
        return ret;
    ret = enrol_redeem(dir, inv, sk, pk);
    if (ret == SAFER_E_REVOKED)
        cli_fail("enrol", "the server refused the new key as revoked");
    return ret;
}

int cmd_enrol(int argc, char **argv)
{
    struct enrol_opts o = { 0 };
    char text[INVITE_MAX + 1];
    char why[HOME_WHY_MAX] = "";
    char dir[HOME_PATH_MAX];
    uint8_t pk[32];
    uint8_t *sk = NULL;
    invite inv;
    int ret = CLI_FAIL;
    int rc;

    if (argc == 2 && cli_is_help(argv[1])) {
        fputs(enrol_usage, stdout);
        return CLI_OK;
    }
    if (enrol_parse_args(argc, argv, &o) != 0)
        return CLI_USAGE;
    memset(&inv, 0, sizeof(inv));
    if (enrol_invite_text(o.invite, text, sizeof(text)) != 0) {
        cli_fail("invite", "want one line of at most %d characters", INVITE_MAX);
        goto out;
    }
    if (invite_parse(text, &inv, why, sizeof(why)) != 0) {
        cli_fail("invite", "%s", why);
        goto out;
    }
    if (cli_home(dir, sizeof(dir), 1) != 0 || enrol_check_pin(dir, &inv, o.force) != 0)
        goto out;
    sk = sodium_malloc(NOISE_KEY_BYTES);
    if (sk == NULL) {
        cli_fail("enrol", "%s", err_msg(SAFER_E_NOMEM));
        goto out;
    }
    if (enrol_key(dir, sk, pk, o.passphrase) != 0)
        goto out;
    rc = enrol_redeem(dir, &inv, sk, pk);
    if (rc == SAFER_E_REVOKED)
        rc = enrol_after_revoke(dir, &inv, sk, pk, &o);
    if (rc != 0)
        goto out;
    ret = CLI_OK;
out:
    sodium_memzero(text, sizeof(text));
    sodium_memzero(&inv, sizeof(inv));
    sodium_free(sk);
    return ret;
}
