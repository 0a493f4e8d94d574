/*
 * The Safer channel: drives the Noise XK handshake with empty payloads, then
 * carries application messages over transport messages, split into pieces of
 * at most CHAN_PIECE_MAX bytes and joined again on the other side.
 *
 * Memory is taken only while it is needed, so that an idle channel costs a
 * few hundred bytes: handshake messages are built on the stack, the buffer for
 * outgoing frames lives for one chan_send call, and the reassembly buffer
 * exists only while a message of several pieces is arriving. It grows as
 * pieces come in, and the bound is checked before each growth, so a peer that
 * announces nothing can still never make us hold more than msg_max bytes.
 *
 * Sections: state and helpers; handshake; receiving; sending; accessors.
 */
#include "common/chan.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/err.h"
#include "common/frame.h"

/* The largest handshake message we build or accept a payload for; XK needs 64. */
#define CHAN_HS_MSG_MAX 256
/* Room for a handshake payload; any payload at all is a protocol error. */
#define CHAN_HS_PAYLOAD_MAX 64

struct chan {
    chan_state state;            /* where the channel is in its life */
    int initiator;               /* 1 on the client */
    noise_hs *hs;                /* the handshake; NULL once open or failed */
    noise_cipher send;           /* our transport cipher, once open */
    noise_cipher recv;           /* the peer's transport cipher, once open */
    uint8_t h[NOISE_HASH_BYTES]; /* the handshake hash, once open */
    uint8_t rs[NOISE_KEY_BYTES]; /* the peer's static key, once open */
    size_t msg_max;              /* the bound on a joined application message */
    chan_emit_fn emit;           /* where outgoing frames go */
    void *emit_ctx;              /* the emit callback's argument */
    uint8_t *join;               /* pieces joined so far; NULL unless a message is in flight */
    size_t join_len;             /* bytes used in join */
    size_t join_cap;             /* bytes allocated for join */
};

/* Drops the reassembly buffer; its contents are application data, so wipe them. */
static void chan_join_reset(chan *ch)
{
    if (ch->join != NULL) {
        sodium_memzero(ch->join, ch->join_cap);
        free(ch->join);
    }
    ch->join = NULL;
    ch->join_len = 0;
    ch->join_cap = 0;
}

/*
 * Moves the channel to CHAN_FAILED, wiping every secret it holds, and passes
 * ret through so callers can write `return chan_fail(ch, ret)`.
 */
static int chan_fail(chan *ch, int ret)
{
    ch->state = CHAN_FAILED;
    noise_hs_free(ch->hs);
    ch->hs = NULL;
    noise_cipher_clear(&ch->send);
    noise_cipher_clear(&ch->recv);
    chan_join_reset(ch);
    return ret;
}

int chan_new(chan **out, const chan_config *cfg)
{
    chan *ch = NULL;
    noise_hs_config hc = { 0 };
    int ret = SAFER_E_INVAL;

    *out = NULL;
    if (cfg == NULL || cfg->emit == NULL || cfg->s == NULL)
        goto out;
    if (cfg->initiator && cfg->rs == NULL)
        goto out;
    ret = SAFER_E_NOMEM;
    ch = calloc(1, sizeof(*ch));
    if (ch == NULL)
        goto out;
    ch->state = CHAN_HANDSHAKE;
    ch->initiator = cfg->initiator ? 1 : 0;
    ch->msg_max = cfg->msg_max ? cfg->msg_max : CHAN_MSG_MAX_DEFAULT;
    ch->emit = cfg->emit;
    ch->emit_ctx = cfg->emit_ctx;

    hc.protocol_name = NOISE_SAFER_PROTOCOL;
    hc.initiator = ch->initiator;
    hc.prologue = (const uint8_t *)CHAN_PROLOGUE;
    hc.prologue_len = sizeof(CHAN_PROLOGUE) - 1;
    hc.s = cfg->s;
    hc.rs = ch->initiator ? cfg->rs : NULL;
    hc.e = cfg->e;
    ret = noise_hs_new(&ch->hs, &hc);
    if (ret < 0)
        goto out;
    *out = ch;
    ch = NULL;
    ret = 0;
out:
    chan_free(ch);
    return ret;
}

void chan_free(chan *ch)
{
    if (ch == NULL)
        return;
    chan_fail(ch, 0);
    sodium_memzero(ch, sizeof(*ch));
    free(ch);
}

chan_state chan_get_state(const chan *ch)
{
    return ch->state;
}

/* ---- handshake ---- */

/* Writes our next handshake message (empty payload) and emits it as a frame. */
static int chan_hs_write(chan *ch)
{
    uint8_t frame[FRAME_HDR_BYTES + CHAN_HS_MSG_MAX];
    size_t len = 0;
    int ret;

    ret = noise_hs_write(ch->hs, NULL, 0, frame + FRAME_HDR_BYTES, CHAN_HS_MSG_MAX, &len);
    if (ret < 0)
        return ret;
    ret = frame_check_len(len);
    if (ret < 0)
        return SAFER_E_INTERNAL;
    frame_put_len(frame, len);
    return ch->emit(ch->emit_ctx, frame, FRAME_HDR_BYTES + len);
}

/*
 * Keeps what the transport phase needs from the finished handshake (the
 * cipher states, the hash and the peer's key) and frees the rest.
 */
static int chan_hs_finish(chan *ch)
{
    int ret;

    noise_hs_hash(ch->hs, ch->h);
    ret = noise_hs_remote_static(ch->hs, ch->rs);
    if (ret < 0)
        return ret;
    ret = noise_hs_split(ch->hs, &ch->send, &ch->recv);
    if (ret < 0)
        return ret;
    noise_hs_free(ch->hs);
    ch->hs = NULL;
    ch->state = CHAN_OPEN;
    return 0;
}

int chan_start(chan *ch)
{
    int ret;

    if (ch->state != CHAN_HANDSHAKE || !ch->initiator || !noise_hs_should_write(ch->hs))
        return SAFER_E_STATE;
    ret = chan_hs_write(ch);
    if (ret != 0)
        return chan_fail(ch, ret);
    return 0;
}

/* Reads one handshake message and answers it or opens the channel. */
static int chan_hs_read(chan *ch, const uint8_t *body, size_t len)
{
    uint8_t payload[CHAN_HS_PAYLOAD_MAX];
    size_t payload_len = 0;
    int ret;

    /* A frame while it is our turn to write is out of order. */
    if (noise_hs_should_write(ch->hs))
        return SAFER_E_PROTO;
    ret = noise_hs_read(ch->hs, body, len, payload, sizeof(payload), &payload_len);
    if (ret == SAFER_E_TOOBIG)
        return SAFER_E_PROTO;
    if (ret < 0)
        return ret;
    /* Safer sends nothing in handshake payloads; anything there is not ours. */
    if (payload_len != 0)
        return SAFER_E_PROTO;
    if (!noise_hs_done(ch->hs)) {
        ret = chan_hs_write(ch);
        if (ret != 0)
            return ret;
    }
    if (noise_hs_done(ch->hs))
        return chan_hs_finish(ch);
    return 0;
}

void chan_set_msg_max(chan *ch, size_t msg_max)
{
    ch->msg_max = msg_max ? msg_max : CHAN_MSG_MAX_DEFAULT;
}

/* ---- receiving ---- */

/*
 * Appends a piece to the reassembly buffer, checking the bound before any
 * growth and doubling the capacity (up to the bound) so that joining n bytes
 * costs O(n).
 */
static int chan_join_append(chan *ch, const uint8_t *piece, size_t piece_len)
{
    size_t need;

    if (piece_len > ch->msg_max - ch->join_len)
        return SAFER_E_TOOBIG;
    need = ch->join_len + piece_len;
    if (need > ch->join_cap) {
        size_t cap = ch->join_cap ? ch->join_cap : CHAN_PIECE_MAX;
        uint8_t *p;

        while (cap < need)
            cap = cap > ch->msg_max / 2 ? ch->msg_max : cap * 2;
        if (cap > ch->msg_max)
            cap = ch->msg_max;
        p = malloc(cap);
        if (p == NULL)
            return SAFER_E_NOMEM;
        /* Copy rather than realloc, so the old bytes can be wiped. */
        if (ch->join_len)
            memcpy(p, ch->join, ch->join_len);
        if (ch->join != NULL) {
            sodium_memzero(ch->join, ch->join_cap);
            free(ch->join);
        }
        ch->join = p;
        ch->join_cap = cap;
    }
    if (piece_len)
        memcpy(ch->join + ch->join_len, piece, piece_len);
    ch->join_len = need;
    return 0;
}

/*
 * Handles one decrypted transport plaintext pt (pt_len bytes, heap memory the
 * function takes). A single-piece message is handed over in pt itself.
 */
static int chan_on_plain(chan *ch, uint8_t *pt, size_t pt_len, uint8_t **msg, size_t *msg_len)
{
    uint8_t flags;
    size_t piece_len;
    int ret = SAFER_E_PROTO;

    if (pt_len < 1)
        goto out;
    flags = pt[0];
    piece_len = pt_len - 1;
    if ((flags & ~CHAN_MORE) != 0)
        goto out;
    /* Only a whole empty message may have an empty piece. */
    if (piece_len == 0 && ((flags & CHAN_MORE) || ch->join != NULL))
        goto out;
    if (!(flags & CHAN_MORE) && ch->join == NULL) {
        ret = SAFER_E_TOOBIG;
        if (piece_len > ch->msg_max)
            goto out;
        memmove(pt, pt + 1, piece_len);
        *msg = pt;
        *msg_len = piece_len;
        pt = NULL;
        ret = 0;
        goto out;
    }
    ret = chan_join_append(ch, pt + 1, piece_len);
    if (ret < 0 || (flags & CHAN_MORE))
        goto out;
    *msg = ch->join;
    *msg_len = ch->join_len;
    ch->join = NULL;
    ch->join_len = 0;
    ch->join_cap = 0;
out:
    if (pt != NULL) {
        sodium_memzero(pt, pt_len);
        free(pt);
    }
    return ret;
}

int chan_on_frame(chan *ch, const uint8_t *body, size_t len, uint8_t **msg, size_t *msg_len)
{
    uint8_t *pt = NULL;
    size_t pt_len;
    int ret;

    if (msg != NULL)
        *msg = NULL;
    if (msg_len != NULL)
        *msg_len = 0;
    if (ch->state == CHAN_FAILED)
        return SAFER_E_STATE;
    if (msg == NULL || msg_len == NULL || (body == NULL && len != 0))
        return chan_fail(ch, SAFER_E_INVAL);
    ret = frame_check_len(len);
    if (ret < 0)
        return chan_fail(ch, ret);
    if (ch->state == CHAN_HANDSHAKE) {
        ret = chan_hs_read(ch, body, len);
        return ret != 0 ? chan_fail(ch, ret) : 0;
    }
    pt_len = len - NOISE_TAG_BYTES;
    /* One spare byte keeps malloc away from zero for an empty plaintext. */
    pt = malloc(pt_len + 1);
    if (pt == NULL)
        return chan_fail(ch, SAFER_E_NOMEM);
    ret = noise_cipher_decrypt(&ch->recv, NULL, 0, body, len, pt);
    if (ret < 0) {
        free(pt);
        return chan_fail(ch, ret);
    }
    ret = chan_on_plain(ch, pt, pt_len, msg, msg_len);
    if (ret < 0)
        return chan_fail(ch, ret);
    return 0;
}

/* ---- sending ---- */

/* Encrypts one piece with its flags into frame and emits it. */
static int chan_send_piece(
    chan *ch, uint8_t *frame, uint8_t flags, const uint8_t *piece, size_t piece_len)
{
    uint8_t *body = frame + FRAME_HDR_BYTES;
    size_t body_len = 1 + piece_len + NOISE_TAG_BYTES;
    int ret;

    body[0] = flags;
    if (piece_len)
        memcpy(body + 1, piece, piece_len);
    ret = noise_cipher_encrypt(&ch->send, NULL, 0, body, 1 + piece_len, body);
    if (ret < 0)
        return ret;
    frame_put_len(frame, body_len);
    return ch->emit(ch->emit_ctx, frame, FRAME_HDR_BYTES + body_len);
}

int chan_send(chan *ch, const uint8_t *msg, size_t len)
{
    uint8_t *frame = NULL;
    size_t first, cap, off = 0;
    int ret;

    /* Checks made before anything is sent leave the channel usable. */
    if (ch->state != CHAN_OPEN)
        return SAFER_E_STATE;
    if (len > ch->msg_max)
        return SAFER_E_TOOBIG;
    if (msg == NULL && len != 0)
        return SAFER_E_INVAL;
    first = len < CHAN_PIECE_MAX ? len : CHAN_PIECE_MAX;
    cap = FRAME_HDR_BYTES + 1 + first + NOISE_TAG_BYTES;
    frame = malloc(cap);
    if (frame == NULL)
        return SAFER_E_NOMEM;
    do {
        size_t piece_len = len - off < CHAN_PIECE_MAX ? len - off : CHAN_PIECE_MAX;
        uint8_t flags = off + piece_len < len ? CHAN_MORE : 0;

        /* No pointer arithmetic on NULL for the empty message. */
        ret = chan_send_piece(ch, frame, flags, len ? msg + off : NULL, piece_len);
        if (ret != 0)
            goto out;
        off += piece_len;
    } while (off < len);
    ret = 0;
out:
    sodium_memzero(frame, cap);
    free(frame);
    /* Part of the message may be out and the nonce has moved: no way back. */
    if (ret != 0)
        return chan_fail(ch, ret);
    return 0;
}

/* ---- accessors ---- */

int chan_remote_static(const chan *ch, uint8_t rs[NOISE_KEY_BYTES])
{
    if (ch->state == CHAN_OPEN) {
        memcpy(rs, ch->rs, NOISE_KEY_BYTES);
        return 0;
    }
    if (ch->state == CHAN_HANDSHAKE)
        return noise_hs_remote_static(ch->hs, rs);
    return SAFER_E_STATE;
}

int chan_handshake_hash(const chan *ch, uint8_t h[NOISE_HASH_BYTES])
{
    if (ch->state != CHAN_OPEN)
        return SAFER_E_STATE;
    memcpy(h, ch->h, NOISE_HASH_BYTES);
    return 0;
}
