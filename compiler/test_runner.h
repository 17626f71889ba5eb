/* test_runner.h - `gdl test`: the guideline's own test blocks. */
#ifndef GDL_TEST_RUNNER_H
#define GDL_TEST_RUNNER_H

#include <stdio.h>

#include "compile.h"

/* Runs every test of the compiled main file; failures go to out. */
void run_guideline_tests(Compiler *c, const GdlProgram *p, FILE *out, unsigned *passed, unsigned *failed);

#endif
