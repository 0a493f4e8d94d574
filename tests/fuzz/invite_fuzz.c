/*
 * libFuzzer target for the invite parser and the HOST:PORT parser. Whatever
 * parses must format back to a string that parses to the same invite, so the
 * target also checks that parse and format agree.
 */
#include "common/invite.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[INVITE_MAX + 64];
    char why[256], out[INVITE_MAX + 1], host[INVITE_HOST_MAX + 1];
    invite a, b;
    uint16_t port;

    /* Inputs a little past the limit still reach the length check. */
    if (size >= sizeof(s))
        size = sizeof(s) - 1;
    memcpy(s, data, size);
    s[size] = '\0';

    (void)invite_parse_hostport(s, host, sizeof(host), &port, why, sizeof(why));
    if (invite_parse(s, &a, why, sizeof(why)) != 0)
        return 0;
    if (invite_format(&a, out, sizeof(out)) != 0)
        abort();
    if (invite_parse(out, &b, why, sizeof(why)) != 0)
        abort();
    if (strcmp(a.host, b.host) != 0 || a.port != b.port || strcmp(a.code, b.code) != 0
        || memcmp(a.server_pk, b.server_pk, sizeof(a.server_pk)) != 0)
        abort();
    return 0;
}
