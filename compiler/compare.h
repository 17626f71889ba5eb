/* compare.h - gdl compare: several guidelines on the same case, side by
 * side (docs/diff-compare.md): scope, red flags, classifications and, per
 * intervention (advice id), each guideline's verdict, with conflicts
 * marked; or, with --batch, how often each conflict occurs over JSON Lines. */
#ifndef GDL_COMPARE_H
#define GDL_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"

enum { COMPARE_MAX_GUIDELINES = 16, COMPARE_MAX_EXAMPLES = 3 };

typedef struct {
    bool json;
    bool batch;                 /* case_path holds JSON Lines */
    bool colour;                /* text on a terminal */
    const char *case_path;      /* "-": standard input */
} CompareOptions;

/* Writes the comparison to out. 0 ok; 1 when a case did not load in some
 * guideline; 2 when two guidelines share id and version; 3 on an I/O or
 * internal error (message on stderr). */
int compare_run(const GdlProgram *const *progs, uint32_t n, const CompareOptions *o, FILE *out);

#endif
