/*
 * Key files and fingerprints. A private key file holds one X25519 private key
 * (or, for the server's signing key, one Ed25519 seed), optionally sealed with
 * a passphrase (Argon2id through crypto_pwhash, then crypto_secretbox). Files
 * are written 0600 through a temporary file and rename, so a failed write
 * never leaves half a key behind.
 *
 * Format (text, one line each):
 *     safer-key-v1 plain <base64url key>
 *     safer-key-v1 argon2id <opslimit> <memlimit> <base64url salt> <base64url nonce> <base64url
 * box>
 */
#ifndef SAFER_COMMON_KEYFILE_H
#define SAFER_COMMON_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KEYFILE_KEY_BYTES 32
#define KEYFILE_MAX 1024 /* the largest key file read */
#define KEYFILE_PASSPHRASE_MAX 1024
#define KEYFILE_FPR_CHARS 19 /* "xxxx-xxxx-xxxx-xxxx" */

/*
 * Writes key to path with mode 0600. passphrase may be NULL (plain). Returns
 * 0, SAFER_E_IO (errno is kept), SAFER_E_CRYPTO.
 */
int keyfile_write(const char *path, const uint8_t key[KEYFILE_KEY_BYTES], const char *passphrase);

/*
 * Reads a key. If the file is sealed and passphrase is NULL, returns
 * SAFER_E_PASSPHRASE without touching key; a wrong passphrase also gives
 * SAFER_E_PASSPHRASE. SAFER_E_NOTFOUND if the file does not exist,
 * SAFER_E_INVAL if it is malformed, SAFER_E_IO otherwise.
 */
int keyfile_read(const char *path, uint8_t key[KEYFILE_KEY_BYTES], const char *passphrase);

/* 1 if the file at path is passphrase-sealed, 0 if plain, negative on error. */
int keyfile_is_sealed(const char *path);

/*
 * The fingerprint people see for a public key: the first 8 bytes of its
 * BLAKE2b-256 hash in lowercase hex, in four groups of four.
 */
void keyfile_fingerprint(const uint8_t pk[KEYFILE_KEY_BYTES], char out[KEYFILE_FPR_CHARS + 1]);

/* base64url without padding; out must hold 44 bytes. */
void keyfile_b64_encode32(const uint8_t in[32], char out[44]);

/* Decodes exactly 32 bytes from 43 base64url characters; SAFER_E_INVAL else. */
int keyfile_b64_decode32(const char *in, uint8_t out[32]);

#endif
