/*
 * Key rotation end to end with the real binaries: `safer key rotate` makes a
 * new key, enrols it with a rotation code and has the old one revoked. The
 * new key works at once; the old key (a saved copy of the old key file in a
 * second home pinning the same server) is refused, a session the old key had
 * open is closed, `safer admin key list` shows one revoked and one active key,
 * and the audit log records key.rotate.
 */
#include <check.h>
#include <jansson.h>
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
static char old_home[HX_PATH_MAX];
static char old_fpr[HX_FPR_MAX];
static uint8_t server_pk[32];

static void setup(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_server_pk(&srv, server_pk), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
    ck_assert_int_eq(
        hx_person_enrol(&srv, admin_home, "LD", "council", "lead", lead_home, sizeof(lead_home)),
        0);
    ck_assert_int_eq(hx_home_fpr(lead_home, old_fpr), 0);
    /* The old key, kept aside before the rotation replaces the file. */
    hx_home(&srv, "old", old_home, sizeof(old_home));
    ck_assert_int_eq(hx_home_clone(lead_home, old_home, 1), 0);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* A JSON value that says "yes, revoked": a non-zero number, a non-empty
 * string or true. */
static int json_truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_string(v))
        return json_string_value(v)[0] != '\0';
    return 1;
}

/* The key list's entry for fingerprint fpr, from an array or an object
 * holding one. */
static const json_t *find_key(const json_t *doc, const char *fpr)
{
    const json_t *arr = json_is_array(doc) ? doc : json_object_get(doc, "keys");
    size_t i;
    json_t *k;

    json_array_foreach(arr, i, k)
    {
        const char *f = json_string_value(json_object_get(k, "fingerprint"));
        if (f && strcmp(f, fpr) == 0)
            return k;
    }
    return NULL;
}

static void rotate(char new_fpr[HX_FPR_MAX])
{
    hx_safer(lead_home, &res, "key", "rotate");
    ck_assert_msg(res.status == 0, "key rotate failed (%d): %s", res.status, res.err);
    ck_assert_int_eq(hx_home_fpr(lead_home, new_fpr), 0);
    ck_assert_str_ne(new_fpr, old_fpr);
    ck_assert_msg(strstr(res.out, old_fpr) && strstr(res.out, new_fpr),
        "rotate did not print both fingerprints (%s, %s): %s", old_fpr, new_fpr, res.out);
}

START_TEST(test_rotate_end_to_end)
{
    char new_fpr[HX_FPR_MAX];
    json_t *doc;

    rotate(new_fpr);
    hx_safer(lead_home, &res, "whoami", "--json");
    ck_assert_msg(res.status == 0, "whoami with the new key failed: %s", res.err);
    doc = json_loads(res.out, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "initials")), "LD");
    json_decref(doc);

    hx_safer(old_home, &res, "whoami");
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "revoked") != NULL, "old key message was: %s", res.err);

    hx_safer(admin_home, &res, "admin", "key", "list", "LD", "--json");
    ck_assert_msg(res.status == 0, "key list failed: %s", res.err);
    doc = json_loads(res.out, 0, NULL);
    ck_assert_msg(doc != NULL, "key list --json is not JSON: %s", res.out);
    ck_assert_msg(find_key(doc, old_fpr) && find_key(doc, new_fpr), "key list: %s", res.out);
    ck_assert_msg(json_truthy(json_object_get(find_key(doc, old_fpr), "revoked")),
        "the old key is not shown revoked: %s", res.out);
    ck_assert_msg(!json_truthy(json_object_get(find_key(doc, new_fpr), "revoked")),
        "the new key is shown revoked: %s", res.out);
    json_decref(doc);

    hx_safer(admin_home, &res, "admin", "key", "list", "LD");
    ck_assert_msg(res.status == 0, "key list failed: %s", res.err);
    ck_assert_ptr_nonnull(strstr(res.out, old_fpr));
    ck_assert_ptr_nonnull(strstr(res.out, new_fpr));

    ck_assert_int_eq(hx_sql_int(&srv,
                         "SELECT count(*) FROM credentials c JOIN people p ON p.id = c.person_id"
                         " WHERE p.initials = 'LD' AND c.revoked IS NULL"),
        1);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE action = 'key.rotate'"), 1);
    hx_safer(admin_home, &res, "admin", "audit");
    ck_assert_msg(res.status == 0, "audit failed: %s", res.err);
    ck_assert_msg(strstr(res.out, "key.rotate") != NULL, "audit lacks key.rotate: %s", res.out);
    hx_safer(admin_home, &res, "admin", "audit", "--verify");
    ck_assert_msg(res.status == 0, "audit verify failed after a rotation: %s%s", res.out, res.err);
}
END_TEST

START_TEST(test_rotate_closes_old_key_session)
{
    char new_fpr[HX_FPR_MAX];
    uint8_t sk[32], pk[32];
    Safer__Response *rs;
    pb_budget b;
    hx_raw r;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_home_key(old_home, sk, pk), 0);
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, sk, 0), 0);
    rotate(new_fpr);
    rs = hx_raw_next(&r, &b, CALL_MS);
    ck_assert_msg(rs != NULL, "the old key's session heard nothing");
    ck_assert_int_eq(rs->id, 0);
    ck_assert_int_eq(rs->status, SAFER__STATUS__UNAUTHENTICATED);
    pb_response_free(&b, rs);
    ck_assert_int_eq(hx_wait_closed(r.fd, CALL_MS), 1);
    hx_raw_close(&r);
    hx_safer(lead_home, &res, "ping");
    ck_assert_msg(res.status == 0, "ping with the new key failed: %s", res.err);
}
END_TEST

START_TEST(test_rotate_twice)
{
    char first[HX_FPR_MAX], second[HX_FPR_MAX];

    rotate(first);
    snprintf(old_fpr, sizeof(old_fpr), "%s", first);
    rotate(second);
    ck_assert_str_ne(first, second);
    hx_safer(lead_home, &res, "whoami");
    ck_assert_msg(res.status == 0, "whoami after two rotations failed: %s", res.err);
    ck_assert_int_eq(hx_sql_int(&srv,
                         "SELECT count(*) FROM credentials c JOIN people p ON p.id = c.person_id"
                         " WHERE p.initials = 'LD' AND c.revoked IS NULL"),
        1);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE action = 'key.rotate'"), 2);
}
END_TEST

static Suite *rotate_suite(void)
{
    Suite *s = suite_create("rotate");
    TCase *tc = tcase_create("end to end");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rotate_end_to_end);
    tcase_add_test(tc, test_rotate_closes_old_key_session);
    tcase_add_test(tc, test_rotate_twice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rotate_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
