/*
 * The life of one board meeting, as the seed minutes of a Community Safety
 * Partnership show it, driven only through the real `safer` binary against a
 * real saferd: agencies and people (known by initials), four task groups,
 * a meeting with its standard agenda shaped by the chair, papers (most on
 * time, one late, one missing, one revised twice), the returns table,
 * attendance with an apology and a substitute, actions with a single owner,
 * a shared owner and ALL, owners updating their own actions while others are
 * refused, minutes per item, and the next meeting approving those minutes,
 * which locks them, with an action left open showing it was carried; and
 * every one of those changes in the audit log, without a word of any paper.
 *
 * The expectations come from the spec, not from the server's code.
 * The server's clock is real, so dates are chosen at run time: the meeting
 * 60 days ago, the next 30 days ago (both passed, so the open action counts
 * one carried meeting) and a third 30 days ahead (not yet passed: it must
 * not count). To have papers on time for a meeting in the past, the test
 * moves the meeting's deadline ahead in the database while the on-time
 * papers go in, then back, and dates those papers back to before it, so
 * stored flags and times agree whichever the server reads.
 *
 * The cast, the groups, the papers and the attendance are the shared steps
 * of support/scenario.h (pack_test builds its packs on the same scenario);
 * the checks of what they did stay here.
 *
 * The tests run in order on one server; each builds on what the last left.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/boardfix.h"
#include "support/harness.h"
#include "support/peoplefix.h"
#include "support/scenario.h"

static char d1[HX_DATE_BYTES], dl1[HX_DATE_BYTES], d2[HX_DATE_BYTES], dl2[HX_DATE_BYTES];
static char d3[HX_DATE_BYTES], dl3[HX_DATE_BYTES], due1[HX_DATE_BYTES], tomorrow[HX_DATE_BYTES];

static void setup(void)
{
    hx_date(-60, d1);
    hx_date(-67, dl1);
    hx_date(-30, d2);
    hx_date(-37, dl2);
    hx_date(30, d3);
    hx_date(23, dl3);
    hx_date(-46, due1);
    hx_date(1, tomorrow);
    sc_start();
}

static void teardown(void)
{
    sc_stop();
}

/* A list answer, which must be there. */
static json_t *list_of(json_t *doc, const char *key)
{
    json_t *a = hx_jlist(doc, key);
    ck_assert_msg(a != NULL, "no '%s' array in: %s", key, sc_res.out);
    return a;
}

START_TEST(test_task_groups_with_member_agencies)
{
    json_t *doc, *groups, *g;

    sc_groups();
    REFUSED(MA, "PERMISSION_DENIED", "group", "add", "serious-violence", "Serious Violence",
        "--agencies", "police");

    OK(SA, "group", "list", "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    groups = list_of(doc, "groups");
    ck_assert_int_eq(json_array_size(groups), 4);
    g = hx_jfind(groups, "code", "crime-asb");
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(hx_jstr(g, "name"), "Crime, Anti-Social Behaviour and Partnership Tasking");
    ck_assert_msg(
        hx_jset_is(hx_jarr(g, "agencies"), "council,police,fire,housing"), "%s", sc_res.out);
    g = hx_jfind(groups, "code", "domestic-abuse");
    ck_assert_ptr_nonnull(g);
    ck_assert_msg(hx_jset_is(hx_jarr(g, "agencies"), "police,probation,yjs"), "%s", sc_res.out);
    json_decref(doc);
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM group_agencies"), 11);
}
END_TEST

/* The agenda of `meeting show D1 --json` is exactly these items, numbered 1..n. */
typedef struct item {
    const char *title, *kind, *group;
} item;

static void check_agenda(const item *want, size_t n)
{
    json_t *doc, *agenda;

    OK(SA, "meeting", "show", d1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    agenda = hx_jarr(doc, "agenda");
    ck_assert_msg(agenda && json_array_size(agenda) == n, "want %zu items: %s", n, sc_res.out);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(agenda, i);
        ck_assert_int_eq(hx_jint(e, "number"), (long long)i + 1);
        ck_assert_str_eq(hx_jstr(e, "title"), want[i].title);
        ck_assert_msg(hx_jenum(e, "kind", want[i].kind), "item %zu kind %s, want %s", i + 1,
            hx_jstr(e, "kind"), want[i].kind);
        ck_assert_str_eq(hx_jstr(e, "group_code"), want[i].group ? want[i].group : "");
    }
    json_decref(doc);
}

START_TEST(test_meeting_gets_the_standard_agenda)
{
    static const item want[] = {
        { "Welcome and introductions", "welcome", NULL },
        { "Apologies", "apologies", NULL },
        { "Minutes of the last meeting and matters arising", "minutes", NULL },
        { "Task group update: Alcohol", "group", "alcohol" },
        { "Task group update: Crime, Anti-Social Behaviour and Partnership Tasking", "group",
            "crime-asb" },
        { "Task group update: Domestic Abuse", "group", "domestic-abuse" },
        { "Task group update: Substance Misuse", "group", "substance-misuse" },
        { "Information items", "information", NULL },
        { "Any other business", "aob", NULL },
        { "Date and time of next meeting", "next_meeting", NULL },
    };
    json_t *doc, *m;

    REFUSED(MA, "PERMISSION_DENIED", "meeting", "add", d1, "--time", "10:00", "--venue", "x",
        "--deadline", dl1);
    OK(DP, "meeting", "add", d1, "--time", "10:00", "--venue",
        "Ground Floor Boardroom, Municipal Buildings, Widnes", "--deadline", dl1);
    check_agenda(want, sizeof(want) / sizeof(want[0]));
    OK(MA, "meeting", "show", d1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    m = json_object_get(doc, "meeting");
    ck_assert_str_eq(hx_jstr(m, "date"), d1);
    ck_assert_str_eq(hx_jstr(m, "time"), "10:00");
    ck_assert_str_eq(hx_jstr(m, "venue"), "Ground Floor Boardroom, Municipal Buildings, Widnes");
    ck_assert_str_eq(hx_jstr(m, "deadline"), dl1);
    json_decref(doc);
    OK(SA, "meeting", "list", "--json");
    ck_assert_msg(strstr(sc_res.out, d1) != NULL, "meeting list lacks %s: %s", d1, sc_res.out);
}
END_TEST

START_TEST(test_chair_shapes_the_agenda)
{
    static const item want[] = {
        { "Welcome and introductions", "welcome", NULL },
        { "Apologies", "apologies", NULL },
        { "Minutes of the last meeting and matters arising", "minutes", NULL },
        { "Task group update: Alcohol", "group", "alcohol" },
        { "Task group update: Crime, Anti-Social Behaviour and Partnership Tasking", "group",
            "crime-asb" },
        { "Task group update: Domestic Abuse", "group", "domestic-abuse" },
        { "Task group update: Substance Misuse", "group", "substance-misuse" },
        { "Prevent and Channel Panel", "other", NULL },
        { "Police and Crime Commissioner", "other", NULL },
        { "Serious Organised Crime", "information", NULL },
        { "Information items", "information", NULL },
        { "Any other business", "aob", NULL },
        { "Date and time of next meeting", "next_meeting", NULL },
    };

    OK(DP, "meeting", "agenda", "add", d1, "Prevent and Channel Panel", "--position", "8");
    OK(DP, "meeting", "agenda", "add", d1, "Police and Crime Commissioner", "--position", "9");
    /* Without a position an item goes just before AOB: number 11 here. */
    OK(DP, "meeting", "agenda", "add", d1, "Serious Organised Crime", "--kind", "information");
    OK(DP, "meeting", "agenda", "move", d1, "11", "--to", "10");
    OK(DP, "meeting", "agenda", "add", d1, "Withdrawn item");
    OK(DP, "meeting", "agenda", "remove", d1, "12");
    REFUSED(MA, "PERMISSION_DENIED", "meeting", "agenda", "add", d1, "A lead's item");
    check_agenda(want, sizeof(want) / sizeof(want[0]));
}
END_TEST

START_TEST(test_papers_on_time_late_revised)
{
    char sql[256];
    json_t *doc, *versions, *latest, *metric;

    sc_papers(d1, dl1, tomorrow, 0);

    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM report_versions"), 12);
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM reports"), 10);
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM report_versions WHERE late = 1"), 1);
    ck_assert_int_eq(
        hx_sql_int(&sc_srv, "SELECT count(*) FROM audit WHERE action = 'report.submit'"), 12);

    /* Every version is kept; show gives the latest unless asked. */
    OK(MA, "report", "history", d1, "crime-asb", "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    versions = hx_jarr(doc, "versions");
    ck_assert_msg(versions && json_array_size(versions) == 3, "history: %s", sc_res.out);
    for (size_t i = 0; i < 3; i++) {
        char title[32];
        snprintf(title, sizeof(title), "Tasking v%zu", i + 1);
        ck_assert_int_eq(hx_jint(json_array_get(versions, i), "version"), (long long)i + 1);
        ck_assert_str_eq(hx_jstr(json_array_get(versions, i), "title"), title);
    }
    json_decref(doc);
    OK(MA, "report", "show", d1, "crime-asb");
    ck_assert_msg(
        strstr(sc_res.out, "MARKER-V3") && !strstr(sc_res.out, "MARKER-V1"), "%s", sc_res.out);
    OK(MA, "report", "show", d1, "crime-asb", "--version", "1");
    ck_assert_msg(
        strstr(sc_res.out, "MARKER-V1") && !strstr(sc_res.out, "MARKER-V3"), "%s", sc_res.out);
    OK(DP, "report", "show", d1, "crime-asb", "--agency", "council", "--version", "2");
    ck_assert_msg(strstr(sc_res.out, "MARKER-V2") != NULL, "%s", sc_res.out);

    /* The chair reads the police paper's metrics. */
    OK(DP, "report", "show", d1, "alcohol", "--agency", "police", "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    /* The answer may be the Report itself or the ReportResponse around it. */
    latest = json_object_get(doc, "report")
        ? json_object_get(json_object_get(doc, "report"), "latest")
        : json_object_get(doc, "latest");
    ck_assert_msg(hx_jenum(latest, "rag", "amber"), "%s", sc_res.out);
    ck_assert_msg(hx_jenum(latest, "marking", "official"), "%s", sc_res.out);
    ck_assert_int_eq(json_array_size(hx_jarr(latest, "metrics")), 2);
    metric = json_array_get(hx_jarr(latest, "metrics"), 0);
    ck_assert_str_eq(hx_jstr(metric, "name"), "test purchases");
    ck_assert(json_number_value(json_object_get(metric, "value")) == 12.0);
    ck_assert(hx_jbool(metric, "has_target"));
    ck_assert(json_number_value(json_object_get(metric, "target")) == 10.0);
    json_decref(doc);

    /* A task-group item with papers cannot leave the agenda. */
    REFUSED(DP, "FAILED_PRECONDITION", "meeting", "agenda", "remove", d1, "5");
    snprintf(sql, sizeof(sql),
        "SELECT count(*) FROM agenda_items WHERE meeting_id ="
        " (SELECT id FROM meetings WHERE date = '%s')",
        d1);
    ck_assert_int_eq(hx_sql_int(&sc_srv, sql), 13);
}
END_TEST

/* The rows of `safer returns D1 --json` as who are exactly want, in order
 * ("group/agency/status" each). */
static void check_returns(int who, const char *const *want, size_t n)
{
    json_t *doc, *rows;

    OK(who, "returns", d1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    rows = list_of(doc, "rows");
    ck_assert_msg(json_array_size(rows) == n, "as %s: want %zu rows: %s", sc_cast[who].initials, n,
        sc_res.out);
    for (size_t i = 0; i < n; i++) {
        char g[64], a[64], st[32];
        json_t *row = json_array_get(rows, i);
        ck_assert_int_eq(sscanf(want[i], "%63[^/]/%63[^/]/%31s", g, a, st), 3);
        ck_assert_msg(strcmp(hx_jstr(row, "group_code"), g) == 0
                && strcmp(hx_jstr(row, "agency_code"), a) == 0 && hx_jenum(row, "status", st),
            "as %s: row %zu is %s/%s/%s, want %s", sc_cast[who].initials, i,
            hx_jstr(row, "group_code"), hx_jstr(row, "agency_code"), hx_jstr(row, "status"),
            want[i]);
    }
    json_decref(doc);
}

START_TEST(test_returns_show_on_time_late_missing)
{
    static const char *const all[] = {
        "alcohol/council/on_time",
        "alcohol/police/on_time",
        "crime-asb/council/on_time",
        "crime-asb/fire/late",
        "crime-asb/housing/on_time",
        "crime-asb/police/on_time",
        "domestic-abuse/police/on_time",
        "domestic-abuse/probation/on_time",
        "domestic-abuse/yjs/missing",
        "substance-misuse/police/on_time",
        "substance-misuse/probation/on_time",
    };
    static const char *const yjs[] = { "domestic-abuse/yjs/missing" };
    static const char *const fire[] = { "crime-asb/fire/late" };
    static const char *const police[] = { "alcohol/police/on_time", "crime-asb/police/on_time",
        "domestic-abuse/police/on_time", "substance-misuse/police/on_time" };

    check_returns(DP, all, sizeof(all) / sizeof(all[0]));
    check_returns(GJ, yjs, 1);
    check_returns(SD, fire, 1);
    check_returns(RR, police, 4);
    OK(DP, "returns", d1);
    ck_assert_msg(hx_contains_ci(sc_res.out, "late") && hx_contains_ci(sc_res.out, "missing")
            && (hx_contains_ci(sc_res.out, "on time") || hx_contains_ci(sc_res.out, "on_time")),
        "the returns table: %s", sc_res.out);
    REFUSED(SA, "PERMISSION_DENIED", "returns", d1);
}
END_TEST

START_TEST(test_attendance_with_apologies_and_substitute)
{
    json_t *doc, *att, *e;

    sc_attendance(d1);
    REFUSED(MA, "PERMISSION_DENIED", "attendance", d1, "RR", "--present");

    OK(SA, "meeting", "show", d1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    att = hx_jarr(doc, "attendance");
    ck_assert_msg(att && json_array_size(att) == 11, "attendance: %s", sc_res.out);
    e = hx_jfind(att, "initials", "KT");
    ck_assert_msg(e && hx_jenum(e, "presence", "apologies"), "KT: %s", sc_res.out);
    ck_assert_str_eq(hx_jstr(e, "substitute"), "Jo Deputy");
    e = hx_jfind(att, "initials", "DY");
    ck_assert_msg(e && hx_jenum(e, "presence", "apologies"), "DY: %s", sc_res.out);
    ck_assert_str_eq(hx_jstr(e, "substitute"), "");
    e = hx_jfind(att, "initials", "GJ");
    ck_assert_msg(e && hx_jenum(e, "presence", "present"), "GJ: %s", sc_res.out);
    /* A meeting in the past with attendance recorded has been held. */
    ck_assert_msg(hx_jenum(json_object_get(doc, "meeting"), "status", "held"), "%s", sc_res.out);
    json_decref(doc);
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM attendance"), 11);
}
END_TEST

static long long action_id(const char *text)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT id FROM actions WHERE text = '%s'", text);
    return hx_sql_int(&sc_srv, sql);
}

static long long action_status(long long id)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT status FROM actions WHERE id = %lld", id);
    return hx_sql_int(&sc_srv, sql);
}

#define T_PCC "Follow up contact with the PCC office"
#define T_BRIEF "Brief DC monthly on tasking"
#define T_FUND "Bring the PCC funding reports to the partnership"
#define T_PREVENT "Return comments on the Prevent arrangements to DP"
#define T_DRUGS "Link the drugs strategy to the HWBB outcomes"

/* The ids `action list A1 [A2] --json` gives who, sorted, as "1,4,5" (the
 * order of the listing is not part of the spec). */
static void listed_ids(int who, char *buf, size_t len, const char *a1, const char *a2)
{
    json_t *doc;

    if (a2)
        OK(who, "action", "list", a1, a2, "--json");
    else
        OK(who, "action", "list", a1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(hx_jids(list_of(doc, "actions"), buf, len), 0);
    json_decref(doc);
}

START_TEST(test_actions_owned_shared_and_all)
{
    long long pcc, brief, fund, prevent, drugs;
    json_t *doc, *arr, *e;

    OK(DP, "action", "add", d1, "--item", "3", "--owner", "DP", T_PCC, "--due", due1);
    OK(DP, "action", "add", d1, "--item", "5", "--owner", "MA", T_BRIEF, "--due", due1);
    OK(DP, "action", "add", d1, "--item", "9", "--owner", "DP/MA", T_FUND, "--due", due1);
    OK(DP, "action", "add", d1, "--item", "8", "--owner", "ALL", T_PREVENT, "--due", due1);
    OK(DP, "action", "add", d1, "--item", "7", "--owner", "JD", T_DRUGS, "--due", d3);
    REFUSED(MA, "PERMISSION_DENIED", "action", "add", d1, "--item", "3", "--owner", "MA", "x",
        "--due", d3);
    pcc = action_id(T_PCC);
    brief = action_id(T_BRIEF);
    fund = action_id(T_FUND);
    prevent = action_id(T_PREVENT);
    drugs = action_id(T_DRUGS);
    ck_assert(pcc > 0 && brief > 0 && fund > 0 && prevent > 0 && drugs > 0);
    /* DP, MA, DP and MA, none for ALL (it is a flag), JD. */
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM action_owners"), 5);
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM actions WHERE all_owners = 1"), 1);

    OK(SA, "action", "list", "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    arr = list_of(doc, "actions");
    ck_assert_int_eq(json_array_size(arr), 5);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        e = json_array_get(arr, i);
        if (hx_jint(e, "id") == fund)
            ck_assert_msg(hx_jset_is(hx_jarr(e, "owners"), "DP,MA") && !hx_jbool(e, "all"),
                "shared: %s", sc_res.out);
        if (hx_jint(e, "id") == prevent)
            ck_assert_msg(hx_jbool(e, "all") && json_array_size(hx_jarr(e, "owners")) == 0,
                "ALL: %s", sc_res.out);
        if (hx_jint(e, "id") == pcc) {
            ck_assert_msg(hx_jset_is(hx_jarr(e, "owners"), "DP"), "single: %s", sc_res.out);
            ck_assert_int_eq(hx_jint(e, "item"), 3);
            ck_assert_str_eq(hx_jstr(e, "meeting_date"), d1);
            ck_assert_str_eq(hx_jstr(e, "due"), due1);
            ck_assert_msg(hx_jenum(e, "status", "open"), "%s", sc_res.out);
        }
    }
    json_decref(doc);
}
END_TEST

START_TEST(test_owners_update_their_own_actions)
{
    char ids[128], want[128], sid[32];
    long long pcc = action_id(T_PCC), brief = action_id(T_BRIEF), fund = action_id(T_FUND);
    long long prevent = action_id(T_PREVENT), drugs = action_id(T_DRUGS);
    hx_board_counts before, after;
    json_t *doc, *e, *up;

    /* Someone who owns none of it is refused, and nothing changes. */
    hx_board_counts_take(&sc_srv, &before);
    snprintf(sid, sizeof(sid), "%lld", brief);
    REFUSED(DC, "PERMISSION_DENIED", "action", "update", sid, "--status", "done");
    snprintf(sid, sizeof(sid), "%lld", fund);
    REFUSED(SD, "PERMISSION_DENIED", "action", "update", sid, "--status", "done");
    hx_board_counts_take(&sc_srv, &after);
    ck_assert(hx_board_counts_same(&before, &after));
    ck_assert_int_eq(action_status(brief), 1);
    ck_assert_int_eq(action_status(fund), 1);

    /* Owners update their own: one of a shared pair, a single owner, anyone for ALL. */
    OK(MA, "action", "update", sid, "--status", "done", "--note", "Reports now shared");
    snprintf(sid, sizeof(sid), "%lld", brief);
    OK(MA, "action", "update", sid, "--status", "done", "--note", "Monthly briefing in place");
    snprintf(sid, sizeof(sid), "%lld", prevent);
    OK(SA, "action", "update", sid, "--status", "open", "--note", "Comments sent to DP");
    snprintf(sid, sizeof(sid), "%lld", drugs);
    OK(JD, "action", "update", sid, "--status", "dropped", "--note", "Superseded");
    /* The chair may update any action: it reopens the dropped one. */
    OK(DP, "action", "update", sid, "--status", "open", "--note", "Still needed");
    ck_assert_int_eq(action_status(pcc), 1);
    ck_assert_int_eq(action_status(brief), 2);
    ck_assert_int_eq(action_status(fund), 2);
    ck_assert_int_eq(action_status(prevent), 1);
    ck_assert_int_eq(action_status(drugs), 1);
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM action_updates"), 5);

    OK(MA, "action", "list", "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    e = hx_jfind(list_of(doc, "actions"), "text", T_FUND);
    ck_assert_ptr_nonnull(e);
    up = json_array_get(hx_jarr(e, "updates"), 0);
    ck_assert_msg(up && strcmp(hx_jstr(up, "by"), "MA") == 0 && hx_jenum(up, "status", "done")
            && strcmp(hx_jstr(up, "note"), "Reports now shared") == 0,
        "update record: %s", sc_res.out);
    json_decref(doc);

    listed_ids(MA, ids, sizeof(ids), "--open", NULL);
    snprintf(want, sizeof(want), "%lld,%lld,%lld", pcc, prevent, drugs);
    ck_assert_str_eq(ids, want);
    listed_ids(SA, ids, sizeof(ids), "--mine", NULL);
    snprintf(want, sizeof(want), "%lld", prevent);
    ck_assert_str_eq(ids, want);
    listed_ids(MA, ids, sizeof(ids), "--mine", NULL);
    snprintf(want, sizeof(want), "%lld,%lld,%lld", brief, fund, prevent);
    ck_assert_str_eq(ids, want);
    listed_ids(DC, ids, sizeof(ids), "--overdue", NULL);
    snprintf(want, sizeof(want), "%lld,%lld", pcc, prevent);
    ck_assert_str_eq(ids, want);
    listed_ids(DP, ids, sizeof(ids), "--open", "--mine");
    snprintf(want, sizeof(want), "%lld,%lld", pcc, prevent);
    ck_assert_str_eq(ids, want);
}
END_TEST

START_TEST(test_minutes_per_item)
{
    static const char crime[] = "Report noted. A joint operation closed six crack houses.\n"
                                "MA will brief DC monthly.\n";
    char path[HX_PATH_MAX + 64];
    json_t *doc, *mins, *e;
    size_t n5 = 0;

    hx_path(path, sizeof(path), sc_srv.root, "minutes-crime.md");
    ck_assert_int_eq(hx_write_file(path, crime), 0);
    OK(DP, "minutes", "set", d1, "1", "--text", "The Chair welcomed everyone.");
    OK(DP, "minutes", "set", d1, "3", "--text", "Minutes of the last meeting were agreed.");
    OK(DP, "minutes", "set", d1, "5", "--file", path);
    OK(DP, "minutes", "set", d1, "12", "--text", "DP thanked the PCSOs.");
    OK(DP, "minutes", "set", d1, "1", "--text", "The Chair welcomed everyone to the meeting.");
    REFUSED(MA, "PERMISSION_DENIED", "minutes", "set", d1, "4", "--text", "A lead's minutes");
    ck_assert_int_eq(hx_sql_int(&sc_srv, "SELECT count(*) FROM minutes"), 4);

    OK(SA, "meeting", "show", d1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    mins = hx_jarr(doc, "minutes");
    ck_assert_msg(mins && json_array_size(mins) == 4, "minutes: %s", sc_res.out);
    for (size_t i = 0; i < json_array_size(mins); i++) {
        e = json_array_get(mins, i);
        if (hx_jint(e, "item") == 1)
            ck_assert_str_eq(hx_jstr(e, "text"), "The Chair welcomed everyone to the meeting.");
        if (hx_jint(e, "item") == 5) {
            ck_assert_str_eq(hx_jstr(e, "text"), crime);
            n5++;
        }
    }
    ck_assert_uint_eq(n5, 1);
    ck_assert(!hx_jbool(doc, "minutes_approved"));
    json_decref(doc);
}
END_TEST

START_TEST(test_next_meeting_approves_and_locks)
{
    char sql[256], want[160], text[128];
    hx_board_counts before, after;
    json_t *doc, *m, *e;
    long long pcc = action_id(T_PCC);
    int said;

    OK(DP, "meeting", "add", d2, "--time", "10:00", "--venue", "Municipal Buildings, Widnes",
        "--deadline", dl2);
    OK(DP, "meeting", "add", d3, "--time", "14:00", "--venue", "Runcorn Town Hall", "--deadline",
        dl3);
    /* Nothing comes before the first meeting; the spec names no status for it. */
    REFUSED(DP, "", "minutes", "approve", d1);
    OK(DP, "minutes", "approve", d2);
    said = hx_contains_ci(sc_res.out, "true and accurate record");

    OK(SA, "meeting", "show", d1, "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    m = json_object_get(doc, "meeting");
    ck_assert_str_eq(hx_jstr(m, "next_date"), d2);
    ck_assert_msg(hx_jenum(m, "status", "minutes_approved"), "%s", sc_res.out);
    ck_assert(hx_jbool(doc, "minutes_approved"));
    ck_assert_str_eq(hx_jstr(doc, "approved_at"), d2);
    json_decref(doc);
    OK(SA, "meeting", "show", d1);
    said |= hx_contains_ci(sc_res.out, "true and accurate record");
    ck_assert_msg(said,
        "neither minutes approve nor meeting show says the minutes were agreed as a true and "
        "accurate record: %s",
        sc_res.out);
    snprintf(sql, sizeof(sql),
        "SELECT count(*) FROM meetings a JOIN meetings b ON a.minutes_approved_by = b.id"
        " WHERE a.date = '%s' AND b.date = '%s'",
        d1, d2);
    ck_assert_int_eq(hx_sql_int(&sc_srv, sql), 1);
    ck_assert_int_eq(
        hx_sql_int(&sc_srv, "SELECT count(*) FROM audit WHERE action = 'minutes.approve'"), 1);

    /* Locked: minutes, agenda and a second approval are all refused, and
     * nothing changes. */
    hx_board_counts_take(&sc_srv, &before);
    REFUSED(DP, "FAILED_PRECONDITION", "minutes", "set", d1, "3", "--text", "Rewritten");
    snprintf(want, sizeof(want), "the minutes of %s were approved on %s and are locked", d1, d2);
    ck_assert_msg(strstr(sc_res.err, want) != NULL, "want '%s' in: %s", want, sc_res.err);
    REFUSED(DP, "FAILED_PRECONDITION", "minutes", "approve", d2);
    REFUSED(DP, "", "meeting", "agenda", "add", d1, "Too late");
    hx_board_counts_take(&sc_srv, &after);
    ck_assert(hx_board_counts_same(&before, &after));
    ck_assert_int_eq(hx_sql_text(&sc_srv,
                         "SELECT m.text FROM minutes m JOIN agenda_items i ON m.item_id = i.id"
                         " WHERE i.position = 3 AND i.meeting_id ="
                         " (SELECT id FROM meetings ORDER BY date LIMIT 1)",
                         text, sizeof(text)),
        0);
    ck_assert_str_eq(text, "Minutes of the last meeting were agreed.");
    /* The next meeting's own minutes are still open. */
    OK(DP, "minutes", "set", d2, "3", "--text", "Minutes agreed as a true and accurate record.");

    /* Still open after one meeting that has passed; the one ahead does not count. */
    OK(SA, "action", "list", "--json");
    doc = hx_json_out(&sc_res);
    ck_assert_ptr_nonnull(doc);
    e = hx_jfind_id(list_of(doc, "actions"), pcc);
    ck_assert_msg(e != NULL, "action %lld not listed: %s", pcc, sc_res.out);
    ck_assert_int_eq(hx_jint(e, "carried"), 1);
    json_decref(doc);
    OK(SA, "action", "list", "--open");
    ck_assert_msg(hx_contains_ci(sc_res.out, "carried"), "no carried column: %s", sc_res.out);
}
END_TEST

/* Every change above is in the audit log, and no paper's words are. */
START_TEST(test_every_change_is_audited)
{
    static const struct {
        const char *action;
        long long n;
    } want[] = {
        { "group.add", 4 },
        { "meeting.add", 3 },
        { "agenda.add", 4 },
        { "report.submit", 12 },
        { "action.add", 5 },
        { "action.update", 5 },
        { "attendance.set", 12 },
        { "minutes.set", 6 },
        { "minutes.approve", 1 },
    };
    char sql[160];

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        snprintf(
            sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action = '%s'", want[i].action);
        ck_assert_msg(hx_sql_int(&sc_srv, sql) == want[i].n, "%s: %lld audit rows, want %lld",
            want[i].action, hx_sql_int(&sc_srv, sql), want[i].n);
    }
    ck_assert_int_eq(hx_sql_int(&sc_srv,
                         "SELECT count(*) FROM audit WHERE detail LIKE '%MARKER%'"
                         " OR object LIKE '%MARKER%' OR detail LIKE '%crack houses%'"),
        0);
    OK(AD, "admin", "audit", "--verify");
    ck_assert_msg(strstr(sc_res.out, "audit log intact") != NULL, "%s", sc_res.out);
}
END_TEST

static Suite *meeting_life_suite(void)
{
    Suite *s = suite_create("meeting_life");
    TCase *tc = tcase_create("one meeting, start to finish");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_task_groups_with_member_agencies);
    tcase_add_test(tc, test_meeting_gets_the_standard_agenda);
    tcase_add_test(tc, test_chair_shapes_the_agenda);
    tcase_add_test(tc, test_papers_on_time_late_revised);
    tcase_add_test(tc, test_returns_show_on_time_late_missing);
    tcase_add_test(tc, test_attendance_with_apologies_and_substitute);
    tcase_add_test(tc, test_actions_owned_shared_and_all);
    tcase_add_test(tc, test_owners_update_their_own_actions);
    tcase_add_test(tc, test_minutes_per_item);
    tcase_add_test(tc, test_next_meeting_approves_and_locks);
    tcase_add_test(tc, test_every_change_is_audited);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(meeting_life_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
