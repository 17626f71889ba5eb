/* diag.h - every compile-time message goes through here.
 * GCC form: file:line:col: severity: message, then the source line and a
 * caret under the span. Nothing else in the compiler prints. */
#ifndef GDL_DIAG_H
#define GDL_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#include "source.h"

typedef enum { SEV_NOTE, SEV_WARNING, SEV_ERROR } Severity;

enum { DIAG_MAX_ERRORS = 50 };   /* then stop: later errors are mostly echoes */

/* A sink that takes the diagnostics instead of printing them (gdl check
 * --format json|sarif): severity, file, line and column (0 for a whole
 * file), message. */
typedef void (*DiagSink)(void *ctx, Severity sev, const char *path, uint32_t line, uint32_t col, const char *msg);

typedef struct {
    const SourceSet *sources;
    FILE *out;
    DiagSink sink;          /* when set, nothing is printed */
    void *sink_ctx;
    unsigned errors, warnings;
    int stopped;            /* hit DIAG_MAX_ERRORS */
    int quiet;              /* count, but print nothing (tests, fuzzing) */
} Diag;

void diag_init(Diag *d, const SourceSet *sources, FILE *out);
void diag_report(Diag *d, Severity sev, SrcSpan span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vreport(Diag *d, Severity sev, SrcSpan span, const char *fmt, va_list ap);
/* The separator before the i-th of n alternatives listed in a message:
 * "", then ", ", and " or " before the last ("all, any or at_least N"). */
const char *diag_or_separator(size_t i, size_t n);
/* A message about a file as a whole (no position): "file: error: ...". */
void diag_file(Diag *d, Severity sev, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
