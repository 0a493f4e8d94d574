/*
 * Shared words and text for the pack renderers: one section table, dates
 * and times written out without locale or clock, and the fixed phrases the
 * spec asks for. See pack_text.h for each function's contract.
 */
#include "server/pack_text.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

static const struct {
    const char *title;
    const char *anchor;
} sections[PACK_SEC_COUNT] = {
    [PACK_SEC_COVER] = { "Cover", "cover" },
    [PACK_SEC_CONTENTS] = { "Contents", "contents" },
    [PACK_SEC_AGENDA] = { "Agenda", "agenda" },
    [PACK_SEC_ATTENDANCE] = { "Attendance and apologies", "attendance" },
    [PACK_SEC_MINUTES] = { "Minutes of the last meeting", "minutes" },
    [PACK_SEC_MATTERS] = { "Matters arising", "matters-arising" },
    [PACK_SEC_REPORTS] = { "Task-group reports", "reports" },
    [PACK_SEC_CHARTS] = { "Charts", "charts" },
    [PACK_SEC_RETURNS] = { "Returns", "returns" },
    [PACK_SEC_INFORMATION] = { "Information items", "information" },
    [PACK_SEC_NEXT] = { "Date of next meeting", "next-meeting" },
};

const char *pack_text_section_title(int sec)
{
    return sec >= 0 && sec < PACK_SEC_COUNT ? sections[sec].title : "";
}

const char *pack_text_section_anchor(int sec)
{
    return sec >= 0 && sec < PACK_SEC_COUNT ? sections[sec].anchor : "";
}

int pack_text_section_in(int sec, Safer__PackFormat format)
{
    if (sec < 0 || sec >= PACK_SEC_COUNT)
        return 0;
    if (sec == PACK_SEC_CHARTS)
        return format == SAFER__PACK_FORMAT__PACK_PDF || format == SAFER__PACK_FORMAT__PACK_HTML;
    return 1;
}

Safer__Marking pack_text_section_marking(const pack_view *v, int sec)
{
    if (sec == PACK_SEC_COVER || sec == PACK_SEC_REPORTS || sec == PACK_SEC_CHARTS)
        return v->marking;
    return SAFER__MARKING__MARKING_OFFICIAL;
}

const char *pack_text_marking(Safer__Marking m)
{
    return m == SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE ? "OFFICIAL-SENSITIVE" : "OFFICIAL";
}

const char *pack_text_rag(Safer__Rag r)
{
    switch (r) {
    case SAFER__RAG__RAG_RED:
        return "Red";
    case SAFER__RAG__RAG_AMBER:
        return "Amber";
    case SAFER__RAG__RAG_GREEN:
        return "Green";
    default:
        return "Not given";
    }
}

const char *pack_text_rag_colour(Safer__Rag r)
{
    switch (r) {
    case SAFER__RAG__RAG_RED:
        return "#c0392b";
    case SAFER__RAG__RAG_AMBER:
        return "#e67e22";
    case SAFER__RAG__RAG_GREEN:
        return "#27ae60";
    default:
        return "#7f8c8d";
    }
}

const char *pack_text_return_status(Safer__ReturnStatus s)
{
    switch (s) {
    case SAFER__RETURN_STATUS__RETURN_ON_TIME:
        return "on time";
    case SAFER__RETURN_STATUS__RETURN_LATE:
        return "late";
    case SAFER__RETURN_STATUS__RETURN_MISSING:
        return "missing";
    default:
        return "unknown";
    }
}

static int parse_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Sakamoto's method: 0 = Sunday, for the proleptic Gregorian calendar. */
static int weekday(int y, int m, int d)
{
    static const int t[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

void pack_text_date(const char *iso, char *out, size_t n)
{
    static const char *days[7]
        = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
    static const char *months[12] = { "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December" };
    int y, m, d;
    if (iso == NULL)
        iso = "";
    if (strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-' || parse_digits(iso, 4, &y) != 0
        || parse_digits(iso + 5, 2, &m) != 0 || parse_digits(iso + 8, 2, &d) != 0 || y < 1 || m < 1
        || m > 12 || d < 1 || d > 31) {
        snprintf(out, n, "%s", iso);
        return;
    }
    snprintf(out, n, "%s %d %s %d", days[weekday(y, m, d)], d, months[m - 1], y);
}

void pack_text_utc(int64_t t, char *out, size_t n)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
        snprintf(out, n, "-");
        return;
    }
    snprintf(out, n, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
        tm.tm_hour, tm.tm_min);
}

void pack_text_edition(const Safer__PackModel *m, char *out, size_t n)
{
    char when[64];
    if (m->edition == 0) {
        snprintf(out, n, "Draft");
        return;
    }
    pack_text_utc(m->published, when, sizeof when);
    snprintf(out, n, "Edition %" PRIu32 ", published %s", m->edition, when);
}

void pack_text_changes_heading(const Safer__PackModel *m, char *out, size_t n)
{
    if (m->edition > 1)
        snprintf(out, n, "Changes since edition %" PRIu32, m->edition - 1);
    else if (n > 0)
        out[0] = '\0';
}

void pack_text_owners(const Safer__Action *a, char *out, size_t n)
{
    size_t used = 0;
    if (n == 0)
        return;
    out[0] = '\0';
    if (a->all || a->n_owners == 0) {
        snprintf(out, n, "ALL");
        return;
    }
    for (size_t i = 0; i < a->n_owners && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? "/" : "", a->owners[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int pack_text_action_overdue(const Safer__PackModel *m, const Safer__Action *a)
{
    if (a->status != SAFER__ACTION_STATUS__ACTION_OPEN || a->due == NULL || a->due[0] == '\0'
        || m->meeting == NULL || m->meeting->date == NULL)
        return 0;
    return strcmp(a->due, m->meeting->date) < 0;
}

void pack_text_submitted(const Safer__PackPaper *p, char *out, size_t n)
{
    char when[64];
    const Safer__ReportVersion *v = p->version;
    pack_text_utc(v ? v->submitted : 0, when, sizeof when);
    snprintf(out, n, "Submitted by %s (%s) on %s", p->author_name ? p->author_name : "",
        v && v->author ? v->author : "", when);
}

void pack_text_withheld(size_t count, char *out, size_t n)
{
    snprintf(out, n, "%zu paper%s withheld: restricted to other agencies.", count,
        count == 1 ? "" : "s");
}

void pack_text_next_meeting(const Safer__PackModel *m, char *out, size_t n)
{
    char date[128];
    const Safer__Meeting *nx = m->next;
    if (nx == NULL || nx->date == NULL || nx->date[0] == '\0') {
        snprintf(out, n, "To be arranged");
        return;
    }
    pack_text_date(nx->date, date, sizeof date);
    snprintf(out, n, "%s at %s, %s", date, nx->time ? nx->time : "", nx->venue ? nx->venue : "");
}

void pack_text_number(double x, char *out, size_t n)
{
    if (!isfinite(x)) {
        snprintf(out, n, "n/a");
        return;
    }
    snprintf(out, n, "%.2f", x);
    char *dot = strchr(out, '.');
    if (dot == NULL)
        return;
    char *end = out + strlen(out);
    while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
    /* "-0.00" trims to "-0"; a reader should see plain 0. */
    if (strcmp(out, "-0") == 0)
        snprintf(out, n, "0");
}

const char *pack_text_agency_name(const Safer__PackModel *m, const char *code)
{
    for (size_t i = 0; i < m->n_agencies; i++)
        if (m->agencies[i]->code && code && strcmp(m->agencies[i]->code, code) == 0)
            return m->agencies[i]->name ? m->agencies[i]->name : code;
    return code ? code : "";
}

const char *pack_text_group_name(const Safer__PackModel *m, const char *code)
{
    for (size_t i = 0; i < m->n_groups; i++)
        if (m->groups[i]->code && code && strcmp(m->groups[i]->code, code) == 0)
            return m->groups[i]->name ? m->groups[i]->name : code;
    return code ? code : "";
}

const char *pack_text_item_title(Safer__AgendaItem *const *items, size_t n, uint32_t number)
{
    for (size_t i = 0; i < n; i++)
        if (items[i]->number == number)
            return items[i]->title ? items[i]->title : "";
    return "";
}

int pack_text_paper_in_item(const Safer__PackPaper *p, const Safer__AgendaItem *it)
{
    if (it->kind != SAFER__ITEM_KIND__ITEM_GROUP)
        return 0;
    if (p->item != 0)
        return p->item == it->number;
    return p->group_code && it->group_code && strcmp(p->group_code, it->group_code) == 0;
}

size_t pack_text_item_withheld(const pack_view *v, const Safer__AgendaItem *it)
{
    size_t all = 0, seen = 0;
    for (size_t i = 0; i < v->m->n_papers; i++)
        all += pack_text_paper_in_item(v->m->papers[i], it) ? 1 : 0;
    for (size_t i = 0; i < v->npapers; i++)
        seen += pack_text_paper_in_item(v->papers[i], it) ? 1 : 0;
    return all > seen ? all - seen : 0;
}

int pack_text_is_information(const Safer__AgendaItem *it)
{
    return it->kind == SAFER__ITEM_KIND__ITEM_INFORMATION
        || it->kind == SAFER__ITEM_KIND__ITEM_OTHER;
}

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int by_metric(const void *a, const void *b)
{
    const Safer__MetricSeries *x = *(const Safer__MetricSeries *const *)a;
    const Safer__MetricSeries *y = *(const Safer__MetricSeries *const *)b;
    return strcmp(x->metric ? x->metric : "", y->metric ? y->metric : "");
}

int pack_text_charts(const pack_view *v, const Safer__MetricSeries ***out, size_t *n)
{
    const Safer__MetricSeries **list = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    if (v->m->n_series == 0 || v->npapers == 0)
        return 0;
    list = calloc(v->m->n_series, sizeof *list);
    if (list == NULL)
        return SAFER_E_NOMEM;
    /* Walk the papers in their order so charts follow the reports; a group
     * and agency pair is charted once even if it has two papers. */
    for (size_t p = 0; p < v->npapers; p++) {
        const Safer__PackPaper *pp = v->papers[p];
        int dup = 0;
        for (size_t q = 0; q < p; q++)
            dup |= same(v->papers[q]->group_code, pp->group_code)
                && same(v->papers[q]->agency_code, pp->agency_code);
        if (dup)
            continue;
        size_t first = count;
        for (size_t s = 0; s < v->m->n_series; s++) {
            const Safer__MetricSeries *se = v->m->series[s];
            if (se->n_points >= 3 && same(se->group_code, pp->group_code)
                && same(se->agency_code, pp->agency_code))
                list[count++] = se;
        }
        qsort(list + first, count - first, sizeof *list, by_metric);
    }
    if (count == 0) {
        free(list);
        return 0;
    }
    *out = list;
    *n = count;
    return 0;
}

void pack_text_put(pack_text_out *o, const void *p, size_t n)
{
    if (o->rc == 0)
        o->rc = pack_buf_append(o->b, p, n);
}

void pack_text_puts(pack_text_out *o, const char *s)
{
    if (s != NULL)
        pack_text_put(o, s, strlen(s));
}

void pack_text_putf(pack_text_out *o, const char *fmt, ...)
{
    char small[1024];
    char *big = NULL;
    va_list ap;
    if (o->rc != 0)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->rc = SAFER_E_INVAL;
        return;
    }
    if ((size_t)n < sizeof small) {
        pack_text_put(o, small, (size_t)n);
        return;
    }
    if ((size_t)n >= PACK_MAX) {
        o->rc = SAFER_E_TOOBIG;
        return;
    }
    big = malloc((size_t)n + 1);
    if (big == NULL) {
        o->rc = SAFER_E_NOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pack_text_put(o, big, (size_t)n);
    free(big);
}

static int visible(const pack_view *v, const Safer__PackPaper *p)
{
    for (size_t i = 0; i < v->npapers; i++)
        if (v->papers[i] == p)
            return 1;
    return 0;
}

static int names(const char *change, const char *agency, const char *group)
{
    char prefix[PACK_TEXT_MAX];
    int w = snprintf(
        prefix, sizeof prefix, "%s paper for %s", agency ? agency : "", group ? group : "");
    if (w < 0 || (size_t)w >= sizeof prefix)
        return 0;
    return strncmp(change, prefix, (size_t)w) == 0;
}

int pack_text_change_visible(const pack_view *v, const char *change)
{
    if (change == NULL || v->withheld == 0)
        return 1;
    for (size_t i = 0; i < v->m->n_papers; i++) {
        const Safer__PackPaper *p = v->m->papers[i];
        const char *an = pack_text_agency_name(v->m, p->agency_code);
        const char *gn = pack_text_group_name(v->m, p->group_code);
        if (visible(v, p))
            continue;
        if (names(change, an, gn) || names(change, p->agency_code, p->group_code)
            || names(change, an, p->group_code) || names(change, p->agency_code, gn))
            return 0;
    }
    return 1;
}

void pack_text_restricted(const pack_view *v, const Safer__ReportVersion *rv, char *out, size_t n)
{
    size_t used = 0;
    if (n == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < rv->n_restrict_to && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "Restricted to ",
            pack_text_agency_name(v->m, rv->restrict_to[i]));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
