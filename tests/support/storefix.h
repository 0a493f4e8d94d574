/*
 * Fixtures for the store, audit and ident tests: a fresh database in a
 * temporary folder, a way to reach it behind the store's back with raw SQL (to
 * tamper with it, as an attacker with the file would), and people with
 * invites to enrol.
 */
#ifndef SAFER_TESTS_STOREFIX_H
#define SAFER_TESTS_STOREFIX_H

#include <stdint.h>

#include "server/store.h"

#define STOREFIX_PATH_MAX 512

typedef struct storefix {
    char dir[STOREFIX_PATH_MAX];     /* a fresh temporary folder */
    char db[STOREFIX_PATH_MAX + 16]; /* dir/safer.db */
    store *st;                       /* open on db */
} storefix;

/* Makes the folder and opens a new store in it; fails the test on error. */
void storefix_setup(storefix *f);

/* The byte the fixtures' audit key is made of (32 of them). */
#define STOREFIX_AUDIT_KEY_BYTE 0x42

/* Gives st the fixtures' audit key; fails the test on error. setup and reopen call it. */
void storefix_audit_key(store *st);

/* Closes the store (if open) and removes the folder with everything in it. */
void storefix_teardown(storefix *f);

/* Removes a folder and the files directly inside it (no subfolders). */
void storefix_rmdir(const char *dir);

/* Closes and reopens the store on the same file. */
void storefix_reopen(storefix *f);

/* Runs sql on its own connection to the file; fails the test on error. */
void storefix_sql(const storefix *f, const char *sql);

/* The integer the query's first row starts with; fails the test if none. */
int64_t storefix_int(const storefix *f, const char *sql);

/*
 * Adds (through store_run) an agency with code agency if it is new and a
 * person in it; returns the person's id.
 */
int64_t storefix_person(storefix *f, const char *initials, const char *agency, uint32_t roles);

/* Adds an enrol invite for person with code, valid from now until expires. */
void storefix_invite(storefix *f, int64_t person, const char *code, int64_t now, int64_t expires);

#endif
