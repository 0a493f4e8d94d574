/*
 * A Safer channel: the Noise XK handshake, then encrypted transport messages
 * carrying chunked application messages. It does no I/O: the owner reads
 * frames off its socket (checking each length with frame_check_len before
 * allocating) and hands each frame body to chan_on_frame; whatever the channel
 * wants to send goes out through the emit callback as a complete frame, header
 * included, which the owner copies or writes before returning.
 *
 * Chunking: the plaintext of each transport message is one flags byte and then
 * a piece of the application message. Flag CHAN_MORE says more pieces follow.
 * The pieces are joined until a piece without CHAN_MORE arrives; the joined
 * message may not exceed the limit given at creation.
 *
 * The prologue binds the handshake to CHAN_PROLOGUE, so a peer speaking
 * another protocol or version fails the first message.
 */
#ifndef SAFER_COMMON_CHAN_H
#define SAFER_COMMON_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/noise.h"

#define CHAN_PROLOGUE "safer/1 " NOISE_SAFER_PROTOCOL
#define CHAN_MORE 0x01u
/* The largest piece of an application message one frame carries. */
#define CHAN_PIECE_MAX (65535 - NOISE_TAG_BYTES - 1)
/* The default bound on a reassembled application message. */
#define CHAN_MSG_MAX_DEFAULT (16u * 1024u * 1024u)

typedef struct chan chan;

/*
 * Receives each outgoing frame (2-byte header and body) during the call that
 * produced it. Returning non-zero aborts that call with the same code.
 */
typedef int (*chan_emit_fn)(void *ctx, const uint8_t *frame, size_t len);

typedef enum chan_state {
    CHAN_HANDSHAKE, /* handshake in progress */
    CHAN_OPEN,      /* transport messages flow */
    CHAN_FAILED,    /* a fatal error happened: the owner closes the connection */
} chan_state;

typedef struct chan_config {
    int initiator;     /* 1 on the client, 0 on the server */
    const uint8_t *s;  /* our static private key (32 bytes), borrowed for the call */
    const uint8_t *rs; /* initiator: the pinned server public key (32 bytes) */
    const uint8_t *e;  /* fixed ephemeral private key, tests only; NULL = random */
    size_t msg_max;    /* bound on a reassembled message; 0 = CHAN_MSG_MAX_DEFAULT */
    chan_emit_fn emit;
    void *emit_ctx;
} chan_config;

int chan_new(chan **out, const chan_config *cfg);

/* Wipes and frees; NULL is allowed. */
void chan_free(chan *ch);

/* The initiator calls this once to emit handshake message 1. */
int chan_start(chan *ch);

chan_state chan_get_state(const chan *ch);

/*
 * Hands the channel one frame body (without its header). During the handshake
 * this may emit the next handshake message. Once the channel is open, a frame
 * that completes an application message sets *msg (heap memory the caller
 * frees with free()) and *msg_len; otherwise *msg stays NULL.
 *
 * Returns 0 or a negative code: SAFER_E_DECRYPT for a message that fails
 * authentication, SAFER_E_PROTO for a malformed one, SAFER_E_TOOBIG when the
 * joined message exceeds the bound. Any failure moves the channel to
 * CHAN_FAILED and every later call fails with SAFER_E_STATE.
 */
int chan_on_frame(chan *ch, const uint8_t *body, size_t len, uint8_t **msg, size_t *msg_len);

/*
 * Sends one application message, in as many frames as it needs, through the
 * emit callback. SAFER_E_STATE before the channel is open, SAFER_E_TOOBIG past
 * the bound: these two are checked before anything is sent and leave the
 * channel as it was, so a server can still answer with an error. A failure to
 * encrypt or emit moves the channel to CHAN_FAILED.
 */
int chan_send(chan *ch, const uint8_t *msg, size_t len);

/*
 * Changes the bound on reassembled messages from now on, so that an owner can
 * allow larger messages once it trusts the peer more. A message already being
 * joined is held to the new bound too.
 */
void chan_set_msg_max(chan *ch, size_t msg_max);

/* The peer's static public key; SAFER_E_STATE until the handshake gives it. */
int chan_remote_static(const chan *ch, uint8_t rs[NOISE_KEY_BYTES]);

/* The handshake hash, once open (for tests and channel binding). */
int chan_handshake_hash(const chan *ch, uint8_t h[NOISE_HASH_BYTES]);

#endif
