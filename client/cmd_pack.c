/*
 * `safer pack pull|publish|verify`: the consolidated board pack. A pull asks
 * for the pack in parts of at most 1 MiB on one session, offset after
 * offset, until it has the whole file; every part must agree with the first
 * on the size, signature and edition. Nothing is written until the
 * signature over the whole file verifies under the sign key pinned at
 * enrolment; then FILE and FILE.sig are each written through a temporary
 * file and rename. Verify needs no network: it checks FILE against FILE.sig
 * and the pinned key.
 *
 * Sections: options; pulling parts; saving; the commands.
 */
#include "client/cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"
#include "client/packsig.h"
#include "client/pbjson.h"
#include "client/progress.h"
#include "common/err.h"
#include "common/keyfile.h"

#define PACK_PART_MAX (1024u * 1024u) /* bytes of data in one part, as the server sends */
#define PACK_FILENAME_MAX 128         /* the longest file name accepted from the server */
#define PACK_EDITION_MAX 1000000u     /* a bound on the edition typed */
#define PACK_PATH_MAX 4096            /* room for FILE and FILE.sig */

static const char pack_pull_usage[]
    = "usage: safer pack pull DATE [--format md|html|pdf] [-o FILE] [--draft] [--edition N]\n"
      "                          [--json]\n"
      "\n"
      "Downloads the board pack for the meeting of DATE and checks the server's\n"
      "signature over it against the key pinned at enrolment; only then writes FILE\n"
      "and its signature FILE.sig. Papers your agency may not see are left out.\n"
      "\n"
      "  --format F   md, html or pdf (the default)\n"
      "  -o FILE      where to write it; the default is the server's file name\n"
      "               (pack-DATE-eN.EXT) in the current folder\n"
      "  --draft      the chair only: a draft from the current data\n"
      "  --edition N  an earlier published edition; the default is the latest\n"
      "  --json       print the pack's details and path as one JSON object\n";

static const char pack_publish_usage[]
    = "usage: safer pack publish DATE [--json]\n"
      "\n"
      "Freezes the pack for the meeting of DATE as it stands now as its next\n"
      "edition, and prints what changed since the last one. Needs the chair role.\n"
      "\n"
      "  --json  print {edition, published, changes} as one JSON object\n";

static const char pack_verify_usage[]
    = "usage: safer pack verify FILE [--sig SIGFILE]\n"
      "\n"
      "Checks that FILE is a pack signed by the server this client is enrolled\n"
      "with, byte for byte. Needs no connection. Exits 0 for a good signature and\n"
      "1 otherwise.\n"
      "\n"
      "  --sig SIGFILE  the signature file; the default is FILE.sig\n";

/* ---- options ---- */

/* What a pull asks for and what it has gathered so far. */
struct pull {
    Safer__PackPullRequest rq;            /* date, format, draft, edition; offset advances */
    const char *out;                      /* -o, or NULL for the server's name */
    int json;                             /* --json */
    uint64_t total;                       /* the pack's size, from the first part */
    uint64_t got;                         /* bytes received */
    uint8_t *data;                        /* total bytes, filled in order */
    uint8_t sig[PACKSIG_SIG_BYTES];       /* the signature every part carries */
    uint32_t edition;                     /* 0 for a draft */
    int draft;                            /* the server built a draft */
    uint32_t withheld;                    /* papers left out for this reader */
    char filename[PACK_FILENAME_MAX + 1]; /* the server's suggested name */
    char path[PACK_PATH_MAX];             /* where the pack goes */
    char sig_path[PACK_PATH_MAX];         /* where its signature goes */
};

/* Turns "md", "html" or "pdf" into a PackFormat. 0 or -1. */
static int pack_format(const char *s, Safer__PackFormat *out)
{
    static const struct {
        const char *name;
        Safer__PackFormat format;
    } formats[] = { { "md", SAFER__PACK_FORMAT__PACK_MD },
        { "html", SAFER__PACK_FORMAT__PACK_HTML }, { "pdf", SAFER__PACK_FORMAT__PACK_PDF } };

    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(s, formats[i].name) == 0) {
            *out = formats[i].format;
            return 0;
        }
    }
    return -1;
}

/*
 * 1 if name is safe to create in the current folder as the server suggests
 * it: 1..PACK_FILENAME_MAX of letters, digits, '.', '-' and '_', not starting
 * with '.'. A hostile server cannot then name a path elsewhere.
 */
static int pack_filename_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > PACK_FILENAME_MAX || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '-' || c == '_';
        if (!ok)
            return 0;
    }
    return 1;
}

/*
 * Parses pull's arguments into p. Returns 0, -1 after --help (the usage is
 * printed: nothing more to do), or a usage exit code.
 */
static int pull_options(int argc, char **argv, struct pull *p)
{
    const char *format = NULL, *out = NULL, *draft = NULL, *edition = NULL, *json = NULL;
    const cli_opt opts[] = { { "--format", 1, &format }, { "-o", 1, &out },
        { "--draft", 0, &draft }, { "--edition", 1, &edition }, { "--json", 0, &json } };
    const char *pos[1];
    size_t npos;
    uint64_t n = 0;
    int r = cli_parse(
        argc, argv, opts, sizeof(opts) / sizeof(opts[0]), pos, 1, 1, &npos, pack_pull_usage);

    if (r != 0)
        return r > 0 ? -1 : CLI_USAGE;
    if (dates_check_date(pos[0]) != 0)
        return CLI_USAGE;
    p->rq.date = (char *)pos[0];
    p->rq.format = SAFER__PACK_FORMAT__PACK_PDF;
    if (format != NULL && pack_format(format, &p->rq.format) != 0)
        return cli_usage_error(pack_pull_usage, "want md, html or pdf, not", format);
    if (draft != NULL && edition != NULL)
        return cli_usage_error(pack_pull_usage, "a draft has no edition; drop one of", "--edition");
    if (edition != NULL && board_number("edition", edition, PACK_EDITION_MAX, &n) != 0)
        return CLI_USAGE;
    if (out != NULL && out[0] == '\0')
        return cli_usage_error(pack_pull_usage, "the file name is empty:", "-o");
    p->rq.draft = draft != NULL;
    p->rq.edition = (uint32_t)n;
    p->out = out;
    p->json = json != NULL;
    return 0;
}

/* ---- pulling parts ---- */

/* Takes the details every part repeats from the first part r. 0 or -1 (printed). */
static int pull_first(struct pull *p, const Safer__PackPullResponse *r)
{
    if (r->total == 0) {
        cli_fail("pack pull", "the server sent an empty pack");
        return -1;
    }
    if (r->total > PACKSIG_DATA_MAX) {
        cli_fail("pack pull", "the server offers a pack of %llu bytes; the limit is %u MiB",
            (unsigned long long)r->total, PACKSIG_DATA_MAX / (1024u * 1024u));
        return -1;
    }
    if (r->signature.len != PACKSIG_SIG_BYTES) {
        cli_fail("pack pull", "the server sent a signature of %zu bytes, not %d", r->signature.len,
            PACKSIG_SIG_BYTES);
        return -1;
    }
    if (r->filename == NULL || !pack_filename_ok(r->filename)) {
        cli_fail("pack pull", "the server suggested an unusable file name");
        return -1;
    }
    if ((r->edition == 0) != r->draft) {
        cli_fail("pack pull", "the server sent edition %u %s a draft", (unsigned)r->edition,
            r->draft ? "as" : "but not as");
        return -1;
    }
    if ((p->rq.draft && !r->draft) || (p->rq.edition != 0 && r->edition != p->rq.edition)) {
        cli_fail("pack pull", "the server sent %s %u, not what was asked for",
            r->draft ? "draft" : "edition", (unsigned)r->edition);
        return -1;
    }
    if ((p->data = malloc((size_t)r->total)) == NULL) {
        cli_fail("pack pull", "%s", err_msg(SAFER_E_NOMEM));
        return -1;
    }
    p->total = r->total;
    memcpy(p->sig, r->signature.data, sizeof(p->sig));
    p->edition = r->edition;
    p->draft = r->draft;
    p->withheld = r->withheld;
    snprintf(p->filename, sizeof(p->filename), "%s", r->filename);
    return 0;
}

/*
 * Adds part r to p, checking that it is the part asked for and agrees with
 * the first: a server that changed the pack between parts would otherwise
 * splice two packs together. 0 or -1 (printed).
 */
static int pull_part(struct pull *p, const Safer__PackPullResponse *r)
{
    if (p->data == NULL && pull_first(p, r) != 0)
        return -1;
    if (r->total != p->total || r->signature.len != PACKSIG_SIG_BYTES
        || sodium_memcmp(r->signature.data, p->sig, PACKSIG_SIG_BYTES) != 0
        || r->edition != p->edition || r->draft != p->draft || r->withheld != p->withheld
        || r->filename == NULL || strcmp(r->filename, p->filename) != 0) {
        cli_fail("pack pull", "the pack changed while it was being pulled; pull it again");
        return -1;
    }
    if (r->offset != p->got || r->data.len == 0 || r->data.len > PACK_PART_MAX
        || r->data.len > p->total - p->got) {
        cli_fail("pack pull", "the server sent %zu bytes at offset %llu; wanted up to %u at %llu",
            r->data.len, (unsigned long long)r->offset, PACK_PART_MAX, (unsigned long long)p->got);
        return -1;
    }
    memcpy(p->data + p->got, r->data.data, r->data.len);
    p->got += r->data.len;
    return 0;
}

/* Asks for parts on session s until p holds the whole pack. 0 or -1 (printed). */
static int pull_fetch(cli_session *s, struct pull *p)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    progress bar;
    int ret = 0;

    progress_init(&bar, stderr);
    rq.body_case = SAFER__REQUEST__BODY_PACK_PULL;
    rq.pack_pull = &p->rq;
    do {
        Safer__Response *rs = NULL;
        p->rq.offset = p->got;
        if (cli_session_call(s, &rq, &rs, SAFER__RESPONSE__BODY_PACK_PULL) != 0) {
            ret = -1;
            break;
        }
        ret = rs->pack_pull != NULL ? pull_part(p, rs->pack_pull) : -1;
        if (rs->pack_pull == NULL)
            cli_fail("pack pull", "the server's answer is empty");
        pb_response_free(&s->b, rs);
        /* Only a pack of several parts is worth a bar. */
        if (ret == 0 && p->total > PACK_PART_MAX && !p->json)
            progress_net(&bar, (size_t)p->got, (size_t)p->total);
    } while (ret == 0 && p->got < p->total);
    progress_end(&bar);
    return ret;
}

/* ---- saving ---- */

/* Prints why writing path failed (a packsig_write* code). */
static void pull_write_failed(const char *path, int ret)
{
    if (ret == SAFER_E_TOOBIG)
        cli_fail("pack pull", "%s: the path is too long", path);
    else
        cli_fail("pack pull", "writing %s: %s", path, strerror(errno));
}

/*
 * Checks the signature against the pinned key, then writes the pack and its
 * signature file. 0 or -1 (printed); nothing is written if the check fails.
 */
static int pull_save(struct pull *p, const home_server *srv)
{
    packsig ps;
    char fpr[KEYFILE_FPR_CHARS + 1];
    const char *name = p->out != NULL ? p->out : p->filename;
    int n, ret;

    memcpy(ps.key, srv->sign_pk, sizeof(ps.key));
    memcpy(ps.sig, p->sig, sizeof(ps.sig));
    if (packsig_check(&ps, srv->sign_pk, p->data, (size_t)p->total) != 0) {
        keyfile_fingerprint(srv->sign_pk, fpr);
        cli_fail("pack pull",
            "the pack's signature does not verify under the server's pinned key (%s); "
            "nothing was written",
            fpr);
        return -1;
    }
    n = snprintf(p->path, sizeof(p->path), "%s", name);
    if (n < 0 || (size_t)n >= sizeof(p->path)
        || (size_t)snprintf(p->sig_path, sizeof(p->sig_path), "%s.sig", name)
            >= sizeof(p->sig_path)) {
        cli_fail("pack pull", "the output path is too long");
        return -1;
    }
    if ((ret = packsig_write_file(p->path, p->data, (size_t)p->total)) != 0) {
        pull_write_failed(p->path, ret);
        return -1;
    }
    if ((ret = packsig_write(p->sig_path, &ps)) != 0) {
        pull_write_failed(p->sig_path, ret);
        return -1;
    }
    return 0;
}

/* Prints the pack's details without its data, plus where it went, as JSON. */
static int pull_print_json(const struct pull *p)
{
    Safer__PackPullResponse r = SAFER__PACK_PULL_RESPONSE__INIT;
    json_t *doc = NULL;
    int code = CLI_FAIL;

    r.total = p->total;
    r.signature.data = (uint8_t *)p->sig;
    r.signature.len = sizeof(p->sig);
    r.edition = p->edition;
    r.draft = p->draft;
    r.filename = (char *)p->filename;
    r.withheld = p->withheld;
    if (pbjson_message(&r.base, &doc) != 0) {
        cli_fail("printing JSON", "%s", err_msg(SAFER_E_NOMEM));
        goto out;
    }
    /* The parts' offset and data describe one part, not the pack. */
    json_object_del(doc, "offset");
    json_object_del(doc, "data");
    if (json_object_set_new(doc, "path", json_string(p->path)) != 0
        || json_object_set_new(doc, "sig_path", json_string(p->sig_path)) != 0) {
        cli_fail("printing JSON", "the path is not valid UTF-8");
        goto out;
    }
    if (pbjson_dump(doc, stdout) != 0) {
        cli_fail("printing JSON", "writing the output failed");
        goto out;
    }
    code = CLI_OK;
out:
    json_decref(doc);
    return code;
}

/* Says what was written, as the person at the terminal wants to hear it. */
static void pull_print(const struct pull *p)
{
    fputs("Wrote ", stdout);
    cli_put_safe(stdout, p->path);
    printf(" (%llu bytes, ", (unsigned long long)p->total);
    if (p->draft)
        fputs("draft", stdout);
    else
        printf("edition %u", (unsigned)p->edition);
    fputs("); signature in ", stdout);
    cli_put_safe(stdout, p->sig_path);
    fputc('\n', stdout);
    if (p->withheld > 0)
        printf("%u paper%s withheld\n", (unsigned)p->withheld, p->withheld == 1 ? "" : "s");
}

/* ---- the commands ---- */

static int pack_pull(int argc, char **argv)
{
    struct pull p;
    cli_session s;
    int code = CLI_FAIL, opened = 0;

    memset(&p, 0, sizeof(p));
    safer__pack_pull_request__init(&p.rq);
    if ((code = pull_options(argc, argv, &p)) != 0)
        return code < 0 ? CLI_OK : code;
    code = CLI_FAIL;
    if (cli_session_open(&s) != 0)
        goto out;
    opened = 1;
    if (pull_fetch(&s, &p) != 0)
        goto out;
    /*
     * The signature, not the goodbye, vouches for the bytes, so the session
     * ends before anything is written and a failed goodbye is not a failed pull.
     */
    cli_session_close(&s, 0);
    opened = 0;
    if (pull_save(&p, &s.srv) != 0)
        goto out;
    if (p.json)
        code = pull_print_json(&p);
    else {
        pull_print(&p);
        code = CLI_OK;
    }
out:
    if (opened)
        cli_session_close(&s, 0);
    free(p.data);
    return code;
}

/* What a publish answer is shown with. */
struct publish_show {
    int json;         /* print JSON */
    const char *date; /* the meeting named on the command line */
};

static int publish_show(const Safer__Response *rs, void *ctx)
{
    const struct publish_show *o = ctx;
    const Safer__PackPublishResponse *r = rs->pack_publish;

    if (r == NULL) {
        cli_fail("pack publish", "the server's answer is empty");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&r->base, NULL);
    printf("Published edition %u of the pack for ", (unsigned)r->edition);
    cli_put_safe(stdout, o->date);
    fputs(".\n", stdout);
    if (r->n_changes > 0 && r->edition > 1)
        printf("Changes since edition %u:\n", (unsigned)r->edition - 1);
    for (size_t i = 0; i < r->n_changes; i++) {
        fputs("  - ", stdout);
        cli_put_safe(stdout, r->changes[i]);
        fputc('\n', stdout);
    }
    return CLI_OK;
}

static int pack_publish(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PackPublishRequest pr = SAFER__PACK_PUBLISH_REQUEST__INIT;
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, pack_publish_usage, &as_json);
    struct publish_show show = { as_json, NULL };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (dates_check_date(pos[0]) != 0)
        return CLI_USAGE;
    show.date = pos[0];
    pr.date = (char *)pos[0];
    rq.body_case = SAFER__REQUEST__BODY_PACK_PUBLISH;
    rq.pack_publish = &pr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_PACK_PUBLISH, publish_show, &show);
}

/*
 * Prints why reading path (what: "file" or "signature file") failed; why is
 * the parse error of a signature file, "" when there is none.
 */
static void verify_read_failed(const char *path, const char *what, int ret, const char *why)
{
    if (ret == SAFER_E_NOTFOUND)
        cli_fail("pack verify", "%s: no such %s", path, what);
    else if (ret == SAFER_E_IO)
        cli_fail("pack verify", "%s: %s", path, strerror(errno));
    else if (why[0] != '\0')
        cli_fail("pack verify", "%s: %s", path, why);
    else if (ret == SAFER_E_INVAL)
        cli_fail("pack verify", "%s: not a regular file", path);
    else if (ret == SAFER_E_TOOBIG)
        cli_fail("pack verify", "%s: larger than any pack (%u MiB)", path,
            PACKSIG_DATA_MAX / (1024u * 1024u));
    else
        cli_fail("pack verify", "%s: %s", path, err_msg(ret));
}

/* Prints the verdict on file; returns the exit code. */
static int verify_verdict(const char *file, const packsig *ps, const home_server *srv, int ret)
{
    char fpr[KEYFILE_FPR_CHARS + 1], addr[INVITE_HOST_MAX + 16];

    cli_put_safe(stdout, file);
    if (ret == SAFER_E_PERM) {
        keyfile_fingerprint(ps->key, fpr);
        printf(": signed by a key this client does not trust (key %s)\n", fpr);
        return CLI_FAIL;
    }
    if (ret != 0) {
        fputs(": BAD signature\n", stdout);
        return CLI_FAIL;
    }
    keyfile_fingerprint(srv->sign_pk, fpr);
    if (home_address(srv, addr, sizeof(addr)) != 0)
        snprintf(addr, sizeof(addr), "?");
    fputs(": good signature by the server of ", stdout);
    cli_put_safe(stdout, addr);
    printf(" (key %s)\n", fpr);
    return CLI_OK;
}

static int pack_verify(int argc, char **argv)
{
    const char *sig_opt = NULL;
    const cli_opt opts[] = { { "--sig", 1, &sig_opt } };
    const char *pos[1];
    char dir[HOME_PATH_MAX], sig_path[PACK_PATH_MAX], why[PACKSIG_WHY_MAX] = "";
    home_server srv;
    packsig ps;
    uint8_t *data = NULL;
    size_t npos, len = 0;
    int code = CLI_FAIL, ret;
    int r = cli_parse(argc, argv, opts, 1, pos, 1, 1, &npos, pack_verify_usage);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    ret = snprintf(sig_path, sizeof(sig_path), "%s%s", sig_opt != NULL ? sig_opt : pos[0],
        sig_opt != NULL ? "" : ".sig");
    if (ret < 0 || (size_t)ret >= sizeof(sig_path)) {
        cli_fail("pack verify", "the path is too long");
        return CLI_FAIL;
    }
    if (cli_home(dir, sizeof(dir), 0) != 0 || cli_read_server(dir, &srv) != 0)
        goto out;
    if ((ret = packsig_load(pos[0], PACKSIG_DATA_MAX, &data, &len)) != 0) {
        verify_read_failed(pos[0], "file", ret, "");
        goto out;
    }
    if ((ret = packsig_read(sig_path, &ps, why, sizeof(why))) != 0) {
        verify_read_failed(sig_path, "signature file", ret, why);
        goto out;
    }
    code = verify_verdict(pos[0], &ps, &srv, packsig_check(&ps, srv.sign_pk, data, len));
out:
    free(data);
    return code;
}

static const admin_sub pack_subs[] = {
    { "pull", pack_pull, "Downloads a meeting's pack and its signature: DATE [--format F]" },
    { "publish", pack_publish, "Publishes the pack for DATE as its next edition (chair)" },
    { "verify", pack_verify, "Checks a pack's signature offline: FILE [--sig SIGFILE]" },
};

int cmd_pack(int argc, char **argv)
{
    return admin_dispatch(argc, argv, pack_subs, sizeof(pack_subs) / sizeof(pack_subs[0]), "pack");
}
