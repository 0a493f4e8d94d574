/*
 * The ids of every statement the store runs. Each id names one SQL text in
 * store_sql.c; the store prepares them all once when it opens, on both of its
 * connections, so a handler never builds SQL at run time. A new statement is
 * one new id here and one new row there, in the same order.
 */
#ifndef SAFER_SERVER_STORE_SQL_H
#define SAFER_SERVER_STORE_SQL_H

enum store_stmt {
    /* settings(key, value) */
    ST_SETTING_GET, /* key -> value */
    ST_SETTING_SET, /* key, value (insert or replace) */

    /* agencies */
    ST_AGENCY_INSERT,  /* code, name, created */
    ST_AGENCY_BY_CODE, /* code -> id, code, name, active, created */

    /* people */
    ST_PERSON_INSERT, /* initials, name, agency_id, roles, created */
    ST_PERSON_BY_ID,  /* id -> id, initials, name, roles, active, agency code, agency
                         name, agency active */

    /* invites */
    ST_INVITE_INSERT,    /* person_id, code_hash, purpose, created, expires, created_by */
    ST_INVITE_BY_HASH,   /* code_hash -> id, person_id, purpose, expires, used */
    ST_INVITE_MARK_USED, /* used, id (only while unused) */

    /* credentials */
    ST_CRED_INSERT,    /* person_id, pubkey, fingerprint, created */
    ST_CRED_BY_PUBKEY, /* pubkey -> id, person_id, revoked, initials, name, roles,
                          person active, agency code, agency name, agency active */
    ST_CRED_TOUCH,     /* last_used, id */

    /* audit */
    ST_AUDIT_APPEND, /* id, ts, actor, action, object, detail, prev, hash */
    ST_AUDIT_LAST,   /* -> id, hash of the newest row */
    ST_AUDIT_LIST,   /* after_id, limit -> id, ts, actor, action, object, detail, prev,
                        hash in id order */

    ST__COUNT
};

/* The SQL text of a statement id; NULL for an id out of range. */
const char *store_sql_text(enum store_stmt id);

#endif
