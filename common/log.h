/*
 * One log line per event on stderr:
 *     2026-11-23T01:02:03Z saferd info conn.c:120 accepted 127.0.0.1:50312
 * Never log keys, codes or report content.
 */
#ifndef SAFER_COMMON_LOG_H
#define SAFER_COMMON_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Set once by main: the program name and the lowest level printed. */
void log_setup(const char *prog, enum log_level min);

/* Parses "debug", "info", "warn" or "error"; -1 if none. */
int log_level_parse(const char *s);

void log_at(enum log_level level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define log_debug(...) log_at(LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_at(LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_at(LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_error(...) log_at(LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#endif
