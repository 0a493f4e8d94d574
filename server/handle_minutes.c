/*
 * Handlers for the record of a meeting: meeting show (the meeting with its
 * agenda, attendance and minutes), attendance, minutes and their approval.
 * Changes are board.h write jobs answered once durable; the answers and the
 * show are reads on the loop thread.
 */
#include "server/handlers_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/people.h"

/* The minutes of a meeting as wire rows; *rows and *ptrs are the caller's to free. */
static int minutes_wire(
    const board_minute *m, size_t n, Safer__Minute **rows, Safer__Minute ***ptrs)
{
    *rows = calloc(n ? n : 1, sizeof(**rows));
    *ptrs = calloc(n ? n : 1, sizeof(**ptrs));
    if (*rows == NULL || *ptrs == NULL)
        return SAFER_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        safer__minute__init(&(*rows)[i]);
        (*rows)[i].item = m[i].item;
        (*rows)[i].text = m[i].text;
        (*ptrs)[i] = &(*rows)[i];
    }
    return 0;
}

static void attendance_wire(const board_attendance *a, Safer__Attendance *out)
{
    safer__attendance__init(out);
    out->initials = (char *)a->initials;
    out->name = (char *)a->name;
    out->agency_code = (char *)a->agency_code;
    out->presence = (Safer__Presence)a->presence;
    out->substitute = (char *)a->substitute;
}

/* ---- meeting show ----------------------------------------------------------- */

/* What a show answer points into, freed together. */
struct show {
    board_meeting m;
    board_agenda agenda;
    board_attendance *att;
    size_t natt;
    board_minute *min;
    size_t nmin;
    Safer__AgendaItem *items, **item_ptrs;
    Safer__Attendance *watt, **att_ptrs;
    Safer__Minute *wmin, **min_ptrs;
};

static void show_free(struct show *s)
{
    if (s == NULL)
        return;
    free(s->att);
    board_minutes_free(s->min, s->nmin);
    free(s->items);
    free(s->item_ptrs);
    free(s->watt);
    free(s->att_ptrs);
    free(s->wmin);
    free(s->min_ptrs);
    free(s);
}

/* Reads everything a show answer carries and makes its wire rows. */
static int show_load(store *st, const char *date, struct show *s)
{
    char today[BOARD_DATE_LEN + 1];
    int rc;

    if ((rc = board_today(today)) < 0
        || (rc = board_meeting_get(st, date, today, &s->m, &s->agenda)) < 0
        || (rc = board_attendance_list(st, s->m.id, &s->att, &s->natt)) < 0
        || (rc = board_minutes_list(st, s->m.id, &s->min, &s->nmin)) < 0
        || (rc = handle_board_agenda_wire(&s->agenda, &s->items, &s->item_ptrs)) < 0
        || (rc = minutes_wire(s->min, s->nmin, &s->wmin, &s->min_ptrs)) < 0)
        return rc;
    s->watt = calloc(s->natt ? s->natt : 1, sizeof(*s->watt));
    s->att_ptrs = calloc(s->natt ? s->natt : 1, sizeof(*s->att_ptrs));
    if (s->watt == NULL || s->att_ptrs == NULL)
        return SAFER_E_NOMEM;
    for (size_t i = 0; i < s->natt; i++) {
        attendance_wire(&s->att[i], &s->watt[i]);
        s->att_ptrs[i] = &s->watt[i];
    }
    return 0;
}

int handle_meeting_show(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__MeetingShowResponse sr = SAFER__MEETING_SHOW_RESPONSE__INIT;
    Safer__Meeting wm;
    char why[BOARD_WHY_MAX];
    struct show *s = NULL;
    int rc = board_date_check(rq->meeting_show->date, why, sizeof(why));

    if (rc < 0) {
        dispatch_reply(c, rq->id, rc, why, NULL);
        return 0;
    }
    rc = SAFER_E_NOMEM;
    if ((s = calloc(1, sizeof(*s))) == NULL)
        goto out;
    rc = show_load(conn_server(c)->st, rq->meeting_show->date, s);
    if (rc == SAFER_E_NOTFOUND) {
        snprintf(why, sizeof(why), "there is no meeting on %s", rq->meeting_show->date);
        dispatch_reply(c, rq->id, rc, why, NULL);
        rc = 0;
    }
    if (rc != 0)
        goto out;
    handle_board_meeting_wire(&s->m, &wm);
    sr.meeting = &wm;
    sr.n_agenda = s->agenda.n;
    sr.agenda = s->item_ptrs;
    sr.n_attendance = s->natt;
    sr.attendance = s->att_ptrs;
    sr.n_minutes = s->nmin;
    sr.minutes = s->min_ptrs;
    sr.minutes_approved = s->m.approved_at[0] != '\0';
    sr.approved_at = s->m.approved_at;
    rs.body_case = SAFER__RESPONSE__BODY_MEETING_SHOW;
    rs.meeting_show = &sr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
out:
    show_free(s);
    return rc;
}

/* ---- attendance --------------------------------------------------------------- */

static void attendance_done(conn *c, uint64_t id, void *ctx, int rc)
{
    board_job *j = ctx;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__AttendanceResponse ar = SAFER__ATTENDANCE_RESPONSE__INIT;
    Safer__Attendance a;

    if (rc < 0) {
        handle_board_refused(c, id, j, rc);
    } else {
        attendance_wire(&j->attendance, &a);
        ar.attendance = &a;
        rs.body_case = SAFER__RESPONSE__BODY_ATTENDANCE_SET;
        rs.attendance_set = &ar;
        dispatch_reply(c, id, 0, NULL, &rs);
    }
    free(j);
}

int handle_attendance_set(conn *c, const Safer__Request *rq)
{
    const Safer__AttendanceSetRequest *r = rq->attendance_set;
    char why[BOARD_WHY_MAX];
    board_job *j;
    int rc;

    if (board_date_check(r->date, why, sizeof(why)) < 0
        || people_check_initials(r->initials, why, sizeof(why)) < 0
        || (r->substitute[0]
            && people_check_text(
                   "substitute name", r->substitute, BOARD_SUBSTITUTE_MAX, why, sizeof(why))
                < 0)) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = handle_board_job(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->date, sizeof(j->date), "%s", r->date);
    snprintf(j->initials, sizeof(j->initials), "%s", r->initials);
    snprintf(j->substitute, sizeof(j->substitute), "%s", r->substitute);
    j->presence = (int)r->presence;
    rc = dispatch_submit(c, rq->id, board_attendance_job, attendance_done, j);
    if (rc < 0)
        free(j);
    return rc;
}

/* ---- minutes ------------------------------------------------------------------- */

/* A minutes job with its own copy of the text (the request is freed before the job runs). */
struct minutes_ctx {
    board_job j; /* first, so that the job and its answer can take the same pointer */
    char *text;
};

/* Answers with the minutes of date as they now read. */
static void minutes_answer(
    conn *c, uint64_t id, const char *date, int approved, Safer__Response__BodyCase bc)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__MinutesResponse mr = SAFER__MINUTES_RESPONSE__INIT;
    board_minute *min = NULL;
    Safer__Minute *rows = NULL, **ptrs = NULL;
    size_t n = 0;
    int64_t mid;
    int rc = board_meeting_id(conn_server(c)->st, date, &mid);

    if (rc < 0 || (rc = board_minutes_list(conn_server(c)->st, mid, &min, &n)) < 0
        || (rc = minutes_wire(min, n, &rows, &ptrs)) < 0) {
        dispatch_reply(c, id, rc, NULL, NULL);
        goto out;
    }
    mr.date = (char *)date;
    mr.n_minutes = n;
    mr.minutes = ptrs;
    mr.approved = approved;
    rs.body_case = bc;
    /* Both answers share one message type, so either member of the union will do. */
    rs.minutes_set = &mr;
    dispatch_reply(c, id, 0, NULL, &rs);
out:
    free(ptrs);
    free(rows);
    board_minutes_free(min, n);
}

static void minutes_set_done(conn *c, uint64_t id, void *ctx, int rc)
{
    struct minutes_ctx *m = ctx;

    if (rc < 0)
        handle_board_refused(c, id, &m->j, rc);
    else
        minutes_answer(c, id, m->j.date, 0, SAFER__RESPONSE__BODY_MINUTES_SET);
    free(m->text);
    free(m);
}

int handle_minutes_set(conn *c, const Safer__Request *rq)
{
    const Safer__MinutesSetRequest *r = rq->minutes_set;
    char why[BOARD_WHY_MAX];
    struct minutes_ctx *m;
    size_t len = strnlen(r->text, BOARD_MINUTE_MAX + 1);
    int rc;

    if (board_date_check(r->date, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if (len > BOARD_MINUTE_MAX) {
        snprintf(why, sizeof(why), "the minutes of item %u are %zu bytes; the limit is %d",
            (unsigned)r->item, strlen(r->text), BOARD_MINUTE_MAX);
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((m = calloc(1, sizeof(*m))) == NULL || (m->text = malloc(len + 1)) == NULL) {
        free(m);
        return SAFER_E_NOMEM;
    }
    memcpy(m->text, r->text, len + 1);
    {
        board_job *j = handle_board_job(c);

        if (j == NULL) {
            free(m->text);
            free(m);
            return SAFER_E_NOMEM;
        }
        m->j = *j;
        free(j);
    }
    snprintf(m->j.date, sizeof(m->j.date), "%s", r->date);
    m->j.number = r->item;
    m->j.text = m->text;
    rc = dispatch_submit(c, rq->id, board_minutes_set_job, minutes_set_done, m);
    if (rc < 0) {
        free(m->text);
        free(m);
    }
    return rc;
}

static void minutes_approve_done(conn *c, uint64_t id, void *ctx, int rc)
{
    board_job *j = ctx;

    if (rc < 0)
        handle_board_refused(c, id, j, rc);
    else
        minutes_answer(c, id, j->approved, 1, SAFER__RESPONSE__BODY_MINUTES_APPROVE);
    free(j);
}

int handle_minutes_approve(conn *c, const Safer__Request *rq)
{
    char why[BOARD_WHY_MAX];
    board_job *j;
    int rc;

    if (board_date_check(rq->minutes_approve->date, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if ((j = handle_board_job(c)) == NULL)
        return SAFER_E_NOMEM;
    snprintf(j->date, sizeof(j->date), "%s", rq->minutes_approve->date);
    rc = dispatch_submit(c, rq->id, board_minutes_approve_job, minutes_approve_done, j);
    if (rc < 0)
        free(j);
    return rc;
}
