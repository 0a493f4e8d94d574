/*
 * The command-line conventions every command of safer and saferd keeps:
 * --help prints the usage on stdout and exits 0; an unknown option exits 2
 * with a first stderr line "safer: ..." (or "saferd: ...") that names it and
 * the usage after it; a command run without an argument it needs exits 2
 * with the usage on stderr. The commands are not listed here: they are
 * walked from the binaries' own --help output, a command group's usage line
 * ("<command>", "<group>" or "COMMAND") leading to the names in its list, so
 * a command added later is covered without touching this file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/harness.h"

#define CMD_WORDS_MAX 6   /* the deepest command path, with the binary */
#define CMD_PATHS_MAX 256 /* more commands than either binary will have */
#define CMD_WORD_MAX 32   /* the longest command name */

/* One command: the words after the binary that name it ("admin agency add"). */
typedef struct cmd_path {
    char words[CMD_WORDS_MAX][CMD_WORD_MAX];
    size_t n;
    int needs_arg;  /* its usage line shows a required argument */
    int group;      /* it is a command group */
    char opts[512]; /* the options its --help lists, each followed by a space */
} cmd_path;

/* Every command of one binary, found by walking its --help output. */
typedef struct cmd_tree {
    const char *bin;    /* the binary's path */
    const char *prefix; /* what its errors start with: "safer: " */
    char home[HX_PATH_MAX];
    cmd_path paths[CMD_PATHS_MAX];
    size_t n;
    hx_result *res; /* scratch for one run */
} cmd_tree;

/* Runs the binary with path's words, then extra (NULL for none), with an empty SAFER_HOME. */
static int tree_run(cmd_tree *t, const cmd_path *p, const char *extra)
{
    const char *argv[CMD_WORDS_MAX + 3];
    size_t k = 0;

    argv[k++] = t->bin;
    for (size_t i = 0; i < p->n; i++)
        argv[k++] = p->words[i];
    if (extra != NULL)
        argv[k++] = extra;
    argv[k] = NULL;
    return hx_exec(t->home, t->res, argv);
}

/* The command's words joined by spaces, for messages. */
static const char *path_name(const cmd_path *p, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < p->n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", p->words[i]);
    return p->n == 0 ? "(none)" : buf;
}

/* The first line of text, copied into buf. */
static const char *first_line(const char *text, char *buf, size_t len)
{
    size_t n = strcspn(text, "\n");

    if (n >= len)
        n = len - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    return buf;
}

/*
 * Whether a usage line needs an argument: a command group always does, and
 * so does a command whose usage, after its name, shows an upper-case
 * placeholder (DIR, DATE) outside [optional] brackets.
 */
static int usage_needs_arg(const char *line, size_t words, int group)
{
    const char *p = line;
    int depth = 0;

    if (group)
        return 1;
    /* Skip "usage:", the binary and the command's own words. */
    for (size_t i = 0; i < words + 2 && p != NULL; i++) {
        p = strchr(p, ' ');
        if (p != NULL)
            p++;
    }
    for (; p != NULL && *p != '\0'; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']')
            depth--;
        else if (depth == 0 && *p >= 'A' && *p <= 'Z' && (p[-1] == ' ' || p[-1] == '('))
            return 1;
    }
    return 0;
}

/*
 * The options a help text lists, one per line "  --name ..." or "  -o ...",
 * into buf, each followed by a space.
 */
static void help_options(const char *help, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (const char *s = help; s != NULL; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        size_t n = 0;

        if (strncmp(s, "  -", 3) != 0)
            continue;
        while (s[2 + n] == '-' || (s[2 + n] >= 'a' && s[2 + n] <= 'z'))
            n++;
        if (n > 1 && used + n + 1 < len)
            used += (size_t)snprintf(buf + used, len - used, "%.*s ", (int)n, s + 2);
    }
}

/*
 * Adds the command p and, when its --help shows a command group, walks
 * into every command that group lists: lines "  name  summary".
 */
static void tree_walk(cmd_tree *t, const cmd_path *p)
{
    char name[256], line[512];
    cmd_path *me;
    const char *s;
    int group;

    ck_assert_msg(t->n < CMD_PATHS_MAX, "more than %d commands", CMD_PATHS_MAX);
    me = &t->paths[t->n++];
    *me = *p;
    tree_run(t, p, "--help");
    ck_assert_msg(t->res->status == 0, "%s %s --help exits %d", t->bin, path_name(p, name, 256),
        t->res->status);
    first_line(t->res->out, line, sizeof(line));
    ck_assert_msg(strncmp(line, "usage: ", 7) == 0, "%s %s --help: stdout starts '%s'", t->bin,
        path_name(p, name, 256), line);
    group = strstr(line, "<command>") != NULL || strstr(line, "<group>") != NULL
        || strstr(line, "COMMAND") != NULL;
    me->needs_arg = usage_needs_arg(line, p->n, group);
    me->group = group;
    help_options(t->res->out, me->opts, sizeof(me->opts));
    if (!group)
        return;
    /* Copy the help: walking the children reuses the result buffer. */
    char *help = strdup(t->res->out);
    ck_assert_ptr_nonnull(help);
    for (s = help; s != NULL && *s != '\0'; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        size_t n = 0;
        cmd_path child = *p;

        if (strncmp(s, "  ", 2) != 0 || s[2] < 'a' || s[2] > 'z')
            continue;
        while ((s[2 + n] >= 'a' && s[2 + n] <= 'z') || s[2 + n] == '-')
            n++;
        /* A command's name is followed by at least two spaces and its summary. */
        if (strncmp(s + 2 + n, "  ", 2) != 0 || n >= CMD_WORD_MAX)
            continue;
        ck_assert_msg(p->n + 1 < CMD_WORDS_MAX, "commands nested too deep");
        memcpy(child.words[child.n], s + 2, n);
        child.words[child.n][n] = '\0';
        child.n++;
        tree_walk(t, &child);
    }
    free(help);
}

/* 1 if the tree holds the command named by words (space-separated). */
static int tree_has(const cmd_tree *t, const char *words)
{
    char name[256];

    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(path_name(&t->paths[i], name, sizeof(name)), words) == 0)
            return 1;
    }
    return 0;
}

static cmd_tree *tree_new(const char *bin, const char *prefix)
{
    cmd_tree *t = calloc(1, sizeof(*t));
    cmd_path root = { .n = 0 };

    ck_assert_ptr_nonnull(t);
    t->bin = bin;
    t->prefix = prefix;
    t->res = malloc(sizeof(*t->res));
    ck_assert_ptr_nonnull(t->res);
    snprintf(t->home, sizeof(t->home), "/tmp/safer-cli-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->home));
    tree_walk(t, &root);
    return t;
}

static void tree_free(cmd_tree *t)
{
    /* The commands were all refused, so the empty client folder stays empty. */
    ck_assert_int_eq(rmdir(t->home), 0);
    free(t->res);
    free(t);
}

/* Checks that every command of t refuses --no-such-flag the same way. */
static void tree_check_unknown_flag(cmd_tree *t)
{
    char name[256], line[512];

    for (size_t i = 0; i < t->n; i++) {
        const cmd_path *p = &t->paths[i];

        tree_run(t, p, "--no-such-flag");
        path_name(p, name, sizeof(name));
        first_line(t->res->err, line, sizeof(line));
        ck_assert_msg(t->res->status == 2, "%s %s --no-such-flag exits %d: %s", t->bin, name,
            t->res->status, line);
        ck_assert_msg(strncmp(line, t->prefix, strlen(t->prefix)) == 0,
            "%s %s --no-such-flag: stderr starts '%s', not '%s'", t->bin, name, line, t->prefix);
        ck_assert_msg(strstr(line, "--no-such-flag") != NULL,
            "%s %s: the error does not name the option: '%s'", t->bin, name, line);
        ck_assert_msg(
            strstr(t->res->err, "usage: ") != NULL, "%s %s --no-such-flag: no usage", t->bin, name);
        ck_assert_msg(t->res->out[0] == '\0', "%s %s --no-such-flag wrote to stdout", t->bin, name);
    }
}

/* Checks that every command that needs an argument exits 2 without one. */
static void tree_check_missing_arg(cmd_tree *t, size_t *checked)
{
    char name[256], line[512];

    for (size_t i = 0; i < t->n; i++) {
        const cmd_path *p = &t->paths[i];

        if (!p->needs_arg)
            continue;
        tree_run(t, p, NULL);
        path_name(p, name, sizeof(name));
        first_line(t->res->err, line, sizeof(line));
        ck_assert_msg(t->res->status == 2, "%s %s without arguments exits %d: %s", t->bin, name,
            t->res->status, line);
        ck_assert_msg(
            strncmp(line, t->prefix, strlen(t->prefix)) == 0 || strncmp(line, "usage: ", 7) == 0,
            "%s %s without arguments: stderr starts '%s'", t->bin, name, line);
        ck_assert_msg(strstr(t->res->err, "usage: ") != NULL, "%s %s without arguments: no usage",
            t->bin, name);
        (*checked)++;
    }
}

START_TEST(test_safer_help_walks_every_command)
{
    cmd_tree *t = tree_new(SAFER_BIN, "safer: ");

    /* The walk reaches the nested commands, so the checks below see them all. */
    ck_assert(tree_has(t, "enrol"));
    ck_assert(tree_has(t, "admin agency add"));
    ck_assert(tree_has(t, "meeting agenda move"));
    ck_assert(tree_has(t, "pack verify"));
    ck_assert_uint_ge(t->n, 40);
    tree_free(t);
}
END_TEST

START_TEST(test_saferd_help_walks_every_command)
{
    cmd_tree *t = tree_new(SAFERD_BIN, "saferd: ");

    ck_assert(tree_has(t, "init"));
    ck_assert(tree_has(t, "run"));
    ck_assert(tree_has(t, "audit-verify"));
    ck_assert_uint_ge(t->n, 4);
    tree_free(t);
}
END_TEST

START_TEST(test_safer_unknown_flag_prints_usage_and_exits_2)
{
    cmd_tree *t = tree_new(SAFER_BIN, "safer: ");

    tree_check_unknown_flag(t);
    tree_free(t);
}
END_TEST

START_TEST(test_saferd_unknown_flag_prints_usage_and_exits_2)
{
    cmd_tree *t = tree_new(SAFERD_BIN, "saferd: ");

    tree_check_unknown_flag(t);
    tree_free(t);
}
END_TEST

START_TEST(test_safer_missing_argument_exits_2)
{
    cmd_tree *t = tree_new(SAFER_BIN, "safer: ");
    size_t checked = 0;

    tree_check_missing_arg(t, &checked);
    /* report submit, admin agency add, the command groups and more need arguments. */
    ck_assert_uint_ge(checked, 20);
    tree_free(t);
}
END_TEST

START_TEST(test_saferd_missing_argument_exits_2)
{
    cmd_tree *t = tree_new(SAFERD_BIN, "saferd: ");
    size_t checked = 0;

    tree_check_missing_arg(t, &checked);
    ck_assert_uint_ge(checked, 3);
    tree_free(t);
}
END_TEST

START_TEST(test_unknown_command_exits_2)
{
    cmd_tree *t = tree_new(SAFER_BIN, "safer: ");
    cmd_path p = { .n = 1 };

    snprintf(p.words[0], CMD_WORD_MAX, "no-such-command");
    tree_run(t, &p, NULL);
    ck_assert_int_eq(t->res->status, 2);
    ck_assert(strncmp(t->res->err, "safer: ", 7) == 0);
    t->bin = SAFERD_BIN;
    tree_run(t, &p, NULL);
    ck_assert_int_eq(t->res->status, 2);
    ck_assert(strncmp(t->res->err, "saferd: ", 8) == 0);
    tree_free(t);
}
END_TEST

/* The bash completion file: deploy/safer.bash-completion beside this file's tree. */
static char *read_completion(void)
{
    char path[HX_PATH_MAX];
    const char *tail = strstr(__FILE__, "tests/integration/");
    FILE *f;
    char *text;
    long n;

    ck_assert_ptr_nonnull(tail);
    snprintf(
        path, sizeof(path), "%.*sdeploy/safer.bash-completion", (int)(tail - __FILE__), __FILE__);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert(n > 0 && n < 1000000);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

START_TEST(test_completion_knows_every_command_and_option)
{
    cmd_tree *t = tree_new(SAFER_BIN, "safer: ");
    char *text = read_completion();
    char name[256], key[300], row[1024];

    for (size_t i = 1; i < t->n; i++) {
        const cmd_path *p = &t->paths[i];
        const char *at;
        size_t n;

        snprintf(key, sizeof(key), "[\"%s\"]=\"", path_name(p, name, sizeof(name)));
        at = strstr(text, key);
        ck_assert_msg(at != NULL, "deploy/safer.bash-completion has no row for '%s'", name);
        at += strlen(key);
        n = strcspn(at, "\"");
        snprintf(row, sizeof(row), " %.*s ", (int)n, at);
        /* A leaf's row lists each of its options; a group's, each of its commands. */
        for (const char *o = p->opts; !p->group && *o != '\0'; o += strcspn(o, " ") + 1) {
            snprintf(key, sizeof(key), " %.*s ", (int)strcspn(o, " "), o);
            ck_assert_msg(strstr(row, key) != NULL, "completion of '%s' lacks%s", name, key);
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        const cmd_path *p = &t->paths[i];

        /* Every command is listed in its parent group's row. */
        if (p->n == 0)
            continue;
        cmd_path parent = *p;
        parent.n--;
        snprintf(key, sizeof(key), "[\"%s\"]=\"", parent.n ? path_name(&parent, name, 256) : "-");
        const char *at = strstr(text, key);
        ck_assert_ptr_nonnull(at);
        at += strlen(key);
        snprintf(row, sizeof(row), " %.*s ", (int)strcspn(at, "\""), at);
        snprintf(key, sizeof(key), " %s ", p->words[p->n - 1]);
        ck_assert_msg(
            strstr(row, key) != NULL, "completion of '%s' lacks%s", parent.n ? name : "safer", key);
    }
    free(text);
    tree_free(t);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli_conventions");
    TCase *tc = tcase_create("walk");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_safer_help_walks_every_command);
    tcase_add_test(tc, test_saferd_help_walks_every_command);
    tcase_add_test(tc, test_safer_unknown_flag_prints_usage_and_exits_2);
    tcase_add_test(tc, test_saferd_unknown_flag_prints_usage_and_exits_2);
    tcase_add_test(tc, test_safer_missing_argument_exits_2);
    tcase_add_test(tc, test_saferd_missing_argument_exits_2);
    tcase_add_test(tc, test_unknown_command_exits_2);
    tcase_add_test(tc, test_completion_knows_every_command_and_option);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
