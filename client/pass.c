/*
 * Reading a passphrase: from SAFER_PASSPHRASE, or from the terminal with echo
 * off. The terminal's settings are restored even when the read fails, and the
 * buffers are wiped by the caller's sodium_free or here before returning.
 */
#include "client/pass.h"

#include <errno.h>
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

int pass_get(char *buf, const char *prompt, int confirm, char *why, size_t why_len)
{
    const char *env = getenv("SAFER_PASSPHRASE");
    char *again = NULL;
    int ret;

    if (env != NULL) {
        if (strlen(env) > KEYFILE_PASSPHRASE_MAX) {
            snprintf(
                why, why_len, "SAFER_PASSPHRASE is longer than %d bytes", KEYFILE_PASSPHRASE_MAX);
            return SAFER_E_INVAL;
        }
        snprintf(buf, PASS_BUF_BYTES, "%s", env);
    } else if (!isatty(STDIN_FILENO)) {
        snprintf(
            why, why_len, "the key is sealed and stdin is not a terminal: set SAFER_PASSPHRASE");
        return SAFER_E_NOTFOUND;
    } else {
        ret = pass_read_tty(buf, prompt, why, why_len);
        if (ret != 0)
            return ret;
        if (confirm) {
            again = sodium_malloc(PASS_BUF_BYTES);
            if (again == NULL)
                return SAFER_E_NOMEM;
            ret = pass_read_tty(again, "Again: ", why, why_len);
            if (ret == 0 && strcmp(buf, again) != 0) {
                snprintf(why, why_len, "the two passphrases differ");
                ret = SAFER_E_INVAL;
            }
            sodium_free(again);
            if (ret != 0)
                return ret;
        }
    }
    if (buf[0] == '\0') {
        snprintf(why, why_len, "the passphrase is empty");
        return SAFER_E_INVAL;
    }
    return 0;
}
