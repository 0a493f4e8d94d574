/*
 * Handlers for meetings and their agendas: add (with the standard agenda),
 * list and the chair's agenda changes (meeting show is in handle_minutes.c,
 * with the rest of a meeting's record). Changes are board.h write jobs answered once durable with
 * the meeting as it now reads; the reads run on the loop thread. The helpers the other board
 * handlers share are here too.
 */
#include "server/handlers_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "server/people.h"

/* ---- shared by the board handlers ------------------------------------------ */

board_job *handle_board_job(conn *c)
{
    board_job *j = calloc(1, sizeof(*j));
    session *s = conn_session(c);

    if (j == NULL)
        return NULL;
    j->now = (int64_t)time(NULL);
    j->actor_id = s->who.person_id;
    snprintf(j->actor, sizeof(j->actor), "%s", s->who.initials);
    return j;
}

void handle_board_refused(conn *c, uint64_t id, const board_job *j, int rc)
{
    dispatch_reply(c, id, rc, j->why[0] ? j->why : NULL, NULL);
}

void handle_board_meeting_wire(const board_meeting *m, Safer__Meeting *out)
{
    safer__meeting__init(out);
    /* protobuf-c's string fields are not const; packing only reads them. */
    out->date = (char *)m->date;
    out->time = (char *)m->time;
    out->venue = (char *)m->venue;
    out->deadline = (char *)m->deadline;
    out->status = (Safer__MeetingStatus)m->status;
    out->next_date = (char *)m->next_date;
    out->previous_date = (char *)m->previous_date;
}

/* ---- answers ----------------------------------------------------------------- */

int handle_board_agenda_wire(
    const board_agenda *a, Safer__AgendaItem **items, Safer__AgendaItem ***ptrs)
{
    *items = calloc(a->n ? a->n : 1, sizeof(**items));
    *ptrs = calloc(a->n ? a->n : 1, sizeof(**ptrs));
    if (*items == NULL || *ptrs == NULL)
        return SAFER_E_NOMEM;
    for (size_t i = 0; i < a->n; i++) {
        Safer__AgendaItem *it = &(*items)[i];

        safer__agenda_item__init(it);
        it->number = a->items[i].number;
        it->title = (char *)a->items[i].title;
        it->kind = (Safer__ItemKind)a->items[i].kind;
        it->group_code = (char *)a->items[i].group_code;
        (*ptrs)[i] = it;
    }
    return 0;
}

/*
 * Answers with the meeting on date and its agenda as they now read, in body
 * case bc (every agenda change and meeting add answer a MeetingResponse).
 */
static void meeting_answer(conn *c, uint64_t id, const char *date, Safer__Response__BodyCase bc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__MeetingResponse mr = SAFER__MEETING_RESPONSE__INIT;
    Safer__Meeting wm;
    Safer__AgendaItem *items = NULL, **ptrs = NULL;
    board_meeting m;
    board_agenda *a = malloc(sizeof(*a));
    char today[BOARD_DATE_LEN + 1];
    int rc = SAFER_E_NOMEM;

    if (a == NULL || (rc = board_today(today)) < 0
        || (rc = board_meeting_get(conn_server(c)->st, date, today, &m, a)) < 0
        || (rc = handle_board_agenda_wire(a, &items, &ptrs)) < 0) {
        dispatch_reply(c, id, rc, NULL, NULL);
        goto out;
    }
    handle_board_meeting_wire(&m, &wm);
    mr.meeting = &wm;
    mr.n_agenda = a->n;
    mr.agenda = ptrs;
    rs.body_case = bc;
    /* The answers share one message type, so any member of the union will do. */
    rs.meeting_add = &mr;
    dispatch_reply(c, id, 0, NULL, &rs);
out:
    free(ptrs);
    free(items);
    free(a);
}

static void meeting_done(conn *c, uint64_t id, board_job *j, int rc, Safer__Response__BodyCase bc)
{
    if (rc < 0)
        handle_board_refused(c, id, j, rc);
    else
        meeting_answer(c, id, j->date, bc);
    free(j);
}

static void meeting_add_done(conn *c, uint64_t id, void *ctx, int rc)
{
    meeting_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_MEETING_ADD);
}

static void agenda_add_done(conn *c, uint64_t id, void *ctx, int rc)
{
    meeting_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_AGENDA_ADD);
}

static void agenda_move_done(conn *c, uint64_t id, void *ctx, int rc)
{
    meeting_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_AGENDA_MOVE);
}

static void agenda_remove_done(conn *c, uint64_t id, void *ctx, int rc)
{
    meeting_done(c, id, ctx, rc, SAFER__RESPONSE__BODY_AGENDA_REMOVE);
}

/* Submits j (already filled) or answers why not; frees j unless submitted. */
static int meeting_submit(
    conn *c, uint64_t id, board_job *j, store_job_fn fn, dispatch_answer_fn done)
{
    int rc = dispatch_submit(c, id, fn, done, j);

    if (rc < 0)
        free(j);
    return rc;
}

/* ---- changes ------------------------------------------------------------------ */

int handle_meeting_add(conn *c, const Safer__Request *rq)
{
    const Safer__MeetingAddRequest *r = rq->meeting_add;
    char why[BOARD_WHY_MAX];
    board_job *j;

    if (board_date_check(r->date, why, sizeof(why)) < 0
        || board_time_check(r->time, why, sizeof(why)) < 0
        || people_check_text("venue", r->venue, BOARD_VENUE_MAX, why, sizeof(why)) < 0
        || board_date_check(r->deadline, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = handle_board_job(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->date, sizeof(j->date), "%s", r->date);
    snprintf(j->time, sizeof(j->time), "%s", r->time);
    snprintf(j->venue, sizeof(j->venue), "%s", r->venue);
    snprintf(j->deadline, sizeof(j->deadline), "%s", r->deadline);
    return meeting_submit(c, rq->id, j, board_meeting_add_job, meeting_add_done);
}

int handle_agenda_add(conn *c, const Safer__Request *rq)
{
    const Safer__AgendaAddRequest *r = rq->agenda_add;
    char why[BOARD_WHY_MAX];
    board_job *j;

    if (board_date_check(r->date, why, sizeof(why)) < 0
        || people_check_text("agenda item title", r->title, BOARD_ITEM_TITLE_MAX, why, sizeof(why))
            < 0
        || (r->group_code[0] && board_group_code_check(r->group_code, why, sizeof(why)) < 0)) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = handle_board_job(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->date, sizeof(j->date), "%s", r->date);
    snprintf(j->title, sizeof(j->title), "%s", r->title);
    snprintf(j->code, sizeof(j->code), "%s", r->group_code);
    j->kind = (int)r->kind;
    j->to = r->position;
    return meeting_submit(c, rq->id, j, board_agenda_add_job, agenda_add_done);
}

/* Agenda move and remove: a date and an item number (and a target). */
static int agenda_change(conn *c, uint64_t id, const char *date, uint32_t number, uint32_t to,
    store_job_fn fn, dispatch_answer_fn done)
{
    char why[BOARD_WHY_MAX];
    board_job *j;

    if (board_date_check(date, why, sizeof(why)) < 0) {
        dispatch_reply(c, id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = handle_board_job(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->date, sizeof(j->date), "%s", date);
    j->number = number;
    j->to = to;
    return meeting_submit(c, id, j, fn, done);
}

int handle_agenda_move(conn *c, const Safer__Request *rq)
{
    return agenda_change(c, rq->id, rq->agenda_move->date, rq->agenda_move->number,
        rq->agenda_move->to, board_agenda_move_job, agenda_move_done);
}

int handle_agenda_remove(conn *c, const Safer__Request *rq)
{
    return agenda_change(c, rq->id, rq->agenda_remove->date, rq->agenda_remove->number, 0,
        board_agenda_remove_job, agenda_remove_done);
}

/* ---- reads ---------------------------------------------------------------------- */

int handle_meeting_list(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__MeetingListResponse lr = SAFER__MEETING_LIST_RESPONSE__INIT;
    board_meeting *rows = NULL;
    Safer__Meeting *wire = NULL;
    Safer__Meeting **ptrs = NULL;
    char today[BOARD_DATE_LEN + 1];
    size_t n = 0;
    int rc = board_today(today);

    if (rc < 0 || (rc = board_meeting_list(conn_server(c)->st, today, &rows, &n)) < 0)
        goto out;
    rc = SAFER_E_NOMEM;
    wire = calloc(n ? n : 1, sizeof(*wire));
    ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    if (!wire || !ptrs)
        goto out;
    for (size_t i = 0; i < n; i++) {
        handle_board_meeting_wire(&rows[i], &wire[i]);
        ptrs[i] = &wire[i];
    }
    lr.n_meetings = n;
    lr.meetings = ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_MEETING_LIST;
    rs.meeting_list = &lr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    free(ptrs);
    free(wire);
    free(rows);
    return rc;
}
