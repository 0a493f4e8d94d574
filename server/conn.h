/*
 * One client connection: the socket, its framing, its Noise channel and the
 * session that the handshake established. The life of a connection is
 *
 *     HANDSHAKE -> OPEN (enrolled, or enrol-only) -> CLOSING
 *
 * A connection handles one request at a time: it stops reading while a
 * request is in flight and resumes once the request's answer is queued.
 * Handlers answer through dispatch_reply(); an asynchronous handler holds the
 * connection (conn_hold) until its store job is done, so the connection's
 * memory outlives a peer that went away meanwhile, and checks conn_is_open()
 * before answering.
 */
#ifndef SAFER_SERVER_CONN_H
#define SAFER_SERVER_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "common/keyfile.h"
#include "server/ident.h"
#include "server/server.h"

/* What a handler may know about who it is serving. */
typedef struct session {
    int enrolled;                    /* 1 once the key maps to a person; 0 = enrol-only */
    ident who;                       /* the person, when enrolled */
    uint8_t pk[SERVER_KEY_BYTES];    /* the static key the handshake carried */
    char fpr[KEYFILE_FPR_CHARS + 1]; /* its fingerprint, for logs and whoami */
    int in_flight;                   /* dispatch: a request is being handled and not yet answered */
    int touched;                     /* dispatch: this session's use of its key has been recorded */
    int ended; /* sessions.c: 0, or the code (SAFER_E_REVOKED, SAFER_E_UNAUTH) that ends
                  this session once the request in flight is answered */
    unsigned enrol_refused; /* handle_session.c: enrolments refused for their code so far */
} session;

/* Accepts the pending connection on srv's listener and starts its handshake. */
void conn_accept(server *srv);

/* Starts closing; reason is logged as "closed ADDR: reason". Idempotent. */
void conn_close(conn *c, const char *reason);

/* Closes once everything queued is written (after a goodbye or a fatal notice). */
void conn_close_after_write(conn *c, const char *reason);

/* Part of a server shutdown: closes now if idle, else after the answer in flight. */
void conn_shutdown(conn *c);

/*
 * Sends one application message through the channel. Returns 0, SAFER_E_TOOBIG
 * (nothing sent; the caller may answer with an error instead), or another
 * negative code after which the connection is closing.
 */
int conn_send(conn *c, const uint8_t *msg, size_t len);

/*
 * The session now belongs to the person in its ident: marks it enrolled and
 * raises the bound on its requests from SERVER_MSG_MAX_UNENROLLED to
 * SERVER_MSG_MAX.
 */
void conn_enrolled(conn *c);

/* Marks the request in flight as answered and resumes reading. */
void conn_request_done(conn *c);

/* Keeps the connection's memory alive across an asynchronous job. */
void conn_hold(conn *c);

/* Ends a hold; may free the connection if it has closed meanwhile. */
void conn_release(conn *c);

/* 1 while the connection can still be answered. */
int conn_is_open(const conn *c);

session *conn_session(conn *c);
server *conn_server(conn *c);
const char *conn_addr(const conn *c);

/* Counts one failure against the peer's address (server_peer_failed). */
void conn_peer_failed(conn *c);

/*
 * A cache a handler keeps on the connection between requests (the pack being
 * pulled in parts). Setting one frees the one before with its own free
 * function; the last is freed with the connection. cache may be NULL.
 */
void conn_set_cache(conn *c, void *cache, void (*free_fn)(void *));
void *conn_cache(conn *c);

/* The next connection in the server's list, for walks over all of them. */
conn *conn_next(conn *c);

#endif
