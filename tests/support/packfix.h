/*
 * Fixtures for the board pack tests (issue 5): reading a pulled pack back as
 * text. Markdown is read as it is; HTML is flattened to its words, one block
 * per line with table cells split by '|'; PDF goes through poppler's
 * pdftotext and pdfinfo, the tools a reader would use, so the checks see
 * what a person sees rather than what the renderer meant to draw.
 *
 * Failures fail the running Check test (these are used inside tests only).
 */
#ifndef SAFER_TESTS_PACKFIX_H
#define SAFER_TESTS_PACKFIX_H

#include <stddef.h>

#define PX_PDFTOTEXT "/usr/bin/pdftotext"
#define PX_PDFINFO "/usr/bin/pdfinfo"

/* A file's bytes with a NUL after them (malloc'd; *len without the NUL). */
char *px_slurp(const char *path, size_t *len);

/* 1 if the two files hold the same bytes. */
int px_same_file(const char *a, const char *b);

/* Copies a file. */
void px_copy(const char *from, const char *to);

/* The text of a PDF laid out as on the page (malloc'd); page 0 for all pages. */
char *px_pdf_text(const char *pdf, int page);

/* The page count pdfinfo reads. */
int px_pdf_pages(const char *pdf);

/* The words of an HTML document (malloc'd), one block per line, cells split by '|'. */
char *px_html_text(const char *html);

/*
 * The first line at or after from whose words, past indents, heading and
 * list marks, table bars, link brackets and item numbers ("3."), start with
 * title; NULL if none.
 */
const char *px_find_line(const char *from, const char *title);

/* The line after the one at p (the end of the text if p is on the last). */
const char *px_next_line(const char *p);

/* Copies the first line of text holding needle to buf ("" if none); returns buf. */
const char *px_line_with(const char *text, const char *needle, char *buf, size_t len);

/* The text from from's first place up to to's first place after it (malloc'd). */
char *px_window(const char *text, const char *from, const char *to);

/* How many times needle occurs in text. */
int px_count(const char *text, const char *needle);

/* "Wednesday 21 February 2018" for "2018-02-21" (C locale, computed by libc). */
void px_written_date(const char *iso, char *buf, size_t len);

/* The sections after the contents, as the spec's content list names them. */
enum {
    PX_AGENDA,
    PX_ATTEND,
    PX_MINUTES,
    PX_MATTERS,
    PX_REPORTS,
    PX_CHARTS,
    PX_RETURNS,
    PX_INFO,
    PX_NEXT,
    PX_SECTIONS
};

extern const char *const px_titles[PX_SECTIONS];

/* Where each section starts in a pack's text, and where the text ends. */
typedef struct px_secs {
    const char *at[PX_SECTIONS]; /* NULL for Charts where the format has none */
    const char *end;
} px_secs;

/*
 * Finds the contents, which must name every section in order, and after it
 * every section's heading in the same order (the test fails otherwise; what
 * names the pack in the message). Charts must be there if charts is set;
 * otherwise they are optional.
 */
void px_find_sections(const char *text, int charts, px_secs *s, const char *what);

/* Section i's text, up to the next section found (malloc'd). */
char *px_cut(const px_secs *s, int i);

/* Markdown: a marking line ("**OFFICIAL...") at the start and end of every
 * section, and view_marking somewhere. */
void px_check_md_markings(const char *md, const char *view_marking);

/* HTML: a banner at the top and bottom of each <section> and of the document,
 * and a fixed header or footer for print. */
void px_check_html_markings(const char *html, const char *view_marking);

/* HTML: one self-contained file that fetches nothing, with contents links. */
void px_check_html_self_contained(const char *html);

/*
 * PDF: every page says "Page n of N" with N the page count pdfinfo reads,
 * and carries marking at its top and again (at least twice in all), and
 * never not_marking (NULL: no such check). Returns N.
 */
int px_check_pdf_pages(const char *pdf, const char *marking, const char *not_marking);

/* PDF: the contents page's numbers point at pages that hold those titles. */
void px_check_pdf_contents(const char *pdf, int pages);

#endif
