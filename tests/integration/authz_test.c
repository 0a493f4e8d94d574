/*
 * Authorization, request type by request type, against a real saferd: every
 * body case of Request (found by walking the generated descriptor, so a new
 * request type with no expectation here fails the test) is sent as a minimal
 * request by people holding each single role, by a person holding two roles,
 * by a key that never enrolled, and by a revoked key, a deactivated person and
 * a person in a deactivated agency.
 *
 * The expectations are written out below from the table, apart from
 * the server's own dispatch table, so that this test can disagree with it.
 * "Allowed" means the request got past authorization: its answer carries its
 * id and is neither PERMISSION_DENIED nor UNAUTHENTICATED (a minimal request
 * may well be INVALID_ARGUMENT or NOT_FOUND). The destructive requests carry
 * empty targets, so an allowed one changes nothing that later rows rely on.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/noise.h"
#include "common/pb.h"
#include "support/harness.h"
#include "support/peoplefix.h"

#define R_ADMIN 1u
#define R_CHAIR 2u
#define R_LEAD 4u
#define R_MEMBER 8u
#define R_ALL (R_ADMIN | R_CHAIR | R_LEAD | R_MEMBER)
#define CALL_MS 5000

/* Who may make a request, before roles are looked at. */
typedef enum expect_kind {
    EX_ROLES, /* enrolled keys whose roles meet the mask; unenrolled: UNAUTHENTICATED */
    EX_ANY,   /* every key, enrolled or not */
    EX_ENROL, /* unenrolled keys; enrolled ones get ALREADY_EXISTS */
} expect_kind;

typedef struct expect_row {
    Safer__Request__BodyCase body;
    expect_kind kind;
    unsigned roles; /* R_* allowed, for EX_ROLES */
} expect_row;

/* The authorization table, written out independently of server/dispatch.c. */
static const expect_row expectations[] = {
    { SAFER__REQUEST__BODY_PING, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_WHOAMI, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_ENROL, EX_ENROL, 0 },
    { SAFER__REQUEST__BODY_GOODBYE, EX_ANY, R_ALL },
    { SAFER__REQUEST__BODY_AGENCY_ADD, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_AGENCY_LIST, EX_ROLES, R_ADMIN | R_CHAIR },
    { SAFER__REQUEST__BODY_AGENCY_RENAME, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_AGENCY_DEACTIVATE, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_PERSON_ADD, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_PERSON_LIST, EX_ROLES, R_ADMIN | R_CHAIR },
    { SAFER__REQUEST__BODY_PERSON_SET_ROLES, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_PERSON_DEACTIVATE, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_INVITE_CREATE, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_KEY_LIST, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_KEY_REVOKE, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_ROTATE_BEGIN, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_AUDIT_LIST, EX_ROLES, R_ADMIN },
    { SAFER__REQUEST__BODY_AUDIT_VERIFY, EX_ROLES, R_ADMIN },
    /* The board's business (issue 4). Rows with an ownership rule are
     * allowed here by role; their targets do not exist, which the rule lets
     * through to the handler's NOT_FOUND. */
    { SAFER__REQUEST__BODY_GROUP_ADD, EX_ROLES, R_ADMIN | R_CHAIR },
    { SAFER__REQUEST__BODY_GROUP_LIST, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_GROUP_SET_AGENCIES, EX_ROLES, R_ADMIN | R_CHAIR },
    { SAFER__REQUEST__BODY_MEETING_ADD, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_MEETING_LIST, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_MEETING_SHOW, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_AGENDA_ADD, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_AGENDA_MOVE, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_AGENDA_REMOVE, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_REPORT_SUBMIT, EX_ROLES, R_LEAD },
    { SAFER__REQUEST__BODY_REPORT_SHOW, EX_ROLES, R_CHAIR | R_LEAD },
    { SAFER__REQUEST__BODY_REPORT_HISTORY, EX_ROLES, R_CHAIR | R_LEAD },
    { SAFER__REQUEST__BODY_REPORT_WITHDRAW, EX_ROLES, R_CHAIR | R_LEAD },
    { SAFER__REQUEST__BODY_RETURNS, EX_ROLES, R_CHAIR | R_LEAD },
    { SAFER__REQUEST__BODY_ACTION_ADD, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_ACTION_LIST, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_ACTION_UPDATE, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_ATTENDANCE_SET, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_MINUTES_SET, EX_ROLES, R_CHAIR },
    { SAFER__REQUEST__BODY_MINUTES_APPROVE, EX_ROLES, R_CHAIR },
    /* The board pack (issue 5). */
    { SAFER__REQUEST__BODY_PACK_PULL, EX_ROLES, R_ALL },
    { SAFER__REQUEST__BODY_PACK_PUBLISH, EX_ROLES, R_CHAIR },
};

typedef enum ident_state {
    ID_ENROLLED,   /* an active key of an active person */
    ID_UNENROLLED, /* a key the server has never seen */
    ID_BLOCKED,    /* revoked, or its person or agency deactivated */
} ident_state;

typedef struct ident {
    const char *initials; /* NULL for the unenrolled key */
    const char *agency;
    const char *roles; /* as `safer admin person add --role` takes them */
    unsigned bits;
    ident_state state;
    const char *why; /* for blocked keys: a word the notice must contain */
    char home[HX_PATH_MAX];
    uint8_t sk[32];
} ident;

enum { I_AD, I_CH, I_LE, I_ME, I_CL, I_UN, I_RV, I_DA, I_DG, N_IDENTS };

static ident idents[N_IDENTS] = {
    [I_AD] = { "AD", "council", "admin", R_ADMIN, ID_ENROLLED, NULL, "", { 0 } },
    [I_CH] = { "CH", "council", "chair", R_CHAIR, ID_ENROLLED, NULL, "", { 0 } },
    [I_LE] = { "LE", "council", "lead", R_LEAD, ID_ENROLLED, NULL, "", { 0 } },
    [I_ME] = { "ME", "council", "member", R_MEMBER, ID_ENROLLED, NULL, "", { 0 } },
    [I_CL] = { "CL", "council", "chair,lead", R_CHAIR | R_LEAD, ID_ENROLLED, NULL, "", { 0 } },
    [I_UN] = { NULL, NULL, NULL, 0, ID_UNENROLLED, NULL, "", { 0 } },
    [I_RV] = { "RV", "council", "lead", R_LEAD, ID_BLOCKED, "revoked", "", { 0 } },
    [I_DA] = { "DA", "council", "lead", R_LEAD, ID_BLOCKED, "deactivated", "", { 0 } },
    [I_DG] = { "DG", "gone", "lead", R_LEAD, ID_BLOCKED, "deactivated", "", { 0 } },
};

static hx_server srv;
static hx_result res;
static uint8_t server_pk[32];

static void admin_ok(const char *what, int status)
{
    ck_assert_msg(status == 0, "%s failed (%d): %s", what, status, res.err);
}

/* One server and one cast of people for the whole suite: made once, in the
 * parent, and only read by the tests. */
static void setup(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };
    const char *adm = idents[I_AD].home;
    uint8_t pk[32];

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_server_pk(&srv, server_pk), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, idents[I_AD].home, HX_PATH_MAX), 0);
    admin_ok("agency add", hx_safer(adm, &res, "admin", "agency", "add", "gone", "Gone Agency"));
    for (int i = 0; i < N_IDENTS; i++) {
        ident *id = &idents[i];
        if (i == I_AD || id->state == ID_UNENROLLED)
            continue;
        ck_assert_int_eq(
            hx_person_enrol(&srv, adm, id->initials, id->agency, id->roles, id->home, HX_PATH_MAX),
            0);
    }
    for (int i = 0; i < N_IDENTS; i++) {
        if (idents[i].state == ID_UNENROLLED)
            ck_assert_int_eq(noise_keypair(idents[i].sk, pk), 0);
        else
            ck_assert_int_eq(hx_home_key(idents[i].home, idents[i].sk, pk), 0);
    }
    admin_ok("key revoke", hx_safer(adm, &res, "admin", "key", "revoke", "RV"));
    admin_ok("person deactivate", hx_safer(adm, &res, "admin", "person", "deactivate", "DA"));
    admin_ok("agency deactivate", hx_safer(adm, &res, "admin", "agency", "deactivate", "gone"));
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

static const expect_row *expect_for(uint32_t body)
{
    for (size_t i = 0; i < sizeof(expectations) / sizeof(expectations[0]); i++) {
        if ((uint32_t)expectations[i].body == body)
            return &expectations[i];
    }
    return NULL;
}

static const char *status_name(int status)
{
    const ProtobufCEnumValue *v
        = protobuf_c_enum_descriptor_get_value(&safer__status__descriptor, status);
    return v ? v->name : "(unknown status)";
}

static const char *who(const ident *id)
{
    return id->initials ? id->initials : "the unenrolled key";
}

/* A minimal request of field f's type: an empty body message. *sub must be
 * freed by the caller. */
static void make_request(
    const ProtobufCFieldDescriptor *f, uint64_t rid, Safer__Request *rq, void **sub)
{
    const ProtobufCMessageDescriptor *md = f->descriptor;

    ck_assert_int_eq(f->type, PROTOBUF_C_TYPE_MESSAGE);
    *sub = calloc(1, md->sizeof_message);
    ck_assert_ptr_nonnull(*sub);
    protobuf_c_message_init(md, *sub);
    safer__request__init(rq);
    rq->id = rid;
    rq->body_case = (Safer__Request__BodyCase)f->id;
    memcpy((char *)rq + f->offset, sub, sizeof(*sub));
}

/* A blocked key: the server's first word is the id-0 UNAUTHENTICATED notice
 * (unless a reset lost it), our request is never answered otherwise, and the
 * connection closes. */
static void check_blocked(hx_raw *r, const Safer__Request *rq, const char *name, const ident *id)
{
    pb_budget b;
    Safer__Response *rs;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    rs = hx_raw_call(r, rq, &b, CALL_MS);
    if (rs) {
        ck_assert_msg(rs->id == 0 && rs->status == SAFER__STATUS__UNAUTHENTICATED,
            "%s %s: expected the id-0 UNAUTHENTICATED notice, got id %llu %s: %s", who(id), name,
            (unsigned long long)rs->id, status_name(rs->status), rs->message);
        pb_response_free(&b, rs);
        while ((rs = hx_raw_next(r, &b, CALL_MS)) != NULL) {
            int served = rs->id == rq->id && rs->status != SAFER__STATUS__UNAUTHENTICATED;
            pb_response_free(&b, rs);
            ck_assert_msg(!served, "%s %s: the request was served after the notice", who(id), name);
        }
    }
    ck_assert_msg(
        hx_wait_closed(r->fd, CALL_MS) == 1, "%s %s: the connection stayed open", who(id), name);
}

/* What an enrolled or unenrolled key must get for one request. */
static void check_answer(const Safer__Response *rs, const Safer__Request *rq, const char *name,
    const ident *id, const expect_row *ex)
{
    int allowed, want = -1;

    if (id->state == ID_ENROLLED) {
        allowed = ex->kind == EX_ANY || (ex->kind == EX_ROLES && (ex->roles & id->bits));
        if (ex->kind == EX_ENROL)
            want = SAFER__STATUS__ALREADY_EXISTS;
        else if (!allowed)
            want = SAFER__STATUS__PERMISSION_DENIED;
    } else {
        allowed = ex->kind != EX_ROLES;
        if (!allowed)
            want = SAFER__STATUS__UNAUTHENTICATED;
    }
    ck_assert_msg(rs->id == rq->id, "%s %s: answer has id %llu, not %llu (%s: %s)", who(id), name,
        (unsigned long long)rs->id, (unsigned long long)rq->id, status_name(rs->status),
        rs->message);
    if (want >= 0) {
        ck_assert_msg((int)rs->status == want, "%s %s: expected %s, got %s: %s", who(id), name,
            status_name(want), status_name(rs->status), rs->message);
        return;
    }
    ck_assert_msg(rs->status != SAFER__STATUS__PERMISSION_DENIED
            && rs->status != SAFER__STATUS__UNAUTHENTICATED,
        "%s %s: expected it allowed, got %s: %s", who(id), name, status_name(rs->status),
        rs->message);
}

/* Sends every request type, each on a connection of its own, as id. */
static void check_identity(const ident *id)
{
    const ProtobufCMessageDescriptor *d = &safer__request__descriptor;
    unsigned checked = 0;

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const expect_row *ex;
        Safer__Request rq;
        Safer__Response *rs;
        pb_budget b;
        void *sub = NULL;
        hx_raw r;

        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        ex = expect_for(f->id);
        ck_assert_msg(
            ex != NULL, "request %s (field %u) has no expectation in this test", f->name, f->id);
        make_request(f, 100 + f->id, &rq, &sub);
        ck_assert_msg(hx_raw_open(&r, &srv, server_pk, id->sk, 0) == 0,
            "%s %s: the handshake failed", who(id), f->name);
        if (id->state == ID_BLOCKED) {
            check_blocked(&r, &rq, f->name, id);
        } else {
            pb_budget_init(&b, PB_BUDGET_DEFAULT);
            rs = hx_raw_call(&r, &rq, &b, CALL_MS);
            ck_assert_msg(rs != NULL, "%s %s: no answer", who(id), f->name);
            check_answer(rs, &rq, f->name, id, ex);
            pb_response_free(&b, rs);
        }
        hx_raw_close(&r);
        free(sub);
        checked++;
    }
    ck_assert_uint_eq(checked, sizeof(expectations) / sizeof(expectations[0]));
}

START_TEST(test_authz_admin)
{
    check_identity(&idents[I_AD]);
}
END_TEST

START_TEST(test_authz_chair)
{
    check_identity(&idents[I_CH]);
}
END_TEST

START_TEST(test_authz_lead)
{
    check_identity(&idents[I_LE]);
}
END_TEST

START_TEST(test_authz_member)
{
    check_identity(&idents[I_ME]);
}
END_TEST

START_TEST(test_authz_two_roles_get_the_union)
{
    check_identity(&idents[I_CL]);
}
END_TEST

START_TEST(test_authz_unenrolled_key)
{
    check_identity(&idents[I_UN]);
}
END_TEST

/* Without sending anything, a blocked key hears why and is closed. */
static void check_notice(const ident *id)
{
    Safer__Response *rs;
    pb_budget b;
    hx_raw r;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, id->sk, 0), 0);
    rs = hx_raw_next(&r, &b, CALL_MS);
    ck_assert_msg(rs != NULL, "%s: no notice after the handshake", who(id));
    ck_assert_msg(rs->id == 0 && rs->status == SAFER__STATUS__UNAUTHENTICATED,
        "%s: expected the id-0 UNAUTHENTICATED notice, got id %llu %s", who(id),
        (unsigned long long)rs->id, status_name(rs->status));
    ck_assert_msg(strstr(rs->message, id->why) != NULL, "%s: notice '%s' does not say '%s'",
        who(id), rs->message, id->why);
    pb_response_free(&b, rs);
    ck_assert_int_eq(hx_wait_closed(r.fd, CALL_MS), 1);
    hx_raw_close(&r);
}

START_TEST(test_authz_revoked_key)
{
    check_notice(&idents[I_RV]);
    check_identity(&idents[I_RV]);
}
END_TEST

START_TEST(test_authz_deactivated_person)
{
    check_notice(&idents[I_DA]);
    check_identity(&idents[I_DA]);
}
END_TEST

START_TEST(test_authz_deactivated_agency)
{
    check_notice(&idents[I_DG]);
    check_identity(&idents[I_DG]);
}
END_TEST

START_TEST(test_authz_denial_names_roles)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgencyAddRequest add = SAFER__AGENCY_ADD_REQUEST__INIT;
    Safer__Response *rs;
    pb_budget b;
    hx_raw r;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    rq.id = 9;
    rq.body_case = SAFER__REQUEST__BODY_AGENCY_ADD;
    rq.agency_add = &add;
    add.code = "sneaky";
    add.name = "Sneaky Agency";
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, idents[I_LE].sk, 0), 0);
    rs = hx_raw_call(&r, &rq, &b, CALL_MS);
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->status, SAFER__STATUS__PERMISSION_DENIED);
    ck_assert_msg(strstr(rs->message, "needs the") && strstr(rs->message, "admin")
            && strstr(rs->message, "lead"),
        "denial message was: %s", rs->message);
    pb_response_free(&b, rs);
    hx_raw_close(&r);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM agencies WHERE code = 'sneaky'"), 0);
}
END_TEST

static Suite *authz_suite(void)
{
    Suite *s = suite_create("authz");
    TCase *tc = tcase_create("every request against every kind of caller");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_authz_admin);
    tcase_add_test(tc, test_authz_chair);
    tcase_add_test(tc, test_authz_lead);
    tcase_add_test(tc, test_authz_member);
    tcase_add_test(tc, test_authz_two_roles_get_the_union);
    tcase_add_test(tc, test_authz_unenrolled_key);
    tcase_add_test(tc, test_authz_revoked_key);
    tcase_add_test(tc, test_authz_deactivated_person);
    tcase_add_test(tc, test_authz_deactivated_agency);
    tcase_add_test(tc, test_authz_denial_names_roles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(authz_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
