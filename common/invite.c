/*
 * Invite strings, safer://HOST:PORT/SERVERKEY/CODE, and the HOST:PORT syntax
 * they share with --listen. Parsing is strict: the only leniency is that
 * trailing whitespace is dropped, because people paste invites from mail and
 * chat. Every rejection says which part was wrong, quoting it when it is not
 * secret; the code is a secret and is never quoted.
 */
#include "common/invite.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/err.h"
#include "common/keyfile.h"

#define INVITE_PORT_CHARS_MAX 5 /* "65535" */
#define INVITE_IP6_CHARS_MAX 45 /* the longest textual IPv6 address */
#define INVITE_LABEL_MAX 63     /* the longest DNS label */

/* Writes a message into why when the caller asked for one. */
__attribute__((format(printf, 3, 4))) static void invite_why(
    char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;

    if (why == NULL || why_len == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

static int invite_is_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_';
}

/* 1 if s (n bytes) is a DNS name or a dotted IPv4 address, else 0. */
static int invite_host_name_ok(const char *s, size_t n)
{
    char ip4[INET_ADDRSTRLEN];
    struct in_addr a4;
    size_t label = 0;
    int all_numeric = 1;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '.') {
            /* Empty labels and labels that end in a hyphen are not names. */
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-'))
            return 0;
        if (c == '-' && label == 0)
            return 0;
        if (!(c >= '0' && c <= '9'))
            all_numeric = 0;
        if (++label > INVITE_LABEL_MAX)
            return 0;
    }
    if (label == 0 || s[n - 1] == '-')
        return 0;
    /* Digits and dots only must be a real IPv4 address, not "999.1.1.1". */
    if (all_numeric) {
        if (n >= sizeof(ip4))
            return 0;
        memcpy(ip4, s, n);
        ip4[n] = '\0';
        return inet_pton(AF_INET, ip4, &a4) == 1;
    }
    return 1;
}

/* 1 if s (n bytes) is a textual IPv6 address, else 0. */
static int invite_host_ip6_ok(const char *s, size_t n)
{
    char ip6[INVITE_IP6_CHARS_MAX + 1];
    struct in6_addr a6;

    if (n == 0 || n > INVITE_IP6_CHARS_MAX)
        return 0;
    memcpy(ip6, s, n);
    ip6[n] = '\0';
    return inet_pton(AF_INET6, ip6, &a6) == 1;
}

/* Parses a port of 1..5 digits without a leading zero, in 1..65535. */
static int invite_port_parse(const char *s, size_t n, uint16_t *port)
{
    unsigned long v = 0;

    if (n == 0 || n > INVITE_PORT_CHARS_MAX || s[0] == '0')
        return SAFER_E_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return SAFER_E_INVAL;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return SAFER_E_INVAL;
    *port = (uint16_t)v;
    return 0;
}

/*
 * Parses HOST:PORT from s (n bytes, not necessarily terminated). what prefixes
 * every message ("invite " or ""), so an invite's errors say they are about
 * the invite.
 */
static int invite_hostport(const char *s, size_t n, const char *what, char *host, size_t host_len,
    uint16_t *port, char *why, size_t why_len)
{
    const char *h = s, *colon;
    size_t hn;

    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);

        if (close == NULL) {
            invite_why(why, why_len, "%shost has '[' without ']'", what);
            return SAFER_E_INVAL;
        }
        h = s + 1;
        hn = (size_t)(close - h);
        colon = close + 1 < s + n && close[1] == ':' ? close + 1 : NULL;
        if (colon == NULL && close + 1 < s + n) {
            invite_why(why, why_len, "%sexpected ':PORT' after ']'", what);
            return SAFER_E_INVAL;
        }
    } else {
        colon = memchr(s, ':', n);
        hn = colon ? (size_t)(colon - s) : n;
        if (colon != NULL && memchr(colon + 1, ':', n - hn - 1) != NULL) {
            invite_why(why, why_len, "%sIPv6 host must be in brackets, as [ADDR]:PORT", what);
            return SAFER_E_INVAL;
        }
    }
    if (hn == 0) {
        invite_why(why, why_len, "%shost is empty", what);
        return SAFER_E_INVAL;
    }
    if (hn > INVITE_HOST_MAX || hn >= host_len) {
        invite_why(why, why_len, "%shost is longer than %d characters", what,
            (int)(host_len - 1 < INVITE_HOST_MAX ? host_len - 1 : INVITE_HOST_MAX));
        return SAFER_E_INVAL;
    }
    if (h != s ? !invite_host_ip6_ok(h, hn) : !invite_host_name_ok(h, hn)) {
        invite_why(why, why_len, "%shost '%.*s' is not a %s", what, (int)hn, h,
            h != s ? "valid IPv6 address" : "valid host name or IPv4 address");
        return SAFER_E_INVAL;
    }
    if (colon == NULL) {
        invite_why(why, why_len, "%shas no ':PORT' after the host", what);
        return SAFER_E_INVAL;
    }
    if (invite_port_parse(colon + 1, (size_t)(s + n - colon - 1), port) < 0) {
        int pn = (int)(s + n - colon - 1);
        invite_why(
            why, why_len, "%sport '%.*s' is not 1..65535", what, pn > 16 ? 16 : pn, colon + 1);
        return SAFER_E_INVAL;
    }
    memcpy(host, h, hn);
    host[hn] = '\0';
    return 0;
}

int invite_parse_hostport(
    const char *s, char *host, size_t host_len, uint16_t *port, char *why, size_t why_len)
{
    size_t n;

    if (s == NULL || host == NULL || host_len == 0 || port == NULL) {
        invite_why(why, why_len, "no HOST:PORT given");
        return SAFER_E_INVAL;
    }
    n = strnlen(s, INVITE_MAX + 1);
    if (n > INVITE_MAX) {
        invite_why(why, why_len, "HOST:PORT is longer than %d characters", INVITE_MAX);
        return SAFER_E_INVAL;
    }
    if (n == 0) {
        invite_why(why, why_len, "HOST:PORT is empty");
        return SAFER_E_INVAL;
    }
    return invite_hostport(s, n, "", host, host_len, port, why, why_len);
}

/* Checks the CODE part (n bytes at s): 22 base64url characters for 16 bytes. */
static int invite_code_ok(const char *s, size_t n)
{
    uint8_t bin[INVITE_CODE_BYTES];
    size_t bin_len = 0;
    int ok;

    if (n != INVITE_CODE_CHARS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!invite_is_b64url(s[i]))
            return 0;
    }
    /* Decoding also rejects non-canonical trailing bits, so each code has one spelling. */
    ok = sodium_base642bin(
             bin, sizeof(bin), s, n, NULL, &bin_len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
            == 0
        && bin_len == sizeof(bin);
    sodium_memzero(bin, sizeof(bin));
    return ok;
}

/* Parses AUTHORITY/KEY/CODE, the part after the scheme, into inv. */
static int invite_parse_rest(const char *s, size_t n, invite *inv, char *why, size_t why_len)
{
    char key[INVITE_KEY_CHARS + 1];
    const char *slash1 = memchr(s, '/', n), *slash2;
    size_t keyn, coden;
    int ret;

    if (slash1 == NULL) {
        invite_why(why, why_len, "invite has no '/SERVERKEY/CODE' after HOST:PORT");
        return SAFER_E_INVAL;
    }
    if (slash1 == s) {
        invite_why(why, why_len, "invite has no HOST:PORT after safer://");
        return SAFER_E_INVAL;
    }
    ret = invite_hostport(
        s, (size_t)(slash1 - s), "invite ", inv->host, sizeof(inv->host), &inv->port, why, why_len);
    if (ret < 0)
        return ret;
    slash2 = memchr(slash1 + 1, '/', (size_t)(s + n - slash1 - 1));
    if (slash2 == NULL) {
        invite_why(why, why_len, "invite has no '/CODE' after the server key");
        return SAFER_E_INVAL;
    }
    keyn = (size_t)(slash2 - slash1 - 1);
    if (keyn != INVITE_KEY_CHARS) {
        invite_why(
            why, why_len, "invite server key is not %d base64url characters", INVITE_KEY_CHARS);
        return SAFER_E_INVAL;
    }
    memcpy(key, slash1 + 1, keyn);
    key[keyn] = '\0';
    if (keyfile_b64_decode32(key, inv->server_pk) < 0) {
        invite_why(
            why, why_len, "invite server key is not %d base64url characters", INVITE_KEY_CHARS);
        return SAFER_E_INVAL;
    }
    coden = (size_t)(s + n - slash2 - 1);
    if (!invite_code_ok(slash2 + 1, coden)) {
        invite_why(why, why_len, "invite code is not %d base64url characters", INVITE_CODE_CHARS);
        return SAFER_E_INVAL;
    }
    memcpy(inv->code, slash2 + 1, coden);
    inv->code[coden] = '\0';
    return 0;
}

int invite_parse(const char *s, invite *out, char *why, size_t why_len)
{
    const size_t scheme_len = sizeof(INVITE_SCHEME) - 1;
    invite inv;
    size_t n;
    int ret = SAFER_E_INVAL;

    memset(&inv, 0, sizeof(inv));
    if (s == NULL || out == NULL) {
        invite_why(why, why_len, "no invite given");
        goto out;
    }
    n = strnlen(s, INVITE_MAX + 1);
    if (n > INVITE_MAX) {
        invite_why(why, why_len, "invite is longer than %d characters", INVITE_MAX);
        goto out;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n < scheme_len || memcmp(s, INVITE_SCHEME, scheme_len) != 0) {
        invite_why(why, why_len, "invite must start with " INVITE_SCHEME);
        goto out;
    }
    ret = invite_parse_rest(s + scheme_len, n - scheme_len, &inv, why, why_len);
    if (ret < 0)
        goto out;
    *out = inv;
    ret = 0;
out:
    sodium_memzero(&inv, sizeof(inv));
    return ret;
}

int invite_format(const invite *inv, char *buf, size_t buf_len)
{
    char key[INVITE_KEY_CHARS + 1];
    int ipv6, n;

    if (inv->host[0] == '\0' || inv->port == 0 || strlen(inv->code) != INVITE_CODE_CHARS)
        return SAFER_E_INVAL;
    ipv6 = strchr(inv->host, ':') != NULL;
    keyfile_b64_encode32(inv->server_pk, key);
    n = snprintf(buf, buf_len, "%s%s%s%s:%u/%s/%s", INVITE_SCHEME, ipv6 ? "[" : "", inv->host,
        ipv6 ? "]" : "", (unsigned)inv->port, key, inv->code);
    if (n < 0)
        return SAFER_E_INTERNAL;
    if ((size_t)n >= buf_len) {
        if (buf_len > 0)
            sodium_memzero(buf, buf_len);
        return SAFER_E_TOOBIG;
    }
    return 0;
}

void invite_new_code(char code[INVITE_CODE_CHARS + 1])
{
    uint8_t bin[INVITE_CODE_BYTES];

    randombytes_buf(bin, sizeof(bin));
    sodium_bin2base64(
        code, INVITE_CODE_CHARS + 1, bin, sizeof(bin), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bin, sizeof(bin));
}
