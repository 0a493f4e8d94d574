/*
 * The board's calendar jobs run through store_run on a store in a temporary
 * folder, without a network: dates and times are checked as calendar values;
 * a new meeting gets the standard agenda with one item per task group in code
 * order; agenda add, move and remove renumber 1..N; approving minutes at the
 * next meeting locks them, and approving twice or without an earlier meeting
 * is refused; every refusal names its input and changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/board.h"
#include "server/ident.h"
#include "server/people.h"
#include "server/store.h"
#include "support/storefix.h"

#define NOW 1800000000 /* 2027-01-15 08:00 UTC */

static void job_init(board_job *j)
{
    memset(j, 0, sizeof(*j));
    j->now = NOW;
    snprintf(j->actor, sizeof(j->actor), "CH");
}

static int64_t audit_rows(const storefix *f)
{
    return storefix_int(f, "SELECT count(*) FROM audit");
}

/* Adds task group code (name) with the given agencies; returns the job's code. */
static int group_add(
    storefix *f, const char *code, const char *name, const char *a1, const char *a2, board_job *j)
{
    job_init(j);
    snprintf(j->code, sizeof(j->code), "%s", code);
    snprintf(j->name, sizeof(j->name), "%s", name);
    if (a1)
        snprintf(j->agencies[j->nagencies++], sizeof(j->agencies[0]), "%s", a1);
    if (a2)
        snprintf(j->agencies[j->nagencies++], sizeof(j->agencies[0]), "%s", a2);
    return store_run(f->st, board_group_add_job, j);
}

static int meeting_add(storefix *f, const char *date, const char *deadline, board_job *j)
{
    job_init(j);
    snprintf(j->date, sizeof(j->date), "%s", date);
    snprintf(j->time, sizeof(j->time), "14:00");
    snprintf(j->venue, sizeof(j->venue), "Municipal Building, Widnes");
    snprintf(j->deadline, sizeof(j->deadline), "%s", deadline);
    return store_run(f->st, board_meeting_add_job, j);
}

/*
 * A store with the chair CH (council), agencies police and fire, and task
 * groups "crime" and "alcohol" (added out of order, to show the agenda sorts
 * them by code).
 */
static void setup(storefix *f)
{
    board_job j;

    storefix_setup(f);
    storefix_person(f, "CH", "council", ROLE_BIT_CHAIR);
    storefix_person(f, "PL", "police", ROLE_BIT_LEAD);
    storefix_person(f, "FL", "fire", ROLE_BIT_LEAD);
    ck_assert_int_eq(group_add(f, "crime", "Crime and ASB", "police", NULL, &j), 0);
    ck_assert_int_eq(group_add(f, "alcohol", "Alcohol", "police", "fire", &j), 0);
}

/* The agenda of date as "kind:title|..." for comparing in one assertion. */
static void agenda_text(storefix *f, const char *date, char *out, size_t len)
{
    board_meeting m;
    board_agenda *a = malloc(sizeof(*a));
    size_t used = 0;

    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(board_meeting_get(f->st, date, "2027-01-01", &m, a), 0);
    out[0] = '\0';
    for (size_t i = 0; i < a->n; i++) {
        ck_assert_uint_eq(a->items[i].number, i + 1);
        used += (size_t)snprintf(
            out + used, len - used, "%s%d:%s", i ? "|" : "", a->items[i].kind, a->items[i].title);
        ck_assert_uint_lt(used, len);
    }
    free(a);
}

START_TEST(test_board_dates_are_calendar_dates)
{
    char why[BOARD_WHY_MAX];
    int y, m, d;
    int64_t t;

    ck_assert_int_eq(board_date_parse("2024-02-29", &y, &m, &d), 0);
    ck_assert_int_eq(y * 10000 + m * 100 + d, 20240229);
    ck_assert_int_eq(board_date_parse("2023-02-29", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2100-02-29", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2000-02-29", NULL, NULL, NULL), 0);
    ck_assert_int_eq(board_date_parse("1999-12-31", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("3000-01-01", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2024-4-01", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2024-04-01x", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2024-13-01", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2024-00-10", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("2024-04-31", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse("+024-04-01", NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_parse(NULL, NULL, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(board_date_check("2024-02-30", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_str_eq(why, "'2024-02-30' is not a date (YYYY-MM-DD)");
    ck_assert_int_eq(board_time_check("23:59", why, sizeof(why)), 0);
    ck_assert_int_eq(board_time_check("00:00", why, sizeof(why)), 0);
    ck_assert_int_eq(board_time_check("24:00", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_str_eq(why, "'24:00' is not a time (HH:MM)");
    ck_assert_int_eq(board_time_check("9:30", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(board_time_check("12:60", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(board_group_code_check("Crime", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "'Crime'"));
    /* The end of a deadline day is 23:59:59 UTC; NOW is 2027-01-15 08:00 UTC. */
    ck_assert_int_eq(board_day_end("2027-01-15", &t), 0);
    ck_assert_int_eq(t, 1800057599);
    ck_assert_int_eq(board_day_end("1970-01-01", &t), SAFER_E_INVAL);
    {
        char day[BOARD_DATE_LEN + 1];

        ck_assert_int_eq(board_date_of(NOW, day), 0);
        ck_assert_str_eq(day, "2027-01-15");
        ck_assert_int_eq(board_date_of(t + 1, day), 0);
        ck_assert_str_eq(day, "2027-01-16");
    }
}
END_TEST

START_TEST(test_board_default_agenda_in_order)
{
    storefix f;
    board_job j;
    char text[2048];
    int64_t id, audit;

    setup(&f);
    audit = audit_rows(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-07", &j), 0);
    agenda_text(&f, "2027-02-21", text, sizeof(text));
    ck_assert_str_eq(text,
        "1:Welcome and introductions|2:Apologies|"
        "3:Minutes of the last meeting and matters arising|"
        "4:Task group update: Alcohol|4:Task group update: Crime and ASB|"
        "5:Information items|6:Any other business|7:Date and time of next meeting");
    ck_assert_int_eq(audit_rows(&f), audit + 1);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action = 'meeting.add' "
                         "AND object = 'meeting:2027-02-21'"),
        1);
    ck_assert_int_eq(board_meeting_id(f.st, "2027-02-21", &id), 0);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(board_meeting_id(f.st, "2027-02-22", &id), SAFER_E_NOTFOUND);
    /* A second meeting on the same date is refused and writes nothing. */
    audit = audit_rows(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-07", &j), SAFER_E_EXISTS);
    ck_assert_str_eq(j.why, "there is already a meeting on 2027-02-21");
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM agenda_items"), 8);
    ck_assert_int_eq(audit_rows(&f), audit);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_board_bad_meeting_inputs_change_nothing)
{
    storefix f;
    board_job j;
    int64_t audit;

    setup(&f);
    audit = audit_rows(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-30", "2027-02-07", &j), SAFER_E_INVAL);
    ck_assert_str_eq(j.why, "'2027-02-30' is not a date (YYYY-MM-DD)");
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-13-07", &j), SAFER_E_INVAL);
    ck_assert_str_eq(j.why, "'2027-13-07' is not a date (YYYY-MM-DD)");
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-22", &j), SAFER_E_INVAL);
    ck_assert_str_eq(j.why, "the deadline 2027-02-22 is after the meeting date 2027-02-21");
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    snprintf(j.time, sizeof(j.time), "25:00");
    snprintf(j.venue, sizeof(j.venue), "Widnes");
    snprintf(j.deadline, sizeof(j.deadline), "2027-02-07");
    ck_assert_int_eq(store_run(f.st, board_meeting_add_job, &j), SAFER_E_INVAL);
    ck_assert_str_eq(j.why, "'25:00' is not a time (HH:MM)");
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM meetings"), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM agenda_items"), 0);
    /* A group with an unknown agency is refused whole: no group, no members. */
    ck_assert_int_eq(group_add(&f, "youth", "Youth", "police", "nobody", &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "no agency with code 'nobody'");
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM groups"), 2);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM group_agencies"), 3);
    ck_assert_int_eq(audit_rows(&f), audit);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_board_agenda_move_and_remove_renumber)
{
    storefix f;
    board_job j;
    char text[2048];
    int64_t audit;

    setup(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-07", &j), 0);
    /* Added with no position: just before AOB (item 7 of 8). */
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    snprintf(j.title, sizeof(j.title), "Serious violence duty");
    ck_assert_int_eq(store_run(f.st, board_agenda_add_job, &j), 0);
    ck_assert_uint_eq(j.number, 7);
    /* Move it to the top, then remove Apologies (now item 3). */
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    j.number = 7;
    j.to = 1;
    ck_assert_int_eq(store_run(f.st, board_agenda_move_job, &j), 0);
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    j.number = 3;
    ck_assert_int_eq(store_run(f.st, board_agenda_remove_job, &j), 0);
    agenda_text(&f, "2027-02-21", text, sizeof(text));
    ck_assert_str_eq(text,
        "0:Serious violence duty|1:Welcome and introductions|"
        "3:Minutes of the last meeting and matters arising|"
        "4:Task group update: Alcohol|4:Task group update: Crime and ASB|"
        "5:Information items|6:Any other business|7:Date and time of next meeting");
    /* Out-of-range numbers are refused and change nothing. */
    audit = audit_rows(&f);
    j.number = 9;
    ck_assert_int_eq(store_run(f.st, board_agenda_remove_job, &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "the agenda of 2027-02-21 has no item 9 (it has 8)");
    j.number = 2;
    j.to = 9;
    ck_assert_int_eq(store_run(f.st, board_agenda_move_job, &j), SAFER_E_INVAL);
    ck_assert_str_eq(j.why, "position 9 is outside 1..8");
    /* A second item for a group already on the agenda is refused. */
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    snprintf(j.title, sizeof(j.title), "Alcohol again");
    snprintf(j.code, sizeof(j.code), "alcohol");
    j.kind = BOARD_ITEM_GROUP;
    ck_assert_int_eq(store_run(f.st, board_agenda_add_job, &j), SAFER_E_EXISTS);
    agenda_text(&f, "2027-02-21", text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "0:Serious violence duty|1:Welcome"));
    ck_assert_int_eq(audit_rows(&f), audit);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_board_group_item_with_papers_stays)
{
    storefix f;
    board_job j;
    int64_t mid, gid;
    char sql[512];

    setup(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-07", &j), 0);
    ck_assert_int_eq(board_meeting_id(f.st, "2027-02-21", &mid), 0);
    ck_assert_int_eq(board_group_id(f.st, "alcohol", &gid), 0);
    /* A paper for alcohol (item 4), written behind the store's back. */
    snprintf(sql, sizeof(sql),
        "INSERT INTO reports(meeting_id, group_id, agency_id) VALUES (%lld, %lld, "
        "(SELECT id FROM agencies WHERE code = 'police'))",
        (long long)mid, (long long)gid);
    storefix_sql(&f, sql);
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    j.number = 4;
    ck_assert_int_eq(store_run(f.st, board_agenda_remove_job, &j), SAFER_E_PRECOND);
    ck_assert_str_eq(
        j.why, "item 4 'Task group update: Alcohol' has papers submitted and cannot be removed");
    /* The crime item (5) has no papers and goes. */
    j.number = 5;
    ck_assert_int_eq(store_run(f.st, board_agenda_remove_job, &j), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM agenda_items"), 7);
    storefix_teardown(&f);
}
END_TEST

static int minutes_set(storefix *f, const char *date, uint32_t item, const char *text, board_job *j)
{
    job_init(j);
    snprintf(j->date, sizeof(j->date), "%s", date);
    j->number = item;
    j->text = text;
    return store_run(f->st, board_minutes_set_job, j);
}

static int approve(storefix *f, const char *date, board_job *j)
{
    job_init(j);
    snprintf(j->date, sizeof(j->date), "%s", date);
    return store_run(f->st, board_minutes_approve_job, j);
}

START_TEST(test_board_approve_locks_minutes)
{
    storefix f;
    board_job j;
    board_meeting m;
    board_minute *min = NULL;
    size_t n = 0;
    int64_t audit;

    setup(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-07", &j), 0);
    ck_assert_int_eq(meeting_add(&f, "2027-05-16", "2027-05-02", &j), 0);
    ck_assert_int_eq(minutes_set(&f, "2027-02-21", 4, "Report noted.\nNo concerns.", &j), 0);
    ck_assert_int_eq(minutes_set(&f, "2027-02-21", 9, "x", &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "the agenda of 2027-02-21 has no item 9");
    /* No meeting before the first: nothing to approve. */
    ck_assert_int_eq(approve(&f, "2027-02-21", &j), SAFER_E_PRECOND);
    ck_assert_str_eq(j.why, "there is no meeting before 2027-02-21 whose minutes it could approve");
    ck_assert_int_eq(approve(&f, "2027-05-16", &j), 0);
    ck_assert_str_eq(j.approved, "2027-02-21");
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action = 'minutes.approve' "
                         "AND object = 'meeting:2027-02-21'"),
        1);
    ck_assert_int_eq(board_meeting_get(f.st, "2027-02-21", "2027-01-01", &m, NULL), 0);
    ck_assert_int_eq(m.status, BOARD_MINUTES_APPROVED);
    ck_assert_str_eq(m.approved_at, "2027-05-16");
    ck_assert_str_eq(m.next_date, "2027-05-16");
    /* Locked: minutes, agenda and a second approval are all refused, writing nothing. */
    audit = audit_rows(&f);
    ck_assert_int_eq(minutes_set(&f, "2027-02-21", 4, "Rewritten.", &j), SAFER_E_PRECOND);
    ck_assert_str_eq(j.why, "the minutes of 2027-02-21 were approved on 2027-05-16 and are locked");
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    j.number = 8;
    ck_assert_int_eq(store_run(f.st, board_agenda_remove_job, &j), SAFER_E_PRECOND);
    ck_assert_int_eq(approve(&f, "2027-05-16", &j), SAFER_E_PRECOND);
    ck_assert_str_eq(j.why, "the minutes of 2027-02-21 were already approved on 2027-05-16");
    ck_assert_int_eq(audit_rows(&f), audit);
    ck_assert_int_eq(board_meeting_id(f.st, "2027-02-21", &m.id), 0);
    ck_assert_int_eq(board_minutes_list(f.st, m.id, &min, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(min[0].item, 4);
    ck_assert_str_eq(min[0].text, "Report noted.\nNo concerns.");
    board_minutes_free(min, n);
    /* The later meeting's own minutes are still open. */
    ck_assert_int_eq(minutes_set(&f, "2027-05-16", 3, "Minutes of 21 February agreed.", &j), 0);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), 0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_board_attendance_replaces)
{
    storefix f;
    board_job j;
    board_meeting m;
    board_attendance *a = NULL;
    size_t n = 0;
    int64_t mid;

    setup(&f);
    ck_assert_int_eq(meeting_add(&f, "2027-02-21", "2027-02-07", &j), 0);
    job_init(&j);
    snprintf(j.date, sizeof(j.date), "2027-02-21");
    snprintf(j.initials, sizeof(j.initials), "PL");
    j.presence = BOARD_PRESENT;
    ck_assert_int_eq(store_run(f.st, board_attendance_job, &j), 0);
    /* Someone present means the meeting has taken place... */
    ck_assert_int_eq(board_meeting_get(f.st, "2027-02-21", "2027-01-01", &m, NULL), 0);
    ck_assert_int_eq(m.status, BOARD_HELD);
    j.presence = BOARD_APOLOGIES;
    snprintf(j.substitute, sizeof(j.substitute), "Simon Deputy");
    ck_assert_int_eq(store_run(f.st, board_attendance_job, &j), 0);
    ck_assert_str_eq(j.attendance.agency_code, "police");
    /* ...but apologies sent in advance do not. */
    ck_assert_int_eq(board_meeting_get(f.st, "2027-02-21", "2027-01-01", &m, NULL), 0);
    ck_assert_int_eq(m.status, BOARD_SCHEDULED);
    snprintf(j.initials, sizeof(j.initials), "ZZ");
    ck_assert_int_eq(store_run(f.st, board_attendance_job, &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "no person with initials 'ZZ'");
    ck_assert_int_eq(board_meeting_id(f.st, "2027-02-21", &mid), 0);
    ck_assert_int_eq(board_attendance_list(f.st, mid, &a, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(a[0].initials, "PL");
    ck_assert_int_eq(a[0].presence, BOARD_APOLOGIES);
    ck_assert_str_eq(a[0].substitute, "Simon Deputy");
    free(a);
    storefix_teardown(&f);
}
END_TEST

static Suite *board_suite(void)
{
    Suite *s = suite_create("board");
    TCase *tc = tcase_create("jobs");

    tcase_add_test(tc, test_board_dates_are_calendar_dates);
    tcase_add_test(tc, test_board_default_agenda_in_order);
    tcase_add_test(tc, test_board_bad_meeting_inputs_change_nothing);
    tcase_add_test(tc, test_board_agenda_move_and_remove_renumber);
    tcase_add_test(tc, test_board_group_item_with_papers_stays);
    tcase_add_test(tc, test_board_approve_locks_minutes);
    tcase_add_test(tc, test_board_attendance_replaces);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(board_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
