/*
 * The agenda jobs behind board.h: add, move and remove items. Positions are
 * renumbered 1..N after every change by rewriting the positions of the items
 * in their new order, inside the job's transaction, so an agenda is never
 * seen half-renumbered.
 */
#include "server/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/board_priv.h"
#include "server/people.h"

/* ---- agenda --------------------------------------------------------------- */

/* A meeting's agenda as the job sees it, in order (ST_AGENDA_LIST rows). */
struct agenda_rows {
    size_t n;
    int64_t id[BOARD_AGENDA_MAX + 1];
    int kind[BOARD_AGENDA_MAX + 1];
    int64_t group_id[BOARD_AGENDA_MAX + 1];
    char title[BOARD_AGENDA_MAX + 1][BOARD_ITEM_TITLE_MAX + 1];
};

static int board_agenda_fill(void *ctx, const store_val *c, size_t n)
{
    struct agenda_rows *a = ctx;

    if (n != 6 || c[0].type != STORE_INT || c[3].type != STORE_INT || c[2].type != STORE_TEXT
        || a->n == BOARD_AGENDA_MAX + 1)
        return SAFER_E_DB;
    a->id[a->n] = c[0].i;
    a->kind[a->n] = (int)c[3].i;
    a->group_id[a->n] = c[4].type == STORE_INT ? c[4].i : 0;
    snprintf(a->title[a->n], sizeof(a->title[a->n]), "%s", (const char *)c[2].p);
    a->n++;
    return 0;
}

static int board_agenda_load(store_tx *tx, int64_t meeting_id, struct agenda_rows *a)
{
    const store_val args[] = { SV_INT(meeting_id) };
    int rc;

    a->n = 0;
    rc = store_tx_exec(tx, ST_AGENDA_LIST, args, 1, board_agenda_fill, a);
    return rc > 0 ? SAFER_E_DB : rc;
}

/* Writes positions 1..n in the order of a. */
static int board_agenda_renumber(store_tx *tx, const struct agenda_rows *a)
{
    for (size_t i = 0; i < a->n; i++) {
        const store_val args[] = { SV_INT(i + 1), SV_INT(a->id[i]) };
        int rc = store_tx_exec(tx, ST_AGENDA_SET_POSITION, args, 2, NULL, NULL);

        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Moves entry from (0-based) to index to, shifting those between. */
static void board_agenda_shift(struct agenda_rows *a, size_t from, size_t to)
{
    int64_t id = a->id[from], group_id = a->group_id[from];
    int kind = a->kind[from];
    char title[BOARD_ITEM_TITLE_MAX + 1];

    memcpy(title, a->title[from], sizeof(title));
    while (from != to) {
        size_t next = from < to ? from + 1 : from - 1;

        a->id[from] = a->id[next];
        a->kind[from] = a->kind[next];
        a->group_id[from] = a->group_id[next];
        memcpy(a->title[from], a->title[next], sizeof(title));
        from = next;
    }
    a->id[to] = id;
    a->kind[to] = kind;
    a->group_id[to] = group_id;
    memcpy(a->title[to], title, sizeof(title));
}

/* Loads the agenda of an unlocked meeting, or refuses; *mid is the meeting id. */
static int board_agenda_open(store_tx *tx, board_job *j, int64_t *mid, struct agenda_rows **out)
{
    struct board_mrow r;
    int rc = board__open_meeting(tx, j, &r);

    *out = NULL;
    if (rc < 0)
        return rc;
    *mid = r.id;
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return SAFER_E_NOMEM;
    return board_agenda_load(tx, r.id, *out);
}

/* Checks a new item's kind and group; sets *group_id (0 for none). */
static int board_agenda_new_kind(
    store_tx *tx, board_job *j, const struct agenda_rows *a, int64_t *group_id)
{
    int rc;

    *group_id = 0;
    if (j->kind < BOARD_ITEM_OTHER || j->kind > BOARD_ITEM_NEXT_MEETING) {
        snprintf(j->why, sizeof(j->why), "agenda item kind %d is unknown", j->kind);
        return SAFER_E_INVAL;
    }
    if (j->kind != BOARD_ITEM_GROUP) {
        if (j->code[0] == '\0')
            return 0;
        snprintf(j->why, sizeof(j->why), "only a task group item names a task group");
        return SAFER_E_INVAL;
    }
    if ((rc = board_group_code_check(j->code, j->why, sizeof(j->why))) < 0)
        return rc;
    rc = board_group_id_tx(tx, j->code, group_id);
    if (rc == SAFER_E_NOTFOUND)
        snprintf(j->why, sizeof(j->why), "no task group with code '%s'", j->code);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < a->n; i++) {
        if (a->group_id[i] == *group_id) {
            snprintf(j->why, sizeof(j->why), "task group '%s' is already item %zu of %s", j->code,
                i + 1, j->date);
            return SAFER_E_EXISTS;
        }
    }
    return 0;
}

/* Where a new item goes (0-based): j->to, or just before AOB (else the end). */
static int board_agenda_new_at(board_job *j, const struct agenda_rows *a, size_t *at)
{
    if (j->to == 0) {
        *at = a->n;
        for (size_t i = 0; i < a->n; i++) {
            if (a->kind[i] == BOARD_ITEM_AOB) {
                *at = i;
                break;
            }
        }
        return 0;
    }
    if (j->to > a->n + 1) {
        snprintf(
            j->why, sizeof(j->why), "position %u is outside 1..%zu", (unsigned)j->to, a->n + 1);
        return SAFER_E_INVAL;
    }
    *at = j->to - 1;
    return 0;
}

int board_agenda_add_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    struct agenda_rows *a = NULL;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    int64_t mid, group_id;
    size_t at;
    int rc;

    if ((rc = people_check_text(
             "agenda item title", j->title, BOARD_ITEM_TITLE_MAX, j->why, sizeof(j->why)))
            < 0
        || (rc = board_agenda_open(tx, j, &mid, &a)) < 0
        || (rc = board_agenda_new_kind(tx, j, a, &group_id)) < 0
        || (rc = board_agenda_new_at(j, a, &at)) < 0)
        goto out;
    rc = SAFER_E_LIMIT;
    if (a->n >= BOARD_AGENDA_MAX) {
        snprintf(j->why, sizeof(j->why), "an agenda has at most %d items", BOARD_AGENDA_MAX);
        goto out;
    }
    if ((rc = board__item_insert(tx, mid, (uint32_t)a->n + 1, j->title, j->kind, group_id)) < 0)
        goto out;
    a->id[a->n] = store_tx_last_id(tx);
    a->n++;
    board_agenda_shift(a, a->n - 1, at);
    if ((rc = board_agenda_renumber(tx, a)) < 0)
        goto out;
    j->number = (uint32_t)at + 1;
    snprintf(detail, sizeof(detail), "added item %zu '%s'", at + 1, j->title);
    snprintf(object, sizeof(object), "meeting:%s", j->date);
    rc = board__audit(tx, j, "agenda.add", object, detail);
out:
    free(a);
    return rc;
}

/* Refuses an item number the agenda does not have. */
static int board_agenda_has(board_job *j, const struct agenda_rows *a, uint32_t number)
{
    if (number >= 1 && number <= a->n)
        return 0;
    snprintf(j->why, sizeof(j->why), "the agenda of %s has no item %u (it has %zu)", j->date,
        (unsigned)number, a->n);
    return SAFER_E_NOTFOUND;
}

int board_agenda_move_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    struct agenda_rows *a = NULL;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    int64_t mid;
    int rc;

    if ((rc = board_agenda_open(tx, j, &mid, &a)) < 0
        || (rc = board_agenda_has(j, a, j->number)) < 0)
        goto out;
    if (j->to < 1 || j->to > a->n) {
        snprintf(j->why, sizeof(j->why), "position %u is outside 1..%zu", (unsigned)j->to, a->n);
        rc = SAFER_E_INVAL;
        goto out;
    }
    snprintf(detail, sizeof(detail), "moved item %u '%s' to %u", (unsigned)j->number,
        a->title[j->number - 1], (unsigned)j->to);
    board_agenda_shift(a, j->number - 1, j->to - 1);
    if ((rc = board_agenda_renumber(tx, a)) < 0)
        goto out;
    snprintf(object, sizeof(object), "meeting:%s", j->date);
    rc = board__audit(tx, j, "agenda.move", object, detail);
out:
    free(a);
    return rc;
}

/* Refuses to remove an item that papers, minutes or actions hang on. */
static int board_agenda_removable(
    store_tx *tx, board_job *j, const struct agenda_rows *a, int64_t mid, size_t i)
{
    int64_t use[2] = { 0, 0 };
    int rc;

    if (a->kind[i] == BOARD_ITEM_GROUP && a->group_id[i]) {
        const store_val args[] = { SV_INT(mid), SV_INT(a->group_id[i]) };
        int64_t papers = 0;

        rc = store_tx_exec(tx, ST_AGENDA_PAPERS, args, 2, board__count_row, &papers);
        if (rc != 0)
            return rc < 0 ? rc : SAFER_E_DB;
        if (papers > 0) {
            snprintf(j->why, sizeof(j->why),
                "item %zu '%s' has papers submitted and cannot be removed", i + 1, a->title[i]);
            return SAFER_E_PRECOND;
        }
    }
    {
        const store_val args[] = { SV_INT(a->id[i]), SV_INT(a->id[i]) };
        rc = store_tx_exec(tx, ST_AGENDA_ITEM_USE, args, 2, board__count_row, use);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (use[0] > 0 || use[1] > 0) {
        snprintf(j->why, sizeof(j->why), "item %zu '%s' has %s and cannot be removed", i + 1,
            a->title[i], use[1] > 0 ? "actions raised at it" : "minutes");
        return SAFER_E_PRECOND;
    }
    return 0;
}

int board_agenda_remove_job(store_tx *tx, void *arg)
{
    board_job *j = arg;
    struct agenda_rows *a = NULL;
    char detail[BOARD_DETAIL_MAX], object[BOARD_OBJECT_MAX];
    int64_t mid;
    size_t i;
    int rc;

    if ((rc = board_agenda_open(tx, j, &mid, &a)) < 0
        || (rc = board_agenda_has(j, a, j->number)) < 0)
        goto out;
    i = j->number - 1;
    if ((rc = board_agenda_removable(tx, j, a, mid, i)) < 0)
        goto out;
    {
        const store_val args[] = { SV_INT(a->id[i]) };
        if ((rc = store_tx_exec(tx, ST_AGENDA_DELETE, args, 1, NULL, NULL)) < 0)
            goto out;
    }
    snprintf(detail, sizeof(detail), "removed item %zu '%s'", i + 1, a->title[i]);
    board_agenda_shift(a, i, a->n - 1);
    a->n--;
    if ((rc = board_agenda_renumber(tx, a)) < 0)
        goto out;
    snprintf(object, sizeof(object), "meeting:%s", j->date);
    rc = board__audit(tx, j, "agenda.remove", object, detail);
out:
    free(a);
    return rc;
}
