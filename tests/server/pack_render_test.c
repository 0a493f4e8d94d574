/*
 * The Markdown and HTML pack renderers, the reader's view and the shared
 * text helpers, on a model built by hand: two task groups, three papers of
 * which one is restricted to police and probation, last meeting's minutes,
 * actions (one carried and overdue), returns on time, late and missing, a
 * four-point series and a next meeting. Checks that every section is there
 * in order with its marking, that a fire lead's pack leaves the restricted
 * paper out and says so while the chair's holds it, that model text is
 * escaped and raw HTML in a body is dropped, and that rendering is
 * deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/err.h"
#include "server/pack.h"
#include "server/pack_text.h"

#define SECRET_TITLE "Police DA update"
#define SECRET_BODY "SECRETPOLICEBODY"
#define SECRET_METRIC "Arrests made"
#define WITHHELD_LINE "1 paper withheld: restricted to other agencies."

static char *dup(const char *s)
{
    char *d = strdup(s);
    ck_assert_ptr_nonnull(d);
    return d;
}

static void *grow(void *arr, size_t n, size_t size)
{
    void *p = realloc(arr, (n + 1) * size);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Appends element e to the repeated field (arr, n) of any message type. */
#define PUSH(arr, n, e)                                                                            \
    do {                                                                                           \
        (arr) = grow((arr), (n), sizeof *(arr));                                                   \
        (arr)[(n)++] = (e);                                                                        \
    } while (0)

static Safer__AgendaItem *item(uint32_t n, const char *title, Safer__ItemKind kind, const char *g)
{
    Safer__AgendaItem *it = malloc(sizeof *it);
    ck_assert_ptr_nonnull(it);
    safer__agenda_item__init(it);
    it->number = n;
    it->title = dup(title);
    it->kind = kind;
    if (g)
        it->group_code = dup(g);
    return it;
}

static Safer__Meeting *meeting(const char *date, const char *time, const char *venue)
{
    Safer__Meeting *mt = malloc(sizeof *mt);
    ck_assert_ptr_nonnull(mt);
    safer__meeting__init(mt);
    mt->date = dup(date);
    mt->time = dup(time);
    mt->venue = dup(venue);
    return mt;
}

static Safer__Metric *metric(const char *name, double value, int has_target, double target)
{
    Safer__Metric *mt = malloc(sizeof *mt);
    ck_assert_ptr_nonnull(mt);
    safer__metric__init(mt);
    mt->name = dup(name);
    mt->value = value;
    mt->has_target = has_target;
    mt->target = target;
    mt->period = dup("2018-Q1");
    return mt;
}

static Safer__PackPaper *paper(const char *group, const char *agency, uint32_t item_no,
    const char *title, const char *body, Safer__Rag rag, Safer__Marking marking)
{
    Safer__PackPaper *p = malloc(sizeof *p);
    Safer__ReportVersion *v = malloc(sizeof *v);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(v);
    safer__pack_paper__init(p);
    safer__report_version__init(v);
    p->group_code = dup(group);
    p->agency_code = dup(agency);
    p->item = item_no;
    p->author_name = dup("Dana Price");
    p->versions = 1;
    p->version = v;
    v->version = 1;
    v->title = dup(title);
    v->rag = rag;
    v->marking = marking;
    v->author = dup("DP");
    v->submitted = 1518603000; /* 2018-02-14 10:10 UTC */
    v->body.len = strlen(body);
    v->body.data = (uint8_t *)dup(body);
    return p;
}

static Safer__MetricSeries *series(
    const char *group, const char *agency, const char *name, size_t npoints)
{
    static const char *dates[4] = { "2017-11-15", "2017-12-13", "2018-01-17", "2018-02-21" };
    Safer__MetricSeries *s = malloc(sizeof *s);
    ck_assert_ptr_nonnull(s);
    safer__metric_series__init(s);
    s->group_code = dup(group);
    s->agency_code = dup(agency);
    s->metric = dup(name);
    for (size_t i = 0; i < npoints; i++) {
        Safer__MetricPoint *pt = malloc(sizeof *pt);
        ck_assert_ptr_nonnull(pt);
        safer__metric_point__init(pt);
        pt->date = dup(dates[i]);
        pt->value = 10.0 + (double)i * 1.5;
        pt->has_target = 1;
        pt->target = 12.0;
        PUSH(s->points, s->n_points, pt);
    }
    return s;
}

static void add_people(Safer__PackModel *m)
{
    static const char *ag[3][2] = { { "fire", "Northshire Fire and Rescue" },
        { "police", "Northshire Police" }, { "probation", "Probation Service" } };
    static const char *gr[2][2] = { { "alc", "Alcohol" }, { "da", "Domestic Abuse" } };
    for (size_t i = 0; i < 3; i++) {
        Safer__Agency *a = malloc(sizeof *a);
        ck_assert_ptr_nonnull(a);
        safer__agency__init(a);
        a->code = dup(ag[i][0]);
        a->name = dup(ag[i][1]);
        PUSH(m->agencies, m->n_agencies, a);
    }
    for (size_t i = 0; i < 2; i++) {
        Safer__TaskGroup *g = malloc(sizeof *g);
        ck_assert_ptr_nonnull(g);
        safer__task_group__init(g);
        g->code = dup(gr[i][0]);
        g->name = dup(gr[i][1]);
        PUSH(m->groups, m->n_groups, g);
    }
    for (int k = 0; k < 2; k++) {
        Safer__Attendance *a = malloc(sizeof *a);
        ck_assert_ptr_nonnull(a);
        safer__attendance__init(a);
        a->initials = dup(k ? "MA" : "DP");
        a->name = dup(k ? "Mark Allen" : "Dana Price");
        a->agency_code = dup(k ? "fire" : "police");
        a->presence = k ? SAFER__PRESENCE__PRESENCE_APOLOGIES : SAFER__PRESENCE__PRESENCE_PRESENT;
        if (k)
            a->substitute = dup("Sue Brown");
        PUSH(m->attendance, m->n_attendance, a);
    }
}

static void add_actions(Safer__PackModel *m)
{
    for (int k = 0; k < 2; k++) {
        Safer__Action *a = malloc(sizeof *a);
        ck_assert_ptr_nonnull(a);
        safer__action__init(a);
        a->id = k ? 9 : 7;
        a->meeting_date = dup("2018-01-17");
        a->text = dup(k ? "Everyone to read the strategy" : "Review refuge capacity");
        a->status = SAFER__ACTION_STATUS__ACTION_OPEN;
        a->due = dup(k ? "2018-03-30" : "2018-02-01");
        a->carried = k ? 0 : 2;
        a->all = k;
        if (!k) {
            PUSH(a->owners, a->n_owners, dup("DP"));
            PUSH(a->owners, a->n_owners, dup("MA"));
        }
        PUSH(m->matters_arising, m->n_matters_arising, a);
    }
}

static void add_returns(Safer__PackModel *m)
{
    static const struct {
        const char *g, *a;
        Safer__ReturnStatus s;
        int64_t t;
    } rows[4] = { { "da", "fire", SAFER__RETURN_STATUS__RETURN_LATE, 1518800000 },
        { "da", "police", SAFER__RETURN_STATUS__RETURN_ON_TIME, 1518603000 },
        { "alc", "fire", SAFER__RETURN_STATUS__RETURN_MISSING, 0 },
        { "alc", "police", SAFER__RETURN_STATUS__RETURN_ON_TIME, 1518603000 } };
    for (size_t i = 0; i < 4; i++) {
        Safer__ReturnRow *r = malloc(sizeof *r);
        ck_assert_ptr_nonnull(r);
        safer__return_row__init(r);
        r->group_code = dup(rows[i].g);
        r->agency_code = dup(rows[i].a);
        r->status = rows[i].s;
        r->submitted = rows[i].t;
        PUSH(m->returns, m->n_returns, r);
    }
}

static void add_papers(Safer__PackModel *m)
{
    Safer__PackPaper *p;
    /* Out of agenda order on purpose: the view must sort them. */
    p = paper("alc", "police", 4, "Alcohol report", "# Night-time economy\n\nSome *text*.\n",
        SAFER__RAG__RAG_GREEN, SAFER__MARKING__MARKING_OFFICIAL);
    PUSH(m->papers, m->n_papers, p);
    p = paper("da", "police", 3, SECRET_TITLE, "Body: " SECRET_BODY "\n", SAFER__RAG__RAG_RED,
        SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE);
    p->version->version = 2;
    p->version->late = 1;
    PUSH(p->version->restrict_to, p->version->n_restrict_to, dup("police"));
    PUSH(p->version->restrict_to, p->version->n_restrict_to, dup("probation"));
    PUSH(p->version->metrics, p->version->n_metrics, metric(SECRET_METRIC, 5, 0, 0));
    PUSH(m->papers, m->n_papers, p);
    p = paper("da", "fire", 3, "Fire <script>alert(1)</script> update",
        "Fire text.\n\n<div class=\"raw\">RAWHTML</div>\n\n<script>alert(2)</script>\n",
        SAFER__RAG__RAG_AMBER, SAFER__MARKING__MARKING_OFFICIAL);
    PUSH(p->version->metrics, p->version->n_metrics, metric("Home visits", 42, 1, 50));
    PUSH(p->version->metrics, p->version->n_metrics, metric("Rate|x", 3.5, 0, 0));
    PUSH(m->papers, m->n_papers, p);
}

static Safer__PackModel *model(void)
{
    Safer__PackModel *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    safer__pack_model__init(m);
    m->partnership = dup("Northshire Community Safety Partnership");
    m->meeting = meeting("2018-02-21", "10:00", "Council Chamber");
    PUSH(m->agenda, m->n_agenda, item(1, "Welcome", SAFER__ITEM_KIND__ITEM_WELCOME, NULL));
    PUSH(m->agenda, m->n_agenda, item(2, "Minutes", SAFER__ITEM_KIND__ITEM_MINUTES, NULL));
    PUSH(m->agenda, m->n_agenda, item(3, "Domestic Abuse", SAFER__ITEM_KIND__ITEM_GROUP, "da"));
    PUSH(m->agenda, m->n_agenda, item(4, "Alcohol", SAFER__ITEM_KIND__ITEM_GROUP, "alc"));
    PUSH(m->agenda, m->n_agenda,
        item(5, "Funding update", SAFER__ITEM_KIND__ITEM_INFORMATION, NULL));
    m->previous = meeting("2018-01-17", "10:00", "Council Chamber");
    PUSH(m->previous_agenda, m->n_previous_agenda,
        item(3, "Refuge provision", SAFER__ITEM_KIND__ITEM_GROUP, "da"));
    Safer__Minute *mi = malloc(sizeof *mi);
    ck_assert_ptr_nonnull(mi);
    safer__minute__init(mi);
    mi->item = 3;
    mi->text = dup("Discussed refuge capacity.");
    PUSH(m->previous_minutes, m->n_previous_minutes, mi);
    add_people(m);
    add_actions(m);
    add_returns(m);
    add_papers(m);
    PUSH(m->series, m->n_series, series("da", "fire", "Home visits", 4));
    PUSH(m->series, m->n_series, series("da", "police", SECRET_METRIC, 3));
    PUSH(m->series, m->n_series, series("alc", "police", "Too short", 2));
    m->next = meeting("2018-03-21", "14:00", "Town Hall");
    m->edition = 2;
    m->published = 1519000000;
    PUSH(m->changes, m->n_changes, dup("Northshire Police paper for Domestic Abuse revised"));
    PUSH(m->changes, m->n_changes, dup("Agenda changed"));
    return m;
}

/* Renders m for a reader into a NUL-terminated string the caller frees. */
static char *render(
    const Safer__PackModel *m, const char *agency, int see_all, Safer__PackFormat fmt, size_t *len)
{
    pack_view v;
    pack_buf b = { 0 };
    ck_assert_int_eq(pack_view_init(&v, m, agency, see_all), 0);
    ck_assert_int_eq(pack_render(&v, fmt, &b), 0);
    ck_assert_int_eq(pack_buf_append(&b, "", 1), 0);
    pack_view_free(&v);
    if (len)
        *len = b.len - 1;
    return (char *)b.data;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Every section the format shows appears as a heading, in the table's order. */
static void check_order(const char *doc, Safer__PackFormat fmt, const char *open, const char *close)
{
    const char *at = doc;
    char want[256];
    for (int sec = PACK_SEC_CONTENTS; sec < PACK_SEC_COUNT; sec++) {
        const char *found;
        snprintf(want, sizeof want, "%s%s%s", open, pack_text_section_title(sec), close);
        found = strstr(at, want);
        if (!pack_text_section_in(sec, fmt)) {
            ck_assert_ptr_null(strstr(doc, want));
            continue;
        }
        ck_assert_msg(found != NULL, "section %s missing or out of order", want);
        at = found + 1;
    }
}

START_TEST(test_pack_text_dates_and_numbers)
{
    char s[PACK_TEXT_MAX];
    pack_text_date("2018-02-21", s, sizeof s);
    ck_assert_str_eq(s, "Wednesday 21 February 2018");
    pack_text_date("2000-02-29", s, sizeof s);
    ck_assert_str_eq(s, "Tuesday 29 February 2000");
    pack_text_date("2024-01-01", s, sizeof s);
    ck_assert_str_eq(s, "Monday 1 January 2024");
    pack_text_date("not a date", s, sizeof s);
    ck_assert_str_eq(s, "not a date");
    pack_text_utc(1519207200, s, sizeof s);
    ck_assert_str_eq(s, "2018-02-21 10:00 UTC");
    pack_text_number(42.0, s, sizeof s);
    ck_assert_str_eq(s, "42");
    pack_text_number(3.5, s, sizeof s);
    ck_assert_str_eq(s, "3.5");
    pack_text_number(-0.001, s, sizeof s);
    ck_assert_str_eq(s, "0");
    pack_text_withheld(2, s, sizeof s);
    ck_assert_str_eq(s, "2 papers withheld: restricted to other agencies.");
}
END_TEST

START_TEST(test_pack_buf_refuses_past_max)
{
    uint8_t small[8] = { 0 };
    pack_buf b = { 0 };
    ck_assert_int_eq(pack_buf_append(&b, small, (size_t)PACK_MAX + 1), SAFER_E_TOOBIG);
    ck_assert_ptr_null(b.data);
    /* A buffer already at the limit takes not one byte more. */
    pack_buf full = { small, PACK_MAX, PACK_MAX };
    ck_assert_int_eq(pack_buf_append(&full, "x", 1), SAFER_E_TOOBIG);
    ck_assert_int_eq(pack_buf_printf(&full, "%s", "x"), SAFER_E_TOOBIG);
    ck_assert_uint_eq(full.len, PACK_MAX);
    ck_assert_int_eq(pack_buf_printf(&b, "%d-%s", 7, "x"), 0);
    ck_assert_uint_eq(b.len, 3);
    ck_assert_int_eq(memcmp(b.data, "7-x", 3), 0);
    pack_buf_free(&b);
}
END_TEST

START_TEST(test_pack_view_orders_and_restricts)
{
    Safer__PackModel *m = model();
    pack_view v;
    ck_assert_int_eq(pack_view_init(&v, m, "fire", 0), 0);
    ck_assert_uint_eq(v.npapers, 2);
    ck_assert_uint_eq(v.withheld, 1);
    ck_assert_int_eq(v.marking, SAFER__MARKING__MARKING_OFFICIAL);
    ck_assert_str_eq(v.papers[0]->group_code, "da");
    ck_assert_str_eq(v.papers[1]->group_code, "alc");
    pack_view_free(&v);
    ck_assert_int_eq(pack_view_init(&v, m, "police", 0), 0);
    ck_assert_uint_eq(v.withheld, 0);
    pack_view_free(&v);
    ck_assert_int_eq(pack_view_init(&v, m, "", 1), 0);
    ck_assert_uint_eq(v.npapers, 3);
    ck_assert_uint_eq(v.withheld, 0);
    ck_assert_int_eq(v.marking, SAFER__MARKING__MARKING_OFFICIAL_SENSITIVE);
    /* Agenda position first, then agency code: da/fire, da/police, alc/police. */
    ck_assert_str_eq(v.papers[0]->agency_code, "fire");
    ck_assert_str_eq(v.papers[1]->agency_code, "police");
    ck_assert_str_eq(v.papers[2]->group_code, "alc");
    pack_buf b = { 0 };
    ck_assert_int_eq(pack_render(&v, SAFER__PACK_FORMAT__PACK_FORMAT_NONE, &b), SAFER_E_INVAL);
    pack_view_free(&v);
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

START_TEST(test_pack_md_holds_every_section_with_markings)
{
    Safer__PackModel *m = model();
    char *md = render(m, "fire", 0, SAFER__PACK_FORMAT__PACK_MD, NULL);
    check_order(md, SAFER__PACK_FORMAT__PACK_MD, "\n## ", "\n");
    ck_assert_ptr_nonnull(strstr(md, "# Northshire Community Safety Partnership\n"));
    ck_assert_ptr_nonnull(strstr(md, "Wednesday 21 February 2018 at 10:00, Council Chamber"));
    ck_assert_ptr_nonnull(strstr(md, "Edition 2, published 2018-02-19 00:26 UTC"));
    ck_assert_ptr_nonnull(strstr(md, "### Changes since edition 1\n"));
    /* Each section opens and closes with its marking line. */
    for (int sec = PACK_SEC_CONTENTS; sec < PACK_SEC_COUNT; sec++) {
        char want[256];
        if (!pack_text_section_in(sec, SAFER__PACK_FORMAT__PACK_MD))
            continue;
        snprintf(want, sizeof want, "**OFFICIAL**\n\n## %s\n", pack_text_section_title(sec));
        ck_assert_msg(strstr(md, want) != NULL, "no marking before %s", want);
    }
    ck_assert_ptr_null(strstr(md, "OFFICIAL-SENSITIVE"));
    ck_assert_uint_eq(count(md, "\n## "), 10);
    ck_assert_uint_eq(count(md, "**OFFICIAL**\n"), 2 * 9 + 2 + 2 * 2 + 1);
    ck_assert_ptr_nonnull(strstr(md,
        "| 7 | Review refuge capacity | DP/MA | 2018-02-01 **overdue** "
        "| carried 2 |"));
    ck_assert_ptr_nonnull(strstr(md,
        "| 9 | Everyone to read the strategy | ALL | 2018-03-30 | "
        "carried 0 |"));
    ck_assert_ptr_nonnull(strstr(md, "| Rate\\|x | 3.5 | - | 2018-Q1 |"));
    ck_assert_ptr_nonnull(strstr(md, "| Home visits | 42 | 50 | 2018-Q1 |"));
    ck_assert_ptr_nonnull(strstr(md, "| Alcohol | Northshire Fire and Rescue | missing | - |"));
    ck_assert_ptr_nonnull(strstr(md, "| Domestic Abuse | Northshire Fire and Rescue | late |"));
    ck_assert_ptr_nonnull(strstr(md, "Meeting of Wednesday 17 January 2018: **For approval**"));
    ck_assert_ptr_nonnull(strstr(md, "### 3. Refuge provision\n\nDiscussed refuge capacity."));
    ck_assert_ptr_nonnull(strstr(md, "- Mark Allen (Northshire Fire and Rescue), substitute: Sue"));
    ck_assert_ptr_nonnull(strstr(md, "- 5. Funding update\n"));
    ck_assert_ptr_nonnull(strstr(md, "Wednesday 21 March 2018 at 14:00, Town Hall"));
    /* The body goes in as it is, between the paper's header and footer. */
    ck_assert_ptr_nonnull(strstr(md, "# Night-time economy\n\nSome *text*.\n\n**OFFICIAL**"));
    ck_assert_ptr_nonnull(strstr(md, "- RAG: \xF0\x9F\x9F\xA0 Amber\n"));
    free(md);
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

START_TEST(test_pack_lead_view_withholds_restricted_paper)
{
    Safer__PackModel *m = model();
    for (Safer__PackFormat f = SAFER__PACK_FORMAT__PACK_MD; f <= SAFER__PACK_FORMAT__PACK_HTML;
         f++) {
        char *doc = render(m, "fire", 0, f, NULL);
        ck_assert_ptr_null(strstr(doc, SECRET_TITLE));
        ck_assert_ptr_null(strstr(doc, SECRET_BODY));
        ck_assert_ptr_null(strstr(doc, SECRET_METRIC));
        ck_assert_ptr_null(strstr(doc, "Northshire Police paper for"));
        ck_assert_ptr_nonnull(strstr(doc, "Agenda changed"));
        ck_assert_uint_eq(count(doc, WITHHELD_LINE), 1);
        free(doc);
        doc = render(m, "", 1, f, NULL);
        ck_assert_ptr_nonnull(strstr(doc, SECRET_TITLE));
        ck_assert_ptr_nonnull(strstr(doc, SECRET_BODY));
        ck_assert_ptr_nonnull(strstr(doc, SECRET_METRIC));
        ck_assert_ptr_nonnull(strstr(doc, "Northshire Police paper for Domestic Abuse revised"));
        ck_assert_ptr_null(strstr(doc, "withheld: restricted"));
        ck_assert_ptr_nonnull(strstr(doc, "late"));
        free(doc);
    }
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

START_TEST(test_pack_chair_view_carries_sensitive_markings)
{
    Safer__PackModel *m = model();
    char *md = render(m, "", 1, SAFER__PACK_FORMAT__PACK_MD, NULL);
    char *html = render(m, "", 1, SAFER__PACK_FORMAT__PACK_HTML, NULL);
    ck_assert_ptr_nonnull(strstr(md, "**OFFICIAL-SENSITIVE**\n\n## Task-group reports\n"));
    ck_assert_ptr_nonnull(strstr(md, "**OFFICIAL**\n\n## Returns\n"));
    ck_assert_ptr_nonnull(strstr(md, "**OFFICIAL-SENSITIVE**\n\n#### " SECRET_TITLE "\n"));
    ck_assert_ptr_nonnull(strstr(md, "Protective marking: **OFFICIAL-SENSITIVE**"));
    ck_assert_ptr_nonnull(strstr(md,
        "- Version 2\n- Restricted to Northshire Police, Probation "
        "Service\n"));
    ck_assert_ptr_nonnull(
        strstr(html, "<div class=\"print-only print-header\">OFFICIAL-SENSITIVE"));
    ck_assert_ptr_nonnull(
        strstr(html, "<div class=\"print-only print-footer\">OFFICIAL-SENSITIVE"));
    ck_assert_ptr_nonnull(strstr(html,
        "<section id=\"reports\">\n<div class=\"marking "
        "sensitive\">OFFICIAL-SENSITIVE</div>\n<h2>"));
    ck_assert_ptr_nonnull(strstr(html,
        "<section id=\"returns\">\n<div class=\"marking\">"
        "OFFICIAL</div>\n<h2>"));
    /* Two charts for the chair (the two-point series gets none), one for fire. */
    ck_assert_uint_eq(count(html, "<svg "), 2);
    ck_assert_ptr_null(strstr(html, "Too short"));
    free(md);
    free(html);
    html = render(m, "fire", 0, SAFER__PACK_FORMAT__PACK_HTML, NULL);
    ck_assert_uint_eq(count(html, "<svg "), 1);
    ck_assert_ptr_nonnull(strstr(html, "stroke-dasharray"));
    ck_assert_ptr_null(strstr(html, "OFFICIAL-SENSITIVE"));
    free(html);
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

START_TEST(test_pack_html_escapes_and_drops_raw_html)
{
    Safer__PackModel *m = model();
    char *html = render(m, "fire", 0, SAFER__PACK_FORMAT__PACK_HTML, NULL);
    check_order(html, SAFER__PACK_FORMAT__PACK_HTML, "<h2>", "</h2>");
    ck_assert_ptr_nonnull(strstr(html, "Fire &lt;script&gt;alert(1)&lt;/script&gt; update"));
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "RAWHTML"));
    ck_assert_ptr_null(strstr(html, "class=\"raw\""));
    ck_assert_ptr_nonnull(strstr(html, "<p>Fire text.</p>"));
    ck_assert_ptr_nonnull(strstr(html, "<h1>Night-time economy</h1>"));
    ck_assert_ptr_nonnull(strstr(html, "<span class=\"rag rag-amber\">&#9679; Amber</span>"));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"#matters-arising\">Matters arising</a>"));
    ck_assert_ptr_nonnull(strstr(html, "@media print"));
    /* Self-contained: nothing loaded from elsewhere. */
    ck_assert_ptr_null(strstr(html, "src="));
    ck_assert_ptr_null(strstr(html, "<link"));
    ck_assert_ptr_null(strstr(html, "@import"));
    ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
    free(html);
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

START_TEST(test_pack_render_is_deterministic)
{
    Safer__PackModel *m = model();
    for (Safer__PackFormat f = SAFER__PACK_FORMAT__PACK_MD; f <= SAFER__PACK_FORMAT__PACK_HTML;
         f++) {
        size_t la, lb;
        char *a = render(m, "", 1, f, &la);
        char *b = render(m, "", 1, f, &lb);
        ck_assert_uint_gt(la, 1000);
        ck_assert_uint_eq(la, lb);
        ck_assert_int_eq(memcmp(a, b, la), 0);
        free(a);
        free(b);
    }
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

START_TEST(test_pack_without_previous_or_next_meeting)
{
    Safer__PackModel *m = model();
    safer__meeting__free_unpacked(m->previous, NULL);
    safer__meeting__free_unpacked(m->next, NULL);
    m->previous = NULL;
    m->next = NULL;
    m->edition = 0;
    char *md = render(m, "fire", 0, SAFER__PACK_FORMAT__PACK_MD, NULL);
    ck_assert_ptr_nonnull(strstr(md, "## Minutes of the last meeting\n\nNo previous meeting.\n"));
    ck_assert_ptr_nonnull(strstr(md, "## Date of next meeting\n\nTo be arranged\n"));
    ck_assert_ptr_nonnull(strstr(md, "\nDraft\n"));
    ck_assert_ptr_null(strstr(md, "Changes since"));
    free(md);
    safer__pack_model__free_unpacked(m, NULL);
}
END_TEST

static Suite *pack_render_suite(void)
{
    Suite *s = suite_create("pack_render");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_pack_text_dates_and_numbers);
    tcase_add_test(tc, test_pack_buf_refuses_past_max);
    tcase_add_test(tc, test_pack_view_orders_and_restricts);
    tcase_add_test(tc, test_pack_md_holds_every_section_with_markings);
    tcase_add_test(tc, test_pack_lead_view_withholds_restricted_paper);
    tcase_add_test(tc, test_pack_chair_view_carries_sensitive_markings);
    tcase_add_test(tc, test_pack_html_escapes_and_drops_raw_html);
    tcase_add_test(tc, test_pack_render_is_deterministic);
    tcase_add_test(tc, test_pack_without_previous_or_next_meeting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pack_render_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
