/*
 * The upload progress bar behind progress.h. Sizes print in the unit that
 * keeps them short (B, KiB, MiB), which is all a paper of at most 1 MiB
 * needs.
 */
#include "client/progress.h"

#include <string.h>
#include <unistd.h>

#include "common/chan.h"

void progress_init(progress *p, FILE *f)
{
    memset(p, 0, sizeof(*p));
    p->f = f;
    p->percent = -1;
}

/* Writes n bytes as "512 B", "472 KiB" or "1.0 MiB" into buf. */
static void progress_size(char *buf, size_t len, size_t n)
{
    if (n < 1024)
        snprintf(buf, len, "%zu B", n);
    else if (n < 1024 * 1024)
        snprintf(buf, len, "%zu KiB", n / 1024);
    else
        snprintf(buf, len, "%.1f MiB", (double)n / (1024.0 * 1024.0));
}

void progress_format(char *buf, size_t len, size_t sent, size_t total)
{
    char bar[PROGRESS_BAR_CHARS + 1];
    char done[24], all[24];
    size_t percent = total > 0 ? (sent >= total ? 100 : sent * 100 / total) : 100;
    size_t fill = percent * PROGRESS_BAR_CHARS / 100;

    for (size_t i = 0; i < PROGRESS_BAR_CHARS; i++)
        bar[i] = i < fill ? '#' : ' ';
    bar[PROGRESS_BAR_CHARS] = '\0';
    progress_size(done, sizeof(done), sent < total ? sent : total);
    progress_size(all, sizeof(all), total);
    snprintf(buf, len, "[%s] %3zu%%  %s / %s", bar, percent, done, all);
}

void progress_net(void *ctx, size_t sent, size_t total)
{
    progress *p = ctx;
    char line[PROGRESS_LINE_MAX];
    int percent;

    if (!p->decided) {
        p->decided = 1;
        p->on = isatty(fileno(p->f)) && total > CHAN_PIECE_MAX;
    }
    if (!p->on)
        return;
    percent = total > 0 && sent < total ? (int)(sent * 100 / total) : 100;
    if (percent == p->percent)
        return;
    p->percent = percent;
    progress_format(line, sizeof(line), sent, total);
    fprintf(p->f, "\r%s", line);
    fflush(p->f);
}

void progress_end(progress *p)
{
    if (p->on && p->percent >= 0)
        fputc('\n', p->f);
    p->on = 0;
}
