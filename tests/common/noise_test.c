/*
 * Tests for common/noise: the published conformance vectors for every
 * pattern (both files in SAFER_VECTORS_DIR), then the properties the vectors
 * cannot show: the reserved nonce, a failed decrypt leaving the nonce alone,
 * HMAC against an independent implementation, a full XK round trip with
 * random keys, a wrong pinned server key, an all-zero DH and bad names.
 */
#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/noise.h"

#define VEC_PROLOGUE_MAX 1024
#define VEC_MSG_MAX 4096

static const char *vector_files[] = {
    "cacophony-25519-chachapoly-blake2b.json",
    "snow-25519-chachapoly-blake2b.json",
};

/* Decodes a hex field into out; returns 1 if present, 0 if absent. Fails on bad hex. */
static int hex_field(json_t *v, const char *key, uint8_t *out, size_t cap, size_t *len)
{
    json_t *f = json_object_get(v, key);
    const char *hex;
    size_t n = 0;

    if (f == NULL)
        return 0;
    hex = json_string_value(f);
    ck_assert_msg(hex != NULL, "field %s is not a string", key);
    ck_assert_msg(sodium_hex2bin(out, cap, hex, strlen(hex), NULL, &n, NULL) == 0,
        "field %s is not hex or too long", key);
    if (len != NULL)
        *len = n;
    return 1;
}

/* A 32-byte key field, which must have exactly 32 bytes when present. */
static int key_field(json_t *v, const char *key, uint8_t out[NOISE_KEY_BYTES])
{
    size_t n = 0;

    if (!hex_field(v, key, out, NOISE_KEY_BYTES, &n))
        return 0;
    ck_assert_msg(n == NOISE_KEY_BYTES, "field %s is not a 32-byte key", key);
    return 1;
}

/* The pattern part of a protocol name, copied into out ("X1K1"). */
static void pattern_of(const char *name, char out[16])
{
    const char *p = name + strlen("Noise_");
    size_t n = strcspn(p, "_");

    ck_assert_uint_lt(n, 16);
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Both sides' buffers for one vector run. */
typedef struct vec_run {
    const char *name;
    noise_hs *ih, *rh;
    noise_cipher isend, irecv, rsend, rrecv;
    int split;
    int one_way;
    uint8_t payload[VEC_MSG_MAX], ct[VEC_MSG_MAX], out[VEC_MSG_MAX], back[VEC_MSG_MAX];
} vec_run;

/* One handshake message i: the right side writes it, the bytes match, the peer reads it. */
static void vec_handshake_msg(vec_run *r, size_t i, size_t plen, size_t ctlen)
{
    noise_hs *w = i % 2 == 0 ? r->ih : r->rh;
    noise_hs *rd = i % 2 == 0 ? r->rh : r->ih;
    size_t outlen = 0, backlen = 0;

    ck_assert_msg(noise_hs_should_write(w), "%s msg %zu: writer not ready", r->name, i);
    ck_assert_int_eq(noise_hs_write(w, r->payload, plen, r->out, sizeof(r->out), &outlen), 0);
    ck_assert_msg(outlen == ctlen && memcmp(r->out, r->ct, ctlen) == 0,
        "%s msg %zu: handshake ciphertext differs", r->name, i);
    ck_assert_int_eq(noise_hs_read(rd, r->out, outlen, r->back, sizeof(r->back), &backlen), 0);
    ck_assert_msg(backlen == plen && memcmp(r->back, r->payload, plen) == 0,
        "%s msg %zu: handshake payload differs", r->name, i);
}

/* One transport message i after split. */
static void vec_transport_msg(vec_run *r, size_t i, size_t plen, size_t ctlen)
{
    int from_init = r->one_way || i % 2 == 0;
    noise_cipher *send = from_init ? &r->isend : &r->rsend;
    noise_cipher *recv = from_init ? &r->rrecv : &r->irecv;

    ck_assert_uint_le(plen + NOISE_TAG_BYTES, sizeof(r->out));
    ck_assert_int_eq(noise_cipher_encrypt(send, NULL, 0, r->payload, plen, r->out), 0);
    ck_assert_msg(plen + NOISE_TAG_BYTES == ctlen && memcmp(r->out, r->ct, ctlen) == 0,
        "%s msg %zu: transport ciphertext differs", r->name, i);
    ck_assert_int_eq(noise_cipher_decrypt(recv, NULL, 0, r->out, ctlen, r->back), 0);
    ck_assert_msg(memcmp(r->back, r->payload, plen) == 0, "%s msg %zu: transport payload differs",
        r->name, i);
}

/* After the last handshake message: hashes agree (with the vector when it has one), then split. */
static void vec_finish_handshake(vec_run *r, json_t *v)
{
    uint8_t hi[NOISE_HASH_BYTES], hr[NOISE_HASH_BYTES], want[NOISE_HASH_BYTES];
    size_t n = 0;

    noise_hs_hash(r->ih, hi);
    noise_hs_hash(r->rh, hr);
    ck_assert_msg(memcmp(hi, hr, sizeof(hi)) == 0, "%s: sides disagree on h", r->name);
    if (hex_field(v, "handshake_hash", want, sizeof(want), &n)) {
        ck_assert_uint_eq(n, NOISE_HASH_BYTES);
        ck_assert_msg(memcmp(hi, want, sizeof(hi)) == 0, "%s: handshake hash differs", r->name);
    }
    ck_assert_int_eq(noise_hs_split(r->ih, &r->isend, &r->irecv), 0);
    ck_assert_int_eq(noise_hs_split(r->rh, &r->rsend, &r->rrecv), 0);
    r->split = 1;
}

/* Each side ends knowing the other's static whenever the pattern gives one. */
static void vec_check_statics(vec_run *r, const char *pattern, const uint8_t *is, const uint8_t *rs)
{
    uint8_t pk[NOISE_KEY_BYTES], got[NOISE_KEY_BYTES];
    char ichar = pattern[0];
    char rchar = strlen(pattern) == 1 ? 'K' : pattern[pattern[1] == '1' ? 2 : 1];

    if (ichar != 'N' && is != NULL) {
        ck_assert_int_eq(noise_public_key(is, pk), 0);
        ck_assert_int_eq(noise_hs_remote_static(r->rh, got), 0);
        ck_assert_msg(memcmp(pk, got, sizeof(pk)) == 0, "%s: responder's rs wrong", r->name);
    }
    if (rchar != 'N' && rs != NULL) {
        ck_assert_int_eq(noise_public_key(rs, pk), 0);
        ck_assert_int_eq(noise_hs_remote_static(r->ih, got), 0);
        ck_assert_msg(memcmp(pk, got, sizeof(pk)) == 0, "%s: initiator's rs wrong", r->name);
    }
}

/* Runs one vector: every handshake and transport message, both directions. */
static void run_vector(json_t *v)
{
    uint8_t is[32], ie[32], irs[32], rs[32], re[32], rrs[32];
    uint8_t ip[VEC_PROLOGUE_MAX], rp[VEC_PROLOGUE_MAX];
    size_t iplen = 0, rplen = 0;
    char pattern[16];
    json_t *msgs = json_object_get(v, "messages");
    vec_run *r = calloc(1, sizeof(*r));

    ck_assert_ptr_nonnull(r);
    r->name = json_string_value(json_object_get(v, "protocol_name"));
    ck_assert_ptr_nonnull(r->name);
    pattern_of(r->name, pattern);
    r->one_way = strlen(pattern) == 1;
    int has_is = key_field(v, "init_static", is), has_irs = key_field(v, "init_remote_static", irs);
    int has_rs = key_field(v, "resp_static", rs), has_rrs = key_field(v, "resp_remote_static", rrs);
    int has_re = key_field(v, "resp_ephemeral", re);
    ck_assert(key_field(v, "init_ephemeral", ie));
    hex_field(v, "init_prologue", ip, sizeof(ip), &iplen);
    hex_field(v, "resp_prologue", rp, sizeof(rp), &rplen);

    noise_hs_config ic = { r->name, 1, ip, iplen, has_is ? is : NULL, has_irs ? irs : NULL, ie };
    noise_hs_config rc
        = { r->name, 0, rp, rplen, has_rs ? rs : NULL, has_rrs ? rrs : NULL, has_re ? re : NULL };
    ck_assert_msg(noise_hs_new(&r->ih, &ic) == 0, "%s: initiator rejected", r->name);
    ck_assert_msg(noise_hs_new(&r->rh, &rc) == 0, "%s: responder rejected", r->name);
    ck_assert(json_is_array(msgs));
    for (size_t i = 0; i < json_array_size(msgs); i++) {
        json_t *m = json_array_get(msgs, i);
        size_t plen = 0, ctlen = 0;

        ck_assert(hex_field(m, "payload", r->payload, sizeof(r->payload), &plen));
        ck_assert(hex_field(m, "ciphertext", r->ct, sizeof(r->ct), &ctlen));
        if (!r->split)
            vec_handshake_msg(r, i, plen, ctlen);
        else
            vec_transport_msg(r, i, plen, ctlen);
        if (!r->split && noise_hs_done(r->ih) && noise_hs_done(r->rh))
            vec_finish_handshake(r, v);
    }
    ck_assert_msg(r->split, "%s: vector ended before the handshake did", r->name);
    vec_check_statics(r, pattern, has_is ? is : NULL, has_rs ? rs : NULL);
    noise_hs_free(r->ih);
    noise_hs_free(r->rh);
    sodium_memzero(r, sizeof(*r));
    free(r);
}

/* Runs every vector in one file; returns how many, or -1 if the file is absent. */
static int run_vector_file(const char *dir, const char *file)
{
    char path[4096];
    json_error_t jerr;
    json_t *root, *vecs;
    int n = 0;

    ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", dir, file), (int)sizeof(path));
    root = json_load_file(path, 0, &jerr);
    if (root == NULL) {
        struct stat st;

        ck_assert_msg(
            stat(path, &st) != 0, "%s: bad JSON at line %d: %s", file, jerr.line, jerr.text);
        return -1;
    }
    vecs = json_object_get(root, "vectors");
    ck_assert(json_is_array(vecs));
    for (size_t i = 0; i < json_array_size(vecs); i++) {
        run_vector(json_array_get(vecs, i));
        n++;
    }
    json_decref(root);
    return n;
}

START_TEST(test_noise_vectors_all_patterns)
{
    struct stat st;
    int total = 0, files = 0;

    if (stat(SAFER_VECTORS_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("noise vectors: skipped, folder %s is absent\n", SAFER_VECTORS_DIR);
        fflush(stdout);
        return;
    }
    for (size_t f = 0; f < sizeof(vector_files) / sizeof(vector_files[0]); f++) {
        int n = run_vector_file(SAFER_VECTORS_DIR, vector_files[f]);

        if (n < 0) {
            printf("noise vectors: %s absent\n", vector_files[f]);
            continue;
        }
        printf("noise vectors: %s: %d checked\n", vector_files[f], n);
        total += n;
        files++;
    }
    printf("noise vectors: %d checked in total\n", total);
    fflush(stdout);
    ck_assert_msg(files > 0, "the vector folder holds neither vector file");
    if (files == 2)
        ck_assert_int_eq(total, 76);
}
END_TEST

START_TEST(test_cipher_nonce_is_little_endian)
{
    noise_cipher c;
    uint8_t k[NOISE_KEY_BYTES], nonce[12] = { 0 }, a[5 + 16], b[5 + 16];
    unsigned long long blen = 0;

    randombytes_buf(k, sizeof(k));
    noise_cipher_init(&c, k);
    c.n = 0x0102;
    ck_assert_int_eq(
        noise_cipher_encrypt(&c, (const uint8_t *)"ad", 2, (const uint8_t *)"hello", 5, a), 0);
    nonce[4] = 0x02;
    nonce[5] = 0x01;
    crypto_aead_chacha20poly1305_ietf_encrypt(
        b, &blen, (const uint8_t *)"hello", 5, (const uint8_t *)"ad", 2, NULL, nonce, k);
    ck_assert_uint_eq(blen, sizeof(b));
    ck_assert_mem_eq(a, b, sizeof(a));
    ck_assert(c.n == 0x0103);
    noise_cipher_clear(&c);
    ck_assert_int_eq(c.has_key, 0);
}
END_TEST

START_TEST(test_cipher_rejects_nonce_max)
{
    noise_cipher a, b;
    uint8_t k[NOISE_KEY_BYTES], ct[4 + 16], pt[4], sentinel[sizeof(ct)];

    randombytes_buf(k, sizeof(k));
    noise_cipher_init(&a, k);
    noise_cipher_init(&b, k);
    a.n = b.n = UINT64_MAX - 1;
    /* The last usable nonce works on both sides. */
    ck_assert_int_eq(noise_cipher_encrypt(&a, NULL, 0, (const uint8_t *)"last", 4, ct), 0);
    ck_assert(a.n == UINT64_MAX);
    ck_assert_int_eq(noise_cipher_decrypt(&b, NULL, 0, ct, sizeof(ct), pt), 0);
    ck_assert_mem_eq(pt, "last", 4);
    ck_assert(b.n == UINT64_MAX);
    /* 2^64-1 itself is never used: nothing is written and the nonce stays. */
    memset(ct, 0xa5, sizeof(ct));
    memcpy(sentinel, ct, sizeof(ct));
    ck_assert_int_eq(
        noise_cipher_encrypt(&a, NULL, 0, (const uint8_t *)"more", 4, ct), SAFER_E_NONCE);
    ck_assert_mem_eq(ct, sentinel, sizeof(ct));
    ck_assert(a.n == UINT64_MAX);
    ck_assert_int_eq(noise_cipher_decrypt(&b, NULL, 0, ct, sizeof(ct), pt), SAFER_E_NONCE);
    noise_cipher_clear(&a);
    noise_cipher_clear(&b);
}
END_TEST

START_TEST(test_decrypt_failure_keeps_nonce)
{
    noise_cipher a, b;
    uint8_t k[NOISE_KEY_BYTES], m1[3 + 16], m2[3 + 16], pt[3];

    randombytes_buf(k, sizeof(k));
    noise_cipher_init(&a, k);
    noise_cipher_init(&b, k);
    ck_assert_int_eq(noise_cipher_encrypt(&a, NULL, 0, (const uint8_t *)"one", 3, m1), 0);
    ck_assert_int_eq(noise_cipher_encrypt(&a, NULL, 0, (const uint8_t *)"two", 3, m2), 0);
    m1[0] ^= 1;
    ck_assert_int_eq(noise_cipher_decrypt(&b, NULL, 0, m1, sizeof(m1), pt), SAFER_E_DECRYPT);
    ck_assert(b.n == 0);
    ck_assert_int_eq(noise_cipher_decrypt(&b, NULL, 0, m1, 15, pt), SAFER_E_FRAME);
    ck_assert(b.n == 0);
    m1[0] ^= 1;
    ck_assert_int_eq(noise_cipher_decrypt(&b, NULL, 0, m1, sizeof(m1), pt), 0);
    ck_assert_mem_eq(pt, "one", 3);
    ck_assert_int_eq(noise_cipher_decrypt(&b, NULL, 0, m2, sizeof(m2), pt), 0);
    ck_assert_mem_eq(pt, "two", 3);
    ck_assert(b.n == 2);
    noise_cipher_clear(&a);
    noise_cipher_clear(&b);
}
END_TEST

/* Expected values from Python's hmac module over hashlib.blake2b (a 128-byte block). */
START_TEST(test_hmac_differs_from_keyed_blake2b)
{
    static const char *want_short
        = "6ff884f8ddc2a6586b3c98a4cd6ebdf14ec10204b6710073eb5865ade37a2643"
          "b8807c1335d107ecdb9ffeaeb6828c4625ba172c66379efcd222c2de11727ab4";
    static const char *want_long
        = "a54b2943b2a20227d41ca46c0945af09bc1faefb2f49894c23aebc557fb79c48"
          "89dca74408dc865086667aedee4a3185c53a49c80b814c4c5813ea0c8b38a8f8";
    const char *data = "what do ya want for nothing?";
    const char *data2 = "Test Using Larger Than Block-Size Key - Hash Key First";
    uint8_t out[NOISE_HASH_BYTES], keyed[NOISE_HASH_BYTES], want[NOISE_HASH_BYTES], key[131];

    noise_hmac((const uint8_t *)"Jefe", 4, (const uint8_t *)data, strlen(data), out);
    ck_assert_int_eq(sodium_hex2bin(want, sizeof(want), want_short, 128, NULL, NULL, NULL), 0);
    ck_assert_mem_eq(out, want, sizeof(out));
    crypto_generichash(
        keyed, sizeof(keyed), (const uint8_t *)data, strlen(data), (const uint8_t *)"Jefe", 4);
    ck_assert(memcmp(out, keyed, sizeof(out)) != 0);

    memset(key, 0xaa, sizeof(key));
    noise_hmac(key, sizeof(key), (const uint8_t *)data2, strlen(data2), out);
    ck_assert_int_eq(sodium_hex2bin(want, sizeof(want), want_long, 128, NULL, NULL, NULL), 0);
    ck_assert_mem_eq(out, want, sizeof(out));
}
END_TEST

/* Drives a handshake to the end, returning the first error. */
static int run_handshake(noise_hs *a, noise_hs *b)
{
    uint8_t msg[256], pl[64];
    size_t mlen = 0, plen = 0;
    int ret;

    while (!noise_hs_done(a) || !noise_hs_done(b)) {
        noise_hs *w = noise_hs_should_write(a) ? a : b;
        noise_hs *r = w == a ? b : a;

        ret = noise_hs_write(w, (const uint8_t *)"hi", 2, msg, sizeof(msg), &mlen);
        if (ret != 0)
            return ret;
        ret = noise_hs_read(r, msg, mlen, pl, sizeof(pl), &plen);
        if (ret != 0)
            return ret;
        if (plen != 2 || memcmp(pl, "hi", 2) != 0)
            return SAFER_E_PROTO;
    }
    return 0;
}

/* Random server and client key pairs for XK tests. */
typedef struct xk_keys {
    uint8_t ssk[32], spk[32], csk[32], cpk[32];
} xk_keys;

static void make_xk(const xk_keys *k, const uint8_t *pinned, noise_hs **ih, noise_hs **rh)
{
    static const uint8_t prologue[] = "safer test";
    noise_hs_config ic
        = { NOISE_SAFER_PROTOCOL, 1, prologue, sizeof(prologue), k->csk, pinned, NULL };
    noise_hs_config rc
        = { NOISE_SAFER_PROTOCOL, 0, prologue, sizeof(prologue), k->ssk, NULL, NULL };

    ck_assert_int_eq(noise_hs_new(ih, &ic), 0);
    ck_assert_int_eq(noise_hs_new(rh, &rc), 0);
}

START_TEST(test_xk_roundtrip_random_keys)
{
    xk_keys k;
    noise_hs *ih = NULL, *rh = NULL;
    noise_cipher is, ir, rs, rr;
    uint8_t hi[64], hr[64], got[32], ct[5 + 16], pt[5];

    ck_assert_int_eq(noise_keypair(k.ssk, k.spk), 0);
    ck_assert_int_eq(noise_keypair(k.csk, k.cpk), 0);
    make_xk(&k, k.spk, &ih, &rh);
    ck_assert_int_eq(noise_hs_remote_static(rh, got), SAFER_E_STATE);
    ck_assert_int_eq(noise_hs_split(ih, &is, &ir), SAFER_E_STATE);
    ck_assert_int_eq(run_handshake(ih, rh), 0);
    noise_hs_hash(ih, hi);
    noise_hs_hash(rh, hr);
    ck_assert_mem_eq(hi, hr, sizeof(hi));
    ck_assert_int_eq(noise_hs_remote_static(rh, got), 0);
    ck_assert_mem_eq(got, k.cpk, sizeof(got));
    ck_assert_int_eq(noise_hs_split(ih, &is, &ir), 0);
    ck_assert_int_eq(noise_hs_split(rh, &rs, &rr), 0);
    ck_assert_int_eq(noise_cipher_encrypt(&is, NULL, 0, (const uint8_t *)"ping!", 5, ct), 0);
    ck_assert_int_eq(noise_cipher_decrypt(&rr, NULL, 0, ct, sizeof(ct), pt), 0);
    ck_assert_mem_eq(pt, "ping!", 5);
    ck_assert_int_eq(noise_cipher_encrypt(&rs, NULL, 0, (const uint8_t *)"pong!", 5, ct), 0);
    ck_assert_int_eq(noise_cipher_decrypt(&ir, NULL, 0, ct, sizeof(ct), pt), 0);
    ck_assert_mem_eq(pt, "pong!", 5);
    /* The directions use different keys, so our own message does not open as the peer's. */
    ck_assert_int_eq(noise_cipher_encrypt(&is, NULL, 0, (const uint8_t *)"ping!", 5, ct), 0);
    ck_assert_int_eq(noise_cipher_decrypt(&ir, NULL, 0, ct, sizeof(ct), pt), SAFER_E_DECRYPT);
    noise_hs_free(ih);
    noise_hs_free(rh);
}
END_TEST

START_TEST(test_xk_wrong_server_key_fails)
{
    xk_keys k;
    uint8_t wsk[32], wpk[32], msg[256], pl[64];
    size_t mlen = 0, plen = 0;
    noise_hs *ih = NULL, *rh = NULL;

    ck_assert_int_eq(noise_keypair(k.ssk, k.spk), 0);
    ck_assert_int_eq(noise_keypair(k.csk, k.cpk), 0);
    ck_assert_int_eq(noise_keypair(wsk, wpk), 0);
    make_xk(&k, wpk, &ih, &rh);
    ck_assert_int_eq(noise_hs_write(ih, NULL, 0, msg, sizeof(msg), &mlen), 0);
    ck_assert_uint_eq(mlen, 48);
    ck_assert_int_eq(noise_hs_read(rh, msg, mlen, pl, sizeof(pl), &plen), SAFER_E_DECRYPT);
    /* The handshake is dead after the failure. */
    ck_assert_int_eq(noise_hs_should_write(rh), 0);
    ck_assert_int_eq(noise_hs_done(rh), 0);
    ck_assert_int_eq(noise_hs_write(rh, NULL, 0, msg, sizeof(msg), &mlen), SAFER_E_STATE);
    noise_hs_free(ih);
    noise_hs_free(rh);
}
END_TEST

START_TEST(test_zero_dh_aborts)
{
    xk_keys k;
    uint8_t msg[48] = { 0 }, pl[64], out[128];
    size_t plen = 0, olen = 0;
    noise_hs *ih = NULL, *rh = NULL;
    noise_hs_config nn = { "Noise_NN_25519_ChaChaPoly_BLAKE2b", 0, NULL, 0, NULL, NULL, NULL };

    /* XK: the responder's es with an all-zero ephemeral fails on read. */
    ck_assert_int_eq(noise_keypair(k.ssk, k.spk), 0);
    ck_assert_int_eq(noise_keypair(k.csk, k.cpk), 0);
    make_xk(&k, k.spk, &ih, &rh);
    ck_assert_int_eq(noise_hs_read(rh, msg, sizeof(msg), pl, sizeof(pl), &plen), SAFER_E_CRYPTO);
    ck_assert_int_eq(noise_hs_read(rh, msg, sizeof(msg), pl, sizeof(pl), &plen), SAFER_E_STATE);
    noise_hs_free(ih);
    noise_hs_free(rh);

    /* NN: the zero ephemeral reads fine, and the responder's ee fails on write. */
    ck_assert_int_eq(noise_hs_new(&rh, &nn), 0);
    ck_assert_int_eq(noise_hs_read(rh, msg, 32, pl, sizeof(pl), &plen), 0);
    ck_assert_int_eq(noise_hs_write(rh, NULL, 0, out, sizeof(out), &olen), SAFER_E_CRYPTO);
    ck_assert_int_eq(noise_hs_should_write(rh), 0);
    noise_hs_free(rh);
}
END_TEST

START_TEST(test_unknown_pattern_rejected)
{
    static const char *bad[] = {
        "Noise_ZZ_25519_ChaChaPoly_BLAKE2b",
        "Noise_XK_448_ChaChaPoly_BLAKE2b",
        "Noise_XK_25519_AESGCM_SHA256",
        "Noise_XKpsk3_25519_ChaChaPoly_BLAKE2b",
        "Noise_XK1X_25519_ChaChaPoly_BLAKE2b",
        "Noise__25519_ChaChaPoly_BLAKE2b",
        "Noise_XK_25519_ChaChaPoly_BLAKE2bXXXX",
        "XK",
        "",
    };
    uint8_t sk[32], pk[32], prologue[NOISE_PROLOGUE_MAX + 1] = { 0 };
    noise_hs *hs = NULL;
    noise_hs_config c = { NULL, 1, NULL, 0, sk, pk, NULL };

    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    ck_assert_int_eq(noise_hs_new(&hs, &c), SAFER_E_INVAL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c.protocol_name = bad[i];
        ck_assert_msg(noise_hs_new(&hs, &c) == SAFER_E_INVAL, "accepted %s", bad[i]);
        ck_assert_ptr_null(hs);
    }
    /* The good name works, but not without the keys XK needs or with a long prologue. */
    c.protocol_name = NOISE_SAFER_PROTOCOL;
    c.rs = NULL;
    ck_assert_int_eq(noise_hs_new(&hs, &c), SAFER_E_INVAL);
    c.rs = pk;
    c.s = NULL;
    ck_assert_int_eq(noise_hs_new(&hs, &c), SAFER_E_INVAL);
    c.s = sk;
    c.prologue = prologue;
    c.prologue_len = sizeof(prologue);
    ck_assert_int_eq(noise_hs_new(&hs, &c), SAFER_E_INVAL);
    c.prologue_len = NOISE_PROLOGUE_MAX;
    ck_assert_int_eq(noise_hs_new(&hs, &c), 0);
    ck_assert_ptr_nonnull(hs);
    noise_hs_free(hs);
}
END_TEST

START_TEST(test_hs_rejects_wrong_turn_and_small_buffer)
{
    xk_keys k;
    noise_hs *ih = NULL, *rh = NULL;
    uint8_t msg[256], pl[8];
    size_t mlen = 0, plen = 0;
    static const uint8_t prologue[] = "safer test";
    noise_hs_config rc = { NOISE_SAFER_PROTOCOL, 0, prologue, sizeof(prologue), k.ssk, NULL, NULL };

    ck_assert_int_eq(noise_keypair(k.ssk, k.spk), 0);
    ck_assert_int_eq(noise_keypair(k.csk, k.cpk), 0);
    make_xk(&k, k.spk, &ih, &rh);
    ck_assert_int_eq(noise_hs_write(rh, NULL, 0, msg, sizeof(msg), &mlen), SAFER_E_STATE);
    /* Too small an output buffer is refused before anything changes. */
    ck_assert_int_eq(
        noise_hs_write(ih, (const uint8_t *)"12345678", 8, msg, 55, &mlen), SAFER_E_TOOBIG);
    ck_assert_int_eq(noise_hs_write(ih, (const uint8_t *)"12345678", 8, msg, 56, &mlen), 0);
    ck_assert_uint_eq(mlen, 56);
    /* A truncated message is malformed; a payload too big for the buffer is refused. */
    ck_assert_int_eq(noise_hs_read(rh, msg, 47, pl, sizeof(pl), &plen), SAFER_E_PROTO);
    noise_hs_free(rh);
    ck_assert_int_eq(noise_hs_new(&rh, &rc), 0);
    ck_assert_int_eq(noise_hs_read(rh, msg, mlen, pl, 7, &plen), SAFER_E_TOOBIG);
    noise_hs_free(rh);
    noise_hs_free(ih);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("noise");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    if (sodium_init() < 0)
        return EXIT_FAILURE;
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_noise_vectors_all_patterns);
    tcase_add_test(tc, test_cipher_nonce_is_little_endian);
    tcase_add_test(tc, test_cipher_rejects_nonce_max);
    tcase_add_test(tc, test_decrypt_failure_keeps_nonce);
    tcase_add_test(tc, test_hmac_differs_from_keyed_blake2b);
    tcase_add_test(tc, test_xk_roundtrip_random_keys);
    tcase_add_test(tc, test_xk_wrong_server_key_fails);
    tcase_add_test(tc, test_zero_dh_aborts);
    tcase_add_test(tc, test_unknown_pattern_rejected);
    tcase_add_test(tc, test_hs_rejects_wrong_turn_and_small_buffer);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
