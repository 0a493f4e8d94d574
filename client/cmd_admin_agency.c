/*
 * `safer admin agency add|list|rename|deactivate`: the agencies of the
 * partnership. A deactivated agency's people can no longer connect; agencies
 * are never deleted, because the audit log and old papers name them.
 */
#include "client/cmds.h"

#include <stdio.h>

#include "client/admin.h"
#include "client/cli.h"
#include "client/table.h"

static const char agency_add_usage[]
    = "usage: safer admin agency add CODE NAME [--json]\n"
      "\n"
      "Adds an agency. CODE is 1 to 32 of a-z, 0-9 and '-' (police, fire, yjs);\n"
      "NAME is its full name, quoted (\"Cheshire Constabulary\").\n"
      "\n"
      "  --json  print the new agency as one JSON object\n";

static const char agency_list_usage[]
    = "usage: safer admin agency list [--json]\n"
      "\n"
      "Lists every agency: code, name, whether it is active and how many active\n"
      "people it has.\n"
      "\n"
      "  --json  print one JSON array of {code, name, active, people}\n";

static const char agency_rename_usage[] = "usage: safer admin agency rename CODE NAME [--json]\n"
                                          "\n"
                                          "Gives an agency a new full name; its code stays.\n"
                                          "\n"
                                          "  --json  print the agency as one JSON object\n";

static const char agency_deactivate_usage[]
    = "usage: safer admin agency deactivate CODE [--json]\n"
      "\n"
      "Deactivates an agency: its people can no longer connect, and their live\n"
      "sessions close at once. The agency and its history are kept.\n"
      "\n"
      "  --json  print the agency as one JSON object\n";

/* What a single-agency answer is shown with. */
struct agency_show {
    int json;         /* print JSON */
    const char *verb; /* "Added", "Renamed", "Deactivated" */
    int to;           /* "Renamed agency CODE to NAME" rather than "CODE (NAME)" */
};

static int agency_show_one(const Safer__Response *rs, void *ctx)
{
    const struct agency_show *o = ctx;
    const Safer__AgencyResponse *ar = (const Safer__AgencyResponse *)cli_response_body(rs);
    const Safer__Agency *a = ar != NULL ? ar->agency : NULL;

    if (a == NULL) {
        cli_fail("agency", "the server's answer has no agency in it");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&a->base, NULL);
    printf("%s agency ", o->verb);
    cli_put_safe(stdout, a->code);
    fputs(o->to ? " to " : " (", stdout);
    cli_put_safe(stdout, a->name);
    printf("%s%s\n", o->to ? "" : ")", a->active ? "." : "; its people can no longer connect.");
    return CLI_OK;
}

static int agency_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[] = { "code", "name", "active", "people" };
    const Safer__AgencyListResponse *l = rs->agency_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "agencies");
    if (table_new(&t, 4, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_agencies; i++) {
        const Safer__Agency *a = l->agencies[i];
        char people[16];
        snprintf(people, sizeof(people), "%u", (unsigned)a->people);
        const char *row[] = { a->code, a->name, a->active ? "yes" : "no", people };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("agency list", "printing the table failed");
    table_free(t);
    return code;
}

static int agency_add(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgencyAddRequest ar = SAFER__AGENCY_ADD_REQUEST__INIT;
    const char *pos[2];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 2, 2, &npos, agency_add_usage, &as_json);
    struct agency_show show = { 0, "Added", 0 };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (admin_agency_code(pos[0]) != 0 || admin_name(pos[1]) != 0)
        return CLI_USAGE;
    ar.code = (char *)pos[0];
    ar.name = (char *)pos[1];
    rq.body_case = SAFER__REQUEST__BODY_AGENCY_ADD;
    rq.agency_add = &ar;
    show.json = as_json;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENCY_ADD, agency_show_one, &show);
}

static int agency_list(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgencyListRequest lr = SAFER__AGENCY_LIST_REQUEST__INIT;
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, NULL, 0, 0, &npos, agency_list_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    rq.body_case = SAFER__REQUEST__BODY_AGENCY_LIST;
    rq.agency_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENCY_LIST, agency_show_list, &as_json);
}

static int agency_rename(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgencyRenameRequest ar = SAFER__AGENCY_RENAME_REQUEST__INIT;
    const char *pos[2];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 2, 2, &npos, agency_rename_usage, &as_json);
    struct agency_show show = { 0, "Renamed", 1 };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (admin_agency_code(pos[0]) != 0 || admin_name(pos[1]) != 0)
        return CLI_USAGE;
    ar.code = (char *)pos[0];
    ar.name = (char *)pos[1];
    rq.body_case = SAFER__REQUEST__BODY_AGENCY_RENAME;
    rq.agency_rename = &ar;
    show.json = as_json;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENCY_RENAME, agency_show_one, &show);
}

static int agency_deactivate(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgencyDeactivateRequest dr = SAFER__AGENCY_DEACTIVATE_REQUEST__INIT;
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, agency_deactivate_usage, &as_json);
    struct agency_show show = { 0, "Deactivated", 0 };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (admin_agency_code(pos[0]) != 0)
        return CLI_USAGE;
    dr.code = (char *)pos[0];
    rq.body_case = SAFER__REQUEST__BODY_AGENCY_DEACTIVATE;
    rq.agency_deactivate = &dr;
    show.json = as_json;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENCY_DEACTIVATE, agency_show_one, &show);
}

static const admin_sub agency_subs[] = {
    { "add", agency_add, "Adds an agency: CODE \"NAME\"" },
    { "list", agency_list, "Lists the agencies" },
    { "rename", agency_rename, "Renames an agency: CODE \"NAME\"" },
    { "deactivate", agency_deactivate, "Deactivates an agency: its people can no longer connect" },
};

int cmd_admin_agency(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, agency_subs, sizeof(agency_subs) / sizeof(agency_subs[0]), "admin agency");
}
