/*
 * The pending idempotency keys behind pending.h. A key file is created with
 * O_EXCL, so two runs of the same command at once cannot both write one: the
 * loser reads the winner's key.
 */
#include "client/pending.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "client/home.h"
#include "common/err.h"

/* Hashes a length-prefixed field into st. */
static void pending_field(crypto_generichash_state *st, const void *p, size_t len)
{
    uint8_t n[8];

    for (int i = 0; i < 8; i++)
        n[i] = (uint8_t)((uint64_t)len >> (8 * i));
    crypto_generichash_update(st, n, sizeof(n));
    crypto_generichash_update(st, p, len);
}

int pending_name(const char *date, const char *group, const char *path, const uint8_t *body,
    size_t len, char name[PENDING_NAME_CHARS + 1])
{
    crypto_generichash_state st;
    uint8_t h[PENDING_HASH_BYTES];
    char *abs = realpath(path, NULL);
    const char *p = abs != NULL ? abs : path;

    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    pending_field(&st, "safer pending v1", 16);
    pending_field(&st, date, strlen(date));
    pending_field(&st, group, strlen(group));
    pending_field(&st, p, strlen(p));
    pending_field(&st, body, len);
    crypto_generichash_final(&st, h, sizeof(h));
    free(abs);
    sodium_bin2hex(name, PENDING_NAME_CHARS + 1, h, sizeof(h));
    return 0;
}

/* Reads the key in an existing file; SAFER_E_INVAL when it holds anything else. */
static int pending_read(int fd, uint8_t key[PENDING_KEY_BYTES])
{
    uint8_t buf[PENDING_KEY_BYTES + 1];
    size_t got = 0;

    for (;;) {
        ssize_t r = read(fd, buf + got, sizeof(buf) - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return SAFER_E_IO;
        if (r == 0 || (got += (size_t)r) == sizeof(buf))
            break;
    }
    if (got != PENDING_KEY_BYTES)
        return SAFER_E_INVAL;
    memcpy(key, buf, PENDING_KEY_BYTES);
    return 0;
}

/* Writes a fresh key into the new file fd and syncs it. */
static int pending_write(int fd, uint8_t key[PENDING_KEY_BYTES])
{
    size_t put = 0;

    randombytes_buf(key, PENDING_KEY_BYTES);
    while (put < PENDING_KEY_BYTES) {
        ssize_t w = write(fd, key + put, PENDING_KEY_BYTES - put);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return SAFER_E_IO;
        put += (size_t)w;
    }
    return fsync(fd) == 0 ? 0 : SAFER_E_IO;
}

int pending_key(const char *dir, const char *name, uint8_t key[PENDING_KEY_BYTES], char *path,
    size_t path_len, int *reused)
{
    char folder[HOME_PATH_MAX];
    char file[PENDING_NAME_CHARS + 8];
    int fd = -1;
    int ret;

    *reused = 0;
    snprintf(file, sizeof(file), "%s.key", name);
    if ((ret = home_path(folder, sizeof(folder), dir, PENDING_DIR)) != 0
        || (ret = home_path(path, path_len, folder, file)) != 0)
        return ret;
    if (home_ensure(folder) != 0)
        return SAFER_E_IO;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ret = pending_write(fd, key);
        if (ret != 0) {
            int saved = errno;
            unlink(path);
            errno = saved;
        }
        goto out;
    }
    if (errno != EEXIST)
        return SAFER_E_IO;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return SAFER_E_IO;
    ret = pending_read(fd, key);
    *reused = ret == 0;
out:
    close(fd);
    return ret;
}

int pending_done(const char *path)
{
    return unlink(path) == 0 || errno == ENOENT ? 0 : SAFER_E_IO;
}
