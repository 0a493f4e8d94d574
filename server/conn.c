/*
 * Per-connection state machine: reading and framing, the Noise channel, the
 * write queue with its backpressure, the timers and the careful parts of a
 * libuv connection's life (when memory may be freed, what a cancelled write
 * looks like).
 *
 * Memory: a connection holds a small inline buffer for frame headers and small
 * frames. A frame too large for it gets a buffer of exactly its length, taken
 * only after frame_check_len accepted the header and freed as soon as the frame
 * is handled, so an idle connection costs a few kilobytes. Each outgoing frame
 * is copied into its own write request, freed by the write callback.
 *
 * A connection's memory is freed only when both of its handles have closed,
 * every write callback has run and no asynchronous job still holds it.
 *
 * Failures for the rate limit (listener.c) are counted in one place, when a
 * connection closes: a handshake that never completed, or a session of an
 * unknown key that never enrolled. A server shutdown counts nothing.
 *
 * Sections: life and death; writing; reading and framing; the session.
 */
#include "server/conn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/chan.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/log.h"
#include "server/dispatch.h"

/* Room for frame headers and small frames (most requests and handshakes). */
#define CONN_INBUF 512
/* How long a closing connection waits for the peer's EOF after its last write. */
#define CONN_LINGER_MS 2000

typedef enum conn_state {
    CONN_HANDSHAKE, /* waiting for the Noise handshake to finish */
    CONN_OPEN,      /* requests flow; sess.enrolled says which kind of session */
    CONN_CLOSING,   /* handles closing; nothing more is read or sent */
} conn_state;

struct conn {
    uv_tcp_t tcp;       /* the socket; tcp.data points back here */
    uv_timer_t timer;   /* handshake deadline, idle timeout, then linger */
    uv_shutdown_t shut; /* the write-side shutdown before a graceful close */
    server *srv;        /* the server this connection belongs to */
    conn *prev;         /* neighbours in srv->conns */
    conn *next;
    chan *ch;                   /* the Noise channel; NULL until created */
    conn_state state;           /* where the connection is in its life */
    session sess;               /* who the peer is, once the handshake is done */
    char addr[SERVER_ADDR_MAX]; /* the peer's address, for logs */
    char ip[RATELIMIT_KEY_MAX]; /* its IP alone, which failures are counted under */
    uint8_t in[CONN_INBUF];     /* bytes read and not yet consumed */
    size_t in_start;            /* first unconsumed byte in in */
    size_t in_end;              /* end of the bytes read into in */
    uint8_t *body;              /* a large frame's body while it arrives; else NULL */
    size_t body_len;            /* its length from the header */
    size_t body_got;            /* bytes of it read so far */
    size_t wq_bytes;            /* bytes queued for writing and not yet written */
    unsigned nwrites;           /* write requests whose callback has not run */
    unsigned handles;           /* handles initialised whose close callback has not run */
    unsigned holds;             /* asynchronous jobs that still refer to this connection */
    int reading;                /* uv_read_start is in force */
    int wq_paused;              /* reading paused because the write queue is over its cap */
    int busy;                   /* a request is in flight */
    int in_input;               /* inside conn_process_input, so answers do not re-enter it */
    int closing_after_write;    /* close once the write queue drains */
    int lingering;              /* write side shut down; waiting for the peer's EOF */
    int closed;                 /* uv_close has been called on the handles */
    int counted_hs;             /* counted in srv->nhandshakes */
    int unknown_key;            /* the handshake carried a key that maps to nobody */
    int quiet;                  /* refused at once: closing is not worth a log line */
    const char *close_reason;   /* why, for the log line of a delayed close */
    void *cache;                /* a handler's cache between requests (conn_set_cache) */
    void (*cache_free)(void *); /* frees it */
};

static void conn_update_reading(conn *c);
static void conn_process_input(conn *c);
static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* ---- life and death ---------------------------------------------------- */

static void conn_maybe_free(conn *c)
{
    server *srv = c->srv;

    if (!c->closed || c->handles > 0 || c->holds > 0 || c->nwrites > 0)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    chan_free(c->ch);
    free(c->body);
    conn_set_cache(c, NULL, NULL);
    sodium_memzero(c, sizeof(*c));
    free(c);
    srv->nconns--;
    server_conn_gone(srv);
}

static void conn_on_handle_closed(uv_handle_t *h)
{
    conn *c = h->data;

    c->handles--;
    conn_maybe_free(c);
}

/*
 * Counts a failure for the peer's address if this close ends a handshake that
 * never completed, or a session of an unknown key that never enrolled.
 */
static void conn_count_failure(conn *c)
{
    if (c->counted_hs || (c->state == CONN_OPEN && c->unknown_key && !c->sess.enrolled))
        server_peer_failed(c->srv, c->ip);
}

void conn_close(conn *c, const char *reason)
{
    if (c->closed)
        return;
    c->closed = 1;
    conn_count_failure(c);
    if (c->counted_hs) {
        c->counted_hs = 0;
        c->srv->nhandshakes--;
    }
    c->state = CONN_CLOSING;
    c->reading = 0;
    if (c->quiet)
        log_debug("closed %s: %s", c->addr, reason);
    else
        log_info("closed %s: %s", c->addr, reason);
    /* uv_close cancels pending writes; their callbacks run before the close callback. */
    uv_close((uv_handle_t *)&c->tcp, conn_on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, conn_on_handle_closed);
}

/* A protocol error or timeout: counted, then closed with a formatted reason. */
static void conn_fail(conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void conn_fail(conn *c, const char *fmt, ...)
{
    char reason[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    c->srv->stats.failures++;
    conn_close(c, reason);
}

static void conn_on_linger(uv_timer_t *t)
{
    conn *c = t->data;

    conn_close(c, c->close_reason);
}

static void conn_on_shutdown(uv_shutdown_t *req, int status)
{
    /* UV_ECANCELED means the connection closed meanwhile; nothing to do. */
    conn *c = req->data;

    if (status < 0 && status != UV_ECANCELED && !c->closed)
        conn_close(c, c->close_reason);
}

/*
 * The last write is out: shut the write side down and read until the peer's
 * EOF (or a short linger), so that closing never resets the connection while
 * our last answer is still on its way.
 */
static void conn_linger(conn *c)
{
    c->lingering = 1;
    c->shut.data = c;
    if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, conn_on_shutdown) < 0) {
        conn_close(c, c->close_reason);
        return;
    }
    uv_timer_start(&c->timer, conn_on_linger, CONN_LINGER_MS, 0);
    conn_update_reading(c);
}

void conn_close_after_write(conn *c, const char *reason)
{
    if (c->closed || c->closing_after_write)
        return;
    c->closing_after_write = 1;
    c->close_reason = reason;
    if (c->nwrites == 0)
        conn_linger(c);
    else
        conn_update_reading(c);
}

void conn_shutdown(conn *c)
{
    if (c->closed || c->closing_after_write || c->busy)
        return;
    conn_close(c, "server shutting down");
}

static void conn_on_timer(uv_timer_t *t)
{
    conn *c = t->data;

    if (c->state == CONN_HANDSHAKE) {
        conn_fail(c, "handshake timeout");
    } else if (c->busy) {
        /* A slow store job is not the peer's idleness. */
        uv_timer_again(t);
    } else if (c->wq_paused) {
        conn_fail(c, "peer stopped reading (write queue over %zu bytes)", c->srv->lim.wq_cap);
    } else {
        conn_close(c, "idle timeout");
    }
}

void conn_hold(conn *c)
{
    c->holds++;
}

void conn_release(conn *c)
{
    c->holds--;
    conn_maybe_free(c);
}

void conn_set_cache(conn *c, void *cache, void (*free_fn)(void *))
{
    if (c->cache_free != NULL && c->cache != NULL)
        c->cache_free(c->cache);
    c->cache = cache;
    c->cache_free = free_fn;
}

void *conn_cache(conn *c)
{
    return c->cache;
}

int conn_is_open(const conn *c)
{
    return !c->closed;
}

void conn_peer_failed(conn *c)
{
    server_peer_failed(c->srv, c->ip);
}

session *conn_session(conn *c)
{
    return &c->sess;
}

server *conn_server(conn *c)
{
    return c->srv;
}

const char *conn_addr(const conn *c)
{
    return c->addr;
}

conn *conn_next(conn *c)
{
    return c->next;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct conn_wr {
    uv_write_t req; /* req.data points at the connection */
    size_t len;     /* bytes in data */
    uint8_t data[]; /* the frame, alive until the write callback */
} conn_wr;

static void conn_on_write(uv_write_t *req, int status)
{
    conn_wr *wr = (conn_wr *)req;
    conn *c = req->data;

    c->wq_bytes -= wr->len;
    c->nwrites--;
    free(wr);
    if (c->closed) {
        conn_maybe_free(c);
        return;
    }
    if (status < 0) {
        log_debug("write to %s failed: %s", c->addr, uv_strerror(status));
        conn_close(c, "write failed");
        return;
    }
    if (c->closing_after_write && !c->lingering && c->nwrites == 0)
        conn_linger(c);
    else
        conn_update_reading(c);
}

/* The channel's emit callback: copies one frame into a write request. */
static int conn_emit(void *ctx, const uint8_t *frame, size_t len)
{
    conn *c = ctx;
    conn_wr *wr;
    uv_buf_t buf;

    if (c->closed || c->lingering)
        return SAFER_E_CLOSED;
    wr = malloc(sizeof(*wr) + len);
    if (!wr)
        return SAFER_E_NOMEM;
    wr->len = len;
    memcpy(wr->data, frame, len);
    wr->req.data = c;
    buf = uv_buf_init((char *)wr->data, (unsigned int)len);
    if (uv_write(&wr->req, (uv_stream_t *)&c->tcp, &buf, 1, conn_on_write) < 0) {
        free(wr);
        return SAFER_E_IO;
    }
    c->nwrites++;
    c->wq_bytes += len;
    return 0;
}

int conn_send(conn *c, const uint8_t *msg, size_t len)
{
    int rc;

    if (c->closed || c->lingering)
        return SAFER_E_CLOSED;
    rc = chan_send(c->ch, msg, len);
    if (rc == SAFER_E_TOOBIG)
        return rc;
    if (rc < 0) {
        conn_close(c, err_msg(rc));
        return rc;
    }
    conn_update_reading(c);
    return 0;
}

void conn_request_done(conn *c)
{
    c->busy = 0;
    if (c->closed)
        return;
    if (c->srv->stopping)
        conn_close_after_write(c, "server shutting down");
    if (!c->in_input) {
        conn_process_input(c);
        conn_update_reading(c);
    }
}

/* ---- reading and framing ----------------------------------------------- */

static void conn_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn *c = h->data;

    if (c->lingering) {
        /* Everything read now is dropped: the whole inline buffer will do. */
        *buf = uv_buf_init((char *)c->in, CONN_INBUF);
    } else if (c->body) {
        /* Exactly the rest of the large frame, so no byte of the next one lands here. */
        *buf = uv_buf_init((char *)c->body + c->body_got, (unsigned)(c->body_len - c->body_got));
    } else {
        if (c->in_start > 0) {
            memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
            c->in_end -= c->in_start;
            c->in_start = 0;
        }
        *buf = uv_buf_init((char *)c->in + c->in_end, (unsigned)(CONN_INBUF - c->in_end));
    }
}

static void conn_update_reading(conn *c)
{
    int want;

    if (c->closed)
        return;
    if (c->wq_bytes > c->srv->lim.wq_cap && !c->wq_paused) {
        c->wq_paused = 1;
        log_debug("%s: write queue over %zu bytes, reading paused", c->addr, c->srv->lim.wq_cap);
    } else if (c->wq_paused && c->wq_bytes < c->srv->lim.wq_cap / 2) {
        c->wq_paused = 0;
    }
    if (c->lingering)
        want = 1;
    else
        want = !c->busy && !c->wq_paused && !c->closing_after_write;
    if (want && !c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, conn_on_alloc, conn_on_read) < 0) {
            conn_close(c, "cannot read");
            return;
        }
        c->reading = 1;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = 0;
    }
}

static void conn_on_open(conn *c);

void conn_enrolled(conn *c)
{
    c->sess.enrolled = 1;
    chan_set_msg_max(c->ch, SERVER_MSG_MAX);
}

/* Hands one frame body to the channel and acts on what comes out. */
static void conn_handle_frame(conn *c, const uint8_t *body, size_t len)
{
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    int rc;

    if (c->state == CONN_OPEN)
        uv_timer_again(&c->timer);
    rc = chan_on_frame(c->ch, body, len, &msg, &msg_len);
    if (rc < 0) {
        conn_fail(c, "%s%s", c->state == CONN_HANDSHAKE ? "handshake failed: " : "",
            rc == SAFER_E_DECRYPT ? "decrypt failed" : err_msg(rc));
        return;
    }
    if (c->state == CONN_HANDSHAKE && chan_get_state(c->ch) == CHAN_OPEN)
        conn_on_open(c);
    if (msg == NULL)
        return;
    if (!c->closed && !c->closing_after_write && c->state == CONN_OPEN) {
        c->busy = 1;
        c->srv->stats.requests++;
        dispatch_message(c, msg, msg_len);
    }
    sodium_memzero(msg, msg_len);
    free(msg);
}

/* Consumes whole frames from the inline buffer while no request is in flight. */
static void conn_process_input(conn *c)
{
    c->in_input = 1;
    while (!c->closed && !c->busy && !c->closing_after_write && !c->body) {
        size_t avail = c->in_end - c->in_start;
        size_t len;

        if (avail < FRAME_HDR_BYTES)
            break;
        len = frame_get_len(c->in + c->in_start);
        if (frame_check_len(len) < 0) {
            conn_fail(c, "bad frame length %zu (outside %d..%d)", len, FRAME_MIN, FRAME_MAX);
            break;
        }
        if (FRAME_HDR_BYTES + len <= avail) {
            c->in_start += FRAME_HDR_BYTES + len;
            conn_handle_frame(c, c->in + c->in_start - len, len);
            continue;
        }
        if (FRAME_HDR_BYTES + len <= CONN_INBUF)
            break; /* the rest of a small frame fits in the inline buffer */
        c->body = malloc(len);
        if (!c->body) {
            conn_close(c, "out of memory");
            break;
        }
        c->body_len = len;
        c->body_got = avail - FRAME_HDR_BYTES;
        memcpy(c->body, c->in + c->in_start + FRAME_HDR_BYTES, c->body_got);
        c->in_start = c->in_end = 0;
    }
    if (c->in_start == c->in_end)
        c->in_start = c->in_end = 0;
    c->in_input = 0;
}

static void conn_on_eof(conn *c, ssize_t nread)
{
    if (c->lingering)
        conn_close(c, c->close_reason);
    else if (nread != UV_EOF)
        conn_close(c, uv_strerror((int)nread));
    else if (c->state == CONN_HANDSHAKE)
        conn_fail(c, "closed during handshake");
    else
        conn_close(c, "closed without goodbye");
}

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn *c = s->data;

    /* nread == 0 is not EOF: the read would have blocked. */
    if (nread == 0 || c->closed)
        return;
    if (nread < 0) {
        conn_on_eof(c, nread);
        return;
    }
    if (c->lingering)
        return;
    if (c->body && buf->base == (char *)c->body + c->body_got) {
        c->body_got += (size_t)nread;
        if (c->body_got < c->body_len)
            return;
        c->in_input = 1;
        conn_handle_frame(c, c->body, c->body_len);
        c->in_input = 0;
        if (!c->closed) {
            sodium_memzero(c->body, c->body_len);
            free(c->body);
            c->body = NULL;
        }
    } else {
        c->in_end += (size_t)nread;
    }
    conn_process_input(c);
    conn_update_reading(c);
}

/* ---- the session ------------------------------------------------------- */

/* The handshake just finished: find out who the peer is. */
static void conn_on_open(conn *c)
{
    server *srv = c->srv;
    int rc;

    c->counted_hs = 0;
    srv->nhandshakes--;
    srv->stats.handshakes++;
    c->state = CONN_OPEN;
    uv_timer_start(&c->timer, conn_on_timer, srv->lim.idle_ms, srv->lim.idle_ms);
    if (chan_remote_static(c->ch, c->sess.pk) < 0) {
        conn_fail(c, "no remote static key");
        return;
    }
    keyfile_fingerprint(c->sess.pk, c->sess.fpr);
    rc = ident_lookup(srv->st, c->sess.pk, &c->sess.who);
    if (rc == 0) {
        conn_enrolled(c);
        log_info("handshake done %s key %s: %s", c->addr, c->sess.fpr, c->sess.who.initials);
    } else if (rc == SAFER_E_NOTFOUND) {
        c->unknown_key = 1;
        log_info("handshake done %s key %s: not enrolled", c->addr, c->sess.fpr);
    } else if (rc == SAFER_E_REVOKED || rc == SAFER_E_PERM) {
        int revoked = rc == SAFER_E_REVOKED;
        const char *why = revoked ? "this key has been revoked; ask an admin"
                                  : "this account or its agency has been deactivated";

        log_warn("handshake done %s key %s: %s", c->addr, c->sess.fpr,
            revoked ? "revoked key" : "deactivated account");
        /* Either way the key no longer authenticates anyone: UNAUTHENTICATED on the wire. */
        if (dispatch_send(c, 0, revoked ? rc : SAFER_E_UNAUTH, why, NULL) == 0)
            conn_close_after_write(c, revoked ? "revoked key" : "deactivated account");
        else
            conn_close(c, "cannot send the refusal");
    } else {
        log_error("identity lookup for %s failed: %s", c->addr, err_msg(rc));
        conn_close(c, "identity lookup failed");
    }
}

/* Sets a fresh connection up; on failure it is closing and the log says why. */
static int conn_start(conn *c)
{
    server *srv = c->srv;
    struct sockaddr_storage ss;
    int namelen = sizeof(ss);
    chan_config cfg = { 0 };
    int rc;

    if (uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)&c->tcp) < 0)
        return SAFER_E_IO;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &namelen) == 0) {
        server_format_addr((struct sockaddr *)&ss, c->addr);
        server_peer_key((struct sockaddr *)&ss, c->ip);
    }
    if (c->ip[0] != '\0' && server_peer_refused(srv, c->ip)) {
        c->quiet = 1;
        return SAFER_E_LIMIT;
    }
    /* Requests and answers are small and alternate: Nagle would only add delay. */
    uv_tcp_nodelay(&c->tcp, 1);
    cfg.initiator = 0;
    cfg.s = srv->static_sk;
    cfg.emit = conn_emit;
    cfg.emit_ctx = c;
    cfg.msg_max = SERVER_MSG_MAX_UNENROLLED;
    rc = chan_new(&c->ch, &cfg);
    if (rc < 0)
        return rc;
    c->counted_hs = 1;
    srv->nhandshakes++;
    srv->stats.accepted++;
    log_info("accepted %s", c->addr);
    uv_timer_start(&c->timer, conn_on_timer, srv->lim.handshake_ms, 0);
    conn_update_reading(c);
    return 0;
}

void conn_accept(server *srv)
{
    conn *c = calloc(1, sizeof(*c));
    int rc;

    if (!c) {
        log_error("out of memory accepting a connection");
        return;
    }
    c->srv = srv;
    snprintf(c->addr, sizeof(c->addr), "unknown peer");
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->nconns++;
    uv_tcp_init(srv->loop, &c->tcp);
    c->tcp.data = c;
    c->handles++;
    uv_timer_init(srv->loop, &c->timer);
    c->timer.data = c;
    c->handles++;
    rc = conn_start(c);
    if (rc == SAFER_E_LIMIT)
        conn_close(c, "rate limited");
    else if (rc < 0)
        conn_close(c, "cannot set the connection up");
}
