/*
 * The Noise Protocol Framework (revision 34) for 25519_ChaChaPoly_BLAKE2b on
 * libsodium, without PSKs. It does no I/O: callers pass whole messages in and
 * get whole messages back.
 *
 * Map of the file: byte helpers; the cipher state (ChaCha20-Poly1305 IETF with
 * the Noise nonce); HMAC-BLAKE2b and HKDF, built by hand because libsodium
 * 1.0.18 has neither; the pattern table of section 7; the symmetric state;
 * the handshake state that walks a pattern's tokens; split.
 *
 * Every handshake secret (s, e, ck, k) lives in one sodium_malloc block that
 * is wiped when the handshake is freed.
 */
#include "common/noise.h"

#include <string.h>

#include <sodium.h>

#include "common/err.h"

#define NOISE_NONCE_MAX UINT64_MAX /* reserved by the specification, never used */
#define NOISE_PATTERN_MSGS_MAX 4   /* the longest pattern in section 7 (X1K1) */
#define NOISE_PATTERN_TOKENS_MAX 6
#define NOISE_NAME_PREFIX "Noise_"
#define NOISE_NAME_SUFFIX "_25519_ChaChaPoly_BLAKE2b"

/* Stores a 64-bit integer little-endian, as the ChaCha20-Poly1305 nonce wants. */
static void store64_le(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

/* The 96-bit IETF nonce: four zero bytes, then the counter little-endian. */
static void cipher_nonce(uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES], uint64_t n)
{
    memset(nonce, 0, 4);
    store64_le(nonce + 4, n);
}

void noise_cipher_init(noise_cipher *c, const uint8_t k[NOISE_KEY_BYTES])
{
    memmove(c->k, k, NOISE_KEY_BYTES);
    c->n = 0;
    c->has_key = 1;
}

void noise_cipher_clear(noise_cipher *c)
{
    sodium_memzero(c, sizeof(*c));
}

int noise_cipher_encrypt(
    noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *in, size_t inlen, uint8_t *out)
{
    uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
    unsigned long long clen = 0;

    if (!c->has_key) {
        if (inlen > 0)
            memmove(out, in, inlen);
        return 0;
    }
    if (c->n == NOISE_NONCE_MAX)
        return SAFER_E_NONCE;
    cipher_nonce(nonce, c->n);
    if (crypto_aead_chacha20poly1305_ietf_encrypt(
            out, &clen, in, inlen, ad, adlen, NULL, nonce, c->k)
        != 0)
        return SAFER_E_CRYPTO;
    c->n++;
    return 0;
}

/*
 * Without a key this refuses with SAFER_E_STATE rather than copying, because
 * a copy would write inlen bytes where the caller was promised only
 * inlen - NOISE_TAG_BYTES. The handshake handles the keyless case itself.
 */
int noise_cipher_decrypt(
    noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *in, size_t inlen, uint8_t *out)
{
    uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
    unsigned long long mlen = 0;

    if (!c->has_key)
        return SAFER_E_STATE;
    if (inlen < NOISE_TAG_BYTES)
        return SAFER_E_FRAME;
    if (c->n == NOISE_NONCE_MAX)
        return SAFER_E_NONCE;
    cipher_nonce(nonce, c->n);
    /* The nonce advances only after the tag checks, so a forged message costs nothing. */
    if (crypto_aead_chacha20poly1305_ietf_decrypt(
            out, &mlen, NULL, in, inlen, ad, adlen, nonce, c->k)
        != 0)
        return SAFER_E_DECRYPT;
    c->n++;
    return 0;
}

/* One BLAKE2b-512 pass over pad XOR key, then data; the 64 bytes go to out. */
static void hmac_pass(const uint8_t kblock[NOISE_BLOCK_BYTES], uint8_t pad, const uint8_t *d1,
    size_t d1len, const uint8_t *d2, size_t d2len, uint8_t out[NOISE_HASH_BYTES])
{
    crypto_generichash_state st;
    uint8_t block[NOISE_BLOCK_BYTES];

    for (size_t i = 0; i < NOISE_BLOCK_BYTES; i++)
        block[i] = kblock[i] ^ pad;
    crypto_generichash_init(&st, NULL, 0, NOISE_HASH_BYTES);
    crypto_generichash_update(&st, block, sizeof(block));
    if (d1len > 0)
        crypto_generichash_update(&st, d1, d1len);
    if (d2len > 0)
        crypto_generichash_update(&st, d2, d2len);
    crypto_generichash_final(&st, out, NOISE_HASH_BYTES);
    sodium_memzero(block, sizeof(block));
    sodium_memzero(&st, sizeof(st));
}

/* HMAC over the concatenation d1 || d2, which HKDF needs for its chained outputs. */
static void hmac2(const uint8_t *key, size_t keylen, const uint8_t *d1, size_t d1len,
    const uint8_t *d2, size_t d2len, uint8_t out[NOISE_HASH_BYTES])
{
    uint8_t kblock[NOISE_BLOCK_BYTES] = { 0 };
    uint8_t inner[NOISE_HASH_BYTES];

    /* RFC 2104: a key longer than the block is hashed first, a shorter one zero-padded. */
    if (keylen > NOISE_BLOCK_BYTES)
        crypto_generichash(kblock, NOISE_HASH_BYTES, key, keylen, NULL, 0);
    else if (keylen > 0)
        memcpy(kblock, key, keylen);
    hmac_pass(kblock, 0x36, d1, d1len, d2, d2len, inner);
    hmac_pass(kblock, 0x5c, inner, sizeof(inner), NULL, 0, out);
    sodium_memzero(kblock, sizeof(kblock));
    sodium_memzero(inner, sizeof(inner));
}

void noise_hmac(const uint8_t *key, size_t keylen, const uint8_t *data, size_t datalen,
    uint8_t out[NOISE_HASH_BYTES])
{
    hmac2(key, keylen, data, datalen, NULL, 0, out);
}

void noise_hkdf(const uint8_t ck[NOISE_HASH_BYTES], const uint8_t *ikm, size_t ikmlen,
    uint8_t out1[NOISE_HASH_BYTES], uint8_t out2[NOISE_HASH_BYTES], uint8_t out3[NOISE_HASH_BYTES])
{
    uint8_t temp[NOISE_HASH_BYTES];
    uint8_t o1[NOISE_HASH_BYTES];
    uint8_t o2[NOISE_HASH_BYTES];
    uint8_t idx;

    /* Outputs go through locals so that out1 may be the same memory as ck. */
    hmac2(ck, NOISE_HASH_BYTES, ikm, ikmlen, NULL, 0, temp);
    idx = 1;
    hmac2(temp, sizeof(temp), &idx, 1, NULL, 0, o1);
    idx = 2;
    hmac2(temp, sizeof(temp), o1, sizeof(o1), &idx, 1, o2);
    if (out3 != NULL) {
        idx = 3;
        hmac2(temp, sizeof(temp), o2, sizeof(o2), &idx, 1, out3);
    }
    memcpy(out1, o1, sizeof(o1));
    memcpy(out2, o2, sizeof(o2));
    sodium_memzero(temp, sizeof(temp));
    sodium_memzero(o1, sizeof(o1));
    sodium_memzero(o2, sizeof(o2));
}

int noise_keypair(uint8_t sk[NOISE_KEY_BYTES], uint8_t pk[NOISE_KEY_BYTES])
{
    if (sodium_init() < 0)
        return SAFER_E_CRYPTO;
    randombytes_buf(sk, NOISE_KEY_BYTES);
    return noise_public_key(sk, pk);
}

int noise_public_key(const uint8_t sk[NOISE_KEY_BYTES], uint8_t pk[NOISE_KEY_BYTES])
{
    if (sodium_init() < 0)
        return SAFER_E_CRYPTO;
    if (crypto_scalarmult_base(pk, sk) != 0)
        return SAFER_E_CRYPTO;
    return 0;
}

/* Message tokens. DH tokens name (initiator key, responder key). */
enum noise_token { TOK_E = 1, TOK_S, TOK_EE, TOK_ES, TOK_SE, TOK_SS };

/*
 * One row per pattern of the specification's section 7: which statics are
 * known before the handshake (pre-messages), then each message's tokens as
 * text. Messages alternate, initiator first.
 */
typedef struct noise_pattern {
    const char *name;
    uint8_t pre_i; /* the initiator's static is a pre-message */
    uint8_t pre_r; /* the responder's static is a pre-message */
    const char *msgs[NOISE_PATTERN_MSGS_MAX];
} noise_pattern;

static const noise_pattern noise_patterns[] = {
    { "N", 0, 1, { "e es" } },
    { "K", 1, 1, { "e es ss" } },
    { "X", 0, 1, { "e es s ss" } },
    { "NN", 0, 0, { "e", "e ee" } },
    { "NK", 0, 1, { "e es", "e ee" } },
    { "NX", 0, 0, { "e", "e ee s es" } },
    { "KN", 1, 0, { "e", "e ee se" } },
    { "KK", 1, 1, { "e es ss", "e ee se" } },
    { "KX", 1, 0, { "e", "e ee se s es" } },
    { "XN", 0, 0, { "e", "e ee", "s se" } },
    { "XK", 0, 1, { "e es", "e ee", "s se" } },
    { "XX", 0, 0, { "e", "e ee s es", "s se" } },
    { "IN", 0, 0, { "e s", "e ee se" } },
    { "IK", 0, 1, { "e es s ss", "e ee se" } },
    { "IX", 0, 0, { "e s", "e ee se s es" } },
    { "NK1", 0, 1, { "e", "e ee es" } },
    { "NX1", 0, 0, { "e", "e ee s", "es" } },
    { "X1N", 0, 0, { "e", "e ee", "s", "se" } },
    { "X1K", 0, 1, { "e es", "e ee", "s", "se" } },
    { "XK1", 0, 1, { "e", "e ee es", "s se" } },
    { "X1K1", 0, 1, { "e", "e ee es", "s", "se" } },
    { "X1X", 0, 0, { "e", "e ee s es", "s", "se" } },
    { "XX1", 0, 0, { "e", "e ee s", "es s se" } },
    { "X1X1", 0, 0, { "e", "e ee s", "es s", "se" } },
    { "K1N", 1, 0, { "e", "e ee", "se" } },
    { "K1K", 1, 1, { "e es", "e ee", "se" } },
    { "KK1", 1, 1, { "e", "e ee se es" } },
    { "K1K1", 1, 1, { "e", "e ee es", "se" } },
    { "K1X", 1, 0, { "e", "e ee s es", "se" } },
    { "KX1", 1, 0, { "e", "e ee se s", "es" } },
    { "K1X1", 1, 0, { "e", "e ee s", "se es" } },
    { "I1N", 0, 0, { "e s", "e ee", "se" } },
    { "I1K", 0, 1, { "e es s", "e ee", "se" } },
    { "IK1", 0, 1, { "e s", "e ee se es" } },
    { "I1K1", 0, 1, { "e s", "e ee es", "se" } },
    { "I1X", 0, 0, { "e s", "e ee s es", "se" } },
    { "IX1", 0, 0, { "e s", "e ee se s", "es" } },
    { "I1X1", 0, 0, { "e s", "e ee s", "se es" } },
};

/* Secrets and state of one handshake; the whole struct sits in sodium_malloc memory. */
struct noise_hs {
    uint8_t ck[NOISE_HASH_BYTES];                         /* chaining key */
    uint8_t h[NOISE_HASH_BYTES];                          /* handshake hash */
    noise_cipher cs;                                      /* the symmetric state's cipher */
    uint8_t s_sk[NOISE_KEY_BYTES], s_pk[NOISE_KEY_BYTES]; /* our static pair */
    uint8_t e_sk[NOISE_KEY_BYTES], e_pk[NOISE_KEY_BYTES]; /* our ephemeral pair */
    uint8_t rs[NOISE_KEY_BYTES], re[NOISE_KEY_BYTES];     /* the peer's public keys */
    int has_s, has_e, has_rs, has_re;
    int fixed_e; /* e_sk came from the config rather than the random source */
    int initiator;
    int dead;         /* a failure happened; every later call is refused */
    size_t msg_index; /* the next message of the pattern */
    size_t msg_count;
    uint8_t tokens[NOISE_PATTERN_MSGS_MAX][NOISE_PATTERN_TOKENS_MAX];
    size_t token_count[NOISE_PATTERN_MSGS_MAX];
};

/* Turns one message's token text ("e ee s es") into enum values. */
static int parse_tokens(const char *text, uint8_t out[NOISE_PATTERN_TOKENS_MAX], size_t *count)
{
    static const struct {
        const char *name;
        uint8_t tok;
    } names[] = { { "e", TOK_E }, { "s", TOK_S }, { "ee", TOK_EE }, { "es", TOK_ES },
        { "se", TOK_SE }, { "ss", TOK_SS } };
    size_t n = 0;

    while (*text != '\0') {
        size_t len = strcspn(text, " ");
        size_t i;

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strlen(names[i].name) == len && memcmp(names[i].name, text, len) == 0)
                break;
        if (i == sizeof(names) / sizeof(names[0]) || n == NOISE_PATTERN_TOKENS_MAX)
            return SAFER_E_INTERNAL;
        out[n++] = names[i].tok;
        text += len;
        text += (*text == ' ');
    }
    *count = n;
    return 0;
}

/* Finds the pattern in a full protocol name, or NULL if the name is not ours. */
static const noise_pattern *find_pattern(const char *name)
{
    size_t len, plen = strlen(NOISE_NAME_PREFIX), slen = strlen(NOISE_NAME_SUFFIX);

    if (name == NULL)
        return NULL;
    len = strnlen(name, NOISE_PROTOCOL_NAME_MAX + 1);
    if (len > NOISE_PROTOCOL_NAME_MAX || len <= plen + slen)
        return NULL;
    if (memcmp(name, NOISE_NAME_PREFIX, plen) != 0
        || memcmp(name + len - slen, NOISE_NAME_SUFFIX, slen) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof(noise_patterns) / sizeof(noise_patterns[0]); i++) {
        const char *p = noise_patterns[i].name;

        if (strlen(p) == len - plen - slen && memcmp(p, name + plen, strlen(p)) == 0)
            return &noise_patterns[i];
    }
    return NULL;
}

static void mix_hash(noise_hs *hs, const uint8_t *data, size_t len)
{
    crypto_generichash_state st;

    crypto_generichash_init(&st, NULL, 0, NOISE_HASH_BYTES);
    crypto_generichash_update(&st, hs->h, sizeof(hs->h));
    if (len > 0)
        crypto_generichash_update(&st, data, len);
    crypto_generichash_final(&st, hs->h, NOISE_HASH_BYTES);
}

static void mix_key(noise_hs *hs, const uint8_t *ikm, size_t len)
{
    uint8_t k[NOISE_HASH_BYTES];

    noise_hkdf(hs->ck, ikm, len, hs->ck, k, NULL);
    /* HASHLEN is 64, so the cipher key is the first 32 bytes of the output. */
    noise_cipher_init(&hs->cs, k);
    sodium_memzero(k, sizeof(k));
}

/* EncryptAndHash: out gets len (+ tag once keyed) bytes. */
static int encrypt_and_hash(
    noise_hs *hs, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen)
{
    size_t n = len + (hs->cs.has_key ? NOISE_TAG_BYTES : 0);
    int ret = noise_cipher_encrypt(&hs->cs, hs->h, sizeof(hs->h), in, len, out);

    if (ret != 0)
        return ret;
    mix_hash(hs, out, n);
    *outlen = n;
    return 0;
}

/* DecryptAndHash: in holds len bytes, tag included once keyed. */
static int decrypt_and_hash(noise_hs *hs, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t h_prev[NOISE_HASH_BYTES];
    int ret;

    if (!hs->cs.has_key) {
        if (len > 0)
            memmove(out, in, len);
        mix_hash(hs, in, len);
        return 0;
    }
    /* The hash covers the ciphertext, which out may overwrite, so mix first into a copy. */
    memcpy(h_prev, hs->h, sizeof(h_prev));
    mix_hash(hs, in, len);
    ret = noise_cipher_decrypt(&hs->cs, h_prev, sizeof(h_prev), in, len, out);
    sodium_memzero(h_prev, sizeof(h_prev));
    return ret;
}

/* Mixes one DH result into the chaining key; an all-zero result aborts. */
static int mix_dh(
    noise_hs *hs, const uint8_t sk[NOISE_KEY_BYTES], const uint8_t pk[NOISE_KEY_BYTES])
{
    uint8_t shared[NOISE_KEY_BYTES];
    int ret = 0;

    /* libsodium returns -1 when the peer's point gives an all-zero (low-order) result. */
    if (crypto_scalarmult(shared, sk, pk) != 0)
        ret = SAFER_E_CRYPTO;
    else
        mix_key(hs, shared, sizeof(shared));
    sodium_memzero(shared, sizeof(shared));
    return ret;
}

/* Performs a DH token from our side: initiator and responder pick mirrored keys. */
static int do_dh(noise_hs *hs, uint8_t tok)
{
    int our_e, their_e;

    switch (tok) {
    case TOK_EE:
        our_e = 1, their_e = 1;
        break;
    case TOK_ES:
        our_e = hs->initiator, their_e = !hs->initiator;
        break;
    case TOK_SE:
        our_e = !hs->initiator, their_e = hs->initiator;
        break;
    default:
        our_e = 0, their_e = 0;
        break;
    }
    if ((our_e ? !hs->has_e : !hs->has_s) || (their_e ? !hs->has_re : !hs->has_rs))
        return SAFER_E_STATE;
    return mix_dh(hs, our_e ? hs->e_sk : hs->s_sk, their_e ? hs->re : hs->rs);
}

/* Copies the config's keys in; fails if the pattern needs one that is missing. */
static int load_keys(noise_hs *hs, const noise_pattern *p, const noise_hs_config *cfg)
{
    int we_pre = cfg->initiator ? p->pre_i : p->pre_r;
    int they_pre = cfg->initiator ? p->pre_r : p->pre_i;
    int we_send_s = we_pre;

    /* We need a static if it is a pre-message of ours or any message of ours sends it. */
    for (size_t m = cfg->initiator ? 0 : 1; m < hs->msg_count; m += 2)
        for (size_t t = 0; t < hs->token_count[m]; t++)
            we_send_s |= hs->tokens[m][t] == TOK_S;
    if (cfg->s != NULL) {
        memcpy(hs->s_sk, cfg->s, NOISE_KEY_BYTES);
        if (crypto_scalarmult_base(hs->s_pk, hs->s_sk) != 0)
            return SAFER_E_INVAL;
        hs->has_s = 1;
    } else if (we_send_s) {
        return SAFER_E_INVAL;
    }
    /* A peer static given for a pattern that transmits it is not a pre-message: ignore it. */
    if (they_pre) {
        if (cfg->rs == NULL)
            return SAFER_E_INVAL;
        memcpy(hs->rs, cfg->rs, NOISE_KEY_BYTES);
        hs->has_rs = 1;
    }
    if (cfg->e != NULL) {
        memcpy(hs->e_sk, cfg->e, NOISE_KEY_BYTES);
        hs->fixed_e = 1;
    }
    return 0;
}

/* InitializeSymmetric, MixHash(prologue), then the pre-messages in order. */
static void init_symmetric(noise_hs *hs, const noise_pattern *p, const noise_hs_config *cfg)
{
    size_t len = strlen(cfg->protocol_name);

    /* A name of at most HASHLEN bytes is zero-padded, not hashed. */
    memset(hs->h, 0, sizeof(hs->h));
    memcpy(hs->h, cfg->protocol_name, len);
    memcpy(hs->ck, hs->h, sizeof(hs->ck));
    mix_hash(hs, cfg->prologue, cfg->prologue_len);
    if (p->pre_i)
        mix_hash(hs, cfg->initiator ? hs->s_pk : hs->rs, NOISE_KEY_BYTES);
    if (p->pre_r)
        mix_hash(hs, cfg->initiator ? hs->rs : hs->s_pk, NOISE_KEY_BYTES);
}

int noise_hs_new(noise_hs **out, const noise_hs_config *cfg)
{
    noise_hs *hs = NULL;
    const noise_pattern *p;
    int ret = SAFER_E_INVAL;

    *out = NULL;
    if (sodium_init() < 0)
        return SAFER_E_CRYPTO;
    p = find_pattern(cfg->protocol_name);
    if (p == NULL || cfg->prologue_len > NOISE_PROLOGUE_MAX
        || (cfg->prologue == NULL && cfg->prologue_len > 0))
        return SAFER_E_INVAL;
    hs = sodium_malloc(sizeof(*hs));
    if (hs == NULL)
        return SAFER_E_NOMEM;
    memset(hs, 0, sizeof(*hs));
    hs->initiator = cfg->initiator ? 1 : 0;
    for (hs->msg_count = 0; hs->msg_count < NOISE_PATTERN_MSGS_MAX; hs->msg_count++) {
        const char *text = p->msgs[hs->msg_count];

        if (text == NULL)
            break;
        ret = parse_tokens(text, hs->tokens[hs->msg_count], &hs->token_count[hs->msg_count]);
        if (ret != 0)
            goto out;
    }
    ret = load_keys(hs, p, cfg);
    if (ret != 0)
        goto out;
    init_symmetric(hs, p, cfg);
    *out = hs;
    hs = NULL;
    ret = 0;
out:
    noise_hs_free(hs);
    return ret;
}

void noise_hs_free(noise_hs *hs)
{
    if (hs == NULL)
        return;
    /* sodium_free wipes the block before it releases it. */
    sodium_free(hs);
}

/* Whether message i is written by the initiator. */
static int msg_is_ours(const noise_hs *hs, size_t i)
{
    return (i % 2 == 0) == (hs->initiator == 1);
}

int noise_hs_should_write(const noise_hs *hs)
{
    return !hs->dead && hs->msg_index < hs->msg_count && msg_is_ours(hs, hs->msg_index);
}

int noise_hs_done(const noise_hs *hs)
{
    return !hs->dead && hs->msg_index == hs->msg_count;
}

/* The bytes the next message adds around its payload, and whether the payload is keyed. */
static size_t msg_overhead(const noise_hs *hs, int *keyed)
{
    size_t i = hs->msg_index, n = 0;
    int has_key = hs->cs.has_key;

    for (size_t t = 0; t < hs->token_count[i]; t++) {
        uint8_t tok = hs->tokens[i][t];

        if (tok == TOK_E)
            n += NOISE_KEY_BYTES;
        else if (tok == TOK_S)
            n += NOISE_KEY_BYTES + (has_key ? NOISE_TAG_BYTES : 0);
        else
            has_key = 1;
    }
    *keyed = has_key;
    return n + (has_key ? NOISE_TAG_BYTES : 0);
}

/* Writes one token's bytes (if any) at out and advances *pos. */
static int write_token(noise_hs *hs, uint8_t tok, uint8_t *out, size_t *pos)
{
    size_t n = 0;
    int ret;

    if (tok == TOK_E) {
        if (!hs->fixed_e)
            randombytes_buf(hs->e_sk, NOISE_KEY_BYTES);
        if (crypto_scalarmult_base(hs->e_pk, hs->e_sk) != 0)
            return SAFER_E_CRYPTO;
        hs->has_e = 1;
        memcpy(out + *pos, hs->e_pk, NOISE_KEY_BYTES);
        mix_hash(hs, hs->e_pk, NOISE_KEY_BYTES);
        *pos += NOISE_KEY_BYTES;
        return 0;
    }
    if (tok == TOK_S) {
        ret = encrypt_and_hash(hs, hs->s_pk, NOISE_KEY_BYTES, out + *pos, &n);
        *pos += n;
        return ret;
    }
    return do_dh(hs, tok);
}

int noise_hs_write(noise_hs *hs, const uint8_t *payload, size_t payload_len, uint8_t *out,
    size_t outcap, size_t *outlen)
{
    size_t pos = 0, n = 0, i;
    int keyed, ret;

    *outlen = 0;
    if (!noise_hs_should_write(hs))
        return SAFER_E_STATE;
    i = hs->msg_index;
    n = msg_overhead(hs, &keyed);
    if (payload_len > NOISE_MSG_MAX || n + payload_len > NOISE_MSG_MAX || n + payload_len > outcap)
        return SAFER_E_TOOBIG;
    for (size_t t = 0; t < hs->token_count[i]; t++) {
        ret = write_token(hs, hs->tokens[i][t], out, &pos);
        if (ret != 0)
            goto out;
    }
    ret = encrypt_and_hash(hs, payload, payload_len, out + pos, &n);
    if (ret != 0)
        goto out;
    *outlen = pos + n;
    hs->msg_index++;
out:
    if (ret != 0) {
        hs->dead = 1;
        sodium_memzero(out, outcap);
    }
    return ret;
}

/* Reads one token's bytes (if any) from msg at *pos. Lengths were checked by the caller. */
static int read_token(noise_hs *hs, uint8_t tok, const uint8_t *msg, size_t *pos)
{
    size_t n;
    int ret;

    if (tok == TOK_E) {
        memcpy(hs->re, msg + *pos, NOISE_KEY_BYTES);
        hs->has_re = 1;
        mix_hash(hs, hs->re, NOISE_KEY_BYTES);
        *pos += NOISE_KEY_BYTES;
        return 0;
    }
    if (tok == TOK_S) {
        n = NOISE_KEY_BYTES + (hs->cs.has_key ? NOISE_TAG_BYTES : 0);
        ret = decrypt_and_hash(hs, msg + *pos, n, hs->rs);
        if (ret != 0)
            return ret;
        hs->has_rs = 1;
        *pos += n;
        return 0;
    }
    return do_dh(hs, tok);
}

int noise_hs_read(noise_hs *hs, const uint8_t *msg, size_t msg_len, uint8_t *payload,
    size_t payload_cap, size_t *payload_len)
{
    size_t pos = 0, n, i;
    int keyed, ret;

    *payload_len = 0;
    if (hs->dead || hs->msg_index >= hs->msg_count || msg_is_ours(hs, hs->msg_index)) {
        ret = SAFER_E_STATE;
        goto out;
    }
    i = hs->msg_index;
    n = msg_overhead(hs, &keyed);
    ret = SAFER_E_PROTO;
    if (msg_len < n)
        goto out;
    ret = SAFER_E_TOOBIG;
    if (msg_len > NOISE_MSG_MAX || msg_len - n > payload_cap)
        goto out;
    for (size_t t = 0; t < hs->token_count[i]; t++) {
        ret = read_token(hs, hs->tokens[i][t], msg, &pos);
        if (ret != 0)
            goto out;
    }
    ret = decrypt_and_hash(hs, msg + pos, msg_len - pos, payload);
    if (ret != 0)
        goto out;
    *payload_len = msg_len - pos - (keyed ? NOISE_TAG_BYTES : 0);
    hs->msg_index++;
out:
    if (ret != 0)
        hs->dead = 1;
    return ret;
}

int noise_hs_split(noise_hs *hs, noise_cipher *send, noise_cipher *recv)
{
    uint8_t k1[NOISE_HASH_BYTES], k2[NOISE_HASH_BYTES];

    if (!noise_hs_done(hs))
        return SAFER_E_STATE;
    noise_hkdf(hs->ck, NULL, 0, k1, k2, NULL);
    /* The first key carries the initiator's messages, the second the responder's. */
    noise_cipher_init(send, hs->initiator ? k1 : k2);
    noise_cipher_init(recv, hs->initiator ? k2 : k1);
    sodium_memzero(k1, sizeof(k1));
    sodium_memzero(k2, sizeof(k2));
    return 0;
}

void noise_hs_hash(const noise_hs *hs, uint8_t h[NOISE_HASH_BYTES])
{
    memcpy(h, hs->h, NOISE_HASH_BYTES);
}

int noise_hs_remote_static(const noise_hs *hs, uint8_t rs[NOISE_KEY_BYTES])
{
    if (!hs->has_rs)
        return SAFER_E_STATE;
    memcpy(rs, hs->rs, NOISE_KEY_BYTES);
    return 0;
}
