/*
 * Handlers for the audit log: a page of entries, and a walk of the whole hash
 * chain that names the first bad row. Both are reads on the loop thread; the
 * chain's checks live in audit.c, shared with the offline `saferd
 * audit-verify`.
 */
#include "server/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "server/audit.h"

#define AUDIT_LIST_DEFAULT 100 /* entries in a page when the request says 0 */
#define AUDIT_LIST_MAX 1000    /* the most entries in one page */

/* One page of entries being read; the strings are copies owned by the page. */
struct audit_page {
    Safer__AuditEntry *rows;
    Safer__AuditEntry **ptrs;
    uint8_t (*hashes)[AUDIT_HASH_BYTES];
    size_t n;
    size_t max;
};

static char *audit_dup(const store_val *v)
{
    char *s;

    if (v->type != STORE_TEXT)
        return NULL;
    s = malloc(v->n + 1);
    if (s) {
        memcpy(s, v->p, v->n);
        s[v->n] = '\0';
    }
    return s;
}

/* ST_AUDIT_LIST: id, ts, actor, action, object, detail, prev, hash. */
static int audit_page_row(void *ctx, const store_val *c, size_t n)
{
    struct audit_page *pg = ctx;
    Safer__AuditEntry *e;

    if (pg->n == pg->max)
        return 1;
    if (n != 8 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[7].type != STORE_BLOB
        || c[7].n != AUDIT_HASH_BYTES)
        return SAFER_E_DB;
    e = &pg->rows[pg->n];
    safer__audit_entry__init(e);
    e->id = c[0].i;
    e->ts = c[1].i;
    e->actor = audit_dup(&c[2]);
    e->action = audit_dup(&c[3]);
    e->object = audit_dup(&c[4]);
    e->detail = audit_dup(&c[5]);
    memcpy(pg->hashes[pg->n], c[7].p, AUDIT_HASH_BYTES);
    e->hash.data = pg->hashes[pg->n];
    e->hash.len = AUDIT_HASH_BYTES;
    pg->ptrs[pg->n] = e;
    pg->n++;
    if (!e->actor || !e->action || !e->object || !e->detail)
        return SAFER_E_NOMEM;
    return 0;
}

static void audit_page_free(struct audit_page *pg)
{
    for (size_t i = 0; pg->rows && i < pg->n; i++) {
        free(pg->rows[i].actor);
        free(pg->rows[i].action);
        free(pg->rows[i].object);
        free(pg->rows[i].detail);
    }
    free(pg->rows);
    free(pg->ptrs);
    free(pg->hashes);
}

int handle_audit_list(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__AuditListResponse lr = SAFER__AUDIT_LIST_RESPONSE__INIT;
    struct audit_page pg = { 0 };
    int64_t after = rq->audit_list->after_id > 0 ? rq->audit_list->after_id : 0;
    uint32_t limit = rq->audit_list->limit;
    int rc = SAFER_E_NOMEM;

    if (limit == 0)
        limit = AUDIT_LIST_DEFAULT;
    if (limit > AUDIT_LIST_MAX)
        limit = AUDIT_LIST_MAX;
    pg.max = limit;
    pg.rows = calloc(limit, sizeof(*pg.rows));
    pg.ptrs = calloc(limit, sizeof(*pg.ptrs));
    pg.hashes = calloc(limit, sizeof(*pg.hashes));
    if (!pg.rows || !pg.ptrs || !pg.hashes)
        goto out;
    {
        const store_val args[] = { SV_INT(after), SV_INT(limit) };
        rc = store_read(conn_server(c)->st, ST_AUDIT_LIST, args, 2, audit_page_row, &pg);
    }
    if (rc < 0)
        goto out;
    lr.n_entries = pg.n;
    lr.entries = pg.ptrs;
    rs.body_case = SAFER__RESPONSE__BODY_AUDIT_LIST;
    rs.audit_list = &lr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    rc = 0;
out:
    audit_page_free(&pg);
    return rc;
}

int handle_audit_verify(conn *c, const Safer__Request *rq)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__AuditVerifyResponse vr = SAFER__AUDIT_VERIFY_RESPONSE__INIT;
    char why[160] = "";
    int64_t rows = 0, bad = 0;
    int rc = audit_verify_rows(conn_server(c)->st, &rows, &bad, why, sizeof(why));

    if (rc < 0 && rc != SAFER_E_PRECOND)
        return rc;
    if (rc == SAFER_E_PRECOND)
        log_warn("%s: audit log verify failed at row %lld: %s", conn_addr(c), (long long)bad, why);
    vr.ok = rc == 0;
    vr.rows = rows;
    vr.bad_id = rc == 0 ? 0 : bad;
    vr.why = why;
    rs.body_case = SAFER__RESPONSE__BODY_AUDIT_VERIFY;
    rs.audit_verify = &vr;
    dispatch_reply(c, rq->id, 0, NULL, &rs);
    return 0;
}
