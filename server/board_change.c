/*
 * The board's calendar behind board.h, second half: the write jobs. Each job
 * checks its inputs again (the handler's checks are a courtesy), makes its
 * change and appends its audit row in the same transaction, so a refused
 * change writes nothing. This file has the jobs for groups and meetings;
 * board_agenda.c and board_record.c have the rest.
 *
 * Sections: helpers shared with board_agenda.c and board_record.c
 * (board_priv.h); groups; meetings.
 */
#include "server/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/board_priv.h"
#include "server/people.h"

/* Room for a list of agency codes in an audit detail; two fit in one. */
#define BOARD_MEMBERS_TEXT 240

/* ---- helpers -------------------------------------------------------------- */

int board__audit(
    store_tx *tx, const board_job *j, const char *action, const char *object, const char *detail)
{
    char obj[BOARD_OBJECT_MAX];

    snprintf(obj, sizeof(obj), "%s", object);
    return audit_append(tx, j->now, j->actor, action, obj, detail);
}

/* The meeting columns a job needs: id, deadline and the approving meeting's date. */
static int board_mrow_fill(void *ctx, const store_val *c, size_t n)
{
    struct board_mrow *r = ctx;

    if (n != 10 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    r->id = c[0].i;
    r->approved_at[0] = '\0';
    if (c[6].type == STORE_TEXT && c[6].n == BOARD_DATE_LEN)
        memcpy(r->approved_at, c[6].p, BOARD_DATE_LEN + 1);
    return 0;
}

/* Finds the meeting on date; SAFER_E_NOTFOUND with why set if there is none. */
int board__find_meeting(store_tx *tx, board_job *j, const char *date, struct board_mrow *r)
{
    const store_val args[] = { SV_TEXT(date) };
    int rc;

    memset(r, 0, sizeof(*r));
    if ((rc = board_date_check(date, j->why, sizeof(j->why))) < 0)
        return rc;
    rc = store_tx_exec(tx, ST_MEETING_BY_DATE, args, 1, board_mrow_fill, r);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (r->id == 0) {
        snprintf(j->why, sizeof(j->why), "there is no meeting on %s", date);
        return SAFER_E_NOTFOUND;
    }
    return 0;
}

/*
 * Finds j->date's meeting and refuses it once its minutes are approved: its
 * record (agenda, attendance, minutes) is then locked.
 */
int board__open_meeting(store_tx *tx, board_job *j, struct board_mrow *r)
{
    int rc = board__find_meeting(tx, j, j->date, r);

    if (rc < 0)
        return rc;
    if (r->approved_at[0]) {
        snprintf(j->why, sizeof(j->why), "the minutes of %s were approved on %s and are locked",
            j->date, r->approved_at);
        return SAFER_E_PRECOND;
    }
    return 0;
}

/* The length of the sequence a lead byte starts (0 if none) and its first bits. */
static unsigned board_utf8_lead(unsigned c, uint32_t *cp)
{
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        *cp = c & 0x1f;
        return 2;
    }
    if (c >= 0xe0 && c <= 0xef) {
        *cp = c & 0x0f;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        *cp = c & 0x07;
        return 4;
    }
    return 0;
}

int board__utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp = 0;
        unsigned len = board_utf8_lead(s[i], &cp);

        if (len == 0 || len > n - i)
            return 0;
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates, values past Unicode and controls are refused. */
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff
            || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)
            || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r'))
            return 0;
        i += len;
    }
    return 1;
}

int board__count_row(void *ctx, const store_val *c, size_t n)
{
    int64_t *out = ctx;

    for (size_t i = 0; i < n; i++) {
        if (c[i].type != STORE_INT)
            return SAFER_E_DB;
        out[i] = c[i].i;
    }
    return 0;
}

/* ---- groups --------------------------------------------------------------- */

/* ST_AGENCY_BY_CODE: id, code, name, active, created. */
struct board_agency {
    int64_t id;
    int active;
};

static int board_agency_fill(void *ctx, const store_val *c, size_t n)
{
    struct board_agency *a = ctx;

    if (n != 5 || c[0].type != STORE_INT || c[3].type != STORE_INT)
        return SAFER_E_DB;
    a->id = c[0].i;
    a->active = c[3].i != 0;
    return 0;
}

/* Makes j->agencies the members of group_id; each must exist and be active. */
static int board_set_members(store_tx *tx, board_job *j, int64_t group_id)
{
    int rc;

    if (j->nagencies > BOARD_GROUP_AGENCIES_MAX) {
        snprintf(j->why, sizeof(j->why), "a task group has at most %d agencies",
            BOARD_GROUP_AGENCIES_MAX);
        return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < j->nagencies; i++) {
        const store_val code[] = { SV_TEXT(j->agencies[i]) };
        struct board_agency a = { 0 };
        int dup = 0;

        if ((rc = people_check_agency_code(j->agencies[i], j->why, sizeof(j->why))) < 0)
            return rc;
        for (size_t k = 0; k < i; k++)
            dup |= strcmp(j->agencies[k], j->agencies[i]) == 0;
        if (dup)
            continue; /* "police,police" means police once */
        rc = store_tx_exec(tx, ST_AGENCY_BY_CODE, code, 1, board_agency_fill, &a);
        if (rc != 0)
            return rc < 0 ? rc : SAFER_E_DB;
        if (a.id == 0) {
            snprintf(j->why, sizeof(j->why), "no agency with code '%s'", j->agencies[i]);
            return SAFER_E_NOTFOUND;
        }
        if (!a.active) {
            snprintf(j->why, sizeof(j->why), "agency '%s' is deactivated", j->agencies[i]);
            return SAFER_E_PRECOND;
        }
        {
            const store_val args[] = { SV_INT(group_id), SV_INT(a.id) };
            if ((rc = store_tx_exec(tx, ST_GROUP_AGENCY_ADD, args, 2, NULL, NULL)) < 0)
                return rc;
        }
    }
    return 0;
}

/* "police,fire" for the agencies listed in j, or "none". */
static void board_agencies_text(const board_job *j, char *out, size_t len)
{
    size_t used = 0;

    snprintf(out, len, "none");
    for (size_t i = 0; i < j->nagencies && used < len; i++) {
        int n = snprintf(out + used, len - used, "%s%s", i ? "," : "", j->agencies[i]);

        if (n < 0)
            return;
        used += (size_t)n;
    }
}

int board_group_add_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    char detail[BOARD_DETAIL_MAX], members[BOARD_MEMBERS_TEXT], object[BOARD_OBJECT_MAX];
    int64_t id;
    int rc;

    if ((rc = board_group_code_check(j->code, j->why, sizeof(j->why))) < 0
        || (rc = people_check_text(
                "task group name", j->name, BOARD_GROUP_NAME_MAX, j->why, sizeof(j->why)))
            < 0)
        return rc;
    {
        const store_val args[] = { SV_TEXT(j->code), SV_TEXT(j->name), SV_INT(j->now) };
        rc = store_tx_exec(tx, ST_GROUP_INSERT, args, 3, NULL, NULL);
    }
    if (rc == SAFER_E_EXISTS)
        snprintf(j->why, sizeof(j->why), "task group '%s' already exists", j->code);
    if (rc < 0)
        return rc;
    id = store_tx_last_id(tx);
    if ((rc = board_set_members(tx, j, id)) < 0)
        return rc;
    board_agencies_text(j, members, sizeof(members));
    snprintf(detail, sizeof(detail), "added task group '%s' with agencies %s", j->name, members);
    snprintf(object, sizeof(object), "group:%s", j->code);
    return board__audit(tx, j, "group.add", object, detail);
}

/* Collects agency codes (ST_GROUP_AGENCIES rows) into a comma-separated text. */
struct board_text {
    char buf[BOARD_MEMBERS_TEXT];
    size_t used;
};

static int board_text_row(void *ctx, const store_val *c, size_t n)
{
    struct board_text *t = ctx;
    int w;

    if (n != 1 || c[0].type != STORE_TEXT)
        return SAFER_E_DB;
    if (t->used >= sizeof(t->buf))
        return 0;
    w = snprintf(t->buf + t->used, sizeof(t->buf) - t->used, "%s%s", t->used ? "," : "",
        (const char *)c[0].p);
    t->used += w > 0 ? (size_t)w : 0;
    return 0;
}

int board_group_agencies_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    char detail[BOARD_DETAIL_MAX], members[BOARD_MEMBERS_TEXT], object[BOARD_OBJECT_MAX];
    struct board_text before = { .used = 0 };
    int64_t id;
    int rc;

    if ((rc = board_group_code_check(j->code, j->why, sizeof(j->why))) < 0)
        return rc;
    rc = board_group_id_tx(tx, j->code, &id);
    if (rc == SAFER_E_NOTFOUND)
        snprintf(j->why, sizeof(j->why), "no task group with code '%s'", j->code);
    if (rc < 0)
        return rc;
    {
        const store_val args[] = { SV_INT(id) };
        rc = store_tx_exec(tx, ST_GROUP_AGENCIES, args, 1, board_text_row, &before);
        if (rc == 0)
            rc = store_tx_exec(tx, ST_GROUP_AGENCY_CLEAR, args, 1, NULL, NULL);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if ((rc = board_set_members(tx, j, id)) < 0)
        return rc;
    board_agencies_text(j, members, sizeof(members));
    snprintf(
        detail, sizeof(detail), "agencies %s -> %s", before.used ? before.buf : "none", members);
    snprintf(object, sizeof(object), "group:%s", j->code);
    return board__audit(tx, j, "group.agencies", object, detail);
}

/* ---- meetings ------------------------------------------------------------- */

/* The items of the default agenda, groups last (ST_GROUP_LIST: id, code, name). */
struct board_default {
    size_t n;
    int64_t group_id[BOARD_AGENDA_MAX];
    char title[BOARD_AGENDA_MAX][BOARD_ITEM_TITLE_MAX + 1];
};

static int board_default_row(void *ctx, const store_val *c, size_t n)
{
    struct board_default *d = ctx;

    if (n != 3 || c[0].type != STORE_INT || c[2].type != STORE_TEXT)
        return SAFER_E_DB;
    /* Six fixed items share the agenda with one item per group. */
    if (d->n == BOARD_AGENDA_MAX - 6)
        return SAFER_E_LIMIT;
    d->group_id[d->n] = c[0].i;
    snprintf(d->title[d->n], sizeof(d->title[d->n]), "Task group update: %s", (const char *)c[2].p);
    d->n++;
    return 0;
}

int board__item_insert(
    store_tx *tx, int64_t meeting_id, uint32_t pos, const char *title, int kind, int64_t group_id)
{
    const store_val args[] = { SV_INT(meeting_id), SV_INT(pos), SV_TEXT(title), SV_INT(kind),
        group_id ? SV_INT(group_id) : SV_NULL() };

    return store_tx_exec(tx, ST_AGENDA_INSERT, args, 5, NULL, NULL);
}

/* Writes the standard agenda of a new meeting; *n is set to its length. */
static int board_default_agenda(store_tx *tx, int64_t meeting_id, uint32_t *n)
{
    static const struct {
        const char *title;
        int kind;
    } head[] = {
        { "Welcome and introductions", BOARD_ITEM_WELCOME },
        { "Apologies", BOARD_ITEM_APOLOGIES },
        { "Minutes of the last meeting and matters arising", BOARD_ITEM_MINUTES },
    },
      tail[] = {
          { "Information items", BOARD_ITEM_INFORMATION },
          { "Any other business", BOARD_ITEM_AOB },
          { "Date and time of next meeting", BOARD_ITEM_NEXT_MEETING },
      };
    struct board_default *d = calloc(1, sizeof(*d));
    uint32_t pos = 0;
    int rc = SAFER_E_NOMEM;

    if (d == NULL)
        goto out;
    rc = store_tx_exec(tx, ST_GROUP_LIST, NULL, 0, board_default_row, d);
    if (rc > 0)
        rc = SAFER_E_DB;
    for (size_t i = 0; rc == 0 && i < 3; i++)
        rc = board__item_insert(tx, meeting_id, ++pos, head[i].title, head[i].kind, 0);
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        rc = board__item_insert(
            tx, meeting_id, ++pos, d->title[i], BOARD_ITEM_GROUP, d->group_id[i]);
    for (size_t i = 0; rc == 0 && i < 3; i++)
        rc = board__item_insert(tx, meeting_id, ++pos, tail[i].title, tail[i].kind, 0);
    *n = pos;
out:
    free(d);
    return rc;
}

int board_meeting_add_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    uint32_t items = 0;
    int rc;

    if ((rc = board_date_check(j->date, j->why, sizeof(j->why))) < 0
        || (rc = board_time_check(j->time, j->why, sizeof(j->why))) < 0
        || (rc = people_check_text("venue", j->venue, BOARD_VENUE_MAX, j->why, sizeof(j->why))) < 0
        || (rc = board_date_check(j->deadline, j->why, sizeof(j->why))) < 0)
        return rc;
    if (strcmp(j->deadline, j->date) > 0) {
        snprintf(j->why, sizeof(j->why), "the deadline %s is after the meeting date %s",
            j->deadline, j->date);
        return SAFER_E_INVAL;
    }
    {
        const store_val args[] = { SV_TEXT(j->date), SV_TEXT(j->time), SV_TEXT(j->venue),
            SV_TEXT(j->deadline), SV_INT(j->now) };
        rc = store_tx_exec(tx, ST_MEETING_INSERT, args, 5, NULL, NULL);
    }
    if (rc == SAFER_E_EXISTS)
        snprintf(j->why, sizeof(j->why), "there is already a meeting on %s", j->date);
    if (rc < 0 || (rc = board_default_agenda(tx, store_tx_last_id(tx), &items)) < 0)
        return rc;
    snprintf(detail, sizeof(detail), "at %s, %s; papers due %s; %u agenda items", j->time, j->venue,
        j->deadline, (unsigned)items);
    snprintf(object, sizeof(object), "meeting:%s", j->date);
    return board__audit(tx, j, "meeting.add", object, detail);
}
