/*
 * The board pack as one Markdown file. Each section starts with a "##"
 * heading and carries its marking on a line of its own at its start and its
 * end; each paper carries its own marking the same way. Text from the model
 * is escaped so it reads as text, except the papers' bodies, which are
 * Markdown already and go in as they are between the paper's header and
 * footer. Tables are GitHub pipe tables.
 */
#include "server/pack.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/pack_text.h"

/*
 * Writes model text so Markdown shows it literally: punctuation that could
 * start emphasis, links, HTML or a table cell is backslash-escaped, and line
 * breaks become spaces so a value cannot end a table row or a list item.
 */
static void md_text(pack_text_out *o, const char *s)
{
    const char *special = "\\`*_[]<>|#!";
    const char *run = s;
    if (s == NULL)
        return;
    for (const char *p = s; *p; p++) {
        if (strchr(special, *p) == NULL && *p != '\n' && *p != '\r')
            continue;
        pack_text_put(o, run, (size_t)(p - run));
        if (*p == '\n' || *p == '\r')
            pack_text_puts(o, " ");
        else
            pack_text_putf(o, "\\%c", *p);
        run = p + 1;
    }
    pack_text_puts(o, run);
}

static void marking_line(pack_text_out *o, Safer__Marking m)
{
    pack_text_putf(o, "**%s**\n\n", pack_text_marking(m));
}

static void section_start(pack_text_out *o, const pack_view *v, int sec)
{
    marking_line(o, pack_text_section_marking(v, sec));
    pack_text_putf(o, "## %s\n\n", pack_text_section_title(sec));
}

static void section_end(pack_text_out *o, const pack_view *v, int sec)
{
    marking_line(o, pack_text_section_marking(v, sec));
    pack_text_puts(o, "---\n\n");
}

static void cover(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    const Safer__Meeting *mt = m->meeting;
    char line[PACK_TEXT_MAX];
    marking_line(o, pack_text_section_marking(v, PACK_SEC_COVER));
    pack_text_puts(o, "# ");
    md_text(o, m->partnership);
    pack_text_puts(o, "\n\n## " PACK_TEXT_BOARD_MEETING "\n\n");
    pack_text_date(mt ? mt->date : "", line, sizeof line);
    md_text(o, line);
    pack_text_puts(o, " at ");
    md_text(o, mt ? mt->time : "");
    pack_text_puts(o, ", ");
    md_text(o, mt ? mt->venue : "");
    pack_text_putf(o, "\n\nProtective marking: **%s**\n\n", pack_text_marking(v->marking));
    pack_text_edition(m, line, sizeof line);
    pack_text_putf(o, "%s\n\n", line);
    if (m->edition > 1) {
        pack_text_changes_heading(m, line, sizeof line);
        pack_text_putf(o, "### %s\n\n", line);
        for (size_t i = 0; i < m->n_changes; i++) {
            if (!pack_text_change_visible(v, m->changes[i]))
                continue;
            pack_text_puts(o, "- ");
            md_text(o, m->changes[i]);
            pack_text_puts(o, "\n");
        }
        pack_text_puts(o, "\n");
    }
    section_end(o, v, PACK_SEC_COVER);
}

static void contents(pack_text_out *o, const pack_view *v)
{
    int k = 1;
    section_start(o, v, PACK_SEC_CONTENTS);
    for (int sec = PACK_SEC_AGENDA; sec < PACK_SEC_COUNT; sec++)
        if (pack_text_section_in(sec, SAFER__PACK_FORMAT__PACK_MD))
            pack_text_putf(o, "%d. %s\n", k++, pack_text_section_title(sec));
    pack_text_puts(o, "\n");
    section_end(o, v, PACK_SEC_CONTENTS);
}

static void agenda(pack_text_out *o, const pack_view *v)
{
    section_start(o, v, PACK_SEC_AGENDA);
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        pack_text_putf(o, "%u. ", v->m->agenda[i]->number);
        md_text(o, v->m->agenda[i]->title);
        pack_text_puts(o, "\n");
    }
    pack_text_puts(o, v->m->n_agenda ? "\n" : "No agenda items.\n\n");
    section_end(o, v, PACK_SEC_AGENDA);
}

static void attendance(pack_text_out *o, const pack_view *v)
{
    static const struct {
        Safer__Presence p;
        const char *title;
    } kinds[2] = { { SAFER__PRESENCE__PRESENCE_PRESENT, "Present" },
        { SAFER__PRESENCE__PRESENCE_APOLOGIES, "Apologies" } };
    section_start(o, v, PACK_SEC_ATTENDANCE);
    for (size_t k = 0; k < 2; k++) {
        size_t shown = 0;
        pack_text_putf(o, "### %s\n\n", kinds[k].title);
        for (size_t i = 0; i < v->m->n_attendance; i++) {
            const Safer__Attendance *a = v->m->attendance[i];
            if (a->presence != kinds[k].p)
                continue;
            pack_text_puts(o, "- ");
            md_text(o, a->name);
            pack_text_puts(o, " (");
            md_text(o, pack_text_agency_name(v->m, a->agency_code));
            pack_text_puts(o, ")");
            if (a->substitute && a->substitute[0]) {
                pack_text_puts(o, ", substitute: ");
                md_text(o, a->substitute);
            }
            pack_text_puts(o, "\n");
            shown++;
        }
        pack_text_puts(o, shown ? "\n" : "None recorded.\n\n");
    }
    section_end(o, v, PACK_SEC_ATTENDANCE);
}

static void minutes(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char line[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_MINUTES);
    if (m->previous == NULL || m->previous->date == NULL || m->previous->date[0] == '\0') {
        pack_text_puts(o, PACK_TEXT_NO_PREVIOUS "\n\n");
        section_end(o, v, PACK_SEC_MINUTES);
        return;
    }
    pack_text_date(m->previous->date, line, sizeof line);
    pack_text_putf(o, "Meeting of %s: **%s**\n\n", line,
        m->previous_minutes_approved ? PACK_TEXT_APPROVED : PACK_TEXT_FOR_APPROVAL);
    for (size_t i = 0; i < m->n_previous_minutes; i++) {
        const Safer__Minute *mi = m->previous_minutes[i];
        pack_text_putf(o, "### %u. ", mi->item);
        md_text(o, pack_text_item_title(m->previous_agenda, m->n_previous_agenda, mi->item));
        pack_text_puts(o, "\n\n");
        md_text(o, mi->text);
        pack_text_puts(o, "\n\n");
    }
    section_end(o, v, PACK_SEC_MINUTES);
}

static void matters(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char owners[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_MATTERS);
    if (m->n_matters_arising == 0) {
        pack_text_puts(o, PACK_TEXT_NO_ACTIONS "\n\n");
        section_end(o, v, PACK_SEC_MATTERS);
        return;
    }
    pack_text_puts(o, "| Action | Text | Owners | Due | Carried |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < m->n_matters_arising; i++) {
        const Safer__Action *a = m->matters_arising[i];
        pack_text_owners(a, owners, sizeof owners);
        pack_text_putf(o, "| %lld | ", (long long)a->id);
        md_text(o, a->text);
        pack_text_puts(o, " | ");
        md_text(o, owners);
        pack_text_puts(o, " | ");
        md_text(o, a->due);
        if (pack_text_action_overdue(m, a))
            pack_text_puts(o, " **" PACK_TEXT_OVERDUE "**");
        pack_text_putf(o, " | carried %u |\n", a->carried);
    }
    pack_text_puts(o, "\n");
    section_end(o, v, PACK_SEC_MATTERS);
}

static void metrics(pack_text_out *o, const Safer__ReportVersion *rv)
{
    char num[64];
    if (rv->n_metrics == 0)
        return;
    pack_text_puts(o, "| Metric | Value | Target | Period |\n|---|---|---|---|\n");
    for (size_t i = 0; i < rv->n_metrics; i++) {
        const Safer__Metric *mt = rv->metrics[i];
        pack_text_puts(o, "| ");
        md_text(o, mt->name);
        pack_text_number(mt->value, num, sizeof num);
        pack_text_putf(o, " | %s | ", num);
        if (mt->has_target) {
            pack_text_number(mt->target, num, sizeof num);
            pack_text_puts(o, num);
        } else {
            pack_text_puts(o, "-");
        }
        pack_text_puts(o, " | ");
        md_text(o, mt->period && mt->period[0] ? mt->period : "-");
        pack_text_puts(o, " |\n");
    }
    pack_text_puts(o, "\n");
}

static const char *rag_mark(Safer__Rag r)
{
    switch (r) {
    case SAFER__RAG__RAG_RED:
        return "\xF0\x9F\x94\xB4"; /* U+1F534 red circle */
    case SAFER__RAG__RAG_AMBER:
        return "\xF0\x9F\x9F\xA0"; /* U+1F7E0 orange circle */
    case SAFER__RAG__RAG_GREEN:
        return "\xF0\x9F\x9F\xA2"; /* U+1F7E2 green circle */
    default:
        return "\xE2\x9A\xAA"; /* U+26AA white circle */
    }
}

static void paper(pack_text_out *o, const pack_view *v, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    char line[PACK_TEXT_MAX];
    if (rv == NULL)
        return;
    marking_line(o, rv->marking);
    pack_text_puts(o, "#### ");
    md_text(o, rv->title);
    pack_text_puts(o, "\n\n- Agency: ");
    md_text(o, pack_text_agency_name(v->m, p->agency_code));
    pack_text_putf(o, "\n- RAG: %s %s\n- Marking: %s\n- ", rag_mark(rv->rag),
        pack_text_rag(rv->rag), pack_text_marking(rv->marking));
    pack_text_submitted(p, line, sizeof line);
    md_text(o, line);
    if (rv->late)
        pack_text_puts(o, " **" PACK_TEXT_LATE "**");
    pack_text_puts(o, "\n");
    if (rv->version > 1)
        pack_text_putf(o, "- Version %u\n", rv->version);
    pack_text_restricted(v, rv, line, sizeof line);
    if (line[0]) {
        pack_text_puts(o, "- ");
        md_text(o, line);
        pack_text_puts(o, "\n");
    }
    pack_text_puts(o, "\n");
    metrics(o, rv);
    if (rv->body.len > 0) {
        pack_text_put(o, rv->body.data, rv->body.len);
        pack_text_puts(o, rv->body.data[rv->body.len - 1] == '\n' ? "\n" : "\n\n");
    }
    marking_line(o, rv->marking);
}

static void reports(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char line[PACK_TEXT_MAX];
    size_t groups = 0;
    section_start(o, v, PACK_SEC_REPORTS);
    for (size_t i = 0; i < m->n_agenda; i++) {
        const Safer__AgendaItem *it = m->agenda[i];
        size_t shown = 0, withheld;
        if (it->kind != SAFER__ITEM_KIND__ITEM_GROUP)
            continue;
        groups++;
        pack_text_putf(o, "### %u. ", it->number);
        md_text(o, it->title && it->title[0] ? it->title : pack_text_group_name(m, it->group_code));
        pack_text_puts(o, "\n\n");
        for (size_t k = 0; k < v->npapers; k++) {
            if (!pack_text_paper_in_item(v->papers[k], it))
                continue;
            paper(o, v, v->papers[k]);
            shown++;
        }
        withheld = pack_text_item_withheld(v, it);
        if (withheld > 0) {
            pack_text_withheld(withheld, line, sizeof line);
            pack_text_putf(o, "%s\n\n", line);
        } else if (shown == 0) {
            pack_text_puts(o, PACK_TEXT_NO_PAPERS "\n\n");
        }
    }
    if (groups == 0)
        pack_text_puts(o, "No task-group items on the agenda.\n\n");
    section_end(o, v, PACK_SEC_REPORTS);
}

static void returns(pack_text_out *o, const pack_view *v)
{
    const Safer__PackModel *m = v->m;
    char when[64];
    section_start(o, v, PACK_SEC_RETURNS);
    if (m->n_returns == 0) {
        pack_text_puts(o, "No returns expected.\n\n");
        section_end(o, v, PACK_SEC_RETURNS);
        return;
    }
    pack_text_puts(o, "| Group | Agency | Return | Submitted |\n|---|---|---|---|\n");
    for (size_t i = 0; i < m->n_returns; i++) {
        const Safer__ReturnRow *r = m->returns[i];
        pack_text_puts(o, "| ");
        md_text(o, pack_text_group_name(m, r->group_code));
        pack_text_puts(o, " | ");
        md_text(o, pack_text_agency_name(m, r->agency_code));
        pack_text_utc(r->submitted, when, sizeof when);
        pack_text_putf(o, " | %s | %s |\n", pack_text_return_status(r->status), when);
    }
    pack_text_puts(o, "\n");
    section_end(o, v, PACK_SEC_RETURNS);
}

static void information(pack_text_out *o, const pack_view *v)
{
    size_t shown = 0;
    section_start(o, v, PACK_SEC_INFORMATION);
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        const Safer__AgendaItem *it = v->m->agenda[i];
        if (!pack_text_is_information(it))
            continue;
        pack_text_putf(o, "- %u. ", it->number);
        md_text(o, it->title);
        pack_text_puts(o, "\n");
        shown++;
    }
    pack_text_puts(o, shown ? "\n" : PACK_TEXT_NO_INFORMATION "\n\n");
    section_end(o, v, PACK_SEC_INFORMATION);
}

static void next_meeting(pack_text_out *o, const pack_view *v)
{
    char line[PACK_TEXT_MAX];
    section_start(o, v, PACK_SEC_NEXT);
    pack_text_next_meeting(v->m, line, sizeof line);
    md_text(o, line);
    pack_text_puts(o, "\n\n");
    marking_line(o, pack_text_section_marking(v, PACK_SEC_NEXT));
}

int pack_render_md(const pack_view *v, pack_buf *out)
{
    pack_text_out o = { out, 0 };
    if (v == NULL || v->m == NULL || out == NULL)
        return SAFER_E_INVAL;
    cover(&o, v);
    contents(&o, v);
    agenda(&o, v);
    attendance(&o, v);
    minutes(&o, v);
    matters(&o, v);
    reports(&o, v);
    returns(&o, v);
    information(&o, v);
    next_meeting(&o, v);
    return o.rc;
}
