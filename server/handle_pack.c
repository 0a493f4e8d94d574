/*
 * Handlers for the board pack: pull and publish.
 *
 * Pull: the first request of a pull (offset 0) finds the model (a draft built
 * now from the current data, for the chair, or a published edition) on the
 * loop thread, then renders and signs it on a worker thread (uv_queue_work),
 * never on the loop. The worker touches only the model it owns, its own
 * output and the server's read-only signing key. The result stays on the
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
    Safer__PackModel *model;                /* owned */
    char agency[IDENT_AGENCY_CODE_MAX + 1]; /* the reader's agency */
    int see_all;                            /* the chair sees every paper */
    const uint8_t *sign_sk;                 /* the server's, read-only */
    pack_cache *pc;                         /* the result, until the connection takes it */
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

static void pack_work_run(uv_work_t *req)
{
    pack_work *w = req->data;
    pack_cache *pc = w->pc;
    pack_view v;
    int rc = pack_view_init(&v, w->model, w->agency, w->see_all);

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

    if (rc == 0 && conn_is_open(c)) {
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
    free(w);
    conn_release(c);
}

/* Queues the rendering of model (taken) for the caller of c; pc (taken) holds the key. */
static int pack_build(conn *c, uint64_t id, Safer__PackModel *model, pack_cache *pc)
{
    const session *s = conn_session(c);
    pack_work *w = calloc(1, sizeof(*w));

    if (w == NULL) {
        pack_model_free(model);
        pack_cache_free(pc);
        return SAFER_E_NOMEM;
    }
    w->req.data = w;
    w->c = c;
    w->id = id;
    w->model = model;
    w->pc = pc;
    w->sign_sk = conn_server(c)->sign_sk;
    w->see_all = (s->who.roles & ROLE_BIT_CHAIR) != 0;
    snprintf(w->agency, sizeof(w->agency), "%s", s->who.agency_code);
    pc->edition = model->edition;
    snprintf(pc->filename, sizeof(pc->filename), "pack-%s-e%u.%s", pc->date, (unsigned)pc->edition,
        pack_ext(pc->format));
    if (uv_queue_work(conn_server(c)->loop, &w->req, pack_work_run, pack_work_done) < 0) {
        pack_model_free(model);
        pack_cache_free(pc);
        free(w);
        return SAFER_E_INTERNAL;
    }
    conn_hold(c);
    return 0;
}

/* ---- pull --------------------------------------------------------------------------- */

/*
 * The model a first request asks for: a draft for the chair who asks for one
 * or when nothing is published, else the edition asked for (0: the latest).
 * Returns 0, or a code with the client's message in why.
 */
static int pack_pull_model(conn *c, const Safer__PackPullRequest *in, int chair,
    Safer__PackModel **m, char *why, size_t why_len)
{
    store *st = conn_server(c)->st;
    int64_t meeting_id = 0;
    int rc = board_meeting_id(st, in->date, &meeting_id);

    if (rc == SAFER_E_NOTFOUND)
        snprintf(why, why_len, "there is no meeting on %s", in->date);
    if (rc < 0)
        return rc;
    if (chair && in->draft)
        return pack_model_load(st, in->date, (int64_t)time(NULL), m);
    rc = pack_edition_load(st, meeting_id, in->edition, m);
    if (rc != SAFER_E_NOTFOUND)
        return rc;
    if (in->edition != 0) {
        snprintf(
            why, why_len, "the pack for %s has no edition %u", in->date, (unsigned)in->edition);
        return SAFER_E_NOTFOUND;
    }
    if (chair)
        return pack_model_load(st, in->date, (int64_t)time(NULL), m);
    snprintf(why, why_len, "the pack for %s has not been published yet", in->date);
    return SAFER_E_PRECOND;
}

static int pack_pull_start(
    conn *c, uint64_t id, const Safer__PackPullRequest *in, Safer__PackFormat format)
{
    int chair = (conn_session(c)->who.roles & ROLE_BIT_CHAIR) != 0;
    Safer__PackModel *m = NULL;
    pack_cache *pc;
    char why[PACK_WHY_MAX] = "";
    int rc;

    if (conn_server(c)->sign_sk == NULL) {
        dispatch_reply(c, id, SAFER_E_UNAVAIL, "this server has no key to sign packs with", NULL);
        return 0;
    }
    rc = pack_pull_model(c, in, chair, &m, why, sizeof(why));
    if (rc < 0) {
        dispatch_reply(c, id, rc, why[0] ? why : NULL, NULL);
        return 0;
    }
    pc = calloc(1, sizeof(*pc));
    if (pc == NULL) {
        pack_model_free(m);
        return SAFER_E_NOMEM;
    }
    snprintf(pc->date, sizeof(pc->date), "%s", in->date);
    pc->format = format;
    pc->draft = in->draft;
    pc->asked = in->edition;
    /* A new pull replaces whatever the connection kept from the last. */
    conn_set_cache(c, NULL, NULL);
    return pack_build(c, id, m, pc);
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
