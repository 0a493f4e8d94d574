/*
 * Handlers for task groups: add, list and change member agencies. Changes are
 * board.h write jobs answered once durable with the group as it now reads; the
 * list is a read on the loop thread.
 */
#include "server/handlers_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/people.h"

/* A wire group pointing into g, with its agency pointer array (the caller frees out->agencies). */
static int group_wire(board_group *g, Safer__TaskGroup *out)
{
    safer__task_group__init(out);
    out->code = g->code;
    out->name = g->name;
    out->agencies = calloc(g->nagencies ? g->nagencies : 1, sizeof(*out->agencies));
    if (out->agencies == NULL)
        return SAFER_E_NOMEM;
    for (size_t i = 0; i < g->nagencies; i++)
        out->agencies[i] = g->agencies[i];
    out->n_agencies = g->nagencies;
    return 0;
}

/* Answers with the group j names as it now reads, in body case bc. */
static void group_done(conn *c, uint64_t id, void *ctx, int rc, Safer__Response__BodyCase bc)
{
    board_job *j = ctx;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__GroupResponse gr = SAFER__GROUP_RESPONSE__INIT;
    Safer__TaskGroup tg = SAFER__TASK_GROUP__INIT;
    board_group *g = NULL;

    if (rc < 0) {
        handle_board_refused(c, id, j, rc);
        goto out;
    }
    rc = SAFER_E_NOMEM;
    if ((g = calloc(1, sizeof(*g))) == NULL
        || (rc = board_group_get(conn_server(c)->st, j->code, g)) < 0
        || (rc = group_wire(g, &tg)) < 0) {
        dispatch_reply(c, id, rc, NULL, NULL);
        goto out;
    }
    gr.group = &tg;
    rs.body_case = bc;
    /* Both answers share one message type, so either member of the union will do. */
    rs.group_add = &gr;
    dispatch_reply(c, id, 0, NULL, &rs);
out:
    free(tg.agencies);
    free(g);
    free(j);
}

static void group_add_done(conn *c, uint64_t id, void *ctx, int rc)
{
    group_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_GROUP_ADD);
}

static void group_agencies_done(conn *c, uint64_t id, void *ctx, int rc)
{
    group_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_GROUP_SET_AGENCIES);
}

/* Checks code, name (when not NULL) and agencies, then submits fn with them. */
static int group_submit(conn *c, uint64_t id, const char *code, const char *name,
    char *const *agencies, size_t n, store_job_fn fn, dispatch_answer_fn done)
{
    char why[BOARD_WHY_MAX];
    board_job *j;
    int rc = board_group_code_check(code, why, sizeof(why));

    if (rc == 0 && name)
        rc = people_check_text("task group name", name, BOARD_GROUP_NAME_MAX, why, sizeof(why));
    if (rc == 0 && n > BOARD_GROUP_AGENCIES_MAX) {
        snprintf(why, sizeof(why), "a task group has at most %d agencies; %zu were given",
            BOARD_GROUP_AGENCIES_MAX, n);
        rc = SAFER_E_INVAL;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = people_check_agency_code(agencies[i], why, sizeof(why));
    if (rc < 0) {
        dispatch_reply(c, id, rc, why, NULL);
        return 0;
    }
    if ((j = handle_board_job(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->code, sizeof(j->code), "%s", code);
    if (name)
        snprintf(j->name, sizeof(j->name), "%s", name);
    for (size_t i = 0; i < n; i++)
        snprintf(j->agencies[i], sizeof(j->agencies[i]), "%s", agencies[i]);
    j->nagencies = n;
    rc = dispatch_submit(c, id, fn, done, j);
    if (rc < 0)
        free(j);
    return rc;
}

int handle_group_add(conn *c, const Safer__Request *rq)
{
    const Safer__GroupAddRequest *r = rq->group_add;

    return group_submit(c, rq->id, r->code, r->name, r->agencies, r->n_agencies,
        board_group_add_job, group_add_done);
}

int handle_group_set_agencies(conn *c, const Safer__Request *rq)
{
    const Safer__GroupSetAgenciesRequest *r = rq->group_set_agencies;

    return group_submit(c, rq->id, r->code, NULL, r->agencies, r->n_agencies,
        board_group_agencies_job, group_agencies_done);
}

int handle_group_list(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__GroupListResponse lr = SAFER__GROUP_LIST_RESPONSE__INIT;
    board_group *rows = NULL;
    Safer__TaskGroup *wire = NULL;
    Safer__TaskGroup **ptrs = NULL;
    size_t n = 0, made = 0;
    int rc = board_group_list(conn_server(c)->st, &rows, &n);

    if (rc < 0)
        goto out;
    rc = SAFER_E_NOMEM;
    wire = calloc(n ? n : 1, sizeof(*wire));
    ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    if (!wire || !ptrs)
        goto out;
    for (; made < n; made++) {
        if ((rc = group_wire(&rows[made], &wire[made])) < 0)
            goto out;
        ptrs[made] = &wire[made];
    }
    lr.n_groups = n;
    lr.groups = ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_GROUP_LIST;
    rs.group_list = &lr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    for (size_t i = 0; wire && i < made; i++)
        free(wire[i].agencies);
    free(ptrs);
    free(wire);
    free(rows);
    return rc;
}
