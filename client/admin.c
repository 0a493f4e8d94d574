/*
 * The helpers behind admin.h: subcommand dispatch for the admin groups and
 * the client-side checks of initials, agency codes, names, roles and revoke
 * targets. The checks catch typing mistakes early with a message naming the
 * input; they mirror the server's rules but the server decides.
 */
#include "client/admin.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/cli.h"
#include "client/pbjson.h"
#include "client/table.h"

int admin_bad(const char *what, const char *in, const char *why)
{
    fprintf(stderr, "safer: %s '", what);
    cli_put_safe(stderr, in);
    fprintf(stderr, "': %s\n", why);
    return -1;
}

static void admin_group_usage(FILE *f, const admin_sub *subs, size_t nsubs, const char *group)
{
    fprintf(f, "usage: safer %s <command> [<args>]\n\nCommands:\n", group);
    for (size_t i = 0; i < nsubs; i++)
        fprintf(f, "  %-11s %s\n", subs[i].name, subs[i].summary);
    fprintf(f, "\n'safer %s <command> --help' tells more.\n", group);
}

int admin_dispatch(int argc, char **argv, const admin_sub *subs, size_t nsubs, const char *group)
{
    if (argc < 2) {
        admin_group_usage(stderr, subs, nsubs, group);
        return CLI_USAGE;
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        admin_group_usage(stdout, subs, nsubs, group);
        return CLI_OK;
    }
    for (size_t i = 0; i < nsubs; i++) {
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "safer: %s: unknown command '", group);
    cli_put_safe(stderr, argv[1]);
    fputs("'\n\n", stderr);
    admin_group_usage(stderr, subs, nsubs, group);
    return CLI_USAGE;
}

int admin_initials(const char *in, char out[ADMIN_INITIALS_MAX + 1])
{
    size_t n = strlen(in);

    if (n == 0 || n > ADMIN_INITIALS_MAX)
        return admin_bad("initials", in, "want 1 to 8 letters, like DP");
    for (size_t i = 0; i < n; i++) {
        if (!isalpha((unsigned char)in[i]) || (unsigned char)in[i] >= 0x80)
            return admin_bad("initials", in, "want 1 to 8 letters, like DP");
        out[i] = (char)toupper((unsigned char)in[i]);
    }
    out[n] = '\0';
    return 0;
}

int admin_agency_code(const char *code)
{
    size_t n = strlen(code);

    if (n == 0 || n > ADMIN_CODE_MAX)
        return admin_bad("agency code", code, "want 1 to 32 of a-z, 0-9 and '-', like police");
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return admin_bad("agency code", code, "want 1 to 32 of a-z, 0-9 and '-', like police");
    }
    return 0;
}

int admin_name(const char *name)
{
    if (name[0] == '\0')
        return admin_bad("name", name, "must not be empty");
    if (table_width(name) > ADMIN_NAME_MAX)
        return admin_bad("name", name, "longer than 128 characters");
    for (const char *p = name; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return admin_bad("name", name, "contains a control character");
    }
    return 0;
}

/* The role named by the n bytes at s, case-insensitively; ROLE_NONE if none. */
static Safer__Role admin_role_named(const char *s, size_t n)
{
    static const struct {
        const char *name;
        Safer__Role role;
    } roles[] = {
        { "admin", SAFER__ROLE__ROLE_ADMIN },
        { "chair", SAFER__ROLE__ROLE_CHAIR },
        { "lead", SAFER__ROLE__ROLE_LEAD },
        { "member", SAFER__ROLE__ROLE_MEMBER },
    };

    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strlen(roles[i].name) == n && strncasecmp(s, roles[i].name, n) == 0)
            return roles[i].role;
    }
    return SAFER__ROLE__ROLE_NONE;
}

int admin_roles(const char *text, Safer__Role roles[ADMIN_ROLES_MAX], size_t *n)
{
    const char *p = text;
    char one[32];

    *n = 0;
    for (;;) {
        size_t len = strcspn(p, ",");
        Safer__Role r = admin_role_named(p, len);
        snprintf(one, sizeof(one), "%.*s", (int)(len < 31 ? len : 31), p);
        if (len == 0)
            return admin_bad("roles", text, "an empty role; want a list like lead,member");
        if (r == SAFER__ROLE__ROLE_NONE)
            return admin_bad("role", one, "not one of admin, chair, lead, member");
        for (size_t i = 0; i < *n; i++) {
            if (roles[i] == r)
                return admin_bad("role", one, "given twice");
        }
        roles[(*n)++] = r;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

void admin_roles_text(const Safer__Role *roles, size_t n, char *buf, size_t len)
{
    char name[PBJSON_NAME_MAX + 1];
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        if (pbjson_enum_name(&safer__role__descriptor, roles[i], name, sizeof(name)) != 0)
            snprintf(name, sizeof(name), "%d", (int)roles[i]);
        int r = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name);
        if (r < 0)
            break;
        used += (size_t)r;
    }
    if (n == 0)
        snprintf(buf, len, "-");
}

/* 1 if s looks like a fingerprint, "xxxx-xxxx-xxxx-xxxx" in hex of either case. */
static int admin_is_fpr(const char *s)
{
    if (strlen(s) != ADMIN_FPR_CHARS)
        return 0;
    for (size_t i = 0; i < ADMIN_FPR_CHARS; i++) {
        if (i % 5 == 4 ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

int admin_key_target(const char *in, char out[ADMIN_FPR_CHARS + 1])
{
    if (admin_is_fpr(in)) {
        for (size_t i = 0; i <= ADMIN_FPR_CHARS; i++)
            out[i] = (char)tolower((unsigned char)in[i]);
        return 0;
    }
    if (strlen(in) <= ADMIN_INITIALS_MAX && in[0] != '\0'
        && strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(in))
        return admin_initials(in, out);
    return admin_bad("key", in, "want initials like DP or a fingerprint like 1a2b-3c4d-5e6f-7a8b");
}

void admin_print_invite(const char *lead, const char *text, int64_t expires)
{
    char when[TABLE_TIME_MAX];

    table_time(expires, when);
    printf("%s(expires %s):\n", lead, when);
    cli_put_safe(stdout, text);
    fputc('\n', stdout);
    fflush(stdout);
}
