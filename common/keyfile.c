/*
 * Key files: one line of text holding a 32-byte key, either plain or sealed
 * under a passphrase (Argon2id through crypto_pwhash, then crypto_secretbox).
 * Writes go to a temporary file created 0600 in the same folder, which is
 * fsynced and renamed over the target, so a crash leaves either the old file
 * or the new one, never half a key. Every buffer that held key material or a
 * derived key is wiped before it is released.
 *
 * Sections: base64url and fingerprints; parsing; reading; writing.
 */
#include "common/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"

#define KEYFILE_MAGIC "safer-key-v1"
#define KEYFILE_FIELDS_MAX 7 /* magic, kind, ops, mem, salt, nonce, box */
#define KEYFILE_B64_MAX 96   /* room for the longest base64url field, the box */
#define KEYFILE_BOX_BYTES (crypto_secretbox_MACBYTES + KEYFILE_KEY_BYTES)
#define KEYFILE_OPS_MAX crypto_pwhash_OPSLIMIT_SENSITIVE /* bounds a hostile file's cost */
#define KEYFILE_MEM_MAX crypto_pwhash_MEMLIMIT_SENSITIVE
#define KEYFILE_NUM_CHARS_MAX 19 /* decimal digits of a limit, below 2^63 */

/* ---- base64url and fingerprints ---- */

void keyfile_b64_encode32(const uint8_t in[32], char out[44])
{
    sodium_bin2base64(out, 44, in, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Decodes exactly n bytes from the base64url text s (slen characters). */
static int keyfile_b64_decode(const char *s, size_t slen, uint8_t *out, size_t n)
{
    size_t got = 0;

    if (slen != sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1)
        return SAFER_E_INVAL;
    for (size_t i = 0; i < slen; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                || c == '_'))
            return SAFER_E_INVAL;
    }
    if (sodium_base642bin(
            out, n, s, slen, NULL, &got, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
            != 0
        || got != n) {
        sodium_memzero(out, n);
        return SAFER_E_INVAL;
    }
    return 0;
}

int keyfile_b64_decode32(const char *in, uint8_t out[32])
{
    if (in == NULL)
        return SAFER_E_INVAL;
    return keyfile_b64_decode(in, strnlen(in, 44), out, 32);
}

void keyfile_fingerprint(const uint8_t pk[KEYFILE_KEY_BYTES], char out[KEYFILE_FPR_CHARS + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t h[32];
    size_t o = 0;

    crypto_generichash(h, sizeof(h), pk, KEYFILE_KEY_BYTES, NULL, 0);
    for (size_t i = 0; i < 8; i++) {
        if (i > 0 && i % 2 == 0)
            out[o++] = '-';
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 0x0f];
    }
    out[o] = '\0';
}

/* ---- parsing ---- */

/* What a key file says; key holds the plain key, so the struct is wiped after use. */
typedef struct keyfile_parsed {
    int sealed;                     /* 1 for argon2id, 0 for plain */
    uint8_t key[KEYFILE_KEY_BYTES]; /* the key of a plain file */
    unsigned long long ops;         /* crypto_pwhash opslimit */
    size_t mem;                     /* crypto_pwhash memlimit */
    uint8_t salt[crypto_pwhash_SALTBYTES];
    uint8_t nonce[crypto_secretbox_NONCEBYTES];
    uint8_t box[KEYFILE_BOX_BYTES];
} keyfile_parsed;

/* A field of the line: where it starts and how long it is. */
typedef struct keyfile_field {
    const char *s;
    size_t n;
} keyfile_field;

/* Parses a decimal number without sign or leading zero, within lo..hi. */
static int keyfile_num(
    const keyfile_field *f, unsigned long long lo, unsigned long long hi, unsigned long long *v)
{
    unsigned long long x = 0;

    if (f->n == 0 || f->n > KEYFILE_NUM_CHARS_MAX || f->s[0] == '0')
        return SAFER_E_INVAL;
    for (size_t i = 0; i < f->n; i++) {
        if (f->s[i] < '0' || f->s[i] > '9')
            return SAFER_E_INVAL;
        x = x * 10 + (unsigned long long)(f->s[i] - '0');
    }
    if (x < lo || x > hi)
        return SAFER_E_INVAL;
    *v = x;
    return 0;
}

/*
 * Splits buf (n bytes, one line with an optional final newline) at single
 * spaces. Returns the number of fields, or SAFER_E_INVAL for empty fields,
 * control characters or too many fields.
 */
static int keyfile_split(const char *buf, size_t n, keyfile_field f[KEYFILE_FIELDS_MAX])
{
    int count = 0;
    size_t start = 0;

    if (n > 0 && buf[n - 1] == '\n')
        n--;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && buf[i] != ' ') {
            if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] > 0x7e)
                return SAFER_E_INVAL;
            continue;
        }
        if (i == start || count == KEYFILE_FIELDS_MAX)
            return SAFER_E_INVAL;
        f[count].s = buf + start;
        f[count].n = i - start;
        count++;
        start = i + 1;
    }
    return count;
}

static int keyfile_field_is(const keyfile_field *f, const char *word)
{
    size_t n = strlen(word);
    return f->n == n && memcmp(f->s, word, n) == 0;
}

/* Parses the text of a key file into p. */
static int keyfile_parse(const char *buf, size_t n, keyfile_parsed *p)
{
    keyfile_field f[KEYFILE_FIELDS_MAX];
    unsigned long long mem = 0;
    int count = keyfile_split(buf, n, f);

    if (count < 2 || !keyfile_field_is(&f[0], KEYFILE_MAGIC))
        return SAFER_E_INVAL;
    if (keyfile_field_is(&f[1], "plain")) {
        p->sealed = 0;
        if (count != 3)
            return SAFER_E_INVAL;
        return keyfile_b64_decode(f[2].s, f[2].n, p->key, sizeof(p->key));
    }
    if (!keyfile_field_is(&f[1], "argon2id") || count != 7)
        return SAFER_E_INVAL;
    p->sealed = 1;
    if (keyfile_num(&f[2], crypto_pwhash_OPSLIMIT_MIN, KEYFILE_OPS_MAX, &p->ops) < 0
        || keyfile_num(&f[3], crypto_pwhash_MEMLIMIT_MIN, KEYFILE_MEM_MAX, &mem) < 0)
        return SAFER_E_INVAL;
    p->mem = (size_t)mem;
    if (keyfile_b64_decode(f[4].s, f[4].n, p->salt, sizeof(p->salt)) < 0
        || keyfile_b64_decode(f[5].s, f[5].n, p->nonce, sizeof(p->nonce)) < 0
        || keyfile_b64_decode(f[6].s, f[6].n, p->box, sizeof(p->box)) < 0)
        return SAFER_E_INVAL;
    return 0;
}

/* ---- reading ---- */

/* Reads and parses the file at path into p. */
static int keyfile_load(const char *path, keyfile_parsed *p)
{
    char buf[KEYFILE_MAX + 1];
    size_t n = 0;
    int fd = -1, ret = SAFER_E_IO;

    if (path == NULL)
        return SAFER_E_INVAL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ret = errno == ENOENT ? SAFER_E_NOTFOUND : SAFER_E_IO;
        goto out;
    }
    /* Read one byte past the limit to tell a full file from an oversize one. */
    while (n < sizeof(buf)) {
        ssize_t r = read(fd, buf + n, sizeof(buf) - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto out;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    ret = SAFER_E_INVAL;
    if (n > KEYFILE_MAX)
        goto out;
    ret = keyfile_parse(buf, n, p);
out:
    if (fd >= 0)
        close(fd);
    sodium_memzero(buf, sizeof(buf));
    return ret;
}

int keyfile_is_sealed(const char *path)
{
    keyfile_parsed p;
    int ret;

    memset(&p, 0, sizeof(p));
    ret = keyfile_load(path, &p);
    if (ret == 0)
        ret = p.sealed;
    sodium_memzero(&p, sizeof(p));
    return ret;
}

/* Derives the box key from a passphrase; SAFER_E_CRYPTO if Argon2id cannot run. */
static int keyfile_derive(uint8_t k[crypto_secretbox_KEYBYTES], const char *passphrase,
    const uint8_t salt[crypto_pwhash_SALTBYTES], unsigned long long ops, size_t mem)
{
    if (crypto_pwhash(k, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt, ops, mem,
            crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return SAFER_E_CRYPTO;
    return 0;
}

int keyfile_read(const char *path, uint8_t key[KEYFILE_KEY_BYTES], const char *passphrase)
{
    keyfile_parsed p;
    uint8_t k[crypto_secretbox_KEYBYTES];
    uint8_t plain[KEYFILE_KEY_BYTES];
    int ret;

    memset(&p, 0, sizeof(p));
    ret = keyfile_load(path, &p);
    if (ret < 0)
        goto out;
    if (!p.sealed) {
        memcpy(key, p.key, KEYFILE_KEY_BYTES);
        goto out;
    }
    ret = SAFER_E_PASSPHRASE;
    if (passphrase == NULL
        || strnlen(passphrase, KEYFILE_PASSPHRASE_MAX + 1) > KEYFILE_PASSPHRASE_MAX)
        goto out;
    ret = keyfile_derive(k, passphrase, p.salt, p.ops, p.mem);
    if (ret < 0)
        goto out;
    ret = SAFER_E_PASSPHRASE;
    if (crypto_secretbox_open_easy(plain, p.box, sizeof(p.box), p.nonce, k) != 0)
        goto out;
    memcpy(key, plain, KEYFILE_KEY_BYTES);
    ret = 0;
out:
    sodium_memzero(&p, sizeof(p));
    sodium_memzero(k, sizeof(k));
    sodium_memzero(plain, sizeof(plain));
    return ret;
}

/* ---- writing ---- */

/* Formats the file's line into line (cap bytes). */
static int keyfile_format(
    char *line, size_t cap, const uint8_t key[KEYFILE_KEY_BYTES], const char *passphrase)
{
    char b64[3][KEYFILE_B64_MAX];
    uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
    uint8_t box[KEYFILE_BOX_BYTES], k[crypto_secretbox_KEYBYTES];
    const unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    const size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    int n, ret;

    if (passphrase == NULL) {
        keyfile_b64_encode32(key, b64[0]);
        n = snprintf(line, cap, KEYFILE_MAGIC " plain %s\n", b64[0]);
        ret = n < 0 || (size_t)n >= cap ? SAFER_E_INTERNAL : 0;
        goto out;
    }
    randombytes_buf(salt, sizeof(salt));
    randombytes_buf(nonce, sizeof(nonce));
    ret = keyfile_derive(k, passphrase, salt, ops, mem);
    if (ret < 0)
        goto out;
    crypto_secretbox_easy(box, key, KEYFILE_KEY_BYTES, nonce, k);
    sodium_bin2base64(
        b64[0], KEYFILE_B64_MAX, salt, sizeof(salt), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2base64(
        b64[1], KEYFILE_B64_MAX, nonce, sizeof(nonce), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2base64(
        b64[2], KEYFILE_B64_MAX, box, sizeof(box), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    n = snprintf(
        line, cap, KEYFILE_MAGIC " argon2id %llu %zu %s %s %s\n", ops, mem, b64[0], b64[1], b64[2]);
    ret = n < 0 || (size_t)n >= cap ? SAFER_E_INTERNAL : 0;
out:
    sodium_memzero(b64, sizeof(b64));
    sodium_memzero(k, sizeof(k));
    return ret;
}

/* Writes all of buf to fd, retrying short writes. */
static int keyfile_write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return SAFER_E_IO;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Flushes the folder that holds path, so the rename itself is durable. */
static int keyfile_sync_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, ret = 0;

    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return SAFER_E_IO;
    if (fsync(fd) != 0)
        ret = SAFER_E_IO;
    close(fd);
    return ret;
}

int keyfile_write(const char *path, const uint8_t key[KEYFILE_KEY_BYTES], const char *passphrase)
{
    char line[KEYFILE_MAX];
    char tmp[PATH_MAX];
    uint8_t rnd[8];
    int fd = -1, ret = SAFER_E_INVAL, saved = 0, created = 0, n;

    if (path == NULL || key == NULL
        || (passphrase != NULL
            && strnlen(passphrase, KEYFILE_PASSPHRASE_MAX + 1) > KEYFILE_PASSPHRASE_MAX))
        return SAFER_E_INVAL;
    randombytes_buf(rnd, sizeof(rnd));
    n = snprintf(tmp, sizeof(tmp), "%s.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", path, rnd[0], rnd[1],
        rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        ret = SAFER_E_IO;
        goto out;
    }
    ret = keyfile_format(line, sizeof(line), key, passphrase);
    if (ret < 0)
        goto out;
    ret = SAFER_E_IO;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        goto out;
    created = 1;
    /* The umask may have taken bits away; make the mode exactly 0600. */
    if (fchmod(fd, 0600) != 0 || keyfile_write_all(fd, line, strlen(line)) < 0 || fsync(fd) != 0)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out;
    created = 0;
    ret = keyfile_sync_dir(path);
out:
    saved = errno;
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp);
    sodium_memzero(line, sizeof(line));
    errno = saved;
    return ret;
}
