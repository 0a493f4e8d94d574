/*
 * The integration harness behind harness.h: real processes, real sockets on
 * 127.0.0.1, real files in a temporary folder that is removed afterwards.
 */
#define _XOPEN_SOURCE 700
#include "support/harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long hx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asks the kernel for a free port by binding port 0; the race with other
 * processes taking it before saferd does is acceptable in tests. */
static int hx_free_port(uint16_t *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int ret = -1;

    if (fd < 0)
        return -1;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0
        && getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
        *port = ntohs(sa.sin_port);
        ret = 0;
    }
    close(fd);
    return ret;
}

static int hx_status(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return -1;
}

/* Reads from fd into buf (appending at *used), keeping it NUL-terminated.
 * Returns 0 at EOF, 1 if more may come. */
static int hx_drain(int fd, char *buf, size_t cap, size_t *used)
{
    char scratch[4096];
    ssize_t n = read(fd, scratch, sizeof(scratch));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (n <= 0)
        return 0;
    size_t room = cap - 1 - *used;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(buf + *used, scratch, take);
    *used += take;
    buf[*used] = '\0';
    return 1;
}

int hx_exec(const char *home, hx_result *r, const char *const *argv)
{
    int out[2] = { -1, -1 }, err[2] = { -1, -1 };
    size_t nout = 0, nerr = 0;
    int wstatus = 0;
    pid_t pid;

    r->status = -1;
    r->out[0] = r->err[0] = '\0';
    if (pipe(out) != 0 || pipe(err) != 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        if (home)
            setenv("SAFER_HOME", home, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    int open_out = 1, open_err = 1;
    while (open_out || open_err) {
        struct pollfd p[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (open_out && (p[0].revents & (POLLIN | POLLHUP)))
            open_out = hx_drain(out[0], r->out, sizeof(r->out), &nout);
        if (open_err && (p[1].revents & (POLLIN | POLLHUP)))
            open_err = hx_drain(err[0], r->err, sizeof(r->err), &nerr);
        if (!open_out)
            p[0].fd = -1;
        if (!open_err)
            p[1].fd = -1;
    }
    close(out[0]);
    close(err[0]);
    if (pid < 0 || waitpid(pid, &wstatus, 0) < 0)
        return -1;
    r->status = hx_status(wstatus);
    return r->status;
}

int hx_find_line(const char *text, const char *prefix, char *buf, size_t len)
{
    size_t plen = strlen(prefix);
    const char *p = text;

    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= plen && strncmp(p, prefix, plen) == 0 && n < len) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            return 0;
        }
        p = end ? end + 1 : NULL;
    }
    return -1;
}

int hx_server_init(hx_server *s, const char *const *extra)
{
    const char *argv[32];
    char listen[96];
    hx_result *r = NULL;
    size_t n = 0;
    int ret = -1;

    memset(s, 0, sizeof(*s));
    snprintf(s->root, sizeof(s->root), "/tmp/safer-test-XXXXXX");
    if (!mkdtemp(s->root))
        return -1;
    snprintf(s->dir, sizeof(s->dir), "%s/data", s->root);
    snprintf(s->log, sizeof(s->log), "%s/saferd.log", s->root);
    snprintf(s->host, sizeof(s->host), "127.0.0.1");
    if (hx_free_port(&s->port) != 0)
        return -1;
    snprintf(listen, sizeof(listen), "%s:%u", s->host, (unsigned)s->port);
    argv[n++] = SAFERD_BIN;
    argv[n++] = "init";
    argv[n++] = s->dir;
    argv[n++] = "--listen";
    argv[n++] = listen;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    r = calloc(1, sizeof(*r));
    if (!r)
        goto out;
    if (hx_exec(NULL, r, argv) != 0) {
        fprintf(stderr, "saferd init failed (%d): %s\n", r->status, r->err);
        goto out;
    }
    if (hx_find_line(r->out, "safer://", s->invite, sizeof(s->invite)) != 0) {
        fprintf(stderr, "saferd init printed no invite line:\n%s\n", r->out);
        goto out;
    }
    ret = 0;
out:
    free(r);
    return ret;
}

/* Like hx_log_contains, but only looks at the log from byte offset on. */
static int hx_log_contains_from(const hx_server *s, long offset, const char *needle, int timeout_ms)
{
    long long deadline = hx_now_ms() + timeout_ms;
    static char buf[1 << 20];

    do {
        FILE *f = fopen(s->log, "r");
        if (f) {
            size_t n = 0;
            if (fseek(f, offset, SEEK_SET) == 0)
                n = fread(buf, 1, sizeof(buf) - 1, f);
            buf[n] = '\0';
            fclose(f);
            if (strstr(buf, needle))
                return 1;
        }
        if (timeout_ms > 0)
            usleep(20 * 1000);
    } while (hx_now_ms() < deadline);
    return 0;
}

int hx_log_contains(const hx_server *s, const char *needle, int timeout_ms)
{
    return hx_log_contains_from(s, 0, needle, timeout_ms);
}

int hx_server_start(hx_server *s, const char *const *extra)
{
    const char *argv[32];
    char listen[96], want[128];
    size_t n = 0;

    snprintf(listen, sizeof(listen), "%s:%u", s->host, (unsigned)s->port);
    /* CI runs the integration suites once more with saferd under valgrind, in
     * a build without sanitizers, to catch uninitialised reads and leaks in
     * the server's own process. */
    if (getenv("SAFER_TEST_VALGRIND")) {
        argv[n++] = "/usr/bin/valgrind";
        argv[n++] = "--quiet";
        argv[n++] = "--error-exitcode=99";
        argv[n++] = "--leak-check=full";
        /* Indirect leaks hang off a definite one: counting definite ones is
         * enough, and lets a suppressed block take its children with it. */
        argv[n++] = "--errors-for-leak-kinds=definite";
        argv[n++] = "--suppressions=" SAFER_TESTS_DIR "/valgrind.supp";
    }
    argv[n++] = SAFERD_BIN;
    argv[n++] = "run";
    argv[n++] = s->dir;
    argv[n++] = "--listen";
    argv[n++] = listen;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    /* A restarted server appends to the same log: only a listening line
     * written after this point counts. */
    struct stat st;
    long log_start = stat(s->log, &st) == 0 ? (long)st.st_size : 0;
    s->pid = fork();
    if (s->pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        int logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(devnull, 0);
        dup2(logfd, 1);
        dup2(logfd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (s->pid < 0)
        return -1;
    snprintf(want, sizeof(want), "listening on %s", listen);
    if (!hx_log_contains_from(s, log_start, want, 60000)) {
        fprintf(stderr, "saferd did not report '%s'\n", want);
        return -1;
    }
    return 0;
}

int hx_server_stop(hx_server *s)
{
    int wstatus = 0;

    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    if (waitpid(s->pid, &wstatus, 0) < 0)
        return -1;
    s->pid = 0;
    return hx_status(wstatus);
}

static int hx_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

void hx_server_cleanup(hx_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    if (s->root[0] && !getenv("SAFER_TEST_KEEP"))
        nftw(s->root, hx_rm, 16, FTW_DEPTH | FTW_PHYS);
}

void hx_home(const hx_server *s, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/home-%s", s->root, name);
}

int hx_connect(const hx_server *s)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(s->port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    inet_pton(AF_INET, s->host, &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int hx_wait_closed(int fd, int timeout_ms)
{
    long long deadline = hx_now_ms() + timeout_ms;
    char scratch[4096];

    for (;;) {
        long long left = deadline - hx_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = { fd, POLLIN, 0 };
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return 0;
        ssize_t n = read(fd, scratch, sizeof(scratch));
        if (n <= 0)
            return 1;
    }
}

long long hx_sql_int(const hx_server *s, const char *sql)
{
    char path[HX_PATH_MAX + 16];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;

    snprintf(path, sizeof(path), "%s/safer.db", s->dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto out;
    /* The server may be committing or checkpointing at this moment. */
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}
