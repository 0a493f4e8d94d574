/*
 * The signature file that travels with a board pack. `safer pack pull`
 * writes FILE.sig beside FILE and `safer pack verify` checks it offline. It
 * is text, exactly three lines, each ending in a newline:
 *
 *     safer-pack-signature-v1
 *     key <base64url, no padding, of the server's 32-byte Ed25519 public key>
 *     sig <base64url, no padding, of the 64-byte Ed25519 signature over FILE>
 *
 * Parsing is strict, like the server file's: anything else fails with a
 * message naming its line. Checking a signature means two things: the key in
 * the file is the sign key pinned at enrolment, and the signature over the
 * file's exact bytes verifies under it.
 *
 * Files are written through "PATH.tmp", fsync and rename, so a reader sees
 * the old file or the new one, never half of either.
 */
#ifndef SAFER_CLIENT_PACKSIG_H
#define SAFER_CLIENT_PACKSIG_H

#include <stddef.h>
#include <stdint.h>

#define PACKSIG_MAGIC "safer-pack-signature-v1"
#define PACKSIG_KEY_BYTES 32
#define PACKSIG_SIG_BYTES 64
#define PACKSIG_KEY_CHARS 43 /* base64url of 32 bytes, no padding */
#define PACKSIG_SIG_CHARS 86 /* base64url of 64 bytes, no padding */
#define PACKSIG_TEXT_MAX 256 /* the largest signature file read; a good one is 162 bytes */
#define PACKSIG_DATA_MAX (64u * 1024u * 1024u) /* the largest pack read or pulled */
#define PACKSIG_WHY_MAX 128                    /* room for a parse error */
#define PACKSIG_MODE 0644                      /* packs are documents, meant to be shared */

/* One parsed signature file. */
typedef struct packsig {
    uint8_t key[PACKSIG_KEY_BYTES]; /* the Ed25519 public key that signed */
    uint8_t sig[PACKSIG_SIG_BYTES]; /* the detached signature over the pack */
} packsig;

/*
 * Formats s as a signature file into buf (len bytes, NUL terminated).
 * Returns 0, or SAFER_E_TOOBIG when it does not fit.
 */
int packsig_format(const packsig *s, char *buf, size_t len);

/*
 * Parses the text of a signature file (len bytes, not necessarily
 * terminated) into out. SAFER_E_INVAL with "line N: ..." in why (why_len
 * bytes) when it is malformed; SAFER_E_TOOBIG past PACKSIG_TEXT_MAX.
 */
int packsig_parse(const char *text, size_t len, packsig *out, char *why, size_t why_len);

/*
 * Checks s over data (len bytes) against the pinned sign key. Returns 0 when
 * the key is the pinned one and the signature verifies; SAFER_E_PERM when
 * the file names another key (signed by a key this client does not trust);
 * SAFER_E_DECRYPT when the signature does not verify (a changed byte).
 */
int packsig_check(
    const packsig *s, const uint8_t pinned[PACKSIG_KEY_BYTES], const uint8_t *data, size_t len);

/*
 * Reads the regular file at path, at most max bytes, into a new buffer *out
 * (free(); never NULL on success, even for an empty file), *len its size.
 * SAFER_E_NOTFOUND when it does not exist, SAFER_E_TOOBIG past max,
 * SAFER_E_INVAL when it is not a regular file, SAFER_E_IO (errno kept).
 */
int packsig_load(const char *path, size_t max, uint8_t **out, size_t *len);

/*
 * Reads and parses the signature file at path: packsig_load's codes, then
 * packsig_parse's with the message in why.
 */
int packsig_read(const char *path, packsig *out, char *why, size_t why_len);

/*
 * Writes len bytes of data to path with PACKSIG_MODE (less the umask)
 * through "PATH.tmp", fsync and rename. SAFER_E_TOOBIG when the temporary
 * name does not fit, SAFER_E_IO (errno kept) on failure, in which case the
 * temporary file is removed and any old file at path is untouched.
 */
int packsig_write_file(const char *path, const uint8_t *data, size_t len);

/* Formats s and writes it to path with packsig_write_file. */
int packsig_write(const char *path, const packsig *s);

#endif
