/*
 * One metric series as a small line chart in the PDF pack (see
 * server/pack_chart.h). The y axis runs over a "nice" range (steps of 1, 2
 * or 5 times a power of ten) that holds every value and target; the x axis
 * spaces the meetings evenly, labelling as many dates as fit without
 * overlapping, always including the latest. Arithmetic is plain doubles with
 * no libm calls, so the output depends on nothing but the series.
 */
#include "server/pack_chart.h"

#include <stdio.h>
#include <string.h>

#include "server/pack_text.h"

#define CHART_FONT "DejaVu Sans 6.5"
#define CHART_TITLE_FONT "DejaVu Sans Bold 8"
#define CHART_TICKS 4
#define CHART_TICKS_MAX 12

/* Plain text in a font; text that is not UTF-8 is repaired first. */
static PangoLayout *chart_text(PangoContext *pc, const char *text, const char *font)
{
    PangoLayout *l = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    gchar *fixed = NULL;

    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (!g_utf8_validate(text, -1, NULL))
        text = fixed = g_utf8_make_valid(text, -1);
    pango_layout_set_text(l, text, -1);
    g_free(fixed);
    return l;
}

static double chart_text_width(PangoLayout *l)
{
    PangoRectangle r;

    pango_layout_get_extents(l, NULL, &r);
    return pango_units_to_double(r.width);
}

/* Shows l with its left (align 0), centre (1) or right (2) at x, middle at y. */
static void chart_show(cairo_t *cr, PangoLayout *l, double x, double y, int align)
{
    PangoRectangle r;

    pango_layout_get_extents(l, NULL, &r);
    x -= align * pango_units_to_double(r.width) / 2.0;
    cairo_move_to(cr, x, y - pango_units_to_double(r.height) / 2.0);
    pango_cairo_show_layout(cr, l);
}

void pack_chart_date_label(const char *iso, char *out, size_t n)
{
    static const char *const months[]
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int ok = iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-';
    int month = 0;

    for (int i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            ok = 0;
    if (ok)
        month = (iso[5] - '0') * 10 + (iso[6] - '0');
    if (!ok || month < 1 || month > 12) {
        snprintf(out, n, "%s", iso ? iso : "");
        return;
    }
    snprintf(out, n, "%s %c%c", months[month - 1], iso[2], iso[3]);
}

/* A step of 1, 2 or 5 times a power of ten near span / CHART_TICKS. */
static double chart_step(double span)
{
    double raw = span / CHART_TICKS, mag = 1.0;

    while (mag * 10.0 <= raw)
        mag *= 10.0;
    while (mag > raw && mag > 1e-9)
        mag /= 10.0;
    if (raw <= mag)
        return mag;
    if (raw <= 2 * mag)
        return 2 * mag;
    if (raw <= 5 * mag)
        return 5 * mag;
    return 10 * mag;
}

/* The axis range: every value and target inside [*lo, *hi], on whole steps. */
static void chart_range(const Safer__MetricSeries *s, double *lo, double *hi, double *step)
{
    double a = s->points[0]->value, b = a;

    for (size_t i = 0; i < s->n_points; i++) {
        const Safer__MetricPoint *p = s->points[i];

        a = p->value < a ? p->value : a;
        b = p->value > b ? p->value : b;
        if (p->has_target) {
            a = p->target < a ? p->target : a;
            b = p->target > b ? p->target : b;
        }
    }
    if (b - a < 1e-9) {
        a -= a == 0 ? 0 : 1;
        b += 1;
    }
    *step = chart_step(b - a);
    /* Whole steps by truncating a quotient, not floor(): no libm. */
    {
        double q = a / *step;
        long long k = q > -9e15 && q < 9e15 ? (long long)q : 0;

        if ((double)k * *step > a)
            k--;
        *lo = (double)k * *step;
    }
    *hi = *lo;
    for (int i = 0; i < CHART_TICKS_MAX && *hi < b; i++)
        *hi += *step;
    if (*hi < b)
        *hi = b;
}

/* Gridlines and y labels; returns nothing, draws inside (px, py, pw, ph). */
static void chart_y_axis(cairo_t *cr, PangoContext *pc, double lo, double hi, double step,
    double px, double py, double pw, double ph)
{
    for (int i = 0; i <= CHART_TICKS_MAX; i++) {
        double v = lo + i * step, y;
        char label[64];
        PangoLayout *l;

        if (v > hi + step * 1e-6)
            break;
        if (v < step * 1e-9 && v > -step * 1e-9)
            v = 0;
        y = py + ph - (v - lo) / (hi - lo) * ph;
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, px, y);
        cairo_line_to(cr, px + pw, y);
        cairo_stroke(cr);
        pack_text_number(v, label, sizeof(label));
        l = chart_text(pc, label, CHART_FONT);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        chart_show(cr, l, px - 3, y, 2);
        g_object_unref(l);
    }
}

/* Date labels under the plot: as many as fit, counting back from the latest. */
static void chart_x_axis(
    cairo_t *cr, PangoContext *pc, const Safer__MetricSeries *s, double px, double pw, double base)
{
    size_t n = s->n_points, every = 1;
    double dx = pw / (double)(n - 1), widest = 0;
    char label[32];

    for (size_t i = 0; i < n; i++) {
        PangoLayout *l;

        pack_chart_date_label(s->points[i]->date, label, sizeof(label));
        l = chart_text(pc, label, CHART_FONT);
        if (chart_text_width(l) > widest)
            widest = chart_text_width(l);
        g_object_unref(l);
    }
    while (every < n && dx * (double)every < widest + 6)
        every++;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    for (size_t i = 0; i < n; i++) {
        PangoLayout *l;

        if ((n - 1 - i) % every != 0)
            continue;
        pack_chart_date_label(s->points[i]->date, label, sizeof(label));
        l = chart_text(pc, label, CHART_FONT);
        chart_show(cr, l, px + dx * (double)i, base, 1);
        g_object_unref(l);
    }
}

/* The value line with its points, and the target dashed where it is set. */
static void chart_lines(cairo_t *cr, const Safer__MetricSeries *s, double lo, double hi, double px,
    double py, double pw, double ph)
{
    size_t n = s->n_points;
    double dx = pw / (double)(n - 1);
    static const double dash[] = { 4.0, 3.0 };
    int pen = 0;

#define CHART_Y(v) (py + ph - ((v)-lo) / (hi - lo) * ph)
    cairo_set_source_rgb(cr, 0.83, 0.33, 0.0);
    cairo_set_line_width(cr, 1.1);
    cairo_set_dash(cr, dash, 2, 0);
    for (size_t i = 0; i < n; i++) {
        const Safer__MetricPoint *p = s->points[i];

        if (!p->has_target) {
            pen = 0;
            continue;
        }
        if (pen)
            cairo_line_to(cr, px + dx * (double)i, CHART_Y(p->target));
        else
            cairo_move_to(cr, px + dx * (double)i, CHART_Y(p->target));
        pen = 1;
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0.12, 0.31, 0.6);
    cairo_set_line_width(cr, 1.6);
    for (size_t i = 0; i < n; i++)
        cairo_line_to(cr, px + dx * (double)i, CHART_Y(s->points[i]->value));
    cairo_stroke(cr);
    for (size_t i = 0; i < n; i++) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, px + dx * (double)i, CHART_Y(s->points[i]->value), 1.8, 0, 2 * G_PI);
    }
    cairo_fill(cr);
#undef CHART_Y
}

/* The title, and a key to the two lines at the right of the title row. */
static void chart_title(cairo_t *cr, PangoContext *pc, const Safer__MetricSeries *s,
    const char *title, double x, double y, double w)
{
    PangoLayout *l = chart_text(pc, title, CHART_TITLE_FONT);
    int has_target = 0;
    double kx = x + w - 8;

    for (size_t i = 0; i < s->n_points; i++)
        has_target |= s->points[i]->has_target != 0;
    pango_layout_set_width(l, pango_units_from_double(w - 16));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    cairo_set_source_rgb(cr, 0, 0, 0);
    chart_show(cr, l, x + 8, y + 11, 0);
    g_object_unref(l);
    /* The key sits on its own row under the title, at the right. */
    y += 12;
    for (int k = has_target ? 1 : 0; k >= 0; k--) {
        PangoLayout *kl = chart_text(pc, k ? "target" : "value", CHART_FONT);
        static const double dash[] = { 3.0, 2.0 };

        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        chart_show(cr, kl, kx, y + 11, 2);
        kx -= chart_text_width(kl) + 16;
        g_object_unref(kl);
        if (k)
            cairo_set_source_rgb(cr, 0.83, 0.33, 0.0);
        else
            cairo_set_source_rgb(cr, 0.12, 0.31, 0.6);
        cairo_set_line_width(cr, k ? 1.1 : 1.6);
        cairo_set_dash(cr, dash, k ? 2 : 0, 0);
        cairo_move_to(cr, kx, y + 11);
        cairo_line_to(cr, kx + 12, y + 11);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        kx -= 8;
    }
}

/* Whether every number in the series is finite: NaN or infinity is not drawn. */
static int chart_finite(const Safer__MetricSeries *s)
{
    for (size_t i = 0; i < s->n_points; i++) {
        double v = s->points[i]->value, t = s->points[i]->target;

        if (v - v != 0 || (s->points[i]->has_target && t - t != 0))
            return 0;
    }
    return 1;
}

void pack_chart_draw(cairo_t *cr, PangoContext *pc, const Safer__MetricSeries *s, const char *title,
    double x, double y, double w, double h)
{
    double lo, hi, step, px = x + 40, py = y + 36, pw = w - 52, ph = h - 36 - 22;

    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    chart_title(cr, pc, s, title ? title : "", x, y, w);
    if (s->n_points >= 2 && chart_finite(s) && w >= PACK_CHART_MIN_W && h >= PACK_CHART_MIN_H) {
        chart_range(s, &lo, &hi, &step);
        chart_y_axis(cr, pc, lo, hi, step, px, py, pw, ph);
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, px, py);
        cairo_line_to(cr, px, py + ph);
        cairo_line_to(cr, px + pw, py + ph);
        cairo_stroke(cr);
        chart_x_axis(cr, pc, s, px, pw, py + ph + 10);
        chart_lines(cr, s, lo, hi, px, py, pw, ph);
    }
    cairo_restore(cr);
}
