/*
 * `safer returns DATE`: for a meeting, every paper expected (each member
 * agency of each task group on the agenda) as on time, late or missing. The
 * chair sees every row; a lead sees their own agency's.
 */
#include "client/cmds.h"

#include <stdio.h>

#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"
#include "client/table.h"

static const char returns_usage[]
    = "usage: safer returns DATE [--json]\n"
      "\n"
      "Lists the papers expected for the meeting of DATE, one row per task group and\n"
      "member agency: on time, late or missing (a withdrawn paper counts as missing),\n"
      "when it was submitted and its latest version. A lead sees their agency's rows.\n"
      "\n"
      "  --json  print {date, deadline, rows} as one JSON object\n";

static int returns_show(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[] = { "group", "agency", "status", "submitted", "version" };
    const Safer__ReturnsResponse *r = rs->returns;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&r->base, NULL);
    fputs("Papers for the meeting of ", stdout);
    cli_put_safe(stdout, r->date);
    fputs(" (due ", stdout);
    cli_put_safe(stdout, r->deadline);
    fputs("):\n", stdout);
    if (table_new(&t, 5, headers) != 0)
        goto out;
    for (size_t i = 0; i < r->n_rows; i++) {
        const Safer__ReturnRow *row = r->rows[i];
        char status[BOARD_WORD_MAX], when[TABLE_TIME_MAX], version[16] = "";
        board_word(&safer__return_status__descriptor, row->status, status);
        table_time(row->submitted, when);
        if (row->version > 0)
            snprintf(version, sizeof(version), "%u", (unsigned)row->version);
        const char *cells[] = { row->group_code, row->agency_code, status, when, version };
        if (table_add(t, cells) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("returns", "printing the table failed");
    table_free(t);
    return code;
}

int cmd_returns(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ReturnsRequest rr = SAFER__RETURNS_REQUEST__INIT;
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, returns_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (dates_check_date(pos[0]) != 0)
        return CLI_USAGE;
    rr.date = (char *)pos[0];
    rq.body_case = SAFER__REQUEST__BODY_RETURNS;
    rq.returns = &rr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_RETURNS, returns_show, &as_json);
}
