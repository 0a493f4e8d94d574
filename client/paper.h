/*
 * The parts of a paper the user types on the command line of `safer report
 * submit`: metrics ("name=value[/target]"), the RAG status and the protective
 * marking. Each parser quotes the bad input and says what would be right.
 */
#ifndef SAFER_CLIENT_PAPER_H
#define SAFER_CLIENT_PAPER_H

#include "proto/safer.pb-c.h"

#define PAPER_BODY_MAX 1048576      /* bytes of a paper's Markdown body (REPORT_BODY_MAX) */
#define PAPER_METRICS_MAX 32        /* metrics on one paper */
#define PAPER_METRIC_NAME_MAX 64    /* characters of a metric's name */
#define PAPER_METRIC_NAME_BYTES 257 /* room for the longest name in UTF-8 and its NUL */
#define PAPER_METRIC_NUMBER_MAX 64  /* bytes of a number */

/* One parsed metric. */
typedef struct paper_metric {
    char name[PAPER_METRIC_NAME_BYTES];
    double value;
    int has_target;
    double target;
} paper_metric;

/*
 * Parses "name=value" or "name=value/target": the name is what comes before
 * the first '=', 1..PAPER_METRIC_NAME_MAX characters of UTF-8 without
 * control characters; value and target are finite decimal numbers ("12",
 * "-3.5", "1e3"). Returns 0, or SAFER_E_INVAL with *why saying what is
 * wrong (a static string).
 */
int paper_metric_parse(const char *in, paper_metric *m, const char **why);

/* paper_metric_parse, printing "safer: metric 'IN': WHY" on failure. 0 or -1. */
int paper_metric_check(const char *in, paper_metric *m);

/*
 * Parses a RAG status, red|amber|green in any case; prints "safer: 'IN' is
 * not a RAG status (red, amber, green)" otherwise. 0 or -1.
 */
int paper_rag(const char *in, Safer__Rag *out);

/* Parses official|official-sensitive in any case; prints why not. 0 or -1. */
int paper_marking(const char *in, Safer__Marking *out);

#endif
