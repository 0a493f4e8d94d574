/*
 * `safer attendance DATE INITIALS --present | --apologies [--substitute NAME]`:
 * who came to a meeting, and who sent apologies and who came in their place.
 * Setting it again for the same person replaces what was recorded.
 */
#include "client/cmds.h"

#include <stdio.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"

static const char attendance_usage[]
    = "usage: safer attendance DATE INITIALS --present | --apologies [--substitute NAME]\n"
      "                        [--json]\n"
      "\n"
      "Records that a person came to the meeting of DATE, or sent apologies (and who\n"
      "came instead). Recording it again replaces it. Needs the chair role.\n"
      "\n"
      "  --present          they were there\n"
      "  --apologies        they sent apologies\n"
      "  --substitute NAME  with --apologies: who came in their place, quoted\n"
      "  --json             print the attendance as one JSON object\n";

static int attendance_show(const Safer__Response *rs, void *ctx)
{
    const Safer__Attendance *a = rs->attendance_set->attendance;

    if (*(int *)ctx)
        return cli_print_json(&rs->attendance_set->base, "attendance");
    if (a == NULL) {
        cli_fail("attendance", "the server's answer has no attendance in it");
        return CLI_FAIL;
    }
    fputs("Recorded ", stdout);
    cli_put_safe(stdout, a->initials);
    if (a->presence == SAFER__PRESENCE__PRESENCE_PRESENT) {
        fputs(" as present.\n", stdout);
        return CLI_OK;
    }
    fputs(" as sending apologies", stdout);
    if (a->substitute != NULL && a->substitute[0] != '\0') {
        fputs("; substitute: ", stdout);
        cli_put_safe(stdout, a->substitute);
    }
    fputs(".\n", stdout);
    return CLI_OK;
}

int cmd_attendance(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AttendanceSetRequest ar = SAFER__ATTENDANCE_SET_REQUEST__INIT;
    char initials[ADMIN_INITIALS_MAX + 1];
    const char *present = NULL, *apologies = NULL, *substitute = NULL, *json = NULL;
    const cli_opt opts[] = { { "--present", 0, &present }, { "--apologies", 0, &apologies },
        { "--substitute", 1, &substitute }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 4, pos, 2, 2, &npos, attendance_usage);
    int as_json = json != NULL;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if ((present != NULL) == (apologies != NULL))
        return cli_usage_error(attendance_usage, "give one of --present and --apologies", NULL);
    if (substitute != NULL && present != NULL)
        return cli_usage_error(attendance_usage, "--substitute goes with --apologies", NULL);
    if (dates_check_date(pos[0]) != 0 || admin_initials(pos[1], initials) != 0
        || (substitute != NULL
            && board_text("substitute", substitute, BOARD_SUBSTITUTE_MAX, 0, 0) != 0))
        return CLI_USAGE;
    ar.date = (char *)pos[0];
    ar.initials = initials;
    ar.presence
        = present != NULL ? SAFER__PRESENCE__PRESENCE_PRESENT : SAFER__PRESENCE__PRESENCE_APOLOGIES;
    ar.substitute = (char *)(substitute != NULL ? substitute : "");
    rq.body_case = SAFER__REQUEST__BODY_ATTENDANCE_SET;
    rq.attendance_set = &ar;
    return cli_run(&rq, SAFER__RESPONSE__BODY_ATTENDANCE_SET, attendance_show, &as_json);
}
