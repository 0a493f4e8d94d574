/*
 * The board pack as PDF: pack_render_pdf lays the view out with the engine
 * in server/pack_pdf_layout.c, which records each page and learns where each
 * section lands and how many pages there are, then writes the PDF with the
 * contents page and every "Page n of N" filled in.
 *
 * This file holds the entry point, the cover, the contents page and the
 * meeting's own sections (agenda, attendance, minutes, matters arising,
 * returns, next meeting); papers and charts are in server/pack_pdf_papers.c.
 *
 * The file's dates come from the model, never the clock: the published time
 * of an edition, or the data's "as at" time for a draft.
 */
#include "server/pack_pdf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "server/pack_text.h"

#define DATE_ISO_BYTES 64

void pdf_cell(GPtrArray *cells, const char *text)
{
    GString *g = g_string_new(NULL);

    pdf_esc(g, text);
    g_ptr_array_add(cells, g_string_free(g, FALSE));
}

void pdf_cell_markup(GPtrArray *cells, char *markup)
{
    g_ptr_array_add(cells, markup);
}

void pdf_cells_place(
    pdf_doc *d, GPtrArray *cells, size_t ncols, const double *widths, double indent)
{
    pdf_table t = { 0 };

    t.ncols = ncols;
    t.widths = widths;
    t.nrows = cells->len / ncols;
    t.cells = (char **)cells->pdata;
    t.indent = indent;
    pdf_table_place(d, &t);
}

void pdf_section(pdf_doc *d, int sec)
{
    /* Room for the heading and a little under it, so the entry's page is right. */
    pdf_need(d, 110);
    pdf_toc_add(d, pack_text_section_title(sec), 0);
    pdf_heading(d, pack_text_section_title(sec), 1, 0);
}

/* "YYYY-MM-DDTHH:MM:SSZ" for the PDF's dates, from the model. */
static void pdf_iso_date(const Safer__PackModel *m, char out[DATE_ISO_BYTES])
{
    time_t t = (time_t)(m->edition > 0 ? m->published : m->built);
    struct tm tm;

    if (t < 0 || !gmtime_r(&t, &tm)) {
        snprintf(out, DATE_ISO_BYTES, "1970-01-01T00:00:00Z");
        return;
    }
    snprintf(out, DATE_ISO_BYTES, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *meeting_date(const Safer__PackModel *m)
{
    return m->meeting && m->meeting->date ? m->meeting->date : "";
}

/* The boxed marking on the cover. */
static void pdf_cover_marking(pdf_doc *d, const char *marking)
{
    GString *g = g_string_new(NULL);
    pdf_style st = { .font = "DejaVu Sans Bold 20", .centre = 1 };
    double y0;

    pdf_space(d, 26);
    y0 = d->y;
    d->y += 12;
    pdf_esc(g, marking);
    pdf_para(d, g->str, &st);
    d->y += 12;
    cairo_set_line_width(d->cr, 2.0);
    cairo_rectangle(d->cr, PDF_MARGIN_X + 90, y0, PDF_TEXT_W - 180, d->y - y0);
    cairo_stroke(d->cr);
    d->y += 22;
    g_string_free(g, TRUE);
}

static void pdf_cover(pdf_doc *d, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char line[PACK_TEXT_MAX], date[PACK_TEXT_MAX];
    pdf_style big = { .font = "DejaVu Sans Bold 24", .centre = 1, .space_after = 18 };
    pdf_style mid = { .font = "DejaVu Sans 18", .centre = 1, .space_after = 10 };
    pdf_style small = { .font = "DejaVu Sans 12", .centre = 1, .space_after = 6 };

    d->y = 190;
    d->at_top = 0;
    pdf_text(d, m->partnership && *m->partnership ? m->partnership : "Partnership", &big);
    pdf_text(d, PACK_TEXT_BOARD_MEETING, &mid);
    pack_text_date(meeting_date(m), date, sizeof(date));
    pdf_text(d, date, &small);
    if (m->meeting) {
        snprintf(line, sizeof(line), "%s%s%s", m->meeting->time ? m->meeting->time : "",
            m->meeting->venue && *m->meeting->venue ? ", " : "",
            m->meeting->venue ? m->meeting->venue : "");
        pdf_text(d, line, &small);
    }
    pdf_cover_marking(d, pack_text_marking(v->marking));
    pack_text_edition(m, line, sizeof(line));
    pdf_text(d, line, &small);
    pack_text_changes_heading(m, line, sizeof(line));
    if (*line) {
        pdf_style item = { .indent = 110, .bullet = "\u2022", .space_after = 2 };

        pdf_space(d, 18);
        pdf_text(d, line, &(pdf_style) { .font = PDF_FONT_BOLD, .indent = 96, .space_after = 4 });
        for (size_t i = 0; i < m->n_changes; i++) {
            /* As in the other formats: never name a paper this reader may not see. */
            if (pack_text_change_visible(v, m->changes[i]))
                pdf_text(d, m->changes[i], &item);
        }
    }
}

/*
 * The contents page: its heading now, its entries when the PDF is written
 * (they need every page laid out first). Always exactly one page.
 */
static void pdf_contents(pdf_doc *d)
{
    pdf_heading(d, pack_text_section_title(PACK_SEC_CONTENTS), 1, 0);
    d->contents_page = d->page;
    d->contents_y = d->y + 6;
}

static void pdf_agenda(pdf_doc *d, const Safer__PackModel *m)
{
    pdf_section(d, PACK_SEC_AGENDA);
    for (size_t i = 0; i < m->n_agenda; i++) {
        char num[16];

        snprintf(num, sizeof(num), "%u.", m->agenda[i]->number);
        pdf_text(
            d, m->agenda[i]->title, &(pdf_style) { .indent = 22, .bullet = num, .space_after = 4 });
    }
    if (m->n_agenda == 0)
        pdf_text(d, "No agenda items.", NULL);
}

static void pdf_attendance_table(pdf_doc *d, const Safer__PackModel *m, Safer__Presence want)
{
    static const double w2[] = { 0.5, 0.5 }, w3[] = { 0.34, 0.33, 0.33 };
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    size_t ncols = want == SAFER__PRESENCE__PRESENCE_APOLOGIES ? 3 : 2;
    char sub[PACK_TEXT_MAX];

    pdf_cell(cells, "Name");
    pdf_cell(cells, "Agency");
    if (ncols == 3)
        pdf_cell(cells, "Substitute");
    for (size_t i = 0; i < m->n_attendance; i++) {
        const Safer__Attendance *a = m->attendance[i];

        if (a->presence != want)
            continue;
        pdf_cell(cells, a->name);
        pdf_cell(cells, pack_text_agency_name(m, a->agency_code));
        if (ncols == 3) {
            snprintf(sub, sizeof(sub), "%s%s",
                a->substitute && *a->substitute ? "substitute: " : "",
                a->substitute && *a->substitute ? a->substitute : "none");
            pdf_cell(cells, sub);
        }
    }
    if (cells->len == ncols)
        pdf_text(d, "None recorded.", &(pdf_style) { .space_after = 6 });
    else
        pdf_cells_place(d, cells, ncols, ncols == 3 ? w3 : w2, 0);
    g_ptr_array_free(cells, TRUE);
}

static void pdf_attendance(pdf_doc *d, const Safer__PackModel *m)
{
    pdf_section(d, PACK_SEC_ATTENDANCE);
    pdf_heading(d, "Present", 3, 0);
    pdf_attendance_table(d, m, SAFER__PRESENCE__PRESENCE_PRESENT);
    pdf_heading(d, "Apologies", 3, 0);
    pdf_attendance_table(d, m, SAFER__PRESENCE__PRESENCE_APOLOGIES);
}

static void pdf_minutes(pdf_doc *d, const Safer__PackModel *m)
{
    char line[PACK_TEXT_MAX], date[PACK_TEXT_MAX];

    pdf_section(d, PACK_SEC_MINUTES);
    if (!m->previous || !m->previous->date || !*m->previous->date) {
        pdf_text(d, PACK_TEXT_NO_PREVIOUS, NULL);
        return;
    }
    memcpy(date, "Meeting of ", 11);
    pack_text_date(m->previous->date, date + 11, sizeof(date) - 11);
    pdf_text(d, date, &(pdf_style) { .space_after = 3 });
    pdf_text(d, m->previous_minutes_approved ? PACK_TEXT_APPROVED : PACK_TEXT_FOR_APPROVAL,
        &(pdf_style) { .font = PDF_FONT_BOLD, .space_after = 6 });
    for (size_t i = 0; i < m->n_previous_minutes; i++) {
        const Safer__Minute *mn = m->previous_minutes[i];

        if (!mn->text || !*mn->text)
            continue;
        snprintf(line, sizeof(line), "%u. %s", mn->item,
            pack_text_item_title(m->previous_agenda, m->n_previous_agenda, mn->item));
        pdf_heading(d, line, 3, 0);
        pdf_text(d, mn->text, &(pdf_style) { .space_after = 4 });
    }
}

/* The due date, with "overdue" in red beneath it when it has passed. */
static char *pdf_due_cell(const Safer__PackModel *m, const Safer__Action *a)
{
    GString *g = g_string_new(NULL);

    pdf_esc(g, a->due && *a->due ? a->due : "-");
    if (pack_text_action_overdue(m, a))
        g_string_append(
            g, "\n<span foreground=\"#c0392b\" weight=\"bold\">" PACK_TEXT_OVERDUE "</span>");
    return g_string_free(g, FALSE);
}

static void pdf_matters(pdf_doc *d, const Safer__PackModel *m)
{
    static const double w[] = { 0.08, 0.14, 0.42, 0.12, 0.12, 0.12 };
    static const char *const head[] = { "No.", "Raised", "Action", "Owners", "Due", "Carried" };
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    char buf[PACK_TEXT_MAX];

    pdf_section(d, PACK_SEC_MATTERS);
    for (size_t i = 0; i < 6; i++)
        pdf_cell(cells, head[i]);
    for (size_t i = 0; i < m->n_matters_arising; i++) {
        const Safer__Action *a = m->matters_arising[i];

        snprintf(buf, sizeof(buf), "%lld", (long long)a->id);
        pdf_cell(cells, buf);
        pdf_cell(cells, a->meeting_date);
        pdf_cell(cells, a->text);
        pack_text_owners(a, buf, sizeof(buf));
        pdf_cell(cells, buf);
        pdf_cell_markup(cells, pdf_due_cell(m, a));
        snprintf(buf, sizeof(buf), "carried %u", a->carried);
        pdf_cell(cells, buf);
    }
    if (m->n_matters_arising == 0)
        pdf_text(d, PACK_TEXT_NO_ACTIONS, NULL);
    else
        pdf_cells_place(d, cells, 6, w, 0);
    g_ptr_array_free(cells, TRUE);
}

/* A return's status word, coloured when it is late or missing. */
static char *pdf_return_cell(Safer__ReturnStatus s)
{
    const char *colour = s == SAFER__RETURN_STATUS__RETURN_LATE ? "#b9770e"
        : s == SAFER__RETURN_STATUS__RETURN_MISSING             ? "#c0392b"
                                                                : "#000000";

    return g_strdup_printf("<span foreground=\"%s\">%s</span>", colour, pack_text_return_status(s));
}

static void pdf_returns(pdf_doc *d, const Safer__PackModel *m)
{
    static const double w[] = { 0.32, 0.3, 0.14, 0.24 };
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    char buf[PACK_TEXT_MAX];

    pdf_section(d, PACK_SEC_RETURNS);
    pdf_cell(cells, "Group");
    pdf_cell(cells, "Agency");
    pdf_cell(cells, "Return");
    pdf_cell(cells, "Submitted");
    for (size_t i = 0; i < m->n_returns; i++) {
        const Safer__ReturnRow *r = m->returns[i];

        pdf_cell(cells, pack_text_group_name(m, r->group_code));
        pdf_cell(cells, pack_text_agency_name(m, r->agency_code));
        pdf_cell_markup(cells, pdf_return_cell(r->status));
        pack_text_utc(r->submitted, buf, sizeof(buf));
        pdf_cell(cells, buf);
    }
    if (m->n_returns == 0)
        pdf_text(d, "No returns expected.", NULL);
    else
        pdf_cells_place(d, cells, 4, w, 0);
    g_ptr_array_free(cells, TRUE);
}

static void pdf_next(pdf_doc *d, const Safer__PackModel *m)
{
    char line[PACK_TEXT_MAX];

    pdf_section(d, PACK_SEC_NEXT);
    pack_text_next_meeting(m, line, sizeof(line));
    pdf_text(d, line, NULL);
}

/* The whole pack, in the order every format shows it. */
static void pdf_build(pdf_doc *d, const pack_view *v)
{
    pdf_cover(d, v);
    pdf_page_break(d);
    pdf_contents(d);
    pdf_page_break(d);
    pdf_agenda(d, v->m);
    pdf_attendance(d, v->m);
    pdf_minutes(d, v->m);
    pdf_matters(d, v->m);
    pdf_page_break(d);
    pdf_sec_reports(d, v);
    pdf_page_break(d);
    pdf_sec_charts(d, v);
    pdf_page_break(d);
    pdf_returns(d, v->m);
    pdf_sec_information(d, v);
    pdf_next(d, v->m);
}

int pack_render_pdf(const pack_view *v, pack_buf *out)
{
    char date[DATE_ISO_BYTES], title[PACK_TEXT_MAX];
    size_t start = out->len;
    pdf_doc d;
    int ret;

    if (!v || !v->m)
        return SAFER_E_INVAL;
    ret = pdf_doc_open(&d);
    if (ret != 0)
        goto out;
    d.marking = pack_text_marking(v->marking);
    if (v->m->edition > 0)
        snprintf(d.footer, sizeof(d.footer), "Board pack %s \u00b7 Edition %u", meeting_date(v->m),
            v->m->edition);
    else
        snprintf(d.footer, sizeof(d.footer), "Board pack %s \u00b7 Draft", meeting_date(v->m));
    pdf_build(&d, v);
    pdf_iso_date(v->m, date);
    snprintf(title, sizeof(title), "Board pack %s", meeting_date(v->m));
    ret = pdf_doc_write(&d, out, date, title);
out:
    pdf_doc_close(&d);
    if (ret != 0)
        out->len = start;
    return ret;
}
