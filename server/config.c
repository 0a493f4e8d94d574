/*
 * saferd's configuration table and what reads it: the config file, through
 * inih, and the flags that override it (see config.h).
 *
 * inih hands each "key = value" to a callback but not its line number (that
 * is a build option of the library, off in Debian's), and never shows a
 * section that holds no keys. So the file is fed to inih one line at a time
 * through our own reader, which counts lines, refuses over-long ones, strips
 * leading blanks (an indented line would otherwise continue the value above
 * it) and checks section headers as they pass. The first error by line wins.
 */
#include "server/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "common/err.h"
#include "common/log.h"
#include "server/ratelimit.h"

#define CONFIG_MS_MAX 86400000u /* one day */
#define CONFIG_CONNS_MAX 1000000u
#define CONFIG_WQ_MIN (64u * 1024u)
#define CONFIG_WQ_MAX (256u * 1024u * 1024u)
#define CONFIG_QUOTE_MAX 80 /* bytes of a bad value quoted back */

/*
 * The defaults are written as text, the way the file would hold them, so
 * that --help and the example file show exactly what is parsed; config_test
 * checks that they equal the SERVER_*_DEFAULT values in server.h.
 */
const config_item config_items[CONFIG_NITEMS] = {
    { "listen", CONFIG_ADDR, offsetof(config, listen), "", 0, 0,
        "the address to listen on; empty: the one given to 'saferd init'" },
    { "public_address", CONFIG_ADDR, offsetof(config, public_address), "", 0, 0,
        "the address invites name when clients reach the server by another one" },
    { "data_dir", CONFIG_DIR, offsetof(config, data_dir), "", 0, 0,
        "the data folder made by 'saferd init'; empty: DIR on the command line" },
    { "handshake_timeout_ms", CONFIG_NUMBER, offsetof(config, handshake_timeout_ms), "10000", 1,
        CONFIG_MS_MAX, "close connections not through the handshake in this many ms" },
    { "idle_timeout_ms", CONFIG_NUMBER, offsetof(config, idle_timeout_ms), "300000", 1,
        CONFIG_MS_MAX, "close connections idle for this many ms" },
    { "max_conns", CONFIG_NUMBER, offsetof(config, max_conns), "1024", 1, CONFIG_CONNS_MAX,
        "connections at most" },
    { "max_handshakes", CONFIG_NUMBER, offsetof(config, max_handshakes), "64", 1, CONFIG_CONNS_MAX,
        "unfinished handshakes at most" },
    { "max_failures", CONFIG_NUMBER, offsetof(config, max_failures), "20", 1,
        RATELIMIT_FAILURES_MAX, "failures an address may have in a window before it is refused" },
    { "failure_window_ms", CONFIG_NUMBER, offsetof(config, failure_window_ms), "60000", 1,
        CONFIG_MS_MAX, "the length of that window in ms" },
    { "write_queue_bytes", CONFIG_NUMBER, offsetof(config, write_queue_bytes), "1048576",
        CONFIG_WQ_MIN, CONFIG_WQ_MAX, "bytes queued for one connection before its reading pauses" },
    { "log_level", CONFIG_LEVEL, offsetof(config, log_level), "info", 0, 0,
        "the lowest level logged: debug, info, warn or error" },
};

/* The state of one parse, shared by the line reader and the key handler. */
struct config_parse {
    config *c;                /* what the file sets */
    const char *p;            /* the next line */
    const char *end;          /* the end of the text */
    int line;                 /* the number of the line last read */
    int err_line;             /* the line of the first error found here, 0 if none */
    char err[CONFIG_ERR_MAX]; /* what is wrong on err_line */
};

static void *config_field(config *c, const config_item *it)
{
    return (char *)c + it->offset;
}

int config_find(const char *name)
{
    for (int i = 0; i < CONFIG_NITEMS; i++) {
        if (strcmp(config_items[i].name, name) == 0)
            return i;
    }
    return -1;
}

static int config_bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int config_bad(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return SAFER_E_INVAL;
}

static int config_set_number(
    uint64_t *dst, const config_item *it, const char *v, char *err, size_t errlen)
{
    char *end = NULL;
    unsigned long long n;

    errno = 0;
    n = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
    if (end == NULL || *end != '\0' || errno != 0 || n < it->min || n > it->max)
        return config_bad(err, errlen, "'%.*s' is not a number from %llu to %llu", CONFIG_QUOTE_MAX,
            v, (unsigned long long)it->min, (unsigned long long)it->max);
    *dst = n;
    return 0;
}

/* Copies an address into dst (CONFIG_ADDR_MAX + 1 bytes) once it parses as an invite's would. */
static int config_set_addr(char *dst, const char *v, char *err, size_t errlen)
{
    char host[INVITE_HOST_MAX + 1];
    char why[128];
    uint16_t port = 0;

    if (strnlen(v, CONFIG_ADDR_MAX + 1) > CONFIG_ADDR_MAX)
        return config_bad(
            err, errlen, "'%.*s...' is longer than %d bytes", CONFIG_QUOTE_MAX, v, CONFIG_ADDR_MAX);
    if (v[0] != '\0' && invite_parse_hostport(v, host, sizeof(host), &port, why, sizeof(why)) < 0)
        return config_bad(err, errlen, "'%s' is not a HOST:PORT address: %s", v, why);
    snprintf(dst, CONFIG_ADDR_MAX + 1, "%s", v);
    return 0;
}

int config_set(config *c, int i, const char *value, char *err, size_t errlen)
{
    const config_item *it;
    int level;

    if (i < 0 || i >= CONFIG_NITEMS)
        return config_bad(err, errlen, "no such setting");
    it = &config_items[i];
    switch (it->type) {
    case CONFIG_ADDR:
        return config_set_addr(config_field(c, it), value, err, errlen);
    case CONFIG_DIR:
        if (strnlen(value, CONFIG_DIR_MAX + 1) > CONFIG_DIR_MAX)
            return config_bad(err, errlen, "'%.*s...' is longer than %d bytes", CONFIG_QUOTE_MAX,
                value, CONFIG_DIR_MAX);
        snprintf(config_field(c, it), CONFIG_DIR_MAX + 1, "%s", value);
        return 0;
    case CONFIG_NUMBER:
        return config_set_number(config_field(c, it), it, value, err, errlen);
    case CONFIG_LEVEL:
        level = log_level_parse(value);
        if (level < 0)
            return config_bad(
                err, errlen, "'%.*s' is not debug, info, warn or error", CONFIG_QUOTE_MAX, value);
        *(int *)config_field(c, it) = level;
        return 0;
    }
    return config_bad(err, errlen, "no such type");
}

int config_defaults(config *c)
{
    char err[CONFIG_ERR_MAX];
    int rc;

    memset(c, 0, sizeof(*c));
    for (int i = 0; i < CONFIG_NITEMS; i++) {
        rc = config_set(c, i, config_items[i].def, err, sizeof(err));
        if (rc < 0)
            return rc;
    }
    return 0;
}

int config_flag(const char *arg, const char **value)
{
    char key[64];
    size_t n = 0;

    *value = NULL;
    if (strncmp(arg, "--", 2) != 0)
        return -1;
    arg += 2;
    /* The flag is the key with '-' for '_'; a key never holds '-', so the map is one to one. */
    for (; arg[n] != '\0' && arg[n] != '=' && n + 1 < sizeof(key); n++)
        key[n] = arg[n] == '-' ? '_' : arg[n] == '_' ? '-' : arg[n];
    key[n] = '\0';
    if (arg[n] == '=')
        *value = arg + n + 1;
    else if (arg[n] != '\0')
        return -1;
    return config_find(key);
}

/* Records the first error of a parse, on the line being read. */
static void config_parse_fail(struct config_parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void config_parse_fail(struct config_parse *ps, const char *fmt, ...)
{
    va_list ap;

    if (ps->err_line != 0)
        return;
    ps->err_line = ps->line;
    va_start(ap, fmt);
    vsnprintf(ps->err, sizeof(ps->err), fmt, ap);
    va_end(ap);
}

/* Checks a "[name]" line; inih itself reports one without its ']'. */
static void config_check_section(struct config_parse *ps, const char *line, size_t n)
{
    const char *close = memchr(line, ']', n);
    size_t len;

    if (close == NULL)
        return;
    len = (size_t)(close - line - 1);
    if (len != strlen(CONFIG_SECTION) || memcmp(line + 1, CONFIG_SECTION, len) != 0)
        config_parse_fail(ps, "unknown section [%.*s]; the only one is [" CONFIG_SECTION "]",
            (int)(len < CONFIG_QUOTE_MAX ? len : CONFIG_QUOTE_MAX), line + 1);
}

/* inih's fgets: one line of the text per call, so inih's line count is ours. */
static char *config_reader(char *str, int num, void *stream)
{
    struct config_parse *ps = stream;
    const char *line = ps->p;
    const char *nl;
    size_t n;

    if (ps->p >= ps->end)
        return NULL;
    nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    n = nl ? (size_t)(nl - ps->p) + 1 : (size_t)(ps->end - ps->p);
    ps->p += n;
    ps->line++;
    if (ps->line == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3; /* a UTF-8 byte order mark, as some editors write */
        n -= 3;
    }
    while (n > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        n--;
    }
    if (memchr(line, '\0', n) != NULL) {
        config_parse_fail(ps, "the line holds a NUL byte");
        n = 0;
    } else if (n - (nl != NULL) > CONFIG_LINE_MAX || n + 1 > (size_t)num) {
        config_parse_fail(ps, "the line is longer than %d bytes", CONFIG_LINE_MAX);
        n = 0;
    } else if (n > 0 && line[0] == '[') {
        config_check_section(ps, line, n);
    }
    /* A refused line reaches inih as a blank one, so that it counts it and goes on. */
    memcpy(str, line, n);
    str[n] = '\0';
    return str;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
    struct config_parse *ps = user;
    char why[CONFIG_ERR_MAX];
    int i;

    if (section[0] == '\0') {
        config_parse_fail(ps, "%.*s = '%.*s' comes before the [" CONFIG_SECTION "] line",
            CONFIG_QUOTE_MAX, name, CONFIG_QUOTE_MAX, value);
        return 1;
    }
    if (strcmp(section, CONFIG_SECTION) != 0)
        return 1; /* the reader reported the section's own line */
    i = config_find(name);
    if (i < 0)
        config_parse_fail(ps, "unknown key '%.*s'", CONFIG_QUOTE_MAX, name);
    else if (ps->c->line[i] != 0)
        config_parse_fail(ps, "%s is set twice (first on line %d)", name, ps->c->line[i]);
    else if (config_set(ps->c, i, value, why, sizeof(why)) < 0)
        config_parse_fail(ps, "%s = %s", name, why);
    else
        ps->c->line[i] = ps->line;
    /* Errors are kept in ps, so inih's count stays for lines it cannot read itself. */
    return 1;
}

/* Copies line lineno of text (without its newline) into buf for quoting. */
static void config_quote_line(const char *text, size_t len, int lineno, char *buf, size_t buflen)
{
    const char *p = text, *end = text + len, *nl;

    for (int i = 1; i < lineno && p < end; i++) {
        nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    nl = memchr(p, '\n', (size_t)(end - p));
    len = (size_t)((nl ? nl : end) - p);
    while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    snprintf(buf, buflen, "%.*s", (int)(len < CONFIG_QUOTE_MAX ? len : CONFIG_QUOTE_MAX), p);
}

int config_parse(
    config *c, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    struct config_parse ps = { .c = c, .p = text, .end = text + len };
    char quoted[CONFIG_QUOTE_MAX + 1];
    int rc;

    for (int i = 0; i < CONFIG_NITEMS; i++)
        c->line[i] = 0;
    rc = ini_parse_stream(config_reader, &ps, config_handler, &ps);
    if (rc < 0)
        return config_bad(err, errlen, "%s: cannot be parsed (out of memory)", name);
    if (rc > 0 && (ps.err_line == 0 || rc < ps.err_line)) {
        config_quote_line(text, len, rc, quoted, sizeof(quoted));
        return config_bad(err, errlen, "%s:%d: '%s' is not 'key = value', a [section] or a comment",
            name, rc, quoted);
    }
    if (ps.err_line != 0)
        return config_bad(err, errlen, "%s:%d: %s", name, ps.err_line, ps.err);
    return 0;
}

/* Reads at most CONFIG_FILE_MAX bytes of the file at path into buf; *len gets the count. */
static int config_read_file(const char *path, char *buf, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    ssize_t got = 0;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ret = SAFER_E_IO;

    if (fd < 0) {
        if (errno == ENOENT)
            ret = SAFER_E_NOTFOUND;
        config_bad(err, errlen, "%s: %s", path, strerror(errno));
        return ret;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        config_bad(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    while (n <= CONFIG_FILE_MAX && (got = read(fd, buf + n, CONFIG_FILE_MAX + 1 - n)) > 0)
        n += (size_t)got;
    if (got < 0) {
        config_bad(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (n > CONFIG_FILE_MAX) {
        ret = config_bad(err, errlen, "%s: larger than %u bytes", path, CONFIG_FILE_MAX);
        goto out;
    }
    *len = n;
    ret = 0;
out:
    close(fd);
    return ret;
}

int config_load(config *c, const char *path, char *err, size_t errlen)
{
    char *buf = malloc(CONFIG_FILE_MAX + 1);
    size_t len = 0;
    int ret = SAFER_E_NOMEM;

    if (buf == NULL) {
        config_bad(err, errlen, "%s: out of memory", path);
        goto out;
    }
    ret = config_read_file(path, buf, &len, err, errlen);
    if (ret == 0)
        ret = config_parse(c, path, buf, len, err, errlen);
out:
    free(buf);
    return ret;
}

/* The form of an item's value, as --help shows it. */
static const char *config_metavar(const config_item *it)
{
    switch (it->type) {
    case CONFIG_ADDR:
        return "HOST:PORT";
    case CONFIG_DIR:
        return "DIR";
    case CONFIG_NUMBER:
        return "N";
    case CONFIG_LEVEL:
        return "LEVEL";
    }
    return "VALUE";
}

/* Writes an item's flag ("--max-conns") into buf. */
static void config_flag_name(const config_item *it, char *buf, size_t len)
{
    size_t n = 0;

    snprintf(buf, len, "--%s", it->name);
    for (n = 2; buf[n] != '\0'; n++) {
        if (buf[n] == '_')
            buf[n] = '-';
    }
}

void config_usage(FILE *f)
{
    char flag[64];

    for (int i = 0; i < CONFIG_NITEMS; i++) {
        const config_item *it = &config_items[i];

        config_flag_name(it, flag, sizeof(flag));
        fprintf(f, "  %s %s", flag, config_metavar(it));
        if (it->type == CONFIG_NUMBER)
            fprintf(f, "  (%llu to %llu, default %s)", (unsigned long long)it->min,
                (unsigned long long)it->max, it->def);
        else if (it->def[0] != '\0')
            fprintf(f, "  (default %s)", it->def);
        fprintf(f, "\n      %s\n", it->help);
    }
}

void config_example(FILE *f)
{
    fprintf(f,
        "# saferd's configuration, with every key set to its default.\n"
        "#\n"
        "# 'saferd run' reads the file given with --config FILE, else\n"
        "# DIR/" CONFIG_FILE_NAME " when the data folder holds one. A flag on the command\n"
        "# line overrides the key of the same name: --max-conns 100 beats\n"
        "# max_conns = 1024. Lines starting with # or ; are comments; an empty value\n"
        "# leaves the setting unset. Unknown keys and sections are errors.\n"
        "\n"
        "[" CONFIG_SECTION "]\n");
    for (int i = 0; i < CONFIG_NITEMS; i++) {
        const config_item *it = &config_items[i];

        fprintf(f, "\n# %s", it->help);
        if (it->type == CONFIG_NUMBER)
            fprintf(f, ", %llu to %llu", (unsigned long long)it->min, (unsigned long long)it->max);
        fprintf(f, "\n%s =%s%s\n", it->name, it->def[0] != '\0' ? " " : "", it->def);
    }
}

void config_limits(const config *c, server_limits *lim)
{
    lim->handshake_ms = c->handshake_timeout_ms;
    lim->idle_ms = c->idle_timeout_ms;
    lim->max_conns = (size_t)c->max_conns;
    lim->max_handshakes = (size_t)c->max_handshakes;
    lim->wq_cap = (size_t)c->write_queue_bytes;
    lim->max_failures = (uint32_t)c->max_failures;
    lim->failure_window_ms = c->failure_window_ms;
}
