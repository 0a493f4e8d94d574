/*
 * The client's blocking connection. The socket stays non-blocking and every
 * read and write waits in poll(2) first, so each has a deadline and a silent
 * server cannot hang the CLI. Frames are read into one buffer of FRAME_MAX
 * bytes inside the net, after their length has been checked, so nothing a
 * server announces makes us allocate.
 *
 * Sections: time and socket helpers; frames; connecting and the handshake;
 * requests; the rest.
 */
#include "client/net.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/chan.h"
#include "common/err.h"
#include "common/frame.h"
#include "common/invite.h"

#define NET_ADDR_MAX (INVITE_HOST_MAX + 16)

struct net {
    int fd;                            /* the socket, or -1 */
    chan *ch;                          /* the Noise channel, once connecting */
    char addr[NET_ADDR_MAX];           /* "HOST:PORT", for messages */
    int connect_ms;                    /* deadline for resolving and connecting */
    int io_ms;                         /* deadline for each read or write */
    uint64_t next_id;                  /* the id the next request gets */
    int dead;                          /* a failure ended the session: no more requests */
    int io_errno;                      /* errno of the last failed socket call */
    int ended;                         /* the server ended the session with an id-0 notice */
    Safer__Status ended_st;            /* that notice's status */
    char ended_msg[NET_ERROR_MAX / 2]; /* and its message, control characters replaced */
    char err[NET_ERROR_MAX];           /* the message for the last failure */
    net_progress_fn prog;              /* told of each request frame sent, or NULL */
    void *prog_ctx;                    /* its context */
    size_t prog_total;                 /* bytes of the request being sent; 0 when none is */
    size_t prog_sent;                  /* of which this many have gone out */
    uint8_t rbuf[FRAME_MAX];           /* the body of the frame being read */
};

static int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events or the deadline passes. */
static int net_wait(net *n, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = n->fd, .events = events };
        int64_t left = deadline - net_now_ms();
        int r;

        if (left <= 0)
            return SAFER_E_TIMEOUT;
        r = poll(&p, 1, (int)left);
        if (r > 0)
            return 0;
        if (r == 0)
            return SAFER_E_TIMEOUT;
        if (errno != EINTR) {
            n->io_errno = errno;
            return SAFER_E_IO;
        }
    }
}

/* A reset or broken pipe is the server going away, not a local fault. */
static int net_sock_err(net *n)
{
    n->io_errno = errno;
    if (errno == ECONNRESET || errno == EPIPE || errno == ECONNABORTED)
        return SAFER_E_CLOSED;
    return SAFER_E_IO;
}

static int net_write_all(net *n, const uint8_t *buf, size_t len)
{
    int64_t deadline = net_now_ms() + n->io_ms;

    while (len > 0) {
        ssize_t w = send(n->fd, buf, len, MSG_NOSIGNAL);
        if (w >= 0) {
            buf += w;
            len -= (size_t)w;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return net_sock_err(n);
        int ret = net_wait(n, POLLOUT, deadline);
        if (ret != 0)
            return ret;
    }
    return 0;
}

static int net_read_full(net *n, uint8_t *buf, size_t len)
{
    int64_t deadline = net_now_ms() + n->io_ms;

    while (len > 0) {
        ssize_t r = recv(n->fd, buf, len, 0);
        if (r > 0) {
            buf += r;
            len -= (size_t)r;
            continue;
        }
        if (r == 0)
            return SAFER_E_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return net_sock_err(n);
        int ret = net_wait(n, POLLIN, deadline);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/*
 * The channel's emit callback: each frame goes straight to the socket. While
 * a request is being sent, the progress callback learns how much of it has
 * gone: each frame carries its header, the tag and the flags byte around its
 * piece of the request.
 */
static int net_emit(void *ctx, const uint8_t *frame, size_t len)
{
    net *n = ctx;
    size_t overhead = FRAME_HDR_BYTES + NOISE_TAG_BYTES + 1;
    int ret = net_write_all(n, frame, len);

    if (ret != 0 || n->prog == NULL || n->prog_total == 0)
        return ret;
    n->prog_sent += len > overhead ? len - overhead : 0;
    if (n->prog_sent > n->prog_total)
        n->prog_sent = n->prog_total;
    n->prog(n->prog_ctx, n->prog_sent, n->prog_total);
    return 0;
}

/* Reads one frame into rbuf, checking its length before reading its body. */
static int net_read_frame(net *n, size_t *len)
{
    uint8_t hdr[FRAME_HDR_BYTES];
    int ret = net_read_full(n, hdr, sizeof(hdr));

    if (ret != 0)
        return ret;
    *len = frame_get_len(hdr);
    ret = frame_check_len(*len);
    if (ret != 0)
        return ret;
    return net_read_full(n, n->rbuf, *len);
}

/* Feeds frames to the channel until it yields one whole application message. */
static int net_recv_msg(net *n, uint8_t **msg, size_t *msg_len)
{
    *msg = NULL;
    while (*msg == NULL) {
        size_t len = 0;
        int ret = net_read_frame(n, &len);
        if (ret != 0)
            return ret;
        ret = chan_on_frame(n->ch, n->rbuf, len, msg, msg_len);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* Why a socket-level failure happened, in words. */
static const char *net_why(const net *n, int code)
{
    if (code == SAFER_E_IO || code == SAFER_E_CLOSED)
        return n->io_errno ? strerror(n->io_errno) : err_msg(code);
    return err_msg(code);
}

/* Tries one address until connected or the deadline passes. */
static int net_try_addr(net *n, const struct addrinfo *ai, int64_t deadline)
{
    int one = 1;
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    int ret;

    n->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (n->fd < 0)
        return net_sock_err(n);
    /*
     * Requests are small and each waits for its answer: without this, Nagle's
     * algorithm holds the first request behind the last handshake message
     * until the server's delayed ACK, some 40 ms later.
     */
    if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
        (void)setsockopt(n->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(n->fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return net_sock_err(n);
    ret = net_wait(n, POLLOUT, deadline);
    if (ret != 0)
        return ret;
    if (getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        return net_sock_err(n);
    if (soerr != 0) {
        n->io_errno = soerr;
        return SAFER_E_IO;
    }
    return 0;
}

/* Resolves host and connects to the first address that answers. */
static int net_open_socket(net *n, const net_config *cfg)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    char port[8];
    int64_t deadline = net_now_ms() + n->connect_ms;
    int ret = SAFER_E_IO;
    int gai;

    snprintf(port, sizeof(port), "%u", (unsigned)cfg->port);
    gai = getaddrinfo(cfg->host, port, &hints, &res);
    if (gai != 0) {
        snprintf(n->err, sizeof(n->err), "resolving %s failed: %s", cfg->host, gai_strerror(gai));
        return SAFER_E_IO;
    }
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        ret = net_try_addr(n, ai, deadline);
        if (ret == 0 || ret == SAFER_E_TIMEOUT)
            break;
        close(n->fd);
        n->fd = -1;
    }
    freeaddrinfo(res);
    if (ret == SAFER_E_TIMEOUT)
        snprintf(n->err, sizeof(n->err), "connecting to %s failed: no answer within %d ms", n->addr,
            n->connect_ms);
    else if (ret != 0)
        snprintf(n->err, sizeof(n->err), "connecting to %s failed: %s", n->addr, net_why(n, ret));
    return ret;
}

/* Runs the handshake as the initiator; the channel is open on success. */
static int net_handshake(net *n, const net_config *cfg)
{
    chan_config cc = {
        .initiator = 1,
        .s = cfg->sk,
        .rs = cfg->server_pk,
        .emit = net_emit,
        .emit_ctx = n,
    };
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    size_t len = 0;
    int ret;

    ret = chan_new(&n->ch, &cc);
    if (ret != 0) {
        snprintf(n->err, sizeof(n->err), "starting the handshake failed: %s", err_msg(ret));
        return ret;
    }
    ret = chan_start(n->ch);
    while (ret == 0 && chan_get_state(n->ch) == CHAN_HANDSHAKE) {
        ret = net_read_frame(n, &len);
        if (ret == 0)
            ret = chan_on_frame(n->ch, n->rbuf, len, &msg, &msg_len);
        /* A handshake message never carries an application message. */
        if (msg != NULL) {
            free(msg);
            msg = NULL;
            ret = SAFER_E_PROTO;
        }
    }
    if (ret == 0 && chan_get_state(n->ch) != CHAN_OPEN)
        ret = SAFER_E_STATE;
    if (ret == SAFER_E_CLOSED)
        snprintf(n->err, sizeof(n->err),
            "handshake with %s failed: the server closed the connection (the pinned "
            "server key may be wrong, or this is not a Safer server)",
            n->addr);
    else if (ret == SAFER_E_TIMEOUT)
        snprintf(n->err, sizeof(n->err), "handshake with %s failed: no answer within %d ms",
            n->addr, n->io_ms);
    else if (ret == SAFER_E_IO)
        snprintf(n->err, sizeof(n->err), "handshake with %s failed: %s", n->addr, net_why(n, ret));
    else if (ret != 0)
        snprintf(n->err, sizeof(n->err),
            "handshake with %s failed: %s (this may not be a Safer server)", n->addr, err_msg(ret));
    return ret;
}

int net_new(net **out)
{
    net *n = calloc(1, sizeof(*n));

    *out = NULL;
    if (n == NULL)
        return SAFER_E_NOMEM;
    n->fd = -1;
    n->next_id = 1;
    n->connect_ms = NET_CONNECT_TIMEOUT_MS;
    n->io_ms = NET_IO_TIMEOUT_MS;
    *out = n;
    return 0;
}

int net_connect(net *n, const net_config *cfg)
{
    int r;

    if (n->fd >= 0 || n->ch != NULL || cfg->sk == NULL || cfg->server_pk == NULL) {
        snprintf(n->err, sizeof(n->err), "connecting failed: %s", err_msg(SAFER_E_STATE));
        return SAFER_E_STATE;
    }
    if (strchr(cfg->host, ':') != NULL)
        r = snprintf(n->addr, sizeof(n->addr), "[%s]:%u", cfg->host, (unsigned)cfg->port);
    else
        r = snprintf(n->addr, sizeof(n->addr), "%s:%u", cfg->host, (unsigned)cfg->port);
    if (r < 0 || (size_t)r >= sizeof(n->addr)) {
        snprintf(n->err, sizeof(n->err), "connecting failed: the host name is too long");
        return SAFER_E_INVAL;
    }
    if (cfg->connect_timeout_ms > 0)
        n->connect_ms = cfg->connect_timeout_ms;
    if (cfg->io_timeout_ms > 0)
        n->io_ms = cfg->io_timeout_ms;
    r = net_open_socket(n, cfg);
    if (r != 0)
        return r;
    return net_handshake(n, cfg);
}

/* The name of a request's body ("whoami"), for messages. */
static const char *net_body_name(const Safer__Request *rq)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
        &safer__request__descriptor, (unsigned)rq->body_case);
    return f ? f->name : "request";
}

/* The code a non-OK wire status becomes on this side. */
static int net_status_code(Safer__Status st)
{
    switch (st) {
    case SAFER__STATUS__INVALID_ARGUMENT:
        return SAFER_E_INVAL;
    case SAFER__STATUS__NOT_FOUND:
        return SAFER_E_NOTFOUND;
    case SAFER__STATUS__ALREADY_EXISTS:
        return SAFER_E_EXISTS;
    case SAFER__STATUS__PERMISSION_DENIED:
        return SAFER_E_PERM;
    case SAFER__STATUS__RESOURCE_EXHAUSTED:
        return SAFER_E_LIMIT;
    case SAFER__STATUS__FAILED_PRECONDITION:
        return SAFER_E_PRECOND;
    case SAFER__STATUS__UNAVAILABLE:
        return SAFER_E_UNAVAIL;
    case SAFER__STATUS__UNAUTHENTICATED:
        return SAFER_E_UNAUTH;
    default:
        return SAFER_E_INTERNAL;
    }
}

/*
 * Writes "STATUS: message" after prefix into the error buffer, replacing
 * control characters so that a server cannot drive the user's terminal.
 */
static void net_set_status_error(net *n, const char *prefix, const Safer__Response *rs)
{
    char msg[NET_ERROR_MAX / 2];
    const char *m = rs->message ? rs->message : "";
    size_t i;

    for (i = 0; m[i] != '\0' && i + 1 < sizeof(msg); i++)
        msg[i] = ((unsigned char)m[i] < 0x20 || m[i] == 0x7f) ? '?' : m[i];
    msg[i] = '\0';
    snprintf(n->err, sizeof(n->err), "%s%s%s%s", prefix, err_status_name(rs->status),
        msg[0] ? ": " : "", msg);
}

/* Keeps what the server's id-0 notice said, for net_ended. */
static void net_note_ended(net *n, const Safer__Response *rs)
{
    const char *m = rs->message ? rs->message : "";
    size_t i;

    n->ended = 1;
    n->ended_st = rs->status;
    for (i = 0; m[i] != '\0' && i + 1 < sizeof(n->ended_msg); i++)
        n->ended_msg[i] = ((unsigned char)m[i] < 0x20 || m[i] == 0x7f) ? '?' : m[i];
    n->ended_msg[i] = '\0';
}

/* Reads the next Response off the channel. */
static int net_recv_response(net *n, const char *what, Safer__Response **out, pb_budget *b)
{
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    int ret = net_recv_msg(n, &msg, &msg_len);

    *out = NULL;
    if (ret == SAFER_E_CLOSED)
        snprintf(n->err, sizeof(n->err), "%s failed: the server closed the connection unexpectedly",
            what);
    else if (ret == SAFER_E_TIMEOUT)
        snprintf(n->err, sizeof(n->err), "%s failed: no answer from %s within %d ms", what, n->addr,
            n->io_ms);
    else if (ret != 0)
        snprintf(n->err, sizeof(n->err), "%s failed: %s", what, net_why(n, ret));
    if (ret != 0)
        return ret;
    *out = pb_response_unpack(b, msg, msg_len);
    sodium_memzero(msg, msg_len);
    free(msg);
    if (*out == NULL) {
        snprintf(n->err, sizeof(n->err), "%s failed: the server sent a malformed response", what);
        return SAFER_E_PROTO;
    }
    return 0;
}

/* Sends rq and reads one response; any failure here leaves the session unusable. */
static int net_exchange(
    net *n, const char *what, Safer__Request *rq, Safer__Response **rs, pb_budget *b)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int ret;

    if (n->dead || n->ch == NULL || chan_get_state(n->ch) != CHAN_OPEN) {
        snprintf(n->err, sizeof(n->err), "%s failed: not connected", what);
        return SAFER_E_STATE;
    }
    rq->id = n->next_id++;
    ret = pb_request_pack(rq, &buf, &len);
    n->prog_total = len;
    n->prog_sent = 0;
    if (ret == 0)
        ret = chan_send(n->ch, buf, len);
    n->prog_total = 0;
    if (buf != NULL) {
        sodium_memzero(buf, len);
        free(buf);
    }
    if (ret != 0) {
        snprintf(n->err, sizeof(n->err), "%s failed: sending: %s", what, net_why(n, ret));
        return ret;
    }
    return net_recv_response(n, what, rs, b);
}

int net_call(net *n, Safer__Request *rq, Safer__Response **out, pb_budget *b)
{
    const char *what = net_body_name(rq);
    char prefix[64];
    Safer__Response *rs = NULL;
    int ret;

    *out = NULL;
    ret = net_exchange(n, what, rq, &rs, b);
    if (ret != 0) {
        n->dead = 1;
        return ret;
    }
    if (rs->id == 0) {
        net_set_status_error(n, "the server ended the session: ", rs);
        net_note_ended(n, rs);
        ret = rs->status == SAFER__STATUS__OK ? SAFER_E_PROTO : net_status_code(rs->status);
        n->dead = 1;
    } else if (rs->id != rq->id) {
        snprintf(n->err, sizeof(n->err), "%s failed: the server answered another request", what);
        ret = SAFER_E_PROTO;
        n->dead = 1;
    } else if (rs->status != SAFER__STATUS__OK) {
        /* A refused request leaves the session usable, so the caller may still say goodbye. */
        snprintf(prefix, sizeof(prefix), "%s failed: ", what);
        net_set_status_error(n, prefix, rs);
        ret = net_status_code(rs->status);
    }
    if (ret != 0) {
        pb_response_free(b, rs);
        return ret;
    }
    *out = rs;
    return 0;
}

void net_set_progress(net *n, net_progress_fn fn, void *ctx)
{
    n->prog = fn;
    n->prog_ctx = ctx;
}

int net_usable(const net *n)
{
    return n != NULL && !n->dead && n->ch != NULL && chan_get_state(n->ch) == CHAN_OPEN;
}

int net_goodbye(net *n)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__GoodbyeRequest bye = SAFER__GOODBYE_REQUEST__INIT;
    Safer__Response *rs = NULL;
    pb_budget b;
    int ret;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    rq.body_case = SAFER__REQUEST__BODY_GOODBYE;
    rq.goodbye = &bye;
    ret = net_call(n, &rq, &rs, &b);
    if (ret == 0 && rs->body_case != SAFER__RESPONSE__BODY_GOODBYE) {
        snprintf(n->err, sizeof(n->err), "goodbye failed: the server sent another response");
        ret = SAFER_E_PROTO;
    }
    pb_response_free(&b, rs);
    return ret;
}

int net_ended(const net *n, Safer__Status *status, const char **msg)
{
    if (n == NULL || !n->ended)
        return 0;
    if (status != NULL)
        *status = n->ended_st;
    if (msg != NULL)
        *msg = n->ended_msg;
    return 1;
}

const char *net_error(const net *n)
{
    return n->err;
}

const char *net_address(const net *n)
{
    return n->addr;
}

void net_free(net *n)
{
    if (n == NULL)
        return;
    if (n->fd >= 0)
        close(n->fd);
    chan_free(n->ch);
    sodium_memzero(n->rbuf, sizeof(n->rbuf));
    free(n);
}

int net_timeout_from_env(void)
{
    const char *s = getenv("SAFER_TIMEOUT_MS");
    char *end = NULL;
    long v;

    if (s == NULL || s[0] == '\0')
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > NET_TIMEOUT_MAX_MS)
        return 0;
    return (int)v;
}
