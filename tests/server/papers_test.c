/*
 * The papers jobs and reads, run through store_run on a store in a temporary
 * folder: a retry with the same idempotency key leaves one version, a
 * revision keeps every version, the late flag turns at the end of the
 * deadline day, returns show on time, late and missing (a withdrawn report
 * is missing), the carried count follows the meetings, restricted reports
 * are refused to agencies outside the restriction, and each refused change
 * names its input and writes nothing (audit log included).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/board.h"
#include "server/papers.h"
#include "server/store.h"
#include "support/storefix.h"

#define M1 "2027-01-20" /* deadline 2027-01-13 */
#define M2 "2027-04-20"
#define M3 "2027-07-20"
#define BEFORE 1800000000 /* 2027-01-15 08:00 UTC: before M1, after its deadline */
#define EARLY 1799000000  /* 2027-01-03: before M1's deadline */

/* Person ids of the fixture. */
static int64_t p_pl, p_pb, p_fl, p_dp, p_ma;

/*
 * Agencies police, probation and fire with a lead each (PL, PB, FL) and
 * members DP (police) and MA (fire); groups alcohol (police, probation) and
 * youth (fire, police, probation); meetings M1, M2, M3 with a GROUP item for
 * each group at M1 (items 1 and 2).
 */
static void setup(storefix *f)
{
    storefix_setup(f);
    p_pl = storefix_person(f, "PL", "police", ROLE_BIT_LEAD);
    p_pb = storefix_person(f, "PB", "probation", ROLE_BIT_LEAD);
    p_fl = storefix_person(f, "FL", "fire", ROLE_BIT_LEAD);
    p_dp = storefix_person(f, "DP", "police", ROLE_BIT_MEMBER);
    p_ma = storefix_person(f, "MA", "fire", ROLE_BIT_MEMBER);
    storefix_sql(f,
        "INSERT INTO groups(code, name, created) VALUES ('alcohol', 'Alcohol', 0), "
        "('youth', 'Youth', 0);"
        "INSERT INTO group_agencies SELECT g.id, a.id FROM groups g, agencies a "
        "WHERE (g.code = 'alcohol' AND a.code IN ('police', 'probation')) "
        "OR g.code = 'youth';"
        "INSERT INTO meetings(date, time, venue, deadline, created) VALUES "
        "('" M1 "', '10:00', 'Hall', '2027-01-13', 0), "
        "('" M2 "', '10:00', 'Hall', '2027-04-13', 0), "
        "('" M3 "', '10:00', 'Hall', '2027-07-13', 0);"
        "INSERT INTO agenda_items(meeting_id, position, title, kind, group_id) "
        "VALUES (1, 1, 'Alcohol', 4, 1), (1, 2, 'Youth', 4, 2);");
}

/* A submission as a lead of agency (person id) would make it. */
static void sub_init(papers_submit *s, const char *agency, int64_t person, const char *group,
    uint8_t key, int64_t now, const char *body)
{
    memset(s, 0, sizeof(*s));
    s->now = now;
    s->actor_id = person;
    snprintf(s->actor, sizeof(s->actor), "LD");
    snprintf(s->agency, sizeof(s->agency), "%s", agency);
    snprintf(s->date, sizeof(s->date), M1);
    snprintf(s->group, sizeof(s->group), "%s", group);
    snprintf(s->title, sizeof(s->title), "Update from %s", agency);
    s->rag = PAPERS_AMBER;
    s->marking = PAPERS_OFFICIAL;
    s->body = (const uint8_t *)body;
    s->body_len = strlen(body);
    memset(s->idem, key, sizeof(s->idem));
}

static int submit(storefix *f, papers_submit *s)
{
    int rc = store_run(f->st, papers_submit_job, s);

    papers_report_clear(&s->report);
    return rc;
}

static int64_t count(storefix *f, const char *table)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    return storefix_int(f, sql);
}

START_TEST(test_papers_retry_same_key_leaves_one_version)
{
    storefix f;
    papers_submit s;

    setup(&f);
    sub_init(&s, "police", p_pl, "alcohol", 7, EARLY, "# Alcohol\n\nAll well.\n");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(s.duplicate, 0);
    ck_assert_uint_eq(s.report.v.version, 1);
    ck_assert_int_eq(count(&f, "audit"), 1);
    /* The retry: same key, a later clock; the stored version comes back. */
    sub_init(&s, "police", p_pl, "alcohol", 7, EARLY + 60, "# Alcohol\n\nAll well.\n");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(s.duplicate, 1);
    ck_assert_uint_eq(s.report.v.version, 1);
    ck_assert_int_eq(s.report.v.submitted, EARLY);
    ck_assert_int_eq(count(&f, "report_versions"), 1);
    ck_assert_int_eq(count(&f, "reports"), 1);
    ck_assert_int_eq(count(&f, "audit"), 1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_papers_revision_keeps_versions)
{
    storefix f;
    papers_submit s;
    papers_report r;
    papers_version *v = NULL;
    size_t n = 0;
    char why[PAPERS_WHY_MAX];

    setup(&f);
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "first");
    s.nmetrics = 1;
    snprintf(s.metrics[0].name, sizeof(s.metrics[0].name), "Arrests");
    s.metrics[0].value = 12;
    s.metrics[0].has_target = 1;
    s.metrics[0].target = 10;
    ck_assert_int_eq(submit(&f, &s), 0);
    sub_init(&s, "police", p_pl, "alcohol", 2, EARLY + 1, "second, longer");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_uint_eq(s.report.v.version, 2);
    ck_assert_uint_eq(s.report.versions, 2);

    ck_assert_int_eq(papers_report_get(f.st, M1, "alcohol", "police", 0, &r, why, sizeof(why)), 0);
    ck_assert_uint_eq(r.v.version, 2);
    ck_assert_str_eq(r.v.body, "second, longer");
    papers_report_clear(&r);
    ck_assert_int_eq(papers_report_get(f.st, M1, "alcohol", "police", 1, &r, why, sizeof(why)), 0);
    ck_assert_str_eq(r.v.body, "first");
    ck_assert_uint_eq(r.v.nmetrics, 1);
    ck_assert_str_eq(r.v.metrics[0].name, "Arrests");
    ck_assert(r.v.metrics[0].has_target && r.v.metrics[0].target == 10);
    ck_assert_str_eq(r.v.author, "PL");
    papers_report_clear(&r);
    ck_assert_int_eq(papers_report_get(f.st, M1, "alcohol", "police", 3, &r, why, sizeof(why)),
        SAFER_E_NOTFOUND);
    papers_report_clear(&r);

    ck_assert_int_eq(
        papers_report_history(f.st, M1, "alcohol", "police", &r, &v, &n, why, sizeof(why)), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(v[0].version, 1);
    ck_assert_uint_eq(v[0].body_bytes, 5);
    ck_assert_ptr_null(v[0].body);
    ck_assert_uint_eq(v[1].version, 2);
    free(v);
    papers_report_clear(&r);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_papers_late_flag_at_deadline_boundary)
{
    storefix f;
    papers_submit s;
    int64_t end;

    setup(&f);
    ck_assert_int_eq(board_day_end("2027-01-13", &end), 0);
    sub_init(&s, "police", p_pl, "alcohol", 1, end, "at the last second");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(s.report.v.late, 0);
    sub_init(&s, "police", p_pl, "alcohol", 2, end + 1, "one second later");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(s.report.v.late, 1);
    ck_assert_int_eq(storefix_int(&f, "SELECT late FROM report_versions WHERE version = 1"), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT late FROM report_versions WHERE version = 2"), 1);
    storefix_teardown(&f);
}
END_TEST

/* The status of (group, agency) among rows, or -1. */
static int status_of(const papers_return_row *rows, size_t n, const char *group, const char *agency)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].group, group) == 0 && strcmp(rows[i].agency, agency) == 0)
            return rows[i].status;
    }
    return -1;
}

START_TEST(test_papers_returns_statuses)
{
    storefix f;
    papers_submit s;
    papers_withdraw w;
    papers_return_row *rows = NULL;
    char deadline[BOARD_DATE_LEN + 1];
    char why[PAPERS_WHY_MAX];
    size_t n = 0;

    setup(&f);
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "on time");
    ck_assert_int_eq(submit(&f, &s), 0);
    sub_init(&s, "probation", p_pb, "alcohol", 2, BEFORE, "late");
    ck_assert_int_eq(submit(&f, &s), 0);
    sub_init(&s, "fire", p_fl, "youth", 3, EARLY, "withdrawn later");
    ck_assert_int_eq(submit(&f, &s), 0);
    memset(&w, 0, sizeof(w));
    w.now = EARLY + 5;
    snprintf(w.actor, sizeof(w.actor), "FL");
    snprintf(w.date, sizeof(w.date), M1);
    snprintf(w.group, sizeof(w.group), "youth");
    snprintf(w.agency, sizeof(w.agency), "fire");
    ck_assert_int_eq(store_run(f.st, papers_withdraw_job, &w), 0);
    ck_assert_int_eq(w.report.withdrawn, 1);
    ck_assert_int_eq(store_run(f.st, papers_withdraw_job, &w), SAFER_E_PRECOND);

    ck_assert_int_eq(papers_returns(f.st, M1, NULL, deadline, &rows, &n, why, sizeof(why)), 0);
    ck_assert_str_eq(deadline, "2027-01-13");
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(rows[0].group, "alcohol");
    ck_assert_str_eq(rows[0].agency, "police");
    ck_assert_int_eq(rows[0].status, PAPERS_ON_TIME);
    ck_assert_int_eq(rows[0].submitted, EARLY);
    ck_assert_int_eq(status_of(rows, n, "alcohol", "probation"), PAPERS_LATE);
    ck_assert_int_eq(status_of(rows, n, "youth", "fire"), PAPERS_MISSING);
    ck_assert_int_eq(status_of(rows, n, "youth", "police"), PAPERS_MISSING);
    ck_assert_int_eq(status_of(rows, n, "youth", "probation"), PAPERS_MISSING);
    free(rows);

    /* A lead sees their own agency's rows only. */
    ck_assert_int_eq(papers_returns(f.st, M1, "police", deadline, &rows, &n, why, sizeof(why)), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(status_of(rows, n, "alcohol", "police"), PAPERS_ON_TIME);
    ck_assert_int_eq(status_of(rows, n, "youth", "police"), PAPERS_MISSING);
    free(rows);

    /* A new submission un-withdraws the report as a new version. */
    sub_init(&s, "fire", p_fl, "youth", 4, BEFORE, "back again");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(s.report.withdrawn, 0);
    ck_assert_uint_eq(s.report.v.version, 2);
    ck_assert_int_eq(papers_returns(f.st, M1, "fire", deadline, &rows, &n, why, sizeof(why)), 0);
    ck_assert_int_eq(status_of(rows, n, "youth", "fire"), PAPERS_ON_TIME);
    free(rows);
    ck_assert_int_eq(
        papers_returns(f.st, "2027-02-30", NULL, deadline, &rows, &n, why, sizeof(why)),
        SAFER_E_INVAL);
    ck_assert_str_eq(why, "'2027-02-30' is not a date (YYYY-MM-DD)");
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_papers_restriction_rule)
{
    storefix f;
    papers_submit s;
    char why[PAPERS_WHY_MAX];

    setup(&f);
    sub_init(&s, "probation", p_pb, "youth", 1, EARLY, "sensitive");
    s.marking = PAPERS_OFFICIAL_SENSITIVE;
    s.nrestrict = 2;
    snprintf(s.restrict_to[0], sizeof(s.restrict_to[0]), "probation");
    snprintf(s.restrict_to[1], sizeof(s.restrict_to[1]), "police");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(
        papers_rule_reader(f.st, "fire", M1, "youth", "probation", 0, 0, why, sizeof(why)),
        SAFER_E_PERM);
    ck_assert_str_eq(why, "this report is restricted to police, probation");
    ck_assert_int_eq(
        papers_rule_reader(f.st, "fire", M1, "youth", "probation", 0, 1, why, sizeof(why)),
        SAFER_E_PERM);
    ck_assert_int_eq(
        papers_rule_reader(f.st, "police", M1, "youth", "probation", 0, 1, why, sizeof(why)), 0);
    ck_assert_int_eq(
        papers_rule_reader(f.st, "probation", M1, "youth", "probation", 0, 0, why, sizeof(why)), 0);
    /* The submitter's agency reads its own even when it left itself out. */
    sub_init(&s, "fire", p_fl, "youth", 2, EARLY, "for police");
    s.nrestrict = 1;
    snprintf(s.restrict_to[0], sizeof(s.restrict_to[0]), "police");
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(
        papers_rule_reader(f.st, "fire", M1, "youth", "fire", 0, 0, why, sizeof(why)), 0);
    ck_assert_int_eq(
        papers_rule_reader(f.st, "probation", M1, "youth", "fire", 0, 0, why, sizeof(why)),
        SAFER_E_PERM);
    storefix_teardown(&f);
}
END_TEST

/* Submits s and expects code with a message containing text, and no change at all. */
static void refused(storefix *f, papers_submit *s, int code, const char *text)
{
    int64_t versions = count(f, "report_versions"), reports = count(f, "reports");
    int64_t audit = count(f, "audit"), metrics = count(f, "report_metrics");

    ck_assert_int_eq(submit(f, s), code);
    ck_assert_msg(strstr(s->why, text) != NULL, "'%s' lacks '%s'", s->why, text);
    ck_assert_int_eq(count(f, "report_versions"), versions);
    ck_assert_int_eq(count(f, "reports"), reports);
    ck_assert_int_eq(count(f, "audit"), audit);
    ck_assert_int_eq(count(f, "report_metrics"), metrics);
}

START_TEST(test_papers_refusals_name_input_and_change_nothing)
{
    storefix f;
    papers_submit s;
    char *big = malloc(PAPERS_BODY_MAX + 2);

    ck_assert_ptr_nonnull(big);
    setup(&f);
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "");
    refused(&f, &s, SAFER_E_INVAL, "the report body is empty");
    memset(big, 'a', PAPERS_BODY_MAX + 1);
    big[PAPERS_BODY_MAX + 1] = '\0';
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, big);
    refused(&f, &s, SAFER_E_INVAL, "the report body is 1048577 bytes; the limit is 1048576");
    /* Exactly at the limit is accepted. */
    big[PAPERS_BODY_MAX] = '\0';
    sub_init(&s, "police", p_pl, "alcohol", 9, EARLY, big);
    ck_assert_int_eq(submit(&f, &s), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT length(CAST(body AS BLOB)) FROM report_versions"),
        PAPERS_BODY_MAX);
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "bad \xc3\x28 bytes");
    refused(&f, &s, SAFER_E_INVAL, "not UTF-8");
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "ok");
    snprintf(s.date, sizeof(s.date), "2027-02-30");
    refused(&f, &s, SAFER_E_INVAL, "'2027-02-30' is not a date (YYYY-MM-DD)");
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "ok");
    s.rag = 0;
    refused(&f, &s, SAFER_E_INVAL, "RAG");
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "ok");
    snprintf(s.date, sizeof(s.date), "2027-03-01");
    refused(&f, &s, SAFER_E_NOTFOUND, "there is no meeting on 2027-03-01");
    sub_init(&s, "fire", p_fl, "alcohol", 1, EARLY, "ok");
    refused(&f, &s, SAFER_E_PERM, "agency 'fire' is not a member of task group 'alcohol'");
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "ok");
    s.nrestrict = 1;
    snprintf(s.restrict_to[0], sizeof(s.restrict_to[0]), "nosuch");
    refused(&f, &s, SAFER_E_NOTFOUND, "'nosuch'");
    sub_init(&s, "police", p_pl, "alcohol", 1, EARLY, "ok");
    s.nmetrics = 1;
    snprintf(s.metrics[0].name, sizeof(s.metrics[0].name), "Rate");
    s.metrics[0].value = INFINITY;
    refused(&f, &s, SAFER_E_INVAL, "metric 'Rate' needs a finite value");
    free(big);
    storefix_teardown(&f);
}
END_TEST

static void action_init(papers_action_job *j, const char *today)
{
    memset(j, 0, sizeof(*j));
    j->now = BEFORE;
    snprintf(j->today, sizeof(j->today), "%s", today);
    snprintf(j->actor, sizeof(j->actor), "CH");
    j->actor_id = p_pl;
    snprintf(j->date, sizeof(j->date), M1);
    j->item = 1;
    snprintf(j->text, sizeof(j->text), "Chase the late returns");
    snprintf(j->due, sizeof(j->due), "2027-03-01");
}

/* The carried count of action id as of today. */
static uint32_t carried(storefix *f, int64_t id, const char *today)
{
    papers_action a;
    char why[PAPERS_WHY_MAX];
    uint32_t n;

    ck_assert_int_eq(papers_action_get(f->st, id, today, &a, why, sizeof(why)), 0);
    n = a.carried;
    papers_action_clear(&a);
    return n;
}

START_TEST(test_papers_action_carried_count)
{
    storefix f;
    papers_action_job j;
    int64_t id;

    setup(&f);
    action_init(&j, "2027-01-20");
    j.nowners = 2;
    snprintf(j.owners[0], sizeof(j.owners[0]), "DP");
    snprintf(j.owners[1], sizeof(j.owners[1]), "MA");
    ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), 0);
    id = j.id;
    ck_assert_uint_eq(j.action.nowners, 2);
    ck_assert_str_eq(j.action.owners[0], "DP");
    ck_assert_int_eq(j.action.status, PAPERS_OPEN);
    papers_action_clear(&j.action);

    ck_assert_uint_eq(carried(&f, id, "2027-01-20"), 0);
    ck_assert_uint_eq(carried(&f, id, "2027-04-19"), 0);
    ck_assert_uint_eq(carried(&f, id, "2027-04-20"), 1);
    ck_assert_uint_eq(carried(&f, id, "2027-08-01"), 2);

    /* Closed on 2027-05-01: carried past M2 only, however late it is asked. */
    action_init(&j, "2027-05-01");
    j.id = id;
    j.status = PAPERS_DONE;
    snprintf(j.note, sizeof(j.note), "Chased");
    ck_assert_int_eq(store_run(f.st, papers_action_update_job, &j), 0);
    ck_assert_int_eq(j.action.status, PAPERS_DONE);
    ck_assert_uint_eq(j.action.nupdates, 1);
    ck_assert_str_eq(j.action.updates[0].note, "Chased");
    papers_action_clear(&j.action);
    ck_assert_uint_eq(carried(&f, id, "2027-08-01"), 1);
    ck_assert_int_eq(count(&f, "audit"), 2);
    storefix_teardown(&f);
}
END_TEST

/* The number of actions a filter lists. */
static size_t listed(storefix *f, int open_only, int64_t mine, int overdue, const char *today)
{
    papers_action_filter flt
        = { .open_only = open_only, .mine = mine, .overdue = overdue, .today = today };
    papers_action *a = NULL;
    size_t n = 0;

    ck_assert_int_eq(papers_action_list(f->st, &flt, &a, &n), 0);
    papers_action_list_free(a, n);
    return n;
}

START_TEST(test_papers_action_filters_and_refusals)
{
    storefix f;
    papers_action_job j;

    setup(&f);
    action_init(&j, "2027-01-20");
    j.nowners = 1;
    snprintf(j.owners[0], sizeof(j.owners[0]), "DP");
    ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), 0);
    papers_action_clear(&j.action);
    action_init(&j, "2027-01-20");
    j.all = 1;
    snprintf(j.due, sizeof(j.due), "2027-12-01");
    ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), 0);
    papers_action_clear(&j.action);
    action_init(&j, "2027-01-20");
    j.nowners = 1;
    snprintf(j.owners[0], sizeof(j.owners[0]), "MA");
    ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), 0);
    papers_action_clear(&j.action);
    action_init(&j, "2027-01-21");
    j.id = 3;
    j.status = PAPERS_DROPPED;
    ck_assert_int_eq(store_run(f.st, papers_action_update_job, &j), 0);
    papers_action_clear(&j.action);

    ck_assert_uint_eq(listed(&f, 0, 0, 0, "2027-06-01"), 3);
    ck_assert_uint_eq(listed(&f, 1, 0, 0, "2027-06-01"), 2);
    ck_assert_uint_eq(listed(&f, 0, p_dp, 0, "2027-06-01"), 2); /* DP's own and ALL */
    ck_assert_uint_eq(listed(&f, 0, p_ma, 0, "2027-06-01"), 2); /* MA's dropped one and ALL */
    ck_assert_uint_eq(listed(&f, 0, 0, 1, "2027-06-01"), 1);    /* due 2027-03-01, open */
    ck_assert_uint_eq(listed(&f, 0, 0, 1, "2027-03-01"), 0);    /* due today is not overdue */

    /* Unknown initials, an unknown item and a bad due date change nothing. */
    {
        int64_t actions = count(&f, "actions"), audit = count(&f, "audit");
        int64_t owners = count(&f, "action_owners");

        action_init(&j, "2027-01-20");
        j.nowners = 2;
        snprintf(j.owners[0], sizeof(j.owners[0]), "DP");
        snprintf(j.owners[1], sizeof(j.owners[1]), "ZZ");
        ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), SAFER_E_NOTFOUND);
        ck_assert_str_eq(j.why, "no person with initials 'ZZ'");
        action_init(&j, "2027-01-20");
        j.all = 1;
        j.item = 9;
        ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), SAFER_E_NOTFOUND);
        ck_assert_str_eq(j.why, "the meeting on 2027-01-20 has no agenda item 9");
        action_init(&j, "2027-01-20");
        j.all = 1;
        snprintf(j.due, sizeof(j.due), "2027-13-01");
        ck_assert_int_eq(store_run(f.st, papers_action_add_job, &j), SAFER_E_INVAL);
        ck_assert_str_eq(j.why, "'2027-13-01' is not a date (YYYY-MM-DD)");
        ck_assert_int_eq(count(&f, "actions"), actions);
        ck_assert_int_eq(count(&f, "action_owners"), owners);
        ck_assert_int_eq(count(&f, "audit"), audit);
    }
    action_init(&j, "2027-01-20");
    j.id = 99;
    j.status = PAPERS_DONE;
    ck_assert_int_eq(store_run(f.st, papers_action_update_job, &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "no action with id 99");
    papers_action_clear(&j.action);
    storefix_teardown(&f);
}
END_TEST

static Suite *papers_suite(void)
{
    Suite *s = suite_create("papers");
    TCase *tc = tcase_create("reports");

    tcase_add_test(tc, test_papers_retry_same_key_leaves_one_version);
    tcase_add_test(tc, test_papers_revision_keeps_versions);
    tcase_add_test(tc, test_papers_late_flag_at_deadline_boundary);
    tcase_add_test(tc, test_papers_returns_statuses);
    tcase_add_test(tc, test_papers_restriction_rule);
    tcase_add_test(tc, test_papers_refusals_name_input_and_change_nothing);
    suite_add_tcase(s, tc);
    tc = tcase_create("actions");
    tcase_add_test(tc, test_papers_action_carried_count);
    tcase_add_test(tc, test_papers_action_filters_and_refusals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(papers_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
