/*
 * Handlers for agencies: add, list, rename and deactivate. Changes are write
 * jobs (people.c) answered once durable; deactivation then ends the live
 * sessions of the agency's people. The list is a read on the loop thread.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/log.h"
#include "server/people.h"
#include "server/sessions.h"

/* A job for the caller of c, or NULL when out of memory. */
static people_job *agency_job_new(conn *c)
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

static void agency_wire(const people_agency *a, Safer__Agency *out)
{
    safer__agency__init(out);
    /* protobuf-c's string fields are not const; packing only reads them. */
    out->code = (char *)a->code;
    out->name = (char *)a->name;
    out->active = a->active;
    out->people = a->people;
}

/* Answers with the agency as the job left it, in body case bc. */
static void agency_answer(conn *c, uint64_t id, people_job *j, int rc, Safer__Response__BodyCase bc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__AgencyResponse ar = SAFER__AGENCY_RESPONSE__INIT;
    Safer__Agency a;

    if (rc < 0) {
        dispatch_reply(c, id, rc, j->why[0] ? j->why : NULL, NULL);
        return;
    }
    agency_wire(&j->agency, &a);
    ar.agency = &a;
    rs.body_case = bc;
    /* The three answers share one message type, so any member of the union will do. */
    rs.agency_add = &ar;
    dispatch_reply(c, id, 0, NULL, &rs);
}

static void agency_add_done(conn *c, uint64_t id, void *ctx, int rc)
{
    agency_answer(c, id, ctx, rc, SAFER__RESPONSE__BODY_AGENCY_ADD);
    free(ctx);
}

static void agency_rename_done(conn *c, uint64_t id, void *ctx, int rc)
{
    agency_answer(c, id, ctx, rc, SAFER__RESPONSE__BODY_AGENCY_RENAME);
    free(ctx);
}

static void agency_deactivate_done(conn *c, uint64_t id, void *ctx, int rc)
{
    if (rc == 0)
        sessions_recheck(conn_server(c));
    agency_answer(c, id, ctx, rc, SAFER__RESPONSE__BODY_AGENCY_DEACTIVATE);
    free(ctx);
}

/* Checks code (and name when not NULL), then submits fn with them. */
static int agency_submit(conn *c, const Safer__Request *rq, const char *code, const char *name,
    store_job_fn fn, dispatch_answer_fn done)
{
    char why[PEOPLE_WHY_MAX];
    people_job *j;
    int rc;

    if (people_check_agency_code(code, why, sizeof(why)) < 0
        || (name
            && people_check_text("agency name", name, IDENT_AGENCY_NAME_MAX, why, sizeof(why))
                < 0)) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    j = agency_job_new(c);
    if (j == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->code, sizeof(j->code), "%s", code);
    if (name)
        snprintf(j->name, sizeof(j->name), "%s", name);
    rc = dispatch_submit(c, rq->id, fn, done, j);
    if (rc < 0)
        free(j);
    return rc;
}

int handle_agency_add(conn *c, const Safer__Request *rq)
{
    return agency_submit(
        c, rq, rq->agency_add->code, rq->agency_add->name, people_agency_add_job, agency_add_done);
}

int handle_agency_rename(conn *c, const Safer__Request *rq)
{
    return agency_submit(c, rq, rq->agency_rename->code, rq->agency_rename->name,
        people_agency_rename_job, agency_rename_done);
}

int handle_agency_deactivate(conn *c, const Safer__Request *rq)
{
    return agency_submit(c, rq, rq->agency_deactivate->code, NULL, people_agency_deactivate_job,
        agency_deactivate_done);
}

int handle_agency_list(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__AgencyListResponse lr = SAFER__AGENCY_LIST_RESPONSE__INIT;
    people_agency *rows = NULL;
    Safer__Agency *wire = NULL;
    Safer__Agency **ptrs = NULL;
    size_t n = 0;
    int rc = people_agency_list(conn_server(c)->st, &rows, &n);

    if (rc < 0)
        goto out;
    rc = SAFER_E_NOMEM;
    wire = calloc(n ? n : 1, sizeof(*wire));
    ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    if (!wire || !ptrs)
        goto out;
    for (size_t i = 0; i < n; i++) {
        agency_wire(&rows[i], &wire[i]);
        ptrs[i] = &wire[i];
    }
    lr.n_agencies = n;
    lr.agencies = ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_AGENCY_LIST;
    rs.agency_list = &lr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    free(ptrs);
    free(wire);
    free(rows);
    return rc;
}
