/*
 * Words and small pieces of text that every pack renderer (Markdown, HTML,
 * PDF) shares, so the three formats say the same things in the same order:
 * the section table, dates written out, UTC times, RAG/marking/status words,
 * action owners, the withheld line and which metric series get a chart.
 *
 * Everything here is pure and locale-free: no setlocale, no strftime, no
 * clock. Functions that write into a caller's buffer always NUL-terminate it
 * and truncate rather than overflow; PACK_TEXT_MAX is big enough for every
 * line made here from bounded model fields.
 */
#ifndef SAFER_SERVER_PACK_TEXT_H
#define SAFER_SERVER_PACK_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "server/pack.h"

/* Room for any one line these helpers write. */
#define PACK_TEXT_MAX 1024

/* The sections of a pack, in the order every format shows them. */
enum pack_section {
    PACK_SEC_COVER = 0,
    PACK_SEC_CONTENTS,
    PACK_SEC_AGENDA,
    PACK_SEC_ATTENDANCE,
    PACK_SEC_MINUTES,
    PACK_SEC_MATTERS,
    PACK_SEC_REPORTS,
    PACK_SEC_CHARTS,
    PACK_SEC_RETURNS,
    PACK_SEC_INFORMATION,
    PACK_SEC_NEXT,
    PACK_SEC_COUNT
};

/*
 * The section's title ("Matters arising"); the cover's is "Cover". Never
 * NULL; "" for an out-of-range section.
 */
const char *pack_text_section_title(int sec);

/* A stable identifier for links and anchors ("matters-arising"). */
const char *pack_text_section_anchor(int sec);

/*
 * Whether a format shows a section: charts are PDF and HTML only; every
 * other section is in every format.
 */
int pack_text_section_in(int sec, Safer__PackFormat format);

/*
 * The marking a section carries: the view's marking for the cover, the
 * task-group reports and the charts (they hold the papers); OFFICIAL for the
 * meeting's own sections.
 */
Safer__Marking pack_text_section_marking(const pack_view *v, int sec);

/* "OFFICIAL" or "OFFICIAL-SENSITIVE" (MARKING_NONE reads as OFFICIAL). */
const char *pack_text_marking(Safer__Marking m);

/* "Red", "Amber", "Green", or "Not given". */
const char *pack_text_rag(Safer__Rag r);

/* RGB hex of the RAG colour ("#c0392b"), grey when not given. */
const char *pack_text_rag_colour(Safer__Rag r);

/* "on time", "late", "missing", or "unknown". */
const char *pack_text_return_status(Safer__ReturnStatus s);

/*
 * Writes a "YYYY-MM-DD" date out in full: "Wednesday 21 February 2018".
 * Anything that is not such a date is copied as it is.
 */
void pack_text_date(const char *iso, char *out, size_t n);

/* Writes a Unix time as "YYYY-MM-DD HH:MM UTC"; "-" for 0. */
void pack_text_utc(int64_t t, char *out, size_t n);

/* "Draft", or "Edition N, published YYYY-MM-DD HH:MM UTC". */
void pack_text_edition(const Safer__PackModel *m, char *out, size_t n);

/* "Changes since edition N-1" for an edition > 1; "" otherwise. */
void pack_text_changes_heading(const Safer__PackModel *m, char *out, size_t n);

/* An action's owners: initials joined by "/" ("DP/MA"), or "ALL". */
void pack_text_owners(const Safer__Action *a, char *out, size_t n);

/* Whether an open action was due before the meeting (ISO dates compare). */
int pack_text_action_overdue(const Safer__PackModel *m, const Safer__Action *a);

/* "Submitted by NAME (INITIALS) on YYYY-MM-DD HH:MM UTC". */
void pack_text_submitted(const Safer__PackPaper *p, char *out, size_t n);

/*
 * "Restricted to Northshire Police, Probation Service" (agency names, in the
 * version's order) for a restricted paper; "" for an unrestricted one.
 */
void pack_text_restricted(const pack_view *v, const Safer__ReportVersion *rv, char *out, size_t n);

/*
 * "1 paper withheld: restricted to other agencies." or
 * "N papers withheld: restricted to other agencies."
 */
void pack_text_withheld(size_t count, char *out, size_t n);

/* "DATE at TIME, VENUE" written out, or "To be arranged". */
void pack_text_next_meeting(const Safer__PackModel *m, char *out, size_t n);

/* A metric number: "%.2f" with trailing zeros dropped ("42", "3.5"). */
void pack_text_number(double x, char *out, size_t n);

/* The agency's or group's name for a code; the code itself if unknown. */
const char *pack_text_agency_name(const Safer__PackModel *m, const char *code);
const char *pack_text_group_name(const Safer__PackModel *m, const char *code);

/* The title of agenda item `number` in a list; "" if there is none. */
const char *pack_text_item_title(Safer__AgendaItem *const *items, size_t n, uint32_t number);

/* Whether a paper belongs to an agenda item (by item number, else group). */
int pack_text_paper_in_item(const Safer__PackPaper *p, const Safer__AgendaItem *it);

/* How many of the model's papers for item `it` this view leaves out. */
size_t pack_text_item_withheld(const pack_view *v, const Safer__AgendaItem *it);

/*
 * Whether a line of the changes list may be shown to this view. A change
 * that names a withheld paper ("AGENCY paper for GROUP ...", by name or by
 * code) is left out, so the cover cannot say whose restricted paper moved.
 */
int pack_text_change_visible(const pack_view *v, const char *change);

/* Whether an agenda item is listed under "Information items". */
int pack_text_is_information(const Safer__AgendaItem *it);

/* Fixed words the renderers share. */
#define PACK_TEXT_BOARD_MEETING "Board meeting"
#define PACK_TEXT_NO_PREVIOUS "No previous meeting."
#define PACK_TEXT_APPROVED "Approved as a true and accurate record"
#define PACK_TEXT_FOR_APPROVAL "For approval"
#define PACK_TEXT_NO_PAPERS "No papers received."
#define PACK_TEXT_NO_ACTIONS "No open actions."
#define PACK_TEXT_NO_CHARTS "No series with three or more points."
#define PACK_TEXT_NO_INFORMATION "No information items."
#define PACK_TEXT_LATE "late"
#define PACK_TEXT_OVERDUE "overdue"

/*
 * The series this view gets a chart for: at least 3 points, and a visible
 * paper for the same group and agency. Ordered by the papers' order (agenda,
 * then agency), then by metric name. *out is malloc'd (NULL when *n is 0);
 * the caller frees it. Returns 0 or SAFER_E_NOMEM.
 */
int pack_text_charts(const pack_view *v, const Safer__MetricSeries ***out, size_t *n);

/*
 * A sticky writer over a pack_buf: after the first failure every later write
 * is skipped and rc keeps that first error, so a renderer writes freely and
 * checks rc once at the end.
 */
typedef struct pack_text_out {
    pack_buf *b; /* borrowed */
    int rc;      /* 0, or the first error */
} pack_text_out;

void pack_text_put(pack_text_out *o, const void *p, size_t n);
void pack_text_puts(pack_text_out *o, const char *s);
void pack_text_putf(pack_text_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
