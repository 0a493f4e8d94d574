/*
 * pack_time: times the board pack of one meeting in-process, the way the
 * server builds it for a pull, without the network: pack_model_load (every
 * read from the store), pack_view_init (the reader's view: the chair's, who
 * sees everything) and pack_render in each format. bench/pack.sh runs it on
 * the database pack_gen made and prints its numbers beside the end-to-end
 * pulls through saferd.
 *
 *   pack_time DATADIR DATE [RUNS]     (RUNS default 5, at most 50)
 *
 * Prints one line per format: "FORMAT load_ms render_ms total_ms bytes",
 * each time the median of RUNS, and checks that every run of a format gave
 * the same bytes (the renderers are meant to be deterministic).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/err.h"
#include "server/pack.h"
#include "server/pack_model.h"
#include "server/store.h"

#define TIME_RUNS_MAX 50
#define TIME_PATH_MAX 4096
#define TIME_NOW 2000000000 /* a fixed "now": the model only uses it for meeting status */

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One timed build: load, view, render. Keeps the hash of the bytes. */
static int one_run(store *st, const char *date, Safer__PackFormat fmt, double *load_ms,
    double *render_ms, size_t *bytes, uint8_t hash[32])
{
    Safer__PackModel *m = NULL;
    pack_view v;
    pack_buf out = { 0 };
    struct timespec t0;
    int rc;

    memset(&v, 0, sizeof(v));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((rc = pack_model_load(st, date, TIME_NOW, &m)) < 0)
        goto out;
    *load_ms = ms_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((rc = pack_view_init(&v, m, "council", 1)) < 0)
        goto out;
    if ((rc = pack_render(&v, fmt, &out)) < 0) {
        pack_view_free(&v);
        goto out;
    }
    *render_ms = ms_since(&t0);
    *bytes = out.len;
    crypto_generichash(hash, 32, out.data, out.len, NULL, 0);
    pack_view_free(&v);
out:
    pack_buf_free(&out);
    pack_model_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        Safer__PackFormat fmt;
    } formats[] = { { "md", SAFER__PACK_FORMAT__PACK_MD },
        { "html", SAFER__PACK_FORMAT__PACK_HTML }, { "pdf", SAFER__PACK_FORMAT__PACK_PDF } };
    char path[TIME_PATH_MAX];
    store *st = NULL;
    int runs = argc > 3 ? atoi(argv[3]) : 5, ret = 1, rc;

    if (argc < 3 || argc > 4 || runs < 1 || runs > TIME_RUNS_MAX) {
        fprintf(stderr, "usage: pack_time DATADIR DATE [RUNS]\n");
        return 2;
    }
    if (sodium_init() < 0
        || snprintf(path, sizeof(path), "%s/safer.db", argv[1]) >= (int)sizeof(path))
        return 1;
    if ((rc = store_open(&st, path, 0)) < 0) {
        fprintf(stderr, "pack_time: opening %s: %s\n", path, err_msg(rc));
        return 1;
    }
    for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
        double load[TIME_RUNS_MAX], render[TIME_RUNS_MAX], total[TIME_RUNS_MAX];
        uint8_t first[32], hash[32];
        size_t bytes = 0;
        for (int r = 0; r < runs; r++) {
            if ((rc = one_run(st, argv[2], formats[f].fmt, &load[r], &render[r], &bytes, hash))
                < 0) {
                fprintf(stderr, "pack_time: %s pack of %s: %s\n", formats[f].name, argv[2],
                    err_msg(rc));
                goto out;
            }
            total[r] = load[r] + render[r];
            if (r == 0)
                memcpy(first, hash, sizeof(first));
            else if (sodium_memcmp(first, hash, sizeof(first)) != 0) {
                fprintf(stderr, "pack_time: %s: two runs gave different bytes\n", formats[f].name);
                goto out;
            }
        }
        printf("%s %.1f %.1f %.1f %zu\n", formats[f].name, median(load, runs), median(render, runs),
            median(total, runs), bytes);
    }
    ret = 0;
out:
    store_close(st);
    return ret;
}
