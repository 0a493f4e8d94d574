/*
 * What the board's job files (board_change.c, board_agenda.c,
 * board_record.c) share and nothing else may use: the meeting a job works
 * on, the audit row, the minutes text check and small row readers. The
 * double underscore marks these as private to the board module.
 */
#ifndef SAFER_SERVER_BOARD_PRIV_H
#define SAFER_SERVER_BOARD_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "server/board.h"

#define BOARD_DETAIL_MAX 512 /* an audit row's detail */
#define BOARD_OBJECT_MAX 64  /* an audit row's object */

/* The meeting columns a job needs. */
struct board_mrow {
    int64_t id;                           /* meetings.id */
    char approved_at[BOARD_DATE_LEN + 1]; /* the approving meeting's date; "" if none */
};

/* Appends the audit row of j's change. */
int board__audit(
    store_tx *tx, const board_job *j, const char *action, const char *object, const char *detail);

/* Finds the meeting on date; SAFER_E_INVAL or SAFER_E_NOTFOUND with j->why set. */
int board__find_meeting(store_tx *tx, board_job *j, const char *date, struct board_mrow *r);

/*
 * Finds j->date's meeting and refuses it (SAFER_E_PRECOND, "the minutes of D
 * were approved on E and are locked") once its minutes are approved.
 */
int board__open_meeting(store_tx *tx, board_job *j, struct board_mrow *r);

/* Inserts one agenda item; group_id 0 for none. */
int board__item_insert(
    store_tx *tx, int64_t meeting_id, uint32_t pos, const char *title, int kind, int64_t group_id);

/* 1 if s[0..n) is UTF-8 without control characters other than tab, LF and CR. */
int board__utf8_ok(const unsigned char *s, size_t n);

/* A row of integer columns into ctx (an int64_t array as long as the row). */
int board__count_row(void *ctx, const store_val *c, size_t n);

#endif
