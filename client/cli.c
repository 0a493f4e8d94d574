/*
 * Helpers the subcommands share: error output, the client's folder, the
 * user's key and a session with the enrolled server. They print the error
 * where it happens, so a failure is reported once and in one format.
 */
#include "client/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <sodium.h>

#include "client/pass.h"
#include "common/err.h"
#include "common/keyfile.h"
#include "common/noise.h"

void cli_fail(const char *what, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "safer: %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_fail_msg(const char *msg)
{
    fprintf(stderr, "safer: %s\n", msg);
}

int cli_usage(const char *usage)
{
    fputs(usage, stderr);
    return CLI_USAGE;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

void cli_put_safe(FILE *f, const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        fputc(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s, f);
}

int cli_home(char *dir, size_t len, int create)
{
    int ret = home_dir(dir, len);

    if (ret == SAFER_E_NOTFOUND) {
        cli_fail("client folder", "none of SAFER_HOME, XDG_CONFIG_HOME or HOME is set");
        return ret;
    }
    if (ret != 0) {
        cli_fail("client folder", "the path is longer than %zu bytes", len - 1);
        return ret;
    }
    if (create && (ret = home_ensure(dir)) != 0) {
        cli_fail("creating folder", "%s: %s", dir, strerror(errno));
        return ret;
    }
    return 0;
}

int cli_load_key(const char *path, uint8_t *sk, uint8_t pk[32])
{
    char why[HOME_WHY_MAX];
    char *pass = NULL;
    int ret = keyfile_is_sealed(path);

    if (ret == SAFER_E_NOTFOUND)
        return ret;
    if (ret < 0) {
        cli_fail("reading key", "%s: %s", path, ret == SAFER_E_IO ? strerror(errno) : err_msg(ret));
        return ret;
    }
    if (ret == 1) {
        pass = sodium_malloc(PASS_BUF_BYTES);
        if (pass == NULL) {
            ret = SAFER_E_NOMEM;
            cli_fail("reading key", "%s", err_msg(ret));
            goto out;
        }
        ret = pass_get(pass, "Passphrase for the Safer key: ", 0, why, sizeof(why));
        if (ret != 0) {
            cli_fail("reading passphrase", "%s", why);
            /* Not SAFER_E_NOTFOUND: that would tell enrol there is no key to keep. */
            ret = SAFER_E_PASSPHRASE;
            goto out;
        }
    }
    ret = keyfile_read(path, sk, pass);
    if (ret == 0 && noise_public_key(sk, pk) != 0)
        ret = SAFER_E_CRYPTO;
    if (ret != 0)
        cli_fail("reading key", "%s: %s", path, ret == SAFER_E_IO ? strerror(errno) : err_msg(ret));
out:
    sodium_free(pass);
    return ret;
}

/* Reads the server file of an enrolled client. */
static int cli_read_server(cli_session *s)
{
    char path[HOME_PATH_MAX];
    char why[HOME_WHY_MAX] = "";
    int ret;

    if ((ret = home_path(path, sizeof(path), s->dir, HOME_SERVER_FILE)) != 0) {
        cli_fail("client folder", "the path is too long");
        return ret;
    }
    ret = home_server_read(path, &s->srv, why, sizeof(why));
    if (ret == SAFER_E_NOTFOUND)
        cli_fail("not enrolled", "run 'safer enrol INVITE' first");
    else if (ret == SAFER_E_IO)
        cli_fail("reading settings", "%s: %s", path, strerror(errno));
    else if (ret != 0)
        cli_fail("reading settings", "%s: %s", path, why);
    return ret;
}

int cli_session_open(cli_session *s)
{
    char path[HOME_PATH_MAX];
    net_config cfg = { 0 };
    uint8_t *sk = NULL;
    int ret;

    memset(s, 0, sizeof(*s));
    pb_budget_init(&s->b, PB_BUDGET_DEFAULT);
    if ((ret = cli_home(s->dir, sizeof(s->dir), 0)) != 0 || (ret = cli_read_server(s)) != 0)
        return ret;
    if ((ret = home_path(path, sizeof(path), s->dir, HOME_KEY_FILE)) != 0) {
        cli_fail("client folder", "the path is too long");
        return ret;
    }
    sk = sodium_malloc(NOISE_KEY_BYTES);
    if (sk == NULL) {
        cli_fail("reading key", "%s", err_msg(SAFER_E_NOMEM));
        return SAFER_E_NOMEM;
    }
    ret = cli_load_key(path, sk, s->pk);
    if (ret == SAFER_E_NOTFOUND)
        cli_fail("reading key", "%s: no key file; run 'safer enrol INVITE' again", path);
    if (ret != 0)
        goto out;
    if ((ret = net_new(&s->net)) != 0) {
        cli_fail("connecting", "%s", err_msg(ret));
        goto out;
    }
    cfg.host = s->srv.host;
    cfg.port = s->srv.port;
    cfg.sk = sk;
    cfg.server_pk = s->srv.server_pk;
    cfg.io_timeout_ms = net_timeout_from_env();
    ret = net_connect(s->net, &cfg);
    if (ret != 0) {
        cli_fail_msg(net_error(s->net));
        net_free(s->net);
        s->net = NULL;
    }
out:
    sodium_free(sk);
    return ret;
}

int cli_session_call(cli_session *s, Safer__Request *rq, Safer__Response **rs, int want)
{
    int ret = net_call(s->net, rq, rs, &s->b);

    if (ret != 0) {
        cli_fail_msg(net_error(s->net));
        return ret;
    }
    if ((int)(*rs)->body_case != want) {
        cli_fail("request failed", "the server sent a response of another kind");
        pb_response_free(&s->b, *rs);
        *rs = NULL;
        return SAFER_E_PROTO;
    }
    return 0;
}

int cli_session_close(cli_session *s, int ok)
{
    int ret = 0;

    /*
     * After a refused request the session still works, so it ends politely;
     * the command has already failed and reported why, so a failed goodbye
     * then adds nothing worth printing.
     */
    if (net_usable(s->net)) {
        ret = net_goodbye(s->net);
        if (ret != 0 && ok)
            cli_fail_msg(net_error(s->net));
    }
    net_free(s->net);
    s->net = NULL;
    return ret;
}
