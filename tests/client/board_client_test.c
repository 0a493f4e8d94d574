/*
 * Tests for what the board commands share: strict UTF-8, lists of codes and
 * owners, numbers, reading a paper's file (empty, too big, not UTF-8), text
 * cut for a table, and the progress bar's line.
 */
#include "client/board.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/progress.h"

START_TEST(test_board_utf8_is_strict)
{
    size_t bad = 99;

    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"caf\xc3\xa9", 5, &bad), 4);
    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"\xf0\x9f\x98\x80", 4, &bad), 1);
    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"ab\xc0\xaf", 4, &bad), -1); /* overlong */
    ck_assert_uint_eq(bad, 2);
    ck_assert_int_eq(
        board_utf8_chars((const uint8_t *)"\xed\xa0\x80", 3, &bad), -1); /* surrogate */
    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"\xe0\x80\xaf", 3, &bad), -1);
    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"\xf4\x90\x80\x80", 4, &bad), -1);
    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"a\xc3", 2, &bad), -1); /* cut short */
    ck_assert_int_eq(board_utf8_chars((const uint8_t *)"a\0b", 3, &bad), -1);
    ck_assert_uint_eq(bad, 1);
}
END_TEST

START_TEST(test_board_lists)
{
    board_list l;

    ck_assert_int_eq(board_codes("agency", "police,fire,yjs", &l), 0);
    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(l.items[0], "police");
    ck_assert_str_eq(l.items[2], "yjs");
    ck_assert_int_eq(board_codes("agency", "police,,fire", &l), -1);
    ck_assert_int_eq(board_codes("agency", "police,", &l), -1);
    ck_assert_int_eq(board_codes("agency", "police,police", &l), -1);
    ck_assert_int_eq(board_codes("agency", "Police", &l), -1);
    ck_assert_int_eq(board_split("owners", "DP/MA", '/', &l), 0);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(l.items[1], "MA");
}
END_TEST

START_TEST(test_board_numbers)
{
    uint64_t v = 0;

    ck_assert_int_eq(board_number("item", "4", 999, &v), 0);
    ck_assert_uint_eq(v, 4);
    ck_assert_int_eq(board_number("item", "999", 999, &v), 0);
    ck_assert_int_eq(board_number("item", "1000", 999, &v), -1);
    ck_assert_int_eq(board_number("item", "0", 999, &v), -1);
    ck_assert_int_eq(board_number("item", "-1", 999, &v), -1);
    ck_assert_int_eq(board_number("item", "4x", 999, &v), -1);
    ck_assert_int_eq(board_number("item", "", 999, &v), -1);
    ck_assert_int_eq(board_number("item", "99999999999999999999", 999, &v), -1);
}
END_TEST

/* Writes len bytes to a new temporary file whose path goes to path. */
static void write_file(char path[64], const void *data, size_t len)
{
    FILE *f;

    snprintf(path, 64, "/tmp/board_test_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

START_TEST(test_board_read_file_checks)
{
    char path[64];
    uint8_t *buf = NULL;
    size_t len = 0;
    static uint8_t big[2048];

    write_file(path, "# Paper\n", 8);
    ck_assert_int_eq(board_read_file(path, 1024, 0, &buf, &len), 0);
    ck_assert_uint_eq(len, 8);
    ck_assert_str_eq((char *)buf, "# Paper\n");
    free(buf);
    ck_assert_int_eq(board_read_file(path, 7, 0, &buf, &len), -1); /* over the limit */
    ck_assert_ptr_null(buf);
    unlink(path);
    write_file(path, "", 0);
    ck_assert_int_eq(board_read_file(path, 1024, 0, &buf, &len), -1);
    ck_assert_int_eq(board_read_file(path, 1024, 1, &buf, &len), 0);
    ck_assert_uint_eq(len, 0);
    free(buf);
    unlink(path);
    memset(big, 'a', sizeof(big));
    big[100] = 0xff;
    write_file(path, big, sizeof(big));
    ck_assert_int_eq(board_read_file(path, 4096, 0, &buf, &len), -1);
    unlink(path);
    ck_assert_int_eq(board_read_file("/nonexistent/paper.md", 1024, 0, &buf, &len), -1);
    ck_assert_int_eq(board_read_file("/tmp", 1024, 0, &buf, &len), -1);
}
END_TEST

START_TEST(test_board_cut_keeps_width)
{
    char buf[64];

    board_cut("short", 10, buf, sizeof(buf));
    ck_assert_str_eq(buf, "short");
    board_cut("Review the alcohol licensing policy", 10, buf, sizeof(buf));
    ck_assert_str_eq(buf, "Review ...");
    board_cut("caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9", 8, buf, sizeof(buf));
    ck_assert_str_eq(buf, "caf\xc3\xa9 ...");
    board_cut("two\nlines", 20, buf, sizeof(buf));
    ck_assert_str_eq(buf, "two lines");
}
END_TEST

START_TEST(test_progress_line)
{
    char line[PROGRESS_LINE_MAX];

    progress_format(line, sizeof(line), 0, 1048576);
    ck_assert_str_eq(line, "[                        ]   0%  0 B / 1.0 MiB");
    progress_format(line, sizeof(line), 524288, 1048576);
    ck_assert_str_eq(line, "[############            ]  50%  512 KiB / 1.0 MiB");
    progress_format(line, sizeof(line), 1048576, 1048576);
    ck_assert_str_eq(line, "[########################] 100%  1.0 MiB / 1.0 MiB");
}
END_TEST

static Suite *board_suite(void)
{
    Suite *s = suite_create("board_client");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_board_utf8_is_strict);
    tcase_add_test(tc, test_board_lists);
    tcase_add_test(tc, test_board_numbers);
    tcase_add_test(tc, test_board_read_file_checks);
    tcase_add_test(tc, test_board_cut_keeps_width);
    tcase_add_test(tc, test_progress_line);
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
