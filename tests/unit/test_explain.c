/* test_explain.c - CUnit tests for explanations (vm/explain_tree.c,
 * vm/explain.c): the tree rebuilt from bytecode, fused instructions taken
 * apart, Kleene unknown, at_least, coalesce, classification rows with
 * 'when' and override; the text of a fired, a false and an undecided
 * outcome; and, over the shipped guidelines, that every derived fact's
 * evaluated tree equals what the VM stored, on the example cases and on
 * every boundary case `gdl cases --boundary` writes. */
#include <CUnit/CUnit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "analysis.h"
#include "case_json.h"
#include "explain.h"
#include "opcodes.h"
#include "unit.h"
#include "verify.h"
#include "vm.h"

void test_explain_register(void);

typedef struct {
    UnitBuild b;
    GdlVm vm;
    ExplainIndex index;
    Arena arena;
    bool ready;
} Fx;

static bool fx_open(Fx *fx, const char *body)
{
    memset(fx, 0, sizeof *fx);
    unit_build(&fx->b, body, false);
    if (!fx->b.p || gdl_vm_init(&fx->vm, fx->b.p) != 0 || explain_index_init(&fx->index, fx->b.p) != 0) {
        unit_build_free(&fx->b);
        return false;
    }
    arena_init(&fx->arena, 0);
    fx->ready = true;
    return true;
}

static void fx_close(Fx *fx)
{
    if (fx->ready) {
        arena_free(&fx->arena);
        explain_index_free(&fx->index);
        gdl_vm_free(&fx->vm);
    }
    unit_build_free(&fx->b);
}

static void fx_run(Fx *fx, const char *json)
{
    GdlCaseErrors e;
    CU_ASSERT_EQUAL_FATAL(gdl_case_load_json(&fx->vm, json, strlen(json), &e), 0);
    gdl_vm_run(&fx->vm);
}

static uint32_t fact_named(const GdlProgram *p, const char *name)
{
    for (uint32_t f = 0; f < p->nfacts; f++)
        if (strcmp(gdl_str(p, p->facts[f].name), name) == 0)
            return f;
    CU_FAIL_FATAL("no such fact");
    return 0;
}

/* The evaluated tree of a fact; it must agree with the run. */
static ExplainNode *tree(Fx *fx, const char *name)
{
    char err[256];
    uint32_t f = fact_named(fx->b.p, name);
    ExplainNode *n = explain_build(&fx->index, f, &fx->arena, err, sizeof err);
    if (!n)
        fprintf(stderr, "\n    %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    explain_eval(&fx->vm, n);
    CU_ASSERT(explain_same_value(&n->value, &fx->vm.facts[f]));
    return n;
}

static bool code_has(const GdlProgram *p, uint8_t op)
{
    for (uint32_t pc = 0; pc < p->ncode; pc += OP_FORMAT_SIZE[OP_INFO[p->code[pc]].format])
        if (p->code[pc] == op)
            return true;
    return false;
}

static int truth(const ExplainNode *n)
{
    return n->value.tag == VT_UNKNOWN ? -1 : n->value.as.num != 0;
}

static bool is_fact(const ExplainNode *n, const GdlProgram *p, const char *name)
{
    return n->kind == XN_FACT && strcmp(gdl_str(p, p->facts[n->index].name), name) == 0;
}

#define FX(fx, body)                                  \
    Fx fx;                                            \
    if (!fx_open(&fx, body)) {                        \
        CU_FAIL("program did not compile");           \
        return;                                       \
    }

/* a and b or c > 3: the peephole pass makes AND_FACT and OR_CMP_K of it
 * (checked, so the test means what it says), the tree has them apart. */
static void test_fused_taken_apart(void)
{
    FX(fx, "input a: bool\ninput b: bool\ninput c: number [0, 10]\n"
           "define d = a and b or c > 3\n"
           "define e = a and b\n");
    const GdlProgram *p = fx.b.p;
    CU_ASSERT(code_has(p, OP_AND_FACT) || code_has(p, OP_AND_FACT_STORE));
    CU_ASSERT(code_has(p, OP_OR_CMP_K));
    fx_run(&fx, "{\"a\": true, \"b\": false, \"c\": 5}");
    ExplainNode *d = tree(&fx, "d");
    CU_ASSERT_EQUAL(d->kind, XN_OP);
    CU_ASSERT_EQUAL(d->op, OP_OR);
    CU_ASSERT_EQUAL_FATAL(d->nkids, 2);
    ExplainNode *and = d->kids[0], *gt = d->kids[1];
    CU_ASSERT_EQUAL(and->op, OP_AND);
    CU_ASSERT_EQUAL_FATAL(and->nkids, 2);
    CU_ASSERT(is_fact(and->kids[0], p, "a") && is_fact(and->kids[1], p, "b"));
    CU_ASSERT_EQUAL(gt->op, OP_GT);
    CU_ASSERT_EQUAL_FATAL(gt->nkids, 2);
    CU_ASSERT(is_fact(gt->kids[0], p, "c"));
    CU_ASSERT_EQUAL(gt->kids[1]->kind, XN_CONST);
    CU_ASSERT_DOUBLE_EQUAL(gt->kids[1]->value.as.num, 3, 0);
    CU_ASSERT_EQUAL(truth(and), 0);
    CU_ASSERT_EQUAL(truth(gt), 1);
    CU_ASSERT_EQUAL(truth(d), 1);
    ExplainNode *e = tree(&fx, "e");    /* AND_FACT_STORE or AND_STORE: the store is taken off */
    CU_ASSERT_EQUAL(e->op, OP_AND);
    CU_ASSERT_EQUAL(e->nkids, 2);
    fx_close(&fx);
}

/* Kleene: false wins over unknown in 'and', true in 'or'; else unknown. */
static void test_kleene_unknown(void)
{
    FX(fx, "input a: bool\ninput b: bool\ninput c: bool\n"
           "define all3 = a and b and c\n"
           "define any3 = a or b or c\n"
           "define neg = not a\n");
    fx_run(&fx, "{\"b\": false}");
    ExplainNode *all3 = tree(&fx, "all3"), *any3 = tree(&fx, "any3"), *neg = tree(&fx, "neg");
    CU_ASSERT_EQUAL(all3->nkids, 3);    /* one n-ary node */
    CU_ASSERT_EQUAL(truth(all3), 0);
    CU_ASSERT_EQUAL(truth(any3), -1);
    CU_ASSERT_EQUAL(truth(neg), -1);
    CU_ASSERT_EQUAL(truth(all3->kids[0]), -1);
    fx_run(&fx, "{\"c\": true}");
    CU_ASSERT_EQUAL(truth(tree(&fx, "all3")), -1);
    CU_ASSERT_EQUAL(truth(tree(&fx, "any3")), 1);
    fx_close(&fx);
}

static void test_at_least_and_coalesce(void)
{
    FX(fx, "input a: bool\ninput b: bool\ninput c: bool\ninput n: int [0, 10]\n"
           "define two = at_least(2, a, b, c)\n"
           "define how_many = count(a, b, c)\n"
           "define big = coalesce(n, 5) >= 3\n");
    fx_run(&fx, "{\"a\": true, \"c\": false}");
    ExplainNode *two = tree(&fx, "two");
    CU_ASSERT_EQUAL(two->op, OP_AT_LEAST);
    CU_ASSERT_EQUAL_FATAL(two->nkids, 4);   /* the threshold, then the three */
    CU_ASSERT_DOUBLE_EQUAL(two->kids[0]->value.as.num, 2, 0);
    CU_ASSERT_EQUAL(truth(two), -1);        /* one true, one unknown: 2 is still reachable */
    CU_ASSERT_EQUAL(tree(&fx, "how_many")->value.tag, VT_UNKNOWN);
    ExplainNode *big = tree(&fx, "big");
    CU_ASSERT_EQUAL(big->op, OP_GE);
    CU_ASSERT_EQUAL(big->kids[0]->op, OP_COALESCE);
    CU_ASSERT_EQUAL(truth(big), 1);         /* n missing: 5 >= 3 */
    fx_run(&fx, "{\"a\": true, \"b\": true, \"c\": false, \"n\": 1}");
    CU_ASSERT_EQUAL(truth(tree(&fx, "two")), 1);
    CU_ASSERT_DOUBLE_EQUAL(tree(&fx, "how_many")->value.as.num, 2, 0);
    CU_ASSERT_EQUAL(truth(tree(&fx, "big")), 0);
    fx_run(&fx, "{\"a\": false, \"b\": false}");
    CU_ASSERT_EQUAL(truth(tree(&fx, "two")), 0);    /* at most one more can be true */
    fx_close(&fx);
}

#define TABLE_SRC                                                                  \
    "input gate: bool\ninput x: number [0, 20]\ninput ov: enum { low, mid, high }\n" \
    "classify level \"S\" override ov when gate {\n"                               \
    "    when x <= 3 -> low\n    when x <= 6 -> mid\n    otherwise -> high\n}\n"

/* GUARD (when), the override (coalesce) and the rows with their values. */
static void test_classification_rows(void)
{
    FX(fx, TABLE_SRC);
    const GdlProgram *p = fx.b.p;
    CU_ASSERT(code_has(p, OP_GUARD));
    fx_run(&fx, "{\"gate\": true, \"x\": 5}");
    ExplainNode *g = tree(&fx, "level");
    CU_ASSERT_EQUAL_FATAL(g->kind, XN_GUARD);
    CU_ASSERT(is_fact(g->kids[0], p, "level_applies") || g->kids[0]->kind == XN_FACT);
    ExplainNode *co = g->kids[1];
    CU_ASSERT_EQUAL_FATAL(co->op, OP_COALESCE);
    CU_ASSERT(is_fact(co->kids[0], p, "ov"));
    ExplainNode *t = co->kids[1];
    CU_ASSERT_EQUAL_FATAL(t->kind, XN_TABLE);
    CU_ASSERT_EQUAL_FATAL(t->nkids, 3);     /* two rows and the otherwise */
    CU_ASSERT_DOUBLE_EQUAL(t->row_values[0], 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(t->row_values[1], 1, 0);
    CU_ASSERT_EQUAL(truth(t->kids[0]), 0);
    CU_ASSERT_EQUAL(truth(t->kids[1]), 1);
    CU_ASSERT_DOUBLE_EQUAL(t->value.as.num, 1, 0);      /* mid */
    fx_run(&fx, "{\"gate\": true, \"x\": 5, \"ov\": \"high\"}");
    CU_ASSERT_DOUBLE_EQUAL(tree(&fx, "level")->value.as.num, 2, 0);
    fx_run(&fx, "{\"gate\": false, \"x\": 5}");
    CU_ASSERT_EQUAL(tree(&fx, "level")->value.tag, VT_UNKNOWN);
    fx_run(&fx, "{\"gate\": true}");
    CU_ASSERT_EQUAL(tree(&fx, "level")->value.tag, VT_UNKNOWN);
    fx_close(&fx);
}

static char *explain_text(Fx *fx, const char *target)
{
    ExplainOptions opt = { .lang = "en", .depth = EXPLAIN_DEFAULT_DEPTH };
    ByteBuf out = { 0 };
    char err[256];
    const char *targets[1] = { target };
    CU_ASSERT_EQUAL(explain_check_targets(fx->b.p, targets, 1, err, sizeof err), 0);
    CU_ASSERT_EQUAL(explain_write(&fx->vm, targets, 1, &opt, &out, err, sizeof err), 0);
    buf_putc(&out, '\0');
    return (char *)out.data;
}

/* A row's text: the chosen row and why the one above failed. */
static void test_classification_text(void)
{
    FX(fx, TABLE_SRC);
    fx_run(&fx, "{\"gate\": true, \"x\": 5}");
    char *s = explain_text(&fx, "classification:level");
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Classification: level (S) = mid\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  no            row 1 → low: x (5) ≤ 3\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  yes           row 2 → mid (chosen): x (5) ≤ 6\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "(the rows below were not reached)"));
    free(s);
    fx_close(&fx);
}

#define OUTCOME_SRC                                                           \
    "input a: bool\ninput b: bool\ninput c: bool\n"                           \
    "define ab = a and b\n"                                                   \
    "red_flag rf \"1\" in cl -> refer_gp when ab or c\n"

/* Fired: the whole tree; false: the first false part of the 'and' only;
 * unknown: the unknown parts and the missing findings. */
static void test_outcome_texts(void)
{
    static const struct {
        const char *json;
        const char *present[6], *absent[3];
    } CASES[] = {
        { "{\"a\": true, \"b\": true, \"c\": false}",
          { "Red flag: rf (1) — applies\n", "  yes       any of:\n", "  yes         ab, because:\n",
            "  yes             a (yes)\n", "  no          c (no)\n" },         /* fired: every part shown */
          { "Missing:", "not deciding" } },
        { "{\"b\": false, \"c\": false}",
          { "— does not apply\n", "  no              b (no)\n", "(+ 1 other part, not deciding)" },
          { "a (missing)", "Missing:" } },                                   /* only the false part */
        { "{\"a\": true, \"c\": false}",
          { "— undecided\n", "  unknown         b (missing)\n", "  Missing: b\n" },
          { "c (no)", "a (yes)" } },                                         /* known parts left out */
    };
    FX(fx, OUTCOME_SRC);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        fx_run(&fx, CASES[i].json);
        char *s = explain_text(&fx, "red_flag:rf");
        for (size_t k = 0; k < 6 && CASES[i].present[k]; k++)
            if (!strstr(s, CASES[i].present[k])) {
                fprintf(stderr, "\n    case %s: no '%s' in:\n%s", CASES[i].json, CASES[i].present[k], s);
                CU_FAIL("explanation lacks a line");
            }
        for (size_t k = 0; k < 3 && CASES[i].absent[k]; k++)
            if (strstr(s, CASES[i].absent[k])) {
                fprintf(stderr, "\n    case %s: '%s' in:\n%s", CASES[i].json, CASES[i].absent[k], s);
                CU_FAIL("explanation shows what did not decide");
            }
        free(s);
    }
    fx_close(&fx);
}

static void test_targets_checked(void)
{
    FX(fx, OUTCOME_SRC);
    char err[256];
    const char *ok[] = { "red_flag:rf", "define:ab" };
    CU_ASSERT_EQUAL(explain_check_targets(fx.b.p, ok, 2, err, sizeof err), 0);
    const char *typo[] = { "red_flag:rff" };
    CU_ASSERT_EQUAL(explain_check_targets(fx.b.p, typo, 1, err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "no red_flag 'rff' in this guideline; did you mean 'rf'?");
    const char *kind[] = { "redflag:rf" };
    CU_ASSERT_EQUAL(explain_check_targets(fx.b.p, kind, 1, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "KIND one of scope, exclusion, red_flag"));
    for (unsigned k = OK__NONE + 1; k < OK__COUNT; k++) {   /* every outcome kind is a kind of target */
        char word[48];
        snprintf(word, sizeof word, " %s,", gdl_outcome_kind_name((OutcomeKind)k));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, word));
    }
    fx_close(&fx);
}

/* A chain of defines each using the one before six times opens 6^k times
 * within the depth: the openings per target are capped (2000), so the text
 * stays small instead of growing exponentially. */
static void test_openings_capped(void)
{
    FX(fx, "input x: bool\n"
           "define d1 = x and x and x and x and x and x\n"
           "define d2 = d1 and d1 and d1 and d1 and d1 and d1\n"
           "define d3 = d2 and d2 and d2 and d2 and d2 and d2\n"
           "define d4 = d3 and d3 and d3 and d3 and d3 and d3\n"
           "define d5 = d4 and d4 and d4 and d4 and d4 and d4\n"
           "define d6 = d5 and d5 and d5 and d5 and d5 and d5\n");
    fx_run(&fx, "{\"x\": true}");
    ExplainOptions opt = { .lang = "en", .depth = EXPLAIN_MAX_DEPTH };
    ByteBuf out = { 0 };
    char err[256];
    const char *targets[1] = { "define:d6" };
    CU_ASSERT_EQUAL(explain_write(&fx.vm, targets, 1, &opt, &out, err, sizeof err), 0);
    unsigned openings = 0;
    for (size_t i = 0; i + 9 <= out.len; i++)
        openings += memcmp(out.data + i, ", because", 9) == 0;
    CU_ASSERT(openings > 1000);     /* 6 + 36 + ... + 6^5 = 9330 without the cap */
    CU_ASSERT(openings <= 2000);
    buf_free(&out);
    fx_close(&fx);
}

/* ---- hand-made bytecode ---------------------------------------------------- */

GdlProgram *test_verify_program_new(void);
void test_verify_program_free(GdlProgram *p);

/* Builds and evaluates every derived fact of p after a run with every input
 * unknown; how many trees disagree with the run (-1: a fact has none). */
static int explain_all(GdlProgram *p)
{
    GdlVm vm;
    ExplainIndex x;
    Arena a;
    if (gdl_vm_init(&vm, p) != 0)
        return -2;
    if (explain_index_init(&x, p) != 0) {
        gdl_vm_free(&vm);
        return -2;
    }
    arena_init(&a, 0);
    gdl_vm_reset_case(&vm);
    gdl_vm_run(&vm);
    int bad = 0;
    char err[256];
    for (uint32_t f = p->ninputs; f < p->nfacts && bad >= 0; f++) {
        ExplainNode *n = explain_build(&x, f, &a, err, sizeof err);
        if (!n) {
            bad = -1;
            break;
        }
        explain_eval(&vm, n);
        bad += !explain_same_value(&n->value, &vm.facts[f]);
    }
    arena_free(&a);
    explain_index_free(&x);
    gdl_vm_free(&vm);
    return bad;
}

/* The verifier's hand-made program (test_verify.c): a table whose
 * otherwise ends in JUMP, at_least, count and sum_items. Then every
 * single-bit flip of its code that still verifies: a tree or a refusal,
 * never a crash (the sanitizer build runs this too). */
static void test_hand_made_code(void)
{
    GdlProgram *p = test_verify_program_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(explain_all(p), 0);
    unsigned verified = 0;
    char err[256];
    for (uint32_t i = 0; i < p->ncode; i++)
        for (int bit = 0; bit < 8; bit++) {
            p->code[i] ^= (uint8_t)(1u << bit);
            if (gdl_verify(p, err, sizeof err) == 0) {
                verified++;
                explain_all(p);
            }
            p->code[i] ^= (uint8_t)(1u << bit);
        }
    CU_ASSERT(verified > 0);
    test_verify_program_free(p);
}

/* A chain of ADD on a stack of two makes a tree as high as the code is
 * long: over EXPLAIN_MAX_HEIGHT it is refused, not recursed into. */
static void test_height_limit(void)
{
    for (uint32_t adds = EXPLAIN_MAX_HEIGHT - 2; adds <= EXPLAIN_MAX_HEIGHT + 2; adds += 4) {
        uint8_t *code = calloc(3 + 4 * (size_t)adds + 4, 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(code);
        uint32_t n = 0;
        code[n++] = OP_PUSH_NUM;    /* K[0] */
        n += 2;
        for (uint32_t i = 0; i < adds; i++) {
            code[n++] = OP_PUSH_NUM;
            n += 2;
            code[n++] = OP_ADD;
        }
        code[n++] = OP_STORE_FACT;  /* fact 0 */
        n += 2;
        code[n++] = OP_HALT;
        static const char *strings[] = { "s" };
        static uint32_t lens[] = { 1 };
        double numbers[1] = { 1 };
        GdlFact fact = { .name = 0, .kind = FK_DEFINE, .type = GT_NUMBER, .dep_bit = GDL_NONE, .unit = GDL_NONE };
        GdlProgram p = { .nstrings = 1, .strings = strings, .string_lens = lens, .nnumbers = 1, .numbers = numbers,
                         .nfacts = 1, .facts = &fact, .ncode = n, .code = code, .max_stack = 2 };
        ExplainIndex x;
        Arena a;
        char err[256];
        CU_ASSERT_EQUAL_FATAL(explain_index_init(&x, &p), 0);
        arena_init(&a, 0);
        ExplainNode *t = explain_build(&x, 0, &a, err, sizeof err);
        if (adds + 1 <= EXPLAIN_MAX_HEIGHT) {     /* the root's height is adds + 1 */
            CU_ASSERT_PTR_NOT_NULL(t);
        } else {
            CU_ASSERT_PTR_NULL(t);
        }
        arena_free(&a);
        explain_index_free(&x);
        free(code);
    }
}

/* ---- the shipped guidelines ---------------------------------------------- */

typedef struct {
    const char *guideline;
    const char *cases[16];
} Shipped;

static const Shipped SHIPPED[] = {
    { "guidelines/kngf-lbp-2021.gdl",
      { "examples/lrs-conservative.json", "examples/missing-findings.json", "examples/profile2-reevaluation.json",
        "examples/profile3-week6.json", "examples/red-flag-cauda-equina.json", "examples/single-red-flag-assess.json" } },
    { "guidelines/kngf-lbp-2013.gdl",
      { "examples/kngf-lbp-2013/profile2-week4.json", "examples/kngf-lbp-2013/missing-findings.json" } },
    { "guidelines/msk-lrs.gdl",
      { "examples/msk-lrs/cauda-emergency.json", "examples/msk-lrs/missing-findings.json",
        "examples/msk-lrs/serious-cause-suspected.json" } },
};

/* Every derived fact's tree, evaluated, equals the VM's value; count of
 * mismatches (printed). */
static unsigned check_all_facts(const GdlVm *vm, ExplainNode **trees, const char *what)
{
    unsigned bad = 0;
    for (uint32_t f = vm->p->ninputs; f < vm->p->nfacts; f++) {
        explain_eval(vm, trees[f]);
        if (!explain_same_value(&trees[f]->value, &vm->facts[f]) && bad++ < 5)
            fprintf(stderr, "\n    %s: fact %s disagrees", what, gdl_str(vm->p, vm->p->facts[f].name));
    }
    return bad;
}

static void test_shipped_agree(void)
{
    for (size_t g = 0; g < sizeof SHIPPED / sizeof SHIPPED[0]; g++) {
        Compiler c;
        compiler_init(&c, stderr);
        compiler_add_search_dir(&c, "stdlib");
        Arena out, trees_arena;
        arena_init(&out, 0);
        arena_init(&trees_arena, 0);
        GdlProgram *p = compile_file(&c, SHIPPED[g].guideline, &out);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        GdlVm vm;
        ExplainIndex x;
        CU_ASSERT_EQUAL_FATAL(gdl_vm_init(&vm, p), 0);
        CU_ASSERT_EQUAL_FATAL(explain_index_init(&x, p), 0);
        ExplainNode **trees = calloc(p->nfacts, sizeof *trees);
        CU_ASSERT_PTR_NOT_NULL_FATAL(trees);
        char err[256];
        for (uint32_t f = p->ninputs; f < p->nfacts; f++) {
            trees[f] = explain_build(&x, f, &trees_arena, err, sizeof err);
            if (!trees[f]) {
                fprintf(stderr, "\n    %s\n", err);
                CU_FAIL_FATAL("a shipped fact's code has no tree");
            }
        }
        unsigned bad = 0, cases = 0;
        GdlCaseErrors errs;
        for (size_t i = 0; i < 16 && SHIPPED[g].cases[i]; i++) {
            FILE *f = fopen(SHIPPED[g].cases[i], "rb");
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            char text[65536];
            size_t n = fread(text, 1, sizeof text, f);
            fclose(f);
            CU_ASSERT_EQUAL_FATAL(gdl_case_load_json(&vm, text, n, &errs), 0);
            gdl_vm_run(&vm);
            bad += check_all_facts(&vm, trees, SHIPPED[g].cases[i]);
            cases++;
        }
        char *lines = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&lines, &len);
        CU_ASSERT_EQUAL_FATAL(analysis_boundary_cases(p, m, err, sizeof err), 0);
        fclose(m);
        for (char *line = lines, *nl; line && *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                break;
            if (gdl_case_load_json(&vm, line, (size_t)(nl - line), &errs) != 0)
                continue;
            gdl_vm_run(&vm);
            bad += check_all_facts(&vm, trees, "boundary case");
            cases++;
        }
        CU_ASSERT(cases > 100);
        CU_ASSERT_EQUAL(bad, 0);
        free(lines);
        free(trees);
        explain_index_free(&x);
        gdl_vm_free(&vm);
        arena_free(&trees_arena);
        arena_free(&out);
        compiler_free(&c);
    }
}

void test_explain_register(void)
{
    static const UnitTest tests[] = {
        { "fused_taken_apart", test_fused_taken_apart },
        { "kleene_unknown", test_kleene_unknown },
        { "at_least_and_coalesce", test_at_least_and_coalesce },
        { "classification_rows", test_classification_rows },
        { "classification_text", test_classification_text },
        { "outcome_texts", test_outcome_texts },
        { "targets_checked", test_targets_checked },
        { "openings_capped", test_openings_capped },
        { "hand_made_code", test_hand_made_code },
        { "height_limit", test_height_limit },
        { "shipped_agree", test_shipped_agree },
    };
    UNIT_REGISTER("explain", tests);
}
