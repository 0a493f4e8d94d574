/*
 * The pack signature file behind packsig.h: formatting, strict parsing,
 * checking against the pinned key, and the whole-file reads and atomic
 * writes that pull and verify share.
 *
 * Sections: base64url; formatting and parsing; checking; files.
 */
#include "client/packsig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"

#define PACKSIG_B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define PACKSIG_B64_MAX (PACKSIG_SIG_CHARS + 1) /* room for the longer encoding */

/* ---- base64url ---- */

/*
 * Decodes exactly n bytes from the chars characters at in. The result is
 * encoded again and compared, so only the one canonical spelling of the
 * bytes is accepted. 0 or -1.
 */
static int packsig_b64_decode(const char *in, size_t chars, uint8_t *out, size_t n)
{
    char again[PACKSIG_B64_MAX];
    const char *end = NULL;
    size_t got = 0;

    if (chars != sodium_base64_ENCODED_LEN(n, PACKSIG_B64) - 1 || chars >= sizeof(again))
        return -1;
    if (sodium_base642bin(out, n, in, chars, NULL, &got, &end, PACKSIG_B64) != 0)
        return -1;
    if (got != n || end != in + chars)
        return -1;
    sodium_bin2base64(again, sizeof(again), out, n, PACKSIG_B64);
    return memcmp(again, in, chars) == 0 ? 0 : -1;
}

/* ---- formatting and parsing ---- */

int packsig_format(const packsig *s, char *buf, size_t len)
{
    char key[PACKSIG_KEY_CHARS + 1], sig[PACKSIG_SIG_CHARS + 1];
    int n;

    sodium_bin2base64(key, sizeof(key), s->key, sizeof(s->key), PACKSIG_B64);
    sodium_bin2base64(sig, sizeof(sig), s->sig, sizeof(s->sig), PACKSIG_B64);
    n = snprintf(buf, len, "%s\nkey %s\nsig %s\n", PACKSIG_MAGIC, key, sig);
    if (n < 0 || (size_t)n >= len)
        return SAFER_E_TOOBIG;
    return 0;
}

/* Writes "line N: why" into the caller's buffer; returns SAFER_E_INVAL. */
static int packsig_bad(char *why, size_t why_len, int line, const char *msg)
{
    snprintf(why, why_len, "line %d: %s", line, msg);
    return SAFER_E_INVAL;
}

/*
 * Parses line number line, [p, nl), of the form "WORD VALUE" where VALUE is
 * the base64url of n bytes. what names the value in messages.
 */
static int packsig_field(const char *p, const char *nl, const char *word, uint8_t *out, size_t n,
    int line, char *why, size_t why_len)
{
    char msg[PACKSIG_WHY_MAX];
    size_t wn = strlen(word);
    size_t chars = sodium_base64_ENCODED_LEN(n, PACKSIG_B64) - 1;

    if ((size_t)(nl - p) < wn + 1 || memcmp(p, word, wn) != 0 || p[wn] != ' ') {
        snprintf(msg, sizeof(msg), "want '%s <base64url>'", word);
        return packsig_bad(why, why_len, line, msg);
    }
    p += wn + 1;
    if ((size_t)(nl - p) != chars) {
        snprintf(msg, sizeof(msg), "the %s must be %zu base64url characters, not %zu", word, chars,
            (size_t)(nl - p));
        return packsig_bad(why, why_len, line, msg);
    }
    if (packsig_b64_decode(p, chars, out, n) != 0) {
        snprintf(msg, sizeof(msg), "the %s is not base64url of %zu bytes", word, n);
        return packsig_bad(why, why_len, line, msg);
    }
    return 0;
}

int packsig_parse(const char *text, size_t len, packsig *out, char *why, size_t why_len)
{
    const char *p = text, *end = text + len;
    int ret = 0;

    if (len > PACKSIG_TEXT_MAX) {
        snprintf(why, why_len, "the file is %zu bytes; the limit is %d", len, PACKSIG_TEXT_MAX);
        return SAFER_E_TOOBIG;
    }
    memset(out, 0, sizeof(*out));
    for (int line = 1; ret == 0; line++) {
        const char *nl;
        if (p == end) {
            if (line == 4)
                return 0;
            return packsig_bad(why, why_len, line,
                line == 1 ? "the file is empty" : "missing; the file is cut short");
        }
        if (line == 4)
            return packsig_bad(why, why_len, line, "unexpected text after the signature");
        if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
            return packsig_bad(why, why_len, line, "no newline at its end");
        if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
            return packsig_bad(why, why_len, line, "holds a NUL byte");
        if (memchr(p, '\r', (size_t)(nl - p)) != NULL)
            return packsig_bad(why, why_len, line, "a carriage return; want plain \\n line ends");
        if (line == 1) {
            if ((size_t)(nl - p) != strlen(PACKSIG_MAGIC) || memcmp(p, PACKSIG_MAGIC, nl - p) != 0)
                return packsig_bad(why, why_len, line, "want '" PACKSIG_MAGIC "'");
        } else if (line == 2) {
            ret = packsig_field(p, nl, "key", out->key, sizeof(out->key), line, why, why_len);
        } else {
            ret = packsig_field(p, nl, "sig", out->sig, sizeof(out->sig), line, why, why_len);
        }
        p = nl + 1;
    }
    return ret;
}

/* ---- checking ---- */

int packsig_check(
    const packsig *s, const uint8_t pinned[PACKSIG_KEY_BYTES], const uint8_t *data, size_t len)
{
    if (sodium_memcmp(s->key, pinned, PACKSIG_KEY_BYTES) != 0)
        return SAFER_E_PERM;
    if (crypto_sign_verify_detached(s->sig, data, len, s->key) != 0)
        return SAFER_E_DECRYPT;
    return 0;
}

/* ---- files ---- */

/* Reads exactly n bytes from fd into buf. 0, or SAFER_E_IO (errno kept; EIO if cut short). */
static int packsig_read_all(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO;
            return SAFER_E_IO;
        }
        got += (size_t)r;
    }
    return 0;
}

int packsig_load(const char *path, size_t max, uint8_t **out, size_t *len)
{
    struct stat st;
    uint8_t *buf = NULL;
    uint8_t extra;
    int fd = -1, ret = SAFER_E_IO;

    *out = NULL;
    *len = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        ret = errno == ENOENT ? SAFER_E_NOTFOUND : SAFER_E_IO;
        goto out;
    }
    if (fstat(fd, &st) != 0)
        goto out;
    if (!S_ISREG(st.st_mode)) {
        ret = SAFER_E_INVAL;
        goto out;
    }
    if ((uint64_t)st.st_size > max) {
        ret = SAFER_E_TOOBIG;
        goto out;
    }
    if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL) {
        ret = SAFER_E_NOMEM;
        goto out;
    }
    if ((ret = packsig_read_all(fd, buf, (size_t)st.st_size)) != 0)
        goto out;
    /* A file that grew while it was read is not the file that was sized. */
    if (read(fd, &extra, 1) != 0) {
        errno = EBUSY;
        ret = SAFER_E_IO;
        goto out;
    }
    *out = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return ret;
}

int packsig_read(const char *path, packsig *out, char *why, size_t why_len)
{
    uint8_t *text = NULL;
    size_t len = 0;
    int ret = packsig_load(path, PACKSIG_TEXT_MAX, &text, &len);

    if (ret == SAFER_E_TOOBIG)
        snprintf(why, why_len, "the file is larger than %d bytes", PACKSIG_TEXT_MAX);
    if (ret == 0)
        ret = packsig_parse((const char *)text, len, out, why, why_len);
    free(text);
    return ret;
}

/* Writes all n bytes of buf to fd. 0, or SAFER_E_IO with errno kept. */
static int packsig_write_all(int fd, const uint8_t *buf, size_t n)
{
    size_t done = 0;

    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return SAFER_E_IO;
        done += (size_t)w;
    }
    return 0;
}

int packsig_write_file(const char *path, const uint8_t *data, size_t len)
{
    char tmp[PATH_MAX];
    int fd = -1, ret = SAFER_E_IO, saved;
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    if (n < 0 || (size_t)n >= sizeof(tmp))
        return SAFER_E_TOOBIG;
    /* O_NOFOLLOW: a link planted at the temporary name must not redirect the write. */
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, PACKSIG_MODE);
    if (fd < 0)
        return SAFER_E_IO;
    if (packsig_write_all(fd, data, len) != 0 || fsync(fd) != 0)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out;
    ret = 0;
out:
    saved = errno;
    if (fd >= 0)
        close(fd);
    if (ret != 0)
        unlink(tmp);
    errno = saved;
    return ret;
}

int packsig_write(const char *path, const packsig *s)
{
    char text[PACKSIG_TEXT_MAX];
    int ret = packsig_format(s, text, sizeof(text));

    if (ret != 0)
        return ret;
    return packsig_write_file(path, (const uint8_t *)text, strlen(text));
}
