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
 * not depend on the machine. The walk over the sections is pack_doc.c; this
 * file is the HTML row of markup it writes through, plus the page head, the
 * charts and the cmark bodies, which are HTML's own.
 */
#include "server/pack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "common/err.h"
#include "server/pack_doc.h"
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

static void cover_open(pack_text_out *o, const pack_view *v)
{
    pack_text_puts(o, "<section id=\"cover\" class=\"cover\">\n");
    banner(o, pack_text_section_marking(v, PACK_SEC_COVER));
}

static void cover_marking(pack_text_out *o, Safer__Marking m)
{
    pack_text_putf(o, "<p class=\"big\">%s</p>\n", pack_text_marking(m));
}

static void flag(pack_text_out *o, const char *word)
{
    pack_text_putf(o, " <span class=\"%s\">%s</span>", word, word);
}

static void para_open(pack_text_out *o, const char *cls)
{
    if (cls == NULL)
        pack_text_puts(o, "<p>");
    else
        pack_text_putf(o, "<p class=\"%s\">", cls);
}

static void numbered(pack_text_out *o, unsigned n)
{
    pack_text_putf(o, "<li value=\"%u\">", n);
}

static void anchor_link(pack_text_out *o, const char *anchor, const char *title)
{
    pack_text_putf(o, "<a href=\"#%s\">", anchor);
    esc(o, title);
    pack_text_puts(o, "</a>");
}

static void table_head(pack_text_out *o, const char *const *cols, size_t n)
{
    pack_text_puts(o, "<table>\n<tr>");
    for (size_t i = 0; i < n; i++)
        pack_text_putf(o, "<th>%s</th>", cols[i]);
    pack_text_puts(o, "</tr>\n");
}

static void cell(pack_text_out *o, const char *cls)
{
    if (cls == NULL)
        pack_text_puts(o, "</td><td>");
    else
        pack_text_putf(o, "</td><td class=\"%s\">", cls);
}

static void paper_start(pack_text_out *o, Safer__Marking m)
{
    pack_text_puts(o, "<div class=\"paper\">\n");
    banner(o, m);
}

static void paper_end(pack_text_out *o, Safer__Marking m)
{
    banner(o, m);
    pack_text_puts(o, "</div>\n");
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

static void rag_marking(pack_text_out *o, const Safer__ReportVersion *rv)
{
    pack_text_putf(o, " &middot; <span class=\"rag %s\">&#9679; %s</span> &middot; %s<br>\n",
        rag_class(rv->rag), pack_text_rag(rv->rag), pack_text_marking(rv->marking));
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

static const pack_doc_markup html_markup = {
    .format = SAFER__PACK_FORMAT__PACK_HTML,
    .text = esc,
    .section_start = section_start,
    .section_end = section_end,
    .cover_open = cover_open,
    .cover_marking = cover_marking,
    .flag = flag,
    .para_open = para_open,
    .numbered = numbered,
    .link = anchor_link,
    .table_head = table_head,
    .cell = cell,
    .paper_start = paper_start,
    .paper_end = paper_end,
    .rag_marking = rag_marking,
    .body = body,
    .chart = chart,
    .para_close = "</p>\n",
    .title_open = "<h1>",
    .title_close = "</h1>\n",
    .big_open = "<p class=\"big\">",
    .big_close = "</p>\n",
    .venue_sep = "<br>",
    .meta_open = "<p>",
    .meta_break = "<br>\n",
    .meta_version = " &middot; version ",
    .meta_close = "</p>\n",
    .h3_open = "<h3>",
    .h3_close = "</h3>\n",
    .h4_open = "<h4>",
    .h4_close = "</h4>\n",
    .strong_open = "<strong>",
    .strong_close = "</strong>",
    .ul_open = "<ul>\n",
    .ul_close = "</ul>\n",
    .ol_open = "<ol>\n",
    .ol_close = "</ol>\n",
    .li_open = "<li>",
    .note_open = "<li>",
    .li_close = "</li>\n",
    .row_open = "<tr><td>",
    .row_close = "</td></tr>\n",
    .table_close = "</table>\n",
};

int pack_render_html(const pack_view *v, pack_buf *out)
{
    pack_text_out o = { out, 0 };
    if (v == NULL || v->m == NULL || out == NULL)
        return SAFER_E_INVAL;
    head(&o, v);
    pack_doc_render(&o, v, &html_markup);
    banner(&o, v->marking);
    pack_text_puts(&o, "</body>\n</html>\n");
    return o.rc;
}
