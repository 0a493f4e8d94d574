/*
 * The dispatch table and the response builder. Every request goes through
 * dispatch_message: unpacked with a budget, its id checked, its caller checked
 * against the table row (enrolment, then roles, then ownership) and only then
 * handed to the row's handler. Every answer goes through dispatch_send, the
 * one place where an error code becomes a wire status.
 */
#include "server/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"

static const dispatch_row dispatch_rows[] = {
    { SAFER__REQUEST__BODY_PING, "ping", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE, handle_ping },
    { SAFER__REQUEST__BODY_WHOAMI, "whoami", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE,
        handle_whoami },
    { SAFER__REQUEST__BODY_ENROL, "enrol", DISPATCH_UNENROLLED_ONLY, 0, OWNER_NONE, handle_enrol },
    { SAFER__REQUEST__BODY_GOODBYE, "goodbye", DISPATCH_ENROL_ONLY_OK, ROLE_BITS_ALL, OWNER_NONE,
        handle_goodbye },
};

#define DISPATCH_NROWS (sizeof(dispatch_rows) / sizeof(dispatch_rows[0]))

const dispatch_row *dispatch_lookup(Safer__Request__BodyCase body)
{
    for (size_t i = 0; i < DISPATCH_NROWS; i++) {
        if (dispatch_rows[i].body == body)
            return &dispatch_rows[i];
    }
    return NULL;
}

size_t dispatch_count(void)
{
    return DISPATCH_NROWS;
}

const dispatch_row *dispatch_row_at(size_t i)
{
    return i < DISPATCH_NROWS ? &dispatch_rows[i] : NULL;
}

int dispatch_send(conn *c, uint64_t id, int rc, const char *msg, Safer__Response *rs)
{
    Safer__Response bare = SAFER__RESPONSE__INIT;
    uint8_t *buf = NULL;
    size_t len = 0;
    int ret;

    /* An error carries no body: the status and message say everything. */
    if (rs == NULL || rc != 0)
        rs = &bare;
    rs->id = id;
    rs->status = err_status(rc);
    /* protobuf-c's string fields are not const; packing only reads them. */
    rs->message = (char *)(rc == 0 ? "" : msg != NULL ? msg : err_msg(rc));
    ret = pb_response_pack(rs, &buf, &len);
    if (ret < 0) {
        conn_close(c, "cannot pack a response");
        return ret;
    }
    ret = conn_send(c, buf, len);
    free(buf);
    if (ret == SAFER_E_TOOBIG && rs != &bare) {
        log_warn("%s: response to request %llu exceeds the message limit", conn_addr(c),
            (unsigned long long)id);
        return dispatch_send(c, id, SAFER_E_TOOBIG, "the response is too large to send", NULL);
    }
    if (ret < 0 && conn_is_open(c))
        conn_close(c, "cannot send a response");
    return ret;
}

void dispatch_reply(conn *c, uint64_t id, int rc, const char *msg, Safer__Response *rs)
{
    if (conn_is_open(c))
        dispatch_send(c, id, rc, msg, rs);
    conn_request_done(c);
}

/*
 * Checks the caller against row; 0 if allowed, else the code and sets *why to
 * the message the client sees.
 */
static int dispatch_authorise(const session *s, const dispatch_row *row, const char **why)
{
    if (!s->enrolled) {
        if (row->auth == DISPATCH_AUTH) {
            *why = "this key is not enrolled: run 'safer enrol INVITE' first";
            return SAFER_E_UNAUTH;
        }
        return 0;
    }
    if (row->auth == DISPATCH_UNENROLLED_ONLY) {
        *why = "this key is already enrolled";
        return SAFER_E_EXISTS;
    }
    if (row->auth == DISPATCH_AUTH && (s->who.roles & row->roles) == 0) {
        *why = "your roles do not allow this request";
        return SAFER_E_PERM;
    }
    /* OWNER_NONE is the only ownership rule so far: roles alone decide. */
    return 0;
}

void dispatch_message(conn *c, const uint8_t *msg, size_t len)
{
    pb_budget budget;
    Safer__Request *rq;
    const dispatch_row *row;
    const char *why = NULL;
    int rc;

    pb_budget_init(&budget, PB_BUDGET_DEFAULT);
    rq = pb_request_unpack(&budget, msg, len);
    if (rq == NULL) {
        conn_close(c, "malformed request");
        return;
    }
    if (rq->id == 0) {
        if (dispatch_send(c, 0, SAFER_E_INVAL, "request id must be non-zero", NULL) == 0)
            conn_close_after_write(c, "request without an id");
        goto out;
    }
    row = dispatch_lookup(rq->body_case);
    if (row == NULL) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, "unknown or missing request type", NULL);
        goto out;
    }
    rc = dispatch_authorise(conn_session(c), row, &why);
    if (rc < 0) {
        log_info("%s: %s refused: %s", conn_addr(c), row->name, err_status_name(err_status(rc)));
        dispatch_reply(c, rq->id, rc, why, NULL);
        goto out;
    }
    log_debug("%s: %s request %llu", conn_addr(c), row->name, (unsigned long long)rq->id);
    rc = row->fn(c, rq);
    if (rc < 0)
        dispatch_reply(c, rq->id, rc, NULL, NULL);
out:
    pb_request_free(&budget, rq);
}
