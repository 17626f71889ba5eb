/* test_verify.c - CUnit tests for the bytecode verifier (vm/verify.c).
 * A small valid program is built by hand, then broken once per check; each
 * break must be rejected with a located message. Also round trips through
 * .gdlb and replays every truncation and single-bit flip of a written file. */
#include <CUnit/CUnit.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcfile.h"
#include "disasm.h"
#include "opcodes.h"
#include "program.h"
#include "verify.h"
#include "unit.h"

void test_verify_register(void);
/* Shared with test_disasm.c: the hand-made program and its release. */
GdlProgram *test_verify_program_new(void);
void test_verify_program_free(GdlProgram *p);

enum {
    TP_MAX_STRINGS = 32, TP_MAX_NUMBERS = 8, TP_MAX_SYMS = 8, TP_MAX_FACTS = 16,
    TP_MAX_PARAMS = 4, TP_MAX_OUTCOMES = 4, TP_MAX_CODE = 256, TP_MAX_LINES = 16,
    TP_ERR_MAX = 256,
    TP_HASH_OFFSET = 20,    /* bcfile.h: magic 8, major 2, minor 2, size 4, flags 4, then the hash */
    TP_SIZE_OFFSET = 12,
};

/* A program with its own storage; p comes first so a GdlProgram * is a TestProgram *. */
typedef struct {
    GdlProgram p;
    const char *strings[TP_MAX_STRINGS];
    uint32_t lens[TP_MAX_STRINGS];
    double numbers[TP_MAX_NUMBERS];
    uint16_t syms[TP_MAX_SYMS];
    GdlFact facts[TP_MAX_FACTS];
    GdlParam params[TP_MAX_PARAMS];
    GdlOutcome outcomes[TP_MAX_OUTCOMES];
    uint8_t code[TP_MAX_CODE];
    GdlLine lines[TP_MAX_LINES];
    uint16_t sources[2];
    /* where things are in the code, for the mutations */
    uint32_t fact_pc[TP_MAX_FACTS];     /* first instruction of each derived fact */
    uint32_t store_pc[TP_MAX_FACTS];
    uint32_t row2_pc, load_param_pc, at_least_pc, sum_items_pc, push_num_pc, classify_pc, jump_pc,
        count_pc, push_str_pc, not_pc, halt_pc;
} TestProgram;

static const char *const TP_STRINGS[] = {
    "test-guideline", "1.0", "guidelines/test.gdl", "age", "pain", "scores", "start_on", "years",
    "none", "severe", "older", "score_hi", "pain_class", "mild", "in_scope", "exclusion:too_old",
    "too_old", "2.1", "schedule:recheck", "schedule-start:recheck", "recheck", "max_age", "leeftijd",
    "a string constant that is longer than forty characters in total", "source.txt",
};
enum { TP_NSTRINGS = sizeof TP_STRINGS / sizeof TP_STRINGS[0] };

/* Encodes one instruction by its format (jump targets are patched later). */
static uint32_t emit(TestProgram *t, Opcode op, uint32_t a, uint32_t b)
{
    uint32_t pc = t->p.ncode;
    uint8_t *c = t->code + pc;
    c[0] = (uint8_t)op;
    switch ((OpFormat)OP_INFO[op].format) {
    case FMT_NONE: break;
    case FMT_C: c[1] = (uint8_t)a; break;
    case FMT_II: c[1] = (uint8_t)a; c[2] = (uint8_t)b; break;
    case FMT_JK: case FMT_FF:
        c[1] = (uint8_t)a; c[2] = (uint8_t)(a >> 8); c[3] = (uint8_t)b; c[4] = (uint8_t)(b >> 8);
        break;
    default: c[1] = (uint8_t)a; c[2] = (uint8_t)(a >> 8); break;
    }
    t->p.ncode += OP_FORMAT_SIZE[OP_INFO[op].format];
    return pc;
}

static void patch_u16(TestProgram *t, uint32_t at, uint32_t v)
{
    t->code[at] = (uint8_t)v;
    t->code[at + 1] = (uint8_t)(v >> 8);
}

static void add_line(TestProgram *t, uint32_t pc, uint32_t line, uint16_t fact)
{
    t->lines[t->p.nlines++] = (GdlLine){ pc, line, 2, fact };
}

static void set_fact(TestProgram *t, uint32_t i, uint16_t name, FactKind kind, GdlType type, uint16_t dep_bit)
{
    GdlFact *f = &t->facts[i];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->kind = (uint8_t)kind;
    f->type = (uint8_t)type;
    f->dep_bit = dep_bit;
    f->unit = f->text_nl = f->text_en = f->section = f->override = f->applies = GDL_NONE;
}

/* Inputs age, pain, scores, start_on; derived older (define), score_hi (define),
 * pain_class (classify), in_scope (builtin), two outcome conditions and the
 * schedule's start date; one parameter; an exclusion and a schedule. */
static void build_code(TestProgram *t)
{
    t->fact_pc[4] = emit(t, OP_LOAD_FACT, 0, 0);            /* older = age >= max_age */
    t->load_param_pc = emit(t, OP_LOAD_PARAM, 0, 0);
    emit(t, OP_GE, 0, 0);
    t->store_pc[4] = emit(t, OP_STORE_FACT, 4, 0);

    t->fact_pc[5] = t->push_num_pc = emit(t, OP_PUSH_NUM, 0, 0);   /* score_hi = at_least(1, older, sum(scores[1..3]) >= 3) */
    emit(t, OP_LOAD_FACT, 4, 0);
    emit(t, OP_LOAD_FACT, 2, 0);
    t->sum_items_pc = emit(t, OP_SUM_ITEMS, 1, 3);
    emit(t, OP_PUSH_NUM, 1, 0);
    emit(t, OP_GE, 0, 0);
    t->at_least_pc = emit(t, OP_AT_LEAST, 2, 0);
    t->store_pc[5] = emit(t, OP_STORE_FACT, 5, 0);

    t->fact_pc[6] = emit(t, OP_LOAD_FACT, 1, 0);            /* pain_class: pain == severe -> severe, else mild */
    emit(t, OP_PUSH_NUM, 0, 0);
    emit(t, OP_EQ, 0, 0);
    t->classify_pc = emit(t, OP_CLASSIFY_ROW, 0, 0);
    t->row2_pc = emit(t, OP_PUSH_NUM, 2, 0);
    t->jump_pc = emit(t, OP_JUMP, 0, 0);
    t->store_pc[6] = emit(t, OP_STORE_FACT, 6, 0);
    patch_u16(t, t->classify_pc + 1, t->store_pc[6]);
    patch_u16(t, t->jump_pc + 1, t->store_pc[6]);

    t->fact_pc[7] = emit(t, OP_LOAD_FACT, 4, 0);            /* in_scope = not older */
    t->not_pc = emit(t, OP_NOT, 0, 0);
    t->store_pc[7] = emit(t, OP_STORE_FACT, 7, 0);

    t->fact_pc[8] = emit(t, OP_LOAD_FACT, 4, 0);            /* exclusion: count(older, in_scope) >= 1 */
    emit(t, OP_LOAD_FACT, 7, 0);
    t->count_pc = emit(t, OP_COUNT, 2, 0);
    emit(t, OP_PUSH_NUM, 0, 0);
    emit(t, OP_GE, 0, 0);
    t->store_pc[8] = emit(t, OP_STORE_FACT, 8, 0);

    t->fact_pc[9] = t->push_str_pc = emit(t, OP_PUSH_STR, 23, 0);   /* schedule condition */
    emit(t, OP_PUSH_STR, 16, 0);
    emit(t, OP_STR_EQ, 0, 0);
    t->store_pc[9] = emit(t, OP_STORE_FACT, 9, 0);

    t->fact_pc[10] = emit(t, OP_LOAD_FACT, 3, 0);           /* schedule start = start_on */
    t->store_pc[10] = emit(t, OP_STORE_FACT, 10, 0);
    t->halt_pc = emit(t, OP_HALT, 0, 0);
    t->p.max_stack = 4;

    add_line(t, t->fact_pc[4], 10, 4);
    add_line(t, t->fact_pc[5], 12, 5);
    add_line(t, t->fact_pc[6], 14, 6);      /* declaration and first row share a pc, as codegen does */
    add_line(t, t->fact_pc[6], 15, 6);
    add_line(t, t->row2_pc, 16, 6);
    add_line(t, t->fact_pc[7], 20, 7);
    add_line(t, t->fact_pc[8], 22, 8);
    add_line(t, t->fact_pc[9], 25, 9);
    add_line(t, t->fact_pc[10], 25, 10);
}

static TestProgram *tp_new(void)
{
    TestProgram *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    GdlProgram *p = &t->p;
    for (uint32_t i = 0; i < TP_NSTRINGS; i++) {
        t->strings[i] = TP_STRINGS[i];
        t->lens[i] = (uint32_t)strlen(TP_STRINGS[i]);
    }
    p->strings = t->strings;
    p->string_lens = t->lens;
    p->nstrings = TP_NSTRINGS;

    p->meta = (GdlMeta){ 0, GDL_NONE, 1, GDL_NONE, GDL_NONE, GDL_NONE, GDL_NONE, 2, t->sources };
    t->sources[0] = 24;
    t->sources[1] = 2;
    p->source_file = 2;

    t->numbers[0] = 1;
    t->numbers[1] = 3;
    t->numbers[2] = 0;
    p->numbers = t->numbers;
    p->nnumbers = 3;

    t->syms[0] = 8;     /* pain: none, severe */
    t->syms[1] = 9;
    t->syms[2] = 13;    /* pain_class: mild, severe */
    t->syms[3] = 9;
    p->syms = t->syms;
    p->nsyms = 4;

    set_fact(t, 0, 3, FK_INPUT, GT_INT, 0);
    t->facts[0].flags = IN_REQUIRED | IN_HAS_MIN | IN_HAS_MAX;
    t->facts[0].min = 0;
    t->facts[0].max = 130;
    t->facts[0].unit = 7;
    t->facts[0].text_nl = 22;
    t->facts[0].text_en = 3;
    set_fact(t, 1, 4, FK_INPUT, GT_ENUM, 1);
    t->facts[1].sym_first = 0;
    t->facts[1].sym_count = 2;
    set_fact(t, 2, 5, FK_INPUT, GT_LIST_INT, 2);
    t->facts[2].flags = IN_HAS_MIN | IN_HAS_MAX | IN_HAS_LEN;
    t->facts[2].min = 0;
    t->facts[2].max = 5;
    t->facts[2].len_min = 0;
    t->facts[2].len_max = 10;
    set_fact(t, 3, 6, FK_INPUT, GT_DATE, 3);
    set_fact(t, 4, 10, FK_DEFINE, GT_BOOL, GDL_NONE);
    set_fact(t, 5, 11, FK_DEFINE, GT_BOOL, GDL_NONE);
    set_fact(t, 6, 12, FK_CLASSIFY, GT_ENUM, 4);
    t->facts[6].sym_first = 2;
    t->facts[6].sym_count = 2;
    t->facts[6].section = 17;
    set_fact(t, 7, 14, FK_BUILTIN, GT_BOOL, 5);
    set_fact(t, 8, 15, FK_OUTCOME, GT_BOOL, GDL_NONE);
    set_fact(t, 9, 18, FK_OUTCOME, GT_BOOL, GDL_NONE);
    set_fact(t, 10, 19, FK_DATE, GT_DATE, GDL_NONE);
    p->facts = t->facts;
    p->nfacts = 11;
    p->ninputs = 4;
    p->ndep_bits = 6;
    p->in_scope_fact = 7;
    p->red_flagged_fact = GDL_NONE;

    t->params[0] = (GdlParam){ 21, GT_INT, IN_HAS_MIN | IN_HAS_MAX, 7, GDL_NONE, 65, 0, 130, GDL_NONE };
    p->params = t->params;
    p->nparams = 1;

    t->outcomes[0] = (GdlOutcome){ .kind = OK_EXCLUSION, .id = 16, .section = 17, .cluster = GDL_NONE,
                                   .text_nl = GDL_NONE, .text_en = GDL_NONE, .dose = GDL_NONE, .cond = 8,
                                   .from = GDL_NONE, .after_param = GDL_NONE };
    t->outcomes[1] = (GdlOutcome){ .kind = OK_SCHEDULE, .after_unit = AFTER_WEEKS, .id = 20, .section = 17,
                                   .cluster = GDL_NONE, .text_nl = GDL_NONE, .text_en = GDL_NONE,
                                   .dose = GDL_NONE, .cond = 9, .from = 10, .after = 6, .after_param = GDL_NONE };
    p->outcomes = t->outcomes;
    p->noutcomes = 2;

    p->code = t->code;
    p->lines = t->lines;
    build_code(t);
    return t;
}

/* Keeps the inputs and `older` only, with no code: tests then write their own. */
static void tp_tiny(TestProgram *t)
{
    t->p.nfacts = 5;
    t->p.noutcomes = 0;
    t->p.in_scope_fact = GDL_NONE;
    t->p.nlines = 0;
    t->p.ncode = 0;
    memset(t->code, 0, sizeof t->code);
}

GdlProgram *test_verify_program_new(void)
{
    TestProgram *t = tp_new();
    return t ? &t->p : NULL;
}

void test_verify_program_free(GdlProgram *p)
{
    free(p);
}

/* ---- expectations ------------------------------------------------------ */

/* House style: the message after "where: " does not open with a capitalised
 * word and has no final period. Opcode names (all capitals) may open it. */
static bool style_ok(const char *err)
{
    const char *m = strstr(err, ": ");
    if (!m)
        return false;
    m += 2;
    size_t n = strlen(m);
    if (n == 0 || m[n - 1] == '.')
        return false;
    return !(m[0] >= 'A' && m[0] <= 'Z' && m[1] >= 'a' && m[1] <= 'z');
}

/* Verifies and frees t: the verdict must be a failure at `where` whose message contains `words`. */
static bool rejects(TestProgram *t, const char *where, const char *words)
{
    char err[TP_ERR_MAX];
    memset(err, 'X', sizeof err);
    int rc = gdl_verify(&t->p, err, sizeof err);
    size_t wl = strlen(where);
    bool good = rc == -1 && strncmp(err, where, wl) == 0 && err[wl] == ':' && strstr(err, words) && style_ok(err);
    if (!good)
        fprintf(stderr, "\n    got %d \"%s\"; want \"%s: ...%s...\"\n", rc, rc ? err : "", where, words);
    free(t);
    return good;
}

static bool accepts(TestProgram *t)
{
    char err[TP_ERR_MAX];
    int rc = gdl_verify(&t->p, err, sizeof err);
    if (rc != 0 || err[0] != '\0')
        fprintf(stderr, "\n    unexpected rejection: %s\n", err);
    free(t);
    return rc == 0 && err[0] == '\0';
}

/* Builds a fresh program as `t`, applies the mutation, and expects the failure. */
#define EXPECT_REJECT(mutation, where, words)            \
    do {                                                 \
        TestProgram *t = tp_new();                       \
        CU_ASSERT_FATAL(t != NULL);                      \
        mutation;                                        \
        CU_ASSERT(rejects(t, (where), (words)));         \
    } while (0)

#define EXPECT_ACCEPT(mutation)                          \
    do {                                                 \
        TestProgram *t = tp_new();                       \
        CU_ASSERT_FATAL(t != NULL);                      \
        mutation;                                        \
        CU_ASSERT(accepts(t));                           \
    } while (0)

/* The whole message, for the examples the house style quotes. */
static bool rejects_exactly(TestProgram *t, const char *want)
{
    char err[TP_ERR_MAX];
    int rc = gdl_verify(&t->p, err, sizeof err);
    bool good = rc == -1 && strcmp(err, want) == 0;
    if (!good)
        fprintf(stderr, "\n    got %d \"%s\"; want \"%s\"\n", rc, err, want);
    free(t);
    return good;
}

/* ---- the valid program and the opcode table ---------------------------- */

static void test_valid(void)
{
    EXPECT_ACCEPT((void)t);
    EXPECT_ACCEPT(t->p.meta.id = GDL_NONE; t->p.meta.version = GDL_NONE);       /* meta fields may be absent */
    EXPECT_ACCEPT(t->facts[0].unit = GDL_NONE; t->facts[0].text_nl = GDL_NONE);
    EXPECT_ACCEPT(t->facts[6].override = 1);                                     /* an input */
    EXPECT_ACCEPT(t->params[0].value = 130);                                     /* inclusive bounds */
    EXPECT_ACCEPT(t->params[0].value = 0);
    EXPECT_ACCEPT(t->params[0].flags = 0; t->params[0].value = 1e6);             /* unranged */
    EXPECT_ACCEPT(t->params[0].type = GT_STRING; t->params[0].flags = 0; t->params[0].text = 3);  /* 1.3 */
    EXPECT_ACCEPT(t->code[t->sum_items_pc + 1] = 3);                             /* items 3..3 */
    EXPECT_ACCEPT(t->p.max_stack = GDL_MAX_STACK);
    EXPECT_ACCEPT(t->p.nlines = 0);
    EXPECT_ACCEPT(t->p.red_flagged_fact = 7; t->p.in_scope_fact = GDL_NONE);
    EXPECT_ACCEPT(t->outcomes[1].from = GDL_NONE);
    EXPECT_ACCEPT(t->facts[0].flags = IN_HAS_MIN; t->facts[0].max = NAN);        /* an unused bound is ignored */

    /* A jump after the last store may land on the final HALT. */
    TestProgram *t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    tp_tiny(t);
    emit(t, OP_PUSH_TRUE, 0, 0);
    emit(t, OP_STORE_FACT, 4, 0);
    uint32_t j = emit(t, OP_JUMP, 0, 0);
    patch_u16(t, j + 1, emit(t, OP_HALT, 0, 0));
    CU_ASSERT(accepts(t));
}

static void test_arguments(void)
{
    char err[TP_ERR_MAX];
    CU_ASSERT(gdl_verify(NULL, err, sizeof err) == -1);
    CU_ASSERT(strcmp(err, "program: no program") == 0);

    TestProgram *t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT(gdl_verify(&t->p, NULL, 0) == 0);
    t->facts[4].dep_bit = 0;
    CU_ASSERT(gdl_verify(&t->p, NULL, 0) == -1);
    CU_ASSERT(gdl_verify(&t->p, err, 0) == -1);
    char small[8];
    memset(small, 'X', sizeof small);
    CU_ASSERT(gdl_verify(&t->p, small, sizeof small) == -1);
    CU_ASSERT(small[sizeof small - 1] == '\0');
    CU_ASSERT(strcmp(small, "FACT[4]") == 0);
    free(t);
}

/* The verifier derives everything from OP_INFO; these are the shapes it relies on. */
static void test_opcode_table(void)
{
    int terms = 0;
    CU_ASSERT(OP_INVALID == 0);
    for (int op = 0; op < NUM_OPCODES; op++) {
        const OpInfo *i = &OP_INFO[op];
        CU_ASSERT(i->name != NULL && i->doc != NULL);
        CU_ASSERT(i->format < FMT__COUNT);
        CU_ASSERT(i->pop >= -2);
        if (i->pop < 0)
            CU_ASSERT(i->format == FMT_C);
        if (i->flags & OPF_JUMP)
            CU_ASSERT(i->format == FMT_J || i->format == FMT_JK);
        if (!(i->flags & OPF_JUMP))
            CU_ASSERT(i->branch_push == 0);
        terms += (i->flags & OPF_TERM) != 0;
    }
    CU_ASSERT(terms == 1);
    CU_ASSERT(OP_INFO[OP_HALT].flags & OPF_TERM);
    const uint8_t want[FMT__COUNT] = { [FMT_NONE] = 1, [FMT_K] = 3, [FMT_S] = 3, [FMT_F] = 3, [FMT_P] = 3,
                                       [FMT_C] = 2, [FMT_II] = 3, [FMT_J] = 3, [FMT_JK] = 5,
                                       [FMT_FKC] = 6, [FMT_FF] = 5 };
    for (int f = 0; f < FMT__COUNT; f++)
        CU_ASSERT(OP_FORMAT_SIZE[f] == want[f]);
}

/* ---- tables ------------------------------------------------------------ */

static void test_counts(void)
{
    EXPECT_REJECT(t->p.nstrings = 70000, "STRS", "70000 strings exceed the limit of 65535");
    EXPECT_REJECT(t->p.strings = NULL, "STRS", "25 strings but no table");
    EXPECT_REJECT(t->p.string_lens = NULL, "STRS", "string lengths but no table");
    EXPECT_REJECT(t->p.nnumbers = 70000, "NUMS", "exceed the limit");
    EXPECT_REJECT(t->p.numbers = NULL, "NUMS", "no table");
    EXPECT_REJECT(t->p.syms = NULL, "SYMS", "no table");
    EXPECT_REJECT(t->p.nfacts = 70000, "FACT", "70000 facts exceed");
    EXPECT_REJECT(t->p.facts = NULL, "FACT", "no table");
    EXPECT_REJECT(t->p.nparams = 70000, "PARM", "exceed the limit");
    EXPECT_REJECT(t->p.params = NULL, "PARM", "no table");
    EXPECT_REJECT(t->p.outcomes = NULL, "OUTC", "no table");
    EXPECT_REJECT(t->p.ncode = 70000, "CODE", "70000 code bytes exceed");
    EXPECT_REJECT(t->p.code = NULL, "CODE", "no table");
    EXPECT_REJECT(t->p.lines = NULL, "LINE", "no table");
    EXPECT_REJECT(t->p.meta.sources = NULL, "META", "2 sources but no table");
    EXPECT_REJECT(t->p.ninputs = 12, "FACT", "12 inputs but only 11 facts");
    EXPECT_REJECT(t->p.ndep_bits = GDL_MAX_DEP_BITS + 1, "FACT", "4099 dependency bits exceed the limit of 4098");
    EXPECT_REJECT(t->p.ncode = 0, "CODE", "no code");
    EXPECT_REJECT(t->p.max_stack = GDL_MAX_STACK + 1, "CODE", "max_stack 256 exceeds the limit of 255");
}

static void test_strings(void)
{
    EXPECT_REJECT(t->strings[5] = NULL, "STRS[5]", "no text");
    EXPECT_REJECT(t->lens[5] += 1, "STRS[5]", "length 7 but a NUL after 6 bytes");
    EXPECT_REJECT(t->lens[5] -= 1, "STRS[5]", "text is longer");
    EXPECT_REJECT(t->p.meta.title = 900, "META", "title string 900 out of range (25 strings)");
    EXPECT_REJECT(t->p.meta.id = 25, "META", "id string 25 out of range");
    EXPECT_REJECT(t->p.meta.languages = 900, "META", "languages string");
    EXPECT_REJECT(t->p.source_file = GDL_NONE, "META", "source file string missing");
    EXPECT_REJECT(t->sources[1] = 900, "META", "source 1 string 900 out of range");
    EXPECT_REJECT(t->syms[1] = 900, "SYMS[1]", "symbol string 900 out of range");
}

static void test_facts(void)
{
    EXPECT_REJECT(t->facts[3].name = 900, "FACT[3]", "name string 900 out of range (25 strings)");
    EXPECT_REJECT(t->facts[3].name = GDL_NONE, "FACT[3]", "name string missing");
    EXPECT_REJECT(t->facts[0].unit = 900, "FACT[0]", "unit string 900");
    EXPECT_REJECT(t->facts[0].text_nl = 900, "FACT[0]", "text_nl string 900");
    EXPECT_REJECT(t->facts[0].text_en = 25, "FACT[0]", "text_en string 25");
    EXPECT_REJECT(t->facts[6].section = 900, "FACT[6]", "section string 900");
    /* kinds and types */
    EXPECT_REJECT(t->facts[2].kind = FK_DEFINE, "FACT[2]", "define fact among the inputs");
    EXPECT_REJECT(t->facts[5].kind = FK_INPUT, "FACT[5]", "input fact after the first 4 facts");
    EXPECT_REJECT(t->facts[5].kind = 0, "FACT[5]", "invalid kind 0");
    EXPECT_REJECT(t->facts[5].kind = FK__COUNT, "FACT[5]", "invalid kind 7");
    EXPECT_REJECT(t->facts[5].type = 0, "FACT[5]", "invalid type 0");
    EXPECT_REJECT(t->facts[0].type = GT__COUNT, "FACT[0]", "invalid type 8");
    /* dependency bits */
    EXPECT_REJECT(t->facts[0].dep_bit = 6, "FACT[0]", "dep_bit 6 out of range (6 dependency bits)");
    EXPECT_REJECT(t->facts[6].dep_bit = GDL_NONE, "FACT[6]", "dep_bit 65535 out of range");
    EXPECT_REJECT(t->facts[7].dep_bit = 99, "FACT[7]", "dep_bit 99 out of range");
    EXPECT_REJECT(t->facts[4].dep_bit = 0, "FACT[4]", "define fact has dep_bit 0 (must be GDL_NONE)");
    EXPECT_REJECT(t->facts[8].dep_bit = 5, "FACT[8]", "outcome fact has dep_bit 5");
    EXPECT_REJECT(t->facts[10].dep_bit = 5, "FACT[10]", "date fact has dep_bit 5");
    EXPECT_REJECT(t->facts[3].dep_bit = 0, "FACT[3]", "dep_bit 0 already used by fact 0");
    EXPECT_REJECT(t->facts[7].dep_bit = 4, "FACT[7]", "dep_bit 4 already used by fact 6");
    EXPECT_REJECT(t->p.ndep_bits = 5, "FACT[7]", "dep_bit 5 out of range (5 dependency bits)");
    /* enum symbols */
    EXPECT_REJECT(t->facts[1].sym_count = 9, "FACT[1]", "enum symbols 0..9 out of range (4 symbols)");
    EXPECT_REJECT(t->facts[6].sym_first = 3, "FACT[6]", "enum symbols 3..5 out of range");
    EXPECT_REJECT(t->facts[6].sym_first = 0xFFFF, "FACT[6]", "out of range (4 symbols)");
    EXPECT_REJECT(t->facts[1].sym_count = 0, "FACT[1]", "enum fact has no symbols");
    EXPECT_REJECT(t->facts[6].sym_count = 0, "FACT[6]", "enum fact has no symbols");
    /* ranges */
    EXPECT_REJECT(t->facts[0].min = NAN, "FACT[0]", "range minimum is NaN");
    EXPECT_REJECT(t->facts[2].max = NAN, "FACT[2]", "range maximum is NaN");
    EXPECT_REJECT(t->facts[0].min = 200, "FACT[0]", "range [200, 130] is empty");
    EXPECT_REJECT(t->facts[2].len_min = 11, "FACT[2]", "length range [11, 10] is empty");
    EXPECT_REJECT(t->facts[0].flags |= 0x40, "FACT[0]", "unknown flags 0x40");
    /* references */
    EXPECT_REJECT(t->facts[6].override = 4, "FACT[6]", "override fact 4 is not an input (4 inputs)");
    EXPECT_REJECT(t->facts[6].override = 900, "FACT[6]", "override fact 900 is not an input");
    EXPECT_ACCEPT(t->facts[6].applies = 4);                                     /* a bool define */
    EXPECT_REJECT(t->facts[4].applies = 5, "FACT[4]", "applies fact 5 on a fact that is not a classification");
    EXPECT_REJECT(t->facts[6].applies = 0, "FACT[6]", "applies fact 0 is not a boolean define");
    EXPECT_REJECT(t->facts[6].applies = 900, "FACT[6]", "applies fact 900 is not a boolean define");
    EXPECT_REJECT(t->p.in_scope_fact = 4, "FACT", "in_scope fact 4 is not a builtin (kind define)");
    EXPECT_REJECT(t->p.in_scope_fact = 50, "FACT", "in_scope fact 50 out of range (11 facts)");
    EXPECT_REJECT(t->p.red_flagged_fact = 0, "FACT", "red_flagged fact 0 is not a builtin (kind input)");
}

static void test_params(void)
{
    EXPECT_REJECT(t->params[0].name = 900, "PARM[0]", "name string 900 out of range");
    EXPECT_REJECT(t->params[0].unit = 900, "PARM[0]", "unit string 900");
    EXPECT_REJECT(t->params[0].section = 900, "PARM[0]", "section string 900");
    EXPECT_REJECT(t->params[0].type = 0, "PARM[0]", "invalid type 0");
    EXPECT_REJECT(t->params[0].type = GT__COUNT, "PARM[0]", "invalid type 8");
    EXPECT_REJECT(t->params[0].value = NAN, "PARM[0]", "is not finite");
    EXPECT_REJECT(t->params[0].value = INFINITY, "PARM[0]", "value inf is not finite");
    EXPECT_REJECT(t->params[0].flags = 0; t->params[0].value = -INFINITY, "PARM[0]", "is not finite");
    EXPECT_REJECT(t->params[0].value = -1, "PARM[0]", "value -1 below its minimum 0");
    EXPECT_REJECT(t->params[0].value = 131, "PARM[0]", "value 131 above its maximum 130");
    EXPECT_REJECT(t->params[0].value = 0; t->params[0].flags |= IN_MIN_EXCL, "PARM[0]",
                  "value 0 below its minimum (exclusive) 0");
    EXPECT_REJECT(t->params[0].value = 130; t->params[0].flags |= IN_MAX_EXCL, "PARM[0]",
                  "value 130 above its maximum (exclusive) 130");
    EXPECT_REJECT(t->params[0].min = NAN, "PARM[0]", "range minimum is NaN");
    EXPECT_REJECT(t->params[0].max = NAN, "PARM[0]", "range maximum is NaN");
    /* a string parameter's value is its text (format 1.3), and only a string parameter has one */
    EXPECT_REJECT(t->params[0].text = 3, "PARM[0]", "text string 3 on a int parameter");
    EXPECT_REJECT(t->params[0].type = GT_STRING; t->params[0].flags = 0, "PARM[0]",
                  "text string missing (GDL_NONE where one is required)");
    EXPECT_REJECT(t->params[0].type = GT_STRING; t->params[0].flags = 0; t->params[0].text = 900, "PARM[0]",
                  "text string 900 out of range");
    EXPECT_REJECT(t->params[0].min = 200, "PARM[0]", "range [200, 130] is empty");
    EXPECT_REJECT(t->params[0].flags |= 0x80, "PARM[0]", "unknown flags 0x80");
}

/* Outcome 0 as kind, with one text in a further language (strings 7 and text). */
static void with_text(TestProgram *t, OutcomeKind kind, uint16_t text)
{
    static GdlText texts[1];
    t->outcomes[0].kind = (uint8_t)kind;
    t->outcomes[0].strength = kind == OK_ADVICE ? STR_DO : STR_NONE;
    texts[0] = (GdlText){ .outcome = 0, .lang = 7, .text = text };
    t->p.texts = texts;
    t->p.ntexts = 1;
}

static void test_outcomes(void)
{
    EXPECT_REJECT(t->outcomes[0].kind = 0, "OUTC[0]", "invalid kind 0");
    EXPECT_REJECT(t->outcomes[1].kind = OK__COUNT, "OUTC[1]", "invalid kind 7");
    EXPECT_REJECT(t->outcomes[0].action = ACT__COUNT, "OUTC[0]", "invalid action 7");
    /* a red flag may have no action (`-> none`), a referral never */
    EXPECT_REJECT(t->outcomes[0].kind = OK_REFERRAL; t->outcomes[0].action = ACT_NONE, "OUTC[0]",
                  "a referral without an action");
    EXPECT_REJECT(t->outcomes[0].strength = STR__COUNT, "OUTC[0]", "invalid strength 6");
    EXPECT_REJECT(t->outcomes[0].moments = MOMENT__ALL + 1, "OUTC[0]", "invalid moments 0x8");
    EXPECT_REJECT(t->outcomes[1].after_unit = AFTER_MONTHS + 1, "OUTC[1]", "invalid after unit 3");
    /* calendar months (1.6): at most 119, and never from a parameter */
    EXPECT_ACCEPT(t->outcomes[1].after_unit = AFTER_MONTHS; t->outcomes[1].after = 119);
    EXPECT_REJECT(t->outcomes[1].after_unit = AFTER_MONTHS; t->outcomes[1].after = 120, "OUTC[1]",
                  "after 120 months: at most 119");
    /* texts in further languages (1.6): of an advice, with a language and a text */
    EXPECT_ACCEPT(with_text(t, OK_ADVICE, 16));
    EXPECT_REJECT(with_text(t, OK_EXCLUSION, 16), "OUTC text[0]", "text of outcome 0, which is not an advice");
    EXPECT_REJECT(with_text(t, OK_ADVICE, 900), "OUTC text[0]", "text string 900 out of range");
    EXPECT_REJECT(t->outcomes[0].after_param = 0, "OUTC[0]", "after parameter 0 is not a parameter of a schedule");
    EXPECT_REJECT(t->outcomes[1].after_param = 1, "OUTC[1]", "after parameter 1 is not a parameter of a schedule");
    EXPECT_REJECT(t->outcomes[1].after_param = 0, "OUTC[1]",
                  "after parameter 0 is not a number in [0, 3640 days] whose default is after");
    EXPECT_REJECT(t->outcomes[0].cond = 4, "OUTC[0]", "condition fact 4 is not an outcome condition (kind define)");
    EXPECT_REJECT(t->outcomes[0].cond = 10, "OUTC[0]", "condition fact 10 is not an outcome condition (kind date)");
    EXPECT_REJECT(t->outcomes[0].cond = 11, "OUTC[0]", "condition fact 11 out of range (11 facts)");
    EXPECT_REJECT(t->outcomes[0].cond = GDL_NONE, "OUTC[0]", "condition fact 65535 out of range");
    EXPECT_REJECT(t->outcomes[1].from = 4, "OUTC[1]", "start date fact 4 is not a schedule date (kind define)");
    EXPECT_REJECT(t->outcomes[1].from = 99, "OUTC[1]", "start date fact 99 out of range");
    EXPECT_REJECT(t->outcomes[0].id = 900, "OUTC[0]", "id string 900 out of range");
    EXPECT_REJECT(t->outcomes[0].id = GDL_NONE, "OUTC[0]", "id string missing");
    EXPECT_REJECT(t->outcomes[1].section = GDL_NONE, "OUTC[1]", "section string missing");
    EXPECT_REJECT(t->outcomes[0].cluster = 900, "OUTC[0]", "cluster string 900");
    EXPECT_REJECT(t->outcomes[0].text_nl = 900, "OUTC[0]", "text_nl string 900");
    EXPECT_REJECT(t->outcomes[0].text_en = 900, "OUTC[0]", "text_en string 900");
    EXPECT_REJECT(t->outcomes[0].dose = 900, "OUTC[0]", "dose string 900");
}

/* ---- code: decoding and operands --------------------------------------- */

static char *at(char *buf, uint32_t pc)
{
    snprintf(buf, 16, "CODE+0x%04x", pc);
    return buf;
}

static void test_code_decode(void)
{
    char w[16];
    EXPECT_REJECT(t->code[0] = NUM_OPCODES, "CODE+0x0000", "invalid opcode");
    EXPECT_REJECT(t->code[0] = 0xFF, "CODE+0x0000", "invalid opcode 255");
    EXPECT_REJECT(t->code[0] = OP_INVALID, "CODE+0x0000", "opcode 0 (INVALID)");
    EXPECT_REJECT(t->code[t->halt_pc] = OP_LOAD_FACT, at(w, t->halt_pc), "LOAD_FACT needs 3 bytes, 1 left in code");
    EXPECT_REJECT(t->p.ncode -= 2, at(w, t->store_pc[10]), "STORE_FACT needs 3 bytes, 2 left");
    EXPECT_REJECT(t->p.ncode -= 1, at(w, t->store_pc[10]), "code does not end with a terminator");
    /* one operand per format */
    EXPECT_REJECT(t->code[t->push_num_pc + 1] = 3, at(w, t->push_num_pc),
                  "PUSH_NUM number 3 out of range (3 numbers)");
    EXPECT_REJECT(t->code[t->classify_pc + 3] = 3, at(w, t->classify_pc), "CLASSIFY_ROW number 3 out of range");
    EXPECT_REJECT(t->code[t->push_str_pc + 1] = 25, at(w, t->push_str_pc),
                  "PUSH_STR string 25 out of range (25 strings)");
    EXPECT_REJECT(t->code[t->fact_pc[4] + 1] = 11, "CODE+0x0000", "LOAD_FACT fact 11 out of range (11 facts)");
    EXPECT_REJECT(patch_u16(t, t->store_pc[4] + 1, GDL_NONE), at(w, t->store_pc[4]),
                  "STORE_FACT fact 65535 out of range");
    EXPECT_REJECT(t->code[t->load_param_pc + 1] = 1, at(w, t->load_param_pc),
                  "LOAD_PARAM parameter 1 out of range (1 parameters)");
    EXPECT_REJECT(t->code[t->at_least_pc + 1] = 0, at(w, t->at_least_pc), "AT_LEAST count 0 (must be at least 1)");
    EXPECT_REJECT(t->code[t->count_pc + 1] = 0, at(w, t->count_pc), "COUNT count 0");
    EXPECT_REJECT(t->code[t->sum_items_pc + 1] = 0, at(w, t->sum_items_pc), "SUM_ITEMS items 0..3 invalid");
    EXPECT_REJECT(t->code[t->sum_items_pc + 1] = 4, at(w, t->sum_items_pc), "SUM_ITEMS items 4..3 invalid");
}

static void test_code_jumps(void)
{
    char w[16], want[TP_ERR_MAX];
    EXPECT_REJECT(patch_u16(t, t->classify_pc + 1, t->classify_pc), at(w, t->classify_pc),
                  "is not ahead of the jump");
    EXPECT_REJECT(patch_u16(t, t->jump_pc + 1, t->fact_pc[6]), at(w, t->jump_pc), "jumps go forward only");
    EXPECT_REJECT(patch_u16(t, t->jump_pc + 1, t->p.ncode), at(w, t->jump_pc), "is the end of code, past the final HALT");
    EXPECT_REJECT(patch_u16(t, t->jump_pc + 1, t->store_pc[6] + 1), at(w, t->jump_pc),
                  "is inside the instruction at");
    EXPECT_REJECT(patch_u16(t, t->classify_pc + 1, t->jump_pc + 2), at(w, t->classify_pc),
                  "is inside the instruction at");
    EXPECT_REJECT(patch_u16(t, t->classify_pc + 1, t->classify_pc + 2), at(w, t->classify_pc),
                  "is inside the instruction at");
    EXPECT_REJECT(patch_u16(t, t->classify_pc + 1, t->fact_pc[7]), at(w, t->classify_pc),
                  "crosses the STORE_FACT at");
    EXPECT_REJECT(patch_u16(t, t->classify_pc + 1, 0xFFFF), at(w, t->classify_pc), "jump target 65535 outside code");

    /* The message the house style quotes. */
    TestProgram *t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    patch_u16(t, t->jump_pc + 1, 512);
    snprintf(want, sizeof want, "CODE+0x%04x: jump target 512 outside code (size %u)", t->jump_pc, t->p.ncode);
    CU_ASSERT(rejects_exactly(t, want));

    /* Paths that merge with different depths. */
    t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    tp_tiny(t);
    emit(t, OP_PUSH_TRUE, 0, 0);
    emit(t, OP_PUSH_TRUE, 0, 0);
    uint32_t row = emit(t, OP_CLASSIFY_ROW, 0, 0);      /* falls through at 1, jumps at 2 */
    uint32_t join = emit(t, OP_STORE_FACT, 4, 0);
    emit(t, OP_HALT, 0, 0);
    patch_u16(t, row + 1, join);
    CU_ASSERT(rejects_exactly(t, "CODE+0x0007: stack depth 1 here but 2 on the jump from 0x0002"));

    t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    tp_tiny(t);
    emit(t, OP_PUSH_TRUE, 0, 0);
    uint32_t r1 = emit(t, OP_CLASSIFY_ROW, 0, 0);       /* jumps at depth 1 */
    emit(t, OP_PUSH_TRUE, 0, 0);
    emit(t, OP_PUSH_TRUE, 0, 0);
    uint32_t r2 = emit(t, OP_CLASSIFY_ROW, 0, 0);       /* jumps at depth 2 */
    uint32_t end = emit(t, OP_STORE_FACT, 4, 0);
    emit(t, OP_HALT, 0, 0);
    patch_u16(t, r1 + 1, end);
    patch_u16(t, r2 + 1, end);
    snprintf(want, sizeof want, "stack depth 2 on this jump to 0x%04x but 1 on the jump from 0x%04x", end, r1);
    CU_ASSERT(rejects(t, at(w, r2), want));

    /* OP_INFO cannot tell an unconditional jump, so code after JUMP is taken
     * to fall through: skipping a push is refused rather than trusted. */
    t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    tp_tiny(t);
    emit(t, OP_PUSH_TRUE, 0, 0);
    uint32_t jmp = emit(t, OP_JUMP, 0, 0);
    emit(t, OP_PUSH_TRUE, 0, 0);
    uint32_t land = emit(t, OP_STORE_FACT, 4, 0);
    emit(t, OP_HALT, 0, 0);
    patch_u16(t, jmp + 1, land);
    CU_ASSERT(rejects(t, at(w, land), "stack depth 2 here but 1 on the jump"));
}

/* A program of tp_tiny's five facts (fact 4 derived) with code of its own:
 * up to four instructions (to the first OP_INVALID), then HALT if halt. */
typedef struct {
    struct { Opcode op; uint32_t a, b; } code[4];
    const char *where, *words;      /* NULL: accepted */
} TinyCase;

static void check_tiny_cases(const TinyCase *cases, size_t n, bool halt)
{
    for (size_t i = 0; i < n; i++) {
        TestProgram *t = tp_new();
        CU_ASSERT_FATAL(t != NULL);
        tp_tiny(t);
        for (size_t k = 0; k < 4 && cases[i].code[k].op != OP_INVALID; k++)
            emit(t, cases[i].code[k].op, cases[i].code[k].a, cases[i].code[k].b);
        if (halt)
            emit(t, OP_HALT, 0, 0);
        bool ok = cases[i].words ? rejects(t, cases[i].where, cases[i].words) : accepts(t);
        CU_ASSERT(ok);
    }
}

static void test_code_stack(void)
{
    char w[16];
    EXPECT_REJECT(t->p.max_stack = 3, at(w, t->fact_pc[5] + 12), "stack depth 4 exceeds max_stack 3");
    EXPECT_REJECT(t->p.max_stack = 0, "CODE+0x0000", "stack depth 1 exceeds max_stack 0");

    static const TinyCase UNDERFLOWS[] = {
        { { { OP_GE, 0, 0 } }, "CODE+0x0000", "stack underflow: GE pops 2 at stack depth 0" },
        /* AT_LEAST pops count + 1 */
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_PUSH_TRUE, 0, 0 }, { OP_AT_LEAST, 2, 0 } }, "CODE+0x0002",
          "stack underflow: AT_LEAST pops 3 at stack depth 2" },
        /* COUNT pops count */
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_COUNT, 2, 0 } }, "CODE+0x0001", "stack underflow: COUNT pops 2 at stack depth 1" },
    };
    check_tiny_cases(UNDERFLOWS, sizeof UNDERFLOWS / sizeof UNDERFLOWS[0], false);
}

static void test_code_facts(void)
{
    char w[16];
    EXPECT_REJECT(t->code[t->store_pc[4] + 1] = 0, at(w, t->store_pc[4]),
                  "STORE_FACT into input fact 0 'age'");
    EXPECT_REJECT(t->code[t->store_pc[5] + 1] = 4, at(w, t->store_pc[5]),
                  "fact 4 'older' stored twice (first at 0x0007)");
    EXPECT_REJECT(t->code[t->fact_pc[5] + 4] = 7, at(w, t->fact_pc[5] + 3),
                  "LOAD_FACT of fact 7 'in_scope' before its STORE_FACT");
    EXPECT_REJECT(t->code[t->fact_pc[4] + 1] = 4, "CODE+0x0000", "LOAD_FACT of fact 4 'older' before its STORE_FACT");
    EXPECT_REJECT(t->code[t->not_pc] = OP_HALT, at(w, t->not_pc), "HALT before the end of code");
    EXPECT_REJECT(t->code[t->halt_pc] = OP_PUSH_TRUE, at(w, t->halt_pc), "code does not end with a terminator (HALT)");
    EXPECT_REJECT(set_fact(t, 11, 20, FK_DEFINE, GT_BOOL, GDL_NONE); t->p.nfacts = 12, "FACT[11]",
                  "derived fact 'recheck' is never stored");

    static const TinyCase DEPTHS[] = {
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_PUSH_TRUE, 0, 0 }, { OP_STORE_FACT, 4, 0 } }, "CODE+0x0002",
          "STORE_FACT at stack depth 2 (must be 1)" },
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_STORE_FACT, 4, 0 }, { OP_PUSH_TRUE, 0, 0 }, { OP_HALT, 0, 0 } }, "CODE+0x0005",
          "HALT at stack depth 1 (must be 0)" },
        { { { OP_HALT, 0, 0 } }, "FACT[4]", "derived fact 'older' is never stored" },
    };
    check_tiny_cases(DEPTHS, sizeof DEPTHS / sizeof DEPTHS[0], false);
}

/* The fused stores (OPF_STORE) follow the rules of STORE_FACT: the stack
 * empty after them, so each runs at the depth it pops, into a derived fact
 * in range, and a fact they read is stored before. Programs of five facts
 * (fact 4 derived); each ends in HALT. */
static void test_code_fused_stores(void)
{
    static const TinyCase CASES[] = {
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_PUSH_TRUE, 0, 0 }, { OP_AND_STORE, 4, 0 } }, NULL, NULL },
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_OR_STORE, 4, 0 } }, "CODE+0x0001", "stack underflow: OR_STORE pops 2 at stack depth 1" },
        { { { OP_COPY_FACT, 0, 4 } }, NULL, NULL },
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_COPY_FACT, 0, 4 } }, "CODE+0x0001", "COPY_FACT at stack depth 1 (must be 0)" },
        { { { OP_COPY_FACT, 0, 9 } }, "CODE+0x0000", "COPY_FACT fact 9 out of range (5 facts)" },
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_AND_FACT_STORE, 1, 2 } }, "CODE+0x0001", "AND_FACT_STORE into input fact 2" },
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_OR_FACT_STORE, 4, 4 } }, "CODE+0x0001",
          "OR_FACT_STORE of fact 4 'older' before its STORE_FACT" },
        { { { OP_PUSH_TRUE, 0, 0 }, { OP_STORE_FACT, 4, 0 }, { OP_COPY_FACT, 0, 4 } }, "CODE+0x0004",
          "fact 4 'older' stored twice (first at 0x0001)" },
    };
    check_tiny_cases(CASES, sizeof CASES / sizeof CASES[0], true);
}

static void test_lines(void)
{
    EXPECT_REJECT(t->lines[3].pc = 0, "LINE[3]", "pc 0x0000 before the previous entry's 0x001f");
    EXPECT_REJECT(t->lines[0].pc = t->p.ncode, "LINE[0]", "outside code (size");
    EXPECT_REJECT(t->lines[0].pc = 1, "LINE[0]", "pc 0x0001 is not an instruction start");
    EXPECT_REJECT(t->lines[2].file = 900, "LINE[2]", "file string 900 out of range");
    EXPECT_REJECT(t->lines[2].file = GDL_NONE, "LINE[2]", "file string missing");
    EXPECT_REJECT(t->lines[8].fact = 11, "LINE[8]", "fact 11 out of range (11 facts)");
}

/* ---- files ------------------------------------------------------------- */

static void put_le(uint8_t *at_, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        at_[i] = (uint8_t)(v >> (8 * i));
}

/* Reads len bytes from an exact-size copy, so ASan and valgrind see any
 * read past the end; verifies (and lists) what the reader accepts.
 * Returns 0 when read rejected, 1 when verify rejected, 2 when both accepted. */
static int load(const uint8_t *bytes, size_t len, FILE *listing)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    memcpy(copy, bytes, len);
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p = NULL;
    char err[TP_ERR_MAX] = "";
    int verdict = 0;
    if (gdlb_read(copy, len, &a, &p, err, sizeof err) != 0) {
        verdict = err[0] ? 0 : -1;          /* a rejection always says why */
    } else if (gdl_verify(p, err, sizeof err) != 0) {
        verdict = err[0] ? 1 : -1;
    } else {
        verdict = 2;
        if (listing) {
            rewind(listing);
            gdl_disasm(p, listing);
        }
    }
    arena_free(&a);
    free(copy);
    return verdict;
}

static bool write_program(ByteBuf *b)
{
    TestProgram *t = tp_new();
    if (!t)
        return false;
    memset(b, 0, sizeof *b);
    int rc = gdlb_write(&t->p, b);
    free(t);
    return rc == 0;
}

static void test_round_trip(void)
{
    ByteBuf b;
    CU_ASSERT_FATAL(write_program(&b));
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p = NULL;
    char err[TP_ERR_MAX] = "";
    CU_ASSERT_FATAL(gdlb_read(b.data, b.len, &a, &p, err, sizeof err) == 0);
    CU_ASSERT(gdl_verify(p, err, sizeof err) == 0);
    if (err[0])
        fprintf(stderr, "\n    %s\n", err);

    TestProgram *t = tp_new();
    CU_ASSERT_FATAL(t != NULL);
    CU_ASSERT(p->ncode == t->p.ncode && memcmp(p->code, t->code, p->ncode) == 0);
    CU_ASSERT(p->nstrings == t->p.nstrings && strcmp(p->strings[23], TP_STRINGS[23]) == 0);
    CU_ASSERT(p->nfacts == 11 && p->ninputs == 4 && p->ndep_bits == 6 && p->max_stack == 4);
    CU_ASSERT(p->facts[6].sym_first == 2 && p->facts[6].section == 17 && p->facts[0].max == 130);
    CU_ASSERT(p->outcomes[1].from == 10 && p->outcomes[1].after == 6);
    CU_ASSERT(p->nlines == t->p.nlines && p->lines[8].fact == 10);
    CU_ASSERT(p->meta.source_count == 2 && p->meta.sources[0] == 24);

    /* Same program, same bytes. */
    ByteBuf again;
    memset(&again, 0, sizeof again);
    CU_ASSERT(gdlb_write(p, &again) == 0);
    CU_ASSERT(again.len == b.len && memcmp(again.data, b.data, b.len) == 0);
    buf_free(&again);
    free(t);
    arena_free(&a);
    buf_free(&b);
}

static void test_truncated(void)
{
    ByteBuf b;
    CU_ASSERT_FATAL(write_program(&b));
    uint8_t *work = malloc(b.len);
    CU_ASSERT_FATAL(work != NULL);
    int bad = 0, bad_patched = 0;
    for (size_t len = 0; len < b.len; len++) {
        bad += load(b.data, len, NULL) != 0;
        /* Make the header agree with the shorter file, so the section reader is what must catch it. */
        if (len >= GDLB_HEADER_SIZE) {
            memcpy(work, b.data, len);
            put_le(work + TP_SIZE_OFFSET, len, 4);
            put_le(work + TP_HASH_OFFSET, gdlb_hash(work, len), 8);
            bad_patched += load(work, len, NULL) != 0;
        }
    }
    CU_ASSERT(bad == 0);
    CU_ASSERT(bad_patched == 0);
    CU_ASSERT(load(b.data, b.len, NULL) == 2);
    free(work);
    buf_free(&b);
}

static void test_bit_flips(void)
{
    ByteBuf b;
    CU_ASSERT_FATAL(write_program(&b));
    uint8_t *work = malloc(b.len);
    CU_ASSERT_FATAL(work != NULL);
    FILE *listing = tmpfile();
    CU_ASSERT_FATAL(listing != NULL);
    int not_rejected = 0, by_verify = 0, accepted = 0, errors = 0;
    for (size_t i = 0; i < b.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(work, b.data, b.len);
            work[i] ^= (uint8_t)(1u << bit);
            /* As written: the hash catches every single-bit flip. */
            int v = load(work, b.len, NULL);
            not_rejected += v == 2;
            errors += v < 0;
            /* With the hash recomputed, the reader and then the verifier must
             * catch what matters; whatever both accept must list without harm. */
            put_le(work + TP_HASH_OFFSET, 0, 8);
            put_le(work + TP_HASH_OFFSET, gdlb_hash(work, b.len), 8);
            v = load(work, b.len, listing);
            by_verify += v == 1;
            accepted += v == 2;
            errors += v < 0;
        }
    }
    CU_ASSERT(not_rejected == 0);
    CU_ASSERT(errors == 0);
    CU_ASSERT(by_verify > 0);      /* the verifier, not only the reader, was exercised */
    CU_ASSERT(accepted > 0);       /* string bytes, line numbers and the like may change freely */
    fclose(listing);
    free(work);
    buf_free(&b);
}

void test_verify_register(void)
{
    static const UnitTest tests[] = {
        { "valid", test_valid },
        { "arguments", test_arguments },
        { "opcode_table", test_opcode_table },
        { "counts", test_counts },
        { "strings", test_strings },
        { "facts", test_facts },
        { "params", test_params },
        { "outcomes", test_outcomes },
        { "code_decode", test_code_decode },
        { "code_jumps", test_code_jumps },
        { "code_stack", test_code_stack },
        { "code_facts", test_code_facts },
        { "code_fused_stores", test_code_fused_stores },
        { "lines", test_lines },
        { "round_trip", test_round_trip },
        { "truncated", test_truncated },
        { "bit_flips", test_bit_flips },
    };
    UNIT_REGISTER("verify", tests);
}
