/*
 * The partnership's settings: a small key -> text table in the store (the
 * partnership's name, the listen address, when it was created). Reads go to
 * the read connection; writes are made inside write jobs.
 */
#ifndef SAFER_SERVER_SETTINGS_H
#define SAFER_SERVER_SETTINGS_H

#include <stddef.h>

#include "server/store.h"

#define SETTINGS_KEY_MAX 64
#define SETTINGS_VALUE_MAX 1024

/* Keys in use. */
#define SETTINGS_PARTNERSHIP "partnership"
#define SETTINGS_LISTEN "listen"
#define SETTINGS_CREATED "created" /* UTC seconds, in decimal */
/* HOST:PORT that invites name when clients reach the server by another address than listen. */
#define SETTINGS_PUBLIC_ADDRESS "public_address"

/*
 * Copies the value of key into buf (len bytes, NUL-terminated). Returns 0,
 * SAFER_E_NOTFOUND if the key is absent, SAFER_E_TOOBIG if buf is too small,
 * SAFER_E_INVAL for a bad key, SAFER_E_DB.
 */
int settings_get(store *st, const char *key, char *buf, size_t len);

/* Sets key to value inside a write job; SAFER_E_INVAL for over-long input. */
int settings_set_tx(store_tx *tx, const char *key, const char *value);

#endif
