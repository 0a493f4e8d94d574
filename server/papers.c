/*
 * Reports behind papers.h: the checks of a submission, the submit and
 * withdraw jobs (each with its audit row, in one transaction), the readers of
 * one version and of a report's history. Returns and the ownership rules are
 * in papers_read.c, actions in papers_action.c.
 *
 * Sections: shared helpers; checks; finding a report; reading versions;
 * submit; withdraw; reads.
 */
#include "server/papers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/people.h"

#define PAPERS_OBJECT_MAX 96
#define PAPERS_DETAIL_MAX 256

/* ---- shared helpers -------------------------------------------------------------- */

int papers_exec(const papers_db *db, enum store_stmt stmt, const store_val *args, size_t nargs,
    store_row_fn fn, void *ctx)
{
    if (db->tx)
        return store_tx_exec(db->tx, stmt, args, nargs, fn, ctx);
    return store_read(db->st, stmt, args, nargs, fn, ctx);
}

/* Copies a text column into dst; SAFER_E_DB if it is not text or does not fit. */
static int papers_col_text(char *dst, size_t cap, const store_val *v)
{
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

/* The first column of a row as an integer (any row found sets it). */
static int papers_int_row(void *ctx, const store_val *c, size_t n)
{
    if (n < 1 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    *(int64_t *)ctx = c[0].i;
    return 0;
}

/* Runs a one-row, one-integer statement; *out stays 0 when there is no row. */
static int papers_int(
    const papers_db *db, enum store_stmt stmt, const store_val *args, size_t nargs, int64_t *out)
{
    int rc;

    *out = 0;
    rc = papers_exec(db, stmt, args, nargs, papers_int_row, out);
    return rc > 0 ? SAFER_E_DB : rc;
}

/* ---- checks -------------------------------------------------------------------- */

int papers_copy(char *dst, size_t cap, const char *src, const char *what, char *why, size_t len)
{
    size_t n = src ? strnlen(src, PAPERS_BODY_MAX + 1) : 0;

    if (n >= cap) {
        snprintf(why, len, "%s is %zu bytes; the limit is %zu", what, n, cap - 1);
        return SAFER_E_INVAL;
    }
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
    return 0;
}

/* The length of the UTF-8 sequence at s (n bytes left), or 0 if it is not one. */
static size_t papers_utf8_step(const uint8_t *s, size_t n)
{
    uint32_t cp;
    size_t len;

    if (s[0] < 0x80)
        return s[0] == 0 ? 0 : 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and values past Unicode are not UTF-8. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int papers_body_check(const uint8_t *body, size_t n, char *why, size_t why_len)
{
    size_t i = 0;

    if (n == 0 || body == NULL) {
        snprintf(why, why_len, "the report body is empty");
        return SAFER_E_INVAL;
    }
    if (n > PAPERS_BODY_MAX) {
        snprintf(why, why_len, "the report body is %zu bytes; the limit is %u", n, PAPERS_BODY_MAX);
        return SAFER_E_INVAL;
    }
    while (i < n) {
        size_t step = papers_utf8_step(body + i, n - i);

        if (step == 0) {
            snprintf(why, why_len, "the report body is not UTF-8 text (byte %zu)", i + 1);
            return SAFER_E_INVAL;
        }
        i += step;
    }
    return 0;
}

static int papers_metric_check(const papers_metric *m, size_t i, char *why, size_t why_len)
{
    char what[48];

    snprintf(what, sizeof(what), "metric %zu name", i + 1);
    if (people_check_text(what, m->name, PAPERS_METRIC_NAME_MAX, why, why_len) < 0)
        return SAFER_E_INVAL;
    if (!isfinite(m->value) || (m->has_target && !isfinite(m->target))) {
        snprintf(why, why_len, "metric '%s' needs a finite value and target", m->name);
        return SAFER_E_INVAL;
    }
    snprintf(what, sizeof(what), "metric '%s' period", m->name);
    if (m->period[0] && people_check_text(what, m->period, PAPERS_PERIOD_MAX, why, why_len) < 0)
        return SAFER_E_INVAL;
    return 0;
}

int papers_submit_check(const papers_submit *s, char *why, size_t why_len)
{
    if (board_date_check(s->date, why, why_len) < 0
        || board_group_code_check(s->group, why, why_len) < 0
        || people_check_text("title", s->title, PAPERS_TITLE_MAX, why, why_len) < 0)
        return SAFER_E_INVAL;
    if (s->rag < PAPERS_RED || s->rag > PAPERS_GREEN) {
        snprintf(why, why_len, "a RAG status (red, amber, green) is required");
        return SAFER_E_INVAL;
    }
    if (s->marking != PAPERS_OFFICIAL && s->marking != PAPERS_OFFICIAL_SENSITIVE) {
        snprintf(
            why, why_len, "marking %d is not known (official, official-sensitive)", s->marking);
        return SAFER_E_INVAL;
    }
    if (s->nmetrics > PAPERS_METRICS_MAX || s->nrestrict > PAPERS_RESTRICT_MAX) {
        snprintf(why, why_len, "at most %d metrics and %d restriction agencies", PAPERS_METRICS_MAX,
            PAPERS_RESTRICT_MAX);
        return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < s->nmetrics; i++) {
        if (papers_metric_check(&s->metrics[i], i, why, why_len) < 0)
            return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < s->nrestrict; i++) {
        if (people_check_agency_code(s->restrict_to[i], why, why_len) < 0)
            return SAFER_E_INVAL;
    }
    if (papers_body_check(s->body, s->body_len, why, why_len) < 0)
        return SAFER_E_INVAL;
    return 0;
}

/* ---- finding a report --------------------------------------------------------------- */

/* What a (date, group, agency) names in the store. */
struct papers_key {
    int64_t meeting_id, group_id, agency_id;
    char deadline[BOARD_DATE_LEN + 1];
    int64_t report_id; /* 0 when no report yet */
    int withdrawn;
    uint32_t versions;
};

static int papers_meeting_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_key *k = ctx;

    if (n != 2 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    k->meeting_id = c[0].i;
    return papers_col_text(k->deadline, sizeof(k->deadline), &c[1]);
}

static int papers_report_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_key *k = ctx;

    if (n != 3 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[2].type != STORE_INT)
        return SAFER_E_DB;
    k->report_id = c[0].i;
    k->withdrawn = c[1].i != 0;
    k->versions = (uint32_t)c[2].i;
    return 0;
}

/*
 * Resolves the meeting, group and agency (SAFER_E_NOTFOUND naming the one
 * missing) and the report if there is one.
 */
static int papers_find(const papers_db *db, const char *date, const char *group, const char *agency,
    struct papers_key *k, char *why, size_t why_len)
{
    int rc;

    memset(k, 0, sizeof(*k));
    {
        const store_val args[] = { SV_TEXT(date) };
        rc = papers_exec(db, ST_REPORT_MEETING, args, 1, papers_meeting_row, k);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (k->meeting_id == 0) {
        snprintf(why, why_len, "there is no meeting on %s", date);
        return SAFER_E_NOTFOUND;
    }
    rc = db->tx ? board_group_id_tx(db->tx, group, &k->group_id)
                : board_group_id(db->st, group, &k->group_id);
    if (rc == SAFER_E_NOTFOUND)
        snprintf(why, why_len, "no task group with code '%s'", group);
    if (rc < 0)
        return rc;
    {
        const store_val args[] = { SV_TEXT(agency) };
        rc = papers_int(db, ST_AGENCY_BY_CODE, args, 1, &k->agency_id);
    }
    if (rc < 0)
        return rc;
    if (k->agency_id == 0) {
        snprintf(why, why_len, "no agency with code '%s'", agency);
        return SAFER_E_NOTFOUND;
    }
    {
        const store_val args[]
            = { SV_INT(k->meeting_id), SV_INT(k->group_id), SV_INT(k->agency_id) };
        rc = papers_exec(db, ST_REPORT_FIND, args, 3, papers_report_row, k);
    }
    return rc > 0 ? SAFER_E_DB : rc;
}

/* papers_find, and SAFER_E_NOTFOUND when there is no report. */
static int papers_find_report(const papers_db *db, const char *date, const char *group,
    const char *agency, struct papers_key *k, char *why, size_t why_len)
{
    int rc = papers_find(db, date, group, agency, k, why, why_len);

    if (rc == 0 && (k->report_id == 0 || k->versions == 0)) {
        snprintf(why, why_len, "no report from %s for task group '%s' at %s", agency, group, date);
        rc = SAFER_E_NOTFOUND;
    }
    return rc;
}

/* ---- reading versions ------------------------------------------------------------------- */

/* ST_REPORT_VERSION_GET and _LIST: id, version, title, rag, marking, author, submitted, late,
 * body bytes. */
static int papers_version_fill(papers_version *v, const store_val *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i != 2 && i != 5 && c[i].type != STORE_INT)
            return SAFER_E_DB;
    }
    if (n != 9 || papers_col_text(v->title, sizeof(v->title), &c[2]) < 0
        || papers_col_text(v->author, sizeof(v->author), &c[5]) < 0)
        return SAFER_E_DB;
    v->id = c[0].i;
    v->version = (uint32_t)c[1].i;
    v->rag = (int)c[3].i;
    v->marking = (int)c[4].i;
    v->submitted = c[6].i;
    v->late = c[7].i != 0;
    v->body_bytes = (size_t)c[8].i;
    return 0;
}

struct papers_one_version {
    int found;
    papers_version *v;
};

static int papers_version_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_one_version *o = ctx;

    o->found = 1;
    return papers_version_fill(o->v, c, n);
}

static int papers_metric_row(void *ctx, const store_val *c, size_t n)
{
    papers_version *v = ctx;
    papers_metric *m;

    if (v->nmetrics == PAPERS_METRICS_MAX || n != 4 || c[1].type != STORE_REAL)
        return SAFER_E_DB;
    m = &v->metrics[v->nmetrics];
    memset(m, 0, sizeof(*m));
    if (papers_col_text(m->name, sizeof(m->name), &c[0]) < 0
        || papers_col_text(m->period, sizeof(m->period), &c[3]) < 0)
        return SAFER_E_DB;
    m->value = c[1].r;
    m->has_target = c[2].type == STORE_REAL;
    m->target = m->has_target ? c[2].r : 0;
    v->nmetrics++;
    return 0;
}

static int papers_restrict_row(void *ctx, const store_val *c, size_t n)
{
    papers_version *v = ctx;

    if (v->nrestrict == PAPERS_RESTRICT_MAX || n != 1)
        return SAFER_E_DB;
    if (papers_col_text(v->restrict_to[v->nrestrict], sizeof(v->restrict_to[0]), &c[0]) < 0)
        return SAFER_E_DB;
    v->nrestrict++;
    return 0;
}

static int papers_body_row(void *ctx, const store_val *c, size_t n)
{
    papers_version *v = ctx;

    if (n != 1 || c[0].type != STORE_TEXT || c[0].n > PAPERS_BODY_MAX)
        return SAFER_E_DB;
    v->body = malloc(c[0].n + 1);
    if (v->body == NULL)
        return SAFER_E_NOMEM;
    memcpy(v->body, c[0].p, c[0].n);
    v->body[c[0].n] = '\0';
    v->body_bytes = c[0].n;
    return 0;
}

/* Loads v's metrics and restriction (v->id set), and its body when asked. */
static int papers_version_parts(const papers_db *db, papers_version *v, int with_body)
{
    const store_val args[] = { SV_INT(v->id) };
    int rc;

    v->nmetrics = 0;
    v->nrestrict = 0;
    rc = papers_exec(db, ST_REPORT_METRICS, args, 1, papers_metric_row, v);
    if (rc == 0)
        rc = papers_exec(db, ST_REPORT_RESTRICTS, args, 1, papers_restrict_row, v);
    if (rc == 0 && with_body)
        rc = papers_exec(db, ST_REPORT_VERSION_BODY, args, 1, papers_body_row, v);
    if (rc == 0 && with_body && v->body == NULL)
        rc = SAFER_E_DB;
    return rc > 0 ? SAFER_E_DB : rc;
}

/* Loads one version (0 = latest) of report k into v. SAFER_E_NOTFOUND if none. */
static int papers_load_version(const papers_db *db, const struct papers_key *k, uint32_t version,
    int with_body, papers_version *v)
{
    struct papers_one_version o = { .v = v };
    int rc;

    memset(v, 0, sizeof(*v));
    {
        const store_val args[] = { SV_INT(k->report_id), SV_INT(version ? version : k->versions) };
        rc = papers_exec(db, ST_REPORT_VERSION_GET, args, 2, papers_version_row, &o);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!o.found)
        return SAFER_E_NOTFOUND;
    rc = papers_version_parts(db, v, with_body);
    if (rc < 0) {
        free(v->body);
        v->body = NULL;
    }
    return rc;
}

void papers_report_clear(papers_report *r)
{
    if (r == NULL)
        return;
    free(r->v.body);
    r->v.body = NULL;
}

static void papers_report_head(papers_report *r, const char *date, const char *group,
    const char *agency, const struct papers_key *k)
{
    snprintf(r->date, sizeof(r->date), "%s", date);
    snprintf(r->group, sizeof(r->group), "%s", group);
    snprintf(r->agency, sizeof(r->agency), "%s", agency);
    r->withdrawn = k->withdrawn;
    r->versions = k->versions;
}

static int papers_audit(store_tx *tx, int64_t now, const char *actor, const char *action,
    const papers_report *r, const char *detail)
{
    char object[PAPERS_OBJECT_MAX];

    snprintf(object, sizeof(object), "report:%s/%s/%s", r->date, r->group, r->agency);
    return audit_append(tx, now, actor, action, object, detail);
}

/* ---- submit ------------------------------------------------------------------------ */

/* The report row for k, made if it is new. */
static int papers_report_row_for(store_tx *tx, struct papers_key *k)
{
    const store_val args[] = { SV_INT(k->meeting_id), SV_INT(k->group_id), SV_INT(k->agency_id) };
    int rc;

    if (k->report_id != 0)
        return 0;
    rc = store_tx_exec(tx, ST_REPORT_INSERT, args, 3, NULL, NULL);
    if (rc < 0)
        return rc == SAFER_E_EXISTS ? SAFER_E_DB : rc;
    k->report_id = store_tx_last_id(tx);
    return 0;
}

/* Checks the group membership and the restriction agencies; fills their ids. */
static int papers_submit_refs(
    store_tx *tx, papers_submit *s, const struct papers_key *k, int64_t ids[PAPERS_RESTRICT_MAX])
{
    const papers_db db = { .tx = tx };
    int64_t member = 0;
    int rc;

    {
        const store_val args[] = { SV_INT(k->group_id), SV_INT(k->agency_id) };
        rc = papers_int(&db, ST_REPORT_GROUP_MEMBER, args, 2, &member);
    }
    if (rc < 0)
        return rc;
    if (!member) {
        snprintf(s->why, sizeof(s->why), "agency '%s' is not a member of task group '%s'",
            s->agency, s->group);
        return SAFER_E_PERM;
    }
    for (size_t i = 0; i < s->nrestrict; i++) {
        const store_val args[] = { SV_TEXT(s->restrict_to[i]) };

        if ((rc = papers_int(&db, ST_AGENCY_BY_CODE, args, 1, &ids[i])) < 0)
            return rc;
        if (ids[i] == 0) {
            snprintf(s->why, sizeof(s->why), "restricted to agency '%s', which does not exist",
                s->restrict_to[i]);
            return SAFER_E_NOTFOUND;
        }
    }
    return 0;
}

/* Writes version n of the report with its metrics and restriction. */
static int papers_submit_write(store_tx *tx, papers_submit *s, const struct papers_key *k,
    const int64_t *ids, uint32_t n, int late)
{
    const store_val body = { .type = STORE_TEXT, .p = s->body, .n = s->body_len };
    int64_t vid;
    int rc;

    {
        const store_val args[] = { SV_INT(k->report_id), SV_INT(n), SV_TEXT(s->title),
            SV_INT(s->rag), SV_INT(s->marking), SV_INT(s->actor_id), SV_INT(s->now), SV_INT(late),
            body, SV_BLOB(s->idem, PAPERS_IDEM_BYTES) };
        rc = store_tx_exec(tx, ST_REPORT_VERSION_INSERT, args, 10, NULL, NULL);
    }
    if (rc < 0)
        return rc == SAFER_E_EXISTS ? SAFER_E_DB : rc;
    vid = store_tx_last_id(tx);
    for (size_t i = 0; i < s->nmetrics && rc == 0; i++) {
        const papers_metric *m = &s->metrics[i];
        const store_val args[] = { SV_INT(vid), SV_INT(i + 1), SV_TEXT(m->name), SV_REAL(m->value),
            m->has_target ? SV_REAL(m->target) : SV_NULL(), SV_TEXT(m->period) };
        rc = store_tx_exec(tx, ST_REPORT_METRIC_INSERT, args, 6, NULL, NULL);
    }
    for (size_t i = 0; i < s->nrestrict && rc == 0; i++) {
        const store_val args[] = { SV_INT(vid), SV_INT(ids[i]) };
        rc = store_tx_exec(tx, ST_REPORT_RESTRICT_INSERT, args, 2, NULL, NULL);
    }
    if (rc == 0 && k->withdrawn) {
        const store_val args[] = { SV_INT(0), SV_INT(k->report_id) };
        rc = store_tx_exec(tx, ST_REPORT_SET_WITHDRAWN, args, 2, NULL, NULL);
    }
    return rc > 0 ? SAFER_E_DB : rc;
}

/* A retry: the version stored under the same key, if any. */
static int papers_submit_seen(
    store_tx *tx, papers_submit *s, struct papers_key *k, int64_t *version)
{
    const papers_db db = { .tx = tx };
    const store_val args[] = { SV_INT(k->report_id), SV_BLOB(s->idem, PAPERS_IDEM_BYTES) };

    *version = 0;
    if (k->report_id == 0)
        return 0;
    return papers_int(&db, ST_REPORT_BY_IDEM, args, 2, version);
}

int papers_submit_job(store_tx *tx, void *ctx)
{
    papers_submit *s = ctx;
    const papers_db db = { .tx = tx };
    struct papers_key k;
    int64_t ids[PAPERS_RESTRICT_MAX];
    int64_t seen, day_end;
    char detail[PAPERS_DETAIL_MAX];
    int late, rc;

    s->duplicate = 0;
    if ((rc = papers_submit_check(s, s->why, sizeof(s->why))) < 0
        || (rc = papers_find(&db, s->date, s->group, s->agency, &k, s->why, sizeof(s->why))) < 0
        || (rc = papers_submit_seen(tx, s, &k, &seen)) < 0)
        return rc;
    papers_report_head(&s->report, s->date, s->group, s->agency, &k);
    if (seen) {
        s->duplicate = 1;
        return papers_load_version(&db, &k, (uint32_t)seen, 0, &s->report.v);
    }
    if ((rc = papers_submit_refs(tx, s, &k, ids)) < 0)
        return rc;
    if (k.versions >= PAPERS_VERSIONS_MAX) {
        snprintf(s->why, sizeof(s->why), "this report has %u versions already; the limit is %d",
            (unsigned)k.versions, PAPERS_VERSIONS_MAX);
        return SAFER_E_PRECOND;
    }
    if (board_day_end(k.deadline, &day_end) < 0)
        return SAFER_E_DB;
    late = s->now > day_end;
    if ((rc = papers_report_row_for(tx, &k)) < 0
        || (rc = papers_submit_write(tx, s, &k, ids, k.versions + 1, late)) < 0)
        return rc;
    k.versions++;
    k.withdrawn = 0;
    papers_report_head(&s->report, s->date, s->group, s->agency, &k);
    if ((rc = papers_load_version(&db, &k, 0, 0, &s->report.v)) < 0)
        return rc;
    /* Sizes and flags only: the title and body are report content. */
    snprintf(detail, sizeof(detail), "version %u, %s, %zu bytes, %s%s", (unsigned)k.versions,
        late ? "late" : "on time", s->body_len,
        s->marking == PAPERS_OFFICIAL ? "official" : "official-sensitive",
        s->nrestrict ? ", restricted" : "");
    return papers_audit(tx, s->now, s->actor, "report.submit", &s->report, detail);
}

/* ---- withdraw ------------------------------------------------------------------------ */

int papers_withdraw_job(store_tx *tx, void *ctx)
{
    papers_withdraw *w = ctx;
    const papers_db db = { .tx = tx };
    struct papers_key k;
    int rc;

    if (board_date_check(w->date, w->why, sizeof(w->why)) < 0
        || board_group_code_check(w->group, w->why, sizeof(w->why)) < 0
        || people_check_agency_code(w->agency, w->why, sizeof(w->why)) < 0)
        return SAFER_E_INVAL;
    rc = papers_find_report(&db, w->date, w->group, w->agency, &k, w->why, sizeof(w->why));
    if (rc < 0)
        return rc;
    if (k.withdrawn) {
        snprintf(w->why, sizeof(w->why),
            "the report of %s for task group '%s' at %s is already "
            "withdrawn",
            w->agency, w->group, w->date);
        return SAFER_E_PRECOND;
    }
    {
        const store_val args[] = { SV_INT(1), SV_INT(k.report_id) };
        rc = store_tx_exec(tx, ST_REPORT_SET_WITHDRAWN, args, 2, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    k.withdrawn = 1;
    papers_report_head(&w->report, w->date, w->group, w->agency, &k);
    if ((rc = papers_load_version(&db, &k, 0, 0, &w->report.v)) < 0)
        return rc;
    return papers_audit(tx, w->now, w->actor, "report.withdraw", &w->report, "withdrawn");
}

/* ---- reads ----------------------------------------------------------------------------- */

static int papers_read_check(
    const char *date, const char *group, const char *agency, char *why, size_t why_len)
{
    if (board_date_check(date, why, why_len) < 0 || board_group_code_check(group, why, why_len) < 0
        || people_check_agency_code(agency, why, why_len) < 0)
        return SAFER_E_INVAL;
    return 0;
}

int papers_report_get(store *st, const char *date, const char *group, const char *agency,
    uint32_t version, papers_report *out, char *why, size_t why_len)
{
    const papers_db db = { .st = st };
    struct papers_key k;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = papers_read_check(date, group, agency, why, why_len)) < 0
        || (rc = papers_find_report(&db, date, group, agency, &k, why, why_len)) < 0)
        return rc;
    papers_report_head(out, date, group, agency, &k);
    rc = papers_load_version(&db, &k, version, 1, &out->v);
    if (rc == SAFER_E_NOTFOUND)
        snprintf(why, why_len,
            "the report of %s for task group '%s' at %s has no version %u "
            "(it has %u)",
            agency, group, date, (unsigned)version, (unsigned)k.versions);
    return rc;
}

struct papers_versions {
    papers_version *v;
    size_t n, cap;
};

static int papers_versions_row(void *ctx, const store_val *c, size_t n)
{
    struct papers_versions *l = ctx;

    if (l->n == l->cap)
        return SAFER_E_DB;
    memset(&l->v[l->n], 0, sizeof(l->v[0]));
    if (papers_version_fill(&l->v[l->n], c, n) < 0)
        return SAFER_E_DB;
    l->n++;
    return 0;
}

int papers_report_history(store *st, const char *date, const char *group, const char *agency,
    papers_report *out, papers_version **versions, size_t *n, char *why, size_t why_len)
{
    const papers_db db = { .st = st };
    struct papers_versions l = { 0 };
    struct papers_key k;
    int rc;

    memset(out, 0, sizeof(*out));
    *versions = NULL;
    *n = 0;
    if ((rc = papers_read_check(date, group, agency, why, why_len)) < 0
        || (rc = papers_find_report(&db, date, group, agency, &k, why, why_len)) < 0)
        return rc;
    papers_report_head(out, date, group, agency, &k);
    if ((rc = papers_load_version(&db, &k, 0, 0, &out->v)) < 0)
        return rc;
    l.cap = k.versions;
    l.v = calloc(l.cap, sizeof(*l.v));
    if (l.v == NULL)
        return SAFER_E_NOMEM;
    {
        const store_val args[] = { SV_INT(k.report_id), SV_INT(l.cap) };
        rc = papers_exec(&db, ST_REPORT_VERSION_LIST, args, 2, papers_versions_row, &l);
    }
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        rc = papers_version_parts(&db, &l.v[i], 0);
    if (rc != 0) {
        free(l.v);
        return rc < 0 ? rc : SAFER_E_DB;
    }
    *versions = l.v;
    *n = l.n;
    return 0;
}
