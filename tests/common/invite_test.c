/*
 * Tests for invite strings: round trips for names, IPv4 and IPv6 hosts, the
 * one leniency (trailing whitespace), and a rejection naming the part for
 * every way each part can be wrong.
 */
#include "common/invite.h"

#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/keyfile.h"

/* A key of all zero bytes in base64url: 43 'A's. */
#define ZERO_KEY "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define GOOD_CODE "q83vEjRWeJCrze8SNFZ4kA"

static void make_invite(invite *inv, const char *host, uint16_t port)
{
    memset(inv, 0, sizeof(*inv));
    snprintf(inv->host, sizeof(inv->host), "%s", host);
    inv->port = port;
    randombytes_buf(inv->server_pk, sizeof(inv->server_pk));
    invite_new_code(inv->code);
}

/* Parses s expecting failure and a message that contains part. */
static void expect_reject(const char *s, const char *part)
{
    invite inv;
    char why[256] = "";

    ck_assert_msg(invite_parse(s, &inv, why, sizeof(why)) == SAFER_E_INVAL, "accepted: %s", s);
    ck_assert_msg(strstr(why, part) != NULL, "message '%s' does not name '%s'", why, part);
    ck_assert_msg(strncmp(why, "invite ", 7) == 0, "message '%s' does not say invite", why);
}

static void round_trip(const char *host, uint16_t port, const char *expect_prefix)
{
    invite a, b;
    char buf[INVITE_MAX + 1], again[INVITE_MAX + 1], why[256] = "";

    make_invite(&a, host, port);
    ck_assert_int_eq(invite_format(&a, buf, sizeof(buf)), 0);
    ck_assert_msg(strncmp(buf, expect_prefix, strlen(expect_prefix)) == 0, "got %s", buf);
    ck_assert_msg(invite_parse(buf, &b, why, sizeof(why)) == 0, "%s", why);
    ck_assert_str_eq(b.host, host);
    ck_assert_uint_eq(b.port, port);
    ck_assert_mem_eq(b.server_pk, a.server_pk, sizeof(a.server_pk));
    ck_assert_str_eq(b.code, a.code);
    ck_assert_int_eq(invite_format(&b, again, sizeof(again)), 0);
    ck_assert_str_eq(again, buf);
}

START_TEST(test_invite_round_trip_name)
{
    round_trip(
        "safer.partnership.example.org", 7443, "safer://safer.partnership.example.org:7443/");
}
END_TEST

START_TEST(test_invite_round_trip_ipv4)
{
    round_trip("127.0.0.1", 1, "safer://127.0.0.1:1/");
}
END_TEST

START_TEST(test_invite_round_trip_ipv6)
{
    round_trip("::1", 65535, "safer://[::1]:65535/");
    round_trip("2001:db8::42", 7443, "safer://[2001:db8::42]:7443/");
}
END_TEST

START_TEST(test_invite_parse_known_string)
{
    invite inv;
    uint8_t zero[32] = { 0 };

    ck_assert_int_eq(
        invite_parse("safer://[fe80::1]:8443/" ZERO_KEY "/" GOOD_CODE, &inv, NULL, 0), 0);
    ck_assert_str_eq(inv.host, "fe80::1");
    ck_assert_uint_eq(inv.port, 8443);
    ck_assert_mem_eq(inv.server_pk, zero, 32);
    ck_assert_str_eq(inv.code, GOOD_CODE);
}
END_TEST

START_TEST(test_invite_trims_trailing_whitespace_only)
{
    invite inv;

    ck_assert_int_eq(
        invite_parse("safer://h:1/" ZERO_KEY "/" GOOD_CODE " \t\r\n", &inv, NULL, 0), 0);
    ck_assert_str_eq(inv.code, GOOD_CODE);
    expect_reject(" safer://h:1/" ZERO_KEY "/" GOOD_CODE, "safer://");
}
END_TEST

START_TEST(test_invite_rejects_bad_scheme)
{
    expect_reject("https://h:1/" ZERO_KEY "/" GOOD_CODE, "must start with safer://");
    expect_reject("SAFER://h:1/" ZERO_KEY "/" GOOD_CODE, "must start with safer://");
    expect_reject("", "must start with safer://");
    expect_reject("safer:/", "must start with safer://");
}
END_TEST

START_TEST(test_invite_rejects_bad_port)
{
    expect_reject("safer://h:99999/" ZERO_KEY "/" GOOD_CODE, "port '99999' is not 1..65535");
    expect_reject("safer://h:65536/" ZERO_KEY "/" GOOD_CODE, "port '65536'");
    expect_reject("safer://h:0/" ZERO_KEY "/" GOOD_CODE, "port '0'");
    expect_reject("safer://h:07443/" ZERO_KEY "/" GOOD_CODE, "port '07443'");
    expect_reject("safer://h:-1/" ZERO_KEY "/" GOOD_CODE, "port '-1'");
    expect_reject("safer://h:/" ZERO_KEY "/" GOOD_CODE, "port ''");
    expect_reject("safer://h/" ZERO_KEY "/" GOOD_CODE, "PORT");
    expect_reject("safer://[::1]/" ZERO_KEY "/" GOOD_CODE, "PORT");
}
END_TEST

START_TEST(test_invite_rejects_bad_host)
{
    char longhost[300];
    char s[INVITE_MAX + 1];

    expect_reject("safer://:1/" ZERO_KEY "/" GOOD_CODE, "host is empty");
    expect_reject("safer://bad_host:1/" ZERO_KEY "/" GOOD_CODE, "host 'bad_host'");
    expect_reject("safer://a..b:1/" ZERO_KEY "/" GOOD_CODE, "host 'a..b'");
    expect_reject("safer://-a.b:1/" ZERO_KEY "/" GOOD_CODE, "host '-a.b'");
    expect_reject("safer://999.1.1.1:1/" ZERO_KEY "/" GOOD_CODE, "host '999.1.1.1'");
    expect_reject("safer://::1:7443/" ZERO_KEY "/" GOOD_CODE, "brackets");
    expect_reject("safer://[::g]:1/" ZERO_KEY "/" GOOD_CODE, "host '::g' is not a valid IPv6");
    expect_reject("safer://[1.2.3.4]:1/" ZERO_KEY "/" GOOD_CODE, "IPv6");
    expect_reject("safer://[::1:1/" ZERO_KEY "/" GOOD_CODE, "host has '['");
    expect_reject("safer:///" ZERO_KEY "/" GOOD_CODE, "HOST:PORT");
    memset(longhost, 'a', sizeof(longhost));
    for (size_t i = 60; i < 260; i += 60)
        longhost[i] = '.';
    longhost[254] = '\0';
    snprintf(s, sizeof(s), "safer://%s:1/" ZERO_KEY "/" GOOD_CODE, longhost);
    expect_reject(s, "host is longer than 253");
}
END_TEST

START_TEST(test_invite_rejects_bad_key)
{
    /* Too short, a character outside base64url, padding, non-canonical last bits. */
    expect_reject("safer://h:1/AAAA/" GOOD_CODE, "server key is not 43 base64url characters");
    expect_reject("safer://h:1/" ZERO_KEY "A/" GOOD_CODE, "server key");
    expect_reject(
        "safer://h:1/+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/" GOOD_CODE, "server key");
    expect_reject(
        "safer://h:1/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/" GOOD_CODE, "server key");
    expect_reject(
        "safer://h:1/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB/" GOOD_CODE, "server key");
    expect_reject("safer://h:1", "SERVERKEY");
}
END_TEST

START_TEST(test_invite_rejects_bad_code)
{
    invite inv;
    char why[256] = "";

    expect_reject("safer://h:1/" ZERO_KEY, "/CODE");
    expect_reject("safer://h:1/" ZERO_KEY "/", "code is not 22 base64url characters");
    expect_reject("safer://h:1/" ZERO_KEY "/q83vEjRWeJCrze8SNFZ4k", "code");
    expect_reject("safer://h:1/" ZERO_KEY "/q83vEjRWeJCrze8SNFZ4kA=", "code");
    expect_reject("safer://h:1/" ZERO_KEY "/q83vEjRWeJCrze8SNFZ4k+", "code");
    expect_reject("safer://h:1/" ZERO_KEY "/" GOOD_CODE "/", "code");
    /* Non-zero trailing bits would give one code two spellings. */
    expect_reject("safer://h:1/" ZERO_KEY "/q83vEjRWeJCrze8SNFZ4kB", "code");
    /* A code is secret: the message must not quote it. */
    ck_assert_int_eq(
        invite_parse("safer://h:1/" ZERO_KEY "/" GOOD_CODE "x", &inv, why, sizeof(why)),
        SAFER_E_INVAL);
    ck_assert_ptr_null(strstr(why, "q83vEj"));
}
END_TEST

START_TEST(test_invite_rejects_too_long)
{
    char s[INVITE_MAX + 2];

    memset(s, 'a', sizeof(s));
    memcpy(s, "safer://", 8);
    s[INVITE_MAX + 1] = '\0';
    expect_reject(s, "longer than 512");
}
END_TEST

START_TEST(test_invite_format_too_small)
{
    invite inv;
    char buf[40];

    make_invite(&inv, "example.org", 7443);
    ck_assert_int_eq(invite_format(&inv, buf, sizeof(buf)), SAFER_E_TOOBIG);
}
END_TEST

START_TEST(test_invite_new_code_is_random_base64url)
{
    char a[INVITE_CODE_CHARS + 1], b[INVITE_CODE_CHARS + 1];

    invite_new_code(a);
    invite_new_code(b);
    ck_assert_uint_eq(strlen(a), INVITE_CODE_CHARS);
    ck_assert_uint_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        INVITE_CODE_CHARS);
    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_invite_parse_hostport)
{
    char host[INVITE_HOST_MAX + 1], why[256] = "";
    uint16_t port = 0;

    ck_assert_int_eq(
        invite_parse_hostport("127.0.0.1:7443", host, sizeof(host), &port, why, sizeof(why)), 0);
    ck_assert_str_eq(host, "127.0.0.1");
    ck_assert_uint_eq(port, 7443);
    ck_assert_int_eq(
        invite_parse_hostport("[::1]:80", host, sizeof(host), &port, why, sizeof(why)), 0);
    ck_assert_str_eq(host, "::1");
    ck_assert_uint_eq(port, 80);
    ck_assert_int_eq(
        invite_parse_hostport("localhost:0", host, sizeof(host), &port, why, sizeof(why)),
        SAFER_E_INVAL);
    ck_assert_str_eq(why, "port '0' is not 1..65535");
    ck_assert_int_eq(
        invite_parse_hostport("", host, sizeof(host), &port, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(
        invite_parse_hostport("[::1]x:80", host, sizeof(host), &port, why, sizeof(why)),
        SAFER_E_INVAL);
    /* A host that does not fit the caller's buffer is refused, not cut. */
    ck_assert_int_eq(
        invite_parse_hostport("example.org:1", host, 5, &port, why, sizeof(why)), SAFER_E_INVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("invite");
    TCase *tc = tcase_create("invite");
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    tcase_add_test(tc, test_invite_round_trip_name);
    tcase_add_test(tc, test_invite_round_trip_ipv4);
    tcase_add_test(tc, test_invite_round_trip_ipv6);
    tcase_add_test(tc, test_invite_parse_known_string);
    tcase_add_test(tc, test_invite_trims_trailing_whitespace_only);
    tcase_add_test(tc, test_invite_rejects_bad_scheme);
    tcase_add_test(tc, test_invite_rejects_bad_port);
    tcase_add_test(tc, test_invite_rejects_bad_host);
    tcase_add_test(tc, test_invite_rejects_bad_key);
    tcase_add_test(tc, test_invite_rejects_bad_code);
    tcase_add_test(tc, test_invite_rejects_too_long);
    tcase_add_test(tc, test_invite_format_too_small);
    tcase_add_test(tc, test_invite_new_code_is_random_base64url);
    tcase_add_test(tc, test_invite_parse_hostport);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
