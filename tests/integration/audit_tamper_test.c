/*
 * The audit chain against someone who holds the database file: after a few
 * real admin changes the log verifies, online through `safer admin audit
 * --verify` and offline through `saferd audit-verify DIR`; then a row's detail
 * is edited, a middle row deleted, or two rows' contents swapped directly in
 * SQLite, and both checks fail (exit 1) naming the row.
 *
 * (Named audit_tamper_test rather than audit_test: tests/server/audit_test.c
 * already makes an executable of that name.)
 */
#include <check.h>
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/harness.h"
#include "support/peoplefix.h"

static hx_server srv;
static hx_result res;
static char admin_home[HX_PATH_MAX];

static void admin_ok(const char *what)
{
    ck_assert_msg(res.status == 0, "%s failed (%d): %s", what, res.status, res.err);
}

static void setup(void)
{
    char invite[HX_INVITE_MAX];

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, NULL), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
    hx_safer(admin_home, &res, "admin", "agency", "add", "police", "Cheshire Constabulary");
    admin_ok("agency add police");
    hx_safer(admin_home, &res, "admin", "agency", "add", "fire", "Fire Service");
    admin_ok("agency add fire");
    hx_safer(admin_home, &res, "admin", "agency", "rename", "fire", "Cheshire Fire and Rescue");
    admin_ok("agency rename");
    ck_assert_int_eq(hx_person_add(admin_home, "DP", "police", "lead", invite, sizeof(invite)), 0);
    hx_safer(admin_home, &res, "admin", "invite", "DP");
    admin_ok("invite");
    hx_safer(admin_home, &res, "admin", "person", "roles", "DP", "--role", "lead,member");
    admin_ok("person roles");
}

static void teardown(void)
{
    int rc = srv.pid > 0 ? hx_server_stop(&srv) : 0;
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* 1 if text says "row ID" with nothing more to the number. */
static int names_row(const char *text, long long id)
{
    char want[48];
    const char *p = text;
    size_t n;

    n = (size_t)snprintf(want, sizeof(want), "row %lld", id);
    while ((p = strstr(p, want)) != NULL) {
        if (!isdigit((unsigned char)p[n]))
            return 1;
        p += n;
    }
    return 0;
}

/* The id of the row at the middle of the log: neither first nor last. */
static long long middle_id(void)
{
    long long rows = hx_sql_int(&srv, "SELECT count(*) FROM audit");
    char sql[128];
    long long id;

    ck_assert_msg(rows >= 5, "only %lld audit rows after the setup's changes", rows);
    snprintf(sql, sizeof(sql), "SELECT id FROM audit ORDER BY id LIMIT 1 OFFSET %lld", rows / 2);
    id = hx_sql_int(&srv, sql);
    ck_assert_int_gt(id, 0);
    return id;
}

/* Both checks, online then offline (the server is stopped in between). */
static void assert_broken_at(long long id)
{
    hx_safer(admin_home, &res, "admin", "audit", "--verify");
    ck_assert_msg(
        res.status == 1, "online verify exit %d, not 1: %s%s", res.status, res.out, res.err);
    ck_assert_msg(names_row(res.out, id) || names_row(res.err, id),
        "online verify does not name row %lld: %s%s", id, res.out, res.err);
    ck_assert_int_eq(hx_server_stop(&srv), 0);
    hx_saferd(&res, "audit-verify", srv.dir);
    ck_assert_msg(
        res.status == 1, "offline verify exit %d, not 1: %s%s", res.status, res.out, res.err);
    ck_assert_msg(names_row(res.out, id) || names_row(res.err, id),
        "offline verify does not name row %lld: %s%s", id, res.out, res.err);
}

START_TEST(test_audit_verify_clean_log)
{
    long long rows = hx_sql_int(&srv, "SELECT count(*) FROM audit");
    char want[64];

    ck_assert_int_ge(rows, 5);
    snprintf(want, sizeof(want), "intact: %lld rows", rows);
    hx_safer(admin_home, &res, "admin", "audit", "--verify");
    ck_assert_msg(res.status == 0, "online verify failed: %s%s", res.out, res.err);
    ck_assert_msg(strstr(res.out, want) != NULL, "online verify said: %s", res.out);
    hx_safer(admin_home, &res, "admin", "audit");
    ck_assert_msg(res.status == 0, "audit list failed: %s", res.err);
    ck_assert_ptr_nonnull(strstr(res.out, "agency.rename"));
    ck_assert_ptr_nonnull(strstr(res.out, "person.add"));
    ck_assert_ptr_nonnull(strstr(res.out, "invite.create"));
    ck_assert_ptr_nonnull(strstr(res.out, "person.roles"));
    /* The log names things and never carries codes. */
    ck_assert_int_eq(
        hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE detail LIKE '%safer://%'"), 0);
    ck_assert_int_eq(hx_server_stop(&srv), 0);
    hx_saferd(&res, "audit-verify", srv.dir);
    ck_assert_msg(res.status == 0, "offline verify failed: %s%s", res.out, res.err);
    ck_assert_msg(strstr(res.out, want) != NULL, "offline verify said: %s", res.out);
}
END_TEST

START_TEST(test_audit_verify_names_edited_row)
{
    long long id = middle_id();
    char sql[160];

    snprintf(sql, sizeof(sql),
        "UPDATE audit SET detail = detail || ' (quietly edited)' WHERE id = %lld", id);
    ck_assert_int_eq(hx_sql_exec(&srv, sql), 0);
    assert_broken_at(id);
}
END_TEST

START_TEST(test_audit_verify_names_deleted_row)
{
    long long id = middle_id();
    char sql[96];

    snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %lld", id);
    ck_assert_int_eq(hx_sql_exec(&srv, sql), 0);
    /* The contract names the id that went missing. */
    assert_broken_at(id);
}
END_TEST

START_TEST(test_audit_verify_names_swapped_rows)
{
    long long id = middle_id();
    char sql[1024];

    /* Every column but the id changes places between rows id and the next. */
    snprintf(sql, sizeof(sql),
        "CREATE TEMP TABLE s AS SELECT * FROM audit WHERE id IN (%lld, %lld + 1);"
        "UPDATE audit SET (ts, actor, action, object, detail, prev, hash) ="
        " (SELECT ts, actor, action, object, detail, prev, hash FROM s"
        "  WHERE s.id = CASE audit.id WHEN %lld THEN %lld + 1 ELSE %lld END)"
        " WHERE id IN (%lld, %lld + 1);",
        id, id, id, id, id, id, id);
    char q[96], a0[80], a1[80], b0[80], b1[80];

    snprintf(q, sizeof(q), "SELECT hex(hash) FROM audit WHERE id = %lld", id);
    ck_assert_int_eq(hx_sql_text(&srv, q, a0, sizeof(a0)), 0);
    snprintf(q, sizeof(q), "SELECT hex(hash) FROM audit WHERE id = %lld + 1", id);
    ck_assert_int_eq(hx_sql_text(&srv, q, a1, sizeof(a1)), 0);
    ck_assert_int_eq(hx_sql_exec(&srv, sql), 0);
    snprintf(q, sizeof(q), "SELECT hex(hash) FROM audit WHERE id = %lld", id);
    ck_assert_int_eq(hx_sql_text(&srv, q, b0, sizeof(b0)), 0);
    snprintf(q, sizeof(q), "SELECT hex(hash) FROM audit WHERE id = %lld + 1", id);
    ck_assert_int_eq(hx_sql_text(&srv, q, b1, sizeof(b1)), 0);
    /* The swap really happened. */
    ck_assert_str_eq(b0, a1);
    ck_assert_str_eq(b1, a0);
    assert_broken_at(id);
}
END_TEST

static Suite *audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("tampering shows");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_audit_verify_clean_log);
    tcase_add_test(tc, test_audit_verify_names_edited_row);
    tcase_add_test(tc, test_audit_verify_names_deleted_row);
    tcase_add_test(tc, test_audit_verify_names_swapped_rows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(audit_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
