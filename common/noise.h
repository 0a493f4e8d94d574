/*
 * Noise Protocol Framework for the 25519_ChaChaPoly_BLAKE2b suite, built on
 * libsodium, as a state machine that does no I/O: the caller hands it whole
 * handshake messages and gets whole messages back.
 *
 * The handshake is table-driven: any pattern named in the Noise specification
 * (section 7, including the deferred patterns such as X1K1) is accepted by its
 * full protocol name, so that the conformance test can run every vector in
 * ../shared/vectors/. Safer itself uses only Noise_XK_25519_ChaChaPoly_BLAKE2b.
 *
 * Secrets live in sodium_malloc memory and are wiped on free.
 */
#ifndef SAFER_COMMON_NOISE_H
#define SAFER_COMMON_NOISE_H

#include <stddef.h>
#include <stdint.h>

#define NOISE_KEY_BYTES 32    /* X25519 keys and ChaChaPoly keys */
#define NOISE_HASH_BYTES 64   /* BLAKE2b-512 */
#define NOISE_BLOCK_BYTES 128 /* BLAKE2b block, for HMAC */
#define NOISE_TAG_BYTES 16
#define NOISE_MSG_MAX 65535 /* the largest Noise message */
#define NOISE_PROLOGUE_MAX 1024
#define NOISE_PROTOCOL_NAME_MAX 64

/* The protocol Safer speaks. */
#define NOISE_SAFER_PROTOCOL "Noise_XK_25519_ChaChaPoly_BLAKE2b"

/* A cipher state: key, nonce and whether a key is set. */
typedef struct noise_cipher {
    uint8_t k[NOISE_KEY_BYTES];
    uint64_t n; /* next nonce; 2^64-1 is reserved and never used */
    int has_key;
} noise_cipher;

/* Sets the key and resets the nonce to zero. */
void noise_cipher_init(noise_cipher *c, const uint8_t k[NOISE_KEY_BYTES]);

/* Wipes the key. */
void noise_cipher_clear(noise_cipher *c);

/*
 * Encrypts inlen bytes of in with ad into out, which must have room for
 * inlen + NOISE_TAG_BYTES bytes (in and out may be the same buffer). Without a
 * key it copies the plaintext, as the specification says. Returns 0, or
 * SAFER_E_NONCE once the nonce would reach 2^64-1.
 */
int noise_cipher_encrypt(noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *in,
    size_t inlen, uint8_t *out);

/*
 * Decrypts and authenticates inlen bytes (ciphertext plus tag) into out, which
 * must have room for inlen - NOISE_TAG_BYTES bytes. Returns 0, SAFER_E_DECRYPT
 * (the nonce does not advance), SAFER_E_FRAME if inlen is shorter than a tag,
 * SAFER_E_NONCE, or SAFER_E_STATE without a key (the handshake deals with the
 * keyless case itself, where no tag is present).
 */
int noise_cipher_decrypt(noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *in,
    size_t inlen, uint8_t *out);

/* HMAC-BLAKE2b-512 per RFC 2104 over unkeyed BLAKE2b (not BLAKE2b's keyed mode). */
void noise_hmac(const uint8_t *key, size_t keylen, const uint8_t *data, size_t datalen,
    uint8_t out[NOISE_HASH_BYTES]);

/* Noise HKDF: two or three outputs of NOISE_HASH_BYTES (out3 may be NULL). */
void noise_hkdf(const uint8_t ck[NOISE_HASH_BYTES], const uint8_t *ikm, size_t ikmlen,
    uint8_t out1[NOISE_HASH_BYTES], uint8_t out2[NOISE_HASH_BYTES], uint8_t out3[NOISE_HASH_BYTES]);

/* Makes an X25519 key pair from the system's random source. */
int noise_keypair(uint8_t sk[NOISE_KEY_BYTES], uint8_t pk[NOISE_KEY_BYTES]);

/* The public key of a private key. Returns SAFER_E_CRYPTO on a bad key. */
int noise_public_key(const uint8_t sk[NOISE_KEY_BYTES], uint8_t pk[NOISE_KEY_BYTES]);

typedef struct noise_hs noise_hs;

/* What noise_hs_new needs; pointers are borrowed for the call only. */
typedef struct noise_hs_config {
    const char *protocol_name; /* e.g. NOISE_SAFER_PROTOCOL */
    int initiator;             /* 1 for the initiator, 0 for the responder */
    const uint8_t *prologue;
    size_t prologue_len; /* at most NOISE_PROLOGUE_MAX */
    const uint8_t *s;    /* our static private key, or NULL if the pattern has none */
    const uint8_t *rs;   /* the peer's static public key when known in advance, or NULL */
    const uint8_t *e;    /* a fixed ephemeral private key, for tests only; NULL = random */
} noise_hs_config;

/*
 * Starts a handshake. Returns 0, SAFER_E_INVAL for an unknown or unsupported
 * protocol name or a missing key the pattern needs, or SAFER_E_NOMEM.
 */
int noise_hs_new(noise_hs **out, const noise_hs_config *cfg);

/* Wipes and frees; NULL is allowed. */
void noise_hs_free(noise_hs *hs);

/* 1 if it is our turn to write the next handshake message, else 0. */
int noise_hs_should_write(const noise_hs *hs);

/* 1 once every handshake message has been written or read. */
int noise_hs_done(const noise_hs *hs);

/*
 * Writes the next handshake message with payload into out (outcap bytes) and
 * sets *outlen. Returns 0, SAFER_E_STATE if it is not our turn, SAFER_E_TOOBIG
 * if the message would not fit in outcap or NOISE_MSG_MAX, SAFER_E_CRYPTO.
 */
int noise_hs_write(noise_hs *hs, const uint8_t *payload, size_t payload_len, uint8_t *out,
    size_t outcap, size_t *outlen);

/*
 * Reads the next handshake message, writing its payload into payload
 * (payload_cap bytes) and setting *payload_len. Returns 0, SAFER_E_STATE,
 * SAFER_E_PROTO if msg is too short, SAFER_E_DECRYPT if it fails
 * authentication, SAFER_E_CRYPTO (for example an all-zero DH result), or
 * SAFER_E_TOOBIG if the payload does not fit. After any failure the handshake
 * is dead: every later call returns SAFER_E_STATE.
 */
int noise_hs_read(noise_hs *hs, const uint8_t *msg, size_t msg_len, uint8_t *payload,
    size_t payload_cap, size_t *payload_len);

/*
 * After the handshake: the two transport cipher states, oriented for this
 * side (send for our messages, recv for the peer's). Returns SAFER_E_STATE
 * before the handshake is done.
 */
int noise_hs_split(noise_hs *hs, noise_cipher *send, noise_cipher *recv);

/* The handshake hash h (valid once done). */
void noise_hs_hash(const noise_hs *hs, uint8_t h[NOISE_HASH_BYTES]);

/* The peer's static public key; SAFER_E_STATE if not yet known. */
int noise_hs_remote_static(const noise_hs *hs, uint8_t rs[NOISE_KEY_BYTES]);

#endif
