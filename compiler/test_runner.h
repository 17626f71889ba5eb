/* test_runner.h - `gdl test`: the guideline's own test blocks. */
#ifndef GDL_TEST_RUNNER_H
#define GDL_TEST_RUNNER_H

#include <stdio.h>

#include "buf.h"
#include "compile.h"
#include "vm.h"

/* How `gdl test` runs: the parameters "NAME=VALUE" (--param), under each
 * test's own, and the language of the explanations under failures (--lang;
 * NULL: English). */
typedef struct {
    const char *const *params;
    int nparams;
    const char *lang;
} TestRunOptions;

/* Runs every test of the compiled main file; failures go to out. 0, or -2
 * (malformed) / -1 (refused) for a --param or --lang, reported on stderr. */
int run_guideline_tests(Compiler *c, const GdlProgram *p, const TestRunOptions *opt, FILE *out, unsigned *passed,
                        unsigned *failed);

/* Writes each test's `given` as one line of JSON (a case file), in file
 * order: the tests' cases for other tools (gdl test --cases). */
void write_test_cases(const Compiler *c, FILE *out);
/* Whether one `expect` holds for the case the VM last ran; if not, why (in
 * msg). Tests and gdl verify's counterexamples share it. */
bool test_expect_holds(const GdlVm *vm, const AstNode *x, ByteBuf *msg);
/* The `given` of a test as a case file (JSON): its base case's fields
 * (`from`), overridden and added to by its own. */
void test_given_json(const AstNode *test, ByteBuf *b);
/* Sets a test's own parameters over `defaults` (the run's values); -1 with
 * the reason in msg and the offending line in *at. */
int test_set_params(GdlVm *vm, const AstNode *test, const GdlValue *defaults, ByteBuf *msg, const AstNode **at);
/* A named fact (input, define, classification, built-in), or -1. */
int test_fact_by_name(const GdlProgram *p, const char *name);

#endif
