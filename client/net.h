/*
 * The client's connection to saferd: blocking, one request at a time. It
 * resolves and connects with a timeout, runs the Noise XK handshake as the
 * initiator pinning the server's key, then carries Request/Response pairs
 * over the channel, and ends with an explicit goodbye.
 *
 * Every failure leaves a message for people in net_error(), written so that
 * `safer: <what>: <net_error>` reads well.
 */
#ifndef SAFER_CLIENT_NET_H
#define SAFER_CLIENT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "common/pb.h"

#define NET_CONNECT_TIMEOUT_MS 10000
#define NET_IO_TIMEOUT_MS 60000
#define NET_TIMEOUT_MAX_MS (24 * 3600 * 1000) /* bound on a timeout from the environment */
#define NET_ERROR_MAX 512

typedef struct net net;

typedef struct net_config {
    const char *host; /* name or address; an IPv6 address without brackets */
    uint16_t port;
    const uint8_t *sk;        /* our X25519 private key, borrowed for the call */
    const uint8_t *server_pk; /* the pinned server public key */
    int connect_timeout_ms;   /* 0 = NET_CONNECT_TIMEOUT_MS */
    int io_timeout_ms;        /* for each read or write; 0 = NET_IO_TIMEOUT_MS */
} net_config;

/* Makes an unconnected net. SAFER_E_NOMEM. */
int net_new(net **out);

/*
 * Connects and runs the handshake. On failure (SAFER_E_IO, SAFER_E_TIMEOUT,
 * SAFER_E_CLOSED, SAFER_E_DECRYPT, ...) net_error says what happened; the
 * net can only be freed.
 */
int net_connect(net *n, const net_config *cfg);

/*
 * Sends rq, giving it the next id (1, 2, ...), and waits for its response,
 * unpacked with budget b: *rs is freed with pb_response_free(b, *rs). Returns
 * 0 only when the response is OK; a non-OK status gives a negative code, no
 * response and "STATUS: message" in net_error. A Response with id 0 is the
 * server ending the session; it is reported the same way.
 */
int net_call(net *n, Safer__Request *rq, Safer__Response **rs, pb_budget *b);

/*
 * 1 while requests may still be sent: connected, and no failure other than a
 * refused request (a non-OK status) has happened.
 */
int net_usable(const net *n);

/*
 * Told how far the request being sent has got: sent of total bytes of the
 * packed request, after each frame has gone to the socket. For progress bars.
 */
typedef void (*net_progress_fn)(void *ctx, size_t sent, size_t total);

/* Calls fn (NULL: nothing) for the frames of every request sent from now on. */
void net_set_progress(net *n, net_progress_fn fn, void *ctx);

/* Says goodbye and waits for the server's answer. */
int net_goodbye(net *n);

/*
 * 1 when the server ended the session with an id-0 notice (a revoked key, a
 * deactivated account), else 0; then *status and *msg (both may be NULL) say
 * what the notice said, the message with control characters replaced.
 */
int net_ended(const net *n, Safer__Status *status, const char **msg);

/* The message for the last failure; "" if none. */
const char *net_error(const net *n);

/* "HOST:PORT" of the server, for messages. */
const char *net_address(const net *n);

/* Closes the socket, wipes and frees; NULL is allowed. */
void net_free(net *n);

/*
 * The read timeout from SAFER_TIMEOUT_MS when it holds a number in
 * 1..NET_TIMEOUT_MAX_MS, else 0 (the default). For tests.
 */
int net_timeout_from_env(void);

#endif
