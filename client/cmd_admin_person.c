/*
 * `safer admin person add|list|roles|deactivate` and `safer admin invite`:
 * the people of the partnership and their enrolment invites. Adding a person
 * prints their first invite; `invite` makes a new one when that expired or
 * they need a key on another machine. An invite is a one-time secret meant
 * for that person: it is printed alone on its own line so it can be passed
 * on, and nowhere else.
 */
#include "client/cmds.h"

#include <stdio.h>

#include "client/admin.h"
#include "client/cli.h"
#include "client/table.h"

static const char person_add_usage[]
    = "usage: safer admin person add INITIALS --name NAME --agency CODE --role ROLE[,ROLE]\n"
      "                             [--json]\n"
      "\n"
      "Adds a person and prints their one-time enrolment invite, to be passed to them\n"
      "privately; they redeem it with 'safer enrol'. INITIALS are 1 to 8 letters,\n"
      "unique in the partnership (upper-cased). Roles: admin, chair, lead, member.\n"
      "\n"
      "  --name NAME    their full name, quoted\n"
      "  --agency CODE  the agency they belong to\n"
      "  --role ROLES   one or more roles separated by commas, like lead,member\n"
      "  --json         print {person, invite, invite_expires} as one JSON object\n";

static const char person_list_usage[]
    = "usage: safer admin person list [--json]\n"
      "\n"
      "Lists everyone: initials, name, agency, roles, whether they are active and\n"
      "how many keys they have that are not revoked.\n"
      "\n"
      "  --json  print one JSON array of {initials, name, agency_code, roles, active, keys}\n";

static const char person_roles_usage[]
    = "usage: safer admin person roles INITIALS --role ROLE[,ROLE] [--json]\n"
      "\n"
      "Sets a person's roles to exactly the ones given (admin, chair, lead, member).\n"
      "\n"
      "  --role ROLES  the complete new set, separated by commas\n"
      "  --json        print the person as one JSON object\n";

static const char person_deactivate_usage[]
    = "usage: safer admin person deactivate INITIALS [--json]\n"
      "\n"
      "Deactivates a person: none of their keys can connect any more, and their live\n"
      "sessions close at once. The person and their history are kept.\n"
      "\n"
      "  --json  print the person as one JSON object\n";

static const char invite_usage[]
    = "usage: safer admin invite INITIALS [--json]\n"
      "\n"
      "Makes a new one-time enrolment invite for a person and prints it alone on its\n"
      "own line, after a line with its expiry. Pass it to them privately; they redeem\n"
      "it with 'safer enrol'. It works once, and only until it expires.\n"
      "\n"
      "  --json  print {initials, invite, expires} as one JSON object\n";

/* Prints "INITIALS (NAME, AGENCY) as ROLES" without a newline. */
static void person_describe(const Safer__Person *p)
{
    char roles[ADMIN_ROLES_TEXT_MAX];

    admin_roles_text(p->roles, p->n_roles, roles, sizeof(roles));
    cli_put_safe(stdout, p->initials);
    fputs(" (", stdout);
    cli_put_safe(stdout, p->name);
    fputs(", ", stdout);
    cli_put_safe(stdout, p->agency_code);
    printf(") as %s", roles);
}

static int person_show_added(const Safer__Response *rs, void *ctx)
{
    const Safer__PersonAddResponse *pa = rs->person_add;

    if (*(int *)ctx)
        return cli_print_json(&pa->base, NULL);
    if (pa->person == NULL) {
        cli_fail("person_add", "the server's answer has no person in it");
        return CLI_FAIL;
    }
    fputs("Added ", stdout);
    person_describe(pa->person);
    fputs(".\n", stdout);
    admin_print_invite("Invite ", pa->invite, pa->invite_expires);
    return CLI_OK;
}

/* What a single-person answer is shown with. */
struct person_show {
    int json;         /* print JSON */
    const char *verb; /* "Set the roles of", "Deactivated" */
};

static int person_show_one(const Safer__Response *rs, void *ctx)
{
    const struct person_show *o = ctx;
    const Safer__PersonResponse *pr = (const Safer__PersonResponse *)cli_response_body(rs);
    const Safer__Person *p = pr != NULL ? pr->person : NULL;

    if (p == NULL) {
        cli_fail("person", "the server's answer has no person in it");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&p->base, NULL);
    printf("%s: ", o->verb);
    person_describe(p);
    printf("%s\n", p->active ? "." : "; their keys can no longer connect.");
    return CLI_OK;
}

static int person_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[]
        = { "initials", "name", "agency", "roles", "active", "keys" };
    const Safer__PersonListResponse *l = rs->person_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "people");
    if (table_new(&t, 6, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_people; i++) {
        const Safer__Person *p = l->people[i];
        char roles[ADMIN_ROLES_TEXT_MAX];
        char keys[16];
        admin_roles_text(p->roles, p->n_roles, roles, sizeof(roles));
        snprintf(keys, sizeof(keys), "%u", (unsigned)p->keys);
        const char *row[]
            = { p->initials, p->name, p->agency_code, roles, p->active ? "yes" : "no", keys };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("person list", "printing the table failed");
    table_free(t);
    return code;
}

static int person_add(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PersonAddRequest pr = SAFER__PERSON_ADD_REQUEST__INIT;
    Safer__Role roles[ADMIN_ROLES_MAX];
    char initials[ADMIN_INITIALS_MAX + 1];
    const char *name = NULL, *agency = NULL, *role = NULL, *json = NULL;
    const cli_opt opts[] = { { "--name", 1, &name }, { "--agency", 1, &agency },
        { "--role", 1, &role }, { "--json", 0, &json } };
    const char *pos[1];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 4, pos, 1, 1, &npos, person_add_usage);
    int as_json;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (name == NULL || agency == NULL || role == NULL) {
        fprintf(stderr, "safer: admin person add: --name, --agency and --role are all needed\n\n%s",
            person_add_usage);
        return CLI_USAGE;
    }
    if (admin_initials(pos[0], initials) != 0 || admin_name(name) != 0
        || admin_agency_code(agency) != 0 || admin_roles(role, roles, &pr.n_roles) != 0)
        return CLI_USAGE;
    pr.initials = initials;
    pr.name = (char *)name;
    pr.agency_code = (char *)agency;
    pr.roles = roles;
    rq.body_case = SAFER__REQUEST__BODY_PERSON_ADD;
    rq.person_add = &pr;
    as_json = json != NULL;
    return cli_run(&rq, SAFER__RESPONSE__BODY_PERSON_ADD, person_show_added, &as_json);
}

static int person_list(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PersonListRequest lr = SAFER__PERSON_LIST_REQUEST__INIT;
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, NULL, 0, 0, &npos, person_list_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    rq.body_case = SAFER__REQUEST__BODY_PERSON_LIST;
    rq.person_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_PERSON_LIST, person_show_list, &as_json);
}

static int person_roles(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PersonSetRolesRequest sr = SAFER__PERSON_SET_ROLES_REQUEST__INIT;
    Safer__Role roles[ADMIN_ROLES_MAX];
    char initials[ADMIN_INITIALS_MAX + 1];
    const char *role = NULL, *json = NULL;
    const cli_opt opts[] = { { "--role", 1, &role }, { "--json", 0, &json } };
    const char *pos[1];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 2, pos, 1, 1, &npos, person_roles_usage);
    struct person_show show = { 0, "Set the roles of" };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (role == NULL) {
        fprintf(stderr, "safer: admin person roles: --role is needed\n\n%s", person_roles_usage);
        return CLI_USAGE;
    }
    if (admin_initials(pos[0], initials) != 0 || admin_roles(role, roles, &sr.n_roles) != 0)
        return CLI_USAGE;
    sr.initials = initials;
    sr.roles = roles;
    rq.body_case = SAFER__REQUEST__BODY_PERSON_SET_ROLES;
    rq.person_set_roles = &sr;
    show.json = json != NULL;
    return cli_run(&rq, SAFER__RESPONSE__BODY_PERSON_SET_ROLES, person_show_one, &show);
}

static int person_deactivate(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PersonDeactivateRequest dr = SAFER__PERSON_DEACTIVATE_REQUEST__INIT;
    char initials[ADMIN_INITIALS_MAX + 1];
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, person_deactivate_usage, &as_json);
    struct person_show show = { 0, "Deactivated" };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (admin_initials(pos[0], initials) != 0)
        return CLI_USAGE;
    dr.initials = initials;
    rq.body_case = SAFER__REQUEST__BODY_PERSON_DEACTIVATE;
    rq.person_deactivate = &dr;
    show.json = as_json;
    return cli_run(&rq, SAFER__RESPONSE__BODY_PERSON_DEACTIVATE, person_show_one, &show);
}

static const admin_sub person_subs[] = {
    { "add", person_add, "Adds a person and prints their invite" },
    { "list", person_list, "Lists the people" },
    { "roles", person_roles, "Sets a person's roles" },
    { "deactivate", person_deactivate, "Deactivates a person: their keys stop working" },
};

int cmd_admin_person(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, person_subs, sizeof(person_subs) / sizeof(person_subs[0]), "admin person");
}

static int invite_show(const Safer__Response *rs, void *ctx)
{
    const Safer__InviteResponse *ir = rs->invite_create;
    char lead[64];

    if (*(int *)ctx)
        return cli_print_json(&ir->base, NULL);
    snprintf(lead, sizeof(lead), "Invite for %s ",
        home_initials_ok(ir->initials ? ir->initials : "") ? ir->initials : "?");
    admin_print_invite(lead, ir->invite, ir->expires);
    return CLI_OK;
}

int cmd_admin_invite(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__InviteCreateRequest ir = SAFER__INVITE_CREATE_REQUEST__INIT;
    char initials[ADMIN_INITIALS_MAX + 1];
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, invite_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (admin_initials(pos[0], initials) != 0)
        return CLI_USAGE;
    ir.initials = initials;
    rq.body_case = SAFER__REQUEST__BODY_INVITE_CREATE;
    rq.invite_create = &ir;
    return cli_run(&rq, SAFER__RESPONSE__BODY_INVITE_CREATE, invite_show, &as_json);
}
