/*
 * Agencies and people behind people.h: the input checks, the write jobs that
 * change membership (each with its audit row, in one transaction) and the
 * reads that list it.
 *
 * Sections: checks; reading rows; agency jobs; person jobs; lists.
 */
#include "server/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "server/audit.h"

/* Room for an audit row's object and detail. */
#define PEOPLE_OBJECT_MAX 48
#define PEOPLE_DETAIL_MAX 512

/* ---- checks --------------------------------------------------------------- */

/* Copies s into a quotable form for a message: itself if short and printable. */
static const char *people_quotable(const char *s)
{
    size_t n = strnlen(s, 65);

    if (n > 64)
        return "...";
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return "...";
    }
    return s;
}

int people_check_agency_code(const char *code, char *why, size_t why_len)
{
    size_t n = code ? strnlen(code, IDENT_AGENCY_CODE_MAX + 1) : 0;
    int ok = n >= 1 && n <= IDENT_AGENCY_CODE_MAX;

    for (size_t i = 0; ok && i < n; i++)
        ok = (code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9')
            || code[i] == '-';
    if (ok)
        return 0;
    snprintf(why, why_len, "agency code '%s' must be 1 to %d characters from a-z, 0-9 and '-'",
        people_quotable(code ? code : ""), IDENT_AGENCY_CODE_MAX);
    return SAFER_E_INVAL;
}

int people_check_initials(const char *initials, char *why, size_t why_len)
{
    size_t n = initials ? strnlen(initials, IDENT_INITIALS_MAX + 1) : 0;
    int ok = n >= 1 && n <= IDENT_INITIALS_MAX;

    for (size_t i = 0; ok && i < n; i++)
        ok = initials[i] >= 'A' && initials[i] <= 'Z';
    if (ok)
        return 0;
    snprintf(why, why_len, "initials '%s' must be 1 to %d letters A-Z",
        people_quotable(initials ? initials : ""), IDENT_INITIALS_MAX);
    return SAFER_E_INVAL;
}

/* The length of the UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t people_utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates, values past Unicode and C1 controls are refused. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return len;
}

int people_check_text(const char *what, const char *text, size_t max, char *why, size_t why_len)
{
    size_t n = text ? strnlen(text, max + 1) : 0;
    size_t i = 0;

    while (n >= 1 && n <= max && i < n) {
        size_t step = people_utf8_len((const unsigned char *)text + i, n - i);

        if (step == 0 || (step == 1 && ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)))
            break;
        i += step;
    }
    if (n >= 1 && n <= max && i == n)
        return 0;
    snprintf(why, why_len, "%s must be 1 to %zu bytes of UTF-8 text without control characters",
        what, max);
    return SAFER_E_INVAL;
}

void people_roles_text(uint32_t roles, const char *sep, char *out, size_t len)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { ROLE_BIT_ADMIN, "admin" },
        { ROLE_BIT_CHAIR, "chair" },
        { ROLE_BIT_LEAD, "lead" },
        { ROLE_BIT_MEMBER, "member" },
    };
    size_t used = 0;

    if (len == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int n;

        if ((roles & names[i].bit) == 0)
            continue;
        n = snprintf(out + used, len - used, "%s%s", used ? sep : "", names[i].name);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(out, len, "no role");
}

/* ---- reading rows --------------------------------------------------------- */

static int people_copy(char *dst, size_t cap, const store_val *v)
{
    if (v->type != STORE_TEXT || v->n >= cap)
        return SAFER_E_DB;
    memcpy(dst, v->p, v->n);
    dst[v->n] = '\0';
    return 0;
}

/* ST_AGENCY_VIEW / ST_AGENCY_LIST: code, name, active, people. */
static int people_agency_fill(people_agency *a, const store_val *c, size_t n)
{
    if (n != 4 || people_copy(a->code, sizeof(a->code), &c[0]) < 0
        || people_copy(a->name, sizeof(a->name), &c[1]) < 0 || c[2].type != STORE_INT
        || c[3].type != STORE_INT)
        return SAFER_E_DB;
    a->active = c[2].i != 0;
    a->people = (uint32_t)c[3].i;
    return 0;
}

/* ST_PERSON_VIEW / ST_PERSON_LIST: initials, name, agency code, roles, active, keys. */
static int people_person_fill(people_person *p, const store_val *c, size_t n)
{
    if (n != 6 || people_copy(p->initials, sizeof(p->initials), &c[0]) < 0
        || people_copy(p->name, sizeof(p->name), &c[1]) < 0
        || people_copy(p->agency_code, sizeof(p->agency_code), &c[2]) < 0 || c[3].type != STORE_INT
        || c[4].type != STORE_INT || c[5].type != STORE_INT)
        return SAFER_E_DB;
    p->roles = (uint32_t)c[3].i;
    p->active = c[4].i != 0;
    p->keys = (uint32_t)c[5].i;
    return 0;
}

/* A single-row read into a found flag and a struct. */
struct people_one {
    int found;
    void *out;
};

static int people_agency_row(void *ctx, const store_val *c, size_t n)
{
    struct people_one *one = ctx;

    one->found = 1;
    return people_agency_fill(one->out, c, n);
}

static int people_person_row(void *ctx, const store_val *c, size_t n)
{
    struct people_one *one = ctx;

    one->found = 1;
    return people_person_fill(one->out, c, n);
}

/* Loads j->agency by j->code; SAFER_E_NOTFOUND with why set if there is none. */
static int people_load_agency(store_tx *tx, people_job *j)
{
    struct people_one one = { .out = &j->agency };
    const store_val args[] = { SV_TEXT(j->code) };
    int rc = store_tx_exec(tx, ST_AGENCY_VIEW, args, 1, people_agency_row, &one);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!one.found) {
        snprintf(j->why, sizeof(j->why), "no agency with code '%s'", j->code);
        return SAFER_E_NOTFOUND;
    }
    return 0;
}

/* Loads j->person by j->initials; SAFER_E_NOTFOUND with why set if there is none. */
static int people_load_person(store_tx *tx, people_job *j)
{
    struct people_one one = { .out = &j->person };
    const store_val args[] = { SV_TEXT(j->initials) };
    int rc = store_tx_exec(tx, ST_PERSON_VIEW, args, 1, people_person_row, &one);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (!one.found) {
        snprintf(j->why, sizeof(j->why), "no person with initials '%s'", j->initials);
        return SAFER_E_NOTFOUND;
    }
    return 0;
}

/* The id of the row a one-column-id statement finds (0 if none). */
static int people_id_row(void *ctx, const store_val *c, size_t n)
{
    if (n < 1 || c[0].type != STORE_INT)
        return SAFER_E_DB;
    *(int64_t *)ctx = c[0].i;
    return 0;
}

static int people_id_of(store_tx *tx, enum store_stmt stmt, const char *key, int64_t *id)
{
    const store_val args[] = { SV_TEXT(key) };
    int rc;

    *id = 0;
    rc = store_tx_exec(tx, stmt, args, 1, people_id_row, id);
    return rc > 0 ? SAFER_E_DB : rc;
}

/*
 * Refuses a change that left the partnership without an active admin who can
 * sign in (one with a live key). The caller of every people job is such an
 * admin, so the count was at least one before the change.
 */
static int people_admins_left(store_tx *tx, people_job *j)
{
    int64_t admins = 0;
    int rc = store_tx_exec(tx, ST_ADMINS_SIGNIN, NULL, 0, people_id_row, &admins);

    if (rc != 0)
        return rc < 0 ? rc : SAFER_E_DB;
    if (admins > 0)
        return 0;
    snprintf(j->why, sizeof(j->why),
        "that would leave the partnership without an active admin who can sign in");
    return SAFER_E_PRECOND;
}

static void people_when(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(out, 32, "%lld", (long long)t);
}

/* Appends the audit row of a change to object "KIND:NAME". */
static int people_audit(store_tx *tx, const people_job *j, const char *action, const char *kind,
    const char *name, const char *detail)
{
    char object[PEOPLE_OBJECT_MAX];

    snprintf(object, sizeof(object), "%s:%s", kind, name);
    return audit_append(tx, j->now, j->actor, action, object, detail);
}

/* ---- agency jobs ---------------------------------------------------------- */

int people_agency_add_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    char detail[PEOPLE_DETAIL_MAX];
    int rc;

    {
        const store_val args[] = { SV_TEXT(j->code), SV_TEXT(j->name), SV_INT(j->now) };
        rc = store_tx_exec(tx, ST_AGENCY_INSERT, args, 3, NULL, NULL);
    }
    if (rc == SAFER_E_EXISTS)
        snprintf(j->why, sizeof(j->why), "agency '%s' already exists", j->code);
    if (rc < 0)
        return rc;
    if ((rc = people_load_agency(tx, j)) < 0)
        return rc;
    snprintf(detail, sizeof(detail), "added agency '%s'", j->name);
    return people_audit(tx, j, "agency.add", "agency", j->code, detail);
}

int people_agency_rename_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    char detail[PEOPLE_DETAIL_MAX];
    int rc;

    if ((rc = people_load_agency(tx, j)) < 0)
        return rc;
    snprintf(detail, sizeof(detail), "renamed from '%s' to '%s'", j->agency.name, j->name);
    {
        const store_val args[] = { SV_TEXT(j->name), SV_TEXT(j->code) };
        rc = store_tx_exec(tx, ST_AGENCY_RENAME, args, 2, NULL, NULL);
    }
    if (rc < 0 || (rc = people_load_agency(tx, j)) < 0)
        return rc;
    return people_audit(tx, j, "agency.rename", "agency", j->code, detail);
}

int people_agency_deactivate_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    char detail[PEOPLE_DETAIL_MAX];
    int rc;

    if ((rc = people_load_agency(tx, j)) < 0)
        return rc;
    if (!j->agency.active) {
        snprintf(j->why, sizeof(j->why), "agency '%s' is already deactivated", j->code);
        return SAFER_E_PRECOND;
    }
    snprintf(detail, sizeof(detail), "deactivated; its %u active people can no longer connect",
        (unsigned)j->agency.people);
    {
        const store_val args[] = { SV_TEXT(j->code) };
        rc = store_tx_exec(tx, ST_AGENCY_DEACTIVATE, args, 1, NULL, NULL);
    }
    if (rc < 0 || (rc = people_admins_left(tx, j)) < 0 || (rc = people_load_agency(tx, j)) < 0)
        return rc;
    return people_audit(tx, j, "agency.deactivate", "agency", j->code, detail);
}

/* ---- person jobs ---------------------------------------------------------- */

/* Stores j->invite_code for person_id and audits it. */
static int people_add_invite(store_tx *tx, people_job *j, int64_t person_id)
{
    char detail[PEOPLE_DETAIL_MAX];
    char when[32];
    int rc = ident_invite_add(
        tx, person_id, j->invite_code, IDENT_PURPOSE_ENROL, j->now, j->expires, j->actor_id);

    /* A clash of two random 128-bit codes is a fault, not the caller's doing. */
    if (rc == SAFER_E_EXISTS)
        rc = SAFER_E_INTERNAL;
    if (rc < 0)
        return rc;
    people_when(j->expires, when);
    snprintf(detail, sizeof(detail), "enrolment invite valid until %s", when);
    return people_audit(tx, j, "invite.create", "person", j->initials, detail);
}

int people_person_add_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    char detail[PEOPLE_DETAIL_MAX];
    char roles[PEOPLE_ROLES_TEXT_MAX];
    int64_t agency_id, person_id;
    int rc;

    if ((rc = people_load_agency(tx, j)) < 0)
        return rc;
    if (!j->agency.active) {
        snprintf(j->why, sizeof(j->why), "agency '%s' is deactivated", j->code);
        return SAFER_E_PRECOND;
    }
    if ((rc = people_id_of(tx, ST_AGENCY_BY_CODE, j->code, &agency_id)) < 0)
        return rc;
    {
        const store_val args[] = { SV_TEXT(j->initials), SV_TEXT(j->name), SV_INT(agency_id),
            SV_INT(j->roles), SV_INT(j->now) };
        rc = store_tx_exec(tx, ST_PERSON_INSERT, args, 5, NULL, NULL);
    }
    if (rc == SAFER_E_EXISTS)
        snprintf(j->why, sizeof(j->why), "a person with initials '%s' already exists", j->initials);
    if (rc < 0)
        return rc;
    person_id = store_tx_last_id(tx);
    people_roles_text(j->roles, ",", roles, sizeof(roles));
    snprintf(detail, sizeof(detail), "added '%s' of agency %s as %s", j->name, j->code, roles);
    if ((rc = people_audit(tx, j, "person.add", "person", j->initials, detail)) < 0
        || (rc = people_add_invite(tx, j, person_id)) < 0)
        return rc;
    return people_load_person(tx, j);
}

int people_person_roles_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    char detail[PEOPLE_DETAIL_MAX];
    char before[PEOPLE_ROLES_TEXT_MAX];
    char after[PEOPLE_ROLES_TEXT_MAX];
    int64_t person_id;
    int rc;

    if ((rc = people_load_person(tx, j)) < 0
        || (rc = people_id_of(tx, ST_PERSON_BY_INITIALS, j->initials, &person_id)) < 0)
        return rc;
    people_roles_text(j->person.roles, ",", before, sizeof(before));
    people_roles_text(j->roles, ",", after, sizeof(after));
    snprintf(detail, sizeof(detail), "roles %s -> %s", before, after);
    {
        const store_val args[] = { SV_INT(j->roles), SV_INT(person_id) };
        rc = store_tx_exec(tx, ST_PERSON_SET_ROLES, args, 2, NULL, NULL);
    }
    if (rc < 0 || (rc = people_admins_left(tx, j)) < 0 || (rc = people_load_person(tx, j)) < 0)
        return rc;
    return people_audit(tx, j, "person.roles", "person", j->initials, detail);
}

int people_person_deactivate_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    int64_t person_id;
    int rc;

    if ((rc = people_load_person(tx, j)) < 0
        || (rc = people_id_of(tx, ST_PERSON_BY_INITIALS, j->initials, &person_id)) < 0)
        return rc;
    if (!j->person.active) {
        snprintf(j->why, sizeof(j->why), "%s is already deactivated", j->initials);
        return SAFER_E_PRECOND;
    }
    {
        const store_val args[] = { SV_INT(person_id) };
        rc = store_tx_exec(tx, ST_PERSON_DEACTIVATE, args, 1, NULL, NULL);
    }
    if (rc < 0 || (rc = people_admins_left(tx, j)) < 0 || (rc = people_load_person(tx, j)) < 0)
        return rc;
    return people_audit(tx, j, "person.deactivate", "person", j->initials,
        "deactivated; their keys can no longer connect");
}

int people_invite_job(store_tx *tx, void *arg)
{
    people_job *j = arg;
    int64_t person_id;
    int rc;

    if ((rc = people_load_person(tx, j)) < 0
        || (rc = people_id_of(tx, ST_PERSON_BY_INITIALS, j->initials, &person_id)) < 0)
        return rc;
    if (!j->person.active) {
        snprintf(j->why, sizeof(j->why), "%s is deactivated", j->initials);
        return SAFER_E_PRECOND;
    }
    snprintf(j->code, sizeof(j->code), "%s", j->person.agency_code);
    if ((rc = people_load_agency(tx, j)) < 0)
        return rc;
    if (!j->agency.active) {
        snprintf(j->why, sizeof(j->why), "agency '%s' is deactivated", j->code);
        return SAFER_E_PRECOND;
    }
    return people_add_invite(tx, j, person_id);
}

/* ---- lists ---------------------------------------------------------------- */

/* A growing array of rows being read. */
struct people_list {
    void *rows;
    size_t n;
    size_t cap;
    size_t size; /* bytes per row */
    int (*fill)(void *row, const store_val *c, size_t n);
};

static int people_fill_agency(void *row, const store_val *c, size_t n)
{
    return people_agency_fill(row, c, n);
}

static int people_fill_person(void *row, const store_val *c, size_t n)
{
    return people_person_fill(row, c, n);
}

static int people_list_row(void *ctx, const store_val *c, size_t n)
{
    struct people_list *l = ctx;

    if (l->n == PEOPLE_LIST_MAX)
        return SAFER_E_LIMIT;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void *grown = realloc(l->rows, cap * l->size);

        if (!grown)
            return SAFER_E_NOMEM;
        l->rows = grown;
        l->cap = cap;
    }
    memset((char *)l->rows + l->n * l->size, 0, l->size);
    if (l->fill((char *)l->rows + l->n * l->size, c, n) < 0)
        return SAFER_E_DB;
    l->n++;
    return 0;
}

/* Reads every row of stmt into l; on failure l holds nothing. */
static int people_read_list(store *st, enum store_stmt stmt, struct people_list *l)
{
    int rc = store_read(st, stmt, NULL, 0, people_list_row, l);

    if (rc != 0) {
        free(l->rows);
        l->rows = NULL;
        l->n = 0;
        return rc < 0 ? rc : SAFER_E_DB;
    }
    return 0;
}

int people_agency_list(store *st, people_agency **out, size_t *n)
{
    struct people_list l = { .size = sizeof(people_agency), .fill = people_fill_agency };
    int rc = people_read_list(st, ST_AGENCY_LIST, &l);

    *out = l.rows;
    *n = l.n;
    return rc;
}

int people_person_list(store *st, people_person **out, size_t *n)
{
    struct people_list l = { .size = sizeof(people_person), .fill = people_fill_person };
    int rc = people_read_list(st, ST_PERSON_LIST, &l);

    *out = l.rows;
    *n = l.n;
    return rc;
}
