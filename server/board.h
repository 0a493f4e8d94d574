/*
 * The board's calendar: task groups, meetings (known by their date), their
 * agendas, attendance and minutes. The checks of dates, times and codes are
 * here so that handlers, the papers module and tests share them; their
 * messages name the input and go to the user.
 *
 * Each change is one write job (store_job_fn, ctx a board_job) that checks,
 * changes and appends its audit row in the same transaction, so a refused
 * change writes nothing. Reads run on the store's read connection.
 */
#ifndef SAFER_SERVER_BOARD_H
#define SAFER_SERVER_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "server/ident.h"
#include "server/store.h"

#define BOARD_DATE_LEN 10           /* "YYYY-MM-DD" */
#define BOARD_TIME_LEN 5            /* "HH:MM" */
#define BOARD_GROUP_CODE_MAX 32     /* [a-z0-9-]{1,32} */
#define BOARD_GROUP_NAME_MAX 128    /* bytes */
#define BOARD_GROUP_AGENCIES_MAX 64 /* member agencies of one group */
#define BOARD_VENUE_MAX 200         /* bytes */
#define BOARD_ITEM_TITLE_MAX 200    /* bytes */
#define BOARD_AGENDA_MAX 64         /* items on one agenda */
#define BOARD_SUBSTITUTE_MAX 128    /* bytes */
#define BOARD_MINUTE_MAX 20000      /* bytes of minutes per agenda item */
#define BOARD_LIST_MAX 10000        /* the most groups or meetings one list answer carries */
#define BOARD_WHY_MAX 200

/* Item kinds, as proto ItemKind and the agenda_items.kind column. */
enum board_kind {
    BOARD_ITEM_OTHER = 0,
    BOARD_ITEM_WELCOME = 1,
    BOARD_ITEM_APOLOGIES = 2,
    BOARD_ITEM_MINUTES = 3,
    BOARD_ITEM_GROUP = 4,
    BOARD_ITEM_INFORMATION = 5,
    BOARD_ITEM_AOB = 6,
    BOARD_ITEM_NEXT_MEETING = 7,
};

/* Meeting statuses, as proto MeetingStatus. */
enum board_status {
    BOARD_SCHEDULED = 1,
    BOARD_PACK_PUBLISHED = 2,
    BOARD_HELD = 3,
    BOARD_MINUTES_APPROVED = 4,
};

/* Presence, as proto Presence and the attendance.presence column. */
enum board_presence {
    BOARD_PRESENT = 1,
    BOARD_APOLOGIES = 2,
};

/* ---- dates, times and codes ---------------------------------------------- */

/*
 * Parses "YYYY-MM-DD": a real calendar date in the years 2000..2999. Returns 0
 * or SAFER_E_INVAL (any of y, m, d may be NULL).
 */
int board_date_parse(const char *s, int *y, int *m, int *d);

/* board_date_parse with the message "'2024-02-30' is not a date (YYYY-MM-DD)". */
int board_date_check(const char *s, char *why, size_t why_len);

/* "HH:MM", 00:00..23:59. 0 or SAFER_E_INVAL with "'25:00' is not a time (HH:MM)". */
int board_time_check(const char *s, char *why, size_t why_len);

/* Task group code [a-z0-9-]{1,32}. 0 or SAFER_E_INVAL with a message in why. */
int board_group_code_check(const char *code, char *why, size_t why_len);

/* The UTC date of the instant t (UTC seconds). Returns 0 or SAFER_E_INVAL. */
int board_date_of(int64_t t, char out[BOARD_DATE_LEN + 1]);

/* Today's date in UTC. Returns 0 or SAFER_E_INTERNAL. */
int board_today(char out[BOARD_DATE_LEN + 1]);

/*
 * The last second of a date (23:59:59 UTC), as UTC seconds: a paper submitted
 * after it, for a deadline of that date, is late. 0 or SAFER_E_INVAL.
 */
int board_day_end(const char *date, int64_t *t);

/* ---- lookups --------------------------------------------------------------- */

/*
 * The id of the meeting on date. SAFER_E_NOTFOUND (no message is made: the
 * caller says "no meeting on DATE") or SAFER_E_DB. The _tx form runs inside a
 * write job.
 */
int board_meeting_id(store *st, const char *date, int64_t *id);
int board_meeting_id_tx(store_tx *tx, const char *date, int64_t *id);

/* The id of a task group by code; SAFER_E_NOTFOUND or SAFER_E_DB as above. */
int board_group_id(store *st, const char *code, int64_t *id);
int board_group_id_tx(store_tx *tx, const char *code, int64_t *id);

/*
 * The id of agenda item number (1-based) of a meeting; SAFER_E_NOTFOUND or
 * SAFER_E_DB. kind and group_id may be NULL (group_id is 0 when none).
 */
int board_item_id(store *st, int64_t meeting_id, uint32_t number, int64_t *id);
int board_item_id_tx(
    store_tx *tx, int64_t meeting_id, uint32_t number, int64_t *id, int *kind, int64_t *group_id);

/*
 * The date of the meeting just before (or after) date among all meetings,
 * whether or not date itself is a meeting. SAFER_E_NOTFOUND if none.
 */
int board_meeting_prev(store *st, const char *date, char out[BOARD_DATE_LEN + 1]);
int board_meeting_next(store *st, const char *date, char out[BOARD_DATE_LEN + 1]);
int board_meeting_prev_tx(store_tx *tx, const char *date, char out[BOARD_DATE_LEN + 1]);

/* ---- what reads return ------------------------------------------------------ */

typedef struct board_group {
    int64_t id; /* the store's row id */
    char code[BOARD_GROUP_CODE_MAX + 1];
    char name[BOARD_GROUP_NAME_MAX + 1];
    size_t nagencies;
    char agencies[BOARD_GROUP_AGENCIES_MAX][IDENT_AGENCY_CODE_MAX + 1]; /* by code */
} board_group;

typedef struct board_item {
    uint32_t number; /* 1-based position */
    char title[BOARD_ITEM_TITLE_MAX + 1];
    int kind;                                  /* enum board_kind */
    char group_code[BOARD_GROUP_CODE_MAX + 1]; /* "" unless kind is BOARD_ITEM_GROUP */
} board_item;

typedef struct board_meeting {
    int64_t id;
    char date[BOARD_DATE_LEN + 1];
    char time[BOARD_TIME_LEN + 1];
    char venue[BOARD_VENUE_MAX + 1];
    char deadline[BOARD_DATE_LEN + 1];
    int status;                             /* enum board_status */
    char next_date[BOARD_DATE_LEN + 1];     /* "" if none */
    char previous_date[BOARD_DATE_LEN + 1]; /* "" if none */
    char approved_at[BOARD_DATE_LEN + 1];   /* the approving meeting; "" if not approved */
} board_meeting;

/* A meeting's agenda, in order. */
typedef struct board_agenda {
    size_t n;
    board_item items[BOARD_AGENDA_MAX];
} board_agenda;

typedef struct board_attendance {
    char initials[IDENT_INITIALS_MAX + 1];
    char name[IDENT_NAME_MAX + 1];
    char agency_code[IDENT_AGENCY_CODE_MAX + 1];
    int presence; /* enum board_presence */
    char substitute[BOARD_SUBSTITUTE_MAX + 1];
} board_attendance;

typedef struct board_minute {
    uint32_t item;
    char *text; /* heap; freed by board_minutes_free */
} board_minute;

/* Every task group with its agencies, by code. *out is the caller's to free. */
int board_group_list(store *st, board_group **out, size_t *n);

/* One group; SAFER_E_NOTFOUND. */
int board_group_get(store *st, const char *code, board_group *out);

/*
 * The meeting on date with its neighbours and status (today is the UTC date
 * used to decide "held") and, when agenda is not NULL, its agenda.
 * SAFER_E_NOTFOUND.
 */
int board_meeting_get(
    store *st, const char *date, const char *today, board_meeting *out, board_agenda *agenda);

/* Every meeting, by date. *out is the caller's to free. */
int board_meeting_list(store *st, const char *today, board_meeting **out, size_t *n);

/* The attendance of a meeting, by initials. *out is the caller's to free. */
int board_attendance_list(store *st, int64_t meeting_id, board_attendance **out, size_t *n);

/* The minutes of a meeting, by item number; free with board_minutes_free. */
int board_minutes_list(store *st, int64_t meeting_id, board_minute **out, size_t *n);
void board_minutes_free(board_minute *m, size_t n);

/* ---- changes ------------------------------------------------------------------ */

/*
 * One board change: the inputs a handler fills, then what the job reports.
 * Which fields a job reads is listed by the job.
 */
typedef struct board_job {
    int64_t now;                        /* UTC seconds */
    char actor[IDENT_INITIALS_MAX + 1]; /* the caller, for the audit log */
    int64_t actor_id;                   /* the caller's person id; 0 for none */
    char date[BOARD_DATE_LEN + 1];      /* the meeting */
    char time[BOARD_TIME_LEN + 1];
    char venue[BOARD_VENUE_MAX + 1];
    char deadline[BOARD_DATE_LEN + 1];
    char code[BOARD_GROUP_CODE_MAX + 1]; /* a group */
    char name[BOARD_GROUP_NAME_MAX + 1];
    size_t nagencies;
    char agencies[BOARD_GROUP_AGENCIES_MAX][IDENT_AGENCY_CODE_MAX + 1];
    char title[BOARD_ITEM_TITLE_MAX + 1]; /* agenda add */
    int kind;
    uint32_t number;                       /* an agenda item, 1-based */
    uint32_t to;                           /* agenda add position (0: before AOB), move target */
    char initials[IDENT_INITIALS_MAX + 1]; /* attendance */
    int presence;
    char substitute[BOARD_SUBSTITUTE_MAX + 1];
    const char *text;                  /* minutes text, borrowed; at most BOARD_MINUTE_MAX bytes */
    char approved[BOARD_DATE_LEN + 1]; /* out, minutes approve: the approved meeting's date */
    board_attendance attendance;       /* out, attendance: the row as it is now */
    char why[BOARD_WHY_MAX];           /* out, on failure: the client's message */
} board_job;

/*
 * The jobs. Each returns 0 or SAFER_E_INVAL, SAFER_E_EXISTS,
 * SAFER_E_NOTFOUND, SAFER_E_PRECOND with why set, or SAFER_E_DB. Inputs are
 * checked again inside the job, so a handler's checks are a courtesy.
 */
int board_group_add_job(store_tx *tx, void *job);       /* code, name, agencies */
int board_group_agencies_job(store_tx *tx, void *job);  /* code, agencies */
int board_meeting_add_job(store_tx *tx, void *job);     /* date, time, venue, deadline */
int board_agenda_add_job(store_tx *tx, void *job);      /* date, title, kind, code, to */
int board_agenda_move_job(store_tx *tx, void *job);     /* date, number, to */
int board_agenda_remove_job(store_tx *tx, void *job);   /* date, number */
int board_attendance_job(store_tx *tx, void *job);      /* date, initials, presence, substitute */
int board_minutes_set_job(store_tx *tx, void *job);     /* date, number, text */
int board_minutes_approve_job(store_tx *tx, void *job); /* date; out: approved */

#endif
