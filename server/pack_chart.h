/*
 * A small line chart of one metric series for the PDF pack: the value over
 * the last meetings (dates on the x axis), the target as a dashed line where
 * there is one, a titled box with gridlines and axis labels. Pure drawing:
 * the same series gives the same strokes and text, with numbers formatted by
 * pack_text_number and dates written without a locale.
 */
#ifndef SAFER_SERVER_PACK_CHART_H
#define SAFER_SERVER_PACK_CHART_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "proto/safer.pb-c.h"

/* The smallest box a chart is drawn in, in points. */
#define PACK_CHART_MIN_W 120.0
#define PACK_CHART_MIN_H 80.0

/*
 * Draws series s titled `title` (plain text) in the box at (x, y) of size
 * w x h on cr, setting text with pc. A series with fewer than two points, or
 * a box smaller than the minimum, draws only the box and title.
 */
void pack_chart_draw(cairo_t *cr, PangoContext *pc, const Safer__MetricSeries *s, const char *title,
    double x, double y, double w, double h);

/*
 * Writes "YYYY-MM-DD" as a short axis label ("Feb 18"); anything else is
 * copied as it is, truncated to fit.
 */
void pack_chart_date_label(const char *iso, char *out, size_t n);

#endif
