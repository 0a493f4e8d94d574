/*
 * `safer admin ...`: the partnership's membership, run by its admins. This
 * file only routes: each group lives in its own file (cmd_admin_agency.c,
 * cmd_admin_person.c for people and invites, cmd_admin_key.c,
 * cmd_admin_audit.c), and the usage text comes from the same table.
 */
#include "client/cmds.h"

#include <stdio.h>
#include <string.h>

#include "client/admin.h"
#include "client/cli.h"

static const admin_sub admin_groups[] = {
    { "agency", cmd_admin_agency, "Agencies: add, list, rename, deactivate" },
    { "person", cmd_admin_person, "People: add, list, roles, deactivate" },
    { "invite", cmd_admin_invite, "Makes a new one-time enrolment invite for a person" },
    { "key", cmd_admin_key, "Credentials: list, revoke" },
    { "audit", cmd_admin_audit, "Lists the audit log, or verifies its hash chain" },
};

#define N_ADMIN_GROUPS (sizeof(admin_groups) / sizeof(admin_groups[0]))

static void admin_usage(FILE *f)
{
    fprintf(f,
        "usage: safer admin <group> <command> [<args>]\n\n"
        "Runs the partnership's membership; needs the admin role (agency list and\n"
        "person list also work for a chair). Groups:\n");
    for (size_t i = 0; i < N_ADMIN_GROUPS; i++)
        fprintf(f, "  %-8s %s\n", admin_groups[i].name, admin_groups[i].summary);
    fprintf(f,
        "\n'safer admin <group> --help' tells more. Lists print tables; --json prints\n"
        "one JSON document for scripts.\n");
}

int cmd_admin(int argc, char **argv)
{
    if (argc < 2) {
        admin_usage(stderr);
        return CLI_USAGE;
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        admin_usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < N_ADMIN_GROUPS; i++) {
        if (strcmp(argv[1], admin_groups[i].name) == 0)
            return admin_groups[i].fn(argc - 1, argv + 1);
    }
    fputs("safer: admin: unknown group '", stderr);
    cli_put_safe(stderr, argv[1]);
    fputs("'\n\n", stderr);
    admin_usage(stderr);
    return CLI_USAGE;
}
