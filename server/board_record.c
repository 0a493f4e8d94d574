/*
 * The record of a meeting behind board.h: attendance (present, or apologies
 * with an optional substitute), the minutes of each agenda item, and their
 * approval at the next meeting ("agreed as a true and accurate record"), after
 * which the meeting's record is locked. Each is one write job with its audit
 * row in the same transaction.
 */
#include "server/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/board_priv.h"
#include "server/people.h"

/* ---- attendance ----------------------------------------------------------- */

/*
 * ST_PERSON_BY_INITIALS: id, initials, name, roles, active, agency code,
 * agency name, agency active; the row is kept as an attendance row.
 */
struct board_who {
    int64_t id;
    int active;
    board_attendance *a;
};

static int board_who_fill(void *ctx, const store_val *c, size_t n)
{
    struct board_who *w = ctx;

    if (n != 8 || c[0].type != STORE_INT || c[4].type != STORE_INT || c[2].type != STORE_TEXT
        || c[5].type != STORE_TEXT || c[2].n > IDENT_NAME_MAX || c[5].n > IDENT_AGENCY_CODE_MAX)
        return SAFER_E_DB;
    w->id = c[0].i;
    w->active = c[4].i != 0;
    memcpy(w->a->name, c[2].p, c[2].n);
    w->a->name[c[2].n] = '\0';
    memcpy(w->a->agency_code, c[5].p, c[5].n);
    w->a->agency_code[c[5].n] = '\0';
    return 0;
}

/* Checks presence and substitute as the job received them. */
static int board_attendance_inputs(board_job *j)
{
    size_t n = strnlen(j->substitute, sizeof(j->substitute));
    int rc = people_check_initials(j->initials, j->why, sizeof(j->why));

    if (rc < 0)
        return rc;
    if (j->presence != BOARD_PRESENT && j->presence != BOARD_APOLOGIES) {
        snprintf(j->why, sizeof(j->why), "attendance must be present or apologies");
        return SAFER_E_INVAL;
    }
    if (n > 0 && j->presence != BOARD_APOLOGIES) {
        snprintf(j->why, sizeof(j->why), "a substitute is recorded only with apologies");
        return SAFER_E_INVAL;
    }
    if (n > 0)
        return people_check_text(
            "substitute name", j->substitute, BOARD_SUBSTITUTE_MAX, j->why, sizeof(j->why));
    return 0;
}

int board_attendance_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    struct board_mrow r;
    struct board_who w = { .a = &j->attendance };
    int rc;

    memset(&j->attendance, 0, sizeof(j->attendance));
    if ((rc = board_attendance_inputs(j)) < 0 || (rc = board__open_meeting(tx, j, &r)) < 0)
        return rc;
    {
        const store_val args[] = { SV_TEXT(j->initials) };
        rc = store_tx_exec(tx, ST_PERSON_BY_INITIALS, args, 1, board_who_fill, &w);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (w.id == 0 || !w.active) {
        snprintf(j->why, sizeof(j->why),
            w.id ? "%s is deactivated" : "no person with initials '%s'", j->initials);
        return w.id ? SAFER_E_PRECOND : SAFER_E_NOTFOUND;
    }
    {
        const store_val args[]
            = { SV_INT(r.id), SV_INT(w.id), SV_INT(j->presence), SV_TEXT(j->substitute) };
        if ((rc = store_tx_exec(tx, ST_ATTENDANCE_SET, args, 4, NULL, NULL)) < 0)
            return rc;
    }
    snprintf(j->attendance.initials, sizeof(j->attendance.initials), "%s", j->initials);
    snprintf(j->attendance.substitute, sizeof(j->attendance.substitute), "%s", j->substitute);
    j->attendance.presence = j->presence;
    if (j->presence == BOARD_PRESENT)
        snprintf(detail, sizeof(detail), "%s present", j->initials);
    else if (j->substitute[0])
        snprintf(detail, sizeof(detail), "%s sent apologies; substitute '%s'", j->initials,
            j->substitute);
    else
        snprintf(detail, sizeof(detail), "%s sent apologies", j->initials);
    snprintf(object, sizeof(object), "meeting:%s", j->date);
    return board__audit(tx, j, "attendance.set", object, detail);
}

/* ---- minutes -------------------------------------------------------------- */

int board_minutes_set_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    const char *text = j->text ? j->text : "";
    size_t len = strnlen(text, BOARD_MINUTE_MAX + 1);
    struct board_mrow r;
    int64_t item;
    int rc;

    if (len > BOARD_MINUTE_MAX) {
        snprintf(j->why, sizeof(j->why), "the minutes text is over %d bytes; the limit is %d",
            BOARD_MINUTE_MAX, BOARD_MINUTE_MAX);
        return SAFER_E_INVAL;
    }
    if (!board__utf8_ok((const unsigned char *)text, len)) {
        snprintf(j->why, sizeof(j->why), "the minutes text is not UTF-8 text");
        return SAFER_E_INVAL;
    }
    if ((rc = board__open_meeting(tx, j, &r)) < 0)
        return rc;
    rc = board_item_id_tx(tx, r.id, j->number, &item, NULL, NULL);
    if (rc == SAFER_E_NOTFOUND)
        snprintf(j->why, sizeof(j->why), "the agenda of %s has no item %u", j->date,
            (unsigned)j->number);
    if (rc < 0)
        return rc;
    /* Empty minutes are no minutes: the row goes, so the item can be removed again. */
    if (len == 0) {
        const store_val args[] = { SV_INT(item) };
        rc = store_tx_exec(tx, ST_MINUTES_DELETE, args, 1, NULL, NULL);
    } else {
        const store_val args[] = { SV_INT(item), SV_TEXT(text), SV_INT(j->now),
            j->actor_id ? SV_INT(j->actor_id) : SV_NULL() };
        rc = store_tx_exec(tx, ST_MINUTES_SET, args, 4, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    /* The audit row says how much was written, never what. */
    snprintf(detail, sizeof(detail), "item %u: %zu bytes", (unsigned)j->number, len);
    snprintf(object, sizeof(object), "meeting:%s", j->date);
    return board__audit(tx, j, "minutes.set", object, detail);
}

int board_minutes_approve_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    struct board_mrow at, prev;
    int rc;

    j->approved[0] = '\0';
    if ((rc = board__find_meeting(tx, j, j->date, &at)) < 0)
        return rc;
    rc = board_meeting_prev_tx(tx, j->date, j->approved);
    if (rc == SAFER_E_NOTFOUND) {
        snprintf(j->why, sizeof(j->why),
            "there is no meeting before %s whose minutes it could approve", j->date);
        rc = SAFER_E_PRECOND;
    }
    if (rc < 0 || (rc = board__find_meeting(tx, j, j->approved, &prev)) < 0)
        return rc;
    if (prev.approved_at[0]) {
        snprintf(j->why, sizeof(j->why), "the minutes of %s were already approved on %s",
            j->approved, prev.approved_at);
        return SAFER_E_PRECOND;
    }
    {
        const store_val args[] = { SV_INT(at.id), SV_INT(prev.id) };
        if ((rc = store_tx_exec(tx, ST_MEETING_APPROVE, args, 2, NULL, NULL)) < 0)
            return rc;
    }
    if (store_tx_changes(tx) != 1)
        return SAFER_E_DB;
    snprintf(detail, sizeof(detail), "agreed as a true and accurate record at the meeting of %s",
        j->date);
    snprintf(object, sizeof(object), "meeting:%s", j->approved);
    return board__audit(tx, j, "minutes.approve", object, detail);
}
