/*
 * Who a session is, behind ident.h: looking up a handshake's static key on
 * the read connection, and redeeming an invite for a key in a write job.
 * Messages written into `why` go to the user's screen, so they say what
 * happened and what to do, and never carry a code or a key.
 */
#include "server/ident.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/err.h"
#include "common/keyfile.h"
#include "server/audit.h"
#include "server/settings.h"

/* A person as read from a row, plus the flags that decide whether they may act. */
struct ident_row {
    int found;
    ident who;
    int64_t revoked; /* credentials only: 0 if not revoked */
    int person_active;
    int agency_active;
};

static int ident_copy(char *dst, size_t cap, const store_val *v)
{
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

/*
 * Fills r from seven columns: initials, name, roles, person active, agency
 * code, agency name, agency active (the tail shared by both lookups).
 */
static int ident_fill(struct ident_row *r, const store_val *c)
{
    if (ident_copy(r->who.initials, sizeof(r->who.initials), &c[0]) < 0
        || ident_copy(r->who.name, sizeof(r->who.name), &c[1]) < 0
        || ident_copy(r->who.agency_code, sizeof(r->who.agency_code), &c[4]) < 0
        || ident_copy(r->who.agency_name, sizeof(r->who.agency_name), &c[5]) < 0
        || c[2].type != STORE_INT || c[3].type != STORE_INT || c[6].type != STORE_INT)
        return SAFER_E_DB;
    r->who.roles = (uint32_t)c[2].i;
    r->person_active = c[3].i != 0;
    r->agency_active = c[6].i != 0;
    r->found = 1;
    return 0;
}

/* ST_PERSON_BY_ID: id, then the shared tail. */
static int ident_person_row(void *ctx, const store_val *c, size_t n)
{
    struct ident_row *r = ctx;

    if (n != 8 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    r->who.person_id = c[0].i;
    return ident_fill(r, c + 1);
}

/* ST_CRED_BY_PUBKEY: credential id, person id, revoked, then the shared tail. */
static int ident_cred_row(void *ctx, const store_val *c, size_t n)
{
    struct ident_row *r = ctx;

    if (n != 10 || c[0].type != STORE_INT || c[1].type != STORE_INT)
        return SAFER_E_DB;
    r->who.cred_id = c[0].i;
    r->who.person_id = c[1].i;
    r->revoked = c[2].type == STORE_INT ? c[2].i : 0;
    if (c[2].type == STORE_INT && r->revoked == 0)
        r->revoked = 1; /* a revocation at time 0 is still one */
    return ident_fill(r, c + 3);
}

int ident_lookup(store *st, const uint8_t pk[32], ident *out)
{
    struct ident_row r = { 0 };
    const store_val args[] = { SV_BLOB(pk, 32) };
    int rc = store_read(st, ST_CRED_BY_PUBKEY, args, 1, ident_cred_row, &r);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!r.found)
        return SAFER_E_NOTFOUND;
    if (r.revoked)
        return SAFER_E_REVOKED;
    if (!r.person_active || !r.agency_active)
        return SAFER_E_PERM;
    memcpy(r.who.pk, pk, 32);
    *out = r.who;
    return 0;
}

int ident_partnership(store *st, char *buf, size_t len)
{
    return settings_get(st, SETTINGS_PARTNERSHIP, buf, len);
}

void ident_code_hash(const char *code, uint8_t out[32])
{
    crypto_generichash(out, 32, (const uint8_t *)code, strlen(code), NULL, 0);
}

int ident_invite_add(store_tx *tx, int64_t person_id, const char *code, const char *purpose,
    int64_t now, int64_t expires, int64_t created_by)
{
    uint8_t hash[32];
    size_t n = code ? strnlen(code, IDENT_CODE_MAX + 1) : 0;

    if (n == 0 || n > IDENT_CODE_MAX || !purpose
        || (strcmp(purpose, IDENT_PURPOSE_ENROL) != 0 && strcmp(purpose, IDENT_PURPOSE_ROTATE) != 0)
        || expires <= now)
        return SAFER_E_INVAL;
    ident_code_hash(code, hash);
    {
        const store_val args[] = {
            SV_INT(person_id),
            SV_BLOB(hash, sizeof(hash)),
            SV_TEXT(purpose),
            SV_INT(now),
            SV_INT(expires),
            created_by > 0 ? SV_INT(created_by) : SV_NULL(),
        };
        return store_tx_exec(tx, ST_INVITE_INSERT, args, 6, NULL, NULL);
    }
}

/* ST_INVITE_BY_HASH: id, person_id, purpose, expires, used. */
struct ident_invite {
    int found;
    int64_t id;
    int64_t person_id;
    int rotate; /* the purpose is 'rotate' */
    int64_t expires;
    int used;
};

static int ident_invite_row(void *ctx, const store_val *c, size_t n)
{
    struct ident_invite *inv = ctx;

    if (n != 5 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[2].type != STORE_TEXT
        || c[3].type != STORE_INT)
        return SAFER_E_DB;
    inv->found = 1;
    inv->id = c[0].i;
    inv->person_id = c[1].i;
    inv->rotate = strcmp(c[2].p, IDENT_PURPOSE_ROTATE) == 0;
    inv->expires = c[3].i;
    inv->used = c[4].type != STORE_NULL;
    return 0;
}

/* Finds the invite for en->code and checks that it may be redeemed now. */
static int ident_check_invite(store_tx *tx, ident_enrol *en, struct ident_invite *inv)
{
    uint8_t hash[32];
    char when[32];
    struct tm tm;
    time_t t;
    int rc;

    ident_code_hash(en->code, hash);
    {
        const store_val args[] = { SV_BLOB(hash, sizeof(hash)) };
        rc = store_tx_exec(tx, ST_INVITE_BY_HASH, args, 1, ident_invite_row, inv);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!inv->found) {
        snprintf(en->why, sizeof(en->why), "this invite code is not known");
        return SAFER_E_NOTFOUND;
    }
    if (inv->used) {
        snprintf(en->why, sizeof(en->why), "this invite has already been used");
        return SAFER_E_USED;
    }
    if (en->now >= inv->expires) {
        t = (time_t)inv->expires;
        if (!gmtime_r(&t, &tm) || strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
            snprintf(when, sizeof(when), "an earlier date");
        snprintf(en->why, sizeof(en->why), "this invite expired on %s; ask an admin for a new one",
            when);
        return SAFER_E_EXPIRED;
    }
    return 0;
}

/* Loads the invited person and checks that they and their agency are active. */
static int ident_check_person(store_tx *tx, ident_enrol *en, int64_t person_id)
{
    struct ident_row r = { 0 };
    const store_val args[] = { SV_INT(person_id) };
    int rc = store_tx_exec(tx, ST_PERSON_BY_ID, args, 1, ident_person_row, &r);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!r.found) {
        snprintf(en->why, sizeof(en->why), "this invite code is not known");
        return SAFER_E_NOTFOUND;
    }
    if (!r.person_active) {
        snprintf(en->why, sizeof(en->why), "this account is deactivated; ask an admin");
        return SAFER_E_PERM;
    }
    if (!r.agency_active) {
        snprintf(en->why, sizeof(en->why), "this agency is deactivated; ask an admin");
        return SAFER_E_PERM;
    }
    en->who = r.who;
    return 0;
}

/* ST_INVITE_REPLACES: replaces_cred_id (NULL for a first enrolment). */
static int ident_replaces_row(void *ctx, const store_val *c, size_t n)
{
    if (n != 1)
        return SAFER_E_DB;
    *(int64_t *)ctx = c[0].type == STORE_INT ? c[0].i : 0;
    return 0;
}

/* ST_CRED_BY_ID: id, person_id, initials, fingerprint, created, last_used, revoked. */
struct ident_cred {
    int found;
    int64_t person_id;
    int revoked;
    char fpr[KEYFILE_FPR_CHARS + 1];
};

static int ident_cred_by_id_row(void *ctx, const store_val *c, size_t n)
{
    struct ident_cred *cr = ctx;

    if (n != 7 || c[1].type != STORE_INT || c[3].type != STORE_TEXT
        || ident_copy(cr->fpr, sizeof(cr->fpr), &c[3]) < 0)
        return SAFER_E_DB;
    cr->found = 1;
    cr->person_id = c[1].i;
    cr->revoked = c[6].type != STORE_NULL;
    return 0;
}

/* A rotation: revokes the credential the code replaces, which must still be live. */
static int ident_rotate_old(store_tx *tx, ident_enrol *en, const struct ident_invite *inv)
{
    struct ident_cred cr = { 0 };
    int64_t old = 0;
    int rc;

    {
        const store_val args[] = { SV_INT(inv->id) };
        rc = store_tx_exec(tx, ST_INVITE_REPLACES, args, 1, ident_replaces_row, &old);
    }
    if (rc == 0 && old > 0) {
        const store_val args[] = { SV_INT(old) };
        rc = store_tx_exec(tx, ST_CRED_BY_ID, args, 1, ident_cred_by_id_row, &cr);
    }
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!cr.found || cr.revoked || cr.person_id != inv->person_id) {
        snprintf(en->why, sizeof(en->why),
            "the key this rotation code replaces has been revoked; ask an admin for an invite");
        return SAFER_E_PRECOND;
    }
    {
        const store_val args[] = { SV_INT(en->now), SV_INT(old) };
        rc = store_tx_exec(tx, ST_CRED_REVOKE, args, 2, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    en->replaced_cred_id = old;
    snprintf(en->replaced_fpr, sizeof(en->replaced_fpr), "%s", cr.fpr);
    return 0;
}

/* Adds the credential for en->pk to the invited person. */
static int ident_add_cred(store_tx *tx, ident_enrol *en, int64_t person_id, const char *fpr)
{
    const store_val args[]
        = { SV_INT(person_id), SV_BLOB(en->pk, 32), SV_TEXT(fpr), SV_INT(en->now) };
    int rc = store_tx_exec(tx, ST_CRED_INSERT, args, 4, NULL, NULL);

    if (rc == SAFER_E_EXISTS)
        snprintf(en->why, sizeof(en->why), "this key is already enrolled");
    if (rc < 0)
        return rc;
    en->who.cred_id = store_tx_last_id(tx);
    memcpy(en->who.pk, en->pk, 32);
    return 0;
}

int ident_enrol_job(store_tx *tx, void *arg)
{
    ident_enrol *en = arg;
    struct ident_invite inv = { 0 };
    char fpr[KEYFILE_FPR_CHARS + 1];
    char object[16 + KEYFILE_FPR_CHARS];
    char detail[48 + KEYFILE_FPR_CHARS];
    int rc;

    memset(&en->who, 0, sizeof(en->who));
    en->why[0] = '\0';
    en->replaced_cred_id = 0;
    en->replaced_fpr[0] = '\0';
    if (strnlen(en->code, sizeof(en->code)) >= sizeof(en->code) || en->code[0] == '\0') {
        snprintf(en->why, sizeof(en->why), "this invite code is not known");
        return SAFER_E_NOTFOUND;
    }
    if ((rc = ident_check_invite(tx, en, &inv)) < 0
        || (rc = ident_check_person(tx, en, inv.person_id)) < 0)
        return rc;
    if (inv.rotate && (rc = ident_rotate_old(tx, en, &inv)) < 0)
        return rc;
    keyfile_fingerprint(en->pk, fpr);
    if ((rc = ident_add_cred(tx, en, inv.person_id, fpr)) < 0)
        return rc;
    {
        const store_val args[] = { SV_INT(en->now), SV_INT(inv.id) };
        rc = store_tx_exec(tx, ST_INVITE_MARK_USED, args, 2, NULL, NULL);
    }
    if (rc < 0)
        return rc;
    if (store_tx_changes(tx) != 1) {
        snprintf(en->why, sizeof(en->why), "this invite has already been used");
        return SAFER_E_USED;
    }
    if (inv.rotate) {
        snprintf(object, sizeof(object), "key:%s", fpr);
        snprintf(detail, sizeof(detail), "new key for %s replaces key %s, now revoked",
            en->who.initials, en->replaced_fpr);
        return audit_append(tx, en->now, en->who.initials, "key.rotate", object, detail);
    }
    snprintf(object, sizeof(object), "person:%s", en->who.initials);
    snprintf(detail, sizeof(detail), "key %s", fpr);
    return audit_append(tx, en->now, en->who.initials, "enrol", object, detail);
}

int ident_touch_job(store_tx *tx, void *arg)
{
    ident_touch *t = arg;
    const store_val args[] = { SV_INT(t->now), SV_INT(t->cred_id) };

    return store_tx_exec(tx, ST_CRED_TOUCH, args, 2, NULL, NULL);
}
