/*
 * The configuration table and its parser: the defaults are the server's
 * defaults, each type of value is read and checked, bad values, unknown keys
 * and sections and malformed lines are refused with the line they are on,
 * flags map one to one onto keys and beat the file, and the example file in
 * deploy/ parses to exactly the defaults and is what config_example writes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "server/config.h"

#define NAME "t.conf"

static char err[CONFIG_ERR_MAX];

static int parse(config *c, const char *text)
{
    err[0] = '\0';
    ck_assert_int_eq(config_defaults(c), 0);
    return config_parse(c, NAME, text, strlen(text), err, sizeof(err));
}

/* Asserts that text fails to parse with want in the message. */
static void refused(const char *text, const char *want)
{
    config c;

    ck_assert_int_eq(parse(&c, text), SAFER_E_INVAL);
    ck_assert_msg(strstr(err, want) != NULL, "wanted \"%s\" in \"%s\"", want, err);
}

static int idx(const char *name)
{
    int i = config_find(name);

    ck_assert_int_ge(i, 0);
    return i;
}

START_TEST(test_config_defaults_are_the_servers)
{
    config c;
    server_limits lim;

    ck_assert_int_eq(config_defaults(&c), 0);
    config_limits(&c, &lim);
    ck_assert_uint_eq(lim.handshake_ms, SERVER_HANDSHAKE_MS_DEFAULT);
    ck_assert_uint_eq(lim.idle_ms, SERVER_IDLE_MS_DEFAULT);
    ck_assert_uint_eq(lim.max_conns, SERVER_MAX_CONNS_DEFAULT);
    ck_assert_uint_eq(lim.max_handshakes, SERVER_MAX_HANDSHAKES_DEFAULT);
    ck_assert_uint_eq(lim.wq_cap, SERVER_WQ_CAP_DEFAULT);
    ck_assert_uint_eq(lim.max_failures, SERVER_MAX_FAILURES_DEFAULT);
    ck_assert_uint_eq(lim.failure_window_ms, SERVER_FAILURE_WINDOW_MS_DEFAULT);
    ck_assert_int_eq(c.log_level, LOG_INFO);
    ck_assert_str_eq(c.listen, "");
    ck_assert_str_eq(c.public_address, "");
    ck_assert_str_eq(c.data_dir, "");
    for (int i = 0; i < CONFIG_NITEMS; i++) {
        ck_assert_int_eq(c.line[i], 0);
        ck_assert_int_eq(config_find(config_items[i].name), i);
    }
}
END_TEST

START_TEST(test_config_reads_each_type)
{
    config c;

    ck_assert_int_eq(parse(&c,
                         "; a comment\n"
                         "[saferd]\n"
                         "listen = 0.0.0.0:7443\n"
                         "public_address=[2001:db8::1]:443\n"
                         "data_dir = /var/lib/safer ; where the data lives\n"
                         "max_conns = 5000\n"
                         "write_queue_bytes = 65536\n"
                         "log_level = debug\n"),
        0);
    ck_assert_str_eq(c.listen, "0.0.0.0:7443");
    ck_assert_str_eq(c.public_address, "[2001:db8::1]:443");
    ck_assert_str_eq(c.data_dir, "/var/lib/safer");
    ck_assert_uint_eq(c.max_conns, 5000);
    ck_assert_uint_eq(c.write_queue_bytes, 65536);
    ck_assert_int_eq(c.log_level, LOG_DEBUG);
    ck_assert_uint_eq(c.idle_timeout_ms, SERVER_IDLE_MS_DEFAULT);
    ck_assert_int_eq(c.line[idx("listen")], 3);
    ck_assert_int_eq(c.line[idx("log_level")], 8);
    ck_assert_int_eq(c.line[idx("idle_timeout_ms")], 0);
}
END_TEST

START_TEST(test_config_rejects_out_of_range)
{
    refused("[saferd]\n\nmax_conns = lots\n",
        NAME ":3: max_conns = 'lots' is not a number from 1 to 1000000");
    refused("[saferd]\nmax_conns = 0\n", NAME ":2: max_conns = '0' is not a number");
    refused("[saferd]\nmax_conns = 1000001\n", NAME ":2: max_conns = '1000001'");
    refused("[saferd]\nmax_conns = -1\n", NAME ":2: max_conns = '-1'");
    refused("[saferd]\nmax_conns = 5x\n", NAME ":2: max_conns = '5x'");
    refused("[saferd]\nidle_timeout_ms = 99999999999999999999999\n", ":2: idle_timeout_ms");
    refused("[saferd]\nwrite_queue_bytes = 4096\n",
        ":2: write_queue_bytes = '4096' is not a number from 65536 to 268435456");
    refused(
        "[saferd]\nlog_level = loud\n", ":2: log_level = 'loud' is not debug, info, warn or error");
    refused("[saferd]\nlisten = nohost\n", ":2: listen = 'nohost' is not a HOST:PORT address");
    refused("[saferd]\npublic_address = example.org:0\n",
        ":2: public_address = 'example.org:0' is not a HOST:PORT address");
}
END_TEST

START_TEST(test_config_rejects_unknown_key)
{
    refused("[saferd]\nlisten = 127.0.0.1:1\nmax_connections = 5\n",
        NAME ":3: unknown key 'max_connections'");
}
END_TEST

START_TEST(test_config_rejects_unknown_section)
{
    /* An empty section is never shown to inih's callback; it is refused all the same. */
    refused("[saferd]\nmax_conns = 5\n[server]\n", NAME ":3: unknown section [server]");
    refused("# top\n[client]\nmax_conns = 5\n", NAME ":2: unknown section [client]");
    refused("max_conns = 5\n[saferd]\n", NAME ":1: max_conns = '5' comes before the [saferd]");
}
END_TEST

START_TEST(test_config_rejects_malformed_line)
{
    refused("[saferd]\n# fine\nmax_conns 5\n",
        NAME ":3: 'max_conns 5' is not 'key = value', a [section] or a comment");
    refused("[saferd\nmax_conns = 5\n", NAME ":1: '[saferd' is not");
    refused("[saferd]\nmax_conns = 5\nmax_conns = 6\n",
        NAME ":3: max_conns is set twice (first on line 2)");
}
END_TEST

START_TEST(test_config_line_numbers)
{
    char text[1024];
    char longline[300];

    /* Comments, blank lines, CRLF endings and indented keys all count as lines. */
    refused("\xEF\xBB\xBF# saferd\r\n\r\n[saferd]\r\n  ; note\r\n  listen = 127.0.0.1:7443\r\n"
            "\r\nmax_conns = many\r\n",
        NAME ":7: max_conns = 'many'");
    /* The first error by line wins, whoever finds it. */
    refused("[saferd]\nbroken\nnope = 1\n", NAME ":2: 'broken'");
    refused("[saferd]\nnope = 1\nbroken\n", NAME ":2: unknown key 'nope'");
    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    snprintf(text, sizeof(text), "[saferd]\n# %s\nmax_conns = 0\n", longline);
    refused(text, NAME ":2: the line is longer than 196 bytes");
    {
        static const char nul[] = "[saferd]\nmax_conns = 1\0\n";
        config c;

        ck_assert_int_eq(config_defaults(&c), 0);
        ck_assert_int_eq(
            config_parse(&c, NAME, nul, sizeof(nul) - 1, err, sizeof(err)), SAFER_E_INVAL);
        ck_assert_str_eq(err, NAME ":2: the line holds a NUL byte");
    }
}
END_TEST

START_TEST(test_config_indented_line_is_its_own_key)
{
    config c;

    /* inih would read an indented line as more of the value above it. */
    ck_assert_int_eq(parse(&c, "[saferd]\nlisten = 127.0.0.1:9\n    max_conns = 7\n"), 0);
    ck_assert_str_eq(c.listen, "127.0.0.1:9");
    ck_assert_uint_eq(c.max_conns, 7);
}
END_TEST

START_TEST(test_config_flags_map_to_keys)
{
    const char *v = "unset";

    ck_assert_int_eq(config_flag("--max-conns", &v), idx("max_conns"));
    ck_assert_ptr_null(v);
    ck_assert_int_eq(config_flag("--handshake-timeout-ms=50", &v), idx("handshake_timeout_ms"));
    ck_assert_str_eq(v, "50");
    ck_assert_int_eq(config_flag("--public-address", &v), idx("public_address"));
    ck_assert_int_eq(config_flag("--max_conns", &v), -1);
    ck_assert_int_eq(config_flag("-max-conns", &v), -1);
    ck_assert_int_eq(config_flag("--bogus", &v), -1);
    ck_assert_int_eq(config_flag("max-conns", &v), -1);
    ck_assert_int_eq(config_flag("--config", &v), -1);
}
END_TEST

START_TEST(test_config_overrides_beat_file)
{
    config c;

    ck_assert_int_eq(parse(&c, "[saferd]\nmax_conns = 5\nlog_level = warn\n"), 0);
    ck_assert_int_eq(config_set(&c, idx("max_conns"), "9", err, sizeof(err)), 0);
    ck_assert_uint_eq(c.max_conns, 9);
    ck_assert_int_eq(c.log_level, LOG_WARN);
    /* A bad override leaves the file's value in place. */
    ck_assert_int_eq(config_set(&c, idx("log_level"), "loud", err, sizeof(err)), SAFER_E_INVAL);
    ck_assert_str_eq(err, "'loud' is not debug, info, warn or error");
    ck_assert_int_eq(c.log_level, LOG_WARN);
}
END_TEST

/* deploy/saferd.conf.example, found from this file's path in the source tree. */
static void example_path(char *buf, size_t len)
{
    const char *self = __FILE__;
    const char *cut = strstr(self, "tests/server/config_test.c");

    ck_assert_ptr_nonnull(cut);
    snprintf(buf, len, "%.*sdeploy/saferd.conf.example", (int)(cut - self), self);
}

START_TEST(test_config_example_is_the_defaults)
{
    config want, got;
    char path[4096];
    char *gen = NULL, *file = NULL;
    size_t genlen = 0, filelen = 0;
    FILE *f;

    example_path(path, sizeof(path));
    ck_assert_int_eq(config_defaults(&want), 0);
    ck_assert_int_eq(config_defaults(&got), 0);
    ck_assert_msg(config_load(&got, path, err, sizeof(err)) == 0, "%s", err);
    for (int i = 0; i < CONFIG_NITEMS; i++) {
        ck_assert_msg(got.line[i] != 0, "%s is not in the example", config_items[i].name);
        got.line[i] = 0;
    }
    ck_assert_int_eq(memcmp(&want, &got, sizeof(want)), 0);
    /* The committed file is what the table writes, so neither can drift. */
    f = open_memstream(&gen, &genlen);
    ck_assert_ptr_nonnull(f);
    config_example(f);
    fclose(f);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    file = calloc(1, CONFIG_FILE_MAX + 1);
    ck_assert_ptr_nonnull(file);
    filelen = fread(file, 1, CONFIG_FILE_MAX, f);
    fclose(f);
    ck_assert_uint_eq(filelen, genlen);
    ck_assert_int_eq(memcmp(file, gen, genlen), 0);
    free(file);
    free(gen);
}
END_TEST

START_TEST(test_config_load_errors)
{
    config c;

    ck_assert_int_eq(config_defaults(&c), 0);
    ck_assert_int_eq(
        config_load(&c, "/nonexistent/safer/saferd.conf", err, sizeof(err)), SAFER_E_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/safer/saferd.conf"));
    ck_assert_int_lt(config_load(&c, "/tmp", err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_config_defaults_are_the_servers);
    tcase_add_test(tc, test_config_reads_each_type);
    tcase_add_test(tc, test_config_rejects_out_of_range);
    tcase_add_test(tc, test_config_rejects_unknown_key);
    tcase_add_test(tc, test_config_rejects_unknown_section);
    tcase_add_test(tc, test_config_rejects_malformed_line);
    tcase_add_test(tc, test_config_line_numbers);
    tcase_add_test(tc, test_config_indented_line_is_its_own_key);
    tcase_add_test(tc, test_config_flags_map_to_keys);
    tcase_add_test(tc, test_config_overrides_beat_file);
    tcase_add_test(tc, test_config_example_is_the_defaults);
    tcase_add_test(tc, test_config_load_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
