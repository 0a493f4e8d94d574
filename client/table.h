/*
 * Human tables for the CLI: a header row and aligned columns whose widths
 * come from the content. Cells are copied when added, with control characters
 * and bytes that are not UTF-8 replaced by '?', so text from the server cannot
 * drive the terminal; an empty or NULL cell prints as "-". Widths count
 * UTF-8 characters, not bytes, so names with accents line up.
 */
#ifndef SAFER_CLIENT_TABLE_H
#define SAFER_CLIENT_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TABLE_COLS_MAX 16
#define TABLE_ROWS_MAX 100000 /* more rows than any Safer list returns */
#define TABLE_CELL_MAX 1024   /* longer cells are cut, ending in "..." */
#define TABLE_TIME_MAX 24     /* "YYYY-MM-DD HH:MM UTC" and its NUL */
#define TABLE_GAP 2           /* spaces between columns */

typedef struct table table;

/*
 * Makes a table with ncols (1..TABLE_COLS_MAX) columns named by headers.
 * SAFER_E_INVAL for a bad ncols, SAFER_E_NOMEM.
 */
int table_new(table **out, size_t ncols, const char *const *headers);

/* Adds a row of ncols cells (copied). SAFER_E_LIMIT past TABLE_ROWS_MAX, SAFER_E_NOMEM. */
int table_add(table *t, const char *const *cells);

/* The number of rows added so far, the header not counted. */
size_t table_rows(const table *t);

/*
 * Prints the header and the rows, columns separated by TABLE_GAP spaces and
 * no trailing spaces. Returns 0 or SAFER_E_IO.
 */
int table_print(const table *t, FILE *f);

/* Frees the table; NULL is allowed. */
void table_free(table *t);

/* The width of s in columns on a terminal: the number of UTF-8 characters. */
size_t table_width(const char *s);

/* Formats UTC seconds as "YYYY-MM-DD HH:MM UTC" into buf; 0 (never) gives "-". */
void table_time(int64_t t, char buf[TABLE_TIME_MAX]);

#endif
