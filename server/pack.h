/*
 * The board pack: a model of everything a meeting's pack holds
 * (Safer__PackModel, frozen per edition when published), a reader's view of
 * it (what that reader may see), and three renderers that turn a view into
 * Markdown, HTML or PDF bytes.
 *
 * The renderers are pure: the same model and view give the same bytes, every
 * time, on any day (no clock, no locale, no random numbers). They run on a
 * worker thread, so they touch nothing but their arguments.
 */
#ifndef SAFER_SERVER_PACK_H
#define SAFER_SERVER_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "proto/safer.pb-c.h"

/* The largest pack any renderer may produce. */
#define PACK_MAX (64u * 1024u * 1024u)

/* A growing byte buffer, bounded by PACK_MAX. */
typedef struct pack_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} pack_buf;

int pack_buf_append(pack_buf *b, const void *p, size_t n);
int pack_buf_printf(pack_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pack_buf_free(pack_buf *b);

/* What one reader sees of a model. */
typedef struct pack_view {
    const Safer__PackModel *m;       /* borrowed */
    const Safer__PackPaper **papers; /* the papers this reader may see, in agenda order */
    size_t npapers;
    size_t withheld;        /* papers left out for this reader */
    Safer__Marking marking; /* the highest marking of what this reader sees */
} pack_view;

/*
 * Builds the view of m for a reader of agency `agency`: a chair sees every
 * paper (see_all); anyone else sees a paper unless it is restricted to
 * agencies that do not include theirs (a paper's own agency may always see
 * it). Returns 0 or SAFER_E_NOMEM.
 */
int pack_view_init(pack_view *v, const Safer__PackModel *m, const char *agency, int see_all);
void pack_view_free(pack_view *v);

/* Renders v; out is appended to. Each returns 0 or a negative code. */
int pack_render_md(const pack_view *v, pack_buf *out);
int pack_render_html(const pack_view *v, pack_buf *out);
int pack_render_pdf(const pack_view *v, pack_buf *out);

/* Dispatches on the format; SAFER_E_INVAL for an unknown one. */
int pack_render(const pack_view *v, Safer__PackFormat format, pack_buf *out);

#endif
