/*
 * The helpers behind board.h. The UTF-8 check is strict (RFC 3629), the same
 * rule the server applies to report bodies, so a file the client accepts is
 * not refused later for its encoding.
 */
#include "client/board.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/admin.h"
#include "client/cli.h"
#include "client/pbjson.h"
#include "common/err.h"

int board_code(const char *what, const char *code)
{
    size_t n = strlen(code);

    if (n == 0 || n > BOARD_CODE_MAX || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return admin_bad(what, code, "want 1 to 32 of a-z, 0-9 and '-'");
    return 0;
}

int board_split(const char *what, const char *in, char sep, board_list *out)
{
    char *p;

    out->n = 0;
    if (strlen(in) > BOARD_LIST_TEXT_MAX)
        return admin_bad(what, in, "the list is too long");
    snprintf(out->text, sizeof(out->text), "%s", in);
    p = out->text;
    for (;;) {
        char *end = strchr(p, sep);
        if (end != NULL)
            *end = '\0';
        if (*p == '\0')
            return admin_bad(what, in, "an empty item in the list");
        for (size_t i = 0; i < out->n; i++) {
            if (strcmp(out->items[i], p) == 0)
                return admin_bad(what, p, "given twice");
        }
        if (out->n >= BOARD_LIST_MAX)
            return admin_bad(what, in, "too many items in the list");
        out->items[out->n++] = p;
        if (end == NULL)
            return 0;
        p = end + 1;
    }
}

int board_codes(const char *what, const char *in, board_list *out)
{
    if (board_split(what, in, ',', out) != 0)
        return -1;
    for (size_t i = 0; i < out->n; i++) {
        if (board_code(what, out->items[i]) != 0)
            return -1;
    }
    return 0;
}

int board_number(const char *what, const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    char why[64];

    snprintf(why, sizeof(why), "want a whole number from 1 to %llu", (unsigned long long)max);
    if (s[0] == '\0' || strlen(s) > 19 || strspn(s, "0123456789") != strlen(s))
        return admin_bad(what, s, why);
    for (const char *p = s; *p != '\0'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    if (v < 1 || v > max)
        return admin_bad(what, s, why);
    *out = v;
    return 0;
}

/* The length of the UTF-8 sequence at s (n bytes left), or 0 if it is not a valid one. */
static size_t board_utf8_seq(const uint8_t *s, size_t n)
{
    uint32_t cp;
    size_t len;

    if (s[0] < 0x80)
        return s[0] == 0 ? 0 : 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

long board_utf8_chars(const uint8_t *s, size_t len, size_t *bad)
{
    long chars = 0;

    for (size_t i = 0; i < len; chars++) {
        size_t n = board_utf8_seq(s + i, len - i);
        if (n == 0) {
            *bad = i;
            return -1;
        }
        i += n;
    }
    return chars;
}

int board_text(const char *what, const char *s, size_t max, int allow_empty, int multiline)
{
    size_t bad = 0;
    long chars = board_utf8_chars((const uint8_t *)s, strlen(s), &bad);
    char why[80];
    char quoted[BOARD_QUOTE_CHARS * 4 + 4];

    /* Long text is quoted only by its start: the message names it, it need not repeat it. */
    board_cut(s, BOARD_QUOTE_CHARS, quoted, sizeof(quoted));
    if (chars < 0)
        return admin_bad(what, quoted, "not valid UTF-8");
    if (chars == 0 && !allow_empty)
        return admin_bad(what, quoted, "must not be empty");
    if ((size_t)chars > max) {
        snprintf(why, sizeof(why), "%ld characters; the limit is %zu", chars, max);
        return admin_bad(what, quoted, why);
    }
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\t')))
            return admin_bad(what, quoted, "contains a control character");
    }
    return 0;
}

/* Reads exactly len bytes from fd into buf. */
static int board_read_all(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO; /* the file shrank while being read */
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

/* Says why the file content is refused, or returns 0. */
static int board_check_content(const char *path, const uint8_t *buf, size_t len)
{
    size_t bad = 0;

    if (board_utf8_chars(buf, len, &bad) < 0) {
        fputs("safer: ", stderr);
        cli_put_safe(stderr, path);
        fprintf(stderr, " is not UTF-8 text (byte %zu)\n", bad);
        return -1;
    }
    return 0;
}

int board_read_file(const char *path, size_t max, int allow_empty, uint8_t **out, size_t *len)
{
    struct stat st;
    uint8_t *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ret = -1;

    *out = NULL;
    *len = 0;
    if (fd < 0 || fstat(fd, &st) != 0) {
        cli_fail("reading file", "%s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_fail("reading file", "%s: not a regular file", path);
        goto out;
    }
    if (st.st_size == 0 && !allow_empty) {
        fputs("safer: ", stderr);
        cli_put_safe(stderr, path);
        fputs(" is empty\n", stderr);
        goto out;
    }
    if ((uint64_t)st.st_size > max) {
        fputs("safer: ", stderr);
        cli_put_safe(stderr, path);
        fprintf(stderr, " is %lld bytes; the limit is %zu\n", (long long)st.st_size, max);
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        cli_fail("reading file", "%s: %s", path, err_msg(SAFER_E_NOMEM));
        goto out;
    }
    if (board_read_all(fd, buf, (size_t)st.st_size) != 0) {
        cli_fail("reading file", "%s: %s", path, strerror(errno));
        goto out;
    }
    buf[st.st_size] = '\0';
    if (board_check_content(path, buf, (size_t)st.st_size) != 0)
        goto out;
    *out = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
    ret = 0;
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return ret;
}

void board_put_text(FILE *f, const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        fputc((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : c, f);
    }
}

void board_word(const ProtobufCEnumDescriptor *d, int value, char buf[BOARD_WORD_MAX])
{
    if (pbjson_enum_name(d, value, buf, BOARD_WORD_MAX) != 0) {
        snprintf(buf, BOARD_WORD_MAX, "?");
        return;
    }
    for (char *p = buf; *p != '\0'; p++) {
        if (*p == '_')
            *p = ' ';
    }
}

void board_cut(const char *s, size_t width, char *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)(s != NULL ? s : "");
    size_t used = 0, chars = 0;

    if (len == 0)
        return;
    while (*p != '\0') {
        size_t n = board_utf8_seq(p, strlen((const char *)p));
        if (n == 0)
            n = 1; /* the table replaces a broken byte with '?' */
        if (chars + 1 > width || used + n + 4 > len) {
            /* Make room for "..." within the width. */
            while (chars + 3 > width && used > 0) {
                do
                    used--;
                while (used > 0 && ((uint8_t)buf[used] & 0xc0) == 0x80);
                chars--;
            }
            snprintf(buf + used, len - used, "...");
            return;
        }
        for (size_t i = 0; i < n; i++)
            buf[used++] = (p[i] == '\n' || p[i] == '\r') ? ' ' : (char)p[i];
        chars++;
        p += n;
    }
    buf[used] = '\0';
}
