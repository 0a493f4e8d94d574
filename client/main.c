/*
 * safer: the command-line client. A table of subcommands {name, fn, summary};
 * main finds the one named by the first argument and hands it the rest, and
 * the usage text is printed from the same table.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "client/cli.h"
#include "client/cmds.h"

static const struct {
    const char *name;                 /* what the user types */
    int (*fn)(int argc, char **argv); /* gets argv[0] = name */
    const char *summary;              /* one line for the usage text */
} subcommands[] = {
    { "enrol", cmd_enrol, "Redeems an invite: makes your key and registers it" },
    { "whoami", cmd_whoami, "Shows who the server knows this key as" },
    { "ping", cmd_ping, "Checks the connection to the server" },
    { "admin", cmd_admin, "Agencies, people, invites, keys and the audit log (admins)" },
    { "key", cmd_key, "Your own key: show its fingerprint, rotate it" },
    { "group", cmd_group, "Task groups and their member agencies" },
    { "meeting", cmd_meeting, "Board meetings and their agendas" },
    { "report", cmd_report, "Task-group papers: submit, show, history, withdraw" },
    { "returns", cmd_returns, "Which papers are in for a meeting: on time, late, missing" },
    { "action", cmd_action, "Actions from meetings: add, list, update" },
    { "attendance", cmd_attendance, "Records who came to a meeting or sent apologies" },
    { "minutes", cmd_minutes, "A meeting's minutes: set an item's, approve the last" },
    { "pack", cmd_pack, "The board pack: pull it signed, publish an edition, verify it" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void show_usage(FILE *f)
{
    fprintf(f,
        "usage: safer <command> [<args>]\n\n"
        "Safer's command-line client. Commands:\n");
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        fprintf(f, "  %-11s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(f,
        "\n'safer help <command>' or 'safer <command> --help' tells more.\n"
        "Settings live in $SAFER_HOME, else $XDG_CONFIG_HOME/safer, else "
        "~/.config/safer.\n");
}

static int find_subcommand(const char *name)
{
    for (size_t i = 0; i < N_SUBCOMMANDS; i++) {
        if (strcmp(name, subcommands[i].name) == 0)
            return (int)i;
    }
    return -1;
}

/* `safer help [CMD]`: the general usage, or that of one command. */
static int run_help(int argc, char **argv)
{
    char help[] = "--help";
    char *sub_argv[3] = { NULL, help, NULL };
    int i;

    if (argc == 1) {
        show_usage(stdout);
        return CLI_OK;
    }
    if (argc > 2 || (i = find_subcommand(argv[1])) < 0) {
        show_usage(stderr);
        return CLI_USAGE;
    }
    sub_argv[0] = argv[1];
    return subcommands[i].fn(2, sub_argv);
}

int main(int argc, char **argv)
{
    int i;

    if (sodium_init() < 0) {
        cli_fail("starting", "libsodium failed to initialise");
        return CLI_FAIL;
    }
    if (argc < 2) {
        show_usage(stderr);
        return CLI_USAGE;
    }
    if (cli_is_help(argv[1])) {
        show_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("safer %s\n", SAFER_VERSION);
        return CLI_OK;
    }
    if (strcmp(argv[1], "help") == 0)
        return run_help(argc - 1, argv + 1);
    i = find_subcommand(argv[1]);
    if (i < 0) {
        fprintf(stderr, "safer: unknown command '%s'\n\n", argv[1]);
        show_usage(stderr);
        return CLI_USAGE;
    }
    return subcommands[i].fn(argc - 1, argv + 1);
}
