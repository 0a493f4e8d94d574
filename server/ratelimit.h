/*
 * Failure counting per source address, for `saferd run`: a peer that fails
 * too many handshakes (or opens too many sessions with an unknown key that
 * never enrols) is refused for the rest of its window. The module does no I/O
 * and reads no clock: the caller passes the time in milliseconds (the loop's
 * monotonic time) and does the logging, so tests can drive it directly.
 *
 * Each address has a fixed window that starts at its first failure and lasts
 * window_ms. Once an address has more than max_failures failures in its
 * window, ratelimit_blocked says to refuse it until the window ends; the next
 * failure after that starts a fresh window. The table holds at most
 * max_entries addresses; when it is full, the address whose last failure is
 * oldest makes room for a new one, so memory stays bounded however many
 * addresses a flood comes from.
 */
#ifndef SAFER_SERVER_RATELIMIT_H
#define SAFER_SERVER_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

/* The longest address key kept, with its terminating NUL (longer keys are cut). */
#define RATELIMIT_KEY_MAX 64
/* Bounds for the constructor's arguments. */
#define RATELIMIT_ENTRIES_MAX 1048576u
#define RATELIMIT_FAILURES_MAX 1000000u

typedef struct ratelimit ratelimit;

/* What ratelimit_blocked found about a refused address. */
typedef struct ratelimit_block {
    uint32_t failures;     /* failures counted in the current window */
    uint64_t remaining_ms; /* how long the refusal lasts from now */
    int first;             /* 1 for the first refusal of this window (log it), else 0 */
} ratelimit_block;

/*
 * Makes a table for at most max_entries addresses (1..RATELIMIT_ENTRIES_MAX)
 * that refuses an address after more than max_failures failures
 * (1..RATELIMIT_FAILURES_MAX) within window_ms (at least 1). Returns 0,
 * SAFER_E_INVAL or SAFER_E_NOMEM.
 */
int ratelimit_new(ratelimit **out, size_t max_entries, uint32_t max_failures, uint64_t window_ms);

/* Frees the table; NULL is allowed. */
void ratelimit_free(ratelimit *rl);

/* Counts one failure for the address key at time now_ms. */
void ratelimit_fail(ratelimit *rl, const char *ip_key, uint64_t now_ms);

/*
 * 1 if a connection from ip_key should be refused at now_ms (and fills info
 * when it is not NULL), else 0.
 */
int ratelimit_blocked(ratelimit *rl, const char *ip_key, uint64_t now_ms, ratelimit_block *info);

/* The number of addresses the table holds now, for tests. */
size_t ratelimit_count(const ratelimit *rl);

#endif
