/*
 * Credentials as an admin sees them: listing keys with their last use,
 * revoking them (one by fingerprint, or every live key of a person) and the
 * rotation code a session asks for to replace its own key. Redeeming that
 * code is enrolment's job (ident_enrol_job). Every change appends its audit
 * row in the same transaction.
 */
#ifndef SAFER_SERVER_KEYS_H
#define SAFER_SERVER_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "common/invite.h"
#include "common/keyfile.h"
#include "server/ident.h"
#include "server/store.h"

#define KEYS_WHY_MAX 160
#define KEYS_LIST_MAX 10000   /* the most keys one list answer carries */
#define KEYS_REVOKE_MAX 64    /* the most revoked keys one answer names */
#define KEYS_TARGET_MAX 32    /* the longest revoke target accepted */
#define KEYS_ROTATE_SECS 3600 /* how long a rotation code is valid */

typedef struct keys_key {
    int64_t id;
    int64_t person_id;
    char initials[IDENT_INITIALS_MAX + 1];
    char fpr[KEYFILE_FPR_CHARS + 1];
    int64_t created;   /* UTC seconds */
    int64_t last_used; /* 0 = never */
    int64_t revoked;   /* 0 = not revoked */
} keys_key;

/* 1 if s has the form of a fingerprint, xxxx-xxxx-xxxx-xxxx in lower-case hex. */
int keys_is_fingerprint(const char *s);

/*
 * Every key, or a person's keys when initials is not NULL, oldest first per
 * person. *out is the caller's to free. SAFER_E_NOTFOUND (why set) for
 * unknown initials.
 */
int keys_list(
    store *st, const char *initials, keys_key **out, size_t *n, char *why, size_t why_len);

/* A revocation: target is initials or a fingerprint. */
typedef struct keys_revoke {
    char target[KEYS_TARGET_MAX + 1];
    int64_t now;
    char actor[IDENT_INITIALS_MAX + 1];
    keys_key revoked[KEYS_REVOKE_MAX]; /* out: the keys revoked (the first ones) */
    size_t n;                          /* out: how many in revoked */
    size_t total;                      /* out: how many revoked in all */
    char why[KEYS_WHY_MAX];            /* out, on failure */
} keys_revoke;

/*
 * The write job (ctx is a keys_revoke). Returns 0, SAFER_E_INVAL (a target
 * that is neither), SAFER_E_NOTFOUND, SAFER_E_PRECOND (nothing left to
 * revoke, or no active admin would be left with a live key to sign in with),
 * with why set; SAFER_E_DB.
 */
int keys_revoke_job(store_tx *tx, void *ctx);

/* A rotation code for the key of a session. The code is a secret: wipe. */
typedef struct keys_rotate {
    int64_t person_id;
    int64_t cred_id;
    char initials[IDENT_INITIALS_MAX + 1];
    char code[INVITE_CODE_CHARS + 1]; /* made by the caller (invite_new_code) */
    int64_t now;
    int64_t expires;
    char why[KEYS_WHY_MAX]; /* out, on failure */
} keys_rotate;

/*
 * The write job (ctx is a keys_rotate): stores the code's hash with purpose
 * 'rotate' and the credential it replaces, and audits key.rotate.begin.
 * SAFER_E_REVOKED if that credential is revoked meanwhile.
 */
int keys_rotate_begin_job(store_tx *tx, void *ctx);

#endif
