/*
 * Tests for the pack signature file: a format/parse round trip, strict
 * parsing whose errors name the offending line, checking that fails on one
 * changed byte and refuses a key other than the pinned one, and the file
 * helpers pull and verify write and read with.
 */
#include "client/packsig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"

static const uint8_t pack_bytes[] = "%PDF-1.5 a pack that is not really a PDF\n\x00\x01\xff tail";

/* A key pair and a signature over pack_bytes. */
struct signer {
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    packsig ps;
};

static void make_signer(struct signer *s)
{
    ck_assert_int_eq(crypto_sign_keypair(s->pk, s->sk), 0);
    memcpy(s->ps.key, s->pk, sizeof(s->ps.key));
    ck_assert_int_eq(
        crypto_sign_detached(s->ps.sig, NULL, pack_bytes, sizeof(pack_bytes), s->sk), 0);
}

static void wipe_signer(struct signer *s)
{
    sodium_memzero(s, sizeof(*s));
}

/* Formats a good signature file for s into buf. */
static void good_text(const struct signer *s, char *buf, size_t len)
{
    ck_assert_int_eq(packsig_format(&s->ps, buf, len), 0);
}

START_TEST(test_packsig_round_trip)
{
    struct signer s;
    char text[PACKSIG_TEXT_MAX], why[PACKSIG_WHY_MAX] = "";
    packsig back;

    make_signer(&s);
    good_text(&s, text, sizeof(text));
    ck_assert_uint_eq(strlen(text),
        strlen(PACKSIG_MAGIC) + 1 + 4 + PACKSIG_KEY_CHARS + 1 + 4 + PACKSIG_SIG_CHARS + 1);
    ck_assert_int_eq(strncmp(text, PACKSIG_MAGIC "\nkey ", strlen(PACKSIG_MAGIC) + 5), 0);
    ck_assert_int_eq(packsig_parse(text, strlen(text), &back, why, sizeof(why)), 0);
    ck_assert_mem_eq(back.key, s.ps.key, sizeof(back.key));
    ck_assert_mem_eq(back.sig, s.ps.sig, sizeof(back.sig));
    ck_assert_int_eq(packsig_check(&back, s.pk, pack_bytes, sizeof(pack_bytes)), 0);
    wipe_signer(&s);
}
END_TEST

START_TEST(test_packsig_format_refuses_small_buffer)
{
    struct signer s;
    char text[100];

    make_signer(&s);
    ck_assert_int_eq(packsig_format(&s.ps, text, sizeof(text)), SAFER_E_TOOBIG);
    wipe_signer(&s);
}
END_TEST

/* Parses text and expects SAFER_E_INVAL with a message starting with prefix. */
static void expect_bad(const char *text, size_t len, const char *prefix)
{
    char why[PACKSIG_WHY_MAX] = "";
    packsig ps;

    ck_assert_int_eq(packsig_parse(text, len, &ps, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_msg(strncmp(why, prefix, strlen(prefix)) == 0, "got '%s', want '%s...'", why, prefix);
}

/* Copies the good text and replaces the byte at offset at with c. */
static void expect_bad_byte(const char *good, size_t at, char c, const char *prefix)
{
    char text[PACKSIG_TEXT_MAX];
    size_t n = strlen(good);

    memcpy(text, good, n);
    text[at] = c;
    expect_bad(text, n, prefix);
}

START_TEST(test_packsig_parse_names_bad_line)
{
    struct signer s;
    char good[PACKSIG_TEXT_MAX], text[2 * PACKSIG_TEXT_MAX];
    size_t n, key_at = strlen(PACKSIG_MAGIC) + 1, sig_at;

    make_signer(&s);
    good_text(&s, good, sizeof(good));
    n = strlen(good);
    sig_at = key_at + 4 + PACKSIG_KEY_CHARS + 1;

    expect_bad("", 0, "line 1: the file is empty");
    expect_bad_byte(good, 0, 'S', "line 1: want");
    expect_bad_byte(good, key_at - 2, '2', "line 1: want");
    expect_bad_byte(good, key_at - 1, '\r', "line 1: a carriage return");
    expect_bad_byte(good, key_at, 'K', "line 2: want 'key");
    expect_bad_byte(good, key_at + 3, '\t', "line 2: want 'key");
    expect_bad_byte(good, key_at + 4, '+', "line 2: the key is not base64url");
    expect_bad_byte(good, key_at + 10, '\0', "line 2: holds a NUL");
    expect_bad_byte(good, sig_at, 'S', "line 3: want 'sig");
    expect_bad_byte(good, sig_at + 20, '=', "line 3: the sig is not base64url");

    /* A key one character short, and a signature one character long. */
    snprintf(text, sizeof(text), "%.*s%s", (int)(sig_at - 2), good, good + sig_at - 1);
    expect_bad(text, strlen(text), "line 2: the key must be 43");
    snprintf(text, sizeof(text), "%.*sA\n", (int)(n - 1), good);
    expect_bad(text, strlen(text), "line 3: the sig must be 86");

    /* Windows line ends, no final newline, a missing line and one too many. */
    snprintf(text, sizeof(text), "%s\r\n", PACKSIG_MAGIC);
    expect_bad(text, strlen(text), "line 1: a carriage return");
    expect_bad(good, n - 1, "line 3: no newline");
    expect_bad(good, sig_at, "line 3: missing");
    snprintf(text, sizeof(text), "%s\n", good);
    expect_bad(text, strlen(text), "line 4: unexpected");
    wipe_signer(&s);
}
END_TEST

/* The last character of a base64url key carries 2 unused bits; setting them is not canonical. */
START_TEST(test_packsig_parse_refuses_noncanonical_base64)
{
    struct signer s;
    char good[PACKSIG_TEXT_MAX];
    size_t last = strlen(PACKSIG_MAGIC) + 1 + 4 + PACKSIG_KEY_CHARS - 1;
    static const char alphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *at;
    size_t v;

    make_signer(&s);
    good_text(&s, good, sizeof(good));
    at = strchr(alphabet, good[last]);
    ck_assert_ptr_nonnull(at);
    v = (size_t)(at - alphabet);
    ck_assert_uint_eq(v & 3, 0);
    expect_bad_byte(good, last, alphabet[v | 1], "line 2: the key is not base64url");
    wipe_signer(&s);
}
END_TEST

START_TEST(test_packsig_parse_refuses_oversize)
{
    char text[PACKSIG_TEXT_MAX + 2], why[PACKSIG_WHY_MAX] = "";
    packsig ps;

    memset(text, 'a', sizeof(text));
    ck_assert_int_eq(packsig_parse(text, sizeof(text), &ps, why, sizeof(why)), SAFER_E_TOOBIG);
}
END_TEST

START_TEST(test_packsig_check_fails_on_one_changed_byte)
{
    struct signer s;
    uint8_t copy[sizeof(pack_bytes)];

    make_signer(&s);
    ck_assert_int_eq(packsig_check(&s.ps, s.pk, pack_bytes, sizeof(pack_bytes)), 0);
    for (size_t i = 0; i < sizeof(copy); i += 7) {
        memcpy(copy, pack_bytes, sizeof(copy));
        copy[i] ^= 0x01;
        ck_assert_int_eq(packsig_check(&s.ps, s.pk, copy, sizeof(copy)), SAFER_E_DECRYPT);
    }
    /* One byte fewer, and a changed signature. */
    ck_assert_int_eq(
        packsig_check(&s.ps, s.pk, pack_bytes, sizeof(pack_bytes) - 1), SAFER_E_DECRYPT);
    s.ps.sig[10] ^= 0x80;
    ck_assert_int_eq(packsig_check(&s.ps, s.pk, pack_bytes, sizeof(pack_bytes)), SAFER_E_DECRYPT);
    wipe_signer(&s);
}
END_TEST

START_TEST(test_packsig_check_refuses_untrusted_key)
{
    struct signer pinned, other;

    make_signer(&pinned);
    make_signer(&other);
    /* other's signature is good under other's key, but that key is not pinned. */
    ck_assert_int_eq(packsig_check(&other.ps, other.pk, pack_bytes, sizeof(pack_bytes)), 0);
    ck_assert_int_eq(
        packsig_check(&other.ps, pinned.pk, pack_bytes, sizeof(pack_bytes)), SAFER_E_PERM);
    /* Nor does naming the pinned key next to another key's signature pass. */
    memcpy(other.ps.key, pinned.pk, sizeof(other.ps.key));
    ck_assert_int_eq(
        packsig_check(&other.ps, pinned.pk, pack_bytes, sizeof(pack_bytes)), SAFER_E_DECRYPT);
    wipe_signer(&pinned);
    wipe_signer(&other);
}
END_TEST

START_TEST(test_packsig_files_round_trip)
{
    struct signer s;
    char dir[] = "/tmp/safer-packsig-test-XXXXXX";
    char pack[128], sig[128], tmp[128], why[PACKSIG_WHY_MAX] = "";
    uint8_t *data = NULL;
    size_t len = 0;
    packsig back;
    struct stat st;
    mode_t mask = umask(022);

    make_signer(&s);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(pack, sizeof(pack), "%s/pack.pdf", dir);
    snprintf(sig, sizeof(sig), "%s/pack.pdf.sig", dir);
    snprintf(tmp, sizeof(tmp), "%s/pack.pdf.tmp", dir);
    ck_assert_int_eq(packsig_write_file(pack, pack_bytes, sizeof(pack_bytes)), 0);
    ck_assert_int_eq(packsig_write(sig, &s.ps), 0);
    ck_assert_int_eq(stat(pack, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(stat(sig, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ck_assert_int_ne(access(tmp, F_OK), 0);

    ck_assert_int_eq(packsig_load(pack, PACKSIG_DATA_MAX, &data, &len), 0);
    ck_assert_uint_eq(len, sizeof(pack_bytes));
    ck_assert_mem_eq(data, pack_bytes, len);
    ck_assert_int_eq(packsig_read(sig, &back, why, sizeof(why)), 0);
    ck_assert_int_eq(packsig_check(&back, s.pk, data, len), 0);
    free(data);
    data = NULL;

    ck_assert_int_eq(packsig_load(pack, sizeof(pack_bytes) - 1, &data, &len), SAFER_E_TOOBIG);
    ck_assert_int_eq(packsig_load(dir, PACKSIG_DATA_MAX, &data, &len), SAFER_E_INVAL);
    unlink(sig);
    ck_assert_int_eq(packsig_read(sig, &back, why, sizeof(why)), SAFER_E_NOTFOUND);
    /* A pack is not a signature file: the error names its first line. */
    ck_assert_int_eq(packsig_read(pack, &back, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_int_eq(strncmp(why, "line 1:", 7), 0);
    ck_assert_ptr_null(data);

    unlink(pack);
    ck_assert_int_eq(rmdir(dir), 0);
    umask(mask);
    wipe_signer(&s);
}
END_TEST

static Suite *packsig_suite(void)
{
    Suite *s = suite_create("packsig");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_packsig_round_trip);
    tcase_add_test(tc, test_packsig_format_refuses_small_buffer);
    tcase_add_test(tc, test_packsig_parse_names_bad_line);
    tcase_add_test(tc, test_packsig_parse_refuses_noncanonical_base64);
    tcase_add_test(tc, test_packsig_parse_refuses_oversize);
    tcase_add_test(tc, test_packsig_check_fails_on_one_changed_byte);
    tcase_add_test(tc, test_packsig_check_refuses_untrusted_key);
    tcase_add_test(tc, test_packsig_files_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return 1;
    sr = srunner_create(packsig_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
