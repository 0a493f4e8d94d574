/*
 * The fixtures behind boardfix.h. Like peoplefix.c they only run the real
 * binaries and read the real database file; nothing here reaches into the
 * server's or the client's code, so the tests can disagree with both.
 */
#define _XOPEN_SOURCE 700
#include "support/boardfix.h"

#include <ctype.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/peoplefix.h"

/* The most ids hx_jids sorts. */
#define HX_IDS_MAX 256

void hx_date(int days, char buf[HX_DATE_BYTES])
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, HX_DATE_BYTES, "%Y-%m-%d", &tm);
}

void hx_path(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static int hx_write_all(const char *path, const char *data, size_t len, char fill)
{
    char chunk[4096];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int ret = -1;

    if (fd < 0)
        return -1;
    memset(chunk, fill, sizeof(chunk));
    while (len > 0) {
        size_t n = len < sizeof(chunk) ? len : sizeof(chunk);
        ssize_t w = write(fd, data ? data : chunk, n);
        if (w <= 0)
            goto out;
        if (data)
            data += w;
        len -= (size_t)w;
    }
    ret = 0;
out:
    if (close(fd) != 0)
        ret = -1;
    return ret;
}

int hx_write_file(const char *path, const char *text)
{
    return hx_write_all(path, text, strlen(text), 0);
}

int hx_write_filled(const char *path, size_t len, char fill)
{
    return hx_write_all(path, NULL, len, fill);
}

json_t *hx_json_out(const hx_result *r)
{
    json_error_t err;
    json_t *doc = json_loads(r->out, JSON_DECODE_ANY, &err);

    if (!doc)
        fprintf(stderr, "not JSON (%s at line %d): stdout: %s\nstderr: %s\n", err.text, err.line,
            r->out, r->err);
    return doc;
}

const char *hx_jstr(const json_t *obj, const char *key)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_string(v) ? json_string_value(v) : "";
}

long long hx_jint(const json_t *obj, const char *key)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    if (json_is_integer(v))
        return (long long)json_integer_value(v);
    /* 64-bit integers may arrive as strings of digits in some converters. */
    if (json_is_string(v))
        return strtoll(json_string_value(v), NULL, 10);
    return 0;
}

int hx_jbool(const json_t *obj, const char *key)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_true(v);
}

json_t *hx_jarr(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_array(v) ? v : NULL;
}

int hx_jenum(const json_t *obj, const char *key, const char *want)
{
    const char *got = hx_jstr(obj, key);
    size_t glen = strlen(got), wlen = strlen(want);

    if (glen < wlen)
        return 0;
    for (size_t i = 0; i < wlen; i++) {
        if (tolower((unsigned char)got[glen - wlen + i]) != tolower((unsigned char)want[i]))
            return 0;
    }
    return glen == wlen || got[glen - wlen - 1] == '_';
}

int hx_jset_is(const json_t *arr, const char *want)
{
    char copy[512];
    char *save = NULL;
    size_t n = 0;

    if (!json_is_array(arr))
        return 0;
    snprintf(copy, sizeof(copy), "%s", want);
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), n++) {
        int found = 0;
        for (size_t i = 0; i < json_array_size(arr); i++) {
            const json_t *v = json_array_get(arr, i);
            found |= json_is_string(v) && strcmp(json_string_value(v), t) == 0;
        }
        if (!found)
            return 0;
    }
    return json_array_size(arr) == n;
}

json_t *hx_jlist(json_t *doc, const char *key)
{
    return json_is_array(doc) ? doc : hx_jarr(doc, key);
}

json_t *hx_jfind(json_t *arr, const char *key, const char *want)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *e = json_array_get(arr, i);
        if (strcmp(hx_jstr(e, key), want) == 0)
            return e;
    }
    return NULL;
}

json_t *hx_jfind_id(json_t *arr, long long id)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (hx_jint(json_array_get(arr, i), "id") == id)
            return json_array_get(arr, i);
    }
    return NULL;
}

static int hx_cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int hx_jids(const json_t *arr, char *buf, size_t len)
{
    long long ids[HX_IDS_MAX];
    size_t n = json_array_size(arr), used = 0;

    if (len == 0 || n > HX_IDS_MAX)
        return -1;
    for (size_t i = 0; i < n; i++)
        ids[i] = hx_jint(json_array_get(arr, i), "id");
    qsort(ids, n, sizeof(ids[0]), hx_cmp_ll);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, len - used, "%s%lld", i ? "," : "", ids[i]);
        if (w < 0 || (size_t)w >= len - used)
            return -1;
        used += (size_t)w;
    }
    return 0;
}

int hx_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++) {
        size_t i = 0;
        while (
            i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

int hx_agency_add(const char *admin_home, const char *code, const char *name)
{
    hx_result *r = calloc(1, sizeof(*r));
    int ret = -1;

    if (!r)
        return -1;
    if (hx_safer(admin_home, r, "admin", "agency", "add", code, name) != 0) {
        fprintf(stderr, "safer admin agency add %s failed (%d): %s\n", code, r->status, r->err);
        goto out;
    }
    ret = 0;
out:
    free(r);
    return ret;
}

int hx_raw_as(hx_raw *r, const hx_server *s, const char *home)
{
    uint8_t server_pk[32], sk[32], pk[32];
    int ret = -1;

    if (hx_server_pk(s, server_pk) != 0 || hx_home_key(home, sk, pk) != 0)
        goto out;
    ret = hx_raw_open(r, s, server_pk, sk, 0);
out:
    sodium_memzero(sk, sizeof(sk));
    return ret;
}

Safer__Response *hx_raw_submit(hx_raw *r, pb_budget *b, uint64_t rid, const hx_submit *sub)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportSubmitRequest body = SAFER__REPORT_SUBMIT_REQUEST__INIT;

    body.date = (char *)sub->date;
    body.group_code = (char *)sub->group;
    body.title = (char *)sub->title;
    body.rag = (Safer__Rag)sub->rag;
    body.marking = SAFER__MARKING__MARKING_OFFICIAL;
    body.body.data = (uint8_t *)sub->body;
    body.body.len = sub->body_len;
    body.idempotency_key.data = (uint8_t *)sub->key;
    body.idempotency_key.len = HX_IDEM_KEY_BYTES;
    rq.id = rid;
    rq.body_case = SAFER__REQUEST__BODY_REPORT_SUBMIT;
    rq.report_submit = &body;
    return hx_raw_call(r, &rq, b, HX_CALL_MS);
}

void hx_board_counts_take(const hx_server *s, hx_board_counts *c)
{
#define HX_TAKE(field, table) c->field = hx_sql_int(s, "SELECT count(*) FROM " #table);
    HX_BOARD_TABLES(HX_TAKE)
#undef HX_TAKE
}

int hx_board_counts_same(const hx_board_counts *b, const hx_board_counts *a)
{
    int same = 1;

#define HX_CMP(field, table)                                                                       \
    if (b->field != a->field) {                                                                    \
        fprintf(stderr, "rows of " #table " changed: %lld -> %lld\n", b->field, a->field);         \
        same = 0;                                                                                  \
    }
    HX_BOARD_TABLES(HX_CMP)
#undef HX_CMP
    return same;
}
