/*
 * The model of one meeting's board pack: everything the pack shows, read
 * from the store in one go into a Safer__PackModel (proto/safer.proto) that
 * the renderers of pack.h turn into Markdown, HTML or PDF, and that
 * publishing freezes as an edition (pack_edition.h).
 *
 * The model holds every paper, restricted ones included: what a reader may
 * see is decided later by pack_view_init. Everything in it is sorted
 * explicitly, so the same data always gives the same model, byte for byte
 * once packed. It never holds the clock: `built` is the time of the newest
 * change in the data (the audit log's, or a paper's), not the time of the
 * load.
 *
 * What the lists hold, in order:
 * - agenda, attendance (by initials), groups and agencies (by code);
 * - previous: the meeting before, its agenda and minutes (by item) and
 *   whether they have been approved;
 * - matters_arising: actions still open that were raised at an earlier
 *   meeting, by id, with `carried` counting the meetings after their own and
 *   before this one;
 * - papers: the latest version (with its body) of every report not
 *   withdrawn, for each GROUP item's group, by agenda item then agency code;
 * - returns: as `safer returns`, by group then agency;
 * - series: for each (group, agency, metric) of a paper in this pack, the
 *   metric's value at each of the last 12 meetings up to this one where it
 *   was reported, oldest first; a point from an earlier restricted paper is
 *   left out, so a chart shows no more than the paper it belongs to.
 */
#ifndef SAFER_SERVER_PACK_MODEL_H
#define SAFER_SERVER_PACK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "proto/safer.pb-c.h"
#include "server/store.h"

/* Meetings a metric series reaches back over, this one included. */
#define PACK_MODEL_SERIES_MEETINGS 12

/* The largest packed model stored or unpacked. */
#define PACK_MODEL_MAX (128u * 1024u * 1024u)

/*
 * Loads the model of the meeting on date as the data stands now. now (UTC
 * seconds) decides only which meetings count as held in Meeting.status; the
 * rest of the model does not depend on it. The model is a draft: edition 0,
 * published 0, no changes. Runs on the loop thread (store_read).
 *
 * Returns 0, SAFER_E_INVAL (not a date), SAFER_E_NOTFOUND (no meeting on
 * date), SAFER_E_NOMEM, SAFER_E_LIMIT or SAFER_E_DB. Free *out with
 * pack_model_free.
 */
int pack_model_load(store *st, const char *date, int64_t now, Safer__PackModel **out);

/* Frees a model from pack_model_load or pack_model_unpack; NULL is allowed. */
void pack_model_free(Safer__PackModel *m);

/* Packs m into a malloc'd buffer (the caller frees). 0 or SAFER_E_NOMEM. */
int pack_model_pack(const Safer__PackModel *m, uint8_t **out, size_t *len);

/*
 * Unpacks a stored model with a memory budget. Returns 0, SAFER_E_TOOBIG
 * (over PACK_MODEL_MAX) or SAFER_E_INVAL (malformed, or over the budget).
 */
int pack_model_unpack(const uint8_t *buf, size_t len, Safer__PackModel **out);

#endif
