/*
 * The pack's model and its editions, on a store filled through the board and
 * papers jobs: four meetings with papers (one restricted, one late, one
 * revised twice), metrics reported at each, attendance with a substitute,
 * minutes and open actions from earlier meetings. The model of the last
 * meeting holds every section in order, the restricted paper (the view
 * decides who sees it), the carried counts as of that meeting and a metric
 * series over the meetings; loading it twice gives the same bytes; a publish
 * stores edition 1, a second publish of the same data is refused, and a
 * revision makes edition 2 with a list of what changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/board.h"
#include "server/pack_edition.h"
#include "server/pack_model.h"
#include "server/papers.h"
#include "server/store.h"
#include "support/storefix.h"

#define M1 "2027-01-20"
#define M2 "2027-04-20"
#define M3 "2027-07-20"
#define M4 "2027-10-20"
#define T0 1790000000 /* 2026-09-21: before every deadline */
#define NOW 1800000000

static const char *const dates[4] = { M1, M2, M3, M4 };
static const char *const deadlines[4] = { "2027-01-13", "2027-04-13", "2027-07-13", "2027-10-13" };

static int64_t p_pl, p_pb, p_fl, p_dp;

static void board_run(storefix *f, int (*job)(store_tx *, void *), board_job *j)
{
    j->now = T0;
    snprintf(j->actor, sizeof(j->actor), "CH");
    ck_assert_msg(store_run(f->st, job, j) == 0, "board job failed: %s", j->why);
}

static void group_add(
    storefix *f, const char *code, const char *name, const char *a, const char *b, const char *c)
{
    board_job j;

    memset(&j, 0, sizeof(j));
    snprintf(j.code, sizeof(j.code), "%s", code);
    snprintf(j.name, sizeof(j.name), "%s", name);
    snprintf(j.agencies[j.nagencies++], sizeof(j.agencies[0]), "%s", a);
    snprintf(j.agencies[j.nagencies++], sizeof(j.agencies[0]), "%s", b);
    if (c)
        snprintf(j.agencies[j.nagencies++], sizeof(j.agencies[0]), "%s", c);
    board_run(f, board_group_add_job, &j);
}

/* Submits a paper for meeting date as agency's lead; returns the version stored. */
static uint32_t submit(storefix *f, const char *date, const char *group, const char *agency,
    int64_t person, int64_t now, double arrests, const char *restrict_to, uint8_t key)
{
    papers_submit s;
    static const char body[] = "# Update\n\nAll **well**.\n";
    uint32_t v;

    memset(&s, 0, sizeof(s));
    s.now = now;
    s.actor_id = person;
    snprintf(s.actor, sizeof(s.actor), "LD");
    snprintf(s.agency, sizeof(s.agency), "%s", agency);
    snprintf(s.date, sizeof(s.date), "%s", date);
    snprintf(s.group, sizeof(s.group), "%s", group);
    snprintf(s.title, sizeof(s.title), "%s on %s", agency, group);
    s.rag = PAPERS_GREEN;
    s.marking = restrict_to ? PAPERS_OFFICIAL_SENSITIVE : PAPERS_OFFICIAL;
    s.nmetrics = 1;
    snprintf(s.metrics[0].name, sizeof(s.metrics[0].name), "Arrests");
    s.metrics[0].value = arrests;
    s.metrics[0].has_target = 1;
    s.metrics[0].target = 10;
    if (restrict_to)
        snprintf(s.restrict_to[s.nrestrict++], sizeof(s.restrict_to[0]), "%s", restrict_to);
    s.body = (const uint8_t *)body;
    s.body_len = strlen(body);
    memset(s.idem, key, sizeof(s.idem));
    ck_assert_msg(store_run(f->st, papers_submit_job, &s) == 0, "submit failed: %s", s.why);
    v = s.report.v.version;
    papers_report_clear(&s.report);
    return v;
}

static int64_t action_add(storefix *f, const char *date, const char *o1, const char *o2)
{
    papers_action_job j;
    int64_t id;

    memset(&j, 0, sizeof(j));
    j.now = T0;
    snprintf(j.today, sizeof(j.today), "2026-09-21");
    snprintf(j.actor, sizeof(j.actor), "DP");
    j.actor_id = p_dp;
    snprintf(j.date, sizeof(j.date), "%s", date);
    j.item = 3;
    snprintf(j.owners[j.nowners++], sizeof(j.owners[0]), "%s", o1);
    if (o2)
        snprintf(j.owners[j.nowners++], sizeof(j.owners[0]), "%s", o2);
    snprintf(j.text, sizeof(j.text), "Action raised at %s", date);
    snprintf(j.due, sizeof(j.due), "%s", date);
    ck_assert_msg(store_run(f->st, papers_action_add_job, &j) == 0, "action: %s", j.why);
    id = j.action.id;
    papers_action_clear(&j.action);
    return id;
}

/*
 * Agencies police, probation, fire; groups alcohol (police, probation) and
 * youth (all three); meetings M1..M4 with the standard agenda (alcohol is
 * item 4, youth item 5); police reports Arrests = 1..4 on alcohol at each;
 * at M4 probation's alcohol paper is restricted to probation, fire's youth
 * paper is late and police's youth paper is revised twice; actions raised
 * at M1 (DP/PL), M2 (PB) and M4 (FL) stay open; attendance and minutes.
 */
static void setup(storefix *f)
{
    board_job j;

    storefix_setup(f);
    p_pl = storefix_person(f, "PL", "police", ROLE_BIT_LEAD);
    p_pb = storefix_person(f, "PB", "probation", ROLE_BIT_LEAD);
    p_fl = storefix_person(f, "FL", "fire", ROLE_BIT_LEAD);
    p_dp = storefix_person(f, "DP", "police", ROLE_BIT_MEMBER);
    group_add(f, "alcohol", "Alcohol", "police", "probation", NULL);
    group_add(f, "youth", "Youth", "fire", "police", "probation");
    for (int i = 0; i < 4; i++) {
        memset(&j, 0, sizeof(j));
        snprintf(j.date, sizeof(j.date), "%s", dates[i]);
        snprintf(j.time, sizeof(j.time), "10:00");
        snprintf(j.venue, sizeof(j.venue), "Town Hall");
        snprintf(j.deadline, sizeof(j.deadline), "%s", deadlines[i]);
        board_run(f, board_meeting_add_job, &j);
        submit(f, dates[i], "alcohol", "police", p_pl, T0 + i, 1 + i, NULL, (uint8_t)(10 + i));
    }
    submit(f, M4, "alcohol", "probation", p_pb, T0 + 10, 7, "probation", 20);
    submit(f, M4, "youth", "fire", p_fl, 1823600000, 3, NULL, 21); /* 2027-10-15: late */
    for (uint8_t k = 0; k < 3; k++)
        submit(f, M4, "youth", "police", p_pl, T0 + 20 + k, 5 + k, NULL, (uint8_t)(30 + k));
    action_add(f, M1, "DP", "PL");
    action_add(f, M2, "PB", NULL);
    action_add(f, M4, "FL", NULL);
    memset(&j, 0, sizeof(j));
    snprintf(j.date, sizeof(j.date), M4);
    snprintf(j.initials, sizeof(j.initials), "PL");
    j.presence = BOARD_PRESENT;
    board_run(f, board_attendance_job, &j);
    snprintf(j.initials, sizeof(j.initials), "PB");
    j.presence = BOARD_APOLOGIES;
    snprintf(j.substitute, sizeof(j.substitute), "Jo Smith");
    board_run(f, board_attendance_job, &j);
    memset(&j, 0, sizeof(j));
    snprintf(j.date, sizeof(j.date), M3);
    j.number = 1;
    j.text = "The chair welcomed everyone.";
    board_run(f, board_minutes_set_job, &j);
}

static Safer__PackModel *load(storefix *f, const char *date)
{
    Safer__PackModel *m = NULL;

    ck_assert_int_eq(pack_model_load(f->st, date, NOW, &m), 0);
    ck_assert_ptr_nonnull(m);
    return m;
}

START_TEST(test_pack_model_holds_the_meeting)
{
    storefix f;
    Safer__PackModel *m;

    setup(&f);
    m = load(&f, M4);
    ck_assert_str_eq(m->meeting->date, M4);
    ck_assert_str_eq(m->meeting->venue, "Town Hall");
    ck_assert_uint_eq(m->edition, 0);
    ck_assert_ptr_nonnull(m->previous);
    ck_assert_str_eq(m->previous->date, M3);
    ck_assert_ptr_null(m->next);
    ck_assert_uint_eq(m->n_agenda, 8);
    ck_assert_uint_eq(m->agenda[3]->number, 4);
    ck_assert_str_eq(m->agenda[3]->group_code, "alcohol");
    ck_assert_uint_eq(m->n_previous_agenda, 8);
    ck_assert_uint_eq(m->n_previous_minutes, 1);
    ck_assert_str_eq(m->previous_minutes[0]->text, "The chair welcomed everyone.");
    ck_assert_int_eq(m->previous_minutes_approved, 0);
    /* Attendance by initials. */
    ck_assert_uint_eq(m->n_attendance, 2);
    ck_assert_str_eq(m->attendance[0]->initials, "PB");
    ck_assert_str_eq(m->attendance[0]->substitute, "Jo Smith");
    ck_assert_str_eq(m->attendance[1]->initials, "PL");
    ck_assert_uint_eq(m->n_groups, 2);
    ck_assert_uint_eq(m->n_agencies, 3);
    ck_assert_str_eq(m->agencies[0]->code, "fire");
    pack_model_free(m);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_pack_model_papers_in_agenda_order_with_restricted)
{
    storefix f;
    Safer__PackModel *m;
    const Safer__PackPaper *p;

    setup(&f);
    m = load(&f, M4);
    ck_assert_uint_eq(m->n_papers, 4);
    /* Alcohol (item 4): police, probation; youth (item 5): fire, police. */
    ck_assert_str_eq(m->papers[0]->agency_code, "police");
    ck_assert_uint_eq(m->papers[0]->item, 4);
    p = m->papers[1];
    ck_assert_str_eq(p->agency_code, "probation");
    ck_assert_uint_eq(p->version->n_restrict_to, 1);
    ck_assert_str_eq(p->version->restrict_to[0], "probation");
    ck_assert_int_eq(p->version->marking, SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE);
    ck_assert_str_eq(p->author_name, "PB");
    ck_assert_uint_eq(p->version->body.len, strlen("# Update\n\nAll **well**.\n"));
    ck_assert_str_eq(m->papers[2]->agency_code, "fire");
    ck_assert_uint_eq(m->papers[2]->item, 5);
    ck_assert_int_eq(m->papers[2]->version->late, 1);
    ck_assert_str_eq(m->papers[3]->agency_code, "police");
    ck_assert_uint_eq(m->papers[3]->versions, 3);
    ck_assert_uint_eq(m->papers[3]->version->version, 3);
    ck_assert_int_eq(m->papers[3]->version->metrics[0]->value, 7);
    /* Returns: alcohol police, probation; youth fire (late), police, probation (missing). */
    ck_assert_uint_eq(m->n_returns, 5);
    ck_assert_str_eq(m->returns[2]->agency_code, "fire");
    ck_assert_int_eq(m->returns[2]->status, SAFER__RETURN_STATUS__RETURN_LATE);
    ck_assert_int_eq(m->returns[4]->status, SAFER__RETURN_STATUS__RETURN_MISSING);
    /* The newest change in the data, never the clock. */
    ck_assert_int_eq(m->built, 1823600000);
    pack_model_free(m);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_pack_model_matters_arising_carried)
{
    storefix f;
    Safer__PackModel *m;

    setup(&f);
    m = load(&f, M4);
    /* The action raised at M4 itself is not a matter arising. */
    ck_assert_uint_eq(m->n_matters_arising, 2);
    ck_assert_str_eq(m->matters_arising[0]->meeting_date, M1);
    ck_assert_uint_eq(m->matters_arising[0]->carried, 2);
    ck_assert_uint_eq(m->matters_arising[0]->n_owners, 2);
    ck_assert_str_eq(m->matters_arising[0]->owners[0], "DP");
    ck_assert_str_eq(m->matters_arising[0]->owners[1], "PL");
    ck_assert_str_eq(m->matters_arising[1]->meeting_date, M2);
    ck_assert_uint_eq(m->matters_arising[1]->carried, 1);
    pack_model_free(m);
    /* As of M2, the M1 action has been carried past no meeting yet. */
    m = load(&f, M2);
    ck_assert_uint_eq(m->n_matters_arising, 1);
    ck_assert_uint_eq(m->matters_arising[0]->carried, 0);
    pack_model_free(m);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_pack_model_series_over_meetings)
{
    storefix f;
    Safer__PackModel *m;
    const Safer__MetricSeries *s = NULL;

    setup(&f);
    m = load(&f, M4);
    for (size_t i = 0; i < m->n_series; i++) {
        if (strcmp(m->series[i]->group_code, "alcohol") == 0
            && strcmp(m->series[i]->agency_code, "police") == 0)
            s = m->series[i];
    }
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->metric, "Arrests");
    ck_assert_uint_eq(s->n_points, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(s->points[i]->date, dates[i]);
        ck_assert_int_eq(s->points[i]->value, (int)i + 1);
        ck_assert_int_eq(s->points[i]->has_target, 1);
    }
    /* Only series of papers in this pack: alcohol police/probation, youth fire/police. */
    ck_assert_uint_eq(m->n_series, 4);
    pack_model_free(m);
    /* At M2 the police series has two points. */
    m = load(&f, M2);
    ck_assert_uint_eq(m->n_series, 1);
    ck_assert_uint_eq(m->series[0]->n_points, 2);
    pack_model_free(m);
    storefix_teardown(&f);
}
END_TEST

/* The packed bytes of the model of date. */
static uint8_t *packed(storefix *f, const char *date, int64_t now, size_t *len)
{
    Safer__PackModel *m = NULL;
    uint8_t *buf = NULL;

    ck_assert_int_eq(pack_model_load(f->st, date, now, &m), 0);
    ck_assert_int_eq(pack_model_pack(m, &buf, len), 0);
    pack_model_free(m);
    return buf;
}

START_TEST(test_pack_model_load_is_deterministic)
{
    storefix f;
    uint8_t *a, *b;
    size_t na = 0, nb = 0;
    Safer__PackModel *m = NULL;

    setup(&f);
    a = packed(&f, M4, NOW, &na);
    b = packed(&f, M4, NOW + 3600, &nb);
    ck_assert_uint_gt(na, 100);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(a, b, na), 0);
    /* A packed model unpacks to the same model. */
    ck_assert_int_eq(pack_model_unpack(a, na, &m), 0);
    ck_assert_uint_eq(m->n_papers, 4);
    pack_model_free(m);
    ck_assert_int_eq(pack_model_unpack(a, na / 2, &m), SAFER_E_INVAL);
    ck_assert_ptr_null(m);
    free(a);
    free(b);
    ck_assert_int_eq(pack_model_load(f.st, "2027-10-21", NOW, &m), SAFER_E_NOTFOUND);
    ck_assert_int_eq(pack_model_load(f.st, "2027-13-01", NOW, &m), SAFER_E_INVAL);
    storefix_teardown(&f);
}
END_TEST

/* Publishes M4 as it stands at now; returns the job's code. */
static int publish(storefix *f, int64_t now, pack_publish *p)
{
    int rc;

    memset(p, 0, sizeof(*p));
    p->now = now;
    snprintf(p->actor, sizeof(p->actor), "CH");
    snprintf(p->date, sizeof(p->date), M4);
    ck_assert_int_eq(pack_model_load(f->st, M4, now, &p->model), 0);
    rc = store_run(f->st, pack_publish_job, p);
    return rc;
}

static int has_change(const Safer__PackModel *m, const char *line)
{
    for (size_t i = 0; i < m->n_changes; i++) {
        if (strcmp(m->changes[i], line) == 0)
            return 1;
    }
    return 0;
}

START_TEST(test_pack_publish_editions_and_changes)
{
    storefix f;
    pack_publish p;
    Safer__PackModel *m = NULL;
    int64_t mid = 0;
    board_job j;

    setup(&f);
    ck_assert_int_eq(board_meeting_id(f.st, M4, &mid), 0);
    ck_assert_int_eq(pack_edition_load(f.st, mid, 0, &m), SAFER_E_NOTFOUND);
    ck_assert_int_eq(publish(&f, NOW, &p), 0);
    ck_assert_uint_eq(p.edition, 1);
    ck_assert_uint_eq(p.model->n_changes, 0);
    pack_publish_clear(&p);
    ck_assert_int_eq(storefix_int(&f, "SELECT published FROM meetings WHERE date = '" M4 "'"), NOW);
    ck_assert_int_eq(
        storefix_int(&f, "SELECT count(*) FROM audit WHERE action = 'pack.publish'"), 1);

    /* The same data again, later: nothing to publish, nothing written. */
    ck_assert_int_eq(publish(&f, NOW + 60, &p), SAFER_E_PRECOND);
    ck_assert_str_eq(p.why, "nothing has changed since edition 1");
    pack_publish_clear(&p);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM pack_editions"), 1);

    /* A revision and a change of attendance make edition 2. */
    submit(&f, M4, "alcohol", "police", p_pl, NOW + 100, 9, NULL, 40);
    memset(&j, 0, sizeof(j));
    snprintf(j.date, sizeof(j.date), M4);
    snprintf(j.initials, sizeof(j.initials), "FL");
    j.presence = BOARD_PRESENT;
    board_run(&f, board_attendance_job, &j);
    ck_assert_int_eq(publish(&f, NOW + 200, &p), 0);
    ck_assert_uint_eq(p.edition, 2);
    ck_assert_msg(has_change(p.model, "police paper for Alcohol revised (version 2)"),
        "changes: %zu, first '%s'", p.model->n_changes,
        p.model->n_changes ? p.model->changes[0] : "");
    ck_assert(has_change(p.model, "Attendance changed"));
    ck_assert(!has_change(p.model, "Agenda changed"));
    pack_publish_clear(&p);

    /* Each edition is frozen as it was published. */
    ck_assert_int_eq(pack_edition_load(f.st, mid, 0, &m), 0);
    ck_assert_uint_eq(m->edition, 2);
    ck_assert_int_eq(m->published, NOW + 200);
    ck_assert_uint_eq(m->papers[0]->version->version, 2);
    ck_assert_uint_eq(m->n_changes, 2);
    pack_model_free(m);
    ck_assert_int_eq(pack_edition_load(f.st, mid, 1, &m), 0);
    ck_assert_uint_eq(m->edition, 1);
    ck_assert_uint_eq(m->papers[0]->version->version, 1);
    pack_model_free(m);
    ck_assert_int_eq(pack_edition_load(f.st, mid, 3, &m), SAFER_E_NOTFOUND);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_pack_publish_names_withdrawn_and_added)
{
    storefix f;
    pack_publish p;
    papers_withdraw w;

    setup(&f);
    ck_assert_int_eq(publish(&f, NOW, &p), 0);
    pack_publish_clear(&p);
    memset(&w, 0, sizeof(w));
    w.now = NOW + 10;
    snprintf(w.actor, sizeof(w.actor), "FL");
    snprintf(w.date, sizeof(w.date), M4);
    snprintf(w.group, sizeof(w.group), "youth");
    snprintf(w.agency, sizeof(w.agency), "fire");
    ck_assert_int_eq(store_run(f.st, papers_withdraw_job, &w), 0);
    submit(&f, M4, "youth", "probation", p_pb, NOW + 20, 1, NULL, 50);
    ck_assert_int_eq(publish(&f, NOW + 30, &p), 0);
    ck_assert_uint_eq(p.edition, 2);
    ck_assert(has_change(p.model, "fire paper for Youth withdrawn"));
    ck_assert(has_change(p.model, "probation paper for Youth added"));
    ck_assert_uint_eq(p.model->n_changes, 2);
    pack_publish_clear(&p);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_pack_publish_never_names_a_restricted_paper)
{
    storefix f;
    pack_publish p;
    papers_withdraw w;

    /* Probation's Alcohol paper is restricted to probation. Its revision and
     * its withdrawal are listed without naming the agency, because the list
     * is the same for every reader of the pack. */
    setup(&f);
    ck_assert_int_eq(publish(&f, NOW, &p), 0);
    pack_publish_clear(&p);
    submit(&f, M4, "alcohol", "probation", p_pb, NOW + 10, 8, "probation", 60);
    ck_assert_int_eq(publish(&f, NOW + 20, &p), 0);
    ck_assert_msg(has_change(p.model, "A restricted paper for Alcohol was revised"),
        "changes: %zu, first '%s'", p.model->n_changes,
        p.model->n_changes ? p.model->changes[0] : "");
    for (size_t i = 0; i < p.model->n_changes; i++)
        ck_assert_msg(strstr(p.model->changes[i], "probation") == NULL, "'%s' names the agency",
            p.model->changes[i]);
    pack_publish_clear(&p);
    memset(&w, 0, sizeof(w));
    w.now = NOW + 30;
    snprintf(w.actor, sizeof(w.actor), "PB");
    snprintf(w.date, sizeof(w.date), M4);
    snprintf(w.group, sizeof(w.group), "alcohol");
    snprintf(w.agency, sizeof(w.agency), "probation");
    ck_assert_int_eq(store_run(f.st, papers_withdraw_job, &w), 0);
    ck_assert_int_eq(publish(&f, NOW + 40, &p), 0);
    ck_assert(has_change(p.model, "A restricted paper for Alcohol was withdrawn"));
    for (size_t i = 0; i < p.model->n_changes; i++)
        ck_assert(strstr(p.model->changes[i], "probation") == NULL);
    pack_publish_clear(&p);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_pack_model_ignores_unrelated_changes)
{
    storefix f;
    uint8_t *a, *b;
    size_t na = 0, nb = 0;

    /* A draft's bytes depend on the meeting's data only: a change elsewhere
     * in the partnership (a new person, audited like any change) leaves the
     * model, and so its "as at" time, as it was. */
    setup(&f);
    a = packed(&f, M4, NOW, &na);
    storefix_person(&f, "NW", "fire", ROLE_BIT_MEMBER);
    b = packed(&f, M4, NOW, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_int_eq(memcmp(a, b, na), 0);
    free(a);
    free(b);
    storefix_teardown(&f);
}
END_TEST

static Suite *pack_model_suite(void)
{
    Suite *s = suite_create("pack_model");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pack_model_holds_the_meeting);
    tcase_add_test(tc, test_pack_publish_never_names_a_restricted_paper);
    tcase_add_test(tc, test_pack_model_ignores_unrelated_changes);
    tcase_add_test(tc, test_pack_model_papers_in_agenda_order_with_restricted);
    tcase_add_test(tc, test_pack_model_matters_arising_carried);
    tcase_add_test(tc, test_pack_model_series_over_meetings);
    tcase_add_test(tc, test_pack_model_load_is_deterministic);
    tcase_add_test(tc, test_pack_publish_editions_and_changes);
    tcase_add_test(tc, test_pack_publish_names_withdrawn_and_added);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pack_model_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
