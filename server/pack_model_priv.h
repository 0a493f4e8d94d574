/*
 * What the two files of the pack model (pack_model.c, pack_model_papers.c)
 * share: the state of one load and its allocation helpers. Not for other
 * modules.
 */
#ifndef SAFER_SERVER_PACK_MODEL_PRIV_H
#define SAFER_SERVER_PACK_MODEL_PRIV_H

#include <stddef.h>

#include "server/board.h"
#include "server/pack_model.h"
#include "server/papers.h"
#include "server/people.h"

/* One load in progress. */
struct pm_load {
    store *st;
    const char *date;               /* the meeting */
    char today[BOARD_DATE_LEN + 1]; /* the date of now, for Meeting.status */
    Safer__PackModel *m;            /* being filled */
    int rc;                         /* the first allocation failure, sticky */
    people_person *people;          /* every person, by initials, for authors' names */
    size_t npeople;
};

/* An owned copy of s ("" for NULL); NULL with rc set when out of memory. */
char *pack_model__dup(struct pm_load *x, const char *s);

/* n zeroed elements; NULL for none (not an error) or on failure (rc set). */
void *pack_model__alloc(struct pm_load *x, size_t n, size_t size);

/* A list of n owned strings at(src, i); *count says how many were made. */
char **pack_model__strings(struct pm_load *x, size_t n, const char *(*at)(const void *, size_t),
    const void *src, size_t *count);

/*
 * The papers of the returns rows that are not missing, by agenda item then
 * agency; *latest rises to the newest submission. Needs x->people.
 */
int pack_model__papers(struct pm_load *x, const board_agenda *agenda, const papers_return_row *rows,
    size_t n, int64_t *latest);

/* The metric series of the papers already in the model. */
int pack_model__series(struct pm_load *x);

#endif
