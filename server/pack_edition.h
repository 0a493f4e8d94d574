/*
 * Published editions of a meeting's pack. Publishing freezes the model as it
 * stands (pack_model.h) as the meeting's next edition, numbered from 1, with
 * the list of what changed since the edition before; a published pack is
 * rendered from its frozen model, so it never changes afterwards.
 *
 * A publish is refused when the model is the same as the latest edition's
 * apart from times (when it was built, published, and the meetings' status).
 */
#ifndef SAFER_SERVER_PACK_EDITION_H
#define SAFER_SERVER_PACK_EDITION_H

#include <stddef.h>
#include <stdint.h>

#include "proto/safer.pb-c.h"
#include "server/board.h"
#include "server/ident.h"
#include "server/store.h"

#define PACK_EDITION_WHY_MAX 200
#define PACK_CHANGES_MAX 256 /* lines in one list of changes */

/* One publish: the inputs a handler fills, then what the job reports. */
typedef struct pack_publish {
    int64_t now;                        /* UTC seconds: the edition's published time */
    char actor[IDENT_INITIALS_MAX + 1]; /* the chair, for the audit log */
    char date[BOARD_DATE_LEN + 1];      /* the meeting */
    Safer__PackModel *model;            /* in: the draft, built on the loop thread; out: the
                                           edition as stored (edition, published, changes set);
                                           owned: pack_publish_clear frees it */
    uint32_t edition;                   /* out: the edition stored */
    char why[PACK_EDITION_WHY_MAX];     /* out, on failure: the client's message */
} pack_publish;

/*
 * The publish job (ctx a pack_publish): compares the model with the latest
 * edition's, stores it as the next edition with the list of changes, sets the
 * meeting's published time and appends the audit row "pack.publish". Returns
 * 0, SAFER_E_NOTFOUND ("there is no meeting on DATE"), SAFER_E_PRECOND
 * ("nothing has changed since edition N") with why set, SAFER_E_NOMEM or
 * SAFER_E_DB.
 */
int pack_publish_job(store_tx *tx, void *ctx);

/* Frees what a publish holds (its model); the struct itself is the caller's. */
void pack_publish_clear(pack_publish *p);

/*
 * The model of edition (0: the latest) of the pack of the meeting meeting_id,
 * on the read connection. SAFER_E_NOTFOUND if there is no such edition,
 * SAFER_E_INVAL if the stored model does not unpack, SAFER_E_DB.
 */
int pack_edition_load(store *st, int64_t meeting_id, uint32_t edition, Safer__PackModel **out);

/*
 * What differs between the edition prev and the model cur, as lines such as
 * "Police paper for Domestic Abuse revised (version 3)", "Fire paper for
 * Alcohol added", "Agenda changed", "Attendance changed". *n is 0 when they
 * are the same apart from times. *lines (each line malloc'd, and the array)
 * is the caller's: it may hand them to a model's changes.
 */
int pack_changes(
    const Safer__PackModel *prev, const Safer__PackModel *cur, char ***lines, size_t *n);

#endif
