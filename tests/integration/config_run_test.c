/*
 * `saferd run` with a config file, against the real binary: a malformed file
 * stops it with exit 1 and the file's name and line; a valid one (found in
 * the data folder, or named by --config with the data folder inside it) sets
 * where it listens and the address its invites name; a flag beats the file;
 * an unknown flag or a bad value is a usage error (exit 2, with the usage),
 * and --help lists every option from the configuration table.
 */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/boardfix.h"
#include "support/harness.h"

static hx_result res;

/* A port nobody listens on just now, as the harness finds them. */
static uint16_t free_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint16_t port = 0;

    ck_assert_int_ge(fd, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0
        && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    ck_assert_uint_ne(port, 0);
    return port;
}

/*
 * Starts `saferd run ARGS...` (NULL-terminated) with its output in s->log and
 * waits until the log says "listening on 127.0.0.1:port"; s->port becomes port.
 */
static void start_run(hx_server *s, uint16_t port, const char *const *args)
{
    const char *argv[16];
    char want[64];
    size_t n = 0;

    argv[n++] = SAFERD_BIN;
    argv[n++] = "run";
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        int logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        dup2(devnull, 0);
        dup2(logfd, 1);
        dup2(logfd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    s->port = port;
    snprintf(want, sizeof(want), "listening on 127.0.0.1:%u", (unsigned)port);
    ck_assert_msg(hx_log_contains(s, want, 60000), "saferd did not report '%s'", want);
}

START_TEST(test_run_malformed_config_names_the_line)
{
    hx_server s;
    char conf[HX_PATH_MAX + 32], other[HX_PATH_MAX + 32];

    ck_assert_int_eq(hx_server_init(&s, NULL), 0);
    hx_path(conf, sizeof(conf), s.dir, "saferd.conf");
    ck_assert_int_eq(hx_write_file(conf, "[saferd]\n# limits\nmax_conns = lots\n"), 0);
    hx_saferd(&res, "run", s.dir);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(
        strstr(res.err, "saferd.conf:3: max_conns = 'lots' is not a number from 1 to 1000000"),
        "%s", res.err);
    ck_assert_ptr_null(strstr(res.err, "listening"));

    /* --config wins over the data folder's file, and is read the same way. */
    hx_path(other, sizeof(other), s.root, "other.conf");
    ck_assert_int_eq(hx_write_file(other, "[saferd]\n\n[server]\nmax_conns = 5\n"), 0);
    hx_saferd(&res, "run", s.dir, "--config", other);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "other.conf:3: unknown section [server]"), "%s", res.err);
    ck_assert_int_eq(hx_write_file(other, "[saferd]\nmax_conns = 5\nmax_cons = 6\n"), 0);
    hx_saferd(&res, "run", s.dir, "--config", other);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "other.conf:3: unknown key 'max_cons'"), "%s", res.err);
    ck_assert_int_eq(hx_write_file(other, "[saferd]\nmax_conns: 5\nlisten\n"), 0);
    hx_saferd(&res, "run", s.dir, "--config", other);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "other.conf:3: 'listen' is not 'key = value'"), "%s", res.err);

    hx_path(other, sizeof(other), s.root, "missing.conf");
    hx_saferd(&res, "run", s.dir, "--config", other);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "missing.conf"), "%s", res.err);
    hx_server_cleanup(&s);
}
END_TEST

START_TEST(test_run_listens_where_the_config_says)
{
    hx_server s;
    char conf[HX_PATH_MAX + 32], text[HX_PATH_MAX + 256];
    uint16_t port = free_port();
    int fd;

    ck_assert_int_eq(hx_server_init(&s, NULL), 0);
    ck_assert_uint_ne(port, s.port);
    /* No DIR on the command line: the file names the data folder. */
    hx_path(conf, sizeof(conf), s.root, "etc.conf");
    snprintf(text, sizeof(text),
        "[saferd]\ndata_dir = %s\nlisten = 127.0.0.1:%u\n"
        "public_address = reports.example.org:7443\nidle_timeout_ms = 60000\n",
        s.dir, (unsigned)port);
    ck_assert_int_eq(hx_write_file(conf, text), 0);
    start_run(&s, port, (const char *const[]) { "--config", conf, NULL });
    fd = hx_connect(&s);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(hx_log_contains(&s, "invites now name reports.example.org:7443", 1000));
    ck_assert_int_eq(hx_server_stop(&s), 0);

    /* The public address stays in the data folder, so offline invites name it too. */
    hx_saferd(&res, "invite", s.dir, "AD");
    ck_assert_msg(res.status == 0, "%s", res.err);
    ck_assert_msg(strstr(res.out, "reports.example.org"), "%s", res.out);
    hx_server_cleanup(&s);
}
END_TEST

START_TEST(test_run_flags_beat_the_config)
{
    hx_server s;
    char conf[HX_PATH_MAX + 32], text[256], listen[64];
    uint16_t in_file = free_port();

    ck_assert_int_eq(hx_server_init(&s, NULL), 0);
    /* The file would hide the listening line (log_level) and listen elsewhere. */
    hx_path(conf, sizeof(conf), s.dir, "saferd.conf");
    snprintf(text, sizeof(text), "[saferd]\nlisten = 127.0.0.1:%u\nlog_level = error\n",
        (unsigned)in_file);
    ck_assert_int_eq(hx_write_file(conf, text), 0);
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", (unsigned)s.port);
    start_run(
        &s, s.port, (const char *const[]) { s.dir, "--listen", listen, "--log-level=info", NULL });
    ck_assert_int_eq(hx_server_stop(&s), 0);
    snprintf(listen, sizeof(listen), "listening on 127.0.0.1:%u", (unsigned)in_file);
    ck_assert(!hx_log_contains(&s, listen, 0));
    hx_server_cleanup(&s);
}
END_TEST

START_TEST(test_run_unknown_flag_prints_usage_and_exits_2)
{
    hx_server s;

    ck_assert_int_eq(hx_server_init(&s, NULL), 0);
    hx_saferd(&res, "run", s.dir, "--no-such-flag");
    ck_assert_int_eq(res.status, 2);
    ck_assert_msg(strstr(res.err, "saferd: run: unknown option \"--no-such-flag\""), "%s", res.err);
    ck_assert_ptr_nonnull(strstr(res.err, "usage: saferd run [DIR] [--config FILE]"));
    ck_assert_ptr_nonnull(strstr(res.err, "--max-conns N"));
    ck_assert_str_eq(res.out, "");

    hx_saferd(&res, "run", s.dir, "--max-conns", "lots");
    ck_assert_int_eq(res.status, 2);
    ck_assert_msg(
        strstr(res.err, "--max-conns 'lots' is not a number from 1 to 1000000"), "%s", res.err);
    hx_saferd(&res, "run", s.dir, "--log-level=loud");
    ck_assert_int_eq(res.status, 2);
    ck_assert_msg(strstr(res.err, "--log-level 'loud' is not debug"), "%s", res.err);
    hx_saferd(&res, "run", s.dir, "--max-conns");
    ck_assert_int_eq(res.status, 2);
    ck_assert_ptr_nonnull(strstr(res.err, "--max-conns needs a value"));
    hx_saferd(&res, "run", "--idle-timeout-ms", "5");
    ck_assert_int_eq(res.status, 2);
    ck_assert_ptr_nonnull(strstr(res.err, "DIR is missing"));
    hx_server_cleanup(&s);
}
END_TEST

START_TEST(test_help_lists_every_setting)
{
    static const char *const flags[] = { "--listen HOST:PORT", "--public-address HOST:PORT",
        "--data-dir DIR", "--handshake-timeout-ms N", "--idle-timeout-ms N", "--max-conns N",
        "--max-handshakes N", "--max-failures N", "--failure-window-ms N", "--write-queue-bytes N",
        "--log-level LEVEL" };

    hx_saferd(&res, "--help");
    ck_assert_int_eq(res.status, 0);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        ck_assert_msg(strstr(res.out, flags[i]), "saferd --help lacks %s", flags[i]);
    ck_assert_ptr_nonnull(strstr(res.out, "(1 to 1000000, default 1024)"));
    hx_saferd(&res, "run", "--help");
    ck_assert_int_eq(res.status, 0);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        ck_assert_msg(strstr(res.out, flags[i]), "saferd run --help lacks %s", flags[i]);
    ck_assert_ptr_nonnull(strstr(res.out, "--config FILE"));
}
END_TEST

static Suite *config_run_suite(void)
{
    Suite *s = suite_create("config_run");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_run_malformed_config_names_the_line);
    tcase_add_test(tc, test_run_listens_where_the_config_says);
    tcase_add_test(tc, test_run_flags_beat_the_config);
    tcase_add_test(tc, test_run_unknown_flag_prints_usage_and_exits_2);
    tcase_add_test(tc, test_help_lists_every_setting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_run_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
