/*
 * The PDF renderer's layout engine (see server/pack_pdf.h): a private pango
 * font map and context, one cairo recording surface per page while laying
 * out, and the blocks the pack is made of, placed down the page with page
 * breaks. Writing replays the recorded pages onto a cairo PDF surface that
 * streams into a pack_buf, adding what needed the page count: the markings,
 * "Page n of N" and the contents entries.
 *
 * Map: the document (open, pages, write, close); page furniture and the
 * contents entries; escaping; paragraphs and headings; rules; tables.
 */
#include "server/pack_pdf.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#include "common/err.h"

#define TABLE_PAD 3.5
#define TABLE_FONT "DejaVu Sans 8.5"
#define TABLE_HEAD_FONT "DejaVu Sans Bold 8.5"

/* cairo's write callback: into the pack. */
static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    return pack_buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
                                                    : CAIRO_STATUS_WRITE_ERROR;
}

/*
 * Fixed font options: no hinting and unrounded glyph positions, so text
 * measures the same on every machine with the same fonts, whatever surface
 * it is drawn on.
 */
static void pdf_context_setup(pdf_doc *d)
{
    cairo_font_options_t *fo = cairo_font_options_create();

    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(d->pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(d->pc, 72.0);
    pango_context_set_round_glyph_positions(d->pc, FALSE);
}

/* A fresh recording surface for the next page, and a context on it. */
static int pdf_page_new(pdf_doc *d)
{
    cairo_rectangle_t a4 = { 0, 0, PDF_PAGE_W, PDF_PAGE_H };

    d->surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
    d->cr = cairo_create(d->surface);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
        d->err = d->err ? d->err : SAFER_E_NOMEM;
        return d->err;
    }
    d->y = PDF_TOP;
    d->at_top = 1;
    return 0;
}

/* Keeps the finished page's recording; the next page starts afresh. */
static void pdf_page_keep(pdf_doc *d)
{
    if (d->npages == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->pages = g_renew(cairo_surface_t *, d->pages, d->cap);
    }
    cairo_destroy(d->cr);
    d->cr = NULL;
    d->pages[d->npages++] = d->surface;
    d->surface = NULL;
}

int pdf_doc_open(pdf_doc *d)
{
    memset(d, 0, sizeof(*d));
    d->fontmap = pango_cairo_font_map_new();
    d->pc = pango_font_map_create_context(d->fontmap);
    pdf_context_setup(d);
    d->marking = "OFFICIAL";
    d->page = 1;
    return pdf_page_new(d);
}

void pdf_page_break(pdf_doc *d)
{
    if (d->err)
        return;
    pdf_page_keep(d);
    d->page++;
    pdf_page_new(d);
}

/* Centred markup with its baseline at y. */
static void pdf_centred(pdf_doc *d, const char *markup, const char *font, double y)
{
    PangoLayout *l = pdf_layout(d, markup, font, PDF_TEXT_W);

    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    cairo_move_to(d->cr, PDF_MARGIN_X, y - pango_units_to_double(pango_layout_get_baseline(l)));
    pango_cairo_show_layout(d->cr, l);
    g_object_unref(l);
}

/* Shows l with its right edge at x and its baseline at y. */
static void pdf_show_right(pdf_doc *d, PangoLayout *l, double x, double y)
{
    PangoRectangle r;

    pango_layout_get_extents(l, NULL, &r);
    cairo_move_to(d->cr, x - pango_units_to_double(r.width),
        y - pango_units_to_double(pango_layout_get_baseline(l)));
    pango_cairo_show_layout(d->cr, l);
}

/* The marking at the top and bottom, the rules and "Page n of N". */
static void pdf_page_furniture(pdf_doc *d)
{
    GString *g = g_string_new(NULL);
    PangoLayout *l;
    double fy = PDF_PAGE_H - 34.0;

    cairo_set_source_rgb(d->cr, 0, 0, 0);
    pdf_esc(g, d->marking);
    pdf_centred(d, g->str, PDF_FONT_MARKING, 36.0);
    pdf_centred(d, g->str, PDF_FONT_MARKING, fy);
    cairo_set_source_rgb(d->cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(d->cr, 0.5);
    cairo_move_to(d->cr, PDF_MARGIN_X, 48.0);
    cairo_line_to(d->cr, PDF_PAGE_W - PDF_MARGIN_X, 48.0);
    cairo_move_to(d->cr, PDF_MARGIN_X, PDF_PAGE_H - 50.0);
    cairo_line_to(d->cr, PDF_PAGE_W - PDF_MARGIN_X, PDF_PAGE_H - 50.0);
    cairo_stroke(d->cr);
    cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
    g_string_truncate(g, 0);
    pdf_esc(g, d->footer);
    l = pdf_layout(d, g->str, PDF_FONT_SMALL, 0);
    cairo_move_to(d->cr, PDF_MARGIN_X, fy - pango_units_to_double(pango_layout_get_baseline(l)));
    pango_cairo_show_layout(d->cr, l);
    g_object_unref(l);
    g_string_printf(g, "Page %d of %d", d->page, d->total);
    l = pdf_layout(d, g->str, PDF_FONT_SMALL, 0);
    pdf_show_right(d, l, PDF_PAGE_W - PDF_MARGIN_X, fy);
    g_object_unref(l);
    g_string_free(g, TRUE);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
}

/* One contents line: title, dotted leader, page number at the right. */
static void pdf_toc_line(pdf_doc *d, const pdf_toc_entry *e)
{
    GString *g = g_string_new(NULL);
    const char *font = e->level == 0 ? "DejaVu Sans Bold 11" : "DejaVu Sans 10";
    double x = PDF_MARGIN_X + 18.0 * e->level, right = PDF_PAGE_W - PDF_MARGIN_X, tw, nw, base;
    PangoLayout *t, *n;
    PangoRectangle r;

    pdf_esc(g, e->title);
    t = pdf_layout(d, g->str, font, 0);
    pango_layout_set_width(t, pango_units_from_double(right - x - 60));
    pango_layout_set_ellipsize(t, PANGO_ELLIPSIZE_END);
    g_string_printf(g, "%d", e->page);
    n = pdf_layout(d, g->str, font, 0);
    pango_layout_get_extents(t, NULL, &r);
    tw = pango_units_to_double(r.width);
    pango_layout_get_extents(n, NULL, &r);
    nw = pango_units_to_double(r.width);
    base = d->y + pango_units_to_double(pango_layout_get_baseline(t));
    cairo_move_to(d->cr, x, d->y);
    pango_cairo_show_layout(d->cr, t);
    pdf_show_right(d, n, right, base);
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    for (double dx = right - nw - 8; dx > x + tw + 6; dx -= 4.5) {
        cairo_new_sub_path(d->cr);
        cairo_arc(d->cr, dx, base - 0.5, 0.55, 0, 2 * G_PI);
    }
    cairo_fill(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y += e->level == 0 ? 20 : 16;
    g_object_unref(t);
    g_object_unref(n);
    g_string_free(g, TRUE);
}

/* The contents entries, as many as the page holds. */
static void pdf_contents_entries(pdf_doc *d)
{
    d->y = d->contents_y;
    for (size_t i = 0; i < d->ntoc; i++) {
        if (d->toc[i].level == 0 && i > 0)
            d->y += 4;
        if (d->y + 20 > PDF_BOTTOM)
            break;
        pdf_toc_line(d, &d->toc[i]);
    }
}

/* Replays each recorded page onto a PDF page and draws what it lacked. */
static void pdf_doc_pages(pdf_doc *d)
{
    for (size_t i = 0; i < d->npages; i++) {
        d->page = (int)i + 1;
        cairo_set_source_surface(d->cr, d->pages[i], 0, 0);
        cairo_paint(d->cr);
        if (d->page == d->contents_page)
            pdf_contents_entries(d);
        pdf_page_furniture(d);
        cairo_show_page(d->cr);
    }
}

int pdf_doc_write(pdf_doc *d, pack_buf *out, const char *date, const char *title)
{
    cairo_surface_t *pdf;
    cairo_status_t st;

    if (d->err)
        return d->err;
    pdf_page_keep(d);
    d->total = (int)d->npages;
    pdf = cairo_pdf_surface_create_for_stream(pdf_write, out, PDF_PAGE_W, PDF_PAGE_H);
    cairo_pdf_surface_restrict_to_version(pdf, CAIRO_PDF_VERSION_1_5);
    /* Fixed metadata: cairo would otherwise stamp the clock into the file. */
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "saferd");
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date);
    d->cr = cairo_create(pdf);
    pdf_doc_pages(d);
    cairo_destroy(d->cr);
    d->cr = NULL;
    cairo_surface_finish(pdf);
    st = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (st == CAIRO_STATUS_WRITE_ERROR)
        return SAFER_E_TOOBIG;
    return st == CAIRO_STATUS_SUCCESS ? 0 : SAFER_E_INTERNAL;
}

void pdf_doc_close(pdf_doc *d)
{
    for (size_t i = 0; i < d->npages; i++)
        cairo_surface_destroy(d->pages[i]);
    g_free(d->pages);
    if (d->cr)
        cairo_destroy(d->cr);
    if (d->surface)
        cairo_surface_destroy(d->surface);
    if (d->pc)
        g_object_unref(d->pc);
    if (d->fontmap)
        g_object_unref(d->fontmap);
    memset(d, 0, sizeof(*d));
}

/*
 * Pango markup is XML: the five special characters become entities, and
 * control characters (which XML forbids even as references) become spaces.
 * Text that is not valid UTF-8 is repaired first so the markup parses.
 */
void pdf_esc(GString *g, const char *s)
{
    gchar *fixed = NULL;

    if (!s)
        return;
    if (!g_utf8_validate(s, -1, NULL))
        s = fixed = g_utf8_make_valid(s, -1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;

        switch (c) {
        case '<':
            g_string_append(g, "&lt;");
            break;
        case '>':
            g_string_append(g, "&gt;");
            break;
        case '&':
            g_string_append(g, "&amp;");
            break;
        case '"':
            g_string_append(g, "&quot;");
            break;
        case '\'':
            g_string_append(g, "&apos;");
            break;
        default:
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                c = ' ';
            g_string_append_c(g, (char)c);
        }
    }
    g_free(fixed);
}

PangoLayout *pdf_layout(pdf_doc *d, const char *markup, const char *font, double width)
{
    PangoLayout *l = pango_layout_new(d->pc);
    PangoFontDescription *fd = pango_font_description_from_string(font);

    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, pango_units_from_double(width));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_markup(l, markup, -1);
    return l;
}

void pdf_need(pdf_doc *d, double h)
{
    if (!d->at_top && d->y + h > PDF_BOTTOM)
        pdf_page_break(d);
}

void pdf_space(pdf_doc *d, double h)
{
    if (!d->at_top)
        d->y += h;
}

/* The bullet or number hung left of a paragraph's first line. */
static void pdf_bullet(pdf_doc *d, const char *markup, const char *font, double x, double base)
{
    PangoLayout *l = pdf_layout(d, markup, font, 0);
    PangoRectangle r;

    pango_layout_get_extents(l, NULL, &r);
    cairo_move_to(d->cr, x - 5.0 - pango_units_to_double(r.width),
        base - pango_units_to_double(pango_layout_get_baseline(l)));
    pango_cairo_show_layout(d->cr, l);
    g_object_unref(l);
}

void pdf_para(pdf_doc *d, const char *markup, const pdf_style *st)
{
    static const pdf_style plain = { 0 };
    const char *font;
    double x, base = 0;
    PangoLayout *l;
    PangoLayoutIter *it;
    int first = 1;

    st = st ? st : &plain;
    font = st->font ? st->font : PDF_FONT_BODY;
    x = PDF_MARGIN_X + st->indent;
    l = pdf_layout(d, markup, font, PDF_TEXT_W - st->indent);
    if (st->centre)
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    pdf_space(d, st->space_before);
    it = pango_layout_get_iter(l);
    do {
        PangoRectangle lr;
        double top, h, bl;

        pango_layout_iter_get_line_extents(it, NULL, &lr);
        top = pango_units_to_double(lr.y);
        h = pango_units_to_double(lr.height);
        if (first) {
            pdf_need(d, h + st->keep_with);
            base = d->y - top;
        } else if (base + top + h > PDF_BOTTOM) {
            pdf_page_break(d);
            base = d->y - top;
        }
        bl = base + pango_units_to_double(pango_layout_iter_get_baseline(it));
        cairo_set_source_rgb(d->cr, st->grey, st->grey, st->grey);
        if (first && st->bullet)
            pdf_bullet(d, st->bullet, font, x, bl);
        cairo_move_to(d->cr, x + pango_units_to_double(lr.x), bl);
        pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        cairo_set_source_rgb(d->cr, 0, 0, 0);
        d->y = base + top + h;
        d->at_top = 0;
        first = 0;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
    d->y += st->space_after;
}

void pdf_text(pdf_doc *d, const char *text, const pdf_style *st)
{
    GString *g = g_string_new(NULL);

    pdf_esc(g, text);
    pdf_para(d, g->str, st);
    g_string_free(g, TRUE);
}

void pdf_heading(pdf_doc *d, const char *text, int level, double indent)
{
    pdf_style st = { 0 };
    GString *g = g_string_new(NULL);

    st.indent = indent;
    if (level <= 1) {
        st.font = "DejaVu Sans Bold 16";
        st.space_before = 14;
        st.space_after = 8;
        st.keep_with = 70;
        g_string_append(g, "<span foreground=\"#1f3864\">");
    } else if (level == 2) {
        st.font = "DejaVu Sans Bold 12.5";
        st.space_before = 12;
        st.space_after = 4;
        st.keep_with = 60;
        g_string_append(g, "<span foreground=\"#1f3864\">");
    } else {
        st.font = level == 3 ? "DejaVu Sans Bold 10.5" : PDF_FONT_BOLD;
        st.space_before = 8;
        st.space_after = 3;
        st.keep_with = 30;
        g_string_append(g, "<span>");
    }
    pdf_esc(g, text);
    g_string_append(g, "</span>");
    pdf_para(d, g->str, &st);
    g_string_free(g, TRUE);
}

void pdf_rule(pdf_doc *d, double indent)
{
    pdf_need(d, 12);
    d->y += 5;
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(d->cr, 0.6);
    cairo_move_to(d->cr, PDF_MARGIN_X + indent, d->y);
    cairo_line_to(d->cr, PDF_PAGE_W - PDF_MARGIN_X, d->y);
    cairo_stroke(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y += 7;
    d->at_top = 0;
}

/* Draws a measured row at y: shading for the header, the grid, the cells. */
static void pdf_table_draw(pdf_doc *d, const pdf_table *t, PangoLayout **ls, int header, double h)
{
    double w = t->width > 0 ? t->width : PDF_TEXT_W - t->indent;
    double x0 = PDF_MARGIN_X + t->indent, x = x0;

    if (header) {
        cairo_set_source_rgb(d->cr, 0.87, 0.9, 0.95);
        cairo_rectangle(d->cr, x0, d->y, w, h);
        cairo_fill(d->cr);
    }
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(d->cr, 0.5);
    for (size_t c = 0; c < t->ncols; c++) {
        cairo_rectangle(d->cr, x, d->y, w * t->widths[c], h);
        x += w * t->widths[c];
    }
    cairo_stroke(d->cr);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    x = x0;
    for (size_t c = 0; c < t->ncols; c++) {
        cairo_move_to(d->cr, x + TABLE_PAD, d->y + TABLE_PAD);
        pango_cairo_show_layout(d->cr, ls[c]);
        x += w * t->widths[c];
    }
}

/*
 * One table row: measured first, moved to a new page (after the header row
 * again) if it does not fit, then drawn.
 */
static void pdf_table_row(pdf_doc *d, const pdf_table *t, size_t r)
{
    double w = t->width > 0 ? t->width : PDF_TEXT_W - t->indent, h = 0;
    PangoLayout **ls = g_new0(PangoLayout *, t->ncols);

    for (size_t c = 0; c < t->ncols; c++) {
        const char *cell = t->cells[r * t->ncols + c];
        int lw, lh;

        ls[c] = pdf_layout(d, cell ? cell : "", r == 0 ? TABLE_HEAD_FONT : TABLE_FONT,
            w * t->widths[c] - 2 * TABLE_PAD);
        pango_layout_get_size(ls[c], &lw, &lh);
        if (pango_units_to_double(lh) > h)
            h = pango_units_to_double(lh);
    }
    h += 2 * TABLE_PAD;
    if (!d->at_top && d->y + h > PDF_BOTTOM) {
        pdf_page_break(d);
        if (r > 0)
            pdf_table_row(d, t, 0);
    }
    pdf_table_draw(d, t, ls, r == 0, h);
    for (size_t c = 0; c < t->ncols; c++)
        g_object_unref(ls[c]);
    g_free(ls);
    d->y += h;
    d->at_top = 0;
}

void pdf_table_place(pdf_doc *d, const pdf_table *t)
{
    /* A header with no room for one row under it moves on with the rows. */
    pdf_need(d, 44);
    for (size_t r = 0; r < t->nrows; r++)
        pdf_table_row(d, t, r);
    d->y += 6;
}

void pdf_toc_add(pdf_doc *d, const char *title, int level)
{
    pdf_toc_entry *e;

    if (d->ntoc >= PDF_TOC_MAX)
        return;
    e = &d->toc[d->ntoc++];
    snprintf(e->title, sizeof(e->title), "%s", title);
    e->level = level;
    e->page = d->page;
}
