/*
 * The failure table: an address is refused only after more than the allowed
 * failures within its window, the refusal ends with the window, the first
 * refusal of a window is the only one marked for logging, addresses do not
 * affect each other, and a full table evicts the address whose last failure
 * is oldest.
 */
#include <stdio.h>
#include <stdlib.h>

#include <check.h>
#include <sodium.h>

#include "common/err.h"
#include "server/ratelimit.h"

#define WINDOW 60000u
#define T0 1000000u

static ratelimit *make(size_t entries, uint32_t failures)
{
    ratelimit *rl = NULL;

    ck_assert_int_eq(ratelimit_new(&rl, entries, failures, WINDOW), 0);
    ck_assert_ptr_nonnull(rl);
    return rl;
}

static void fail_n(ratelimit *rl, const char *ip, unsigned n, uint64_t now)
{
    for (unsigned i = 0; i < n; i++)
        ratelimit_fail(rl, ip, now);
}

START_TEST(test_ratelimit_refuses_only_over_the_limit)
{
    ratelimit *rl = make(16, 3);
    ratelimit_block info = { 0 };

    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0, NULL), 0);
    fail_n(rl, "10.0.0.1", 3, T0);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0, NULL), 0);
    ratelimit_fail(rl, "10.0.0.1", T0 + 10);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + 1000, &info), 1);
    ck_assert_uint_eq(info.failures, 4);
    ck_assert_uint_eq(info.remaining_ms, WINDOW - 1000);
    ck_assert_int_eq(info.first, 1);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + 2000, &info), 1);
    ck_assert_int_eq(info.first, 0);
    ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_window_expiry_lifts_the_refusal)
{
    ratelimit *rl = make(16, 2);
    ratelimit_block info = { 0 };

    fail_n(rl, "10.0.0.1", 5, T0);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + WINDOW - 1, &info), 1);
    ck_assert_uint_eq(info.remaining_ms, 1);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + WINDOW, NULL), 0);
    /* A new window starts from nothing, and its first refusal is reported again. */
    fail_n(rl, "10.0.0.1", 2, T0 + WINDOW + 5);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + WINDOW + 6, NULL), 0);
    ratelimit_fail(rl, "10.0.0.1", T0 + WINDOW + 7);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + WINDOW + 8, &info), 1);
    ck_assert_uint_eq(info.failures, 3);
    ck_assert_int_eq(info.first, 1);
    ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_failures_spread_over_windows_do_not_add_up)
{
    ratelimit *rl = make(16, 3);

    fail_n(rl, "10.0.0.1", 3, T0);
    fail_n(rl, "10.0.0.1", 3, T0 + WINDOW);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + WINDOW + 1, NULL), 0);
    ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_addresses_are_independent)
{
    ratelimit *rl = make(16, 1);

    fail_n(rl, "10.0.0.1", 2, T0);
    fail_n(rl, "::1", 1, T0);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0, NULL), 1);
    ck_assert_int_eq(ratelimit_blocked(rl, "::1", T0, NULL), 0);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.2", T0, NULL), 0);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.10", T0, NULL), 0);
    ck_assert_uint_eq(ratelimit_count(rl), 2);
    ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_full_table_evicts_the_oldest)
{
    ratelimit *rl = make(4, 1);
    char ip[32];

    /* 10.0.0.0 fails first, then 10.0.0.1..3 later: the table is full. */
    for (unsigned i = 0; i < 4; i++) {
        snprintf(ip, sizeof(ip), "10.0.0.%u", i);
        fail_n(rl, ip, 2, T0 + i);
    }
    ck_assert_uint_eq(ratelimit_count(rl), 4);
    /* 10.0.0.0 fails again, so 10.0.0.1 is now the oldest and makes room. */
    ratelimit_fail(rl, "10.0.0.0", T0 + 10);
    ratelimit_fail(rl, "10.0.0.9", T0 + 20);
    ck_assert_uint_eq(ratelimit_count(rl), 4);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.1", T0 + 21, NULL), 0);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.0", T0 + 21, NULL), 1);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.2", T0 + 21, NULL), 1);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.3", T0 + 21, NULL), 1);
    ratelimit_fail(rl, "10.0.0.9", T0 + 22);
    ck_assert_int_eq(ratelimit_blocked(rl, "10.0.0.9", T0 + 23, NULL), 1);
    ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_many_addresses_stay_bounded)
{
    ratelimit *rl = make(64, 1);
    char ip[32];

    /* Far more addresses than room: lookups through the chains stay right. */
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(ip, sizeof(ip), "192.168.%u.%u", i / 256, i % 256);
        fail_n(rl, ip, 2, T0 + i);
        ck_assert_int_eq(ratelimit_blocked(rl, ip, T0 + i, NULL), 1);
    }
    ck_assert_uint_eq(ratelimit_count(rl), 64);
    /* The newest 64 are still held; the first ones are long gone. */
    ck_assert_int_eq(ratelimit_blocked(rl, "192.168.19.135", T0 + 5000, NULL), 1);
    ck_assert_int_eq(ratelimit_blocked(rl, "192.168.0.0", T0 + 5000, NULL), 0);
    ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_new_rejects_bad_arguments)
{
    ratelimit *rl = NULL;

    ck_assert_int_eq(ratelimit_new(&rl, 0, 3, WINDOW), SAFER_E_INVAL);
    ck_assert_int_eq(ratelimit_new(&rl, 16, 0, WINDOW), SAFER_E_INVAL);
    ck_assert_int_eq(ratelimit_new(&rl, 16, 3, 0), SAFER_E_INVAL);
    ck_assert_int_eq(ratelimit_new(&rl, RATELIMIT_ENTRIES_MAX + 1, 3, WINDOW), SAFER_E_INVAL);
    ck_assert_ptr_null(rl);
    ratelimit_free(NULL);
}
END_TEST

static Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("table");

    tcase_add_test(tc, test_ratelimit_refuses_only_over_the_limit);
    tcase_add_test(tc, test_ratelimit_window_expiry_lifts_the_refusal);
    tcase_add_test(tc, test_ratelimit_failures_spread_over_windows_do_not_add_up);
    tcase_add_test(tc, test_ratelimit_addresses_are_independent);
    tcase_add_test(tc, test_ratelimit_full_table_evicts_the_oldest);
    tcase_add_test(tc, test_ratelimit_many_addresses_stay_bounded);
    tcase_add_test(tc, test_ratelimit_new_rejects_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    sr = srunner_create(ratelimit_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
