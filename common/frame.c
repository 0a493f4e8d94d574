/*
 * Framing helpers: the 2-byte big-endian length that goes before every Noise
 * message on the wire, and the check that keeps lengths within what one Noise
 * message can be. Byte order is handled with explicit shifts, never casts, so
 * the code is the same on every host.
 */
#include "common/frame.h"

#include "common/err.h"

size_t frame_get_len(const uint8_t hdr[FRAME_HDR_BYTES])
{
    return ((size_t)hdr[0] << 8) | (size_t)hdr[1];
}

void frame_put_len(uint8_t hdr[FRAME_HDR_BYTES], size_t len)
{
    hdr[0] = (uint8_t)((len >> 8) & 0xffu);
    hdr[1] = (uint8_t)(len & 0xffu);
}

int frame_check_len(size_t len)
{
    if (len < FRAME_MIN || len > FRAME_MAX)
        return SAFER_E_FRAME;
    return 0;
}
