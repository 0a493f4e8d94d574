/*
 * Tests for the channel, two ends in memory: each end's emit callback queues
 * frames in a buffer that the test then feeds to the other end. A "raw" client
 * built straight on noise.h lets the tests send transport messages that the
 * channel itself would never produce (bad flags, empty pieces, handshake
 * payloads) to check the receiving side's strictness.
 */
#include "common/chan.h"

#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/frame.h"

/* Frames one end emitted, waiting to be fed to the other. */
typedef struct queue {
    uint8_t *buf;
    size_t len;
    size_t cap;
    int frames;    /* frames queued since the last delivery */
    int fail_with; /* when non-zero, emit refuses with this code */
} queue;

/* The two ends and their keys. */
typedef struct pair {
    uint8_t client_sk[32], client_pk[32];
    uint8_t server_sk[32], server_pk[32];
    queue to_server, to_client;
    chan *client, *server;
} pair;

/* What a delivery produced. */
typedef struct got {
    int msgs;      /* application messages completed */
    uint8_t *last; /* the last one, heap */
    size_t last_len;
    int failed_at; /* 1-based index of the frame that failed, 0 if none */
} got;

static int queue_emit(void *ctx, const uint8_t *frame, size_t len)
{
    queue *q = ctx;

    if (q->fail_with)
        return q->fail_with;
    ck_assert_int_ge(len, FRAME_HDR_BYTES + FRAME_MIN);
    ck_assert_uint_eq(frame_get_len(frame), len - FRAME_HDR_BYTES);
    if (q->len + len > q->cap) {
        size_t cap = (q->len + len) * 2;
        q->buf = realloc(q->buf, cap);
        ck_assert_ptr_nonnull(q->buf);
        q->cap = cap;
    }
    memcpy(q->buf + q->len, frame, len);
    q->len += len;
    q->frames++;
    return 0;
}

static void got_clear(got *g)
{
    free(g->last);
    memset(g, 0, sizeof(*g));
}

/* Feeds every queued frame to ch, stopping at the first failure, which it returns. */
static int deliver(queue *q, chan *ch, got *g)
{
    size_t off = 0;
    int index = 0, ret = 0;

    while (off < q->len) {
        size_t len = frame_get_len(q->buf + off);
        uint8_t *msg = NULL;
        size_t msg_len = 0;

        index++;
        ck_assert_uint_le(off + FRAME_HDR_BYTES + len, q->len);
        ret = chan_on_frame(ch, q->buf + off + FRAME_HDR_BYTES, len, &msg, &msg_len);
        if (ret != 0) {
            ck_assert_ptr_null(msg);
            if (g != NULL)
                g->failed_at = index;
            break;
        }
        if (msg != NULL) {
            ck_assert_ptr_nonnull(g);
            g->msgs++;
            free(g->last);
            g->last = msg;
            g->last_len = msg_len;
        }
        off += FRAME_HDR_BYTES + len;
    }
    q->len = 0;
    q->frames = 0;
    return ret;
}

static void pair_new(pair *p, size_t server_msg_max, const uint8_t *pinned)
{
    chan_config cc = { 0 }, sc = { 0 };

    memset(p, 0, sizeof(*p));
    ck_assert_int_eq(noise_keypair(p->client_sk, p->client_pk), 0);
    ck_assert_int_eq(noise_keypair(p->server_sk, p->server_pk), 0);
    cc.initiator = 1;
    cc.s = p->client_sk;
    cc.rs = pinned ? pinned : p->server_pk;
    cc.emit = queue_emit;
    cc.emit_ctx = &p->to_server;
    sc.initiator = 0;
    sc.s = p->server_sk;
    sc.msg_max = server_msg_max;
    sc.emit = queue_emit;
    sc.emit_ctx = &p->to_client;
    ck_assert_int_eq(chan_new(&p->client, &cc), 0);
    ck_assert_int_eq(chan_new(&p->server, &sc), 0);
}

static void pair_free(pair *p)
{
    chan_free(p->client);
    chan_free(p->server);
    free(p->to_server.buf);
    free(p->to_client.buf);
}

/* Runs the three handshake messages and checks both ends open. */
static void pair_handshake(pair *p)
{
    uint8_t h1[NOISE_HASH_BYTES], h2[NOISE_HASH_BYTES], rs[32];

    ck_assert_int_eq(chan_start(p->client), 0);
    ck_assert_int_eq(p->to_server.frames, 1);
    ck_assert_int_eq(deliver(&p->to_server, p->server, NULL), 0);
    ck_assert_int_eq(chan_get_state(p->server), CHAN_HANDSHAKE);
    ck_assert_int_eq(p->to_client.frames, 1);
    ck_assert_int_eq(deliver(&p->to_client, p->client, NULL), 0);
    ck_assert_int_eq(chan_get_state(p->client), CHAN_OPEN);
    ck_assert_int_eq(p->to_server.frames, 1);
    ck_assert_int_eq(deliver(&p->to_server, p->server, NULL), 0);
    ck_assert_int_eq(chan_get_state(p->server), CHAN_OPEN);
    ck_assert_int_eq(p->to_client.frames, 0);

    ck_assert_int_eq(chan_handshake_hash(p->client, h1), 0);
    ck_assert_int_eq(chan_handshake_hash(p->server, h2), 0);
    ck_assert_mem_eq(h1, h2, sizeof(h1));
    ck_assert_int_eq(chan_remote_static(p->server, rs), 0);
    ck_assert_mem_eq(rs, p->client_pk, 32);
    ck_assert_int_eq(chan_remote_static(p->client, rs), 0);
    ck_assert_mem_eq(rs, p->server_pk, 32);
}

START_TEST(test_chan_handshake_and_messages_both_ways)
{
    pair p;
    got g = { 0 };
    uint8_t rs[32], h[NOISE_HASH_BYTES];

    pair_new(&p, 0, NULL);
    ck_assert_int_eq(chan_remote_static(p.server, rs), SAFER_E_STATE);
    ck_assert_int_eq(chan_handshake_hash(p.client, h), SAFER_E_STATE);
    pair_handshake(&p);

    ck_assert_int_eq(chan_send(p.client, (const uint8_t *)"hello", 5), 0);
    ck_assert_int_eq(deliver(&p.to_server, p.server, &g), 0);
    ck_assert_int_eq(g.msgs, 1);
    ck_assert_uint_eq(g.last_len, 5);
    ck_assert_mem_eq(g.last, "hello", 5);
    got_clear(&g);

    ck_assert_int_eq(chan_send(p.server, (const uint8_t *)"world!", 6), 0);
    ck_assert_int_eq(deliver(&p.to_client, p.client, &g), 0);
    ck_assert_int_eq(g.msgs, 1);
    ck_assert_uint_eq(g.last_len, 6);
    ck_assert_mem_eq(g.last, "world!", 6);
    got_clear(&g);

    /* An empty message still arrives, as a non-NULL pointer with length 0. */
    ck_assert_int_eq(chan_send(p.server, NULL, 0), 0);
    ck_assert_int_eq(chan_send(p.server, (const uint8_t *)"x", 1), 0);
    ck_assert_int_eq(p.to_client.frames, 2);
    ck_assert_int_eq(deliver(&p.to_client, p.client, &g), 0);
    ck_assert_int_eq(g.msgs, 2);
    ck_assert_uint_eq(g.last_len, 1);
    got_clear(&g);
    pair_free(&p);
}
END_TEST

START_TEST(test_chan_large_message_reassembles)
{
    const size_t n = 200 * 1024;
    uint8_t *big = malloc(n);
    pair p;
    got g = { 0 };

    ck_assert_ptr_nonnull(big);
    randombytes_buf(big, n);
    pair_new(&p, 0, NULL);
    pair_handshake(&p);
    ck_assert_int_eq(chan_send(p.client, big, n), 0);
    ck_assert_int_eq(p.to_server.frames, (int)((n + CHAN_PIECE_MAX - 1) / CHAN_PIECE_MAX));
    ck_assert_int_ge(p.to_server.frames, 4);
    ck_assert_int_eq(deliver(&p.to_server, p.server, &g), 0);
    ck_assert_int_eq(g.msgs, 1);
    ck_assert_uint_eq(g.last_len, n);
    ck_assert_mem_eq(g.last, big, n);
    got_clear(&g);

    /* An exact multiple of the piece size, and the other way. */
    ck_assert_int_eq(chan_send(p.server, big, 2 * CHAN_PIECE_MAX), 0);
    ck_assert_int_eq(p.to_client.frames, 2);
    ck_assert_int_eq(deliver(&p.to_client, p.client, &g), 0);
    ck_assert_int_eq(g.msgs, 1);
    ck_assert_uint_eq(g.last_len, 2 * CHAN_PIECE_MAX);
    ck_assert_mem_eq(g.last, big, 2 * CHAN_PIECE_MAX);
    got_clear(&g);
    pair_free(&p);
    free(big);
}
END_TEST

START_TEST(test_chan_rejects_message_over_bound)
{
    const size_t n = 200 * 1024;
    uint8_t *big = calloc(1, n);
    pair p;
    got g = { 0 };

    ck_assert_ptr_nonnull(big);
    pair_new(&p, 100000, NULL);
    pair_handshake(&p);
    /* The server refuses to send past its bound, and stays usable. */
    ck_assert_int_eq(chan_send(p.server, big, 100001), SAFER_E_TOOBIG);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_OPEN);
    ck_assert_int_eq(p.to_client.frames, 0);
    /* The sender's own bound is the default, so it sends all four frames. */
    ck_assert_int_eq(chan_send(p.client, big, n), 0);
    ck_assert_int_eq(p.to_server.frames, 4);
    /* The receiver stops at the second piece, before holding the whole. */
    ck_assert_int_eq(deliver(&p.to_server, p.server, &g), SAFER_E_TOOBIG);
    ck_assert_int_eq(g.failed_at, 2);
    ck_assert_int_eq(g.msgs, 0);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    got_clear(&g);
    pair_free(&p);

    /* A single frame over a small bound fails too. */
    pair_new(&p, 1000, NULL);
    pair_handshake(&p);
    ck_assert_int_eq(chan_send(p.server, big, 1001), SAFER_E_TOOBIG);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_OPEN);
    ck_assert_int_eq(chan_send(p.server, big, 1000), 0);
    ck_assert_int_eq(deliver(&p.to_client, p.client, &g), 0);
    ck_assert_int_eq(g.msgs, 1);
    got_clear(&g);
    ck_assert_int_eq(chan_send(p.client, big, 1001), 0);
    ck_assert_int_eq(deliver(&p.to_server, p.server, &g), SAFER_E_TOOBIG);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    got_clear(&g);
    pair_free(&p);
    free(big);
}
END_TEST

START_TEST(test_chan_flipped_byte_fails_decrypt)
{
    pair p;
    got g = { 0 };
    uint8_t *msg = NULL;
    size_t msg_len = 0;

    pair_new(&p, 0, NULL);
    pair_handshake(&p);
    ck_assert_int_eq(chan_send(p.client, (const uint8_t *)"report", 6), 0);
    p.to_server.buf[FRAME_HDR_BYTES + 3] ^= 0x01;
    ck_assert_int_eq(deliver(&p.to_server, p.server, &g), SAFER_E_DECRYPT);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    ck_assert_int_eq(g.msgs, 0);
    /* Once failed, everything fails with SAFER_E_STATE. */
    ck_assert_int_eq(chan_send(p.client, (const uint8_t *)"again", 5), 0);
    ck_assert_int_eq(chan_on_frame(p.server, p.to_server.buf + FRAME_HDR_BYTES,
                         p.to_server.len - FRAME_HDR_BYTES, &msg, &msg_len),
        SAFER_E_STATE);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(chan_send(p.server, (const uint8_t *)"x", 1), SAFER_E_STATE);
    ck_assert_int_eq(chan_remote_static(p.server, (uint8_t[32]) { 0 }), SAFER_E_STATE);
    got_clear(&g);
    pair_free(&p);
}
END_TEST

START_TEST(test_chan_wrong_pinned_key_fails_msg1)
{
    uint8_t wrong_sk[32], wrong_pk[32];
    pair p;

    ck_assert_int_eq(noise_keypair(wrong_sk, wrong_pk), 0);
    pair_new(&p, 0, wrong_pk);
    ck_assert_int_eq(chan_start(p.client), 0);
    ck_assert_int_eq(deliver(&p.to_server, p.server, NULL), SAFER_E_DECRYPT);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    ck_assert_int_eq(p.to_client.frames, 0);
    pair_free(&p);
}
END_TEST

START_TEST(test_chan_data_before_open_fails)
{
    pair p;
    uint8_t junk[64], *msg = NULL;
    size_t msg_len = 0;

    /* Sending before the handshake is refused and harms nothing. */
    pair_new(&p, 0, NULL);
    ck_assert_int_eq(chan_send(p.client, (const uint8_t *)"x", 1), SAFER_E_STATE);
    ck_assert_int_eq(chan_send(p.server, (const uint8_t *)"x", 1), SAFER_E_STATE);
    ck_assert_int_eq(chan_start(p.server), SAFER_E_STATE);
    /* A frame reaching the client before it has started is out of order. */
    randombytes_buf(junk, sizeof(junk));
    ck_assert_int_eq(chan_on_frame(p.client, junk, sizeof(junk), &msg, &msg_len), SAFER_E_PROTO);
    ck_assert_int_eq(chan_get_state(p.client), CHAN_FAILED);
    ck_assert_int_eq(chan_start(p.client), SAFER_E_STATE);
    pair_free(&p);

    /* The client opens after message 2; its first data must not stand in for message 3. */
    pair_new(&p, 0, NULL);
    ck_assert_int_eq(chan_start(p.client), 0);
    ck_assert_int_eq(deliver(&p.to_server, p.server, NULL), 0);
    ck_assert_int_eq(chan_send(p.server, (const uint8_t *)"x", 1), SAFER_E_STATE);
    ck_assert_int_eq(deliver(&p.to_client, p.client, NULL), 0);
    ck_assert_int_eq(chan_get_state(p.client), CHAN_OPEN);
    p.to_server.len = 0; /* drop message 3 */
    ck_assert_int_eq(chan_send(p.client, (const uint8_t *)"early data", 10), 0);
    ck_assert_int_lt(deliver(&p.to_server, p.server, NULL), 0);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    pair_free(&p);

    /* Random bytes in place of message 1. */
    pair_new(&p, 0, NULL);
    ck_assert_int_eq(chan_on_frame(p.server, junk, 48, &msg, &msg_len), SAFER_E_DECRYPT);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    pair_free(&p);
}
END_TEST

START_TEST(test_chan_rejects_bad_frame_length)
{
    pair p;
    uint8_t buf[16] = { 0 }, *msg = NULL;
    size_t msg_len = 0;

    pair_new(&p, 0, NULL);
    ck_assert_int_eq(chan_on_frame(p.server, buf, 15, &msg, &msg_len), SAFER_E_FRAME);
    ck_assert_int_eq(chan_get_state(p.server), CHAN_FAILED);
    pair_free(&p);
}
END_TEST

START_TEST(test_chan_emit_failure_fails_channel)
{
    pair p;

    pair_new(&p, 0, NULL);
    pair_handshake(&p);
    p.to_server.fail_with = SAFER_E_IO;
    ck_assert_int_eq(chan_send(p.client, (const uint8_t *)"x", 1), SAFER_E_IO);
    ck_assert_int_eq(chan_get_state(p.client), CHAN_FAILED);
    pair_free(&p);
}
END_TEST

START_TEST(test_chan_fixed_ephemerals_are_deterministic)
{
    uint8_t cs[32], cp[32], ss[32], sp[32], ce[32], se[32], pk[32];
    uint8_t h[2][NOISE_HASH_BYTES];
    queue qs = { 0 }, qc = { 0 };

    ck_assert_int_eq(noise_keypair(cs, cp), 0);
    ck_assert_int_eq(noise_keypair(ss, sp), 0);
    ck_assert_int_eq(noise_keypair(ce, pk), 0);
    ck_assert_int_eq(noise_keypair(se, pk), 0);
    for (int run = 0; run < 2; run++) {
        chan_config cc = { 1, cs, sp, ce, 0, queue_emit, &qs };
        chan_config sc = { 0, ss, NULL, se, 0, queue_emit, &qc };
        chan *c = NULL, *s = NULL;

        ck_assert_int_eq(chan_new(&c, &cc), 0);
        ck_assert_int_eq(chan_new(&s, &sc), 0);
        ck_assert_int_eq(chan_start(c), 0);
        ck_assert_int_eq(deliver(&qs, s, NULL), 0);
        ck_assert_int_eq(deliver(&qc, c, NULL), 0);
        ck_assert_int_eq(deliver(&qs, s, NULL), 0);
        ck_assert_int_eq(chan_handshake_hash(s, h[run]), 0);
        chan_free(c);
        chan_free(s);
    }
    ck_assert_mem_eq(h[0], h[1], NOISE_HASH_BYTES);
    free(qs.buf);
    free(qc.buf);
}
END_TEST

/* ---- a raw client on noise.h, for messages the channel would never send ---- */

typedef struct raw {
    pair p;
    noise_cipher send, recv;
} raw;

/* Writes one handshake message with payload and hands it to the server. */
static int raw_hs_send(raw *r, noise_hs *hs, const uint8_t *payload, size_t payload_len)
{
    uint8_t msg[256], *out = NULL;
    size_t len = 0, out_len = 0;

    ck_assert_int_eq(noise_hs_write(hs, payload, payload_len, msg, sizeof(msg), &len), 0);
    return chan_on_frame(r->p.server, msg, len, &out, &out_len);
}

/* Opens a server channel with a raw client; payload goes in message 1 or 3. */
static int raw_open(raw *r, const char *prologue, int payload_in)
{
    noise_hs_config hc = { 0 };
    noise_hs *hs = NULL;
    uint8_t pl[16];
    size_t pl_len = 0;
    int ret;

    memset(r, 0, sizeof(*r));
    pair_new(&r->p, 0, NULL);
    hc.protocol_name = NOISE_SAFER_PROTOCOL;
    hc.initiator = 1;
    hc.prologue = (const uint8_t *)prologue;
    hc.prologue_len = strlen(prologue);
    hc.s = r->p.client_sk;
    hc.rs = r->p.server_pk;
    ck_assert_int_eq(noise_hs_new(&hs, &hc), 0);
    ret = raw_hs_send(r, hs, (const uint8_t *)"hi", payload_in == 1 ? 2 : 0);
    if (ret != 0)
        goto out;
    ck_assert_int_eq(r->p.to_client.frames, 1);
    ck_assert_int_eq(noise_hs_read(hs, r->p.to_client.buf + FRAME_HDR_BYTES,
                         r->p.to_client.len - FRAME_HDR_BYTES, pl, sizeof(pl), &pl_len),
        0);
    ck_assert_uint_eq(pl_len, 0);
    r->p.to_client.len = 0;
    ret = raw_hs_send(r, hs, (const uint8_t *)"hi", payload_in == 3 ? 2 : 0);
    if (ret != 0)
        goto out;
    ck_assert_int_eq(chan_get_state(r->p.server), CHAN_OPEN);
    ck_assert_int_eq(noise_hs_split(hs, &r->send, &r->recv), 0);
out:
    noise_hs_free(hs);
    return ret;
}

static void raw_free(raw *r)
{
    noise_cipher_clear(&r->send);
    noise_cipher_clear(&r->recv);
    pair_free(&r->p);
}

/* Encrypts plaintext pt as one transport message and hands it to the server. */
static int raw_send(raw *r, const uint8_t *pt, size_t pt_len, uint8_t **msg, size_t *msg_len)
{
    uint8_t body[256];

    ck_assert_uint_le(pt_len + NOISE_TAG_BYTES, sizeof(body));
    ck_assert_int_eq(noise_cipher_encrypt(&r->send, NULL, 0, pt, pt_len, body), 0);
    return chan_on_frame(r->p.server, body, pt_len + NOISE_TAG_BYTES, msg, msg_len);
}

START_TEST(test_chan_raw_client_pieces_join)
{
    raw r;
    uint8_t *msg = NULL;
    size_t msg_len = 0;

    ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 0), 0);
    ck_assert_int_eq(raw_send(&r,
                         (const uint8_t *)"\x01"
                                          "ab",
                         3, &msg, &msg_len),
        0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(raw_send(&r,
                         (const uint8_t *)"\x01"
                                          "c",
                         2, &msg, &msg_len),
        0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(raw_send(&r,
                         (const uint8_t *)"\x00"
                                          "de",
                         3, &msg, &msg_len),
        0);
    ck_assert_ptr_nonnull(msg);
    ck_assert_uint_eq(msg_len, 5);
    ck_assert_mem_eq(msg, "abcde", 5);
    free(msg);
    raw_free(&r);
}
END_TEST

START_TEST(test_chan_rejects_bad_flag_bits)
{
    static const uint8_t bad[][2] = { { 0x02, 'a' }, { 0x80, 'a' }, { 0x03, 'a' }, { 0xff, 'a' } };
    uint8_t *msg = NULL;
    size_t msg_len = 0;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        raw r;

        ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 0), 0);
        ck_assert_int_eq(raw_send(&r, bad[i], 2, &msg, &msg_len), SAFER_E_PROTO);
        ck_assert_ptr_null(msg);
        ck_assert_int_eq(chan_get_state(r.p.server), CHAN_FAILED);
        raw_free(&r);
    }
}
END_TEST

START_TEST(test_chan_rejects_empty_pieces)
{
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    raw r;

    /* No flags byte at all. */
    ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 0), 0);
    ck_assert_int_eq(raw_send(&r, (const uint8_t *)"", 0, &msg, &msg_len), SAFER_E_PROTO);
    raw_free(&r);
    /* An empty piece with more to follow. */
    ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 0), 0);
    ck_assert_int_eq(raw_send(&r, (const uint8_t *)"\x01", 1, &msg, &msg_len), SAFER_E_PROTO);
    raw_free(&r);
    /* An empty last piece of a non-empty message. */
    ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 0), 0);
    ck_assert_int_eq(raw_send(&r,
                         (const uint8_t *)"\x01"
                                          "a",
                         2, &msg, &msg_len),
        0);
    ck_assert_int_eq(raw_send(&r, (const uint8_t *)"\x00", 1, &msg, &msg_len), SAFER_E_PROTO);
    ck_assert_ptr_null(msg);
    raw_free(&r);
}
END_TEST

START_TEST(test_chan_rejects_handshake_payload)
{
    raw r;

    ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 1), SAFER_E_PROTO);
    ck_assert_int_eq(chan_get_state(r.p.server), CHAN_FAILED);
    raw_free(&r);
    ck_assert_int_eq(raw_open(&r, CHAN_PROLOGUE, 3), SAFER_E_PROTO);
    ck_assert_int_eq(chan_get_state(r.p.server), CHAN_FAILED);
    raw_free(&r);
}
END_TEST

START_TEST(test_chan_rejects_other_prologue)
{
    raw r;

    ck_assert_int_eq(raw_open(&r, "safer/2 " NOISE_SAFER_PROTOCOL, 0), SAFER_E_DECRYPT);
    ck_assert_int_eq(chan_get_state(r.p.server), CHAN_FAILED);
    raw_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chan");
    TCase *tc = tcase_create("chan");
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    tcase_add_test(tc, test_chan_handshake_and_messages_both_ways);
    tcase_add_test(tc, test_chan_large_message_reassembles);
    tcase_add_test(tc, test_chan_rejects_message_over_bound);
    tcase_add_test(tc, test_chan_flipped_byte_fails_decrypt);
    tcase_add_test(tc, test_chan_wrong_pinned_key_fails_msg1);
    tcase_add_test(tc, test_chan_data_before_open_fails);
    tcase_add_test(tc, test_chan_rejects_bad_frame_length);
    tcase_add_test(tc, test_chan_emit_failure_fails_channel);
    tcase_add_test(tc, test_chan_fixed_ephemerals_are_deterministic);
    tcase_add_test(tc, test_chan_raw_client_pieces_join);
    tcase_add_test(tc, test_chan_rejects_bad_flag_bits);
    tcase_add_test(tc, test_chan_rejects_empty_pieces);
    tcase_add_test(tc, test_chan_rejects_handshake_payload);
    tcase_add_test(tc, test_chan_rejects_other_prologue);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
