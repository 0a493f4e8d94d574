/*
 * The partnership's membership: agencies and people, as the admin requests
 * change them. Each change is one write job that checks, changes and appends
 * its audit row in the same transaction, so a refused change writes nothing.
 * The checks of names, codes and initials are here too, so that handlers and
 * tests share them; their messages name the input and go to the user.
 */
#ifndef SAFER_SERVER_PEOPLE_H
#define SAFER_SERVER_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/invite.h"
#include "server/ident.h"
#include "server/store.h"

#define PEOPLE_WHY_MAX 160
#define PEOPLE_LIST_MAX 10000    /* the most agencies or people one list answer carries */
#define PEOPLE_INVITE_HOURS 168  /* how long an enrolment invite is valid */
#define PEOPLE_ROLES_TEXT_MAX 48 /* "admin, chair, lead, member" with room */

typedef struct people_agency {
    char code[IDENT_AGENCY_CODE_MAX + 1];
    char name[IDENT_AGENCY_NAME_MAX + 1];
    int active;
    uint32_t people; /* active people in it */
} people_agency;

typedef struct people_person {
    char initials[IDENT_INITIALS_MAX + 1];
    char name[IDENT_NAME_MAX + 1];
    char agency_code[IDENT_AGENCY_CODE_MAX + 1];
    uint32_t roles; /* ROLE_BIT_* */
    int active;
    uint32_t keys; /* credentials not revoked */
} people_person;

/* agency code: [a-z0-9-]{1,32}. 0 or SAFER_E_INVAL with a message in why. */
int people_check_agency_code(const char *code, char *why, size_t why_len);

/* initials: [A-Z]{1,8}. 0 or SAFER_E_INVAL with a message in why. */
int people_check_initials(const char *initials, char *why, size_t why_len);

/*
 * A name people read: 1..max bytes of UTF-8 without control characters. what
 * names the input in the message ("agency name").
 */
int people_check_text(const char *what, const char *text, size_t max, char *why, size_t why_len);

/*
 * One membership change: the inputs a handler fills, then what the job
 * reports. The invite code is a secret: wipe the struct before freeing it.
 */
typedef struct people_job {
    int64_t now;                             /* UTC seconds */
    char actor[IDENT_INITIALS_MAX + 1];      /* the caller, for the audit log */
    int64_t actor_id;                        /* the caller's person id; 0 for none */
    char code[IDENT_AGENCY_CODE_MAX + 1];    /* the agency */
    char name[IDENT_NAME_MAX + 1];           /* an agency's or a person's name */
    char initials[IDENT_INITIALS_MAX + 1];   /* the person */
    uint32_t roles;                          /* ROLE_BIT_*, for person add and set roles */
    char invite_code[INVITE_CODE_CHARS + 1]; /* person add, invite: the code to store */
    int64_t expires;                         /* and when it expires */
    people_agency agency;                    /* out: the agency as it is now */
    people_person person;                    /* out: the person as it is now */
    char why[PEOPLE_WHY_MAX];                /* out, on failure: the client's message */
} people_job;

/*
 * The jobs (store_job_fn, ctx is a people_job). Each returns 0 or
 * SAFER_E_EXISTS, SAFER_E_NOTFOUND, SAFER_E_PRECOND with why set, or
 * SAFER_E_DB. A change that would leave no active admin (in an active agency)
 * fails with SAFER_E_PRECOND.
 */
int people_agency_add_job(store_tx *tx, void *job);        /* code, name */
int people_agency_rename_job(store_tx *tx, void *job);     /* code, name */
int people_agency_deactivate_job(store_tx *tx, void *job); /* code */
int people_person_add_job(store_tx *tx, void *job);        /* initials, name, code, roles, invite */
int people_person_roles_job(store_tx *tx, void *job);      /* initials, roles */
int people_person_deactivate_job(store_tx *tx, void *job); /* initials */
int people_invite_job(store_tx *tx, void *job);            /* initials, invite */

/* Every agency, by code. *out is the caller's to free. */
int people_agency_list(store *st, people_agency **out, size_t *n);

/* Every person, by initials. *out is the caller's to free. */
int people_person_list(store *st, people_person **out, size_t *n);

/* "admin, lead" for a role set; "no role" for none. */
void people_roles_text(uint32_t roles, const char *sep, char *out, size_t len);

#endif
