/*
 * Fixtures for the integration tests of people and credentials: running the
 * real `safer admin` commands to make people and enrol them in homes of their
 * own, reading their keys back, one raw request and its response over an
 * hx_raw session, and raw SQL against the running server's database (to read
 * what changed, or to tamper with it as someone holding the file would).
 */
#ifndef SAFER_TESTS_PEOPLEFIX_H
#define SAFER_TESTS_PEOPLEFIX_H

#include <stddef.h>
#include <stdint.h>

#include "common/pb.h"
#include "support/harness.h"

#define HX_INVITE_MAX 512
#define HX_FPR_MAX 32

/*
 * Enrols a fresh home named name (inside the server's root) with invite,
 * through `safer enrol`. home receives the home's path. Returns 0, or -1 with
 * safer's stderr printed.
 */
int hx_enrol(const hx_server *s, const char *name, const char *invite, char *home, size_t len);

/*
 * `safer admin person add INITIALS --name "Person INITIALS" --agency AGENCY
 * --role ROLES` run from admin_home; copies the printed invite line into
 * invite. Returns 0, or -1 with safer's stderr printed.
 */
int hx_person_add(const char *admin_home, const char *initials, const char *agency,
    const char *roles, char *invite, size_t len);

/* hx_person_add, then hx_enrol into the home named after the initials. */
int hx_person_enrol(const hx_server *s, const char *admin_home, const char *initials,
    const char *agency, const char *roles, char *home, size_t len);

/* Reads HOME/key (plain) into sk and derives pk. Returns 0 or -1. */
int hx_home_key(const char *home, uint8_t sk[32], uint8_t pk[32]);

/* The fingerprint of HOME/key's public key, as people see it. Returns 0 or -1. */
int hx_home_fpr(const char *home, char fpr[HX_FPR_MAX]);

/*
 * Makes the home to (mode 0700) holding a copy of from's server file and, if
 * copy_key is set, of its key file. Returns 0 or -1.
 */
int hx_home_clone(const char *from, const char *to, int copy_key);

/*
 * Sends rq over r and returns the first Response that arrives (whatever its
 * id), unpacked with b, or NULL if the send fails, nothing arrives within
 * timeout_ms or the connection closes. Free with pb_response_free(b, rs).
 */
Safer__Response *hx_raw_call(hx_raw *r, const Safer__Request *rq, pb_budget *b, int timeout_ms);

/* Waits for the next Response on r without sending anything; as hx_raw_call. */
Safer__Response *hx_raw_next(hx_raw *r, pb_budget *b, int timeout_ms);

/*
 * Runs sql (one or more statements) read-write against the server's database
 * with a busy timeout, so it is safe beside a running server in WAL mode.
 * Returns 0 or -1 (the error printed).
 */
int hx_sql_exec(const hx_server *s, const char *sql);

/* Copies the first column of the first row of sql as text into buf; 0 or -1. */
int hx_sql_text(const hx_server *s, const char *sql, char *buf, size_t len);

/* Row counts of the tables an admin command may change. */
typedef struct hx_counts {
    long long agencies, people, credentials, invites, audit;
} hx_counts;

void hx_counts_take(const hx_server *s, hx_counts *c);

/* 1 if the two snapshots are equal; otherwise prints the difference and returns 0. */
int hx_counts_same(const hx_counts *before, const hx_counts *after);

#endif
