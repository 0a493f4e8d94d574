/*
 * Idempotency keys for submissions that may not have arrived. Before a paper
 * is sent its key is written to $SAFER_HOME/pending/<name>.key, the name a
 * hash of the meeting date, task group, file path and file content; it is
 * removed once the server has answered. When the answer is lost (the
 * connection drops), running the same command again finds the file and
 * sends the same key, and the server answers with the version it already
 * stored instead of making another. An edited file hashes to another name,
 * so it is a new submission.
 */
#ifndef SAFER_CLIENT_PENDING_H
#define SAFER_CLIENT_PENDING_H

#include <stddef.h>
#include <stdint.h>

#define PENDING_DIR "pending"
#define PENDING_KEY_BYTES 16
#define PENDING_HASH_BYTES 16
#define PENDING_NAME_CHARS (2 * PENDING_HASH_BYTES) /* lowercase hex */

/*
 * The name of the pending file for a submission: hex of BLAKE2b over the
 * date, the group, the file's absolute path (path as given when it cannot be
 * resolved) and the body, each length-prefixed so no two inputs run together.
 */
int pending_name(const char *date, const char *group, const char *path, const uint8_t *body,
    size_t len, char name[PENDING_NAME_CHARS + 1]);

/*
 * Finds or makes the key for name under dir (the client's folder): reads
 * dir/pending/<name>.key when it exists (*reused = 1), else makes the folder
 * (0700) and the file (0600) with PENDING_KEY_BYTES fresh random bytes,
 * synced before returning (*reused = 0). The file's path goes to path.
 * SAFER_E_IO (errno kept), SAFER_E_INVAL for a file that is not a key,
 * SAFER_E_TOOBIG when the path does not fit.
 */
int pending_key(const char *dir, const char *name, uint8_t key[PENDING_KEY_BYTES], char *path,
    size_t path_len, int *reused);

/* Removes the key file at path once the server has answered. SAFER_E_IO. */
int pending_done(const char *path);

#endif
