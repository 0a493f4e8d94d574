/*
 * Tests for the client's date and time checks: real calendar dates only
 * (leap years included), years 2000..2999, exact "YYYY-MM-DD" and "HH:MM"
 * shapes, and the messages quoting the bad input.
 */
#include "client/dates.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

START_TEST(test_dates_accepts_real_dates)
{
    ck_assert_int_eq(dates_date_ok("2024-03-14"), 1);
    ck_assert_int_eq(dates_date_ok("2000-01-01"), 1);
    ck_assert_int_eq(dates_date_ok("2999-12-31"), 1);
    ck_assert_int_eq(dates_date_ok("2024-02-29"), 1); /* leap year */
    ck_assert_int_eq(dates_date_ok("2000-02-29"), 1); /* divisible by 400 */
}
END_TEST

START_TEST(test_dates_rejects_impossible_dates)
{
    ck_assert_int_eq(dates_date_ok("2024-02-30"), 0);
    ck_assert_int_eq(dates_date_ok("2023-02-29"), 0);
    ck_assert_int_eq(dates_date_ok("2100-02-29"), 0); /* divisible by 100, not 400 */
    ck_assert_int_eq(dates_date_ok("2024-04-31"), 0);
    ck_assert_int_eq(dates_date_ok("2024-13-01"), 0);
    ck_assert_int_eq(dates_date_ok("2024-00-10"), 0);
    ck_assert_int_eq(dates_date_ok("2024-01-00"), 0);
    ck_assert_int_eq(dates_date_ok("1999-12-31"), 0);
    ck_assert_int_eq(dates_date_ok("3000-01-01"), 0);
}
END_TEST

START_TEST(test_dates_rejects_bad_shapes)
{
    ck_assert_int_eq(dates_date_ok(""), 0);
    ck_assert_int_eq(dates_date_ok(NULL), 0);
    ck_assert_int_eq(dates_date_ok("2024-3-14"), 0);
    ck_assert_int_eq(dates_date_ok("2024/03/14"), 0);
    ck_assert_int_eq(dates_date_ok("14-03-2024"), 0);
    ck_assert_int_eq(dates_date_ok("2024-03-14 "), 0);
    ck_assert_int_eq(dates_date_ok("+024-03-14"), 0);
    ck_assert_int_eq(dates_date_ok("2024-03-1x"), 0);
}
END_TEST

START_TEST(test_dates_times)
{
    ck_assert_int_eq(dates_time_ok("00:00"), 1);
    ck_assert_int_eq(dates_time_ok("10:30"), 1);
    ck_assert_int_eq(dates_time_ok("23:59"), 1);
    ck_assert_int_eq(dates_time_ok("24:00"), 0);
    ck_assert_int_eq(dates_time_ok("12:60"), 0);
    ck_assert_int_eq(dates_time_ok("9:30"), 0);
    ck_assert_int_eq(dates_time_ok("09.30"), 0);
    ck_assert_int_eq(dates_time_ok("09:30:00"), 0);
    ck_assert_int_eq(dates_time_ok(""), 0);
}
END_TEST

/* Runs check on s with stderr captured; returns what was printed (free it). */
static char *captured(int (*check)(const char *), const char *s, int *ret)
{
    char path[] = "/tmp/dates_test_XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(STDERR_FILENO);
    char *text = calloc(1, 256);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    *ret = check(s);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    f = fdopen(fd, "r");
    rewind(f);
    ck_assert_ptr_nonnull(fgets(text, 256, f));
    fclose(f);
    unlink(path);
    return text;
}

START_TEST(test_dates_messages_quote_the_input)
{
    int ret = 0;
    char *msg = captured(dates_check_date, "2024-02-30", &ret);

    ck_assert_int_eq(ret, -1);
    ck_assert_str_eq(msg, "safer: '2024-02-30' is not a date (YYYY-MM-DD)\n");
    free(msg);
    msg = captured(dates_check_time, "25:00", &ret);
    ck_assert_int_eq(ret, -1);
    ck_assert_str_eq(msg, "safer: '25:00' is not a time (HH:MM)\n");
    free(msg);
    ck_assert_int_eq(dates_check_date("2024-02-29"), 0);
    ck_assert_int_eq(dates_check_time("10:00"), 0);
}
END_TEST

static Suite *dates_suite(void)
{
    Suite *s = suite_create("dates");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_dates_accepts_real_dates);
    tcase_add_test(tc, test_dates_rejects_impossible_dates);
    tcase_add_test(tc, test_dates_rejects_bad_shapes);
    tcase_add_test(tc, test_dates_times);
    tcase_add_test(tc, test_dates_messages_quote_the_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dates_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
