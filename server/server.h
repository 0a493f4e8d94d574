/*
 * The running server: one struct that holds everything `saferd run` serves
 * with (the loop, the store, the keys, the limits, the counters and the list
 * of live connections). Nothing else in the server keeps mutable state of its
 * own; callbacks reach this struct through handle->data. listener.c owns the
 * listening socket, the signal handlers and the order of a clean shutdown.
 *
 * Shutdown, once SIGINT or SIGTERM arrives: the listener closes, idle
 * connections close at once, connections with a request in flight close once
 * it is answered, and when the last connection is gone the store's writer is
 * stopped and the remaining handles close, so that uv_run returns. A grace
 * period bounds the wait for peers that stop reading.
 */
#ifndef SAFER_SERVER_SERVER_H
#define SAFER_SERVER_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "server/ratelimit.h"
#include "server/store.h"

#define SERVER_HANDSHAKE_MS_DEFAULT 10000u
#define SERVER_IDLE_MS_DEFAULT 300000u
#define SERVER_MAX_CONNS_DEFAULT 1024u
#define SERVER_MAX_HANDSHAKES_DEFAULT 64u
#define SERVER_WQ_CAP_DEFAULT (1024u * 1024u)
/*
 * Bounds on one reassembled request. A key that has not enrolled may only
 * enrol or say goodbye, so it never needs more than a few hundred bytes; an
 * enrolled session may send a paper of up to 1 MiB with its metadata. Keeping
 * the first bound small means an unknown peer cannot make the server hold
 * megabytes per connection.
 */
#define SERVER_MSG_MAX_UNENROLLED 4096u
#define SERVER_MSG_MAX (2u * 1024u * 1024u)
#define SERVER_MAX_FAILURES_DEFAULT 20u
#define SERVER_FAILURE_WINDOW_MS_DEFAULT 60000u
/* Source addresses whose failures are remembered at once; the oldest makes room. */
#define SERVER_RATELIMIT_ENTRIES 4096u
/* How long a shutdown waits for in-flight requests before closing everything. */
#define SERVER_GRACE_MS 10000u
/* At most one log line per this many milliseconds about refused connections. */
#define SERVER_REJECT_LOG_MS 1000u
/* "[v6 address]:port" with room to spare. */
#define SERVER_ADDR_MAX 64
#define SERVER_KEY_BYTES 32

typedef struct conn conn;

typedef struct server_limits {
    uint64_t handshake_ms;      /* a connection must finish its handshake within this */
    uint64_t idle_ms;           /* an open connection with no frame for this long is closed */
    size_t max_conns;           /* live connections at most; more are accepted and closed */
    size_t max_handshakes;      /* unfinished handshakes at most; more are refused */
    size_t wq_cap;              /* queued write bytes per connection before reading pauses */
    uint32_t max_failures;      /* more failures than this from one address in a window: refused */
    uint64_t failure_window_ms; /* the length of that window */
} server_limits;

typedef struct server_stats {
    uint64_t accepted;     /* connections taken on */
    uint64_t refused;      /* connections accepted and closed at once over a limit */
    uint64_t rate_limited; /* of those, refused because their address failed too often */
    uint64_t handshakes;   /* handshakes completed */
    uint64_t failures;     /* connections closed for a protocol error or a timeout */
    uint64_t requests;     /* requests dispatched */
} server_stats;

typedef struct server {
    uv_loop_t *loop;          /* the loop everything runs on; borrowed */
    store *st;                /* the data folder's store; borrowed */
    const uint8_t *static_sk; /* the server's X25519 private key (sodium_malloc); borrowed */
    uint8_t static_pk[SERVER_KEY_BYTES]; /* its public key */
    uint8_t sign_pk[SERVER_KEY_BYTES];   /* the Ed25519 key that signs packs */
    /* The secret half of sign_pk (crypto_sign_SECRETKEYBYTES, sodium_malloc, read-only);
       borrowed; NULL when packs cannot be signed. */
    const uint8_t *sign_sk;
    server_limits lim;          /* the limits in force */
    server_stats stats;         /* counters for the closing log line */
    uv_tcp_t listener;          /* the listening socket, once listen_open */
    uv_signal_t sig_int;        /* SIGINT starts a clean shutdown */
    uv_signal_t sig_term;       /* SIGTERM does the same */
    uv_timer_t grace;           /* bounds the shutdown's wait for in-flight requests */
    int listen_open;            /* listener initialised and not yet closed */
    int handles_open;           /* signals and grace timer initialised and not yet closed */
    int stopping;               /* a shutdown has started */
    int finished;               /* the shutdown has stopped the writer and closed its handles */
    size_t nconns;              /* connections alive (memory not yet freed) */
    size_t nhandshakes;         /* connections still in their handshake */
    conn *conns;                /* every live connection, newest first */
    ratelimit *rl;              /* failures per source address; freed when the run finishes */
    uint64_t refuse_logged_at;  /* loop time of the last refusal log line */
    uint64_t refuse_quiet;      /* refusals not logged since then */
    char addr[SERVER_ADDR_MAX]; /* the address actually bound */
} server;

/*
 * Sets srv up on loop with the given store, key and limits, and starts the
 * signal handlers. The key is borrowed for the server's life.
 */
int server_init(
    server *srv, uv_loop_t *loop, store *st, const uint8_t *static_sk, const server_limits *lim);

/*
 * Binds host:port (a numeric address or a name resolved before the loop
 * runs), listens and logs "listening on ADDR" with the port actually bound.
 */
int server_listen(server *srv, const char *host, uint16_t port);

/* Starts a clean shutdown (see above); later calls only log. */
void server_shutdown(server *srv);

/* Called by a connection once its memory is freed: may finish a shutdown. */
void server_conn_gone(server *srv);

/* Formats a socket address as "ip:port" or "[ip6]:port". */
void server_format_addr(const struct sockaddr *sa, char out[SERVER_ADDR_MAX]);

/* The key a peer's failures are counted under: its IP address without the port. */
void server_peer_key(const struct sockaddr *sa, char out[RATELIMIT_KEY_MAX]);

/*
 * 1 if connections from the address key are refused for now (too many
 * failures in its window; the first refusal of a window is logged), else 0.
 * The caller closes a refused connection at once without a log line of its own.
 */
int server_peer_refused(server *srv, const char *key);

/*
 * Counts one failure for the address key: a handshake that did not complete,
 * or a session of an unknown key that closed without enrolling.
 */
void server_peer_failed(server *srv, const char *key);

#endif
