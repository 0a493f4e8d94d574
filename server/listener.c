/*
 * The server's own handles: the listening socket with its admission limits,
 * the SIGINT and SIGTERM handlers and the order of a clean shutdown.
 *
 * Admission: a connection beyond the connection cap, or beyond the cap on
 * unfinished handshakes, is accepted and closed at once (leaving it in the
 * backlog would only make the client wait), with at most one log line per
 * SERVER_REJECT_LOG_MS saying how many were refused.
 *
 * Failures per source address: conn.c reports each handshake that does not
 * complete and each session of an unknown key that closes without enrolling
 * (server_peer_failed). An address with more than --max-failures of them in
 * its window (ratelimit.h) has its connections accepted and closed at once
 * until the window ends, with one log line per window. Loopback is not
 * exempt: a local proxy in front of saferd would otherwise exempt everyone.
 *
 * Sections: addresses; admission; shutdown; set-up.
 */
#include "server/server.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "server/conn.h"

#define SERVER_BACKLOG 511

/* ---- addresses --------------------------------------------------------- */

void server_format_addr(const struct sockaddr *sa, char out[SERVER_ADDR_MAX])
{
    char ip[INET6_ADDRSTRLEN] = "?";

    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

        uv_ip6_name(s6, ip, sizeof(ip));
        snprintf(out, SERVER_ADDR_MAX, "[%s]:%u", ip, (unsigned)ntohs(s6->sin6_port));
    } else if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

        uv_ip4_name(s4, ip, sizeof(ip));
        snprintf(out, SERVER_ADDR_MAX, "%s:%u", ip, (unsigned)ntohs(s4->sin_port));
    } else {
        snprintf(out, SERVER_ADDR_MAX, "unknown address");
    }
}

void server_peer_key(const struct sockaddr *sa, char out[RATELIMIT_KEY_MAX])
{
    char ip[INET6_ADDRSTRLEN] = "?";

    if (sa->sa_family == AF_INET6)
        uv_ip6_name((const struct sockaddr_in6 *)sa, ip, sizeof(ip));
    else if (sa->sa_family == AF_INET)
        uv_ip4_name((const struct sockaddr_in *)sa, ip, sizeof(ip));
    snprintf(out, RATELIMIT_KEY_MAX, "%s", ip);
}

/*
 * Turns host and port into a socket address: numeric addresses directly,
 * names through the resolver (this runs once, before the loop serves anyone).
 */
static int server_resolve(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
    struct addrinfo hints = { 0 };
    struct addrinfo *res = NULL;
    int rc;

    memset(ss, 0, sizeof(*ss));
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0)
        return 0;
    if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0)
        return 0;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        log_error("cannot resolve '%s': %s", host, gai_strerror(rc));
        return SAFER_E_INVAL;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
    freeaddrinfo(res);
    return 0;
}

/* ---- admission --------------------------------------------------------- */

static void server_free_handle(uv_handle_t *h)
{
    free(h);
}

/*
 * 1 if a line about refused or failed accepts may be logged now, else counts
 * the event as one left unlogged: a flood of connections must not become a
 * flood of log lines.
 */
static int server_log_allowed(server *srv)
{
    uint64_t now = uv_now(srv->loop);

    if (srv->refuse_logged_at != 0 && now - srv->refuse_logged_at < SERVER_REJECT_LOG_MS) {
        srv->refuse_quiet++;
        return 0;
    }
    srv->refuse_logged_at = now ? now : 1;
    return 1;
}

/* Accepts and closes at once, with a rate-limited log line. */
static void server_refuse(server *srv, const char *why)
{
    uv_tcp_t *t = malloc(sizeof(*t));

    srv->stats.refused++;
    if (t != NULL) {
        uv_tcp_init(srv->loop, t);
        uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)t);
        uv_close((uv_handle_t *)t, server_free_handle);
    }
    if (server_log_allowed(srv)) {
        log_warn("refused a connection: %s (%llu more not logged since the last report)", why,
            (unsigned long long)srv->refuse_quiet);
        srv->refuse_quiet = 0;
    }
}

int server_peer_refused(server *srv, const char *key)
{
    ratelimit_block info = { 0 };

    if (srv->rl == NULL || !ratelimit_blocked(srv->rl, key, uv_now(srv->loop), &info))
        return 0;
    srv->stats.refused++;
    srv->stats.rate_limited++;
    if (info.first)
        log_warn("rate limit: refusing %s for %llus after %u failures", key,
            (unsigned long long)((info.remaining_ms + 999) / 1000), (unsigned)info.failures);
    return 1;
}

void server_peer_failed(server *srv, const char *key)
{
    if (srv->rl != NULL && !srv->stopping && key[0] != '\0')
        ratelimit_fail(srv->rl, key, uv_now(srv->loop));
}

static void server_on_connection(uv_stream_t *listener, int status)
{
    server *srv = listener->data;

    if (status < 0) {
        if (server_log_allowed(srv)) {
            log_warn("accept failed: %s (%llu more not logged since the last report)",
                uv_strerror(status), (unsigned long long)srv->refuse_quiet);
            srv->refuse_quiet = 0;
        }
        return;
    }
    if (srv->stopping)
        server_refuse(srv, "shutting down");
    else if (srv->nconns >= srv->lim.max_conns)
        server_refuse(srv, "connection limit reached");
    else if (srv->nhandshakes >= srv->lim.max_handshakes)
        server_refuse(srv, "unfinished handshake limit reached");
    else
        conn_accept(srv);
}

/* ---- shutdown ---------------------------------------------------------- */

/* Once no connection is left: stop the writer and let the loop run dry. */
static void server_maybe_finish(server *srv)
{
    if (!srv->stopping || srv->finished || srv->nconns > 0)
        return;
    srv->finished = 1;
    if (srv->handles_open) {
        srv->handles_open = 0;
        uv_close((uv_handle_t *)&srv->grace, NULL);
        uv_close((uv_handle_t *)&srv->sig_int, NULL);
        uv_close((uv_handle_t *)&srv->sig_term, NULL);
    }
    store_stop_writer(srv->st);
    /* Every connection has closed, so nothing can count a failure any more. */
    ratelimit_free(srv->rl);
    srv->rl = NULL;
    log_info("stopped: %llu accepted, %llu refused (%llu rate-limited), %llu handshakes, "
             "%llu failures, %llu requests",
        (unsigned long long)srv->stats.accepted, (unsigned long long)srv->stats.refused,
        (unsigned long long)srv->stats.rate_limited, (unsigned long long)srv->stats.handshakes,
        (unsigned long long)srv->stats.failures, (unsigned long long)srv->stats.requests);
}

static void server_on_grace(uv_timer_t *t)
{
    server *srv = t->data;
    conn *c = srv->conns;

    log_warn("shutdown grace period over: closing %zu connections", srv->nconns);
    while (c != NULL) {
        conn *next = conn_next(c);

        conn_close(c, "shutdown grace period over");
        c = next;
    }
}

void server_shutdown(server *srv)
{
    conn *c;

    if (srv->stopping) {
        log_info("shutdown already in progress");
        return;
    }
    srv->stopping = 1;
    if (srv->listen_open) {
        srv->listen_open = 0;
        uv_close((uv_handle_t *)&srv->listener, NULL);
    }
    if (srv->handles_open)
        uv_timer_start(&srv->grace, server_on_grace, SERVER_GRACE_MS, 0);
    log_info("shutting down: %zu connections open", srv->nconns);
    c = srv->conns;
    while (c != NULL) {
        /* Closing never frees synchronously, so next stays valid. */
        conn *next = conn_next(c);

        conn_shutdown(c);
        c = next;
    }
    server_maybe_finish(srv);
}

void server_conn_gone(server *srv)
{
    server_maybe_finish(srv);
}

static void server_on_signal(uv_signal_t *h, int signum)
{
    server *srv = h->data;

    log_info("received %s", signum == SIGINT ? "SIGINT" : "SIGTERM");
    server_shutdown(srv);
}

/* ---- set-up ------------------------------------------------------------ */

int server_init(
    server *srv, uv_loop_t *loop, store *st, const uint8_t *static_sk, const server_limits *lim)
{
    int rc;

    memset(srv, 0, sizeof(*srv));
    srv->loop = loop;
    srv->st = st;
    srv->static_sk = static_sk;
    srv->lim = *lim;
    uv_timer_init(loop, &srv->grace);
    uv_signal_init(loop, &srv->sig_int);
    uv_signal_init(loop, &srv->sig_term);
    srv->grace.data = srv;
    srv->sig_int.data = srv;
    srv->sig_term.data = srv;
    srv->handles_open = 1;
    rc = ratelimit_new(
        &srv->rl, SERVER_RATELIMIT_ENTRIES, lim->max_failures, lim->failure_window_ms);
    if (rc < 0) {
        log_error("cannot set up the failure table: %s", err_msg(rc));
        return rc;
    }
    if (uv_signal_start(&srv->sig_int, server_on_signal, SIGINT) < 0
        || uv_signal_start(&srv->sig_term, server_on_signal, SIGTERM) < 0) {
        log_error("cannot install the signal handlers");
        return SAFER_E_INTERNAL;
    }
    return 0;
}

int server_listen(server *srv, const char *host, uint16_t port)
{
    struct sockaddr_storage ss;
    int namelen = sizeof(ss);
    int rc;

    rc = server_resolve(host, port, &ss);
    if (rc < 0)
        return rc;
    uv_tcp_init(srv->loop, &srv->listener);
    srv->listener.data = srv;
    srv->listen_open = 1;
    rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&ss, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&srv->listener, SERVER_BACKLOG, server_on_connection);
    if (rc < 0) {
        log_error("cannot listen on %s:%u: %s", host, (unsigned)port, uv_strerror(rc));
        return SAFER_E_IO;
    }
    rc = uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&ss, &namelen);
    if (rc < 0) {
        log_error("cannot read the bound address: %s", uv_strerror(rc));
        return SAFER_E_IO;
    }
    server_format_addr((const struct sockaddr *)&ss, srv->addr);
    log_info("listening on %s", srv->addr);
    return 0;
}
