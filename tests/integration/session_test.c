/*
 * The first authenticated round trip, end to end: saferd init and run, the
 * real safer binary enrols with the printed invite, whoami shows the admin,
 * a reused invite fails and an unenrolled key may only enrol.
 */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/keyfile.h"
#include "common/noise.h"
#include "server/schema.h"
#include "support/harness.h"

static hx_server srv;
static hx_result res;

static void setup(void)
{
    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, NULL), 0);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    /* A clean SIGTERM shutdown exits 0; a crash or a sanitizer report does not. */
    ck_assert_int_eq(rc, 0);
}

static void enrol_admin(char *home, size_t len)
{
    hx_home(&srv, "admin", home, len);
    hx_safer(home, &res, "enrol", srv.invite);
    ck_assert_msg(res.status == 0, "enrol failed: %s", res.err);
}

START_TEST(test_init_makes_private_files)
{
    char path[HX_PATH_MAX + 32];
    struct stat st;

    ck_assert_int_eq(stat(srv.dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/server.key", srv.dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/sign.key", srv.dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(strncmp(srv.invite, "safer://127.0.0.1:", 18), 0);
    ck_assert_int_eq(hx_sql_int(&srv, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM people"), 1);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM credentials"), 0);
}
END_TEST

START_TEST(test_enrol_then_whoami_shows_admin)
{
    char home[HX_PATH_MAX], path[HX_PATH_MAX + 16];
    struct stat st;

    enrol_admin(home, sizeof(home));
    ck_assert_ptr_nonnull(strstr(res.out, "AD"));
    /* The client's own files are private to the user. */
    snprintf(path, sizeof(path), "%s/key", home);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);

    hx_safer(home, &res, "whoami");
    ck_assert_msg(res.status == 0, "whoami failed: %s", res.err);
    ck_assert_ptr_nonnull(strstr(res.out, "Partnership Administrator"));
    ck_assert_ptr_nonnull(strstr(res.out, "AD"));
    ck_assert_ptr_nonnull(strstr(res.out, "admin"));
    ck_assert_ptr_nonnull(strstr(res.out, "council"));

    hx_safer(home, &res, "whoami", "--json");
    ck_assert_msg(res.status == 0, "whoami --json failed: %s", res.err);
    json_t *j = json_loads(res.out, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "initials")), "AD");
    ck_assert_str_eq(json_string_value(json_object_get(j, "agency_code")), "council");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "roles"), 0)), "admin");
    json_decref(j);

    hx_safer(home, &res, "ping");
    ck_assert_msg(res.status == 0, "ping failed: %s", res.err);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM credentials"), 1);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM invites WHERE used IS NOT NULL"), 1);
}
END_TEST

START_TEST(test_invite_redeemed_twice_fails)
{
    char home[HX_PATH_MAX], other[HX_PATH_MAX];

    enrol_admin(home, sizeof(home));
    hx_home(&srv, "second", other, sizeof(other));
    hx_safer(other, &res, "enrol", srv.invite);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "already been used") != NULL, "message was: %s", res.err);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM credentials"), 1);
    /* The second home holds no server pin after the failure. */
    hx_safer(other, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_ptr_nonnull(strstr(res.err, "not enrolled"));
}
END_TEST

/* A home that pins the real server but holds a key that never enrolled. */
static void make_unenrolled_home(const char *enrolled, char *home, size_t len)
{
    char src[HX_PATH_MAX + 16], dst[HX_PATH_MAX + 16], cmd[3 * HX_PATH_MAX];
    uint8_t sk[32], pk[32];

    hx_home(&srv, "stranger", home, len);
    ck_assert_int_eq(mkdir(home, 0700), 0);
    snprintf(src, sizeof(src), "%s/server", enrolled);
    snprintf(dst, sizeof(dst), "%s/server", home);
    snprintf(cmd, sizeof(cmd), "cp -p '%s' '%s'", src, dst);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    snprintf(dst, sizeof(dst), "%s/key", home);
    ck_assert_int_eq(keyfile_write(dst, sk, NULL), 0);
}

START_TEST(test_unenrolled_key_may_only_enrol)
{
    char home[HX_PATH_MAX], stranger[HX_PATH_MAX];

    enrol_admin(home, sizeof(home));
    make_unenrolled_home(home, stranger, sizeof(stranger));
    hx_safer(stranger, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "UNAUTHENTICATED") != NULL, "message was: %s", res.err);
    hx_safer(stranger, &res, "ping");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "UNAUTHENTICATED") != NULL, "message was: %s", res.err);
    /* The enrolled admin is unaffected. */
    hx_safer(home, &res, "whoami");
    ck_assert_int_eq(res.status, 0);
}
END_TEST

START_TEST(test_bad_invite_names_the_problem)
{
    char home[HX_PATH_MAX];

    hx_home(&srv, "typo", home, sizeof(home));
    hx_safer(home, &res, "enrol", "https://example.invalid/nothing");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "safer://") != NULL, "message was: %s", res.err);
    hx_safer(home, &res, "enrol");
    ck_assert_int_eq(res.status, 2);
    hx_safer(home, &res, "enrol", "--help");
    ck_assert_int_eq(res.status, 0);
    ck_assert_ptr_nonnull(strstr(res.out, "INVITE"));
}
END_TEST

static Suite *session_suite(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("round trip");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_init_makes_private_files);
    tcase_add_test(tc, test_enrol_then_whoami_shows_admin);
    tcase_add_test(tc, test_invite_redeemed_twice_fails);
    tcase_add_test(tc, test_unenrolled_key_may_only_enrol);
    tcase_add_test(tc, test_bad_invite_names_the_problem);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(session_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
