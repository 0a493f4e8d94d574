/*
 * The rules around papers, against a real saferd: a retried submission that
 * carries the same idempotency key leaves one version (sent raw, twice, and
 * through the real `safer` binary after a failure that kept its pending key);
 * a lead cannot submit for a task group their agency is not in; a paper
 * restricted to named agencies cannot be read by a lead of another agency
 * but can by the agencies named and by the chair; a withdrawn paper counts
 * as missing until it is submitted again.
 *
 * The expectations come from the spec, not from the server's code.
 * The meeting is two weeks ahead with its deadline in a week, so every paper
 * here is on time.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/boardfix.h"
#include "support/harness.h"
#include "support/peoplefix.h"

static hx_server srv;
static hx_result res;
static char day[HX_DATE_BYTES], deadline[HX_DATE_BYTES];

typedef struct person {
    const char *initials, *agency, *roles;
    char home[HX_PATH_MAX];
} person;

enum { AD, DP, MA, RR, RP, SD, JD, SA, N_PEOPLE };

static person cast[N_PEOPLE] = {
    [AD] = { "AD", "council", "admin", "" },
    [DP] = { "DP", "council", "chair", "" },
    [MA] = { "MA", "council", "lead", "" },
    [RR] = { "RR", "police", "lead", "" },
    [RP] = { "RP", "police", "lead", "" }, /* a second police lead */
    [SD] = { "SD", "fire", "lead", "" },
    [JD] = { "JD", "probation", "lead", "" },
    [SA] = { "SA", "council", "member", "" },
};

#define H(who) (cast[who].home)

#define OK(who, ...)                                                                               \
    do {                                                                                           \
        hx_safer(H(who), &res, __VA_ARGS__);                                                       \
        ck_assert_msg(res.status == 0, "line %d: safer as %s failed (%d): %s", __LINE__,           \
            cast[who].initials, res.status, res.err);                                              \
    } while (0)

#define REFUSED(who, why, ...)                                                                     \
    do {                                                                                           \
        hx_safer(H(who), &res, __VA_ARGS__);                                                       \
        ck_assert_msg(res.status == 1, "line %d: safer as %s: exit %d, not 1; stdout: %s",         \
            __LINE__, cast[who].initials, res.status, res.out);                                    \
        ck_assert_msg(strstr(res.err, why) != NULL, "line %d: as %s: no %s in: %s", __LINE__,      \
            cast[who].initials, why, res.err);                                                     \
    } while (0)

static void setup(void)
{
    const char *const extra[] = { "--max-failures", "10000", NULL };

    hx_date(14, day);
    hx_date(7, deadline);
    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, H(AD), HX_PATH_MAX), 0);
    ck_assert_int_eq(hx_agency_add(H(AD), "police", "Cheshire Constabulary"), 0);
    ck_assert_int_eq(hx_agency_add(H(AD), "fire", "Cheshire Fire and Rescue Service"), 0);
    ck_assert_int_eq(hx_agency_add(H(AD), "probation", "National Probation Service"), 0);
    for (int i = DP; i < N_PEOPLE; i++)
        ck_assert_int_eq(hx_person_enrol(&srv, H(AD), cast[i].initials, cast[i].agency,
                             cast[i].roles, cast[i].home, HX_PATH_MAX),
            0);
    OK(AD, "group", "add", "alcohol", "Alcohol", "--agencies", "council,police");
    OK(AD, "group", "add", "domestic-abuse", "Domestic Abuse", "--agencies",
        "police,probation,fire");
    OK(AD, "group", "add", "substance-misuse", "Substance Misuse", "--agencies",
        "police,probation");
    OK(DP, "meeting", "add", day, "--time", "10:00", "--venue", "Municipal Buildings", "--deadline",
        deadline);
}

static void teardown(void)
{
    int rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* The number of versions of the (group, agency) paper at the meeting. */
static long long versions_of(const char *group, const char *agency)
{
    char sql[512];

    snprintf(sql, sizeof(sql),
        "SELECT count(*) FROM report_versions v JOIN reports r ON v.report_id = r.id"
        " JOIN groups g ON r.group_id = g.id JOIN agencies a ON r.agency_id = a.id"
        " JOIN meetings m ON r.meeting_id = m.id"
        " WHERE g.code = '%s' AND a.code = '%s' AND m.date = '%s'",
        group, agency, day);
    return hx_sql_int(&srv, sql);
}

static long long submits_audited(void)
{
    return hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE action = 'report.submit'");
}

/* Checks a raw submit answer: OK, this version, duplicate or not. */
static void check_submitted(Safer__Response *rs, uint32_t version, int duplicate)
{
    ck_assert_ptr_nonnull(rs);
    ck_assert_msg(rs->status == SAFER__STATUS__OK, "status %d: %s", rs->status, rs->message);
    ck_assert_int_eq(rs->body_case, SAFER__RESPONSE__BODY_REPORT_SUBMIT);
    ck_assert_int_eq(rs->report_submit->duplicate, duplicate);
    ck_assert_ptr_nonnull(rs->report_submit->report);
    ck_assert_ptr_nonnull(rs->report_submit->report->latest);
    ck_assert_uint_eq(rs->report_submit->report->latest->version, version);
}

START_TEST(test_same_key_twice_stores_one_version)
{
    static const char first[] = "# Substance misuse\n\nHot spots along the canal.\n";
    static const char other[] = "# Substance misuse\n\nA different body with the same key.\n";
    uint8_t key[HX_IDEM_KEY_BYTES], key2[HX_IDEM_KEY_BYTES];
    hx_submit sub = { day, "substance-misuse", "Hot spots", SAFER__RAG__RAG_AMBER,
        (const uint8_t *)first, strlen(first), key };
    long long audited = submits_audited();
    char body[128];
    hx_raw r;
    pb_budget b;
    Safer__Response *rs;

    randombytes_buf(key, sizeof(key));
    randombytes_buf(key2, sizeof(key2));
    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_raw_as(&r, &srv, H(JD)), 0);
    rs = hx_raw_submit(&r, &b, 1, &sub);
    check_submitted(rs, 1, 0);
    pb_response_free(&b, rs);
    /* The answer was "lost": the same request again, as a retry would send it. */
    rs = hx_raw_submit(&r, &b, 2, &sub);
    check_submitted(rs, 1, 1);
    pb_response_free(&b, rs);
    ck_assert_int_eq(versions_of("substance-misuse", "probation"), 1);
    ck_assert_int_eq(submits_audited(), audited + 1);

    /* A retry stores nothing even if its body differs from the first. */
    sub.body = (const uint8_t *)other;
    sub.body_len = strlen(other);
    rs = hx_raw_submit(&r, &b, 3, &sub);
    check_submitted(rs, 1, 1);
    pb_response_free(&b, rs);
    ck_assert_int_eq(versions_of("substance-misuse", "probation"), 1);
    ck_assert_int_eq(hx_sql_text(&srv, "SELECT body FROM report_versions ORDER BY id DESC LIMIT 1",
                         body, sizeof(body)),
        0);
    ck_assert_str_eq(body, first);

    /* A new key is a new version: the key is what made the others retries. */
    sub.key = key2;
    rs = hx_raw_submit(&r, &b, 4, &sub);
    check_submitted(rs, 2, 0);
    pb_response_free(&b, rs);
    ck_assert_int_eq(versions_of("substance-misuse", "probation"), 2);
    ck_assert_int_eq(submits_audited(), audited + 2);
    hx_raw_close(&r);
}
END_TEST

/* The names of the files in home/pending (none if it does not exist). */
static int pending_files(const char *home, char *name, size_t len)
{
    char dir[HX_PATH_MAX + 16];
    struct dirent *e;
    DIR *d;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/pending", home);
    d = opendir(dir);
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (name)
            snprintf(name, len, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* Rewrites the address line of home/server to addr. */
static void set_address(const char *home, const char *addr)
{
    char path[HX_PATH_MAX + 16], text[4096], out[4096];
    size_t used = 0;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "%s/server", home);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
        end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (strncmp(line, "address ", 8) == 0)
            used += (size_t)snprintf(out + used, sizeof(out) - used, "address %s\n", addr);
        else
            used += (size_t)snprintf(out + used, sizeof(out) - used, "%s\n", line);
        ck_assert_uint_lt(used, sizeof(out));
    }
    ck_assert_int_eq(hx_write_file(path, out), 0);
}

/* Reads a pending key file: 16 raw bytes, or 32 hex digits (with an
 * optional newline). */
static void read_key(const char *path, uint8_t key[HX_IDEM_KEY_BYTES])
{
    char buf[128];
    size_t n, bin = 0;
    FILE *f = fopen(path, "rb");

    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    if (n == HX_IDEM_KEY_BYTES) {
        memcpy(key, buf, HX_IDEM_KEY_BYTES);
        return;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = '\0';
    ck_assert_msg(sodium_hex2bin(key, HX_IDEM_KEY_BYTES, buf, n, NULL, &bin, NULL) == 0
            && bin == HX_IDEM_KEY_BYTES,
        "the pending key file %s holds neither 16 bytes nor 32 hex digits (%zu bytes)", path, n);
}

START_TEST(test_cli_rerun_after_lost_answer_reuses_key)
{
    char home[HX_PATH_MAX], paper[HX_PATH_MAX + 32], keyname[256], keypath[HX_PATH_MAX + 300];
    char want[200], addr[96];
    uint8_t key[HX_IDEM_KEY_BYTES];
    static const char body[] = "# Alcohol\n\nLicensing checks in the town centre.\n";
    hx_submit sub = { day, "alcohol", "Licensing", SAFER__RAG__RAG_GREEN, (const uint8_t *)body,
        strlen(body), key };
    hx_raw r;
    pb_budget b;
    Safer__Response *rs;

    /* RR's own key in a second home whose server address is dead: the
     * submission fails and the client must keep its key for the rerun. */
    hx_home(&srv, "RR-away", home, sizeof(home));
    ck_assert_int_eq(hx_home_clone(H(RR), home, 1), 0);
    set_address(home, "127.0.0.1:1");
    hx_path(paper, sizeof(paper), srv.root, "licensing.md");
    ck_assert_int_eq(hx_write_file(paper, body), 0);
    hx_safer(home, &res, "report", "submit", day, "alcohol", paper, "--title", "Licensing", "--rag",
        "green");
    ck_assert_msg(res.status == 1, "submit to a dead address: exit %d: %s", res.status, res.err);
    ck_assert_msg(pending_files(home, keyname, sizeof(keyname)) == 1,
        "no pending key kept after a failed submission");
    snprintf(keypath, sizeof(keypath), "%s/pending/%s", home, keyname);
    read_key(keypath, key);

    /* The server stores that submission, but its answer never arrives. */
    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_raw_as(&r, &srv, H(RR)), 0);
    rs = hx_raw_submit(&r, &b, 1, &sub);
    check_submitted(rs, 1, 0);
    pb_response_free(&b, rs);
    hx_raw_close(&r);

    /* The rerun of the same command reuses the key and stores nothing new. */
    snprintf(addr, sizeof(addr), "%s:%u", srv.host, (unsigned)srv.port);
    set_address(home, addr);
    hx_safer(home, &res, "report", "submit", day, "alcohol", paper, "--title", "Licensing", "--rag",
        "green");
    ck_assert_msg(res.status == 0, "rerun failed (%d): %s", res.status, res.err);
    snprintf(want, sizeof(want), "Submitted version 1 of alcohol for police at %s", day);
    ck_assert_msg(strstr(res.out, want) && strstr(res.out, "(retry: already stored)"),
        "want '%s ... (retry: already stored)' in: %s", want, res.out);
    ck_assert_int_eq(versions_of("alcohol", "police"), 1);
    ck_assert_msg(pending_files(home, NULL, 0) == 0, "the pending key outlived its answer");

    /* After an answer the next submission is a revision with a fresh key. */
    hx_safer(home, &res, "report", "submit", day, "alcohol", paper, "--title", "Licensing v2",
        "--rag", "amber");
    ck_assert_msg(res.status == 0, "revision failed (%d): %s", res.status, res.err);
    ck_assert_msg(
        strstr(res.out, "Submitted version 2 of alcohol for police") && !strstr(res.out, "retry"),
        "%s", res.out);
    ck_assert_int_eq(versions_of("alcohol", "police"), 2);
    ck_assert_int_eq(pending_files(home, NULL, 0), 0);
}
END_TEST

START_TEST(test_lead_outside_group_is_refused)
{
    char paper[HX_PATH_MAX + 32];
    hx_board_counts before, after;

    hx_path(paper, sizeof(paper), srv.root, "fire-alcohol.md");
    ck_assert_int_eq(hx_write_file(paper, "# Fire\n\nNot our group.\n"), 0);
    hx_board_counts_take(&srv, &before);
    REFUSED(SD, "PERMISSION_DENIED", "report", "submit", day, "alcohol", paper, "--title", "Fire",
        "--rag", "green");
    ck_assert_msg(
        strstr(res.err, "agency 'fire' is not a member of task group 'alcohol'"), "%s", res.err);
    hx_board_counts_take(&srv, &after);
    ck_assert(hx_board_counts_same(&before, &after));
    /* The same lead may submit for a group fire belongs to. */
    OK(SD, "report", "submit", day, "domestic-abuse", paper, "--title", "Fire", "--rag", "green");
    ck_assert_int_eq(versions_of("domestic-abuse", "fire"), 1);
}
END_TEST

START_TEST(test_restricted_report_is_kept_from_other_agencies)
{
    char paper[HX_PATH_MAX + 32], open_paper[HX_PATH_MAX + 32];
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportShowRequest show = SAFER__REPORT_SHOW_REQUEST__INIT;
    Safer__Response *rs;
    hx_raw r;
    pb_budget b;

    hx_path(paper, sizeof(paper), srv.root, "da-police.md");
    ck_assert_int_eq(hx_write_file(paper, "# DA\n\nRESTRICTED-MARKER serial perpetrators.\n"), 0);
    hx_path(open_paper, sizeof(open_paper), srv.root, "da-probation.md");
    ck_assert_int_eq(hx_write_file(open_paper, "# DA\n\nOPEN-MARKER programme.\n"), 0);
    OK(RR, "report", "submit", day, "domestic-abuse", paper, "--title", "Perpetrators", "--rag",
        "red", "--marking", "official-sensitive", "--restrict", "police,probation");
    OK(JD, "report", "submit", day, "domestic-abuse", open_paper, "--title", "Programme", "--rag",
        "amber");
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM report_restrict"), 2);

    /* Fire's lead reads probation's open paper but not the police one. */
    OK(SD, "report", "show", day, "domestic-abuse", "--agency", "probation");
    ck_assert_msg(strstr(res.out, "OPEN-MARKER") != NULL, "%s", res.out);
    REFUSED(SD, "PERMISSION_DENIED", "report", "show", day, "domestic-abuse", "--agency", "police");
    ck_assert_msg(strstr(res.err, "this report is restricted to police, probation"), "%s", res.err);
    ck_assert_msg(!strstr(res.out, "RESTRICTED-MARKER"), "leaked: %s", res.out);
    REFUSED(
        SD, "PERMISSION_DENIED", "report", "history", day, "domestic-abuse", "--agency", "police");
    REFUSED(MA, "PERMISSION_DENIED", "report", "show", day, "domestic-abuse", "--agency", "police");
    ck_assert_msg(!strstr(res.out, "RESTRICTED-MARKER"), "leaked: %s", res.out);

    /* The same refusal on the wire carries PERMISSION_DENIED. */
    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ck_assert_int_eq(hx_raw_as(&r, &srv, H(SD)), 0);
    show.date = day;
    show.group_code = "domestic-abuse";
    show.agency_code = "police";
    rq.id = 7;
    rq.body_case = SAFER__REQUEST__BODY_REPORT_SHOW;
    rq.report_show = &show;
    rs = hx_raw_call(&r, &rq, &b, HX_CALL_MS);
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->status, SAFER__STATUS__PERMISSION_DENIED);
    ck_assert_int_ne(rs->body_case, SAFER__RESPONSE__BODY_REPORT_SHOW);
    pb_response_free(&b, rs);
    hx_raw_close(&r);

    /* The agencies named, the author's agency and the chair read it. */
    OK(JD, "report", "show", day, "domestic-abuse", "--agency", "police");
    ck_assert_msg(strstr(res.out, "RESTRICTED-MARKER") != NULL, "%s", res.out);
    OK(RP, "report", "show", day, "domestic-abuse", "--agency", "police");
    ck_assert_msg(strstr(res.out, "RESTRICTED-MARKER") != NULL, "%s", res.out);
    OK(RR, "report", "show", day, "domestic-abuse");
    ck_assert_msg(strstr(res.out, "RESTRICTED-MARKER") != NULL, "%s", res.out);
    OK(DP, "report", "show", day, "domestic-abuse", "--agency", "police");
    ck_assert_msg(strstr(res.out, "RESTRICTED-MARKER") != NULL, "%s", res.out);
    OK(DP, "report", "history", day, "domestic-abuse", "--agency", "police");

    /* Neither a member nor an admin without the chair's role reads papers. */
    REFUSED(
        SA, "PERMISSION_DENIED", "report", "show", day, "domestic-abuse", "--agency", "probation");
    REFUSED(
        AD, "PERMISSION_DENIED", "report", "show", day, "domestic-abuse", "--agency", "probation");
}
END_TEST

/* The status of (group, agency) in `safer returns DAY --json` as the chair. */
static int return_is(const char *group, const char *agency, const char *status)
{
    json_t *doc, *rows;
    int found = 0;

    OK(DP, "returns", day, "--json");
    doc = hx_json_out(&res);
    ck_assert_ptr_nonnull(doc);
    rows = json_is_array(doc) ? doc : hx_jarr(doc, "rows");
    ck_assert_ptr_nonnull(rows);
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        if (strcmp(hx_jstr(row, "group_code"), group) == 0
            && strcmp(hx_jstr(row, "agency_code"), agency) == 0)
            found = hx_jenum(row, "status", status) ? 1 : -1;
    }
    json_decref(doc);
    return found == 1;
}

START_TEST(test_withdrawn_report_counts_as_missing)
{
    char paper[HX_PATH_MAX + 32];

    hx_path(paper, sizeof(paper), srv.root, "alc-council.md");
    ck_assert_int_eq(hx_write_file(paper, "# Alcohol\n\nSchools work.\n"), 0);
    ck_assert_msg(return_is("alcohol", "council", "missing"), "before: %s", res.out);
    OK(MA, "report", "submit", day, "alcohol", paper, "--title", "Schools", "--rag", "green");
    ck_assert_msg(return_is("alcohol", "council", "on_time"), "submitted: %s", res.out);
    REFUSED(RR, "PERMISSION_DENIED", "report", "withdraw", day, "alcohol", "--agency", "council");
    OK(MA, "report", "withdraw", day, "alcohol");
    ck_assert_msg(return_is("alcohol", "council", "missing"), "withdrawn: %s", res.out);
    /* Kept and audited, not deleted. */
    ck_assert_int_eq(versions_of("alcohol", "council"), 1);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM reports WHERE withdrawn = 1"), 1);
    ck_assert_int_eq(
        hx_sql_int(&srv, "SELECT count(*) FROM audit WHERE action = 'report.withdraw'"), 1);
    OK(MA, "report", "submit", day, "alcohol", paper, "--title", "Schools again", "--rag", "green");
    ck_assert_msg(strstr(res.out, "Submitted version 2 of alcohol for council"), "%s", res.out);
    ck_assert_msg(return_is("alcohol", "council", "on_time"), "resubmitted: %s", res.out);
    ck_assert_int_eq(hx_sql_int(&srv, "SELECT count(*) FROM reports WHERE withdrawn = 1"), 0);
}
END_TEST

static Suite *report_rules_suite(void)
{
    Suite *s = suite_create("report_rules");
    TCase *tc = tcase_create("papers: retries, owners, restrictions");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_same_key_twice_stores_one_version);
    tcase_add_test(tc, test_cli_rerun_after_lost_answer_reuses_key);
    tcase_add_test(tc, test_lead_outside_group_is_refused);
    tcase_add_test(tc, test_restricted_report_is_kept_from_other_agencies);
    tcase_add_test(tc, test_withdrawn_report_counts_as_missing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_rules_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
