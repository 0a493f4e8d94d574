/*
 * saferd's subcommands. main.c holds the table {name, fn, summary}; each fn
 * gets argc/argv with argv[0] being the subcommand's name and returns the exit
 * code: 0 success, 1 failure, 2 usage.
 */
#ifndef SAFER_SERVER_CMDS_H
#define SAFER_SERVER_CMDS_H

/* Files inside a data folder. */
#define SAFERD_DB_FILE "safer.db"
#define SAFERD_KEY_FILE "server.key" /* X25519 static private key, 0600 */
#define SAFERD_SIGN_FILE "sign.key"  /* Ed25519 seed for pack signatures, 0600 */
#define SAFERD_DEFAULT_LISTEN "127.0.0.1:7443"

int cmd_init(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_audit_verify(int argc, char **argv);

#endif
