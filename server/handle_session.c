/*
 * Handlers for the session itself: ping, whoami, enrol and goodbye. Enrol is
 * the one asynchronous handler so far: it submits ident_enrol_job to the
 * store's writer and answers from the job's done callback, once the
 * redemption is durable.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/err.h"
#include "common/log.h"
#include "server/sessions.h"
#include "server/settings.h"

/*
 * Enrolments refused for their code (unknown, used or expired) that one
 * connection may make before it is closed. Each one also counts against the
 * peer's address, so guessing codes runs into the per-address limit too.
 */
#define HANDLE_ENROL_REFUSALS_MAX 3u

/* The partnership's name for answers; empty if the setting is missing. */
static void handle_partnership(server *srv, char buf[IDENT_PARTNERSHIP_MAX + 1])
{
    if (settings_get(srv->st, SETTINGS_PARTNERSHIP, buf, IDENT_PARTNERSHIP_MAX + 1) < 0)
        buf[0] = '\0';
}

int handle_ping(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__PingResponse pong = SAFER__PING_RESPONSE__INIT;

    if (rq->ping->data.len > DISPATCH_PING_MAX) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, "ping data exceeds 1024 bytes", NULL);
        return 0;
    }
    pong.data = rq->ping->data;
    pong.server_time = (int64_t)time(NULL);
    rs.body_case = SAFER__RESPONSE__BODY_PING;
    rs.ping = &pong;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    return 0;
}

int handle_whoami(conn *c, const Safer__Request *rq)
{
    static const struct {
        uint32_t bit;
        Safer__Role role;
    } role_map[] = {
        { ROLE_BIT_ADMIN, SAFER__ROLE__ROLE_ADMIN },
        { ROLE_BIT_CHAIR, SAFER__ROLE__ROLE_CHAIR },
        { ROLE_BIT_LEAD, SAFER__ROLE__ROLE_LEAD },
        { ROLE_BIT_MEMBER, SAFER__ROLE__ROLE_MEMBER },
    };
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__WhoamiResponse me = SAFER__WHOAMI_RESPONSE__INIT;
    Safer__Role roles[sizeof(role_map) / sizeof(role_map[0])];
    char partnership[IDENT_PARTNERSHIP_MAX + 1];
    session *s = conn_session(c);

    for (size_t i = 0; i < sizeof(role_map) / sizeof(role_map[0]); i++) {
        if (s->who.roles & role_map[i].bit)
            roles[me.n_roles++] = role_map[i].role;
    }
    handle_partnership(conn_server(c), partnership);
    me.initials = s->who.initials;
    me.name = s->who.name;
    me.agency_code = s->who.agency_code;
    me.agency_name = s->who.agency_name;
    me.roles = roles;
    me.partnership = partnership;
    me.key_fingerprint = s->fpr;
    rs.body_case = SAFER__RESPONSE__BODY_WHOAMI;
    rs.whoami = &me;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    return 0;
}

/* An enrolment in flight: the job's input and output, then who to answer. */
typedef struct handle_enrol_job {
    ident_enrol en; /* first, so the job's ctx is also this struct */
    conn *c;        /* held until the done callback */
    uint64_t id;    /* the request to answer */
} handle_enrol_job;

static void handle_enrol_answer(conn *c, handle_enrol_job *job)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__EnrolResponse er = SAFER__ENROL_RESPONSE__INIT;
    char partnership[IDENT_PARTNERSHIP_MAX + 1];
    server *srv = conn_server(c);
    session *s = conn_session(c);
    int rc;

    /* The redemption is durable: the session now belongs to the person. */
    rc = ident_lookup(srv->st, s->pk, &s->who);
    if (rc < 0) {
        log_error("%s: lookup after enrolment failed: %s", conn_addr(c), err_msg(rc));
        dispatch_reply(
            c, job->id, SAFER_E_INTERNAL, "enrolled, but the lookup failed: reconnect", NULL);
        return;
    }
    conn_enrolled(c);
    log_info("enrolled %s key %s as %s", conn_addr(c), s->fpr, s->who.initials);
    handle_partnership(srv, partnership);
    er.initials = s->who.initials;
    er.name = s->who.name;
    er.partnership = partnership;
    er.server_sign_key.data = srv->sign_pk;
    er.server_sign_key.len = sizeof(srv->sign_pk);
    rs.body_case = SAFER__RESPONSE__BODY_ENROL;
    rs.enrol = &er;
    dispatch_reply(c, job->id, 0, NULL, &rs);
}

/* Counts a refusal of the code itself; closes the connection after too many. */
static void handle_enrol_refused(conn *c, int rc)
{
    session *s = conn_session(c);

    if (rc != SAFER_E_NOTFOUND && rc != SAFER_E_USED && rc != SAFER_E_EXPIRED)
        return;
    conn_peer_failed(c);
    if (++s->enrol_refused >= HANDLE_ENROL_REFUSALS_MAX)
        conn_close_after_write(c, "too many refused enrolments");
}

static void handle_enrol_done(void *ctx, int rc)
{
    handle_enrol_job *job = ctx;
    conn *c = job->c;

    if (!conn_is_open(c)) {
        log_info("enrolment finished after its connection closed (%s)", err_msg(rc));
    } else if (rc == 0) {
        handle_enrol_answer(c, job);
    } else {
        log_info("%s: enrolment refused: %s", conn_addr(c), err_msg(rc));
        dispatch_reply(c, job->id, rc, job->en.why[0] ? job->en.why : NULL, NULL);
        handle_enrol_refused(c, rc);
    }
    /* A rotation revoked the old key: its live sessions end now. */
    if (rc == 0 && job->en.replaced_cred_id != 0) {
        log_info("rotated %s: key %s replaced", job->en.who.initials, job->en.replaced_fpr);
        sessions_recheck(conn_server(c));
    }
    sodium_memzero(job, sizeof(*job));
    free(job);
    conn_release(c);
}

int handle_enrol(conn *c, const Safer__Request *rq)
{
    const char *code = rq->enrol->code;
    session *s = conn_session(c);
    handle_enrol_job *job;
    int rc;

    if (code == NULL || code[0] == '\0') {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, "the invite code is missing", NULL);
        return 0;
    }
    if (strlen(code) >= sizeof(job->en.code)) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, "the invite code is too long", NULL);
        return 0;
    }
    job = calloc(1, sizeof(*job));
    if (job == NULL)
        return SAFER_E_NOMEM;
    snprintf(job->en.code, sizeof(job->en.code), "%s", code);
    memcpy(job->en.pk, s->pk, sizeof(job->en.pk));
    job->en.now = (int64_t)time(NULL);
    job->c = c;
    job->id = rq->id;
    rc = store_submit(conn_server(c)->st, ident_enrol_job, handle_enrol_done, job);
    if (rc < 0) {
        sodium_memzero(job, sizeof(*job));
        free(job);
        return rc;
    }
    conn_hold(c);
    return 0;
}

int handle_goodbye(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__GoodbyeResponse bye = SAFER__GOODBYE_RESPONSE__INIT;

    rs.body_case = SAFER__RESPONSE__BODY_GOODBYE;
    rs.goodbye = &bye;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    conn_close_after_write(c, "goodbye");
    return 0;
}
