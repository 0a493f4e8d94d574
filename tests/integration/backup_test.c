/*
 * Backups against a real saferd: a backup taken while 20 clients submit
 * papers holds every submission that was acknowledged before it began, the
 * copy passes `saferd check`, and a server started on the restored copy (with
 * the keys put back beside it) knows its people. `saferd check` names the row
 * of an audit log edited behind the server's back and passes a clean one;
 * restore refuses to overwrite a database; unknown flags are usage errors.
 *
 * The clients are threads, each with its own raw Noise session, submitting
 * with fresh idempotency keys. A thread counts a submission as acknowledged
 * before the backup only if its OK answer had arrived before the flag that
 * the main thread sets just before it starts `saferd backup`.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "support/boardfix.h"
#include "support/harness.h"
#include "support/peoplefix.h"

#define N_LEADS 4
#define N_GROUPS 5
#define N_CLIENTS (N_LEADS * N_GROUPS) /* 20: one per (lead, group) paper */
#define PER_CLIENT_MAX 60              /* below PAPERS_VERSIONS_MAX per paper */
#define ACKED_BEFORE_MIN 40            /* submissions acknowledged before the backup starts */

static hx_result res;

/*
 * The servers a test started, stopped at exit: each test runs in a child
 * process of its own (Check's fork mode), which exits on a failed assertion.
 */
static hx_server srv, srv2;

static void servers_cleanup(void)
{
    if (srv2.pid > 0)
        hx_server_stop(&srv2);
    hx_server_cleanup(&srv);
    srv.root[0] = '\0';
}

static const char *const lead_agency[N_LEADS] = { "council", "police", "fire", "probation" };
static const char *const lead_initials[N_LEADS] = { "MA", "RR", "SD", "JD" };

/* What the submitting threads share with the main thread. */
static atomic_int backup_began; /* set just before `saferd backup` starts */
static atomic_int stop;         /* set once it has finished */
static atomic_int acked;        /* OK answers received so far, by every client */

/* One client: its session's owner, its paper, and what it had acknowledged. */
typedef struct client {
    const hx_server *srv;
    const char *home;
    char group[16];
    const char *date;
    int sent;                                        /* submissions acknowledged */
    int before;                                      /* of them, acknowledged before the backup */
    uint8_t keys[PER_CLIENT_MAX][HX_IDEM_KEY_BYTES]; /* in order; the first `before` count */
    int failed;                                      /* a submission got no OK answer */
} client;

static void *client_run(void *arg)
{
    static const char body[] = "# Progress\n\nNumbers went the right way this month.\n";
    client *c = arg;
    hx_raw r;
    pb_budget b;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    if (hx_raw_as(&r, c->srv, c->home) != 0) {
        c->failed = 1;
        return NULL;
    }
    while (!atomic_load(&stop) && c->sent < PER_CLIENT_MAX) {
        hx_submit sub = { c->date, c->group, "Monthly update", SAFER__RAG__RAG_GREEN,
            (const uint8_t *)body, strlen(body), c->keys[c->sent] };
        Safer__Response *rs;

        randombytes_buf(c->keys[c->sent], HX_IDEM_KEY_BYTES);
        rs = hx_raw_submit(&r, &b, (uint64_t)c->sent + 1, &sub);
        if (!rs || rs->status != SAFER__STATUS__OK) {
            if (rs)
                fprintf(stderr, "client %s: status %d: %s\n", c->group, rs->status, rs->message);
            pb_response_free(&b, rs);
            c->failed = 1;
            break;
        }
        pb_response_free(&b, rs);
        /* Read after the answer arrived: 0 means it arrived before the flag was set. */
        if (!atomic_load(&backup_began))
            c->before = c->sent + 1;
        c->sent++;
        atomic_fetch_add(&acked, 1);
    }
    hx_raw_close(&r);
    return NULL;
}

/* Copies the file from into to (0600). Returns 0 or -1. */
static int copy_file(const char *from, const char *to)
{
    char buf[4096];
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ssize_t n;
    int ret = -1;

    if (in < 0 || out < 0)
        goto out;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (write(out, buf, (size_t)n) != n)
            goto out;
    }
    ret = n == 0 ? 0 : -1;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return ret;
}

/* How many report versions in the database file db carry the key. */
static int versions_with_key(sqlite3 *db, const uint8_t key[HX_IDEM_KEY_BYTES])
{
    sqlite3_stmt *st = NULL;
    int n = -1;

    if (sqlite3_prepare_v2(
            db, "SELECT count(*) FROM report_versions WHERE idem_key = ?", -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_bind_blob(st, 1, key, HX_IDEM_KEY_BYTES, SQLITE_STATIC) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Sets up the partnership: an admin, a chair, four leads, five groups, a meeting. */
static void partnership(hx_server *s, char homes[N_LEADS][HX_PATH_MAX], char *day)
{
    char admin[HX_PATH_MAX], chair[HX_PATH_MAX], deadline[HX_DATE_BYTES];

    hx_date(14, day);
    hx_date(7, deadline);
    ck_assert_int_eq(hx_enrol(s, "AD", s->invite, admin, sizeof(admin)), 0);
    for (int i = 1; i < N_LEADS; i++)
        ck_assert_int_eq(hx_agency_add(admin, lead_agency[i], lead_agency[i]), 0);
    ck_assert_int_eq(hx_person_enrol(s, admin, "DP", "council", "chair", chair, sizeof(chair)), 0);
    for (int i = 0; i < N_LEADS; i++)
        ck_assert_int_eq(hx_person_enrol(s, admin, lead_initials[i], lead_agency[i], "lead",
                             homes[i], HX_PATH_MAX),
            0);
    for (int g = 0; g < N_GROUPS; g++) {
        char code[16], name[32];

        snprintf(code, sizeof(code), "group-%d", g);
        snprintf(name, sizeof(name), "Group %d", g);
        hx_safer(
            admin, &res, "group", "add", code, name, "--agencies", "council,police,fire,probation");
        ck_assert_msg(res.status == 0, "group add: %s", res.err);
    }
    hx_safer(chair, &res, "meeting", "add", day, "--time", "10:00", "--venue", "Town Hall",
        "--deadline", deadline);
    ck_assert_msg(res.status == 0, "meeting add: %s", res.err);
}

/* Starts the clients, waits for some acknowledgements, backs up, stops them. */
static void submit_during_backup(hx_server *s, client *cl, const char *copy)
{
    pthread_t th[N_CLIENTS];
    struct timespec pause = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < N_CLIENTS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, client_run, &cl[i]), 0);
    for (int waited = 0; atomic_load(&acked) < ACKED_BEFORE_MIN && waited < 3000; waited++)
        nanosleep(&pause, NULL);
    atomic_store(&backup_began, 1);
    hx_saferd(&res, "backup", s->dir, copy);
    atomic_store(&stop, 1);
    for (int i = 0; i < N_CLIENTS; i++)
        pthread_join(th[i], NULL);
    ck_assert_msg(res.status == 0, "backup failed (%d): %s", res.status, res.err);
    ck_assert_msg(strncmp(res.out, "Backed up ", 10) == 0, "backup said: %s", res.out);
    ck_assert_msg(strstr(res.out, "schema v") && strstr(res.out, "audit rows"), "%s", res.out);
}

/* Every submission acknowledged before the backup is in the copy, once. */
static void assert_copy_holds(const client *cl, const char *copy)
{
    sqlite3 *db = NULL;
    int before = 0, after = 0;

    ck_assert_int_eq(sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    for (int i = 0; i < N_CLIENTS; i++) {
        ck_assert_msg(!cl[i].failed, "client %d failed to submit", i);
        for (int k = 0; k < cl[i].before; k++)
            ck_assert_msg(versions_with_key(db, cl[i].keys[k]) == 1,
                "client %d: submission %d was acknowledged before the backup but is not in it", i,
                k);
        before += cl[i].before;
        after += cl[i].sent - cl[i].before;
    }
    sqlite3_close(db);
    ck_assert_int_ge(before, ACKED_BEFORE_MIN);
    fprintf(stderr, "backup: %d submissions acknowledged before it, %d during or after\n", before,
        after);
}

START_TEST(test_backup_during_submissions_keeps_acknowledged)
{
    static client cl[N_CLIENTS];
    char homes[N_LEADS][HX_PATH_MAX], day[HX_DATE_BYTES];
    char copy[HX_PATH_MAX + 16], dir2[HX_PATH_MAX + 16], key[HX_PATH_MAX + 16];
    char from[HX_PATH_MAX + 16], to[HX_PATH_MAX + 32];

    atexit(servers_cleanup);
    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, NULL), 0);
    partnership(&srv, homes, day);
    for (int i = 0; i < N_CLIENTS; i++) {
        cl[i].srv = &srv;
        cl[i].home = homes[i % N_LEADS];
        cl[i].date = day;
        snprintf(cl[i].group, sizeof(cl[i].group), "group-%d", i / N_LEADS);
    }
    snprintf(copy, sizeof(copy), "%s/copy.db", srv.root);
    submit_during_backup(&srv, cl, copy);
    assert_copy_holds(cl, copy);
    {
        char tmp[HX_PATH_MAX + 32];
        struct stat sb;

        ck_assert_int_eq(stat(copy, &sb), 0);
        ck_assert_int_eq(sb.st_mode & 0777, 0600);
        snprintf(tmp, sizeof(tmp), "%s.tmp", copy);
        ck_assert_int_ne(access(tmp, F_OK), 0);
    }

    /* The copy passes the same checks, its audit head sealed under the server's key. */
    snprintf(key, sizeof(key), "%s/server.key", srv.dir);
    hx_saferd(&res, "check", "--key", key, copy);
    ck_assert_msg(res.status == 0, "check of the copy failed: %s%s", res.out, res.err);
    ck_assert_ptr_nonnull(strstr(res.out, "integrity: ok"));
    ck_assert_ptr_nonnull(strstr(res.out, "audit: intact"));

    /* Restore into a fresh folder with the keys put back, and serve it. */
    ck_assert_int_eq(hx_server_stop(&srv), 0);
    snprintf(dir2, sizeof(dir2), "%s/restored", srv.root);
    ck_assert_int_eq(mkdir(dir2, 0700), 0);
    for (int i = 0; i < 2; i++) {
        const char *name = i == 0 ? "server.key" : "sign.key";

        snprintf(from, sizeof(from), "%s/%s", srv.dir, name);
        snprintf(to, sizeof(to), "%s/%s", dir2, name);
        ck_assert_int_eq(copy_file(from, to), 0);
    }
    hx_saferd(&res, "restore", copy, dir2);
    ck_assert_msg(res.status == 0, "restore failed: %s", res.err);
    ck_assert_ptr_nonnull(strstr(res.out, "Restored "));
    hx_saferd(&res, "restore", copy, dir2);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "restored/safer.db already holds a database"), "%s", res.err);
    hx_saferd(&res, "check", dir2);
    ck_assert_msg(res.status == 0, "check of the restored folder: %s%s", res.out, res.err);

    srv2 = srv;
    snprintf(srv2.dir, sizeof(srv2.dir), "%s", dir2);
    snprintf(srv2.log, sizeof(srv2.log), "%s/restored.log", srv.root);
    ck_assert_int_eq(hx_server_start(&srv2, NULL), 0);
    hx_safer(homes[0], &res, "whoami");
    ck_assert_msg(res.status == 0, "whoami on the restored server: %s", res.err);
    ck_assert_ptr_nonnull(strstr(res.out, "MA"));
    ck_assert_int_eq(hx_server_stop(&srv2), 0);
}
END_TEST

START_TEST(test_check_names_edited_audit_row)
{
    char admin[HX_PATH_MAX];

    atexit(servers_cleanup);
    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, NULL), 0);
    ck_assert_int_eq(hx_enrol(&srv, "AD", srv.invite, admin, sizeof(admin)), 0);
    ck_assert_int_eq(hx_agency_add(admin, "police", "Cheshire Constabulary"), 0);
    ck_assert_int_eq(hx_agency_add(admin, "fire", "Cheshire Fire and Rescue Service"), 0);
    ck_assert_int_ge(hx_sql_int(&srv, "SELECT count(*) FROM audit"), 3);

    /* While the server runs, the clean log passes. */
    hx_saferd(&res, "check", srv.dir);
    ck_assert_msg(res.status == 0, "clean check failed: %s%s", res.out, res.err);
    ck_assert_ptr_nonnull(strstr(res.out, "integrity: ok"));
    ck_assert_ptr_nonnull(strstr(res.out, "schema: version"));
    ck_assert_ptr_nonnull(strstr(res.out, "(current)"));
    ck_assert_ptr_nonnull(strstr(res.out, "audit: intact"));

    ck_assert_int_eq(hx_server_stop(&srv), 0);
    ck_assert_int_eq(
        hx_sql_exec(&srv, "UPDATE audit SET detail = detail || ' (edited)' WHERE id = 2"), 0);
    hx_saferd(&res, "check", srv.dir);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.out, "integrity: ok"), "%s", res.out);
    ck_assert_msg(strstr(res.out, "audit: broken at row 2:"), "%s", res.out);
    ck_assert_msg(strstr(res.out, "changed after it was written"), "%s", res.out);

    /* A backup of the edited log fails its check and leaves FILE unwritten. */
    {
        char copy[HX_PATH_MAX + 16];

        snprintf(copy, sizeof(copy), "%s/bad.db", srv.root);
        hx_saferd(&res, "backup", srv.dir, copy);
        ck_assert_int_eq(res.status, 1);
        ck_assert_msg(strstr(res.err, "audit: broken at row 2"), "%s", res.err);
        ck_assert_int_ne(access(copy, F_OK), 0);
    }
}
END_TEST

START_TEST(test_usage_errors_exit_2)
{
    hx_saferd(&res, "backup", "--bogus", "a", "b");
    ck_assert_int_eq(res.status, 2);
    ck_assert_ptr_nonnull(strstr(res.err, "unknown option \"--bogus\""));
    ck_assert_ptr_nonnull(strstr(res.err, "usage: saferd backup DIR FILE"));
    hx_saferd(&res, "check", "--bogus", "dir");
    ck_assert_int_eq(res.status, 2);
    ck_assert_ptr_nonnull(strstr(res.err, "usage: saferd check"));
    hx_saferd(&res, "restore", "only-a-file");
    ck_assert_int_eq(res.status, 2);
    ck_assert_ptr_nonnull(strstr(res.err, "DIR is missing"));
    hx_saferd(&res, "backup", "a", "b", "c");
    ck_assert_int_eq(res.status, 2);
    hx_saferd(&res, "backup", "--help");
    ck_assert_int_eq(res.status, 0);
    ck_assert_ptr_nonnull(strstr(res.out, "server.key"));
    ck_assert_ptr_nonnull(strstr(res.out, "backed up separately"));
    hx_saferd(&res, "check", "/nonexistent/safer-backup-test");
    ck_assert_int_eq(res.status, 1);
}
END_TEST

static Suite *backup_suite(void)
{
    Suite *s = suite_create("backup");
    TCase *tc = tcase_create("backup, restore and check");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_backup_during_submissions_keeps_acknowledged);
    tcase_add_test(tc, test_check_names_edited_audit_row);
    tcase_add_test(tc, test_usage_errors_exit_2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(backup_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
