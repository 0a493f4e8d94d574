/*
 * Bad input to the board's commands through the real `safer` binary: a date
 * that is not a date, initials nobody has, an empty paper, a paper over the
 * 1 MiB limit and a RAG status that does not exist. Each fails (exit 1, or 2
 * where the client itself can tell the input is malformed) with a message
 * that names the input (the date string, the initials, the file's name, its
 * size, the RAG word), and changes nothing: the row counts of every board
 * table and of the audit log are the same before and after. The server is
 * also sent the same mistakes raw, past the client's checks, and must refuse
 * them itself with INVALID_ARGUMENT.
 *
 * The expectations come from the spec, not from the server's code.
 */
#include <check.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/boardfix.h"
#include "support/harness.h"
#include "support/peoplefix.h"

#define BODY_LIMIT 1048576 /* REPORT_BODY_MAX in the spec */

static hx_server srv;
static hx_result res;
static char admin_home[HX_PATH_MAX], chair_home[HX_PATH_MAX], lead_home[HX_PATH_MAX];
static char day[HX_DATE_BYTES], deadline[HX_DATE_BYTES];
static char good[HX_PATH_MAX + 32];
static hx_board_counts before;

static void setup(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };
    const char *adm = admin_home;

    hx_date(14, day);
    hx_date(7, deadline);
    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin_home, sizeof(admin_home)), 0);
    ck_assert_int_eq(hx_agency_add(adm, "police", "Cheshire Constabulary"), 0);
    ck_assert_int_eq(
        hx_person_enrol(&srv, adm, "DP", "council", "chair", chair_home, sizeof(chair_home)), 0);
    ck_assert_int_eq(
        hx_person_enrol(&srv, adm, "MA", "council", "lead", lead_home, sizeof(lead_home)), 0);
    hx_safer(adm, &res, "group", "add", "alcohol", "Alcohol", "--agencies", "council,police");
    ck_assert_msg(res.status == 0, "group add: %s", res.err);
    hx_safer(chair_home, &res, "meeting", "add", day, "--time", "10:00", "--venue", "Town Hall",
        "--deadline", deadline);
    ck_assert_msg(res.status == 0, "meeting add: %s", res.err);
    hx_path(good, sizeof(good), srv.root, "good.md");
    ck_assert_int_eq(hx_write_file(good, "# Alcohol\n\nA good paper.\n"), 0);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

static void snapshot(void)
{
    hx_board_counts_take(&srv, &before);
    ck_assert_int_gt(before.audit, 0);
    ck_assert_int_eq(before.meetings, 1);
}

static void assert_unchanged(void)
{
    hx_board_counts after;

    hx_board_counts_take(&srv, &after);
    ck_assert_msg(hx_board_counts_same(&before, &after), "a failed command changed the database");
}

/* The last command failed (1, or 2 for the client's own checks) and its
 * message holds every needle given. */
static void assert_named(const char *what, const char *n1, const char *n2, const char *n3)
{
    const char *needles[] = { n1, n2, n3 };

    ck_assert_msg(res.status == 1 || res.status == 2, "%s: exit %d; stdout: %s stderr: %s", what,
        res.status, res.out, res.err);
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(!needles[i] || strstr(res.err, needles[i]) != NULL,
            "%s: the message lacks '%s': %s", what, needles[i], res.err);
}

/* Sends sub raw as the lead and expects INVALID_ARGUMENT naming needle. */
static void assert_server_refuses(const hx_submit *sub, const char *needle)
{
    hx_raw r;
    pb_budget b;
    Safer__Response *rs;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_raw_as(&r, &srv, lead_home), 0);
    rs = hx_raw_submit(&r, &b, 1, sub);
    ck_assert_msg(rs != NULL, "no answer to a raw submission (%s)", needle);
    ck_assert_msg(rs->status == SAFER__STATUS__INVALID_ARGUMENT,
        "raw submission: status %d, not INVALID_ARGUMENT: %s", rs->status, rs->message);
    ck_assert_msg(rs->message && hx_contains_ci(rs->message, needle),
        "raw: the message lacks '%s': %s", needle, rs->message ? rs->message : "");
    pb_response_free(&b, rs);
    hx_raw_close(&r);
}

/* A raw submission that would be accepted but for what the test changes. */
static void raw_good(hx_submit *sub, uint8_t key[HX_IDEM_KEY_BYTES])
{
    static const char body[] = "# Alcohol\n\nA good paper.\n";

    randombytes_buf(key, HX_IDEM_KEY_BYTES);
    *sub = (hx_submit) { day, "alcohol", "A paper", SAFER__RAG__RAG_GREEN, (const uint8_t *)body,
        strlen(body), key };
}

START_TEST(test_bad_date_is_named)
{
    uint8_t key[HX_IDEM_KEY_BYTES];
    hx_submit sub;

    snapshot();
    hx_safer(lead_home, &res, "report", "submit", "2024-02-30", "alcohol", good, "--title", "T",
        "--rag", "green");
    assert_named("report submit 2024-02-30", "'2024-02-30' is not a date (YYYY-MM-DD)", NULL, NULL);
    hx_safer(chair_home, &res, "meeting", "add", "2024-13-01", "--time", "10:00", "--venue", "X",
        "--deadline", "2024-12-01");
    assert_named("meeting add 2024-13-01", "'2024-13-01' is not a date", NULL, NULL);
    hx_safer(chair_home, &res, "action", "add", day, "--item", "3", "--owner", "MA", "A thing",
        "--due", "2025-02-29");
    assert_named("action add --due 2025-02-29", "'2025-02-29' is not a date", NULL, NULL);
    hx_safer(chair_home, &res, "returns", "14/02/2018");
    assert_named("returns 14/02/2018", "'14/02/2018' is not a date", NULL, NULL);
    hx_safer(chair_home, &res, "attendance", "2018-2-21", "MA", "--present");
    assert_named("attendance 2018-2-21", "'2018-2-21' is not a date", NULL, NULL);
    /* The server checks the date too. */
    raw_good(&sub, key);
    sub.date = "2024-02-30";
    assert_server_refuses(&sub, "2024-02-30");
    assert_unchanged();
}
END_TEST

START_TEST(test_unknown_initials_are_named)
{
    snapshot();
    hx_safer(chair_home, &res, "action", "add", day, "--item", "3", "--owner", "MA/ZZ",
        "Invite LM to the DA Forum", "--due", day);
    assert_named("action add --owner MA/ZZ", "ZZ", NULL, NULL);
    hx_safer(chair_home, &res, "action", "add", day, "--item", "3", "--owner", "QX", "A thing",
        "--due", day);
    assert_named("action add --owner QX", "QX", NULL, NULL);
    hx_safer(chair_home, &res, "attendance", day, "ZY", "--apologies", "--substitute", "Jo");
    assert_named("attendance ZY", "ZY", NULL, NULL);
    assert_unchanged();
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM actions"), 0);
}
END_TEST

START_TEST(test_empty_or_missing_file_is_named)
{
    char empty[HX_PATH_MAX + 32], missing[HX_PATH_MAX + 32];
    uint8_t key[HX_IDEM_KEY_BYTES];
    hx_submit sub;

    hx_path(empty, sizeof(empty), srv.root, "empty-paper.md");
    ck_assert_int_eq(hx_write_file(empty, ""), 0);
    hx_path(missing, sizeof(missing), srv.root, "no-such-paper.md");
    snapshot();
    hx_safer(lead_home, &res, "report", "submit", day, "alcohol", empty, "--title", "T", "--rag",
        "green");
    assert_named("submit an empty file", "empty-paper.md", "empty", NULL);
    hx_safer(lead_home, &res, "report", "submit", day, "alcohol", missing, "--title", "T", "--rag",
        "green");
    assert_named("submit a missing file", "no-such-paper.md", NULL, NULL);
    raw_good(&sub, key);
    sub.body_len = 0;
    assert_server_refuses(&sub, "the report body is empty");
    assert_unchanged();
}
END_TEST

START_TEST(test_oversize_file_is_named)
{
    char big[HX_PATH_MAX + 32], limit[HX_PATH_MAX + 32];
    uint8_t key[HX_IDEM_KEY_BYTES];
    uint8_t *body = malloc(BODY_LIMIT + 1);
    hx_submit sub;

    ck_assert_ptr_nonnull(body);
    memset(body, 'a', BODY_LIMIT + 1);
    hx_path(big, sizeof(big), srv.root, "big-paper.md");
    ck_assert_int_eq(hx_write_filled(big, BODY_LIMIT + 1, 'a'), 0);
    snapshot();
    hx_safer(
        lead_home, &res, "report", "submit", day, "alcohol", big, "--title", "T", "--rag", "green");
    assert_named("submit a file of 1048577 bytes", "big-paper.md", "1048577", "1048576");
    raw_good(&sub, key);
    sub.body = body;
    sub.body_len = BODY_LIMIT + 1;
    assert_server_refuses(&sub, "the report body is 1048577 bytes; the limit is 1048576");
    assert_unchanged();

    /* Exactly the limit is accepted, in chunks, as one version. */
    hx_path(limit, sizeof(limit), srv.root, "limit-paper.md");
    ck_assert_int_eq(hx_write_filled(limit, BODY_LIMIT, 'a'), 0);
    hx_safer(lead_home, &res, "report", "submit", day, "alcohol", limit, "--title", "At the limit",
        "--rag", "green");
    ck_assert_msg(res.status == 0, "a paper of exactly 1 MiB was refused: %s", res.err);
    ck_assert_int_eq(
        hx_sql_int(&srv, "SELECT count(*) FROM report_versions WHERE length(body) = 1048576"), 1);
    free(body);
}
END_TEST

START_TEST(test_unknown_rag_is_named)
{
    uint8_t key[HX_IDEM_KEY_BYTES];
    hx_submit sub;

    snapshot();
    hx_safer(lead_home, &res, "report", "submit", day, "alcohol", good, "--title", "T", "--rag",
        "purple");
    assert_named("--rag purple", "'purple' is not a RAG status (red, amber, green)", NULL, NULL);
    hx_safer(lead_home, &res, "report", "submit", day, "alcohol", good, "--title", "T", "--rag",
        "GREENISH");
    assert_named("--rag GREENISH", "'GREENISH' is not a RAG status", NULL, NULL);
    /* No RAG, and a value the schema does not have, reach the server raw. */
    raw_good(&sub, key);
    sub.rag = SAFER__RAG__RAG_NONE;
    assert_server_refuses(&sub, "RAG");
    raw_good(&sub, key);
    sub.rag = 9;
    assert_server_refuses(&sub, "RAG");
    assert_unchanged();
}
END_TEST

static Suite *report_errors_suite(void)
{
    Suite *s = suite_create("report_errors");
    TCase *tc = tcase_create("fail clearly, change nothing");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bad_date_is_named);
    tcase_add_test(tc, test_unknown_initials_are_named);
    tcase_add_test(tc, test_empty_or_missing_file_is_named);
    tcase_add_test(tc, test_unknown_rag_is_named);
    tcase_add_test(tc, test_oversize_file_is_named);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_errors_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
