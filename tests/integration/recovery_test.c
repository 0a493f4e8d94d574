/*
 * Getting locked out, and back in, end to end against a real saferd:
 *
 * - the last admin who can sign in cannot revoke their own last key;
 * - an admin who revokes their own key (another admin remaining) sees the
 *   command succeed, exit 0, although the server then ends that session;
 * - `saferd invite DIR INITIALS` makes an invite from the data folder, with
 *   the server running or stopped, audited as saferd;
 * - a lead whose key was revoked re-enrols with `safer enrol --new-key`,
 *   and without it is told exactly that;
 * - refused enrolments count against the address and three of them close
 *   the connection;
 * - rows cut off the end of the audit log are named by both verifiers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/pb.h"
#include "support/harness.h"
#include "support/peoplefix.h"

#define CALL_MS 5000
#define LOCKOUT_MSG "that would leave the partnership without an admin who can sign in"

static hx_server srv;
static hx_result res;
static char admin_home[HX_PATH_MAX];

static void start(const char *max_failures)
{
    const char *const extra[] = { "--max-failures", max_failures, NULL };

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
}

static void stop(void)
{
    int rc = hx_server_stop(&srv);

    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* After a failed check: the server a test started must not outlive it. */
static void teardown(void)
{
    if (srv.pid > 0)
        hx_server_cleanup(&srv);
}

/*
 * Waits until the server accepts connections: after a restart the log still
 * holds the first run's "listening" line, so hx_server_start may return early.
 */
static void wait_listening(void)
{
    for (int i = 0; i < 100; i++) {
        int fd = hx_connect(&srv);

        if (fd >= 0) {
            close(fd);
            return;
        }
        usleep(50 * 1000);
    }
    ck_abort_msg("the restarted server does not accept connections");
}

static long long revoked_keys(void)
{
    return hx_sql_int(&srv, "SELECT count(*) FROM credentials WHERE revoked IS NOT NULL");
}

START_TEST(test_last_admin_cannot_revoke_own_last_key)
{
    char fpr[HX_FPR_MAX];

    start("10000");
    ck_assert_int_eq(hx_home_fpr(admin_home, fpr), 0);
    hx_safer(admin_home, &res, "admin", "key", "revoke", "AD");
    ck_assert_msg(res.status == 1, "revoke by initials: exit %d: %s", res.status, res.out);
    ck_assert_msg(strstr(res.err, LOCKOUT_MSG) != NULL, "message was: %s", res.err);
    ck_assert_msg(strstr(res.err, "FAILED_PRECONDITION") != NULL, "message was: %s", res.err);
    hx_safer(admin_home, &res, "admin", "key", "revoke", fpr);
    ck_assert_msg(res.status == 1, "revoke by fingerprint: exit %d: %s", res.status, res.out);
    ck_assert_msg(strstr(res.err, LOCKOUT_MSG) != NULL, "message was: %s", res.err);
    ck_assert_int_eq(revoked_keys(), 0);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE action = 'key.revoke'"), 0);
    hx_safer(admin_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "the admin was locked out: %s", res.err);
    stop();
}
END_TEST

START_TEST(test_admin_revoking_own_key_exits_zero)
{
    char other_home[HX_PATH_MAX];
    char fpr[HX_FPR_MAX];

    start("10000");
    ck_assert_int_eq(
        hx_person_enrol(&srv, admin_home, "AE", "council", "admin", other_home, sizeof(other_home)),
        0);
    ck_assert_int_eq(hx_home_fpr(admin_home, fpr), 0);
    /* Another admin can still sign in, so this is allowed, and it ends AD's own session. */
    hx_safer(admin_home, &res, "admin", "key", "revoke", fpr);
    ck_assert_msg(
        res.status == 0, "revoking one's own key: exit %d: %s%s", res.status, res.out, res.err);
    ck_assert_int_eq(revoked_keys(), 1);
    hx_safer(admin_home, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "revoked") != NULL, "message was: %s", res.err);
    /* AE is now the last admin who can sign in. */
    hx_safer(other_home, &res, "admin", "key", "revoke", "AE");
    ck_assert_msg(strstr(res.err, LOCKOUT_MSG) != NULL, "message was: %s", res.err);
    stop();
}
END_TEST

/* Runs `saferd invite DIR INITIALS --hours 2` and copies the invite line into inv. */
static void offline_invite(const char *initials, char *inv, size_t len)
{
    char last[HX_INVITE_MAX];
    const char *nl;

    hx_saferd(&res, "invite", srv.dir, initials, "--hours", "2");
    ck_assert_msg(res.status == 0, "saferd invite: exit %d: %s", res.status, res.err);
    ck_assert_int_eq(hx_find_line(res.out, "safer://", inv, len), 0);
    /* The invite is alone on the last line. */
    nl = strrchr(res.out, '\n');
    ck_assert_ptr_nonnull(nl);
    ck_assert_int_eq(nl[1], '\0');
    snprintf(last, sizeof(last), "%s\n", inv);
    ck_assert_int_ge((long)strlen(res.out), (long)strlen(last));
    ck_assert_str_eq(res.out + strlen(res.out) - strlen(last), last);
}

START_TEST(test_saferd_invite_recovers_an_admin)
{
    char inv[HX_INVITE_MAX];
    char home[HX_PATH_MAX];

    start("10000");
    /* The admin's machine is lost: only the data folder is left. With the server running: */
    offline_invite("AD", inv, sizeof(inv));
    ck_assert_int_eq(hx_enrol(&srv, "AD-new", inv, home, sizeof(home)), 0);
    hx_safer(home, &res, "whoami");
    ck_assert_msg(res.status == 0, "whoami: %s", res.err);
    ck_assert_msg(strstr(res.out, "AD") != NULL, "whoami said: %s", res.out);
    /* And with the server stopped. */
    ck_assert_int_eq(hx_server_stop(&srv), 0);
    offline_invite("AD", inv, sizeof(inv));
    ck_assert_int_eq(
        hx_server_start(&srv, (const char *const[]) { "--max-failures", "10000", NULL }), 0);
    wait_listening();
    ck_assert_int_eq(hx_enrol(&srv, "AD-third", inv, home, sizeof(home)), 0);
    ck_assert_int_eq(hx_sql_int(&srv,
                         "SELECT count(*) FROM audit WHERE action = 'invite.create' "
                         "AND actor = 'saferd' AND object = 'person:AD'"),
        2);
    hx_saferd(&res, "audit-verify", srv.dir);
    ck_assert_msg(res.status == 0, "audit-verify: %s%s", res.out, res.err);
    /* Unknown initials and bad input change nothing. */
    hx_saferd(&res, "invite", srv.dir, "ZZ");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "ZZ") != NULL, "message was: %s", res.err);
    hx_saferd(&res, "invite", srv.dir, "zz");
    ck_assert_int_eq(res.status, 2);
    hx_saferd(&res, "invite", srv.dir, "AD", "--hours", "0");
    ck_assert_int_eq(res.status, 2);
    hx_saferd(&res, "invite", "--help");
    ck_assert_int_eq(res.status, 0);
    ck_assert_ptr_nonnull(strstr(res.out, "usage: saferd invite DIR INITIALS"));
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM invites WHERE created_by IS NULL"), 3);
    stop();
}
END_TEST

START_TEST(test_revoked_lead_reenrols_with_new_key)
{
    char lead_home[HX_PATH_MAX];
    char inv[HX_INVITE_MAX];
    char path[HX_PATH_MAX + 32];
    char old_fpr[HX_FPR_MAX], new_fpr[HX_FPR_MAX];

    start("10000");
    ck_assert_int_eq(
        hx_person_enrol(&srv, admin_home, "LD", "council", "lead", lead_home, sizeof(lead_home)),
        0);
    ck_assert_int_eq(hx_home_fpr(lead_home, old_fpr), 0);
    hx_safer(admin_home, &res, "admin", "key", "revoke", "LD");
    ck_assert_msg(res.status == 0, "revoke: %s", res.err);
    hx_safer(admin_home, &res, "admin", "invite", "LD");
    ck_assert_msg(res.status == 0, "invite: %s", res.err);
    ck_assert_int_eq(hx_find_line(res.out, "safer://", inv, sizeof(inv)), 0);

    /* Without --new-key: told what happened and what to run; the invite is not spent. */
    hx_safer(lead_home, &res, "enrol", inv);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "your key ") != NULL
            && strstr(res.err, " was revoked; run 'safer enrol --new-key INVITE'") != NULL,
        "message was: %s", res.err);
    ck_assert_msg(strstr(res.err, old_fpr) != NULL, "message was: %s", res.err);

    hx_safer(lead_home, &res, "enrol", "--new-key", inv);
    ck_assert_msg(res.status == 0, "enrol --new-key: exit %d: %s%s", res.status, res.out, res.err);
    snprintf(path, sizeof(path), "%s/key.revoked", lead_home);
    ck_assert_int_eq(access(path, F_OK), 0);
    ck_assert_int_eq(hx_home_fpr(lead_home, new_fpr), 0);
    ck_assert_str_ne(old_fpr, new_fpr);
    hx_safer(lead_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "whoami: %s", res.err);
    ck_assert_msg(strstr(res.out, "LD") != NULL, "whoami said: %s", res.out);
    stop();
}
END_TEST

/* An enrol request with code over r; returns the first response, NULL if none. */
static Safer__Response *enrol_raw(hx_raw *r, uint64_t id, const char *code, pb_budget *b)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__EnrolRequest er = SAFER__ENROL_REQUEST__INIT;

    rq.id = id;
    rq.body_case = SAFER__REQUEST__BODY_ENROL;
    er.code = (char *)code;
    rq.enrol = &er;
    return hx_raw_call(r, &rq, b, CALL_MS);
}

/* Three codes refused on one connection close it; returns with it closed. */
static void three_refusals(void)
{
    uint8_t server_pk[32], sk[32];
    Safer__Response *rs;
    pb_budget b;
    hx_raw r;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_server_pk(&srv, server_pk), 0);
    randombytes_buf(sk, sizeof(sk));
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, sk, 0), 0);
    for (uint64_t id = 1; id <= 3; id++) {
        rs = enrol_raw(&r, id, "AAAAAAAAAAAAAAAAAAAAAA", &b);
        ck_assert_msg(rs != NULL, "no answer to enrolment %llu", (unsigned long long)id);
        ck_assert_int_eq(rs->id, id);
        ck_assert_int_ne(rs->status, SAFER__STATUS__OK);
        pb_response_free(&b, rs);
        if (id < 3)
            ck_assert_msg(hx_wait_closed(r.fd, 200) == 0, "closed after %llu refusals",
                (unsigned long long)id);
    }
    ck_assert_msg(hx_wait_closed(r.fd, CALL_MS) == 1, "still open after three refused enrolments");
    hx_raw_close(&r);
}

START_TEST(test_three_refused_enrolments_close_the_connection)
{
    start("10000");
    three_refusals();
    ck_assert(hx_log_contains(&srv, "too many refused enrolments", CALL_MS));
    stop();
}
END_TEST

START_TEST(test_refused_enrolments_count_against_the_address)
{
    /* Three refusals and the close of a key that never enrolled: over a limit of 3. */
    start("3");
    three_refusals();
    hx_safer(admin_home, &res, "whoami");
    ck_assert_msg(res.status == 1, "the address was still served after four failures");
    stop();
}
END_TEST

START_TEST(test_audit_truncation_is_named)
{
    char want[64];
    long long last;

    start("10000");
    hx_safer(admin_home, &res, "admin", "agency", "add", "police", "Police");
    ck_assert_int_eq(res.status, 0);
    hx_safer(admin_home, &res, "admin", "agency", "add", "fire", "Fire");
    ck_assert_int_eq(res.status, 0);
    last = hx_sql_int(&srv, "SELECT max(id) FROM audit");
    ck_assert_int_ge(last, 3);
    ck_assert_int_eq(
        hx_sql_exec(&srv, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)"), 0);
    snprintf(want, sizeof(want), "row %lld is missing: the log ends at row %lld", last, last - 1);
    hx_safer(admin_home, &res, "admin", "audit", "--verify");
    ck_assert_msg(res.status == 1, "online verify: exit %d: %s", res.status, res.out);
    ck_assert_msg(strstr(res.out, want) != NULL || strstr(res.err, want) != NULL,
        "online verify said: %s%s", res.out, res.err);
    hx_saferd(&res, "audit-verify", srv.dir);
    ck_assert_msg(res.status == 1, "offline verify: exit %d: %s", res.status, res.out);
    ck_assert_msg(strstr(res.out, want) != NULL, "offline verify said: %s%s", res.out, res.err);
    stop();
}
END_TEST

static Suite *recovery_suite(void)
{
    Suite *s = suite_create("recovery");
    TCase *tc = tcase_create("locked out and back in");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_last_admin_cannot_revoke_own_last_key);
    tcase_add_test(tc, test_admin_revoking_own_key_exits_zero);
    tcase_add_test(tc, test_saferd_invite_recovers_an_admin);
    tcase_add_test(tc, test_revoked_lead_reenrols_with_new_key);
    tcase_add_test(tc, test_three_refused_enrolments_close_the_connection);
    tcase_add_test(tc, test_refused_enrolments_count_against_the_address);
    tcase_add_test(tc, test_audit_truncation_is_named);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(recovery_suite());
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
