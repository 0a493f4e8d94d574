/*
 * The hash-chained audit log behind audit.h: appending inside a write job,
 * sealing the newest row in the head setting, and walking the chain to verify
 * it against that head.
 */
#include "server/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/err.h"
#include "common/keyfile.h"
#include "server/settings.h"

#define AUDIT_VERIFY_PAGE 512 /* rows read per statement while verifying */
/* "ID HASH MAC": up to 20 digits, two spaces, two 64-digit hex strings. */
#define AUDIT_HEAD_TEXT_MAX (20 + 2 + 4 * AUDIT_HASH_BYTES)

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

void audit_key_derive(const uint8_t server_sk[32], uint8_t key[STORE_AUDIT_KEY_BYTES])
{
    crypto_generichash(key, STORE_AUDIT_KEY_BYTES, (const uint8_t *)AUDIT_CONTEXT,
        sizeof(AUDIT_CONTEXT) - 1, server_sk, 32);
}

int audit_use_server_key(store *st, const uint8_t server_sk[32])
{
    uint8_t *key = sodium_malloc(STORE_AUDIT_KEY_BYTES);
    int rc;

    if (key == NULL)
        return SAFER_E_NOMEM;
    audit_key_derive(server_sk, key);
    rc = store_set_audit_key(st, key);
    sodium_free(key);
    return rc;
}

int audit_load_server_key(store *st, const char *path)
{
    uint8_t *sk = sodium_malloc(KEYFILE_KEY_BYTES);
    int rc;

    if (sk == NULL)
        return SAFER_E_NOMEM;
    rc = keyfile_read(path, sk, NULL);
    if (rc == 0)
        rc = audit_use_server_key(st, sk);
    sodium_free(sk);
    return rc;
}

/* The MAC of a head: the newest row's id and hash under the audit key. */
static void audit_head_mac(const uint8_t key[STORE_AUDIT_KEY_BYTES], int64_t id,
    const uint8_t hash[AUDIT_HASH_BYTES], uint8_t out[AUDIT_HASH_BYTES])
{
    crypto_generichash_state h;
    uint8_t num[8];

    crypto_generichash_init(&h, key, STORE_AUDIT_KEY_BYTES, AUDIT_HASH_BYTES);
    crypto_generichash_update(&h, (const uint8_t *)AUDIT_CONTEXT, sizeof(AUDIT_CONTEXT) - 1);
    audit_put64(num, (uint64_t)id);
    crypto_generichash_update(&h, num, sizeof(num));
    crypto_generichash_update(&h, hash, AUDIT_HASH_BYTES);
    crypto_generichash_final(&h, out, AUDIT_HASH_BYTES);
}

/* Seals row id with hash as the head of the log, inside the append's job. */
static int audit_head_write(
    store_tx *tx, const uint8_t *key, int64_t id, const uint8_t hash[AUDIT_HASH_BYTES])
{
    char text[AUDIT_HEAD_TEXT_MAX + 1];
    char hex[2 * AUDIT_HASH_BYTES + 1];
    char machex[2 * AUDIT_HASH_BYTES + 1];
    uint8_t mac[AUDIT_HASH_BYTES];

    audit_head_mac(key, id, hash, mac);
    sodium_bin2hex(hex, sizeof(hex), hash, AUDIT_HASH_BYTES);
    sodium_bin2hex(machex, sizeof(machex), mac, AUDIT_HASH_BYTES);
    snprintf(text, sizeof(text), "%" PRId64 " %s %s", id, hex, machex);
    return settings_set_tx(tx, AUDIT_HEAD_SETTING, text);
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
    const uint8_t *key = store_tx_audit_key(tx);
    uint8_t hash[AUDIT_HASH_BYTES];
    int rc;

    /* A row that no head seals could be cut off unseen: refuse to write one. */
    if (key == NULL)
        return SAFER_E_STATE;
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
    if (rc < 0)
        return rc == SAFER_E_EXISTS ? SAFER_E_DB : rc;
    return audit_head_write(tx, key, row.id, hash);
}

/* The state of a walk along the chain. */
struct audit_walk {
    int64_t last_id;                     /* the id of the last good row (0 before the first) */
    uint8_t prev[AUDIT_HASH_BYTES];      /* the hash the next row must link to */
    int64_t bad_id;                      /* the first bad row, once found */
    char why[128];                       /* what is wrong with it */
    size_t seen;                         /* rows read in this page */
    int64_t head_id;                     /* the row the head read before the walk seals (0: none) */
    uint8_t head_hash[AUDIT_HASH_BYTES]; /* that row's hash, as the walk computed it */
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
    if (row.id == w->head_id)
        memcpy(w->head_hash, hash, AUDIT_HASH_BYTES);
    return 0;
}

/* A head as read from the settings. */
struct audit_head {
    int found; /* the setting exists */
    int valid; /* it is well formed and its MAC holds */
    int64_t id;
    uint8_t hash[AUDIT_HASH_BYTES];
};

/* Parses "ID HASH MAC" into h and checks the MAC; h->valid says whether it held. */
static void audit_head_parse(const uint8_t *key, const char *text, struct audit_head *h)
{
    const size_t tail = 2 + 4 * AUDIT_HASH_BYTES; /* " HASH MAC" */
    uint8_t mac[AUDIT_HASH_BYTES], want[AUDIT_HASH_BYTES];
    size_t digits = strspn(text, "0123456789");
    size_t n1 = 0, n2 = 0;
    long long id;

    if (digits == 0 || digits > 18 || strlen(text + digits) != tail || text[digits] != ' '
        || text[digits + 1 + 2 * AUDIT_HASH_BYTES] != ' ')
        return;
    id = strtoll(text, NULL, 10);
    if (id < 1
        || sodium_hex2bin(
               h->hash, AUDIT_HASH_BYTES, text + digits + 1, 2 * AUDIT_HASH_BYTES, NULL, &n1, NULL)
            != 0
        || sodium_hex2bin(mac, AUDIT_HASH_BYTES, text + digits + 2 + 2 * AUDIT_HASH_BYTES,
               2 * AUDIT_HASH_BYTES, NULL, &n2, NULL)
            != 0
        || n1 != AUDIT_HASH_BYTES || n2 != AUDIT_HASH_BYTES)
        return;
    audit_head_mac(key, (int64_t)id, h->hash, want);
    if (sodium_memcmp(mac, want, AUDIT_HASH_BYTES) != 0)
        return;
    h->id = (int64_t)id;
    h->valid = 1;
}

static int audit_head_read(store *st, struct audit_head *h)
{
    char text[AUDIT_HEAD_TEXT_MAX + 2];
    int rc;

    memset(h, 0, sizeof(*h));
    rc = settings_get(st, AUDIT_HEAD_SETTING, text, sizeof(text));
    if (rc == SAFER_E_NOTFOUND)
        return 0;
    h->found = 1;
    if (rc == SAFER_E_TOOBIG)
        return 0; /* found, but not a head: invalid */
    if (rc < 0)
        return rc;
    audit_head_parse(store_audit_key(st), text, h);
    return 0;
}

/*
 * Checks the end of a walk that found the chain whole against the heads read
 * before (h1) and after (h2) it: the log may not end before h1's row, and no
 * row may follow h2's unless it was appended meanwhile. Fills w's bad_id and
 * why and returns 1 when the log fails, else 0.
 */
static int audit_head_check(
    struct audit_walk *w, const struct audit_head *h1, const struct audit_head *h2)
{
    int64_t last = w->last_id;

    w->bad_id = last > 0 ? last : 1;
    if ((h1->found && !h1->valid) || (h2->found && !h2->valid)) {
        snprintf(w->why, sizeof(w->why),
            "the head record that seals the log fails its check: it was forged or edited");
        return 1;
    }
    if (!h2->found) {
        if (last == 0 && !h1->found)
            return 0; /* an empty log */
        snprintf(w->why, sizeof(w->why), "the head record that seals the log is missing");
        return 1;
    }
    if (h1->found && last < h1->id) {
        w->bad_id = last + 1;
        snprintf(w->why, sizeof(w->why), "row %" PRId64 " is missing: the log ends at row %" PRId64,
            last + 1, last);
        return 1;
    }
    if ((h1->found && sodium_memcmp(w->head_hash, h1->hash, AUDIT_HASH_BYTES) != 0)
        || (last == h2->id && sodium_memcmp(w->prev, h2->hash, AUDIT_HASH_BYTES) != 0)) {
        w->bad_id = h1->found ? h1->id : h2->id;
        snprintf(w->why, sizeof(w->why),
            "row %" PRId64 " does not match the sealed head: the log was rewritten", w->bad_id);
        return 1;
    }
    if (last > h2->id) {
        w->bad_id = h2->id + 1;
        snprintf(w->why, sizeof(w->why),
            "row %" PRId64 " follows the last sealed row: it was added behind the server's back",
            w->bad_id);
        return 1;
    }
    return 0;
}

int audit_verify(store *st, int64_t *bad_id, char *why, size_t why_len)
{
    return audit_verify_rows(st, NULL, bad_id, why, why_len);
}

int audit_verify_rows(store *st, int64_t *rows, int64_t *bad_id, char *why, size_t why_len)
{
    struct audit_walk w = { 0 };
    struct audit_head h1, h2;
    int rc;

    if (store_audit_key(st) == NULL)
        return SAFER_E_STATE;
    /*
     * The head is read before the walk and again after it: appends go on
     * while an online check pages through the log, and each one moves the
     * head with its row, so the first head says where the log must reach at
     * least and the second where it may end at most.
     */
    if ((rc = audit_head_read(st, &h1)) < 0)
        return rc;
    w.head_id = h1.valid ? h1.id : 0;
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
    if ((rc = audit_head_read(st, &h2)) < 0)
        return rc;
    if (audit_head_check(&w, &h1, &h2)) {
        if (bad_id)
            *bad_id = w.bad_id;
        if (why && why_len)
            snprintf(why, why_len, "%s", w.why);
        return SAFER_E_PRECOND;
    }
    if (bad_id)
        *bad_id = 0;
    if (why && why_len)
        why[0] = '\0';
    return 0;
}
