/*
 * `safer minutes set|approve`: the minutes of a meeting, one text per agenda
 * item, written by the chair. At the next meeting they are approved as a
 * true and accurate record, which locks them.
 */
#include "client/cmds.h"

#include <stdio.h>
#include <stdlib.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"

#define MINUTES_ITEMS_MAX 999        /* a bound on the item number typed */
#define MINUTES_FILE_MAX (4 * 20000) /* bytes: BOARD_MINUTES_MAX characters of UTF-8 */

static const char minutes_set_usage[]
    = "usage: safer minutes set DATE ITEM (--text TEXT | --file FILE) [--json]\n"
      "\n"
      "Sets the minutes of agenda item ITEM at the meeting of DATE, replacing what\n"
      "was there; at most 20000 characters. Minutes can be changed until they are\n"
      "approved. Needs the chair role.\n"
      "\n"
      "  --text TEXT  the minutes, quoted\n"
      "  --file FILE  read them from FILE (UTF-8)\n"
      "  --json       print {date, minutes, approved} as one JSON object\n";

static const char minutes_approve_usage[]
    = "usage: safer minutes approve DATE [--json]\n"
      "\n"
      "At the meeting of DATE, approves the minutes of the meeting before it as a true\n"
      "and accurate record. They cannot be changed afterwards. Needs the chair role.\n"
      "\n"
      "  --json  print {date, minutes, approved} as one JSON object\n";

/* What a minutes answer is shown with. */
struct minutes_show {
    int json;         /* print JSON */
    uint32_t item;    /* the item set, or 0 when approving */
    const char *date; /* the meeting named on the command line */
};

static int minutes_show(const Safer__Response *rs, void *ctx)
{
    const struct minutes_show *o = ctx;
    const Safer__MinutesResponse *m = (const Safer__MinutesResponse *)cli_response_body(rs);

    if (m == NULL) {
        cli_fail("minutes", "the server's answer is empty");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&m->base, NULL);
    if (o->item > 0) {
        printf("Set the minutes of item %u at the meeting of ", (unsigned)o->item);
        cli_put_safe(stdout, m->date);
        fputs(".\n", stdout);
        return CLI_OK;
    }
    fputs("Approved the minutes of the meeting of ", stdout);
    cli_put_safe(stdout, m->date);
    fputs(" at the meeting of ", stdout);
    cli_put_safe(stdout, o->date);
    fputs(" as a true and accurate record; they are now locked.\n", stdout);
    return CLI_OK;
}

static int minutes_set(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__MinutesSetRequest sr = SAFER__MINUTES_SET_REQUEST__INIT;
    const char *text = NULL, *file = NULL, *json = NULL;
    const cli_opt opts[]
        = { { "--text", 1, &text }, { "--file", 1, &file }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos, len = 0;
    int code = cli_parse(argc, argv, opts, 3, pos, 2, 2, &npos, minutes_set_usage);
    struct minutes_show show = { json != NULL, 0, NULL };
    uint8_t *buf = NULL;
    uint64_t item = 0;

    if (code != 0)
        return CLI_PARSE_EXIT(code);
    if ((text != NULL) == (file != NULL))
        return cli_usage_error(minutes_set_usage, "give one of --text and --file", NULL);
    if (dates_check_date(pos[0]) != 0
        || board_number("item", pos[1], MINUTES_ITEMS_MAX, &item) != 0)
        return CLI_USAGE;
    if (file != NULL) {
        if (board_read_file(file, MINUTES_FILE_MAX, 1, &buf, &len) != 0)
            return CLI_USAGE;
        text = (const char *)buf;
    }
    code = CLI_USAGE;
    if (board_text(file != NULL ? file : "minutes", text, BOARD_MINUTES_MAX, 1, 1) != 0)
        goto out;
    sr.date = (char *)pos[0];
    sr.item = (uint32_t)item;
    sr.text = (char *)text;
    show.item = sr.item;
    rq.body_case = SAFER__REQUEST__BODY_MINUTES_SET;
    rq.minutes_set = &sr;
    code = cli_run(&rq, SAFER__RESPONSE__BODY_MINUTES_SET, minutes_show, &show);
out:
    free(buf);
    return code;
}

static int minutes_approve(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__MinutesApproveRequest ar = SAFER__MINUTES_APPROVE_REQUEST__INIT;
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, minutes_approve_usage, &as_json);
    struct minutes_show show = { as_json, 0, NULL };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (dates_check_date(pos[0]) != 0)
        return CLI_USAGE;
    show.date = pos[0];
    ar.date = (char *)pos[0];
    rq.body_case = SAFER__REQUEST__BODY_MINUTES_APPROVE;
    rq.minutes_approve = &ar;
    return cli_run(&rq, SAFER__RESPONSE__BODY_MINUTES_APPROVE, minutes_show, &show);
}

static const admin_sub minutes_subs[] = {
    { "set", minutes_set, "Sets an item's minutes: DATE ITEM --text \"...\" | --file FILE" },
    { "approve", minutes_approve, "Approves the minutes of the meeting before DATE" },
};

int cmd_minutes(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, minutes_subs, sizeof(minutes_subs) / sizeof(minutes_subs[0]), "minutes");
}
