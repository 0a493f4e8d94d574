/*
 * Tests for passphrases from SAFER_PASSPHRASE_FD: one line per call, so a
 * pipe carries several in order; CR LF endings; an exhausted, empty, bad or
 * closed descriptor refused with a message naming it; and the descriptor
 * taking precedence over SAFER_PASSPHRASE.
 */
#include "client/pass.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"

static char buf[PASS_BUF_BYTES];
static char why[256];

/* Makes a pipe holding text, closed for writing, and points SAFER_PASSPHRASE_FD at it. */
static int pipe_with(const char *text)
{
    int fds[2];
    char num[16];

    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    close(fds[1]);
    snprintf(num, sizeof(num), "%d", fds[0]);
    setenv("SAFER_PASSPHRASE_FD", num, 1);
    return fds[0];
}

START_TEST(test_pass_fd_reads_one_line_per_call)
{
    int fd = pipe_with("first\nsecond\r\n");

    unsetenv("SAFER_PASSPHRASE");
    ck_assert_int_eq(pass_get(buf, "", 1, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "first");
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "second");
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "no passphrase line left"));
    close(fd);
    unsetenv("SAFER_PASSPHRASE_FD");
}
END_TEST

START_TEST(test_pass_fd_wins_over_env_and_last_line_needs_no_newline)
{
    int fd = pipe_with("from-fd");

    setenv("SAFER_PASSPHRASE", "from-env", 1);
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "from-fd");
    close(fd);
    unsetenv("SAFER_PASSPHRASE_FD");
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "from-env");
    unsetenv("SAFER_PASSPHRASE");
}
END_TEST

START_TEST(test_pass_fd_rejects_empty_line)
{
    int fd = pipe_with("\nlater\n");

    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "empty"));
    close(fd);
    unsetenv("SAFER_PASSPHRASE_FD");
}
END_TEST

START_TEST(test_pass_fd_rejects_bad_and_closed_descriptors)
{
    int fds[2];
    char num[16];

    setenv("SAFER_PASSPHRASE_FD", "3x", 1);
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "'3x'"));
    setenv("SAFER_PASSPHRASE_FD", "-1", 1);
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);
    close(fds[1]);
    snprintf(num, sizeof(num), "%d", fds[0]);
    setenv("SAFER_PASSPHRASE_FD", num, 1);
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "not an open file descriptor"));
    unsetenv("SAFER_PASSPHRASE_FD");
}
END_TEST

START_TEST(test_pass_fd_rejects_overlong_line)
{
    char *text = malloc(KEYFILE_PASSPHRASE_MAX + 3);
    int fd;

    ck_assert_ptr_nonnull(text);
    memset(text, 'p', KEYFILE_PASSPHRASE_MAX + 1);
    text[KEYFILE_PASSPHRASE_MAX + 1] = '\n';
    text[KEYFILE_PASSPHRASE_MAX + 2] = '\0';
    fd = pipe_with(text);
    ck_assert_int_eq(pass_get(buf, "", 0, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "longer than"));
    close(fd);
    free(text);
    unsetenv("SAFER_PASSPHRASE_FD");
}
END_TEST

static Suite *pass_suite(void)
{
    Suite *s = suite_create("pass");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_pass_fd_reads_one_line_per_call);
    tcase_add_test(tc, test_pass_fd_wins_over_env_and_last_line_needs_no_newline);
    tcase_add_test(tc, test_pass_fd_rejects_empty_line);
    tcase_add_test(tc, test_pass_fd_rejects_bad_and_closed_descriptors);
    tcase_add_test(tc, test_pass_fd_rejects_overlong_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pass_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
