/*
 * Fixtures for the integration tests of the board's business (issue 4):
 * dates relative to today (the server's clock is real, so the tests choose
 * their dates at run time), papers written to files, the `--json` output of
 * the real `safer` binary parsed with jansson, enum names matched however the
 * JSON converter prefixes them, and row counts of the board's tables read
 * from the live database to show that a refused command changed nothing.
 */
#ifndef SAFER_TESTS_BOARDFIX_H
#define SAFER_TESTS_BOARDFIX_H

#include <stddef.h>

#include <jansson.h>

#include "common/pb.h"
#include "support/harness.h"

#define HX_DATE_BYTES 11 /* "YYYY-MM-DD" and its NUL */

/* Today (UTC) plus days, as "YYYY-MM-DD". */
void hx_date(int days, char buf[HX_DATE_BYTES]);

/* Writes text to path (created 0600, truncated). Returns 0 or -1. */
int hx_write_file(const char *path, const char *text);

/* Writes len bytes of fill to path. Returns 0 or -1. */
int hx_write_filled(const char *path, size_t len, char fill);

/* path is dir/name. */
void hx_path(char *buf, size_t len, const char *dir, const char *name);

/*
 * Parses r->out (one JSON document) and returns it, or NULL with the output
 * printed. Release it with json_decref.
 */
json_t *hx_json_out(const hx_result *r);

/* obj[key] as a string ("" when missing or not a string). */
const char *hx_jstr(const json_t *obj, const char *key);

/* obj[key] as an integer (0 when missing: proto3's default). */
long long hx_jint(const json_t *obj, const char *key);

/* obj[key] as a bool (false when missing). */
int hx_jbool(const json_t *obj, const char *key);

/* obj[key] as an array, or NULL. */
json_t *hx_jarr(const json_t *obj, const char *key);

/*
 * 1 if obj[key] is an enum value named want: the same name, or one ending in
 * "_" + want, case aside ("late" matches "late", "return_late", "RETURN_LATE").
 */
int hx_jenum(const json_t *obj, const char *key, const char *want);

/* 1 if the array of strings arr holds exactly the strings of want, a
 * comma-separated list ("" for none), in any order. */
int hx_jset_is(const json_t *arr, const char *want);

/* A list answer: doc itself if it is an array, else doc[key] if that is an
 * array, else NULL (--json may print the list or the message around it). */
json_t *hx_jlist(json_t *doc, const char *key);

/* The element of arr whose string field key is want, or NULL. */
json_t *hx_jfind(json_t *arr, const char *key, const char *want);

/* The element of arr whose integer field "id" is id, or NULL. */
json_t *hx_jfind_id(json_t *arr, long long id);

/* The "id" fields of arr's elements, sorted, as "3,5,9" in buf; 0 or -1. */
int hx_jids(const json_t *arr, char *buf, size_t len);

/* 1 if hay contains needle, case aside. */
int hx_contains_ci(const char *hay, const char *needle);

/* `safer admin agency add CODE NAME` from admin_home; 0 or -1 (printed). */
int hx_agency_add(const char *admin_home, const char *code, const char *name);

/* The tables a board command may change: X(field, table). */
#define HX_BOARD_TABLES(X)                                                                         \
    X(groups, groups)                                                                              \
    X(meetings, meetings)                                                                          \
    X(agenda, agenda_items)                                                                        \
    X(reports, reports)                                                                            \
    X(versions, report_versions)                                                                   \
    X(actions, actions)                                                                            \
    X(owners, action_owners)                                                                       \
    X(updates, action_updates)                                                                     \
    X(attendance, attendance)                                                                      \
    X(minutes, minutes)                                                                            \
    X(audit, audit)

/*
 * Opens a raw session (harness.h) as the person whose home is home, pinning
 * the server's key from its invite. Returns 0 or -1.
 */
int hx_raw_as(hx_raw *r, const hx_server *s, const char *home);

#define HX_IDEM_KEY_BYTES 16
#define HX_CALL_MS 20000

/* What one raw ReportSubmitRequest carries (marking: official). */
typedef struct hx_submit {
    const char *date, *group, *title;
    int rag; /* Safer__Rag, unchecked so tests can send values the schema lacks */
    const uint8_t *body;
    size_t body_len;
    const uint8_t *key; /* HX_IDEM_KEY_BYTES */
} hx_submit;

/*
 * Sends one ReportSubmitRequest with request id rid over r and returns the
 * Response (NULL on failure; free with pb_response_free(b, rs)).
 */
Safer__Response *hx_raw_submit(hx_raw *r, pb_budget *b, uint64_t rid, const hx_submit *sub);

/* Row counts of every table a board command may change. */
#define HX_BOARD_FIELD(field, table) long long field;
typedef struct hx_board_counts {
    HX_BOARD_TABLES(HX_BOARD_FIELD)
} hx_board_counts;
#undef HX_BOARD_FIELD

void hx_board_counts_take(const hx_server *s, hx_board_counts *c);

/* 1 if equal; otherwise prints what changed and returns 0. */
int hx_board_counts_same(const hx_board_counts *before, const hx_board_counts *after);

#endif
