/*
 * A paper's Markdown body, laid out in the PDF: cmark parses it and this walks
 * the tree. Paragraphs and headings become pango markup (every piece of text
 * escaped, emphasis as <i>, strong as <b>, code in DejaVu Sans Mono); lists
 * get hung bullets or numbers; block quotes are indented in grey with a bar;
 * code blocks are set in monospace; thematic breaks become rules. Raw HTML is
 * dropped, never interpreted.
 *
 * Nesting deeper than MD_DEPTH_MAX is not recursed into: what lies below is
 * flattened into one paragraph with cmark's iterator, so a hostile body
 * cannot run the worker thread's stack out.
 */
#include "server/pack_pdf.h"

#include <stdio.h>

#include <cmark.h>

#define MD_DEPTH_MAX 12
#define MD_LIST_INDENT 16.0
#define MD_QUOTE_INDENT 14.0

/* Opening and closing markup for an inline node, or nothing. */
static void md_inline(GString *g, cmark_node *n, int enter)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
        pdf_esc(g, cmark_node_get_literal(n));
        break;
    case CMARK_NODE_CODE:
        g_string_append(g, "<span font_family=\"DejaVu Sans Mono\">");
        pdf_esc(g, cmark_node_get_literal(n));
        g_string_append(g, "</span>");
        break;
    case CMARK_NODE_SOFTBREAK:
        g_string_append_c(g, ' ');
        break;
    case CMARK_NODE_LINEBREAK:
        g_string_append_c(g, '\n');
        break;
    case CMARK_NODE_EMPH:
        g_string_append(g, enter ? "<i>" : "</i>");
        break;
    case CMARK_NODE_STRONG:
        g_string_append(g, enter ? "<b>" : "</b>");
        break;
    case CMARK_NODE_LINK:
        if (enter) {
            g_string_append(g, "<span foreground=\"#1f4e9a\" underline=\"single\">");
        } else {
            const char *url = cmark_node_get_url(n);

            g_string_append(g, "</span>");
            /* On paper a link is only useful with its address beside it. */
            if (url && *url && *url != '#') {
                g_string_append(g, " <span foreground=\"#555555\">(");
                pdf_esc(g, url);
                g_string_append(g, ")</span>");
            }
        }
        break;
    case CMARK_NODE_IMAGE:
        g_string_append(g, enter ? "[image: " : "]");
        break;
    case CMARK_NODE_CODE_BLOCK:
        /* Only met when flattening a too-deep subtree. */
        pdf_esc(g, cmark_node_get_literal(n));
        break;
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
    case CMARK_NODE_ITEM:
        if (!enter)
            g_string_append_c(g, '\n');
        break;
    default:
        /* Raw HTML and anything unknown is dropped. */
        break;
    }
}

/* The markup of everything under node (its inlines, or a flattened subtree). */
static GString *md_markup(cmark_node *node)
{
    GString *g = g_string_new(NULL);
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);

        if (n != node)
            md_inline(g, n, ev == CMARK_EVENT_ENTER);
    }
    cmark_iter_free(it);
    while (g->len > 0 && g->str[g->len - 1] == '\n')
        g_string_truncate(g, g->len - 1);
    return g;
}

/* Where the walk is: indentation, depth, and what the next block looks like. */
typedef struct md_at {
    double indent;
    int depth;
    int quote;          /* inside a block quote: grey text */
    int tight;          /* inside a tight list: less space after paragraphs */
    const char *bullet; /* for the next block, then cleared */
} md_at;

static void md_blocks(pdf_doc *d, cmark_node *parent, md_at at);

static void md_para(pdf_doc *d, cmark_node *n, md_at *at, const char *font, double before)
{
    GString *g = md_markup(n);
    pdf_style st = { 0 };

    st.font = font;
    st.indent = at->indent;
    st.grey = at->quote ? 0.3 : 0.0;
    st.bullet = at->bullet;
    st.space_before = before;
    st.space_after = at->tight ? 2.0 : 5.0;
    /* Only headings have space before them; they keep with what follows. */
    if (before > 0)
        st.keep_with = 30;
    pdf_para(d, g->str, &st);
    at->bullet = NULL;
    g_string_free(g, TRUE);
}

static void md_list(pdf_doc *d, cmark_node *list, md_at at)
{
    static const char *const marks[] = { "\u2022", "\u25e6", "\u2013" };
    int ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(list);
    md_at inner = at;

    inner.indent = at.indent + MD_LIST_INDENT;
    inner.depth = at.depth + 1;
    inner.tight = cmark_node_get_list_tight(list);
    for (cmark_node *it = cmark_node_first_child(list); it; it = cmark_node_next(it)) {
        char num[24];

        if (ordered) {
            snprintf(num, sizeof(num), "%d.", number++);
            inner.bullet = num;
        } else {
            inner.bullet = marks[(at.depth / 2) % 3];
        }
        if (!cmark_node_first_child(it))
            pdf_para(d, "", &(pdf_style) { .indent = inner.indent, .bullet = inner.bullet });
        else
            md_blocks(d, it, inner);
    }
    pdf_space(d, 3.0);
}

static void md_quote(pdf_doc *d, cmark_node *q, md_at at)
{
    md_at inner = at;
    int page = d->page;
    double y0 = d->y;

    inner.indent = at.indent + MD_QUOTE_INDENT;
    inner.depth = at.depth + 1;
    inner.quote = 1;
    md_blocks(d, q, inner);
    /* The bar is drawn only where the quote stayed on one page. */
    if (d->page == page) {
        cairo_set_source_rgb(d->cr, 0.75, 0.75, 0.75);
        cairo_set_line_width(d->cr, 2.0);
        cairo_move_to(d->cr, PDF_MARGIN_X + at.indent + 4.0, y0 + 2.0);
        cairo_line_to(d->cr, PDF_MARGIN_X + at.indent + 4.0, d->y - 4.0);
        cairo_stroke(d->cr);
        cairo_set_source_rgb(d->cr, 0, 0, 0);
    }
}

static void md_code(pdf_doc *d, cmark_node *n, md_at *at)
{
    GString *g = g_string_new(NULL);
    pdf_style st = { 0 };

    pdf_esc(g, cmark_node_get_literal(n));
    while (g->len > 0 && g->str[g->len - 1] == '\n')
        g_string_truncate(g, g->len - 1);
    st.font = PDF_FONT_MONO;
    st.indent = at->indent + 10.0;
    st.grey = 0.15;
    st.bullet = at->bullet;
    st.space_before = 2.0;
    st.space_after = 6.0;
    pdf_para(d, g->str, &st);
    at->bullet = NULL;
    g_string_free(g, TRUE);
}

static const char *md_heading_font(int level)
{
    switch (level) {
    case 1:
        return "DejaVu Sans Bold 11.5";
    case 2:
        return "DejaVu Sans Bold 10.5";
    default:
        return PDF_FONT_BOLD;
    }
}

static void md_blocks(pdf_doc *d, cmark_node *parent, md_at at)
{
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            md_para(d, n, &at, PDF_FONT_BODY, 0);
            break;
        case CMARK_NODE_HEADING:
            md_para(d, n, &at, md_heading_font(cmark_node_get_heading_level(n)), 6.0);
            break;
        case CMARK_NODE_LIST:
        case CMARK_NODE_BLOCK_QUOTE:
            if (at.depth >= MD_DEPTH_MAX)
                md_para(d, n, &at, PDF_FONT_BODY, 0);
            else if (cmark_node_get_type(n) == CMARK_NODE_LIST)
                md_list(d, n, at);
            else
                md_quote(d, n, at);
            at.bullet = NULL;
            break;
        case CMARK_NODE_CODE_BLOCK:
            md_code(d, n, &at);
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            pdf_rule(d, at.indent);
            break;
        default:
            /* HTML blocks and anything unknown: dropped, never passed through. */
            break;
        }
    }
}

void pdf_markdown(pdf_doc *d, const char *md, size_t len, double indent)
{
    cmark_node *doc = cmark_parse_document(
        md ? md : "", md ? len : 0, CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
    md_at at = { 0 };

    if (!doc)
        return;
    at.indent = indent;
    md_blocks(d, doc, at);
    cmark_node_free(doc);
}
