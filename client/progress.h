/*
 * A progress bar for long uploads, drawn on one line of a terminal with
 * carriage returns: "[#########           ]  45%  472 KiB / 1.0 MiB". It
 * only draws when its stream is a terminal and the message spans more than
 * one frame, so scripts and short requests see nothing. progress_net has the
 * shape of net_progress_fn and is handed to net_set_progress.
 */
#ifndef SAFER_CLIENT_PROGRESS_H
#define SAFER_CLIENT_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#define PROGRESS_BAR_CHARS 24 /* the width of the bar between its brackets */
#define PROGRESS_LINE_MAX 96  /* room for the whole line */

typedef struct progress {
    FILE *f;     /* where the bar is drawn: stderr */
    int decided; /* whether to draw was settled on the first report */
    int on;      /* the bar is being drawn */
    int percent; /* the percentage last drawn, -1 before the first */
} progress;

/* Starts a bar on f that has drawn nothing yet. */
void progress_init(progress *p, FILE *f);

/*
 * Reports sent of total bytes (a net_progress_fn; ctx is a progress). The
 * first report decides whether to draw: f must be a terminal and total more
 * than one frame's piece. Redraws only when the percentage changes.
 */
void progress_net(void *ctx, size_t sent, size_t total);

/* Ends the line if a bar was drawn. */
void progress_end(progress *p);

/* Formats the line for sent of total bytes into buf (no "\r", no newline). */
void progress_format(char *buf, size_t len, size_t sent, size_t total);

#endif
