/* test_runner.h - `gdl test`: the guideline's own test blocks. */
#ifndef GDL_TEST_RUNNER_H
#define GDL_TEST_RUNNER_H

#include <stdio.h>

#include "buf.h"
#include "compile.h"
#include "vm.h"

/* Runs every test of the compiled main file; failures go to out. */
void run_guideline_tests(Compiler *c, const GdlProgram *p, FILE *out, unsigned *passed, unsigned *failed);

/* Writes each test's `given` as one line of JSON (a case file), in file
 * order: the tests' cases for other tools (gdl test --cases). */
void write_test_cases(const Compiler *c, FILE *out);
/* Whether one `expect` holds for the case the VM last ran; if not, why (in
 * msg). Tests and gdl verify's counterexamples share it. */
bool test_expect_holds(const GdlVm *vm, const AstNode *x, ByteBuf *msg);
/* The `given` of a test as a case file (JSON). */
void test_given_json(const AstNode *test, ByteBuf *b);
/* A named fact (input, define, classification, built-in), or -1. */
int test_fact_by_name(const GdlProgram *p, const char *name);

#endif
