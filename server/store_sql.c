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
    [ST_ADMINS_SIGNIN] = "SELECT count(*) FROM people p JOIN agencies a ON a.id = p.agency_id "
                         "WHERE p.active = 1 AND a.active = 1 AND (p.roles & 1) != 0 "
                         "AND EXISTS (SELECT 1 FROM credentials c WHERE c.person_id = p.id "
                         "AND c.revoked IS NULL)",

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
    [ST_GROUP_INSERT] = "INSERT INTO groups(code, name, created) VALUES (?, ?, ?)",
    [ST_GROUP_BY_CODE] = "SELECT id, code, name FROM groups WHERE code = ?",
    [ST_GROUP_LIST] = "SELECT id, code, name FROM groups ORDER BY code",
    [ST_GROUP_AGENCIES] = "SELECT a.code FROM group_agencies g JOIN agencies a "
                          "ON a.id = g.agency_id WHERE g.group_id = ? ORDER BY a.code",
    [ST_GROUP_AGENCY_ADD] = "INSERT INTO group_agencies(group_id, agency_id) VALUES (?, ?)",
    [ST_GROUP_AGENCY_CLEAR] = "DELETE FROM group_agencies WHERE group_id = ?",
    [ST_MEETING_INSERT] = "INSERT INTO meetings(date, time, venue, deadline, created) "
                          "VALUES (?, ?, ?, ?, ?)",
    [ST_MEETING_ID] = "SELECT id FROM meetings WHERE date = ?",
    [ST_MEETING_BY_DATE] = "SELECT m.id, m.date, m.time, m.venue, m.deadline, m.published, "
                           "(SELECT a.date FROM meetings a WHERE a.id = m.minutes_approved_by), "
                           "(SELECT count(*) FROM attendance t "
                           "WHERE t.meeting_id = m.id AND t.presence = 1), "
                           "(SELECT max(p.date) FROM meetings p WHERE p.date < m.date), "
                           "(SELECT min(n.date) FROM meetings n WHERE n.date > m.date) "
                           "FROM meetings m WHERE m.date = ?",
    [ST_MEETING_LIST] = "SELECT m.id, m.date, m.time, m.venue, m.deadline, m.published, "
                        "(SELECT a.date FROM meetings a WHERE a.id = m.minutes_approved_by), "
                        "(SELECT count(*) FROM attendance t "
                        "WHERE t.meeting_id = m.id AND t.presence = 1), "
                        "(SELECT max(p.date) FROM meetings p WHERE p.date < m.date), "
                        "(SELECT min(n.date) FROM meetings n WHERE n.date > m.date) "
                        "FROM meetings m ORDER BY m.date",
    [ST_MEETING_PREV] = "SELECT max(date) FROM meetings WHERE date < ?",
    [ST_MEETING_NEXT] = "SELECT min(date) FROM meetings WHERE date > ?",
    [ST_MEETING_APPROVE] = "UPDATE meetings SET minutes_approved_by = ? "
                           "WHERE id = ? AND minutes_approved_by IS NULL",
    [ST_AGENDA_LIST] = "SELECT i.id, i.position, i.title, i.kind, i.group_id, g.code "
                       "FROM agenda_items i LEFT JOIN groups g ON g.id = i.group_id "
                       "WHERE i.meeting_id = ? ORDER BY i.position, i.id",
    [ST_AGENDA_ITEM] = "SELECT id, kind, group_id FROM agenda_items "
                       "WHERE meeting_id = ? AND position = ?",
    [ST_AGENDA_INSERT] = "INSERT INTO agenda_items(meeting_id, position, title, kind, group_id) "
                         "VALUES (?, ?, ?, ?, ?)",
    [ST_AGENDA_SET_POSITION] = "UPDATE agenda_items SET position = ? WHERE id = ?",
    [ST_AGENDA_DELETE] = "DELETE FROM agenda_items WHERE id = ?",
    [ST_AGENDA_ITEM_USE] = "SELECT (SELECT count(*) FROM minutes WHERE item_id = ?), "
                           "(SELECT count(*) FROM actions WHERE item_id = ?)",
    [ST_AGENDA_PAPERS] = "SELECT count(*) FROM reports WHERE meeting_id = ? AND group_id = ?",
    [ST_ATTENDANCE_SET] = "INSERT INTO attendance(meeting_id, person_id, presence, substitute) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT(meeting_id, person_id) DO UPDATE "
                          "SET presence = excluded.presence, substitute = excluded.substitute",
    [ST_ATTENDANCE_LIST] = "SELECT p.initials, p.name, a.code, t.presence, t.substitute "
                           "FROM attendance t JOIN people p ON p.id = t.person_id "
                           "JOIN agencies a ON a.id = p.agency_id WHERE t.meeting_id = ? "
                           "ORDER BY p.initials",
    [ST_MINUTES_SET] = "INSERT INTO minutes(item_id, text, updated, updated_by) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET "
                       "text = excluded.text, updated = excluded.updated, "
                       "updated_by = excluded.updated_by",
    [ST_MINUTES_DELETE] = "DELETE FROM minutes WHERE item_id = ?",
    [ST_MINUTES_LIST] = "SELECT i.position, n.text FROM minutes n "
                        "JOIN agenda_items i ON i.id = n.item_id WHERE i.meeting_id = ? "
                        "ORDER BY i.position",
    /* end of board */

    /* issue 4, papers (papers helper only) */
    [ST_REPORT_MEETING] = "SELECT id, deadline FROM meetings WHERE date = ?",
    [ST_REPORT_GROUP_MEMBER] = "SELECT 1 FROM group_agencies WHERE group_id = ? AND agency_id = ?",
    [ST_REPORT_MEMBER_BY_CODE] = "SELECT 1 FROM group_agencies ga "
                                 "JOIN groups g ON g.id = ga.group_id "
                                 "JOIN agencies a ON a.id = ga.agency_id "
                                 "WHERE g.code = ? AND a.code = ?",
    [ST_REPORT_FIND] = "SELECT r.id, r.withdrawn, (SELECT coalesce(max(v.version), 0) "
                       "FROM report_versions v WHERE v.report_id = r.id) FROM reports r "
                       "WHERE r.meeting_id = ? AND r.group_id = ? AND r.agency_id = ?",
    [ST_REPORT_INSERT] = "INSERT INTO reports(meeting_id, group_id, agency_id) VALUES (?, ?, ?)",
    [ST_REPORT_SET_WITHDRAWN] = "UPDATE reports SET withdrawn = ? WHERE id = ?",
    [ST_REPORT_BY_IDEM]
    = "SELECT version FROM report_versions WHERE report_id = ? AND idem_key = ?",
    [ST_REPORT_VERSION_INSERT] = "INSERT INTO report_versions(report_id, version, title, rag, "
                                 "marking, author_id, submitted, late, body, idem_key) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_REPORT_METRIC_INSERT] = "INSERT INTO report_metrics(version_id, position, name, value, "
                                "target, period) VALUES (?, ?, ?, ?, ?, ?)",
    [ST_REPORT_RESTRICT_INSERT] = "INSERT OR IGNORE INTO report_restrict(version_id, agency_id) "
                                  "VALUES (?, ?)",
    [ST_REPORT_VERSION_GET] = "SELECT v.id, v.version, v.title, v.rag, v.marking, p.initials, "
                              "v.submitted, v.late, length(CAST(v.body AS BLOB)) "
                              "FROM report_versions v JOIN people p ON p.id = v.author_id "
                              "WHERE v.report_id = ? AND v.version = ?",
    [ST_REPORT_VERSION_LIST] = "SELECT v.id, v.version, v.title, v.rag, v.marking, p.initials, "
                               "v.submitted, v.late, length(CAST(v.body AS BLOB)) "
                               "FROM report_versions v JOIN people p ON p.id = v.author_id "
                               "WHERE v.report_id = ? ORDER BY v.version LIMIT ?",
    [ST_REPORT_VERSION_BODY] = "SELECT body FROM report_versions WHERE id = ?",
    [ST_REPORT_METRICS] = "SELECT name, value, target, period FROM report_metrics "
                          "WHERE version_id = ? ORDER BY position",
    [ST_REPORT_RESTRICTS] = "SELECT a.code FROM report_restrict r "
                            "JOIN agencies a ON a.id = r.agency_id WHERE r.version_id = ? "
                            "ORDER BY a.code",
    [ST_RETURNS_LIST] = "SELECT g.code, a.code, r.withdrawn, "
                        "(SELECT max(v.version) FROM report_versions v WHERE v.report_id = r.id), "
                        "(SELECT v.submitted FROM report_versions v WHERE v.report_id = r.id "
                        "ORDER BY v.version LIMIT 1), "
                        "(SELECT v.late FROM report_versions v WHERE v.report_id = r.id "
                        "ORDER BY v.version LIMIT 1) "
                        "FROM groups g JOIN group_agencies ga ON ga.group_id = g.id "
                        "JOIN agencies a ON a.id = ga.agency_id AND a.active = 1 "
                        "LEFT JOIN reports r ON r.meeting_id = ?1 AND r.group_id = g.id "
                        "AND r.agency_id = a.id "
                        "WHERE g.id IN (SELECT i.group_id FROM agenda_items i "
                        "WHERE i.meeting_id = ?1 AND i.kind = 4) ORDER BY g.code, a.code",
    [ST_ACTION_INSERT] = "INSERT INTO actions(meeting_id, item_id, text, all_owners, due, "
                         "created, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [ST_ACTION_OWNER_ADD] = "INSERT OR IGNORE INTO action_owners(action_id, person_id) "
                            "VALUES (?, ?)",
    /* carried: meetings after the action's own, up to today, before it was closed. */
    [ST_ACTION_GET] = "SELECT a.id, m.date, i.position, a.text, a.all_owners, a.due, a.status, "
                      "(SELECT count(*) FROM meetings m2 WHERE m2.date > m.date "
                      "AND m2.date <= ?1 AND (a.closed_on IS NULL OR m2.date < a.closed_on)) "
                      "FROM actions a JOIN meetings m ON m.id = a.meeting_id "
                      "JOIN agenda_items i ON i.id = a.item_id WHERE a.id = ?2",
    [ST_ACTION_LIST] = "SELECT a.id, m.date, i.position, a.text, a.all_owners, a.due, a.status, "
                       "(SELECT count(*) FROM meetings m2 WHERE m2.date > m.date "
                       "AND m2.date <= ?1 AND (a.closed_on IS NULL OR m2.date < a.closed_on)) "
                       "FROM actions a JOIN meetings m ON m.id = a.meeting_id "
                       "JOIN agenda_items i ON i.id = a.item_id "
                       "WHERE (?2 = 0 OR a.status = 1) AND (?3 = 0 OR a.all_owners = 1 "
                       "OR EXISTS (SELECT 1 FROM action_owners o WHERE o.action_id = a.id "
                       "AND o.person_id = ?3)) AND (?4 = 0 OR (a.status = 1 AND a.due < ?1)) "
                       "ORDER BY a.id LIMIT ?5",
    [ST_ACTION_OWNERS] = "SELECT p.initials FROM action_owners o "
                         "JOIN people p ON p.id = o.person_id WHERE o.action_id = ? "
                         "ORDER BY p.initials",
    [ST_ACTION_UPDATES] = "SELECT u.ts, p.initials, u.status, u.note FROM action_updates u "
                          "JOIN people p ON p.id = u.person_id WHERE u.action_id = ? "
                          "ORDER BY u.ts, u.id LIMIT ?",
    [ST_ACTION_OWNED] = "SELECT a.all_owners, EXISTS (SELECT 1 FROM action_owners o "
                        "WHERE o.action_id = a.id AND o.person_id = ?2) FROM actions a "
                        "WHERE a.id = ?1",
    [ST_ACTION_SET_STATUS] = "UPDATE actions SET status = ?1, closed_on = CASE WHEN ?1 = 1 "
                             "THEN NULL WHEN closed_on IS NULL THEN ?2 ELSE closed_on END "
                             "WHERE id = ?3",
    [ST_ACTION_UPDATE_ADD] = "INSERT INTO action_updates(action_id, ts, person_id, status, note) "
                             "VALUES (?, ?, ?, ?, ?)",
    /* end of papers */

    /* issue 5, pack (pack model helper only) */
    /* Restricted points are flagged so that a chart never shows what its reader may not see. */
    [ST_PACK_SERIES] = "SELECT g.code, a.code, rm.name, m.date, rm.value, rm.target, "
                       "EXISTS (SELECT 1 FROM report_restrict x WHERE x.version_id = v.id) "
                       "FROM (SELECT id, date FROM meetings WHERE date <= ?1 "
                       "ORDER BY date DESC LIMIT 12) m "
                       "JOIN reports r ON r.meeting_id = m.id AND r.withdrawn = 0 "
                       "JOIN groups g ON g.id = r.group_id "
                       "JOIN agencies a ON a.id = r.agency_id "
                       "JOIN report_versions v ON v.report_id = r.id AND v.version = "
                       "(SELECT max(w.version) FROM report_versions w WHERE w.report_id = r.id) "
                       "JOIN report_metrics rm ON rm.version_id = v.id "
                       "ORDER BY g.code, a.code, rm.name, m.date, rm.position",
    [ST_PACK_AS_AT] = "SELECT coalesce(max(ts), 0) FROM audit "
                      "WHERE object IN ('meeting:' || ?, 'meeting:' || ?) "
                      "AND action <> 'pack.publish'",
    [ST_PACK_EDITION_LATEST] = "SELECT edition, published, model FROM pack_editions "
                               "WHERE meeting_id = ? ORDER BY edition DESC LIMIT 1",
    [ST_PACK_EDITION_GET] = "SELECT edition, published, model FROM pack_editions "
                            "WHERE meeting_id = ? AND edition = ?",
    [ST_PACK_EDITION_INSERT] = "INSERT INTO pack_editions(meeting_id, edition, published, "
                               "model, changes) VALUES (?, ?, ?, ?, ?)",
    [ST_PACK_MEETING_PUBLISH] = "UPDATE meetings SET published = ? WHERE id = ?",
    /* end of pack */
};

const char *store_sql_text(enum store_stmt id)
{
    if ((int)id < 0 || id >= ST__COUNT)
        return NULL;
    return store_sql_rows[id];
}
