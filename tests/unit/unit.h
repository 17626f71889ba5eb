/* unit.h - what the CUnit suites share: registering a suite from a table,
 * and compiling a small guideline held in memory (HEADER + body) the way
 * compile_file does, with its diagnostics captured. */
#ifndef GDL_UNIT_H
#define GDL_UNIT_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>

#include "compile.h"

#define UNIT_HEADER "guideline t { title \"t\" version \"1\" status draft language en }\n"

typedef struct {
    const char *name;
    CU_TestFunc fn;
} UnitTest;

/* Adds suite `name` with the n tests of `tests`, in order. */
void unit_register(const char *name, const UnitTest *tests, size_t n);
#define UNIT_REGISTER(name, tests) unit_register((name), (tests), sizeof(tests) / sizeof((tests)[0]))

/* A compiled program and what compiling it printed. */
typedef struct {
    Compiler c;
    Arena out;
    GdlProgram *p;      /* NULL when compiling failed or reported anything */
    char *diag;
    size_t diag_len;
    FILE *df;
} UnitBuild;

/* Compiles UNIT_HEADER + body into b (zeroed by the caller) and verifies
 * the result. b->p is NULL, with the reason on stderr unless quiet, when a
 * step fails or when codegen succeeded with diagnostics. */
void unit_build(UnitBuild *b, const char *body, bool quiet);
void unit_build_free(UnitBuild *b);

#endif
