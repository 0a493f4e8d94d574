/*
 * The returns table of a meeting and the ownership rules of papers.h, which
 * dispatch_check runs before a handler: a lead submits only for groups their
 * agency is in, a restricted report is read only by the agencies it names
 * (and its own), and an action is updated by its owners. Both read on the
 * store's read connection.
 */
#include "server/papers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/people.h"

/* ---- returns --------------------------------------------------------------------- */

struct papers_returns_read {
    const char *agency; /* only this agency's rows, or NULL */
    papers_return_row *rows;
    size_t n, cap;
};

static int papers_col(char *dst, size_t cap, const store_val *v)
{
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

/* group, agency, withdrawn, latest version, first submitted, first late (NULLs if none). */
static int papers_return_fill(papers_return_row *r, const store_val *c, size_t n)
{
    if (n != 6 || papers_col(r->group, sizeof(r->group), &c[0]) < 0
        || papers_col(r->agency, sizeof(r->agency), &c[1]) < 0)
        return SAFER_E_DB;
    if (c[2].type != STORE_INT || c[2].i != 0 || c[3].type != STORE_INT || c[4].type != STORE_INT
        || c[5].type != STORE_INT) {
        /* No report, no version, or withdrawn: the return is missing. */
        r->status = PAPERS_MISSING;
        return 0;
    }
    r->version = (uint32_t)c[3].i;
    r->submitted = c[4].i;
    r->status = c[5].i ? PAPERS_LATE : PAPERS_ON_TIME;
    return 0;
}

static int papers_returns_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_returns_read *l = ctx;
    papers_return_row r;

    memset(&r, 0, sizeof(r));
    if (papers_return_fill(&r, c, n) < 0)
        return SAFER_E_DB;
    if (l->agency && strcmp(l->agency, r.agency) != 0)
        return 0;
    if (l->n == PAPERS_LIST_MAX)
        return SAFER_E_LIMIT;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        papers_return_row *grown = realloc(l->rows, cap * sizeof(*grown));

        if (grown == NULL)
            return SAFER_E_NOMEM;
        l->rows = grown;
        l->cap = cap;
    }
    l->rows[l->n++] = r;
    return 0;
}

struct papers_meeting {
    int64_t id;
    char deadline[BOARD_DATE_LEN + 1];
};

static int papers_meeting_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_meeting *m = ctx;

    if (n != 2 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    m->id = c[0].i;
    return papers_col(m->deadline, sizeof(m->deadline), &c[1]);
}

int papers_returns(store *st, const char *date, const char *agency,
    char deadline[BOARD_DATE_LEN + 1], papers_return_row **rows, size_t *n, char *why,
    size_t why_len)
{
    struct papers_returns_read l = { .agency = agency };
    struct papers_meeting m = { 0 };
    int rc;

    *rows = NULL;
    *n = 0;
    if (board_date_check(date, why, why_len) < 0)
        return SAFER_E_INVAL;
    {
        const store_val args[] = { SV_TEXT(date) };
        rc = store_read(st, ST_REPORT_MEETING, args, 1, papers_meeting_row, &m);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (m.id == 0) {
        snprintf(why, why_len, "there is no meeting on %s", date);
        return SAFER_E_NOTFOUND;
    }
    snprintf(deadline, BOARD_DATE_LEN + 1, "%s", m.deadline);
    {
        const store_val args[] = { SV_INT(m.id) };
        rc = store_read(st, ST_RETURNS_LIST, args, 1, papers_returns_row, &l);
    }
    if (rc != 0) {
        free(l.rows);
        return rc < 0 ? rc : SAFER_E_DB;
    }
    *rows = l.rows;
    *n = l.n;
    return 0;
}

/* ---- ownership rules ---------------------------------------------------------------- */

static int papers_found_row(void *ctx, const store_val *c, size_t n)
{
    (void)c;
    (void)n;
    *(int *)ctx = 1;
    return 0;
}

int papers_rule_group_member(
    store *st, const char *agency, const char *group, char *why, size_t why_len)
{
    const store_val args[] = { SV_TEXT(group), SV_TEXT(agency) };
    int64_t gid = 0;
    int member = 0;
    int rc = board_group_id(st, group, &gid);

    /* An unknown group is the job's to report, with its own message. */
    if (rc == SAFER_E_NOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    rc = store_read(st, ST_REPORT_MEMBER_BY_CODE, args, 2, papers_found_row, &member);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (member)
        return 0;
    snprintf(why, why_len, "agency '%s' is not a member of task group '%s'", agency, group);
    return SAFER_E_PERM;
}

/* 1 if a version's restriction lets agency read it. */
static int papers_may_read(const papers_version *v, const char *agency)
{
    if (v->nrestrict == 0)
        return 1;
    for (size_t i = 0; i < v->nrestrict; i++) {
        if (strcmp(v->restrict_to[i], agency) == 0)
            return 1;
    }
    return 0;
}

static void papers_restricted(const papers_version *v, char *why, size_t why_len)
{
    size_t used;

    snprintf(why, why_len, "this report is restricted to ");
    used = strlen(why);
    for (size_t i = 0; i < v->nrestrict && used < why_len; i++) {
        int k = snprintf(why + used, why_len - used, "%s%s", i ? ", " : "", v->restrict_to[i]);

        if (k < 0)
            break;
        used += (size_t)k;
    }
}

int papers_rule_reader(store *st, const char *agency, const char *date, const char *group,
    const char *report_agency, uint32_t version, int every_version, char *why, size_t why_len)
{
    papers_report head;
    papers_version *v = NULL;
    size_t n = 0;
    char ignored[PAPERS_WHY_MAX];
    int rc;

    /* An agency always reads its own reports. */
    if (strcmp(agency, report_agency) == 0)
        return 0;
    rc = papers_report_history(
        st, date, group, report_agency, &head, &v, &n, ignored, sizeof(ignored));
    /* An unknown report or a bad input is the handler's to report. */
    if (rc == SAFER_E_NOTFOUND || rc == SAFER_E_INVAL)
        return 0;
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        int wanted = every_version || v[i].version == (version ? version : head.versions);

        if (wanted && !papers_may_read(&v[i], agency)) {
            papers_restricted(&v[i], why, why_len);
            rc = SAFER_E_PERM;
            break;
        }
    }
    free(v);
    return rc;
}

struct papers_owned {
    int found, all, owner;
};

static int papers_owned_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_owned *o = ctx;

    if (n != 2 || c[0].type != STORE_INT || c[1].type != STORE_INT)
        return SAFER_E_DB;
    o->found = 1;
    o->all = c[0].i != 0;
    o->owner = c[1].i != 0;
    return 0;
}

int papers_rule_action_owner(store *st, int64_t person_id, int64_t id, char *why, size_t why_len)
{
    const store_val args[] = { SV_INT(id), SV_INT(person_id) };
    struct papers_owned o = { 0 };
    int rc = store_read(st, ST_ACTION_OWNED, args, 2, papers_owned_row, &o);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    /* An unknown action is the handler's to report; ALL makes every active person an owner. */
    if (!o.found || o.all || o.owner)
        return 0;
    snprintf(why, why_len, "action %lld is not yours: only its owners and the chair may update it",
        (long long)id);
    return SAFER_E_PERM;
}
