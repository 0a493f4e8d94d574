/*
 * The audit log's hash chain: a clean chain verifies, and an edited, deleted
 * or swapped row (changed behind the store's back with raw SQL, as someone
 * holding the file could) is named by its id. The head sealed under the audit
 * key shows rows cut off the end, a head moved back without the key, and a
 * tail rewritten by someone who can compute the unkeyed chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/store.h"
#include "support/storefix.h"

#define AUDIT_ROWS 5

static int append_rows_job(store_tx *tx, void *arg)
{
    char object[32];
    int rc;

    (void)arg;
    for (int i = 1; i <= AUDIT_ROWS; i++) {
        snprintf(object, sizeof(object), "person:P%d", i);
        rc = audit_append(tx, 1000 + i, "AD", "person.add", object, "roles lead");
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* A fresh store with AUDIT_ROWS rows appended. */
static void setup_chain(storefix *f)
{
    storefix_setup(f);
    ck_assert_int_eq(store_run(f->st, append_rows_job, NULL), 0);
    ck_assert_int_eq(storefix_int(f, "SELECT count(*) FROM audit"), AUDIT_ROWS);
}

START_TEST(test_audit_chain_verifies)
{
    storefix f;
    int64_t bad = -1;
    char why[128] = "x";

    storefix_setup(&f);
    /* An empty log is a valid chain. */
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), 0);
    ck_assert_int_eq(store_run(f.st, append_rows_job, NULL), 0);
    ck_assert_int_eq(store_run(f.st, append_rows_job, NULL), 0);
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), 0);
    ck_assert_int_eq(bad, 0);
    ck_assert_str_eq(why, "");
    ck_assert_int_eq(storefix_int(&f, "SELECT max(id) FROM audit"), 2 * AUDIT_ROWS);
    /* The first row links to 32 zero bytes. */
    ck_assert_int_eq(storefix_int(&f, "SELECT prev = zeroblob(32) FROM audit WHERE id = 1"), 1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_edited_row)
{
    storefix f;
    int64_t bad = 0;
    char why[128];

    setup_chain(&f);
    storefix_sql(&f, "UPDATE audit SET detail = 'roles chair' WHERE id = 3");
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 3);
    ck_assert_ptr_nonnull(strstr(why, "row 3"));
    ck_assert_ptr_nonnull(strstr(why, "changed"));
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_edited_timestamp)
{
    storefix f;
    int64_t bad = 0;

    setup_chain(&f);
    storefix_sql(&f, "UPDATE audit SET ts = ts + 1 WHERE id = 5");
    ck_assert_int_eq(audit_verify(f.st, &bad, NULL, 0), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 5);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_deleted_row)
{
    storefix f;
    int64_t bad = 0;
    char why[128];

    setup_chain(&f);
    storefix_sql(&f, "DELETE FROM audit WHERE id = 2");
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 2);
    ck_assert_ptr_nonnull(strstr(why, "missing"));
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_deleted_first_row)
{
    storefix f;
    int64_t bad = 0;

    setup_chain(&f);
    storefix_sql(&f, "DELETE FROM audit WHERE id = 1");
    ck_assert_int_eq(audit_verify(f.st, &bad, NULL, 0), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_renumbered_rows)
{
    storefix f;
    int64_t bad = 0;
    char why[128];

    /* Deleting a row and closing the gap leaves the ids whole: the links break. */
    setup_chain(&f);
    storefix_sql(&f, "DELETE FROM audit WHERE id = 2; UPDATE audit SET id = id - 1 WHERE id > 2");
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 2);
    ck_assert_ptr_nonnull(strstr(why, "link"));
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_swapped_rows)
{
    storefix f;
    int64_t bad = 0;
    char why[128];

    setup_chain(&f);
    /* Every column but the id of rows 2 and 4 trade places. */
    storefix_sql(&f,
        "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE id IN (2, 4);"
        "UPDATE audit SET (ts, actor, action, object, detail, prev, hash) = "
        "(SELECT t.ts, t.actor, t.action, t.object, t.detail, t.prev, t.hash "
        " FROM t WHERE t.id = 6 - audit.id) WHERE id IN (2, 4)");
    ck_assert_int_eq(storefix_int(&f, "SELECT ts FROM audit WHERE id = 2"), 1004);
    ck_assert_int_eq(storefix_int(&f, "SELECT ts FROM audit WHERE id = 4"), 1002);
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 2);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_swapped_content)
{
    storefix f;
    int64_t bad = 0;

    setup_chain(&f);
    /* Only the readable fields trade places; the hashes stay put. */
    storefix_sql(&f,
        "UPDATE audit SET object = CASE id WHEN 3 THEN 'person:P4' "
        "ELSE 'person:P3' END WHERE id IN (3, 4)");
    ck_assert_int_eq(audit_verify(f.st, &bad, NULL, 0), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 3);
    storefix_teardown(&f);
}
END_TEST

static int append_bad_job(store_tx *tx, void *arg)
{
    return audit_append(tx, 1, "AD", arg ? "x" : NULL, "o", "d");
}

START_TEST(test_audit_rejects_missing_field)
{
    storefix f;

    storefix_setup(&f);
    ck_assert_int_eq(store_run(f.st, append_bad_job, NULL), SAFER_E_INVAL);
    ck_assert_int_eq(store_run(f.st, append_bad_job, "x"), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM audit"), 1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_truncated_tail)
{
    storefix f;
    int64_t bad = 0, rows = 0;
    char why[128];

    /* The newest rows cut off leave a chain that is whole but short of the head. */
    setup_chain(&f);
    storefix_sql(&f, "DELETE FROM audit WHERE id >= 4");
    ck_assert_int_eq(audit_verify_rows(f.st, &rows, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 4);
    ck_assert_int_eq(rows, 3);
    ck_assert_str_eq(why, "row 4 is missing: the log ends at row 3");
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_forged_head)
{
    storefix f;
    int64_t bad = 0;
    char why[128];

    /* Cutting the tail and moving the head back without the key fails the MAC. */
    setup_chain(&f);
    storefix_sql(&f,
        "DELETE FROM audit WHERE id = 5;"
        "UPDATE settings SET value = '4' || substr(value, 2) WHERE key = 'audit_head'");
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_ptr_nonnull(strstr(why, "forged"));
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_head_key_matters)
{
    storefix f;
    uint8_t other[STORE_AUDIT_KEY_BYTES];
    char why[128];

    /* A head sealed under one key does not verify under another. */
    setup_chain(&f);
    memset(other, 0x17, sizeof(other));
    ck_assert_int_eq(store_set_audit_key(f.st, other), 0);
    ck_assert_int_eq(audit_verify(f.st, NULL, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_ptr_nonnull(strstr(why, "forged"));
    storefix_audit_key(f.st);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), 0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_missing_head)
{
    storefix f;
    char why[128];

    setup_chain(&f);
    storefix_sql(&f, "DELETE FROM settings WHERE key = 'audit_head'");
    ck_assert_int_eq(audit_verify(f.st, NULL, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_ptr_nonnull(strstr(why, "head record"));
    ck_assert_ptr_nonnull(strstr(why, "missing"));
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_names_rewritten_chain)
{
    storefix f;
    int64_t bad = 0;
    char why[128];

    /*
     * Row 5 replaced by another with a correct link (as anyone can compute
     * the unkeyed chain), then the old head put back from a copy: the chain
     * holds, but the sealed head names another hash for row 5.
     */
    setup_chain(&f);
    storefix_sql(&f,
        "CREATE TABLE keep AS SELECT value FROM settings WHERE key = 'audit_head';"
        "DELETE FROM audit WHERE id = 5");
    ck_assert_int_eq(store_run(f.st, append_bad_job, "x"), 0);
    storefix_sql(&f,
        "UPDATE settings SET value = (SELECT value FROM keep) WHERE key = 'audit_head';"
        "DROP TABLE keep");
    ck_assert_int_eq(audit_verify(f.st, &bad, why, sizeof(why)), SAFER_E_PRECOND);
    ck_assert_int_eq(bad, 5);
    ck_assert_ptr_nonnull(strstr(why, "rewritten"));
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_needs_key)
{
    storefix f;

    storefix_setup(&f);
    store_close(f.st);
    ck_assert_int_eq(store_open(&f.st, f.db, 0), 0);
    ck_assert_ptr_null(store_audit_key(f.st));
    ck_assert_int_eq(store_run(f.st, append_bad_job, "x"), SAFER_E_STATE);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), SAFER_E_STATE);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM audit"), 0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_audit_key_follows_server_key)
{
    uint8_t sk[32], a[STORE_AUDIT_KEY_BYTES], b[STORE_AUDIT_KEY_BYTES];

    memset(sk, 0x33, sizeof(sk));
    audit_key_derive(sk, a);
    audit_key_derive(sk, b);
    ck_assert_mem_eq(a, b, sizeof(a));
    ck_assert(memcmp(a, sk, sizeof(a)) != 0);
    sk[0] ^= 1;
    audit_key_derive(sk, b);
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
}
END_TEST

static Suite *audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("chain");

    tcase_add_test(tc, test_audit_chain_verifies);
    tcase_add_test(tc, test_audit_names_edited_row);
    tcase_add_test(tc, test_audit_names_edited_timestamp);
    tcase_add_test(tc, test_audit_names_deleted_row);
    tcase_add_test(tc, test_audit_names_deleted_first_row);
    tcase_add_test(tc, test_audit_names_renumbered_rows);
    tcase_add_test(tc, test_audit_names_swapped_rows);
    tcase_add_test(tc, test_audit_names_swapped_content);
    tcase_add_test(tc, test_audit_rejects_missing_field);
    tcase_add_test(tc, test_audit_names_truncated_tail);
    tcase_add_test(tc, test_audit_names_forged_head);
    tcase_add_test(tc, test_audit_head_key_matters);
    tcase_add_test(tc, test_audit_names_missing_head);
    tcase_add_test(tc, test_audit_names_rewritten_chain);
    tcase_add_test(tc, test_audit_needs_key);
    tcase_add_test(tc, test_audit_key_follows_server_key);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(audit_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
