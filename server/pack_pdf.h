/*
 * The PDF renderer's private layout engine: a flowing, immediate-mode page
 * layout on cairo and pango. Blocks (headings, paragraphs, tables, rules,
 * charts) are placed down an A4 page; a block that does not fit moves to the
 * next page, and a long paragraph splits between lines. Each page gets the
 * view's marking centred at its top and bottom and "Page n of N" in its
 * footer when the page is finished.
 *
 * The document is made in two passes. The first lays every page out and
 * draws it into its own cairo recording surface, learning on the way on
 * which page each contents entry lands and how many pages there are. The
 * second writes the PDF: each recorded page is replayed onto a PDF page,
 * with the marking at top and bottom, "Page n of N" and, on the contents
 * page, the entries and their page numbers drawn over it. Text is shaped
 * once, so the pages the contents page names are the pages the text is on.
 *
 * Everything here belongs to one render: a fresh PangoFontMap and context per
 * document, so renders on different worker threads share nothing.
 */
#ifndef SAFER_SERVER_PACK_PDF_H
#define SAFER_SERVER_PACK_PDF_H

#include <stddef.h>

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "server/pack.h"

/* A4 portrait in points, and the area text flows in. */
#define PDF_PAGE_W 595.28
#define PDF_PAGE_H 841.89
#define PDF_MARGIN_X 62.0
#define PDF_TOP 78.0
#define PDF_BOTTOM (PDF_PAGE_H - 78.0)
#define PDF_TEXT_W (PDF_PAGE_W - 2 * PDF_MARGIN_X)

/* Contents entries one pack may list (the rest still render, unlisted). */
#define PDF_TOC_MAX 40
#define PDF_TOC_TITLE_MAX 160

/* Fonts, by role. */
#define PDF_FONT_BODY "DejaVu Sans 9.5"
#define PDF_FONT_SMALL "DejaVu Sans 8"
#define PDF_FONT_BOLD "DejaVu Sans Bold 9.5"
#define PDF_FONT_MONO "DejaVu Sans Mono 8.5"
#define PDF_FONT_MARKING "DejaVu Sans Bold 10"

/* One line of the contents page. */
typedef struct pdf_toc_entry {
    char title[PDF_TOC_TITLE_MAX];
    int level; /* 0 for a section, 1 for a task group under it */
    int page;  /* where it starts */
} pdf_toc_entry;

/* How a paragraph looks. Zeroed fields take the body defaults. */
typedef struct pdf_style {
    const char *font;    /* a pango font description; PDF_FONT_BODY if NULL */
    double indent;       /* from the left margin */
    double space_before; /* points above, dropped at the top of a page */
    double space_after;  /* points below */
    double grey;         /* text colour: 0 black .. 1 white */
    int centre;          /* centred on the text width */
    const char *bullet;  /* markup hung left of the first line, or NULL */
    double keep_with;    /* points that must fit below the first line (headings) */
} pdf_style;

/* A cell table: cells[row * ncols + col] is pango markup (already escaped). */
typedef struct pdf_table {
    size_t ncols;
    const double *widths; /* fractions of the width, summing to 1 */
    size_t nrows;         /* including the header row */
    char **cells;
    double width; /* points; the text width if 0 */
    double indent;
} pdf_table;

/* One render in progress. */
typedef struct pdf_doc {
    cairo_surface_t *surface; /* the current page's recording */
    cairo_t *cr;              /* drawing on it */
    PangoFontMap *fontmap;
    PangoContext *pc;
    cairo_surface_t **pages; /* recordings of the finished pages */
    size_t npages, cap;
    int page;                       /* the current page, 1-based */
    int total;                      /* pages in the document, known when writing */
    double y;                       /* where the next block goes */
    int at_top;                     /* nothing placed on this page yet */
    const char *marking;            /* the view's marking, on every page */
    char footer[PDF_TOC_TITLE_MAX]; /* left of the footer */
    int contents_page;              /* where the contents entries go, 0 for nowhere */
    double contents_y;              /* and how far down */
    pdf_toc_entry toc[PDF_TOC_MAX];
    size_t ntoc;
    int err; /* the first failure: a negative SAFER_E_* code */
} pdf_doc;

/*
 * Starts a document: a private font map and context and the first page.
 * Returns 0 or a negative code; pdf_doc_close frees what was made either way.
 */
int pdf_doc_open(pdf_doc *d);

/*
 * The second pass: appends the PDF of every recorded page to out, with the
 * fixed metadata (date is ISO, "2018-02-21T10:00:00Z"). Returns 0 or the
 * first error.
 */
int pdf_doc_write(pdf_doc *d, pack_buf *out, const char *date, const char *title);

/* Frees everything; safe on a document that failed to open. */
void pdf_doc_close(pdf_doc *d);

/* Finishes the current page (markings, footer) and starts the next. */
void pdf_page_break(pdf_doc *d);

/* Ensures h points are free below y, breaking the page if not. */
void pdf_need(pdf_doc *d, double h);

/* Adds vertical space (none at the top of a page). */
void pdf_space(pdf_doc *d, double h);

/* Places a paragraph of pango markup, splitting between lines across pages. */
void pdf_para(pdf_doc *d, const char *markup, const pdf_style *st);

/* Places plain text (escaped here) in a style. */
void pdf_text(pdf_doc *d, const char *text, const pdf_style *st);

/* A heading of level 1 (section), 2 (paper) or 3+ (within a body). */
void pdf_heading(pdf_doc *d, const char *text, int level, double indent);

/* A thin horizontal rule across the text width from indent. */
void pdf_rule(pdf_doc *d, double indent);

/* A table whose first row is its header, repeated after a page break. */
void pdf_table_place(pdf_doc *d, const pdf_table *t);

/* Records a contents entry starting on the current page. */
void pdf_toc_add(pdf_doc *d, const char *title, int level);

/* A layout of markup in a font, wrapped at width points (no wrap if <= 0). */
PangoLayout *pdf_layout(pdf_doc *d, const char *markup, const char *font, double width);

/* Appends text to g with pango markup's special characters escaped. */
void pdf_esc(GString *g, const char *s);

/* The Markdown body of a paper, rendered from cmark's tree. */
void pdf_markdown(pdf_doc *d, const char *md, size_t len, double indent);

/* Appends a table cell: plain text (escaped here) or markup (taken). */
void pdf_cell(GPtrArray *cells, const char *text);
void pdf_cell_markup(GPtrArray *cells, char *markup);

/* Places a table of ncols columns from cells (header row first). */
void pdf_cells_place(
    pdf_doc *d, GPtrArray *cells, size_t ncols, const double *widths, double indent);

/* Starts a pack section (enum pack_section): contents entry and heading. */
void pdf_section(pdf_doc *d, int sec);

/* The sections that hold papers and charts (server/pack_pdf_papers.c). */
void pdf_sec_reports(pdf_doc *d, const pack_view *v);
void pdf_sec_charts(pdf_doc *d, const pack_view *v);
void pdf_sec_information(pdf_doc *d, const pack_view *v);

#endif
