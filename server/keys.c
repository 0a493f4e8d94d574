/*
 * Credentials behind keys.h: the key list read, the revoke job and the job
 * that starts a rotation. Messages in `why` go to the user and never carry a
 * code or a key, only fingerprints.
 */
#include "server/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "server/audit.h"

int keys_is_fingerprint(const char *s)
{
    size_t n = strnlen(s, KEYFILE_FPR_CHARS + 1);

    if (n != KEYFILE_FPR_CHARS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 5 == 4) {
            if (s[i] != '-')
                return 0;
        } else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* ST_CRED_LIST and its kin: id, person_id, initials, fingerprint, created, last_used, revoked. */
static int keys_fill(keys_key *k, const store_val *c, size_t n)
{
    if (n != 7 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[2].type != STORE_TEXT
        || c[2].n > IDENT_INITIALS_MAX || c[3].type != STORE_TEXT || c[3].n > KEYFILE_FPR_CHARS
        || c[4].type != STORE_INT)
        return SAFER_E_DB;
    memset(k, 0, sizeof(*k));
    k->id = c[0].i;
    k->person_id = c[1].i;
    memcpy(k->initials, c[2].p, c[2].n);
    memcpy(k->fpr, c[3].p, c[3].n);
    k->created = c[4].i;
    k->last_used = c[5].type == STORE_INT ? c[5].i : 0;
    /* A revocation at time 0 is still one. */
    k->revoked = c[6].type == STORE_INT ? (c[6].i ? c[6].i : 1) : 0;
    return 0;
}

/* Rows read into an array, up to max of them. */
struct keys_rows {
    keys_key *rows;
    size_t n;
    size_t cap;
    size_t max;
    int grow; /* rows may be reallocated (a list), else it is a fixed batch */
};

static int keys_row(void *ctx, const store_val *c, size_t n)
{
    struct keys_rows *r = ctx;

    if (r->n == r->max)
        return r->grow ? SAFER_E_LIMIT : 1;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        keys_key *grown = realloc(r->rows, cap * sizeof(*grown));

        if (!grown)
            return SAFER_E_NOMEM;
        r->rows = grown;
        r->cap = cap;
    }
    if (keys_fill(&r->rows[r->n], c, n) < 0)
        return SAFER_E_DB;
    r->n++;
    return 0;
}

/* Finds a person's id by initials: 0 and *id, or SAFER_E_NOTFOUND with why. */
static int keys_person_row(void *ctx, const store_val *c, size_t n)
{
    if (n < 1 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    *(int64_t *)ctx = c[0].i;
    return 0;
}

int keys_list(store *st, const char *initials, keys_key **out, size_t *n, char *why, size_t why_len)
{
    struct keys_rows r = { .max = KEYS_LIST_MAX, .grow = 1 };
    int rc;

    *out = NULL;
    *n = 0;
    if (initials) {
        const store_val args[] = { SV_TEXT(initials) };
        int64_t id = 0;

        rc = store_read(st, ST_PERSON_BY_INITIALS, args, 1, keys_person_row, &id);
        if (rc != 0)
            return rc < 0 ? rc : SAFER_E_DB;
        if (id == 0) {
            snprintf(why, why_len, "no person with initials '%s'", initials);
            return SAFER_E_NOTFOUND;
        }
        rc = store_read(st, ST_CRED_LIST_PERSON, args, 1, keys_row, &r);
    } else {
        rc = store_read(st, ST_CRED_LIST, NULL, 0, keys_row, &r);
    }
    if (rc != 0) {
        free(r.rows);
        return rc < 0 ? rc : SAFER_E_DB;
    }
    *out = r.rows;
    *n = r.n;
    return 0;
}

/* Revokes one key and audits it; counts it in kr. */
static int keys_revoke_one(store_tx *tx, keys_revoke *kr, const keys_key *k)
{
    char object[8 + KEYFILE_FPR_CHARS];
    char detail[64 + IDENT_INITIALS_MAX];
    int rc;

    {
        const store_val args[] = { SV_INT(kr->now), SV_INT(k->id) };
        rc = store_tx_exec(tx, ST_CRED_REVOKE, args, 2, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    if (store_tx_changes(tx) != 1)
        return 0; /* revoked meanwhile: nothing to record */
    if (kr->n < KEYS_REVOKE_MAX) {
        kr->revoked[kr->n] = *k;
        kr->revoked[kr->n].revoked = kr->now;
        kr->n++;
    }
    kr->total++;
    snprintf(object, sizeof(object), "key:%s", k->fpr);
    snprintf(detail, sizeof(detail), "revoked a key of %s", k->initials);
    return audit_append(tx, kr->now, kr->actor, "key.revoke", object, detail);
}

/* Revokes every live key of the person with kr->target as initials. */
static int keys_revoke_person(store_tx *tx, keys_revoke *kr)
{
    keys_key batch[KEYS_REVOKE_MAX];
    int64_t person_id = 0;
    int rc;

    {
        const store_val args[] = { SV_TEXT(kr->target) };
        rc = store_tx_exec(tx, ST_PERSON_BY_INITIALS, args, 1, keys_person_row, &person_id);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (person_id == 0) {
        snprintf(kr->why, sizeof(kr->why), "no person with initials '%s'", kr->target);
        return SAFER_E_NOTFOUND;
    }
    /* In batches: a row callback must not write, and a person's keys are not bounded. */
    for (;;) {
        struct keys_rows r = { .rows = batch, .cap = KEYS_REVOKE_MAX, .max = KEYS_REVOKE_MAX };
        const store_val args[] = { SV_INT(person_id) };

        rc = store_tx_exec(tx, ST_CRED_LIVE_BY_PERSON, args, 1, keys_row, &r);
        if (rc < 0)
            return rc;
        if (r.n == 0)
            break;
        for (size_t i = 0; i < r.n; i++) {
            if ((rc = keys_revoke_one(tx, kr, &batch[i])) < 0)
                return rc;
        }
    }
    if (kr->total == 0) {
        snprintf(kr->why, sizeof(kr->why), "%s has no keys left to revoke", kr->target);
        return SAFER_E_PRECOND;
    }
    return 0;
}

/* Revokes the key with kr->target as fingerprint. */
static int keys_revoke_fpr(store_tx *tx, keys_revoke *kr)
{
    keys_key k;
    struct keys_rows r = { .rows = &k, .cap = 1, .max = 1 };
    const store_val args[] = { SV_TEXT(kr->target) };
    int rc = store_tx_exec(tx, ST_CRED_BY_FPR, args, 1, keys_row, &r);

    if (rc < 0)
        return rc;
    if (r.n == 0) {
        snprintf(kr->why, sizeof(kr->why), "no key with fingerprint '%s'", kr->target);
        return SAFER_E_NOTFOUND;
    }
    if (k.revoked) {
        snprintf(kr->why, sizeof(kr->why), "key %s is already revoked", kr->target);
        return SAFER_E_PRECOND;
    }
    rc = keys_revoke_one(tx, kr, &k);
    if (rc == 0 && kr->total == 0) {
        snprintf(kr->why, sizeof(kr->why), "key %s is already revoked", kr->target);
        return SAFER_E_PRECOND;
    }
    return rc;
}

/* How many active admins (in active agencies) hold a live key, into *n. */
static int keys_admins_signin(store_tx *tx, int64_t *n)
{
    int rc;

    *n = 0;
    rc = store_tx_exec(tx, ST_ADMINS_SIGNIN, NULL, 0, keys_person_row, n);
    return rc != 0 ? (rc < 0 ? rc : SAFER_E_DB) : 0;
}

int keys_revoke_job(store_tx *tx, void *ctx)
{
    keys_revoke *kr = ctx;
    size_t n = strnlen(kr->target, sizeof(kr->target));
    int initials = n >= 1 && n <= IDENT_INITIALS_MAX;
    int64_t before = 0, after = 0;
    int rc;

    kr->n = kr->total = 0;
    kr->why[0] = '\0';
    for (size_t i = 0; initials && i < n; i++)
        initials = kr->target[i] >= 'A' && kr->target[i] <= 'Z';
    if (!initials && !keys_is_fingerprint(kr->target)) {
        snprintf(kr->why, sizeof(kr->why),
            "key revoke target must be initials (A-Z, 1 to %d letters) or a fingerprint "
            "xxxx-xxxx-xxxx-xxxx",
            IDENT_INITIALS_MAX);
        return SAFER_E_INVAL;
    }
    if ((rc = keys_admins_signin(tx, &before)) < 0)
        return rc;
    rc = initials ? keys_revoke_person(tx, kr) : keys_revoke_fpr(tx, kr);
    if (rc < 0 || (rc = keys_admins_signin(tx, &after)) < 0)
        return rc;
    /*
     * Nobody could then sign in to make an invite for a new admin key, so the
     * partnership would be locked out of its own membership. The job's failure
     * rolls the revocations and their audit rows back. A partnership whose
     * admins had no key to begin with (before any enrolment) is not made worse.
     */
    if (before > 0 && after == 0) {
        snprintf(kr->why, sizeof(kr->why),
            "that would leave the partnership without an admin who can sign in");
        kr->n = kr->total = 0;
        return SAFER_E_PRECOND;
    }
    return 0;
}

int keys_rotate_begin_job(store_tx *tx, void *ctx)
{
    keys_rotate *kr = ctx;
    keys_key k;
    struct keys_rows r = { .rows = &k, .cap = 1, .max = 1 };
    char object[8 + KEYFILE_FPR_CHARS];
    char detail[80];
    char when[32];
    struct tm tm;
    time_t t = (time_t)kr->expires;
    int64_t invite_id;
    int rc;

    {
        const store_val args[] = { SV_INT(kr->cred_id) };
        rc = store_tx_exec(tx, ST_CRED_BY_ID, args, 1, keys_row, &r);
    }
    if (rc < 0)
        return rc;
    if (r.n == 0 || k.revoked || k.person_id != kr->person_id) {
        snprintf(kr->why, sizeof(kr->why), "this key has been revoked; ask an admin");
        return SAFER_E_REVOKED;
    }
    rc = ident_invite_add(
        tx, kr->person_id, kr->code, IDENT_PURPOSE_ROTATE, kr->now, kr->expires, kr->person_id);
    if (rc < 0)
        return rc == SAFER_E_EXISTS ? SAFER_E_INTERNAL : rc;
    invite_id = store_tx_last_id(tx);
    {
        const store_val args[] = { SV_INT(kr->cred_id), SV_INT(invite_id) };
        rc = store_tx_exec(tx, ST_INVITE_SET_REPLACES, args, 2, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    if (!gmtime_r(&t, &tm) || strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(when, sizeof(when), "later");
    snprintf(object, sizeof(object), "key:%s", k.fpr);
    snprintf(detail, sizeof(detail), "rotation code valid until %s", when);
    return audit_append(tx, kr->now, kr->initials, "key.rotate.begin", object, detail);
}
