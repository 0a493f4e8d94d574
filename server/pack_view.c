/*
 * A reader's view of a pack model (which papers they may see, in agenda
 * order, and the highest marking among them) and the dispatch from a format
 * to its renderer.
 */
#include "server/pack.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static int may_see(const Safer__PackPaper *p, const char *agency)
{
    const Safer__ReportVersion *v = p->version;
    if (v == NULL || v->n_restrict_to == 0)
        return 1;
    if (agency == NULL || agency[0] == '\0')
        return 0;
    if (p->agency_code && strcmp(p->agency_code, agency) == 0)
        return 1;
    for (size_t i = 0; i < v->n_restrict_to; i++)
        if (v->restrict_to[i] && strcmp(v->restrict_to[i], agency) == 0)
            return 1;
    return 0;
}

/* The paper's agenda position: its item's number, or past every item. */
static uint64_t position(const Safer__PackModel *m, const Safer__PackPaper *p)
{
    for (size_t i = 0; i < m->n_agenda; i++) {
        const Safer__AgendaItem *it = m->agenda[i];
        if (it->kind != SAFER__ITEM_KIND__ITEM_GROUP)
            continue;
        if (p->item != 0
                ? p->item == it->number
                : (p->group_code && it->group_code && strcmp(p->group_code, it->group_code) == 0))
            return it->number;
    }
    return UINT64_MAX;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* qsort has no context argument, so the sort works on (position, paper). */
struct ranked {
    uint64_t pos;
    size_t index;
    const Safer__PackPaper *p;
};

static int by_rank(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    int c;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    if ((c = cmp_str(x->p->group_code, y->p->group_code)) != 0)
        return c;
    if ((c = cmp_str(x->p->agency_code, y->p->agency_code)) != 0)
        return c;
    /* The model's own order breaks any remaining tie, so the sort is total. */
    return x->index < y->index ? -1 : x->index > y->index;
}

int pack_view_init(pack_view *v, const Safer__PackModel *m, const char *agency, int see_all)
{
    struct ranked *r = NULL;
    size_t n = 0;
    memset(v, 0, sizeof *v);
    v->m = m;
    v->marking = SAFER__MARKING__MARKING_OFFICIAL;
    if (m->n_papers == 0)
        return 0;
    r = calloc(m->n_papers, sizeof *r);
    v->papers = calloc(m->n_papers, sizeof *v->papers);
    if (r == NULL || v->papers == NULL) {
        free(r);
        pack_view_free(v);
        return SAFER_E_NOMEM;
    }
    for (size_t i = 0; i < m->n_papers; i++) {
        const Safer__PackPaper *p = m->papers[i];
        if (!see_all && !may_see(p, agency)) {
            v->withheld++;
            continue;
        }
        r[n++] = (struct ranked) { position(m, p), i, p };
        if (p->version && p->version->marking > v->marking)
            v->marking = p->version->marking;
    }
    qsort(r, n, sizeof *r, by_rank);
    for (size_t i = 0; i < n; i++)
        v->papers[i] = r[i].p;
    v->npapers = n;
    free(r);
    return 0;
}

void pack_view_free(pack_view *v)
{
    if (v == NULL)
        return;
    free(v->papers);
    v->papers = NULL;
    v->npapers = 0;
}

int pack_render(const pack_view *v, Safer__PackFormat format, pack_buf *out)
{
    switch (format) {
    case SAFER__PACK_FORMAT__PACK_MD:
        return pack_render_md(v, out);
    case SAFER__PACK_FORMAT__PACK_HTML:
        return pack_render_html(v, out);
    case SAFER__PACK_FORMAT__PACK_PDF:
        return pack_render_pdf(v, out);
    default:
        return SAFER_E_INVAL;
    }
}
