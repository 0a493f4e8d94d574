/*
 * The client's folder: where it is, making it, and the `server` settings file
 * that pins the enrolled server. Parsing is strict so that a hand-edited file
 * with a typo fails loudly, naming its line, instead of pinning something the
 * user did not mean.
 *
 * Sections: the folder; addresses and initials; parsing; formatting; files.
 */
#include "client/home.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/keyfile.h"

/* An environment variable, with an empty value counting as unset. */
static const char *home_env(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

int home_dir(char *buf, size_t len)
{
    const char *v;
    int n;

    if ((v = home_env("SAFER_HOME")) != NULL)
        n = snprintf(buf, len, "%s", v);
    else if ((v = home_env("XDG_CONFIG_HOME")) != NULL && v[0] == '/')
        n = snprintf(buf, len, "%s/safer", v);
    else if ((v = home_env("HOME")) != NULL)
        n = snprintf(buf, len, "%s/.config/safer", v);
    else
        return SAFER_E_NOTFOUND;
    if (n < 0 || (size_t)n >= len)
        return SAFER_E_TOOBIG;
    return 0;
}

int home_ensure(const char *dir)
{
    char path[HOME_PATH_MAX];
    size_t n = strlen(dir);

    if (n == 0 || n >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return SAFER_E_IO;
    }
    memcpy(path, dir, n + 1);
    /* Walk the path, making each missing component, as mkdir -p does. */
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return SAFER_E_IO;
        path[i] = saved;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return SAFER_E_IO;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return SAFER_E_IO;
    }
    return 0;
}

int home_path(char *buf, size_t len, const char *dir, const char *name)
{
    int n = snprintf(buf, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len)
        return SAFER_E_TOOBIG;
    return 0;
}

int home_initials_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > HOME_INITIALS_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

int home_address(const home_server *s, char *buf, size_t len)
{
    int n;

    if (strchr(s->host, ':') != NULL)
        n = snprintf(buf, len, "[%s]:%u", s->host, (unsigned)s->port);
    else
        n = snprintf(buf, len, "%s:%u", s->host, (unsigned)s->port);
    if (n < 0 || (size_t)n >= len)
        return SAFER_E_TOOBIG;
    return 0;
}

/* The keys a server file must hold, each exactly once. */
enum home_field { HOME_F_ADDRESS, HOME_F_SERVER_KEY, HOME_F_SIGN_KEY, HOME_F_INITIALS, HOME_F_N };
static const char *const home_field_names[HOME_F_N]
    = { "address", "server_key", "sign_key", "initials" };

/* Applies one "key value" line to out; a message in why on failure. */
static int home_parse_line(const char *key, const char *value, home_server *out, int seen[HOME_F_N],
    char *why, size_t why_len)
{
    char sub[HOME_WHY_MAX];
    int f;

    for (f = 0; f < HOME_F_N; f++) {
        if (strcmp(key, home_field_names[f]) == 0)
            break;
    }
    if (f == HOME_F_N) {
        snprintf(why, why_len, "unknown setting '%.40s'", key);
        return SAFER_E_INVAL;
    }
    if (seen[f]) {
        snprintf(why, why_len, "'%.40s' given twice", key);
        return SAFER_E_INVAL;
    }
    seen[f] = 1;
    switch (f) {
    case HOME_F_ADDRESS:
        if (invite_parse_hostport(value, out->host, sizeof(out->host), &out->port, sub, sizeof(sub))
            != 0) {
            snprintf(why, why_len, "bad address: %.160s", sub);
            return SAFER_E_INVAL;
        }
        return 0;
    case HOME_F_SERVER_KEY:
    case HOME_F_SIGN_KEY:
        if (strlen(value) != 43
            || keyfile_b64_decode32(value, f == HOME_F_SERVER_KEY ? out->server_pk : out->sign_pk)
                != 0) {
            snprintf(why, why_len, "bad %.40s: want 43 base64url characters", key);
            return SAFER_E_INVAL;
        }
        return 0;
    default:
        if (!home_initials_ok(value)) {
            snprintf(why, why_len, "bad initials '%.40s': want 1 to %d letters or digits", value,
                HOME_INITIALS_MAX);
            return SAFER_E_INVAL;
        }
        snprintf(out->initials, sizeof(out->initials), "%s", value);
        return 0;
    }
}

/* Splits one line (NUL-terminated, no newline) into key and value and applies it. */
static int home_parse_one(
    char *line, home_server *out, int seen[HOME_F_N], char *why, size_t why_len)
{
    char *sp;

    if (line[0] == '\0' || line[0] == '#')
        return 0;
    sp = strchr(line, ' ');
    if (sp == NULL || sp == line || sp[1] == '\0' || sp[1] == ' ' || strchr(sp + 1, ' ') != NULL) {
        snprintf(why, why_len, "want 'key value' with one space between");
        return SAFER_E_INVAL;
    }
    *sp = '\0';
    return home_parse_line(line, sp + 1, out, seen, why, why_len);
}

int home_server_parse(const char *text, size_t len, home_server *out, char *why, size_t why_len)
{
    char line[HOME_LINE_MAX + 1];
    char sub[HOME_WHY_MAX];
    int seen[HOME_F_N] = { 0 };
    size_t pos = 0;
    int lineno = 0;

    memset(out, 0, sizeof(*out));
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

        lineno++;
        if (n > HOME_LINE_MAX) {
            snprintf(why, why_len, "line %d: longer than %d bytes", lineno, HOME_LINE_MAX);
            return SAFER_E_INVAL;
        }
        /* Control characters (a stray CR, a NUL) mean the file is not what we wrote. */
        for (size_t i = 0; i < n; i++) {
            if ((unsigned char)text[pos + i] < 0x20 || text[pos + i] == 0x7f) {
                snprintf(why, why_len, "line %d: control character in line", lineno);
                return SAFER_E_INVAL;
            }
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + (nl ? 1 : 0);
        if (home_parse_one(line, out, seen, sub, sizeof(sub)) != 0) {
            snprintf(why, why_len, "line %d: %.200s", lineno, sub);
            return SAFER_E_INVAL;
        }
    }
    for (int f = 0; f < HOME_F_N; f++) {
        if (!seen[f]) {
            snprintf(why, why_len, "missing '%s'", home_field_names[f]);
            return SAFER_E_INVAL;
        }
    }
    return 0;
}

int home_server_format(const home_server *s, char *buf, size_t len)
{
    char addr[INVITE_HOST_MAX + 16];
    char server_key[44];
    char sign_key[44];
    int n;

    if (home_address(s, addr, sizeof(addr)) != 0)
        return SAFER_E_TOOBIG;
    keyfile_b64_encode32(s->server_pk, server_key);
    keyfile_b64_encode32(s->sign_pk, sign_key);
    n = snprintf(buf, len, "address %s\nserver_key %s\nsign_key %s\ninitials %s\n", addr,
        server_key, sign_key, s->initials);
    if (n < 0 || (size_t)n >= len)
        return SAFER_E_TOOBIG;
    return 0;
}

int home_server_read(const char *path, home_server *out, char *why, size_t why_len)
{
    char buf[HOME_SERVER_FILE_MAX + 1];
    size_t got = 0;
    int fd;
    int ret = SAFER_E_IO;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? SAFER_E_NOTFOUND : SAFER_E_IO;
    /* Read one byte past the limit so an oversized file is noticed, not cut. */
    while (got < sizeof(buf)) {
        ssize_t r = read(fd, buf + got, sizeof(buf) - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto out;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > HOME_SERVER_FILE_MAX) {
        snprintf(why, why_len, "larger than %d bytes", HOME_SERVER_FILE_MAX);
        ret = SAFER_E_TOOBIG;
        goto out;
    }
    ret = home_server_parse(buf, got, out, why, why_len);
out:
    close(fd);
    return ret;
}

/* Writes all of buf to fd. */
static int home_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return SAFER_E_IO;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Flushes the folder holding path so a rename in it survives a crash. */
static void home_sync_dir(const char *path)
{
    char dir[HOME_PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if ((size_t)(slash - path) < sizeof(dir))
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    else
        return;
    fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int home_server_write(const char *path, const home_server *s)
{
    char text[HOME_SERVER_FILE_MAX];
    char tmp[HOME_PATH_MAX];
    int fd = -1;
    int ret = SAFER_E_IO;
    int saved;

    if (home_server_format(s, text, sizeof(text)) != 0
        || snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return SAFER_E_IO;
    }
    fd = mkstemp(tmp);
    if (fd < 0)
        return SAFER_E_IO;
    if (fchmod(fd, 0600) != 0 || home_write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out;
    home_sync_dir(path);
    return 0;
out:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
    return ret;
}
