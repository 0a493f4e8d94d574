/*
 * The papers of a pack's model and their metric series (pack_model.h): the
 * latest version of each report, with its body, through papers_report_get,
 * and each metric's values over the last meetings through ST_PACK_SERIES.
 *
 * Sections: papers; series.
 */
#include "server/pack_model_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* ---- papers ------------------------------------------------------------------------ */

static const char *pm_restrict_at(const void *src, size_t i)
{
    return ((const papers_version *)src)->restrict_to[i];
}

/* The name of the person with initials, or the initials when they are unknown. */
static const char *pm_person_name(const struct pm_load *x, const char *initials)
{
    for (size_t i = 0; i < x->npeople; i++) {
        if (strcmp(x->people[i].initials, initials) == 0)
            return x->people[i].name;
    }
    return initials;
}

/* The version's body moves into the model (pv->body is left NULL). */
static Safer__ReportVersion *pm_version(struct pm_load *x, papers_version *pv)
{
    Safer__ReportVersion *w = pack_model__alloc(x, 1, sizeof(*w));

    if (w == NULL)
        return NULL;
    safer__report_version__init(w);
    w->version = pv->version;
    w->title = pack_model__dup(x, pv->title);
    w->rag = (Safer__Rag)pv->rag;
    w->marking = (Safer__Marking)pv->marking;
    w->restrict_to = pack_model__strings(x, pv->nrestrict, pm_restrict_at, pv, &w->n_restrict_to);
    w->author = pack_model__dup(x, pv->author);
    w->submitted = pv->submitted;
    w->late = pv->late;
    w->body_bytes = (uint32_t)pv->body_bytes;
    if (pv->body) {
        w->body.data = (uint8_t *)pv->body;
        w->body.len = pv->body_bytes;
        pv->body = NULL;
    }
    w->metrics = pack_model__alloc(x, pv->nmetrics, sizeof(*w->metrics));
    for (size_t i = 0; w->metrics && i < pv->nmetrics; i++) {
        Safer__Metric *mt = pack_model__alloc(x, 1, sizeof(*mt));

        if (mt == NULL)
            break;
        safer__metric__init(mt);
        w->metrics[i] = mt;
        w->n_metrics = i + 1;
        mt->name = pack_model__dup(x, pv->metrics[i].name);
        mt->value = pv->metrics[i].value;
        mt->has_target = pv->metrics[i].has_target;
        mt->target = pv->metrics[i].target;
        mt->period = pack_model__dup(x, pv->metrics[i].period);
    }
    return w;
}

/* The number of the first GROUP item for group on agenda (0 if none). */
static uint32_t pm_item_of(const board_agenda *agenda, const char *group)
{
    for (size_t i = 0; i < agenda->n; i++) {
        if (agenda->items[i].kind == BOARD_ITEM_GROUP
            && strcmp(agenda->items[i].group_code, group) == 0)
            return agenda->items[i].number;
    }
    return 0;
}

static int pm_paper_cmp(const void *a, const void *b)
{
    const Safer__PackPaper *pa = *(Safer__PackPaper *const *)a;
    const Safer__PackPaper *pb = *(Safer__PackPaper *const *)b;

    if (pa->item != pb->item)
        return pa->item < pb->item ? -1 : 1;
    return strcmp(pa->agency_code, pb->agency_code);
}

/*
 * One paper for each return that is not missing (the latest version of a
 * report not withdrawn), by agenda item then agency. *latest rises to the
 * newest submission.
 */
int pack_model__papers(struct pm_load *x, const board_agenda *agenda, const papers_return_row *rows,
    size_t n, int64_t *latest)
{
    Safer__PackModel *m = x->m;
    papers_report *pr = calloc(1, sizeof(*pr));
    char why[PAPERS_WHY_MAX];
    int rc = 0;

    if (pr == NULL)
        return SAFER_E_NOMEM;
    m->papers = pack_model__alloc(x, n, sizeof(*m->papers));
    for (size_t i = 0; m->papers && i < n && x->rc == 0; i++) {
        Safer__PackPaper *w;

        if (rows[i].status == PAPERS_MISSING)
            continue;
        rc = papers_report_get(
            x->st, x->date, rows[i].group, rows[i].agency, 0, pr, why, sizeof(why));
        if (rc < 0)
            break;
        w = pack_model__alloc(x, 1, sizeof(*w));
        if (w != NULL) {
            safer__pack_paper__init(w);
            m->papers[m->n_papers++] = w;
            w->group_code = pack_model__dup(x, rows[i].group);
            w->agency_code = pack_model__dup(x, rows[i].agency);
            w->item = pm_item_of(agenda, rows[i].group);
            w->author_name = pack_model__dup(x, pm_person_name(x, pr->v.author));
            w->versions = pr->versions;
            w->version = pm_version(x, &pr->v);
            if (pr->v.submitted > *latest)
                *latest = pr->v.submitted;
        }
        papers_report_clear(pr);
    }
    free(pr);
    if (rc == 0 && x->rc == 0 && m->n_papers > 1)
        qsort(m->papers, m->n_papers, sizeof(*m->papers), pm_paper_cmp);
    return rc;
}

/* ---- series ------------------------------------------------------------------------- */

/* One row of ST_PACK_SERIES. */
struct pm_point {
    char group[BOARD_GROUP_CODE_MAX + 1];
    char agency[IDENT_AGENCY_CODE_MAX + 1];
    char metric[PAPERS_METRIC_NAME_MAX + 1];
    char date[BOARD_DATE_LEN + 1];
    double value;
    int has_target;
    double target;
    int restricted;
};

struct pm_points {
    struct pm_point *p;
    size_t n, cap;
};

static int pm_col(char *dst, size_t cap, const store_val *v)
{
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

static int pm_point_row(void *ctx, const store_val *c, size_t n)
{
    struct pm_points *l = ctx;
    struct pm_point *p;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct pm_point *grown;

        if (cap > (size_t)PAPERS_LIST_MAX * PACK_MODEL_SERIES_MEETINGS)
            return SAFER_E_LIMIT;
        grown = realloc(l->p, cap * sizeof(*grown));
        if (grown == NULL)
            return SAFER_E_NOMEM;
        l->p = grown;
        l->cap = cap;
    }
    p = &l->p[l->n];
    memset(p, 0, sizeof(*p));
    if (n != 7 || pm_col(p->group, sizeof(p->group), &c[0]) < 0
        || pm_col(p->agency, sizeof(p->agency), &c[1]) < 0
        || pm_col(p->metric, sizeof(p->metric), &c[2]) < 0
        || pm_col(p->date, sizeof(p->date), &c[3]) < 0 || c[4].type != STORE_REAL
        || c[6].type != STORE_INT)
        return SAFER_E_DB;
    p->value = c[4].r;
    p->has_target = c[5].type == STORE_REAL;
    p->target = p->has_target ? c[5].r : 0;
    p->restricted = c[6].i != 0;
    l->n++;
    return 0;
}

/* 1 if the model has a paper from agency for group. */
static int pm_has_paper(const Safer__PackModel *m, const char *group, const char *agency)
{
    for (size_t i = 0; i < m->n_papers; i++) {
        if (strcmp(m->papers[i]->group_code, group) == 0
            && strcmp(m->papers[i]->agency_code, agency) == 0)
            return 1;
    }
    return 0;
}

static int pm_same_series(const struct pm_point *a, const struct pm_point *b)
{
    return strcmp(a->group, b->group) == 0 && strcmp(a->agency, b->agency) == 0
        && strcmp(a->metric, b->metric) == 0;
}

/*
 * One series from the points p[0..n) (one group, agency and metric, by date),
 * or NULL when it does not belong in the pack: its paper is not in it, or the
 * metric was not reported at this meeting. Earlier restricted points are left
 * out, and a metric named twice in one paper counts once.
 */
static Safer__MetricSeries *pm_series_one(struct pm_load *x, const struct pm_point *p, size_t n)
{
    Safer__MetricSeries *w;

    if (strcmp(p[n - 1].date, x->date) != 0 || !pm_has_paper(x->m, p[0].group, p[0].agency))
        return NULL;
    w = pack_model__alloc(x, 1, sizeof(*w));
    if (w == NULL)
        return NULL;
    safer__metric_series__init(w);
    w->group_code = pack_model__dup(x, p[0].group);
    w->agency_code = pack_model__dup(x, p[0].agency);
    w->metric = pack_model__dup(x, p[0].metric);
    w->points = pack_model__alloc(x, n, sizeof(*w->points));
    for (size_t i = 0; w->points && i < n; i++) {
        Safer__MetricPoint *pt;
        int current = strcmp(p[i].date, x->date) == 0;

        if ((p[i].restricted && !current)
            || (w->n_points > 0 && strcmp(w->points[w->n_points - 1]->date, p[i].date) == 0))
            continue;
        pt = pack_model__alloc(x, 1, sizeof(*pt));
        if (pt == NULL)
            break;
        safer__metric_point__init(pt);
        w->points[w->n_points++] = pt;
        pt->date = pack_model__dup(x, p[i].date);
        pt->value = p[i].value;
        pt->has_target = p[i].has_target;
        pt->target = p[i].target;
    }
    return w;
}

int pack_model__series(struct pm_load *x)
{
    Safer__PackModel *m = x->m;
    struct pm_points l = { 0 };
    const store_val args[] = { SV_TEXT(x->date) };
    size_t nseries = 0;
    int rc = store_read(x->st, ST_PACK_SERIES, args, 1, pm_point_row, &l);

    if (rc != 0) {
        free(l.p);
        return rc < 0 ? rc : SAFER_E_DB;
    }
    for (size_t i = 0; i < l.n; i++)
        nseries += i == 0 || !pm_same_series(&l.p[i - 1], &l.p[i]);
    m->series = pack_model__alloc(x, nseries, sizeof(*m->series));
    for (size_t i = 0, j; m->series && i < l.n && x->rc == 0; i = j) {
        Safer__MetricSeries *w;

        for (j = i + 1; j < l.n && pm_same_series(&l.p[i], &l.p[j]); j++)
            ;
        w = pm_series_one(x, &l.p[i], j - i);
        if (w != NULL)
            m->series[m->n_series++] = w;
    }
    free(l.p);
    return 0;
}
