/*
 * The board's calendar behind board.h, first half: the checks of dates, times
 * and codes, the lookups other modules share (a meeting by date, a group by
 * code, an agenda item by number, the meeting before or after a date) and the
 * reads that list groups, meetings, attendance and minutes. The write jobs are
 * in board_change.c (groups, meetings), board_agenda.c and board_record.c
 * (attendance, minutes).
 *
 * Sections: checks; dates; lookups; reading rows; lists.
 */
#include "server/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

/* ---- checks --------------------------------------------------------------- */

/* s itself when it is short and printable, for quoting in a message. */
static const char *board_quotable(const char *s)
{
    size_t n;

    if (s == NULL)
        return "";
    n = strnlen(s, 41);
    if (n > 40)
        return "...";
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return "...";
    }
    return s;
}

static int board_digits(const char *s, size_t n, int *out)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return SAFER_E_INVAL;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int board_days_in(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

int board_date_parse(const char *s, int *y, int *m, int *d)
{
    int yy, mm, dd;

    if (s == NULL || strnlen(s, BOARD_DATE_LEN + 1) != BOARD_DATE_LEN || s[4] != '-' || s[7] != '-'
        || board_digits(s, 4, &yy) < 0 || board_digits(s + 5, 2, &mm) < 0
        || board_digits(s + 8, 2, &dd) < 0)
        return SAFER_E_INVAL;
    if (yy < 2000 || yy > 2999 || mm < 1 || mm > 12 || dd < 1 || dd > board_days_in(yy, mm))
        return SAFER_E_INVAL;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    return 0;
}

int board_date_check(const char *s, char *why, size_t why_len)
{
    if (board_date_parse(s, NULL, NULL, NULL) == 0)
        return 0;
    snprintf(why, why_len, "'%s' is not a date (YYYY-MM-DD)", board_quotable(s));
    return SAFER_E_INVAL;
}

int board_time_check(const char *s, char *why, size_t why_len)
{
    int h, m;

    if (s != NULL && strnlen(s, BOARD_TIME_LEN + 1) == BOARD_TIME_LEN && s[2] == ':'
        && board_digits(s, 2, &h) == 0 && board_digits(s + 3, 2, &m) == 0 && h <= 23 && m <= 59)
        return 0;
    snprintf(why, why_len, "'%s' is not a time (HH:MM)", board_quotable(s));
    return SAFER_E_INVAL;
}

int board_group_code_check(const char *code, char *why, size_t why_len)
{
    size_t n = code ? strnlen(code, BOARD_GROUP_CODE_MAX + 1) : 0;
    int ok = n >= 1 && n <= BOARD_GROUP_CODE_MAX;

    for (size_t i = 0; ok && i < n; i++)
        ok = (code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9')
            || code[i] == '-';
    if (ok)
        return 0;
    snprintf(why, why_len, "task group code '%s' must be 1 to %d characters from a-z, 0-9 and '-'",
        board_quotable(code), BOARD_GROUP_CODE_MAX);
    return SAFER_E_INVAL;
}

/* ---- dates ---------------------------------------------------------------- */

int board_date_of(int64_t t, char out[BOARD_DATE_LEN + 1])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return SAFER_E_INVAL;
    /* strftime, not snprintf: the compiler cannot see that tm's fields are
     * in range, and the year is already bounded to four digits above. */
    if (strftime(out, BOARD_DATE_LEN + 1, "%Y-%m-%d", &tm) != BOARD_DATE_LEN)
        return SAFER_E_INVAL;
    return 0;
}

int board_today(char out[BOARD_DATE_LEN + 1])
{
    return board_date_of((int64_t)time(NULL), out) < 0 ? SAFER_E_INTERNAL : 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method). */
static int64_t board_days_from_civil(int y, int m, int d)
{
    int64_t yy = m <= 2 ? y - 1 : y;
    int64_t era = yy / 400; /* years here are 2000..2999, never negative */
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

int board_day_end(const char *date, int64_t *t)
{
    int y, m, d;

    if (board_date_parse(date, &y, &m, &d) < 0)
        return SAFER_E_INVAL;
    *t = board_days_from_civil(y, m, d) * 86400 + 86399;
    return 0;
}

/* ---- lookups -------------------------------------------------------------- */

/* The first column of a row as an id (left 0 when NULL). */
static int board_id_row(void *ctx, const store_val *c, size_t n)
{
    if (n < 1 || (c[0].type != STORE_INT && c[0].type != STORE_NULL))
        return SAFER_E_DB;
    *(int64_t *)ctx = c[0].type == STORE_INT ? c[0].i : 0;
    return 0;
}

/* Runs a one-text-argument id lookup on st or tx (exactly one is set). */
static int board_id_of(
    store *st, store_tx *tx, enum store_stmt stmt, const store_val *args, size_t nargs, int64_t *id)
{
    int rc;

    *id = 0;
    rc = st ? store_read(st, stmt, args, nargs, board_id_row, id)
            : store_tx_exec(tx, stmt, args, nargs, board_id_row, id);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    return *id ? 0 : SAFER_E_NOTFOUND;
}

int board_meeting_id(store *st, const char *date, int64_t *id)
{
    const store_val args[] = { SV_TEXT(date) };

    return board_id_of(st, NULL, ST_MEETING_ID, args, 1, id);
}

int board_meeting_id_tx(store_tx *tx, const char *date, int64_t *id)
{
    const store_val args[] = { SV_TEXT(date) };

    return board_id_of(NULL, tx, ST_MEETING_ID, args, 1, id);
}

int board_group_id(store *st, const char *code, int64_t *id)
{
    const store_val args[] = { SV_TEXT(code) };

    return board_id_of(st, NULL, ST_GROUP_BY_CODE, args, 1, id);
}

int board_group_id_tx(store_tx *tx, const char *code, int64_t *id)
{
    const store_val args[] = { SV_TEXT(code) };

    return board_id_of(NULL, tx, ST_GROUP_BY_CODE, args, 1, id);
}

int board_item_id(store *st, int64_t meeting_id, uint32_t number, int64_t *id)
{
    const store_val args[] = { SV_INT(meeting_id), SV_INT(number) };

    return board_id_of(st, NULL, ST_AGENDA_ITEM, args, 2, id);
}

/* ST_AGENDA_ITEM: id, kind, group_id. */
struct board_item_ref {
    int64_t id, group_id;
    int kind;
};

static int board_item_ref_row(void *ctx, const store_val *c, size_t n)
{
    struct board_item_ref *r = ctx;

    if (n != 3 || c[0].type != STORE_INT || c[1].type != STORE_INT)
        return SAFER_E_DB;
    r->id = c[0].i;
    r->kind = (int)c[1].i;
    r->group_id = c[2].type == STORE_INT ? c[2].i : 0;
    return 0;
}

int board_item_id_tx(
    store_tx *tx, int64_t meeting_id, uint32_t number, int64_t *id, int *kind, int64_t *group_id)
{
    const store_val args[] = { SV_INT(meeting_id), SV_INT(number) };
    struct board_item_ref r = { 0 };
    int rc = store_tx_exec(tx, ST_AGENDA_ITEM, args, 2, board_item_ref_row, &r);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (r.id == 0)
        return SAFER_E_NOTFOUND;
    *id = r.id;
    if (kind)
        *kind = r.kind;
    if (group_id)
        *group_id = r.group_id;
    return 0;
}

/* A date column into out; NULL leaves out empty. */
static int board_date_row(void *ctx, const store_val *c, size_t n)
{
    char *out = ctx;

    if (n != 1)
        return SAFER_E_DB;
    if (c[0].type == STORE_NULL)
        return 0;
    if (c[0].type != STORE_TEXT || c[0].n != BOARD_DATE_LEN)
        return SAFER_E_DB;
    memcpy(out, c[0].p, BOARD_DATE_LEN + 1);
    return 0;
}

static int board_neighbour(
    store *st, store_tx *tx, enum store_stmt stmt, const char *date, char out[BOARD_DATE_LEN + 1])
{
    const store_val args[] = { SV_TEXT(date) };
    int rc;

    out[0] = '\0';
    rc = st ? store_read(st, stmt, args, 1, board_date_row, out)
            : store_tx_exec(tx, stmt, args, 1, board_date_row, out);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    return out[0] ? 0 : SAFER_E_NOTFOUND;
}

int board_meeting_prev(store *st, const char *date, char out[BOARD_DATE_LEN + 1])
{
    return board_neighbour(st, NULL, ST_MEETING_PREV, date, out);
}

int board_meeting_next(store *st, const char *date, char out[BOARD_DATE_LEN + 1])
{
    return board_neighbour(st, NULL, ST_MEETING_NEXT, date, out);
}

int board_meeting_prev_tx(store_tx *tx, const char *date, char out[BOARD_DATE_LEN + 1])
{
    return board_neighbour(NULL, tx, ST_MEETING_PREV, date, out);
}

/* ---- reading rows --------------------------------------------------------- */

/* Copies a text column (NULL as "") into dst of cap bytes. */
static int board_copy(char *dst, size_t cap, const store_val *v)
{
    if (v->type == STORE_NULL) {
        dst[0] = '\0';
        return 0;
    }
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

/* ST_GROUP_LIST / ST_GROUP_BY_CODE: id, code, name. */
static int board_group_fill(board_group *g, const store_val *c, size_t n)
{
    if (n != 3 || c[0].type != STORE_INT || board_copy(g->code, sizeof(g->code), &c[1]) < 0
        || board_copy(g->name, sizeof(g->name), &c[2]) < 0)
        return SAFER_E_DB;
    g->id = c[0].i;
    return 0;
}

static int board_agency_row(void *ctx, const store_val *c, size_t n)
{
    board_group *g = ctx;

    if (n != 1 || g->nagencies == BOARD_GROUP_AGENCIES_MAX)
        return SAFER_E_DB;
    return board_copy(g->agencies[g->nagencies++], IDENT_AGENCY_CODE_MAX + 1, &c[0]);
}

static int board_group_agencies(store *st, int64_t id, board_group *g)
{
    const store_val args[] = { SV_INT(id) };
    int rc;

    g->nagencies = 0;
    rc = store_read(st, ST_GROUP_AGENCIES, args, 1, board_agency_row, g);
    return rc > 0 ? SAFER_E_DB : rc;
}

/*
 * The status of a meeting row: approved minutes first, then held (attendance
 * recorded, or its date passed), then a published pack, else scheduled.
 */
static int board_status_of(
    const board_meeting *m, int64_t attendance, int published, const char *today)
{
    if (m->approved_at[0])
        return BOARD_MINUTES_APPROVED;
    if (attendance > 0 || (today && strcmp(m->date, today) < 0))
        return BOARD_HELD;
    return published ? BOARD_PACK_PUBLISHED : BOARD_SCHEDULED;
}

/* ST_MEETING_BY_DATE / ST_MEETING_LIST, ten columns; today decides "held". */
static int board_meeting_fill(board_meeting *m, const store_val *c, size_t n, const char *today)
{
    if (n != 10 || c[0].type != STORE_INT || board_copy(m->date, sizeof(m->date), &c[1]) < 0
        || board_copy(m->time, sizeof(m->time), &c[2]) < 0
        || board_copy(m->venue, sizeof(m->venue), &c[3]) < 0
        || board_copy(m->deadline, sizeof(m->deadline), &c[4]) < 0
        || board_copy(m->approved_at, sizeof(m->approved_at), &c[6]) < 0 || c[7].type != STORE_INT
        || board_copy(m->previous_date, sizeof(m->previous_date), &c[8]) < 0
        || board_copy(m->next_date, sizeof(m->next_date), &c[9]) < 0)
        return SAFER_E_DB;
    m->id = c[0].i;
    m->status = board_status_of(m, c[7].i, c[5].type != STORE_NULL, today);
    return 0;
}

/* ST_AGENDA_LIST: id, position, title, kind, group_id, group code. */
static int board_item_fill(board_item *it, const store_val *c, size_t n)
{
    if (n != 6 || c[1].type != STORE_INT || c[3].type != STORE_INT
        || board_copy(it->title, sizeof(it->title), &c[2]) < 0
        || board_copy(it->group_code, sizeof(it->group_code), &c[5]) < 0)
        return SAFER_E_DB;
    it->number = (uint32_t)c[1].i;
    it->kind = (int)c[3].i;
    return 0;
}

struct board_one {
    board_meeting *m;
    const char *today;
    int found;
};

static int board_meeting_row(void *ctx, const store_val *c, size_t n)
{
    struct board_one *one = ctx;

    one->found = 1;
    return board_meeting_fill(one->m, c, n, one->today);
}

static int board_agenda_row(void *ctx, const store_val *c, size_t n)
{
    board_agenda *a = ctx;

    if (a->n == BOARD_AGENDA_MAX)
        return SAFER_E_DB;
    return board_item_fill(&a->items[a->n++], c, n);
}

/* ---- lists ---------------------------------------------------------------- */

/* A growing array of rows being read. */
struct board_list {
    void *rows;
    size_t n, cap, size;
    int (*fill)(void *row, const store_val *c, size_t n, void *arg);
    void *arg;
};

static int board_list_row(void *ctx, const store_val *c, size_t n)
{
    struct board_list *l = ctx;

    if (l->n == BOARD_LIST_MAX)
        return SAFER_E_LIMIT;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        void *grown = realloc(l->rows, cap * l->size);

        if (!grown)
            return SAFER_E_NOMEM;
        l->rows = grown;
        l->cap = cap;
    }
    memset((char *)l->rows + l->n * l->size, 0, l->size);
    l->n++;
    return l->fill((char *)l->rows + (l->n - 1) * l->size, c, n, l->arg) < 0 ? SAFER_E_DB : 0;
}

/* Reads every row of stmt into l; on failure l holds nothing. */
static int board_read_list(
    store *st, enum store_stmt stmt, const store_val *args, size_t nargs, struct board_list *l)
{
    int rc = store_read(st, stmt, args, nargs, board_list_row, l);

    if (rc != 0) {
        free(l->rows);
        l->rows = NULL;
        l->n = 0;
        return rc < 0 ? rc : SAFER_E_DB;
    }
    return 0;
}

static int board_fill_group(void *row, const store_val *c, size_t n, void *arg)
{
    (void)arg;
    return board_group_fill(row, c, n);
}

int board_group_list(store *st, board_group **out, size_t *n)
{
    struct board_list l = { .size = sizeof(board_group), .fill = board_fill_group };
    int rc = board_read_list(st, ST_GROUP_LIST, NULL, 0, &l);

    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        board_group *g = &((board_group *)l.rows)[i];

        rc = board_group_agencies(st, g->id, g);
    }
    if (rc < 0) {
        free(l.rows);
        l.rows = NULL;
        l.n = 0;
    }
    *out = l.rows;
    *n = l.n;
    return rc;
}

int board_group_get(store *st, const char *code, board_group *out)
{
    const store_val args[] = { SV_TEXT(code) };
    struct board_list l = { .size = sizeof(board_group), .fill = board_fill_group };
    int rc = board_read_list(st, ST_GROUP_BY_CODE, args, 1, &l);

    if (rc == 0 && l.n == 0)
        rc = SAFER_E_NOTFOUND;
    if (rc == 0) {
        *out = *(board_group *)l.rows;
        rc = board_group_agencies(st, out->id, out);
    }
    free(l.rows);
    return rc;
}

int board_meeting_get(
    store *st, const char *date, const char *today, board_meeting *out, board_agenda *agenda)
{
    const store_val args[] = { SV_TEXT(date) };
    struct board_one one = { .m = out, .today = today };
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_read(st, ST_MEETING_BY_DATE, args, 1, board_meeting_row, &one);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!one.found)
        return SAFER_E_NOTFOUND;
    if (agenda == NULL)
        return 0;
    agenda->n = 0;
    {
        const store_val id[] = { SV_INT(out->id) };
        rc = store_read(st, ST_AGENDA_LIST, id, 1, board_agenda_row, agenda);
    }
    return rc > 0 ? SAFER_E_DB : rc;
}

static int board_fill_meeting(void *row, const store_val *c, size_t n, void *arg)
{
    return board_meeting_fill(row, c, n, arg);
}

int board_meeting_list(store *st, const char *today, board_meeting **out, size_t *n)
{
    struct board_list l
        = { .size = sizeof(board_meeting), .fill = board_fill_meeting, .arg = (void *)today };
    int rc = board_read_list(st, ST_MEETING_LIST, NULL, 0, &l);

    *out = l.rows;
    *n = l.n;
    return rc;
}

/* ST_ATTENDANCE_LIST: initials, name, agency code, presence, substitute. */
static int board_fill_attendance(void *row, const store_val *c, size_t n, void *arg)
{
    board_attendance *a = row;

    (void)arg;
    if (n != 5 || board_copy(a->initials, sizeof(a->initials), &c[0]) < 0
        || board_copy(a->name, sizeof(a->name), &c[1]) < 0
        || board_copy(a->agency_code, sizeof(a->agency_code), &c[2]) < 0 || c[3].type != STORE_INT
        || board_copy(a->substitute, sizeof(a->substitute), &c[4]) < 0)
        return SAFER_E_DB;
    a->presence = (int)c[3].i;
    return 0;
}

int board_attendance_list(store *st, int64_t meeting_id, board_attendance **out, size_t *n)
{
    const store_val args[] = { SV_INT(meeting_id) };
    struct board_list l = { .size = sizeof(board_attendance), .fill = board_fill_attendance };
    int rc = board_read_list(st, ST_ATTENDANCE_LIST, args, 1, &l);

    *out = l.rows;
    *n = l.n;
    return rc;
}

/* ST_MINUTES_LIST: item position, text. */
static int board_fill_minute(void *row, const store_val *c, size_t n, void *arg)
{
    board_minute *m = row;

    (void)arg;
    if (n != 2 || c[0].type != STORE_INT || c[1].type != STORE_TEXT)
        return SAFER_E_DB;
    m->item = (uint32_t)c[0].i;
    m->text = malloc(c[1].n + 1);
    if (m->text == NULL)
        return SAFER_E_NOMEM;
    memcpy(m->text, c[1].p, c[1].n);
    m->text[c[1].n] = '\0';
    return 0;
}

void board_minutes_free(board_minute *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++)
        free(m[i].text);
    free(m);
}

int board_minutes_list(store *st, int64_t meeting_id, board_minute **out, size_t *n)
{
    const store_val args[] = { SV_INT(meeting_id) };
    struct board_list l = { .size = sizeof(board_minute), .fill = board_fill_minute };
    int rc = store_read(st, ST_MINUTES_LIST, args, 1, board_list_row, &l);

    if (rc != 0) {
        board_minutes_free(l.rows, l.n);
        *out = NULL;
        *n = 0;
        return rc < 0 ? rc : SAFER_E_DB;
    }
    *out = l.rows;
    *n = l.n;
    return 0;
}
