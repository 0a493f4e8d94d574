/*
 * Admin mistakes and stale credentials through the real `safer` binary: an
 * expired invite, a reused invite, unknown initials, a duplicate agency code,
 * duplicate initials, an unknown agency, malformed input and removing the last
 * admin. Each fails (exit 1, or 2 where the client itself can tell the input
 * is malformed) with a message naming the problem, and changes nothing: the
 * row counts of agencies, people, credentials, invites and the audit log are
 * the same before and after.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/harness.h"
#include "support/peoplefix.h"

static hx_server srv;
static hx_result res;
static char admin_home[HX_PATH_MAX];
static hx_counts before;

/* One server for the suite; each test makes the people it needs. */
static void setup(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

static void snapshot(void)
{
    hx_counts_take(&srv, &before);
    ck_assert_int_gt(before.audit, 0);
}

static void assert_unchanged(void)
{
    hx_counts after;

    hx_counts_take(&srv, &after);
    ck_assert_msg(hx_counts_same(&before, &after), "a failed command changed the database");
}

/* The last command failed with status want and its message has every needle. */
static void assert_failed(int want, const char *what, const char *n1, const char *n2)
{
    ck_assert_msg(res.status == want, "%s: exit %d, not %d; stdout: %s stderr: %s", what,
        res.status, want, res.out, res.err);
    ck_assert_msg(strstr(res.err, n1) != NULL, "%s: message lacks '%s': %s", what, n1, res.err);
    ck_assert_msg(
        !n2 || strstr(res.err, n2) != NULL, "%s: message lacks '%s': %s", what, n2, res.err);
}

START_TEST(test_expired_invite_fails)
{
    char invite[HX_INVITE_MAX], home[HX_PATH_MAX];

    ck_assert_int_eq(
        hx_person_add(admin_home, "EX", "council", "member", invite, sizeof(invite)), 0);
    ck_assert_int_eq(hx_sql_exec(&srv,
                         "UPDATE invites SET expires = CAST(strftime('%s', 'now') AS INTEGER) - "
                         "3600 WHERE person_id ="
                         " (SELECT id FROM people WHERE initials = 'EX')"),
        0);
    snapshot();
    hx_home(&srv, "EX", home, sizeof(home));
    hx_safer(home, &res, "enrol", invite);
    assert_failed(1, "enrol with an expired invite", "expired", NULL);
    assert_unchanged();
    ck_assert_int_eq(hx_sql_int(&srv,
                         "SELECT count(*) FROM invites WHERE used IS NOT NULL AND person_id ="
                         " (SELECT id FROM people WHERE initials = 'EX')"),
        0);
}
END_TEST

START_TEST(test_reused_invite_fails)
{
    char invite[HX_INVITE_MAX], home[HX_PATH_MAX];

    ck_assert_int_eq(
        hx_person_add(admin_home, "RU", "council", "member", invite, sizeof(invite)), 0);
    ck_assert_int_eq(hx_enrol(&srv, "RU1", invite, home, sizeof(home)), 0);
    snapshot();
    hx_home(&srv, "RU2", home, sizeof(home));
    hx_safer(home, &res, "enrol", invite);
    assert_failed(1, "enrol with a used invite", "already been used", NULL);
    assert_unchanged();
}
END_TEST

START_TEST(test_unknown_initials_fail)
{
    snapshot();
    hx_safer(admin_home, &res, "admin", "person", "roles", "ZZ", "--role", "lead");
    assert_failed(1, "person roles ZZ", "ZZ", "no person");
    hx_safer(admin_home, &res, "admin", "person", "deactivate", "ZZ");
    assert_failed(1, "person deactivate ZZ", "ZZ", "no person");
    hx_safer(admin_home, &res, "admin", "invite", "ZZ");
    assert_failed(1, "invite ZZ", "ZZ", "no person");
    hx_safer(admin_home, &res, "admin", "key", "revoke", "ZZ");
    assert_failed(1, "key revoke ZZ", "ZZ", "no person");
    assert_unchanged();
}
END_TEST

START_TEST(test_duplicate_agency_code_fails)
{
    char name[160];

    hx_safer(admin_home, &res, "admin", "agency", "add", "police", "Cheshire Constabulary");
    ck_assert_msg(res.status == 0, "agency add failed: %s", res.err);
    snapshot();
    hx_safer(admin_home, &res, "admin", "agency", "add", "police", "Another Police");
    assert_failed(1, "agency add police again", "police", "already exists");
    assert_unchanged();
    ck_assert_int_eq(
        hx_sql_text(&srv, "SELECT name FROM agencies WHERE code = 'police'", name, sizeof(name)),
        0);
    ck_assert_str_eq(name, "Cheshire Constabulary");
}
END_TEST

START_TEST(test_duplicate_initials_fail)
{
    char invite[HX_INVITE_MAX];

    ck_assert_int_eq(hx_person_add(admin_home, "DP", "council", "lead", invite, sizeof(invite)), 0);
    snapshot();
    hx_safer(admin_home, &res, "admin", "person", "add", "DP", "--name", "Dana Other", "--agency",
        "council", "--role", "member");
    assert_failed(1, "person add DP again", "DP", "already exists");
    assert_unchanged();
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM people WHERE name = 'Dana Other'"), 0);
}
END_TEST

START_TEST(test_unknown_agency_fails)
{
    snapshot();
    hx_safer(admin_home, &res, "admin", "person", "add", "XY", "--name", "Xavier Y", "--agency",
        "xyz", "--role", "lead");
    assert_failed(1, "person add into agency xyz", "xyz", "no agency");
    hx_safer(admin_home, &res, "admin", "agency", "rename", "xyz", "Whatever");
    assert_failed(1, "agency rename xyz", "xyz", "no agency");
    assert_unchanged();
}
END_TEST

/* Malformed input may be caught by the client (usage, 2) or the server (1);
 * either way the message quotes it. */
START_TEST(test_malformed_input_is_named)
{
    snapshot();
    hx_safer(admin_home, &res, "admin", "agency", "add", "Bad_Code!", "Bad Agency");
    ck_assert_msg(res.status == 1 || res.status == 2, "bad code: exit %d", res.status);
    ck_assert_msg(strstr(res.err, "Bad_Code!") != NULL, "message was: %s", res.err);
    hx_safer(admin_home, &res, "admin", "person", "add", "QQ", "--name", "Quinn Q", "--agency",
        "council", "--role", "boss");
    ck_assert_msg(res.status == 1 || res.status == 2, "bad role: exit %d", res.status);
    ck_assert_msg(strstr(res.err, "boss") != NULL, "message was: %s", res.err);
    assert_unchanged();
}
END_TEST

START_TEST(test_last_admin_stays)
{
    snapshot();
    hx_safer(admin_home, &res, "admin", "person", "deactivate", "AD");
    assert_failed(1, "deactivating the last admin", "without an active admin", NULL);
    hx_safer(admin_home, &res, "admin", "person", "roles", "AD", "--role", "chair");
    assert_failed(1, "dropping the last admin's role", "without an active admin", NULL);
    assert_unchanged();
    hx_safer(admin_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "the admin was affected: %s", res.err);
}
END_TEST

static Suite *admin_errors_suite(void)
{
    Suite *s = suite_create("admin_errors");
    TCase *tc = tcase_create("fail clearly, change nothing");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_expired_invite_fails);
    tcase_add_test(tc, test_reused_invite_fails);
    tcase_add_test(tc, test_unknown_initials_fail);
    tcase_add_test(tc, test_duplicate_agency_code_fails);
    tcase_add_test(tc, test_duplicate_initials_fail);
    tcase_add_test(tc, test_unknown_agency_fails);
    tcase_add_test(tc, test_malformed_input_is_named);
    tcase_add_test(tc, test_last_admin_stays);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(admin_errors_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
