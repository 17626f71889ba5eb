/* coverage.h - gdl test --coverage: per outcome, table row and threshold,
 * whether the guideline's own tests exercise it (see coverage.c). */
#ifndef GDL_COVERAGE_H
#define GDL_COVERAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "compile.h"

/* Runs the tests of c (compiled with c->with_row_facts into p) and prints
 * the coverage of path as a table or JSON. 0, or -1 with err set. */
int coverage_run(Compiler *c, const GdlProgram *p, const char *path, bool json, FILE *out, char *err, size_t errlen);

#endif
