/*
 * Enrolment and lookup: an invite redeemed for a key makes a credential that
 * looks up to its person; a used, expired or unknown code, a key enrolled
 * twice, a revoked key and a deactivated person each get their own code and a
 * message for the user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/ident.h"
#include "server/store.h"
#include "support/storefix.h"

#define NOW 1800000000 /* 2027-01-15 08:00 UTC */
#define DAY 86400

static void enrol_init(ident_enrol *en, const char *code, uint8_t key_byte, int64_t now)
{
    memset(en, 0, sizeof(*en));
    snprintf(en->code, sizeof(en->code), "%s", code);
    memset(en->pk, key_byte, sizeof(en->pk));
    en->now = now;
}

/* A store with DP (lead, police) invited with code "code-dp-1". */
static int64_t setup_dp(storefix *f)
{
    int64_t dp;

    storefix_setup(f);
    dp = storefix_person(f, "DP", "police", ROLE_BIT_LEAD);
    storefix_invite(f, dp, "code-dp-1", NOW, NOW + 7 * DAY);
    return dp;
}

START_TEST(test_ident_enrol_then_lookup)
{
    storefix f;
    ident_enrol en;
    ident who;
    int64_t dp = setup_dp(&f);

    enrol_init(&en, "code-dp-1", 0x11, NOW + 60);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    ck_assert_int_eq(en.who.person_id, dp);
    ck_assert_int_gt(en.who.cred_id, 0);
    ck_assert_str_eq(en.who.initials, "DP");
    ck_assert_str_eq(en.who.agency_code, "police");

    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), 0);
    ck_assert_int_eq(who.person_id, dp);
    ck_assert_int_eq(who.cred_id, en.who.cred_id);
    ck_assert_str_eq(who.initials, "DP");
    ck_assert_str_eq(who.agency_code, "police");
    ck_assert_uint_eq(who.roles, ROLE_BIT_LEAD);
    ck_assert_mem_eq(who.pk, en.pk, 32);

    /* The invite is marked used and the enrolment is in a valid audit chain. */
    ck_assert_int_eq(storefix_int(&f, "SELECT used FROM invites"), NOW + 60);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE actor = 'DP' AND action = 'enrol' "
                         "AND object = 'person:DP' AND detail LIKE 'key ____-____-____-____'"),
        1);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), 0);
    /* Neither the code nor the key is stored in the clear. */
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM invites WHERE "
                         "instr(CAST(code_hash AS TEXT), 'code-dp-1') > 0"),
        0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_unknown_key_is_notfound)
{
    storefix f;
    ident who;
    uint8_t pk[32];

    setup_dp(&f);
    memset(pk, 0x42, sizeof(pk));
    ck_assert_int_eq(ident_lookup(f.st, pk, &who), SAFER_E_NOTFOUND);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_reused_invite_is_used)
{
    storefix f;
    ident_enrol en;

    setup_dp(&f);
    enrol_init(&en, "code-dp-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    enrol_init(&en, "code-dp-1", 0x22, NOW + 1);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_USED);
    ck_assert_str_eq(en.why, "this invite has already been used");
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM credentials"), 1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_expired_invite_is_expired)
{
    storefix f;
    ident_enrol en;

    setup_dp(&f);
    enrol_init(&en, "code-dp-1", 0x11, NOW + 7 * DAY);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_EXPIRED);
    ck_assert_str_eq(
        en.why, "this invite expired on 2027-01-22 08:00 UTC; ask an admin for a new one");
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM credentials"), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT used IS NULL FROM invites"), 1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_unknown_code_is_notfound)
{
    storefix f;
    ident_enrol en;

    setup_dp(&f);
    enrol_init(&en, "code-dp-2", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_NOTFOUND);
    ck_assert_str_eq(en.why, "this invite code is not known");
    enrol_init(&en, "", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_NOTFOUND);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_second_key_with_fresh_code)
{
    storefix f;
    ident_enrol en;
    ident who;
    int64_t dp = setup_dp(&f);

    enrol_init(&en, "code-dp-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    storefix_invite(&f, dp, "code-dp-2", NOW, NOW + DAY);
    enrol_init(&en, "code-dp-2", 0x22, NOW + 10);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), 0);
    ck_assert_int_eq(who.person_id, dp);
    memset(en.pk, 0x11, sizeof(en.pk));
    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM credentials"), 2);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_same_key_twice_is_exists)
{
    storefix f;
    ident_enrol en;
    int64_t dp = setup_dp(&f);
    int64_t ma = storefix_person(&f, "MA", "fire", ROLE_BIT_MEMBER);

    storefix_invite(&f, dp, "code-dp-2", NOW, NOW + DAY);
    storefix_invite(&f, ma, "code-ma-1", NOW, NOW + DAY);
    enrol_init(&en, "code-dp-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    enrol_init(&en, "code-dp-2", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_EXISTS);
    ck_assert_str_eq(en.why, "this key is already enrolled");
    enrol_init(&en, "code-ma-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_EXISTS);
    /* The refused attempts left their invites unused. */
    ck_assert_int_eq(storefix_int(&f, "SELECT count(*) FROM invites WHERE used IS NULL"), 2);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_revoked_key_is_revoked)
{
    storefix f;
    ident_enrol en;
    ident who;

    setup_dp(&f);
    enrol_init(&en, "code-dp-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    storefix_sql(&f, "UPDATE credentials SET revoked = 1800000100");
    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), SAFER_E_REVOKED);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_deactivated_person_is_perm)
{
    storefix f;
    ident_enrol en;
    ident who;
    int64_t dp = setup_dp(&f);

    enrol_init(&en, "code-dp-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    storefix_sql(&f, "UPDATE people SET active = 0 WHERE initials = 'DP'");
    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), SAFER_E_PERM);
    /* A deactivated person cannot enrol another key either. */
    storefix_invite(&f, dp, "code-dp-2", NOW, NOW + DAY);
    enrol_init(&en, "code-dp-2", 0x22, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), SAFER_E_PERM);
    storefix_sql(&f, "UPDATE people SET active = 1; UPDATE agencies SET active = 0");
    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), SAFER_E_NOTFOUND);
    memset(en.pk, 0x11, sizeof(en.pk));
    ck_assert_int_eq(ident_lookup(f.st, en.pk, &who), SAFER_E_PERM);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_ident_touch_records_use)
{
    storefix f;
    ident_enrol en;
    ident_touch t;

    setup_dp(&f);
    enrol_init(&en, "code-dp-1", 0x11, NOW);
    ck_assert_int_eq(store_run(f.st, ident_enrol_job, &en), 0);
    t.cred_id = en.who.cred_id;
    t.now = NOW + 500;
    ck_assert_int_eq(store_run(f.st, ident_touch_job, &t), 0);
    ck_assert_int_eq(storefix_int(&f, "SELECT last_used FROM credentials"), NOW + 500);
    storefix_teardown(&f);
}
END_TEST

static Suite *ident_suite(void)
{
    Suite *s = suite_create("ident");
    TCase *tc = tcase_create("enrol");

    tcase_add_test(tc, test_ident_enrol_then_lookup);
    tcase_add_test(tc, test_ident_unknown_key_is_notfound);
    tcase_add_test(tc, test_ident_reused_invite_is_used);
    tcase_add_test(tc, test_ident_expired_invite_is_expired);
    tcase_add_test(tc, test_ident_unknown_code_is_notfound);
    tcase_add_test(tc, test_ident_second_key_with_fresh_code);
    tcase_add_test(tc, test_ident_same_key_twice_is_exists);
    tcase_add_test(tc, test_ident_revoked_key_is_revoked);
    tcase_add_test(tc, test_ident_deactivated_person_is_perm);
    tcase_add_test(tc, test_ident_touch_records_use);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ident_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
