/*
 * The board pack as one self-contained HTML5 file: inline CSS, no scripts and
 * nothing fetched from anywhere. On screen it reads as a long page with a
 * contents list of links; printed, every section starts a new page and a
 * fixed header and footer repeat the view's marking on every sheet. Each
 * <section> carries its own marking banner at its top and bottom.
 *
 * Every string from the model is HTML-escaped. Report bodies are Markdown,
 * rendered by cmark with CMARK_OPT_SAFE so raw HTML and dangerous links in a
 * body are dropped rather than passed through. Series with three or more
 * points get a small inline SVG line chart; its coordinates are written with
 * "%.2f" in the C locale (nothing in saferd calls setlocale), so the bytes do
 * not depend on the machine.
 */
#include "server/pack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "common/err.h"
#include "server/pack_text.h"

static const char css[]
    = "body{font-family:\"DejaVu Sans\",Arial,sans-serif;color:#222;max-width:52em;"
      "margin:0 auto;padding:1em 1.5em;line-height:1.45}\n"
      "h1{font-size:1.9em;margin:.2em 0}h2{border-bottom:2px solid #34495e;padding-bottom:.2em}\n"
      ".marking{background:#34495e;color:#fff;text-align:center;font-weight:bold;"
      "letter-spacing:.08em;padding:.25em;margin:.5em 0}\n"
      ".marking.sensitive{background:#8e1b1b}\n"
      ".cover{text-align:center;padding-top:3em}.cover .big{font-size:1.6em;font-weight:bold}\n"
      ".rag{display:inline-block;padding:.05em .6em;border-radius:.8em;color:#fff;"
      "font-weight:bold}\n"
      ".rag-red{background:#c0392b}.rag-amber{background:#e67e22}.rag-green{background:#27ae60}"
      ".rag-none{background:#7f8c8d}\n"
      ".paper{border:1px solid #bbb;border-radius:4px;padding:.5em 1em;margin:1em 0}\n"
      ".late,.overdue{color:#c0392b;font-weight:bold}\n"
      ".withheld{font-style:italic;color:#555}\n"
      ".pre{white-space:pre-wrap}\n"
      "table{border-collapse:collapse;margin:.5em 0}"
      "th,td{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}"
      "th{background:#ecf0f1}\n"
      "figure{display:inline-block;margin:.5em}figcaption{font-size:.85em}\n"
      ".print-only{display:none}\n"
      "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
      "@media print{body{max-width:none;margin:0;padding:0}"
      "@page{size:A4;margin:2cm 1.5cm}"
      ".print-only{display:block;position:fixed;left:0;right:0;text-align:center;"
      "font-weight:bold;font-size:9pt}"
      ".print-header{top:-1.4cm}.print-footer{bottom:-1.4cm}"
      "section{page-break-before:always;break-before:page}"
      "section.cover{page-break-before:auto;break-before:auto}"
      ".paper,figure,tr{page-break-inside:avoid;break-inside:avoid}"
      "a{color:inherit;text-decoration:none}}\n";

/* Writes s with &, <, >, " and ' escaped; safe in text and attributes. */
static void esc(pack_text_out *o, const char *s)
{
    const char *run = s;
    if (s == NULL)
        return;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        pack_text_put(o, run, (size_t)(p - run));
        pack_text_puts(o, rep);
        run = p + 1;
    }
    pack_text_puts(o, run);
}

static void banner(pack_text_out *o, Safer__Marking m)
{
    pack_text_putf(o, "<div class=\"marking%s\">%s</div>\n",
        m == SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE ? " sensitive" : "", pack_text_marking(m));
}

static void section_start(pack_text_out *o, const pack_view *v, int sec)
{
    pack_text_putf(o, "<section id=\"%s\">\n", pack_text_section_anchor(sec));
    banner(o, pack_text_section_marking(v, sec));
    pack_text_putf(o, "<h2>%s</h2>\n", pack_text_section_title(sec));
}

static void section_end(pack_text_out *o, const pack_view *v, int sec)
{
    banner(o, pack_text_section_marking(v, sec));
    pack_text_puts(o, "</section>\n");
}

static void head(pack_text_out *o, const pack_view *v)
{
    const Safer__Meeting *mt = v->m->meeting;
    char date[PACK_TEXT_MAX];
    pack_text_date(mt ? mt->date : "", date, sizeof date);
    pack_text_puts(o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>");
    esc(o, v->m->partnership);
    pack_text_puts(o, ": " PACK_TEXT_BOARD_MEETING ", ");
    esc(o, date);
    pack_text_putf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
    pack_text_putf(
        o, "<div class=\"print-only print-header\">%s</div>\n", pack_text_marking(v->marking));
    pack_text_putf(
        o, "<div class=\"print-only print-footer\">%s</div>\n", pack_text_marking(v->marking));
    banner(o, v->marking);
}

static void cover(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    const Safer__Meeting *mt = m->meeting;
    char line[PACK_TEXT_MAX];
    pack_text_puts(o, "<section id=\"cover\" class=\"cover\">\n");
    banner(o, pack_text_section_marking(v, PACK_SEC_COVER));
    pack_text_puts(o, "<h1>");
    esc(o, m->partnership);
    pack_text_puts(o, "</h1>\n<p class=\"big\">" PACK_TEXT_BOARD_MEETING "</p>\n<p>");
    pack_text_date(mt ? mt->date : "", line, sizeof line);
    esc(o, line);
    pack_text_puts(o, " at ");
    esc(o, mt ? mt->time : "");
    pack_text_puts(o, "<br>");
    esc(o, mt ? mt->venue : "");
    pack_text_putf(o, "</p>\n<p class=\"big\">%s</p>\n<p>", pack_text_marking(v->marking));
    pack_text_edition(m, line, sizeof line);
    esc(o, line);
    pack_text_puts(o, "</p>\n");
    if (m->edition > 1) {
        pack_text_changes_heading(m, line, sizeof line);
        pack_text_putf(o, "<h3>%s</h3>\n<ul>\n", line);
        for (size_t i = 0; i < m->n_changes; i++) {
            if (!pack_text_change_visible(v, m->changes[i]))
                continue;
            pack_text_puts(o, "<li>");
            esc(o, m->changes[i]);
            pack_text_puts(o, "</li>\n");
        }
        pack_text_puts(o, "</ul>\n");
    }
    section_end(o, v, PACK_SEC_COVER);
}

static void contents(pack_text_out *o, const pack_view *v)
{
    section_start(o, v, PACK_SEC_CONTENTS);
    pack_text_puts(o, "<ol>\n");
    for (int sec = PACK_SEC_AGENDA; sec < PACK_SEC_COUNT; sec++)
        if (pack_text_section_in(sec, SAFER__PACK_FORMAT__PACK_HTML))
            pack_text_putf(o, "<li><a href=\"#%s\">%s</a></li>\n", pack_text_section_anchor(sec),
                pack_text_section_title(sec));
    pack_text_puts(o, "</ol>\n");
    section_end(o, v, PACK_SEC_CONTENTS);
}

static void agenda(pack_text_out *o, const pack_view *v)
{
    section_start(o, v, PACK_SEC_AGENDA);
    pack_text_puts(o, "<ol>\n");
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        pack_text_putf(o, "<li value=\"%u\">", v->m->agenda[i]->number);
        esc(o, v->m->agenda[i]->title);
        pack_text_puts(o, "</li>\n");
    }
    pack_text_puts(o, "</ol>\n");
    section_end(o, v, PACK_SEC_AGENDA);
}

static void attendance(pack_text_out *o, const pack_view *v)
{
    static const struct {
        Safer__Presence p;
        const char *title;
    } kinds[2] = { { SAFER__PRESENCE__PRESENCE_PRESENT, "Present" },
        { SAFER__PRESENCE__PRESENCE_APOLOGIES, "Apologies" } };
    section_start(o, v, PACK_SEC_ATTENDANCE);
    for (size_t k = 0; k < 2; k++) {
        size_t shown = 0;
        pack_text_putf(o, "<h3>%s</h3>\n<ul>\n", kinds[k].title);
        for (size_t i = 0; i < v->m->n_attendance; i++) {
            const Safer__Attendance *a = v->m->attendance[i];
            if (a->presence != kinds[k].p)
                continue;
            pack_text_puts(o, "<li>");
            esc(o, a->name);
            pack_text_puts(o, " (");
            esc(o, pack_text_agency_name(v->m, a->agency_code));
            pack_text_puts(o, ")");
            if (a->substitute && a->substitute[0]) {
                pack_text_puts(o, ", substitute: ");
                esc(o, a->substitute);
            }
            pack_text_puts(o, "</li>\n");
            shown++;
        }
        pack_text_puts(o, shown ? "</ul>\n" : "<li>None recorded.</li>\n</ul>\n");
    }
    section_end(o, v, PACK_SEC_ATTENDANCE);
}

static void minutes(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char line[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_MINUTES);
    if (m->previous == NULL || m->previous->date == NULL || m->previous->date[0] == '\0') {
        pack_text_puts(o, "<p>" PACK_TEXT_NO_PREVIOUS "</p>\n");
        section_end(o, v, PACK_SEC_MINUTES);
        return;
    }
    pack_text_date(m->previous->date, line, sizeof line);
    pack_text_puts(o, "<p>Meeting of ");
    esc(o, line);
    pack_text_putf(o, ": <strong>%s</strong></p>\n",
        m->previous_minutes_approved ? PACK_TEXT_APPROVED : PACK_TEXT_FOR_APPROVAL);
    for (size_t i = 0; i < m->n_previous_minutes; i++) {
        const Safer__Minute *mi = m->previous_minutes[i];
        pack_text_putf(o, "<h3>%u. ", mi->item);
        esc(o, pack_text_item_title(m->previous_agenda, m->n_previous_agenda, mi->item));
        pack_text_puts(o, "</h3>\n<p class=\"pre\">");
        esc(o, mi->text);
        pack_text_puts(o, "</p>\n");
    }
    section_end(o, v, PACK_SEC_MINUTES);
}

static void matters(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char owners[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_MATTERS);
    if (m->n_matters_arising == 0) {
        pack_text_puts(o, "<p>" PACK_TEXT_NO_ACTIONS "</p>\n");
        section_end(o, v, PACK_SEC_MATTERS);
        return;
    }
    pack_text_puts(o,
        "<table>\n<tr><th>Action</th><th>Text</th><th>Owners</th><th>Due</th>"
        "<th>Carried</th></tr>\n");
    for (size_t i = 0; i < m->n_matters_arising; i++) {
        const Safer__Action *a = m->matters_arising[i];
        pack_text_owners(a, owners, sizeof owners);
        pack_text_putf(o, "<tr><td>%lld</td><td>", (long long)a->id);
        esc(o, a->text);
        pack_text_puts(o, "</td><td>");
        esc(o, owners);
        pack_text_puts(o, "</td><td>");
        esc(o, a->due);
        if (pack_text_action_overdue(m, a))
            pack_text_puts(o, " <span class=\"overdue\">" PACK_TEXT_OVERDUE "</span>");
        pack_text_putf(o, "</td><td>carried %u</td></tr>\n", a->carried);
    }
    pack_text_puts(o, "</table>\n");
    section_end(o, v, PACK_SEC_MATTERS);
}

static void metrics(pack_text_out *o, const Safer__ReportVersion *rv)
{
    char num[64];
    if (rv->n_metrics == 0)
        return;
    pack_text_puts(o,
        "<table>\n<tr><th>Metric</th><th>Value</th><th>Target</th><th>Period</th>"
        "</tr>\n");
    for (size_t i = 0; i < rv->n_metrics; i++) {
        const Safer__Metric *mt = rv->metrics[i];
        pack_text_puts(o, "<tr><td>");
        esc(o, mt->name);
        pack_text_number(mt->value, num, sizeof num);
        pack_text_putf(o, "</td><td>%s</td><td>", num);
        if (mt->has_target)
            pack_text_number(mt->target, num, sizeof num);
        pack_text_puts(o, mt->has_target ? num : "-");
        pack_text_puts(o, "</td><td>");
        esc(o, mt->period && mt->period[0] ? mt->period : "-");
        pack_text_puts(o, "</td></tr>\n");
    }
    pack_text_puts(o, "</table>\n");
}

/* The body through cmark; CMARK_OPT_SAFE drops raw HTML and unsafe links. */
static void body(pack_text_out *o, const Safer__ReportVersion *rv)
{
    char *html;
    if (rv->body.len == 0 || o->rc != 0)
        return;
    html = cmark_markdown_to_html((const char *)rv->body.data, rv->body.len, CMARK_OPT_SAFE);
    if (html == NULL) {
        o->rc = SAFER_E_NOMEM;
        return;
    }
    pack_text_puts(o, "<div class=\"body\">\n");
    pack_text_puts(o, html);
    pack_text_puts(o, "</div>\n");
    free(html);
}

static const char *rag_class(Safer__Rag r)
{
    switch (r) {
    case SAFER__RAG__RAG_RED:
        return "rag-red";
    case SAFER__RAG__RAG_AMBER:
        return "rag-amber";
    case SAFER__RAG__RAG_GREEN:
        return "rag-green";
    default:
        return "rag-none";
    }
}

static void paper(pack_text_out *o, const pack_view *v, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    char line[PACK_TEXT_MAX];
    if (rv == NULL)
        return;
    pack_text_puts(o, "<div class=\"paper\">\n");
    banner(o, rv->marking);
    pack_text_puts(o, "<h4>");
    esc(o, rv->title);
    pack_text_puts(o, "</h4>\n<p>");
    esc(o, pack_text_agency_name(v->m, p->agency_code));
    pack_text_putf(o, " &middot; <span class=\"rag %s\">&#9679; %s</span> &middot; %s<br>\n",
        rag_class(rv->rag), pack_text_rag(rv->rag), pack_text_marking(rv->marking));
    pack_text_submitted(p, line, sizeof line);
    esc(o, line);
    if (rv->late)
        pack_text_puts(o, " <span class=\"late\">" PACK_TEXT_LATE "</span>");
    if (rv->version > 1)
        pack_text_putf(o, " &middot; version %u", rv->version);
    pack_text_restricted(v, rv, line, sizeof line);
    if (line[0]) {
        pack_text_puts(o, "<br>\n");
        esc(o, line);
    }
    pack_text_puts(o, "</p>\n");
    metrics(o, rv);
    body(o, rv);
    banner(o, rv->marking);
    pack_text_puts(o, "</div>\n");
}

static void reports(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char line[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_REPORTS);
    for (size_t i = 0; i < m->n_agenda; i++) {
        const Safer__AgendaItem *it = m->agenda[i];
        size_t shown = 0, withheld;
        if (it->kind != SAFER__ITEM_KIND__ITEM_GROUP)
            continue;
        pack_text_putf(o, "<h3>%u. ", it->number);
        esc(o, it->title && it->title[0] ? it->title : pack_text_group_name(m, it->group_code));
        pack_text_puts(o, "</h3>\n");
        for (size_t k = 0; k < v->npapers; k++) {
            if (!pack_text_paper_in_item(v->papers[k], it))
                continue;
            paper(o, v, v->papers[k]);
            shown++;
        }
        withheld = pack_text_item_withheld(v, it);
        if (withheld > 0) {
            pack_text_withheld(withheld, line, sizeof line);
            pack_text_putf(o, "<p class=\"withheld\">%s</p>\n", line);
        } else if (shown == 0) {
            pack_text_puts(o, "<p>" PACK_TEXT_NO_PAPERS "</p>\n");
        }
    }
    section_end(o, v, PACK_SEC_REPORTS);
}

/* Chart geometry, in SVG user units. */
#define CH_W 320.0
#define CH_H 150.0
#define CH_L 40.0 /* room for the value labels */
#define CH_R 10.0
#define CH_T 10.0
#define CH_B 25.0 /* room for the date labels */

static double chart_x(size_t i, size_t n)
{
    return CH_L + (CH_W - CH_L - CH_R) * (double)i / (double)(n - 1);
}

static double chart_y(double val, double lo, double hi)
{
    return CH_T + (CH_H - CH_T - CH_B) * (hi - val) / (hi - lo);
}

/* The range of the finite values and targets; 0 if there is none. */
static int chart_range(const Safer__MetricSeries *s, double *lo, double *hi)
{
    *lo = HUGE_VAL;
    *hi = -HUGE_VAL;
    for (size_t i = 0; i < s->n_points; i++) {
        const Safer__MetricPoint *p = s->points[i];
        if (isfinite(p->value)) {
            *lo = p->value < *lo ? p->value : *lo;
            *hi = p->value > *hi ? p->value : *hi;
        }
        if (p->has_target && isfinite(p->target)) {
            *lo = p->target < *lo ? p->target : *lo;
            *hi = p->target > *hi ? p->target : *hi;
        }
    }
    if (*lo > *hi)
        return 0;
    if (!(*hi > *lo)) {
        /* A flat line sits in the middle of the plot rather than on its edge. */
        *lo -= 1.0;
        *hi += 1.0;
    }
    return 1;
}

/* One polyline: the targets (dashed) or the values; returns points drawn. */
static size_t chart_line(
    pack_text_out *o, const Safer__MetricSeries *s, int values, double lo, double hi)
{
    size_t drawn = 0;
    for (size_t i = 0; i < s->n_points; i++) {
        const Safer__MetricPoint *p = s->points[i];
        double y = values ? p->value : p->target;
        if ((!values && !p->has_target) || !isfinite(y))
            continue;
        if (drawn++ == 0)
            pack_text_putf(o,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"",
                values ? "#2c3e50" : "#c0392b", values ? "2" : "1",
                values ? "" : " stroke-dasharray=\"4 3\"");
        pack_text_putf(
            o, "%s%.2f,%.2f", drawn > 1 ? " " : "", chart_x(i, s->n_points), chart_y(y, lo, hi));
    }
    if (drawn > 0)
        pack_text_puts(o, "\"/>\n");
    return drawn;
}

static void chart_label(pack_text_out *o, double x, double y, const char *anchor, const char *s)
{
    pack_text_putf(
        o, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"9\" text-anchor=\"%s\">", x, y, anchor);
    esc(o, s);
    pack_text_puts(o, "</text>\n");
}

static void chart(pack_text_out *o, const pack_view *v, const Safer__MetricSeries *s)
{
    double lo, hi;
    char num[64];
    size_t last = s->n_points - 1;
    if (!chart_range(s, &lo, &hi))
        return;
    pack_text_puts(o,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"320\" "
        "height=\"150\" viewBox=\"0 0 320 150\" role=\"img\">\n");
    pack_text_putf(o,
        "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" "
        "stroke=\"#999\"/>\n",
        CH_L, CH_T, CH_W - CH_L - CH_R, CH_H - CH_T - CH_B);
    pack_text_number(hi, num, sizeof num);
    chart_label(o, CH_L - 3, CH_T + 8, "end", num);
    pack_text_number(lo, num, sizeof num);
    chart_label(o, CH_L - 3, CH_H - CH_B, "end", num);
    size_t targets = chart_line(o, s, 0, lo, hi);
    chart_line(o, s, 1, lo, hi);
    chart_label(o, chart_x(0, s->n_points), CH_H - 8, "start", s->points[0]->date);
    chart_label(o, chart_x(last, s->n_points), CH_H - 8, "end", s->points[last]->date);
    pack_text_puts(o, "</svg>\n<figcaption>");
    esc(o, pack_text_group_name(v->m, s->group_code));
    pack_text_puts(o, " &middot; ");
    esc(o, pack_text_agency_name(v->m, s->agency_code));
    pack_text_puts(o, ": ");
    esc(o, s->metric);
    pack_text_puts(o, targets ? " (dashed: target)" : "");
    pack_text_puts(o, "</figcaption>\n</figure>\n");
}

static void charts(pack_text_out *o, const pack_view *v)
{
    const Safer__MetricSeries **list = NULL;
    size_t n = 0;
    section_start(o, v, PACK_SEC_CHARTS);
    if (o->rc == 0)
        o->rc = pack_text_charts(v, &list, &n);
    for (size_t i = 0; i < n; i++)
        chart(o, v, list[i]);
    if (n == 0)
        pack_text_puts(o, "<p>" PACK_TEXT_NO_CHARTS "</p>\n");
    free(list);
    section_end(o, v, PACK_SEC_CHARTS);
}

static void returns(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char when[64];
    section_start(o, v, PACK_SEC_RETURNS);
    pack_text_puts(o,
        "<table>\n<tr><th>Group</th><th>Agency</th><th>Return</th>"
        "<th>Submitted</th></tr>\n");
    for (size_t i = 0; i < m->n_returns; i++) {
        const Safer__ReturnRow *r = m->returns[i];
        pack_text_puts(o, "<tr><td>");
        esc(o, pack_text_group_name(m, r->group_code));
        pack_text_puts(o, "</td><td>");
        esc(o, pack_text_agency_name(m, r->agency_code));
        pack_text_utc(r->submitted, when, sizeof when);
        pack_text_putf(o, "</td><td%s>%s</td><td>%s</td></tr>\n",
            r->status == SAFER__RETURN_STATUS__RETURN_ON_TIME ? "" : " class=\"late\"",
            pack_text_return_status(r->status), when);
    }
    pack_text_puts(o, "</table>\n");
    section_end(o, v, PACK_SEC_RETURNS);
}

static void information(pack_text_out *o, const pack_view *v)
{
    size_t shown = 0;
    section_start(o, v, PACK_SEC_INFORMATION);
    pack_text_puts(o, "<ul>\n");
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        const Safer__AgendaItem *it = v->m->agenda[i];
        if (!pack_text_is_information(it))
            continue;
        pack_text_putf(o, "<li>%u. ", it->number);
        esc(o, it->title);
        pack_text_puts(o, "</li>\n");
        shown++;
    }
    pack_text_puts(o, shown ? "</ul>\n" : "<li>" PACK_TEXT_NO_INFORMATION "</li>\n</ul>\n");
    section_end(o, v, PACK_SEC_INFORMATION);
}

static void next_meeting(pack_text_out *o, const pack_view *v)
{
    char line[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_NEXT);
    pack_text_next_meeting(v->m, line, sizeof line);
    pack_text_puts(o, "<p>");
    esc(o, line);
    pack_text_puts(o, "</p>\n");
    section_end(o, v, PACK_SEC_NEXT);
}

int pack_render_html(const pack_view *v, pack_buf *out)
{
    pack_text_out o = { out, 0 };
    if (v == NULL || v->m == NULL || out == NULL)
        return SAFER_E_INVAL;
    head(&o, v);
    cover(&o, v);
    contents(&o, v);
    agenda(&o, v);
    attendance(&o, v);
    minutes(&o, v);
    matters(&o, v);
    reports(&o, v);
    charts(&o, v);
    returns(&o, v);
    information(&o, v);
    next_meeting(&o, v);
    banner(&o, v->marking);
    pack_text_puts(&o, "</body>\n</html>\n");
    return o.rc;
}
