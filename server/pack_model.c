/*
 * Loading the model of a meeting's pack (pack_model.h) through the readers
 * of board.h, papers.h and people.h, plus the one query of its own (the
 * metric series). Every string and list in the model is malloc'd, so that
 * protobuf-c's free_unpacked with the default allocator frees a loaded model
 * and an unpacked one alike.
 *
 * Allocation failures are sticky: a helper that cannot allocate sets the
 * load's rc and returns NULL, the model stays consistent (list counts only
 * count what exists) and the load frees it at the end.
 *
 * Papers and metric series are read in pack_model_papers.c.
 *
 * Sections: owned copies; the meeting; records; the meeting and its
 * neighbours; the load.
 */
#include "server/pack_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/board.h"
#include "server/papers.h"
#include "server/people.h"
#include "server/pack_model_priv.h"
#include "server/settings.h"

/* ---- owned copies ------------------------------------------------------------ */

char *pack_model__dup(struct pm_load *x, const char *s)
{
    char *d = strdup(s ? s : "");

    if (d == NULL)
        x->rc = SAFER_E_NOMEM;
    return d;
}

/* n zeroed elements; NULL for none (not an error) or on failure (rc set). */
void *pack_model__alloc(struct pm_load *x, size_t n, size_t size)
{
    void *p;

    if (n == 0)
        return NULL;
    p = calloc(n, size);
    if (p == NULL)
        x->rc = SAFER_E_NOMEM;
    return p;
}

/* A list of n owned strings. */
char **pack_model__strings(struct pm_load *x, size_t n, const char *(*at)(const void *, size_t),
    const void *src, size_t *count)
{
    char **v = pack_model__alloc(x, n, sizeof(*v));

    *count = 0;
    for (size_t i = 0; v && i < n; i++) {
        v[i] = pack_model__dup(x, at(src, i));
        if (v[i] == NULL)
            break;
        *count = i + 1;
    }
    return v;
}

/* ---- the meeting ------------------------------------------------------------- */

static Safer__Meeting *pm_meeting(struct pm_load *x, const board_meeting *bm)
{
    Safer__Meeting *w = pack_model__alloc(x, 1, sizeof(*w));

    if (w == NULL)
        return NULL;
    safer__meeting__init(w);
    w->date = pack_model__dup(x, bm->date);
    w->time = pack_model__dup(x, bm->time);
    w->venue = pack_model__dup(x, bm->venue);
    w->deadline = pack_model__dup(x, bm->deadline);
    w->status = (Safer__MeetingStatus)bm->status;
    w->next_date = pack_model__dup(x, bm->next_date);
    w->previous_date = pack_model__dup(x, bm->previous_date);
    return w;
}

static Safer__AgendaItem **pm_agenda(struct pm_load *x, const board_agenda *a, size_t *n)
{
    Safer__AgendaItem **v = pack_model__alloc(x, a->n, sizeof(*v));

    *n = 0;
    for (size_t i = 0; v && i < a->n; i++) {
        Safer__AgendaItem *it = pack_model__alloc(x, 1, sizeof(*it));

        if (it == NULL)
            break;
        safer__agenda_item__init(it);
        v[i] = it;
        *n = i + 1;
        it->number = a->items[i].number;
        it->title = pack_model__dup(x, a->items[i].title);
        it->kind = (Safer__ItemKind)a->items[i].kind;
        it->group_code = pack_model__dup(x, a->items[i].group_code);
    }
    return v;
}

/* ---- records ------------------------------------------------------------------- */

static int pm_minutes(struct pm_load *x, int64_t meeting_id)
{
    Safer__PackModel *m = x->m;
    board_minute *rows = NULL;
    size_t n = 0;
    int rc = board_minutes_list(x->st, meeting_id, &rows, &n);

    if (rc < 0)
        return rc;
    m->previous_minutes = pack_model__alloc(x, n, sizeof(*m->previous_minutes));
    for (size_t i = 0; m->previous_minutes && i < n; i++) {
        Safer__Minute *w = pack_model__alloc(x, 1, sizeof(*w));

        if (w == NULL)
            break;
        safer__minute__init(w);
        m->previous_minutes[i] = w;
        m->n_previous_minutes = i + 1;
        w->item = rows[i].item;
        w->text = pack_model__dup(x, rows[i].text);
    }
    board_minutes_free(rows, n);
    return 0;
}

static int pm_attendance(struct pm_load *x, int64_t meeting_id)
{
    Safer__PackModel *m = x->m;
    board_attendance *rows = NULL;
    size_t n = 0;
    int rc = board_attendance_list(x->st, meeting_id, &rows, &n);

    if (rc < 0)
        return rc;
    m->attendance = pack_model__alloc(x, n, sizeof(*m->attendance));
    for (size_t i = 0; m->attendance && i < n; i++) {
        Safer__Attendance *w = pack_model__alloc(x, 1, sizeof(*w));

        if (w == NULL)
            break;
        safer__attendance__init(w);
        m->attendance[i] = w;
        m->n_attendance = i + 1;
        w->initials = pack_model__dup(x, rows[i].initials);
        w->name = pack_model__dup(x, rows[i].name);
        w->agency_code = pack_model__dup(x, rows[i].agency_code);
        w->presence = (Safer__Presence)rows[i].presence;
        w->substitute = pack_model__dup(x, rows[i].substitute);
    }
    free(rows);
    return 0;
}

static const char *pm_owner_at(const void *src, size_t i)
{
    return ((const papers_action *)src)->owners[i];
}

static Safer__Action *pm_action(struct pm_load *x, const papers_action *a)
{
    Safer__Action *w = pack_model__alloc(x, 1, sizeof(*w));

    if (w == NULL)
        return NULL;
    safer__action__init(w);
    w->id = a->id;
    w->meeting_date = pack_model__dup(x, a->date);
    w->item = a->item;
    w->text = pack_model__dup(x, a->text);
    w->owners = pack_model__strings(x, a->nowners, pm_owner_at, a, &w->n_owners);
    w->all = a->all;
    w->due = pack_model__dup(x, a->due);
    w->status = (Safer__ActionStatus)a->status;
    w->carried = a->carried;
    w->updates = pack_model__alloc(x, a->nupdates, sizeof(*w->updates));
    for (size_t i = 0; w->updates && i < a->nupdates; i++) {
        Safer__ActionUpdate *u = pack_model__alloc(x, 1, sizeof(*u));

        if (u == NULL)
            break;
        safer__action_update__init(u);
        w->updates[i] = u;
        w->n_updates = i + 1;
        u->ts = a->updates[i].ts;
        u->by = pack_model__dup(x, a->updates[i].by);
        u->status = (Safer__ActionStatus)a->updates[i].status;
        u->note = pack_model__dup(x, a->updates[i].note);
    }
    return w;
}

/* The day before date, so that `carried` counts the meetings before this one only. */
static int pm_day_before(const char *date, char out[BOARD_DATE_LEN + 1])
{
    int64_t end;

    if (board_day_end(date, &end) < 0)
        return SAFER_E_INVAL;
    return board_date_of(end - 86400, out);
}

/*
 * Matters arising: actions open now and raised at an earlier meeting, by id.
 * Their carried count is taken as of the day before this meeting: the
 * meetings after their own that they stayed open past.
 */
static int pm_actions(struct pm_load *x, int64_t *latest)
{
    Safer__PackModel *m = x->m;
    char before[BOARD_DATE_LEN + 1];
    papers_action_filter f = { .open_only = 1, .today = before };
    papers_action *rows = NULL;
    size_t n = 0, k = 0;
    int rc = pm_day_before(x->date, before);

    if (rc == 0)
        rc = papers_action_list(x->st, &f, &rows, &n);
    if (rc < 0)
        return rc;
    m->matters_arising = pack_model__alloc(x, n, sizeof(*m->matters_arising));
    for (size_t i = 0; m->matters_arising && i < n; i++) {
        if (strcmp(rows[i].date, x->date) >= 0)
            continue;
        m->matters_arising[k] = pm_action(x, &rows[i]);
        if (m->matters_arising[k] == NULL)
            break;
        m->n_matters_arising = ++k;
        for (size_t u = 0; u < rows[i].nupdates; u++) {
            if (rows[i].updates[u].ts > *latest)
                *latest = rows[i].updates[u].ts;
        }
    }
    papers_action_list_free(rows, n);
    return 0;
}

static int pm_returns(struct pm_load *x, papers_return_row **rows, size_t *n)
{
    Safer__PackModel *m = x->m;
    char deadline[BOARD_DATE_LEN + 1];
    char why[PAPERS_WHY_MAX];
    int rc = papers_returns(x->st, x->date, NULL, deadline, rows, n, why, sizeof(why));

    if (rc < 0)
        return rc;
    m->returns = pack_model__alloc(x, *n, sizeof(*m->returns));
    for (size_t i = 0; m->returns && i < *n; i++) {
        Safer__ReturnRow *w = pack_model__alloc(x, 1, sizeof(*w));

        if (w == NULL)
            break;
        safer__return_row__init(w);
        m->returns[i] = w;
        m->n_returns = i + 1;
        w->group_code = pack_model__dup(x, (*rows)[i].group);
        w->agency_code = pack_model__dup(x, (*rows)[i].agency);
        w->status = (Safer__ReturnStatus)(*rows)[i].status;
        w->submitted = (*rows)[i].submitted;
        w->version = (*rows)[i].version;
    }
    return 0;
}

static const char *pm_group_agency_at(const void *src, size_t i)
{
    return ((const board_group *)src)->agencies[i];
}

/* Every task group and every agency, by code. */
static int pm_groups_agencies(struct pm_load *x)
{
    Safer__PackModel *m = x->m;
    board_group *g = NULL;
    people_agency *a = NULL;
    size_t ng = 0, na = 0;
    int rc = board_group_list(x->st, &g, &ng);

    if (rc == 0)
        rc = people_agency_list(x->st, &a, &na);
    if (rc < 0)
        goto out;
    m->groups = pack_model__alloc(x, ng, sizeof(*m->groups));
    for (size_t i = 0; m->groups && i < ng; i++) {
        Safer__TaskGroup *w = pack_model__alloc(x, 1, sizeof(*w));

        if (w == NULL)
            break;
        safer__task_group__init(w);
        m->groups[i] = w;
        m->n_groups = i + 1;
        w->code = pack_model__dup(x, g[i].code);
        w->name = pack_model__dup(x, g[i].name);
        w->agencies
            = pack_model__strings(x, g[i].nagencies, pm_group_agency_at, &g[i], &w->n_agencies);
    }
    m->agencies = pack_model__alloc(x, na, sizeof(*m->agencies));
    for (size_t i = 0; m->agencies && i < na; i++) {
        Safer__Agency *w = pack_model__alloc(x, 1, sizeof(*w));

        if (w == NULL)
            break;
        safer__agency__init(w);
        m->agencies[i] = w;
        m->n_agencies = i + 1;
        w->code = pack_model__dup(x, a[i].code);
        w->name = pack_model__dup(x, a[i].name);
        /* The head count is left out: a new person is not a change to the pack. */
        w->active = a[i].active;
    }
out:
    free(g);
    free(a);
    return rc;
}

/* ---- the meeting and its neighbours ----------------------------------------------- */

/* The meeting on date with its agenda, the one before with its minutes, and the next. */
static int pm_meetings(struct pm_load *x, board_meeting *cur, board_agenda *agenda)
{
    Safer__PackModel *m = x->m;
    board_meeting *other = calloc(1, sizeof(*other));
    board_agenda *oa = calloc(1, sizeof(*oa));
    int rc = SAFER_E_NOMEM;

    if (other == NULL || oa == NULL)
        goto out;
    rc = board_meeting_get(x->st, x->date, x->today, cur, agenda);
    if (rc < 0)
        goto out;
    m->meeting = pm_meeting(x, cur);
    m->agenda = pm_agenda(x, agenda, &m->n_agenda);
    if (cur->previous_date[0]) {
        rc = board_meeting_get(x->st, cur->previous_date, x->today, other, oa);
        if (rc < 0)
            goto out;
        m->previous = pm_meeting(x, other);
        m->previous_agenda = pm_agenda(x, oa, &m->n_previous_agenda);
        m->previous_minutes_approved = other->approved_at[0] != '\0';
        rc = pm_minutes(x, other->id);
        if (rc < 0)
            goto out;
    }
    if (cur->next_date[0]) {
        rc = board_meeting_get(x->st, cur->next_date, x->today, other, NULL);
        if (rc < 0)
            goto out;
        m->next = pm_meeting(x, other);
    }
    rc = 0;
out:
    free(other);
    free(oa);
    return rc;
}

/* ---- the load ------------------------------------------------------------------------ */

static int pm_ts_row(void *ctx, const store_val *c, size_t n)
{
    if (n != 1 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    *(int64_t *)ctx = c[0].i;
    return 0;
}

/*
 * The partnership's name ("" if it has none) and the newest change audited
 * against this meeting or the one before it (whose minutes the pack holds).
 * Only changes the pack shows may move its "as at" time: an unrelated change
 * elsewhere in the partnership must not change a draft's bytes.
 */
static int pm_settings(struct pm_load *x, int64_t *latest)
{
    const char *prev = x->m->previous && x->m->previous->date ? x->m->previous->date : "";
    store_val args[2] = { SV_TEXT(x->m->meeting->date), SV_TEXT(prev) };
    char name[SETTINGS_VALUE_MAX];
    int64_t ts = 0;
    int rc = settings_get(x->st, SETTINGS_PARTNERSHIP, name, sizeof(name));

    if (rc == SAFER_E_NOTFOUND) {
        name[0] = '\0';
        rc = 0;
    }
    if (rc < 0)
        return rc;
    x->m->partnership = pack_model__dup(x, name);
    rc = store_read(x->st, ST_PACK_AS_AT, args, 2, pm_ts_row, &ts);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (ts > *latest)
        *latest = ts;
    return 0;
}

/* Everything after the meetings, in the order the model lists it. */
static int pm_contents(struct pm_load *x, const board_meeting *cur, const board_agenda *agenda)
{
    papers_return_row *rows = NULL;
    size_t nrows = 0;
    int64_t latest = 0;
    int rc;

    if ((rc = pm_settings(x, &latest)) < 0 || (rc = pm_attendance(x, cur->id)) < 0
        || (rc = pm_actions(x, &latest)) < 0 || (rc = pm_returns(x, &rows, &nrows)) < 0
        || (rc = people_person_list(x->st, &x->people, &x->npeople)) < 0
        || (rc = pack_model__papers(x, agenda, rows, nrows, &latest)) < 0
        || (rc = pack_model__series(x)) < 0 || (rc = pm_groups_agencies(x)) < 0)
        goto out;
    x->m->built = latest;
out:
    free(rows);
    return rc;
}

int pack_model_load(store *st, const char *date, int64_t now, Safer__PackModel **out)
{
    struct pm_load x = { .st = st, .date = date };
    board_meeting *cur = calloc(1, sizeof(*cur));
    board_agenda *agenda = calloc(1, sizeof(*agenda));
    int rc = SAFER_E_NOMEM;

    *out = NULL;
    x.m = calloc(1, sizeof(*x.m));
    if (cur == NULL || agenda == NULL || x.m == NULL)
        goto out;
    safer__pack_model__init(x.m);
    rc = SAFER_E_INVAL;
    if (board_date_parse(date, NULL, NULL, NULL) < 0 || board_date_of(now, x.today) < 0)
        goto out;
    rc = pm_meetings(&x, cur, agenda);
    if (rc == 0)
        rc = pm_contents(&x, cur, agenda);
    if (rc == 0)
        rc = x.rc;
    if (rc == 0) {
        *out = x.m;
        x.m = NULL;
    }
out:
    pack_model_free(x.m);
    free(x.people);
    free(cur);
    free(agenda);
    return rc;
}

void pack_model_free(Safer__PackModel *m)
{
    if (m != NULL)
        safer__pack_model__free_unpacked(m, NULL);
}

int pack_model_pack(const Safer__PackModel *m, uint8_t **out, size_t *len)
{
    size_t n = safer__pack_model__get_packed_size(m);
    /* One extra byte so that an empty model still gets a real buffer. */
    uint8_t *buf = malloc(n + 1);

    if (buf == NULL)
        return SAFER_E_NOMEM;
    *len = safer__pack_model__pack(m, buf);
    *out = buf;
    return 0;
}

/* Unpacking draws on a budget; freeing is plain free, as for a loaded model. */
static void *pm_budget_alloc(void *data, size_t size)
{
    size_t *left = data;

    if (size > *left)
        return NULL;
    *left -= size;
    return malloc(size);
}

static void pm_budget_free(void *data, void *p)
{
    (void)data;
    free(p);
}

int pack_model_unpack(const uint8_t *buf, size_t len, Safer__PackModel **out)
{
    /* The decoded form takes more than the wire form, but not this much more. */
    size_t left = 4 * len + 1024 * 1024;
    ProtobufCAllocator a = { pm_budget_alloc, pm_budget_free, &left };

    *out = NULL;
    if (len > PACK_MODEL_MAX)
        return SAFER_E_TOOBIG;
    *out = safer__pack_model__unpack(&a, len, buf);
    return *out ? 0 : SAFER_E_INVAL;
}
