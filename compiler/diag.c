/* diag.c - diagnostics with source line and caret (see diag.h). */
#include "diag.h"

#include <string.h>

static const char *const SEVERITY_NAMES[] = { "note", "warning", "error" };

void diag_init(Diag *d, const SourceSet *sources, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->sources = sources;
    d->out = out;
}

static int count(Diag *d, Severity sev)
{
    if (d->stopped)
        return 0;
    if (sev == SEV_ERROR && ++d->errors > DIAG_MAX_ERRORS) {
        d->stopped = 1;
        if (!d->quiet)
            fprintf(d->out, "gdl: too many errors (limit is %d), stopping\n", DIAG_MAX_ERRORS);
        return 0;
    }
    if (sev == SEV_WARNING)
        d->warnings++;
    return !d->quiet;
}

/* The source line, then a caret line that copies its tabs so the caret
 * stays aligned. */
static void print_caret(Diag *d, SrcSpan span, uint32_t line, uint32_t col)
{
    size_t len;
    const char *text = source_line_text(d->sources, span.file, line, &len);
    if (len > SOURCE_MAX_LINE)      /* only the "line longer than" error shows one */
        len = SOURCE_MAX_LINE;
    fprintf(d->out, "%5u | ", line);
    for (size_t i = 0; i < len; i++) {     /* control bytes shown as '?': no escape sequences */
        unsigned char ch = (unsigned char)text[i];
        fputc((ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : ch, d->out);
    }
    fputs("\n      | ", d->out);
    for (uint32_t i = 1; i < col && i - 1 < len; i++)
        fputc(text[i - 1] == '\t' ? '\t' : ' ', d->out);
    fputc('^', d->out);
    uint32_t width = span.end > span.start ? span.end - span.start : 1;
    for (uint32_t i = 1; i < width && col - 1 + i < len; i++)
        fputc('~', d->out);
    fputc('\n', d->out);
}

void diag_vreport(Diag *d, Severity sev, SrcSpan span, const char *fmt, va_list ap)
{
    if (!count(d, sev))
        return;
    uint32_t line = 0, col = 0;
    const char *path = "<input>";
    if (d->sources && span.file < d->sources->count) {
        source_line_col(d->sources, span.file, span.start, &line, &col);
        path = d->sources->files[span.file].path;
    }
    if (d->sink) {
        char msg[2048];
        vsnprintf(msg, sizeof msg, fmt, ap);
        d->sink(d->sink_ctx, sev, path, line, col, msg);
        return;
    }
    fprintf(d->out, "%s:%u:%u: %s: ", path, line, col, SEVERITY_NAMES[sev]);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    if (line)
        print_caret(d, span, line, col);
}

void diag_report(Diag *d, Severity sev, SrcSpan span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, sev, span, fmt, ap);
    va_end(ap);
}

const char *diag_or_separator(size_t i, size_t n)
{
    return i == 0 ? "" : i + 1 == n ? " or " : ", ";
}

void diag_file(Diag *d, Severity sev, const char *path, const char *fmt, ...)
{
    if (!count(d, sev))
        return;
    va_list ap;
    va_start(ap, fmt);
    if (d->sink) {
        char msg[2048];
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        d->sink(d->sink_ctx, sev, path, 0, 0, msg);
        return;
    }
    fprintf(d->out, "%s: %s: ", path, SEVERITY_NAMES[sev]);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
}
