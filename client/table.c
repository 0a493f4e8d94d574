/*
 * The table printer behind table.h. Rows are kept as cleaned copies; widths
 * are worked out when printing, from the header and every cell.
 */
#include "client/table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

struct table {
    size_t ncols;   /* columns per row */
    size_t nrows;   /* rows added, header not counted */
    size_t cap;     /* rows allocated */
    char **headers; /* ncols cleaned copies */
    char **cells;   /* nrows * ncols cleaned copies, row by row */
};

/* The length of the UTF-8 sequence that starts at s, or 0 if it is not one. */
static size_t table_utf8_len(const unsigned char *s)
{
    size_t n;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

/*
 * A cleaned copy of s: control characters and broken UTF-8 become '?', an
 * empty or NULL cell "-", and a cell longer than TABLE_CELL_MAX bytes is cut
 * at a character boundary and ends in "...".
 */
static char *table_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    char *out;
    size_t n = 0;

    if (*p == '\0')
        return strdup("-");
    out = malloc(TABLE_CELL_MAX + 1);
    if (out == NULL)
        return NULL;
    while (*p != '\0') {
        size_t len = table_utf8_len(p);
        if (n + (len ? len : 1) > TABLE_CELL_MAX - 3) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        /* C1 control characters (U+0080..U+009F) can drive a terminal as well. */
        int c1 = len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
        if (len == 0 || c1 || (len == 1 && (*p < 0x20 || *p == 0x7f))) {
            out[n++] = '?';
            p += c1 ? 2 : 1;
        } else {
            memcpy(out + n, p, len);
            n += len;
            p += len;
        }
    }
    out[n] = '\0';
    return out;
}

size_t table_width(const char *s)
{
    size_t w = 0;

    /* Every byte but a continuation byte starts a character. */
    for (; *s != '\0'; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

int table_new(table **out, size_t ncols, const char *const *headers)
{
    table *t = NULL;

    *out = NULL;
    if (ncols == 0 || ncols > TABLE_COLS_MAX)
        return SAFER_E_INVAL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return SAFER_E_NOMEM;
    t->ncols = ncols;
    t->headers = calloc(ncols, sizeof(char *));
    if (t->headers == NULL)
        goto fail;
    for (size_t i = 0; i < ncols; i++) {
        if ((t->headers[i] = table_clean(headers[i])) == NULL)
            goto fail;
    }
    *out = t;
    return 0;
fail:
    table_free(t);
    return SAFER_E_NOMEM;
}

int table_add(table *t, const char *const *cells)
{
    char **row;

    if (t->nrows >= TABLE_ROWS_MAX)
        return SAFER_E_LIMIT;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, cap * t->ncols * sizeof(char *));
        if (c == NULL)
            return SAFER_E_NOMEM;
        t->cells = c;
        t->cap = cap;
    }
    row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        if ((row[i] = table_clean(cells[i])) == NULL) {
            while (i-- > 0)
                free(row[i]);
            return SAFER_E_NOMEM;
        }
    }
    t->nrows++;
    return 0;
}

size_t table_rows(const table *t)
{
    return t->nrows;
}

/* Prints one row padded to widths; the last column is not padded. */
static int table_print_row(FILE *f, char *const *row, const size_t *widths, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        if (fputs(row[i], f) == EOF)
            return SAFER_E_IO;
        if (i + 1 == ncols)
            break;
        for (size_t pad = widths[i] - table_width(row[i]) + TABLE_GAP; pad > 0; pad--)
            fputc(' ', f);
    }
    return fputc('\n', f) == EOF ? SAFER_E_IO : 0;
}

int table_print(const table *t, FILE *f)
{
    size_t widths[TABLE_COLS_MAX] = { 0 };
    int ret;

    for (size_t c = 0; c < t->ncols; c++) {
        widths[c] = table_width(t->headers[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t w = table_width(t->cells[r * t->ncols + c]);
            widths[c] = w > widths[c] ? w : widths[c];
        }
    }
    if ((ret = table_print_row(f, t->headers, widths, t->ncols)) != 0)
        return ret;
    for (size_t r = 0; r < t->nrows; r++) {
        if ((ret = table_print_row(f, t->cells + r * t->ncols, widths, t->ncols)) != 0)
            return ret;
    }
    return fflush(f) == 0 ? 0 : SAFER_E_IO;
}

void table_free(table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; t->headers != NULL && i < t->ncols; i++)
        free(t->headers[i]);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->headers);
    free(t->cells);
    free(t);
}

void table_time(int64_t t, char buf[TABLE_TIME_MAX])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0 || gmtime_r(&tt, &tm) == NULL
        || strftime(buf, TABLE_TIME_MAX, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(buf, TABLE_TIME_MAX, "-");
}
