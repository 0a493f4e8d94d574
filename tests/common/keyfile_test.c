/*
 * Tests for key files: plain and sealed round trips, passphrase errors, the
 * file mode, malformed and missing files, base64url and fingerprints. Files go
 * in a fresh folder under /tmp that each test removes.
 */
#include "common/keyfile.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"

/* Well-formed fields of a sealed file: salt, nonce and box, all zero bytes. */
#define SALT "AAAAAAAAAAAAAAAAAAAAAA"
#define NONCE "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define BOX "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define GOOD_SEALED "safer-key-v1 argon2id 2 67108864 " SALT " " NONCE " " BOX "\n"

static char dir[64];
static char path[128];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/safer-keyfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/key", dir);
}

/* Removes every file in the folder, then the folder. */
static void teardown(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];

    if (d != NULL) {
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void write_text(const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* Counts the entries in the test folder, to catch leftover temporary files. */
static int count_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    }
    closedir(d);
    return n;
}

START_TEST(test_keyfile_plain_round_trip)
{
    uint8_t key[32], back[32];

    randombytes_buf(key, sizeof(key));
    ck_assert_int_eq(keyfile_write(path, key, NULL), 0);
    ck_assert_int_eq(keyfile_is_sealed(path), 0);
    ck_assert_int_eq(keyfile_read(path, back, NULL), 0);
    ck_assert_mem_eq(key, back, 32);
    /* A passphrase given for a plain file is simply not needed. */
    memset(back, 0, sizeof(back));
    ck_assert_int_eq(keyfile_read(path, back, "unused"), 0);
    ck_assert_mem_eq(key, back, 32);
    ck_assert_int_eq(count_files(), 1);
}
END_TEST

START_TEST(test_keyfile_sealed_round_trip)
{
    uint8_t key[32], back[32];

    randombytes_buf(key, sizeof(key));
    ck_assert_int_eq(keyfile_write(path, key, "correct horse battery staple"), 0);
    ck_assert_int_eq(keyfile_is_sealed(path), 1);
    ck_assert_int_eq(keyfile_read(path, back, "correct horse battery staple"), 0);
    ck_assert_mem_eq(key, back, 32);
}
END_TEST

START_TEST(test_keyfile_wrong_passphrase)
{
    uint8_t key[32], back[32], untouched[32];

    randombytes_buf(key, sizeof(key));
    memset(back, 0x5a, sizeof(back));
    memcpy(untouched, back, sizeof(back));
    ck_assert_int_eq(keyfile_write(path, key, "right"), 0);
    ck_assert_int_eq(keyfile_read(path, back, "wrong"), SAFER_E_PASSPHRASE);
    ck_assert_int_eq(keyfile_read(path, back, ""), SAFER_E_PASSPHRASE);
    ck_assert_mem_eq(back, untouched, 32);
}
END_TEST

START_TEST(test_keyfile_sealed_without_passphrase)
{
    uint8_t key[32], back[32], untouched[32];

    randombytes_buf(key, sizeof(key));
    memset(back, 0xa5, sizeof(back));
    memcpy(untouched, back, sizeof(back));
    ck_assert_int_eq(keyfile_write(path, key, "secret"), 0);
    ck_assert_int_eq(keyfile_read(path, back, NULL), SAFER_E_PASSPHRASE);
    ck_assert_mem_eq(back, untouched, 32);
}
END_TEST

START_TEST(test_keyfile_mode_is_0600)
{
    uint8_t key[32] = { 1 };
    struct stat st;
    mode_t old = umask(0);

    ck_assert_int_eq(keyfile_write(path, key, NULL), 0);
    umask(old);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    /* Overwriting replaces the file and keeps the mode. */
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(keyfile_write(path, key, "p"), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(count_files(), 1);
}
END_TEST

START_TEST(test_keyfile_rejects_malformed)
{
    static const char *const bad[] = {
        "",
        "\n",
        "safer-key-v1\n",
        "safer-key-v1 plain\n",
        "safer-key-v2 plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        "safer-key-v1 plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        "safer-key-v1 plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\n",
        "safer-key-v1  plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        "safer-key-v1 plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA extra\n",
        "safer-key-v1 plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\n",
        "safer-key-v1 sealed AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        "safer-key-v1 argon2id 2 67108864 AAAAAAAAAAAAAAAAAAAAAA\n",
        "safer-key-v1 argon2id 0 67108864 " SALT " " NONCE " " BOX "\n",
        "safer-key-v1 argon2id 2 99999999999999 " SALT " " NONCE " " BOX "\n",
        "safer-key-v1 argon2id 2 67108864 " SALT " " NONCE " AAAA\n",
        "safer-key-v1 argon2id 2 67108864 " NONCE " " SALT " " BOX "\n",
        "safer-key-v1 argon2id 02 67108864 " SALT " " NONCE " " BOX "\n",
    };
    uint8_t key[32];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_text(bad[i]);
        ck_assert_msg(keyfile_read(path, key, "p") == SAFER_E_INVAL, "accepted case %zu", i);
    }
}
END_TEST

START_TEST(test_keyfile_well_formed_sealed_needs_passphrase)
{
    uint8_t key[32];

    /* The control for the malformed cases: right shape, wrong box. */
    write_text(GOOD_SEALED);
    ck_assert_int_eq(keyfile_is_sealed(path), 1);
    ck_assert_int_eq(keyfile_read(path, key, NULL), SAFER_E_PASSPHRASE);
    ck_assert_int_eq(keyfile_read(path, key, "p"), SAFER_E_PASSPHRASE);
}
END_TEST

START_TEST(test_keyfile_accepts_hand_written_plain)
{
    uint8_t key[32], zero[32] = { 0 };

    write_text("safer-key-v1 plain AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    ck_assert_int_eq(keyfile_read(path, key, NULL), 0);
    ck_assert_mem_eq(key, zero, 32);
}
END_TEST

START_TEST(test_keyfile_rejects_oversize)
{
    char big[KEYFILE_MAX + 10];
    uint8_t key[32];

    memset(big, 'A', sizeof(big));
    memcpy(big, "safer-key-v1 plain ", 19);
    big[sizeof(big) - 1] = '\0';
    write_text(big);
    ck_assert_int_eq(keyfile_read(path, key, NULL), SAFER_E_INVAL);
}
END_TEST

START_TEST(test_keyfile_missing_file)
{
    uint8_t key[32];

    ck_assert_int_eq(keyfile_read(path, key, NULL), SAFER_E_NOTFOUND);
    ck_assert_int_eq(keyfile_is_sealed(path), SAFER_E_NOTFOUND);
}
END_TEST

START_TEST(test_keyfile_write_into_missing_dir_fails)
{
    uint8_t key[32] = { 0 };
    char p[256];

    snprintf(p, sizeof(p), "%s/nope/key", dir);
    errno = 0;
    ck_assert_int_eq(keyfile_write(p, key, NULL), SAFER_E_IO);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_keyfile_b64_and_fingerprint)
{
    uint8_t key[32], back[32];
    char b64[44], fpr[KEYFILE_FPR_CHARS + 1];
    uint8_t h[32];
    char expect[KEYFILE_FPR_CHARS + 1];

    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(i * 7 + 1);
    keyfile_b64_encode32(key, b64);
    ck_assert_uint_eq(strlen(b64), 43);
    ck_assert_int_eq(keyfile_b64_decode32(b64, back), 0);
    ck_assert_mem_eq(key, back, 32);
    ck_assert_int_eq(keyfile_b64_decode32("AAAA", back), SAFER_E_INVAL);
    ck_assert_int_eq(
        keyfile_b64_decode32("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", back), SAFER_E_INVAL);
    keyfile_fingerprint(key, fpr);
    crypto_generichash(h, 32, key, 32, NULL, 0);
    snprintf(expect, sizeof(expect), "%02x%02x-%02x%02x-%02x%02x-%02x%02x", h[0], h[1], h[2], h[3],
        h[4], h[5], h[6], h[7]);
    ck_assert_str_eq(fpr, expect);
    ck_assert_uint_eq(strlen(fpr), KEYFILE_FPR_CHARS);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keyfile");
    TCase *tc = tcase_create("keyfile");
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_keyfile_plain_round_trip);
    tcase_add_test(tc, test_keyfile_sealed_round_trip);
    tcase_add_test(tc, test_keyfile_wrong_passphrase);
    tcase_add_test(tc, test_keyfile_sealed_without_passphrase);
    tcase_add_test(tc, test_keyfile_mode_is_0600);
    tcase_add_test(tc, test_keyfile_rejects_malformed);
    tcase_add_test(tc, test_keyfile_well_formed_sealed_needs_passphrase);
    tcase_add_test(tc, test_keyfile_accepts_hand_written_plain);
    tcase_add_test(tc, test_keyfile_rejects_oversize);
    tcase_add_test(tc, test_keyfile_missing_file);
    tcase_add_test(tc, test_keyfile_write_into_missing_dir_fails);
    tcase_add_test(tc, test_keyfile_b64_and_fingerprint);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
