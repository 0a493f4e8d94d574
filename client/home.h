/*
 * The client's folder and the settings file in it. The folder is
 * $SAFER_HOME when set, else $XDG_CONFIG_HOME/safer, else
 * $HOME/.config/safer; it is created 0700. It holds:
 *
 *     key      the user's X25519 private key (common/keyfile.h), 0600
 *     server   the enrolled server, as text, 0600:
 *                  address HOST:PORT
 *                  server_key <base64url X25519 public key>
 *                  sign_key <base64url Ed25519 public key>
 *                  initials XX
 *
 * The server file is parsed strictly: every key exactly once, one space
 * between key and value, no unknown keys; blank lines and lines starting with
 * '#' are allowed. An error names the line it found. The file is written
 * through a temporary file and rename, so it is either the old one or the new
 * one, never half of either.
 */
#ifndef SAFER_CLIENT_HOME_H
#define SAFER_CLIENT_HOME_H

#include <stddef.h>
#include <stdint.h>

#include "common/invite.h"

#define HOME_PATH_MAX 4096
#define HOME_KEY_FILE "key"
#define HOME_SERVER_FILE "server"
#define HOME_SERVER_FILE_MAX 4096 /* the largest server file read */
#define HOME_LINE_MAX 512         /* the longest line in it */
#define HOME_INITIALS_MAX 8
#define HOME_WHY_MAX 256 /* room for an error message */

/* The enrolled server, as the server file holds it. */
typedef struct home_server {
    char host[INVITE_HOST_MAX + 1]; /* without brackets for IPv6 */
    uint16_t port;
    uint8_t server_pk[32];                /* the pinned X25519 key of the server */
    uint8_t sign_pk[32];                  /* the Ed25519 key that signs packs */
    char initials[HOME_INITIALS_MAX + 1]; /* who we enrolled as */
} home_server;

/*
 * Resolves the folder from the environment into buf (len bytes). Empty
 * variables count as unset; XDG_CONFIG_HOME is used only when absolute, as
 * the XDG specification asks. SAFER_E_NOTFOUND when none of the three is
 * usable, SAFER_E_TOOBIG when the path does not fit.
 */
int home_dir(char *buf, size_t len);

/*
 * Creates dir and any missing parents with mode 0700. An existing folder is
 * left as it is. SAFER_E_IO with errno kept on failure.
 */
int home_ensure(const char *dir);

/* Joins dir and name into buf; SAFER_E_TOOBIG when it does not fit. */
int home_path(char *buf, size_t len, const char *dir, const char *name);

/* 1 if s is 1..HOME_INITIALS_MAX ASCII letters or digits, else 0. */
int home_initials_ok(const char *s);

/*
 * Formats "HOST:PORT" (brackets around an IPv6 host) into buf; SAFER_E_TOOBIG
 * when it does not fit.
 */
int home_address(const home_server *s, char *buf, size_t len);

/*
 * Parses the text of a server file (len bytes, not necessarily terminated).
 * SAFER_E_INVAL with a message in why ("line 3: ...") when it is malformed.
 */
int home_server_parse(const char *text, size_t len, home_server *out, char *why, size_t why_len);

/* Formats a server file into buf; SAFER_E_TOOBIG when it does not fit. */
int home_server_format(const home_server *s, char *buf, size_t len);

/*
 * Reads and parses the server file at path. SAFER_E_NOTFOUND if it does not
 * exist, SAFER_E_TOOBIG past HOME_SERVER_FILE_MAX, SAFER_E_IO (errno kept),
 * SAFER_E_INVAL with a message in why.
 */
int home_server_read(const char *path, home_server *out, char *why, size_t why_len);

/*
 * Writes the server file at path, 0600, through a temporary file in the same
 * folder, fsync and rename. SAFER_E_IO (errno kept) on failure, in which case
 * the old file, if any, is untouched.
 */
int home_server_write(const char *path, const home_server *s);

#endif
