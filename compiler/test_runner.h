/* test_runner.h - `gdl test`: the guideline's own test blocks. */
#ifndef GDL_TEST_RUNNER_H
#define GDL_TEST_RUNNER_H

#include <stdio.h>

#include "compile.h"

/* Runs every test of the compiled main file; failures go to out. */
void run_guideline_tests(Compiler *c, const GdlProgram *p, FILE *out, unsigned *passed, unsigned *failed);

/* Writes each test's `given` as one line of JSON (a case file), in file
 * order: the tests' cases for other tools (gdl test --cases). */
void write_test_cases(const Compiler *c, FILE *out);

#endif
