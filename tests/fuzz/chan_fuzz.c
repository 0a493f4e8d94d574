/*
 * libFuzzer target for the channel's receiving side. The first input byte
 * picks a mode:
 *
 *   even: the rest is a stream of frames (2-byte big-endian length, body) fed
 *         to a fresh responder, which exercises the handshake parsing;
 *   odd:  a client built on noise.h opens a channel with the responder using
 *         fixed keys, then the rest is a stream of records (2-byte length,
 *         plaintext) that the client encrypts as transport messages, which
 *         exercises the flags byte, the pieces and the reassembly bound.
 */
#include "common/chan.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/frame.h"

#define FUZZ_MSG_MAX 100000 /* small, so the bound is reachable */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the last frame the responder emitted, for the raw client to read. */
typedef struct fuzz_out {
    uint8_t buf[FRAME_HDR_BYTES + 256];
    size_t len;
} fuzz_out;

static int fuzz_emit(void *ctx, const uint8_t *frame, size_t len)
{
    fuzz_out *o = ctx;

    if (len > sizeof(o->buf))
        return -1;
    memcpy(o->buf, frame, len);
    o->len = len;
    return 0;
}

/* Fixed keys derived from labels, so every run is reproducible. */
static void fuzz_key(const char *label, uint8_t k[32])
{
    crypto_generichash(k, 32, (const uint8_t *)label, strlen(label), NULL, 0);
}

/* Hands one body to the channel and frees any message it completes. */
static int fuzz_feed(chan *ch, const uint8_t *body, size_t len)
{
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    int ret = chan_on_frame(ch, body, len, &msg, &msg_len);

    free(msg);
    return ret;
}

/* Opens ch with a noise.h initiator; fills send with its transport cipher. */
static int fuzz_open(chan *ch, fuzz_out *o, const uint8_t spk[32], noise_cipher *send)
{
    uint8_t cs[32], ce[32], msg[256], pl[16];
    noise_cipher recv;
    noise_hs_config hc = { 0 };
    noise_hs *hs = NULL;
    size_t len = 0, pl_len = 0;
    int ret = -1;

    fuzz_key("client static", cs);
    fuzz_key("client ephemeral", ce);
    hc.protocol_name = NOISE_SAFER_PROTOCOL;
    hc.initiator = 1;
    hc.prologue = (const uint8_t *)CHAN_PROLOGUE;
    hc.prologue_len = sizeof(CHAN_PROLOGUE) - 1;
    hc.s = cs;
    hc.rs = spk;
    hc.e = ce;
    if (noise_hs_new(&hs, &hc) != 0)
        goto out;
    if (noise_hs_write(hs, NULL, 0, msg, sizeof(msg), &len) != 0 || fuzz_feed(ch, msg, len) != 0)
        goto out;
    if (noise_hs_read(
            hs, o->buf + FRAME_HDR_BYTES, o->len - FRAME_HDR_BYTES, pl, sizeof(pl), &pl_len)
        != 0)
        goto out;
    if (noise_hs_write(hs, NULL, 0, msg, sizeof(msg), &len) != 0 || fuzz_feed(ch, msg, len) != 0)
        goto out;
    if (noise_hs_split(hs, send, &recv) != 0)
        goto out;
    noise_cipher_clear(&recv);
    ret = 0;
out:
    noise_hs_free(hs);
    return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t body[FRAME_MAX];
    uint8_t ss[32], spk[32], se[32];
    fuzz_out o = { .len = 0 };
    noise_cipher send = { .has_key = 0 };
    chan_config cfg = { 0 };
    chan *ch = NULL;
    size_t off = 1;
    int mode;

    if (size < 1 || sodium_init() < 0)
        return 0;
    mode = data[0] & 1;
    fuzz_key("server static", ss);
    fuzz_key("server ephemeral", se);
    if (noise_public_key(ss, spk) != 0)
        return 0;
    cfg.initiator = 0;
    cfg.s = ss;
    cfg.e = se;
    cfg.msg_max = FUZZ_MSG_MAX;
    cfg.emit = fuzz_emit;
    cfg.emit_ctx = &o;
    if (chan_new(&ch, &cfg) != 0)
        return 0;
    if (mode == 1 && fuzz_open(ch, &o, spk, &send) != 0)
        abort();
    while (off + FRAME_HDR_BYTES <= size) {
        size_t len = frame_get_len(data + off);

        off += FRAME_HDR_BYTES;
        if (len > size - off)
            len = size - off;
        if (mode == 0) {
            if (frame_check_len(len) != 0 || fuzz_feed(ch, data + off, len) != 0)
                break;
        } else {
            if (len + NOISE_TAG_BYTES > sizeof(body)
                || noise_cipher_encrypt(&send, NULL, 0, data + off, len, body) != 0
                || fuzz_feed(ch, body, len + NOISE_TAG_BYTES) != 0)
                break;
        }
        off += len;
    }
    noise_cipher_clear(&send);
    chan_free(ch);
    return 0;
}
