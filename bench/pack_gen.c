/*
 * pack_gen: fills a data folder made by `saferd init` with ten years of a
 * Community Safety Partnership's monthly board meetings, so that bench/pack.sh
 * can time the board pack at a realistic scale (DESIGN.md, "Performance
 * anchors"; issue 5's bench).
 *
 *   pack_gen DATADIR [--years N]   (default 10: 120 meetings)
 *
 * What it writes: seven agencies (the council from init among them), three
 * people each and a chair, seven task groups of three to six member agencies,
 * then per meeting (third Wednesday of each month, 2015 on): the standard
 * agenda with a GROUP item per task group, attendance of about fifteen,
 * minutes for most items, a paper from nearly every member agency of every
 * group (200 to 2000 words of Markdown, three to eight metrics that follow a
 * trend with noise, some revised, some late, some OFFICIAL-SENSITIVE or
 * restricted), about five actions with one, two or ALL owners that close one
 * to four meetings later (a few never do), and approval of the previous
 * meeting's minutes (all but the last meeting's, which its pack asks for).
 *
 * It goes through the server's own store API: the statements of store_sql.h,
 * a setup job run with store_run, then one job per meeting submitted to the
 * writer thread, which commits whatever is pending as one transaction (group
 * commit). Everything is drawn from a fixed-seed generator, so two runs give
 * the same data. No audit rows are written for it: the audit chain stays
 * intact and the bench does not time the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "common/err.h"
#include "server/ident.h"
#include "server/store.h"

#define GEN_AGENCIES 7
#define GEN_GROUPS 7
#define GEN_PER_AGENCY 3
#define GEN_PEOPLE (GEN_AGENCIES * GEN_PER_AGENCY + 1)
#define GEN_YEARS_MAX 50
#define GEN_MEETINGS_MAX (GEN_YEARS_MAX * 12)
#define GEN_BODY_MAX (64 * 1024)
#define GEN_TEXT_MAX 512
#define GEN_PATH_MAX 4096
#define GEN_BASE_TIME 1420070400 /* 2015-01-01 00:00 UTC */

static const char *const agency_codes[GEN_AGENCIES]
    = { "council", "fire", "health", "housing", "police", "probation", "yjs" };
static const char *const agency_names[GEN_AGENCIES]
    = { "The Council", "Cheshire Fire and Rescue Service", "Public Health", "Halton Housing Trust",
          "Cheshire Constabulary", "National Probation Service", "Youth Justice Services" };

static const struct {
    const char *code, *name;
    unsigned members; /* bit i: agency_codes[i] */
} groups[GEN_GROUPS] = {
    { "alcohol", "Alcohol", 0x13 | 0x04 },
    { "crime-asb", "Crime, Anti-Social Behaviour and Partnership Tasking", 0x1b },
    { "domestic-abuse", "Domestic Abuse", 0x71 },
    { "hate-crime", "Hate Crime", 0x19 | 0x40 },
    { "reoffending", "Reducing Reoffending", 0x70 | 0x08 },
    { "serious-violence", "Serious Violence", 0x37 },
    { "substance-misuse", "Substance Misuse", 0x34 },
};

static const char *const words[] = { "partnership", "referrals", "victims", "offenders",
    "neighbourhood", "tasking", "officers", "support", "reduction", "increase", "quarter",
    "compared", "previous", "period", "residents", "engagement", "safeguarding", "pathway",
    "housing", "licensing", "premises", "youth", "diversion", "commissioned", "services",
    "outcomes", "data", "analysis", "hotspot", "patrols", "funding", "review", "multi-agency",
    "risk", "assessment", "cases", "the", "and", "of", "to", "in", "with", "for", "across", "our",
    "team", "has", "have", "been", "continued", "delivered", "training", "schools", "community",
    "campaign", "reports", "incidents", "repeat", "demand", "capacity", "work", "joint",
    "operation", "closures", "orders", "interventions", "progress", "priority", "plan", "actions",
    "borough", "wards", "town", "centre", "evening", "economy", "night", "time", "staff" };
#define N_WORDS (sizeof(words) / sizeof(words[0]))

static const char *const metric_names[] = { "Incidents reported", "Repeat victims",
    "Referrals received", "Cases closed", "Arrests", "Test purchases", "Premises visited",
    "Young people engaged", "Orders issued", "Training sessions", "Hotspot patrols",
    "Successful completions", "Waiting list", "Days to first contact" };
#define N_METRICS (sizeof(metric_names) / sizeof(metric_names[0]))

typedef struct gen {
    store *st;
    int meetings;
    int64_t agency_id[GEN_AGENCIES];
    int64_t group_id[GEN_GROUPS];
    int64_t person_id[GEN_PEOPLE]; /* [agency * 3 + k]; the last is the chair */
    char initials[GEN_PEOPLE][4];
    char dates[GEN_MEETINGS_MAX][11];
    int64_t day0[GEN_MEETINGS_MAX]; /* midnight UTC of each meeting */
} gen;

typedef struct job {
    gen *g;
    int k; /* meeting index */
} job;

/* xorshift64*: small, fast and the same on every machine. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static int pick(uint64_t *s, int lo, int hi)
{
    return lo + (int)(rnd(s) % (uint64_t)(hi - lo + 1));
}

static void iso_date(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    snprintf(out, 11, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The third Wednesday of each month from January 2015. */
static void gen_dates(gen *g)
{
    for (int k = 0; k < g->meetings; k++) {
        struct tm tm = { .tm_year = 115 + k / 12, .tm_mon = k % 12, .tm_mday = 1 };
        time_t first = timegm(&tm);
        gmtime_r(&first, &tm);
        g->day0[k] = (int64_t)first + (int64_t)(((3 - tm.tm_wday + 7) % 7) + 14) * 86400;
        iso_date(g->day0[k], g->dates[k]);
    }
}

/* Runs stmt inside a job and returns its code. */
#define EXEC(tx, stmt, ...)                                                                        \
    store_tx_exec((tx), (stmt), (const store_val[]) { __VA_ARGS__ },                               \
        sizeof((const store_val[]) { __VA_ARGS__ }) / sizeof(store_val), NULL, NULL)

static int first_int(void *ctx, const store_val *cols, size_t n)
{
    if (n > 0 && cols[0].type == STORE_INT)
        *(int64_t *)ctx = cols[0].i;
    return 0;
}

/* Agencies (the council may exist from init), people and groups. */
static int setup_job(store_tx *tx, void *ctx)
{
    gen *g = ctx;
    int rc;

    for (int a = 0; a < GEN_AGENCIES; a++) {
        store_val code = SV_TEXT(agency_codes[a]);
        g->agency_id[a] = 0;
        if ((rc = store_tx_exec(tx, ST_AGENCY_BY_CODE, &code, 1, first_int, &g->agency_id[a])) < 0)
            return rc;
        if (g->agency_id[a] == 0) {
            if ((rc = EXEC(
                     tx, ST_AGENCY_INSERT, code, SV_TEXT(agency_names[a]), SV_INT(GEN_BASE_TIME)))
                < 0)
                return rc;
            g->agency_id[a] = store_tx_last_id(tx);
        }
    }
    for (int i = 0; i < GEN_PEOPLE; i++) {
        int a = i < GEN_PEOPLE - 1 ? i / GEN_PER_AGENCY : 0;
        uint32_t roles = i == GEN_PEOPLE - 1
            ? ROLE_BIT_CHAIR
            : (i % GEN_PER_AGENCY == 2 ? ROLE_BIT_MEMBER : ROLE_BIT_LEAD);
        char name[64];
        /* Initials like "QB7": no clash with init's admin, unique by construction. */
        snprintf(g->initials[i], sizeof(g->initials[i]), "Q%c%d", 'A' + i % 26, i / 26);
        snprintf(name, sizeof(name), "%s Person %s", i == GEN_PEOPLE - 1 ? "Chair" : "Board",
            g->initials[i]);
        if ((rc = EXEC(tx, ST_PERSON_INSERT, SV_TEXT(g->initials[i]), SV_TEXT(name),
                 SV_INT(g->agency_id[a]), SV_INT(roles), SV_INT(GEN_BASE_TIME)))
            < 0)
            return rc;
        g->person_id[i] = store_tx_last_id(tx);
    }
    for (int j = 0; j < GEN_GROUPS; j++) {
        if ((rc = EXEC(tx, ST_GROUP_INSERT, SV_TEXT(groups[j].code), SV_TEXT(groups[j].name),
                 SV_INT(GEN_BASE_TIME)))
            < 0)
            return rc;
        g->group_id[j] = store_tx_last_id(tx);
        for (int a = 0; a < GEN_AGENCIES; a++)
            if ((groups[j].members >> a) & 1u)
                if ((rc = EXEC(
                         tx, ST_GROUP_AGENCY_ADD, SV_INT(g->group_id[j]), SV_INT(g->agency_id[a])))
                    < 0)
                    return rc;
    }
    return 0;
}

/* Appends a sentence of n words to b (bounded by GEN_BODY_MAX). */
static size_t sentence(uint64_t *s, char *b, size_t len, int n)
{
    for (int i = 0; i < n && len < GEN_BODY_MAX - 64; i++) {
        const char *w = words[rnd(s) % N_WORDS];
        int bold = rnd(s) % 40 == 0;
        len += (size_t)snprintf(b + len, GEN_BODY_MAX - len, "%s%s%s%s%s", i ? " " : "",
            bold ? "**" : "", w, bold ? "**" : "", i == n - 1 ? "." : "");
        if (i == 0)
            b[len - strlen(w) - (bold ? 2 : 0)] &= (char)~0x20; /* capital first letter */
    }
    return len;
}

/* A report body: headings, paragraphs and lists, words in [200, 2000]. */
static size_t body(uint64_t *s, char *b, const char *title)
{
    static const char *const heads[]
        = { "Summary", "Progress this period", "Risks and issues", "Next steps", "Data" };
    int target = pick(s, 200, 2000), done = 0, h = 0;
    size_t len = (size_t)snprintf(b, GEN_BODY_MAX, "# %s\n\n", title);

    while (done < target && len < GEN_BODY_MAX - 512) {
        if (done == 0 || rnd(s) % 4 == 0)
            len += (size_t)snprintf(b + len, GEN_BODY_MAX - len, "## %s\n\n", heads[h++ % 5]);
        if (rnd(s) % 3 == 0) {
            for (int i = pick(s, 2, 5); i > 0; i--) {
                len += (size_t)snprintf(b + len, GEN_BODY_MAX - len, "- ");
                len = sentence(s, b, len, 8);
                b[len++] = '\n';
                done += 8;
            }
        } else {
            for (int i = pick(s, 2, 6); i > 0; i--) {
                int n = pick(s, 8, 22);
                len = sentence(s, b, len, n);
                b[len++] = ' ';
                done += n;
            }
        }
        len += (size_t)snprintf(b + len, GEN_BODY_MAX - len, "\n\n");
    }
    b[len] = '\0';
    return len;
}

/* Inserts one agenda item at position *pos + 1 and keeps its id. */
static int item(
    store_tx *tx, int64_t mid, int64_t items[], int *pos, const char *title, int kind, int64_t gid)
{
    int rc = EXEC(tx, ST_AGENDA_INSERT, SV_INT(mid), SV_INT(*pos + 1), SV_TEXT(title), SV_INT(kind),
        gid ? SV_INT(gid) : SV_NULL());

    if (rc < 0)
        return rc;
    items[(*pos)++] = store_tx_last_id(tx);
    return 0;
}

/* The standard agenda with a GROUP item per task group (kinds as ItemKind). */
static int agenda(store_tx *tx, const gen *g, int64_t mid, int64_t items[], int *n)
{
    char title[GEN_TEXT_MAX];
    int rc = 0;

    *n = 0;
    if ((rc = item(tx, mid, items, n, "Welcome and introductions", 1, 0)) < 0
        || (rc = item(tx, mid, items, n, "Apologies", 2, 0)) < 0
        || (rc = item(tx, mid, items, n, "Minutes of the last meeting and matters arising", 3, 0))
            < 0)
        return rc;
    for (int j = 0; j < GEN_GROUPS; j++) {
        snprintf(title, sizeof(title), "Task group update: %s", groups[j].name);
        if ((rc = item(tx, mid, items, n, title, 4, g->group_id[j])) < 0)
            return rc;
    }
    if ((rc = item(tx, mid, items, n, "Police and Crime Commissioner update", 0, 0)) < 0
        || (rc = item(tx, mid, items, n, "Information items", 5, 0)) < 0
        || (rc = item(tx, mid, items, n, "Any other business", 6, 0)) < 0
        || (rc = item(tx, mid, items, n, "Date and time of next meeting", 7, 0)) < 0)
        return rc;
    return 0;
}

/* About fifteen of the people: most present, some apologies, a few substitutes. */
static int attendance(store_tx *tx, const gen *g, int64_t mid, uint64_t *s)
{
    int rc;

    for (int i = 0; i < GEN_PEOPLE; i++) {
        int r = pick(s, 0, 99);
        int presence = r < 68 ? 1 : (r < 82 ? 2 : 0);
        char sub[64] = "";
        if (i == GEN_PEOPLE - 1)
            presence = 1;
        if (presence == 0)
            continue;
        if (presence == 2 && rnd(s) % 3 == 0)
            snprintf(sub, sizeof(sub), "Deputy %s", g->initials[i]);
        if ((rc = EXEC(tx, ST_ATTENDANCE_SET, SV_INT(mid), SV_INT(g->person_id[i]),
                 SV_INT(presence), SV_TEXT(sub)))
            < 0)
            return rc;
    }
    return 0;
}

/* Minutes for most items: one to three sentences. */
static int minutes(
    store_tx *tx, const gen *g, const int64_t items[], int n, int64_t when, uint64_t *s)
{
    char text[GEN_BODY_MAX];
    int rc;

    for (int i = 0; i < n; i++) {
        size_t len = 0;
        if (rnd(s) % 10 < 3)
            continue;
        for (int k = pick(s, 1, 3); k > 0; k--) {
            len = sentence(s, text, len, pick(s, 8, 20));
            text[len++] = ' ';
        }
        text[len - 1] = '\0';
        if ((rc = EXEC(tx, ST_MINUTES_SET, SV_INT(items[i]), SV_TEXT(text), SV_INT(when),
                 SV_INT(g->person_id[GEN_PEOPLE - 1])))
            < 0)
            return rc;
    }
    return 0;
}

/* A metric's value at meeting k: a trend per (group, agency, metric) plus noise. */
static double metric_value(int j, int a, int m, int k, uint64_t *s)
{
    double base = 20.0 + (double)((j * 31 + a * 17 + m * 7) % 180);
    double trend = (double)(((j + a + m) % 5) - 2) * 0.15 * k;
    double v = base + trend + (double)pick(s, -8, 8);
    return v < 0 ? 0 : v;
}

/* One version of one paper, with its metrics and any restriction. */
static int version(
    store_tx *tx, const gen *g, int64_t rid, int j, int a, int k, int v, uint64_t *s, char *b)
{
    int64_t deadline = g->day0[k] - 7 * 86400 + 17 * 3600;
    int late = pick(s, 0, 99) < 8;
    int64_t when = late ? deadline + pick(s, 3600, 3 * 86400) : deadline - pick(s, 600, 5 * 86400);
    int sensitive = pick(s, 0, 99) < 10, restricted = sensitive && pick(s, 0, 1);
    int nm = 3 + (j * 3 + a) % 6, rag, rc;
    char title[GEN_TEXT_MAX];
    uint8_t idem[16] = { 0 };
    size_t blen;
    int64_t vid;

    snprintf(title, sizeof(title), "%s: %s update", groups[j].name, agency_names[a]);
    blen = body(s, b, title);
    memcpy(idem, &rid, sizeof(rid));
    idem[15] = (uint8_t)v;
    rag = pick(s, 1, 3);
    rc = store_tx_exec(tx, ST_REPORT_VERSION_INSERT,
        (const store_val[]) { SV_INT(rid), SV_INT(v), SV_TEXT(title), SV_INT(rag),
            SV_INT(sensitive ? 2 : 1), SV_INT(g->person_id[a * GEN_PER_AGENCY]),
            SV_INT(when + v * 3600), SV_INT(late), { .type = STORE_TEXT, .p = b, .n = blen },
            SV_BLOB(idem, sizeof(idem)) },
        10, NULL, NULL);
    if (rc < 0)
        return rc;
    vid = store_tx_last_id(tx);
    for (int m = 0; m < nm; m++) {
        int mi = (int)((size_t)(j * 5 + a * 3 + m) % N_METRICS);
        int has_target = (m % 2) == 0;
        double val = metric_value(j, a, m, k, s), target = metric_value(j, a, m, 0, s);
        if ((rc = EXEC(tx, ST_REPORT_METRIC_INSERT, SV_INT(vid), SV_INT(m),
                 SV_TEXT(metric_names[mi]), SV_REAL(val), has_target ? SV_REAL(target) : SV_NULL(),
                 SV_TEXT("month")))
            < 0)
            return rc;
    }
    if (restricted)
        for (int r = 0; r < GEN_AGENCIES; r++)
            if (r != a && ((groups[j].members >> r) & 1u) && pick(s, 0, 1)
                && (rc = EXEC(tx, ST_REPORT_RESTRICT_INSERT, SV_INT(vid), SV_INT(g->agency_id[r])))
                    < 0)
                return rc;
    return 0;
}

/* Every member agency's paper for every group item (about 5% never sent). */
static int papers(store_tx *tx, const gen *g, int64_t mid, int k, uint64_t *s)
{
    char *b = malloc(GEN_BODY_MAX);
    int rc = SAFER_E_NOMEM;

    if (!b)
        return rc;
    rc = 0;
    for (int j = 0; j < GEN_GROUPS && rc == 0; j++)
        for (int a = 0; a < GEN_AGENCIES && rc == 0; a++) {
            int64_t rid;
            int versions = pick(s, 0, 99) < 88 ? 1 : (pick(s, 0, 9) < 8 ? 2 : 3);
            if (!((groups[j].members >> a) & 1u) || pick(s, 0, 99) < 5)
                continue;
            if ((rc = EXEC(tx, ST_REPORT_INSERT, SV_INT(mid), SV_INT(g->group_id[j]),
                     SV_INT(g->agency_id[a])))
                < 0)
                break;
            rid = store_tx_last_id(tx);
            for (int v = 1; v <= versions && rc == 0; v++)
                rc = version(tx, g, rid, j, a, k, v, s, b);
        }
    free(b);
    return rc;
}

/* About five actions: one, two or ALL owners; most close within four meetings. */
static int actions(
    store_tx *tx, const gen *g, int64_t mid, const int64_t items[], int n, int k, uint64_t *s)
{
    char text[GEN_TEXT_MAX], due[11];
    int rc;

    for (int i = pick(s, 3, 7); i > 0; i--) {
        int status, kind = pick(s, 0, 99), close_after = pick(s, 0, 99) < 5 ? 0 : pick(s, 1, 4);
        int64_t aid, at;
        size_t len = (size_t)snprintf(text, sizeof(text), "Action %d.%d: ", k + 1, i);
        len = sentence(s, text, len, pick(s, 6, 14));
        text[len] = '\0';
        iso_date(g->day0[k] + (int64_t)pick(s, 14, 84) * 86400, due);
        at = items[pick(s, 2, n - 2)];
        if ((rc = EXEC(tx, ST_ACTION_INSERT, SV_INT(mid), SV_INT(at), SV_TEXT(text),
                 SV_INT(kind >= 85), SV_TEXT(due), SV_INT(g->day0[k] + 15 * 3600),
                 SV_INT(g->person_id[GEN_PEOPLE - 1])))
            < 0)
            return rc;
        aid = store_tx_last_id(tx);
        for (int o = 0; kind < 85 && o < (kind < 60 ? 1 : 2); o++) {
            int64_t who = g->person_id[pick(s, 0, GEN_PEOPLE - 1)];
            if ((rc = EXEC(tx, ST_ACTION_OWNER_ADD, SV_INT(aid), SV_INT(who))) < 0)
                return rc;
        }
        status = pick(s, 0, 4) ? 2 : 3;
        if (close_after > 0 && k + close_after < g->meetings
            && (rc = EXEC(tx, ST_ACTION_SET_STATUS, SV_INT(status),
                    SV_TEXT(g->dates[k + close_after]), SV_INT(aid)))
                < 0)
            return rc;
    }
    return 0;
}

/* Everything of meeting k, in one job. */
static int meeting_job(store_tx *tx, void *ctx)
{
    job *jb = ctx;
    gen *g = jb->g;
    int k = jb->k, n = 0, rc;
    uint64_t s = 0x9e3779b97f4a7c15ull ^ ((uint64_t)(k + 1) * 0x100000001b3ull);
    int64_t items[GEN_GROUPS + 8], mid, prev = 0;
    char deadline[11];

    iso_date(g->day0[k] - 7 * 86400, deadline);
    if ((rc = EXEC(tx, ST_MEETING_INSERT, SV_TEXT(g->dates[k]), SV_TEXT(k % 3 ? "10:00" : "14:00"),
             SV_TEXT(k % 2 ? "Municipal Buildings, Widnes" : "Runcorn Town Hall"),
             SV_TEXT(deadline), SV_INT(g->day0[k] - 40 * 86400)))
        < 0)
        return rc;
    mid = store_tx_last_id(tx);
    if ((rc = agenda(tx, g, mid, items, &n)) < 0 || (rc = attendance(tx, g, mid, &s)) < 0
        || (rc = papers(tx, g, mid, k, &s)) < 0 || (rc = actions(tx, g, mid, items, n, k, &s)) < 0)
        return rc;
    /* The meeting's own minutes and approval of the previous meeting's
     * happen when it is held; the last meeting's pack is read before that. */
    if (k == g->meetings - 1)
        return 0;
    if ((rc = minutes(tx, g, items, n, g->day0[k] + 5 * 86400, &s)) < 0)
        return rc;
    if (k > 0) {
        store_val d = SV_TEXT(g->dates[k - 1]);
        if ((rc = store_tx_exec(tx, ST_MEETING_ID, &d, 1, first_int, &prev)) < 0)
            return rc;
        if ((rc = EXEC(tx, ST_MEETING_APPROVE, SV_INT(mid), SV_INT(prev))) < 0)
            return rc;
    }
    return 0;
}

typedef struct progress {
    int done, failed;
} progress;

static progress prog;

static void meeting_done(void *ctx, int rc)
{
    job *jb = ctx;

    prog.done++;
    if (rc < 0) {
        prog.failed++;
        fprintf(stderr, "pack_gen: meeting %s: %s\n", jb->g->dates[jb->k], err_msg(rc));
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: pack_gen DATADIR [--years N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    static gen g;
    static job jobs[GEN_MEETINGS_MAX];
    char path[GEN_PATH_MAX];
    uv_loop_t loop;
    store_stats stats;
    struct timespec t0, t1;
    int years = 10, rc, ret = 1;

    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--years") == 0))
        return usage();
    if (argc == 4 && ((years = atoi(argv[3])) < 1 || years > GEN_YEARS_MAX))
        return usage();
    if (snprintf(path, sizeof(path), "%s/safer.db", argv[1]) >= (int)sizeof(path))
        return usage();
    g.meetings = years * 12;
    gen_dates(&g);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((rc = store_open(&g.st, path, 0)) < 0) {
        fprintf(stderr, "pack_gen: opening %s: %s\n", path, err_msg(rc));
        return 1;
    }
    if ((rc = store_run(g.st, setup_job, &g)) < 0) {
        fprintf(stderr, "pack_gen: agencies, people and groups: %s\n", err_msg(rc));
        goto out;
    }
    uv_loop_init(&loop);
    if ((rc = store_start_writer(g.st, &loop)) < 0) {
        fprintf(stderr, "pack_gen: writer: %s\n", err_msg(rc));
        uv_loop_close(&loop);
        goto out;
    }
    for (int k = 0; k < g.meetings; k++) {
        jobs[k] = (job) { &g, k };
        if ((rc = store_submit(g.st, meeting_job, meeting_done, &jobs[k])) < 0) {
            fprintf(stderr, "pack_gen: submit: %s\n", err_msg(rc));
            prog.failed++;
            prog.done += g.meetings - k;
            break;
        }
    }
    while (prog.done < g.meetings)
        uv_run(&loop, UV_RUN_ONCE);
    store_get_stats(g.st, &stats);
    store_stop_writer(g.st);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (prog.failed == 0) {
        printf("pack_gen: %d meetings, %s to %s, in %llu transactions, %.1f s\n", g.meetings,
            g.dates[0], g.dates[g.meetings - 1], (unsigned long long)stats.batches,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        printf("last=%s\n", g.dates[g.meetings - 1]);
        ret = 0;
    }
out:
    store_close(g.st);
    return ret;
}
