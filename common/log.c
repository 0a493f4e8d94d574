/*
 * The logger behind log.h. The program name and level are set once by main
 * before any thread starts, and only read afterwards.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *log_prog = "safer";
static enum log_level log_min = LOG_INFO;

static const char *const log_names[] = { "debug", "info", "warn", "error" };

void log_setup(const char *prog, enum log_level min)
{
    log_prog = prog;
    log_min = min;
}

int log_level_parse(const char *s)
{
    for (int i = 0; i < (int)(sizeof(log_names) / sizeof(log_names[0])); i++) {
        if (strcmp(s, log_names[i]) == 0)
            return i;
    }
    return -1;
}

void log_at(enum log_level level, const char *file, int line, const char *fmt, ...)
{
    char stamp[32];
    char msg[1024];
    struct tm tm;
    time_t now = time(NULL);
    const char *base = strrchr(file, '/');
    va_list ap;

    if (level < log_min)
        return;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One fprintf per line keeps lines whole when threads log together. */
    fprintf(stderr, "%s %s %s %s:%d %s\n", stamp, log_prog, log_names[level],
        base ? base + 1 : file, line, msg);
}
