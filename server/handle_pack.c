/*
 * Handlers for the board pack: pull and publish.
 *
 * Pull: the first request of a pull (offset 0) checks what needs only the
 * session on the loop thread, then one worker job (uv_queue_work) loads the
 * model (a draft built now from the current data, for the chair, or a
 * published edition, which may be large to unpack), renders and signs it, so
 * none of that blocks the loop. The worker reads through a read-only store of
 * its own (STORE_READONLY, opened and closed in the job), never the loop's
 * read connection, and touches otherwise only what it owns, copies of the
 * request and the server's read-only signing key. A failed load comes back
 * with the client's message and is answered on the loop. The result stays on the
 * connection, keyed by what was asked, and the later parts are served from
 * it; a new offset-0 request builds again. Every part carries the total, the
 * Ed25519 signature over the whole file and its suggested name.
 *
 * Publish: the model is built on the loop thread, then the write job
 * compares it with the latest edition and stores it (pack_edition.h).
 */
#include "server/handlers_pack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <uv.h>

#include "common/err.h"
#include "common/log.h"
#include "server/board.h"
#include "server/pack.h"
#include "server/pack_edition.h"
#include "server/pack_model.h"

#define PACK_FILENAME_MAX 64
#define PACK_WHY_MAX 200

/* A rendered pack kept on the connection for the parts after the first. */
typedef struct pack_cache {
    char date[BOARD_DATE_LEN + 1]; /* the key: what was asked */
    Safer__PackFormat format;
    int draft;
    uint32_t asked;                   /* the edition asked for; 0: the latest */
    uint32_t edition;                 /* the edition built; 0 for a draft */
    uint32_t withheld;                /* papers left out for this reader */
    char filename[PACK_FILENAME_MAX]; /* "pack-DATE-eN.EXT" */
    uint8_t sig[crypto_sign_BYTES];   /* over buf's bytes */
    pack_buf buf;                     /* the file */
} pack_cache;

/* A build in flight on a worker thread. */
typedef struct pack_work {
    uv_work_t req;
    conn *c;                                /* held until done has run */
    uint64_t id;                            /* the request to answer */
    char *db;                               /* the store's path, copied; owned */
    int64_t now;                            /* UTC seconds, for a draft's meeting status */
    uint32_t edition;                       /* the edition asked for; 0: the latest */
    int want_draft;                         /* the chair asked for a draft */
    Safer__PackModel *model;                /* loaded by the worker; owned */
    char agency[IDENT_AGENCY_CODE_MAX + 1]; /* the reader's agency */
    int see_all;                            /* the chair sees every paper */
    const uint8_t *sign_sk;                 /* the server's, read-only */
    pack_cache *pc;                         /* the result, until the connection takes it */
    int loaded;                             /* the load succeeded (a later failure is ours) */
    char why[PACK_WHY_MAX];                 /* the client's message for a failed load */
    int rc;
} pack_work;

static void pack_cache_free(void *p)
{
    pack_cache *pc = p;

    if (pc == NULL)
        return;
    pack_buf_free(&pc->buf);
    free(pc);
}

static const char *pack_ext(Safer__PackFormat f)
{
    return f == SAFER__PACK_FORMAT__PACK_MD  ? "md"
        : f == SAFER__PACK_FORMAT__PACK_HTML ? "html"
                                             : "pdf";
}

/* Answers with the part of pc's file that starts at offset (offset <= its length). */
static void pack_part(conn *c, uint64_t id, pack_cache *pc, size_t offset)
{
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__PackPullResponse pr = SAFER__PACK_PULL_RESPONSE__INIT;
    size_t n = pc->buf.len - offset;

    if (n > PACK_PART_MAX)
        n = PACK_PART_MAX;
    pr.total = pc->buf.len;
    pr.offset = offset;
    pr.data.data = pc->buf.data + offset;
    pr.data.len = n;
    pr.signature.data = pc->sig;
    pr.signature.len = sizeof(pc->sig);
    pr.edition = pc->edition;
    pr.draft = pc->edition == 0;
    pr.filename = pc->filename;
    pr.withheld = pc->withheld;
    rs.body_case = SAFER__RESPONSE__BODY_PACK_PULL;
    rs.pack_pull = &pr;
    dispatch_reply(c, id, 0, NULL, &rs);
}

/* ---- the worker --------------------------------------------------------------------- */

/*
 * The model a first request asks for: a draft for the chair who asks for one
 * or when nothing is published, else the edition asked for (0: the latest).
 * Runs on the worker with its own read-only store. Returns 0, or a code with
 * the client's message in w->why.
 */
static int pack_work_model(pack_work *w, store *st)
{
    const char *date = w->pc->date;
    int64_t meeting_id = 0;
    int rc = board_meeting_id(st, date, &meeting_id);

    if (rc == SAFER_E_NOTFOUND)
        snprintf(w->why, sizeof(w->why), "there is no meeting on %s", date);
    if (rc < 0)
        return rc;
    if (w->see_all && w->want_draft)
        return pack_model_load(st, date, w->now, &w->model);
    rc = pack_edition_load(st, meeting_id, w->edition, &w->model);
    if (rc != SAFER_E_NOTFOUND)
        return rc;
    if (w->edition != 0) {
        snprintf(w->why, sizeof(w->why), "the pack for %s has no edition %u", date,
            (unsigned)w->edition);
        return SAFER_E_NOTFOUND;
    }
    if (w->see_all)
        return pack_model_load(st, date, w->now, &w->model);
    snprintf(w->why, sizeof(w->why), "the pack for %s has not been published yet", date);
    return SAFER_E_PRECOND;
}

/* Opens a read-only store for this job alone, loads the model and closes it. */
static int pack_work_load(pack_work *w)
{
    store *st = NULL;
    int rc = store_open(&st, w->db, STORE_READONLY);

    if (rc == SAFER_E_NOTFOUND)
        rc = SAFER_E_DB; /* the server's own file is gone: not the client's "not found" */
    if (rc == 0)
        rc = pack_work_model(w, st);
    store_close(st);
    return rc;
}

static void pack_work_run(uv_work_t *req)
{
    pack_work *w = req->data;
    pack_cache *pc = w->pc;
    pack_view v;
    int rc = pack_work_load(w);

    if (rc < 0) {
        w->rc = rc;
        return;
    }
    w->loaded = 1;
    pc->edition = w->model->edition;
    snprintf(pc->filename, sizeof(pc->filename), "pack-%s-e%u.%s", pc->date, (unsigned)pc->edition,
        pack_ext(pc->format));
    rc = pack_view_init(&v, w->model, w->agency, w->see_all);
    if (rc == 0) {
        rc = pack_render(&v, pc->format, &pc->buf);
        pc->withheld = (uint32_t)v.withheld;
        pack_view_free(&v);
    }
    if (rc == 0 && crypto_sign_detached(pc->sig, NULL, pc->buf.data, pc->buf.len, w->sign_sk) != 0)
        rc = SAFER_E_CRYPTO;
    w->rc = rc;
}

static void pack_work_done(uv_work_t *req, int status)
{
    pack_work *w = req->data;
    conn *c = w->c;
    int rc = status < 0 ? SAFER_E_INTERNAL : w->rc;

    if (rc < 0 && status >= 0 && !w->loaded) {
        /* The load failed: answered as a handler answers, with the client's message. */
        dispatch_reply(c, w->id, rc, w->why[0] ? w->why : NULL, NULL);
    } else if (rc == 0 && conn_is_open(c)) {
        conn_set_cache(c, w->pc, pack_cache_free);
        pack_part(c, w->id, w->pc, 0);
        w->pc = NULL;
    } else {
        if (rc < 0)
            log_warn("%s: building a pack failed: %s", conn_addr(c), err_msg(rc));
        dispatch_reply(c, w->id, rc < 0 ? rc : SAFER_E_CLOSED,
            rc == SAFER_E_TOOBIG ? "the pack is larger than the server will build" : NULL, NULL);
    }
    pack_cache_free(w->pc);
    pack_model_free(w->model);
    free(w->db);
    free(w);
    conn_release(c);
}

/*
 * Queues the load and the rendering of what in asks for, for the caller of c;
 * pc (taken) holds the key. Everything the worker needs is copied here.
 */
static int pack_build(conn *c, uint64_t id, const Safer__PackPullRequest *in, pack_cache *pc)
{
    const session *s = conn_session(c);
    pack_work *w = calloc(1, sizeof(*w));

    if (w == NULL) {
        pack_cache_free(pc);
        return SAFER_E_NOMEM;
    }
    w->db = strdup(store_path(conn_server(c)->st));
    if (w->db == NULL) {
        pack_cache_free(pc);
        free(w);
        return SAFER_E_NOMEM;
    }
    w->req.data = w;
    w->c = c;
    w->id = id;
    w->now = (int64_t)time(NULL);
    w->edition = in->edition;
    w->want_draft = in->draft;
    w->pc = pc;
    w->sign_sk = conn_server(c)->sign_sk;
    w->see_all = (s->who.roles & ROLE_BIT_CHAIR) != 0;
    snprintf(w->agency, sizeof(w->agency), "%s", s->who.agency_code);
    if (uv_queue_work(conn_server(c)->loop, &w->req, pack_work_run, pack_work_done) < 0) {
        pack_cache_free(pc);
        free(w->db);
        free(w);
        return SAFER_E_INTERNAL;
    }
    conn_hold(c);
    return 0;
}

/* ---- pull --------------------------------------------------------------------------- */

static int pack_pull_start(
    conn *c, uint64_t id, const Safer__PackPullRequest *in, Safer__PackFormat format)
{
    pack_cache *pc;

    if (conn_server(c)->sign_sk == NULL) {
        dispatch_reply(c, id, SAFER_E_UNAVAIL, "this server has no key to sign packs with", NULL);
        return 0;
    }
    pc = calloc(1, sizeof(*pc));
    if (pc == NULL)
        return SAFER_E_NOMEM;
    snprintf(pc->date, sizeof(pc->date), "%s", in->date);
    pc->format = format;
    pc->draft = in->draft;
    pc->asked = in->edition;
    /* A new pull replaces whatever the connection kept from the last. */
    conn_set_cache(c, NULL, NULL);
    return pack_build(c, id, in, pc);
}

/* A later part, from the pack the first request built on this connection. */
static int pack_pull_more(
    conn *c, uint64_t id, const Safer__PackPullRequest *in, Safer__PackFormat format)
{
    pack_cache *pc = conn_cache(c);
    char why[PACK_WHY_MAX];

    if (pc == NULL || strcmp(pc->date, in->date) != 0 || pc->format != format
        || pc->draft != (int)in->draft || pc->asked != in->edition) {
        snprintf(why, sizeof(why),
            "no pull of this pack is under way on this connection: start at offset 0");
        dispatch_reply(c, id, SAFER_E_PRECOND, why, NULL);
        return 0;
    }
    if (in->offset > pc->buf.len) {
        snprintf(why, sizeof(why), "offset %llu is past the end of the pack (%zu bytes)",
            (unsigned long long)in->offset, pc->buf.len);
        dispatch_reply(c, id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    pack_part(c, id, pc, (size_t)in->offset);
    return 0;
}

int handle_pack_pull(conn *c, const Safer__Request *rq)
{
    const Safer__PackPullRequest *in = rq->pack_pull;
    Safer__PackFormat format = in->format;
    char why[PACK_WHY_MAX];

    if (format == SAFER__PACK_FORMAT__PACK_FORMAT_NONE)
        format = SAFER__PACK_FORMAT__PACK_PDF;
    if (board_date_check(in->date, why, sizeof(why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if (format != SAFER__PACK_FORMAT__PACK_MD && format != SAFER__PACK_FORMAT__PACK_HTML
        && format != SAFER__PACK_FORMAT__PACK_PDF) {
        snprintf(why, sizeof(why), "unknown pack format %d: md, html or pdf", (int)format);
        dispatch_reply(c, rq->id, SAFER_E_INVAL, why, NULL);
        return 0;
    }
    if (in->draft && (conn_session(c)->who.roles & ROLE_BIT_CHAIR) == 0) {
        dispatch_reply(c, rq->id, SAFER_E_PERM, "only the chair may pull draft packs", NULL);
        return 0;
    }
    if (in->offset > 0)
        return pack_pull_more(c, rq->id, in, format);
    return pack_pull_start(c, rq->id, in, format);
}

/* ---- publish ------------------------------------------------------------------------ */

static void pack_publish_done(conn *c, uint64_t id, void *ctx, int rc)
{
    pack_publish *p = ctx;
    Safer__Response rs = SAFER__RESPONSE__INIT;
    Safer__PackPublishResponse pr = SAFER__PACK_PUBLISH_RESPONSE__INIT;

    if (rc < 0) {
        dispatch_reply(c, id, rc, p->why[0] ? p->why : NULL, NULL);
    } else {
        pr.edition = p->edition;
        pr.published = p->now;
        pr.n_changes = p->model->n_changes;
        pr.changes = p->model->changes;
        rs.body_case = SAFER__RESPONSE__BODY_PACK_PUBLISH;
        rs.pack_publish = &pr;
        dispatch_reply(c, id, 0, NULL, &rs);
    }
    pack_publish_clear(p);
    free(p);
}

int handle_pack_publish(conn *c, const Safer__Request *rq)
{
    const Safer__PackPublishRequest *in = rq->pack_publish;
    pack_publish *p = calloc(1, sizeof(*p));
    int rc;

    if (p == NULL)
        return SAFER_E_NOMEM;
    p->now = (int64_t)time(NULL);
    snprintf(p->actor, sizeof(p->actor), "%s", conn_session(c)->who.initials);
    if (board_date_check(in->date, p->why, sizeof(p->why)) < 0) {
        dispatch_reply(c, rq->id, SAFER_E_INVAL, p->why, NULL);
        rc = 0;
        goto out;
    }
    snprintf(p->date, sizeof(p->date), "%s", in->date);
    rc = pack_model_load(conn_server(c)->st, p->date, p->now, &p->model);
    if (rc == SAFER_E_NOTFOUND) {
        snprintf(p->why, sizeof(p->why), "there is no meeting on %s", p->date);
        dispatch_reply(c, rq->id, rc, p->why, NULL);
        rc = 0;
    }
    if (rc < 0 || p->model == NULL)
        goto out;
    rc = dispatch_submit(c, rq->id, pack_publish_job, pack_publish_done, p);
    if (rc == 0)
        return 0;
out:
    pack_publish_clear(p);
    free(p);
    return rc;
}
