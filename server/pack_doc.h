/*
 * The walk over a pack view that the Markdown and HTML renderers share. Both
 * formats show the same sections in the same order with the same words; they
 * differ only in markup and escaping. A format describes its markup once, in
 * a pack_doc_markup row of strings and small writers, and pack_doc_render
 * walks the view (cover, contents, agenda, attendance, minutes, matters
 * arising, task-group reports, charts, returns, information items, next
 * meeting) writing through that row. What is truly one format's own (the
 * HTML page head, SVG charts, cmark bodies) stays in that format's file and
 * is reached through the row's hooks.
 */
#ifndef SAFER_SERVER_PACK_DOC_H
#define SAFER_SERVER_PACK_DOC_H

#include <stddef.h>

#include "server/pack.h"
#include "server/pack_text.h"

typedef struct pack_doc_markup {
    Safer__PackFormat format;

    /* Model text, escaped so the format shows it literally. */
    void (*text)(pack_text_out *o, const char *s);
    /* A section's opening (marking and heading) and closing (marking). */
    void (*section_start)(pack_text_out *o, const pack_view *v, int sec);
    void (*section_end)(pack_text_out *o, const pack_view *v, int sec);
    /* The cover's opening, and the line that gives the view's marking. */
    void (*cover_open)(pack_text_out *o, const pack_view *v);
    void (*cover_marking)(pack_text_out *o, Safer__Marking m);
    /* A word that stands out after a value: "late", "overdue". */
    void (*flag)(pack_text_out *o, const char *word);
    /* Opens a paragraph; cls is a style hint ("pre", "withheld") or NULL. */
    void (*para_open)(pack_text_out *o, const char *cls);
    /* Opens item n of a numbered list. */
    void (*numbered)(pack_text_out *o, unsigned n);
    /* A link to a section of this document. */
    void (*link)(pack_text_out *o, const char *anchor, const char *title);
    /* Opens a table and writes its header row of n column titles. */
    void (*table_head)(pack_text_out *o, const char *const *cols, size_t n);
    /* Moves to the next cell of a row; cls is a style hint or NULL. */
    void (*cell)(pack_text_out *o, const char *cls);
    /* A paper's opening and closing, each carrying its marking. */
    void (*paper_start)(pack_text_out *o, Safer__Marking m);
    void (*paper_end)(pack_text_out *o, Safer__Marking m);
    /* A paper's RAG badge and marking, between its agency and submitter. */
    void (*rag_marking)(pack_text_out *o, const Safer__ReportVersion *rv);
    /* A paper's Markdown body, in the format's own way. */
    void (*body)(pack_text_out *o, const Safer__ReportVersion *rv);
    /* One chart; NULL for a format without charts. */
    void (*chart)(pack_text_out *o, const pack_view *v, const Safer__MetricSeries *s);

    const char *para_close;
    const char *title_open, *title_close; /* the partnership on the cover */
    const char *big_open, *big_close;     /* "Board meeting" on the cover */
    const char *venue_sep;                /* between the meeting's time and venue */
    /* A paper's header: opens before the agency, breaks before the
     * restriction line, says "version N" and closes the header. */
    const char *meta_open, *meta_break, *meta_version, *meta_close;
    const char *h3_open, *h3_close; /* a sub-heading inside a section */
    const char *h4_open, *h4_close; /* a paper's title */
    const char *strong_open, *strong_close;
    const char *ul_open, *ul_close; /* a bulleted list */
    const char *ol_open, *ol_close; /* a numbered list */
    const char *li_open;            /* a bulleted item */
    const char *note_open;          /* an item that is a note, not a bullet */
    const char *li_close;           /* closes any item */
    const char *row_open, *row_close, *table_close;
} pack_doc_markup;

/* Walks v's sections in order, writing through mk. Errors stay in o->rc. */
void pack_doc_render(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk);

#endif
