/*
 * The returns handler: for a meeting, every expected (task group, agency)
 * pair as on time, late or missing. The chair sees every row; a lead sees
 * only their own agency's (the dispatch table admits no one else).
 */
#include "server/handlers_papers.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "server/papers.h"

int handle_returns(conn *c, const Safer__Request *rq)
{
    const session *s = conn_session(c);
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__ReturnsResponse rr = SAFER__RETURNS_RESPONSE__INIT;
    papers_return_row *rows = NULL;
    Safer__ReturnRow *wire = NULL;
    Safer__ReturnRow **ptrs = NULL;
    char deadline[BOARD_DATE_LEN + 1] = "";
    char why[PAPERS_WHY_MAX] = "";
    size_t n = 0;
    const char *only = (s->who.roles & ROLE_BIT_CHAIR) ? NULL : s->who.agency_code;
    int rc = papers_returns(
        conn_server(c)->st, rq->returns->date, only, deadline, &rows, &n, why, sizeof(why));

    if (rc < 0) {
        dispatch_reply(c, rq->id, rc, why[0] ? why : NULL, NULL);
        rc = 0;
        goto out;
    }
    rc = SAFER_E_NOMEM;
    wire = calloc(n ? n : 1, sizeof(*wire));
    ptrs = calloc(n ? n : 1, sizeof(*ptrs));
    if (wire == NULL || ptrs == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        safer__return_row__init(&wire[i]);
        /* protobuf-c's string fields are not const; packing only reads them. */
        wire[i].group_code = rows[i].group;
        wire[i].agency_code = rows[i].agency;
        wire[i].status = (Safer__ReturnStatus)rows[i].status;
        wire[i].submitted = rows[i].submitted;
        wire[i].version = rows[i].version;
        ptrs[i] = &wire[i];
    }
    rr.date = rq->returns->date;
    rr.deadline = deadline;
    rr.n_rows = n;
    rr.rows = ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_RETURNS;
    rs.returns = &rr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    free(ptrs);
    free(wire);
    free(rows);
    return rc;
}
