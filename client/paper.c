/*
 * The parsers behind paper.h. Numbers go through strtod only after their
 * characters have been checked, because strtod alone would also take "inf",
 * "nan", hexadecimal and leading spaces.
 */
#include "client/paper.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "common/err.h"

/* Parses the n bytes at s as a finite decimal number. */
static int paper_number(const char *s, size_t n, double *out)
{
    char buf[PAPER_METRIC_NUMBER_MAX + 1];
    char *end = NULL;

    if (n == 0 || n > PAPER_METRIC_NUMBER_MAX)
        return SAFER_E_INVAL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strspn(buf, "0123456789+-.eE") != n || strpbrk(buf, "0123456789") == NULL)
        return SAFER_E_INVAL;
    *out = strtod(buf, &end);
    if (end != buf + n || !isfinite(*out))
        return SAFER_E_INVAL;
    return 0;
}

int paper_metric_parse(const char *in, paper_metric *m, const char **why)
{
    const char *eq = strchr(in, '=');
    const char *slash;
    size_t name_len, bad = 0;
    long chars;

    memset(m, 0, sizeof(*m));
    *why = "want name=value or name=value/target, like 'Incidents=42/50'";
    if (eq == NULL)
        return SAFER_E_INVAL;
    name_len = (size_t)(eq - in);
    chars = board_utf8_chars((const uint8_t *)in, name_len, &bad);
    if (name_len == 0 || chars == 0) {
        *why = "the name is empty";
        return SAFER_E_INVAL;
    }
    if (chars < 0 || chars > PAPER_METRIC_NAME_MAX || name_len >= sizeof(m->name)) {
        *why = chars < 0 ? "the name is not UTF-8" : "the name is longer than 64 characters";
        return SAFER_E_INVAL;
    }
    for (size_t i = 0; i < name_len; i++) {
        if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) {
            *why = "the name contains a control character";
            return SAFER_E_INVAL;
        }
    }
    memcpy(m->name, in, name_len);
    m->name[name_len] = '\0';
    slash = strchr(eq + 1, '/');
    if (paper_number(eq + 1, slash ? (size_t)(slash - eq - 1) : strlen(eq + 1), &m->value) != 0) {
        *why = "the value is not a number";
        return SAFER_E_INVAL;
    }
    if (slash != NULL) {
        if (paper_number(slash + 1, strlen(slash + 1), &m->target) != 0) {
            *why = "the target is not a number";
            return SAFER_E_INVAL;
        }
        m->has_target = 1;
    }
    return 0;
}

int paper_metric_check(const char *in, paper_metric *m)
{
    const char *why = NULL;

    if (paper_metric_parse(in, m, &why) != 0)
        return admin_bad("metric", in, why);
    return 0;
}

/* Prints "safer: 'IN' is not a WHAT" with IN made safe; returns -1. */
static int paper_not(const char *in, const char *what)
{
    fputs("safer: '", stderr);
    cli_put_safe(stderr, in);
    fprintf(stderr, "' is not %s\n", what);
    return -1;
}

int paper_rag(const char *in, Safer__Rag *out)
{
    if (strcasecmp(in, "red") == 0)
        *out = SAFER__RAG__RAG_RED;
    else if (strcasecmp(in, "amber") == 0)
        *out = SAFER__RAG__RAG_AMBER;
    else if (strcasecmp(in, "green") == 0)
        *out = SAFER__RAG__RAG_GREEN;
    else
        return paper_not(in, "a RAG status (red, amber, green)");
    return 0;
}

int paper_marking(const char *in, Safer__Marking *out)
{
    if (strcasecmp(in, "official") == 0)
        *out = SAFER__MARKING__MARKING_OFFICIAL;
    else if (strcasecmp(in, "official-sensitive") == 0)
        *out = SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE;
    else
        return paper_not(in, "a marking (official, official-sensitive)");
    return 0;
}
