/*
 * The authorisation table, written out here a second time from the issue's
 * specification (not from the server's table), and checked against
 * dispatch_check for every request, every single role, a few role unions and
 * an unenrolled key. The PERMISSION_DENIED message names the request, the
 * roles it needs and the roles the caller has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/dispatch.h"

/* What the specification says a caller gets. */
enum want { OK_, PD, UA, AE };

struct expect {
    Safer__Request__BodyCase body;
    enum want admin, chair, lead, member, unenrolled;
};

#define B(x) SAFER__REQUEST__BODY_##x
static const struct expect expected[] = {
    { B(PING), OK_, OK_, OK_, OK_, UA },
    { B(WHOAMI), OK_, OK_, OK_, OK_, UA },
    { B(GOODBYE), OK_, OK_, OK_, OK_, OK_ },
    { B(ENROL), AE, AE, AE, AE, OK_ },
    { B(AGENCY_ADD), OK_, PD, PD, PD, UA },
    { B(AGENCY_RENAME), OK_, PD, PD, PD, UA },
    { B(AGENCY_DEACTIVATE), OK_, PD, PD, PD, UA },
    { B(AGENCY_LIST), OK_, OK_, PD, PD, UA },
    { B(PERSON_LIST), OK_, OK_, PD, PD, UA },
    { B(PERSON_ADD), OK_, PD, PD, PD, UA },
    { B(PERSON_SET_ROLES), OK_, PD, PD, PD, UA },
    { B(PERSON_DEACTIVATE), OK_, PD, PD, PD, UA },
    { B(INVITE_CREATE), OK_, PD, PD, PD, UA },
    { B(KEY_LIST), OK_, PD, PD, PD, UA },
    { B(KEY_REVOKE), OK_, PD, PD, PD, UA },
    { B(AUDIT_LIST), OK_, PD, PD, PD, UA },
    { B(AUDIT_VERIFY), OK_, PD, PD, PD, UA },
    { B(ROTATE_BEGIN), OK_, OK_, OK_, OK_, UA },
};
#undef B

static int want_code(enum want w)
{
    switch (w) {
    case OK_:
        return 0;
    case PD:
        return SAFER_E_PERM;
    case UA:
        return SAFER_E_UNAUTH;
    case AE:
        return SAFER_E_EXISTS;
    }
    return 1;
}

static int check_as(const dispatch_row *row, int enrolled, uint32_t roles)
{
    session s;
    char why[DISPATCH_WHY_MAX];

    memset(&s, 0, sizeof(s));
    s.enrolled = enrolled;
    s.who.roles = roles;
    return dispatch_check(&s, row, why, sizeof(why));
}

START_TEST(test_authz_every_request_matches_the_spec)
{
    const uint32_t bits[4] = { ROLE_BIT_ADMIN, ROLE_BIT_CHAIR, ROLE_BIT_LEAD, ROLE_BIT_MEMBER };
    size_t n = sizeof(expected) / sizeof(expected[0]);

    /* Every request the server knows is in the list above, and no other. */
    ck_assert_uint_eq(dispatch_count(), n);
    for (size_t i = 0; i < n; i++) {
        const struct expect *e = &expected[i];
        const dispatch_row *row = dispatch_lookup(e->body);
        const enum want per_role[4] = { e->admin, e->chair, e->lead, e->member };

        ck_assert_ptr_nonnull(row);
        for (size_t r = 0; r < 4; r++)
            ck_assert_msg(check_as(row, 1, bits[r]) == want_code(per_role[r]),
                "%s as role %zu: got %d", row->name, r, check_as(row, 1, bits[r]));
        ck_assert_msg(check_as(row, 0, 0) == want_code(e->unenrolled), "%s unenrolled: got %d",
            row->name, check_as(row, 0, 0));
    }
}
END_TEST

START_TEST(test_authz_roles_are_a_union)
{
    const dispatch_row *add = dispatch_lookup(SAFER__REQUEST__BODY_AGENCY_ADD);
    const dispatch_row *list = dispatch_lookup(SAFER__REQUEST__BODY_PERSON_LIST);

    ck_assert_int_eq(check_as(add, 1, ROLE_BIT_LEAD | ROLE_BIT_ADMIN), 0);
    ck_assert_int_eq(check_as(add, 1, ROLE_BIT_LEAD | ROLE_BIT_CHAIR), SAFER_E_PERM);
    ck_assert_int_eq(check_as(list, 1, ROLE_BIT_MEMBER | ROLE_BIT_CHAIR), 0);
    ck_assert_int_eq(check_as(list, 1, ROLE_BIT_MEMBER | ROLE_BIT_LEAD), SAFER_E_PERM);
}
END_TEST

START_TEST(test_authz_denial_names_request_and_roles)
{
    session s;
    char why[DISPATCH_WHY_MAX];

    memset(&s, 0, sizeof(s));
    s.enrolled = 1;
    s.who.roles = ROLE_BIT_LEAD | ROLE_BIT_MEMBER;
    ck_assert_int_eq(
        dispatch_check(&s, dispatch_lookup(SAFER__REQUEST__BODY_AGENCY_ADD), why, sizeof(why)),
        SAFER_E_PERM);
    ck_assert_str_eq(why, "agency_add needs the admin role; you have lead and member");
    ck_assert_int_eq(
        dispatch_check(&s, dispatch_lookup(SAFER__REQUEST__BODY_AGENCY_LIST), why, sizeof(why)),
        SAFER_E_PERM);
    ck_assert_str_eq(why, "agency_list needs the admin or chair role; you have lead and member");
}
END_TEST

static Suite *authz_suite(void)
{
    Suite *s = suite_create("authz");
    TCase *tc = tcase_create("table");

    tcase_add_test(tc, test_authz_every_request_matches_the_spec);
    tcase_add_test(tc, test_authz_roles_are_a_union);
    tcase_add_test(tc, test_authz_denial_names_request_and_roles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(authz_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
