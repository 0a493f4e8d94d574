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
    OWNER_NONE,    /* no ownership rule: roles decide */
    OWNER_OWN_KEY, /* acts only on the key of the caller's own session (the handler never
                      takes a target from the request) */
    OWNER_GROUP_MEMBER_AGENCY, /* the caller's agency is a member of the task group named */
    OWNER_OWN_AGENCY,          /* the agency named is the caller's own ("" means it too) */
    OWNER_REPORT_READER,       /* the caller's agency may read the report named (its own, or
                                  one whose restriction includes it or is empty) */
    OWNER_ACTION_OWNER,        /* the caller owns the action named (everyone owns ALL) */
} dispatch_owner;

typedef int (*dispatch_fn)(conn *c, const Safer__Request *rq);

typedef struct dispatch_row {
    Safer__Request__BodyCase body; /* the request's oneof case */
    const char *name;              /* for logs and errors */
    dispatch_auth auth;            /* enrolment requirement */
    uint32_t roles;                /* ROLE_BIT_* allowed (enrolled callers) */
    dispatch_owner owner;          /* ownership rule */
    dispatch_fn fn;                /* the handler */
    uint32_t owner_free;           /* ROLE_BIT_* the ownership rule does not bind (the chair
                                      acts on every report and action); 0 = binds all */
} dispatch_row;

/* The longest message dispatch_check writes (why_len). */
#define DISPATCH_WHY_MAX 160

/* The largest ping payload echoed. */
#define DISPATCH_PING_MAX 1024

/* The row for a body case, or NULL if the server has none. */
const dispatch_row *dispatch_lookup(Safer__Request__BodyCase body);

/* The rows, read-only, for tests and documentation. */
size_t dispatch_count(void);
const dispatch_row *dispatch_row_at(size_t i);

/*
 * Checks the caller of session s against row (enrolment, then the union of
 * the caller's roles, then ownership). Returns 0 if allowed; else
 * SAFER_E_UNAUTH, SAFER_E_EXISTS or SAFER_E_PERM with the client's message in
 * why, e.g. "agency_add needs the admin role; you have lead and member".
 *
 * The ownership rule is checked unless the caller has one of row->owner_free;
 * it reads the request rq and the store st (on the loop thread). With rq NULL
 * only enrolment and roles are checked: that is for tests of the table, and
 * dispatch_message always passes the request. A failed store read returns its
 * code (the caller is refused).
 */
int dispatch_check(store *st, const session *s, const dispatch_row *row, const Safer__Request *rq,
    char *why, size_t why_len);

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

/*
 * Answers a request whose work is a store write job. Called on the loop once
 * the job's batch is durable (rc 0) or has failed, even if the connection has
 * closed meanwhile, so that work after a commit (sessions_recheck) still
 * happens; dispatch_reply is harmless on a closed connection. It owns ctx and
 * frees it.
 */
typedef void (*dispatch_answer_fn)(conn *c, uint64_t id, void *ctx, int rc);

/*
 * Submits job(ctx) to the store's writer and holds c until answer has run.
 * Returns 0, or a negative code with nothing submitted (ctx stays the
 * caller's).
 */
int dispatch_submit(conn *c, uint64_t id, store_job_fn job, dispatch_answer_fn answer, void *ctx);

/* Handlers (handle_session.c). */
int handle_ping(conn *c, const Safer__Request *rq);
int handle_whoami(conn *c, const Safer__Request *rq);
int handle_enrol(conn *c, const Safer__Request *rq);
int handle_goodbye(conn *c, const Safer__Request *rq);

/* Handlers (handle_agency.c). */
int handle_agency_add(conn *c, const Safer__Request *rq);
int handle_agency_list(conn *c, const Safer__Request *rq);
int handle_agency_rename(conn *c, const Safer__Request *rq);
int handle_agency_deactivate(conn *c, const Safer__Request *rq);

/* Handlers (handle_person.c). */
int handle_person_add(conn *c, const Safer__Request *rq);
int handle_person_list(conn *c, const Safer__Request *rq);
int handle_person_set_roles(conn *c, const Safer__Request *rq);
int handle_person_deactivate(conn *c, const Safer__Request *rq);
int handle_invite_create(conn *c, const Safer__Request *rq);

/* Handlers (handle_key.c). */
int handle_key_list(conn *c, const Safer__Request *rq);
int handle_key_revoke(conn *c, const Safer__Request *rq);
int handle_rotate_begin(conn *c, const Safer__Request *rq);

/* Handlers (handle_audit.c). */
int handle_audit_list(conn *c, const Safer__Request *rq);
int handle_audit_verify(conn *c, const Safer__Request *rq);

#endif
