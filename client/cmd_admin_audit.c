/*
 * `safer admin audit`: the audit log, which records every change (who, when,
 * what, which object) in rows chained by BLAKE2b hashes. Without options it
 * lists rows a page at a time; --verify asks the server to walk the chain and
 * say whether any row was edited, deleted or reordered.
 */
#include "client/cmds.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client/admin.h"
#include "client/cli.h"
#include "client/table.h"

#define AUDIT_LIMIT_MAX 1000 /* the most rows the server sends at once */

static const char audit_usage[]
    = "usage: safer admin audit [--after ID] [--limit N] [--json]\n"
      "       safer admin audit --verify [--json]\n"
      "\n"
      "Lists the audit log, oldest first: id, time (UTC), who, what, which object and\n"
      "details. Every change to people, agencies and keys is there, chained by hashes\n"
      "so that an edited, deleted or reordered row shows.\n"
      "\n"
      "  --after ID  only rows with an id above ID (for the next page)\n"
      "  --limit N   at most N rows, 1 to 1000 (default 100)\n"
      "  --json      print one JSON array of {id, ts, actor, action, object, detail,\n"
      "              hash}, ts in UTC seconds and hash in hex\n"
      "  --verify    check the whole hash chain: prints 'audit log intact: N rows'\n"
      "              and exits 0, or 'audit log broken at row ID: WHY' and exits 1\n";

/* Parses a decimal integer in min..max; -1 (printed, naming the input) if it is not one. */
static int audit_number(const char *opt, const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "safer: %s '", opt);
        cli_put_safe(stderr, s);
        fprintf(stderr, "': want a whole number from %" PRId64 " to %" PRId64 "\n", min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int audit_show_list(const Safer__Response *rs, void *ctx)
{
    static const char *const headers[] = { "id", "time", "actor", "action", "object", "detail" };
    const Safer__AuditListResponse *l = rs->audit_list;
    table *t = NULL;
    int code = CLI_FAIL;

    if (*(int *)ctx)
        return cli_print_json(&l->base, "entries");
    if (table_new(&t, 6, headers) != 0)
        goto out;
    for (size_t i = 0; i < l->n_entries; i++) {
        const Safer__AuditEntry *e = l->entries[i];
        char id[24], when[TABLE_TIME_MAX];
        snprintf(id, sizeof(id), "%" PRId64, e->id);
        table_time(e->ts, when);
        const char *row[] = { id, when, e->actor, e->action, e->object, e->detail };
        if (table_add(t, row) != 0)
            goto out;
    }
    if (table_print(t, stdout) != 0)
        goto out;
    code = CLI_OK;
out:
    if (code != CLI_OK)
        cli_fail("audit", "printing the table failed");
    table_free(t);
    return code;
}

static int audit_show_verify(const Safer__Response *rs, void *ctx)
{
    const Safer__AuditVerifyResponse *v = rs->audit_verify;

    if (*(int *)ctx) {
        if (cli_print_json(&v->base, NULL) != CLI_OK)
            return CLI_FAIL;
    } else if (v->ok) {
        printf("audit log intact: %" PRId64 " rows\n", v->rows);
    } else {
        printf("audit log broken at row %" PRId64 ": ", v->bad_id);
        cli_put_safe(stdout, v->why);
        fputc('\n', stdout);
    }
    fflush(stdout);
    return v->ok ? CLI_OK : CLI_FAIL;
}

static int audit_verify(int as_json)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AuditVerifyRequest vr = SAFER__AUDIT_VERIFY_REQUEST__INIT;

    rq.body_case = SAFER__REQUEST__BODY_AUDIT_VERIFY;
    rq.audit_verify = &vr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AUDIT_VERIFY, audit_show_verify, &as_json);
}

int cmd_admin_audit(int argc, char **argv)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__AuditListRequest lr = SAFER__AUDIT_LIST_REQUEST__INIT;
    const char *after = NULL, *limit = NULL, *json = NULL, *verify = NULL;
    const cli_opt opts[] = { { "--after", 1, &after }, { "--limit", 1, &limit },
        { "--json", 0, &json }, { "--verify", 0, &verify } };
    size_t npos;
    int64_t v;
    int r = cli_parse(argc, argv, opts, 4, NULL, 0, 0, &npos, audit_usage);
    int as_json;

    if (r != 0)
        return CLI_PARSE_EXIT(r);
    as_json = json != NULL;
    if (verify != NULL) {
        if (after != NULL || limit != NULL) {
            fprintf(stderr,
                "safer: admin audit: --verify checks the whole log; it takes no --after "
                "or --limit\n\n%s",
                audit_usage);
            return CLI_USAGE;
        }
        return audit_verify(as_json);
    }
    if (after != NULL) {
        if (audit_number("--after", after, 0, INT64_MAX, &v) != 0)
            return CLI_USAGE;
        lr.after_id = v;
    }
    if (limit != NULL) {
        if (audit_number("--limit", limit, 1, AUDIT_LIMIT_MAX, &v) != 0)
            return CLI_USAGE;
        lr.limit = (uint32_t)v;
    }
    rq.body_case = SAFER__REQUEST__BODY_AUDIT_LIST;
    rq.audit_list = &lr;
    return cli_run(&rq, SAFER__RESPONSE__BODY_AUDIT_LIST, audit_show_list, &as_json);
}
