/*
 * The PDF pack's sections that hold papers: the task-group reports (one
 * heading per GROUP agenda item, each visible paper with its RAG as a
 * coloured mark and a word, its own marking, who submitted it and when, the
 * late flag, its metrics table and its Markdown body), the charts of metric
 * series, and the information items with any papers under them.
 *
 * Papers this reader may not see are never touched here: the view holds
 * only the visible ones, and a withheld paper shows up only as the shared
 * count line, with no title, agency, metrics or text.
 */
#include "server/pack_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/pack_chart.h"
#include "server/pack_text.h"

#define CHART_H 150.0
#define CHART_GAP 14.0

/* "● Red · Police Service · OFFICIAL-SENSITIVE", the mark in the RAG colour. */
static void pdf_paper_status(pdf_doc *d, const pack_view *v, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    GString *g = g_string_new(NULL);

    g_string_append_printf(g, "<span foreground=\"%s\" size=\"larger\">\u25cf</span> <b>",
        pack_text_rag_colour(rv->rag));
    pdf_esc(g, pack_text_rag(rv->rag));
    g_string_append(g, "</b>   \u00b7   ");
    pdf_esc(g, pack_text_agency_name(v->m, p->agency_code));
    g_string_append(g, "   \u00b7   <b>");
    pdf_esc(g, pack_text_marking(rv->marking));
    g_string_append(g, "</b>");
    if (rv->n_restrict_to > 0) {
        g_string_append(g, "\n<span foreground=\"#555555\">Restricted to ");
        for (size_t i = 0; i < rv->n_restrict_to; i++) {
            if (i > 0)
                g_string_append(g, ", ");
            pdf_esc(g, pack_text_agency_name(v->m, rv->restrict_to[i]));
        }
        g_string_append(g, "</span>");
    }
    pdf_para(d, g->str, &(pdf_style) { .space_after = 2 });
    g_string_free(g, TRUE);
}

/* "Submitted by ... · late · version 3", small and grey but for the flag. */
static void pdf_paper_submitted(pdf_doc *d, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    GString *g = g_string_new("<span foreground=\"#444444\">");
    char line[PACK_TEXT_MAX];

    pack_text_submitted(p, line, sizeof(line));
    pdf_esc(g, line);
    g_string_append(g, "</span>");
    if (rv->late)
        g_string_append(
            g, "   <span foreground=\"#c0392b\" weight=\"bold\">" PACK_TEXT_LATE "</span>");
    if (rv->version > 1)
        g_string_append_printf(
            g, "   <span foreground=\"#444444\">\u00b7 version %u</span>", rv->version);
    pdf_para(d, g->str, &(pdf_style) { .font = PDF_FONT_SMALL, .space_after = 6 });
    g_string_free(g, TRUE);
}

static void pdf_paper_metrics(pdf_doc *d, const Safer__ReportVersion *rv)
{
    static const double w[] = { 0.46, 0.18, 0.18, 0.18 };
    GPtrArray *cells;
    char num[64];

    if (rv->n_metrics == 0)
        return;
    cells = g_ptr_array_new_with_free_func(g_free);
    pdf_cell(cells, "Metric");
    pdf_cell(cells, "Value");
    pdf_cell(cells, "Target");
    pdf_cell(cells, "Period");
    for (size_t i = 0; i < rv->n_metrics; i++) {
        const Safer__Metric *mt = rv->metrics[i];

        pdf_cell(cells, mt->name);
        pack_text_number(mt->value, num, sizeof(num));
        pdf_cell(cells, num);
        if (mt->has_target)
            pack_text_number(mt->target, num, sizeof(num));
        pdf_cell(cells, mt->has_target ? num : "-");
        pdf_cell(cells, mt->period && *mt->period ? mt->period : "-");
    }
    pdf_cells_place(d, cells, 4, w, 0);
    g_ptr_array_free(cells, TRUE);
}

static void pdf_paper(pdf_doc *d, const pack_view *v, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    pdf_style title = {
        .font = "DejaVu Sans Bold 11.5", .space_before = 10, .space_after = 4, .keep_with = 110
    };

    if (!rv)
        return;
    pdf_text(d, rv->title && *rv->title ? rv->title : "Untitled paper", &title);
    pdf_paper_status(d, v, p);
    pdf_paper_submitted(d, p);
    pdf_paper_metrics(d, rv);
    if (rv->body.len > 0)
        pdf_markdown(d, (const char *)rv->body.data, rv->body.len, 0);
    pdf_rule(d, 0);
}

/* The visible papers of an agenda item, and the withheld line if any. */
static void pdf_item_papers(
    pdf_doc *d, const pack_view *v, const Safer__AgendaItem *it, int say_none)
{
    size_t shown = 0, withheld = pack_text_item_withheld(v, it);
    char line[PACK_TEXT_MAX];

    if (withheld > 0) {
        pack_text_withheld(withheld, line, sizeof(line));
        pdf_text(d, line, &(pdf_style) { .grey = 0.25, .space_before = 2, .space_after = 6 });
    }
    for (size_t i = 0; i < v->npapers; i++) {
        if (!pack_text_paper_in_item(v->papers[i], it))
            continue;
        pdf_paper(d, v, v->papers[i]);
        shown++;
    }
    if (shown == 0 && withheld == 0 && say_none)
        pdf_text(d, PACK_TEXT_NO_PAPERS, &(pdf_style) { .space_after = 6 });
}

static void pdf_item_heading(pdf_doc *d, const Safer__AgendaItem *it, int level, int toc)
{
    char line[PACK_TEXT_MAX];

    snprintf(line, sizeof(line), "%u. %s", it->number, it->title ? it->title : "");
    pdf_need(d, 100);
    if (toc)
        pdf_toc_add(d, line, 1);
    pdf_heading(d, line, level, 0);
}

void pdf_sec_reports(pdf_doc *d, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    int any = 0;

    pdf_section(d, PACK_SEC_REPORTS);
    for (size_t i = 0; i < m->n_agenda; i++) {
        const Safer__AgendaItem *it = m->agenda[i];

        if (it->kind != SAFER__ITEM_KIND__ITEM_GROUP)
            continue;
        pdf_item_heading(d, it, 2, 1);
        pdf_item_papers(d, v, it, 1);
        any = 1;
    }
    if (!any)
        pdf_text(d, "No task-group items on the agenda.", NULL);
}

/* One chart in column col of the row that starts at row_y. */
static void pdf_chart(
    pdf_doc *d, const pack_view *v, const Safer__MetricSeries *s, int col, double row_y)
{
    double w = (PDF_TEXT_W - CHART_GAP) / 2;
    char title[PACK_TEXT_MAX];

    snprintf(title, sizeof(title), "%s: %s", pack_text_agency_name(v->m, s->agency_code),
        s->metric ? s->metric : "");
    pack_chart_draw(
        d->cr, d->pc, s, title, PDF_MARGIN_X + col * (w + CHART_GAP), row_y, w, CHART_H);
}

void pdf_sec_charts(pdf_doc *d, const pack_view *v)
{
    const Safer__MetricSeries **s = NULL;
    const char *group = NULL;
    size_t n = 0;
    int col = 0;
    double row_y = 0;

    pdf_section(d, PACK_SEC_CHARTS);
    if (pack_text_charts(v, &s, &n) != 0) {
        d->err = SAFER_E_NOMEM;
        return;
    }
    if (n == 0)
        pdf_text(d, PACK_TEXT_NO_CHARTS, NULL);
    for (size_t i = 0; i < n; i++) {
        if (!group || strcmp(group, s[i]->group_code) != 0) {
            if (col == 1)
                d->y = row_y + CHART_H + CHART_GAP;
            col = 0;
            group = s[i]->group_code;
            pdf_need(d, CHART_H + 40);
            pdf_heading(d, pack_text_group_name(v->m, group), 2, 0);
        }
        if (col == 0) {
            pdf_need(d, CHART_H + CHART_GAP);
            row_y = d->y;
        }
        pdf_chart(d, v, s[i], col, row_y);
        d->at_top = 0;
        col ^= 1;
        if (col == 0)
            d->y = row_y + CHART_H + CHART_GAP;
    }
    if (col == 1)
        d->y = row_y + CHART_H + CHART_GAP;
    free(s);
}

void pdf_sec_information(pdf_doc *d, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    int any = 0;

    pdf_section(d, PACK_SEC_INFORMATION);
    for (size_t i = 0; i < m->n_agenda; i++) {
        const Safer__AgendaItem *it = m->agenda[i];

        if (!pack_text_is_information(it))
            continue;
        pdf_item_heading(d, it, 3, 0);
        pdf_item_papers(d, v, it, 0);
        any = 1;
    }
    if (!any)
        pdf_text(d, PACK_TEXT_NO_INFORMATION, NULL);
}
