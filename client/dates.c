/*
 * The date and time checks behind dates.h. Parsing is by hand, digit by
 * digit, because sscanf would accept signs, spaces and short fields.
 */
#include "client/dates.h"

#include <stdio.h>
#include <string.h>

#include "client/cli.h"

/* Reads n decimal digits at s into *v; 0 if any of them is not a digit. */
static int dates_digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

static int dates_days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

int dates_date_ok(const char *s)
{
    int y, m, d;

    if (s == NULL || strlen(s) != DATES_DATE_CHARS || s[4] != '-' || s[7] != '-')
        return 0;
    if (!dates_digits(s, 4, &y) || !dates_digits(s + 5, 2, &m) || !dates_digits(s + 8, 2, &d))
        return 0;
    if (y < DATES_YEAR_MIN || y > DATES_YEAR_MAX || m < 1 || m > 12)
        return 0;
    return d >= 1 && d <= dates_days_in_month(y, m);
}

int dates_time_ok(const char *s)
{
    int h, m;

    if (s == NULL || strlen(s) != DATES_TIME_CHARS || s[2] != ':')
        return 0;
    if (!dates_digits(s, 2, &h) || !dates_digits(s + 3, 2, &m))
        return 0;
    return h <= 23 && m <= 59;
}

/* Prints "safer: 'S' is not a WHAT (FORMAT)" with S made safe for the terminal. */
static int dates_bad(const char *s, const char *what)
{
    fputs("safer: '", stderr);
    cli_put_safe(stderr, s);
    fprintf(stderr, "' is not a %s\n", what);
    return -1;
}

int dates_check_date(const char *s)
{
    return dates_date_ok(s) ? 0 : dates_bad(s, "date (YYYY-MM-DD)");
}

int dates_check_time(const char *s)
{
    return dates_time_ok(s) ? 0 : dates_bad(s, "time (HH:MM)");
}
