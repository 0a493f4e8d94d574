/*
 * `safer group add|list|agencies`: the task groups that report to the board
 * and their member agencies. Each member agency is expected to send a return
 * for the group's agenda item at every meeting.
 */
#include "client/cmds.h"

#include <stdio.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/table.h"

static const char group_add_usage[]
    = "usage: safer group add CODE NAME --agencies CODE[,CODE...] [--json]\n"
      "\n"
      "Adds a task group. CODE is 1 to 32 of a-z, 0-9 and '-' (alcohol, asb);\n"
      "NAME is its full name, quoted (\"Crime, ASB and Partnership Tasking\").\n"
      "Needs the admin or chair role.\n"
      "\n"
      "  --agencies CODES  its member agencies, separated by commas\n"
      "  --json            print the new group as one JSON object\n";

static const char group_list_usage[] = "usage: safer group list [--json]\n"
                                       "\n"
                                       "Lists the task groups: code, name and member agencies.\n"
                                       "\n"
                                       "  --json  print one JSON array of {code, name, agencies}\n";

static const char group_agencies_usage[]
    = "usage: safer group agencies CODE --agencies CODE[,CODE...] [--json]\n"
      "\n"
      "Sets a task group's member agencies to exactly the ones given.\n"
      "Needs the admin or chair role.\n"
      "\n"
      "  --agencies CODES  the complete new set, separated by commas\n"
      "  --json            print the group as one JSON object\n";

/* Joins a group's agencies as "police, fire" into buf. */
static void group_agencies_text(const Safer__TaskGroup *g, char *buf, size_t len)
{
    size_t used = 0;

    snprintf(buf, len, "-");
    for (size_t i = 0; i < g->n_agencies && used < len; i++) {
        int r = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", g->agencies[i]);
        if (r < 0)
            break;
        used += (size_t)r;
    }
}

/* What a single-group answer is shown with. */
struct group_show {
    int json;         /* print JSON */
    const char *verb; /* "Added", "Set the agencies of" */
};

static int group_show_one(const Safer__Response *rs, void *ctx)
{
    const struct group_show *o = ctx;
    const Safer__GroupResponse *gr = (const Safer__GroupResponse *)cli_response_body(rs);
    const Safer__TaskGroup *g = gr != NULL ? gr->group : NULL;
    char agencies[BOARD_LIST_TEXT_MAX];

    if (g == NULL) {
        cli_fail("group", "the server's answer has no task group in it");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&g->base, NULL);
    group_agencies_text(g, agencies, sizeof(agencies));
    printf("%s task group ", o->verb);
    cli_put_safe(stdout, g->code);
    fputs(" (", stdout);
    cli_put_safe(stdout, g->name);
    fputs("): ", stdout);
    cli_put_safe(stdout, agencies);
    fputs(".\n", stdout);
    return CLI_OK;
}

static int group_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[] = { "code", "name", "agencies" };
    const Safer__GroupListResponse *l = rs->group_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "groups");
    if (table_new(&t, 3, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_groups; i++) {
        const Safer__TaskGroup *g = l->groups[i];
        char agencies[BOARD_LIST_TEXT_MAX];
        group_agencies_text(g, agencies, sizeof(agencies));
        const char *row[] = { g->code, g->name, agencies };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("group list", "printing the table failed");
    table_free(t);
    return code;
}

static int group_add(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__GroupAddRequest ar = SAFER__GROUP_ADD_REQUEST__INIT;
    board_list agencies;
    const char *list = NULL, *json = NULL;
    const cli_opt opts[] = { { "--agencies", 1, &list }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 2, pos, 2, 2, &npos, group_add_usage);
    struct group_show show = { json != NULL, "Added" };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (list == NULL)
        return cli_usage_error(group_add_usage, "--agencies is needed", NULL);
    if (board_code("task group code", pos[0]) != 0 || admin_name(pos[1]) != 0
        || board_codes("agency", list, &agencies) != 0)
        return CLI_USAGE;
    ar.code = (char *)pos[0];
    ar.name = (char *)pos[1];
    ar.agencies = agencies.items;
    ar.n_agencies = agencies.n;
    rq.body_case = SAFER__REQUEST__BODY_GROUP_ADD;
    rq.group_add = &ar;
    return cli_run(&rq, SAFER__RESPONSE__BODY_GROUP_ADD, group_show_one, &show);
}

static int group_list(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__GroupListRequest lr = SAFER__GROUP_LIST_REQUEST__INIT;
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, NULL, 0, 0, &npos, group_list_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    rq.body_case = SAFER__REQUEST__BODY_GROUP_LIST;
    rq.group_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_GROUP_LIST, group_show_list, &as_json);
}

static int group_agencies(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__GroupSetAgenciesRequest sr = SAFER__GROUP_SET_AGENCIES_REQUEST__INIT;
    board_list agencies;
    const char *list = NULL, *json = NULL;
    const cli_opt opts[] = { { "--agencies", 1, &list }, { "--json", 0, &json } };
    const char *pos[1];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 2, pos, 1, 1, &npos, group_agencies_usage);
    struct group_show show = { json != NULL, "Set the agencies of" };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (list == NULL)
        return cli_usage_error(group_agencies_usage, "--agencies is needed", NULL);
    if (board_code("task group code", pos[0]) != 0 || board_codes("agency", list, &agencies) != 0)
        return CLI_USAGE;
    sr.code = (char *)pos[0];
    sr.agencies = agencies.items;
    sr.n_agencies = agencies.n;
    rq.body_case = SAFER__REQUEST__BODY_GROUP_SET_AGENCIES;
    rq.group_set_agencies = &sr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_GROUP_SET_AGENCIES, group_show_one, &show);
}

static const admin_sub group_subs[] = {
    { "add", group_add, "Adds a task group: CODE \"NAME\" --agencies police,fire" },
    { "list", group_list, "Lists the task groups and their agencies" },
    { "agencies", group_agencies, "Sets a group's member agencies" },
};

int cmd_group(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, group_subs, sizeof(group_subs) / sizeof(group_subs[0]), "group");
}
