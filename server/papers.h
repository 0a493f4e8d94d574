/*
 * The papers of a meeting and what follows from them: task-group reports
 * (every version kept, with metrics, marking and restriction), the returns
 * table, and actions with their owners, updates and carried-forward count.
 *
 * Checks are here so that handlers, jobs and tests share them; their messages
 * name the input and go to the user. Each change is one write job that checks
 * again, changes and appends its audit row in the same transaction, so a
 * refused change writes nothing. Reads run on the store's read connection.
 *
 * The ownership rules of the dispatch table (a lead's agency in the group, a
 * reader outside a restriction, an action's owner) are the papers_rule_*
 * functions; dispatch_check calls them before any handler runs.
 *
 * papers.c holds reports and returns; papers_action.c holds actions.
 */
#ifndef SAFER_SERVER_PAPERS_H
#define SAFER_SERVER_PAPERS_H

#include <stddef.h>
#include <stdint.h>

#include "server/board.h"
#include "server/ident.h"
#include "server/store.h"

#define PAPERS_BODY_MAX 1048576u /* REPORT_BODY_MAX: bytes of Markdown in one version */
#define REPORT_BODY_MAX PAPERS_BODY_MAX
#define PAPERS_TITLE_MAX 200      /* bytes */
#define PAPERS_METRICS_MAX 32     /* metrics in one version */
#define PAPERS_METRIC_NAME_MAX 64 /* bytes */
#define PAPERS_PERIOD_MAX 32      /* bytes, e.g. "2018-Q3" */
#define PAPERS_RESTRICT_MAX 64    /* agencies a report may be restricted to */
#define PAPERS_IDEM_BYTES 16      /* the idempotency key of a submission */
#define PAPERS_VERSIONS_MAX 100   /* versions of one report */
#define PAPERS_ACTION_TEXT_MAX 1000
#define PAPERS_NOTE_MAX 1000
#define PAPERS_OWNERS_MAX 32   /* owners of one action */
#define PAPERS_UPDATES_MAX 500 /* updates of one action carried in an answer */
#define PAPERS_LIST_MAX 5000   /* actions or returns rows one answer carries */
#define PAPERS_WHY_MAX 200

/* As proto Rag, Marking, ReturnStatus and ActionStatus, and the columns. */
enum papers_rag { PAPERS_RED = 1, PAPERS_AMBER = 2, PAPERS_GREEN = 3 };
enum papers_marking { PAPERS_OFFICIAL = 1, PAPERS_OFFICIAL_SENSITIVE = 2 };
enum papers_return { PAPERS_ON_TIME = 1, PAPERS_LATE = 2, PAPERS_MISSING = 3 };
enum papers_status { PAPERS_OPEN = 1, PAPERS_DONE = 2, PAPERS_DROPPED = 3 };

/* Where the shared readers run: the read connection (st) or inside a job (tx). */
typedef struct papers_db {
    store *st;    /* set for reads on the loop thread */
    store_tx *tx; /* set inside a write job */
} papers_db;

/* store_read or store_tx_exec, whichever db holds. */
int papers_exec(const papers_db *db, enum store_stmt stmt, const store_val *args, size_t nargs,
    store_row_fn fn, void *ctx);

/* ---- reports ----------------------------------------------------------------- */

typedef struct papers_metric {
    char name[PAPERS_METRIC_NAME_MAX + 1];
    double value;
    int has_target;
    double target;
    char period[PAPERS_PERIOD_MAX + 1]; /* "" when none */
} papers_metric;

typedef struct papers_version {
    int64_t id; /* the row, for the store's own use */
    uint32_t version;
    char title[PAPERS_TITLE_MAX + 1];
    int rag;     /* enum papers_rag */
    int marking; /* enum papers_marking */
    size_t nmetrics;
    papers_metric metrics[PAPERS_METRICS_MAX];
    size_t nrestrict; /* 0: no restriction */
    char restrict_to[PAPERS_RESTRICT_MAX][IDENT_AGENCY_CODE_MAX + 1];
    char author[IDENT_INITIALS_MAX + 1];
    int64_t submitted; /* UTC seconds */
    int late;
    char *body; /* heap, NUL-terminated; NULL unless the body was asked for */
    size_t body_bytes;
} papers_version;

typedef struct papers_report {
    char date[BOARD_DATE_LEN + 1];
    char group[BOARD_GROUP_CODE_MAX + 1];
    char agency[IDENT_AGENCY_CODE_MAX + 1];
    int withdrawn;
    uint32_t versions; /* how many there are */
    papers_version v;  /* the latest, or the one asked for */
} papers_report;

/* Frees the body a report holds (if any); the struct itself is the caller's. */
void papers_report_clear(papers_report *r);

/*
 * One submission: the inputs a handler fills, then what the job reports. The
 * body is borrowed and must outlive the job.
 */
typedef struct papers_submit {
    int64_t now;                            /* UTC seconds */
    char actor[IDENT_INITIALS_MAX + 1];     /* the submitter, for the audit log */
    int64_t actor_id;                       /* the submitter's person id */
    char agency[IDENT_AGENCY_CODE_MAX + 1]; /* the submitter's agency */
    char date[BOARD_DATE_LEN + 1];          /* the meeting */
    char group[BOARD_GROUP_CODE_MAX + 1];   /* the task group */
    char title[PAPERS_TITLE_MAX + 1];       /* 1..200 bytes */
    int rag;                                /* enum papers_rag */
    int marking;                            /* enum papers_marking */
    size_t nmetrics;                        /* 0..PAPERS_METRICS_MAX */
    papers_metric metrics[PAPERS_METRICS_MAX];
    size_t nrestrict;
    char restrict_to[PAPERS_RESTRICT_MAX][IDENT_AGENCY_CODE_MAX + 1];
    const uint8_t *body; /* borrowed: UTF-8 Markdown */
    size_t body_len;     /* 1..PAPERS_BODY_MAX */
    uint8_t idem[PAPERS_IDEM_BYTES];
    papers_report report; /* out: the version stored (or found), without its body */
    int duplicate;        /* out: a retry; nothing new was stored */
    char why[PAPERS_WHY_MAX];
} papers_submit;

/*
 * Copies src into dst (cap bytes with the NUL), or SAFER_E_INVAL with "what
 * is N bytes; the limit is M" when it does not fit.
 */
int papers_copy(char *dst, size_t cap, const char *src, const char *what, char *why, size_t len);

/* The body: non-empty, at most PAPERS_BODY_MAX, UTF-8 without NUL bytes. */
int papers_body_check(const uint8_t *body, size_t n, char *why, size_t why_len);

/* Every input of a submission, with a message naming the bad one. */
int papers_submit_check(const papers_submit *s, char *why, size_t why_len);

/*
 * The submission job (ctx a papers_submit). Returns 0 (duplicate set for a
 * retry), SAFER_E_INVAL, SAFER_E_NOTFOUND, SAFER_E_PERM (agency not in the
 * group), SAFER_E_PRECOND (too many versions) with why set, or SAFER_E_DB.
 */
int papers_submit_job(store_tx *tx, void *ctx);

/* A withdrawal: inputs, then the report as it is now. */
typedef struct papers_withdraw {
    int64_t now;
    char actor[IDENT_INITIALS_MAX + 1];
    char date[BOARD_DATE_LEN + 1];
    char group[BOARD_GROUP_CODE_MAX + 1];
    char agency[IDENT_AGENCY_CODE_MAX + 1];
    papers_report report; /* out, without body */
    char why[PAPERS_WHY_MAX];
} papers_withdraw;

/* SAFER_E_NOTFOUND, SAFER_E_PRECOND (already withdrawn) with why set. */
int papers_withdraw_job(store_tx *tx, void *ctx);

/*
 * One report with version (0 = the latest) and its body. SAFER_E_NOTFOUND or
 * SAFER_E_INVAL with why set. Clear out with papers_report_clear.
 */
int papers_report_get(store *st, const char *date, const char *group, const char *agency,
    uint32_t version, papers_report *out, char *why, size_t why_len);

/*
 * The report (latest version, no body) and every version without bodies,
 * oldest first. *versions is the caller's to free.
 */
int papers_report_history(store *st, const char *date, const char *group, const char *agency,
    papers_report *out, papers_version **versions, size_t *n, char *why, size_t why_len);

/* ---- returns ------------------------------------------------------------------ */

typedef struct papers_return_row {
    char group[BOARD_GROUP_CODE_MAX + 1];
    char agency[IDENT_AGENCY_CODE_MAX + 1];
    int status;        /* enum papers_return */
    int64_t submitted; /* the first version's time; 0 if missing */
    uint32_t version;  /* the latest version; 0 if missing */
} papers_return_row;

/*
 * The returns of the meeting on date: each member agency of each group with
 * a GROUP item on its agenda, by group then agency; only agency's rows when
 * agency is not NULL. A return's status is its first version's (a revision
 * does not make it late); a withdrawn report is missing. *rows is the
 * caller's to free.
 */
int papers_returns(store *st, const char *date, const char *agency,
    char deadline[BOARD_DATE_LEN + 1], papers_return_row **rows, size_t *n, char *why,
    size_t why_len);

/* ---- actions ------------------------------------------------------------------ */

typedef struct papers_update {
    int64_t ts;
    char by[IDENT_INITIALS_MAX + 1];
    int status; /* enum papers_status */
    char note[PAPERS_NOTE_MAX + 1];
} papers_update;

typedef struct papers_action {
    int64_t id;
    char date[BOARD_DATE_LEN + 1]; /* the meeting it was raised at */
    uint32_t item;                 /* the agenda item's number now */
    char text[PAPERS_ACTION_TEXT_MAX + 1];
    int all; /* owned by every active person */
    size_t nowners;
    char owners[PAPERS_OWNERS_MAX][IDENT_INITIALS_MAX + 1]; /* by initials */
    char due[BOARD_DATE_LEN + 1];
    int status;       /* enum papers_status */
    uint32_t carried; /* meetings after its own, up to today, while it was open */
    size_t nupdates;
    papers_update *updates; /* heap, oldest first; freed by papers_action_clear */
} papers_action;

void papers_action_clear(papers_action *a);
void papers_action_list_free(papers_action *a, size_t n);

/* An action change: the inputs a handler fills, then the action as it is now. */
typedef struct papers_action_job {
    int64_t now;
    char today[BOARD_DATE_LEN + 1]; /* UTC, for closing dates and carried counts */
    char actor[IDENT_INITIALS_MAX + 1];
    int64_t actor_id;
    char date[BOARD_DATE_LEN + 1]; /* add: the meeting */
    uint32_t item;                 /* add: the agenda item number */
    int all;                       /* add: owned by ALL */
    size_t nowners;                /* add: 1..PAPERS_OWNERS_MAX initials unless all */
    char owners[PAPERS_OWNERS_MAX][IDENT_INITIALS_MAX + 1];
    char text[PAPERS_ACTION_TEXT_MAX + 1]; /* add */
    char due[BOARD_DATE_LEN + 1];          /* add */
    int64_t id;                            /* update */
    int status;                            /* update: enum papers_status */
    char note[PAPERS_NOTE_MAX + 1];        /* update: 0..PAPERS_NOTE_MAX bytes */
    papers_action action;                  /* out; clear with papers_action_clear */
    char why[PAPERS_WHY_MAX];
} papers_action_job;

int papers_action_add_check(const papers_action_job *j, char *why, size_t why_len);
int papers_action_update_check(const papers_action_job *j, char *why, size_t why_len);

/* The jobs: SAFER_E_INVAL, SAFER_E_NOTFOUND, SAFER_E_PRECOND with why set. */
int papers_action_add_job(store_tx *tx, void *ctx);
int papers_action_update_job(store_tx *tx, void *ctx);

/* One action; SAFER_E_NOTFOUND with why set. Clear out afterwards. */
int papers_action_get(
    store *st, int64_t id, const char *today, papers_action *out, char *why, size_t why_len);

/* Filters of papers_action_list. */
typedef struct papers_action_filter {
    int open_only;     /* status open */
    int64_t mine;      /* a person id: actions they own (or ALL); 0 for everyone's */
    int overdue;       /* open and due before today */
    const char *today; /* UTC date */
} papers_action_filter;

/* Actions by id; free with papers_action_list_free. */
int papers_action_list(store *st, const papers_action_filter *f, papers_action **out, size_t *n);

/* ---- ownership rules (dispatch_check) ------------------------------------------------ */

/*
 * OWNER_GROUP_MEMBER_AGENCY: agency must be a member of task group group. An
 * unknown group passes (the job says it is unknown). 0 or SAFER_E_PERM
 * "agency 'fire' is not a member of task group 'alcohol'".
 */
int papers_rule_group_member(
    store *st, const char *agency, const char *group, char *why, size_t why_len);

/*
 * OWNER_REPORT_READER: a reader of agency may read the report of
 * report_agency (its version, 0 = latest; all versions when every_version)
 * unless a version is restricted to agencies without it. Unknown reports
 * pass (the handler says so). 0 or SAFER_E_PERM "this report is restricted
 * to police, probation".
 */
int papers_rule_reader(store *st, const char *agency, const char *date, const char *group,
    const char *report_agency, uint32_t version, int every_version, char *why, size_t why_len);

/*
 * OWNER_ACTION_OWNER: person_id must own action id (every active person owns
 * an ALL action). An unknown action passes. 0 or SAFER_E_PERM.
 */
int papers_rule_action_owner(store *st, int64_t person_id, int64_t id, char *why, size_t why_len);

#endif
