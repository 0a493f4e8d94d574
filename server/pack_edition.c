/*
 * Editions of a pack behind pack_edition.h: the comparison of two models
 * that names what changed, the publish job (its row, the meeting's published
 * time and the audit row in one transaction) and the loading of a stored
 * edition.
 *
 * Models are compared by their packed bytes, section by section, which is
 * exact because every list in a model is sorted explicitly.
 *
 * Sections: comparing; the list of changes; publishing; loading.
 */
#include "server/pack_edition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/audit.h"
#include "server/pack_model.h"

/* ---- comparing ----------------------------------------------------------------- */

/* 1 if a and b pack to the same bytes (both NULL counts), 0 if not, SAFER_E_NOMEM. */
static int pe_msg_same(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    size_t na, nb;
    uint8_t *pa = NULL, *pb = NULL;
    int ret = SAFER_E_NOMEM;

    if (a == NULL || b == NULL)
        return a == b;
    na = protobuf_c_message_get_packed_size(a);
    nb = protobuf_c_message_get_packed_size(b);
    if (na != nb)
        return 0;
    pa = malloc(na + 1);
    pb = malloc(nb + 1);
    if (pa == NULL || pb == NULL)
        goto out;
    protobuf_c_message_pack(a, pa);
    protobuf_c_message_pack(b, pb);
    ret = memcmp(pa, pb, na) == 0;
out:
    free(pa);
    free(pb);
    return ret;
}

/* pe_msg_same over two lists of messages. */
static int pe_list_same(void *const *a, size_t na, void *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        int same = pe_msg_same(a[i], b[i]);

        if (same != 1)
            return same;
    }
    return 1;
}

#define PE_LIST_SAME(a, b, f)                                                                      \
    pe_list_same((void *const *)(a)->f, (a)->n_##f, (void *const *)(b)->f, (b)->n_##f)

/*
 * A shallow copy of m without what a publish or the clock changes: the
 * edition, its time and changes, when the data was built and the meetings'
 * status. mt holds the copied meetings.
 */
static void pe_neutral(const Safer__PackModel *m, Safer__PackModel *copy, Safer__Meeting mt[3])
{
    Safer__Meeting *const src[3] = { m->meeting, m->previous, m->next };
    Safer__Meeting **dst[3] = { &copy->meeting, &copy->previous, &copy->next };

    *copy = *m;
    copy->edition = 0;
    copy->published = 0;
    copy->n_changes = 0;
    copy->changes = NULL;
    copy->built = 0;
    for (size_t i = 0; i < 3; i++) {
        if (src[i] == NULL)
            continue;
        mt[i] = *src[i];
        mt[i].status = SAFER__MEETING_STATUS__MEETING_NONE;
        *dst[i] = &mt[i];
    }
}

/* ---- the list of changes ------------------------------------------------------------ */

struct pe_lines {
    char **v;
    size_t n;
    int rc;
};

static void pe_add(struct pe_lines *l, const char *line)
{
    char **grown;

    if (l->rc < 0 || l->n == PACK_CHANGES_MAX)
        return;
    grown = realloc(l->v, (l->n + 1) * sizeof(*grown));
    if (grown == NULL) {
        l->rc = SAFER_E_NOMEM;
        return;
    }
    l->v = grown;
    l->v[l->n] = strdup(line);
    if (l->v[l->n] == NULL)
        l->rc = SAFER_E_NOMEM;
    else
        l->n++;
}

/* "Police paper for Alcohol added" (what), or "... revised (version 3)" when version > 0. */
static void pe_add_paper(
    struct pe_lines *l, const char *agency, const char *group, const char *what, uint32_t version)
{
    char line[512];

    if (version > 0)
        snprintf(line, sizeof(line), "%s paper for %s %s (version %u)", agency, group, what,
            (unsigned)version);
    else
        snprintf(line, sizeof(line), "%s paper for %s %s", agency, group, what);
    pe_add(l, line);
}

/* The name of agency or group code in cur (else prev), or the code itself. */
static const char *pe_agency_name(
    const Safer__PackModel *cur, const Safer__PackModel *prev, const char *code)
{
    const Safer__PackModel *ms[2] = { cur, prev };

    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < ms[k]->n_agencies; i++) {
            if (strcmp(ms[k]->agencies[i]->code, code) == 0)
                return ms[k]->agencies[i]->name;
        }
    }
    return code;
}

static const char *pe_group_name(
    const Safer__PackModel *cur, const Safer__PackModel *prev, const char *code)
{
    const Safer__PackModel *ms[2] = { cur, prev };

    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < ms[k]->n_groups; i++) {
            if (strcmp(ms[k]->groups[i]->code, code) == 0)
                return ms[k]->groups[i]->name;
        }
    }
    return code;
}

static const Safer__PackPaper *pe_find_paper(const Safer__PackModel *m, const Safer__PackPaper *p)
{
    for (size_t i = 0; i < m->n_papers; i++) {
        if (strcmp(m->papers[i]->group_code, p->group_code) == 0
            && strcmp(m->papers[i]->agency_code, p->agency_code) == 0)
            return m->papers[i];
    }
    return NULL;
}

/* 1 if either paper's version is restricted to named agencies. */
static int pe_restricted(const Safer__PackPaper *a, const Safer__PackPaper *b)
{
    return (a && a->version && a->version->n_restrict_to > 0)
        || (b && b->version && b->version->n_restrict_to > 0);
}

/*
 * A change to a restricted paper. The changes list is the same for every
 * reader, so it names neither the agency nor the title: a reader outside the
 * restriction learns only what the "withheld" line under the group already
 * says, that the group has a paper they may not see.
 */
static void pe_add_restricted(struct pe_lines *l, const char *group, const char *what)
{
    char line[512];

    snprintf(line, sizeof(line), "A restricted paper for %s was %s", group, what);
    pe_add(l, line);
}

/* Papers added, revised or changed (in cur's order), then those withdrawn (in prev's). */
static void pe_papers(const Safer__PackModel *prev, const Safer__PackModel *cur, struct pe_lines *l)
{
    for (size_t i = 0; i < cur->n_papers; i++) {
        const Safer__PackPaper *p = cur->papers[i];
        const Safer__PackPaper *o = pe_find_paper(prev, p);
        const char *agency = pe_agency_name(cur, prev, p->agency_code);
        const char *group = pe_group_name(cur, prev, p->group_code);
        uint32_t v = p->version ? p->version->version : 0;
        int same;

        const char *what = NULL;

        if (o == NULL) {
            what = "added";
        } else if (o->version == NULL || o->version->version != v) {
            what = "revised";
        } else {
            same = pe_msg_same(&o->base, &p->base);
            if (same < 0)
                l->rc = same;
            else if (!same)
                what = "changed";
        }
        if (what && pe_restricted(o, p))
            pe_add_restricted(l, group, what);
        else if (what)
            pe_add_paper(l, agency, group, what, strcmp(what, "revised") == 0 ? v : 0);
    }
    for (size_t i = 0; i < prev->n_papers; i++) {
        const Safer__PackPaper *o = prev->papers[i];
        const char *group = pe_group_name(cur, prev, o->group_code);

        if (pe_find_paper(cur, o) != NULL)
            continue;
        if (pe_restricted(o, NULL))
            pe_add_restricted(l, group, "withdrawn");
        else
            pe_add_paper(l, pe_agency_name(cur, prev, o->agency_code), group, "withdrawn", 0);
    }
}

/* A section's line when same says it differs (or its error). */
static void pe_section(struct pe_lines *l, int same, const char *line)
{
    if (same < 0)
        l->rc = same;
    else if (!same)
        pe_add(l, line);
}

static int pe_minutes_same(const Safer__PackModel *a, const Safer__PackModel *b)
{
    const char *da = a->previous ? a->previous->date : "";
    const char *db = b->previous ? b->previous->date : "";
    int same;

    if (strcmp(da, db) != 0 || a->previous_minutes_approved != b->previous_minutes_approved)
        return 0;
    same = PE_LIST_SAME(a, b, previous_agenda);
    return same == 1 ? PE_LIST_SAME(a, b, previous_minutes) : same;
}

int pack_changes(
    const Safer__PackModel *prev, const Safer__PackModel *cur, char ***lines, size_t *n)
{
    struct pe_lines l = { 0 };
    Safer__PackModel na, nb;
    Safer__Meeting ma[3], mb[3];
    int same;

    *lines = NULL;
    *n = 0;
    pe_neutral(prev, &na, ma);
    pe_neutral(cur, &nb, mb);
    same = pe_msg_same(&na.base, &nb.base);
    if (same != 0)
        return same < 0 ? same : 0;
    pe_papers(prev, cur, &l);
    pe_section(&l, PE_LIST_SAME(prev, cur, agenda), "Agenda changed");
    pe_section(&l, pe_minutes_same(prev, cur), "Minutes for approval changed");
    pe_section(&l, PE_LIST_SAME(prev, cur, attendance), "Attendance changed");
    pe_section(&l, PE_LIST_SAME(prev, cur, matters_arising), "Actions changed");
    same
        = pe_msg_same(na.meeting ? &na.meeting->base : NULL, nb.meeting ? &nb.meeting->base : NULL);
    if (same == 1)
        same = pe_msg_same(na.next ? &na.next->base : NULL, nb.next ? &nb.next->base : NULL);
    /* Whatever else differs (a group's members, the returns) is named once, generally. */
    if (same == 1 && l.n == 0)
        same = 0;
    pe_section(&l, same, "Meeting details changed");
    if (l.rc < 0) {
        for (size_t i = 0; i < l.n; i++)
            free(l.v[i]);
        free(l.v);
        return l.rc;
    }
    *lines = l.v;
    *n = l.n;
    return 0;
}

/* ---- publishing ---------------------------------------------------------------------- */

/* ST_PACK_EDITION_LATEST / _GET: edition, published, model (copied). */
struct pe_row {
    int found;
    uint32_t edition;
    int64_t published;
    uint8_t *model;
    size_t len;
};

static int pe_edition_row(void *ctx, const store_val *c, size_t n)
{
    struct pe_row *r = ctx;

    if (n != 3 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[2].type != STORE_BLOB
        || c[2].n > PACK_MODEL_MAX)
        return SAFER_E_DB;
    r->model = malloc(c[2].n + 1);
    if (r->model == NULL)
        return SAFER_E_NOMEM;
    memcpy(r->model, c[2].p, c[2].n);
    r->len = c[2].n;
    r->edition = (uint32_t)c[0].i;
    r->published = c[1].i;
    r->found = 1;
    return 0;
}

/* The changes against the latest edition into p->model; PRECOND when there are none. */
static int pe_publish_changes(pack_publish *p, const struct pe_row *last)
{
    Safer__PackModel *prev = NULL;
    char **lines = NULL;
    size_t n = 0;
    int rc = pack_model_unpack(last->model, last->len, &prev);

    if (rc < 0) {
        snprintf(p->why, sizeof(p->why), "edition %u of the pack for %s cannot be read",
            (unsigned)last->edition, p->date);
        return SAFER_E_DB;
    }
    rc = pack_changes(prev, p->model, &lines, &n);
    pack_model_free(prev);
    if (rc < 0)
        return rc;
    if (n == 0) {
        snprintf(p->why, sizeof(p->why), "nothing has changed since edition %u",
            (unsigned)last->edition);
        return SAFER_E_PRECOND;
    }
    p->model->changes = lines;
    p->model->n_changes = n;
    return 0;
}

/* The changes as one text, a line each. */
static char *pe_changes_text(const Safer__PackModel *m)
{
    size_t len = 1;
    char *s;

    for (size_t i = 0; i < m->n_changes; i++)
        len += strlen(m->changes[i]) + 1;
    s = calloc(1, len);
    for (size_t i = 0, at = 0; s && i < m->n_changes; i++) {
        size_t n = strlen(m->changes[i]);

        memcpy(s + at, m->changes[i], n);
        at += n;
        if (i + 1 < m->n_changes)
            s[at++] = '\n';
    }
    return s;
}

/* Stores p->model as edition, sets the meeting's published time, audits. */
static int pe_publish_store(store_tx *tx, pack_publish *p, int64_t meeting_id)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    char *changes = pe_changes_text(p->model);
    char object[32], detail[64];
    int rc = SAFER_E_NOMEM;

    if (changes == NULL || pack_model_pack(p->model, &blob, &len) < 0)
        goto out;
    {
        const store_val args[] = { SV_INT(meeting_id), SV_INT(p->edition), SV_INT(p->now),
            SV_BLOB(blob, len), SV_TEXT(changes) };
        rc = store_tx_exec(tx, ST_PACK_EDITION_INSERT, args, 5, NULL, NULL);
    }
    if (rc == 0) {
        const store_val args[] = { SV_INT(p->now), SV_INT(meeting_id) };
        rc = store_tx_exec(tx, ST_PACK_MEETING_PUBLISH, args, 2, NULL, NULL);
    }
    if (rc != 0) {
        rc = rc < 0 ? rc : SAFER_E_DB;
        goto out;
    }
    snprintf(object, sizeof(object), "meeting:%s", p->date);
    snprintf(
        detail, sizeof(detail), "edition %u, %zu papers", (unsigned)p->edition, p->model->n_papers);
    rc = audit_append(tx, p->now, p->actor, "pack.publish", object, detail);
out:
    free(blob);
    free(changes);
    return rc;
}

int pack_publish_job(store_tx *tx, void *ctx)
{
    pack_publish *p = ctx;
    struct pe_row last = { 0 };
    int64_t meeting_id = 0;
    int rc = board_meeting_id_tx(tx, p->date, &meeting_id);

    if (rc == SAFER_E_NOTFOUND)
        snprintf(p->why, sizeof(p->why), "there is no meeting on %s", p->date);
    if (rc < 0)
        goto out;
    {
        const store_val args[] = { SV_INT(meeting_id) };
        rc = store_tx_exec(tx, ST_PACK_EDITION_LATEST, args, 1, pe_edition_row, &last);
    }
    if (rc != 0) {
        rc = rc < 0 ? rc : SAFER_E_DB;
        goto out;
    }
    if (last.found && (rc = pe_publish_changes(p, &last)) < 0)
        goto out;
    p->edition = last.found ? last.edition + 1 : 1;
    p->model->edition = p->edition;
    p->model->published = p->now;
    if (p->model->meeting != NULL
        && p->model->meeting->status == SAFER__MEETING_STATUS__MEETING_SCHEDULED)
        p->model->meeting->status = SAFER__MEETING_STATUS__MEETING_PACK_PUBLISHED;
    rc = pe_publish_store(tx, p, meeting_id);
out:
    free(last.model);
    return rc;
}

void pack_publish_clear(pack_publish *p)
{
    if (p == NULL)
        return;
    pack_model_free(p->model);
    p->model = NULL;
}

/* ---- loading ------------------------------------------------------------------------- */

int pack_edition_load(store *st, int64_t meeting_id, uint32_t edition, Safer__PackModel **out)
{
    struct pe_row r = { 0 };
    int rc;

    *out = NULL;
    if (edition == 0) {
        const store_val args[] = { SV_INT(meeting_id) };
        rc = store_read(st, ST_PACK_EDITION_LATEST, args, 1, pe_edition_row, &r);
    } else {
        const store_val args[] = { SV_INT(meeting_id), SV_INT(edition) };
        rc = store_read(st, ST_PACK_EDITION_GET, args, 2, pe_edition_row, &r);
    }
    if (rc != 0)
        rc = rc < 0 ? rc : SAFER_E_DB;
    else if (!r.found)
        rc = SAFER_E_NOTFOUND;
    else
        rc = pack_model_unpack(r.model, r.len, out);
    free(r.model);
    return rc;
}
