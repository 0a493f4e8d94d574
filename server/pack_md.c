/*
 * The board pack as one Markdown file. Each section starts with a "##"
 * heading and carries its marking on a line of its own at its start and its
 * end; each paper carries its own marking the same way. Text from the model
 * is escaped so it reads as text, except the papers' bodies, which are
 * Markdown already and go in as they are between the paper's header and
 * footer. Tables are GitHub pipe tables. The walk itself is pack_doc.c; this
 * file is the Markdown row of markup it writes through.
 */
#include "server/pack.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/pack_doc.h"
#include "server/pack_text.h"

/*
 * Writes model text so Markdown shows it literally: punctuation that could
 * start emphasis, links, HTML or a table cell is backslash-escaped, and line
 * breaks become spaces so a value cannot end a table row or a list item.
 */
static void md_text(pack_text_out *o, const char *s)
{
    const char *special = "\\`*_[]<>|#!";
    const char *run = s;
    if (s == NULL)
        return;
    for (const char *p = s; *p; p++) {
        if (strchr(special, *p) == NULL && *p != '\n' && *p != '\r')
            continue;
        pack_text_put(o, run, (size_t)(p - run));
        if (*p == '\n' || *p == '\r')
            pack_text_puts(o, " ");
        else
            pack_text_putf(o, "\\%c", *p);
        run = p + 1;
    }
    pack_text_puts(o, run);
}

static void marking_line(pack_text_out *o, Safer__Marking m)
{
    pack_text_putf(o, "**%s**\n\n", pack_text_marking(m));
}

static void section_start(pack_text_out *o, const pack_view *v, int sec)
{
    marking_line(o, pack_text_section_marking(v, sec));
    pack_text_putf(o, "## %s\n\n", pack_text_section_title(sec));
}

/* The last section ends the file with its marking and no rule after it. */
static void section_end(pack_text_out *o, const pack_view *v, int sec)
{
    marking_line(o, pack_text_section_marking(v, sec));
    if (sec != PACK_SEC_NEXT)
        pack_text_puts(o, "---\n\n");
}

static void cover_open(pack_text_out *o, const pack_view *v)
{
    marking_line(o, pack_text_section_marking(v, PACK_SEC_COVER));
}

static void cover_marking(pack_text_out *o, Safer__Marking m)
{
    pack_text_putf(o, "Protective marking: **%s**\n\n", pack_text_marking(m));
}

static void flag(pack_text_out *o, const char *word)
{
    pack_text_putf(o, " **%s**", word);
}

static void para_open(pack_text_out *o, const char *cls)
{
    (void)o;
    (void)cls;
}

static void numbered(pack_text_out *o, unsigned n)
{
    pack_text_putf(o, "%u. ", n);
}

static void anchor_link(pack_text_out *o, const char *anchor, const char *title)
{
    (void)anchor;
    md_text(o, title);
}

static void table_head(pack_text_out *o, const char *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pack_text_putf(o, "| %s ", cols[i]);
    pack_text_puts(o, "|\n");
    for (size_t i = 0; i < n; i++)
        pack_text_puts(o, "|---");
    pack_text_puts(o, "|\n");
}

static void cell(pack_text_out *o, const char *cls)
{
    (void)cls;
    pack_text_puts(o, " | ");
}

static const char *rag_mark(Safer__Rag r)
{
    switch (r) {
    case SAFER__RAG__RAG_RED:
        return "\xF0\x9F\x94\xB4"; /* U+1F534 red circle */
    case SAFER__RAG__RAG_AMBER:
        return "\xF0\x9F\x9F\xA0"; /* U+1F7E0 orange circle */
    case SAFER__RAG__RAG_GREEN:
        return "\xF0\x9F\x9F\xA2"; /* U+1F7E2 green circle */
    default:
        return "\xE2\x9A\xAA"; /* U+26AA white circle */
    }
}

static void rag_marking(pack_text_out *o, const Safer__ReportVersion *rv)
{
    pack_text_putf(o, "\n- RAG: %s %s\n- Marking: %s\n- ", rag_mark(rv->rag),
        pack_text_rag(rv->rag), pack_text_marking(rv->marking));
}

/* The body is Markdown already, so it goes in as it is. */
static void body(pack_text_out *o, const Safer__ReportVersion *rv)
{
    if (rv->body.len == 0)
        return;
    pack_text_put(o, rv->body.data, rv->body.len);
    pack_text_puts(o, rv->body.data[rv->body.len - 1] == '\n' ? "\n" : "\n\n");
}

static const pack_doc_markup md_markup = {
    .format = SAFER__PACK_FORMAT__PACK_MD,
    .text = md_text,
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
    .paper_start = marking_line,
    .paper_end = marking_line,
    .rag_marking = rag_marking,
    .body = body,
    .chart = NULL, /* Markdown has no charts */
    .para_close = "\n\n",
    .title_open = "# ",
    .title_close = "\n\n",
    .big_open = "## ",
    .big_close = "\n\n",
    .venue_sep = ", ",
    .meta_open = "- Agency: ",
    .meta_break = "\n- ",
    .meta_version = "\n- Version ",
    .meta_close = "\n\n",
    .h3_open = "### ",
    .h3_close = "\n\n",
    .h4_open = "#### ",
    .h4_close = "\n\n",
    .strong_open = "**",
    .strong_close = "**",
    .ul_open = "",
    .ul_close = "\n",
    .ol_open = "",
    .ol_close = "\n",
    .li_open = "- ",
    .note_open = "",
    .li_close = "\n",
    .row_open = "| ",
    .row_close = " |\n",
    .table_close = "\n",
};

int pack_render_md(const pack_view *v, pack_buf *out)
{
    pack_text_out o = { out, 0 };
    if (v == NULL || v->m == NULL || out == NULL)
        return SAFER_E_INVAL;
    pack_doc_render(&o, v, &md_markup);
    return o.rc;
}
