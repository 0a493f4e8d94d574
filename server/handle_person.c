/*
 * Handlers for people: add (with a first invite), list, set roles,
 * deactivate, and a fresh invite for someone already added. Changes are write
 * jobs (people.c) answered once durable; a change of roles or a deactivation
 * then looks the live sessions up again, so they act with the new roles or
 * close.
 *
 * Invite strings are built here, on the loop thread, from the server's
 * public key and the address clients reach it by: the public_address setting
 * if set, else the listen setting, else the address actually bound. Codes are
 * stored only as hashes; the job struct that carries one is wiped.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/err.h"
#include "common/invite.h"
#include "common/log.h"
#include "server/people.h"
#include "server/sessions.h"
#include "server/settings.h"

#define PERSON_ROLES_MAX 4 /* roles a person can have */

static const struct {
    uint32_t bit;
    Safer__Role role;
} person_role_map[PERSON_ROLES_MAX] = {
    { ROLE_BIT_ADMIN, SAFER__ROLE__ROLE_ADMIN },
    { ROLE_BIT_CHAIR, SAFER__ROLE__ROLE_CHAIR },
    { ROLE_BIT_LEAD, SAFER__ROLE__ROLE_LEAD },
    { ROLE_BIT_MEMBER, SAFER__ROLE__ROLE_MEMBER },
};

/* The wire's role list as bits: at least one, each known. */
static int person_roles_in(
    const Safer__Role *roles, size_t n, uint32_t *bits, char *why, size_t why_len)
{
    *bits = 0;
    if (n == 0) {
        snprintf(why, why_len, "roles: at least one of admin, chair, lead, member is needed");
        return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;

        while (k < PERSON_ROLES_MAX && person_role_map[k].role != roles[i])
            k++;
        if (k == PERSON_ROLES_MAX) {
            snprintf(
                why, why_len, "role %d is not known (admin, chair, lead, member)", (int)roles[i]);
            return SAFER_E_INVAL;
        }
        *bits |= person_role_map[k].bit;
    }
    return 0;
}

static void person_wire(
    const people_person *p, Safer__Person *out, Safer__Role roles[PERSON_ROLES_MAX])
{
    safer__person__init(out);
    /* protobuf-c's string fields are not const; packing only reads them. */
    out->initials = (char *)p->initials;
    out->name = (char *)p->name;
    out->agency_code = (char *)p->agency_code;
    out->active = p->active;
    out->keys = p->keys;
    out->roles = roles;
    for (size_t i = 0; i < PERSON_ROLES_MAX; i++) {
        if (p->roles & person_role_map[i].bit)
            roles[out->n_roles++] = person_role_map[i].role;
    }
}

/* A job for the caller of c, or NULL when out of memory. */
static people_job *person_job_new(conn *c)
{
    people_job *j = calloc(1, sizeof(*j));
    session *s = conn_session(c);

    if (j == NULL)
        return NULL;
    j->now = (int64_t)time(NULL);
    j->actor_id = s->who.person_id;
    snprintf(j->actor, sizeof(j->actor), "%s", s->who.initials);
    return j;
}

static void person_job_free(people_job *j)
{
    sodium_memzero(j, sizeof(*j));
    free(j);
}

/* A fresh invite code for j, valid for PEOPLE_INVITE_HOURS. */
static void person_job_invite(people_job *j)
{
    invite_new_code(j->invite_code);
    j->expires = j->now + (int64_t)PEOPLE_INVITE_HOURS * 3600;
}

/* Formats the invite string for code into out. */
static int person_invite_string(server *srv, const char *code, char out[INVITE_MAX])
{
    char addr[SETTINGS_VALUE_MAX + 1];
    invite inv;
    char why[128];
    int rc;

    memset(&inv, 0, sizeof(inv));
    if (settings_get(srv->st, SETTINGS_PUBLIC_ADDRESS, addr, sizeof(addr)) < 0
        && settings_get(srv->st, SETTINGS_LISTEN, addr, sizeof(addr)) < 0)
        snprintf(addr, sizeof(addr), "%s", srv->addr);
    if (invite_parse_hostport(addr, inv.host, sizeof(inv.host), &inv.port, why, sizeof(why)) < 0
        || inv.port == 0) {
        /* A listen setting with port 0 or a bad one: name the address actually bound. */
        if (invite_parse_hostport(
                srv->addr, inv.host, sizeof(inv.host), &inv.port, why, sizeof(why))
            < 0) {
            log_error("cannot name this server's address in an invite: %s", why);
            return SAFER_E_INTERNAL;
        }
    }
    memcpy(inv.server_pk, srv->static_pk, sizeof(inv.server_pk));
    snprintf(inv.code, sizeof(inv.code), "%s", code);
    rc = invite_format(&inv, out, INVITE_MAX);
    sodium_memzero(&inv, sizeof(inv));
    return rc;
}

/* Answers with the person as the job left it (set roles, deactivate). */
static void person_answer(conn *c, uint64_t id, people_job *j, int rc, Safer__Response__BodyCase bc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__PersonResponse pr = SAFER__PERSON_RESPONSE__INIT;
    Safer__Person p;
    Safer__Role roles[PERSON_ROLES_MAX];

    if (rc < 0) {
        dispatch_reply(c, id, rc, j->why[0] ? j->why : NULL, NULL);
        return;
    }
    person_wire(&j->person, &p, roles);
    pr.person = &p;
    rs.body_case = bc;
    /* Both answers share one message type, so either member of the union will do. */
    rs.person_set_roles = &pr;
    dispatch_reply(c, id, 0, NULL, &rs);
}

static void person_roles_done(conn *c, uint64_t id, void *ctx, int rc)
{
    if (rc == 0)
        sessions_recheck(conn_server(c));
    person_answer(c, id, ctx, rc, SAFER__RESPONSE__BODY_PERSON_SET_ROLES);
    person_job_free(ctx);
}

static void person_deactivate_done(conn *c, uint64_t id, void *ctx, int rc)
{
    if (rc == 0)
        sessions_recheck(conn_server(c));
    person_answer(c, id, ctx, rc, SAFER__RESPONSE__BODY_PERSON_DEACTIVATE);
    person_job_free(ctx);
}

static void person_add_done(conn *c, uint64_t id, void *ctx, int rc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__PersonAddResponse ar = SAFER__PERSON_ADD_RESPONSE__INIT;
    Safer__Person p;
    Safer__Role roles[PERSON_ROLES_MAX];
    char text[INVITE_MAX];
    people_job *j = ctx;

    if (rc == 0 && (rc = person_invite_string(conn_server(c), j->invite_code, text)) < 0)
        snprintf(j->why, sizeof(j->why),
            "%s was added, but the invite could not be made; "
            "run 'safer admin invite %s'",
            j->initials, j->initials);
    if (rc < 0) {
        dispatch_reply(c, id, rc, j->why[0] ? j->why : NULL, NULL);
        goto out;
    }
    person_wire(&j->person, &p, roles);
    ar.person = &p;
    ar.invite = text;
    ar.invite_expires = j->expires;
    rs.body_case = SAFER__RESPONSE__BODY_PERSON_ADD;
    rs.person_add = &ar;
    dispatch_reply(c, id, 0, NULL, &rs);
out:
    sodium_memzero(text, sizeof(text));
    person_job_free(j);
}

static void person_invite_done(conn *c, uint64_t id, void *ctx, int rc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__InviteResponse ir = SAFER__INVITE_RESPONSE__INIT;
    char text[INVITE_MAX];
    people_job *j = ctx;

    if (rc == 0)
        rc = person_invite_string(conn_server(c), j->invite_code, text);
    if (rc < 0) {
        dispatch_reply(c, id, rc, j->why[0] ? j->why : NULL, NULL);
        goto out;
    }
    ir.initials = j->initials;
    ir.invite = text;
    ir.expires = j->expires;
    rs.body_case = SAFER__RESPONSE__BODY_INVITE_CREATE;
    rs.invite_create = &ir;
    dispatch_reply(c, id, 0, NULL, &rs);
out:
    sodium_memzero(text, sizeof(text));
    person_job_free(j);
}

/* Submits j with fn; on failure frees it. */
static int person_submit(
    conn *c, uint64_t id, people_job *j, store_job_fn fn, dispatch_answer_fn done)
{
    int rc = dispatch_submit(c, id, fn, done, j);

    if (rc < 0)
        person_job_free(j);
    return rc;
}

int handle_person_add(conn *c, const Safer__Request *rq)
{
    const Safer__PersonAddRequest *pa = rq->person_add;
    char why[PEOPLE_WHY_MAX];
    uint32_t roles;
    people_job *j;

    if (people_check_initials(pa->initials, why, sizeof(why)) < 0
        || people_check_text("name", pa->name, IDENT_NAME_MAX, why, sizeof(why)) < 0
        || people_check_agency_code(pa->agency_code, why, sizeof(why)) < 0
        || person_roles_in(pa->roles, pa->n_roles, &roles, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = person_job_new(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->initials, sizeof(j->initials), "%s", pa->initials);
    snprintf(j->name, sizeof(j->name), "%s", pa->name);
    snprintf(j->code, sizeof(j->code), "%s", pa->agency_code);
    j->roles = roles;
    person_job_invite(j);
    return person_submit(c, rq->id, j, people_person_add_job, person_add_done);
}

int handle_person_set_roles(conn *c, const Safer__Request *rq)
{
    const Safer__PersonSetRolesRequest *sr = rq->person_set_roles;
    char why[PEOPLE_WHY_MAX];
    uint32_t roles;
    people_job *j;

    if (people_check_initials(sr->initials, why, sizeof(why)) < 0
        || person_roles_in(sr->roles, sr->n_roles, &roles, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = person_job_new(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->initials, sizeof(j->initials), "%s", sr->initials);
    j->roles = roles;
    return person_submit(c, rq->id, j, people_person_roles_job, person_roles_done);
}

/* Person deactivate and invite create: one person named by initials. */
static int person_by_initials(conn *c, uint64_t id, const char *initials, int with_invite,
    store_job_fn fn, dispatch_answer_fn done)
{
    char why[PEOPLE_WHY_MAX];
    people_job *j;

    if (people_check_initials(initials, why, sizeof(why)) < 0) {
        dispatch_reply(c, id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = person_job_new(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->initials, sizeof(j->initials), "%s", initials);
    if (with_invite)
        person_job_invite(j);
    return person_submit(c, id, j, fn, done);
}

int handle_person_deactivate(conn *c, const Safer__Request *rq)
{
    return person_by_initials(c, rq->id, rq->person_deactivate->initials, 0,
        people_person_deactivate_job, person_deactivate_done);
}

int handle_invite_create(conn *c, const Safer__Request *rq)
{
    return person_by_initials(
        c, rq->id, rq->invite_create->initials, 1, people_invite_job, person_invite_done);
}

int handle_person_list(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__PersonListResponse lr = SAFER__PERSON_LIST_RESPONSE__INIT;
    people_person *rows = NULL;
    Safer__Person *wire = NULL;
    Safer__Person **ptrs = NULL;
    Safer__Role(*roles)[PERSON_ROLES_MAX] = NULL;
    size_t n = 0;
    int rc = people_person_list(conn_server(c)->st, &rows, &n);

    if (rc < 0)
        goto out;
    rc = SAFER_E_NOMEM;
    wire = calloc(n ? n : 1, sizeof(*wire));
    ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    roles = calloc(n ? n : 1, sizeof(*roles));
    if (!wire || !ptrs || !roles)
        goto out;
    for (size_t i = 0; i < n; i++) {
        person_wire(&rows[i], &wire[i], roles[i]);
        ptrs[i] = &wire[i];
    }
    lr.n_people = n;
    lr.people = ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_PERSON_LIST;
    rs.person_list = &lr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    free(roles);
    free(ptrs);
    free(wire);
    free(rows);
    return rc;
}
