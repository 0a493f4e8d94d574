/*
 * Handlers for reports: submit (a write job answered once durable; a retry
 * with the same idempotency key is answered from what is stored), show (one
 * version with its body), history (every version without bodies) and
 * withdraw. Who may do which was settled by the dispatch table and its
 * ownership rules before these run; the submission job checks the group
 * membership again inside its transaction.
 */
#include "server/handlers_papers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "server/papers.h"

/* The wire form of one version, with room for what it points at. */
typedef struct report_vwire {
    Safer__ReportVersion v;
    Safer__Metric m[PAPERS_METRICS_MAX];
    Safer__Metric *mp[PAPERS_METRICS_MAX];
    char *rp[PAPERS_RESTRICT_MAX];
} report_vwire;

/* protobuf-c's string fields are not const; packing only reads them. */
static void report_version_wire(const papers_version *pv, report_vwire *w, int with_body)
{
    safer__report_version__init(&w->v);
    w->v.version = pv->version;
    w->v.title = (char *)pv->title;
    w->v.rag = (Safer__Rag)pv->rag;
    w->v.marking = (Safer__Marking)pv->marking;
    w->v.author = (char *)pv->author;
    w->v.submitted = pv->submitted;
    w->v.late = pv->late;
    w->v.body_bytes = (uint32_t)pv->body_bytes;
    if (with_body && pv->body) {
        w->v.body.data = (uint8_t *)pv->body;
        w->v.body.len = pv->body_bytes;
    }
    for (size_t i = 0; i < pv->nmetrics; i++) {
        safer__metric__init(&w->m[i]);
        w->m[i].name = (char *)pv->metrics[i].name;
        w->m[i].value = pv->metrics[i].value;
        w->m[i].has_target = pv->metrics[i].has_target;
        w->m[i].target = pv->metrics[i].target;
        w->m[i].period = (char *)pv->metrics[i].period;
        w->mp[i] = &w->m[i];
    }
    w->v.n_metrics = pv->nmetrics;
    w->v.metrics = w->mp;
    for (size_t i = 0; i < pv->nrestrict; i++)
        w->rp[i] = (char *)pv->restrict_to[i];
    w->v.n_restrict_to = pv->nrestrict;
    w->v.restrict_to = w->rp;
}

static void report_wire(const papers_report *pr, Safer__Report *r, report_vwire *w, int with_body)
{
    safer__report__init(r);
    r->date = (char *)pr->date;
    r->group_code = (char *)pr->group;
    r->agency_code = (char *)pr->agency;
    r->withdrawn = pr->withdrawn;
    r->versions = pr->versions;
    report_version_wire(&pr->v, w, with_body);
    r->latest = &w->v;
}

/* ---- submit ------------------------------------------------------------------ */

/* A submission in flight: the job and the body it borrows. */
typedef struct report_submit_ctx {
    papers_submit s;
    uint8_t *body;
} report_submit_ctx;

static void report_submit_done(conn *c, uint64_t id, void *ctx, int rc)
{
    report_submit_ctx *x = ctx;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ReportSubmitResponse sr = SAFER__REPORT_SUBMIT_RESPONSE__INIT;
    Safer__Report r;
    report_vwire *w = calloc(1, sizeof(*w));

    if (rc == 0 && w == NULL)
        rc = SAFER_E_NOMEM;
    if (rc < 0) {
        dispatch_reply(c, id, rc, x->s.why[0] ? x->s.why : NULL, NULL);
    } else {
        report_wire(&x->s.report, &r, w, 0);
        sr.report = &r;
        sr.duplicate = x->s.duplicate;
        rs.body_case = SAFER__RESPONSE__BODY_REPORT_SUBMIT;
        rs.report_submit = &sr;
        dispatch_reply(c, id, 0, NULL, &rs);
    }
    free(w);
    papers_report_clear(&x->s.report);
    free(x->body);
    free(x);
}

/* Metrics and restriction agencies from the wire into s. */
static int report_submit_lists(const Safer__ReportSubmitRequest *in, papers_submit *s)
{
    if (in->n_metrics > PAPERS_METRICS_MAX) {
        snprintf(s->why, sizeof(s->why), "%zu metrics; the limit is %d", in->n_metrics,
            PAPERS_METRICS_MAX);
        return SAFER_E_INVAL;
    }
    if (in->n_restrict_to > PAPERS_RESTRICT_MAX) {
        snprintf(s->why, sizeof(s->why), "restricted to %zu agencies; the limit is %d",
            in->n_restrict_to, PAPERS_RESTRICT_MAX);
        return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < in->n_metrics; i++) {
        papers_metric *m = &s->metrics[i];

        if (papers_copy(m->name, sizeof(m->name), in->metrics[i]->name, "a metric name", s->why,
                sizeof(s->why))
                < 0
            || papers_copy(m->period, sizeof(m->period), in->metrics[i]->period, "a metric period",
                   s->why, sizeof(s->why))
                < 0)
            return SAFER_E_INVAL;
        m->value = in->metrics[i]->value;
        m->has_target = in->metrics[i]->has_target;
        m->target = in->metrics[i]->target;
    }
    s->nmetrics = in->n_metrics;
    for (size_t i = 0; i < in->n_restrict_to; i++) {
        if (papers_copy(s->restrict_to[i], sizeof(s->restrict_to[i]), in->restrict_to[i],
                "a restriction agency code", s->why, sizeof(s->why))
            < 0)
            return SAFER_E_INVAL;
    }
    s->nrestrict = in->n_restrict_to;
    return 0;
}

/* The request into s, checked; the body is checked but not yet copied. */
static int report_submit_in(conn *c, const Safer__ReportSubmitRequest *in, papers_submit *s)
{
    const ident *who = &conn_session(c)->who;

    s->now = (int64_t)time(NULL);
    s->actor_id = who->person_id;
    snprintf(s->actor, sizeof(s->actor), "%s", who->initials);
    snprintf(s->agency, sizeof(s->agency), "%s", who->agency_code);
    /* The date and group are checked as sent, so that the message quotes them whole. */
    if (board_date_check(in->date, s->why, sizeof(s->why)) < 0
        || board_group_code_check(in->group_code, s->why, sizeof(s->why)) < 0
        || papers_copy(s->date, sizeof(s->date), in->date, "the date", s->why, sizeof(s->why)) < 0
        || papers_copy(s->group, sizeof(s->group), in->group_code, "the task group code", s->why,
               sizeof(s->why))
            < 0
        || papers_copy(s->title, sizeof(s->title), in->title, "the title", s->why, sizeof(s->why))
            < 0
        || report_submit_lists(in, s) < 0)
        return SAFER_E_INVAL;
    s->rag = (int)in->rag;
    s->marking = in->marking == SAFER__MARKING__MARKING_NONE ? PAPERS_OFFICIAL : (int)in->marking;
    if (in->idempotency_key.len != PAPERS_IDEM_BYTES) {
        snprintf(s->why, sizeof(s->why), "the idempotency key is %zu bytes; it must be %d",
            in->idempotency_key.len, PAPERS_IDEM_BYTES);
        return SAFER_E_INVAL;
    }
    memcpy(s->idem, in->idempotency_key.data, PAPERS_IDEM_BYTES);
    s->body = in->body.data;
    s->body_len = in->body.len;
    return papers_submit_check(s, s->why, sizeof(s->why));
}

int handle_report_submit(conn *c, const Safer__Request *rq)
{
    report_submit_ctx *x = calloc(1, sizeof(*x));
    int rc;

    if (x == NULL)
        return SAFER_E_NOMEM;
    if (report_submit_in(c, rq->report_submit, &x->s) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, x->s.why, NULL);
        rc = 0;
        goto out;
    }
    /* The request is freed when this returns; the job needs its own copy of the body. */
    rc = SAFER_E_NOMEM;
    x->body = malloc(x->s.body_len);
    if (x->body == NULL)
        goto out;
    memcpy(x->body, x->s.body, x->s.body_len);
    x->s.body = x->body;
    rc = dispatch_submit(c, rq->id, papers_submit_job, report_submit_done, x);
    if (rc == 0)
        return 0;
out:
    free(x->body);
    free(x);
    return rc;
}

/* ---- show and history ------------------------------------------------------------- */

/* The agency a request names, or the caller's when it names none. */
static const char *report_agency(conn *c, const char *asked)
{
    return asked && asked[0] ? asked : conn_session(c)->who.agency_code;
}

int handle_report_show(conn *c, const Safer__Request *rq)
{
    const Safer__ReportShowRequest *in = rq->report_show;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ReportResponse rr = SAFER__REPORT_RESPONSE__INIT;
    Safer__Report r;
    papers_report *pr = calloc(1, sizeof(*pr));
    report_vwire *w = calloc(1, sizeof(*w));
    char why[PAPERS_WHY_MAX] = "";
    int rc = SAFER_E_NOMEM;

    if (pr == NULL || w == NULL)
        goto out;
    rc = papers_report_get(conn_server(c)->st, in->date, in->group_code,
        report_agency(c, in->agency_code), in->version, pr, why, sizeof(why));
    if (rc < 0) {
        dispatch_reply(c, rq->id, rc, why[0] ? why : NULL, NULL);
        rc = 0;
        goto out;
    }
    report_wire(pr, &r, w, 1);
    rr.report = &r;
    rs.body_case = SAFER__RESPONSE__BODY_REPORT_SHOW;
    rs.report_show = &rr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
out:
    papers_report_clear(pr);
    free(pr);
    free(w);
    return rc;
}

int handle_report_history(conn *c, const Safer__Request *rq)
{
    const Safer__ReportHistoryRequest *in = rq->report_history;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ReportHistoryResponse hr = SAFER__REPORT_HISTORY_RESPONSE__INIT;
    Safer__Report r;
    papers_report *pr = calloc(1, sizeof(*pr));
    papers_version *v = NULL;
    report_vwire *w = NULL;
    Safer__ReportVersion **vp = NULL;
    size_t n = 0;
    char why[PAPERS_WHY_MAX] = "";
    int rc = SAFER_E_NOMEM;

    if (pr == NULL)
        goto out;
    rc = papers_report_history(conn_server(c)->st, in->date, in->group_code,
        report_agency(c, in->agency_code), pr, &v, &n, why, sizeof(why));
    if (rc < 0) {
        dispatch_reply(c, rq->id, rc, why[0] ? why : NULL, NULL);
        rc = 0;
        goto out;
    }
    rc = SAFER_E_NOMEM;
    /* One more than the versions: the last holds the report's head. */
    w = calloc(n + 1, sizeof(*w));
    vp = calloc(n + 1, sizeof(*vp));
    if (w == NULL || vp == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        report_version_wire(&v[i], &w[i], 0);
        vp[i] = &w[i].v;
    }
    report_wire(pr, &r, &w[n], 0);
    hr.report = &r;
    hr.n_versions = n;
    hr.versions = vp;
    rs.body_case = SAFER__RESPONSE__BODY_REPORT_HISTORY;
    rs.report_history = &hr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    free(vp);
    free(w);
    free(v);
    papers_report_clear(pr);
    free(pr);
    return rc;
}

/* ---- withdraw ------------------------------------------------------------------ */

static void report_withdraw_done(conn *c, uint64_t id, void *ctx, int rc)
{
    papers_withdraw *wd = ctx;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ReportResponse rr = SAFER__REPORT_RESPONSE__INIT;
    Safer__Report r;
    report_vwire *w = calloc(1, sizeof(*w));

    if (rc == 0 && w == NULL)
        rc = SAFER_E_NOMEM;
    if (rc < 0) {
        dispatch_reply(c, id, rc, wd->why[0] ? wd->why : NULL, NULL);
    } else {
        report_wire(&wd->report, &r, w, 0);
        rr.report = &r;
        rs.body_case = SAFER__RESPONSE__BODY_REPORT_WITHDRAW;
        rs.report_withdraw = &rr;
        dispatch_reply(c, id, 0, NULL, &rs);
    }
    free(w);
    papers_report_clear(&wd->report);
    free(wd);
}

int handle_report_withdraw(conn *c, const Safer__Request *rq)
{
    const Safer__ReportWithdrawRequest *in = rq->report_withdraw;
    papers_withdraw *wd = calloc(1, sizeof(*wd));
    int rc;

    if (wd == NULL)
        return SAFER_E_NOMEM;
    wd->now = (int64_t)time(NULL);
    snprintf(wd->actor, sizeof(wd->actor), "%s", conn_session(c)->who.initials);
    if (board_date_check(in->date, wd->why, sizeof(wd->why)) < 0
        || board_group_code_check(in->group_code, wd->why, sizeof(wd->why)) < 0
        || papers_copy(wd->date, sizeof(wd->date), in->date, "the date", wd->why, sizeof(wd->why))
            < 0
        || papers_copy(wd->group, sizeof(wd->group), in->group_code, "the task group code", wd->why,
               sizeof(wd->why))
            < 0
        || papers_copy(wd->agency, sizeof(wd->agency), report_agency(c, in->agency_code),
               "the agency code", wd->why, sizeof(wd->why))
            < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, wd->why, NULL);
        free(wd);
        return 0;
    }
    rc = dispatch_submit(c, rq->id, papers_withdraw_job, report_withdraw_done, wd);
    if (rc < 0)
        free(wd);
    return rc;
}
