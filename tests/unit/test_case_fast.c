/* test_case_fast.c - the case reader's fast path must agree with the strict
 * reader: whenever it accepts a case, the strict reader accepts it too and
 * fills every input slot the same way. Checked on the examples, the golden
 * bad cases, and thousands of seeded mutations of them. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_fast.h"
#include "case_json.h"
#include "case_rules.h"
#include "compile.h"
#include "unit.h"

static const char *const CASE_FILES[] = {
    "examples/profile1-in-scope.json", "examples/profile3.json", "examples/lrs-referral.json",
    "examples/red-flag-cauda-equina.json", "examples/missing-findings.json",
    "examples/out-of-scope-age.json", "tests/golden/cases/wrong-types.json",
    "tests/golden/cases/nulls-are-unknown.json", "tests/golden/cases/misspelled-field.json",
    "tests/golden/cases/nprs-out-of-range.json", "tests/golden/cases/duplicate-key.json",
    "tests/golden/cases/syntax-error.json", "tests/golden/cases/bad-utf8.json",
    "tests/bad/case/numbers-accepted.json", "tests/bad/case/int-fractions-rejected.json",
    "tests/bad/case/list-fractions.json", "tests/bad/case/nul-escape.json",
    "tests/bad/case/crlf.json",
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static bool same_value(const GdlValue *a, const GdlValue *b)
{
    if (a->tag != b->tag)
        return false;
    switch (a->tag) {
    case VT_UNKNOWN: return true;
    case VT_NUM: return memcmp(&a->as.num, &b->as.num, sizeof(double)) == 0;
    case VT_STR: return a->len == b->len && memcmp(a->as.str, b->as.str, a->len) == 0;
    case VT_LIST: return a->len == b->len && memcmp(a->as.items, b->as.items, sizeof(double) * a->len) == 0;
    }
    return false;
}

typedef struct {
    Compiler c;
    Arena out;
    GdlProgram *p;
    GdlVm fast, strict;
    unsigned accepted, checked;
} Fixture;

static bool fixture_open(Fixture *fx)
{
    compiler_init(&fx->c, stderr);
    compiler_add_search_dir(&fx->c, "stdlib");
    arena_init(&fx->out, 0);
    fx->p = compile_file(&fx->c, "guidelines/kngf-lbp-2021.gdl", &fx->out);
    if (!fx->p)
        return false;
    gdl_vm_init(&fx->fast, fx->p);
    gdl_vm_init(&fx->strict, fx->p);
    fx->accepted = fx->checked = 0;
    return true;
}

static void fixture_close(Fixture *fx)
{
    if (fx->p) {
        gdl_vm_free(&fx->fast);
        gdl_vm_free(&fx->strict);
    }
    arena_free(&fx->out);
    compiler_free(&fx->c);
}

/* The property: fast accepts => strict accepts with equal slots. */
static void agree(Fixture *fx, const char *text, size_t len)
{
    static GdlCaseErrors errs;
    gdl_vm_reset_case(&fx->fast);
    bool fast_ok = gdl_case_fast_load(&fx->fast, text, len);
    int strict_rc = gdl_case_load_json_strict(&fx->strict, text, len, &errs);
    fx->checked++;
    if (!fast_ok)
        return;
    fx->accepted++;
    CU_ASSERT_EQUAL_FATAL(strict_rc, 0);
    for (uint32_t f = 0; f < fx->p->ninputs; f++)
        if (!same_value(&fx->fast.facts[f], &fx->strict.facts[f])) {
            CU_FAIL("fast and strict readers disagree on a field");
            fprintf(stderr, "field %s differs on: %.*s\n", gdl_str(fx->p, fx->p->facts[f].name), (int)len, text);
            return;
        }
}

static void test_files_agree(void)
{
    Fixture fx;
    CU_ASSERT_FATAL(fixture_open(&fx));
    for (size_t i = 0; i < sizeof CASE_FILES / sizeof CASE_FILES[0]; i++) {
        size_t len;
        char *text = slurp(CASE_FILES[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        agree(&fx, text, len);
        free(text);
    }
    /* Every valid example takes the fast path. */
    CU_ASSERT(fx.accepted >= 6);
    fixture_close(&fx);
}

/* xorshift: fixed seed, so a failure replays. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_mutations_agree(void)
{
    static const char POOL[] = "{}[]\",:0123456789-+.eE \\tnulrsfa\xc3\xa9\x01";
    Fixture fx;
    CU_ASSERT_FATAL(fixture_open(&fx));
    uint32_t seed = 0x9e3779b9u;
    char *buf = malloc(1 << 16);
    for (size_t i = 0; i < 6; i++) {
        size_t len;
        char *text = slurp(CASE_FILES[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        for (int m = 0; m < 3000 && len + 8 < (1 << 16); m++) {
            memcpy(buf, text, len);
            size_t n = len;
            int edits = 1 + (int)(next_rand(&seed) % 3);
            for (int k = 0; k < edits && n > 1; k++) {
                size_t at = next_rand(&seed) % n;
                char ch = POOL[next_rand(&seed) % (sizeof POOL - 1)];
                switch (next_rand(&seed) % 3) {
                case 0: buf[at] = ch; break;                                        /* replace */
                case 1: memmove(buf + at + 1, buf + at, n - at); buf[at] = ch; n++; break; /* insert */
                default: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;   /* delete */
                }
            }
            agree(&fx, buf, n);
        }
        free(text);
    }
    /* Some mutants stay valid (a digit for a digit, a blank), most do not: both
     * outcomes of the fast path were exercised (455 and 17,545 at this seed). */
    CU_ASSERT(fx.accepted > 300);
    CU_ASSERT(fx.checked - fx.accepted > 10000);
    free(buf);
    fixture_close(&fx);
}

/* The value rules both readers apply (case_rules.c): whole numbers, the
 * 2^53 limit, exclusive and inclusive bounds, lengths. */
static void test_value_rules(void)
{
    GdlFact f = { .type = GT_INT, .flags = IN_HAS_MIN | IN_MIN_EXCL | IN_HAS_MAX, .min = 0, .max = 9007199254740993.0 };
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, false, "3", 1, 3), CASE_NUMBER_OK);
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, false, "3.5", 3, 3.5), CASE_NUMBER_NOT_WHOLE);
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, false, "0", 1, 0), CASE_NUMBER_OUT_OF_RANGE);
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, false, "9007199254740991", 16, 9007199254740991.0), CASE_NUMBER_OK);
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, false, "9007199254740992", 16, 9007199254740992.0), CASE_NUMBER_TOO_LARGE);
    f.type = GT_NUMBER;     /* a number may have a fraction; a list item may not */
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, false, "3.5", 3, 3.5), CASE_NUMBER_OK);
    CU_ASSERT_EQUAL(gdl_case_number_rule(&f, true, "3.5", 3, 3.5), CASE_NUMBER_NOT_WHOLE);
    f.flags = IN_HAS_LEN;
    f.len_min = 2;
    f.len_max = 3;
    CU_ASSERT(!gdl_case_length_ok(&f, 1));
    CU_ASSERT(gdl_case_length_ok(&f, 2));
    CU_ASSERT(gdl_case_length_ok(&f, 3));
    CU_ASSERT(!gdl_case_length_ok(&f, 4));
    f.flags = 0;
    CU_ASSERT(gdl_case_length_ok(&f, 1000));
}

/* The string scan works eight bytes at a time: at every length and every
 * position, a control character, a non-ASCII byte or a backslash inside the
 * string sends the case to the strict reader, and the same byte just after
 * the closing quote (a tab is JSON whitespace there) does not. */
static void test_string_scan_positions(void)
{
    static const unsigned char BAD[] = { 0x01, 0x1f, '\\', 0x7f + 1, 0xc3, 0xff };
    Fixture fx;
    CU_ASSERT_FATAL(fixture_open(&fx));
    int id = gdl_vm_find_input(&fx.fast, "case_id", 7);
    CU_ASSERT_FATAL(id >= 0);
    unsigned wrong = 0;
    for (size_t len = 1; len <= 40; len++) {
        char text[128], s[64];
        memset(s, 'a', len);
        for (size_t k = 0; k <= len; k++) {
            for (size_t b = 0; b < sizeof BAD; b++) {
                if (k < len) {
                    s[k] = (char)BAD[b];
                    int n = snprintf(text, sizeof text, "{\"case_id\": \"%.*s\"}", (int)len, s);
                    s[k] = 'a';
                    agree(&fx, text, (size_t)n);
                    gdl_vm_reset_case(&fx.fast);
                    wrong += gdl_case_fast_load(&fx.fast, text, (size_t)n);    /* must give up */
                }
            }
            if (k == len) {
                int n = snprintf(text, sizeof text, "{\"case_id\": \"%.*s\"\t}", (int)len, s);
                gdl_vm_reset_case(&fx.fast);
                bool ok = gdl_case_fast_load(&fx.fast, text, (size_t)n);
                const GdlValue *v = &fx.fast.facts[id];
                wrong += !ok || v->tag != VT_STR || v->len != len || memcmp(v->as.str, s, len) != 0;
            }
        }
    }
    CU_ASSERT_EQUAL(wrong, 0);
    fixture_close(&fx);
}

void test_case_fast_register(void)
{
    static const UnitTest tests[] = {
        {"examples and bad cases: fast agrees with strict", test_files_agree},
        {"18,000 mutations: fast agrees with strict", test_mutations_agree},
        {"string scan: every length and position", test_string_scan_positions},
        {"value rules: numbers, bounds, lengths", test_value_rules},
    };
    UNIT_REGISTER("case_fast", tests);
}
