/*
 * Framing: every Noise message travels as a 2-byte big-endian length and then
 * the message itself. Lengths outside FRAME_MIN..FRAME_MAX are rejected before
 * anything is allocated for them.
 */
#ifndef SAFER_COMMON_FRAME_H
#define SAFER_COMMON_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HDR_BYTES 2
#define FRAME_MIN 16 /* a Noise message is at least one tag long */
#define FRAME_MAX 65535

/* Reads the length from a header. */
size_t frame_get_len(const uint8_t hdr[FRAME_HDR_BYTES]);

/* Writes the header for len, which must be within FRAME_MIN..FRAME_MAX. */
void frame_put_len(uint8_t hdr[FRAME_HDR_BYTES], size_t len);

/* 0 if len is a valid frame length, else SAFER_E_FRAME. */
int frame_check_len(size_t len);

#endif
