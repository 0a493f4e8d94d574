/*
 * Tests for parsing what `safer report submit` takes on its command line:
 * metrics "name=value[/target]" (with the bad ones named), RAG statuses and
 * markings.
 */
#include "client/paper.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

START_TEST(test_metric_parses_value)
{
    paper_metric m;
    const char *why = NULL;

    ck_assert_int_eq(paper_metric_parse("Incidents=42", &m, &why), 0);
    ck_assert_str_eq(m.name, "Incidents");
    ck_assert_double_eq(m.value, 42.0);
    ck_assert_int_eq(m.has_target, 0);
}
END_TEST

START_TEST(test_metric_parses_value_and_target)
{
    paper_metric m;
    const char *why = NULL;

    ck_assert_int_eq(paper_metric_parse("Repeat victims (%)=-3.5/1e1", &m, &why), 0);
    ck_assert_str_eq(m.name, "Repeat victims (%)");
    ck_assert_double_eq(m.value, -3.5);
    ck_assert_int_eq(m.has_target, 1);
    ck_assert_double_eq(m.target, 10.0);
}
END_TEST

START_TEST(test_metric_name_may_hold_utf8_and_slash)
{
    paper_metric m;
    const char *why = NULL;

    ck_assert_int_eq(paper_metric_parse("Café/bar visits=7/9", &m, &why), 0);
    ck_assert_str_eq(m.name, "Café/bar visits");
    ck_assert_double_eq(m.value, 7.0);
    ck_assert_double_eq(m.target, 9.0);
}
END_TEST

START_TEST(test_metric_rejects_bad_input_saying_why)
{
    static const struct {
        const char *in;
        const char *why;
    } cases[] = {
        { "Incidents", "want name=value" },
        { "=42", "the name is empty" },
        { "Incidents=", "the value is not a number" },
        { "Incidents=lots", "the value is not a number" },
        { "Incidents=inf", "the value is not a number" },
        { "Incidents=nan", "the value is not a number" },
        { "Incidents=0x10", "the value is not a number" },
        { "Incidents= 4", "the value is not a number" },
        { "Incidents=1e999", "the value is not a number" },
        { "Incidents=4/", "the target is not a number" },
        { "Incidents=4/5/6", "the target is not a number" },
        { "In\tcidents=4", "control character" },
        { "In\xff=4", "not UTF-8" },
    };
    paper_metric m;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *why = NULL;
        ck_assert_msg(paper_metric_parse(cases[i].in, &m, &why) == SAFER_E_INVAL, "accepted '%s'",
            cases[i].in);
        ck_assert_msg(strstr(why, cases[i].why) != NULL, "'%s' gave '%s'", cases[i].in, why);
    }
}
END_TEST

START_TEST(test_metric_name_limit_is_64_characters)
{
    char in[200];
    paper_metric m;
    const char *why = NULL;

    memset(in, 'a', 64);
    memcpy(in + 64, "=1", 3);
    ck_assert_int_eq(paper_metric_parse(in, &m, &why), 0);
    ck_assert_uint_eq(strlen(m.name), 64);
    memset(in, 'a', 65);
    memcpy(in + 65, "=1", 3);
    ck_assert_int_eq(paper_metric_parse(in, &m, &why), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "longer than 64"));
}
END_TEST

START_TEST(test_rag_and_marking)
{
    Safer__Rag rag = SAFER__RAG__RAG_NONE;
    Safer__Marking marking = SAFER__MARKING__MARKING_NONE;

    ck_assert_int_eq(paper_rag("red", &rag), 0);
    ck_assert_int_eq(rag, SAFER__RAG__RAG_RED);
    ck_assert_int_eq(paper_rag("Amber", &rag), 0);
    ck_assert_int_eq(rag, SAFER__RAG__RAG_AMBER);
    ck_assert_int_eq(paper_rag("GREEN", &rag), 0);
    ck_assert_int_eq(rag, SAFER__RAG__RAG_GREEN);
    ck_assert_int_eq(paper_rag("purple", &rag), -1);
    ck_assert_int_eq(paper_rag("", &rag), -1);
    ck_assert_int_eq(paper_marking("official-sensitive", &marking), 0);
    ck_assert_int_eq(marking, SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE);
    ck_assert_int_eq(paper_marking("official", &marking), 0);
    ck_assert_int_eq(marking, SAFER__MARKING__MARKING_OFFICIAL);
    ck_assert_int_eq(paper_marking("secret", &marking), -1);
}
END_TEST

static Suite *metric_suite(void)
{
    Suite *s = suite_create("metric");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_metric_parses_value);
    tcase_add_test(tc, test_metric_parses_value_and_target);
    tcase_add_test(tc, test_metric_name_may_hold_utf8_and_slash);
    tcase_add_test(tc, test_metric_rejects_bad_input_saying_why);
    tcase_add_test(tc, test_metric_name_limit_is_64_characters);
    tcase_add_test(tc, test_rag_and_marking);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(metric_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
