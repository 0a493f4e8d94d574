/*
 * `safer action add|list|update`: the actions a meeting raises, each owned by
 * one or more people (DP/MA) or by everyone (ALL), with a due date. An action
 * still open after later meetings has been carried forward, and the list
 * shows how many times.
 */
#include "client/cmds.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client/admin.h"
#include "client/board.h"
#include "client/cli.h"
#include "client/dates.h"
#include "client/table.h"

#define ACTION_ITEMS_MAX 999       /* a bound on the agenda item typed */
#define ACTION_ID_MAX 999999999999 /* a bound on the action id typed */
#define ACTION_TEXT_WIDTH 48       /* characters of text in the list */
#define ACTION_OWNERS_MAX 16       /* owners of one action */

static const char action_add_usage[]
    = "usage: safer action add DATE --item N --owner INITIALS[/INITIALS...]|ALL TEXT\n"
      "                        --due DATE [--json]\n"
      "\n"
      "Adds an action raised at the meeting of DATE under agenda item N. Needs the\n"
      "chair role.\n"
      "\n"
      "  --item N        the agenda item it comes from\n"
      "  --owner OWNERS  who owns it: initials, several joined by '/' (DP/MA), or ALL\n"
      "                  for every board member\n"
      "  --due DATE      when it is due (YYYY-MM-DD)\n"
      "  --json          print the action as one JSON object\n";

static const char action_list_usage[]
    = "usage: safer action list [--open] [--mine] [--overdue] [--json]\n"
      "\n"
      "Lists actions: id, meeting, item, owners, due date, status, how many meetings\n"
      "it has been carried past while open, and its text.\n"
      "\n"
      "  --open     only open actions\n"
      "  --mine     only actions you own (ALL actions included)\n"
      "  --overdue  only open actions past their due date\n"
      "  --json     print one JSON array of actions, with their updates\n";

static const char action_update_usage[]
    = "usage: safer action update ID --status done|dropped|open [--note NOTE] [--json]\n"
      "\n"
      "Sets an action's status, with an optional note (at most 1000 characters).\n"
      "The chair may update any action; an owner their own.\n"
      "\n"
      "  --status STATUS  done, dropped, or open to reopen it\n"
      "  --note NOTE      what happened, quoted\n"
      "  --json           print the action as one JSON object\n";

/* Writes an action's owners as "DP/MA", or "ALL", into buf. */
static void action_owners_text(const Safer__Action *a, char *buf, size_t len)
{
    size_t used = 0;

    snprintf(buf, len, "%s", a->all ? "ALL" : "-");
    for (size_t i = 0; !a->all && i < a->n_owners && used < len; i++) {
        int r = snprintf(buf + used, len - used, "%s%s", i ? "/" : "", a->owners[i]);
        if (r < 0)
            break;
        used += (size_t)r;
    }
}

/* What a single-action answer is shown with. */
struct action_show {
    int json;  /* print JSON */
    int added; /* "Added action ..." rather than "Action N is now ..." */
};

static int action_show_one(const Safer__Response *rs, void *ctx)
{
    const struct action_show *o = ctx;
    const Safer__ActionResponse *ar = (const Safer__ActionResponse *)cli_response_body(rs);
    const Safer__Action *a = ar != NULL ? ar->action : NULL;
    char owners[BOARD_LIST_TEXT_MAX], status[BOARD_WORD_MAX];

    if (a == NULL) {
        cli_fail("action", "the server's answer has no action in it");
        return CLI_FAIL;
    }
    if (o->json)
        return cli_print_json(&a->base, NULL);
    action_owners_text(a, owners, sizeof(owners));
    board_word(&safer__action_status__descriptor, a->status, status);
    if (!o->added) {
        printf("Action %lld is now %s.\n", (long long)a->id, status);
        return CLI_OK;
    }
    printf("Added action %lld (meeting ", (long long)a->id);
    cli_put_safe(stdout, a->meeting_date);
    printf(", item %u) for ", (unsigned)a->item);
    cli_put_safe(stdout, owners);
    fputs(", due ", stdout);
    cli_put_safe(stdout, a->due);
    fputs(".\n", stdout);
    return CLI_OK;
}

static int action_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[]
        = { "id", "meeting", "item", "owners", "due", "status", "carried", "text" };
    const Safer__ActionListResponse *l = rs->action_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "actions");
    if (table_new(&t, 8, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_actions; i++) {
        const Safer__Action *a = l->actions[i];
        char id[24], item[16], carried[16], owners[BOARD_LIST_TEXT_MAX];
        char status[BOARD_WORD_MAX], text[ACTION_TEXT_WIDTH * 4 + 4];
        snprintf(id, sizeof(id), "%lld", (long long)a->id);
        snprintf(item, sizeof(item), "%u", (unsigned)a->item);
        snprintf(carried, sizeof(carried), "%u", (unsigned)a->carried);
        action_owners_text(a, owners, sizeof(owners));
        board_word(&safer__action_status__descriptor, a->status, status);
        board_cut(a->text, ACTION_TEXT_WIDTH, text, sizeof(text));
        const char *row[] = { id, a->meeting_date, item, owners, a->due, status, carried, text };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("action list", "printing the table failed");
    table_free(t);
    return code;
}

/*
 * Parses --owner: "ALL" (any case) sets ar->all; otherwise initials joined
 * by '/', upper-cased into initials. 0 or -1 (printed).
 */
static int action_owners(const char *in, board_list *owners,
    char initials[ACTION_OWNERS_MAX][ADMIN_INITIALS_MAX + 1], char *ptrs[ACTION_OWNERS_MAX],
    Safer__ActionAddRequest *ar)
{
    if (strcasecmp(in, "ALL") == 0) {
        ar->all = 1;
        return 0;
    }
    if (board_split("owners", in, '/', owners) != 0)
        return -1;
    if (owners->n > ACTION_OWNERS_MAX)
        return admin_bad("owners", in, "more than 16 owners");
    for (size_t i = 0; i < owners->n; i++) {
        if (admin_initials(owners->items[i], initials[i]) != 0)
            return -1;
        ptrs[i] = initials[i];
    }
    ar->owners = ptrs;
    ar->n_owners = owners->n;
    return 0;
}

static int action_add(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ActionAddRequest ar = SAFER__ACTION_ADD_REQUEST__INIT;
    board_list owners;
    char initials[ACTION_OWNERS_MAX][ADMIN_INITIALS_MAX + 1];
    char *ptrs[ACTION_OWNERS_MAX];
    const char *item = NULL, *owner = NULL, *due = NULL, *json = NULL;
    const cli_opt opts[] = { { "--item", 1, &item }, { "--owner", 1, &owner }, { "--due", 1, &due },
        { "--json", 0, &json } };
    const char *pos[2];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 4, pos, 2, 2, &npos, action_add_usage);
    struct action_show show = { json != NULL, 1 };
    uint64_t n = 0;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (item == NULL || owner == NULL || due == NULL)
        return cli_usage_error(action_add_usage, "--item, --owner and --due are all needed", NULL);
    if (dates_check_date(pos[0]) != 0 || board_number("item", item, ACTION_ITEMS_MAX, &n) != 0
        || action_owners(owner, &owners, initials, ptrs, &ar) != 0 || dates_check_date(due) != 0
        || board_text("action", pos[1], BOARD_TEXT_MAX, 0, 1) != 0)
        return CLI_USAGE;
    ar.date = (char *)pos[0];
    ar.item = (uint32_t)n;
    ar.text = (char *)pos[1];
    ar.due = (char *)due;
    rq.body_case = SAFER__REQUEST__BODY_ACTION_ADD;
    rq.action_add = &ar;
    return cli_run(&rq, SAFER__RESPONSE__BODY_ACTION_ADD, action_show_one, &show);
}

static int action_list(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ActionListRequest lr = SAFER__ACTION_LIST_REQUEST__INIT;
    const char *open = NULL, *mine = NULL, *overdue = NULL, *json = NULL;
    const cli_opt opts[] = { { "--open", 0, &open }, { "--mine", 0, &mine },
        { "--overdue", 0, &overdue }, { "--json", 0, &json } };
    size_t npos;
    int r = cli_parse(argc, argv, opts, 4, NULL, 0, 0, &npos, action_list_usage);
    int as_json = json != NULL;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    lr.open_only = open != NULL;
    lr.mine = mine != NULL;
    lr.overdue = overdue != NULL;
    rq.body_case = SAFER__REQUEST__BODY_ACTION_LIST;
    rq.action_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_ACTION_LIST, action_show_list, &as_json);
}

/* Parses --status done|dropped|open; 0 or -1 (printed). */
static int action_status(const char *in, Safer__ActionStatus *out)
{
    if (strcmp(in, "done") == 0)
        *out = SAFER__ACTION_STATUS__ACTION_DONE;
    else if (strcmp(in, "dropped") == 0)
        *out = SAFER__ACTION_STATUS__ACTION_DROPPED;
    else if (strcmp(in, "open") == 0)
        *out = SAFER__ACTION_STATUS__ACTION_OPEN;
    else
        return admin_bad("status", in, "want done, dropped or open");
    return 0;
}

static int action_update(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__ActionUpdateRequest ur = SAFER__ACTION_UPDATE_REQUEST__INIT;
    const char *status = NULL, *note = NULL, *json = NULL;
    const cli_opt opts[]
        = { { "--status", 1, &status }, { "--note", 1, &note }, { "--json", 0, &json } };
    const char *pos[1];
    size_t npos;
    int r = cli_parse(argc, argv, opts, 3, pos, 1, 1, &npos, action_update_usage);
    struct action_show show = { json != NULL, 0 };
    uint64_t id = 0;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    if (status == NULL)
        return cli_usage_error(action_update_usage, "--status is needed", NULL);
    if (board_number("action id", pos[0], ACTION_ID_MAX, &id) != 0
        || action_status(status, &ur.status) != 0
        || (note != NULL && board_text("note", note, BOARD_NOTE_MAX, 1, 1) != 0))
        return CLI_USAGE;
    ur.id = (int64_t)id;
    ur.note = (char *)(note != NULL ? note : "");
    rq.body_case = SAFER__REQUEST__BODY_ACTION_UPDATE;
    rq.action_update = &ur;
    return cli_run(&rq, SAFER__RESPONSE__BODY_ACTION_UPDATE, action_show_one, &show);
}

static const admin_sub action_subs[] = {
    { "add", action_add, "Adds an action: DATE --item N --owner DP/MA|ALL \"TEXT\" --due DATE" },
    { "list", action_list, "Lists actions [--open] [--mine] [--overdue]" },
    { "update", action_update, "Sets an action's status: ID --status done|dropped|open" },
};

int cmd_action(int argc, char **argv)
{
    return admin_dispatch(
        argc, argv, action_subs, sizeof(action_subs) / sizeof(action_subs[0]), "action");
}
