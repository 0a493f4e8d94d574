/*
 * The fixtures behind packfix.h: plain text handling, and poppler's tools
 * run through the harness like any other program.
 */
#define _GNU_SOURCE
#include "support/packfix.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "support/harness.h"

#define PX_PATH_MAX (HX_PATH_MAX + 128)

static hx_result px_tool; /* the output of pdftotext and pdfinfo */

const char *const px_titles[PX_SECTIONS]
    = { "Agenda", "Attendance and apologies", "Minutes of the last meeting", "Matters arising",
          "Task-group reports", "Charts", "Returns", "Information items", "Date of next meeting" };

char *px_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

int px_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = px_slurp(a, &na), *y = px_slurp(b, &nb);
    int same = na == nb && memcmp(x, y, na) == 0;

    free(x);
    free(y);
    return same;
}

void px_copy(const char *from, const char *to)
{
    size_t n;
    char *x = px_slurp(from, &n);
    FILE *f = fopen(to, "wb");

    ck_assert_msg(f != NULL, "cannot write %s", to);
    ck_assert_uint_eq(fwrite(x, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
    free(x);
}

char *px_pdf_text(const char *pdf, int page)
{
    char txt[PX_PATH_MAX], f[16];

    snprintf(txt, sizeof(txt), "%s.%d.txt", pdf, page);
    snprintf(f, sizeof(f), "%d", page);
    if (page > 0)
        hx_exec(NULL, &px_tool,
            (const char *const[]) { PX_PDFTOTEXT, "-layout", "-f", f, "-l", f, pdf, txt, NULL });
    else
        hx_exec(NULL, &px_tool, (const char *const[]) { PX_PDFTOTEXT, "-layout", pdf, txt, NULL });
    ck_assert_msg(px_tool.status == 0, "pdftotext %s: %s", pdf, px_tool.err);
    return px_slurp(txt, NULL);
}

int px_pdf_pages(const char *pdf)
{
    char line[128];
    int n = 0;

    hx_exec(NULL, &px_tool, (const char *const[]) { PX_PDFINFO, pdf, NULL });
    ck_assert_msg(px_tool.status == 0, "pdfinfo %s: %s", pdf, px_tool.err);
    ck_assert_int_eq(hx_find_line(px_tool.out, "Pages:", line, sizeof(line)), 0);
    ck_assert_int_eq(sscanf(line, "Pages: %d", &n), 1);
    return n;
}

/* What a tag becomes in the flattened text: nothing for inline ones, '|'
 * for table cells, a line break for the rest. */
static char px_tag_sep(const char *tag)
{
    static const char *const inline_tags[] = { "a", "span", "strong", "em", "b", "i", "code",
        "small", "mark", "abbr", "sup", "sub", "s", "u" };
    const char *name = tag + 1 + (tag[1] == '/');
    size_t nl = strcspn(name, " \t\n>/");

    for (size_t i = 0; i < sizeof(inline_tags) / sizeof(inline_tags[0]); i++)
        if (strlen(inline_tags[i]) == nl && strncasecmp(name, inline_tags[i], nl) == 0)
            return '\0';
    if (nl == 2 && (strncasecmp(name, "td", 2) == 0 || strncasecmp(name, "th", 2) == 0))
        return '|';
    return '\n';
}

char *px_html_text(const char *html)
{
    static const struct {
        const char *ent;
        char ch;
    } ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
        { "&#39;", '\'' }, { "&#x27;", '\'' }, { "&nbsp;", ' ' } };
    char *out = malloc(strlen(html) + 1), *o = out;
    const char *p = html;

    ck_assert_ptr_nonnull(out);
    while (*p) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            char sep = px_tag_sep(p);
            if (sep)
                *o++ = sep;
            p = end ? end + 1 : p + strlen(p);
            continue;
        }
        if (*p == '&') {
            size_t i;
            for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
                if (strncmp(p, ents[i].ent, strlen(ents[i].ent)) == 0)
                    break;
            if (i < sizeof(ents) / sizeof(ents[0])) {
                *o++ = ents[i].ch;
                p += strlen(ents[i].ent);
                continue;
            }
        }
        *o++ = *p++;
    }
    *o = '\0';
    return out;
}

/* Where a line's words start (see px_find_line). */
static const char *px_line_core(const char *p)
{
    for (;;) {
        const char *q;
        while (*p != '\0' && *p != '\n' && strchr(" \t#*-|[>", *p) != NULL)
            p++;
        for (q = p; isdigit((unsigned char)*q); q++)
            ;
        if (q > p && *q == '.') {
            p = q + 1;
            continue;
        }
        return p;
    }
}

const char *px_find_line(const char *from, const char *title)
{
    size_t n = strlen(title);

    for (const char *p = from; *p != '\0'; p = px_next_line(p))
        if (strncmp(px_line_core(p), title, n) == 0)
            return p;
    return NULL;
}

const char *px_next_line(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? e + 1 : p + strlen(p);
}

const char *px_line_with(const char *text, const char *needle, char *buf, size_t len)
{
    const char *p = strstr(text, needle), *a, *e;

    buf[0] = '\0';
    if (!p)
        return buf;
    for (a = p; a > text && a[-1] != '\n'; a--)
        ;
    e = strchr(p, '\n');
    snprintf(buf, len, "%.*s", (int)((e ? e : p + strlen(p)) - a), a);
    return buf;
}

char *px_window(const char *text, const char *from, const char *to)
{
    const char *a = strstr(text, from), *b;
    char *out;

    ck_assert_msg(a != NULL, "no '%s' in the text", from);
    b = strstr(a + strlen(from), to);
    ck_assert_msg(b != NULL, "no '%s' after '%s'", to, from);
    out = strndup(a, (size_t)(b - a));
    ck_assert_ptr_nonnull(out);
    return out;
}

int px_count(const char *text, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);

    for (const char *p = strstr(text, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

void px_written_date(const char *iso, char *buf, size_t len)
{
    struct tm tm = { 0 };
    char day[32], rest[48];
    time_t t;

    ck_assert_int_eq(sscanf(iso, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(day, sizeof(day), "%A", &tm);
    strftime(rest, sizeof(rest), "%B %Y", &tm);
    snprintf(buf, len, "%s %d %s", day, tm.tm_mday, rest);
}

/* ---- sections and markings ---- */

/*
 * Finds the contents, which must name every section in order, and after it
 * every section's heading in the same order. Charts must be there if charts
 * is set; otherwise they are optional.
 */
void px_find_sections(const char *text, int charts, px_secs *s, const char *what)
{
    const char *contents = px_find_line(text, "Contents"), *p, *ret;

    memset(s, 0, sizeof(*s));
    ck_assert_msg(contents != NULL, "%s: no Contents", what);
    if (!charts) {
        p = px_find_line(contents, px_titles[PX_CHARTS]);
        ret = px_find_line(contents, px_titles[PX_RETURNS]);
        charts = p != NULL && ret != NULL && p < ret;
    }
    p = px_next_line(contents);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < PX_SECTIONS; i++) {
            if (i == PX_CHARTS && !charts)
                continue;
            p = px_find_line(p, px_titles[i]);
            ck_assert_msg(p != NULL, "%s: %s '%s' missing or out of order", what,
                pass ? "section" : "contents entry", px_titles[i]);
            if (pass)
                s->at[i] = p;
            p = px_next_line(p);
        }
    }
    s->end = text + strlen(text);
}

/* Section i's text, up to the next section (malloc'd). */
char *px_cut(const px_secs *s, int i)
{
    const char *b = s->end;
    char *out;

    ck_assert_ptr_nonnull(s->at[i]);
    for (int j = i + 1; j < PX_SECTIONS; j++)
        if (s->at[j]) {
            b = s->at[j];
            break;
        }
    out = strndup(s->at[i], (size_t)(b - s->at[i]));
    ck_assert_ptr_nonnull(out);
    return out;
}

/* Markdown: a marking line at the start and end of every section. */
void px_check_md_markings(const char *text, const char *view_marking)
{
    px_secs s;
    int lines = 0;

    for (const char *p = text; *p; p = px_next_line(p))
        lines += strncmp(p, "**OFFICIAL", 10) == 0;
    /* Cover, contents and the nine sections but charts: ten, marked at both ends. */
    ck_assert_msg(lines >= 20, "%d marking lines, want 20 or more", lines);
    px_find_sections(text, 0, &s, "md");
    for (int i = 0; i < PX_SECTIONS; i++) {
        char *sec;
        if (!s.at[i])
            continue;
        sec = px_cut(&s, i);
        ck_assert_msg(strstr(sec, "**OFFICIAL"), "md section %s has no marking", px_titles[i]);
        free(sec);
    }
    ck_assert_msg(strstr(text, view_marking), "md lacks %s", view_marking);
}

/* HTML: a banner at the top and bottom of each <section>, and of the document. */
void px_check_html_markings(const char *html, const char *view_marking)
{
    const char *first_sec = strstr(html, "<section"), *p = first_sec, *last_end = NULL;
    int n = 0;

    ck_assert_ptr_nonnull(first_sec);
    for (; p; p = strstr(p + 1, "<section")) {
        const char *e = strstr(p, "</section>");
        char *sec;
        ck_assert_ptr_nonnull(e);
        sec = strndup(p, (size_t)(e - p));
        ck_assert_msg(px_count(sec, "OFFICIAL") >= 2, "an HTML section lacks its two banners");
        free(sec);
        last_end = e;
        n++;
    }
    ck_assert_msg(n >= 10, "%d sections in the HTML, want 10 or more", n);
    ck_assert_msg(strstr(html, view_marking) < first_sec, "no banner before the first section");
    ck_assert_msg(strstr(last_end, view_marking) != NULL, "no banner after the last section");
    ck_assert_msg(strstr(html, "position: fixed") || strstr(html, "position:fixed"),
        "no fixed header or footer for print");
}

/* HTML: one self-contained file that fetches nothing. */
void px_check_html_self_contained(const char *html)
{
    ck_assert_msg(!strstr(html, "src=\"http") && !strstr(html, "href=\"http")
            && !strstr(html, "<link") && !strstr(html, "@import") && !strstr(html, "<script"),
        "the HTML pack reaches outside itself");
    ck_assert_msg(strstr(html, "href=\"#"), "the HTML contents has no links");
}

/* PDF: pages as many as the footers say, the marking at top and bottom of each. */
int px_check_pdf_pages(const char *name, const char *marking, const char *not_marking)
{
    int n = px_pdf_pages(name);

    ck_assert_msg(n >= 3, "%s has %d pages", name, n);
    for (int i = 1; i <= n; i++) {
        char want[64], *t = px_pdf_text(name, i);
        const char *first = t + strspn(t, " \n\f");
        snprintf(want, sizeof(want), "Page %d of %d", i, n);
        ck_assert_msg(strstr(t, want), "%s page %d lacks '%s':\n%s", name, i, want, t);
        ck_assert_msg(
            px_count(t, marking) >= 2, "%s page %d: %s not at top and bottom", name, i, marking);
        char *top = strndup(first, (size_t)(px_next_line(first) - first));
        ck_assert_msg(top && strstr(top, marking), "%s page %d does not start with %s: %s", name, i,
            marking, top);
        free(top);
        if (not_marking)
            ck_assert_msg(!strstr(t, not_marking), "%s page %d says %s", name, i, not_marking);
        free(t);
    }
    return n;
}

/* PDF: the contents page's numbers point at pages that hold those titles. */
void px_check_pdf_contents(const char *name, int pages)
{
    int c = 0;
    char *t = NULL;
    const char *p;

    for (int i = 1; i <= pages && c == 0; i++) {
        t = px_pdf_text(name, i);
        if (px_find_line(t, "Contents"))
            c = i;
        else
            free(t);
    }
    ck_assert_msg(c > 0, "%s has no contents page", name);
    p = px_next_line(px_find_line(t, "Contents"));
    for (int i = 0; i < PX_SECTIONS; i++) {
        const char *l = px_find_line(p, px_titles[i]), *e;
        int pg = -1;
        char *pt;
        ck_assert_msg(l != NULL, "%s contents lacks '%s'", name, px_titles[i]);
        e = px_next_line(l);
        for (const char *q = l; q < e; q++)
            if (isdigit((unsigned char)*q) && (q == l || !isdigit((unsigned char)q[-1])))
                pg = atoi(q);
        ck_assert_msg(pg > c && pg <= pages, "%s contents: '%s' on page %d of %d", name,
            px_titles[i], pg, pages);
        pt = px_pdf_text(name, pg);
        ck_assert_msg(px_find_line(pt, px_titles[i]),
            "%s page %d lacks '%s', as its contents claim", name, pg, px_titles[i]);
        free(pt);
        p = e;
    }
    free(t);
}
