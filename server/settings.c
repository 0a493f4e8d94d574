/*
 * The settings table behind settings.h.
 */
#include "server/settings.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"

/* Where a read copies the value. */
struct settings_out {
    char *buf;
    size_t len;
    int found;
};

static int settings_row(void *ctx, const store_val *cols, size_t ncols)
{
    struct settings_out *out = ctx;

    if (ncols != 1 || cols[0].type != STORE_TEXT)
        return SAFER_E_DB;
    if (cols[0].n >= out->len)
        return SAFER_E_TOOBIG;
    memcpy(out->buf, cols[0].p, cols[0].n);
    out->buf[cols[0].n] = '\0';
    out->found = 1;
    return 0;
}

static int settings_key_ok(const char *key)
{
    size_t n = key ? strnlen(key, SETTINGS_KEY_MAX + 1) : 0;

    return n > 0 && n <= SETTINGS_KEY_MAX;
}

int settings_get(store *st, const char *key, char *buf, size_t len)
{
    struct settings_out out = { .buf = buf, .len = len };
    const store_val args[] = { SV_TEXT(key ? key : "") };
    int rc;

    if (!settings_key_ok(key) || !buf || len == 0)
        return SAFER_E_INVAL;
    rc = store_read(st, ST_SETTING_GET, args, 1, settings_row, &out);
    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    return out.found ? 0 : SAFER_E_NOTFOUND;
}

int settings_set_tx(store_tx *tx, const char *key, const char *value)
{
    if (!settings_key_ok(key) || !value
        || strnlen(value, SETTINGS_VALUE_MAX + 1) > SETTINGS_VALUE_MAX)
        return SAFER_E_INVAL;
    {
        const store_val args[] = { SV_TEXT(key), SV_TEXT(value) };

        return store_tx_exec(tx, ST_SETTING_SET, args, 2, NULL, NULL);
    }
}
