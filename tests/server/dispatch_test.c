/*
 * The dispatch table: every kind of request the schema defines has exactly
 * one row, every row names a kind the schema defines, and only enrol and
 * goodbye are open to keys that have not enrolled.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "server/dispatch.h"

/* Calls fn for every field of the Request's body oneof. */
static size_t body_fields(void (*fn)(const ProtobufCFieldDescriptor *f, void *ctx), void *ctx)
{
    const ProtobufCMessageDescriptor *d = &safer__request__descriptor;
    size_t n = 0;

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];

        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
            continue;
        n++;
        if (fn)
            fn(f, ctx);
    }
    return n;
}

static void check_one_row(const ProtobufCFieldDescriptor *f, void *ctx)
{
    size_t rows = 0;

    for (size_t i = 0; i < dispatch_count(); i++) {
        if ((unsigned)dispatch_row_at(i)->body == f->id)
            rows++;
    }
    ck_assert_msg(rows == 1, "request body %s has %zu dispatch rows", f->name, rows);
    ck_assert_ptr_nonnull(dispatch_lookup((Safer__Request__BodyCase)f->id));
}

START_TEST(test_dispatch_every_body_case_has_one_row)
{
    size_t n = body_fields(check_one_row, NULL);

    ck_assert_uint_gt(n, 0);
}
END_TEST

START_TEST(test_dispatch_rows_name_schema_cases)
{
    const ProtobufCMessageDescriptor *d = &safer__request__descriptor;

    ck_assert_uint_eq(dispatch_count(), body_fields(NULL, NULL));
    for (size_t i = 0; i < dispatch_count(); i++) {
        const dispatch_row *row = dispatch_row_at(i);
        const ProtobufCFieldDescriptor *f
            = protobuf_c_message_descriptor_get_field(d, (unsigned)row->body);

        ck_assert_ptr_nonnull(row->name);
        ck_assert_ptr_nonnull(row->fn);
        ck_assert_msg(f != NULL && (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF),
            "row %s has no body case in the schema", row->name);
        ck_assert_str_eq(row->name, f->name);
        /* Rotation acts on the caller's own key; papers and actions have their own rules. */
        if (row->body == SAFER__REQUEST__BODY_ROTATE_BEGIN)
            ck_assert_int_eq(row->owner, OWNER_OWN_KEY);
        else if (row->body == SAFER__REQUEST__BODY_REPORT_SUBMIT)
            ck_assert_int_eq(row->owner, OWNER_GROUP_MEMBER_AGENCY);
        else if (row->body == SAFER__REQUEST__BODY_REPORT_SHOW
            || row->body == SAFER__REQUEST__BODY_REPORT_HISTORY)
            ck_assert_int_eq(row->owner, OWNER_REPORT_READER);
        else if (row->body == SAFER__REQUEST__BODY_REPORT_WITHDRAW)
            ck_assert_int_eq(row->owner, OWNER_OWN_AGENCY);
        else if (row->body == SAFER__REQUEST__BODY_ACTION_UPDATE)
            ck_assert_int_eq(row->owner, OWNER_ACTION_OWNER);
        else
            ck_assert_int_eq(row->owner, OWNER_NONE);
    }
    ck_assert_ptr_null(dispatch_row_at(dispatch_count()));
    ck_assert_ptr_null(dispatch_lookup(SAFER__REQUEST__BODY__NOT_SET));
    ck_assert_ptr_null(dispatch_lookup((Safer__Request__BodyCase)9999));
}
END_TEST

START_TEST(test_dispatch_only_enrol_and_goodbye_open_to_unenrolled)
{
    size_t open = 0;

    for (size_t i = 0; i < dispatch_count(); i++) {
        const dispatch_row *row = dispatch_row_at(i);

        if (row->auth == DISPATCH_AUTH)
            continue;
        open++;
        ck_assert_msg(
            row->body == SAFER__REQUEST__BODY_ENROL || row->body == SAFER__REQUEST__BODY_GOODBYE,
            "%s is open to unenrolled keys", row->name);
    }
    ck_assert_uint_eq(open, 2);
    ck_assert_int_eq(dispatch_lookup(SAFER__REQUEST__BODY_ENROL)->auth, DISPATCH_UNENROLLED_ONLY);
    ck_assert_int_eq(dispatch_lookup(SAFER__REQUEST__BODY_GOODBYE)->auth, DISPATCH_ENROL_ONLY_OK);
}
END_TEST

START_TEST(test_dispatch_ping_and_whoami_allow_every_role)
{
    static const Safer__Request__BodyCase cases[]
        = { SAFER__REQUEST__BODY_PING, SAFER__REQUEST__BODY_WHOAMI };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const dispatch_row *row = dispatch_lookup(cases[i]);

        ck_assert_ptr_nonnull(row);
        ck_assert_int_eq(row->auth, DISPATCH_AUTH);
        ck_assert_uint_eq(
            row->roles, ROLE_BIT_ADMIN | ROLE_BIT_CHAIR | ROLE_BIT_LEAD | ROLE_BIT_MEMBER);
    }
}
END_TEST

static Suite *dispatch_suite(void)
{
    Suite *s = suite_create("dispatch");
    TCase *tc = tcase_create("table");

    tcase_add_test(tc, test_dispatch_every_body_case_has_one_row);
    tcase_add_test(tc, test_dispatch_rows_name_schema_cases);
    tcase_add_test(tc, test_dispatch_only_enrol_and_goodbye_open_to_unenrolled);
    tcase_add_test(tc, test_dispatch_ping_and_whoami_allow_every_role);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dispatch_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
