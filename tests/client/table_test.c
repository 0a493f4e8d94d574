/*
 * Tests for the human table printer: columns aligned from their content with
 * no trailing spaces, "-" for empty cells, widths counted in UTF-8
 * characters, terminal control sequences and broken UTF-8 defused, long cells
 * cut, and times in UTC.
 */
#include "client/table.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* Prints t into a string the caller frees. */
static char *render(const table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(table_print(t, f), 0);
    fclose(f);
    return text;
}

START_TEST(test_table_aligns_columns_from_content)
{
    static const char *const headers[] = { "code", "name", "people" };
    const char *r1[] = { "police", "Cheshire Constabulary", "12" };
    const char *r2[] = { "yjs", "Youth Justice", "3" };
    table *t = NULL;
    char *out;

    ck_assert_int_eq(table_new(&t, 3, headers), 0);
    ck_assert_int_eq(table_add(t, r1), 0);
    ck_assert_int_eq(table_add(t, r2), 0);
    ck_assert_uint_eq(table_rows(t), 2);
    out = render(t);
    ck_assert_str_eq(out,
        "code    name                   people\n"
        "police  Cheshire Constabulary  12\n"
        "yjs     Youth Justice          3\n");
    free(out);
    table_free(t);
}
END_TEST

START_TEST(test_table_empty_cells_print_dash)
{
    static const char *const headers[] = { "a", "b" };
    const char *row[] = { "", NULL };
    table *t = NULL;
    char *out;

    ck_assert_int_eq(table_new(&t, 2, headers), 0);
    ck_assert_int_eq(table_add(t, row), 0);
    out = render(t);
    ck_assert_str_eq(out, "a  b\n-  -\n");
    free(out);
    table_free(t);
}
END_TEST

START_TEST(test_table_counts_utf8_characters)
{
    static const char *const headers[] = { "name", "x" };
    const char *r1[] = { "Zo\xc3\xab Br\xc3\xb8nsted", "1" }; /* Zoë Brønsted: 12 characters */
    const char *r2[] = { "Al", "2" };
    table *t = NULL;
    char *out;

    ck_assert_uint_eq(table_width("Zo\xc3\xab"), 3);
    ck_assert_uint_eq(table_width("\xe2\x82\xac"), 1);
    ck_assert_int_eq(table_new(&t, 2, headers), 0);
    ck_assert_int_eq(table_add(t, r1), 0);
    ck_assert_int_eq(table_add(t, r2), 0);
    out = render(t);
    ck_assert_str_eq(out,
        "name          x\n"
        "Zo\xc3\xab Br\xc3\xb8nsted  1\n"
        "Al            2\n");
    free(out);
    table_free(t);
}
END_TEST

START_TEST(test_table_defuses_control_and_broken_utf8)
{
    static const char *const headers[] = { "v" };
    const char *r1[] = { "a\x1b[31mb" };
    const char *r2[] = { "x\xffy" };
    const char *r3[] = { "c1\xc2\x9b." };
    const char *r4[] = { "cut\xe2\x82" };
    table *t = NULL;
    char *out;

    ck_assert_int_eq(table_new(&t, 1, headers), 0);
    ck_assert_int_eq(table_add(t, r1), 0);
    ck_assert_int_eq(table_add(t, r2), 0);
    ck_assert_int_eq(table_add(t, r3), 0);
    ck_assert_int_eq(table_add(t, r4), 0);
    out = render(t);
    ck_assert_str_eq(out, "v\na?[31mb\nx?y\nc1?.\ncut??\n");
    free(out);
    table_free(t);
}
END_TEST

START_TEST(test_table_cuts_long_cells)
{
    static const char *const headers[] = { "v" };
    char *big = malloc(TABLE_CELL_MAX * 2 + 1);
    const char *row[1];
    table *t = NULL;
    char *out;

    ck_assert_ptr_nonnull(big);
    memset(big, 'x', TABLE_CELL_MAX * 2);
    big[TABLE_CELL_MAX * 2] = '\0';
    row[0] = big;
    ck_assert_int_eq(table_new(&t, 1, headers), 0);
    ck_assert_int_eq(table_add(t, row), 0);
    out = render(t);
    /* "v\n", then the cut cell and its newline. */
    ck_assert_uint_eq(strlen(out), 2 + TABLE_CELL_MAX + 1);
    ck_assert_int_eq(memcmp(out + 2 + TABLE_CELL_MAX - 3, "...\n", 4), 0);
    free(out);
    free(big);
    table_free(t);
}
END_TEST

START_TEST(test_table_rejects_bad_column_counts)
{
    static const char *const headers[TABLE_COLS_MAX + 1] = { "a" };
    table *t = NULL;

    ck_assert_int_eq(table_new(&t, 0, headers), SAFER_E_INVAL);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(table_new(&t, TABLE_COLS_MAX + 1, headers), SAFER_E_INVAL);
    ck_assert_ptr_null(t);
    table_free(NULL);
}
END_TEST

START_TEST(test_table_time_is_utc_minutes)
{
    char buf[TABLE_TIME_MAX];

    table_time(1700000000, buf);
    ck_assert_str_eq(buf, "2023-11-14 22:13 UTC");
    table_time(0, buf);
    ck_assert_str_eq(buf, "-");
}
END_TEST

static Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_table_aligns_columns_from_content);
    tcase_add_test(tc, test_table_empty_cells_print_dash);
    tcase_add_test(tc, test_table_counts_utf8_characters);
    tcase_add_test(tc, test_table_defuses_control_and_broken_utf8);
    tcase_add_test(tc, test_table_cuts_long_cells);
    tcase_add_test(tc, test_table_rejects_bad_column_counts);
    tcase_add_test(tc, test_table_time_is_utc_minutes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(table_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
