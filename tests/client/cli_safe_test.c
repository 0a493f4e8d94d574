/*
 * cli_put_safe, the one way the CLI prints text the server chose: well-formed
 * UTF-8 goes through unchanged; C0 and C1 controls, DEL and every byte that
 * is not part of well-formed UTF-8 (which a terminal might read as a C1
 * control) become '?'.
 */
#include "client/cli.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What cli_put_safe prints for s, in a string the caller frees. */
static char *put_safe(const char *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    cli_put_safe(f, s);
    fclose(f);
    return text;
}

static void check_put(const char *in, const char *want)
{
    char *got = put_safe(in);

    ck_assert_msg(strcmp(got, want) == 0, "cli_put_safe gave \"%s\", not \"%s\"", got, want);
    free(got);
}

START_TEST(test_cli_put_safe_keeps_utf8)
{
    check_put("Dee Patel", "Dee Patel");
    check_put("Sin\xc3\xa9"
              "ad \xe2\x80\x94 \xf0\x9f\x9a\x92",
        "Sin\xc3\xa9"
        "ad \xe2\x80\x94 \xf0\x9f\x9a\x92");
    check_put("", "");
}
END_TEST

START_TEST(test_cli_put_safe_replaces_controls)
{
    check_put("a\x1b[2Jb", "a?[2Jb");
    check_put("line\nbreak\x7f", "line?break?");
    /* U+009B (CSI) and U+0085 (NEL) spelt as UTF-8 are C1 controls too. */
    check_put("x\xc2\x9b"
              "31my",
        "x?31my");
    check_put("\xc2\x85", "?");
}
END_TEST

START_TEST(test_cli_put_safe_replaces_broken_utf8)
{
    /* A raw C1 byte, a stray continuation byte, a cut sequence at the end. */
    check_put("a\x9b"
              "31mb",
        "a?31mb");
    check_put("\x80z", "?z");
    check_put("end\xe2\x80", "end??");
    /* Overlong forms, a surrogate, beyond U+10FFFF, bytes never used. */
    check_put("\xc0\xaf", "??");
    check_put("\xe0\x80\xaf", "???");
    check_put("\xed\xa0\x80", "???");
    check_put("\xf4\x90\x80\x80", "????");
    check_put("\xff\xfe", "??");
}
END_TEST

static Suite *cli_safe_suite(void)
{
    Suite *s = suite_create("cli_safe");
    TCase *tc = tcase_create("put_safe");

    tcase_add_test(tc, test_cli_put_safe_keeps_utf8);
    tcase_add_test(tc, test_cli_put_safe_replaces_controls);
    tcase_add_test(tc, test_cli_put_safe_replaces_broken_utf8);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_safe_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
