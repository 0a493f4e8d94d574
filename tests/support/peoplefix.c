/*
 * The fixtures behind peoplefix.h. Everything goes through the real binaries
 * or the real database file; nothing here reaches into the server's code.
 */
#define _XOPEN_SOURCE 700
#include "support/peoplefix.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/keyfile.h"

int hx_enrol(const hx_server *s, const char *name, const char *invite, char *home, size_t len)
{
    hx_result *r = calloc(1, sizeof(*r));
    int ret = -1;

    if (!r)
        return -1;
    hx_home(s, name, home, len);
    if (hx_safer(home, r, "enrol", invite) != 0) {
        fprintf(stderr, "safer enrol into %s failed (%d): %s\n", name, r->status, r->err);
        goto out;
    }
    ret = 0;
out:
    free(r);
    return ret;
}

int hx_person_add(const char *admin_home, const char *initials, const char *agency,
    const char *roles, char *invite, size_t len)
{
    hx_result *r = calloc(1, sizeof(*r));
    char name[64];
    int ret = -1;

    if (!r)
        return -1;
    snprintf(name, sizeof(name), "Person %s", initials);
    hx_safer(admin_home, r, "admin", "person", "add", initials, "--name", name, "--agency", agency,
        "--role", roles);
    if (r->status != 0) {
        fprintf(stderr, "safer admin person add %s failed (%d): %s\n", initials, r->status, r->err);
        goto out;
    }
    if (hx_find_line(r->out, "safer://", invite, len) != 0) {
        fprintf(
            stderr, "safer admin person add %s printed no invite line:\n%s\n", initials, r->out);
        goto out;
    }
    ret = 0;
out:
    free(r);
    return ret;
}

int hx_person_enrol(const hx_server *s, const char *admin_home, const char *initials,
    const char *agency, const char *roles, char *home, size_t len)
{
    char invite[HX_INVITE_MAX];

    if (hx_person_add(admin_home, initials, agency, roles, invite, sizeof(invite)) != 0)
        return -1;
    return hx_enrol(s, initials, invite, home, len);
}

int hx_home_key(const char *home, uint8_t sk[32], uint8_t pk[32])
{
    char path[HX_PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/key", home);
    if (keyfile_read(path, sk, NULL) != 0)
        return -1;
    return crypto_scalarmult_base(pk, sk) == 0 ? 0 : -1;
}

int hx_home_fpr(const char *home, char fpr[HX_FPR_MAX])
{
    uint8_t sk[32], pk[32];
    char out[KEYFILE_FPR_CHARS + 1];

    if (hx_home_key(home, sk, pk) != 0)
        return -1;
    sodium_memzero(sk, sizeof(sk));
    keyfile_fingerprint(pk, out);
    snprintf(fpr, HX_FPR_MAX, "%s", out);
    return 0;
}

/* Copies one small file byte for byte, keeping it private. */
static int hx_copy_file(const char *from, const char *to)
{
    char buf[4096];
    FILE *in = fopen(from, "rb");
    FILE *out = NULL;
    size_t n;
    int ret = -1;

    if (!in)
        return -1;
    out = fopen(to, "wb");
    if (!out)
        goto out;
    chmod(to, 0600);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (fwrite(buf, 1, n, out) != n)
            goto out;
    }
    ret = ferror(in) ? -1 : 0;
out:
    if (out && fclose(out) != 0)
        ret = -1;
    fclose(in);
    return ret;
}

int hx_home_clone(const char *from, const char *to, int copy_key)
{
    char src[HX_PATH_MAX + 16], dst[HX_PATH_MAX + 16];

    if (mkdir(to, 0700) != 0)
        return -1;
    snprintf(src, sizeof(src), "%s/server", from);
    snprintf(dst, sizeof(dst), "%s/server", to);
    if (hx_copy_file(src, dst) != 0)
        return -1;
    if (!copy_key)
        return 0;
    snprintf(src, sizeof(src), "%s/key", from);
    snprintf(dst, sizeof(dst), "%s/key", to);
    return hx_copy_file(src, dst);
}

Safer__Response *hx_raw_next(hx_raw *r, pb_budget *b, int timeout_ms)
{
    uint8_t *reply = NULL;
    size_t rlen = 0;
    Safer__Response *rs = NULL;

    if (hx_raw_recv(r, &reply, &rlen, timeout_ms) == 0)
        rs = pb_response_unpack(b, reply, rlen);
    free(reply);
    return rs;
}

Safer__Response *hx_raw_call(hx_raw *r, const Safer__Request *rq, pb_budget *b, int timeout_ms)
{
    uint8_t *buf = NULL;
    size_t len = 0;

    if (pb_request_pack(rq, &buf, &len) != 0)
        return NULL;
    /* A failed send is not the end: the server may have said why it closed
     * before our request reached it, and that notice is still to be read. */
    (void)hx_raw_send(r, buf, len);
    free(buf);
    return hx_raw_next(r, b, timeout_ms);
}

static int hx_sql_open(const hx_server *s, int flags, sqlite3 **db)
{
    char path[HX_PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/safer.db", s->dir);
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        fprintf(stderr, "opening %s: %s\n", path, sqlite3_errmsg(*db));
        return -1;
    }
    sqlite3_busy_timeout(*db, 10000);
    return 0;
}

int hx_sql_exec(const hx_server *s, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    int ret = -1;

    if (hx_sql_open(s, SQLITE_OPEN_READWRITE, &db) != 0)
        goto out;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "SQL failed: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
        goto out;
    }
    ret = 0;
out:
    sqlite3_free(err);
    sqlite3_close(db);
    return ret;
}

int hx_sql_text(const hx_server *s, const char *sql, char *buf, size_t len)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (hx_sql_open(s, SQLITE_OPEN_READONLY, &db) != 0)
        goto out;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
        ret = 0;
    }
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ret;
}

void hx_counts_take(const hx_server *s, hx_counts *c)
{
    c->agencies = hx_sql_int(s, "SELECT count(*) FROM agencies");
    c->people = hx_sql_int(s, "SELECT count(*) FROM people");
    c->credentials = hx_sql_int(s, "SELECT count(*) FROM credentials");
    c->invites = hx_sql_int(s, "SELECT count(*) FROM invites");
    c->audit = hx_sql_int(s, "SELECT count(*) FROM audit");
}

int hx_counts_same(const hx_counts *before, const hx_counts *after)
{
    if (before->agencies == after->agencies && before->people == after->people
        && before->credentials == after->credentials && before->invites == after->invites
        && before->audit == after->audit)
        return 1;
    fprintf(stderr,
        "counts changed: agencies %lld -> %lld, people %lld -> %lld, credentials %lld -> %lld, "
        "invites %lld -> %lld, audit %lld -> %lld\n",
        before->agencies, after->agencies, before->people, after->people, before->credentials,
        after->credentials, before->invites, after->invites, before->audit, after->audit);
    return 0;
}
