/*
 * The consolidated board pack (issue 5), end to end: the shared board
 * scenario (support/scenario.h) for a meeting 60 days ago, with a meeting
 * before it whose minutes await approval and one before that, open actions
 * raised at both (single owner, shared, ALL; one carried past a meeting; an
 * overdue one), a done action and one raised at the meeting itself (neither
 * is a matter arising), a paper restricted to police and probation, and the
 * next meeting 30 days ahead. Then, through the real `safer pack` commands:
 *
 * - the chair's draft in Markdown, HTML and PDF holds every section of the
 *   spec in order (the contents names them, then they follow), the cover,
 *   the returns table row by row, the open actions with owners and carried
 *   counts, and the minutes for approval; every section carries its marking;
 * - the PDF has as many pages as its footers say, the contents page points at
 *   pages that hold those titles, and every page has the marking;
 * - two pulls of the same data are byte-identical; verify passes on a pull
 *   and fails after one changed byte;
 * - a member is refused before publication; after it, a fire lead's pack
 *   lacks the restricted paper (title and words) and says one was withheld;
 * - a revision and a second publish make edition 2, whose cover lists it,
 *   while edition 1 stays as it was.
 *
 * Expectations come from the spec (section titles from its content
 * list), not from the server's code. Tests run in order on one server.
 */
#include <check.h>
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/packfix.h"
#include "support/scenario.h"

#define VENUE1 "Ground Floor Boardroom, Municipal Buildings, Widnes"
#define NEXT_VENUE "Runcorn Town Hall"

#define T_STRATEGY "Refresh the community safety strategy"
#define T_PCC "Follow up contact with the PCC office"
#define T_FUND "Bring the PCC funding reports to the partnership"
#define T_PREVENT "Return comments on the Prevent arrangements to DP"
#define T_DONE "Circulate the licensing review"
#define T_NEW "Link the drugs strategy to the HWBB outcomes"

static char dm[HX_DATE_BYTES], dlm[HX_DATE_BYTES], d0[HX_DATE_BYTES], dl0[HX_DATE_BYTES];
static char d1[HX_DATE_BYTES], dl1[HX_DATE_BYTES], dn[HX_DATE_BYTES], dln[HX_DATE_BYTES];
static char tomorrow[HX_DATE_BYTES], due_old[HX_DATE_BYTES], due_over[HX_DATE_BYTES];
static char due_later[HX_DATE_BYTES];

static void setup_actions(void)
{
    char sql[160], id[32];

    OK(DP, "action", "add", dm, "--item", "3", "--owner", "MA", T_STRATEGY, "--due", due_old);
    OK(DP, "action", "add", d0, "--item", "3", "--owner", "DP", T_PCC, "--due", due_over);
    OK(DP, "action", "add", d0, "--item", "5", "--owner", "DP/MA", T_FUND, "--due", due_later);
    OK(DP, "action", "add", d0, "--item", "9", "--owner", "ALL", T_PREVENT, "--due", due_later);
    OK(DP, "action", "add", d0, "--item", "4", "--owner", "MA", T_DONE, "--due", due_later);
    OK(DP, "action", "add", d1, "--item", "6", "--owner", "JD", T_NEW, "--due", due_later);
    snprintf(sql, sizeof(sql), "SELECT id FROM actions WHERE text = '%s'", T_DONE);
    snprintf(id, sizeof(id), "%lld", hx_sql_int(&sc_srv, sql));
    OK(MA, "action", "update", id, "--status", "done", "--note", "Circulated");
}

static void setup(void)
{
    hx_date(-120, dm);
    hx_date(-127, dlm);
    hx_date(-90, d0);
    hx_date(-97, dl0);
    hx_date(-60, d1);
    hx_date(-67, dl1);
    hx_date(30, dn);
    hx_date(23, dln);
    hx_date(1, tomorrow);
    hx_date(-100, due_old);
    hx_date(-75, due_over);
    hx_date(20, due_later);
    sc_start();
    sc_groups();
    OK(DP, "meeting", "add", dm, "--time", "10:00", "--venue", NEXT_VENUE, "--deadline", dlm);
    OK(DP, "meeting", "add", d0, "--time", "10:00", "--venue", "Municipal Buildings, Widnes",
        "--deadline", dl0);
    OK(DP, "meeting", "add", d1, "--time", "10:00", "--venue", VENUE1, "--deadline", dl1);
    OK(DP, "meeting", "add", dn, "--time", "14:00", "--venue", NEXT_VENUE, "--deadline", dln);
    OK(DP, "minutes", "set", d0, "1", "--text", "The Chair welcomed everyone.");
    OK(DP, "minutes", "set", d0, "3", "--text", "Minutes of the spring meeting were agreed.");
    OK(DP, "minutes", "set", d0, "5", "--text", "A joint operation closed six crack houses.");
    OK(DP, "meeting", "agenda", "add", d1, "Prevent and Channel Panel", "--position", "8");
    OK(DP, "meeting", "agenda", "add", d1, "Serious Organised Crime", "--kind", "information");
    setup_actions();
    sc_papers(d1, dl1, tomorrow, 1);
    sc_attendance(d1);
}

static void teardown(void)
{
    sc_stop();
}

/* ---- pulling and reading packs ---- */

/* name inside the server's root. */
static void out_path(const char *name, char *buf, size_t len)
{
    hx_path(buf, len, sc_srv.root, name);
}

/* Pulls d1's pack as who into name; a1 and a2 are extra arguments (NULL ends them). */
static int pull(int who, const char *fmt, const char *name, const char *a1, const char *a2)
{
    char path[HX_PATH_MAX + 64];

    out_path(name, path, sizeof(path));
    return hx_safer(H(who), &sc_res, "pack", "pull", d1, "--format", fmt, "-o", path, a1, a2);
}

#define PULL_OK(who, fmt, name, a1, a2)                                                            \
    ck_assert_msg(pull(who, fmt, name, a1, a2) == 0, "line %d: pull %s as %s: %d: %s", __LINE__,   \
        name, sc_cast[who].initials, sc_res.status, sc_res.err)

/* A pulled file's bytes (NUL after them). */
static char *read_out(const char *name, size_t *len)
{
    char path[HX_PATH_MAX + 64];

    out_path(name, path, sizeof(path));
    return px_slurp(path, len);
}

/* A pulled PDF's text (page 0: all of it). */
static char *pdf_text(const char *name, int page)
{
    char path[HX_PATH_MAX + 64];

    out_path(name, path, sizeof(path));
    return px_pdf_text(path, page);
}

/* 1 if two pulled files are the same bytes. */
static int same_out(const char *a, const char *b)
{
    char pa[HX_PATH_MAX + 64], pb[HX_PATH_MAX + 64];

    out_path(a, pa, sizeof(pa));
    out_path(b, pb, sizeof(pb));
    return px_same_file(pa, pb);
}

static void agency_name(const char *code, char *buf, size_t len)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT name FROM agencies WHERE code = '%s'", code);
    ck_assert_int_eq(hx_sql_text(&sc_srv, sql, buf, len), 0);
}

/* ---- what every format must hold ---- */

/* The cover, before the contents: partnership, meeting, date, time, venue, marking, edition. */
static void check_cover(const char *text, const char *marking, const char *edition)
{
    const char *contents = px_find_line(text, "Contents");
    char partnership[128], date[64];
    char *cover;

    ck_assert_ptr_nonnull(contents);
    cover = strndup(text, (size_t)(contents - text));
    ck_assert_int_eq(hx_sql_text(&sc_srv, "SELECT value FROM settings WHERE key = 'partnership'",
                         partnership, sizeof(partnership)),
        0);
    px_written_date(d1, date, sizeof(date));
    ck_assert_msg(strstr(cover, partnership), "cover lacks the partnership '%s'", partnership);
    ck_assert_msg(strstr(cover, "Board meeting"), "cover lacks 'Board meeting'");
    ck_assert_msg(strstr(cover, date), "cover lacks the date '%s':\n%s", date, cover);
    ck_assert_msg(strstr(cover, "10:00") && strstr(cover, "Widnes"), "cover lacks time or venue");
    ck_assert_msg(strstr(cover, marking), "cover lacks the marking %s", marking);
    ck_assert_msg(strstr(cover, edition), "cover lacks '%s':\n%s", edition, cover);
    free(cover);
}

/* One row of the returns section: the line naming group and agency (by name or code). */
static void check_return_row(
    const char *sec, const char *group, const char *gname, const char *agency, const char *status)
{
    static const char *const words[] = { "on time", "late", "missing" };
    char aname[128];
    int found = 0;

    agency_name(agency, aname, sizeof(aname));
    for (const char *p = sec; *p && !found; p = px_next_line(p)) {
        char *line = strndup(p, (size_t)(px_next_line(p) - p));
        ck_assert_ptr_nonnull(line);
        if ((strstr(line, gname) || strstr(line, group))
            && (strstr(line, aname) || strstr(line, agency))) {
            found = 1;
            for (size_t i = 0; i < 3; i++)
                ck_assert_msg(hx_contains_ci(line, words[i]) == (strcmp(words[i], status) == 0),
                    "returns row %s/%s should be %s: %s", group, agency, status, line);
        }
        free(line);
    }
    ck_assert_msg(found, "no returns row for %s/%s in:\n%s", group, agency, sec);
}

#define G_CRIME "Crime, Anti-Social Behaviour and Partnership Tasking"

static void check_returns(const char *sec)
{
    static const char *const words[] = { "on time", "late", "missing" };
    int rows = 0;

    check_return_row(sec, "alcohol", "Alcohol", "council", "on time");
    check_return_row(sec, "alcohol", "Alcohol", "police", "on time");
    check_return_row(sec, "crime-asb", G_CRIME, "council", "on time");
    check_return_row(sec, "crime-asb", G_CRIME, "fire", "late");
    check_return_row(sec, "crime-asb", G_CRIME, "housing", "on time");
    check_return_row(sec, "crime-asb", G_CRIME, "police", "on time");
    check_return_row(sec, "domestic-abuse", "Domestic Abuse", "police", "on time");
    check_return_row(sec, "domestic-abuse", "Domestic Abuse", "probation", "on time");
    check_return_row(sec, "domestic-abuse", "Domestic Abuse", "yjs", "missing");
    check_return_row(sec, "substance-misuse", "Substance Misuse", "police", "on time");
    check_return_row(sec, "substance-misuse", "Substance Misuse", "probation", "on time");
    /* Eleven expected returns, and no other row says a status (a header may name all three). */
    for (const char *p = sec; *p; p = px_next_line(p)) {
        char *line = strndup(p, (size_t)(px_next_line(p) - p));
        int n = 0;
        for (size_t i = 0; i < 3; i++)
            n += hx_contains_ci(line, words[i]);
        rows += n == 1;
        free(line);
    }
    ck_assert_msg(rows == 11, "%d return rows, want 11:\n%s", rows, sec);
}

/*
 * An open action's line: its owners, "carried N" and whether it is overdue.
 * Carried counts the meetings it has stayed open past before this one (the
 * pack is read before the meeting is held), so an action from the meeting
 * just before has been carried past none: "carried 0" or no count at all.
 */
static void check_action(
    const char *sec, const char *text, const char *owners, int carried, int overdue)
{
    char line[1024], want[32];

    px_line_with(sec, text, line, sizeof(line));
    ck_assert_msg(line[0] != '\0', "matters arising lacks '%s':\n%s", text, sec);
    ck_assert_msg(strstr(line, owners), "'%s' lacks owners %s", line, owners);
    snprintf(want, sizeof(want), "carried %d", carried);
    if (carried > 0)
        ck_assert_msg(hx_contains_ci(line, want), "'%s' lacks '%s'", line, want);
    else
        ck_assert_msg(!hx_contains_ci(line, "carried") || hx_contains_ci(line, want),
            "'%s' should be carried 0", line);
    ck_assert_msg(
        hx_contains_ci(line, "overdue") == overdue, "'%s': overdue should be %d", line, overdue);
}

static void check_matters(const char *sec)
{
    check_action(sec, T_STRATEGY, "MA", 1, 1);
    check_action(sec, T_PCC, "DP", 0, 1);
    check_action(sec, T_FUND, "DP/MA", 0, 0);
    check_action(sec, T_PREVENT, "ALL", 0, 0);
    ck_assert_msg(!strstr(sec, T_DONE), "a done action is a matter arising");
    ck_assert_msg(!strstr(sec, T_NEW), "an action raised at this meeting is a matter arising");
}

static void check_minutes(const char *sec)
{
    char date[64];

    px_written_date(d0, date, sizeof(date));
    ck_assert_msg(strstr(sec, d0) || strstr(sec, date), "minutes lack the date of %s", d0);
    ck_assert_msg(strstr(sec, "The Chair welcomed everyone."), "minutes of item 1 missing");
    ck_assert_msg(strstr(sec, "Minutes of the spring meeting were agreed."), "item 3 missing");
    ck_assert_msg(strstr(sec, "A joint operation closed six crack houses."), "item 5 missing");
    ck_assert_msg(strstr(sec, "For approval"), "minutes not marked For approval:\n%s", sec);
    ck_assert_msg(!strstr(sec, "Approved as a true"), "unapproved minutes said approved");
}

static void check_attendance(const char *sec)
{
    char line[1024], police[128];

    agency_name("police", police, sizeof(police));
    px_line_with(sec, "Person RR", line, sizeof(line));
    ck_assert_msg(strstr(line, police) || strstr(sec, police), "attendance lacks RR's agency");
    px_line_with(sec, "Person KT", line, sizeof(line));
    ck_assert_msg(strstr(line, "substitute: Jo Deputy"), "KT's line: '%s'", line);
    ck_assert_msg(strstr(sec, "Person DY") && strstr(sec, "Person GJ"), "attendance incomplete");
}

/* The papers in a view that sees everything (the chair's). */
static void check_reports(const char *sec, int sees_restricted)
{
    const char *a = strstr(sec, "Alcohol"), *c = strstr(sec, G_CRIME);
    const char *d = strstr(sec, "Domestic Abuse"), *s = strstr(sec, "Substance Misuse");
    char *w;

    ck_assert_msg(a && c && d && s && a < c && c < d && d < s, "groups not in agenda order");
    w = px_window(sec, "Licensing", "Fake licences seen");
    ck_assert_msg(strstr(w, "Amber") && strstr(w, "OFFICIAL"), "police alcohol header: %s", w);
    ck_assert_msg(strstr(w, "Submitted by Person RR (RR) on "), "no submitter: %s", w);
    ck_assert_msg(strstr(w, "test purchases") && strstr(w, "12") && strstr(w, "10")
            && strstr(w, "licence reviews"),
        "metrics: %s", w);
    free(w);
    w = px_window(sec, "Tasking v3", "MARKER-V3");
    ck_assert_msg(hx_contains_ci(w, "version 3") && strstr(w, "Amber"), "revised paper: %s", w);
    free(w);
    ck_assert_msg(!strstr(sec, "MARKER-V1") && !strstr(sec, "MARKER-V2"), "old versions shown");
    w = px_window(sec, "ASB fires", "ASB fires increasing");
    ck_assert_msg(strstr(w, "late") && strstr(w, "Submitted by Person SD (SD) on "), "late: %s", w);
    free(w);
    if (sees_restricted) {
        w = px_window(sec, SC_RESTRICTED_TITLE, SC_RESTRICTED_WORDS);
        ck_assert_msg(strstr(w, "OFFICIAL-SENSITIVE") && strstr(w, "Red"), "restricted: %s", w);
        free(w);
        ck_assert_msg(!strstr(sec, "withheld"), "the chair's pack withholds a paper");
    } else {
        const char *wl = strstr(sec, "1 paper withheld: restricted to other agencies.");
        ck_assert_msg(!strstr(sec, SC_RESTRICTED_TITLE) && !strstr(sec, "Nightjar"),
            "a restricted paper is in a pack that may not show it");
        ck_assert_msg(wl && wl > d && wl < s, "no withheld line under Domestic Abuse:\n%s", sec);
    }
}

/* Every section of a pack's text, in order, with its content. */
static void check_content(const char *text, int charts, int chair, const char *what)
{
    px_secs s;
    char *sec, date[64], want[160];

    px_find_sections(text, charts, &s, what);
    sec = px_cut(&s, PX_AGENDA);
    ck_assert_msg(strstr(sec, "Welcome and introductions") && strstr(sec, "Prevent and Channel")
            && strstr(sec, "Task group update: Substance Misuse"),
        "%s agenda:\n%s", what, sec);
    free(sec);
    sec = px_cut(&s, PX_ATTEND);
    check_attendance(sec);
    free(sec);
    sec = px_cut(&s, PX_MINUTES);
    check_minutes(sec);
    free(sec);
    sec = px_cut(&s, PX_MATTERS);
    check_matters(sec);
    free(sec);
    sec = px_cut(&s, PX_REPORTS);
    check_reports(sec, chair);
    free(sec);
    sec = px_cut(&s, PX_RETURNS);
    check_returns(sec);
    free(sec);
    sec = px_cut(&s, PX_INFO);
    ck_assert_msg(strstr(sec, "Serious Organised Crime"), "%s information items:\n%s", what, sec);
    free(sec);
    sec = px_cut(&s, PX_NEXT);
    px_written_date(dn, date, sizeof(date));
    snprintf(want, sizeof(want), "%s at 14:00, %s", date, NEXT_VENUE);
    ck_assert_msg(strstr(sec, want), "%s: no '%s' in:\n%s", what, want, sec);
    free(sec);
}

/* ---- the tests ---- */

START_TEST(test_member_refused_before_publish)
{
    char path[HX_PATH_MAX + 64];

    ck_assert_int_eq(pull(SA, "pdf", "early.pdf", NULL, NULL), 1);
    ck_assert_msg(strstr(sc_res.err, "has not been published") && strstr(sc_res.err, d1),
        "the refusal does not say the pack for %s is unpublished: %s", d1, sc_res.err);
    out_path("early.pdf", path, sizeof(path));
    ck_assert_msg(access(path, F_OK) != 0, "a refused pull wrote a file");
    ck_assert_int_eq(pull(RR, "md", "early.md", NULL, NULL), 1);
    ck_assert_msg(strstr(sc_res.err, "has not been published"), "%s", sc_res.err);
    ck_assert_int_eq(pull(SA, "md", "early.md", "--draft", NULL), 1);
    ck_assert_msg(strstr(sc_res.err, "only the chair may pull draft packs"), "%s", sc_res.err);
}
END_TEST

START_TEST(test_chair_draft_markdown_holds_every_section)
{
    char *md;

    PULL_OK(DP, "md", "draft-a.md", "--draft", NULL);
    ck_assert_msg(strstr(sc_res.out, "Wrote ") && strstr(sc_res.out, "draft")
            && strstr(sc_res.out, "signature in"),
        "pull said: %s", sc_res.out);
    PULL_OK(DP, "md", "draft-b.md", NULL, NULL); /* nothing published: a draft anyway */
    ck_assert_msg(same_out("draft-a.md", "draft-b.md"), "two Markdown pulls differ");
    md = read_out("draft-a.md", NULL);
    check_cover(md, "OFFICIAL-SENSITIVE", "Draft");
    check_content(md, 0, 1, "md");
    px_check_md_markings(md, "**OFFICIAL-SENSITIVE**");
    free(md);
}
END_TEST

START_TEST(test_chair_draft_html_holds_every_section)
{
    char *html, *text;

    PULL_OK(DP, "html", "draft-a.html", "--draft", NULL);
    PULL_OK(DP, "html", "draft-b.html", "--draft", NULL);
    ck_assert_msg(same_out("draft-a.html", "draft-b.html"), "two HTML pulls differ");
    html = read_out("draft-a.html", NULL);
    text = px_html_text(html);
    check_cover(text, "OFFICIAL-SENSITIVE", "Draft");
    check_content(text, 0, 1, "html");
    px_check_html_markings(html, "OFFICIAL-SENSITIVE");
    px_check_html_self_contained(html);
    free(text);
    free(html);
}
END_TEST

START_TEST(test_chair_draft_pdf_pages_contents_and_markings)
{
    px_secs s;
    char path[HX_PATH_MAX + 64], *text;
    int pages;

    PULL_OK(DP, "pdf", "draft-a.pdf", "--draft", NULL);
    PULL_OK(DP, "pdf", "draft-b.pdf", "--draft", NULL);
    ck_assert_msg(same_out("draft-a.pdf", "draft-b.pdf"), "two PDF pulls differ");
    text = pdf_text("draft-a.pdf", 0);
    check_cover(text, "OFFICIAL-SENSITIVE", "Draft");
    px_find_sections(text, 1, &s, "pdf");
    ck_assert_msg(strstr(text, SC_RESTRICTED_WORDS), "the chair's PDF lacks the restricted paper");
    free(text);
    out_path("draft-a.pdf", path, sizeof(path));
    pages = px_check_pdf_pages(path, "OFFICIAL-SENSITIVE", NULL);
    px_check_pdf_contents(path, pages);
}
END_TEST

/* Verifies name as who; returns the exit status (output in sc_res). */
static int verify(const char *name, const char *sig)
{
    char path[HX_PATH_MAX + 64], sigpath[HX_PATH_MAX + 64];

    out_path(name, path, sizeof(path));
    if (!sig)
        return hx_safer(H(DP), &sc_res, "pack", "verify", path);
    out_path(sig, sigpath, sizeof(sigpath));
    return hx_safer(H(DP), &sc_res, "pack", "verify", path, "--sig", sigpath);
}

/* Copies name (and its .sig) to to, changing one byte of the copy at offset at. */
static void tamper(const char *name, const char *to, size_t at)
{
    char a[HX_PATH_MAX + 64], b[HX_PATH_MAX + 64], as[HX_PATH_MAX + 72], bs[HX_PATH_MAX + 72];
    FILE *f;
    int c;

    out_path(name, a, sizeof(a));
    out_path(to, b, sizeof(b));
    snprintf(as, sizeof(as), "%s.sig", a);
    snprintf(bs, sizeof(bs), "%s.sig", b);
    px_copy(a, b);
    px_copy(as, bs);
    f = fopen(b, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, (long)at, SEEK_SET), 0);
    c = fgetc(f);
    ck_assert_int_ne(c, EOF);
    ck_assert_int_eq(fseek(f, (long)at, SEEK_SET), 0);
    fputc(c ^ 0x01, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_verify_passes_then_fails_on_one_byte)
{
    static const char *const names[] = { "draft-a.md", "draft-a.pdf" };
    char *sig;
    size_t len;

    sig = read_out("draft-a.md.sig", NULL);
    ck_assert_msg(strncmp(sig, "safer-pack-signature-v1\nkey ", 28) == 0 && strstr(sig, "\nsig "),
        "signature file: %s", sig);
    free(sig);
    for (size_t i = 0; i < 2; i++) {
        char bad[64];
        free(read_out(names[i], &len));
        ck_assert_msg(verify(names[i], NULL) == 0 && strstr(sc_res.out, "good signature"),
            "verify %s: %d %s %s", names[i], sc_res.status, sc_res.out, sc_res.err);
        snprintf(bad, sizeof(bad), "bad-%s", names[i]);
        tamper(names[i], bad, len / 2);
        ck_assert_int_eq(verify(bad, NULL), 1);
        ck_assert_msg(strstr(sc_res.out, "BAD signature") || strstr(sc_res.err, "BAD signature"),
            "verify %s: %s %s", bad, sc_res.out, sc_res.err);
    }
    /* Another file's signature does not fit either; the right one named by --sig does. */
    ck_assert_int_eq(verify("draft-a.md", "draft-a.pdf.sig"), 1);
    ck_assert_int_eq(verify("draft-b.md", "draft-a.md.sig"), 0);
}
END_TEST

/* A fire lead's pack in one format: no trace of the restricted paper. */
static void check_fire_pack(const char *name, const char *text)
{
    ck_assert_msg(!strstr(text, SC_RESTRICTED_TITLE) && !strstr(text, "Nightjar"),
        "%s holds the restricted paper", name);
    ck_assert_msg(strstr(text, "1 paper withheld: restricted to other agencies."),
        "%s does not say a paper was withheld", name);
    ck_assert_msg(!strstr(text, "OFFICIAL-SENSITIVE"), "%s is marked above what it holds", name);
}

START_TEST(test_publish_then_lead_pack_withholds)
{
    char want[128], sql[160], path[HX_PATH_MAX + 64], *md, *html, *text;

    REFUSED(RR, "PERMISSION_DENIED", "pack", "publish", d1);
    OK(DP, "pack", "publish", d1);
    snprintf(want, sizeof(want), "Published edition 1 of the pack for %s.", d1);
    ck_assert_msg(strstr(sc_res.out, want), "publish said: %s", sc_res.out);
    ck_assert_int_eq(
        hx_sql_int(&sc_srv, "SELECT count(*) FROM audit WHERE action = 'pack.publish'"), 1);
    snprintf(
        sql, sizeof(sql), "SELECT count(*) FROM meetings WHERE date = '%s' AND published > 0", d1);
    ck_assert_int_eq(hx_sql_int(&sc_srv, sql), 1);

    PULL_OK(SD, "md", "fire.md", NULL, NULL);
    ck_assert_msg(
        strstr(sc_res.out, "withheld"), "pull did not say a paper was withheld: %s", sc_res.out);
    md = read_out("fire.md", NULL);
    check_fire_pack("fire.md", md);
    check_cover(md, "OFFICIAL", "Edition 1, published ");
    check_content(md, 0, 0, "fire md");
    free(md);
    PULL_OK(SD, "html", "fire.html", NULL, NULL);
    html = read_out("fire.html", NULL);
    text = px_html_text(html);
    check_fire_pack("fire.html", html);
    check_content(text, 0, 0, "fire html");
    free(text);
    free(html);
    PULL_OK(SD, "pdf", "fire.pdf", NULL, NULL);
    text = pdf_text("fire.pdf", 0);
    check_fire_pack("fire.pdf", text);
    free(text);
    out_path("fire.pdf", path, sizeof(path));
    px_check_pdf_pages(path, "OFFICIAL", "OFFICIAL-SENSITIVE");

    /* The member may pull it now; the chair's published edition has the paper. */
    PULL_OK(SA, "md", "member-e1.md", NULL, NULL);
    PULL_OK(DP, "md", "chair-e1.md", NULL, NULL);
    md = read_out("chair-e1.md", NULL);
    ck_assert_msg(strstr(md, SC_RESTRICTED_WORDS), "the chair's edition lacks the paper");
    check_cover(md, "OFFICIAL-SENSITIVE", "Edition 1, published ");
    free(md);
}
END_TEST

START_TEST(test_revision_makes_edition_two_with_changes)
{
    char want[128], path[HX_PATH_MAX + 64], *md, *cover, *html;

    REFUSED(DP, "FAILED_PRECONDITION", "pack", "publish", d1);
    ck_assert_msg(strstr(sc_res.err, "nothing has changed since edition 1"), "%s", sc_res.err);
    out_path("crime-hht-2.md", path, sizeof(path));
    ck_assert_int_eq(hx_write_file(path,
                         "# HHT\n\nThe **joint operation** continues.\n\n"
                         "<script>alert('raw')</script>\n"),
        0);
    OK(MH, "report", "submit", d1, "crime-asb", path, "--title", "Housing", "--rag", "amber");
    ck_assert_msg(strstr(sc_res.out, "Submitted version 2 of crime-asb"), "%s", sc_res.out);
    OK(DP, "pack", "publish", d1);
    snprintf(want, sizeof(want), "Published edition 2 of the pack for %s.", d1);
    ck_assert_msg(strstr(sc_res.out, want) && strstr(sc_res.out, "revised (version 2)"),
        "publish said: %s", sc_res.out);
    ck_assert_int_eq(
        hx_sql_int(&sc_srv, "SELECT count(*) FROM audit WHERE action = 'pack.publish'"), 2);

    PULL_OK(SA, "md", "member-e2.md", NULL, NULL);
    md = read_out("member-e2.md", NULL);
    ck_assert_ptr_nonnull(px_find_line(md, "Contents"));
    cover = strndup(md, (size_t)(px_find_line(md, "Contents") - md));
    ck_assert_msg(strstr(cover, "Edition 2, published ") && strstr(cover, "Changes since edition 1")
            && strstr(cover, "revised (version 2)") && strstr(cover, G_CRIME),
        "edition 2's cover:\n%s", cover);
    free(cover);
    free(md);
    /* Edition 1 is frozen: the same bytes as before the revision. */
    PULL_OK(SA, "md", "member-e1-again.md", "--edition", "1");
    ck_assert_msg(same_out("member-e1.md", "member-e1-again.md"), "edition 1 changed");
    /* Report bodies go through a Markdown library that drops raw HTML. */
    PULL_OK(SA, "html", "member-e2.html", NULL, NULL);
    html = read_out("member-e2.html", NULL);
    ck_assert_msg(strstr(html, "<strong>joint operation</strong>"), "Markdown not rendered");
    ck_assert_msg(!strstr(html, "<script>alert"), "raw HTML passed through");
    free(html);
}
END_TEST

static Suite *pack_suite(void)
{
    Suite *s = suite_create("pack");
    TCase *tc = tcase_create("the board pack of one meeting");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_member_refused_before_publish);
    tcase_add_test(tc, test_chair_draft_markdown_holds_every_section);
    tcase_add_test(tc, test_chair_draft_html_holds_every_section);
    tcase_add_test(tc, test_chair_draft_pdf_pages_contents_and_markings);
    tcase_add_test(tc, test_verify_passes_then_fails_on_one_byte);
    tcase_add_test(tc, test_publish_then_lead_pack_withholds);
    tcase_add_test(tc, test_revision_makes_edition_two_with_changes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pack_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
