/*
 * What the `safer admin ...` commands share: checking the obvious shape of
 * their input before it goes to the server (which stays the authority and
 * checks everything again), and printing roles, times and invites the same
 * way everywhere. A check that fails prints "safer: <what> '<input>': why"
 * and the command exits with CLI_USAGE.
 */
#ifndef SAFER_CLIENT_ADMIN_H
#define SAFER_CLIENT_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "proto/safer.pb-c.h"

#define ADMIN_INITIALS_MAX 8 /* [A-Z]{1,8} */
#define ADMIN_CODE_MAX 32    /* agency codes: [a-z0-9-]{1,32} */
#define ADMIN_NAME_MAX 128   /* characters in a name */
#define ADMIN_ROLES_MAX 4    /* admin, chair, lead, member */
#define ADMIN_ROLES_TEXT_MAX 64
#define ADMIN_FPR_CHARS 19 /* "xxxx-xxxx-xxxx-xxxx" */

/* Subcommand groups of `safer admin`, in cmd_admin_*.c; argv[0] is the group name. */
int cmd_admin_agency(int argc, char **argv);
int cmd_admin_person(int argc, char **argv);
int cmd_admin_invite(int argc, char **argv);
int cmd_admin_key(int argc, char **argv);
int cmd_admin_audit(int argc, char **argv);

/* A subcommand of a group: {name, fn, summary}, like main.c's table. */
typedef struct admin_sub {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} admin_sub;

/*
 * Runs the subcommand argv[1] from subs, printing the group's usage for help
 * or a usage error. group is the command so far after "safer ", like
 * "admin agency". Returns the exit code.
 */
int admin_dispatch(int argc, char **argv, const admin_sub *subs, size_t nsubs, const char *group);

/* Prints "safer: WHAT 'IN': WHY" on stderr, with IN made safe; returns -1. */
int admin_bad(const char *what, const char *in, const char *why);

/* Copies initials upper-cased into out; checks [A-Za-z]{1,8}. Returns 0 or -1 (printed). */
int admin_initials(const char *in, char out[ADMIN_INITIALS_MAX + 1]);

/* Checks an agency code: [a-z0-9-]{1,32}. Returns 0 or -1 (printed). */
int admin_agency_code(const char *code);

/* Checks a name: 1..ADMIN_NAME_MAX characters, no control characters. 0 or -1 (printed). */
int admin_name(const char *name);

/*
 * Parses "lead,member" (case does not matter, no duplicates) into roles,
 * setting *n. Returns 0 or -1 (printed, naming the bad role).
 */
int admin_roles(const char *text, Safer__Role roles[ADMIN_ROLES_MAX], size_t *n);

/* Writes roles as "lead, member" into buf; "-" when there are none. */
void admin_roles_text(const Safer__Role *roles, size_t n, char *buf, size_t len);

/*
 * Checks a key revoke target: initials (upper-cased into out) or a
 * fingerprint (lower-cased into out). Returns 0 or -1 (printed).
 */
int admin_key_target(const char *in, char out[ADMIN_FPR_CHARS + 1]);

/* Prints "<lead>(expires YYYY-MM-DD HH:MM UTC):" then the invite alone on its own line. */
void admin_print_invite(const char *lead, const char *text, int64_t expires);

#endif
