/*
 * Tests for the protobuf-to-JSON conversion behind every --json output: field
 * names as keys, enums as short lowercase names (and numbers when unknown),
 * bytes as hex, 64-bit integers exact, repeated fields as arrays, nested
 * messages as objects or null, unset oneof members left out, and text that
 * is not UTF-8 refused rather than printed.
 */
#include "client/pbjson.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "proto/safer.pb-c.h"

/* Converts msg and checks that it equals the JSON text want. */
static void expect_json(const ProtobufCMessage *msg, const char *want)
{
    json_error_t jerr;
    json_t *exp = json_loads(want, 0, &jerr);
    json_t *got = NULL;

    ck_assert_msg(exp != NULL, "bad expected JSON: %s", jerr.text);
    ck_assert_int_eq(pbjson_message(msg, &got), 0);
    if (!json_equal(exp, got)) {
        char *text = json_dumps(got, JSON_COMPACT);
        ck_abort_msg("got %s, want %s", text, want);
    }
    json_decref(exp);
    json_decref(got);
}

START_TEST(test_pbjson_person_keys_and_roles)
{
    Safer__Person p = SAFER__PERSON__INIT;
    Safer__Role roles[] = { SAFER__ROLE__ROLE_ADMIN, SAFER__ROLE__ROLE_LEAD };

    p.initials = "DP";
    p.name = "Dana Price";
    p.agency_code = "police";
    p.roles = roles;
    p.n_roles = 2;
    p.active = 1;
    p.keys = 2;
    expect_json(&p.base,
        "{\"initials\":\"DP\",\"name\":\"Dana Price\",\"agency_code\":\"police\","
        "\"roles\":[\"admin\",\"lead\"],\"active\":true,\"keys\":2}");
}
END_TEST

START_TEST(test_pbjson_keeps_field_order)
{
    Safer__Agency a = SAFER__AGENCY__INIT;
    json_t *got = NULL;
    char *text;

    a.code = "fire";
    a.name = "Fire & Rescue";
    ck_assert_int_eq(pbjson_message(&a.base, &got), 0);
    text = json_dumps(got, JSON_COMPACT);
    ck_assert_str_eq(
        text, "{\"code\":\"fire\",\"name\":\"Fire & Rescue\",\"active\":false,\"people\":0}");
    free(text);
    json_decref(got);
}
END_TEST

START_TEST(test_pbjson_bytes_hex_and_int64)
{
    Safer__AuditEntry e = SAFER__AUDIT_ENTRY__INIT;
    uint8_t hash[] = { 0x00, 0xab, 0xff, 0x10 };

    e.id = 7;
    e.ts = 1099511627776LL * 1024; /* past 2^50: must stay an exact integer */
    e.actor = "DP";
    e.action = "agency.add";
    e.object = "agency:police";
    e.detail = "";
    e.hash.data = hash;
    e.hash.len = sizeof(hash);
    expect_json(&e.base,
        "{\"id\":7,\"ts\":1125899906842624,\"actor\":\"DP\",\"action\":\"agency.add\","
        "\"object\":\"agency:police\",\"detail\":\"\",\"hash\":\"00abff10\"}");
}
END_TEST

START_TEST(test_pbjson_oneof_only_the_chosen_member)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__GoodbyeResponse bye = SAFER__GOODBYE_RESPONSE__INIT;

    rs.id = 3;
    rs.status = SAFER__STATUS__PERMISSION_DENIED;
    rs.message = "no";
    expect_json(&rs.base, "{\"id\":3,\"status\":\"permission_denied\",\"message\":\"no\"}");
    rs.status = SAFER__STATUS__OK;
    rs.message = "";
    rs.body_case = SAFER__RESPONSE__BODY_GOODBYE;
    rs.goodbye = &bye;
    expect_json(&rs.base, "{\"id\":3,\"status\":\"ok\",\"message\":\"\",\"goodbye\":{}}");
}
END_TEST

START_TEST(test_pbjson_repeated_messages_and_null_nested)
{
    Safer__AgencyListResponse l = SAFER__AGENCY_LIST_RESPONSE__INIT;
    Safer__AgencyResponse one = SAFER__AGENCY_RESPONSE__INIT;
    Safer__Agency a = SAFER__AGENCY__INIT;
    Safer__Agency b = SAFER__AGENCY__INIT;
    Safer__Agency *list[] = { &a, &b };

    expect_json(&l.base, "{\"agencies\":[]}");
    a.code = "police";
    a.name = "Police";
    a.active = 1;
    a.people = 4;
    b.code = "yjs";
    b.name = "Youth Justice";
    l.agencies = list;
    l.n_agencies = 2;
    expect_json(&l.base,
        "{\"agencies\":[{\"code\":\"police\",\"name\":\"Police\",\"active\":true,\"people\":4},"
        "{\"code\":\"yjs\",\"name\":\"Youth Justice\",\"active\":false,\"people\":0}]}");
    expect_json(&one.base, "{\"agency\":null}");
}
END_TEST

START_TEST(test_pbjson_unknown_enum_is_its_number)
{
    Safer__WhoamiResponse w = SAFER__WHOAMI_RESPONSE__INIT;
    Safer__Role roles[] = { SAFER__ROLE__ROLE_MEMBER, (Safer__Role)99 };

    w.roles = roles;
    w.n_roles = 2;
    expect_json(&w.base,
        "{\"initials\":\"\",\"name\":\"\",\"agency_code\":\"\",\"agency_name\":\"\","
        "\"roles\":[\"member\",99],\"partnership\":\"\",\"key_fingerprint\":\"\"}");
}
END_TEST

START_TEST(test_pbjson_rejects_text_that_is_not_utf8)
{
    Safer__Agency a = SAFER__AGENCY__INIT;
    json_t *got = NULL;

    a.code = "police";
    a.name = "Bad \xff name";
    ck_assert_int_eq(pbjson_message(&a.base, &got), SAFER_E_INVAL);
    ck_assert_ptr_null(got);
}
END_TEST

START_TEST(test_pbjson_enum_names_drop_prefix)
{
    char buf[PBJSON_NAME_MAX + 1];

    ck_assert_int_eq(
        pbjson_enum_name(&safer__role__descriptor, SAFER__ROLE__ROLE_CHAIR, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "chair");
    ck_assert_int_eq(
        pbjson_enum_name(&safer__status__descriptor, SAFER__STATUS__NOT_FOUND, buf, sizeof(buf)),
        0);
    ck_assert_str_eq(buf, "not_found");
    ck_assert_int_eq(
        pbjson_enum_name(&safer__role__descriptor, 42, buf, sizeof(buf)), SAFER_E_NOTFOUND);
    ck_assert_int_eq(
        pbjson_enum_name(&safer__status__descriptor, SAFER__STATUS__UNAUTHENTICATED, buf, 4),
        SAFER_E_TOOBIG);
}
END_TEST

START_TEST(test_pbjson_dump_is_one_line)
{
    json_t *doc = json_pack("[{s:i}]", "a", 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(pbjson_dump(doc, f), 0);
    fclose(f);
    ck_assert_str_eq(text, "[{\"a\":1}]\n");
    free(text);
    json_decref(doc);
}
END_TEST

static Suite *pbjson_suite(void)
{
    Suite *s = suite_create("pbjson");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_pbjson_person_keys_and_roles);
    tcase_add_test(tc, test_pbjson_keeps_field_order);
    tcase_add_test(tc, test_pbjson_bytes_hex_and_int64);
    tcase_add_test(tc, test_pbjson_oneof_only_the_chosen_member);
    tcase_add_test(tc, test_pbjson_repeated_messages_and_null_nested);
    tcase_add_test(tc, test_pbjson_unknown_enum_is_its_number);
    tcase_add_test(tc, test_pbjson_rejects_text_that_is_not_utf8);
    tcase_add_test(tc, test_pbjson_enum_names_drop_prefix);
    tcase_add_test(tc, test_pbjson_dump_is_one_line);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pbjson_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
