/*
 * Passphrases for sealed key files. For scripts they come from a file
 * descriptor named by SAFER_PASSPHRASE_FD (one line per passphrase asked,
 * so a pipe can carry several in order), else from the SAFER_PASSPHRASE
 * environment variable (the same passphrase each time it is asked); else
 * from the terminal with echo turned off when stdin is one. With none of
 * them there is no way to ask, and the caller says how to provide one.
 */
#ifndef SAFER_CLIENT_PASS_H
#define SAFER_CLIENT_PASS_H

#include <stddef.h>

#include "common/keyfile.h"

/* The size of a passphrase buffer: the longest passphrase plus its NUL. */
#define PASS_BUF_BYTES (KEYFILE_PASSPHRASE_MAX + 1)
#define PASS_FD_MAX 65535 /* the largest descriptor SAFER_PASSPHRASE_FD may name */

/*
 * Gets a passphrase into buf (PASS_BUF_BYTES, best from sodium_malloc),
 * prompting with prompt on stderr. With confirm set, a terminal user types it
 * twice and the two must match. Returns 0; SAFER_E_NOTFOUND when there is no
 * environment variable and stdin is not a terminal; SAFER_E_INVAL for an empty
 * passphrase, one longer than KEYFILE_PASSPHRASE_MAX, two that differ or a
 * SAFER_PASSPHRASE_FD that is not an open descriptor, with a message in why;
 * SAFER_E_IO if the terminal or the descriptor fails.
 */
int pass_get(char *buf, const char *prompt, int confirm, char *why, size_t why_len);

#endif
