/*
 * The growing byte buffer every pack renderer writes into. It doubles as it
 * grows and refuses to pass PACK_MAX, so a hostile or runaway model can never
 * make a renderer take more than that much memory for its output.
 */
#include "server/pack.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static int reserve(pack_buf *b, size_t extra)
{
    if (extra > PACK_MAX || b->len > PACK_MAX - extra)
        return SAFER_E_TOOBIG;
    size_t need = b->len + extra;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap = cap > PACK_MAX / 2 ? PACK_MAX : cap * 2;
    uint8_t *p = realloc(b->data, cap);
    if (p == NULL)
        return SAFER_E_NOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int pack_buf_append(pack_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    int rc = reserve(b, n);
    if (rc != 0)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int pack_buf_printf(pack_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[512];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SAFER_E_INVAL;
    if ((size_t)n < sizeof small)
        return pack_buf_append(b, small, (size_t)n);
    /* Too long for the stack: format straight into the buffer, with room
     * for vsnprintf's NUL, which is then not counted. */
    int rc = reserve(b, (size_t)n + 1);
    if (rc != 0)
        return rc;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void pack_buf_free(pack_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
