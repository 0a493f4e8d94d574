/*
 * Budgeted unpacking and packing of the envelopes. Each allocation carries a
 * small header with its size so that frees can return it to the budget.
 */
#include "common/pb.h"

#include <stdlib.h>

#include <sodium.h>

#include "common/err.h"

/* Keeps the user's pointer aligned for any type. */
typedef union pb_hdr {
    size_t size;
    max_align_t align;
} pb_hdr;

static void *pb_alloc(void *data, size_t size)
{
    pb_budget *b = data;
    pb_hdr *h;

    if (size > b->max - b->used || size > SIZE_MAX - sizeof(pb_hdr))
        return NULL;
    h = malloc(sizeof(pb_hdr) + size);
    if (!h)
        return NULL;
    h->size = size;
    b->used += size;
    return h + 1;
}

static void pb_free(void *data, void *ptr)
{
    pb_budget *b = data;
    pb_hdr *h;

    if (!ptr)
        return;
    h = (pb_hdr *)ptr - 1;
    b->used -= h->size;
    /* Unpacked messages hold invite and rotation codes and report text: leave none behind. */
    sodium_memzero(ptr, h->size);
    free(h);
}

void pb_budget_init(pb_budget *b, size_t max)
{
    b->alloc.alloc = pb_alloc;
    b->alloc.free = pb_free;
    b->alloc.allocator_data = b;
    b->used = 0;
    b->max = max;
}

Safer__Request *pb_request_unpack(pb_budget *b, const uint8_t *buf, size_t len)
{
    return safer__request__unpack(&b->alloc, len, buf);
}

Safer__Response *pb_response_unpack(pb_budget *b, const uint8_t *buf, size_t len)
{
    return safer__response__unpack(&b->alloc, len, buf);
}

void pb_request_free(pb_budget *b, Safer__Request *rq)
{
    if (rq)
        safer__request__free_unpacked(rq, &b->alloc);
}

void pb_response_free(pb_budget *b, Safer__Response *rs)
{
    if (rs)
        safer__response__free_unpacked(rs, &b->alloc);
}

static int pb_pack(const ProtobufCMessage *m, uint8_t **out, size_t *len)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    /* One extra byte so that an empty message still gets a real buffer. */
    uint8_t *buf = malloc(n + 1);

    if (!buf)
        return SAFER_E_NOMEM;
    *len = protobuf_c_message_pack(m, buf);
    *out = buf;
    return 0;
}

int pb_request_pack(const Safer__Request *rq, uint8_t **out, size_t *len)
{
    return pb_pack(&rq->base, out, len);
}

int pb_response_pack(const Safer__Response *rs, uint8_t **out, size_t *len)
{
    return pb_pack(&rs->base, out, len);
}
