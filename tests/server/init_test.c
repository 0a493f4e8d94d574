/*
 * `saferd init`, run in-process through cmd_init: it makes the folder, keys
 * and database, prints an invite that enrols the first admin, refuses a
 * folder that is already initialised or not empty, and checks its inputs
 * before it writes anything.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "common/err.h"
#include "common/invite.h"
#include "common/keyfile.h"
#include "common/noise.h"
#include "server/audit.h"
#include "server/cmds.h"
#include "server/ident.h"
#include "server/store.h"
#include "support/storefix.h"

#define OUT_MAX 4096

/* A temporary root with a data folder path inside it (not yet made). */
struct initfix {
    char root[256];
    char dir[256 + 16];
    char out[OUT_MAX]; /* what cmd_init printed on stdout */
};

static void initfix_setup(struct initfix *t)
{
    const char *tmp = getenv("TMPDIR");

    memset(t, 0, sizeof(*t));
    snprintf(t->root, sizeof(t->root), "%s/safer-init-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(t->root));
    snprintf(t->dir, sizeof(t->dir), "%s/data", t->root);
}

static void initfix_teardown(struct initfix *t)
{
    storefix_rmdir(t->dir);
    storefix_rmdir(t->root);
}

/* Runs cmd_init with argv (NULL-terminated), keeping its stdout in t->out. */
static int run_init(struct initfix *t, const char *const *args)
{
    char path[STOREFIX_PATH_MAX + 16];
    char *argv[32];
    int argc = 0;
    int saved, fd, rc;
    ssize_t n;

    while (args[argc]) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    snprintf(path, sizeof(path), "%s/stdout", t->root);
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    dup2(fd, STDOUT_FILENO);
    rc = cmd_init(argc, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, t->out, sizeof(t->out) - 1);
    t->out[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return rc;
}

static mode_t mode_of(const char *dir, const char *name)
{
    char path[STOREFIX_PATH_MAX + 64];
    struct stat sb;

    snprintf(path, sizeof(path), "%s%s%s", dir, name ? "/" : "", name ? name : "");
    ck_assert_int_eq(stat(path, &sb), 0);
    return sb.st_mode & 0777;
}

/* The last non-empty line of s, copied into buf. */
static void last_line(const char *s, char *buf, size_t len)
{
    size_t n = strlen(s);
    const char *start;

    while (n > 0 && s[n - 1] == '\n')
        n--;
    start = s + n;
    while (start > s && start[-1] != '\n')
        start--;
    snprintf(buf, len, "%.*s", (int)(s + n - start), start);
}

START_TEST(test_init_makes_folder_and_invite)
{
    struct initfix t;
    char line[INVITE_MAX + 1];
    char path[STOREFIX_PATH_MAX + 64];
    char name[128];
    char head[STOREFIX_PATH_MAX + 128];
    uint8_t sk[32], pk[32];
    invite inv;
    ident_enrol en = { 0 };
    store *st = NULL;

    initfix_setup(&t);
    ck_assert_int_eq(run_init(&t,
                         (const char *const[]) { "init", t.dir, "--listen", "127.0.0.1:7999",
                             "--partnership", "Halton CSP", NULL }),
        0);
    snprintf(
        head, sizeof(head), "Initialised %s for \"Halton CSP\".\nServer key fingerprint: ", t.dir);
    ck_assert_ptr_eq(strstr(t.out, head), t.out);
    ck_assert_ptr_nonnull(strstr(t.out, "First admin invite for AD (expires "));
    ck_assert_int_eq(mode_of(t.dir, NULL), 0700);
    ck_assert_int_eq(mode_of(t.dir, SAFERD_KEY_FILE), 0600);
    ck_assert_int_eq(mode_of(t.dir, SAFERD_SIGN_FILE), 0600);
    ck_assert_int_eq(mode_of(t.dir, SAFERD_DB_FILE), 0600);

    /* The invite is alone on the last line and names the server's real key. */
    last_line(t.out, line, sizeof(line));
    ck_assert_ptr_eq(strstr(line, "safer://127.0.0.1:7999/"), line);
    ck_assert_int_eq(invite_parse(line, &inv, NULL, 0), 0);
    snprintf(path, sizeof(path), "%s/%s", t.dir, SAFERD_KEY_FILE);
    ck_assert_int_eq(keyfile_read(path, sk, NULL), 0);
    ck_assert_int_eq(noise_public_key(sk, pk), 0);
    ck_assert_mem_eq(pk, inv.server_pk, 32);

    /* The database knows the partnership, and the code enrols the admin. */
    snprintf(path, sizeof(path), "%s/%s", t.dir, SAFERD_DB_FILE);
    ck_assert_int_eq(store_open(&st, path, 0), 0);
    /* The log init wrote is sealed under the key that follows from server.key. */
    snprintf(path, sizeof(path), "%s/%s", t.dir, SAFERD_KEY_FILE);
    ck_assert_int_eq(audit_verify(st, NULL, NULL, 0), SAFER_E_STATE);
    ck_assert_int_eq(audit_load_server_key(st, path), 0);
    ck_assert_int_eq(audit_verify(st, NULL, NULL, 0), 0);
    ck_assert_int_eq(ident_partnership(st, name, sizeof(name)), 0);
    ck_assert_str_eq(name, "Halton CSP");
    snprintf(en.code, sizeof(en.code), "%s", inv.code);
    memset(en.pk, 0x5a, sizeof(en.pk));
    en.now = time(NULL);
    ck_assert_int_eq(store_run(st, ident_enrol_job, &en), 0);
    ck_assert_str_eq(en.who.initials, "AD");
    ck_assert_str_eq(en.who.agency_code, "council");
    ck_assert_uint_eq(en.who.roles, ROLE_BIT_ADMIN);
    ck_assert_int_eq(audit_verify(st, NULL, NULL, 0), 0);
    store_close(st);
    initfix_teardown(&t);
}
END_TEST

START_TEST(test_init_refuses_initialised_folder)
{
    struct initfix t;
    char first[OUT_MAX];

    initfix_setup(&t);
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", t.dir, NULL }), 0);
    memcpy(first, t.out, sizeof(first));
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", t.dir, NULL }), 1);
    ck_assert_str_eq(t.out, "");
    /* The first run's files are still there. */
    ck_assert_int_eq(mode_of(t.dir, SAFERD_KEY_FILE), 0600);
    ck_assert_int_eq(mode_of(t.dir, SAFERD_DB_FILE), 0600);
    initfix_teardown(&t);
}
END_TEST

START_TEST(test_init_uses_empty_folder_refuses_full_one)
{
    struct initfix t;
    char path[STOREFIX_PATH_MAX + 64];
    int fd;

    initfix_setup(&t);
    ck_assert_int_eq(mkdir(t.dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/notes.txt", t.dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", t.dir, NULL }), 1);
    snprintf(path, sizeof(path), "%s/%s", t.dir, SAFERD_KEY_FILE);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof(path), "%s/notes.txt", t.dir);
    unlink(path);
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", t.dir, NULL }), 0);
    ck_assert_int_eq(mode_of(t.dir, NULL), 0700);
    initfix_teardown(&t);
}
END_TEST

START_TEST(test_init_rejects_bad_input_before_writing)
{
    static const char *const bad[][3] = {
        { "--admin-initials", "ad" },
        { "--admin-initials", "ABCDEFGHI" },
        { "--agency", "Police" },
        { "--agency", "" },
        { "--listen", "localhost" },
        { "--listen", "127.0.0.1:99999" },
        { "--invite-hours", "0" },
        { "--invite-hours", "12x" },
        { "--partnership", "a\nb" },
        { "--admin-name", "" },
        { "--agency-name", "" },
        /* Not UTF-8: a lone continuation byte, a cut sequence, an overlong slash. */
        { "--admin-name", "Dee \x80Patel" },
        { "--partnership", "Halton \xc3" },
        { "--agency-name", "Fire \xc0\xaf" },
        { "--colour", "blue" },
    };
    struct initfix t;

    initfix_setup(&t);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(
            run_init(&t, (const char *const[]) { "init", t.dir, bad[i][0], bad[i][1], NULL }), 2);
        ck_assert_int_ne(access(t.dir, F_OK), 0);
    }
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", NULL }), 2);
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", t.dir, "--listen", NULL }), 2);
    ck_assert_int_eq(run_init(&t, (const char *const[]) { "init", "--help", NULL }), 0);
    ck_assert_ptr_nonnull(strstr(t.out, "usage: saferd init DIR"));
    ck_assert_int_ne(access(t.dir, F_OK), 0);
    initfix_teardown(&t);
}
END_TEST

START_TEST(test_init_takes_every_option)
{
    struct initfix t;
    char path[STOREFIX_PATH_MAX + 64];
    store *st = NULL;

    initfix_setup(&t);
    ck_assert_int_eq(run_init(&t,
                         (const char *const[]) { "init", t.dir, "--admin-initials", "DP",
                             "--admin-name=Dee Patel", "--agency", "police", "--agency-name",
                             "Cheshire Constabulary", "--invite-hours", "2", NULL }),
        0);
    ck_assert_ptr_nonnull(strstr(t.out, "First admin invite for DP (expires "));
    snprintf(path, sizeof(path), "%s/%s", t.dir, SAFERD_DB_FILE);
    ck_assert_int_eq(store_open(&st, path, 0), 0);
    store_close(st);
    {
        storefix f = { 0 };

        snprintf(f.db, sizeof(f.db), "%s/%s", t.dir, SAFERD_DB_FILE);
        ck_assert_int_eq(storefix_int(&f,
                             "SELECT count(*) FROM people WHERE initials = 'DP' "
                             "AND name = 'Dee Patel'"),
            1);
        ck_assert_int_eq(storefix_int(&f,
                             "SELECT count(*) FROM agencies WHERE code = 'police' "
                             "AND name = 'Cheshire Constabulary'"),
            1);
        ck_assert_int_eq(storefix_int(&f, "SELECT expires - created FROM invites"), 7200);
    }
    initfix_teardown(&t);
}
END_TEST

static Suite *init_suite(void)
{
    Suite *s = suite_create("init");
    TCase *tc = tcase_create("init");

    tcase_add_test(tc, test_init_makes_folder_and_invite);
    tcase_add_test(tc, test_init_refuses_initialised_folder);
    tcase_add_test(tc, test_init_uses_empty_folder_refuses_full_one);
    tcase_add_test(tc, test_init_rejects_bad_input_before_writing);
    tcase_add_test(tc, test_init_takes_every_option);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(init_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
