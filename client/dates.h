/*
 * Dates and times as the board commands take them: a meeting is known by its
 * date "YYYY-MM-DD" (a real calendar date in the years 2000..2999) and meets
 * at a time "HH:MM" (00:00..23:59). The checks catch typing mistakes before
 * anything is sent, with a message quoting the input; the server checks
 * again and decides.
 */
#ifndef SAFER_CLIENT_DATES_H
#define SAFER_CLIENT_DATES_H

#define DATES_YEAR_MIN 2000
#define DATES_YEAR_MAX 2999
#define DATES_DATE_CHARS 10 /* "YYYY-MM-DD" */
#define DATES_TIME_CHARS 5  /* "HH:MM" */

/* 1 if s is a real date "YYYY-MM-DD" in DATES_YEAR_MIN..DATES_YEAR_MAX, else 0. */
int dates_date_ok(const char *s);

/* 1 if s is a time "HH:MM" in 00:00..23:59, else 0. */
int dates_time_ok(const char *s);

/* Checks a date, printing "safer: 'S' is not a date (YYYY-MM-DD)". Returns 0 or -1. */
int dates_check_date(const char *s);

/* Checks a time, printing "safer: 'S' is not a time (HH:MM)". Returns 0 or -1. */
int dates_check_time(const char *s);

#endif
