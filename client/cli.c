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
#include "client/pbjson.h"
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

/*
 * The length of the well-formed UTF-8 sequence at s (1 to 4), or 0 when it
 * is not one: a stray continuation byte, a cut or overlong sequence, a
 * surrogate or a code point above U+10FFFF.
 */
static size_t cli_utf8_len(const unsigned char *s)
{
    size_t len;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    /* A NUL ends the string, and is no continuation byte, so this never reads past it. */
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
        || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void cli_put_safe(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    /*
     * Only well-formed UTF-8 goes through: C1 controls (U+0080..U+009F) and
     * raw bytes that a terminal could read as C1 controls or escapes become
     * '?', as do the C0 controls and DEL.
     */
    while (p != NULL && *p != '\0') {
        size_t len = cli_utf8_len(p);
        uint32_t c1 = len == 2 ? ((p[0] & 0x1fu) << 6 | (p[1] & 0x3fu)) : 0;

        if (len == 0 || (len == 1 && (*p < 0x20 || *p == 0x7f)) || (c1 >= 0x80 && c1 <= 0x9f)) {
            fputc('?', f);
            p += len ? len : 1;
            continue;
        }
        fwrite(p, 1, len, f);
        p += len;
    }
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

int cli_read_server(const char *dir, home_server *srv)
{
    char path[HOME_PATH_MAX];
    char why[HOME_WHY_MAX] = "";
    int ret;

    if ((ret = home_path(path, sizeof(path), dir, HOME_SERVER_FILE)) != 0) {
        cli_fail("client folder", "the path is too long");
        return ret;
    }
    ret = home_server_read(path, srv, why, sizeof(why));
    if (ret == SAFER_E_NOTFOUND)
        cli_fail("not enrolled", "run 'safer enrol INVITE' first");
    else if (ret == SAFER_E_IO)
        cli_fail("reading settings", "%s: %s", path, strerror(errno));
    else if (ret != 0)
        cli_fail("reading settings", "%s: %s", path, why);
    return ret;
}

/* Connects s, whose folder and server file are read, with the key sk. */
static int cli_session_connect(cli_session *s, const uint8_t *sk)
{
    net_config cfg = { 0 };
    int ret;

    if ((ret = net_new(&s->net)) != 0) {
        cli_fail("connecting", "%s", err_msg(ret));
        return ret;
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
    return ret;
}

/* Zeroes s and reads the folder and the server file. */
static int cli_session_prepare(cli_session *s)
{
    int ret;

    memset(s, 0, sizeof(*s));
    pb_budget_init(&s->b, PB_BUDGET_DEFAULT);
    if ((ret = cli_home(s->dir, sizeof(s->dir), 0)) != 0)
        return ret;
    return cli_read_server(s->dir, &s->srv);
}

int cli_session_open(cli_session *s)
{
    char path[HOME_PATH_MAX];
    uint8_t *sk = NULL;
    int ret;

    if ((ret = cli_session_prepare(s)) != 0)
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
    if (ret == 0)
        ret = cli_session_connect(s, sk);
    sodium_free(sk);
    return ret;
}

int cli_session_open_key(cli_session *s, const uint8_t *sk)
{
    int ret;

    if ((ret = cli_session_prepare(s)) != 0)
        return ret;
    if (noise_public_key(sk, s->pk) != 0) {
        cli_fail("reading key", "%s", err_msg(SAFER_E_CRYPTO));
        return SAFER_E_CRYPTO;
    }
    return cli_session_connect(s, sk);
}

/* cli_session_call with hooks (NULL for none). */
static int cli_session_call_with(
    cli_session *s, Safer__Request *rq, Safer__Response **rs, int want, const cli_hooks *h)
{
    int ret;

    if (h != NULL && h->progress != NULL)
        net_set_progress(s->net, h->progress, h->progress_ctx);
    ret = net_call(s->net, rq, rs, &s->b);
    net_set_progress(s->net, NULL, NULL);
    /* A refusal leaves the session usable; a lost answer does not. */
    if (h != NULL && h->done != NULL)
        h->done(h->ctx, ret == 0 || net_usable(s->net));
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

int cli_session_call(cli_session *s, Safer__Request *rq, Safer__Response **rs, int want)
{
    return cli_session_call_with(s, rq, rs, want, NULL);
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
        /*
         * A change that ends this very session (an admin revoking their own
         * key) is answered OK and then followed by the server's notice that
         * the session is over, which the goodbye meets instead of its answer.
         * The change is in, and the notice is what it should cause: no error.
         */
        if (ret != 0 && ok && net_ended(s->net, NULL, NULL))
            ret = 0;
        else if (ret != 0 && ok)
            cli_fail_msg(net_error(s->net));
    }
    net_free(s->net);
    s->net = NULL;
    return ret;
}

int cli_run(Safer__Request *rq, int want, cli_show_fn show, void *ctx)
{
    return cli_run_with(rq, want, show, ctx, NULL);
}

int cli_run_with(Safer__Request *rq, int want, cli_show_fn show, void *ctx, const cli_hooks *h)
{
    Safer__Response *rs = NULL;
    cli_session s;
    int code = CLI_FAIL;

    if (cli_session_open(&s) != 0)
        return CLI_FAIL;
    if (cli_session_call_with(&s, rq, &rs, want, h) == 0)
        code = show(rs, ctx);
    pb_response_free(&s.b, rs);
    /* A failed goodbye after a shown result still fails the command: the change may not be in. */
    if (cli_session_close(&s, code == CLI_OK) != 0 && code == CLI_OK)
        code = CLI_FAIL;
    return code;
}

/* Finds opts' entry for arg ("--name" or "--name=VALUE"); sets *inline_value for the latter. */
static const cli_opt *cli_find_opt(
    const char *arg, const cli_opt *opts, size_t nopts, const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < nopts; i++) {
        size_t n = strlen(opts[i].name);
        if (strcmp(arg, opts[i].name) == 0)
            return &opts[i];
        if (opts[i].has_value && strncmp(arg, opts[i].name, n) == 0 && arg[n] == '=') {
            *inline_value = arg + n + 1;
            return &opts[i];
        }
    }
    return NULL;
}

/*
 * Prints "safer: <command>: <why> '<arg>'" and the usage on stderr; returns
 * -1. The command's words come from the usage text ("usage: safer admin
 * agency list [--json]" gives "admin agency list"), so the message names the
 * whole command rather than its last word.
 */
static int cli_parse_fail(const char *usage, const char *why, const char *arg)
{
    const char *p = usage;
    size_t n = 0;

    if (strncmp(p, "usage: safer ", 13) == 0)
        p += 13;
    /* The command is the leading words of lowercase letters. */
    for (size_t i = 0; p[i] == ' ' || (p[i] >= 'a' && p[i] <= 'z'); i++) {
        if (p[i] != ' ')
            n = i + 1;
    }
    fprintf(stderr, "safer: %.*s: %s", (int)n, p, why);
    if (arg != NULL) {
        fputs(" '", stderr);
        cli_put_safe(stderr, arg);
        fputc('\'', stderr);
    }
    fputs("\n\n", stderr);
    fputs(usage, stderr);
    return -1;
}

int cli_usage_error(const char *usage, const char *why, const char *arg)
{
    cli_parse_fail(usage, why, arg);
    return CLI_USAGE;
}

int cli_parse_json(int argc, char **argv, const char **pos, size_t min_pos, size_t max_pos,
    size_t *npos, const char *usage, int *as_json)
{
    const char *json = NULL;
    const cli_opt opts[] = { { "--json", 0, &json } };
    int r = cli_parse(argc, argv, opts, 1, pos, min_pos, max_pos, npos, usage);

    *as_json = json != NULL;
    return r;
}

int cli_parse(int argc, char **argv, const cli_opt *opts, size_t nopts, const char **pos,
    size_t min_pos, size_t max_pos, size_t *npos, const char *usage)
{
    int only_pos = 0;

    *npos = 0;
    for (int i = 1; i < argc; i++) {
        if (!only_pos && cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return 1;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        const cli_opt *o = NULL;
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (*npos >= max_pos || *npos >= CLI_POS_MAX)
                return cli_parse_fail(usage, "unexpected argument", a);
            pos[(*npos)++] = a;
            continue;
        }
        if ((o = cli_find_opt(a, opts, nopts, &val)) == NULL)
            return cli_parse_fail(usage, "unknown option", a);
        if (!o->has_value) {
            *o->value = "";
            continue;
        }
        if (val == NULL && i + 1 >= argc)
            return cli_parse_fail(usage, "this option needs a value:", a);
        if (val == NULL)
            val = argv[++i];
        if (o->has_value != CLI_REPEAT) {
            *o->value = val;
            continue;
        }
        size_t k = 0;
        while (k < CLI_REPEAT_MAX && o->value[k] != NULL)
            k++;
        if (k >= CLI_REPEAT_MAX)
            return cli_parse_fail(usage, "this option is given too many times:", a);
        o->value[k] = val;
    }
    if (*npos < min_pos)
        return cli_parse_fail(usage, "missing argument", NULL);
    return 0;
}

int cli_print_json(const ProtobufCMessage *msg, const char *field)
{
    json_t *doc = NULL;
    json_t *part;
    int ret = pbjson_message(msg, &doc);

    if (ret == SAFER_E_INVAL) {
        cli_fail("printing JSON", "the server sent text that is not valid UTF-8");
        goto out;
    }
    if (ret != 0) {
        cli_fail("printing JSON", "%s", err_msg(ret));
        goto out;
    }
    part = field != NULL ? json_object_get(doc, field) : doc;
    if (part == NULL) {
        ret = SAFER_E_INTERNAL;
        cli_fail("printing JSON", "the response has no field '%s'", field);
        goto out;
    }
    if ((ret = pbjson_dump(part, stdout)) != 0)
        cli_fail("printing JSON", "writing the output failed");
out:
    json_decref(doc);
    return ret == 0 ? CLI_OK : CLI_FAIL;
}

const ProtobufCMessage *cli_response_body(const Safer__Response *rs)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &safer__response__descriptor, (unsigned)rs->body_case);

    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return NULL;
    return *(ProtobufCMessage *const *)((const char *)rs + f->offset);
}
