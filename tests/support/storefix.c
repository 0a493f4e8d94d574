/*
 * The store test fixtures behind storefix.h.
 */
#include "support/storefix.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>
#include <sqlite3.h>

#include "common/err.h"
#include "server/ident.h"

void storefix_setup(storefix *f)
{
    const char *tmp = getenv("TMPDIR");

    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s/safer-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/safer.db", f->dir);
    ck_assert_int_eq(store_open(&f->st, f->db, STORE_CREATE), 0);
    storefix_audit_key(f->st);
}

void storefix_audit_key(store *st)
{
    uint8_t key[STORE_AUDIT_KEY_BYTES];

    /* The store keeps the key in sodium_malloc memory, which needs the library set up. */
    ck_assert_int_ge(sodium_init(), 0);
    memset(key, STOREFIX_AUDIT_KEY_BYTE, sizeof(key));
    ck_assert_int_eq(store_set_audit_key(st, key), 0);
}

void storefix_rmdir(const char *dir)
{
    char path[STOREFIX_PATH_MAX + 256];
    struct dirent *e;
    DIR *d = opendir(dir);

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

void storefix_teardown(storefix *f)
{
    store_close(f->st);
    f->st = NULL;
    storefix_rmdir(f->dir);
}

void storefix_reopen(storefix *f)
{
    store_close(f->st);
    f->st = NULL;
    ck_assert_int_eq(store_open(&f->st, f->db, 0), 0);
    storefix_audit_key(f->st);
}

void storefix_sql(const storefix *f, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    int rc;

    ck_assert_int_eq(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "storefix_sql: %s\n", msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(db);
    ck_assert_int_eq(rc, SQLITE_OK);
}

int64_t storefix_int(const storefix *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t v;
    int rc;

    ck_assert_int_eq(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    rc = sqlite3_step(stmt);
    v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    ck_assert_int_eq(rc, SQLITE_ROW);
    return v;
}

/* What storefix_person's job needs. */
struct storefix_person {
    const char *initials;
    const char *agency;
    uint32_t roles;
    int64_t id;
};

static int storefix_agency_row(void *ctx, const store_val *cols, size_t n)
{
    *(int64_t *)ctx = cols[0].i;
    return 0;
}

static int storefix_person_job(store_tx *tx, void *arg)
{
    struct storefix_person *p = arg;
    const store_val code[] = { SV_TEXT(p->agency) };
    int64_t agency_id = 0;
    int rc = store_tx_exec(tx, ST_AGENCY_BY_CODE, code, 1, storefix_agency_row, &agency_id);

    if (rc < 0)
        return rc;
    if (agency_id == 0) {
        const store_val a[] = { SV_TEXT(p->agency), SV_TEXT(p->agency), SV_INT(1000) };
        rc = store_tx_exec(tx, ST_AGENCY_INSERT, a, 3, NULL, NULL);
        if (rc < 0)
            return rc;
        agency_id = store_tx_last_id(tx);
    }
    {
        const store_val v[] = { SV_TEXT(p->initials), SV_TEXT(p->initials), SV_INT(agency_id),
            SV_INT(p->roles), SV_INT(1000) };
        rc = store_tx_exec(tx, ST_PERSON_INSERT, v, 5, NULL, NULL);
    }
    p->id = store_tx_last_id(tx);
    return rc;
}

int64_t storefix_person(storefix *f, const char *initials, const char *agency, uint32_t roles)
{
    struct storefix_person p = { .initials = initials, .agency = agency, .roles = roles };

    ck_assert_int_eq(store_run(f->st, storefix_person_job, &p), 0);
    ck_assert_int_gt(p.id, 0);
    return p.id;
}

/* What storefix_invite's job needs. */
struct storefix_invite {
    int64_t person;
    const char *code;
    int64_t now;
    int64_t expires;
};

static int storefix_invite_job(store_tx *tx, void *arg)
{
    struct storefix_invite *i = arg;

    return ident_invite_add(tx, i->person, i->code, IDENT_PURPOSE_ENROL, i->now, i->expires, 0);
}

void storefix_invite(storefix *f, int64_t person, const char *code, int64_t now, int64_t expires)
{
    struct storefix_invite i = { person, code, now, expires };

    ck_assert_int_eq(store_run(f->st, storefix_invite_job, &i), 0);
}
