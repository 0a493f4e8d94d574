/*
 * `safer whoami`: who the server says this key belongs to. A table for
 * people by default; --json gives one object for scripts.
 */
#include "client/cmds.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "client/cli.h"
#include "client/pbjson.h"
#include "common/err.h"
#include "common/keyfile.h"

static const char whoami_usage[] = "usage: safer whoami [--json]\n"
                                   "\n"
                                   "Shows who the server knows this key as: name, initials,\n"
                                   "agency, roles, partnership and the key's fingerprint.\n"
                                   "\n"
                                   "  --json  print one JSON object instead of a table\n";

/* The lowercase name of a role; proto3 enums are open, so check the value. */
static const char *whoami_role_name(Safer__Role r)
{
    switch (r) {
    case SAFER__ROLE__ROLE_ADMIN:
        return "admin";
    case SAFER__ROLE__ROLE_CHAIR:
        return "chair";
    case SAFER__ROLE__ROLE_LEAD:
        return "lead";
    case SAFER__ROLE__ROLE_MEMBER:
        return "member";
    default:
        return "unknown";
    }
}

/*
 * The response as JSON (pbjson.h), with the server's key_fingerprint replaced
 * by "fingerprint", the one of the key we hold, which the handshake proved.
 */
static int whoami_print_json(const Safer__WhoamiResponse *w, const char *fpr)
{
    json_t *obj = NULL;
    int ret = pbjson_message(&w->base, &obj);

    if (ret != 0) {
        cli_fail("whoami", "%s",
            ret == SAFER_E_INVAL ? "the server sent text that is not valid UTF-8" : err_msg(ret));
        goto out;
    }
    json_object_del(obj, "key_fingerprint");
    if (json_object_set_new(obj, "fingerprint", json_string(fpr)) != 0) {
        ret = SAFER_E_NOMEM;
        cli_fail("whoami", "%s", err_msg(ret));
        goto out;
    }
    if ((ret = pbjson_dump(obj, stdout)) != 0)
        cli_fail("whoami", "writing the output failed");
out:
    json_decref(obj);
    return ret;
}

/* One aligned row of the table. */
static void whoami_row(const char *label, const char *val)
{
    printf("%-12s ", label);
    cli_put_safe(stdout, val);
    fputc('\n', stdout);
}

static void whoami_print_table(const Safer__WhoamiResponse *w, const char *fpr)
{
    whoami_row("name", w->name);
    whoami_row("initials", w->initials);
    printf("%-12s ", "agency");
    cli_put_safe(stdout, w->agency_code);
    fputs(" (", stdout);
    cli_put_safe(stdout, w->agency_name);
    fputs(")\n", stdout);
    printf("%-12s ", "roles");
    for (size_t i = 0; i < w->n_roles; i++)
        printf("%s%s", i ? ", " : "", whoami_role_name(w->roles[i]));
    printf("%s\n", w->n_roles ? "" : "(none)");
    whoami_row("partnership", w->partnership);
    whoami_row("fingerprint", fpr);
}

int cmd_whoami(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__WhoamiRequest wr = SAFER__WHOAMI_REQUEST__INIT;
    Safer__Response *rs = NULL;
    char fpr[KEYFILE_FPR_CHARS + 1];
    cli_session s;
    int json = 0;
    int ok = 0;

    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i]) && argc == 2) {
            fputs(whoami_usage, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--json") != 0)
            return cli_usage_error(whoami_usage,
                argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
        json = 1;
    }
    if (cli_session_open(&s) != 0)
        return CLI_FAIL;
    rq.body_case = SAFER__REQUEST__BODY_WHOAMI;
    rq.whoami = &wr;
    if (cli_session_call(&s, &rq, &rs, SAFER__RESPONSE__BODY_WHOAMI) != 0)
        goto out;
    /* The fingerprint is of the key we hold, which the handshake proved to the server. */
    keyfile_fingerprint(s.pk, fpr);
    if (json) {
        if (whoami_print_json(rs->whoami, fpr) != 0)
            goto out;
    } else {
        whoami_print_table(rs->whoami, fpr);
    }
    ok = 1;
out:
    pb_response_free(&s.b, rs);
    if (cli_session_close(&s, ok) != 0)
        ok = 0;
    return ok ? CLI_OK : CLI_FAIL;
}
