/*
 * The walk over live sessions behind sessions.h. It reads the store once per
 * open enrolled connection, which is cheap next to the admin change that
 * triggers it, and catches every way a session can lose its right to go on
 * (its key revoked, its person or agency deactivated) with one lookup.
 */
#include "server/sessions.h"

#include <stdlib.h>
#include <time.h>

#include "common/err.h"
#include "common/log.h"
#include "server/dispatch.h"

void sessions_end_now(conn *c)
{
    session *s = conn_session(c);
    int revoked = s->ended == SAFER_E_REVOKED;

    if (!conn_is_open(c))
        return;
    if (dispatch_send(
            c, 0, s->ended, revoked ? SESSIONS_REVOKED_MSG : SESSIONS_DEACTIVATED_MSG, NULL)
        == 0)
        conn_close_after_write(c, revoked ? "key revoked" : "account deactivated");
}

/* Looks one session up again; 1 if it has just been ended. */
static int sessions_check_one(server *srv, conn *c)
{
    session *s = conn_session(c);
    ident who;
    int rc;

    if (!conn_is_open(c) || !s->enrolled || s->ended)
        return 0;
    rc = ident_lookup(srv->st, s->pk, &who);
    if (rc == 0) {
        /* Still allowed: pick up new roles or a new name. */
        s->who = who;
        return 0;
    }
    if (rc == SAFER_E_REVOKED || rc == SAFER_E_NOTFOUND) {
        s->ended = SAFER_E_REVOKED;
    } else if (rc == SAFER_E_PERM) {
        /* The wire says UNAUTHENTICATED for both: this key can no longer act. */
        s->ended = SAFER_E_UNAUTH;
    } else {
        log_error("%s: looking the session up again failed: %s", conn_addr(c), err_msg(rc));
        return 0;
    }
    log_info("%s: ending the session of %s key %s: %s", conn_addr(c), s->who.initials, s->fpr,
        s->ended == SAFER_E_REVOKED ? "key revoked" : "account deactivated");
    if (!s->in_flight)
        sessions_end_now(c);
    return 1;
}

size_t sessions_recheck(server *srv)
{
    size_t ended = 0;

    for (conn *c = srv->conns; c != NULL; c = conn_next(c))
        ended += (size_t)sessions_check_one(srv, c);
    return ended;
}

static void sessions_touch_done(void *ctx, int rc)
{
    if (rc < 0)
        log_warn("recording a key's last use failed: %s", err_msg(rc));
    free(ctx);
}

void sessions_touch(conn *c)
{
    session *s = conn_session(c);
    ident_touch *t;

    if (!s->enrolled || s->touched)
        return;
    s->touched = 1;
    t = malloc(sizeof(*t));
    if (t == NULL)
        return;
    t->cred_id = s->who.cred_id;
    t->now = (int64_t)time(NULL);
    if (store_submit(conn_server(c)->st, ident_touch_job, sessions_touch_done, t) < 0)
        free(t);
}
