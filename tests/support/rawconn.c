/*
 * The raw Noise test client declared in harness.h: blocking reads and writes
 * on one socket, frames checked against the same limits as the real peers.
 */
#include "support/harness.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/chan.h"
#include "common/frame.h"
#include "common/invite.h"

int hx_raw_write(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int hx_raw_emit(void *ctx, const uint8_t *frame, size_t len)
{
    hx_raw *r = ctx;
    uint8_t *copy;
    int rc;

    if (!r->flip_next)
        return hx_raw_write(r->fd, frame, len) == 0 ? 0 : -1;
    r->flip_next = 0;
    copy = malloc(len);
    if (!copy)
        return -1;
    memcpy(copy, frame, len);
    copy[len - 1] ^= 0x01;
    rc = hx_raw_write(r->fd, copy, len) == 0 ? 0 : -1;
    free(copy);
    return rc;
}

static int hx_read_full(int fd, uint8_t *buf, size_t len, int timeout_ms)
{
    while (len > 0) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, timeout_ms) <= 0)
            return -1;
        ssize_t n = read(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads one frame and hands it to the channel. */
static int hx_raw_step(hx_raw *r, uint8_t **msg, size_t *msg_len, int timeout_ms)
{
    uint8_t hdr[FRAME_HDR_BYTES];
    uint8_t *body = NULL;
    size_t len;
    int ret = -1;

    if (hx_read_full(r->fd, hdr, sizeof(hdr), timeout_ms) != 0)
        return -1;
    len = frame_get_len(hdr);
    if (frame_check_len(len) != 0)
        return -1;
    body = malloc(len);
    if (!body || hx_read_full(r->fd, body, len, timeout_ms) != 0)
        goto out;
    ret = chan_on_frame(r->ch, body, len, msg, msg_len) == 0 ? 0 : -1;
out:
    free(body);
    return ret;
}

int hx_raw_open(hx_raw *r, const hx_server *s, const uint8_t server_pk[32], const uint8_t sk[32],
    size_t msg_max)
{
    chan_config cfg
        = { .initiator = 1, .s = sk, .rs = server_pk, .msg_max = msg_max, .emit = hx_raw_emit };
    uint8_t *msg = NULL;
    size_t len = 0;

    r->ch = NULL;
    r->flip_next = 0;
    r->fd = hx_connect(s);
    if (r->fd < 0)
        return -1;
    cfg.emit_ctx = r;
    if (chan_new(&r->ch, &cfg) != 0 || chan_start(r->ch) != 0)
        goto fail;
    while (chan_get_state(r->ch) == CHAN_HANDSHAKE) {
        if (hx_raw_step(r, &msg, &len, 5000) != 0)
            goto fail;
        free(msg);
        msg = NULL;
    }
    if (chan_get_state(r->ch) == CHAN_OPEN)
        return 0;
fail:
    hx_raw_close(r);
    return -1;
}

int hx_raw_send(hx_raw *r, const uint8_t *msg, size_t len)
{
    return chan_send(r->ch, msg, len) == 0 ? 0 : -1;
}

int hx_raw_recv(hx_raw *r, uint8_t **msg, size_t *len, int timeout_ms)
{
    *msg = NULL;
    while (*msg == NULL) {
        if (hx_raw_step(r, msg, len, timeout_ms) != 0)
            return -1;
    }
    return 0;
}

void hx_raw_close(hx_raw *r)
{
    chan_free(r->ch);
    r->ch = NULL;
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

int hx_server_pk(const hx_server *s, uint8_t pk[32])
{
    invite inv;

    if (invite_parse(s->invite, &inv, NULL, 0) != 0)
        return -1;
    for (int i = 0; i < 32; i++)
        pk[i] = inv.server_pk[i];
    return 0;
}
