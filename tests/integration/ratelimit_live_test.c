/*
 * Per-address rate limiting against a real saferd run with --max-failures 3:
 * three failures from 127.0.0.1 are tolerated, the fourth makes the server
 * refuse the next connection from that address (a good `safer ping` fails)
 * and say so in its log. Failures are bad handshakes in one case, and
 * sessions of an unknown key that never enrol in the other. Loopback is not
 * exempt.
 */
#include <check.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/noise.h"
#include "common/pb.h"
#include "support/harness.h"
#include "support/peoplefix.h"

#define CALL_MS 5000

static hx_server srv;
static hx_result res;
static char admin_home[HX_PATH_MAX];
static uint8_t server_pk[32];

static void setup(void)
{
    const char *const extra[] = { "--max-failures", "3", "--failure-window-ms", "60000",
        "--handshake-timeout-ms", "2000", NULL };

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_server_pk(&srv, server_pk), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* A message 1 of the right size that cannot decrypt; waits for the close. */
static void bad_handshake(void)
{
    uint8_t junk[2 + 48] = { 0x00, 48 };
    int fd = hx_connect(&srv);

    ck_assert_int_ge(fd, 0);
    randombytes_buf(junk + 2, 48);
    ck_assert_int_eq(hx_raw_write(fd, junk, sizeof(junk)), 0);
    ck_assert_int_eq(hx_wait_closed(fd, CALL_MS), 1);
    close(fd);
}

/* A session of a key the server does not know: asks whoami (refused), says
 * goodbye and waits for the server to close. */
static void unknown_key_session(void)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__WhoamiRequest who = SAFER__WHOAMI_REQUEST__INIT;
    Safer__GoodbyeRequest bye = SAFER__GOODBYE_REQUEST__INIT;
    Safer__Response *rs;
    uint8_t sk[32], pk[32];
    pb_budget b;
    hx_raw r;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, sk, 0), 0);
    rq.id = 1;
    rq.body_case = SAFER__REQUEST__BODY_WHOAMI;
    rq.whoami = &who;
    rs = hx_raw_call(&r, &rq, &b, CALL_MS);
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->status, SAFER__STATUS__UNAUTHENTICATED);
    pb_response_free(&b, rs);
    rq.id = 2;
    rq.body_case = SAFER__REQUEST__BODY_GOODBYE;
    rq.goodbye = &bye;
    rs = hx_raw_call(&r, &rq, &b, CALL_MS);
    if (rs)
        pb_response_free(&b, rs);
    ck_assert_int_eq(hx_wait_closed(r.fd, CALL_MS), 1);
    hx_raw_close(&r);
}

static void assert_ping(int want)
{
    hx_safer(admin_home, &res, "ping");
    ck_assert_msg(res.status == want, "ping exit %d, wanted %d: %s", res.status, want, res.err);
}

START_TEST(test_bad_handshakes_are_rate_limited)
{
    for (int i = 0; i < 3; i++)
        bad_handshake();
    /* Three is the limit, not past it. */
    assert_ping(0);
    ck_assert(!hx_log_contains(&srv, "rate limit", 0));
    bad_handshake();
    assert_ping(1);
    ck_assert(hx_log_contains(&srv, "rate limit", 3000));
}
END_TEST

START_TEST(test_unknown_keys_are_rate_limited)
{
    for (int i = 0; i < 3; i++)
        unknown_key_session();
    assert_ping(0);
    unknown_key_session();
    assert_ping(1);
    ck_assert(hx_log_contains(&srv, "rate limit", 3000));
}
END_TEST

static Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit_live");
    TCase *tc = tcase_create("per source address");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bad_handshakes_are_rate_limited);
    tcase_add_test(tc, test_unknown_keys_are_rate_limited);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ratelimit_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
