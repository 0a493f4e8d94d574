/*
 * Handlers for credentials: the key list, revoking keys and asking for a
 * rotation code. A revoke is a write job (keys.c); once it is durable the
 * live sessions are looked up again, so every session of a revoked key is
 * told and closed (the caller's own after this answer), and the answer says
 * how many. Rotation acts on the key of the caller's own session only.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/err.h"
#include "common/log.h"
#include "server/keys.h"
#include "server/people.h"
#include "server/sessions.h"

static void key_wire(const keys_key *k, Safer__Key *out)
{
    safer__key__init(out);
    /* protobuf-c's string fields are not const; packing only reads them. */
    out->initials = (char *)k->initials;
    out->fingerprint = (char *)k->fpr;
    out->created = k->created;
    out->last_used = k->last_used;
    out->revoked = k->revoked;
}

/* Answers with keys as a list of Key messages in body case bc. */
static int key_reply_list(conn *c, uint64_t id, const keys_key *keys, size_t n, uint32_t closed,
    Safer__Response__BodyCase bc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__KeyListResponse lr = SAFER__KEY_LIST_RESPONSE__INIT;
    Safer__KeyRevokeResponse rr = SAFER__KEY_REVOKE_RESPONSE__INIT;
    Safer__Key *wire = calloc(n ? n : 1, sizeof(*wire));
    Safer__Key **ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    int rc = SAFER_E_NOMEM;

    if (!wire || !ptrs)
        goto out;
    for (size_t i = 0; i < n; i++) {
        key_wire(&keys[i], &wire[i]);
        ptrs[i] = &wire[i];
    }
    rs.body_case = bc;
    if (bc == SAFER__RESPONSE__BODY_KEY_LIST) {
        lr.n_keys = n;
        lr.keys = ptrs;
        rs.key_list = &lr;
    } else {
        rr.n_revoked = n;
        rr.revoked = ptrs;
        rr.sessions_closed = closed;
        rs.key_revoke = &rr;
    }
    dispatch_reply(c, id, 0, NULL, &rs);
    rc = 0;
out:
    free(ptrs);
    free(wire);
    return rc;
}

int handle_key_list(conn *c, const Safer__Request *rq)
{
    const char *initials = rq->key_list->initials;
    char why[KEYS_WHY_MAX] = "";
    keys_key *keys = NULL;
    size_t n = 0;
    int rc;

    if (initials && initials[0] == '\0')
        initials = NULL;
    if (initials && people_check_initials(initials, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    rc = keys_list(conn_server(c)->st, initials, &keys, &n, why, sizeof(why));
    if (rc < 0) {
        dispatch_reply(c, rq->id, rc, why[0] ? why : NULL, NULL);
        return 0;
    }
    rc = key_reply_list(c, rq->id, keys, n, 0, SAFER__RESPONSE__BODY_KEY_LIST);
    free(keys);
    return rc;
}

static void key_revoke_done(conn *c, uint64_t id, void *ctx, int rc)
{
    keys_revoke *kr = ctx;
    size_t closed;

    if (rc < 0) {
        dispatch_reply(c, id, rc, kr->why[0] ? kr->why : NULL, NULL);
        goto out;
    }
    closed = sessions_recheck(conn_server(c));
    log_info("%s revoked %zu key(s) of %s; %zu session(s) closed", kr->actor, kr->total, kr->target,
        closed);
    if (key_reply_list(
            c, id, kr->revoked, kr->n, (uint32_t)closed, SAFER__RESPONSE__BODY_KEY_REVOKE)
        < 0)
        dispatch_reply(c, id, SAFER_E_NOMEM, NULL, NULL);
out:
    free(kr);
}

int handle_key_revoke(conn *c, const Safer__Request *rq)
{
    const char *target = rq->key_revoke->target;
    session *s = conn_session(c);
    keys_revoke *kr;
    int rc;

    if (target == NULL || target[0] == '\0'
        || strnlen(target, KEYS_TARGET_MAX + 1) > KEYS_TARGET_MAX) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL,
            "key revoke target must be initials or a fingerprint xxxx-xxxx-xxxx-xxxx", NULL);
        return 0;
    }
    kr = calloc(1, sizeof(*kr));
    if (kr == NULL)
        return SAFER_E_NOMEM;
    snprintf(kr->target, sizeof(kr->target), "%s", target);
    snprintf(kr->actor, sizeof(kr->actor), "%s", s->who.initials);
    kr->now = (int64_t)time(NULL);
    rc = dispatch_submit(c, rq->id, keys_revoke_job, key_revoke_done, kr);
    if (rc < 0)
        free(kr);
    return rc;
}

static void key_rotate_done(conn *c, uint64_t id, void *ctx, int rc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__RotateBeginResponse rb = SAFER__ROTATE_BEGIN_RESPONSE__INIT;
    keys_rotate *kr = ctx;

    if (rc < 0) {
        dispatch_reply(c, id, rc, kr->why[0] ? kr->why : NULL, NULL);
    } else {
        rb.code = kr->code;
        rb.expires = kr->expires;
        rs.body_case = SAFER__RESPONSE__BODY_ROTATE_BEGIN;
        rs.rotate_begin = &rb;
        dispatch_reply(c, id, 0, NULL, &rs);
    }
    sodium_memzero(kr, sizeof(*kr));
    free(kr);
}

int handle_rotate_begin(conn *c, const Safer__Request *rq)
{
    session *s = conn_session(c);
    keys_rotate *kr = calloc(1, sizeof(*kr));
    int rc;

    if (kr == NULL)
        return SAFER_E_NOMEM;
    /* OWNER_OWN_KEY: the credential is the session's, never one the request names. */
    kr->person_id = s->who.person_id;
    kr->cred_id = s->who.cred_id;
    snprintf(kr->initials, sizeof(kr->initials), "%s", s->who.initials);
    kr->now = (int64_t)time(NULL);
    kr->expires = kr->now + KEYS_ROTATE_SECS;
    invite_new_code(kr->code);
    rc = dispatch_submit(c, rq->id, keys_rotate_begin_job, key_rotate_done, kr);
    if (rc < 0) {
        sodium_memzero(kr, sizeof(*kr));
        free(kr);
    }
    return rc;
}
