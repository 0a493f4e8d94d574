/*
 * saferd's subcommands. main.c holds the table {name, fn, summary}; each fn
 * gets argc/argv with argv[0] being the subcommand's name and returns the exit
 * code: 0 success, 1 failure, 2 usage.
 */
#ifndef SAFER_SERVER_CMDS_H
#define SAFER_SERVER_CMDS_H

#include <stdint.h>

/* Files inside a data folder. */
#define SAFERD_DB_FILE "safer.db"
#define SAFERD_KEY_FILE "server.key" /* X25519 static private key, 0600 */
#define SAFERD_SIGN_FILE "sign.key"  /* Ed25519 seed for pack signatures, 0600 */
#define SAFERD_DEFAULT_LISTEN "127.0.0.1:7443"

int cmd_init(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_audit_verify(int argc, char **argv);
int cmd_invite(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

/* Bounds on the paths check, backup and restore take. */
#define SAFERD_PATH_MAX 4096
#define SAFERD_DIR_MAX 3900 /* leaves room for a file name inside it */

/* What cmd_check_db found. */
struct cmd_check_report {
    long long bytes;    /* the file's size */
    int version;        /* its schema version (-1 if unread) */
    int64_t audit_rows; /* audit rows that checked out */
    int audit_checked;  /* the audit log was checked (not for an older schema) */
};

#define CMD_CHECK_VERBOSE 1u   /* print every check's line to stdout, not only failures to stderr */
#define CMD_CHECK_ALLOW_OLD 2u /* an older schema passes (saferd run will migrate it) */

/*
 * Runs `saferd check`'s checks on the database file db without changing it:
 * integrity, foreign keys, schema version and, when key (the path of the
 * server's key file) is not NULL, the audit log against its sealed head.
 * Returns 0 if all pass, 1 if any fails; each check prints as flags say.
 */
int cmd_check_db(const char *db, const char *key, unsigned flags, struct cmd_check_report *rep);

#endif
