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
 * The chain alone cannot show that its newest rows were cut off, and anyone
 * holding the file could rewrite it from some row on. So each append also
 * stores the head of the log, in the same transaction, in the setting
 * "audit_head": "ID HASH MAC", the newest row's id in decimal, its hash and
 *
 *     MAC = BLAKE2b-256 keyed with the audit key over
 *           "safer audit head v1" || id (8 bytes, big-endian) || hash
 *
 * in lower-case hex. The audit key is BLAKE2b-256 of the same context string
 * keyed with the server's static private key, so only the holder of
 * server.key can move the head. The chain itself stays unkeyed: the MAC over
 * the newest hash already seals every row before it.
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
#define AUDIT_CONTEXT "safer audit head v1"
#define AUDIT_HEAD_SETTING "audit_head"

/* The audit key for a server's static private key (32 bytes each). */
void audit_key_derive(const uint8_t server_sk[32], uint8_t key[STORE_AUDIT_KEY_BYTES]);

/* Derives the audit key from server_sk and gives it to st. SAFER_E_NOMEM. */
int audit_use_server_key(store *st, const uint8_t server_sk[32]);

/*
 * Reads the server's private key file at path and gives st its audit key.
 * Returns 0 or keyfile_read's code (SAFER_E_NOTFOUND, SAFER_E_PASSPHRASE, ...).
 */
int audit_load_server_key(store *st, const char *path);

/*
 * Appends one row inside a write job and moves the head to it. Returns 0,
 * SAFER_E_INVAL for a missing or over-long field, SAFER_E_STATE when the
 * store has no audit key, SAFER_E_DB.
 */
int audit_append(store_tx *tx, int64_t ts, const char *actor, const char *action,
    const char *object, const char *detail);

/*
 * Checks the whole chain on the read connection, then the head: a log that
 * ends before the head's row was cut short, and a head whose MAC fails was
 * forged. Returns 0 if both hold; SAFER_E_PRECOND if not, with *bad_id naming
 * the first bad row (for a deleted row, the id that is missing) and why saying
 * what is wrong with it; SAFER_E_STATE without an audit key; SAFER_E_DB.
 * bad_id and why may be NULL.
 */
int audit_verify(store *st, int64_t *bad_id, char *why, size_t why_len);

/*
 * audit_verify, and sets *rows (when not NULL) to the rows that checked out:
 * every row when the chain holds, the good rows before the bad one otherwise.
 */
int audit_verify_rows(store *st, int64_t *rows, int64_t *bad_id, char *why, size_t why_len);

#endif
