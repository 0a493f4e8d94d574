/*
 * `safer report submit|show|history|withdraw`: task-group papers for a
 * meeting. A submission never overwrites: each one is a new version, and a
 * rerun after a lost answer carries the same idempotency key (pending.h), so
 * the server recognises it and stores nothing new. Papers longer than one
 * frame travel in pieces, with a progress bar when stderr is a terminal.
 */
#include "client/cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"
#include "client/paper.h"
#include "client/pending.h"
#include "client/progress.h"
#include "client/table.h"
#include "common/err.h"

#define REPORT_VERSION_MAX 100000 /* a bound on the version number typed */

static const char report_submit_usage[]
    = "usage: safer report submit DATE GROUP FILE --title TITLE --rag red|amber|green\n"
      "                           [--metric NAME=VALUE[/TARGET]]...\n"
      "                           [--marking official|official-sensitive]\n"
      "                           [--restrict AGENCY[,AGENCY...]] [--json]\n"
      "\n"
      "Submits your agency's paper for task group GROUP at the meeting of DATE. FILE\n"
      "is its body, Markdown in UTF-8, at most 1 MiB. A paper submitted again becomes\n"
      "a new version; earlier versions are kept. Papers after the deadline are\n"
      "accepted and marked late. If the answer is lost, run the same command again:\n"
      "it resends the same submission, which is never stored twice.\n"
      "\n"
      "  --title TITLE       the paper's title, quoted\n"
      "  --rag STATUS        red, amber or green\n"
      "  --metric M          a figure, like 'Incidents=42' or 'Referrals=12/20'\n"
      "                      (value/target); may be given up to 32 times\n"
      "  --marking MARKING   official (the default) or official-sensitive\n"
      "  --restrict CODES    only these agencies' leads may read it (yours always can)\n"
      "  --json              print {report, duplicate} as one JSON object\n";

static const char report_show_usage[]
    = "usage: safer report show DATE GROUP [--agency CODE] [--version N] [--json]\n"
      "\n"
      "Prints a paper: a short header, a blank line, then its body.\n"
      "\n"
      "  --agency CODE  whose paper (default: your agency's)\n"
      "  --version N    which version (default: the latest)\n"
      "  --json         print the report, body as hex, as one JSON object\n";

static const char report_history_usage[]
    = "usage: safer report history DATE GROUP [--agency CODE] [--json]\n"
      "\n"
      "Lists every version of a paper: when, by whom, late or not, RAG and title.\n"
      "\n"
      "  --agency CODE  whose paper (default: your agency's)\n"
      "  --json         print {report, versions} as one JSON object\n";

static const char report_withdraw_usage[]
    = "usage: safer report withdraw DATE GROUP [--agency CODE] [--json]\n"
      "\n"
      "Withdraws a paper: it is kept, but counts as missing until submitted again.\n"
      "\n"
      "  --agency CODE  whose paper (default: your agency's; the chair may name any)\n"
      "  --json         print the report as one JSON object\n";

/* The "(on time)" or "(late)" of a version. */
static const char *report_when(const Safer__ReportVersion *v)
{
    return v->late ? "late" : "on time";
}

static int report_show_submitted(const Safer__Response *rs, void *ctx)
{
    const Safer__ReportSubmitResponse *sr = rs->report_submit;
    const Safer__Report *r = sr->report;

    if (*(int *)ctx)
        return cli_print_json(&sr->base, NULL);
    if (r == NULL || r->latest == NULL) {
        cli_fail("report_submit", "the server's answer has no report in it");
        return CLI_FAIL;
    }
    printf("Submitted version %u of ", (unsigned)r->latest->version);
    cli_put_safe(stdout, r->group_code);
    fputs(" for ", stdout);
    cli_put_safe(stdout, r->agency_code);
    fputs(" at ", stdout);
    cli_put_safe(stdout, r->date);
    printf(" (%s)%s.\n", report_when(r->latest), sr->duplicate ? " (retry: already stored)" : "");
    return CLI_OK;
}

/* What goes on around sending a paper. */
struct submit_send {
    progress bar;         /* the upload's progress bar */
    const char *key_path; /* the pending key file */
};

/*
 * Ends the progress bar and, once the server has answered, removes the
 * pending key: after an OK the paper is stored and a rerun must be a new
 * submission; after a refusal nothing was stored. A lost answer keeps the
 * key for the rerun.
 */
static void report_sent(void *ctx, int answered)
{
    struct submit_send *o = ctx;

    progress_end(&o->bar);
    if (answered && pending_done(o->key_path) != 0)
        cli_fail("removing pending key", "%s: %s", o->key_path, strerror(errno));
}

/* Fills the metrics of sr from the --metric arguments; 0 or -1 (printed). */
static int report_metrics(const char *const *args, paper_metric *pm, Safer__Metric *m,
    Safer__Metric **mp, Safer__ReportSubmitRequest *sr)
{
    for (size_t i = 0; i < CLI_REPEAT_MAX && args[i] != NULL; i++) {
        if (paper_metric_check(args[i], &pm[i]) != 0)
            return -1;
        safer__metric__init(&m[i]);
        m[i].name = pm[i].name;
        m[i].value = pm[i].value;
        m[i].has_target = pm[i].has_target;
        m[i].target = pm[i].target;
        mp[i] = &m[i];
        sr->n_metrics = i + 1;
    }
    sr->metrics = mp;
    return 0;
}

/* Reads the body and finds or makes its pending key; 0 or CLI_USAGE/CLI_FAIL. */
static int report_prepare(const char *const *pos, Safer__ReportSubmitRequest *sr, uint8_t **body,
    uint8_t key[PENDING_KEY_BYTES], char *key_path, size_t key_path_len)
{
    char dir[HOME_PATH_MAX];
    char name[PENDING_NAME_CHARS + 1];
    size_t len = 0;
    int reused = 0;
    int ret;

    if (board_read_file(pos[2], PAPER_BODY_MAX, 0, body, &len) != 0)
        return CLI_USAGE;
    sr->body.data = *body;
    sr->body.len = len;
    if (cli_home(dir, sizeof(dir), 1) != 0)
        return CLI_FAIL;
    pending_name(pos[0], pos[1], pos[2], *body, len, name);
    ret = pending_key(dir, name, key, key_path, key_path_len, &reused);
    if (ret == SAFER_E_INVAL)
        cli_fail("pending key", "%s is not a key file; remove it to submit again", key_path);
    else if (ret != 0)
        cli_fail(
            "pending key", "%s: %s", key_path, ret == SAFER_E_IO ? strerror(errno) : err_msg(ret));
    if (ret != 0)
        return CLI_FAIL;
    if (reused)
        fprintf(
            stderr, "safer: resending an earlier submission of this paper that got no answer\n");
    sr->idempotency_key.data = key;
    sr->idempotency_key.len = PENDING_KEY_BYTES;
    return 0;
}

static int report_submit(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportSubmitRequest sr = SAFER__REPORT_SUBMIT_REQUEST__INIT;
    const char *metrics[CLI_REPEAT_MAX + 1] = { NULL };
    paper_metric pm[CLI_REPEAT_MAX];
    Safer__Metric m[CLI_REPEAT_MAX];
    Safer__Metric *mp[CLI_REPEAT_MAX];
    board_list restrict_to;
    uint8_t key[PENDING_KEY_BYTES];
    char key_path[HOME_PATH_MAX];
    uint8_t *body = NULL;
    const char *title = NULL, *rag = NULL, *marking = NULL, *restrict_arg = NULL, *json = NULL;
    const cli_opt opts[] = { { "--title", 1, &title }, { "--rag", 1, &rag },
        { "--metric", CLI_REPEAT, metrics }, { "--marking", 1, &marking },
        { "--restrict", 1, &restrict_arg }, { "--json", 0, &json } };
    const char *pos[3];
    size_t npos;
    int code = cli_parse(argc, argv, opts, 6, pos, 3, 3, &npos, report_submit_usage);
    struct submit_send send = { .key_path = key_path };
    const cli_hooks hooks = { progress_net, &send.bar, report_sent, &send };
    int as_json = json != NULL;

    if (code != 0)
        return CLI_PARSE_EXIT(code);
    if (title == NULL || rag == NULL)
        return cli_usage_error(report_submit_usage, "--title and --rag are both needed", NULL);
    sr.marking = SAFER__MARKING__MARKING_OFFICIAL;
    if (dates_check_date(pos[0]) != 0 || board_code("task group code", pos[1]) != 0
        || board_text("title", title, BOARD_TITLE_MAX, 0, 0) != 0 || paper_rag(rag, &sr.rag) != 0
        || report_metrics(metrics, pm, m, mp, &sr) != 0
        || (marking != NULL && paper_marking(marking, &sr.marking) != 0)
        || (restrict_arg != NULL && board_codes("agency", restrict_arg, &restrict_to) != 0))
        return CLI_USAGE;
    if ((code = report_prepare(pos, &sr, &body, key, key_path, sizeof(key_path))) != 0)
        goto out;
    sr.date = (char *)pos[0];
    sr.group_code = (char *)pos[1];
    sr.title = (char *)title;
    if (restrict_arg != NULL) {
        sr.restrict_to = restrict_to.items;
        sr.n_restrict_to = restrict_to.n;
    }
    rq.body_case = SAFER__REQUEST__BODY_REPORT_SUBMIT;
    rq.report_submit = &sr;
    progress_init(&send.bar, stderr);
    code = cli_run_with(
        &rq, SAFER__RESPONSE__BODY_REPORT_SUBMIT, report_show_submitted, &as_json, &hooks);
out:
    free(body);
    return code;
}

/* Prints "Restricted to: police, probation" when the version is restricted. */
static void report_print_restriction(const Safer__ReportVersion *v)
{
    if (v->n_restrict_to == 0)
        return;
    fputs("Restricted to: ", stdout);
    for (size_t i = 0; i < v->n_restrict_to; i++) {
        fputs(i ? ", " : "", stdout);
        cli_put_safe(stdout, v->restrict_to[i]);
    }
    fputc('\n', stdout);
}

/* Prints one "Metric: name = value (target T)" line per metric. */
static void report_print_metrics(const Safer__ReportVersion *v)
{
    for (size_t i = 0; i < v->n_metrics; i++) {
        const Safer__Metric *m = v->metrics[i];
        fputs("Metric: ", stdout);
        cli_put_safe(stdout, m->name);
        printf(" = %g", m->value);
        if (m->has_target)
            printf(" (target %g)", m->target);
        if (m->period != NULL && m->period[0] != '\0') {
            fputs(" in ", stdout);
            cli_put_safe(stdout, m->period);
        }
        fputc('\n', stdout);
    }
}

/* Prints the header block of a paper: title, RAG, marking, author, when, version. */
static void report_print_header(const Safer__Report *r, const Safer__ReportVersion *v)
{
    char rag[BOARD_WORD_MAX], marking[BOARD_WORD_MAX], when[TABLE_TIME_MAX];

    board_word(&safer__rag__descriptor, v->rag, rag);
    board_word(&safer__marking__descriptor, v->marking, marking);
    table_time(v->submitted, when);
    fputs("Title: ", stdout);
    cli_put_safe(stdout, v->title);
    fputs("\nPaper: ", stdout);
    cli_put_safe(stdout, r->group_code);
    fputs(" from ", stdout);
    cli_put_safe(stdout, r->agency_code);
    fputs(" for the meeting of ", stdout);
    cli_put_safe(stdout, r->date);
    printf("\nRAG: %s\nMarking: ", rag);
    for (char *p = marking; *p != '\0'; p++)
        fputc(*p == ' ' ? '-' : *p - 'a' + 'A', stdout);
    fputs("\nAuthor: ", stdout);
    cli_put_safe(stdout, v->author);
    printf("\nSubmitted: %s (%s)\nVersion: %u of %u%s\n", when, report_when(v),
        (unsigned)v->version, (unsigned)r->versions, r->withdrawn ? " (withdrawn)" : "");
    report_print_restriction(v);
    report_print_metrics(v);
}

static int report_show_paper(const Safer__Response *rs, void *ctx)
{
    const Safer__ReportResponse *rr = rs->report_show;
    const Safer__Report *r = rr->report;

    if (*(int *)ctx)
        return cli_print_json(r != NULL ? &r->base : &rr->base, NULL);
    if (r == NULL || r->latest == NULL) {
        cli_fail("report show", "the server's answer has no report in it");
        return CLI_FAIL;
    }
    report_print_header(r, r->latest);
    fputc('\n', stdout);
    board_put_text(stdout, r->latest->body.data, r->latest->body.len);
    if (r->latest->body.len > 0 && r->latest->body.data[r->latest->body.len - 1] != '\n')
        fputc('\n', stdout);
    return CLI_OK;
}

static int report_show_history(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[]
        = { "version", "submitted", "when", "author", "rag", "bytes", "title" };
    const Safer__ReportHistoryResponse *h = rs->report_history;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&h->base, NULL);
    if (table_new(&t, 7, headers) != 0)
        goto out;
    for (size_t i = 0; i < h->n_versions; i++) {
        const Safer__ReportVersion *v = h->versions[i];
        char version[16], bytes[16], when[TABLE_TIME_MAX], rag[BOARD_WORD_MAX];
        snprintf(version, sizeof(version), "%u", (unsigned)v->version);
        snprintf(bytes, sizeof(bytes), "%u", (unsigned)v->body_bytes);
        table_time(v->submitted, when);
        board_word(&safer__rag__descriptor, v->rag, rag);
        const char *row[] = { version, when, report_when(v), v->author, rag, bytes, v->title };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    if (h->report != NULL && h->report->withdrawn)
        fputs("This paper is withdrawn.\n", stdout);
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("report history", "printing the table failed");
    table_free(t);
    return code;
}

static int report_show_withdrawn(const Safer__Response *rs, void *ctx)
{
    const Safer__Report *r = rs->report_withdraw->report;

    if (*(int *)ctx)
        return cli_print_json(&rs->report_withdraw->base, "report");
    if (r == NULL) {
        cli_fail("report withdraw", "the server's answer has no report in it");
        return CLI_FAIL;
    }
    fputs("Withdrew the paper of ", stdout);
    cli_put_safe(stdout, r->agency_code);
    fputs(" for ", stdout);
    cli_put_safe(stdout, r->group_code);
    fputs(" at ", stdout);
    cli_put_safe(stdout, r->date);
    fputs("; it counts as missing until submitted again.\n", stdout);
    return CLI_OK;
}

/* The DATE GROUP [--agency CODE] arguments the reading commands share. */
struct report_target {
    const char *date;
    const char *group;
    const char *agency; /* "" for the caller's own */
};

/* Checks the shared arguments; 0 or CLI_USAGE (printed). */
static int report_target_check(struct report_target *t, const char *const *pos, const char *agency)
{
    if (dates_check_date(pos[0]) != 0 || board_code("task group code", pos[1]) != 0
        || (agency != NULL && board_code("agency", agency) != 0))
        return CLI_USAGE;
    t->date = pos[0];
    t->group = pos[1];
    t->agency = agency != NULL ? agency : "";
    return 0;
}

static int report_show(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportShowRequest sr = SAFER__REPORT_SHOW_REQUEST__INIT;
    const char *agency = NULL, *version = NULL, *json = NULL;
    const cli_opt opts[]
        = { { "--agency", 1, &agency }, { "--version", 1, &version }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 3, pos, 2, 2, &npos, report_show_usage);
    struct report_target t;
    uint64_t v = 0;
    int as_json = json != NULL;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (report_target_check(&t, pos, agency) != 0
        || (version != NULL && board_number("version", version, REPORT_VERSION_MAX, &v) != 0))
        return CLI_USAGE;
    sr.date = (char *)t.date;
    sr.group_code = (char *)t.group;
    sr.agency_code = (char *)t.agency;
    sr.version = (uint32_t)v;
    rq.body_case = SAFER__REQUEST__BODY_REPORT_SHOW;
    rq.report_show = &sr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_REPORT_SHOW, report_show_paper, &as_json);
}

static int report_history(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportHistoryRequest hr = SAFER__REPORT_HISTORY_REQUEST__INIT;
    const char *agency = NULL, *json = NULL;
    const cli_opt opts[] = { { "--agency", 1, &agency }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 2, pos, 2, 2, &npos, report_history_usage);
    struct report_target t;
    int as_json = json != NULL;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (report_target_check(&t, pos, agency) != 0)
        return CLI_USAGE;
    hr.date = (char *)t.date;
    hr.group_code = (char *)t.group;
    hr.agency_code = (char *)t.agency;
    rq.body_case = SAFER__REQUEST__BODY_REPORT_HISTORY;
    rq.report_history = &hr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_REPORT_HISTORY, report_show_history, &as_json);
}

static int report_withdraw(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReportWithdrawRequest wr = SAFER__REPORT_WITHDRAW_REQUEST__INIT;
    const char *agency = NULL, *json = NULL;
    const cli_opt opts[] = { { "--agency", 1, &agency }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 2, pos, 2, 2, &npos, report_withdraw_usage);
    struct report_target t;
    int as_json = json != NULL;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (report_target_check(&t, pos, agency) != 0)
        return CLI_USAGE;
    wr.date = (char *)t.date;
    wr.group_code = (char *)t.group;
    wr.agency_code = (char *)t.agency;
    rq.body_case = SAFER__REQUEST__BODY_REPORT_WITHDRAW;
    rq.report_withdraw = &wr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_REPORT_WITHDRAW, report_show_withdrawn, &as_json);
}

static const admin_sub report_subs[] = {
    { "submit", report_submit, "Submits a paper: DATE GROUP FILE --title ... --rag ..." },
    { "show", report_show, "Prints a paper: DATE GROUP [--agency CODE] [--version N]" },
    { "history", report_history, "Lists a paper's versions" },
    { "withdraw", report_withdraw, "Withdraws a paper" },
};

int cmd_report(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, report_subs, sizeof(report_subs) / sizeof(report_subs[0]), "report");
}
