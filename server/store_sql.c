/*
 * The SQL of every statement in store_sql.h, in one table indexed by its id.
 * Only `?` placeholders, bound in the order the header lists; no statement is
 * ever assembled from strings at run time.
 */
#include "server/store_sql.h"

#include <stddef.h>

static const char *const store_sql_rows[ST__COUNT] = {
    [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
    [ST_SETTING_SET] = "INSERT INTO settings(key, value) VALUES (?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",

    [ST_AGENCY_INSERT] = "INSERT INTO agencies(code, name, created) VALUES (?, ?, ?)",
    [ST_AGENCY_BY_CODE] = "SELECT id, code, name, active, created FROM agencies WHERE code = ?",
    [ST_AGENCY_VIEW] = "SELECT a.code, a.name, a.active, (SELECT count(*) FROM people p "
                       "WHERE p.agency_id = a.id AND p.active = 1) FROM agencies a "
                       "WHERE a.code = ?",
    [ST_AGENCY_LIST] = "SELECT a.code, a.name, a.active, (SELECT count(*) FROM people p "
                       "WHERE p.agency_id = a.id AND p.active = 1) FROM agencies a "
                       "ORDER BY a.code",
    [ST_AGENCY_RENAME] = "UPDATE agencies SET name = ? WHERE code = ?",
    [ST_AGENCY_DEACTIVATE] = "UPDATE agencies SET active = 0 WHERE code = ?",

    [ST_PERSON_INSERT] = "INSERT INTO people(initials, name, agency_id, roles, created) "
                         "VALUES (?, ?, ?, ?, ?)",
    [ST_PERSON_BY_ID] = "SELECT p.id, p.initials, p.name, p.roles, p.active, a.code, a.name, "
                        "a.active FROM people p JOIN agencies a ON a.id = p.agency_id "
                        "WHERE p.id = ?",
    [ST_PERSON_BY_INITIALS] = "SELECT p.id, p.initials, p.name, p.roles, p.active, a.code, "
                              "a.name, a.active FROM people p "
                              "JOIN agencies a ON a.id = p.agency_id WHERE p.initials = ?",
    [ST_PERSON_VIEW] = "SELECT p.initials, p.name, a.code, p.roles, p.active, "
                       "(SELECT count(*) FROM credentials c WHERE c.person_id = p.id "
                       "AND c.revoked IS NULL) FROM people p "
                       "JOIN agencies a ON a.id = p.agency_id WHERE p.initials = ?",
    [ST_PERSON_LIST] = "SELECT p.initials, p.name, a.code, p.roles, p.active, "
                       "(SELECT count(*) FROM credentials c WHERE c.person_id = p.id "
                       "AND c.revoked IS NULL) FROM people p "
                       "JOIN agencies a ON a.id = p.agency_id ORDER BY p.initials",
    [ST_PERSON_SET_ROLES] = "UPDATE people SET roles = ? WHERE id = ?",
    [ST_PERSON_DEACTIVATE] = "UPDATE people SET active = 0 WHERE id = ?",
    [ST_ADMINS_ACTIVE] = "SELECT count(*) FROM people p JOIN agencies a ON a.id = p.agency_id "
                         "WHERE p.active = 1 AND a.active = 1 AND (p.roles & 1) != 0",

    [ST_INVITE_INSERT] = "INSERT INTO invites(person_id, code_hash, purpose, created, expires, "
                         "created_by) VALUES (?, ?, ?, ?, ?, ?)",
    [ST_INVITE_BY_HASH] = "SELECT id, person_id, purpose, expires, used FROM invites "
                          "WHERE code_hash = ?",
    [ST_INVITE_MARK_USED] = "UPDATE invites SET used = ? WHERE id = ? AND used IS NULL",
    [ST_INVITE_SET_REPLACES] = "UPDATE invites SET replaces_cred_id = ? WHERE id = ?",
    [ST_INVITE_REPLACES] = "SELECT replaces_cred_id FROM invites WHERE id = ?",

    [ST_CRED_INSERT] = "INSERT INTO credentials(person_id, pubkey, fingerprint, created) "
                       "VALUES (?, ?, ?, ?)",
    [ST_CRED_BY_PUBKEY] = "SELECT c.id, c.person_id, c.revoked, p.initials, p.name, p.roles, "
                          "p.active, a.code, a.name, a.active FROM credentials c "
                          "JOIN people p ON p.id = c.person_id "
                          "JOIN agencies a ON a.id = p.agency_id WHERE c.pubkey = ?",
    [ST_CRED_TOUCH] = "UPDATE credentials SET last_used = ? WHERE id = ?",
    [ST_CRED_LIST] = "SELECT c.id, c.person_id, p.initials, c.fingerprint, c.created, "
                     "c.last_used, c.revoked FROM credentials c "
                     "JOIN people p ON p.id = c.person_id ORDER BY p.initials, c.id",
    [ST_CRED_LIST_PERSON] = "SELECT c.id, c.person_id, p.initials, c.fingerprint, c.created, "
                            "c.last_used, c.revoked FROM credentials c "
                            "JOIN people p ON p.id = c.person_id WHERE p.initials = ? "
                            "ORDER BY c.id",
    [ST_CRED_BY_FPR] = "SELECT c.id, c.person_id, p.initials, c.fingerprint, c.created, "
                       "c.last_used, c.revoked FROM credentials c "
                       "JOIN people p ON p.id = c.person_id WHERE c.fingerprint = ? "
                       "ORDER BY c.id",
    [ST_CRED_BY_ID] = "SELECT c.id, c.person_id, p.initials, c.fingerprint, c.created, "
                      "c.last_used, c.revoked FROM credentials c "
                      "JOIN people p ON p.id = c.person_id WHERE c.id = ?",
    [ST_CRED_LIVE_BY_PERSON] = "SELECT c.id, c.person_id, p.initials, c.fingerprint, c.created, "
                               "c.last_used, c.revoked FROM credentials c "
                               "JOIN people p ON p.id = c.person_id "
                               "WHERE c.person_id = ? AND c.revoked IS NULL ORDER BY c.id",
    [ST_CRED_REVOKE] = "UPDATE credentials SET revoked = ? WHERE id = ? AND revoked IS NULL",

    [ST_AUDIT_APPEND] = "INSERT INTO audit(id, ts, actor, action, object, detail, prev, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_AUDIT_LAST] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
    [ST_AUDIT_LIST] = "SELECT id, ts, actor, action, object, detail, prev, hash FROM audit "
                      "WHERE id > ? ORDER BY id LIMIT ?",

    /* issue 4, board (board helper only) */
    /* end of board */

    /* issue 4, papers (papers helper only) */
    /* end of papers */
};

const char *store_sql_text(enum store_stmt id)
{
    if ((int)id < 0 || id >= ST__COUNT)
        return NULL;
    return store_sql_rows[id];
}
