/*
 * The shared walk over a pack view for the Markdown and HTML renderers: the
 * section order, what each section holds and the words it uses live here
 * once, and every piece of markup is written through the format's
 * pack_doc_markup row. See pack_doc.h.
 */
#include "server/pack_doc.h"

#include <stdlib.h>

#include "common/err.h"

static void para(pack_text_out *o, const pack_doc_markup *mk, const char *cls, const char *s)
{
    mk->para_open(o, cls);
    mk->text(o, s);
    pack_text_puts(o, mk->para_close);
}

/* A heading "N. title" inside a section. */
static void numbered_heading(
    pack_text_out *o, const pack_doc_markup *mk, unsigned n, const char *title)
{
    pack_text_putf(o, "%s%u. ", mk->h3_open, n);
    mk->text(o, title);
    pack_text_puts(o, mk->h3_close);
}

static void cover(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    const Safer__PackModel *m = v->m;
    const Safer__Meeting *mt = m->meeting;
    char line[PACK_TEXT_MAX];
    mk->cover_open(o, v);
    pack_text_puts(o, mk->title_open);
    mk->text(o, m->partnership);
    pack_text_putf(
        o, "%s%s" PACK_TEXT_BOARD_MEETING "%s", mk->title_close, mk->big_open, mk->big_close);
    pack_text_date(mt ? mt->date : "", line, sizeof line);
    mk->para_open(o, NULL);
    mk->text(o, line);
    pack_text_puts(o, " at ");
    mk->text(o, mt ? mt->time : "");
    pack_text_puts(o, mk->venue_sep);
    mk->text(o, mt ? mt->venue : "");
    pack_text_puts(o, mk->para_close);
    mk->cover_marking(o, v->marking);
    pack_text_edition(m, line, sizeof line);
    para(o, mk, NULL, line);
    if (m->edition > 1) {
        pack_text_changes_heading(m, line, sizeof line);
        pack_text_puts(o, mk->h3_open);
        mk->text(o, line);
        pack_text_puts(o, mk->h3_close);
        pack_text_puts(o, mk->ul_open);
        for (size_t i = 0; i < m->n_changes; i++) {
            if (!pack_text_change_visible(v, m->changes[i]))
                continue;
            pack_text_puts(o, mk->li_open);
            mk->text(o, m->changes[i]);
            pack_text_puts(o, mk->li_close);
        }
        pack_text_puts(o, mk->ul_close);
    }
    mk->section_end(o, v, PACK_SEC_COVER);
}

static void contents(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    unsigned k = 1;
    mk->section_start(o, v, PACK_SEC_CONTENTS);
    pack_text_puts(o, mk->ol_open);
    for (int sec = PACK_SEC_AGENDA; sec < PACK_SEC_COUNT; sec++) {
        if (!pack_text_section_in(sec, mk->format))
            continue;
        mk->numbered(o, k++);
        mk->link(o, pack_text_section_anchor(sec), pack_text_section_title(sec));
        pack_text_puts(o, mk->li_close);
    }
    pack_text_puts(o, mk->ol_close);
    mk->section_end(o, v, PACK_SEC_CONTENTS);
}

static void agenda(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    mk->section_start(o, v, PACK_SEC_AGENDA);
    pack_text_puts(o, mk->ol_open);
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        mk->numbered(o, v->m->agenda[i]->number);
        mk->text(o, v->m->agenda[i]->title);
        pack_text_puts(o, mk->li_close);
    }
    if (v->m->n_agenda == 0) {
        pack_text_puts(o, mk->note_open);
        mk->text(o, "No agenda items.");
        pack_text_puts(o, mk->li_close);
    }
    pack_text_puts(o, mk->ol_close);
    mk->section_end(o, v, PACK_SEC_AGENDA);
}

static void attendee(
    pack_text_out *o, const pack_view *v, const pack_doc_markup *mk, const Safer__Attendance *a)
{
    pack_text_puts(o, mk->li_open);
    mk->text(o, a->name);
    pack_text_puts(o, " (");
    mk->text(o, pack_text_agency_name(v->m, a->agency_code));
    pack_text_puts(o, ")");
    if (a->substitute && a->substitute[0]) {
        pack_text_puts(o, ", substitute: ");
        mk->text(o, a->substitute);
    }
    pack_text_puts(o, mk->li_close);
}

static void attendance(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    static const struct {
        Safer__Presence p;
        const char *title;
    } kinds[2] = { { SAFER__PRESENCE__PRESENCE_PRESENT, "Present" },
        { SAFER__PRESENCE__PRESENCE_APOLOGIES, "Apologies" } };
    mk->section_start(o, v, PACK_SEC_ATTENDANCE);
    for (size_t k = 0; k < 2; k++) {
        size_t shown = 0;
        pack_text_putf(o, "%s%s%s%s", mk->h3_open, kinds[k].title, mk->h3_close, mk->ul_open);
        for (size_t i = 0; i < v->m->n_attendance; i++) {
            if (v->m->attendance[i]->presence != kinds[k].p)
                continue;
            attendee(o, v, mk, v->m->attendance[i]);
            shown++;
        }
        if (shown == 0)
            pack_text_putf(o, "%sNone recorded.%s", mk->note_open, mk->li_close);
        pack_text_puts(o, mk->ul_close);
    }
    mk->section_end(o, v, PACK_SEC_ATTENDANCE);
}

static void minutes(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    const Safer__PackModel *m = v->m;
    char line[PACK_TEXT_MAX];
    mk->section_start(o, v, PACK_SEC_MINUTES);
    if (m->previous == NULL || m->previous->date == NULL || m->previous->date[0] == '\0') {
        para(o, mk, NULL, PACK_TEXT_NO_PREVIOUS);
        mk->section_end(o, v, PACK_SEC_MINUTES);
        return;
    }
    pack_text_date(m->previous->date, line, sizeof line);
    mk->para_open(o, NULL);
    pack_text_puts(o, "Meeting of ");
    mk->text(o, line);
    pack_text_putf(o, ": %s%s%s%s", mk->strong_open,
        m->previous_minutes_approved ? PACK_TEXT_APPROVED : PACK_TEXT_FOR_APPROVAL,
        mk->strong_close, mk->para_close);
    for (size_t i = 0; i < m->n_previous_minutes; i++) {
        const Safer__Minute *mi = m->previous_minutes[i];
        numbered_heading(o, mk, mi->item,
            pack_text_item_title(m->previous_agenda, m->n_previous_agenda, mi->item));
        para(o, mk, "pre", mi->text);
    }
    mk->section_end(o, v, PACK_SEC_MINUTES);
}

static void matters(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    static const char *const cols[] = { "Action", "Text", "Owners", "Due", "Carried" };
    const Safer__PackModel *m = v->m;
    char owners[PACK_TEXT_MAX];
    mk->section_start(o, v, PACK_SEC_MATTERS);
    if (m->n_matters_arising == 0) {
        para(o, mk, NULL, PACK_TEXT_NO_ACTIONS);
        mk->section_end(o, v, PACK_SEC_MATTERS);
        return;
    }
    mk->table_head(o, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < m->n_matters_arising; i++) {
        const Safer__Action *a = m->matters_arising[i];
        pack_text_owners(a, owners, sizeof owners);
        pack_text_putf(o, "%s%lld", mk->row_open, (long long)a->id);
        mk->cell(o, NULL);
        mk->text(o, a->text);
        mk->cell(o, NULL);
        mk->text(o, owners);
        mk->cell(o, NULL);
        mk->text(o, a->due);
        if (pack_text_action_overdue(m, a))
            mk->flag(o, PACK_TEXT_OVERDUE);
        mk->cell(o, NULL);
        pack_text_putf(o, "carried %u%s", a->carried, mk->row_close);
    }
    pack_text_puts(o, mk->table_close);
    mk->section_end(o, v, PACK_SEC_MATTERS);
}

static void metrics(pack_text_out *o, const pack_doc_markup *mk, const Safer__ReportVersion *rv)
{
    static const char *const cols[] = { "Metric", "Value", "Target", "Period" };
    char num[64];
    if (rv->n_metrics == 0)
        return;
    mk->table_head(o, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < rv->n_metrics; i++) {
        const Safer__Metric *mt = rv->metrics[i];
        pack_text_puts(o, mk->row_open);
        mk->text(o, mt->name);
        mk->cell(o, NULL);
        pack_text_number(mt->value, num, sizeof num);
        pack_text_puts(o, num);
        mk->cell(o, NULL);
        if (mt->has_target)
            pack_text_number(mt->target, num, sizeof num);
        pack_text_puts(o, mt->has_target ? num : "-");
        mk->cell(o, NULL);
        mk->text(o, mt->period && mt->period[0] ? mt->period : "-");
        pack_text_puts(o, mk->row_close);
    }
    pack_text_puts(o, mk->table_close);
}

static void paper_meta(
    pack_text_out *o, const pack_view *v, const pack_doc_markup *mk, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    char line[PACK_TEXT_MAX];
    pack_text_puts(o, mk->meta_open);
    mk->text(o, pack_text_agency_name(v->m, p->agency_code));
    mk->rag_marking(o, rv);
    pack_text_submitted(p, line, sizeof line);
    mk->text(o, line);
    if (rv->late)
        mk->flag(o, PACK_TEXT_LATE);
    if (rv->version > 1)
        pack_text_putf(o, "%s%u", mk->meta_version, rv->version);
    pack_text_restricted(v, rv, line, sizeof line);
    if (line[0]) {
        pack_text_puts(o, mk->meta_break);
        mk->text(o, line);
    }
    pack_text_puts(o, mk->meta_close);
}

static void paper(
    pack_text_out *o, const pack_view *v, const pack_doc_markup *mk, const Safer__PackPaper *p)
{
    const Safer__ReportVersion *rv = p->version;
    if (rv == NULL)
        return;
    mk->paper_start(o, rv->marking);
    pack_text_puts(o, mk->h4_open);
    mk->text(o, rv->title);
    pack_text_puts(o, mk->h4_close);
    paper_meta(o, v, mk, p);
    metrics(o, mk, rv);
    mk->body(o, rv);
    mk->paper_end(o, rv->marking);
}

/* One task-group item: its visible papers, then what was withheld. */
static void group_item(
    pack_text_out *o, const pack_view *v, const pack_doc_markup *mk, const Safer__AgendaItem *it)
{
    char line[PACK_TEXT_MAX];
    size_t shown = 0, withheld;
    numbered_heading(o, mk, it->number,
        it->title && it->title[0] ? it->title : pack_text_group_name(v->m, it->group_code));
    for (size_t k = 0; k < v->npapers; k++) {
        if (!pack_text_paper_in_item(v->papers[k], it))
            continue;
        paper(o, v, mk, v->papers[k]);
        shown++;
    }
    withheld = pack_text_item_withheld(v, it);
    if (withheld > 0) {
        pack_text_withheld(withheld, line, sizeof line);
        para(o, mk, "withheld", line);
    } else if (shown == 0) {
        para(o, mk, NULL, PACK_TEXT_NO_PAPERS);
    }
}

static void reports(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    size_t groups = 0;
    mk->section_start(o, v, PACK_SEC_REPORTS);
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        if (v->m->agenda[i]->kind != SAFER__ITEM_KIND__ITEM_GROUP)
            continue;
        groups++;
        group_item(o, v, mk, v->m->agenda[i]);
    }
    if (groups == 0)
        para(o, mk, NULL, "No task-group items on the agenda.");
    mk->section_end(o, v, PACK_SEC_REPORTS);
}

static void charts(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    const Safer__MetricSeries **list = NULL;
    size_t n = 0;
    if (mk->chart == NULL || !pack_text_section_in(PACK_SEC_CHARTS, mk->format))
        return;
    mk->section_start(o, v, PACK_SEC_CHARTS);
    if (o->rc == 0)
        o->rc = pack_text_charts(v, &list, &n);
    for (size_t i = 0; i < n; i++)
        mk->chart(o, v, list[i]);
    if (n == 0)
        para(o, mk, NULL, PACK_TEXT_NO_CHARTS);
    free(list);
    mk->section_end(o, v, PACK_SEC_CHARTS);
}

static void returns(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    static const char *const cols[] = { "Group", "Agency", "Return", "Submitted" };
    const Safer__PackModel *m = v->m;
    char when[64];
    mk->section_start(o, v, PACK_SEC_RETURNS);
    if (m->n_returns == 0) {
        para(o, mk, NULL, "No returns expected.");
        mk->section_end(o, v, PACK_SEC_RETURNS);
        return;
    }
    mk->table_head(o, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < m->n_returns; i++) {
        const Safer__ReturnRow *r = m->returns[i];
        pack_text_puts(o, mk->row_open);
        mk->text(o, pack_text_group_name(m, r->group_code));
        mk->cell(o, NULL);
        mk->text(o, pack_text_agency_name(m, r->agency_code));
        mk->cell(o, r->status == SAFER__RETURN_STATUS__RETURN_ON_TIME ? NULL : "late");
        pack_text_puts(o, pack_text_return_status(r->status));
        mk->cell(o, NULL);
        pack_text_utc(r->submitted, when, sizeof when);
        pack_text_putf(o, "%s%s", when, mk->row_close);
    }
    pack_text_puts(o, mk->table_close);
    mk->section_end(o, v, PACK_SEC_RETURNS);
}

static void information(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    size_t shown = 0;
    mk->section_start(o, v, PACK_SEC_INFORMATION);
    pack_text_puts(o, mk->ul_open);
    for (size_t i = 0; i < v->m->n_agenda; i++) {
        const Safer__AgendaItem *it = v->m->agenda[i];
        if (!pack_text_is_information(it))
            continue;
        pack_text_putf(o, "%s%u. ", mk->li_open, it->number);
        mk->text(o, it->title);
        pack_text_puts(o, mk->li_close);
        shown++;
    }
    if (shown == 0)
        pack_text_putf(o, "%s" PACK_TEXT_NO_INFORMATION "%s", mk->note_open, mk->li_close);
    pack_text_puts(o, mk->ul_close);
    mk->section_end(o, v, PACK_SEC_INFORMATION);
}

static void next_meeting(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    char line[PACK_TEXT_MAX];
    mk->section_start(o, v, PACK_SEC_NEXT);
    pack_text_next_meeting(v->m, line, sizeof line);
    para(o, mk, NULL, line);
    mk->section_end(o, v, PACK_SEC_NEXT);
}

void pack_doc_render(pack_text_out *o, const pack_view *v, const pack_doc_markup *mk)
{
    cover(o, v, mk);
    contents(o, v, mk);
    agenda(o, v, mk);
    attendance(o, v, mk);
    minutes(o, v, mk);
    matters(o, v, mk);
    reports(o, v, mk);
    charts(o, v, mk);
    returns(o, v, mk);
    information(o, v, mk);
    next_meeting(o, v, mk);
}
