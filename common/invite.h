/*
 * Invites: one string that carries everything a new user needs to enrol,
 *
 *     safer://HOST:PORT/SERVERKEY/CODE
 *
 * HOST is a DNS name, an IPv4 address or a bracketed IPv6 address; PORT is
 * 1..65535; SERVERKEY is the server's X25519 public key and CODE the one-time
 * code, both base64url without padding (43 and 22 characters).
 */
#ifndef SAFER_COMMON_INVITE_H
#define SAFER_COMMON_INVITE_H

#include <stddef.h>
#include <stdint.h>

#define INVITE_SCHEME "safer://"
#define INVITE_HOST_MAX 253
#define INVITE_CODE_BYTES 16
#define INVITE_CODE_CHARS 22 /* base64url of 16 bytes, no padding */
#define INVITE_KEY_CHARS 43  /* base64url of 32 bytes, no padding */
#define INVITE_MAX 512       /* the longest invite string accepted */

typedef struct invite {
    char host[INVITE_HOST_MAX + 1]; /* without brackets for IPv6 */
    uint16_t port;
    uint8_t server_pk[32];
    char code[INVITE_CODE_CHARS + 1];
} invite;

/*
 * Parses s. On failure returns SAFER_E_INVAL and, when why is not NULL, writes
 * a message naming the part that was wrong into why (why_len bytes).
 */
int invite_parse(const char *s, invite *out, char *why, size_t why_len);

/* Formats an invite into buf; SAFER_E_TOOBIG if buf is too small. */
int invite_format(const invite *inv, char *buf, size_t buf_len);

/* Makes a fresh random code (INVITE_CODE_CHARS characters plus NUL). */
void invite_new_code(char code[INVITE_CODE_CHARS + 1]);

/*
 * Parses "HOST:PORT" (IPv6 as "[addr]:PORT") into host and port. SAFER_E_INVAL
 * with a message in why on failure.
 */
int invite_parse_hostport(
    const char *s, char *host, size_t host_len, uint16_t *port, char *why, size_t why_len);

#endif
