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
    ST_ADMINS_SIGNIN,      /* -> active admins in active agencies with a live key */

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
    ST_GROUP_INSERT,        /* code, name, created */
    ST_GROUP_BY_CODE,       /* code -> id, code, name */
    ST_GROUP_LIST,          /* -> id, code, name, by code */
    ST_GROUP_AGENCIES,      /* group_id -> agency code, by code */
    ST_GROUP_AGENCY_ADD,    /* group_id, agency_id */
    ST_GROUP_AGENCY_CLEAR,  /* group_id */
    ST_MEETING_INSERT,      /* date, time, venue, deadline, created */
    ST_MEETING_ID,          /* date -> id */
    ST_MEETING_BY_DATE,     /* date -> id, date, time, venue, deadline, published, approving
                               meeting's date, attendance rows, previous date, next date */
    ST_MEETING_LIST,        /* -> the columns of ST_MEETING_BY_DATE, by date */
    ST_MEETING_PREV,        /* date -> the latest meeting date before it (NULL if none) */
    ST_MEETING_NEXT,        /* date -> the earliest meeting date after it (NULL if none) */
    ST_MEETING_APPROVE,     /* approving meeting id, id (only while not approved) */
    ST_AGENDA_LIST,         /* meeting_id -> id, position, title, kind, group_id, group code,
                               by position */
    ST_AGENDA_ITEM,         /* meeting_id, position -> id, kind, group_id */
    ST_AGENDA_INSERT,       /* meeting_id, position, title, kind, group_id */
    ST_AGENDA_SET_POSITION, /* position, id */
    ST_AGENDA_DELETE,       /* id */
    ST_AGENDA_ITEM_USE,     /* item_id, item_id -> minutes rows, actions raised at it */
    ST_AGENDA_PAPERS,       /* meeting_id, group_id -> reports for that group at that meeting */
    ST_ATTENDANCE_SET,      /* meeting_id, person_id, presence, substitute (insert or replace) */
    ST_ATTENDANCE_LIST,     /* meeting_id -> initials, name, agency code, presence, substitute,
                               by initials */
    ST_MINUTES_SET,         /* item_id, text, updated, updated_by (insert or replace) */
    ST_MINUTES_DELETE,      /* item_id */
    ST_MINUTES_LIST,        /* meeting_id -> item position, text, by position */
    /* end of board */

    /* issue 4, papers: reports, returns, actions (papers helper only) */
    ST_REPORT_MEETING,         /* date -> id, deadline */
    ST_REPORT_GROUP_MEMBER,    /* group_id, agency_id -> 1 if the agency is a member */
    ST_REPORT_MEMBER_BY_CODE,  /* group code, agency code -> 1 if the agency is a member */
    ST_REPORT_FIND,            /* meeting_id, group_id, agency_id -> id, withdrawn, versions */
    ST_REPORT_INSERT,          /* meeting_id, group_id, agency_id */
    ST_REPORT_SET_WITHDRAWN,   /* withdrawn, id */
    ST_REPORT_BY_IDEM,         /* report_id, idem_key -> version */
    ST_REPORT_VERSION_INSERT,  /* report_id, version, title, rag, marking, author_id,
                                  submitted, late, body, idem_key */
    ST_REPORT_METRIC_INSERT,   /* version_id, position, name, value, target, period */
    ST_REPORT_RESTRICT_INSERT, /* version_id, agency_id (a repeat is ignored) */
    ST_REPORT_VERSION_GET,     /* report_id, version -> id, version, title, rag, marking,
                                  author initials, submitted, late, body bytes */
    ST_REPORT_VERSION_LIST,    /* report_id, limit -> the columns of ST_REPORT_VERSION_GET,
                                  by version */
    ST_REPORT_VERSION_BODY,    /* version id -> body */
    ST_REPORT_METRICS,         /* version id -> name, value, target, period by position */
    ST_REPORT_RESTRICTS,       /* version id -> agency code, by code */
    ST_RETURNS_LIST,           /* meeting_id -> group code, agency code, withdrawn, latest
                                  version, first submitted, first late; by group, agency */
    ST_ACTION_INSERT,          /* meeting_id, item_id, text, all_owners, due, created,
                                  created_by */
    ST_ACTION_OWNER_ADD,       /* action_id, person_id (a repeat is ignored) */
    ST_ACTION_GET,             /* today, id -> id, meeting date, item number, text,
                                  all_owners, due, status, carried */
    ST_ACTION_LIST,            /* today, open_only, mine (person id or 0), overdue, limit ->
                                  the columns of ST_ACTION_GET, by id */
    ST_ACTION_OWNERS,          /* action_id -> initials, by initials */
    ST_ACTION_UPDATES,         /* action_id, limit -> ts, initials, status, note, oldest first */
    ST_ACTION_OWNED,           /* action_id, person_id -> all_owners, 1 if an owner */
    ST_ACTION_SET_STATUS,      /* status, today, id: closed_on follows the status */
    ST_ACTION_UPDATE_ADD,      /* action_id, ts, person_id, status, note */
    /* end of papers */

    /* issue 5, pack (pack model helper only) */
    ST_PACK_SERIES,         /* date -> group code, agency code, metric name, meeting date,
                               value, target, restricted (0/1): the latest version of each
                               report not withdrawn at the 12 meetings up to date, by group,
                               agency, metric, date */
    ST_PACK_AS_AT,          /* date, previous date -> ts of the newest change audited against either
                               meeting (0 if none), pack.publish aside */
    ST_PACK_EDITION_LATEST, /* meeting_id -> edition, published, model of the newest edition */
    ST_PACK_EDITION_GET,    /* meeting_id, edition -> edition, published, model */
    ST_PACK_EDITION_INSERT, /* meeting_id, edition, published, model, changes */
    ST_PACK_MEETING_PUBLISH, /* published, id */
    /* end of pack */

    ST__COUNT
};

/* The SQL text of a statement id; NULL for an id out of range. */
const char *store_sql_text(enum store_stmt id);

#endif
