/*
 * Revocation takes effect at once: a lead with a session open is revoked by
 * the admin through `safer admin key revoke`, and that session hears so (an
 * id-0 UNAUTHENTICATED notice), its next request is not served and its
 * connection closes; a new connection with the key is refused with a message
 * that says the key was revoked. Revoking one key by its fingerprint works the
 * same way, and leaves the admin's own sessions alone. Deactivating a person
 * or their agency ends their sessions just as revoking does.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pb.h"
#include "support/harness.h"
#include "support/peoplefix.h"

#define CALL_MS 5000

static hx_server srv;
static hx_result res;
static char admin_home[HX_PATH_MAX];
static char lead_home[HX_PATH_MAX];
static uint8_t server_pk[32];
static uint8_t lead_sk[32];

static void setup(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };
    uint8_t pk[32];

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_server_pk(&srv, server_pk), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
    ck_assert_int_eq(
        hx_person_enrol(&srv, admin_home, "LD", "council", "lead", lead_home, sizeof(lead_home)),
        0);
    ck_assert_int_eq(hx_home_key(lead_home, lead_sk, pk), 0);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* A whoami over r; returns the first response, NULL if none came. */
static Safer__Response *whoami(hx_raw *r, uint64_t id, pb_budget *b)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__WhoamiRequest who = SAFER__WHOAMI_REQUEST__INIT;

    rq.id = id;
    rq.body_case = SAFER__REQUEST__BODY_WHOAMI;
    rq.whoami = &who;
    return hx_raw_call(r, &rq, b, CALL_MS);
}

/* Opens a session as the lead and checks it is served. */
static void open_served_as(hx_raw *r, const uint8_t sk[32], const char *initials)
{
    Safer__Response *rs;
    pb_budget b;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_raw_open(r, &srv, server_pk, sk, 0), 0);
    rs = whoami(r, 1, &b);
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->id, 1);
    ck_assert_int_eq(rs->status, SAFER__STATUS__OK);
    ck_assert_str_eq(rs->whoami->initials, initials);
    pb_response_free(&b, rs);
}

static void open_served(hx_raw *r)
{
    open_served_as(r, lead_sk, "LD");
}

/* After the revoke, whatever comes is the id-0 notice, the request with id 2
 * is never answered OK, and the connection closes. */
static void assert_session_ended_why(hx_raw *r, int wait_notice_first, const char *why)
{
    Safer__Response *rs;
    pb_budget b;
    int noticed = 0;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    if (wait_notice_first) {
        rs = hx_raw_next(r, &b, CALL_MS);
        ck_assert_msg(rs != NULL, "the revoked session heard nothing");
        ck_assert_int_eq(rs->id, 0);
        ck_assert_int_eq(rs->status, SAFER__STATUS__UNAUTHENTICATED);
        ck_assert_msg(strstr(rs->message, why), "notice was: %s", rs->message);
        pb_response_free(&b, rs);
        noticed = 1;
    }
    rs = whoami(r, 2, &b);
    while (rs) {
        ck_assert_msg(rs->status != SAFER__STATUS__OK, "the revoked session was served (id %llu)",
            (unsigned long long)rs->id);
        if (rs->id == 0) {
            ck_assert_msg(!noticed, "a second id-0 notice");
            ck_assert_int_eq(rs->status, SAFER__STATUS__UNAUTHENTICATED);
            noticed = 1;
        }
        pb_response_free(&b, rs);
        rs = hx_raw_next(r, &b, CALL_MS);
    }
    ck_assert_msg(hx_wait_closed(r->fd, CALL_MS) == 1, "the revoked session stayed open");
    ck_assert_uint_eq(b.used, 0);
}

static void assert_session_ended(hx_raw *r, int wait_notice_first)
{
    assert_session_ended_why(r, wait_notice_first, "revoked");
}

/* A new connection with the lead's key is refused, naming the reason. */
static void assert_key_refused(void)
{
    hx_safer(lead_home, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "revoked") != NULL, "message was: %s", res.err);
}

static void assert_admin_served(void)
{
    hx_safer(admin_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "the admin was affected: %s", res.err);
}

START_TEST(test_revoke_closes_open_session)
{
    hx_raw r;

    open_served(&r);
    hx_safer(admin_home, &res, "admin", "key", "revoke", "LD");
    ck_assert_msg(res.status == 0, "revoke failed: %s", res.err);
    assert_session_ended(&r, 1);
    hx_raw_close(&r);
    assert_key_refused();
    assert_admin_served();
    ck_assert_int_eq(hx_sql_int(&srv,
                         "SELECT count(*) FROM credentials c JOIN people p ON p.id = c.person_id"
                         " WHERE p.initials = 'LD' AND c.revoked IS NULL"),
        0);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE action = 'key.revoke'"), 1);
}
END_TEST

START_TEST(test_revoked_session_next_request_fails)
{
    hx_raw r;

    /* Here the request goes out straight after the revoke, racing the notice. */
    open_served(&r);
    hx_safer(admin_home, &res, "admin", "key", "revoke", "LD");
    ck_assert_msg(res.status == 0, "revoke failed: %s", res.err);
    assert_session_ended(&r, 0);
    hx_raw_close(&r);
    assert_key_refused();
}
END_TEST

START_TEST(test_revoke_by_fingerprint)
{
    char fpr[HX_FPR_MAX];
    hx_raw r;

    ck_assert_int_eq(hx_home_fpr(lead_home, fpr), 0);
    open_served(&r);
    hx_safer(admin_home, &res, "admin", "key", "revoke", fpr);
    ck_assert_msg(res.status == 0, "revoke by fingerprint failed: %s", res.err);
    assert_session_ended(&r, 1);
    hx_raw_close(&r);
    assert_key_refused();
    assert_admin_served();
    hx_safer(admin_home, &res, "admin", "key", "list", "LD", "--json");
    ck_assert_msg(res.status == 0, "key list failed: %s", res.err);
    ck_assert_msg(strstr(res.out, fpr) != NULL, "key list lacks %s: %s", fpr, res.out);
    ck_assert_int_eq(
        hx_sql_int(&srv, "SELECT count(*) FROM credentials WHERE revoked IS NOT NULL"), 1);
    /* The key is gone; revoking it again finds nothing left to revoke. */
    hx_safer(admin_home, &res, "admin", "key", "revoke", fpr);
    ck_assert_int_eq(res.status, 1);
}
END_TEST

START_TEST(test_revoke_unknown_fingerprint_fails)
{
    hx_safer(admin_home, &res, "admin", "key", "revoke", "0123-4567-89ab-cdef");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "0123-4567-89ab-cdef") != NULL, "message was: %s", res.err);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM credentials WHERE revoked IS NULL"), 2);
    hx_safer(lead_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "the lead was affected: %s", res.err);
}
END_TEST

/* Deactivating a person ends their live session the same way. */
START_TEST(test_deactivate_person_closes_open_session)
{
    hx_raw r;

    open_served(&r);
    hx_safer(admin_home, &res, "admin", "person", "deactivate", "LD");
    ck_assert_msg(res.status == 0, "person deactivate failed: %s", res.err);
    assert_session_ended_why(&r, 1, "deactivated");
    hx_raw_close(&r);
    hx_safer(lead_home, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "UNAUTHENTICATED") != NULL, "message was: %s", res.err);
    ck_assert_msg(strstr(res.err, "deactivated") != NULL, "message was: %s", res.err);
    assert_admin_served();
}
END_TEST

/* And so does deactivating their agency, for everyone in it. */
START_TEST(test_deactivate_agency_closes_open_session)
{
    char home[HX_PATH_MAX];
    uint8_t sk[32], pk[32];
    hx_raw r;

    hx_safer(admin_home, &res, "admin", "agency", "add", "yjs", "Youth Justice");
    ck_assert_msg(res.status == 0, "agency add failed: %s", res.err);
    ck_assert_int_eq(hx_person_enrol(&srv, admin_home, "YJ", "yjs", "lead", home, sizeof(home)), 0);
    ck_assert_int_eq(hx_home_key(home, sk, pk), 0);
    open_served_as(&r, sk, "YJ");
    hx_safer(admin_home, &res, "admin", "agency", "deactivate", "yjs");
    ck_assert_msg(res.status == 0, "agency deactivate failed: %s", res.err);
    assert_session_ended_why(&r, 1, "deactivated");
    hx_raw_close(&r);
    hx_safer(home, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "UNAUTHENTICATED") != NULL, "message was: %s", res.err);
    hx_safer(lead_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "a lead of another agency was affected: %s", res.err);
}
END_TEST

static Suite *revoke_suite(void)
{
    Suite *s = suite_create("revoke");
    TCase *tc = tcase_create("live sessions");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_revoke_closes_open_session);
    tcase_add_test(tc, test_revoked_session_next_request_fails);
    tcase_add_test(tc, test_revoke_by_fingerprint);
    tcase_add_test(tc, test_revoke_unknown_fingerprint_fails);
    tcase_add_test(tc, test_deactivate_person_closes_open_session);
    tcase_add_test(tc, test_deactivate_agency_closes_open_session);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(revoke_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
