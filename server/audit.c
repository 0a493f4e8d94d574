/*
 * The hash-chained audit log behind audit.h: appending inside a write job and
 * walking the chain to verify it.
 */
#include "server/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/err.h"

#define AUDIT_VERIFY_PAGE 512 /* rows read per statement while verifying */

static void audit_put64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static void audit_hash_text(crypto_generichash_state *h, const char *s, size_t n)
{
    uint8_t len[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };

    crypto_generichash_update(h, len, sizeof(len));
    crypto_generichash_update(h, (const uint8_t *)s, n);
}

/* The fields of one row, as hashed. */
struct audit_row {
    int64_t id;
    int64_t ts;
    const char *text[4]; /* actor, action, object, detail */
    size_t len[4];
};

static void audit_hash(const uint8_t prev[AUDIT_HASH_BYTES], const struct audit_row *row,
    uint8_t out[AUDIT_HASH_BYTES])
{
    crypto_generichash_state h;
    uint8_t num[8];

    crypto_generichash_init(&h, NULL, 0, AUDIT_HASH_BYTES);
    crypto_generichash_update(&h, prev, AUDIT_HASH_BYTES);
    audit_put64(num, (uint64_t)row->id);
    crypto_generichash_update(&h, num, sizeof(num));
    audit_put64(num, (uint64_t)row->ts);
    crypto_generichash_update(&h, num, sizeof(num));
    for (int i = 0; i < 4; i++)
        audit_hash_text(&h, row->text[i], row->len[i]);
    crypto_generichash_final(&h, out, AUDIT_HASH_BYTES);
}

/* What ST_AUDIT_LAST found. */
struct audit_last {
    int found;
    int64_t id;
    uint8_t hash[AUDIT_HASH_BYTES];
};

static int audit_last_row(void *ctx, const store_val *cols, size_t ncols)
{
    struct audit_last *last = ctx;

    if (ncols != 2 || cols[0].type != STORE_INT || cols[1].type != STORE_BLOB
        || cols[1].n != AUDIT_HASH_BYTES)
        return SAFER_E_DB;
    last->found = 1;
    last->id = cols[0].i;
    memcpy(last->hash, cols[1].p, AUDIT_HASH_BYTES);
    return 0;
}

int audit_append(store_tx *tx, int64_t ts, const char *actor, const char *action,
    const char *object, const char *detail)
{
    struct audit_last last = { 0 };
    struct audit_row row = { .ts = ts, .text = { actor, action, object, detail } };
    uint8_t hash[AUDIT_HASH_BYTES];
    int rc;

    for (int i = 0; i < 4; i++) {
        if (!row.text[i])
            return SAFER_E_INVAL;
        row.len[i] = strnlen(row.text[i], AUDIT_FIELD_MAX + 1);
        if (row.len[i] > AUDIT_FIELD_MAX)
            return SAFER_E_INVAL;
    }
    /* The writer is the only one appending, so the newest row cannot move. */
    rc = store_tx_exec(tx, ST_AUDIT_LAST, NULL, 0, audit_last_row, &last);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    row.id = last.found ? last.id + 1 : 1;
    audit_hash(last.hash, &row, hash);
    {
        const store_val args[] = {
            SV_INT(row.id),
            SV_INT(ts),
            SV_TEXT(actor),
            SV_TEXT(action),
            SV_TEXT(object),
            SV_TEXT(detail),
            SV_BLOB(last.hash, AUDIT_HASH_BYTES),
            SV_BLOB(hash, AUDIT_HASH_BYTES),
        };
        rc = store_tx_exec(tx, ST_AUDIT_APPEND, args, sizeof(args) / sizeof(args[0]), NULL, NULL);
    }
    /* A clash on the id would mean two appenders: a bug, not a duplicate. */
    return rc == SAFER_E_EXISTS ? SAFER_E_DB : rc;
}

/* The state of a walk along the chain. */
struct audit_walk {
    int64_t last_id;                /* the id of the last good row (0 before the first) */
    uint8_t prev[AUDIT_HASH_BYTES]; /* the hash the next row must link to */
    int64_t bad_id;                 /* the first bad row, once found */
    char why[128];                  /* what is wrong with it */
    size_t seen;                    /* rows read in this page */
};

static int audit_walk_row(void *ctx, const store_val *cols, size_t ncols)
{
    struct audit_walk *w = ctx;
    struct audit_row row;
    uint8_t hash[AUDIT_HASH_BYTES];

    w->seen++;
    if (ncols != 8 || cols[0].type != STORE_INT || cols[1].type != STORE_INT
        || cols[6].type != STORE_BLOB || cols[6].n != AUDIT_HASH_BYTES || cols[7].type != STORE_BLOB
        || cols[7].n != AUDIT_HASH_BYTES) {
        w->bad_id = cols[0].type == STORE_INT ? cols[0].i : w->last_id + 1;
        snprintf(w->why, sizeof(w->why), "row %" PRId64 " is malformed", w->bad_id);
        return 1;
    }
    row.id = cols[0].i;
    row.ts = cols[1].i;
    for (int i = 0; i < 4; i++) {
        if (cols[2 + i].type != STORE_TEXT) {
            w->bad_id = row.id;
            snprintf(w->why, sizeof(w->why), "row %" PRId64 " is malformed", row.id);
            return 1;
        }
        row.text[i] = cols[2 + i].p;
        row.len[i] = cols[2 + i].n;
    }
    if (row.id != w->last_id + 1) {
        w->bad_id = w->last_id + 1;
        snprintf(w->why, sizeof(w->why),
            "row %" PRId64 " is missing (row %" PRId64 " follows row %" PRId64 ")", w->bad_id,
            row.id, w->last_id);
        return 1;
    }
    if (sodium_memcmp(cols[6].p, w->prev, AUDIT_HASH_BYTES) != 0) {
        w->bad_id = row.id;
        snprintf(w->why, sizeof(w->why),
            "row %" PRId64 " does not link to the row before it (removed or reordered)", row.id);
        return 1;
    }
    audit_hash(w->prev, &row, hash);
    if (sodium_memcmp(hash, cols[7].p, AUDIT_HASH_BYTES) != 0) {
        w->bad_id = row.id;
        snprintf(
            w->why, sizeof(w->why), "row %" PRId64 " was changed after it was written", row.id);
        return 1;
    }
    w->last_id = row.id;
    memcpy(w->prev, hash, AUDIT_HASH_BYTES);
    return 0;
}

int audit_verify(store *st, int64_t *bad_id, char *why, size_t why_len)
{
    return audit_verify_rows(st, NULL, bad_id, why, why_len);
}

int audit_verify_rows(store *st, int64_t *rows, int64_t *bad_id, char *why, size_t why_len)
{
    struct audit_walk w = { 0 };
    int rc;

    /* Page through the log so that no read holds its snapshot for long. */
    do {
        const store_val args[] = { SV_INT(w.last_id), SV_INT(AUDIT_VERIFY_PAGE) };

        w.seen = 0;
        rc = store_read(st, ST_AUDIT_LIST, args, 2, audit_walk_row, &w);
        if (rc < 0)
            return rc;
        if (rows)
            *rows = w.last_id;
        if (rc > 0) {
            if (bad_id)
                *bad_id = w.bad_id;
            if (why && why_len)
                snprintf(why, why_len, "%s", w.why);
            return SAFER_E_PRECOND;
        }
    } while (w.seen == AUDIT_VERIFY_PAGE);
    if (bad_id)
        *bad_id = 0;
    if (why && why_len)
        why[0] = '\0';
    return 0;
}
