/*
 * `safer ping`: round trips over an authenticated session, to check that the
 * server is up and that this key is accepted. Each ping carries random bytes
 * that the server must echo, so a reply is known to answer that ping.
 */
#include "client/cmds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "client/cli.h"
#include "common/err.h"

#define PING_COUNT_MAX 1000
#define PING_DATA_BYTES 16

static const char ping_usage[] = "usage: safer ping [--count N] [--json]\n"
                                 "\n"
                                 "Sends pings to the enrolled server over an authenticated\n"
                                 "session and prints each round-trip time.\n"
                                 "\n"
                                 "  --count N  how many pings, 1 to 1000 (default 1)\n"
                                 "  --json     print one JSON object instead of lines\n";

struct ping_opts {
    long count; /* how many pings */
    int json;   /* print JSON */
};

static int ping_parse_count(const char *s, long *out)
{
    char *end = NULL;

    errno = 0;
    *out = strtol(s, &end, 10);
    return (errno != 0 || end == s || *end != '\0' || *out < 1 || *out > PING_COUNT_MAX) ? -1 : 0;
}

static int ping_parse_args(int argc, char **argv, struct ping_opts *o)
{
    o->count = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            o->json = 1;
        } else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            if (ping_parse_count(argv[++i], &o->count) != 0)
                return cli_usage_error(ping_usage, "--count wants 1 to 1000, not", argv[i]);
        } else if (strncmp(argv[i], "--count=", 8) == 0) {
            if (ping_parse_count(argv[i] + 8, &o->count) != 0)
                return cli_usage_error(ping_usage, "--count wants 1 to 1000, not", argv[i] + 8);
        } else if (strcmp(argv[i], "--count") == 0) {
            return cli_usage_error(ping_usage, "this option needs a value:", argv[i]);
        } else {
            return cli_usage_error(
                ping_usage, argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
        }
    }
    return 0;
}

static double ping_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* One ping; sets *ms to its round-trip time. */
static int ping_once(cli_session *s, double *ms)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PingRequest pr = SAFER__PING_REQUEST__INIT;
    Safer__Response *rs = NULL;
    uint8_t data[PING_DATA_BYTES];
    double t0;
    int ret;

    randombytes_buf(data, sizeof(data));
    pr.data.data = data;
    pr.data.len = sizeof(data);
    rq.body_case = SAFER__REQUEST__BODY_PING;
    rq.ping = &pr;
    t0 = ping_now_ms();
    ret = cli_session_call(s, &rq, &rs, SAFER__RESPONSE__BODY_PING);
    *ms = ping_now_ms() - t0;
    if (ret != 0)
        return ret;
    if (rs->ping->data.len != sizeof(data)
        || memcmp(rs->ping->data.data, data, sizeof(data)) != 0) {
        cli_fail("ping", "the server's reply did not echo the ping");
        ret = SAFER_E_PROTO;
    }
    pb_response_free(&s->b, rs);
    return ret;
}

static int ping_print_json(
    const char *addr, const double *rtt, long n, double min, double max, double sum)
{
    json_t *obj = json_object();
    json_t *arr = json_array();
    int bad = (obj == NULL || arr == NULL);
    int ret = SAFER_E_NOMEM;

    for (long i = 0; !bad && i < n; i++)
        bad |= json_array_append_new(arr, json_real(rtt[i]));
    if (!bad) {
        bad |= json_object_set_new(obj, "address", json_string(addr));
        bad |= json_object_set_new(obj, "count", json_integer(n));
        bad |= json_object_set(obj, "rtt_ms", arr);
        bad |= json_object_set_new(obj, "min_ms", json_real(min));
        bad |= json_object_set_new(obj, "avg_ms", json_real(sum / (double)n));
        bad |= json_object_set_new(obj, "max_ms", json_real(max));
    }
    if (bad || json_dumpf(obj, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6)) != 0) {
        cli_fail("ping", "writing the output failed");
        goto out;
    }
    fputc('\n', stdout);
    ret = 0;
out:
    json_decref(arr);
    json_decref(obj);
    return ret;
}

/* Runs the pings and prints them; the session is open. */
static int ping_run(cli_session *s, const struct ping_opts *o)
{
    const char *addr = net_address(s->net);
    double *rtt = calloc((size_t)o->count, sizeof(*rtt));
    double min = 0, max = 0, sum = 0;
    int ret = SAFER_E_NOMEM;

    if (rtt == NULL) {
        cli_fail("ping", "%s", err_msg(ret));
        return ret;
    }
    for (long i = 0; i < o->count; i++) {
        if ((ret = ping_once(s, &rtt[i])) != 0)
            goto out;
        min = (i == 0 || rtt[i] < min) ? rtt[i] : min;
        max = rtt[i] > max ? rtt[i] : max;
        sum += rtt[i];
        if (!o->json)
            printf("reply from %s: seq=%ld time=%.3f ms\n", addr, i + 1, rtt[i]);
    }
    if (o->json)
        ret = ping_print_json(addr, rtt, o->count, min, max, sum);
    else if (o->count > 1)
        printf("%ld pings: min/avg/max = %.3f/%.3f/%.3f ms\n", o->count, min,
            sum / (double)o->count, max);
out:
    free(rtt);
    return ret;
}

int cmd_ping(int argc, char **argv)
{
    struct ping_opts o = { 0 };
    cli_session s;
    int ok;

    if (argc == 2 && cli_is_help(argv[1])) {
        fputs(ping_usage, stdout);
        return CLI_OK;
    }
    if (ping_parse_args(argc, argv, &o) != 0)
        return CLI_USAGE;
    if (cli_session_open(&s) != 0)
        return CLI_FAIL;
    ok = ping_run(&s, &o) == 0;
    if (cli_session_close(&s, ok) != 0)
        ok = 0;
    return ok ? CLI_OK : CLI_FAIL;
}
