/*
 * Who a session is: the lookup of a handshake's static key, and enrolment (the
 * redemption of a one-time invite code for a key). The connection code calls
 * these; they are the only place that reads or writes people and credentials
 * for it.
 */
#ifndef SAFER_SERVER_IDENT_H
#define SAFER_SERVER_IDENT_H

#include <stdint.h>

#include "common/keyfile.h"
#include "server/store.h"

/* Role bits; the wire names them with the Role enum. */
#define ROLE_BIT_ADMIN (1u << 0)
#define ROLE_BIT_CHAIR (1u << 1)
#define ROLE_BIT_LEAD (1u << 2)
#define ROLE_BIT_MEMBER (1u << 3)

#define IDENT_INITIALS_MAX 8
#define IDENT_NAME_MAX 128
#define IDENT_AGENCY_CODE_MAX 32
#define IDENT_AGENCY_NAME_MAX 128
#define IDENT_PARTNERSHIP_MAX 128

typedef struct ident {
    int64_t person_id;
    int64_t cred_id;
    char initials[IDENT_INITIALS_MAX + 1];
    char name[IDENT_NAME_MAX + 1];
    char agency_code[IDENT_AGENCY_CODE_MAX + 1];
    char agency_name[IDENT_AGENCY_NAME_MAX + 1];
    uint32_t roles; /* ROLE_BIT_* */
    uint8_t pk[32]; /* the credential's public key */
} ident;

/*
 * Looks up the person behind a static public key. Returns 0 and fills out,
 * SAFER_E_NOTFOUND for a key that never enrolled, SAFER_E_REVOKED for a
 * revoked key, SAFER_E_PERM when the person or their agency is deactivated.
 */
int ident_lookup(store *st, const uint8_t pk[32], ident *out);

/* The partnership's name, from the store's settings. */
int ident_partnership(store *st, char *buf, size_t len);

/* An enrolment in flight: inputs, then outputs filled by the write job. */
typedef struct ident_enrol {
    char code[32];            /* the invite code as the client sent it */
    uint8_t pk[32];           /* the key the handshake carried */
    int64_t now;              /* UTC seconds */
    ident who;                /* filled on success */
    char why[160];            /* on failure: a message for the client (no secrets) */
    int64_t replaced_cred_id; /* a rotation: the credential revoked; else 0 */
    char replaced_fpr[KEYFILE_FPR_CHARS + 1]; /* and its fingerprint */
} ident_enrol;

/*
 * The write job that redeems en->code for en->pk: the invite must exist, be
 * unexpired and unused, and the key must not be enrolled already. Marks the
 * invite used, adds the credential and appends to the audit log, all in the
 * batch transaction.
 *
 * A rotation code (purpose 'rotate') does the same for the person who asked
 * for it and, in the same transaction, revokes the credential the code
 * replaces (en->replaced_cred_id, en->replaced_fpr) and audits "key.rotate".
 *
 * Returns 0, SAFER_E_NOTFOUND (unknown code), SAFER_E_EXPIRED, SAFER_E_USED,
 * SAFER_E_EXISTS (key already enrolled), SAFER_E_PERM (person or agency
 * deactivated), SAFER_E_PRECOND (the key a rotation code replaces is revoked
 * already), with en->why set.
 */
int ident_enrol_job(store_tx *tx, void *en);

/* Records that a credential was used (last use time); a write job. */
typedef struct ident_touch {
    int64_t cred_id;
    int64_t now;
} ident_touch;
int ident_touch_job(store_tx *tx, void *touch);

/* Invite purposes, as stored. */
#define IDENT_PURPOSE_ENROL "enrol"
#define IDENT_PURPOSE_ROTATE "rotate"
#define IDENT_CODE_MAX 31 /* the longest invite code accepted (ident_enrol.code) */

/*
 * The hash under which an invite code is stored: BLAKE2b-256 of the code's
 * text as the user sees it. The code itself is never stored.
 */
void ident_code_hash(const char *code, uint8_t out[32]);

/*
 * Adds an invite for person_id inside a write job: stores the hash of code
 * with purpose (IDENT_PURPOSE_*), valid until expires. created_by is the
 * inviting person's id, or 0 for none (saferd init). Returns 0,
 * SAFER_E_INVAL, SAFER_E_EXISTS (the same code twice), SAFER_E_DB.
 */
int ident_invite_add(store_tx *tx, int64_t person_id, const char *code, const char *purpose,
    int64_t now, int64_t expires, int64_t created_by);

#endif
