/*
 * The store: opening and migrating, group commit on the writer thread with
 * completions on the loop, a failing job rolled back alone, reads that see
 * committed writes, duplicates reported as SAFER_E_EXISTS, data that survives
 * a reopen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <uv.h>

#include "common/err.h"
#include "server/schema.h"
#include "server/settings.h"
#include "server/store.h"
#include "support/storefix.h"

#define BATCH_JOBS 200

/* A job that sets key to value, then fails with fail if fail is not 0. */
struct set_job {
    char key[32];
    const char *value;
    int fail;
    uv_sem_t *started; /* if set, posted when the job starts */
    uv_sem_t *gate;    /* if set, the job waits on it before doing anything */
    int done_rc;       /* what done() reported */
    int done_calls;
    uv_thread_t done_thread;
};

/* Shared by the done callbacks of one test. */
struct batch_state {
    store *st;
    int remaining; /* done() calls still expected */
};

static struct batch_state batch;

static int set_job_fn(store_tx *tx, void *arg)
{
    struct set_job *j = arg;
    int rc;

    if (j->started)
        uv_sem_post(j->started);
    if (j->gate)
        uv_sem_wait(j->gate);
    rc = settings_set_tx(tx, j->key, j->value);
    if (rc < 0)
        return rc;
    return j->fail;
}

static void set_job_done(void *arg, int rc)
{
    struct set_job *j = arg;

    j->done_rc = rc;
    j->done_calls++;
    j->done_thread = uv_thread_self();
    /* The last completion stops the writer from inside its own callback. */
    if (--batch.remaining == 0)
        store_stop_writer(batch.st);
}

static void set_job_init(struct set_job *j, const char *key, const char *value)
{
    memset(j, 0, sizeof(*j));
    snprintf(j->key, sizeof(j->key), "%s", key);
    j->value = value;
}

static void run_loop_to_end(uv_loop_t *loop)
{
    ck_assert_int_eq(uv_run(loop, UV_RUN_DEFAULT), 0);
    ck_assert_int_eq(uv_loop_close(loop), 0);
}

START_TEST(test_store_open_creates_and_migrates)
{
    storefix f;

    storefix_setup(&f);
    ck_assert_int_eq(store_schema_version(f.st), STORE_SCHEMA_VERSION);
    ck_assert_int_eq(storefix_int(&f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    ck_assert_int_eq(
        storefix_int(&f, "SELECT count(*) FROM sqlite_schema WHERE name = 'audit'"), 1);
    storefix_reopen(&f);
    ck_assert_int_eq(store_schema_version(f.st), STORE_SCHEMA_VERSION);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_open_missing_is_notfound)
{
    storefix f;
    store *st = NULL;
    char path[STOREFIX_PATH_MAX + 16];

    storefix_setup(&f);
    snprintf(path, sizeof(path), "%s/absent.db", f.dir);
    ck_assert_int_eq(store_open(&st, path, 0), SAFER_E_NOTFOUND);
    ck_assert_ptr_null(st);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_open_refuses_newer_schema)
{
    storefix f;
    store *st = NULL;

    storefix_setup(&f);
    store_close(f.st);
    f.st = NULL;
    storefix_sql(&f, "PRAGMA user_version = 99");
    ck_assert_int_eq(store_open(&st, f.db, 0), SAFER_E_PRECOND);
    ck_assert_ptr_null(st);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_batch_commits_together)
{
    static struct set_job jobs[BATCH_JOBS + 1];
    storefix f;
    uv_loop_t loop;
    uv_sem_t gate, started;
    store_stats stats;
    char buf[32];
    uv_thread_t self = uv_thread_self();

    storefix_setup(&f);
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    ck_assert_int_eq(uv_sem_init(&gate, 0), 0);
    ck_assert_int_eq(uv_sem_init(&started, 0), 0);
    ck_assert_int_eq(store_start_writer(f.st, &loop), 0);
    batch.st = f.st;
    batch.remaining = BATCH_JOBS + 1;
    /* The first job holds the writer (alone in its batch) until every other job is queued. */
    set_job_init(&jobs[0], "gate", "open");
    jobs[0].gate = &gate;
    jobs[0].started = &started;
    ck_assert_int_eq(store_submit(f.st, set_job_fn, set_job_done, &jobs[0]), 0);
    uv_sem_wait(&started);
    for (int i = 1; i <= BATCH_JOBS; i++) {
        snprintf(buf, sizeof(buf), "key%d", i);
        set_job_init(&jobs[i], buf, "v");
        ck_assert_int_eq(store_submit(f.st, set_job_fn, set_job_done, &jobs[i]), 0);
    }
    /* Nothing is reported before the loop runs: completions belong to it. */
    ck_assert_int_eq(jobs[1].done_calls, 0);
    uv_sem_post(&gate);
    run_loop_to_end(&loop);

    store_get_stats(f.st, &stats);
    ck_assert_uint_eq(stats.batches, 2);
    ck_assert_uint_eq(stats.jobs, BATCH_JOBS + 1);
    for (int i = 0; i <= BATCH_JOBS; i++) {
        ck_assert_int_eq(jobs[i].done_calls, 1);
        ck_assert_int_eq(jobs[i].done_rc, 0);
        ck_assert(uv_thread_equal(&jobs[i].done_thread, &self));
    }
    ck_assert_int_eq(settings_get(f.st, "key200", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "v");
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM settings"), BATCH_JOBS + 1);
    uv_sem_destroy(&gate);
    uv_sem_destroy(&started);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_failing_job_rolls_back_alone)
{
    static struct set_job jobs[4];
    storefix f;
    uv_loop_t loop;
    uv_sem_t gate, started;
    store_stats stats;
    char buf[32];

    storefix_setup(&f);
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    ck_assert_int_eq(uv_sem_init(&gate, 0), 0);
    ck_assert_int_eq(uv_sem_init(&started, 0), 0);
    ck_assert_int_eq(store_start_writer(f.st, &loop), 0);
    batch.st = f.st;
    batch.remaining = 4;
    set_job_init(&jobs[0], "gate", "open");
    jobs[0].gate = &gate;
    jobs[0].started = &started;
    set_job_init(&jobs[1], "a", "1");
    set_job_init(&jobs[2], "b", "2");
    jobs[2].fail = SAFER_E_INVAL; /* writes, then fails: its write must vanish */
    set_job_init(&jobs[3], "c", "3");
    /* The gate job runs alone; the other three then share one batch. */
    ck_assert_int_eq(store_submit(f.st, set_job_fn, set_job_done, &jobs[0]), 0);
    uv_sem_wait(&started);
    for (int i = 1; i < 4; i++)
        ck_assert_int_eq(store_submit(f.st, set_job_fn, set_job_done, &jobs[i]), 0);
    uv_sem_post(&gate);
    run_loop_to_end(&loop);

    store_get_stats(f.st, &stats);
    ck_assert_uint_eq(stats.batches, 2);
    ck_assert_int_eq(jobs[1].done_rc, 0);
    ck_assert_int_eq(jobs[2].done_rc, SAFER_E_INVAL);
    ck_assert_int_eq(jobs[3].done_rc, 0);
    ck_assert_int_eq(settings_get(f.st, "a", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "1");
    ck_assert_int_eq(settings_get(f.st, "b", buf, sizeof(buf)), SAFER_E_NOTFOUND);
    ck_assert_int_eq(settings_get(f.st, "c", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "3");
    uv_sem_destroy(&gate);
    uv_sem_destroy(&started);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_readonly_reads_but_refuses_writes)
{
    struct set_job j;
    storefix f;
    store *ro = NULL;
    uv_loop_t loop;
    char buf[32];

    storefix_setup(&f);
    set_job_init(&j, "colour", "red");
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), 0);
    /* Opened beside the full store, as the server's workers do. */
    ck_assert_int_eq(store_open(&ro, f.db, STORE_READONLY), 0);
    ck_assert_ptr_nonnull(ro);
    ck_assert_str_eq(store_path(ro), f.db);
    ck_assert_int_eq(store_schema_version(ro), STORE_SCHEMA_VERSION);
    ck_assert_int_eq(settings_get(ro, "colour", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "red");
    ck_assert_int_eq(settings_get(ro, "size", buf, sizeof(buf)), SAFER_E_NOTFOUND);
    /* It sees what the full store commits after it was opened. */
    set_job_init(&j, "colour", "green");
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), 0);
    ck_assert_int_eq(settings_get(ro, "colour", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "green");
    /* No way to write through it. */
    set_job_init(&j, "colour", "blue");
    ck_assert_int_eq(store_run(ro, set_job_fn, &j), SAFER_E_STATE);
    ck_assert_int_eq(store_submit(ro, set_job_fn, set_job_done, &j), SAFER_E_STATE);
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    ck_assert_int_eq(store_start_writer(ro, &loop), SAFER_E_STATE);
    ck_assert_int_eq(j.done_calls, 0);
    run_loop_to_end(&loop);
    store_close(ro);
    ck_assert_int_eq(settings_get(f.st, "colour", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "green");
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_readonly_refuses_create_and_missing)
{
    storefix f;
    store *st = NULL;
    char path[STOREFIX_PATH_MAX + 16];

    storefix_setup(&f);
    snprintf(path, sizeof(path), "%s/absent.db", f.dir);
    ck_assert_int_eq(store_open(&st, path, STORE_READONLY), SAFER_E_NOTFOUND);
    ck_assert_int_eq(store_open(&st, path, STORE_READONLY | STORE_CREATE), SAFER_E_INVAL);
    ck_assert_ptr_null(st);
    storefix_teardown(&f);
}
END_TEST

/* Sets the file's schema version to v, then checks a read-only open refuses it and leaves it. */
static void readonly_refuses_version(int v)
{
    storefix f;
    store *st = NULL;
    char sql[64];

    storefix_setup(&f);
    store_close(f.st);
    f.st = NULL;
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
    storefix_sql(&f, sql);
    ck_assert_int_eq(store_open(&st, f.db, STORE_READONLY), SAFER_E_PRECOND);
    ck_assert_ptr_null(st);
    /* Nothing was migrated: the version is still the one set. */
    ck_assert_int_eq(storefix_int(&f, "PRAGMA user_version"), v);
    storefix_teardown(&f);
}

START_TEST(test_store_readonly_refuses_newer_schema)
{
    readonly_refuses_version(STORE_SCHEMA_VERSION + 1);
}
END_TEST

START_TEST(test_store_readonly_refuses_older_schema)
{
    readonly_refuses_version(STORE_SCHEMA_VERSION - 1);
}
END_TEST

START_TEST(test_store_submit_needs_writer)
{
    struct set_job j;
    storefix f;
    uv_loop_t loop;

    storefix_setup(&f);
    set_job_init(&j, "k", "v");
    ck_assert_int_eq(store_submit(f.st, set_job_fn, set_job_done, &j), SAFER_E_STATE);
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    ck_assert_int_eq(store_start_writer(f.st, &loop), 0);
    /* While the writer owns the connection, synchronous jobs are refused. */
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), SAFER_E_STATE);
    store_stop_writer(f.st);
    ck_assert_int_eq(store_submit(f.st, set_job_fn, set_job_done, &j), SAFER_E_STATE);
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), 0);
    ck_assert_int_eq(j.done_calls, 0);
    run_loop_to_end(&loop);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_reads_see_committed_writes)
{
    struct set_job j;
    storefix f;
    char buf[32];

    storefix_setup(&f);
    ck_assert_int_eq(settings_get(f.st, "colour", buf, sizeof(buf)), SAFER_E_NOTFOUND);
    set_job_init(&j, "colour", "red");
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), 0);
    ck_assert_int_eq(settings_get(f.st, "colour", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "red");
    set_job_init(&j, "colour", "green");
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), 0);
    ck_assert_int_eq(settings_get(f.st, "colour", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "green");
    /* A job that fails in store_run leaves nothing behind. */
    set_job_init(&j, "colour", "blue");
    j.fail = SAFER_E_PERM;
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), SAFER_E_PERM);
    ck_assert_int_eq(settings_get(f.st, "colour", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "green");
    ck_assert_int_eq(settings_get(f.st, "colour", buf, 3), SAFER_E_TOOBIG);
    storefix_teardown(&f);
}
END_TEST

static int insert_agency_job(store_tx *tx, void *arg)
{
    const store_val args[] = { SV_TEXT((const char *)arg), SV_TEXT("Some Agency"), SV_INT(1) };

    return store_tx_exec(tx, ST_AGENCY_INSERT, args, 3, NULL, NULL);
}

START_TEST(test_store_unique_violation_is_exists)
{
    storefix f;

    storefix_setup(&f);
    ck_assert_int_eq(store_run(f.st, insert_agency_job, "police"), 0);
    ck_assert_int_eq(store_run(f.st, insert_agency_job, "police"), SAFER_E_EXISTS);
    ck_assert_int_eq(store_run(f.st, insert_agency_job, "fire"), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM agencies"), 2);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_rejects_wrong_argument_count)
{
    storefix f;
    const store_val args[] = { SV_TEXT("a"), SV_TEXT("b") };

    storefix_setup(&f);
    ck_assert_int_eq(store_read(f.st, ST_SETTING_GET, args, 2, NULL, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(store_read(f.st, ST__COUNT, args, 1, NULL, NULL), SAFER_E_INVAL);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_store_reopen_keeps_data)
{
    struct set_job j;
    storefix f;
    char buf[32];

    storefix_setup(&f);
    set_job_init(&j, "partnership", "Halton CSP");
    ck_assert_int_eq(store_run(f.st, set_job_fn, &j), 0);
    storefix_reopen(&f);
    ck_assert_int_eq(settings_get(f.st, "partnership", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "Halton CSP");
    storefix_teardown(&f);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_store_open_creates_and_migrates);
    tcase_add_test(tc, test_store_open_missing_is_notfound);
    tcase_add_test(tc, test_store_open_refuses_newer_schema);
    tcase_add_test(tc, test_store_batch_commits_together);
    tcase_add_test(tc, test_store_failing_job_rolls_back_alone);
    tcase_add_test(tc, test_store_submit_needs_writer);
    tcase_add_test(tc, test_store_readonly_reads_but_refuses_writes);
    tcase_add_test(tc, test_store_readonly_refuses_create_and_missing);
    tcase_add_test(tc, test_store_readonly_refuses_newer_schema);
    tcase_add_test(tc, test_store_readonly_refuses_older_schema);
    tcase_add_test(tc, test_store_reads_see_committed_writes);
    tcase_add_test(tc, test_store_unique_violation_is_exists);
    tcase_add_test(tc, test_store_rejects_wrong_argument_count);
    tcase_add_test(tc, test_store_reopen_keeps_data);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(store_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
