/*
 * Reading a passphrase: from the descriptor SAFER_PASSPHRASE_FD names, from
 * SAFER_PASSPHRASE, or from the terminal with echo off. The terminal's settings are restored even
 * when the read fails, and the buffers are wiped by the caller's sodium_free or here before
 * returning.
 */
#include "client/pass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "common/err.h"

/* Reads one line from the terminal on stdin without echo into buf. */
static int pass_read_tty(char *buf, const char *prompt, char *why, size_t why_len)
{
    struct termios old;
    struct termios quiet;
    size_t n = 0;
    int ret = SAFER_E_IO;

    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return SAFER_E_IO;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return SAFER_E_IO;
    /* Byte by byte with read(2), so no copy of the passphrase sits in stdio's buffer. */
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n')
            break;
        if (n >= KEYFILE_PASSPHRASE_MAX) {
            snprintf(why, why_len, "longer than %d bytes", KEYFILE_PASSPHRASE_MAX);
            ret = SAFER_E_INVAL;
            goto out;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    ret = 0;
out:
    (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
    if (ret != 0)
        sodium_memzero(buf, PASS_BUF_BYTES);
    return ret;
}

/*
 * Reads one line from fd into buf, byte by byte so nothing past the line is
 * consumed: the next passphrase asked for comes from the next line.
 */
static int pass_read_fd(int fd, char *buf, char *why, size_t why_len)
{
    size_t n = 0;
    int got = 0;
    int ret = SAFER_E_INVAL;

    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, why_len, "reading SAFER_PASSPHRASE_FD=%d: %s", fd, strerror(errno));
            ret = SAFER_E_IO;
            goto fail;
        }
        if (r == 0)
            break;
        got = 1;
        if (c == '\n')
            break;
        if (n >= KEYFILE_PASSPHRASE_MAX) {
            snprintf(why, why_len,
                "the passphrase on SAFER_PASSPHRASE_FD=%d is longer than %d bytes", fd,
                KEYFILE_PASSPHRASE_MAX);
            goto fail;
        }
        buf[n++] = c;
    }
    if (!got) {
        snprintf(why, why_len, "SAFER_PASSPHRASE_FD=%d has no passphrase line left", fd);
        goto fail;
    }
    /* A line written on Windows or by a careless script may end in CR LF. */
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return 0;
fail:
    sodium_memzero(buf, PASS_BUF_BYTES);
    return ret;
}

/*
 * The descriptor SAFER_PASSPHRASE_FD names: -1 when unset or empty, -2 (with
 * a message) when it is not a number in 0..PASS_FD_MAX or not open.
 */
static int pass_env_fd(char *why, size_t why_len)
{
    const char *s = getenv("SAFER_PASSPHRASE_FD");
    char *end = NULL;
    long v;

    if (s == NULL || s[0] == '\0')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0 || v > PASS_FD_MAX) {
        snprintf(why, why_len, "SAFER_PASSPHRASE_FD='%.32s' is not a file descriptor number", s);
        return -2;
    }
    if (fcntl((int)v, F_GETFD) < 0) {
        snprintf(why, why_len, "SAFER_PASSPHRASE_FD=%ld is not an open file descriptor", v);
        return -2;
    }
    return (int)v;
}

/* Asks on the terminal, twice when confirm is set. */
static int pass_ask_tty(char *buf, const char *prompt, int confirm, char *why, size_t why_len)
{
    char *again = NULL;
    int ret = pass_read_tty(buf, prompt, why, why_len);

    if (ret != 0 || !confirm)
        return ret;
    again = sodium_malloc(PASS_BUF_BYTES);
    if (again == NULL)
        return SAFER_E_NOMEM;
    ret = pass_read_tty(again, "Again: ", why, why_len);
    if (ret == 0 && strcmp(buf, again) != 0) {
        snprintf(why, why_len, "the two passphrases differ");
        ret = SAFER_E_INVAL;
    }
    sodium_free(again);
    return ret;
}

int pass_get(char *buf, const char *prompt, int confirm, char *why, size_t why_len)
{
    const char *env = getenv("SAFER_PASSPHRASE");
    int fd = pass_env_fd(why, why_len);
    int ret;

    if (fd == -2)
        return SAFER_E_INVAL;
    if (fd >= 0) {
        if ((ret = pass_read_fd(fd, buf, why, why_len)) != 0)
            return ret;
    } else if (env != NULL) {
        if (strlen(env) > KEYFILE_PASSPHRASE_MAX) {
            snprintf(
                why, why_len, "SAFER_PASSPHRASE is longer than %d bytes", KEYFILE_PASSPHRASE_MAX);
            return SAFER_E_INVAL;
        }
        snprintf(buf, PASS_BUF_BYTES, "%s", env);
    } else if (!isatty(STDIN_FILENO)) {
        snprintf(why, why_len,
            "stdin is not a terminal to ask on: set SAFER_PASSPHRASE or SAFER_PASSPHRASE_FD");
        return SAFER_E_NOTFOUND;
    } else if ((ret = pass_ask_tty(buf, prompt, confirm, why, why_len)) != 0) {
        return ret;
    }
    if (buf[0] == '\0') {
        snprintf(why, why_len, "the passphrase is empty");
        return SAFER_E_INVAL;
    }
    return 0;
}
