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
    ST_AGENCY_INSERT,     /* code, name, created */
    ST_AGENCY_BY_CODE,    /* code -> id, code, name, active, created */
    ST_AGENCY_VIEW,       /* code -> code, name, active, active people */
    ST_AGENCY_LIST,       /* -> code, name, active, active people, by code */
    ST_AGENCY_RENAME,     /* name, code */
    ST_AGENCY_DEACTIVATE, /* code */

    /* people */
    ST_PERSON_INSERT,      /* initials, name, agency_id, roles, created */
    ST_PERSON_BY_ID,       /* id -> id, initials, name, roles, active, agency code, agency
                              name, agency active */
    ST_PERSON_BY_INITIALS, /* initials -> the columns of ST_PERSON_BY_ID */
    ST_PERSON_VIEW,        /* initials -> initials, name, agency code, roles, active,
                              live credentials */
    ST_PERSON_LIST,        /* -> the columns of ST_PERSON_VIEW, by initials */
    ST_PERSON_SET_ROLES,   /* roles, id */
    ST_PERSON_DEACTIVATE,  /* id */
    ST_ADMINS_ACTIVE,      /* -> active admins in active agencies */

    /* invites */
    ST_INVITE_INSERT,       /* person_id, code_hash, purpose, created, expires, created_by */
    ST_INVITE_BY_HASH,      /* code_hash -> id, person_id, purpose, expires, used */
    ST_INVITE_MARK_USED,    /* used, id (only while unused) */
    ST_INVITE_SET_REPLACES, /* replaces_cred_id, id */
    ST_INVITE_REPLACES,     /* id -> replaces_cred_id (NULL for a first enrolment) */

    /* credentials */
    ST_CRED_INSERT,         /* person_id, pubkey, fingerprint, created */
    ST_CRED_BY_PUBKEY,      /* pubkey -> id, person_id, revoked, initials, name, roles,
                               person active, agency code, agency name, agency active */
    ST_CRED_TOUCH,          /* last_used, id */
    ST_CRED_LIST,           /* -> id, person_id, initials, fingerprint, created, last_used,
                               revoked, by initials then age */
    ST_CRED_LIST_PERSON,    /* initials -> the columns of ST_CRED_LIST */
    ST_CRED_BY_FPR,         /* fingerprint -> the columns of ST_CRED_LIST */
    ST_CRED_BY_ID,          /* id -> the columns of ST_CRED_LIST */
    ST_CRED_LIVE_BY_PERSON, /* person_id -> the columns of ST_CRED_LIST, unrevoked only */
    ST_CRED_REVOKE,         /* revoked, id (only while not revoked) */

    /* audit */
    ST_AUDIT_APPEND, /* id, ts, actor, action, object, detail, prev, hash */
    ST_AUDIT_LAST,   /* -> id, hash of the newest row */
    ST_AUDIT_LIST,   /* after_id, limit -> id, ts, actor, action, object, detail, prev,
                        hash in id order */

    /* issue 4, board: groups, meetings, agenda, attendance, minutes (board helper only) */
    /* end of board */

    /* issue 4, papers: reports, returns, actions (papers helper only) */
    /* end of papers */

    ST__COUNT
};

/* The SQL text of a statement id; NULL for an id out of range. */
const char *store_sql_text(enum store_stmt id);

#endif
