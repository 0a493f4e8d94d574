/*
 * The dispatch table: one row per kind of request, keyed by the Request's
 * body case, saying who may make it (enrolled or not, which roles, which
 * ownership rule) and which handler serves it. dispatch_message checks all of
 * that before any handler runs, so a handler never sees a caller the table
 * does not allow.
 *
 * The response builder is here too: dispatch_send is the one place where an
 * error code becomes a wire status (through err_status()).
 *
 * Handler contract: a handler either answers (dispatch_reply) and returns 0,
 * or arranges an asynchronous answer (holding the connection) and returns 0,
 * or returns a negative code without answering, which dispatch then answers
 * with that code's status and message.
 */
#ifndef SAFER_SERVER_DISPATCH_H
#define SAFER_SERVER_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/pb.h"
#include "server/conn.h"
#include "server/ident.h"

#define ROLE_BITS_ALL (ROLE_BIT_ADMIN | ROLE_BIT_CHAIR | ROLE_BIT_LEAD | ROLE_BIT_MEMBER)

/* Who may make a request, before roles are looked at. */
typedef enum dispatch_auth {
    DISPATCH_AUTH,            /* enrolled keys only; roles are then checked */
    DISPATCH_ENROL_ONLY_OK,   /* any key, enrolled or not (goodbye) */
    DISPATCH_UNENROLLED_ONLY, /* keys not yet enrolled (enrol); others get ALREADY_EXISTS */
} dispatch_auth;

/* Which records a caller may touch beyond what their roles allow. */
typedef enum dispatch_owner {
    OWNER_NONE, /* no ownership rule: roles decide */
} dispatch_owner;

typedef int (*dispatch_fn)(conn *c, const Safer__Request *rq);

typedef struct dispatch_row {
    Safer__Request__BodyCase body; /* the request's oneof case */
    const char *name;              /* for logs and errors */
    dispatch_auth auth;            /* enrolment requirement */
    uint32_t roles;                /* ROLE_BIT_* allowed (enrolled callers) */
    dispatch_owner owner;          /* ownership rule */
    dispatch_fn fn;                /* the handler */
} dispatch_row;

/* The largest ping payload echoed. */
#define DISPATCH_PING_MAX 1024

/* The row for a body case, or NULL if the server has none. */
const dispatch_row *dispatch_lookup(Safer__Request__BodyCase body);

/* The rows, read-only, for tests and documentation. */
size_t dispatch_count(void);
const dispatch_row *dispatch_row_at(size_t i);

/*
 * Handles one application message: unpacks it with a budget, checks its id,
 * authorises it against the table and calls the handler. A malformed message
 * or a zero id closes the connection.
 */
void dispatch_message(conn *c, const uint8_t *msg, size_t len);

/*
 * The response builder: sends Response{id, status = err_status(rc), message}
 * with rs's body when rc is 0 (rs may be NULL for no body). msg NULL means the
 * code's own message. Returns 0 or a negative code (the connection closes).
 */
int dispatch_send(conn *c, uint64_t id, int rc, const char *msg, Safer__Response *rs);

/* dispatch_send, then marks the request answered. */
void dispatch_reply(conn *c, uint64_t id, int rc, const char *msg, Safer__Response *rs);

/* Handlers (handle_session.c). */
int handle_ping(conn *c, const Safer__Request *rq);
int handle_whoami(conn *c, const Safer__Request *rq);
int handle_enrol(conn *c, const Safer__Request *rq);
int handle_goodbye(conn *c, const Safer__Request *rq);

#endif
