/*
 * Protobuf helpers with limits. protobuf-c's unpack has no size or depth
 * bound of its own, so every unpack here goes through an allocator with a
 * budget: a message whose decoded form would take more than the budget fails
 * instead of taking the memory. Frames are bounded before they get here.
 */
#ifndef SAFER_COMMON_PB_H
#define SAFER_COMMON_PB_H

#include <stddef.h>
#include <stdint.h>

#include "proto/safer.pb-c.h"

/* The default budget: decoded form of one message, a few times its wire size. */
#define PB_BUDGET_DEFAULT (64u * 1024u * 1024u)

typedef struct pb_budget {
    ProtobufCAllocator alloc; /* hands out memory while used + n <= max */
    size_t used;              /* bytes currently handed out */
    size_t max;
} pb_budget;

void pb_budget_init(pb_budget *b, size_t max);

/*
 * Unpacks a Request or Response with the budget b. Returns NULL if the bytes
 * are malformed or the budget runs out. Free with the matching *_free, giving
 * the same budget.
 */
Safer__Request *pb_request_unpack(pb_budget *b, const uint8_t *buf, size_t len);
Safer__Response *pb_response_unpack(pb_budget *b, const uint8_t *buf, size_t len);
void pb_request_free(pb_budget *b, Safer__Request *rq);
void pb_response_free(pb_budget *b, Safer__Response *rs);

/* Packs into a malloc'd buffer (caller frees). SAFER_E_NOMEM on failure. */
int pb_request_pack(const Safer__Request *rq, uint8_t **out, size_t *len);
int pb_response_pack(const Safer__Response *rs, uint8_t **out, size_t *len);

#endif
