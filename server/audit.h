/*
 * The audit log: every change, who made it, when and to what, in a hash chain
 * so that editing, deleting or reordering a row shows. Each row's hash is
 * BLAKE2b-256 over
 *
 *     prev (32 bytes) || id (8 bytes, big-endian) || ts (8 bytes, big-endian)
 *     || for actor, action, object, detail: length (4 bytes, big-endian) || bytes
 *
 * and prev is the previous row's hash (32 zero bytes for the first row).
 *
 * Rows name things, never carry them: no keys, codes, passphrases or report
 * content ever go into detail.
 */
#ifndef SAFER_SERVER_AUDIT_H
#define SAFER_SERVER_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "server/store.h"

#define AUDIT_HASH_BYTES 32
#define AUDIT_FIELD_MAX 1024 /* the longest actor, action, object or detail */

/*
 * Appends one row inside a write job. Returns 0, SAFER_E_INVAL for a missing
 * or over-long field, SAFER_E_DB.
 */
int audit_append(store_tx *tx, int64_t ts, const char *actor, const char *action,
    const char *object, const char *detail);

/*
 * Checks the whole chain on the read connection. Returns 0 if it holds;
 * SAFER_E_PRECOND if it does not, with *bad_id naming the first bad row (for a
 * deleted row, the id that is missing) and why saying what is wrong with it;
 * SAFER_E_DB. bad_id and why may be NULL.
 */
int audit_verify(store *st, int64_t *bad_id, char *why, size_t why_len);

/*
 * audit_verify, and sets *rows (when not NULL) to the rows that checked out:
 * every row when the chain holds, the good rows before the bad one otherwise.
 */
int audit_verify_rows(store *st, int64_t *rows, int64_t *bad_id, char *why, size_t why_len);

#endif
