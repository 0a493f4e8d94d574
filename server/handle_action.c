/*
 * Handlers for actions: add (the chair), list (anyone, with the open, mine
 * and overdue filters) and update (the chair, or an owner: the dispatch
 * table's ownership rule has checked that). Changes are write jobs
 * (papers_action.c) answered once durable.
 */
#include "server/handlers_papers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "server/papers.h"

/* The wire form of one action, with room for what it points at. */
typedef struct action_wire {
    Safer__Action a;
    char *owners[PAPERS_OWNERS_MAX];
    Safer__ActionUpdate *u;   /* heap, nupdates */
    Safer__ActionUpdate **up; /* heap, nupdates */
} action_wire;

static void action_wire_free(action_wire *w)
{
    free(w->u);
    free(w->up);
}

/* protobuf-c's string fields are not const; packing only reads them. */
static int action_wire_fill(const papers_action *pa, action_wire *w)
{
    safer__action__init(&w->a);
    w->a.id = pa->id;
    w->a.meeting_date = (char *)pa->date;
    w->a.item = pa->item;
    w->a.text = (char *)pa->text;
    w->a.all = pa->all;
    w->a.due = (char *)pa->due;
    w->a.status = (Safer__ActionStatus)pa->status;
    w->a.carried = pa->carried;
    for (size_t i = 0; i < pa->nowners; i++)
        w->owners[i] = (char *)pa->owners[i];
    w->a.n_owners = pa->nowners;
    w->a.owners = w->owners;
    w->u = NULL;
    w->up = NULL;
    if (pa->nupdates == 0)
        return 0;
    w->u = calloc(pa->nupdates, sizeof(*w->u));
    w->up = calloc(pa->nupdates, sizeof(*w->up));
    if (w->u == NULL || w->up == NULL) {
        action_wire_free(w);
        return SAFER_E_NOMEM;
    }
    for (size_t i = 0; i < pa->nupdates; i++) {
        safer__action_update__init(&w->u[i]);
        w->u[i].ts = pa->updates[i].ts;
        w->u[i].by = (char *)pa->updates[i].by;
        w->u[i].status = (Safer__ActionStatus)pa->updates[i].status;
        w->u[i].note = (char *)pa->updates[i].note;
        w->up[i] = &w->u[i];
    }
    w->a.n_updates = pa->nupdates;
    w->a.updates = w->up;
    return 0;
}

/* A job for the caller of c, or NULL (out of memory, or no clock). */
static papers_action_job *action_job_new(conn *c)
{
    papers_action_job *j = calloc(1, sizeof(*j));
    const ident *who = &conn_session(c)->who;

    if (j == NULL)
        return NULL;
    j->now = (int64_t)time(NULL);
    j->actor_id = who->person_id;
    snprintf(j->actor, sizeof(j->actor), "%s", who->initials);
    if (board_date_of(j->now, j->today) < 0) {
        free(j);
        return NULL;
    }
    return j;
}

static void action_done(conn *c, uint64_t id, void *ctx, int rc, Safer__Response__BodyCase bc)
{
    papers_action_job *j = ctx;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ActionResponse ar = SAFER__ACTION_RESPONSE__INIT;
    action_wire w;

    if (rc == 0)
        rc = action_wire_fill(&j->action, &w);
    if (rc < 0) {
        dispatch_reply(c, id, rc, j->why[0] ? j->why : NULL, NULL);
    } else {
        ar.action = &w.a;
        rs.body_case = bc;
        /* Add and update share one message type, so either member of the union will do. */
        rs.action_add = &ar;
        dispatch_reply(c, id, 0, NULL, &rs);
        action_wire_free(&w);
    }
    papers_action_clear(&j->action);
    free(j);
}

static void action_add_done(conn *c, uint64_t id, void *ctx, int rc)
{
    action_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_ACTION_ADD);
}

static void action_update_done(conn *c, uint64_t id, void *ctx, int rc)
{
    action_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_ACTION_UPDATE);
}

/*
 * The owners as sent, into j. "ALL" alone means every active person, and an
 * owner written "DP/MA" is two owners, as the CLI spells them.
 */
static int action_owners_in(const Safer__ActionAddRequest *in, papers_action_job *j)
{
    j->all = in->all;
    if (in->n_owners == 1 && strcmp(in->owners[0], "ALL") == 0) {
        j->all = 1;
        return 0;
    }
    for (size_t i = 0; i < in->n_owners; i++) {
        const char *p = in->owners[i];

        for (;;) {
            size_t len = strcspn(p, "/");

            if (j->nowners == PAPERS_OWNERS_MAX || len > IDENT_INITIALS_MAX) {
                snprintf(j->why, sizeof(j->why), "owners: at most %d, each 1 to %d letters A-Z",
                    PAPERS_OWNERS_MAX, IDENT_INITIALS_MAX);
                return SAFER_E_INVAL;
            }
            memcpy(j->owners[j->nowners], p, len);
            j->owners[j->nowners++][len] = '\0';
            if (p[len] == '\0')
                break;
            p += len + 1;
        }
    }
    return 0;
}

int handle_action_add(conn *c, const Safer__Request *rq)
{
    const Safer__ActionAddRequest *in = rq->action_add;
    papers_action_job *j = action_job_new(c);
    int rc;

    if (j == NULL)
        return SAFER_E_NOMEM;
    j->item = in->item;
    if (board_date_check(in->date, j->why, sizeof(j->why)) < 0
        || board_date_check(in->due, j->why, sizeof(j->why)) < 0
        || papers_copy(j->date, sizeof(j->date), in->date, "the date", j->why, sizeof(j->why)) < 0
        || papers_copy(j->due, sizeof(j->due), in->due, "the due date", j->why, sizeof(j->why)) < 0
        || papers_copy(
               j->text, sizeof(j->text), in->text, "the action text", j->why, sizeof(j->why))
            < 0
        || action_owners_in(in, j) < 0 || papers_action_add_check(j, j->why, sizeof(j->why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, j->why, NULL);
        free(j);
        return 0;
    }
    rc = dispatch_submit(c, rq->id, papers_action_add_job, action_add_done, j);
    if (rc < 0)
        free(j);
    return rc;
}

int handle_action_update(conn *c, const Safer__Request *rq)
{
    const Safer__ActionUpdateRequest *in = rq->action_update;
    papers_action_job *j = action_job_new(c);
    int rc;

    if (j == NULL)
        return SAFER_E_NOMEM;
    j->id = in->id;
    j->status = (int)in->status;
    if (papers_copy(j->note, sizeof(j->note), in->note, "the note", j->why, sizeof(j->why)) < 0
        || papers_action_update_check(j, j->why, sizeof(j->why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, j->why, NULL);
        free(j);
        return 0;
    }
    rc = dispatch_submit(c, rq->id, papers_action_update_job, action_update_done, j);
    if (rc < 0)
        free(j);
    return rc;
}

int handle_action_list(conn *c, const Safer__Request *rq)
{
    const Safer__ActionListRequest *in = rq->action_list;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ActionListResponse lr = SAFER__ACTION_LIST_RESPONSE__INIT;
    papers_action *rows = NULL;
    action_wire *w = NULL;
    Safer__Action **ptrs = NULL;
    size_t n = 0, filled = 0;
    char today[BOARD_DATE_LEN + 1];
    papers_action_filter f = { .open_only = in->open_only, .overdue = in->overdue, .today = today };
    int rc = board_today(today);

    if (rc < 0)
        goto out;
    f.mine = in->mine ? conn_session(c)->who.person_id : 0;
    if ((rc = papers_action_list(conn_server(c)->st, &f, &rows, &n)) < 0)
        goto out;
    rc = SAFER_E_NOMEM;
    w = calloc(n ? n : 1, sizeof(*w));
    ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    if (w == NULL || ptrs == NULL)
        goto out;
    for (; filled < n; filled++) {
        if (action_wire_fill(&rows[filled], &w[filled]) < 0)
            goto out;
        ptrs[filled] = &w[filled].a;
    }
    lr.n_actions = n;
    lr.actions = ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_ACTION_LIST;
    rs.action_list = &lr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    for (size_t i = 0; w && i < filled; i++)
        action_wire_free(&w[i]);
    free(ptrs);
    free(w);
    papers_action_list_free(rows, n);
    return rc;
}
