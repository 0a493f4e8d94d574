/*
 * `safer meeting add|list|show` and `safer meeting agenda add|move|remove`:
 * board meetings, known by their date, and their agendas. A new meeting gets
 * the standard agenda from the server; the chair then adds, moves and
 * removes items, and every change prints the agenda as it now stands.
 */
#include "client/cmds.h"

#include <stdio.h>
#include <string.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"
#include "client/table.h"

#define MEETING_VENUE_MAX 200 /* characters of a venue */
#define MEETING_ITEMS_MAX 999 /* a bound on agenda positions typed */

static const char meeting_add_usage[]
    = "usage: safer meeting add DATE --time HH:MM --venue VENUE --deadline DATE [--json]\n"
      "\n"
      "Adds the board meeting of DATE (YYYY-MM-DD) with the standard agenda: welcome,\n"
      "apologies, minutes of the last meeting, one update per task group, information\n"
      "items, any other business, date of next meeting. Needs the chair role.\n"
      "\n"
      "  --time HH:MM     when it starts\n"
      "  --venue VENUE    where, quoted\n"
      "  --deadline DATE  papers submitted after this day are late\n"
      "  --json           print {meeting, agenda} as one JSON object\n";

static const char meeting_list_usage[]
    = "usage: safer meeting list [--json]\n"
      "\n"
      "Lists the meetings: date, time, venue, paper deadline and status.\n"
      "\n"
      "  --json  print one JSON array of meetings\n";

static const char meeting_show_usage[]
    = "usage: safer meeting show DATE [--json]\n"
      "\n"
      "Shows a meeting: its details, agenda, attendance and minutes.\n"
      "\n"
      "  --json  print {meeting, agenda, attendance, minutes, ...} as one JSON object\n";

static const char agenda_add_usage[]
    = "usage: safer meeting agenda add DATE TITLE [--position N]\n"
      "                              [--kind other|information|group [--group CODE]] [--json]\n"
      "\n"
      "Adds an item to a meeting's agenda, by default just before any other business.\n"
      "Needs the chair role.\n"
      "\n"
      "  --position N  where it goes (1 is first); later items move down\n"
      "  --kind KIND   other (the default), information, or group for a task group's\n"
      "                update, which then needs --group CODE\n"
      "  --json        print {meeting, agenda} as one JSON object\n";

static const char agenda_move_usage[]
    = "usage: safer meeting agenda move DATE N --to M [--json]\n"
      "\n"
      "Moves agenda item N to position M; the items between renumber.\n"
      "Needs the chair role.\n"
      "\n"
      "  --json  print {meeting, agenda} as one JSON object\n";

static const char agenda_remove_usage[]
    = "usage: safer meeting agenda remove DATE N [--json]\n"
      "\n"
      "Removes agenda item N; the items after it renumber. A task group's item that\n"
      "papers have been submitted for cannot be removed. Needs the chair role.\n"
      "\n"
      "  --json  print {meeting, agenda} as one JSON object\n";

/* Prints "DATE at HH:MM, VENUE" without a newline. */
static void meeting_describe(const Safer__Meeting *m)
{
    cli_put_safe(stdout, m->date);
    fputs(" at ", stdout);
    cli_put_safe(stdout, m->time);
    fputs(", ", stdout);
    cli_put_safe(stdout, m->venue);
}

/* Prints the agenda, one numbered item a line. */
static void meeting_print_agenda(Safer__AgendaItem *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("  %2u. ", (unsigned)items[i]->number);
        cli_put_safe(stdout, items[i]->title);
        fputc('\n', stdout);
    }
}

/* The title of agenda item number, or "" when there is none. */
static const char *meeting_item_title(const Safer__MeetingShowResponse *r, uint32_t number)
{
    for (size_t i = 0; i < r->n_agenda; i++) {
        if (r->agenda[i]->number == number)
            return r->agenda[i]->title;
    }
    return "";
}

/* What a meeting-and-agenda answer is shown with. */
struct meeting_show {
    int json;         /* print JSON */
    const char *verb; /* "Added the meeting of", "Changed the agenda of the meeting of" */
};

static int meeting_show_changed(const Safer__Response *rs, void *ctx)
{
    const struct meeting_show *o = ctx;
    const Safer__MeetingResponse *mr = (const Safer__MeetingResponse *)cli_response_body(rs);

    if (mr == NULL || mr->meeting == NULL) {
        cli_fail("meeting", "the server's answer has no meeting in it");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&mr->base, NULL);
    printf("%s ", o->verb);
    meeting_describe(mr->meeting);
    fputs("; papers due ", stdout);
    cli_put_safe(stdout, mr->meeting->deadline);
    fputs(". Agenda:\n", stdout);
    meeting_print_agenda(mr->agenda, mr->n_agenda);
    return CLI_OK;
}

static int meeting_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[] = { "date", "time", "venue", "deadline", "status" };
    const Safer__MeetingListResponse *l = rs->meeting_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "meetings");
    if (table_new(&t, 5, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_meetings; i++) {
        const Safer__Meeting *m = l->meetings[i];
        char status[BOARD_WORD_MAX];
        board_word(&safer__meeting_status__descriptor, m->status, status);
        const char *row[] = { m->date, m->time, m->venue, m->deadline, status };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("meeting list", "printing the table failed");
    table_free(t);
    return code;
}

/* Prints who attended and who sent apologies, as a table. */
static int meeting_print_attendance(const Safer__MeetingShowResponse *r)
{
    static const char *const headers[]
        = { "initials", "name", "agency", "attendance", "substitute" };
    table *t = NULL;
    int ret = -1;

    if (table_new(&t, 5, headers) != 0)
        goto out;
    for (size_t i = 0; i < r->n_attendance; i++) {
        const Safer__Attendance *a = r->attendance[i];
        char presence[BOARD_WORD_MAX];
        board_word(&safer__presence__descriptor, a->presence, presence);
        const char *row[] = { a->initials, a->name, a->agency_code, presence, a->substitute };
        if (table_add(t, row) != 0)
            goto out;
    }
    ret = table_print(t, stdout);
out:
    table_free(t);
    return ret;
}

/* Prints text with each line indented under its item's title. */
static void meeting_print_indented(const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        size_t n = strcspn(p, "\n");
        fputs("      ", stdout);
        board_put_text(stdout, (const uint8_t *)p, n);
        fputc('\n', stdout);
        p += n;
        if (*p == '\n')
            p++;
    }
}

/* Prints the minutes, each under its agenda item's number and title. */
static void meeting_print_minutes(const Safer__MeetingShowResponse *r)
{
    printf("\nMinutes");
    if (r->minutes_approved) {
        fputs(" (approved at the meeting of ", stdout);
        cli_put_safe(stdout, r->approved_at);
        fputs(" as a true and accurate record)", stdout);
    }
    fputs(":\n", stdout);
    if (r->n_minutes == 0)
        fputs("  none yet\n", stdout);
    for (size_t i = 0; i < r->n_minutes; i++) {
        const Safer__Minute *m = r->minutes[i];
        printf("  %2u. ", (unsigned)m->item);
        cli_put_safe(stdout, meeting_item_title(r, m->item));
        fputs("\n", stdout);
        meeting_print_indented(m->text);
    }
}

static int meeting_show_full(const Safer__Response *rs, void *ctx)
{
    const Safer__MeetingShowResponse *r = rs->meeting_show;
    char status[BOARD_WORD_MAX];

    if (*(int *)ctx)
        return cli_print_json(&r->base, NULL);
    if (r->meeting == NULL) {
        cli_fail("meeting show", "the server's answer has no meeting in it");
        return CLI_FAIL;
    }
    board_word(&safer__meeting_status__descriptor, r->meeting->status, status);
    fputs("Meeting of ", stdout);
    meeting_describe(r->meeting);
    printf("\nStatus: %s\nPapers due: ", status);
    cli_put_safe(stdout, r->meeting->deadline);
    fputs("\nPrevious meeting: ", stdout);
    cli_put_safe(stdout, r->meeting->previous_date[0] ? r->meeting->previous_date : "-");
    fputs("\nNext meeting: ", stdout);
    cli_put_safe(stdout, r->meeting->next_date[0] ? r->meeting->next_date : "-");
    fputs("\n\nAgenda:\n", stdout);
    meeting_print_agenda(r->agenda, r->n_agenda);
    fputs("\nAttendance:\n", stdout);
    if (r->n_attendance == 0)
        fputs("  none recorded\n", stdout);
    else if (meeting_print_attendance(r) != 0) {
        cli_fail("meeting show", "printing the table failed");
        return CLI_FAIL;
    }
    meeting_print_minutes(r);
    return CLI_OK;
}

static int meeting_add(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__MeetingAddRequest ar = SAFER__MEETING_ADD_REQUEST__INIT;
    const char *time = NULL, *venue = NULL, *deadline = NULL, *json = NULL;
    const cli_opt opts[] = { { "--time", 1, &time }, { "--venue", 1, &venue },
        { "--deadline", 1, &deadline }, { "--json", 0, &json } };
    const char *pos[1];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 4, pos, 1, 1, &npos, meeting_add_usage);
    struct meeting_show show = { json != NULL, "Added the meeting of" };

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (time == NULL || venue == NULL || deadline == NULL)
        return cli_usage_error(
            meeting_add_usage, "--time, --venue and --deadline are all needed", NULL);
    if (dates_check_date(pos[0]) != 0 || dates_check_time(time) != 0
        || board_text("venue", venue, MEETING_VENUE_MAX, 0, 0) != 0
        || dates_check_date(deadline) != 0)
        return CLI_USAGE;
    if (strcmp(deadline, pos[0]) > 0) {
        fprintf(stderr, "safer: the deadline %s is after the meeting on %s\n", deadline, pos[0]);
        return CLI_USAGE;
    }
    ar.date = (char *)pos[0];
    ar.time = (char *)time;
    ar.venue = (char *)venue;
    ar.deadline = (char *)deadline;
    rq.body_case = SAFER__REQUEST__BODY_MEETING_ADD;
    rq.meeting_add = &ar;
    return cli_run(&rq, SAFER__RESPONSE__BODY_MEETING_ADD, meeting_show_changed, &show);
}

static int meeting_list(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__MeetingListRequest lr = SAFER__MEETING_LIST_REQUEST__INIT;
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, NULL, 0, 0, &npos, meeting_list_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    rq.body_case = SAFER__REQUEST__BODY_MEETING_LIST;
    rq.meeting_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_MEETING_LIST, meeting_show_list, &as_json);
}

static int meeting_show(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__MeetingShowRequest sr = SAFER__MEETING_SHOW_REQUEST__INIT;
    const char *pos[1];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 1, 1, &npos, meeting_show_usage, &as_json);

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (dates_check_date(pos[0]) != 0)
        return CLI_USAGE;
    sr.date = (char *)pos[0];
    rq.body_case = SAFER__REQUEST__BODY_MEETING_SHOW;
    rq.meeting_show = &sr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_MEETING_SHOW, meeting_show_full, &as_json);
}

/* Parses --kind other|information|group; 0 or -1 (printed). */
static int agenda_kind(const char *in, Safer__ItemKind *out)
{
    if (strcmp(in, "other") == 0)
        *out = SAFER__ITEM_KIND__ITEM_OTHER;
    else if (strcmp(in, "information") == 0)
        *out = SAFER__ITEM_KIND__ITEM_INFORMATION;
    else if (strcmp(in, "group") == 0)
        *out = SAFER__ITEM_KIND__ITEM_GROUP;
    else
        return admin_bad("kind", in, "want other, information or group");
    return 0;
}

static int agenda_add(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgendaAddRequest ar = SAFER__AGENDA_ADD_REQUEST__INIT;
    const char *position = NULL, *kind = NULL, *group = NULL, *json = NULL;
    const cli_opt opts[] = { { "--position", 1, &position }, { "--kind", 1, &kind },
        { "--group", 1, &group }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 4, pos, 2, 2, &npos, agenda_add_usage);
    struct meeting_show show = { json != NULL, "Changed the agenda of the meeting of" };
    uint64_t at = 0;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (dates_check_date(pos[0]) != 0 || board_text("title", pos[1], BOARD_TITLE_MAX, 0, 0) != 0
        || (position != NULL && board_number("position", position, MEETING_ITEMS_MAX, &at) != 0)
        || (kind != NULL && agenda_kind(kind, &ar.kind) != 0)
        || (group != NULL && board_code("task group code", group) != 0))
        return CLI_USAGE;
    if ((ar.kind == SAFER__ITEM_KIND__ITEM_GROUP) != (group != NULL))
        return cli_usage_error(agenda_add_usage,
            group != NULL ? "--group goes with --kind group" : "--kind group needs --group CODE",
            NULL);
    ar.date = (char *)pos[0];
    ar.title = (char *)pos[1];
    ar.group_code = (char *)(group != NULL ? group : "");
    ar.position = (uint32_t)at;
    rq.body_case = SAFER__REQUEST__BODY_AGENDA_ADD;
    rq.agenda_add = &ar;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENDA_ADD, meeting_show_changed, &show);
}

static int agenda_move(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgendaMoveRequest mr = SAFER__AGENDA_MOVE_REQUEST__INIT;
    const char *to = NULL, *json = NULL;
    const cli_opt opts[] = { { "--to", 1, &to }, { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 2, pos, 2, 2, &npos, agenda_move_usage);
    struct meeting_show show = { json != NULL, "Changed the agenda of the meeting of" };
    uint64_t from = 0, dest = 0;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (to == NULL)
        return cli_usage_error(agenda_move_usage, "--to is needed", NULL);
    if (dates_check_date(pos[0]) != 0 || board_number("item", pos[1], MEETING_ITEMS_MAX, &from) != 0
        || board_number("position", to, MEETING_ITEMS_MAX, &dest) != 0)
        return CLI_USAGE;
    mr.date = (char *)pos[0];
    mr.number = (uint32_t)from;
    mr.to = (uint32_t)dest;
    rq.body_case = SAFER__REQUEST__BODY_AGENDA_MOVE;
    rq.agenda_move = &mr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENDA_MOVE, meeting_show_changed, &show);
}

static int agenda_remove(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AgendaRemoveRequest rr = SAFER__AGENDA_REMOVE_REQUEST__INIT;
    const char *pos[2];
    size_t npos;
    int as_json = 0;
    int r = cli_parse_json(argc, argv, pos, 2, 2, &npos, agenda_remove_usage, &as_json);
    struct meeting_show show = { as_json, "Changed the agenda of the meeting of" };
    uint64_t item = 0;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (dates_check_date(pos[0]) != 0
        || board_number("item", pos[1], MEETING_ITEMS_MAX, &item) != 0)
        return CLI_USAGE;
    rr.date = (char *)pos[0];
    rr.number = (uint32_t)item;
    rq.body_case = SAFER__REQUEST__BODY_AGENDA_REMOVE;
    rq.agenda_remove = &rr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AGENDA_REMOVE, meeting_show_changed, &show);
}

static const admin_sub agenda_subs[] = {
    { "add", agenda_add, "Adds an item: DATE \"TITLE\" [--position N]" },
    { "move", agenda_move, "Moves item N: DATE N --to M" },
    { "remove", agenda_remove, "Removes item N: DATE N" },
};

static int meeting_agenda(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, agenda_subs, sizeof(agenda_subs) / sizeof(agenda_subs[0]), "meeting agenda");
}

static const admin_sub meeting_subs[] = {
    { "add", meeting_add, "Adds a meeting: DATE --time HH:MM --venue \"...\" --deadline DATE" },
    { "list", meeting_list, "Lists the meetings" },
    { "show", meeting_show, "Shows a meeting: agenda, attendance, minutes" },
    { "agenda", meeting_agenda, "Changes a meeting's agenda: add, move, remove" },
};

int cmd_meeting(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, meeting_subs, sizeof(meeting_subs) / sizeof(meeting_subs[0]), "meeting");
}
