/*
 * The dispatch table and the response builder. Every request goes through
 * dispatch_message: unpacked with a budget, its id checked, its caller checked
 * against the table row (enrolment, then roles, then ownership) and only then
 * handed to the row's handler. Every answer goes through dispatch_send, the
 * one place where an error code becomes a wire status.
 */
#include "server/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/err.h"
#include "common/log.h"
#include "server/handlers_board.h"
#include "server/handlers_pack.h"
#include "server/handlers_papers.h"
#include "server/papers.h"
#include "server/people.h"
#include "server/sessions.h"

#define ADMIN ROLE_BIT_ADMIN
#define ADMIN_CHAIR (ROLE_BIT_ADMIN | ROLE_BIT_CHAIR)
#define ROW(body, name, auth, roles, owner, fn)                                                    \
    {                                                                                              \
        SAFER__REQUEST__BODY_##body, name, auth, roles, owner, fn, 0                               \
    }
/* A row with an ownership rule that the roles in owner_free are not bound by. */
#define ROW_OWNED(body, name, roles, owner, owner_free, fn)                                        \
    {                                                                                              \
        SAFER__REQUEST__BODY_##body, name, DISPATCH_AUTH, roles, owner, fn, owner_free             \
    }
#define CHAIR_LEAD (ROLE_BIT_CHAIR | ROLE_BIT_LEAD)

/*
 * Who may make what: docs/PROTOCOL.md section 7 prints the same table. A
 * caller with several roles may make a request if any of them is listed.
 */
static const dispatch_row dispatch_rows[] = {
    ROW(PING, "ping", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE, handle_ping),
    ROW(WHOAMI, "whoami", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE, handle_whoami),
    ROW(ENROL, "enrol", DISPATCH_UNENROLLED_ONLY, 0, OWNER_NONE, handle_enrol),
    ROW(GOODBYE, "goodbye", DISPATCH_ENROL_ONLY_OK, ROLE_BITS_ALL, OWNER_NONE, handle_goodbye),

    ROW(AGENCY_ADD, "agency_add", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_agency_add),
    ROW(AGENCY_LIST, "agency_list", DISPATCH_AUTH, ADMIN_CHAIR, OWNER_NONE, handle_agency_list),
    ROW(AGENCY_RENAME, "agency_rename", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_agency_rename),
    ROW(AGENCY_DEACTIVATE, "agency_deactivate", DISPATCH_AUTH, ADMIN, OWNER_NONE,
        handle_agency_deactivate),
    ROW(PERSON_ADD, "person_add", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_person_add),
    ROW(PERSON_LIST, "person_list", DISPATCH_AUTH, ADMIN_CHAIR, OWNER_NONE, handle_person_list),
    ROW(PERSON_SET_ROLES, "person_set_roles", DISPATCH_AUTH, ADMIN, OWNER_NONE,
        handle_person_set_roles),
    ROW(PERSON_DEACTIVATE, "person_deactivate", DISPATCH_AUTH, ADMIN, OWNER_NONE,
        handle_person_deactivate),
    ROW(INVITE_CREATE, "invite_create", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_invite_create),
    ROW(KEY_LIST, "key_list", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_key_list),
    ROW(KEY_REVOKE, "key_revoke", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_key_revoke),
    ROW(ROTATE_BEGIN, "rotate_begin", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_OWN_KEY,
        handle_rotate_begin),
    ROW(AUDIT_LIST, "audit_list", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_audit_list),
    ROW(AUDIT_VERIFY, "audit_verify", DISPATCH_AUTH, ADMIN, OWNER_NONE, handle_audit_verify),
    /* issue 4, board (board helper only) */
    ROW(GROUP_ADD, "group_add", DISPATCH_AUTH, ADMIN_CHAIR, OWNER_NONE, handle_group_add),
    ROW(GROUP_LIST, "group_list", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE, handle_group_list),
    ROW(GROUP_SET_AGENCIES, "group_set_agencies", DISPATCH_AUTH, ADMIN_CHAIR, OWNER_NONE,
        handle_group_set_agencies),
    ROW(MEETING_ADD, "meeting_add", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE, handle_meeting_add),
    ROW(MEETING_LIST, "meeting_list", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE,
        handle_meeting_list),
    ROW(MEETING_SHOW, "meeting_show", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE,
        handle_meeting_show),
    ROW(AGENDA_ADD, "agenda_add", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE, handle_agenda_add),
    ROW(AGENDA_MOVE, "agenda_move", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE, handle_agenda_move),
    ROW(AGENDA_REMOVE, "agenda_remove", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE,
        handle_agenda_remove),
    ROW(ATTENDANCE_SET, "attendance_set", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE,
        handle_attendance_set),
    ROW(MINUTES_SET, "minutes_set", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE, handle_minutes_set),
    ROW(MINUTES_APPROVE, "minutes_approve", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE,
        handle_minutes_approve),
    /* end of board */
    /* issue 4, papers (papers helper only) */
    ROW_OWNED(REPORT_SUBMIT, "report_submit", ROLE_BIT_LEAD, OWNER_GROUP_MEMBER_AGENCY, 0,
        handle_report_submit),
    ROW_OWNED(REPORT_SHOW, "report_show", CHAIR_LEAD, OWNER_REPORT_READER, ROLE_BIT_CHAIR,
        handle_report_show),
    ROW_OWNED(REPORT_HISTORY, "report_history", CHAIR_LEAD, OWNER_REPORT_READER, ROLE_BIT_CHAIR,
        handle_report_history),
    ROW_OWNED(REPORT_WITHDRAW, "report_withdraw", CHAIR_LEAD, OWNER_OWN_AGENCY, ROLE_BIT_CHAIR,
        handle_report_withdraw),
    /* A lead is not refused the returns: the handler shows them their own agency's rows. */
    ROW(RETURNS, "returns", DISPATCH_AUTH, CHAIR_LEAD, OWNER_NONE, handle_returns),
    ROW(ACTION_ADD, "action_add", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE, handle_action_add),
    ROW(ACTION_LIST, "action_list", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE, handle_action_list),
    ROW_OWNED(ACTION_UPDATE, "action_update", ROLE_BITS_ALL, OWNER_ACTION_OWNER, ROLE_BIT_CHAIR,
        handle_action_update),
    /* end of papers */
    /* issue 5, pack (pack model helper only) */
    /* Who sees what of a pack (drafts, unpublished packs) is the handler's to decide. */
    ROW(PACK_PULL, "pack_pull", DISPATCH_AUTH, ROLE_BITS_ALL, OWNER_NONE, handle_pack_pull),
    ROW(PACK_PUBLISH, "pack_publish", DISPATCH_AUTH, ROLE_BIT_CHAIR, OWNER_NONE,
        handle_pack_publish),
    /* end of pack */
};

#define DISPATCH_NROWS (sizeof(dispatch_rows) / sizeof(dispatch_rows[0]))

const dispatch_row *dispatch_lookup(Safer__Request__BodyCase body)
{
    for (size_t i = 0; i < DISPATCH_NROWS; i++) {
        if (dispatch_rows[i].body == body)
            return &dispatch_rows[i];
    }
    return NULL;
}

size_t dispatch_count(void)
{
    return DISPATCH_NROWS;
}

const dispatch_row *dispatch_row_at(size_t i)
{
    return i < DISPATCH_NROWS ? &dispatch_rows[i] : NULL;
}

int dispatch_send(conn *c, uint64_t id, int rc, const char *msg, Safer__Response *rs)
{
    Safer__Response bare = SAFER__RESPONSE__INIT;
    uint8_t *buf = NULL;
    size_t len = 0;
    int ret;

    /* An error carries no body: the status and message say everything. */
    if (rs == NULL || rc != 0)
        rs = &bare;
    rs->id = id;
    rs->status = err_status(rc);
    /* protobuf-c's string fields are not const; packing only reads them. */
    rs->message = (char *)(rc == 0 ? "" : msg != NULL ? msg : err_msg(rc));
    ret = pb_response_pack(rs, &buf, &len);
    if (ret < 0) {
        conn_close(c, "cannot pack a response");
        return ret;
    }
    ret = conn_send(c, buf, len);
    /* The packed answer may carry an invite or a rotation code. */
    sodium_memzero(buf, len);
    free(buf);
    if (ret == SAFER_E_TOOBIG && rs != &bare) {
        log_warn("%s: response to request %llu exceeds the message limit", conn_addr(c),
            (unsigned long long)id);
        return dispatch_send(c, id, SAFER_E_TOOBIG, "the response is too large to send", NULL);
    }
    if (ret < 0 && conn_is_open(c))
        conn_close(c, "cannot send a response");
    return ret;
}

void dispatch_reply(conn *c, uint64_t id, int rc, const char *msg, Safer__Response *rs)
{
    session *s = conn_session(c);

    if (conn_is_open(c))
        dispatch_send(c, id, rc, msg, rs);
    s->in_flight = 0;
    /* A session ended while this request was in flight closes now that it is answered. */
    if (s->ended)
        sessions_end_now(c);
    conn_request_done(c);
}

/* The report a request names: its date, group, agency ("" = the caller's) and version. */
static int dispatch_report_ref(const Safer__Request *rq, const char **date, const char **group,
    const char **agency, uint32_t *version)
{
    *version = 0;
    switch (rq->body_case) {
    case SAFER__REQUEST__BODY_REPORT_SUBMIT:
        *date = rq->report_submit->date;
        *group = rq->report_submit->group_code;
        *agency = "";
        return 0;
    case SAFER__REQUEST__BODY_REPORT_SHOW:
        *date = rq->report_show->date;
        *group = rq->report_show->group_code;
        *agency = rq->report_show->agency_code;
        *version = rq->report_show->version;
        return 0;
    case SAFER__REQUEST__BODY_REPORT_HISTORY:
        *date = rq->report_history->date;
        *group = rq->report_history->group_code;
        *agency = rq->report_history->agency_code;
        return 0;
    case SAFER__REQUEST__BODY_REPORT_WITHDRAW:
        *date = rq->report_withdraw->date;
        *group = rq->report_withdraw->group_code;
        *agency = rq->report_withdraw->agency_code;
        return 0;
    default:
        return SAFER_E_INTERNAL;
    }
}

/*
 * The ownership rule of row for the caller of s. Each rule is one function;
 * a target that does not exist passes here, so that the handler names it.
 */
static int dispatch_check_owner(store *st, const session *s, const dispatch_row *row,
    const Safer__Request *rq, char *why, size_t why_len)
{
    const char *mine = s->who.agency_code;
    const char *date, *group, *agency;
    uint32_t version;

    if (row->owner == OWNER_NONE || row->owner == OWNER_OWN_KEY
        || (s->who.roles & row->owner_free) != 0)
        return 0;
    if (row->owner == OWNER_ACTION_OWNER) {
        if (rq->body_case != SAFER__REQUEST__BODY_ACTION_UPDATE)
            return SAFER_E_INTERNAL;
        return papers_rule_action_owner(st, s->who.person_id, rq->action_update->id, why, why_len);
    }
    if (dispatch_report_ref(rq, &date, &group, &agency, &version) < 0)
        return SAFER_E_INTERNAL;
    if (agency == NULL || agency[0] == '\0')
        agency = mine;
    switch (row->owner) {
    case OWNER_GROUP_MEMBER_AGENCY:
        return papers_rule_group_member(st, mine, group, why, why_len);
    case OWNER_OWN_AGENCY:
        if (strcmp(agency, mine) == 0)
            return 0;
        snprintf(why, why_len, "%s acts only on your own agency's reports ('%s')", row->name, mine);
        return SAFER_E_PERM;
    case OWNER_REPORT_READER:
        return papers_rule_reader(st, mine, date, group, agency, version,
            rq->body_case == SAFER__REQUEST__BODY_REPORT_HISTORY, why, why_len);
    default:
        return SAFER_E_INTERNAL;
    }
}

int dispatch_check(store *st, const session *s, const dispatch_row *row, const Safer__Request *rq,
    char *why, size_t why_len)
{
    char need[64];
    char have[64];
    int rc;

    if (!s->enrolled) {
        if (row->auth == DISPATCH_AUTH) {
            snprintf(why, why_len, "this key is not enrolled: run 'safer enrol INVITE' first");
            return SAFER_E_UNAUTH;
        }
        return 0;
    }
    if (row->auth == DISPATCH_UNENROLLED_ONLY) {
        snprintf(why, why_len, "this key is already enrolled");
        return SAFER_E_EXISTS;
    }
    if (row->auth == DISPATCH_AUTH && (s->who.roles & row->roles) == 0) {
        people_roles_text(row->roles, " or ", need, sizeof(need));
        people_roles_text(s->who.roles, " and ", have, sizeof(have));
        snprintf(why, why_len, "%s needs the %s role; you have %s", row->name, need, have);
        return SAFER_E_PERM;
    }
    /*
     * OWNER_OWN_KEY needs no check here: such a request names no target, and
     * its handler acts on the session's own credential only.
     */
    if (rq == NULL || row->auth != DISPATCH_AUTH)
        return 0;
    why[0] = '\0';
    rc = dispatch_check_owner(st, s, row, rq, why, why_len);
    if (rc < 0 && why[0] == '\0')
        snprintf(why, why_len, "%s", err_msg(rc));
    return rc;
}

void dispatch_message(conn *c, const uint8_t *msg, size_t len)
{
    pb_budget budget;
    Safer__Request *rq;
    const dispatch_row *row;
    char why[DISPATCH_WHY_MAX];
    int rc;

    /* Decoded protobuf may take many times its wire size (an empty
     * submessage costs two bytes on the wire and a struct in memory), but
     * never more than this. */
    pb_budget_init(
        &budget, len < PB_BUDGET_DEFAULT / 64 - 1024 ? 64 * len + 65536 : PB_BUDGET_DEFAULT);
    rq = pb_request_unpack(&budget, msg, len);
    if (rq == NULL) {
        conn_close(c, "malformed request");
        return;
    }
    if (rq->id == 0) {
        if (dispatch_send(c, 0, SAFER_E_INVAL, "request id must be non-zero", NULL) == 0)
            conn_close_after_write(c, "request without an id");
        goto out;
    }
    conn_session(c)->in_flight = 1;
    sessions_touch(c);
    row = dispatch_lookup(rq->body_case);
    if (row == NULL) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, "unknown or missing request type", NULL);
        goto out;
    }
    rc = dispatch_check(conn_server(c)->st, conn_session(c), row, rq, why, sizeof(why));
    if (rc < 0) {
        log_info("%s: %s refused: %s", conn_addr(c), row->name, err_status_name(err_status(rc)));
        dispatch_reply(c, rq->id, rc, why, NULL);
        goto out;
    }
    log_debug("%s: %s request %llu", conn_addr(c), row->name, (unsigned long long)rq->id);
    rc = row->fn(c, rq);
    if (rc < 0)
        dispatch_reply(c, rq->id, rc, NULL, NULL);
out:
    pb_request_free(&budget, rq);
}

/* A write job in flight for a request: who to answer and how. */
typedef struct dispatch_job {
    conn *c;                   /* held until the answer has run */
    uint64_t id;               /* the request to answer */
    store_job_fn job;          /* the work, on the writer thread */
    dispatch_answer_fn answer; /* the answer, on the loop */
    void *ctx;                 /* the job's own state, owned by answer */
} dispatch_job;

static int dispatch_job_run(store_tx *tx, void *ctx)
{
    dispatch_job *dj = ctx;

    return dj->job(tx, dj->ctx);
}

static void dispatch_job_done(void *ctx, int rc)
{
    dispatch_job *dj = ctx;
    conn *c = dj->c;

    dj->answer(c, dj->id, dj->ctx, rc);
    free(dj);
    conn_release(c);
}

int dispatch_submit(conn *c, uint64_t id, store_job_fn job, dispatch_answer_fn answer, void *ctx)
{
    dispatch_job *dj = calloc(1, sizeof(*dj));
    int rc;

    if (dj == NULL)
        return SAFER_E_NOMEM;
    dj->c = c;
    dj->id = id;
    dj->job = job;
    dj->answer = answer;
    dj->ctx = ctx;
    rc = store_submit(conn_server(c)->st, dispatch_job_run, dispatch_job_done, dj);
    if (rc < 0) {
        free(dj);
        return rc;
    }
    conn_hold(c);
    return 0;
}
