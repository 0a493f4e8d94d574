/*
 * libFuzzer target for the config file parser. Whatever the text, the parse
 * must either succeed with every number inside its bounds, or fail with a
 * message that names the text and a line that exists in it.
 */
#include "server/config.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The number of lines in text, counting a last one without its newline. */
static int fuzz_lines(const uint8_t *data, size_t size)
{
    int n = size > 0 && data[size - 1] != '\n';

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[CONFIG_ERR_MAX];
    config c;
    long line;

    if (size > CONFIG_FILE_MAX || config_defaults(&c) != 0)
        return 0;
    if (config_parse(&c, "fuzz", (const char *)data, size, err, sizeof(err)) == 0) {
        for (int i = 0; i < CONFIG_NITEMS; i++) {
            const config_item *it = &config_items[i];
            uint64_t v;

            if (it->type != CONFIG_NUMBER)
                continue;
            memcpy(&v, (const char *)&c + it->offset, sizeof(v));
            if (v < it->min || v > it->max)
                abort();
        }
        return 0;
    }
    if (strncmp(err, "fuzz:", 5) != 0)
        abort();
    line = strtol(err + 5, NULL, 10);
    if (line < 1 || line > fuzz_lines(data, size))
        abort();
    return 0;
}
