/*
 * Tests for the pending idempotency keys of `safer report submit`: the name
 * depends on date, group, path and content; a key is made once, 0600, and
 * the same key comes back until the file is removed; a damaged file is
 * refused rather than replaced.
 */
#include "client/pending.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"

/* A fresh folder for the client; removed by cleanup_dir. */
static void make_dir(char dir[64])
{
    snprintf(dir, 64, "/tmp/pending_test_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void cleanup_dir(const char *dir, const char *key_path)
{
    char sub[128];

    if (key_path != NULL)
        unlink(key_path);
    snprintf(sub, sizeof(sub), "%s/%s", dir, PENDING_DIR);
    rmdir(sub);
    rmdir(dir);
}

START_TEST(test_pending_name_depends_on_every_input)
{
    const uint8_t body[] = "# Alcohol\n";
    char a[PENDING_NAME_CHARS + 1], b[PENDING_NAME_CHARS + 1];

    pending_name("2024-03-14", "alcohol", "/nonexistent/a.md", body, 10, a);
    ck_assert_uint_eq(strlen(a), PENDING_NAME_CHARS);
    ck_assert_uint_eq(strspn(a, "0123456789abcdef"), PENDING_NAME_CHARS);
    pending_name("2024-03-14", "alcohol", "/nonexistent/a.md", body, 10, b);
    ck_assert_str_eq(a, b);
    pending_name("2024-06-13", "alcohol", "/nonexistent/a.md", body, 10, b);
    ck_assert_str_ne(a, b);
    pending_name("2024-03-14", "asb", "/nonexistent/a.md", body, 10, b);
    ck_assert_str_ne(a, b);
    pending_name("2024-03-14", "alcohol", "/nonexistent/b.md", body, 10, b);
    ck_assert_str_ne(a, b);
    pending_name("2024-03-14", "alcohol", "/nonexistent/a.md", body, 9, b);
    ck_assert_str_ne(a, b);
    /* Fields are length-prefixed, so moving a byte between them changes the name. */
    pending_name("2024-03-14a", "lcohol", "/nonexistent/a.md", body, 10, b);
    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_pending_key_is_made_once_then_reused)
{
    char dir[64], path[256], path2[256];
    uint8_t k1[PENDING_KEY_BYTES], k2[PENDING_KEY_BYTES];
    struct stat st;
    int reused = -1;

    make_dir(dir);
    ck_assert_int_eq(pending_key(dir, "00ff", k1, path, sizeof(path), &reused), 0);
    ck_assert_int_eq(reused, 0);
    ck_assert_ptr_nonnull(strstr(path, "/pending/00ff.key"));
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, PENDING_KEY_BYTES);
    ck_assert_int_eq(pending_key(dir, "00ff", k2, path2, sizeof(path2), &reused), 0);
    ck_assert_int_eq(reused, 1);
    ck_assert_str_eq(path, path2);
    ck_assert_int_eq(memcmp(k1, k2, PENDING_KEY_BYTES), 0);
    /* Once the server has answered, the next submission gets a new key. */
    ck_assert_int_eq(pending_done(path), 0);
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(pending_done(path), 0);
    ck_assert_int_eq(pending_key(dir, "00ff", k2, path2, sizeof(path2), &reused), 0);
    ck_assert_int_eq(reused, 0);
    ck_assert_int_ne(memcmp(k1, k2, PENDING_KEY_BYTES), 0);
    cleanup_dir(dir, path);
}
END_TEST

START_TEST(test_pending_key_refuses_a_damaged_file)
{
    char dir[64], path[256];
    uint8_t k[PENDING_KEY_BYTES];
    int reused = -1;
    int fd;

    make_dir(dir);
    ck_assert_int_eq(pending_key(dir, "abcd", k, path, sizeof(path), &reused), 0);
    fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
    ck_assert_int_eq(pending_key(dir, "abcd", k, path, sizeof(path), &reused), SAFER_E_INVAL);
    ck_assert_int_eq(reused, 0);
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(pending_key(dir, "abcd", k, path, sizeof(path), &reused), SAFER_E_INVAL);
    cleanup_dir(dir, path);
}
END_TEST

static Suite *pending_suite(void)
{
    Suite *s = suite_create("pending");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_pending_name_depends_on_every_input);
    tcase_add_test(tc, test_pending_key_is_made_once_then_reused);
    tcase_add_test(tc, test_pending_key_refuses_a_damaged_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    sr = srunner_create(pending_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
