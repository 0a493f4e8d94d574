/*
 * bench_client: the load generator for bench/run.sh. It reads the user's key
 * and the pinned server from $SAFER_HOME (a folder set up by the real
 * `safer enrol`) and drives saferd through the client's own connection code
 * (client/net.h), so what it measures is what `safer` itself would see.
 *
 *     handshakes  connect, Noise XK handshake, goodbye, close, again; one
 *                 thread or several in parallel; prints handshakes per second
 *     requests    C connections, one thread each, M pings on each; prints
 *                 requests per second and latency percentiles
 *     idle        opens N authenticated connections (one ping each), prints
 *                 "ready", holds them until SIGTERM or the hold time, then
 *                 says goodbye on each: run.sh reads saferd's memory meanwhile
 *     submit      C connections, one thread each, M report submissions on
 *                 each (a ~1 KB Markdown body and a fresh idempotency key, so
 *                 every one is a new version); the server answers OK only once
 *                 the group commit holding it is durable, so this prints
 *                 durable submissions per second and latency percentiles.
 *                 bench/submit.sh drives it.
 *
 * Every loop is bounded twice, by a count and by a deadline. Results are one
 * line of key=value pairs on stdout so the script can pick them out.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "client/home.h"
#include "client/net.h"
#include "common/err.h"
#include "common/keyfile.h"
#include "common/pb.h"

#define BENCH_THREADS_MAX 256      /* parallel handshakers or request connections */
#define BENCH_COUNT_MAX 10000000L  /* handshakes, or pings per connection */
#define BENCH_IDLE_MAX 20000L      /* idle connections */
#define BENCH_SECONDS_MAX 600L     /* any deadline */
#define BENCH_LATENCIES_MAX 200000 /* latencies kept per request thread */
#define BENCH_PING_BYTES 16
#define BENCH_IO_TIMEOUT_MS 10000
#define BENCH_BODY_BYTES 1024   /* the Markdown body of each submission */
#define BENCH_IDEM_BYTES 16     /* PAPERS_IDEM_BYTES on the server */
#define BENCH_GROUPS_MAX 10000L /* task groups the submissions are spread over */
#define BENCH_PREFIX_MAX 16     /* bytes of the group-code prefix */
#define BENCH_DATE_LEN 10       /* YYYY-MM-DD */
#define BENCH_GROUP_CODE_MAX 32 /* the server's BOARD_GROUP_CODE_MAX */

struct bench_opts {
    const char *mode;   /* handshakes, requests, idle or submit */
    long count;         /* handshakes in all; pings or submissions per connection; idle conns */
    long threads;       /* parallel handshakers or request connections */
    long seconds;       /* deadline for the whole run, or the hold time of idle */
    const char *date;   /* submit: the meeting */
    const char *prefix; /* submit: the task groups are PREFIX1 .. PREFIXgroups */
    long groups;
};

/* What every thread shares: the target and the deadline. Read-only once set. */
struct bench_target {
    home_server srv;
    uint8_t *sk; /* the user's private key, in sodium_malloc memory */
    double deadline;
    const struct bench_opts *o;
    uint8_t body[BENCH_BODY_BYTES]; /* submit: the same Markdown for every version */
};

/* One thread's share of the work and what it found. */
struct bench_worker {
    pthread_t tid;
    const struct bench_target *t;
    long index;     /* this worker's place among the others, from 0 */
    long quota;     /* handshakes, or pings or submissions on this connection */
    long done;      /* how many succeeded */
    long failed;    /* how many failed */
    double *lat_ms; /* request latencies, quota of them at most */
    char err[128];  /* the first failure, for the summary */
};

static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
    (void)sig;
    bench_stop = 1;
}

/* SIGTERM and SIGINT end the run early but cleanly; a closed peer is an error, not a signal. */
static void bench_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = bench_on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_note(struct bench_worker *w, const char *what, const net *n)
{
    w->failed++;
    if (w->err[0] == '\0')
        snprintf(w->err, sizeof(w->err), "%s: %s", what, n ? net_error(n) : "out of memory");
}

/* Connects and handshakes a new net into *out; on failure *out is NULL. */
static int bench_connect(const struct bench_target *t, net **out)
{
    net_config cfg = { 0 };
    net *n = NULL;
    int ret;

    *out = NULL;
    cfg.host = t->srv.host;
    cfg.port = t->srv.port;
    cfg.sk = t->sk;
    cfg.server_pk = t->srv.server_pk;
    cfg.connect_timeout_ms = BENCH_IO_TIMEOUT_MS;
    cfg.io_timeout_ms = BENCH_IO_TIMEOUT_MS;
    if ((ret = net_new(&n)) != 0)
        return ret;
    ret = net_connect(n, &cfg);
    *out = n;
    return ret;
}

/* One ping on n; the reply must echo what was sent. */
static int bench_ping(net *n)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PingRequest pr = SAFER__PING_REQUEST__INIT;
    Safer__Response *rs = NULL;
    uint8_t data[BENCH_PING_BYTES];
    pb_budget b;
    int ret;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    randombytes_buf(data, sizeof(data));
    pr.data.data = data;
    pr.data.len = sizeof(data);
    rq.body_case = SAFER__REQUEST__BODY_PING;
    rq.ping = &pr;
    if ((ret = net_call(n, &rq, &rs, &b)) != 0)
        return ret;
    if (rs->body_case != SAFER__RESPONSE__BODY_PING || rs->ping->data.len != sizeof(data)
        || memcmp(rs->ping->data.data, data, sizeof(data)) != 0)
        ret = SAFER_E_PROTO;
    pb_response_free(&b, rs);
    return ret;
}

static void *bench_handshake_worker(void *arg)
{
    struct bench_worker *w = arg;

    for (long i = 0; i < w->quota && bench_now() < w->t->deadline && !bench_stop; i++) {
        net *n = NULL;

        if (bench_connect(w->t, &n) != 0)
            bench_note(w, "connect", n);
        else if (net_goodbye(n) != 0)
            bench_note(w, "goodbye", n);
        else
            w->done++;
        net_free(n);
    }
    return NULL;
}

static void *bench_request_worker(void *arg)
{
    struct bench_worker *w = arg;
    net *n = NULL;

    if (bench_connect(w->t, &n) != 0) {
        bench_note(w, "connect", n);
        goto out;
    }
    for (long i = 0; i < w->quota && bench_now() < w->t->deadline && !bench_stop; i++) {
        double t0 = bench_now();

        if (bench_ping(n) != 0) {
            bench_note(w, "ping", n);
            goto out;
        }
        w->lat_ms[w->done++] = (bench_now() - t0) * 1000.0;
    }
    if (net_goodbye(n) != 0)
        bench_note(w, "goodbye", n);
out:
    net_free(n);
    return NULL;
}

/*
 * One submission on n: a new version of the report of the task group that
 * slot picks. The reply must be a fresh version, not a duplicate.
 */
static int bench_submit_one(net *n, const struct bench_target *t, long slot)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportSubmitRequest sr = SAFER__REPORT_SUBMIT_REQUEST__INIT;
    Safer__Response *rs = NULL;
    uint8_t idem[BENCH_IDEM_BYTES];
    char date[BENCH_DATE_LEN + 1], group[BENCH_GROUP_CODE_MAX + 1];
    char title[] = "Benchmark paper";
    pb_budget b;
    int ret;

    snprintf(date, sizeof(date), "%s", t->o->date);
    snprintf(group, sizeof(group), "%s%ld", t->o->prefix, slot % t->o->groups + 1);
    randombytes_buf(idem, sizeof(idem));
    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    sr.date = date;
    sr.group_code = group;
    sr.title = title;
    sr.rag = SAFER__RAG__RAG_GREEN;
    sr.body.data = (uint8_t *)t->body;
    sr.body.len = sizeof(t->body);
    sr.idempotency_key.data = idem;
    sr.idempotency_key.len = sizeof(idem);
    rq.body_case = SAFER__REQUEST__BODY_REPORT_SUBMIT;
    rq.report_submit = &sr;
    if ((ret = net_call(n, &rq, &rs, &b)) != 0)
        return ret;
    if (rs->body_case != SAFER__RESPONSE__BODY_REPORT_SUBMIT || rs->report_submit->duplicate)
        ret = SAFER_E_PROTO;
    pb_response_free(&b, rs);
    return ret;
}

/*
 * Submission j of worker c is number c + j * threads overall, and goes to
 * group (that number mod groups): the connections' concurrent submissions
 * land on different reports, as different leads' would, and every group
 * gets the same share, which bench/submit.sh keeps under the server's limit
 * of versions per report.
 */
static void *bench_submit_worker(void *arg)
{
    struct bench_worker *w = arg;
    net *n = NULL;

    if (bench_connect(w->t, &n) != 0) {
        bench_note(w, "connect", n);
        goto out;
    }
    for (long j = 0; j < w->quota && bench_now() < w->t->deadline && !bench_stop; j++) {
        double t0 = bench_now();

        if (bench_submit_one(n, w->t, w->index + j * w->t->o->threads) != 0) {
            bench_note(w, "submit", n);
            goto out;
        }
        w->lat_ms[w->done++] = (bench_now() - t0) * 1000.0;
    }
    if (net_goodbye(n) != 0)
        bench_note(w, "goodbye", n);
out:
    net_free(n);
    return NULL;
}

/* Starts one thread per worker running fn and waits for them all. */
static int bench_run_workers(struct bench_worker *ws, long nw, void *(*fn)(void *))
{
    long started = 0;
    int ret = 0;

    for (; started < nw; started++) {
        if (pthread_create(&ws[started].tid, NULL, fn, &ws[started]) != 0) {
            fprintf(stderr, "bench_client: pthread_create failed\n");
            bench_stop = 1;
            ret = SAFER_E_NOMEM;
            break;
        }
    }
    for (long i = 0; i < started; i++)
        pthread_join(ws[i].tid, NULL);
    return ret;
}

/* Adds up the workers' counts and prints the first failure, if any. */
static void bench_totals(const struct bench_worker *ws, long nw, long *done, long *failed)
{
    const char *first = NULL;

    *done = 0;
    *failed = 0;
    for (long i = 0; i < nw; i++) {
        *done += ws[i].done;
        *failed += ws[i].failed;
        if (first == NULL && ws[i].err[0] != '\0')
            first = ws[i].err;
    }
    if (first != NULL)
        fprintf(stderr, "bench_client: %ld failures, the first: %s\n", *failed, first);
}

static int bench_handshakes(struct bench_target *t, const struct bench_opts *o)
{
    struct bench_worker *ws = calloc((size_t)o->threads, sizeof(*ws));
    long done, failed;
    double t0, secs;
    int ret = SAFER_E_NOMEM;

    if (ws == NULL)
        return ret;
    for (long i = 0; i < o->threads; i++) {
        ws[i].t = t;
        ws[i].quota = o->count / o->threads + (i < o->count % o->threads ? 1 : 0);
    }
    t0 = bench_now();
    t->deadline = t0 + (double)o->seconds;
    ret = bench_run_workers(ws, o->threads, bench_handshake_worker);
    secs = bench_now() - t0;
    bench_totals(ws, o->threads, &done, &failed);
    printf("mode=handshakes threads=%ld handshakes=%ld failures=%ld seconds=%.3f rate=%.1f\n",
        o->threads, done, failed, secs, (double)done / secs);
    free(ws);
    return ret != 0 ? ret : (failed != 0 ? SAFER_E_IO : 0);
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile (0..100) of the n sorted values v, nearest rank. */
static double bench_pct(const double *v, long n, double p)
{
    long k = (long)((p / 100.0) * (double)n + 0.999999);
    if (n == 0)
        return 0.0;
    k = k < 1 ? 1 : (k > n ? n : k);
    return v[k - 1];
}

/* Gathers every worker's latencies, sorts them and prints the summary line. */
static int bench_report_requests(
    const struct bench_worker *ws, const struct bench_opts *o, const char *noun, double secs)
{
    long done, failed, k = 0;
    double *all;

    bench_totals(ws, o->threads, &done, &failed);
    all = malloc((size_t)(done > 0 ? done : 1) * sizeof(*all));
    if (all == NULL)
        return SAFER_E_NOMEM;
    for (long i = 0; i < o->threads; i++) {
        memcpy(all + k, ws[i].lat_ms, (size_t)ws[i].done * sizeof(*all));
        k += ws[i].done;
    }
    qsort(all, (size_t)done, sizeof(*all), bench_cmp_double);
    printf("mode=%s conns=%ld %s=%ld failures=%ld seconds=%.3f rate=%.1f "
           "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
        o->mode, o->threads, noun, done, failed, secs, (double)done / secs,
        bench_pct(all, done, 50), bench_pct(all, done, 90), bench_pct(all, done, 99),
        bench_pct(all, done, 100));
    free(all);
    return failed != 0 ? SAFER_E_IO : 0;
}

/* Runs fn on o->threads connections, o->count operations each; see bench_report_requests. */
static int bench_conns(
    struct bench_target *t, const struct bench_opts *o, void *(*fn)(void *), const char *noun)
{
    struct bench_worker *ws = calloc((size_t)o->threads, sizeof(*ws));
    double t0, secs;
    int ret = SAFER_E_NOMEM;

    if (ws == NULL)
        return ret;
    for (long i = 0; i < o->threads; i++) {
        ws[i].t = t;
        ws[i].index = i;
        ws[i].quota = o->count;
        if ((ws[i].lat_ms = calloc((size_t)o->count, sizeof(double))) == NULL)
            goto out;
    }
    t0 = bench_now();
    t->deadline = t0 + (double)o->seconds;
    ret = bench_run_workers(ws, o->threads, fn);
    secs = bench_now() - t0;
    if (ret == 0)
        ret = bench_report_requests(ws, o, noun, secs);
out:
    for (long i = 0; i < o->threads; i++)
        free(ws[i].lat_ms);
    free(ws);
    return ret;
}

/* Opens o->count authenticated connections and holds them; see the top. */
static int bench_idle(struct bench_target *t, const struct bench_opts *o)
{
    net **ns = calloc((size_t)o->count, sizeof(*ns));
    long open = 0, failed = 0;
    double until;
    int ret = SAFER_E_NOMEM;

    if (ns == NULL)
        return ret;
    for (; open < o->count && !bench_stop; open++) {
        if (bench_connect(t, &ns[open]) != 0 || bench_ping(ns[open]) != 0) {
            fprintf(stderr, "bench_client: idle connection %ld: %s\n", open + 1,
                ns[open] ? net_error(ns[open]) : "out of memory");
            net_free(ns[open]);
            ns[open] = NULL;
            ret = SAFER_E_IO;
            goto out;
        }
    }
    printf("ready conns=%ld\n", open);
    fflush(stdout);
    until = bench_now() + (double)o->seconds;
    while (!bench_stop && bench_now() < until) {
        struct timespec nap = { 0, 50 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    ret = 0;
out:
    for (long i = 0; i < open; i++) {
        if (ret == 0 && net_goodbye(ns[i]) != 0)
            failed++;
        net_free(ns[i]);
    }
    if (ret == 0)
        printf("closed conns=%ld goodbye_failures=%ld\n", open, failed);
    free(ns);
    return ret;
}

/*
 * Fills body with len bytes of plain Markdown: a heading, then the same
 * sentence line by line, the last one cut to fit (all ASCII, so still UTF-8).
 */
static void bench_body(uint8_t *body, size_t len)
{
    static const char head[] = "# Benchmark paper\n\n";
    static const char line[] = "- Quarterly figures were on target; no new risks were raised.\n";
    size_t k = 0;

    for (size_t i = 0; i < sizeof(head) - 1 && k < len; i++)
        body[k++] = (uint8_t)head[i];
    for (size_t i = 0; k < len; i = (i + 1) % (sizeof(line) - 1))
        body[k++] = (uint8_t)line[i];
    body[len - 1] = '\n';
}

/* Reads the key and the server file from $SAFER_HOME (or its fallbacks). */
static int bench_load(struct bench_target *t)
{
    char dir[HOME_PATH_MAX], path[HOME_PATH_MAX], why[HOME_WHY_MAX] = "";
    int ret;

    if ((ret = home_dir(dir, sizeof(dir))) != 0)
        goto out;
    if ((ret = home_path(path, sizeof(path), dir, HOME_KEY_FILE)) != 0
        || (ret = keyfile_read(path, t->sk, NULL)) != 0)
        goto out;
    if ((ret = home_path(path, sizeof(path), dir, HOME_SERVER_FILE)) != 0
        || (ret = home_server_read(path, &t->srv, why, sizeof(why))) != 0)
        goto out;
out:
    if (ret != 0)
        fprintf(stderr, "bench_client: reading the enrolled home: %s%s%s\n", err_msg(ret),
            why[0] ? ": " : "", why);
    return ret;
}

static int bench_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;

    errno = 0;
    *out = strtol(s, &end, 10);
    return (errno != 0 || end == s || *end != '\0' || *out < lo || *out > hi) ? -1 : 0;
}

static const char bench_usage[]
    = "usage: bench_client MODE [--count N] [--threads K] [--seconds S]\n"
      "\n"
      "Reads the enrolled key and server from $SAFER_HOME.\n"
      "  handshakes  N handshakes in all over K threads (connect, handshake, goodbye)\n"
      "  requests    K connections, N pings on each\n"
      "  idle        N authenticated connections held for S seconds or until SIGTERM\n"
      "  submit      K connections, N report submissions on each, to the meeting of\n"
      "              --date YYYY-MM-DD, spread over the task groups PREFIX1 ..\n"
      "              PREFIXG (--group-prefix PREFIX --groups G); the key must be a\n"
      "              lead's whose agency is in every one of them\n"
      "S bounds every mode's run time.\n";

/* The submit mode's own options; 1 if k is not one of them, -1 if v is bad. */
static int bench_parse_submit(const char *k, const char *v, struct bench_opts *o)
{
    if (strcmp(k, "--date") == 0) {
        o->date = v;
        return strlen(v) == BENCH_DATE_LEN ? 0 : -1;
    }
    if (strcmp(k, "--group-prefix") == 0) {
        o->prefix = v;
        return strlen(v) >= 1 && strlen(v) <= BENCH_PREFIX_MAX ? 0 : -1;
    }
    if (strcmp(k, "--groups") == 0)
        return bench_parse_long(v, 1, BENCH_GROUPS_MAX, &o->groups);
    return 1;
}

/* The options one mode needs are there and within its limits. */
static int bench_parse_check(const struct bench_opts *o)
{
    if (strcmp(o->mode, "requests") == 0 || strcmp(o->mode, "submit") == 0) {
        if (o->count > BENCH_LATENCIES_MAX)
            return -1;
    }
    if (strcmp(o->mode, "idle") == 0 && o->count > BENCH_IDLE_MAX)
        return -1;
    if (strcmp(o->mode, "submit") == 0 && (o->date == NULL || o->prefix == NULL || o->groups < 1))
        return -1;
    return 0;
}

static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
    o->count = 1000;
    o->threads = 1;
    o->seconds = 10;
    if (argc < 2)
        return -1;
    o->mode = argv[1];
    if (strcmp(o->mode, "handshakes") != 0 && strcmp(o->mode, "requests") != 0
        && strcmp(o->mode, "idle") != 0 && strcmp(o->mode, "submit") != 0)
        return -1;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        int bad;

        if (strcmp(k, "--count") == 0)
            bad = bench_parse_long(v, 1, BENCH_COUNT_MAX, &o->count);
        else if (strcmp(k, "--threads") == 0)
            bad = bench_parse_long(v, 1, BENCH_THREADS_MAX, &o->threads);
        else if (strcmp(k, "--seconds") == 0)
            bad = bench_parse_long(v, 1, BENCH_SECONDS_MAX, &o->seconds);
        else
            bad = bench_parse_submit(k, v, o);
        if (bad)
            return -1;
    }
    if (argc % 2 != 0)
        return -1;
    return bench_parse_check(o);
}

int main(int argc, char **argv)
{
    struct bench_opts o = { 0 };
    struct bench_target t = { 0 };
    int ret = 1;

    if (bench_parse(argc, argv, &o) != 0) {
        fputs(bench_usage, stderr);
        return 2;
    }
    if (sodium_init() < 0 || (t.sk = sodium_malloc(KEYFILE_KEY_BYTES)) == NULL) {
        fprintf(stderr, "bench_client: libsodium failed to start\n");
        return 1;
    }
    bench_signals();
    t.o = &o;
    bench_body(t.body, sizeof(t.body));
    if (bench_load(&t) != 0)
        goto out;
    if (strcmp(o.mode, "handshakes") == 0)
        ret = bench_handshakes(&t, &o) != 0;
    else if (strcmp(o.mode, "requests") == 0)
        ret = bench_conns(&t, &o, bench_request_worker, "requests") != 0;
    else if (strcmp(o.mode, "submit") == 0)
        ret = bench_conns(&t, &o, bench_submit_worker, "submissions") != 0;
    else
        ret = bench_idle(&t, &o) != 0;
out:
    sodium_free(t.sk);
    return ret;
}
