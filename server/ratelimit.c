/*
 * The failure table behind ratelimit.h: a fixed array of entries, found
 * through a hash index with chaining. The hash is SipHash (libsodium's
 * crypto_shorthash) under a random key made per table, so a peer cannot pick
 * addresses that all land in one chain. A lookup costs a short chain walk;
 * only an insert into a full table scans every entry, to evict the one whose
 * last failure is oldest.
 *
 * Sections: the index; the table; the questions.
 */
#include "server/ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/err.h"

/* One address and its current window. */
struct rl_entry {
    char key[RATELIMIT_KEY_MAX]; /* the address key, NUL-terminated */
    uint64_t start_ms;           /* when the current window began */
    uint64_t last_ms;            /* the latest failure, for eviction */
    uint32_t failures;           /* failures counted in the current window */
    uint32_t next;               /* the next entry in this chain, as index + 1; 0 ends it */
    uint32_t bucket;             /* the bucket whose chain holds this entry */
    int logged;                  /* a refusal of this window has been reported */
};

struct ratelimit {
    size_t max;            /* entries at most */
    size_t n;              /* entries in use: e[0..n) */
    uint32_t max_failures; /* more than this many in a window means refusal */
    uint64_t window_ms;    /* the window's length */
    size_t nbuckets;       /* a power of two, at least 2 * max */
    uint32_t *buckets;     /* the first entry of each chain, as index + 1; 0 = empty */
    struct rl_entry *e;    /* the entries */
    uint8_t hkey[crypto_shorthash_KEYBYTES]; /* the per-table SipHash key */
};

/* ---- the index --------------------------------------------------------- */

static uint32_t rl_bucket(const ratelimit *rl, const char *key)
{
    uint8_t h[crypto_shorthash_BYTES];
    uint64_t v = 0;

    crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hkey);
    for (size_t i = 0; i < 8; i++)
        v = (v << 8) | h[i];
    return (uint32_t)(v & (rl->nbuckets - 1));
}

/* Copies key into buf, cut to RATELIMIT_KEY_MAX - 1 bytes. */
static void rl_key(char buf[RATELIMIT_KEY_MAX], const char *key)
{
    snprintf(buf, RATELIMIT_KEY_MAX, "%s", key);
}

static struct rl_entry *rl_find(ratelimit *rl, const char *key)
{
    uint32_t i = rl->buckets[rl_bucket(rl, key)];

    while (i != 0) {
        struct rl_entry *e = &rl->e[i - 1];

        if (strcmp(e->key, key) == 0)
            return e;
        i = e->next;
    }
    return NULL;
}

/* Takes entry e out of its chain. */
static void rl_unlink(ratelimit *rl, struct rl_entry *e)
{
    uint32_t self = (uint32_t)(e - rl->e) + 1;
    uint32_t *link = &rl->buckets[e->bucket];

    while (*link != 0 && *link != self)
        link = &rl->e[*link - 1].next;
    if (*link == self)
        *link = e->next;
    e->next = 0;
}

/* ---- the table --------------------------------------------------------- */

int ratelimit_new(ratelimit **out, size_t max_entries, uint32_t max_failures, uint64_t window_ms)
{
    ratelimit *rl;

    *out = NULL;
    if (max_entries < 1 || max_entries > RATELIMIT_ENTRIES_MAX || max_failures < 1
        || max_failures > RATELIMIT_FAILURES_MAX || window_ms < 1)
        return SAFER_E_INVAL;
    rl = calloc(1, sizeof(*rl));
    if (!rl)
        return SAFER_E_NOMEM;
    rl->max = max_entries;
    rl->max_failures = max_failures;
    rl->window_ms = window_ms;
    rl->nbuckets = 2;
    while (rl->nbuckets < 2 * max_entries)
        rl->nbuckets *= 2;
    rl->buckets = calloc(rl->nbuckets, sizeof(*rl->buckets));
    rl->e = calloc(max_entries, sizeof(*rl->e));
    if (!rl->buckets || !rl->e) {
        ratelimit_free(rl);
        return SAFER_E_NOMEM;
    }
    randombytes_buf(rl->hkey, sizeof(rl->hkey));
    *out = rl;
    return 0;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl)
        return;
    free(rl->buckets);
    free(rl->e);
    sodium_memzero(rl->hkey, sizeof(rl->hkey));
    free(rl);
}

size_t ratelimit_count(const ratelimit *rl)
{
    return rl->n;
}

/* A slot for a new key: a fresh one while there is room, else the oldest. */
static struct rl_entry *rl_slot(ratelimit *rl)
{
    struct rl_entry *old;

    if (rl->n < rl->max)
        return &rl->e[rl->n++];
    old = &rl->e[0];
    for (size_t i = 1; i < rl->n; i++) {
        if (rl->e[i].last_ms < old->last_ms)
            old = &rl->e[i];
    }
    rl_unlink(rl, old);
    return old;
}

static struct rl_entry *rl_insert(ratelimit *rl, const char *key, uint64_t now_ms)
{
    struct rl_entry *e = rl_slot(rl);

    memset(e, 0, sizeof(*e));
    snprintf(e->key, sizeof(e->key), "%s", key);
    e->start_ms = now_ms;
    e->bucket = rl_bucket(rl, key);
    e->next = rl->buckets[e->bucket];
    rl->buckets[e->bucket] = (uint32_t)(e - rl->e) + 1;
    return e;
}

/* ---- the questions ----------------------------------------------------- */

/* 1 once e's window is over at now_ms (a clock that went back counts as no time). */
static int rl_expired(const ratelimit *rl, const struct rl_entry *e, uint64_t now_ms)
{
    return now_ms > e->start_ms && now_ms - e->start_ms >= rl->window_ms;
}

void ratelimit_fail(ratelimit *rl, const char *ip_key, uint64_t now_ms)
{
    char key[RATELIMIT_KEY_MAX];
    struct rl_entry *e;

    rl_key(key, ip_key);
    e = rl_find(rl, key);
    if (!e) {
        e = rl_insert(rl, key, now_ms);
    } else if (rl_expired(rl, e, now_ms)) {
        e->start_ms = now_ms;
        e->failures = 0;
        e->logged = 0;
    }
    if (e->failures < UINT32_MAX)
        e->failures++;
    e->last_ms = now_ms;
}

int ratelimit_blocked(ratelimit *rl, const char *ip_key, uint64_t now_ms, ratelimit_block *info)
{
    char key[RATELIMIT_KEY_MAX];
    struct rl_entry *e;

    rl_key(key, ip_key);
    e = rl_find(rl, key);
    if (!e || rl_expired(rl, e, now_ms) || e->failures <= rl->max_failures)
        return 0;
    if (info) {
        uint64_t used = now_ms > e->start_ms ? now_ms - e->start_ms : 0;

        info->failures = e->failures;
        info->remaining_ms = rl->window_ms - used;
        info->first = !e->logged;
    }
    e->logged = 1;
    return 1;
}
