/*
 * What the subcommands share: printing errors in the one format the CLI
 * uses, loading the user's key (asking for its passphrase when it is sealed),
 * and opening a session with the enrolled server. Each of these prints its
 * own error, once, so a command only has to return 1.
 */
#ifndef SAFER_CLIENT_CLI_H
#define SAFER_CLIENT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client/home.h"
#include "client/net.h"
#include "common/pb.h"

/* Exit codes. */
#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

/* Prints "safer: what: why" on stderr. */
void cli_fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "safer: msg" on stderr, for messages that already say what failed. */
void cli_fail_msg(const char *msg);

/* Prints usage on stderr and returns CLI_USAGE. */
int cli_usage(const char *usage);

/* 1 if arg is -h or --help. */
int cli_is_help(const char *arg);

/*
 * Writes s to f with control characters replaced by '?', so text from the
 * server cannot drive the terminal.
 */
void cli_put_safe(FILE *f, const char *s);

/* Resolves the client's folder into dir; with create set, makes it 0700. */
int cli_home(char *dir, size_t len, int create);

/*
 * Reads the private key at path into sk (32 bytes, best sodium_malloc) and
 * sets pk, asking for the passphrase if the file is sealed. SAFER_E_NOTFOUND
 * is returned without printing, so enrol can make a key instead.
 */
int cli_load_key(const char *path, uint8_t *sk, uint8_t pk[32]);

/* An open session with the enrolled server. */
typedef struct cli_session {
    char dir[HOME_PATH_MAX]; /* the client's folder */
    home_server srv;         /* the server file */
    uint8_t pk[32];          /* our public key */
    net *net;                /* the connection */
    pb_budget b;             /* the budget responses are unpacked with */
} cli_session;

/*
 * Reads the server file (telling the user to enrol when there is none), the
 * key, and connects. On failure everything is released and the error printed.
 */
int cli_session_open(cli_session *s);

/*
 * Sends rq and waits for its response, which must have body case want; prints
 * the error on failure. Free *rs with pb_response_free(&s->b, *rs).
 */
int cli_session_call(cli_session *s, Safer__Request *rq, Safer__Response **rs, int want);

/* Says goodbye (when ok is set) and frees. Returns 0 or the goodbye's failure, printed. */
int cli_session_close(cli_session *s, int ok);

#endif
