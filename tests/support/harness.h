/*
 * Integration test harness: starts a real saferd on 127.0.0.1 with a port the
 * kernel picked, in a fresh data folder with real keys and a real SQLite file,
 * and runs the real safer binary against it with its own SAFER_HOME.
 */
#ifndef SAFER_TESTS_HARNESS_H
#define SAFER_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HX_PATH_MAX 512
#define HX_OUT_MAX 65536

typedef struct hx_server {
    char root[HX_PATH_MAX / 2]; /* a fresh temporary folder for this test */
    char dir[HX_PATH_MAX];      /* the data folder inside root */
    char log[HX_PATH_MAX];      /* saferd's stderr */
    char host[64];
    uint16_t port;
    char invite[512]; /* the first admin invite printed by init */
    pid_t pid;        /* the running saferd, or 0 */
} hx_server;

typedef struct hx_result {
    int status; /* exit code, or 128 + signal */
    char out[HX_OUT_MAX];
    char err[HX_OUT_MAX];
} hx_result;

/* Makes the folders and runs `saferd init` with the given extra arguments
 * (NULL-terminated, may be NULL), keeping the invite. Returns 0 or -1. */
int hx_server_init(hx_server *s, const char *const *extra);

/* Starts `saferd run` with extra arguments and waits for its listening line. */
int hx_server_start(hx_server *s, const char *const *extra);

/* Sends SIGTERM and waits; returns saferd's exit code (128 + signal if killed). */
int hx_server_stop(hx_server *s);

/* Stops the server if running and removes the temporary folder. */
void hx_server_cleanup(hx_server *s);

/* 1 if the server's log contains needle (waits up to timeout_ms for it). */
int hx_log_contains(const hx_server *s, const char *needle, int timeout_ms);

/* A fresh client home inside the server's root, named name. */
void hx_home(const hx_server *s, const char *name, char *buf, size_t len);

/*
 * Runs a program (argv NULL-terminated; argv[0] is the binary's path) with
 * SAFER_HOME=home (if home is not NULL) and stdin from /dev/null, capturing
 * its output. Returns the exit status, also stored in r.
 */
int hx_exec(const char *home, hx_result *r, const char *const *argv);

/* Shorthand: runs SAFER_BIN with the arguments after home. */
#define hx_safer(home, r, ...)                                                                     \
    hx_exec((home), (r), (const char *const[]) { SAFER_BIN, __VA_ARGS__, NULL })
#define hx_saferd(r, ...)                                                                          \
    hx_exec(NULL, (r), (const char *const[]) { SAFERD_BIN, __VA_ARGS__, NULL })

/* Connects a plain TCP socket to the server; -1 on failure. */
int hx_connect(const hx_server *s);

/*
 * Waits until the peer closes fd (read returns 0 or an error) within
 * timeout_ms, discarding anything it sends. Returns 1 if closed, 0 if still
 * open at the deadline.
 */
int hx_wait_closed(int fd, int timeout_ms);

/* Finds the first line in text starting with prefix and copies it to buf. */
int hx_find_line(const char *text, const char *prefix, char *buf, size_t len);

/* Runs sqlite3-free checks: the number of rows the SQL returns (first column as int). */
long long hx_sql_int(const hx_server *s, const char *sql);

/*
 * A raw Noise client over a blocking socket, for tests that must misbehave in
 * ways the real client never would. Uses the common chan module.
 */
struct chan;
typedef struct hx_raw {
    int fd;
    struct chan *ch;
    int flip_next; /* flip the last byte of the next frame sent */
} hx_raw;

/* Connects and completes the handshake pinning server_pk with the client key
 * sk (32 bytes each). msg_max bounds messages both ways (0: the default).
 * Returns 0 or -1 (the socket is closed on failure). */
int hx_raw_open(hx_raw *r, const hx_server *s, const uint8_t server_pk[32], const uint8_t sk[32],
    size_t msg_max);

/* Writes bytes as they are. Returns 0 or -1. */
int hx_raw_write(int fd, const void *buf, size_t len);

/* Sends one application message through the channel (encrypted frames). */
int hx_raw_send(hx_raw *r, const uint8_t *msg, size_t len);

/* Reads frames until one application message arrives (*msg malloc'd). */
int hx_raw_recv(hx_raw *r, uint8_t **msg, size_t *len, int timeout_ms);

void hx_raw_close(hx_raw *r);

/* The server's public key from its invite. */
int hx_server_pk(const hx_server *s, uint8_t pk[32]);

#endif
