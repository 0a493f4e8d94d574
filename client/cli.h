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

/* One option a command accepts. */
typedef struct cli_opt {
    const char *name;   /* "--json" */
    int has_value;      /* 0 a flag; 1 takes a value ("--name VALUE" or "--name=VALUE");
                           CLI_REPEAT takes a value and may be given again */
    const char **value; /* set to the value, a flag to ""; for CLI_REPEAT an array of
                           CLI_REPEAT_MAX + 1 pointers, all NULL to start, filled in order */
} cli_opt;

/* An option that may be given up to CLI_REPEAT_MAX times, like --metric. */
#define CLI_REPEAT 2
#define CLI_REPEAT_MAX 32

/* The positional arguments of a command, after cli_parse. */
#define CLI_POS_MAX 8

/*
 * Parses argv[1..argc-1] against opts (nopts of them), options anywhere and
 * "--" ending them; the other arguments go to pos, and there must be
 * min_pos..max_pos (at most CLI_POS_MAX) of them; *npos says how many.
 * Returns 0; 1 when -h or --help was asked for, usage printed on stdout;
 * -1 on a usage error, a message naming the bad argument and the usage
 * printed on stderr. CLI_PARSE_EXIT turns the last two into exit codes.
 */
int cli_parse(int argc, char **argv, const cli_opt *opts, size_t nopts, const char **pos,
    size_t min_pos, size_t max_pos, size_t *npos, const char *usage);
#define CLI_PARSE_EXIT(r) ((r) > 0 ? CLI_OK : CLI_USAGE)

/* cli_parse for the many commands whose only option is --json: sets *as_json. */
int cli_parse_json(int argc, char **argv, const char **pos, size_t min_pos, size_t max_pos,
    size_t *npos, const char *usage, int *as_json);

/*
 * Prints "safer: <command>: <why> '<arg>'" (without the quote when arg is
 * NULL) and the usage on stderr, the command's words taken from the usage;
 * returns CLI_USAGE. For checks cli_parse cannot make, like a needed option.
 */
int cli_usage_error(const char *usage, const char *why, const char *arg);

/*
 * Prints msg as JSON (pbjson.h) on stdout: the whole message, or when field
 * is not NULL only that field of it (a list command prints its array).
 * Returns CLI_OK or CLI_FAIL, with the error printed.
 */
int cli_print_json(const ProtobufCMessage *msg, const char *field);

/* The message in a response's body oneof; NULL when there is none. */
const ProtobufCMessage *cli_response_body(const Safer__Response *rs);

/*
 * Writes s to f with control characters (C0, DEL and C1) and every byte that
 * is not part of well-formed UTF-8 replaced by '?', so text from the server
 * cannot drive the terminal.
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
 * Like cli_session_open, but with the private key sk (32 bytes) given rather
 * than read from the key file: for a key that is not in place yet.
 */
int cli_session_open_key(cli_session *s, const uint8_t *sk);

/* Reads the server file of an enrolled client from dir into srv; prints the error. */
int cli_read_server(const char *dir, home_server *srv);

/*
 * Sends rq and waits for its response, which must have body case want; prints
 * the error on failure. Free *rs with pb_response_free(&s->b, *rs).
 */
int cli_session_call(cli_session *s, Safer__Request *rq, Safer__Response **rs, int want);

/* Says goodbye (when ok is set) and frees. Returns 0 or the goodbye's failure, printed. */
int cli_session_close(cli_session *s, int ok);

/*
 * Shows a successful response; returns an exit code (CLI_OK, or CLI_FAIL
 * having printed why).
 */
typedef int (*cli_show_fn)(const Safer__Response *rs, void *ctx);

/*
 * The whole life of a one-request command: opens a session, sends rq,
 * expects a response of body case want, hands it to show, says goodbye.
 * Returns the exit code.
 */
int cli_run(Safer__Request *rq, int want, cli_show_fn show, void *ctx);

/* What a command may add to cli_run. */
typedef struct cli_hooks {
    net_progress_fn progress; /* told of the request's frames as they go; NULL for none */
    void *progress_ctx;       /* for progress */
    /*
     * Called once the call is over, before anything is printed: answered is
     * 1 when the server answered (with OK or a refusal), 0 when the answer
     * never came (the connection failed or timed out).
     */
    void (*done)(void *ctx, int answered);
    void *ctx; /* for done */
} cli_hooks;

/* cli_run with hooks (NULL for none). */
int cli_run_with(Safer__Request *rq, int want, cli_show_fn show, void *ctx, const cli_hooks *h);

#endif
