/*
 * The membership and credential jobs behind the admin requests, run through
 * store_run without a network: each refusal (duplicate code or initials,
 * unknown agency or initials, a deactivated agency, the last active admin)
 * names the problem and changes nothing, and each change leaves its audit row
 * in a chain that still verifies. Rotation and revocation act on exactly the
 * keys they should.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "common/keyfile.h"
#include "server/audit.h"
#include "server/ident.h"
#include "server/keys.h"
#include "server/people.h"
#include "server/store.h"
#include "support/storefix.h"

#define NOW 1800000000 /* 2027-01-15 08:00 UTC */
#define DAY 86400

/* Rows in the tables a refused change must leave alone. */
struct counts {
    int64_t agencies, people, invites, creds, audit, active, revoked;
};

static void counts_get(const storefix *f, struct counts *c)
{
    c->agencies = storefix_int(f, "SELECT count(*) FROM agencies");
    c->people = storefix_int(f, "SELECT count(*) FROM people");
    c->invites = storefix_int(f, "SELECT count(*) FROM invites");
    c->creds = storefix_int(f, "SELECT count(*) FROM credentials");
    c->audit = storefix_int(f, "SELECT count(*) FROM audit");
    c->active = storefix_int(f, "SELECT sum(active) FROM people")
        + storefix_int(f, "SELECT sum(active) * 1000 FROM agencies");
    c->revoked = storefix_int(f, "SELECT count(*) FROM credentials WHERE revoked IS NOT NULL");
}

static void counts_same(const storefix *f, const struct counts *before)
{
    struct counts now;

    counts_get(f, &now);
    ck_assert_int_eq(now.agencies, before->agencies);
    ck_assert_int_eq(now.people, before->people);
    ck_assert_int_eq(now.invites, before->invites);
    ck_assert_int_eq(now.creds, before->creds);
    ck_assert_int_eq(now.audit, before->audit);
    ck_assert_int_eq(now.active, before->active);
    ck_assert_int_eq(now.revoked, before->revoked);
}

static void job_init(people_job *j)
{
    memset(j, 0, sizeof(*j));
    j->now = NOW;
    snprintf(j->actor, sizeof(j->actor), "AD");
}

/*
 * A store with the admin AD (agency council) and an audit row, so that
 * "nothing changed" also covers the audit log.
 */
static int64_t setup(storefix *f)
{
    people_job j;
    int64_t ad;

    storefix_setup(f);
    ad = storefix_person(f, "AD", "council", ROLE_BIT_ADMIN);
    /* Every admin request comes from an enrolled admin: AD holds a live key. */
    storefix_sql(f,
        "INSERT INTO credentials(person_id, pubkey, fingerprint, created) "
        "SELECT id, zeroblob(32), 'ad00-0000-0000-0000', 0 FROM people "
        "WHERE initials = 'AD'");
    job_init(&j);
    snprintf(j.code, sizeof(j.code), "police");
    snprintf(j.name, sizeof(j.name), "Cheshire Constabulary");
    ck_assert_int_eq(store_run(f->st, people_agency_add_job, &j), 0);
    return ad;
}

/* Adds a person through the job, with an invite code; returns the job's code. */
static void add_person(storefix *f, const char *initials, const char *agency, uint32_t roles,
    char code[INVITE_CODE_CHARS + 1])
{
    people_job j;

    job_init(&j);
    snprintf(j.initials, sizeof(j.initials), "%s", initials);
    snprintf(j.name, sizeof(j.name), "Person %s", initials);
    snprintf(j.code, sizeof(j.code), "%s", agency);
    j.roles = roles;
    invite_new_code(j.invite_code);
    j.expires = NOW + 7 * DAY;
    ck_assert_int_eq(store_run(f->st, people_person_add_job, &j), 0);
    ck_assert_str_eq(j.person.initials, initials);
    ck_assert_uint_eq(j.person.roles, roles);
    if (code)
        snprintf(code, INVITE_CODE_CHARS + 1, "%s", j.invite_code);
}

/* Enrols key (all bytes key_byte) with code at now; returns the job's code. */
static int enrol(storefix *f, const char *code, uint8_t key_byte, int64_t now, ident_enrol *en)
{
    memset(en, 0, sizeof(*en));
    snprintf(en->code, sizeof(en->code), "%s", code);
    memset(en->pk, key_byte, sizeof(en->pk));
    en->now = now;
    return store_run(f->st, ident_enrol_job, en);
}

START_TEST(test_people_checks_name_the_input)
{
    char why[PEOPLE_WHY_MAX];

    ck_assert_int_eq(people_check_agency_code("police", why, sizeof(why)), 0);
    ck_assert_int_eq(people_check_agency_code("yjs-2", why, sizeof(why)), 0);
    ck_assert_int_eq(people_check_agency_code("Police", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "agency code 'Police'"));
    ck_assert_int_eq(people_check_agency_code("", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(
        people_check_agency_code("abcdefghijklmnopqrstuvwxyz0123456", why, sizeof(why)),
        SAFER_E_INVAL);
    ck_assert_int_eq(people_check_initials("DP", why, sizeof(why)), 0);
    ck_assert_int_eq(people_check_initials("dp", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "initials 'dp'"));
    ck_assert_int_eq(people_check_initials("ABCDEFGHI", why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(
        people_check_text("name", "Zo\xc3\xab Price", IDENT_NAME_MAX, why, sizeof(why)), 0);
    ck_assert_int_eq(
        people_check_text("name", "bad\ttab", IDENT_NAME_MAX, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "name must be"));
    ck_assert_int_eq(
        people_check_text("name", "bad \xc3", IDENT_NAME_MAX, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(
        people_check_text("name", "", IDENT_NAME_MAX, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert(keys_is_fingerprint("0a1b-2c3d-4e5f-6789"));
    ck_assert(!keys_is_fingerprint("0a1b-2c3d-4e5f-678"));
    ck_assert(!keys_is_fingerprint("0A1B-2C3D-4E5F-6789"));
}
END_TEST

START_TEST(test_agency_duplicate_code_changes_nothing)
{
    storefix f;
    people_job j;
    struct counts before;

    setup(&f);
    counts_get(&f, &before);
    job_init(&j);
    snprintf(j.code, sizeof(j.code), "police");
    snprintf(j.name, sizeof(j.name), "Another Name");
    ck_assert_int_eq(store_run(f.st, people_agency_add_job, &j), SAFER_E_EXISTS);
    ck_assert_str_eq(j.why, "agency 'police' already exists");
    counts_same(&f, &before);
    ck_assert_int_eq(
        storefix_int(&f, "SELECT count(*) FROM agencies WHERE name = 'Cheshire Constabulary'"), 1);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE actor = 'AD' AND action = 'agency.add' "
                         "AND object = 'agency:police'"),
        1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_agency_rename_and_deactivate)
{
    storefix f;
    people_job j;
    struct counts before;

    setup(&f);
    job_init(&j);
    snprintf(j.code, sizeof(j.code), "police");
    snprintf(j.name, sizeof(j.name), "Cheshire Police");
    ck_assert_int_eq(store_run(f.st, people_agency_rename_job, &j), 0);
    ck_assert_str_eq(j.agency.name, "Cheshire Police");
    ck_assert_int_eq(store_run(f.st, people_agency_deactivate_job, &j), 0);
    ck_assert_int_eq(j.agency.active, 0);
    counts_get(&f, &before);
    ck_assert_int_eq(store_run(f.st, people_agency_deactivate_job, &j), SAFER_E_PRECOND);
    snprintf(j.code, sizeof(j.code), "xyz");
    ck_assert_int_eq(store_run(f.st, people_agency_rename_job, &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "no agency with code 'xyz'");
    counts_same(&f, &before);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action IN ('agency.rename', "
                         "'agency.deactivate')"),
        2);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), 0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_person_add_refusals_change_nothing)
{
    storefix f;
    people_job j;
    struct counts before;

    setup(&f);
    add_person(&f, "DP", "police", ROLE_BIT_LEAD, NULL);
    counts_get(&f, &before);

    job_init(&j);
    snprintf(j.initials, sizeof(j.initials), "DP");
    snprintf(j.name, sizeof(j.name), "Dup");
    snprintf(j.code, sizeof(j.code), "police");
    j.roles = ROLE_BIT_MEMBER;
    invite_new_code(j.invite_code);
    j.expires = NOW + DAY;
    ck_assert_int_eq(store_run(f.st, people_person_add_job, &j), SAFER_E_EXISTS);
    ck_assert_str_eq(j.why, "a person with initials 'DP' already exists");

    snprintf(j.initials, sizeof(j.initials), "NEW");
    snprintf(j.code, sizeof(j.code), "xyz");
    ck_assert_int_eq(store_run(f.st, people_person_add_job, &j), SAFER_E_NOTFOUND);
    ck_assert_str_eq(j.why, "no agency with code 'xyz'");
    counts_same(&f, &before);

    /* A deactivated agency takes no new people. */
    snprintf(j.code, sizeof(j.code), "police");
    ck_assert_int_eq(store_run(f.st, people_agency_deactivate_job, &j), 0);
    counts_get(&f, &before);
    j.why[0] = '\0';
    ck_assert_int_eq(store_run(f.st, people_person_add_job, &j), SAFER_E_PRECOND);
    ck_assert_str_eq(j.why, "agency 'police' is deactivated");
    counts_same(&f, &before);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_unknown_initials_are_notfound)
{
    storefix f;
    people_job j;
    keys_revoke kr;
    struct counts before;
    store_job_fn jobs[]
        = { people_person_roles_job, people_person_deactivate_job, people_invite_job };

    setup(&f);
    counts_get(&f, &before);
    for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
        job_init(&j);
        snprintf(j.initials, sizeof(j.initials), "ZZ");
        j.roles = ROLE_BIT_LEAD;
        invite_new_code(j.invite_code);
        j.expires = NOW + DAY;
        ck_assert_int_eq(store_run(f.st, jobs[i], &j), SAFER_E_NOTFOUND);
        ck_assert_str_eq(j.why, "no person with initials 'ZZ'");
    }
    memset(&kr, 0, sizeof(kr));
    snprintf(kr.target, sizeof(kr.target), "ZZ");
    kr.now = NOW;
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), SAFER_E_NOTFOUND);
    ck_assert_str_eq(kr.why, "no person with initials 'ZZ'");
    counts_same(&f, &before);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_last_admin_is_protected)
{
    storefix f;
    people_job j;
    struct counts before;

    setup(&f);
    counts_get(&f, &before);
    job_init(&j);
    snprintf(j.initials, sizeof(j.initials), "AD");
    ck_assert_int_eq(store_run(f.st, people_person_deactivate_job, &j), SAFER_E_PRECOND);
    ck_assert_str_eq(
        j.why, "that would leave the partnership without an active admin who can sign in");
    j.roles = ROLE_BIT_CHAIR;
    j.why[0] = '\0';
    ck_assert_int_eq(store_run(f.st, people_person_roles_job, &j), SAFER_E_PRECOND);
    ck_assert_str_eq(
        j.why, "that would leave the partnership without an active admin who can sign in");
    snprintf(j.code, sizeof(j.code), "council");
    ck_assert_int_eq(store_run(f.st, people_agency_deactivate_job, &j), SAFER_E_PRECOND);
    counts_same(&f, &before);
    ck_assert_int_eq(
        storefix_int(&f, "SELECT roles FROM people WHERE initials = 'AD'"), ROLE_BIT_ADMIN);

    /* A second admin who has not enrolled yet cannot sign in: not enough. */
    add_person(&f, "BE", "police", ROLE_BIT_ADMIN | ROLE_BIT_CHAIR, NULL);
    j.roles = ROLE_BIT_CHAIR;
    ck_assert_int_eq(store_run(f.st, people_person_roles_job, &j), SAFER_E_PRECOND);
    /* Once BE holds a key, AD may step down. */
    storefix_sql(&f,
        "INSERT INTO credentials(person_id, pubkey, fingerprint, created) "
        "SELECT id, randomblob(32), 'be00-0000-0000-0000', 0 FROM people "
        "WHERE initials = 'BE'");
    ck_assert_int_eq(store_run(f.st, people_person_roles_job, &j), 0);
    ck_assert_uint_eq(j.person.roles, ROLE_BIT_CHAIR);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action = 'person.roles' "
                         "AND object = 'person:AD' AND detail = 'roles admin -> chair'"),
        1);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), 0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_person_add_invite_enrols_once)
{
    storefix f;
    char code[INVITE_CODE_CHARS + 1];
    ident_enrol en;
    struct counts before;

    setup(&f);
    add_person(&f, "DP", "police", ROLE_BIT_LEAD | ROLE_BIT_MEMBER, code);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE object = 'person:DP' AND action IN "
                         "('person.add', 'invite.create')"),
        2);
    ck_assert_int_eq(enrol(&f, code, 0x21, NOW + 60, &en), 0);
    ck_assert_str_eq(en.who.initials, "DP");
    counts_get(&f, &before);
    ck_assert_int_eq(enrol(&f, code, 0x22, NOW + 120, &en), SAFER_E_USED);
    ck_assert_str_eq(en.why, "this invite has already been used");
    counts_same(&f, &before);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_invite_expires)
{
    storefix f;
    people_job j;
    ident_enrol en;
    struct counts before;

    setup(&f);
    add_person(&f, "DP", "police", ROLE_BIT_LEAD, NULL);
    job_init(&j);
    snprintf(j.initials, sizeof(j.initials), "DP");
    invite_new_code(j.invite_code);
    j.expires = NOW + DAY;
    ck_assert_int_eq(store_run(f.st, people_invite_job, &j), 0);
    counts_get(&f, &before);
    ck_assert_int_eq(enrol(&f, j.invite_code, 0x31, NOW + 2 * DAY, &en), SAFER_E_EXPIRED);
    ck_assert_ptr_nonnull(strstr(en.why, "this invite expired on 2027-01-16 08:00 UTC"));
    counts_same(&f, &before);
    storefix_teardown(&f);
}
END_TEST

/* DP enrolled with key 0x41; returns the credential id. */
static int64_t setup_enrolled(storefix *f)
{
    char code[INVITE_CODE_CHARS + 1];
    ident_enrol en;

    setup(f);
    add_person(f, "DP", "police", ROLE_BIT_LEAD, code);
    ck_assert_int_eq(enrol(f, code, 0x41, NOW + 10, &en), 0);
    return en.who.cred_id;
}

static void rotate_begin(storefix *f, int64_t cred, char code[INVITE_CODE_CHARS + 1])
{
    keys_rotate kr;

    memset(&kr, 0, sizeof(kr));
    kr.person_id = storefix_int(f, "SELECT id FROM people WHERE initials = 'DP'");
    kr.cred_id = cred;
    snprintf(kr.initials, sizeof(kr.initials), "DP");
    invite_new_code(kr.code);
    kr.now = NOW + 100;
    kr.expires = kr.now + KEYS_ROTATE_SECS;
    ck_assert_int_eq(store_run(f->st, keys_rotate_begin_job, &kr), 0);
    snprintf(code, INVITE_CODE_CHARS + 1, "%s", kr.code);
}

START_TEST(test_rotation_replaces_the_key)
{
    storefix f;
    int64_t old = setup_enrolled(&f);
    char code[INVITE_CODE_CHARS + 1];
    uint8_t old_pk[32], new_pk[32];
    ident_enrol en;
    ident who;

    rotate_begin(&f, old, code);
    ck_assert_int_eq(
        storefix_int(&f, "SELECT replaces_cred_id FROM invites WHERE purpose = 'rotate'"), old);
    ck_assert_int_eq(enrol(&f, code, 0x42, NOW + 200, &en), 0);
    ck_assert_str_eq(en.who.initials, "DP");
    ck_assert_int_eq(en.replaced_cred_id, old);
    memset(old_pk, 0x41, sizeof(old_pk));
    memset(new_pk, 0x42, sizeof(new_pk));
    ck_assert_int_eq(ident_lookup(f.st, old_pk, &who), SAFER_E_REVOKED);
    ck_assert_int_eq(ident_lookup(f.st, new_pk, &who), 0);
    ck_assert_str_eq(who.initials, "DP");
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action = 'key.rotate' AND actor = "
                         "'DP' AND detail LIKE '%now revoked'"),
        1);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action = "
                         "'key.rotate.begin'"),
        1);
    /* The code is single-use. */
    ck_assert_int_eq(enrol(&f, code, 0x43, NOW + 300, &en), SAFER_E_USED);
    ck_assert_int_eq(audit_verify(f.st, NULL, NULL, 0), 0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_rotation_of_a_revoked_key_fails_whole)
{
    storefix f;
    int64_t old = setup_enrolled(&f);
    char code[INVITE_CODE_CHARS + 1];
    keys_revoke kr;
    ident_enrol en;
    struct counts before;

    rotate_begin(&f, old, code);
    memset(&kr, 0, sizeof(kr));
    snprintf(kr.target, sizeof(kr.target), "DP");
    kr.now = NOW + 150;
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), 0);
    counts_get(&f, &before);
    ck_assert_int_eq(enrol(&f, code, 0x42, NOW + 200, &en), SAFER_E_PRECOND);
    ck_assert_ptr_nonnull(strstr(en.why, "has been revoked"));
    counts_same(&f, &before);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM invites WHERE used IS NOT NULL "
                         "AND purpose = 'rotate'"),
        0);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_revoke_by_initials_and_fingerprint)
{
    storefix f;
    int64_t cred = setup_enrolled(&f);
    keys_revoke kr;
    uint8_t pk[32];
    char fpr[KEYFILE_FPR_CHARS + 1];
    struct counts before;

    (void)cred;
    memset(pk, 0x41, sizeof(pk));
    keyfile_fingerprint(pk, fpr);
    memset(&kr, 0, sizeof(kr));
    kr.now = NOW + 500;
    snprintf(kr.actor, sizeof(kr.actor), "AD");

    snprintf(kr.target, sizeof(kr.target), "0000-0000-0000-0000");
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), SAFER_E_NOTFOUND);
    ck_assert_str_eq(kr.why, "no key with fingerprint '0000-0000-0000-0000'");
    snprintf(kr.target, sizeof(kr.target), "not a target");
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), SAFER_E_INVAL);

    snprintf(kr.target, sizeof(kr.target), "%s", fpr);
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), 0);
    ck_assert_uint_eq(kr.n, 1);
    ck_assert_str_eq(kr.revoked[0].fpr, fpr);
    ck_assert_str_eq(kr.revoked[0].initials, "DP");
    counts_get(&f, &before);
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), SAFER_E_PRECOND);
    snprintf(kr.target, sizeof(kr.target), "DP");
    ck_assert_int_eq(store_run(f.st, keys_revoke_job, &kr), SAFER_E_PRECOND);
    ck_assert_str_eq(kr.why, "DP has no keys left to revoke");
    counts_same(&f, &before);
    ck_assert_int_eq(storefix_int(&f,
                         "SELECT count(*) FROM audit WHERE action = 'key.revoke' "
                         "AND actor = 'AD'"),
        1);
    storefix_teardown(&f);
}
END_TEST

START_TEST(test_lists_and_audit_rows)
{
    storefix f;
    people_agency *agencies = NULL;
    people_person *people = NULL;
    keys_key *keys = NULL;
    size_t n = 0;
    int64_t rows = 0;
    char why[KEYS_WHY_MAX];

    setup_enrolled(&f);
    ck_assert_int_eq(people_agency_list(f.st, &agencies, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(agencies[0].code, "council");
    ck_assert_str_eq(agencies[1].code, "police");
    ck_assert_uint_eq(agencies[1].people, 1);
    free(agencies);
    ck_assert_int_eq(people_person_list(f.st, &people, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(people[1].initials, "DP");
    ck_assert_uint_eq(people[1].keys, 1);
    free(people);
    ck_assert_int_eq(keys_list(f.st, "DP", &keys, &n, why, sizeof(why)), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(keys[0].revoked, 0);
    free(keys);
    ck_assert_int_eq(keys_list(f.st, "ZZ", &keys, &n, why, sizeof(why)), SAFER_E_NOTFOUND);
    ck_assert_str_eq(why, "no person with initials 'ZZ'");
    ck_assert_int_eq(audit_verify_rows(f.st, &rows, NULL, NULL, 0), 0);
    ck_assert_int_eq(rows, storefix_int(&f, "SELECT count(*) FROM audit"));
    ck_assert_int_ge(rows, 4);
    storefix_teardown(&f);
}
END_TEST

static Suite *admin_suite(void)
{
    Suite *s = suite_create("admin_store");
    TCase *tc = tcase_create("jobs");

    tcase_add_test(tc, test_people_checks_name_the_input);
    tcase_add_test(tc, test_agency_duplicate_code_changes_nothing);
    tcase_add_test(tc, test_agency_rename_and_deactivate);
    tcase_add_test(tc, test_person_add_refusals_change_nothing);
    tcase_add_test(tc, test_unknown_initials_are_notfound);
    tcase_add_test(tc, test_last_admin_is_protected);
    tcase_add_test(tc, test_person_add_invite_enrols_once);
    tcase_add_test(tc, test_invite_expires);
    tcase_add_test(tc, test_rotation_replaces_the_key);
    tcase_add_test(tc, test_rotation_of_a_revoked_key_fails_whole);
    tcase_add_test(tc, test_revoke_by_initials_and_fingerprint);
    tcase_add_test(tc, test_lists_and_audit_rows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(admin_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
