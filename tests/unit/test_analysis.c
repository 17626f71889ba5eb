/* test_analysis.c - CUnit tests for gdl verify: the BDD package on its own
 * (bdd.c), then the whole analysis over the corpus tests/verify/: each file
 * shows its planted defect, every counterexample reproduces its finding in
 * the VM, and deleting a red-flag condition from a copy of the 2021
 * guideline makes a property fail. Run from the repository root. */
#include <CUnit/CUnit.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "analysis.h"
#include "bdd.h"
#include "case_json.h"
#include "symexec.h"
#include "unit.h"
#include "vm.h"

/* The shipped KNGF 2021 guideline with its properties. */
#define KNGF_GUIDELINE "guidelines/kngf-lbp-2021.gdl"

static void test_bdd_canonical(void)
{
    BddMgr m;
    CU_ASSERT_FATAL(bdd_init(&m, 3, 0) == 0);
    Bdd a = bdd_var(&m, 0), b = bdd_var(&m, 1), c = bdd_var(&m, 2);
    CU_ASSERT_EQUAL(bdd_and(&m, a, bdd_not(&m, a)), BDD_FALSE);
    CU_ASSERT_EQUAL(bdd_or(&m, a, bdd_not(&m, a)), BDD_TRUE);
    /* De Morgan and absorption give the very same node: the table is canonical. */
    CU_ASSERT_EQUAL(bdd_not(&m, bdd_and(&m, a, b)), bdd_or(&m, bdd_not(&m, a), bdd_not(&m, b)));
    CU_ASSERT_EQUAL(bdd_or(&m, a, bdd_and(&m, a, c)), a);
    CU_ASSERT_EQUAL(bdd_and_not(&m, bdd_or(&m, a, b), a), bdd_and(&m, b, bdd_not(&m, a)));
    CU_ASSERT_EQUAL(bdd_size(&m, bdd_and(&m, a, bdd_and(&m, b, c))), 3);
    bdd_free(&m);
}

static void test_bdd_sat_one_least(void)
{
    BddMgr m;
    CU_ASSERT_FATAL(bdd_init(&m, 3, 0) == 0);
    Bdd a = bdd_var(&m, 0), b = bdd_var(&m, 1), c = bdd_var(&m, 2);
    uint8_t v[3];
    CU_ASSERT(bdd_sat_one(&m, bdd_and(&m, a, bdd_and(&m, bdd_not(&m, b), c)), v));
    CU_ASSERT(v[0] == 1 && v[1] == 0 && v[2] == 1);
    /* a or b: a stays 0, b becomes 1; c is not tested and stays 0 */
    CU_ASSERT(bdd_sat_one(&m, bdd_or(&m, a, b), v));
    CU_ASSERT(v[0] == 0 && v[1] == 1 && v[2] == 0);
    /* not a, b and c; or a: taking the 0-branch first would set two variables, one suffices */
    Bdd f = bdd_or(&m, bdd_and(&m, bdd_not(&m, a), bdd_and(&m, b, c)), a);
    CU_ASSERT(bdd_sat_one(&m, f, v));
    CU_ASSERT(v[0] == 1 && v[1] == 0 && v[2] == 0);
    CU_ASSERT(!bdd_sat_one(&m, BDD_FALSE, v));
    bdd_free(&m);
}

static void test_bdd_node_limit(void)
{
    BddMgr m;
    CU_ASSERT_FATAL(bdd_init(&m, 16, 8) == 0);
    Bdd f = BDD_FALSE;
    for (uint32_t i = 0; i < 16; i += 2)   /* x0 x1 + x2 x3 + ...: more than 8 nodes */
        f = bdd_or(&m, f, bdd_and(&m, bdd_var(&m, i), bdd_var(&m, i + 1)));
    CU_ASSERT(m.overflow);
    bdd_free(&m);
}

/* Garbage collection keeps what is marked, at the same indices, frees the
 * rest for reuse, and leaves the unique table canonical. */
static void test_bdd_collect(void)
{
    BddMgr m;
    CU_ASSERT_FATAL(bdd_init(&m, 8, 0) == 0);
    Bdd f = BDD_FALSE, g = BDD_TRUE;
    for (uint32_t i = 0; i < 8; i += 2) {
        f = bdd_or(&m, f, bdd_and(&m, bdd_var(&m, i), bdd_var(&m, i + 1)));
        g = bdd_and(&m, g, bdd_or(&m, bdd_var(&m, i), bdd_not(&m, bdd_var(&m, i + 1))));
    }
    uint32_t size_f = bdd_size(&m, f), slots = m.count;
    CU_ASSERT(bdd_nodes_in_use(&m) > size_f + 2);
    bdd_mark(&m, f);
    CU_ASSERT_EQUAL(bdd_sweep(&m), size_f + 2);     /* f's nodes and the two terminals */
    CU_ASSERT_EQUAL(bdd_size(&m, f), size_f);
    /* the same function built again is the very same node: nothing new */
    Bdd again = BDD_FALSE;
    for (uint32_t i = 0; i < 8; i += 2)
        again = bdd_or(&m, again, bdd_and(&m, bdd_var(&m, i), bdd_var(&m, i + 1)));
    CU_ASSERT_EQUAL(again, f);
    /* g again, from freed slots: no new slot, and the operations still agree */
    Bdd g2 = BDD_TRUE;
    for (uint32_t i = 0; i < 8; i += 2)
        g2 = bdd_and(&m, g2, bdd_or(&m, bdd_var(&m, i), bdd_not(&m, bdd_var(&m, i + 1))));
    CU_ASSERT(m.count <= slots);
    CU_ASSERT_EQUAL(bdd_and(&m, f, bdd_not(&m, f)), BDD_FALSE);
    CU_ASSERT_EQUAL(bdd_or(&m, bdd_and(&m, f, g2), bdd_and_not(&m, f, g2)), f);
    uint8_t v[8];
    CU_ASSERT(bdd_sat_one(&m, f, v) && v[0] == 0 && v[6] == 1 && v[7] == 1);
    bdd_free(&m);
}

/* Compiles path with its properties and verifies it into out. */
static int verify_file(const char *path, const char *text, Findings *out, Compiler *c, Arena *a, GdlProgram **p)
{
    compiler_init(c, stderr);
    c->with_properties = true;
    compiler_add_search_dir(c, "stdlib");
    arena_init(a, 0);
    if (text) {
        compile_load_text(c, path, text, strlen(text));
        if (c->import_failed)
            return -1;
        resolve_declarations(c);
        check_program(c);
        *p = c->diag.errors ? NULL : codegen_program(c, a);
    } else {
        *p = compile_file(c, path, a);
    }
    if (!*p)
        return -1;
    return analysis_run(c, *p, out);
}

static const struct {
    const char *file;
    FindingKind kind;       /* the planted defect */
} PLANTED[] = {
    { "unsatisfiable.gdl", FINDING_UNSATISFIABLE }, { "dead-outcome.gdl", FINDING_DEAD_OUTCOME },
    { "unreachable-row.gdl", FINDING_UNREACHABLE_ROW }, { "contradiction.gdl", FINDING_CONTRADICTION },
    { "unused.gdl", FINDING_UNUSED }, { "property-violated.gdl", FINDING_PROPERTY_VIOLATED },
    { "arithmetic.gdl", FINDING_PROPERTY_VIOLATED }, { "overlap.gdl", FINDING_OVERLAP }, { "gap.gdl", FINDING_GAP },
};

static void test_corpus_defects(void)
{
    for (size_t i = 0; i < sizeof PLANTED / sizeof PLANTED[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "tests/verify/%s", PLANTED[i].file);
        Compiler c;
        Arena a;
        GdlProgram *p;
        Findings f = { 0 };
        CU_ASSERT_FATAL(verify_file(path, NULL, &f, &c, &a, &p) == 0);
        bool found = false;
        for (uint32_t k = 0; k < f.count; k++)
            found |= f.items[k].kind == PLANTED[i].kind;
        if (!found)
            fprintf(stderr, "%s: no %s finding\n", path, FINDING_WORD[PLANTED[i].kind]);
        CU_ASSERT(found);
        findings_free(&f);
        arena_free(&a);
        compiler_free(&c);
    }
    Compiler c;
    Arena a;
    GdlProgram *p;
    Findings f = { 0 };
    CU_ASSERT_FATAL(verify_file("tests/verify/clean.gdl", NULL, &f, &c, &a, &p) == 0);
    CU_ASSERT_EQUAL(f.errors + f.warnings, 0);
    CU_ASSERT_EQUAL(f.proved, 3);
    findings_free(&f);
    arena_free(&a);
    compiler_free(&c);
    /* past a size bound: an error that says so, not a guess */
    CU_ASSERT(verify_file("tests/verify/too-large.gdl", NULL, &f, &c, &a, &p) == -1);
    CU_ASSERT(strstr(f.internal, "too large to verify exactly") != NULL);
    findings_free(&f);
    arena_free(&a);
    compiler_free(&c);
}

/* Every counterexample of every corpus file shows its finding again when
 * the VM runs it, and the empty case does not (the check can fail). */
static void test_counterexamples_reproduce(void)
{
    DIR *d = opendir("tests/verify");
    CU_ASSERT_FATAL(d != NULL);
    unsigned checked = 0;
    for (struct dirent *ent; (ent = readdir(d)) != NULL;) {
        size_t n = strlen(ent->d_name);
        if (n < 5 || strcmp(ent->d_name + n - 4, ".gdl") != 0 || strcmp(ent->d_name, "compile-error.gdl") == 0
            || strcmp(ent->d_name, "too-large.gdl") == 0)
            continue;       /* these two stop before any finding */
        char path[512];
        snprintf(path, sizeof path, "tests/verify/%s", ent->d_name);
        Compiler c;
        Arena a;
        GdlProgram *p;
        Findings f = { 0 };
        CU_ASSERT(verify_file(path, NULL, &f, &c, &a, &p) == 0);
        for (uint32_t k = 0; k < f.count; k++) {
            if (!f.items[k].counterexample)
                continue;
            char why[512];
            CU_ASSERT(analysis_reproduces(&c, p, &f.items[k], f.items[k].counterexample, why, sizeof why));
            CU_ASSERT(!analysis_reproduces(&c, p, &f.items[k], "{}", why, sizeof why));
            checked++;
        }
        findings_free(&f);
        arena_free(&a);
        compiler_free(&c);
    }
    closedir(d);
    CU_ASSERT(checked >= 6);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    if (t && fread(t, 1, (size_t)n, f) != (size_t)n) {
        free(t);
        t = NULL;
    }
    if (t)
        t[n] = '\0';
    fclose(f);
    return t;
}

static uint32_t violations_of(const Findings *f, const char *rule)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < f->count; k++)
        n += f->items[k].kind == FINDING_PROPERTY_VIOLATED && strcmp(f->items[k].rule, rule) == 0;
    return n;
}

/* The shipped 2021 guideline proves its 42 properties. Mutation: urinary
 * retention deleted from the cauda-equina red flag of a copy; the property
 * that protects it must fail. */
static void test_mutation_kngf(void)
{
    const char *path = KNGF_GUIDELINE;
    char *text = read_text(path);
    CU_ASSERT_FATAL(text != NULL);
    const char *rule = "property:retention_is_emergency";
    Compiler c;
    Arena a;
    GdlProgram *p;
    Findings f = { 0 };
    CU_ASSERT_FATAL(verify_file(path, text, &f, &c, &a, &p) == 0);
    CU_ASSERT_EQUAL(violations_of(&f, rule), 0);
    CU_ASSERT_EQUAL(f.proved, 42);      /* every property of the shipped guideline holds */
    CU_ASSERT_EQUAL(f.violated, 0);
    findings_free(&f);
    arena_free(&a);
    compiler_free(&c);
    char *at = strstr(text, "rf_cauda_equina = any(urinary_retention,");
    CU_ASSERT_FATAL(at != NULL);
    at += strlen("rf_cauda_equina = any(");
    memcpy(at, "false            ", strlen("urinary_retention"));     /* same length: lines stay */
    memset(&f, 0, sizeof f);
    CU_ASSERT_FATAL(verify_file(path, text, &f, &c, &a, &p) == 0);
    CU_ASSERT_EQUAL(violations_of(&f, rule), 1);
    findings_free(&f);
    arena_free(&a);
    compiler_free(&c);
    free(text);
}

/* A red-flag-like model: `clusters` groups of `features` Kleene inputs,
 * declared interleaved (one feature of every group, then the next), each
 * group counted with at_least(2, ...), any group enough. In declaration
 * order the count of every group stays open across all the others; the
 * variable order must put a group's inputs side by side. */
static char *clustered_guideline(uint32_t clusters, uint32_t features)
{
    size_t cap = 4096 + (size_t)clusters * features * 64, n = 0;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    n += (size_t)snprintf(t + n, cap - n, "guideline order { title \"order\" version \"1\" status draft language en }\n");
    for (uint32_t k = 0; k < features; k++)
        for (uint32_t c = 0; c < clusters; c++)
            n += (size_t)snprintf(t + n, cap - n, "input f%u_%u: bool\n", c, k);
    for (uint32_t c = 0; c < clusters; c++) {
        n += (size_t)snprintf(t + n, cap - n, "define cluster%u = at_least(2", c);
        for (uint32_t k = 0; k < features; k++)
            n += (size_t)snprintf(t + n, cap - n, ", f%u_%u", c, k);
        n += (size_t)snprintf(t + n, cap - n, ")\n");
    }
    n += (size_t)snprintf(t + n, cap - n, "define combination = any(cluster0");
    for (uint32_t c = 1; c < clusters; c++)
        n += (size_t)snprintf(t + n, cap - n, ", cluster%u", c);
    snprintf(t + n, cap - n, ")\nadvice send do \"B\" when combination\n    en \"Send.\"\n"
             "property two_of_first \"B\" when f0_0 and f0_1 { expect advice send do }\n"
             "property none_known \"B\" when not known(f0_0) and not known(f1_0) { expect not advice send }\n");
    return t;
}

/* The clustered model verifies exactly (one property holds, one fails) in
 * few nodes: in declaration order 5 groups of 5 took 458335 nodes, in the
 * order of what the facts read 6076. */
static void test_variable_order(void)
{
    char *text = clustered_guideline(5, 5);
    CU_ASSERT_FATAL(text != NULL);
    Compiler c;
    Arena a;
    GdlProgram *p;
    Findings f = { 0 };
    CU_ASSERT_FATAL(verify_file("clustered.gdl", text, &f, &c, &a, &p) == 0);
    CU_ASSERT_EQUAL(f.proved, 1);
    CU_ASSERT_EQUAL(violations_of(&f, "property:none_known"), 1);   /* two other groups can hold */
    findings_free(&f);
    double *params = calloc(p->nparams + 1, sizeof(double));
    CU_ASSERT_FATAL(params != NULL);
    SxEngine e;
    CU_ASSERT_FATAL(sx_run(&e, p, params, false) == 0);
    CU_ASSERT(e.bdd.count < 20000);
    /* the inputs of group 2 (f2_k is input k * 5 + 2) take neighbouring variables */
    for (uint32_t k = 0; k + 1 < 5; k++)
        CU_ASSERT_EQUAL(e.dom[(k + 1) * 5 + 2].first_var, e.dom[k * 5 + 2].first_var + e.dom[k * 5 + 2].nbits);
    sx_free(&e);
    free(params);
    arena_free(&a);
    compiler_free(&c);
    free(text);
}

/* The symbolic run against the VM on the 2021 guideline: for cases drawn
 * from the input points (fixed seed), every derived fact's value as the
 * VM computes it lies in the guard the symbolic run gives that value. */
static void test_symbolic_matches_vm(void)
{
    Compiler c;
    Arena a;
    GdlProgram *p;
    Findings f = { 0 };
    CU_ASSERT_FATAL(verify_file(KNGF_GUIDELINE, NULL, &f, &c, &a, &p) == 0);
    findings_free(&f);
    double *params = calloc(p->nparams + 1, sizeof(double));
    uint32_t *point = calloc(p->ninputs + 1, sizeof(uint32_t));
    CU_ASSERT_FATAL(params && point);
    for (uint32_t i = 0; i < p->nparams; i++)
        params[i] = p->params[i].value;
    SxEngine e;
    CU_ASSERT_FATAL(sx_run(&e, p, params, false) == 0);
    CU_ASSERT(e.bdd.count < BDD_MAX_NODES / 2);     /* well within the bound (1.8M slots) */
    GdlVm vm;
    CU_ASSERT_FATAL(gdl_vm_init(&vm, p) == 0);
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    unsigned mismatches = 0, compared = 0;
    for (int n = 0; n < 400; n++) {
        for (uint32_t i = 0; i < p->ninputs; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t r = (uint32_t)(seed >> 33);
            /* half the cases mostly unknown, half mostly known */
            uint32_t values = e.dom[i].npoints - e.dom[i].has_unknown;
            bool unknown = values == 0 || (e.dom[i].has_unknown && (r % 100) < (n % 2 ? 20u : 80u));
            point[i] = unknown ? 0 : e.dom[i].has_unknown + (r / 100) % values;
        }
        char *json = analysis_case_json(&e, point, NULL, NULL);
        GdlCaseErrors errs;
        CU_ASSERT_FATAL(json && gdl_case_load_json(&vm, json, strlen(json), &errs) == 0);
        gdl_vm_run(&vm);
        for (uint32_t fact = p->ninputs; fact < p->nfacts; fact++) {
            if (p->facts[fact].kind == FK_DATE)
                continue;   /* schedule dates are outputs, not verified */
            const SxVal *v = &e.facts[fact];
            const GdlValue *w = &vm.facts[fact];
            bool ok = w->tag == VT_UNKNOWN ? sx_holds_at(&e, v->unk, point)
                    : w->tag == VT_NUM && sx_holds_at(&e, sx_equals(&e, v, w->as.num), point);
            compared++;
            if (!ok && mismatches++ < 3)
                fprintf(stderr, "fact %s differs for %s\n", gdl_str(p, p->facts[fact].name), json);
        }
        free(json);
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT(compared > 50000);
    gdl_vm_free(&vm);
    sx_free(&e);
    free(params);
    free(point);
    arena_free(&a);
    compiler_free(&c);
}

void test_analysis_register(void);
void test_analysis_register(void)
{
    static const UnitTest tests[] = {
        {"bdd_canonical", test_bdd_canonical},
        {"bdd_sat_one_least", test_bdd_sat_one_least},
        {"bdd_node_limit", test_bdd_node_limit},
        {"bdd_collect", test_bdd_collect},
        {"corpus_defects", test_corpus_defects},
        {"counterexamples_reproduce", test_counterexamples_reproduce},
        {"mutation_kngf", test_mutation_kngf},
        {"variable_order", test_variable_order},
        {"symbolic_matches_vm", test_symbolic_matches_vm},
    };
    UNIT_REGISTER("analysis", tests);
}
