/* diff.h - gdl diff: a semantic diff of two compiled guidelines
 * (docs/diff-compare.md). Content: metadata, parameters, outcomes and
 * classification tables, matched by name and compared in canonical form
 * (canon.h); behaviour: both run on the same cases, counted per output
 * (outputs.h). */
#ifndef GDL_DIFF_H
#define GDL_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diff_props.h"
#include "program.h"

enum { DIFF_DEFAULT_EXAMPLES = 3, DIFF_MAX_EXAMPLES = 100 };

typedef struct {
    const char *old_path, *new_path;    /* as given, for the text header */
    bool json;
    bool colour;                /* text on a terminal */
    const char *cases_path;     /* JSON Lines of cases, or NULL */
    bool boundary;              /* also the boundary cases of both versions */
    uint32_t examples;          /* example cases per changed output */
    const DiffProperties *props[2]; /* old, new: NULL when not known (a .gdlb) */
} DiffOptions;

/* Writes the diff to out. 0 when the two are the same in content and in
 * behaviour on the cases, 1 when they differ, 2 when the cases file is
 * unreadable, 3 on an internal error (message on stderr). */
int diff_run(const GdlProgram *old, const GdlProgram *new_, const DiffOptions *o, FILE *out);

#endif
