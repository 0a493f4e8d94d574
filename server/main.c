/*
 * saferd's entry point: a table of subcommands {name, fn, summary}; main
 * finds the one named and calls it with the rest of the command line. Usage
 * is printed from the same table, and --help adds the options of
 * 'saferd run' from the configuration table (config.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "server/cmds.h"
#include "server/config.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} subcommands[] = {
    { "init", cmd_init, "create a data folder with the server's keys and the first admin invite" },
    { "run", cmd_run, "serve a data folder until SIGINT or SIGTERM" },
    { "audit-verify", cmd_audit_verify, "check the audit log's hash chain in a data folder" },
    { "invite", cmd_invite, "make an enrolment invite offline (the way back in for admins)" },
    { "check", cmd_check, "check a database: integrity, schema version, audit chain" },
    { "backup", cmd_backup, "copy a data folder's database while it serves (keys apart)" },
    { "restore", cmd_restore, "put a backup back into a data folder" },
};

#define NSUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

/* The usage; with options set, also every option of 'saferd run' (for --help). */
static void usage(FILE *f, int options)
{
    fprintf(f, "usage: saferd COMMAND [ARGS]\n\nCommands:\n");
    for (size_t i = 0; i < NSUBCOMMANDS; i++)
        fprintf(f, "  %-13s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(f,
        "\n'saferd COMMAND --help' describes a command.\n"
        "  --help        show this help\n"
        "  --version     show the version\n");
    if (!options)
        return;
    fprintf(f,
        "\nOptions of 'saferd run'. Each is also a key of its config file (--config FILE,\n"
        "else DIR/" CONFIG_FILE_NAME "); an option given on the command line beats the file.\n");
    config_usage(f);
}

static int run_subcommand(int argc, char **argv)
{
    for (size_t i = 0; i < NSUBCOMMANDS; i++) {
        if (strcmp(argv[0], subcommands[i].name) == 0)
            return subcommands[i].fn(argc, argv);
    }
    fprintf(stderr, "saferd: unknown command \"%s\"\n", argv[0]);
    usage(stderr, 0);
    return 2;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "saferd: cannot initialise libsodium\n");
        return 1;
    }
    log_setup("saferd", LOG_INFO);
    if (argc < 2) {
        usage(stderr, 0);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
        || (strcmp(argv[1], "help") == 0 && argc == 2)) {
        usage(stdout, 1);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("saferd %s\n", SAFER_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        /* "saferd help run" is "saferd run --help". */
        char help[] = "--help";
        char *args[] = { argv[2], help, NULL };

        return run_subcommand(2, args);
    }
    return run_subcommand(argc - 1, argv + 1);
}
