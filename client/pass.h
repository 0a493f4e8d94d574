/*
 * Passphrases for sealed key files. They come from the SAFER_PASSPHRASE
 * environment variable when it is set (for scripts and tests), else from the
 * terminal with echo turned off when stdin is one; with neither there is no
 * way to ask, and the caller says how to provide one.
 */
#ifndef SAFER_CLIENT_PASS_H
#define SAFER_CLIENT_PASS_H

#include <stddef.h>

#include "common/keyfile.h"

/* The size of a passphrase buffer: the longest passphrase plus its NUL. */
#define PASS_BUF_BYTES (KEYFILE_PASSPHRASE_MAX + 1)

/*
 * Gets a passphrase into buf (PASS_BUF_BYTES, best from sodium_malloc),
 * prompting with prompt on stderr. With confirm set, a terminal user types it
 * twice and the two must match. Returns 0; SAFER_E_NOTFOUND when there is no
 * environment variable and stdin is not a terminal; SAFER_E_INVAL for an empty
 * passphrase, one longer than KEYFILE_PASSPHRASE_MAX or two that differ, with
 * a message in why; SAFER_E_IO if the terminal fails.
 */
int pass_get(char *buf, const char *prompt, int confirm, char *why, size_t why_len);

#endif
