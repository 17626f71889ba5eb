/* test_codegen.c - CUnit tests for compiler/codegen.c: each fact's opcode
 * block (decoded with OP_INFO / OP_FORMAT_SIZE, operands resolved), constant
 * folding, deduplicated pools, max_stack and its limit, and byte-identical
 * .gdlb output for the same source. */
#include <CUnit/CUnit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcfile.h"
#include "buf.h"
#include "compile.h"
#include "opcodes.h"
#include "unit.h"
#include "verify.h"

typedef UnitBuild Built;

static Built *build(const char *body, bool quiet_failure)
{
    Built *b = calloc(1, sizeof *b);
    if (b)
        unit_build(b, body, quiet_failure);
    return b;
}

static void built_free(Built *b)
{
    if (!b)
        return;
    unit_build_free(b);
    free(b);
}

#define BUILD(var, body)                     \
    Built *var = build((body), false);       \
    CU_ASSERT_FATAL(var != NULL);            \
    if (!var->p) {                           \
        CU_FAIL("program did not compile");  \
        built_free(var);                     \
        return;                              \
    }

static uint16_t rd16(const uint8_t *c) { return (uint16_t)(c[0] | c[1] << 8); }

static int fact_by_name(const GdlProgram *p, const char *name)
{
    for (uint32_t f = 0; f < p->nfacts; f++)
        if (strcmp(gdl_str(p, p->facts[f].name), name) == 0)
            return (int)f;
    return -1;
}

/* Instruction start offsets; returns their count. */
static uint32_t decode(const GdlProgram *p, uint32_t *starts, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t pc = 0; pc < p->ncode && n < max;) {
        starts[n++] = pc;
        uint8_t op = p->code[pc];
        if (op >= NUM_OPCODES)
            break;
        pc += OP_FORMAT_SIZE[OP_INFO[op].format];
    }
    return n;
}

static uint32_t index_of(const uint32_t *starts, uint32_t n, uint32_t pc, const GdlProgram *p)
{
    for (uint32_t i = 0; i < n; i++)
        if (starts[i] == pc)
            return i;
    return pc == p->ncode ? n : 0xFFFFFFFFu;
}

/* One instruction as text: name and operands resolved ("LOAD_FACT a",
 * "PUSH_NUM #6", "CLASSIFY_ROW ->6 #0", jump targets as instruction numbers). */
static void insn_text(const GdlProgram *p, const uint32_t *starts, uint32_t n, uint32_t i, char *buf, size_t len)
{
    const uint8_t *c = p->code + starts[i];
    const OpInfo *info = &OP_INFO[c[0]];
    switch ((OpFormat)info->format) {
    case FMT_NONE: snprintf(buf, len, "%s", info->name); break;
    case FMT_K: snprintf(buf, len, "%s #%g", info->name, p->numbers[rd16(c + 1)]); break;
    case FMT_S: snprintf(buf, len, "%s \"%s\"", info->name, gdl_str(p, rd16(c + 1))); break;
    case FMT_F: snprintf(buf, len, "%s %s", info->name, gdl_str(p, p->facts[rd16(c + 1)].name)); break;
    case FMT_P: snprintf(buf, len, "%s %s", info->name, gdl_str(p, p->params[rd16(c + 1)].name)); break;
    case FMT_C: snprintf(buf, len, "%s %u", info->name, c[1]); break;
    case FMT_II: snprintf(buf, len, "%s %u..%u", info->name, c[1], c[2]); break;
    case FMT_J: snprintf(buf, len, "%s ->%u", info->name, index_of(starts, n, rd16(c + 1), p)); break;
    case FMT_JK:
        snprintf(buf, len, "%s ->%u #%g", info->name, index_of(starts, n, rd16(c + 1), p), p->numbers[rd16(c + 3)]);
        break;
    case FMT_FKC: {
        static const char *const CMP_TEXT[CMP__COUNT] = { "==", "!=", "<", "<=", ">", ">=" };
        snprintf(buf, len, "%s %s %s #%g", info->name, gdl_str(p, p->facts[rd16(c + 1)].name),
                 c[5] < CMP__COUNT ? CMP_TEXT[c[5]] : "?", p->numbers[rd16(c + 3)]);
        break;
    }
    case FMT_FF:
        snprintf(buf, len, "%s %s %s", info->name, gdl_str(p, p->facts[rd16(c + 1)].name),
                 gdl_str(p, p->facts[rd16(c + 3)].name));
        break;
    default: snprintf(buf, len, "?"); break;
    }
}

enum { MAX_INSNS = 4096 };

/* The whole program, instructions separated by "; ". */
static char *listing(const GdlProgram *p)
{
    static uint32_t starts[MAX_INSNS];
    uint32_t n = decode(p, starts, MAX_INSNS);
    size_t cap = 64 + (size_t)n * 80;
    char *out = calloc(1, cap);
    if (!out)
        return NULL;
    size_t k = 0;
    for (uint32_t i = 0; i < n && k < cap; i++) {
        char one[128];
        insn_text(p, starts, n, i, one, sizeof one);
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? "; " : "", one);
    }
    return out;
}

/* The block that computes fact `name`: from after the previous store
 * up to and including the store into name. Jump targets are counted from the
 * start of the block. */
static bool block_is(const GdlProgram *p, const char *name, const char *want)
{
    static uint32_t starts[MAX_INSNS];
    uint32_t n = decode(p, starts, MAX_INSNS);
    int f = fact_by_name(p, name);
    uint32_t first = 0, last = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *c = p->code + starts[i];
        if (OP_INFO[c[0]].flags & OPF_STORE) {
            uint16_t stored = rd16(c + (OP_INFO[c[0]].format == FMT_FF ? 3 : 1));
            if (f >= 0 && stored == (uint16_t)f) {
                last = i;
                break;
            }
            first = i + 1;
        }
    }
    char got[2048] = "";
    if (last == 0xFFFFFFFFu) {
        snprintf(got, sizeof got, "<no STORE_FACT %s>", name);
    } else {
        size_t k = 0;
        for (uint32_t i = first; i <= last && k < sizeof got; i++) {
            char one[128];
            insn_text(p, starts, n, i, one, sizeof one);
            const uint8_t *c = p->code + starts[i];
            if (OP_INFO[c[0]].flags & OPF_JUMP) {   /* renumber the target within the block */
                uint32_t t = index_of(starts, n, rd16(c + 1), p);
                char *arrow = strstr(one, "->");
                if (arrow) {
                    char rest[64] = "";
                    const char *sp = strchr(arrow, ' ');
                    if (sp)
                        snprintf(rest, sizeof rest, "%s", sp);
                    snprintf(arrow, sizeof one - (size_t)(arrow - one), "->%u%s", t - first, rest);
                }
            }
            k += (size_t)snprintf(got + k, sizeof got - k, "%s%s", i > first ? "; " : "", one);
        }
    }
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "\n    block of %s:\n      got  %s\n      want %s\n", name, got, want);
        return false;
    }
    return true;
}

#define BLOCK_IS(b, name, want) CU_ASSERT(block_is((b)->p, (name), (want)))

/* Stack depth by walking straight-line code with OP_INFO (exact for code
 * without jumps). */
static uint32_t simulate_max_stack(const GdlProgram *p)
{
    int depth = 0, max = 0;
    for (uint32_t pc = 0; pc < p->ncode;) {
        const uint8_t *c = p->code + pc;
        const OpInfo *info = &OP_INFO[c[0]];
        int pop = info->pop == -1 ? c[1] : info->pop == -2 ? c[1] + 1 : info->pop;
        depth += info->push - pop;
        if (depth > max)
            max = depth;
        pc += OP_FORMAT_SIZE[info->format];
    }
    return (uint32_t)max;
}

/* ---- tests ----------------------------------------------------------- */

static void test_opcode_sequence_logic(void)
{
    BUILD(b, "input a: bool\ninput b: bool\n"
             "define r = a and not b\n");
    char *l = listing(b->p);
    CU_ASSERT_STRING_EQUAL(l, "LOAD_FACT a; LOAD_FACT b; NOT; AND_STORE r; "
                              "PUSH_TRUE; STORE_FACT in_scope; PUSH_FALSE; STORE_FACT red_flagged; HALT");
    free(l);
    /* HALT is the last byte: the code ends in a terminator. */
    BUILD(c, "input a: bool\ndefine off = a == false\ndefine on = true == a\n");
    BLOCK_IS(c, "off", "FACT_CMP_K a == #0; STORE_FACT off");   /* booleans are 0 and 1 */
    BLOCK_IS(c, "on", "FACT_CMP_K a == #1; STORE_FACT on");
    built_free(c);
    CU_ASSERT_EQUAL(b->p->code[b->p->ncode - 1], OP_HALT);
    CU_ASSERT_EQUAL(OP_FORMAT_SIZE[FMT_F], 3);
    built_free(b);
}

static void test_opcode_sequence_outcomes(void)
{
    BUILD(b, "input a: bool\ninput b: bool\n"
             "exclude e1 \"A.1\" when a\n"
             "exclude e2 \"A.1\" when b\n"
             "red_flag rf \"B.1\" in cl -> refer_gp when a and b\n"
             "advice v do \"C.1\"\n  en \"x\"\n");
    BLOCK_IS(b, "exclusion:e1", "COPY_FACT a exclusion:e1");
    BLOCK_IS(b, "exclusion:e2", "COPY_FACT b exclusion:e2");
    BLOCK_IS(b, "red_flag:rf", "LOAD_FACT a; AND_FACT_STORE b red_flag:rf");
    BLOCK_IS(b, "advice:v", "PUSH_TRUE; STORE_FACT advice:v");      /* no `when`: always */
    /* in_scope = not (e1 or e2); red_flagged = any red flag */
    BLOCK_IS(b, "in_scope", "LOAD_FACT exclusion:e1; OR_FACT exclusion:e2; NOT; STORE_FACT in_scope");
    BLOCK_IS(b, "red_flagged", "COPY_FACT red_flag:rf red_flagged");
    CU_ASSERT_EQUAL(b->p->noutcomes, 4);
    built_free(b);
}

/* 'when' is stored in its own fact; GUARD jumps past the whole table (and
 * its override) with unknown when that fact is not true. */
static void test_opcode_sequence_classify_when(void)
{
    BUILD(b, "input a: bool\ninput b: bool\ninput c: bool\ninput ov: enum { x, y }\n"
             "classify k \"S\" override ov when a and c {\n  when b -> x\n  otherwise -> y\n}\n");
    BLOCK_IS(b, "k", "LOAD_FACT classify-applies:k; GUARD ->7; LOAD_FACT ov; LOAD_FACT b; CLASSIFY_ROW ->6 #0; "
                     "OTHERWISE #1; COALESCE; STORE_FACT k");
    int k = fact_by_name(b->p, "k"), app = fact_by_name(b->p, "classify-applies:k");
    CU_ASSERT_FATAL(k >= 0 && app >= 0);
    CU_ASSERT_EQUAL(b->p->facts[k].applies, app);
    CU_ASSERT_EQUAL(b->p->facts[app].kind, FK_DEFINE);
    CU_ASSERT_EQUAL(b->p->facts[app].type, GT_BOOL);
    built_free(b);
}

static void test_opcode_sequence_classify(void)
{
    BUILD(b, "input a: bool\ninput b: bool\ninput ov: enum { x, y, z }\n"
             "classify k \"S\" override ov {\n  when a -> x\n  when b -> y\n  otherwise -> z\n}\n"
             "classify n \"S\" {\n  when a -> 10\n  otherwise -> 20\n}\n");
    /* Rows jump past the table (to COALESCE with the override) with their value. */
    BLOCK_IS(b, "k", "LOAD_FACT ov; LOAD_FACT a; CLASSIFY_ROW ->6 #0; LOAD_FACT b; CLASSIFY_ROW ->6 #1; "
                     "OTHERWISE #2; COALESCE; STORE_FACT k");
    BLOCK_IS(b, "n", "LOAD_FACT a; CLASSIFY_ROW ->3 #10; OTHERWISE #20; STORE_FACT n");
    int k = fact_by_name(b->p, "k"), ov = fact_by_name(b->p, "ov");
    CU_ASSERT_FATAL(k >= 0 && ov >= 0);
    CU_ASSERT_EQUAL(b->p->facts[k].applies, GDL_NONE);
    CU_ASSERT_EQUAL(b->p->facts[k].kind, FK_CLASSIFY);
    CU_ASSERT_EQUAL(b->p->facts[k].override, ov);
    CU_ASSERT_EQUAL(b->p->facts[k].sym_count, 3);
    CU_ASSERT_STRING_EQUAL(gdl_str(b->p, b->p->syms[b->p->facts[k].sym_first + 2]), "z");
    built_free(b);
}

/* A multi-column table compiles to exactly the rows written as any(...),
 * at_least(N, ...) and all(...) of its cells; '-' tests nothing. */
static void test_opcode_sequence_table_cells(void)
{
    BUILD(b, "input a: int [0, 10]\ninput b: bool\ninput s: enum { x, y }\n"
             "classify k \"S\" first {\n  columns a, b, s\n"
             "  when any [>= 7, == true, -] -> 1\n"
             "  when at_least 2 [in [4, 6], -, in { y }] -> 2\n"
             "  when all [-, == false, != x] -> 3\n"
             "  otherwise -> 4\n}\n"
             "classify m \"S\" {\n"
             "  when any(a >= 7, b == true) -> 1\n"
             "  when at_least(2, a in [4, 6], s in { y }) -> 2\n"
             "  when all(b == false, s != x) -> 3\n"
             "  otherwise -> 4\n}\n");
    BLOCK_IS(b, "k", "FACT_CMP_K a >= #7; OR_CMP_K b == #1; CLASSIFY_ROW ->13 #1; PUSH_NUM #2; FACT_CMP_K a >= #4; "
                     "AND_CMP_K a <= #6; FACT_CMP_K s == #1; AT_LEAST 2; CLASSIFY_ROW ->13 #2; FACT_CMP_K b == #0; "
                     "AND_CMP_K s != #0; CLASSIFY_ROW ->13 #3; OTHERWISE #4; STORE_FACT k");
    BLOCK_IS(b, "m", "FACT_CMP_K a >= #7; OR_CMP_K b == #1; CLASSIFY_ROW ->13 #1; PUSH_NUM #2; FACT_CMP_K a >= #4; "
                     "AND_CMP_K a <= #6; FACT_CMP_K s == #1; AT_LEAST 2; CLASSIFY_ROW ->13 #2; FACT_CMP_K b == #0; "
                     "AND_CMP_K s != #0; CLASSIFY_ROW ->13 #3; OTHERWISE #4; STORE_FACT m");
    built_free(b);
}

static void test_opcode_sequence_builtins(void)
{
    BUILD(b, "input a: bool\ninput b: bool\ninput c: bool\ninput x: number\ninput y: number\n"
             "input s: enum { red, green, blue }\ninput name: string\n"
             "input items: list of int length [4, 12]\nparam lim = 5 [0, 10]\n"
             "define r = x in [1, 5)\n"
             "define r2 = x in (1, 5]\n"
             "define st = s in { red, blue }\n"
             "define ne = name != \"bob\"\n"
             "define al = at_least(2, a, b, c)\n"
             "define cn = count(a, b)\n"
             "define su = sum(items, 2, 4)\n"
             "define sl = sum(items)\n"
             "define kn = known(x)\n"
             "define co = coalesce(x, y, 0)\n"
             "define gt = x > lim\n"
             "define ge = s >= green\n"
             "define an = any(a, b, c)\n"
             "define neg = -x\n");
    BLOCK_IS(b, "r", "FACT_CMP_K x >= #1; AND_CMP_K x < #5; STORE_FACT r");
    BLOCK_IS(b, "r2", "FACT_CMP_K x > #1; AND_CMP_K x <= #5; STORE_FACT r2");
    BLOCK_IS(b, "st", "FACT_CMP_K s == #0; OR_CMP_K s == #2; STORE_FACT st");
    BLOCK_IS(b, "ne", "LOAD_FACT name; PUSH_STR \"bob\"; STR_EQ; NOT; STORE_FACT ne");
    BLOCK_IS(b, "al", "PUSH_NUM #2; LOAD_FACT a; LOAD_FACT b; LOAD_FACT c; AT_LEAST 3; STORE_FACT al");
    BLOCK_IS(b, "cn", "LOAD_FACT a; LOAD_FACT b; COUNT 2; STORE_FACT cn");
    BLOCK_IS(b, "su", "LOAD_FACT items; SUM_ITEMS 2..4; STORE_FACT su");
    BLOCK_IS(b, "sl", "LOAD_FACT items; SUM_LIST; STORE_FACT sl");
    BLOCK_IS(b, "kn", "LOAD_FACT x; KNOWN; STORE_FACT kn");
    BLOCK_IS(b, "co", "LOAD_FACT x; LOAD_FACT y; COALESCE; PUSH_NUM #0; COALESCE; STORE_FACT co");
    BLOCK_IS(b, "gt", "LOAD_FACT x; LOAD_PARAM lim; GT; STORE_FACT gt");
    BLOCK_IS(b, "ge", "FACT_CMP_K s >= #1; STORE_FACT ge");
    BLOCK_IS(b, "an", "LOAD_FACT a; OR_FACT b; OR_FACT_STORE c an");
    BLOCK_IS(b, "neg", "LOAD_FACT x; NEG; STORE_FACT neg");
    built_free(b);
}

static void test_schedule_blocks(void)
{
    BUILD(b, "unit weeks\ninput a: bool\ninput first_contact_on: date\ninput assessed_on: date\ninput d: date\n"
             "schedule s1 \"B.2\" after 3 weeks when a\n"
             "schedule s2 \"B.2\" after 2 days from d\n");
    BLOCK_IS(b, "schedule:s1", "COPY_FACT a schedule:s1");
    BLOCK_IS(b, "schedule-start:s1",
             "LOAD_FACT first_contact_on; LOAD_FACT assessed_on; COALESCE; STORE_FACT schedule-start:s1");
    BLOCK_IS(b, "schedule-start:s2", "COPY_FACT d schedule-start:s2");
    CU_ASSERT_EQUAL_FATAL(b->p->noutcomes, 2);
    CU_ASSERT_EQUAL(b->p->outcomes[0].after, 3);
    CU_ASSERT_EQUAL(b->p->outcomes[0].after_unit, AFTER_WEEKS);
    CU_ASSERT_EQUAL(b->p->outcomes[1].after, 2);
    CU_ASSERT_EQUAL(b->p->outcomes[1].after_unit, AFTER_DAYS);
    CU_ASSERT_EQUAL(b->p->outcomes[1].from, fact_by_name(b->p, "schedule-start:s2"));
    built_free(b);
}

static bool pool_has_number(const GdlProgram *p, double v)
{
    for (uint32_t i = 0; i < p->nnumbers; i++)
        if (p->numbers[i] == v)
            return true;
    return false;
}

static void test_constant_folding(void)
{
    BUILD(b, "unit weeks\ninput d: number weeks\ninput x: number\n"
             "define w = d >= 2 * 3 weeks\n"
             "define n = x > -(7 + 4)\n"
             "define q = x / (1 - 1)\n"
             "define m = x * (10 / 4)\n");
    BLOCK_IS(b, "w", "FACT_CMP_K d >= #6; STORE_FACT w");
    BLOCK_IS(b, "n", "FACT_CMP_K x > #-11; STORE_FACT n");
    /* A constant division by zero is left to run time, where it is unknown. */
    BLOCK_IS(b, "q", "LOAD_FACT x; PUSH_NUM #0; DIV; STORE_FACT q");
    BLOCK_IS(b, "m", "LOAD_FACT x; PUSH_NUM #2.5; MUL; STORE_FACT m");
    /* The folded operands never reach the pool. */
    CU_ASSERT(pool_has_number(b->p, 6));
    CU_ASSERT(!pool_has_number(b->p, 2));
    CU_ASSERT(!pool_has_number(b->p, 3));
    CU_ASSERT(!pool_has_number(b->p, 7));
    CU_ASSERT(!pool_has_number(b->p, 4));
    CU_ASSERT(!pool_has_number(b->p, 10));
    built_free(b);
}

#define RICH_SRC                                                                   \
    "unit weeks, days\n"                                                           \
    "input a: bool\n  en \"a\"\ninput b: bool\ninput dur: number [0, 100] weeks\n"   \
    "input name: string length [1, 10]\ninput ov: enum { acute, subacute, chronic }\n" \
    "input assessed_on: date\n"                                                    \
    "param lim = 6 weeks [0 weeks, 52 weeks]\n"                                    \
    "classify phase \"A.1\" override ov {\n"                                       \
    "  when dur <= lim -> acute\n  when dur <= 12 weeks -> subacute\n  otherwise -> chronic\n}\n" \
    "define bob = name == \"bob\" or name == \"bob\"\n"                            \
    "define six = dur > 6 weeks or dur < 6 weeks or dur == 6 weeks\n"              \
    "exclude e1 \"B.2\" when a and dur > 90 weeks\n"                               \
    "red_flag rf \"B.2\" in bob -> refer_gp when b\n"                              \
    "advice v1 do \"B.2\" when phase == acute\n  en \"bob\"\n  dose { sessions: 6, note: \"bob\" }\n" \
    "advice v2 consider \"C.1\" when bob\n  en \"Six.\"\n"                         \
    "schedule s1 \"B.2\" after 6 weeks when phase == chronic\n"                    \
    "measure nprs \"B.3\" at intake, discharge\n"

static void test_deterministic_bytes(void)
{
    BUILD(b1, RICH_SRC);
    Built *b2 = build(RICH_SRC, false);
    CU_ASSERT_FATAL(b2 != NULL && b2->p != NULL);
    ByteBuf w1 = { 0 }, w2 = { 0 };
    CU_ASSERT_EQUAL(gdlb_write(b1->p, &w1), 0);
    CU_ASSERT_EQUAL(gdlb_write(b2->p, &w2), 0);
    CU_ASSERT(w1.len > GDLB_HEADER_SIZE);
    CU_ASSERT_EQUAL(w1.len, w2.len);
    CU_ASSERT(w1.len == w2.len && memcmp(w1.data, w2.data, w1.len) == 0);
    CU_ASSERT(w1.len >= 8 && memcmp(w1.data, "GDLB\r\n\x1a\n", 8) == 0);
    /* Writing the same program twice gives the same bytes too, and a read
     * back program writes the same bytes again. */
    ByteBuf w3 = { 0 };
    CU_ASSERT_EQUAL(gdlb_write(b1->p, &w3), 0);
    CU_ASSERT(w3.len == w1.len && memcmp(w3.data, w1.data, w1.len) == 0);
    Arena ra;
    arena_init(&ra, 0);
    GdlProgram *back = NULL;
    char err[256] = "";
    CU_ASSERT_EQUAL(gdlb_read(w1.data, w1.len, &ra, &back, err, sizeof err), 0);
    if (back) {
        ByteBuf w4 = { 0 };
        CU_ASSERT_EQUAL(gdlb_write(back, &w4), 0);
        CU_ASSERT(w4.len == w1.len && memcmp(w4.data, w1.data, w1.len) == 0);
        buf_free(&w4);
    } else {
        fprintf(stderr, "\n    gdlb_read: %s\n", err);
    }
    arena_free(&ra);
    buf_free(&w1);
    buf_free(&w2);
    buf_free(&w3);
    built_free(b2);
    built_free(b1);
}

static void test_pools_deduplicated(void)
{
    BUILD(b, RICH_SRC);
    const GdlProgram *p = b->p;
    /* Every string once. */
    for (uint32_t i = 0; i < p->nstrings; i++)
        for (uint32_t j = i + 1; j < p->nstrings; j++)
            if (p->string_lens[i] == p->string_lens[j] && memcmp(p->strings[i], p->strings[j], p->string_lens[i]) == 0) {
                fprintf(stderr, "\n    string \"%s\" at %u and %u\n", p->strings[i], i, j);
                CU_FAIL("duplicate string");
            }
    /* Every number once (bitwise). */
    for (uint32_t i = 0; i < p->nnumbers; i++)
        for (uint32_t j = i + 1; j < p->nnumbers; j++)
            if (memcmp(&p->numbers[i], &p->numbers[j], sizeof(double)) == 0) {
                fprintf(stderr, "\n    number %g at %u and %u\n", p->numbers[i], i, j);
                CU_FAIL("duplicate number");
            }
    /* "B.2" is the section of four outcomes... */
    uint32_t b2 = GDL_NONE;
    for (uint32_t i = 0; i < p->nstrings; i++)
        if (strcmp(p->strings[i], "B.2") == 0)
            b2 = i;
    CU_ASSERT_FATAL(b2 != GDL_NONE);
    uint32_t uses = 0;
    for (uint32_t i = 0; i < p->noutcomes; i++)
        uses += p->outcomes[i].section == b2;
    CU_ASSERT_EQUAL(uses, 4);
    /* ... "bob" is a string constant (twice), a cluster and a text: one entry,
     * and every PUSH_STR of it and every PUSH_NUM of 6 use one index. */
    uint32_t bob = GDL_NONE;
    for (uint32_t i = 0; i < p->nstrings; i++)
        if (strcmp(p->strings[i], "bob") == 0)
            bob = i;
    CU_ASSERT_FATAL(bob != GDL_NONE);
    uint32_t npush_str = 0, npush6 = 0, k6 = 0xFFFFFFFFu;
    bool same6 = true;
    for (uint32_t pc = 0; pc < p->ncode;) {
        const uint8_t *c = p->code + pc;
        if (c[0] == OP_PUSH_STR) {
            CU_ASSERT_EQUAL(rd16(c + 1), bob);
            npush_str++;
        }
        /* the constant 6, pushed alone or compared with a fact */
        uint32_t kop = c[0] == OP_PUSH_NUM ? 1 : OP_INFO[c[0]].format == FMT_FKC ? 3 : 0;
        if (kop && p->numbers[rd16(c + kop)] == 6) {
            if (k6 != 0xFFFFFFFFu && k6 != rd16(c + kop))
                same6 = false;
            k6 = rd16(c + kop);
            npush6++;
        }
        pc += OP_FORMAT_SIZE[OP_INFO[c[0]].format];
    }
    CU_ASSERT_EQUAL(npush_str, 2);
    CU_ASSERT_EQUAL(npush6, 3);
    CU_ASSERT(same6);
    uint32_t rf = 0;
    for (uint32_t i = 0; i < p->noutcomes; i++)
        if (p->outcomes[i].kind == OK_RED_FLAG)
            rf = i;
    CU_ASSERT_EQUAL(p->outcomes[rf].cluster, bob);
    built_free(b);
}

/* Each program's max_stack, as the compiler computes it and as simulating
 * its code finds it. */
static const struct {
    const char *source;
    uint32_t max_stack;
} MAX_STACK_CASES[] = {
    /* a and (b and (c and not d)): a, b, c, d on the stack before NOT and the
     * first AND (a fact as right operand would fold into AND_FACT). */
    { "input a: bool\ninput b: bool\ninput c: bool\ninput d: bool\n"
      "define right = a and (b and (c and not d))\ndefine left = a and b and c and d\n", 4 },
    /* Left-nested over facts: a, then AND_FACT b, c, d in place: one deep. */
    { "input a: bool\ninput b: bool\ninput c: bool\ninput d: bool\n"
      "define left = a and b and c and d\n", 1 },
    /* Left-nested over computed operands: never more than two. */
    { "input a: bool\ninput b: bool\ninput c: bool\n"
      "define left = not a and not b and not c\n", 2 },
    /* at_least(2, a, b, c, d): the count and four facts. */
    { "input a: bool\ninput b: bool\ninput c: bool\ninput d: bool\n"
      "define r = at_least(2, a, b, c, d)\n", 5 },
    /* x in [1, 5) and a: FACT_CMP_K x >= 1, then AND_CMP_K x < 5 and
     * AND_FACT_STORE a work in place: one deep. */
    { "input x: number\ninput a: bool\ndefine r = x in [1, 5) and a\n", 1 },
    /* With a computed bound the operands are pushed: x, 1 + n (3 deep). */
    { "input x: number\ninput n: number\ninput a: bool\ndefine r = x in [n + 1, 5) and a\n", 3 },
};

static void test_max_stack(void)
{
    for (size_t i = 0; i < sizeof MAX_STACK_CASES / sizeof MAX_STACK_CASES[0]; i++) {
        BUILD(b, MAX_STACK_CASES[i].source);
        CU_ASSERT_EQUAL(b->p->max_stack, MAX_STACK_CASES[i].max_stack);
        CU_ASSERT_EQUAL(simulate_max_stack(b->p), b->p->max_stack);
        built_free(b);
    }
}

/* A stack deeper than GDL_MAX_STACK is a compile error, not a program. */
static void test_stack_limit(void)
{
    /* a and at_least(1, a x 254): 1 + 1 + 254 = 256 values at once. */
    char src[8192];
    size_t n = (size_t)snprintf(src, sizeof src, "input a: bool\ndefine r = a and at_least(1");
    for (int i = 0; i < 254; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, ", a");
    snprintf(src + n, sizeof src - n, ")\n");
    Built *b = build(src, true);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT_PTR_NULL(b->p);
    CU_ASSERT_PTR_NOT_NULL(strstr(b->diag ? b->diag : "", "t.gdl: error: expressions nest too deeply (stack of 256, limit is 255)"));
    built_free(b);
    /* One fewer fits exactly. */
    n = (size_t)snprintf(src, sizeof src, "input a: bool\ndefine r = a and at_least(1");
    for (int i = 0; i < 253; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, ", a");
    snprintf(src + n, sizeof src - n, ")\n");
    b = build(src, false);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT_PTR_NOT_NULL(b->p);
    if (b->p)
        CU_ASSERT_EQUAL(b->p->max_stack, 255);
    built_free(b);
}

/* BUG (compiler/codegen.c emit, lines 191-194, reported at line 820): once
 * the code passes GDL_MAX_CODE, gen_expr returns early for operands but
 * the operators after them are still emitted, so the tracked depth goes
 * negative and (uint32_t)depth becomes max_stack. A guideline that is only
 * too large then gets a second, false error: "expressions nest too deeply
 * (stack of 4294967295, limit is 255)". */
static void test_code_limit_single_error(void)
{
    /* 400 defines of any(a x 100): about 400 bytes of code each. */
    size_t cap = 400 * 420 + 64, n = 0;
    char *src = malloc(cap);
    CU_ASSERT_FATAL(src != NULL);
    n += (size_t)snprintf(src + n, cap - n, "input a: bool\n");
    for (int d = 0; d < 400; d++) {
        n += (size_t)snprintf(src + n, cap - n, "define d%d = any(a", d);
        for (int i = 1; i < 100; i++)
            n += (size_t)snprintf(src + n, cap - n, ", a");
        n += (size_t)snprintf(src + n, cap - n, ")\n");
    }
    Built *b = build(src, true);
    free(src);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT_PTR_NULL(b->p);
    const char *out = b->diag ? b->diag : "";
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "t.gdl: error: guideline too large: more than 65535 bytes of code\n"));
    CU_ASSERT_EQUAL(b->c.diag.errors, 1);
    if (strstr(out, "nest too deeply"))
        fprintf(stderr, "\n    %s\n", out);
    CU_ASSERT_PTR_NULL(strstr(out, "nest too deeply"));
    built_free(b);
}

static void test_tables(void)
{
    BUILD(b, RICH_SRC);
    const GdlProgram *p = b->p;
    /* Inputs first, in declaration order, each with its own provenance bit. */
    static const char *const inputs[] = { "a", "b", "dur", "name", "ov", "assessed_on" };
    CU_ASSERT_EQUAL_FATAL(p->ninputs, 6);
    for (uint32_t i = 0; i < 6; i++) {
        CU_ASSERT_STRING_EQUAL(gdl_str(p, p->facts[i].name), inputs[i]);
        CU_ASSERT_EQUAL(p->facts[i].kind, FK_INPUT);
        CU_ASSERT_EQUAL(p->facts[i].dep_bit, i);
    }
    CU_ASSERT_EQUAL(p->facts[2].type, GT_NUMBER);
    CU_ASSERT_EQUAL(p->facts[2].flags, IN_HAS_MIN | IN_HAS_MAX);
    CU_ASSERT_DOUBLE_EQUAL(p->facts[2].max, 100, 0);
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->facts[2].unit), "weeks");
    CU_ASSERT_EQUAL(p->facts[3].flags, IN_HAS_LEN);
    CU_ASSERT_EQUAL(p->facts[3].len_min, 1);
    CU_ASSERT_EQUAL(p->facts[3].len_max, 10);
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->facts[0].text_en), "a");
    CU_ASSERT_EQUAL(p->facts[1].text_en, GDL_NONE);
    /* Derived facts: defines have no bit, the classification has the next one. */
    int phase = fact_by_name(p, "phase"), bob = fact_by_name(p, "bob");
    CU_ASSERT_FATAL(phase >= 6 && bob >= 6);
    CU_ASSERT_EQUAL(p->facts[phase].dep_bit, 6);
    CU_ASSERT_EQUAL(p->facts[bob].dep_bit, GDL_NONE);
    CU_ASSERT_EQUAL(p->facts[bob].kind, FK_DEFINE);
    /* ndep_bits: 6 inputs + 1 classification + in_scope + red_flagged */
    CU_ASSERT_EQUAL(p->ndep_bits, 9);
    CU_ASSERT_EQUAL_FATAL(p->nparams, 1);
    CU_ASSERT_DOUBLE_EQUAL(p->params[0].value, 6, 0);
    CU_ASSERT_DOUBLE_EQUAL(p->params[0].max, 52, 0);
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->params[0].unit), "weeks");
    /* Outcomes in declaration order with their vocabularies. */
    CU_ASSERT_EQUAL_FATAL(p->noutcomes, 6);
    CU_ASSERT_EQUAL(p->outcomes[0].kind, OK_EXCLUSION);
    CU_ASSERT_EQUAL(p->outcomes[1].kind, OK_RED_FLAG);
    CU_ASSERT_EQUAL(p->outcomes[1].action, ACT_REFER_GP);
    CU_ASSERT_EQUAL(p->outcomes[2].kind, OK_ADVICE);
    CU_ASSERT_EQUAL(p->outcomes[2].strength, STR_DO);
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->outcomes[2].dose), "{\"sessions\": 6, \"note\": \"bob\"}");
    CU_ASSERT_EQUAL(p->outcomes[3].strength, STR_CONSIDER);
    CU_ASSERT_EQUAL(p->outcomes[3].dose, GDL_NONE);
    CU_ASSERT_EQUAL(p->outcomes[4].kind, OK_SCHEDULE);
    CU_ASSERT_EQUAL(p->outcomes[5].kind, OK_MEASUREMENT);
    CU_ASSERT_EQUAL(p->outcomes[5].moments, MOMENT_INTAKE | MOMENT_DISCHARGE);
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->meta.title), "t");
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->meta.status), "draft");
    CU_ASSERT_STRING_EQUAL(gdl_str(p, p->meta.languages), "en");
    built_free(b);
}

/* Each call lowers its own copy of the function's body, as check.c typed it
 * for that call's arguments: `high` is value 1 of pain's enum, 0 of mood's,
 * also through a function that calls the function. */
static void test_function_expansions(void)
{
    BUILD(b, "input pain: enum { low, high }\ninput mood: enum { high, low }\n"
             "fn is_high(x) = x == high\nfn either(u, v) = is_high(u) or is_high(v)\n"
             "define p = is_high(pain)\ndefine m = is_high(mood)\ndefine e = either(pain, mood)\n");
    BLOCK_IS(b, "p", "LOAD_FACT pain; PUSH_NUM #1; EQ; STORE_FACT p");
    BLOCK_IS(b, "m", "LOAD_FACT mood; PUSH_NUM #0; EQ; STORE_FACT m");
    BLOCK_IS(b, "e", "LOAD_FACT pain; PUSH_NUM #1; EQ; LOAD_FACT mood; PUSH_NUM #0; EQ; OR_STORE e");
    built_free(b);
}

void test_codegen_register(void);
void test_codegen_register(void)
{
    static const UnitTest tests[] = {
        {"opcode_sequence_logic", test_opcode_sequence_logic},
        {"opcode_sequence_outcomes", test_opcode_sequence_outcomes},
        {"opcode_sequence_classify", test_opcode_sequence_classify},
        {"opcode_sequence_classify_when", test_opcode_sequence_classify_when},
        {"opcode_sequence_table_cells", test_opcode_sequence_table_cells},
        {"opcode_sequence_builtins", test_opcode_sequence_builtins},
        {"schedule_blocks", test_schedule_blocks},
        {"constant_folding", test_constant_folding},
        {"deterministic_bytes", test_deterministic_bytes},
        {"pools_deduplicated", test_pools_deduplicated},
        {"max_stack", test_max_stack},
        {"stack_limit", test_stack_limit},
        {"code_limit_single_error", test_code_limit_single_error},
        {"tables", test_tables},
        {"function_expansions", test_function_expansions},
    };
    UNIT_REGISTER("codegen", tests);
}
