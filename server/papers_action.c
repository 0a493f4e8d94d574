/*
 * Actions behind papers.h: raised at a meeting's agenda item with owners (one
 * or more people, or ALL) and a due date, then updated (open, done, dropped)
 * with a note. Each change is one write job with its audit row. The carried
 * count (meetings after the action's own, up to today, while it stayed open)
 * is worked out by the store's statements from the dates alone, so it needs
 * no upkeep when a meeting is added.
 *
 * Sections: checks; reading actions; jobs; list.
 */
#include "server/papers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/people.h"

#define PAPERS_DETAIL_MAX 512

/* ---- checks -------------------------------------------------------------------- */

int papers_action_add_check(const papers_action_job *j, char *why, size_t why_len)
{
    if (board_date_check(j->date, why, why_len) < 0 || board_date_check(j->due, why, why_len) < 0
        || people_check_text("action text", j->text, PAPERS_ACTION_TEXT_MAX, why, why_len) < 0)
        return SAFER_E_INVAL;
    if (j->item == 0) {
        snprintf(why, why_len, "an agenda item number (1 or more) is required");
        return SAFER_E_INVAL;
    }
    if (j->all == (j->nowners > 0) || j->nowners > PAPERS_OWNERS_MAX) {
        snprintf(
            why, why_len, "an action needs 1 to %d owners by initials, or ALL", PAPERS_OWNERS_MAX);
        return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < j->nowners; i++) {
        if (people_check_initials(j->owners[i], why, why_len) < 0)
            return SAFER_E_INVAL;
    }
    return 0;
}

int papers_action_update_check(const papers_action_job *j, char *why, size_t why_len)
{
    if (j->id <= 0) {
        snprintf(why, why_len, "action id %lld is not valid", (long long)j->id);
        return SAFER_E_INVAL;
    }
    if (j->status < PAPERS_OPEN || j->status > PAPERS_DROPPED) {
        snprintf(why, why_len, "an action status (open, done, dropped) is required");
        return SAFER_E_INVAL;
    }
    if (j->note[0] && people_check_text("note", j->note, PAPERS_NOTE_MAX, why, why_len) < 0)
        return SAFER_E_INVAL;
    if (board_date_check(j->today, why, why_len) < 0)
        return SAFER_E_INVAL;
    return 0;
}

/* ---- reading actions ------------------------------------------------------------- */

static int papers_col(char *dst, size_t cap, const store_val *v)
{
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

/* ST_ACTION_GET / _LIST: id, date, item, text, all, due, status, carried. */
static int papers_action_fill(papers_action *a, const store_val *c, size_t n)
{
    if (n != 8 || c[0].type != STORE_INT || c[2].type != STORE_INT || c[4].type != STORE_INT
        || c[6].type != STORE_INT || c[7].type != STORE_INT
        || papers_col(a->date, sizeof(a->date), &c[1]) < 0
        || papers_col(a->text, sizeof(a->text), &c[3]) < 0
        || papers_col(a->due, sizeof(a->due), &c[5]) < 0)
        return SAFER_E_DB;
    a->id = c[0].i;
    a->item = (uint32_t)c[2].i;
    a->all = c[4].i != 0;
    a->status = (int)c[6].i;
    a->carried = (uint32_t)c[7].i;
    return 0;
}

static int papers_owner_row(void *ctx, const store_val *c, size_t n)
{
    papers_action *a = ctx;

    if (n != 1 || a->nowners == PAPERS_OWNERS_MAX
        || papers_col(a->owners[a->nowners], sizeof(a->owners[0]), &c[0]) < 0)
        return SAFER_E_DB;
    a->nowners++;
    return 0;
}

static int papers_update_row(void *ctx, const store_val *c, size_t n)
{
    papers_action *a = ctx;
    papers_update *u;

    if (a->nupdates == PAPERS_UPDATES_MAX)
        return SAFER_E_DB;
    /* Room doubles from 4 whenever the count reaches a power of two (4, 8, 16, ...). */
    if (a->nupdates == 0 || (a->nupdates >= 4 && (a->nupdates & (a->nupdates - 1)) == 0)) {
        size_t cap = a->nupdates ? a->nupdates * 2 : 4;
        papers_update *grown = realloc(a->updates, cap * sizeof(*grown));

        if (grown == NULL)
            return SAFER_E_NOMEM;
        a->updates = grown;
    }
    u = &a->updates[a->nupdates];
    memset(u, 0, sizeof(*u));
    if (n != 4 || c[0].type != STORE_INT || c[2].type != STORE_INT
        || papers_col(u->by, sizeof(u->by), &c[1]) < 0
        || papers_col(u->note, sizeof(u->note), &c[3]) < 0)
        return SAFER_E_DB;
    u->ts = c[0].i;
    u->status = (int)c[2].i;
    a->nupdates++;
    return 0;
}

/* Adds the owners and the latest PAPERS_UPDATES_MAX updates of a (id set). */
static int papers_action_parts(const papers_db *db, papers_action *a)
{
    int rc;

    a->nowners = 0;
    a->nupdates = 0;
    {
        const store_val args[] = { SV_INT(a->id) };
        rc = papers_exec(db, ST_ACTION_OWNERS, args, 1, papers_owner_row, a);
    }
    if (rc == 0) {
        const store_val args[] = { SV_INT(a->id), SV_INT(PAPERS_UPDATES_MAX) };
        rc = papers_exec(db, ST_ACTION_UPDATES, args, 2, papers_update_row, a);
    }
    return rc > 0 ? SAFER_E_DB : rc;
}

struct papers_one_action {
    int found;
    papers_action *a;
};

static int papers_action_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_one_action *o = ctx;

    o->found = 1;
    return papers_action_fill(o->a, c, n);
}

void papers_action_clear(papers_action *a)
{
    if (a == NULL)
        return;
    free(a->updates);
    a->updates = NULL;
    a->nupdates = 0;
}

void papers_action_list_free(papers_action *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        papers_action_clear(&a[i]);
    free(a);
}

static int papers_action_load(const papers_db *db, int64_t id, const char *today,
    papers_action *out, char *why, size_t why_len)
{
    const store_val args[] = { SV_TEXT(today), SV_INT(id) };
    struct papers_one_action o = { .a = out };
    int rc;

    papers_action_clear(out);
    memset(out, 0, sizeof(*out));
    rc = papers_exec(db, ST_ACTION_GET, args, 2, papers_action_row, &o);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!o.found) {
        snprintf(why, why_len, "no action with id %lld", (long long)id);
        return SAFER_E_NOTFOUND;
    }
    rc = papers_action_parts(db, out);
    if (rc < 0)
        papers_action_clear(out);
    return rc;
}

int papers_action_get(
    store *st, int64_t id, const char *today, papers_action *out, char *why, size_t why_len)
{
    const papers_db db = { .st = st };

    memset(out, 0, sizeof(*out));
    return papers_action_load(&db, id, today, out, why, why_len);
}

/* ---- jobs ------------------------------------------------------------------------ */

/* A person by initials who must exist and be active: their id in *id. */
static int papers_person_row(void *ctx, const store_val *c, size_t n)
{
    int64_t *out = ctx; /* [0] id, [1] active */

    if (n != 8 || c[0].type != STORE_INT || c[4].type != STORE_INT)
        return SAFER_E_DB;
    out[0] = c[0].i;
    out[1] = c[4].i;
    return 0;
}

static int papers_owner_id(store_tx *tx, const char *initials, int64_t *id, char *why, size_t len)
{
    const store_val args[] = { SV_TEXT(initials) };
    int64_t row[2] = { 0, 0 };
    int rc = store_tx_exec(tx, ST_PERSON_BY_INITIALS, args, 1, papers_person_row, row);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (row[0] == 0) {
        snprintf(why, len, "no person with initials '%s'", initials);
        return SAFER_E_NOTFOUND;
    }
    if (!row[1]) {
        snprintf(why, len, "%s is deactivated and cannot own an action", initials);
        return SAFER_E_PRECOND;
    }
    *id = row[0];
    return 0;
}

/* The owner column of an audit detail: "DP/MA" or "ALL". */
static void papers_owners_text(const papers_action_job *j, char *out, size_t len)
{
    size_t used = 0;

    snprintf(out, len, "%s", j->all ? "ALL" : "");
    for (size_t i = 0; !j->all && i < j->nowners && used < len; i++) {
        int k = snprintf(out + used, len - used, "%s%s", i ? "/" : "", j->owners[i]);

        if (k < 0)
            break;
        used += (size_t)k;
    }
}

/* Inserts the action row and its owners; the new id in j->id. */
static int papers_action_insert(store_tx *tx, papers_action_job *j, int64_t meeting_id)
{
    int64_t item_id = 0, owner = 0;
    int rc = board_item_id_tx(tx, meeting_id, j->item, &item_id, NULL, NULL);

    if (rc == SAFER_E_NOTFOUND)
        snprintf(j->why, sizeof(j->why), "the meeting on %s has no agenda item %u", j->date,
            (unsigned)j->item);
    if (rc < 0)
        return rc;
    {
        const store_val args[] = { SV_INT(meeting_id), SV_INT(item_id), SV_TEXT(j->text),
            SV_INT(j->all ? 1 : 0), SV_TEXT(j->due), SV_INT(j->now), SV_INT(j->actor_id) };
        rc = store_tx_exec(tx, ST_ACTION_INSERT, args, 7, NULL, NULL);
    }
    if (rc < 0)
        return rc == SAFER_E_EXISTS ? SAFER_E_DB : rc;
    j->id = store_tx_last_id(tx);
    for (size_t i = 0; i < j->nowners; i++) {
        if ((rc = papers_owner_id(tx, j->owners[i], &owner, j->why, sizeof(j->why))) < 0)
            return rc;
        const store_val args[] = { SV_INT(j->id), SV_INT(owner) };
        if ((rc = store_tx_exec(tx, ST_ACTION_OWNER_ADD, args, 2, NULL, NULL)) < 0)
            return rc;
    }
    return 0;
}

int papers_action_add_job(store_tx *tx, void *ctx)
{
    papers_action_job *j = ctx;
    const papers_db db = { .tx = tx };
    char detail[PAPERS_DETAIL_MAX];
    char owners[PAPERS_OWNERS_MAX * (IDENT_INITIALS_MAX + 1) + 4];
    char object[32];
    int64_t meeting_id = 0;
    int rc;

    if ((rc = papers_action_add_check(j, j->why, sizeof(j->why))) < 0
        || (rc = board_date_check(j->today, j->why, sizeof(j->why))) < 0)
        return rc;
    rc = board_meeting_id_tx(tx, j->date, &meeting_id);
    if (rc == SAFER_E_NOTFOUND)
        snprintf(j->why, sizeof(j->why), "there is no meeting on %s", j->date);
    if (rc < 0 || (rc = papers_action_insert(tx, j, meeting_id)) < 0
        || (rc = papers_action_load(&db, j->id, j->today, &j->action, j->why, sizeof(j->why))) < 0)
        return rc;
    papers_owners_text(j, owners, sizeof(owners));
    snprintf(detail, sizeof(detail), "raised at %s item %u, owners %s, due %s", j->date,
        (unsigned)j->item, owners, j->due);
    snprintf(object, sizeof(object), "action:%lld", (long long)j->id);
    return audit_append(tx, j->now, j->actor, "action.add", object, detail);
}

static const char *papers_status_name(int status)
{
    return status == PAPERS_DONE ? "done" : status == PAPERS_DROPPED ? "dropped" : "open";
}

int papers_action_update_job(store_tx *tx, void *ctx)
{
    papers_action_job *j = ctx;
    const papers_db db = { .tx = tx };
    char detail[PAPERS_DETAIL_MAX];
    char object[32];
    int before, rc;

    if ((rc = papers_action_update_check(j, j->why, sizeof(j->why))) < 0
        || (rc = papers_action_load(&db, j->id, j->today, &j->action, j->why, sizeof(j->why))) < 0)
        return rc;
    before = j->action.status;
    {
        const store_val args[] = { SV_INT(j->status), SV_TEXT(j->today), SV_INT(j->id) };
        rc = store_tx_exec(tx, ST_ACTION_SET_STATUS, args, 3, NULL, NULL);
    }
    if (rc == 0) {
        const store_val args[] = { SV_INT(j->id), SV_INT(j->now), SV_INT(j->actor_id),
            SV_INT(j->status), SV_TEXT(j->note) };
        rc = store_tx_exec(tx, ST_ACTION_UPDATE_ADD, args, 5, NULL, NULL);
    }
    if (rc < 0
        || (rc = papers_action_load(&db, j->id, j->today, &j->action, j->why, sizeof(j->why))) < 0)
        return rc;
    /* The note may say more than the log should keep: its length only. */
    snprintf(detail, sizeof(detail), "status %s -> %s, note of %zu bytes",
        papers_status_name(before), papers_status_name(j->status), strlen(j->note));
    snprintf(object, sizeof(object), "action:%lld", (long long)j->id);
    return audit_append(tx, j->now, j->actor, "action.update", object, detail);
}

/* ---- list ------------------------------------------------------------------------ */

struct papers_action_read {
    papers_action *a;
    size_t n, cap;
};

static int papers_list_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_action_read *l = ctx;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        papers_action *grown;

        if (cap > PAPERS_LIST_MAX)
            cap = PAPERS_LIST_MAX;
        if (cap <= l->n)
            return SAFER_E_LIMIT;
        grown = realloc(l->a, cap * sizeof(*grown));
        if (grown == NULL)
            return SAFER_E_NOMEM;
        l->a = grown;
        l->cap = cap;
    }
    memset(&l->a[l->n], 0, sizeof(l->a[0]));
    if (papers_action_fill(&l->a[l->n], c, n) < 0)
        return SAFER_E_DB;
    l->n++;
    return 0;
}

int papers_action_list(store *st, const papers_action_filter *f, papers_action **out, size_t *n)
{
    const papers_db db = { .st = st };
    struct papers_action_read l = { 0 };
    const store_val args[] = { SV_TEXT(f->today), SV_INT(f->open_only ? 1 : 0), SV_INT(f->mine),
        SV_INT(f->overdue ? 1 : 0), SV_INT(PAPERS_LIST_MAX) };
    int rc = store_read(st, ST_ACTION_LIST, args, 5, papers_list_row, &l);

    /* Owners and updates are read once the list is complete: one statement at a time. */
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        rc = papers_action_parts(&db, &l.a[i]);
    if (rc != 0) {
        papers_action_list_free(l.a, l.n);
        *out = NULL;
        *n = 0;
        return rc < 0 ? rc : SAFER_E_DB;
    }
    *out = l.a;
    *n = l.n;
    return 0;
}
