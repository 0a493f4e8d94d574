/*
 * `safer admin key list|revoke`: the credentials (public keys) people have
 * enrolled. A revoke takes effect at once: the server closes the live
 * sessions of the revoked keys before it answers.
 */
#include "client/cmds.h"

#include <stdio.h>

#include "client/admin.h"
#include "client/cli.h"
#include "client/table.h"

static const char key_list_usage[]
    = "usage: safer admin key list [INITIALS] [--json]\n"
      "\n"
      "Lists enrolled keys, everyone's or one person's: initials, fingerprint, when\n"
      "each was enrolled, last used and revoked (times in UTC; '-' for never).\n"
      "\n"
      "  --json  print one JSON array of {initials, fingerprint, created, last_used,\n"
      "          revoked}, times as UTC seconds (0 for never)\n";

static const char key_revoke_usage[]
    = "usage: safer admin key revoke INITIALS|FINGERPRINT [--json]\n"
      "\n"
      "Revokes every live key of a person (by initials) or one key (by fingerprint,\n"
      "xxxx-xxxx-xxxx-xxxx as 'key list' shows it). Their open sessions close at once.\n"
      "\n"
      "  --json  print {revoked: [keys], sessions_closed} as one JSON object\n";

static int key_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[]
        = { "initials", "fingerprint", "created", "last used", "revoked" };
    const Safer__KeyListResponse *l = rs->key_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "keys");
    if (table_new(&t, 5, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_keys; i++) {
        const Safer__Key *k = l->keys[i];
        char created[TABLE_TIME_MAX], used[TABLE_TIME_MAX], revoked[TABLE_TIME_MAX];
        table_time(k->created, created);
        table_time(k->last_used, used);
        table_time(k->revoked, revoked);
        const char *row[] = { k->initials, k->fingerprint, created, used, revoked };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("key list", "printing the table failed");
    table_free(t);
    return code;
}

static int key_show_revoked(const Safer__Response *rs, void *ctx)
{
    const Safer__KeyRevokeResponse *kr = rs->key_revoke;

    if (*(int *)ctx)
        return cli_print_json(&kr->base, NULL);
    for (size_t i = 0; i < kr->n_revoked; i++) {
        fputs("Revoked key ", stdout);
        cli_put_safe(stdout, kr->revoked[i]->fingerprint);
        fputs(" of ", stdout);
        cli_put_safe(stdout, kr->revoked[i]->initials);
        fputs(".\n", stdout);
    }
    if (kr->sessions_closed == 0)
        printf("No live sessions were open with %s.\n", kr->n_revoked == 1 ? "it" : "them");
    else
        printf("Closed %u live session%s.\n", (unsigned)kr->sessions_closed,
            kr->sessions_closed == 1 ? "" : "s");
    return CLI_OK;
}

static int key_list(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__KeyListRequest lr = SAFER__KEY_LIST_REQUEST__INIT;
    char initials[ADMIN_INITIALS_MAX + 1] = "";
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 0, 1, &npos, key_list_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (npos == 1 && admin_initials(pos[0], initials) != 0)
        return CLI_USAGE;
    lr.initials = initials;
    rq.body_case = SAFER__REQUEST__BODY_KEY_LIST;
    rq.key_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_KEY_LIST, key_show_list, &as_json);
}

static int key_revoke(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__KeyRevokeRequest kr = SAFER__KEY_REVOKE_REQUEST__INIT;
    char target[ADMIN_FPR_CHARS + 1];
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, key_revoke_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (admin_key_target(pos[0], target) != 0)
        return CLI_USAGE;
    kr.target = target;
    rq.body_case = SAFER__REQUEST__BODY_KEY_REVOKE;
    rq.key_revoke = &kr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_KEY_REVOKE, key_show_revoked, &as_json);
}

static const admin_sub key_subs[] = {
    { "list", key_list, "Lists enrolled keys, with fingerprints and last use" },
    { "revoke", key_revoke, "Revokes a person's keys or one key; live sessions close" },
};

int cmd_admin_key(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, key_subs, sizeof(key_subs) / sizeof(key_subs[0]), "admin key");
}
