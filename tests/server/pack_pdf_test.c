/*
 * The PDF board pack, read back with poppler's tools: a hand-built model
 * (two task groups, papers including one restricted to the police, minutes,
 * actions, returns, metric series, and enough text for several pages) is
 * rendered for the chair and for a fire lead. Every page carries the marking
 * at least twice and "Page i of N" with the page count pdfinfo reports; each
 * contents entry's page number points at a page holding that title; the
 * lead's file never holds the restricted paper's title, text or chart; the
 * Markdown body is rendered, not copied (no raw markers, no raw HTML); and
 * two renders of the same view are the same bytes.
 *
 * The tests skip, saying so, only when pdftotext or pdfinfo is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <check.h>

#include "common/err.h"
#include "server/pack.h"
#include "server/pack_text.h"

#define SECRET_TITLE "Operation Nightjar"
#define SECRET_WORD "ZEBRAFINCH"
#define BODY_MAX 65536

/* Everything the model points at, so one struct holds the whole fixture. */
typedef struct fixture {
    Safer__PackModel m;
    Safer__Meeting meeting, previous, next;
    Safer__AgendaItem agenda[7], prev_agenda[3];
    Safer__AgendaItem *agenda_p[7], *prev_agenda_p[3];
    Safer__Attendance att[4];
    Safer__Attendance *att_p[4];
    Safer__Minute minutes[2];
    Safer__Minute *minutes_p[2];
    Safer__Action actions[2];
    Safer__Action *actions_p[2];
    char *owners[2];
    Safer__PackPaper papers[3];
    Safer__PackPaper *papers_p[3];
    Safer__ReportVersion versions[3];
    Safer__Metric metrics[3];
    Safer__Metric *metrics_p[3][1];
    char *restrict_police[1];
    char bodies[3][BODY_MAX];
    Safer__ReturnRow returns[4];
    Safer__ReturnRow *returns_p[4];
    Safer__MetricSeries series[3];
    Safer__MetricSeries *series_p[3];
    Safer__MetricPoint points[3][4];
    Safer__MetricPoint *points_p[3][4];
    Safer__TaskGroup groups[2];
    Safer__TaskGroup *groups_p[2];
    Safer__Agency agencies[3];
    Safer__Agency *agencies_p[3];
} fixture;

static void agenda_item(
    Safer__AgendaItem *it, uint32_t n, const char *title, Safer__ItemKind kind, const char *group)
{
    *it = (Safer__AgendaItem)SAFER__AGENDA_ITEM__INIT;
    it->number = n;
    it->title = (char *)title;
    it->kind = kind;
    it->group_code = (char *)group;
}

/* A long Markdown body: headings, emphasis, lists, a quote, code, raw HTML. */
static void make_body(char *buf, const char *lead, int paras)
{
    size_t off = 0;

    off += (size_t)snprintf(buf + off, BODY_MAX - off,
        "## Summary\n\n%s with **strong words** and *emphasis*.\n\n"
        "- first point\n- second point\n\n1. step one\n2. step two\n\n"
        "> A quoted remark from a partner.\n\n"
        "<script>alert(1)</script>\n\n    code line here\n\n---\n\n",
        lead);
    for (int i = 0; i < paras && off < BODY_MAX - 600; i++)
        off += (size_t)snprintf(buf + off, BODY_MAX - off,
            "Paragraph %d. The partnership reviewed referrals, repeat victims and the "
            "outcomes of joint visits across the county, and agreed that the figures for "
            "the quarter show steady progress against the plan, with some pressure on "
            "capacity in the east of the county that the group will keep under review.\n\n",
            i + 1);
}

static void paper(fixture *f, size_t i, const char *group, const char *agency, uint32_t item,
    const char *title, Safer__Rag rag, const char *lead, int paras)
{
    Safer__ReportVersion *rv = &f->versions[i];

    f->papers[i] = (Safer__PackPaper)SAFER__PACK_PAPER__INIT;
    *rv = (Safer__ReportVersion)SAFER__REPORT_VERSION__INIT;
    f->metrics[i] = (Safer__Metric)SAFER__METRIC__INIT;
    f->metrics[i].name = (char *)(i == 0 ? "Arrests" : i == 1 ? "Repeat victims" : "Referrals");
    f->metrics[i].value = 12.5 + (double)i;
    f->metrics[i].has_target = i != 2;
    f->metrics[i].target = 15;
    f->metrics[i].period = (char *)"2018-Q1";
    f->metrics_p[i][0] = &f->metrics[i];
    make_body(f->bodies[i], lead, paras);
    rv->version = i == 1 ? 3 : 1;
    rv->title = (char *)title;
    rv->rag = rag;
    rv->marking = SAFER__MARKING__MARKING_OFFICIAL;
    rv->author = (char *)"AB";
    rv->submitted = 1518600000 + (int64_t)i * 3600;
    rv->late = i == 2;
    rv->n_metrics = 1;
    rv->metrics = f->metrics_p[i];
    rv->body.data = (uint8_t *)f->bodies[i];
    rv->body.len = strlen(f->bodies[i]);
    f->papers[i].group_code = (char *)group;
    f->papers[i].agency_code = (char *)agency;
    f->papers[i].item = item;
    f->papers[i].version = rv;
    f->papers[i].author_name = (char *)"Alex Brown";
    f->papers[i].versions = rv->version;
    f->papers_p[i] = &f->papers[i];
}

static void series(
    fixture *f, size_t i, const char *group, const char *agency, const char *metric, size_t npoints)
{
    static const char *const dates[] = { "2017-11-15", "2017-12-13", "2018-01-17", "2018-02-21" };
    Safer__MetricSeries *s = &f->series[i];

    *s = (Safer__MetricSeries)SAFER__METRIC_SERIES__INIT;
    s->group_code = (char *)group;
    s->agency_code = (char *)agency;
    s->metric = (char *)metric;
    for (size_t k = 0; k < npoints; k++) {
        Safer__MetricPoint *p = &f->points[i][k];

        *p = (Safer__MetricPoint)SAFER__METRIC_POINT__INIT;
        p->date = (char *)dates[4 - npoints + k];
        p->value = 10 + (double)(k * k) + (double)i;
        p->has_target = 1;
        p->target = 14;
        f->points_p[i][k] = p;
    }
    s->n_points = npoints;
    s->points = f->points_p[i];
    f->series_p[i] = s;
}

static void meetings(fixture *f)
{
    f->meeting = (Safer__Meeting)SAFER__MEETING__INIT;
    f->meeting.date = (char *)"2018-02-21";
    f->meeting.time = (char *)"10:00";
    f->meeting.venue = (char *)"County Hall, Committee Room 4";
    f->previous = f->meeting;
    f->previous.date = (char *)"2018-01-17";
    f->next = f->meeting;
    f->next.date = (char *)"2018-03-21";
    agenda_item(&f->agenda[0], 1, "Welcome and introductions", SAFER__ITEM_KIND__ITEM_WELCOME, "");
    agenda_item(&f->agenda[1], 2, "Apologies", SAFER__ITEM_KIND__ITEM_APOLOGIES, "");
    agenda_item(
        &f->agenda[2], 3, "Minutes and matters arising", SAFER__ITEM_KIND__ITEM_MINUTES, "");
    agenda_item(&f->agenda[3], 4, "Domestic Abuse", SAFER__ITEM_KIND__ITEM_GROUP, "da");
    agenda_item(&f->agenda[4], 5, "Alcohol Harm", SAFER__ITEM_KIND__ITEM_GROUP, "alc");
    agenda_item(&f->agenda[5], 6, "Budget update", SAFER__ITEM_KIND__ITEM_INFORMATION, "");
    agenda_item(&f->agenda[6], 7, "Date of next meeting", SAFER__ITEM_KIND__ITEM_NEXT_MEETING, "");
    for (size_t i = 0; i < 7; i++)
        f->agenda_p[i] = &f->agenda[i];
    agenda_item(&f->prev_agenda[0], 1, "Welcome", SAFER__ITEM_KIND__ITEM_WELCOME, "");
    agenda_item(&f->prev_agenda[1], 2, "Domestic Abuse", SAFER__ITEM_KIND__ITEM_GROUP, "da");
    agenda_item(&f->prev_agenda[2], 3, "Any other business", SAFER__ITEM_KIND__ITEM_AOB, "");
    for (size_t i = 0; i < 3; i++)
        f->prev_agenda_p[i] = &f->prev_agenda[i];
    for (size_t i = 0; i < 2; i++) {
        f->minutes[i] = (Safer__Minute)SAFER__MINUTE__INIT;
        f->minutes_p[i] = &f->minutes[i];
    }
    f->minutes[0].item = 2;
    f->minutes[0].text = (char *)"The board noted the domestic abuse update.";
    f->minutes[1].item = 3;
    f->minutes[1].text = (char *)"No other business was raised.";
}

static void people(fixture *f)
{
    static const char *const names[]
        = { "Chris Chair", "Dana Police", "Fran Fire", "Pat Probation" };
    static const char *const agencies[] = { "council", "police", "fire", "probation" };

    for (size_t i = 0; i < 4; i++) {
        f->att[i] = (Safer__Attendance)SAFER__ATTENDANCE__INIT;
        f->att[i].name = (char *)names[i];
        f->att[i].agency_code = (char *)agencies[i];
        f->att[i].presence
            = i == 3 ? SAFER__PRESENCE__PRESENCE_APOLOGIES : SAFER__PRESENCE__PRESENCE_PRESENT;
        f->att_p[i] = &f->att[i];
    }
    f->att[3].substitute = (char *)"Sam Deputy";
    f->owners[0] = (char *)"DP";
    f->owners[1] = (char *)"FF";
    for (size_t i = 0; i < 2; i++) {
        f->actions[i] = (Safer__Action)SAFER__ACTION__INIT;
        f->actions[i].id = (int64_t)(i + 7);
        f->actions[i].meeting_date = (char *)"2018-01-17";
        f->actions[i].status = SAFER__ACTION_STATUS__ACTION_OPEN;
        f->actions_p[i] = &f->actions[i];
    }
    f->actions[0].text = (char *)"Circulate the refuge capacity review";
    f->actions[0].owners = f->owners;
    f->actions[0].n_owners = 2;
    f->actions[0].due = (char *)"2018-02-01";
    f->actions[0].carried = 2;
    f->actions[1].text = (char *)"Report back on alcohol licensing";
    f->actions[1].all = 1;
    f->actions[1].due = (char *)"2018-04-01";
}

static void directory(fixture *f)
{
    static const char *const codes[] = { "police", "fire", "probation" };
    static const char *const names[] = { "Police", "Fire and Rescue Service", "Probation Service" };
    static const Safer__ReturnStatus st[]
        = { SAFER__RETURN_STATUS__RETURN_ON_TIME, SAFER__RETURN_STATUS__RETURN_ON_TIME,
              SAFER__RETURN_STATUS__RETURN_LATE, SAFER__RETURN_STATUS__RETURN_MISSING };

    for (size_t i = 0; i < 3; i++) {
        f->agencies[i] = (Safer__Agency)SAFER__AGENCY__INIT;
        f->agencies[i].code = (char *)codes[i];
        f->agencies[i].name = (char *)names[i];
        f->agencies_p[i] = &f->agencies[i];
    }
    for (size_t i = 0; i < 2; i++) {
        f->groups[i] = (Safer__TaskGroup)SAFER__TASK_GROUP__INIT;
        f->groups_p[i] = &f->groups[i];
    }
    f->groups[0].code = (char *)"da";
    f->groups[0].name = (char *)"Domestic Abuse";
    f->groups[1].code = (char *)"alc";
    f->groups[1].name = (char *)"Alcohol Harm";
    for (size_t i = 0; i < 4; i++) {
        f->returns[i] = (Safer__ReturnRow)SAFER__RETURN_ROW__INIT;
        f->returns[i].group_code = (char *)(i < 2 ? "da" : "alc");
        f->returns[i].agency_code = (char *)codes[i < 3 ? i : 0];
        f->returns[i].status = st[i];
        f->returns[i].submitted = i < 3 ? 1518600000 : 0;
        f->returns_p[i] = &f->returns[i];
    }
}

static fixture *make_fixture(void)
{
    fixture *f = calloc(1, sizeof(*f));
    Safer__PackModel *m;

    ck_assert_ptr_nonnull(f);
    m = &f->m;
    *m = (Safer__PackModel)SAFER__PACK_MODEL__INIT;
    meetings(f);
    people(f);
    directory(f);
    paper(f, 0, "da", "police", 4, SECRET_TITLE, SAFER__RAG__RAG_RED, SECRET_WORD " findings", 12);
    f->restrict_police[0] = (char *)"police";
    f->versions[0].restrict_to = f->restrict_police;
    f->versions[0].n_restrict_to = 1;
    f->versions[0].marking = SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE;
    paper(f, 1, "da", "fire", 4, "Home safety visits", SAFER__RAG__RAG_AMBER, "Fire update", 30);
    paper(f, 2, "alc", "probation", 5, "Alcohol treatment orders", SAFER__RAG__RAG_GREEN,
        "Probation update", 30);
    series(f, 0, "da", "police", "Arrests", 3);
    series(f, 1, "da", "fire", "Repeat victims", 4);
    series(f, 2, "alc", "probation", "Referrals", 2);
    m->partnership = (char *)"Testshire Community Safety Partnership";
    m->meeting = &f->meeting;
    m->previous = &f->previous;
    m->next = &f->next;
    m->agenda = f->agenda_p;
    m->n_agenda = 7;
    m->previous_agenda = f->prev_agenda_p;
    m->n_previous_agenda = 3;
    m->previous_minutes = f->minutes_p;
    m->n_previous_minutes = 2;
    m->attendance = f->att_p;
    m->n_attendance = 4;
    m->matters_arising = f->actions_p;
    m->n_matters_arising = 2;
    m->papers = f->papers_p;
    m->n_papers = 3;
    m->returns = f->returns_p;
    m->n_returns = 4;
    m->series = f->series_p;
    m->n_series = 3;
    m->groups = f->groups_p;
    m->n_groups = 2;
    m->agencies = f->agencies_p;
    m->n_agencies = 3;
    m->edition = 1;
    m->published = 1518609600; /* 2018-02-14 12:00 UTC */
    m->built = 1518609000;
    return f;
}

/*
 * fontconfig keeps its configuration for the life of the process on
 * purpose (288 bytes, once, however many packs are made); that is not a leak
 * of the renderer's.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ---- poppler ---- */

static int have_poppler(void)
{
    return system("command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1")
        == 0;
}

/* The whole output of a shell command, NUL-terminated; the caller frees it. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    ck_assert_ptr_nonnull(p);
    do {
        if (cap - len < 4097) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        n = fread(buf + len, 1, cap - len - 1, p);
        len += n;
    } while (n > 0);
    buf[len] = '\0';
    ck_assert_int_eq(pclose(p), 0);
    return buf;
}

/* A rendered pack in a temporary file. */
typedef struct rendered {
    char path[64];
    pack_buf buf;
    int pages;
} rendered;

static void render(const Safer__PackModel *m, const char *agency, int see_all, rendered *r)
{
    pack_view v;
    FILE *fp;
    int fd;
    char cmd[160];
    char *info, *pages;

    memset(r, 0, sizeof(*r));
    ck_assert_int_eq(pack_view_init(&v, m, agency, see_all), 0);
    ck_assert_int_eq(pack_render_pdf(&v, &r->buf), 0);
    pack_view_free(&v);
    ck_assert_uint_gt(r->buf.len, 1000);
    ck_assert_int_eq(memcmp(r->buf.data, "%PDF-", 5), 0);
    snprintf(r->path, sizeof(r->path), "/tmp/pack_pdf_test_XXXXXX");
    fd = mkstemp(r->path);
    ck_assert_int_ge(fd, 0);
    fp = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(r->buf.data, 1, r->buf.len, fp), r->buf.len);
    ck_assert_int_eq(fclose(fp), 0);
    snprintf(cmd, sizeof(cmd), "pdfinfo %s", r->path);
    info = run(cmd);
    pages = strstr(info, "Pages:");
    ck_assert_ptr_nonnull(pages);
    r->pages = atoi(pages + 6);
    free(info);
}

static void rendered_free(rendered *r)
{
    if (getenv("PACK_PDF_KEEP"))
        fprintf(stderr, "kept %s\n", r->path);
    else
        unlink(r->path);
    pack_buf_free(&r->buf);
}

static char *page_text(const rendered *r, int page)
{
    char cmd[200];

    snprintf(cmd, sizeof(cmd), "pdftotext -layout -f %d -l %d %s -", page, page, r->path);
    return run(cmd);
}

static char *all_text(const rendered *r)
{
    char cmd[200];

    snprintf(cmd, sizeof(cmd), "pdftotext %s -", r->path);
    return run(cmd);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

#define SKIP_WITHOUT_POPPLER()                                                                     \
    do {                                                                                           \
        if (!have_poppler()) {                                                                     \
            fprintf(stderr, "SKIP: pdftotext/pdfinfo not installed (poppler-utils)\n");            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ---- tests ---- */

static int has_bytes(const pack_buf *b, const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, s, n) == 0)
            return 1;
    return 0;
}

static void check_pages(const rendered *r, const char *marking)
{
    char want[64];

    ck_assert_int_ge(r->pages, 3);
    for (int i = 1; i <= r->pages; i++) {
        char *t = page_text(r, i);

        snprintf(want, sizeof(want), "Page %d of %d", i, r->pages);
        ck_assert_msg(count(t, marking) >= 2, "page %d lacks the marking %s twice", i, marking);
        ck_assert_msg(strstr(t, want) != NULL, "page %d lacks \"%s\"", i, want);
        free(t);
    }
}

START_TEST(test_pack_pdf_marks_every_page)
{
    fixture *f;
    rendered chair, lead;
    char *t;

    SKIP_WITHOUT_POPPLER();
    f = make_fixture();
    render(&f->m, "council", 1, &chair);
    render(&f->m, "fire", 0, &lead);
    check_pages(&chair, "OFFICIAL-SENSITIVE");
    check_pages(&lead, "OFFICIAL");
    /* The lead sees nothing sensitive, so nothing says it is. */
    t = all_text(&lead);
    ck_assert_ptr_null(strstr(t, "OFFICIAL-SENSITIVE"));
    free(t);
    rendered_free(&chair);
    rendered_free(&lead);
    free(f);
}
END_TEST

/* The page number at the end of the contents line that starts with title. */
static int contents_page(const char *contents, const char *title)
{
    for (const char *line = contents; line && *line;) {
        const char *end = strchr(line, '\n'), *p = line;

        if (!end)
            end = line + strlen(line);
        while (p < end && *p == ' ')
            p++;
        if ((size_t)(end - p) > strlen(title) && strncmp(p, title, strlen(title)) == 0) {
            const char *q = end;

            while (q > p && (q[-1] == ' ' || q[-1] == '\r'))
                q--;
            while (q > p && q[-1] >= '0' && q[-1] <= '9')
                q--;
            return atoi(q);
        }
        line = *end ? end + 1 : NULL;
    }
    return 0;
}

static void check_entry(const rendered *r, const char *contents, const char *title)
{
    int page = contents_page(contents, title);
    char *t;

    ck_assert_msg(page >= 3 && page <= r->pages, "contents gives \"%s\" page %d of %d", title, page,
        r->pages);
    t = page_text(r, page);
    ck_assert_msg(strstr(t, title) != NULL, "page %d does not hold \"%s\"", page, title);
    free(t);
}

START_TEST(test_pack_pdf_contents_points_at_sections)
{
    fixture *f;
    rendered chair;
    char *contents, *cover;
    int last = 0;

    SKIP_WITHOUT_POPPLER();
    f = make_fixture();
    render(&f->m, "council", 1, &chair);
    cover = page_text(&chair, 1);
    ck_assert_ptr_nonnull(strstr(cover, "Testshire Community Safety"));
    ck_assert_ptr_nonnull(strstr(cover, "Wednesday 21 February 2018"));
    ck_assert_ptr_nonnull(strstr(cover, "Edition 1, published 2018-02-14 12:00 UTC"));
    contents = page_text(&chair, 2);
    ck_assert_ptr_nonnull(strstr(contents, "Contents"));
    for (int sec = PACK_SEC_AGENDA; sec < PACK_SEC_COUNT; sec++) {
        int page = contents_page(contents, pack_text_section_title(sec));

        check_entry(&chair, contents, pack_text_section_title(sec));
        ck_assert_int_ge(page, last);
        last = page;
    }
    check_entry(&chair, contents, "4. Domestic Abuse");
    check_entry(&chair, contents, "5. Alcohol Harm");
    free(contents);
    free(cover);
    rendered_free(&chair);
    free(f);
}
END_TEST

START_TEST(test_pack_pdf_lead_never_sees_restricted)
{
    fixture *f;
    rendered chair, lead;
    char *ct, *lt;

    SKIP_WITHOUT_POPPLER();
    f = make_fixture();
    render(&f->m, "council", 1, &chair);
    render(&f->m, "fire", 0, &lead);
    ct = all_text(&chair);
    lt = all_text(&lead);
    /* The chair's pack holds the paper, so its absence below means something. */
    ck_assert_ptr_nonnull(strstr(ct, SECRET_TITLE));
    ck_assert_ptr_nonnull(strstr(ct, SECRET_WORD));
    ck_assert_ptr_nonnull(strstr(ct, "Police: Arrests"));
    ck_assert_ptr_null(strstr(ct, "withheld"));
    ck_assert_ptr_null(strstr(lt, SECRET_TITLE));
    ck_assert_ptr_null(strstr(lt, SECRET_WORD));
    ck_assert_ptr_null(strstr(lt, "Police: Arrests"));
    ck_assert_ptr_nonnull(strstr(lt, "1 paper withheld: restricted to other agencies."));
    ck_assert_ptr_nonnull(strstr(lt, "Home safety visits"));
    ck_assert_ptr_nonnull(strstr(lt, "Fire and Rescue Service: Repeat victims"));
    /* Two points make no chart. */
    ck_assert_ptr_null(strstr(lt, "Probation Service: Referrals"));
    free(ct);
    free(lt);
    rendered_free(&chair);
    rendered_free(&lead);
    free(f);
}
END_TEST

START_TEST(test_pack_pdf_renders_content)
{
    static const char *const want[] = {
        "strong words",
        "first point",
        "step two",
        "A quoted remark",
        "code line here",
        "Red",
        "Amber",
        "Green",
        "late",
        "version 3",
        "carried 2",
        "overdue",
        "DP/FF",
        "ALL",
        "substitute: Sam Deputy",
        "For approval",
        "The board noted the domestic abuse update.",
        "Budget update",
        "missing",
        "Wednesday 21 March 2018",
        "Submitted by Alex Brown (AB)",
        "Repeat victims",
        "2018-Q1",
    };
    fixture *f;
    rendered chair;
    char *t;

    SKIP_WITHOUT_POPPLER();
    f = make_fixture();
    render(&f->m, "council", 1, &chair);
    t = all_text(&chair);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_msg(strstr(t, want[i]) != NULL, "the pack lacks \"%s\"", want[i]);
    /* Markdown is rendered, not copied; raw HTML is dropped. */
    ck_assert_ptr_null(strstr(t, "**"));
    ck_assert_ptr_null(strstr(t, "alert(1)"));
    ck_assert_ptr_null(strstr(t, "## Summary"));
    free(t);
    rendered_free(&chair);
    free(f);
}
END_TEST

START_TEST(test_pack_pdf_is_deterministic)
{
    fixture *f = make_fixture();
    pack_buf a = { 0 }, b = { 0 }, c = { 0 };
    pack_view v, w;

    ck_assert_int_eq(pack_view_init(&v, &f->m, "council", 1), 0);
    ck_assert_int_eq(pack_view_init(&w, &f->m, "fire", 0), 0);
    ck_assert_int_eq(pack_render_pdf(&v, &a), 0);
    ck_assert_int_eq(pack_render_pdf(&v, &b), 0);
    ck_assert_int_eq(pack_render_pdf(&w, &c), 0);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_int_eq(memcmp(a.data, b.data, a.len), 0);
    ck_assert(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
    /* The file's date is the edition's, not the clock's. */
    ck_assert(has_bytes(&a, "20180214120000"));
    pack_view_free(&v);
    pack_view_free(&w);
    pack_buf_free(&a);
    pack_buf_free(&b);
    pack_buf_free(&c);
    free(f);
}
END_TEST

START_TEST(test_pack_pdf_survives_hostile_text)
{
    fixture *f = make_fixture();
    pack_buf a = { 0 };
    pack_view v;
    char *body = f->bodies[1];
    size_t off = 0;

    /* Deep nesting, control characters, invalid UTF-8 and markup look-alikes. */
    for (int i = 0; i < 3000; i++)
        body[off++] = '>';
    off += (size_t)snprintf(body + off, BODY_MAX - off, " deep\n\n");
    for (int i = 0; i < 2000; i++)
        off += (size_t)snprintf(body + off, BODY_MAX - off, "- ");
    off += (size_t)snprintf(
        body + off, BODY_MAX - off, "x\n\nbad \x01\x7f \xff\xfe <b>&amp;</i>\n");
    f->versions[1].body.len = off;
    f->versions[1].title = (char *)"Title <span> & \x02 \xc3";
    f->agencies[1].name = (char *)"Fire & \"Rescue\" <x>";
    ck_assert_int_eq(pack_view_init(&v, &f->m, "council", 1), 0);
    ck_assert_int_eq(pack_render_pdf(&v, &a), 0);
    ck_assert_uint_gt(a.len, 1000);
    pack_view_free(&v);
    pack_buf_free(&a);
    free(f);
}
END_TEST

typedef struct job {
    const Safer__PackModel *m;
    pack_buf out;
    int rc;
} job;

static void *render_job(void *arg)
{
    job *j = arg;
    pack_view v;

    j->rc = pack_view_init(&v, j->m, "council", 1);
    if (j->rc == 0)
        j->rc = pack_render_pdf(&v, &j->out);
    pack_view_free(&v);
    return NULL;
}

/* Renders run on libuv's worker threads: two at once must not disturb each other. */
START_TEST(test_pack_pdf_renders_alike_on_two_threads)
{
    fixture *f = make_fixture();
    job a = { .m = &f->m }, b = { .m = &f->m };
    pthread_t ta, tb;

    ck_assert_int_eq(pthread_create(&ta, NULL, render_job, &a), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, render_job, &b), 0);
    ck_assert_int_eq(pthread_join(ta, NULL), 0);
    ck_assert_int_eq(pthread_join(tb, NULL), 0);
    ck_assert_int_eq(a.rc, 0);
    ck_assert_int_eq(b.rc, 0);
    ck_assert_uint_eq(a.out.len, b.out.len);
    ck_assert_int_eq(memcmp(a.out.data, b.out.data, a.out.len), 0);
    pack_buf_free(&a.out);
    pack_buf_free(&b.out);
    free(f);
}
END_TEST

static Suite *pack_pdf_suite(void)
{
    Suite *s = suite_create("pack_pdf");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pack_pdf_marks_every_page);
    tcase_add_test(tc, test_pack_pdf_contents_points_at_sections);
    tcase_add_test(tc, test_pack_pdf_lead_never_sees_restricted);
    tcase_add_test(tc, test_pack_pdf_renders_content);
    tcase_add_test(tc, test_pack_pdf_is_deterministic);
    tcase_add_test(tc, test_pack_pdf_survives_hostile_text);
    tcase_add_test(tc, test_pack_pdf_renders_alike_on_two_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pack_pdf_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
