/*
 * Tests for the client's folder: the order in which SAFER_HOME,
 * XDG_CONFIG_HOME and HOME are consulted, making the folder 0700, and the
 * server settings file: a round trip through disk, and strict parsing whose
 * errors name the offending line.
 */
#include "client/home.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"

/* A private scratch folder per test, removed by rm_tree. */
static void make_tmp(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/safer-home-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(buf));
}

/* Removes the files in dir (one level, plus one nested folder level), then dir. */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[HOME_PATH_MAX];
    struct stat st;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rm_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void set_env(const char *safer, const char *xdg, const char *home)
{
    if (safer)
        setenv("SAFER_HOME", safer, 1);
    else
        unsetenv("SAFER_HOME");
    if (xdg)
        setenv("XDG_CONFIG_HOME", xdg, 1);
    else
        unsetenv("XDG_CONFIG_HOME");
    if (home)
        setenv("HOME", home, 1);
    else
        unsetenv("HOME");
}

static void sample_server(home_server *s)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->host, sizeof(s->host), "hub.example.org");
    s->port = 7443;
    for (int i = 0; i < 32; i++) {
        s->server_pk[i] = (uint8_t)i;
        s->sign_pk[i] = (uint8_t)(255 - i);
    }
    snprintf(s->initials, sizeof(s->initials), "DP");
}

START_TEST(test_home_dir_prefers_safer_home)
{
    char buf[HOME_PATH_MAX];

    set_env("/srv/safer-home", "/xdg", "/home/u");
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/srv/safer-home");
}
END_TEST

START_TEST(test_home_dir_uses_xdg_then_home)
{
    char buf[HOME_PATH_MAX];

    set_env(NULL, "/xdg", "/home/u");
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/xdg/safer");
    set_env(NULL, NULL, "/home/u");
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/home/u/.config/safer");
}
END_TEST

START_TEST(test_home_dir_skips_empty_and_relative)
{
    char buf[HOME_PATH_MAX];

    /* Empty counts as unset, and a relative XDG_CONFIG_HOME is ignored per the XDG spec. */
    set_env("", "relative/xdg", "/home/u");
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/home/u/.config/safer");
    set_env("", "", "");
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), SAFER_E_NOTFOUND);
    set_env(NULL, NULL, NULL);
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), SAFER_E_NOTFOUND);
}
END_TEST

START_TEST(test_home_dir_rejects_overlong)
{
    char buf[16];

    set_env("/a/path/much/longer/than/sixteen", NULL, NULL);
    ck_assert_int_eq(home_dir(buf, sizeof(buf)), SAFER_E_TOOBIG);
}
END_TEST

START_TEST(test_home_ensure_creates_0700)
{
    char tmp[64];
    char dir[HOME_PATH_MAX];
    struct stat st;

    make_tmp(tmp, sizeof(tmp));
    snprintf(dir, sizeof(dir), "%s/a/safer", tmp);
    ck_assert_int_eq(home_ensure(dir), 0);
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    /* A second call on an existing folder succeeds. */
    ck_assert_int_eq(home_ensure(dir), 0);
    rm_tree(tmp);
}
END_TEST

START_TEST(test_home_server_round_trip)
{
    char tmp[64];
    char path[HOME_PATH_MAX];
    char why[HOME_WHY_MAX] = "";
    home_server in;
    home_server out;
    struct stat st;
    DIR *d;
    struct dirent *e;
    int files = 0;

    make_tmp(tmp, sizeof(tmp));
    ck_assert_int_eq(home_path(path, sizeof(path), tmp, HOME_SERVER_FILE), 0);
    sample_server(&in);
    ck_assert_int_eq(home_server_write(path, &in), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(home_server_read(path, &out, why, sizeof(why)), 0);
    ck_assert_str_eq(out.host, "hub.example.org");
    ck_assert_uint_eq(out.port, 7443);
    ck_assert_mem_eq(out.server_pk, in.server_pk, 32);
    ck_assert_mem_eq(out.sign_pk, in.sign_pk, 32);
    ck_assert_str_eq(out.initials, "DP");
    /* Overwriting leaves exactly one file behind: no temporary files. */
    snprintf(in.host, sizeof(in.host), "::1");
    ck_assert_int_eq(home_server_write(path, &in), 0);
    ck_assert_int_eq(home_server_read(path, &out, why, sizeof(why)), 0);
    ck_assert_str_eq(out.host, "::1");
    d = opendir(tmp);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        files += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(files, 1);
    rm_tree(tmp);
}
END_TEST

START_TEST(test_home_server_format_brackets_ipv6)
{
    char buf[HOME_SERVER_FILE_MAX];
    home_server s;

    sample_server(&s);
    snprintf(s.host, sizeof(s.host), "fe80::1");
    ck_assert_int_eq(home_server_format(&s, buf, sizeof(buf)), 0);
    ck_assert_ptr_nonnull(strstr(buf, "address [fe80::1]:7443\n"));
}
END_TEST

START_TEST(test_home_server_read_missing_is_notfound)
{
    char why[HOME_WHY_MAX] = "";
    home_server s;

    ck_assert_int_eq(
        home_server_read("/nonexistent/safer/server", &s, why, sizeof(why)), SAFER_E_NOTFOUND);
}
END_TEST

/* The parser's verdict on text and the message it gave. */
static int parse_text(const char *text, char *why, size_t why_len)
{
    home_server s;
    why[0] = '\0';
    return home_server_parse(text, strlen(text), &s, why, why_len);
}

#define GOOD_KEY "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

START_TEST(test_home_server_accepts_comments_and_blank_lines)
{
    char why[HOME_WHY_MAX];
    const char *text = "# pinned by safer enrol\n\naddress 127.0.0.1:9\nserver_key " GOOD_KEY
                       "\nsign_key " GOOD_KEY "\ninitials MA";

    ck_assert_int_eq(parse_text(text, why, sizeof(why)), 0);
}
END_TEST

START_TEST(test_home_server_rejects_bad_lines_naming_them)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        { "address 127.0.0.1:9\nserver_key short\n", "line 2: bad server_key" },
        { "address 127.0.0.1:99999\n", "line 1: bad address" },
        { "address 127.0.0.1:9\n\nfoo bar\n", "line 3: unknown setting 'foo'" },
        { "initials DP\ninitials MA\n", "line 2: 'initials' given twice" },
        { "initials D-P\n", "line 1: bad initials" },
        { "initials  DP\n", "line 1: want 'key value'" },
        { "initials DP \n", "line 1: want 'key value'" },
        { "initials\n", "line 1: want 'key value'" },
        { "initials DP\r\n", "line 1: control character" },
        { "address 127.0.0.1:9\nserver_key " GOOD_KEY "\nsign_key " GOOD_KEY "\n",
            "missing 'initials'" },
    };
    char why[HOME_WHY_MAX];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_int_eq(parse_text(cases[i].text, why, sizeof(why)), SAFER_E_INVAL);
        ck_assert_msg(strstr(why, cases[i].want) != NULL, "case %zu: want '%s', got '%s'", i,
            cases[i].want, why);
    }
}
END_TEST

START_TEST(test_home_server_rejects_long_line_and_nul)
{
    char text[HOME_LINE_MAX + 64];
    char why[HOME_WHY_MAX] = "";
    home_server s;

    memset(text, 'a', sizeof(text));
    memcpy(text, "initials DP\n", 12);
    ck_assert_int_eq(home_server_parse(text, sizeof(text), &s, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "line 2: longer than"));
    ck_assert_int_eq(home_server_parse("initials D\0P\n", 13, &s, why, sizeof(why)), SAFER_E_INVAL);
    ck_assert_ptr_nonnull(strstr(why, "line 1: control character"));
}
END_TEST

START_TEST(test_home_server_read_rejects_oversize_file)
{
    char tmp[64];
    char path[HOME_PATH_MAX];
    char why[HOME_WHY_MAX] = "";
    home_server s;
    FILE *f;

    make_tmp(tmp, sizeof(tmp));
    snprintf(path, sizeof(path), "%s/server", tmp);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < HOME_SERVER_FILE_MAX + 1; i++)
        fputc('#', f);
    fclose(f);
    ck_assert_int_eq(home_server_read(path, &s, why, sizeof(why)), SAFER_E_TOOBIG);
    rm_tree(tmp);
}
END_TEST

START_TEST(test_home_initials_ok_bounds)
{
    ck_assert_int_eq(home_initials_ok("DP"), 1);
    ck_assert_int_eq(home_initials_ok("ABCDEFGH"), 1);
    ck_assert_int_eq(home_initials_ok("ABCDEFGHI"), 0);
    ck_assert_int_eq(home_initials_ok(""), 0);
    ck_assert_int_eq(home_initials_ok("D P"), 0);
}
END_TEST

static Suite *home_suite(void)
{
    Suite *s = suite_create("home");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_home_dir_prefers_safer_home);
    tcase_add_test(tc, test_home_dir_uses_xdg_then_home);
    tcase_add_test(tc, test_home_dir_skips_empty_and_relative);
    tcase_add_test(tc, test_home_dir_rejects_overlong);
    tcase_add_test(tc, test_home_ensure_creates_0700);
    tcase_add_test(tc, test_home_server_round_trip);
    tcase_add_test(tc, test_home_server_format_brackets_ipv6);
    tcase_add_test(tc, test_home_server_read_missing_is_notfound);
    tcase_add_test(tc, test_home_server_accepts_comments_and_blank_lines);
    tcase_add_test(tc, test_home_server_rejects_bad_lines_naming_them);
    tcase_add_test(tc, test_home_server_rejects_long_line_and_nul);
    tcase_add_test(tc, test_home_server_read_rejects_oversize_file);
    tcase_add_test(tc, test_home_initials_ok_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(home_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
