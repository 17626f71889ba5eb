/* test_json.c - CUnit tests for the strict JSON reader (vm/json.c).
 * Every input is copied into a malloc'd buffer of exactly its length, so
 * ASan/valgrind catch any read past len; each test frees its arena. */
#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "unit.h"

typedef struct {
    Arena arena;
    JsonValue v;
    JsonError e;
    bool ok;
} Parsed;

/* Parse n bytes of s from an exact-size copy that is freed before returning. */
static bool parse_n(Parsed *r, const char *s, size_t n, const JsonLimits *lim)
{
    char *buf = malloc(n ? n : 1);
    if (!buf)
        return r->ok = false;
    memcpy(buf, s, n);
    arena_init(&r->arena, 0);
    memset(&r->e, 0, sizeof r->e);
    r->ok = json_parse(buf, n, lim, &r->arena, &r->v, &r->e);
    memset(buf, 'X', n);   /* nothing in the tree may point into the input */
    free(buf);
    if (!r->ok)
        fprintf(stderr, "\n    unexpected error %u:%u: %s\n", (unsigned)r->e.line, (unsigned)r->e.col,
                r->e.message);
    return r->ok;
}

#define PARSE(r, lit) parse_n((r), (lit), sizeof(lit) - 1, NULL)

/* The parse must fail with a message containing want, at line:col, in house
 * style (starts lowercase, no final period), and leave *out zeroed. */
static bool check_err(const char *s, size_t n, const JsonLimits *lim, const char *want, uint32_t line,
                      uint32_t col)
{
    char *buf = malloc(n ? n : 1);
    if (!buf)
        return false;
    memcpy(buf, s, n);
    Arena a;
    arena_init(&a, 0);
    JsonValue v;
    memset(&v, 0xAB, sizeof v);
    JsonError e;
    memset(&e, 0, sizeof e);
    bool ok = json_parse(buf, n, lim, &a, &v, &e);
    free(buf);
    size_t ml = strlen(e.message);
    bool good = !ok && strstr(e.message, want) != NULL && e.line == line && e.col == col && ml > 0 &&
                !(e.message[0] >= 'A' && e.message[0] <= 'Z') && e.message[ml - 1] != '.' &&
                v.kind == JSON_NULL && v.line == 0 && v.col == 0;
    if (!good)
        fprintf(stderr, "\n    got ok=%d \"%s\" at %u:%u; want \"%s\" at %u:%u\n", ok, e.message,
                (unsigned)e.line, (unsigned)e.col, want, (unsigned)line, (unsigned)col);
    arena_free(&a);
    return good;
}

#define EXPECT_ERR(lit, want, line, col) CU_ASSERT(check_err((lit), sizeof(lit) - 1, NULL, (want), (line), (col)))
#define EXPECT_ERR_LIM(lit, lim, want, line, col) \
    CU_ASSERT(check_err((lit), sizeof(lit) - 1, (lim), (want), (line), (col)))
#define EXPECT_OK_LIM(lit, lim)                                          \
    do {                                                                 \
        Parsed r_;                                                       \
        CU_ASSERT(parse_n(&r_, (lit), sizeof(lit) - 1, (lim)));          \
        arena_free(&r_.arena);                                           \
    } while (0)

/* Inputs that must fail as check_err says (no limits), one assertion each:
 * the literal with its length (NUL bytes count), message, line, column. */
typedef struct {
    const char *text;
    size_t len;
    const char *want;
    uint32_t line, col;
} ErrCase;
#define ERR_CASE(lit, want, line, col) { (lit), sizeof(lit) - 1, (want), (line), (col) }

static void expect_errs(const ErrCase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CU_ASSERT(check_err(cases[i].text, cases[i].len, NULL, cases[i].want, cases[i].line, cases[i].col));
}
#define EXPECT_ERRS(cases) expect_errs((cases), sizeof(cases) / sizeof((cases)[0]))

static bool str_is(const JsonValue *v, const char *bytes, size_t n)
{
    return v && v->kind == JSON_STRING && v->as.string.len == n && memcmp(v->as.string.chars, bytes, n) == 0 &&
           v->as.string.chars[n] == '\0';
}

/* ---- value kinds ---- */

static void test_scalars(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "null"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_NULL);
    arena_free(&r.arena);
    CU_ASSERT_FATAL(PARSE(&r, "true"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_TRUE);
    arena_free(&r.arena);
    CU_ASSERT_FATAL(PARSE(&r, "false"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_FALSE);
    arena_free(&r.arena);
    CU_ASSERT_FATAL(PARSE(&r, "42"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_NUMBER);
    CU_ASSERT_DOUBLE_EQUAL(r.v.as.number.value, 42.0, 0.0);
    arena_free(&r.arena);
    CU_ASSERT_FATAL(PARSE(&r, "\"hi\""));
    CU_ASSERT(str_is(&r.v, "hi", 2));
    arena_free(&r.arena);
    CU_ASSERT_FATAL(PARSE(&r, " \t\r\n 7 \n\t"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_NUMBER);
    CU_ASSERT_EQUAL(r.v.line, 2);
    CU_ASSERT_EQUAL(r.v.col, 2);
    arena_free(&r.arena);
}

static void test_containers(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "[]"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_ARRAY);
    CU_ASSERT_EQUAL(r.v.as.array.count, 0);
    arena_free(&r.arena);
    CU_ASSERT_FATAL(PARSE(&r, "{ }"));
    CU_ASSERT_EQUAL(r.v.kind, JSON_OBJECT);
    CU_ASSERT_EQUAL(r.v.as.object.count, 0);
    arena_free(&r.arena);

    CU_ASSERT_FATAL(PARSE(&r, "[null, true, false, 1.5, \"s\", [], {}]"));
    CU_ASSERT_EQUAL_FATAL(r.v.as.array.count, 7);
    const JsonValue *it = r.v.as.array.items;
    JsonKind want[] = {JSON_NULL, JSON_TRUE, JSON_FALSE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT};
    uint32_t cols[] = {2, 8, 14, 21, 26, 31, 35};
    for (size_t i = 0; i < 7; i++) {
        CU_ASSERT_EQUAL(it[i].kind, want[i]);
        CU_ASSERT_EQUAL(it[i].line, 1);
        CU_ASSERT_EQUAL(it[i].col, cols[i]);
    }
    arena_free(&r.arena);

    /* Members stay in input order (not sorted, not hashed). */
    CU_ASSERT_FATAL(PARSE(&r, "{\"z\":1,\"a\":2,\"m\":3}"));
    CU_ASSERT_EQUAL_FATAL(r.v.as.object.count, 3);
    CU_ASSERT_STRING_EQUAL(r.v.as.object.members[0].key, "z");
    CU_ASSERT_STRING_EQUAL(r.v.as.object.members[1].key, "a");
    CU_ASSERT_STRING_EQUAL(r.v.as.object.members[2].key, "m");
    CU_ASSERT_DOUBLE_EQUAL(r.v.as.object.members[2].value.as.number.value, 3.0, 0.0);
    arena_free(&r.arena);
}

static void test_nested(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "{\"case\": {\"age\": 54, \"flags\": [true, {\"x\": [[null]]}]}, \"n\": []}"));
    const JsonValue *c = json_object_get(&r.v, "case");
    CU_ASSERT_FATAL(c && c->kind == JSON_OBJECT);
    const JsonValue *age = json_object_get(c, "age");
    CU_ASSERT_FATAL(age && age->kind == JSON_NUMBER);
    CU_ASSERT_DOUBLE_EQUAL(age->as.number.value, 54.0, 0.0);
    const JsonValue *flags = json_object_get(c, "flags");
    CU_ASSERT_FATAL(flags && flags->kind == JSON_ARRAY && flags->as.array.count == 2);
    CU_ASSERT_EQUAL(flags->as.array.items[0].kind, JSON_TRUE);
    const JsonValue *x = json_object_get(&flags->as.array.items[1], "x");
    CU_ASSERT_FATAL(x && x->kind == JSON_ARRAY && x->as.array.count == 1);
    CU_ASSERT_EQUAL_FATAL(x->as.array.items[0].kind, JSON_ARRAY);
    CU_ASSERT_EQUAL_FATAL(x->as.array.items[0].as.array.count, 1);
    CU_ASSERT_EQUAL(x->as.array.items[0].as.array.items[0].kind, JSON_NULL);
    const JsonValue *n = json_object_get(&r.v, "n");
    CU_ASSERT(n && n->kind == JSON_ARRAY && n->as.array.count == 0);
    arena_free(&r.arena);

    /* Arrays that grow past their first buffers keep every item. */
    char big[4 + 200 * 4];
    size_t o = 0;
    big[o++] = '[';
    for (int i = 0; i < 200; i++)
        o += (size_t)sprintf(big + o, i ? ",%d" : "%d", i);
    big[o++] = ']';
    CU_ASSERT_FATAL(parse_n(&r, big, o, NULL));
    CU_ASSERT_EQUAL_FATAL(r.v.as.array.count, 200);
    for (int i = 0; i < 200; i++)
        CU_ASSERT_DOUBLE_EQUAL(r.v.as.array.items[i].as.number.value, (double)i, 0.0);
    arena_free(&r.arena);
}

static void test_kind_names(void)
{
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_NULL), "null");
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_TRUE), "boolean");
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_FALSE), "boolean");
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_NUMBER), "number");
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_STRING), "string");
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_ARRAY), "array");
    CU_ASSERT_STRING_EQUAL(json_kind_name(JSON_OBJECT), "object");
    CU_ASSERT_STRING_EQUAL(json_kind_name((JsonKind)JSON_KIND_COUNT), "invalid");
    CU_ASSERT_EQUAL(JSON_KIND_COUNT, 7);
}

/* ---- numbers ---- */

static void test_numbers(void)
{
    static const struct {
        const char *text;
        double value;
        bool is_integer;
    } cases[] = {
        {"0", 0.0, true},       {"-7", -7.0, true},    {"123456", 123456.0, true},
        {"3.25", 3.25, false},  {"-0.5", -0.5, false}, {"1e3", 1000.0, false},
        {"2E-2", 0.02, false},  {"1e+2", 100.0, false}, {"0.0", 0.0, false},
        {"10.5e1", 105.0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Parsed r;
        CU_ASSERT_FATAL(parse_n(&r, cases[i].text, strlen(cases[i].text), NULL));
        CU_ASSERT_EQUAL(r.v.kind, JSON_NUMBER);
        CU_ASSERT_DOUBLE_EQUAL(r.v.as.number.value, cases[i].value, 1e-12);
        CU_ASSERT_EQUAL(r.v.as.number.is_integer, cases[i].is_integer);
        CU_ASSERT_EQUAL(r.v.as.number.text_len, strlen(cases[i].text));
        CU_ASSERT_STRING_EQUAL(r.v.as.number.text, cases[i].text);
        arena_free(&r.arena);
    }

    /* The lexeme is kept exactly, even where the double cannot hold it. */
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "[12345678901234567890, 1.10]"));
    CU_ASSERT_STRING_EQUAL(r.v.as.array.items[0].as.number.text, "12345678901234567890");
    CU_ASSERT(r.v.as.array.items[0].as.number.is_integer);
    CU_ASSERT_STRING_EQUAL(r.v.as.array.items[1].as.number.text, "1.10");
    arena_free(&r.arena);
}

static void test_number_edges(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "-0"));
    CU_ASSERT_EQUAL(r.v.as.number.value, 0.0);
    CU_ASSERT(signbit(r.v.as.number.value));
    CU_ASSERT(r.v.as.number.is_integer);
    arena_free(&r.arena);

    CU_ASSERT_FATAL(PARSE(&r, "1e-400"));
    CU_ASSERT_EQUAL(r.v.as.number.value, 0.0);
    CU_ASSERT_FALSE(r.v.as.number.is_integer);
    arena_free(&r.arena);

    CU_ASSERT_FATAL(PARSE(&r, "1.7976931348623157e308"));
    CU_ASSERT(isfinite(r.v.as.number.value));
    arena_free(&r.arena);

    static const ErrCase REJECTED[] = {
        ERR_CASE("1e400", "number out of range", 1, 1),
        ERR_CASE("-1e400", "number out of range", 1, 1),
        ERR_CASE("[0,\n  2e308]", "number out of range", 2, 3),
    };
    EXPECT_ERRS(REJECTED);
}

/* Whole by the digits as written, not by the double they round to. */
static void test_number_whole(void)
{
    static const char *const whole[] = {
        "0", "-0", "45", "45.0", "4.5e1", "1.20e1", "1e2", "1E+2", "100e-2", "0.0e-5", "0e999999999999",
        "12345678901234567890", "1.5e999999999999",
    };
    static const char *const fraction[] = {
        "45.5", "1e-400", "120.0000000000000001", "0.5", "-0.1", "1.25e1", "5e-1", "1e-999999999999",
        "0.00000000000000000001",
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        CU_ASSERT(json_number_is_whole(whole[i], strlen(whole[i])));
    for (size_t i = 0; i < sizeof fraction / sizeof fraction[0]; i++)
        CU_ASSERT_FALSE(json_number_is_whole(fraction[i], strlen(fraction[i])));
}

static void test_number_rejections(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("01", "leading zeros are not allowed", 1, 2),
        ERR_CASE("-01", "leading zeros are not allowed", 1, 3),
        ERR_CASE("00.5", "leading zeros are not allowed", 1, 2),
        ERR_CASE("+1", "leading '+' is not allowed", 1, 1),
        ERR_CASE(".5", "a digit is required before '.'", 1, 1),
        ERR_CASE("1.", "unexpected end of input, expected a digit after '.'", 1, 3),
        ERR_CASE("[1.]", "expected a digit after '.'", 1, 4),
        ERR_CASE("1.e5", "expected a digit after '.'", 1, 3),
        ERR_CASE("1e", "expected a digit in the exponent", 1, 3),
        ERR_CASE("1e+", "expected a digit in the exponent", 1, 4),
        ERR_CASE("1E-x", "expected a digit in the exponent", 1, 4),
        ERR_CASE("-", "expected a digit after '-'", 1, 2),
        ERR_CASE("-x", "expected a digit after '-'", 1, 2),
        ERR_CASE("NaN", "NaN and Infinity are not allowed", 1, 1),
        ERR_CASE("Infinity", "NaN and Infinity are not allowed", 1, 1),
        ERR_CASE("[-Infinity]", "NaN and Infinity are not allowed", 1, 2),
        ERR_CASE("0x10", "trailing characters after JSON value", 1, 2),
        ERR_CASE("1 2", "trailing characters after JSON value", 1, 3),
    };
    EXPECT_ERRS(REJECTED);
}

static void test_literal_rejections(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("nul", "invalid literal 'nul' (expected null, true or false)", 1, 1),
        ERR_CASE("truex", "invalid literal 'truex'", 1, 1),
        ERR_CASE("[True]", "invalid literal 'True'", 1, 2),
        ERR_CASE("undefined", "invalid literal 'undefined'", 1, 1),
        ERR_CASE("null1", "trailing characters after JSON value", 1, 5),
    };
    EXPECT_ERRS(REJECTED);
}

/* ---- strings ---- */

static void test_string_escapes(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
    CU_ASSERT(str_is(&r.v, "\"\\/\b\f\n\r\t", 8));
    arena_free(&r.arena);

    CU_ASSERT_FATAL(PARSE(&r, "\"\\u0041\\u00e9\\u20AC\""));
    CU_ASSERT(str_is(&r.v, "A\xC3\xA9\xE2\x82\xAC", 6));
    arena_free(&r.arena);

    /* U+1F600 as a surrogate pair, upper and lower case hex. */
    CU_ASSERT_FATAL(PARSE(&r, "[\"\\uD83D\\uDE00\", \"\\ud83d\\ude00\", \"\\uDBFF\\uDFFF\"]"));
    CU_ASSERT(str_is(&r.v.as.array.items[0], "\xF0\x9F\x98\x80", 4));
    CU_ASSERT(str_is(&r.v.as.array.items[1], "\xF0\x9F\x98\x80", 4));
    CU_ASSERT(str_is(&r.v.as.array.items[2], "\xF4\x8F\xBF\xBF", 4));
    arena_free(&r.arena);

    /* \u0000 decodes to a real NUL inside the string; len counts it. */
    CU_ASSERT_FATAL(PARSE(&r, "\"a\\u0000b\""));
    CU_ASSERT(str_is(&r.v, "a\0b", 3));
    arena_free(&r.arena);

    /* Raw UTF-8 passes through unchanged; the empty string is fine. */
    CU_ASSERT_FATAL(PARSE(&r, "[\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\", \"\"]"));
    CU_ASSERT(str_is(&r.v.as.array.items[0], "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14));
    CU_ASSERT(str_is(&r.v.as.array.items[1], "", 0));
    arena_free(&r.arena);
}

static void test_string_rejections(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("\"a\\xb\"", "invalid escape '\\x' in string", 1, 3),
        ERR_CASE("\"\\'\"", "invalid escape '\\''", 1, 2),
        ERR_CASE("\"\\v\"", "invalid escape '\\v'", 1, 2),
        ERR_CASE("\"\\U0041\"", "invalid escape '\\U'", 1, 2),
        ERR_CASE("\"\\0\"", "invalid escape '\\0'", 1, 2),
        ERR_CASE("\"\\\n\"", "invalid escape in string", 1, 2),
        ERR_CASE("\"\\u12G4\"", "invalid \\u escape in string (expected 4 hex digits)", 1, 2),
        ERR_CASE("\"\\u12\"", "expected 4 hex digits", 1, 2),
        ERR_CASE("\"\\u12", "expected 4 hex digits", 1, 2),
        ERR_CASE("\"x\\uD800\"", "unpaired high surrogate \\uD800", 1, 3),
        ERR_CASE("\"\\uD800\\u0041\"", "unpaired high surrogate", 1, 2),
        ERR_CASE("\"\\uD83D\\uD83D\"", "unpaired high surrogate", 1, 2),
        ERR_CASE("\"\\uD800x\"", "unpaired high surrogate", 1, 2),
        ERR_CASE("\"\\uDC00\"", "unpaired low surrogate \\uDC00", 1, 2),
        ERR_CASE("\"\\uDE00\\uD83D\"", "unpaired low surrogate", 1, 2),
        ERR_CASE("\"a\tb\"", "unescaped control character 0x09 in string", 1, 3),
        ERR_CASE("\"\x1f\"", "unescaped control character 0x1f", 1, 2),
        ERR_CASE("[\"abc\n\"]", "unescaped line break in string opened at line 1:2", 1, 6),
        ERR_CASE("\"ab\r\n\"", "unescaped line break", 1, 4),
        ERR_CASE("\"ab\0c\"", "unescaped NUL byte in string", 1, 4),
        ERR_CASE("\"abc", "unterminated string (opened at line 1:1)", 1, 5),
        ERR_CASE("\n\n  {\"k\": \"abc", "unterminated string (opened at line 3:9)", 3, 13),
        ERR_CASE("\"ab\\", "unterminated string (opened at line 1:1)", 1, 5),
        ERR_CASE("\"ab\\\"", "unterminated string", 1, 6),
        ERR_CASE("'a'", "single quotes are not allowed", 1, 1),
        ERR_CASE("{'a': 1}", "single quotes are not allowed", 1, 2),
        /* The first problem in byte order wins. */
        ERR_CASE("\"\\q\tx", "invalid escape '\\q'", 1, 2),
    };
    EXPECT_ERRS(REJECTED);
}

/* ---- grammar ---- */

static void test_structure_rejections(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("", "unexpected end of input, expected a value", 1, 1),
        ERR_CASE("  \n ", "unexpected end of input, expected a value", 2, 2),
        ERR_CASE("]", "expected a value", 1, 1),
        ERR_CASE("[1,]", "expected a value after ',' (trailing commas are not allowed)", 1, 4),
        ERR_CASE("[1, 2, ]", "trailing commas are not allowed", 1, 8),
        ERR_CASE("{\"a\":1,}", "trailing commas are not allowed", 1, 8),
        ERR_CASE("[,1]", "expected a value", 1, 2),
        ERR_CASE("[1,,2]", "expected a value", 1, 4),
        ERR_CASE("[1 2]", "expected ',' or ']' after array item", 1, 4),
        ERR_CASE("{\"a\" 1}", "expected ':' after object key", 1, 6),
        ERR_CASE("{\"a\":1 \"b\":2}", "expected ',' or '}' after object member", 1, 8),
        ERR_CASE("{\"a\":1]", "expected ',' or '}' after object member", 1, 7),
        ERR_CASE("{1:2}", "expected a string key or '}'", 1, 2),
        ERR_CASE("{\"a\":1, 2:3}", "expected a string key after ','", 1, 9),
        ERR_CASE("{,}", "expected a string key or '}'", 1, 2),
        ERR_CASE("{\"a\":}", "expected a value", 1, 6),
        ERR_CASE("[", "unexpected end of input, expected a value", 1, 2),
        ERR_CASE("[1", "unexpected end of input, expected ',' or ']' after array item (to close '[' opened at line 1:1)",
                   1, 3),
        ERR_CASE("{\n  \"a\": [1,\n   2", "(to close '[' opened at line 2:8)", 3, 5),
        ERR_CASE("{", "unexpected end of input, expected a string key or '}' (to close '{' opened at line 1:1)", 1, 2),
        ERR_CASE("{\"a\"", "unexpected end of input, expected ':' after object key", 1, 5),
        ERR_CASE("{\"a\":", "unexpected end of input, expected a value", 1, 6),
        ERR_CASE("{\"a\":1", "expected ',' or '}' after object member (to close '{' opened at line 1:1)", 1, 7),
        ERR_CASE("[] []", "trailing characters after JSON value", 1, 4),
        ERR_CASE("{}}", "trailing characters after JSON value", 1, 3),
        ERR_CASE("\f1", "expected a value", 1, 1),   /* form feed is not JSON whitespace */
        ERR_CASE("// c\n1", "comments are not allowed", 1, 1),
        ERR_CASE("[1 /* c */]", "comments are not allowed", 1, 4),
        ERR_CASE("[/* c */ 1]", "comments are not allowed", 1, 2),
        ERR_CASE("1 // c", "trailing characters after JSON value", 1, 3),
    };
    EXPECT_ERRS(REJECTED);
}

static void test_positions(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "{\n  \"a\": [1,\n    true],\n\t\"b\" :\"x\"\n}"));
    CU_ASSERT_EQUAL(r.v.line, 1);
    CU_ASSERT_EQUAL(r.v.col, 1);
    const JsonMember *m = r.v.as.object.members;
    CU_ASSERT_EQUAL(m[0].line, 2);
    CU_ASSERT_EQUAL(m[0].col, 3);
    CU_ASSERT_EQUAL(m[0].value.line, 2);
    CU_ASSERT_EQUAL(m[0].value.col, 8);
    CU_ASSERT_EQUAL(m[0].value.as.array.items[0].line, 2);
    CU_ASSERT_EQUAL(m[0].value.as.array.items[0].col, 9);
    CU_ASSERT_EQUAL(m[0].value.as.array.items[1].line, 3);
    CU_ASSERT_EQUAL(m[0].value.as.array.items[1].col, 5);
    CU_ASSERT_EQUAL(m[1].line, 4);
    CU_ASSERT_EQUAL(m[1].col, 2);   /* a tab is one byte */
    CU_ASSERT_EQUAL(m[1].value.line, 4);
    CU_ASSERT_EQUAL(m[1].value.col, 7);
    arena_free(&r.arena);

    /* CRLF is one line break; the column resets after it. */
    CU_ASSERT_FATAL(PARSE(&r, "[\r\n  1,\r\n\r\n    2]"));
    CU_ASSERT_EQUAL(r.v.as.array.items[0].line, 2);
    CU_ASSERT_EQUAL(r.v.as.array.items[0].col, 3);
    CU_ASSERT_EQUAL(r.v.as.array.items[1].line, 4);
    CU_ASSERT_EQUAL(r.v.as.array.items[1].col, 5);
    arena_free(&r.arena);

    static const ErrCase REJECTED[] = {
        ERR_CASE("[\r\n  1,\r\n  x]", "invalid literal 'x'", 3, 3),
        ERR_CASE("{\r\n\"a\":1\r\n\r\n,}", "trailing commas", 4, 2),
        ERR_CASE("[1,\r\n", "unexpected end of input", 2, 1),
        /* A lone CR also ends a line; "\r\r\n" is two breaks. */
        ERR_CASE("[1,\r x]", "invalid literal", 2, 2),
        ERR_CASE("[1,\r\r\n x]", "invalid literal", 3, 2),
        /* Columns count bytes, not code points: "é" is two bytes. */
        ERR_CASE("[\"\xC3\xA9\", x]", "invalid literal", 1, 8),
    };
    EXPECT_ERRS(REJECTED);
}

/* ---- encoding ---- */

static void test_utf8_valid(void)
{
    Parsed r;
    /* Boundaries of each sequence length: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF,
     * and U+D7FF / U+E000 on each side of the surrogates. */
    CU_ASSERT_FATAL(PARSE(&r, "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"
                              "\xED\x9F\xBF\xEE\x80\x80\""));
    CU_ASSERT_EQUAL(r.v.as.string.len, 2 + 2 + 3 + 3 + 4 + 4 + 3 + 3);
    arena_free(&r.arena);
}

static void test_utf8_invalid(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("\"\x80\"", "invalid UTF-8: unexpected continuation byte", 1, 2),
        ERR_CASE("\"\xC0\x80\"", "invalid UTF-8: overlong encoding", 1, 2),
        ERR_CASE("\"\xC1\xBF\"", "invalid UTF-8: overlong encoding", 1, 2),
        ERR_CASE("\"\xE0\x80\xAF\"", "invalid UTF-8: overlong encoding", 1, 2),
        ERR_CASE("\"\xE0\x9F\xBF\"", "invalid UTF-8: overlong encoding", 1, 2),
        ERR_CASE("\"\xF0\x80\x80\x80\"", "invalid UTF-8: overlong encoding", 1, 2),
        ERR_CASE("\"\xF0\x8F\xBF\xBF\"", "invalid UTF-8: overlong encoding", 1, 2),
        ERR_CASE("\"\xED\xA0\x80\"", "invalid UTF-8: encoded surrogate", 1, 2),
        ERR_CASE("\"\xED\xBF\xBF\"", "invalid UTF-8: encoded surrogate", 1, 2),
        ERR_CASE("\"\xF4\x90\x80\x80\"", "invalid UTF-8: code point above U+10FFFF", 1, 2),
        ERR_CASE("\"\xF5\x80\x80\x80\"", "invalid UTF-8: code point above U+10FFFF", 1, 2),
        ERR_CASE("\"\xFF\"", "invalid UTF-8: byte that never appears in UTF-8 (byte 0xff)", 1, 2),
        ERR_CASE("\"\xE2\x82\"", "invalid UTF-8: truncated sequence", 1, 2),
        ERR_CASE("\"\xE2\x82", "invalid UTF-8: truncated sequence", 1, 2),
        ERR_CASE("\"ok\xF0\x9F\x98", "invalid UTF-8: truncated sequence", 1, 4),
        ERR_CASE("\"\xC3x\"", "invalid UTF-8: truncated sequence", 1, 2),
        /* Checked over the whole input, also outside strings, with line:col. */
        ERR_CASE("[1,\r\n  \xC3\xA9, \xFE]", "invalid UTF-8", 2, 7),
        ERR_CASE("[1] \xC0", "invalid UTF-8: overlong encoding", 1, 5),
    };
    EXPECT_ERRS(REJECTED);
}

static void test_bom(void)
{
    EXPECT_ERR("\xEF\xBB\xBF{}", "byte-order mark not allowed", 1, 1);
    EXPECT_ERR("\xEF\xBB\xBF", "byte-order mark not allowed", 1, 1);
    /* U+FEFF later is an ordinary character: fine in a string, not whitespace. */
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "\"\xEF\xBB\xBF\""));
    CU_ASSERT(str_is(&r.v, "\xEF\xBB\xBF", 3));
    arena_free(&r.arena);
    EXPECT_ERR(" \xEF\xBB\xBF{}", "expected a value", 1, 2);
}

static void test_nul(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("\0", "unexpected NUL byte in input", 1, 1),
        ERR_CASE("[1,\0]", "unexpected NUL byte in input, expected a value", 1, 4),
        ERR_CASE("{\"a\"\0:1}", "NUL byte", 1, 5),
        ERR_CASE("1\0", "unexpected NUL byte in input after JSON value", 1, 2),
        ERR_CASE("{}\n\0", "NUL byte", 2, 1),
    };
    EXPECT_ERRS(REJECTED);
}

/* ---- duplicate keys ---- */

static void test_duplicate_keys(void)
{
    static const ErrCase REJECTED[] = {
        ERR_CASE("{\"x\":1,\n \"x\":2}", "duplicate key 'x' (first at line 1:2)", 2, 2),
        ERR_CASE("{\"a\":1, \"b\":2, \"a\":3}", "duplicate key 'a' (first at line 1:2)", 1, 16),
        /* Keys compare after decoding escapes. */
        ERR_CASE("{\"a\":1,\"\\u0061\":2}", "duplicate key 'a'", 1, 8),
        /* Duplicates are found in a nested object, where they occur. */
        ERR_CASE("[{\"k\":[], \"k\":{}}]", "duplicate key 'k' (first at line 1:3)", 1, 11),
        /* A control byte in the key is escaped in the message. */
        ERR_CASE("{\"a\\nb\":1,\"a\\nb\":2}", "duplicate key 'a\\u000ab'", 1, 11),
    };
    EXPECT_ERRS(REJECTED);

    Parsed r;
    /* The same key in different objects, and keys that differ only after a NUL. */
    CU_ASSERT_FATAL(PARSE(&r, "{\"a\":{\"a\":1},\"b\":{\"a\":2},\"n\\u0000x\":3,\"n\":4,\"A\":5}"));
    CU_ASSERT_EQUAL(r.v.as.object.count, 5);
    arena_free(&r.arena);

    /* Many keys (the lookup table grows several times); the repeat is still found. */
    char buf[2000];
    size_t o = 0;
    buf[o++] = '{';
    for (int i = 0; i < 100; i++)
        o += (size_t)sprintf(buf + o, "%s\"k%d\":%d", i ? "," : "", i, i);
    size_t no_dup_len = o;
    buf[o++] = '}';
    CU_ASSERT_FATAL(parse_n(&r, buf, o, NULL));
    CU_ASSERT_EQUAL(r.v.as.object.count, 100);
    const JsonValue *k73 = json_object_get(&r.v, "k73");
    CU_ASSERT(k73 && k73->as.number.value == 73.0);
    arena_free(&r.arena);
    o = no_dup_len;
    o += (size_t)sprintf(buf + o, ",\"k37\":0}");
    CU_ASSERT(check_err(buf, o, NULL, "duplicate key 'k37' (first at line 1:", 1, (uint32_t)(no_dup_len + 2)));
}

/* ---- limits ---- */

static void test_limits_custom(void)
{
    JsonLimits lim = {.max_bytes = 10, .max_depth = 3, .max_string_bytes = 5, .max_array_items = 3,
                      .max_object_members = 3};

    EXPECT_OK_LIM("[1,2,  3 ]", &lim);   /* exactly 10 bytes */
    EXPECT_ERR_LIM("[1,2,  3  ]", &lim, "input too large: 11 bytes (max_bytes is 10)", 1, 11);
    EXPECT_ERR_LIM("[1,\n2,\n3  ]", &lim, "input too large", 3, 4);
    /* Cut between the CR and LF of a CRLF: still on the CR's line. */
    EXPECT_ERR_LIM("[1,2,   3\r\n]", &lim, "input too large", 1, 11);
    lim.max_bytes = 1000;

    EXPECT_OK_LIM("[[[]]]", &lim);
    EXPECT_ERR_LIM("[[[[]]]]", &lim, "nesting deeper than 3 (max_depth)", 1, 4);
    EXPECT_OK_LIM("{\"a\":[{}]}", &lim);
    EXPECT_ERR_LIM("{\"a\":[{\"b\":{}}]}", &lim, "nesting deeper than 3", 1, 12);
    EXPECT_OK_LIM("[[[1]]]", &lim);   /* scalars do not add depth */

    EXPECT_OK_LIM("\"abcde\"", &lim);
    EXPECT_ERR_LIM("\"abcdef\"", &lim, "string longer than 5 bytes (max_string_bytes)", 1, 1);
    EXPECT_ERR_LIM("[1, \"abcdef\"]", &lim, "string longer than 5 bytes", 1, 5);
    /* Counted after decoding: 12 escaped bytes are 4 decoded bytes. */
    EXPECT_OK_LIM("\"\\u00e9\\u00e9a\"", &lim);
    EXPECT_ERR_LIM("\"\\u00e9\\u00e9ab\"", &lim, "string longer than 5 bytes", 1, 1);
    EXPECT_OK_LIM("{\"abcde\":1}", &lim);
    EXPECT_ERR_LIM("{\"abcdef\":1}", &lim, "string longer than 5 bytes", 1, 2);

    EXPECT_OK_LIM("[1,2,3]", &lim);
    EXPECT_ERR_LIM("[1,2,3,4]", &lim, "array has more than 3 items (max_array_items)", 1, 8);
    EXPECT_OK_LIM("{\"a\":1,\"b\":2,\"c\":3}", &lim);
    EXPECT_ERR_LIM("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", &lim, "object has more than 3 members (max_object_members)",
                   1, 20);

    JsonLimits zero = {.max_bytes = 1000};
    EXPECT_OK_LIM("\"\"", &zero);
    EXPECT_OK_LIM("5", &zero);
    EXPECT_ERR_LIM("[]", &zero, "nesting deeper than 0", 1, 1);
    EXPECT_ERR_LIM("\"a\"", &zero, "string longer than 0 bytes", 1, 1);
}

/* n copies of unit between open and close, exactly, in a malloc'd buffer. */
static char *repeat(const char *open, const char *unit, size_t n, const char *sep, const char *close, size_t *len)
{
    size_t ol = strlen(open), ul = strlen(unit), sl = strlen(sep), cl = strlen(close);
    size_t total = ol + n * ul + (n ? (n - 1) * sl : 0) + cl;
    char *b = malloc(total + 1);
    if (!b)
        return NULL;
    char *o = b;
    memcpy(o, open, ol);
    o += ol;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(o, sep, sl);
            o += sl;
        }
        memcpy(o, unit, ul);
        o += ul;
    }
    memcpy(o, close, cl);
    *len = total;
    return b;
}

/* Nesting: n '[' then n ']'. */
static char *nest(size_t n, size_t *len)
{
    char *b = malloc(2 * n + 1);
    if (!b)
        return NULL;
    memset(b, '[', n);
    memset(b + n, ']', n);
    *len = 2 * n;
    return b;
}

static void test_limits_default(void)
{
    CU_ASSERT_EQUAL(JSON_DEFAULT_LIMITS.max_bytes, 1024 * 1024);
    CU_ASSERT_EQUAL(JSON_DEFAULT_LIMITS.max_depth, 64);
    CU_ASSERT_EQUAL(JSON_DEFAULT_LIMITS.max_string_bytes, 64 * 1024);
    CU_ASSERT_EQUAL(JSON_DEFAULT_LIMITS.max_array_items, 10000);
    CU_ASSERT_EQUAL(JSON_DEFAULT_LIMITS.max_object_members, 10000);

    Parsed r;
    size_t len;
    char *b;

    b = nest(64, &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(parse_n(&r, b, len, NULL));
    arena_free(&r.arena);
    free(b);
    b = nest(65, &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(check_err(b, len, NULL, "nesting deeper than 64 (max_depth)", 1, 65));
    free(b);

    b = repeat("\"", "a", 64 * 1024, "", "\"", &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(parse_n(&r, b, len, NULL));
    CU_ASSERT_EQUAL(r.v.as.string.len, 64 * 1024);
    arena_free(&r.arena);
    free(b);
    b = repeat("\"", "a", 64 * 1024 + 1, "", "\"", &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(check_err(b, len, NULL, "string longer than 65536 bytes", 1, 1));
    free(b);

    b = repeat("[", "0", 10000, ",", "]", &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(parse_n(&r, b, len, NULL));
    CU_ASSERT_EQUAL(r.v.as.array.count, 10000);
    arena_free(&r.arena);
    free(b);
    b = repeat("[", "0", 10001, ",", "]", &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(check_err(b, len, NULL, "array has more than 10000 items", 1, 20002));
    free(b);

    /* 10000 distinct keys "k0000".."k9999", then one more. */
    char *obj = malloc(10001 * 12 + 2);
    CU_ASSERT_FATAL(obj != NULL);
    size_t o = 0;
    obj[o++] = '{';
    for (int i = 0; i < 10000; i++)
        o += (size_t)sprintf(obj + o, "%s\"k%04d\":0", i ? "," : "", i);
    size_t before_last = o;
    obj[o++] = '}';
    CU_ASSERT(parse_n(&r, obj, o, NULL));
    CU_ASSERT_EQUAL(r.v.as.object.count, 10000);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(&r.v, "k9999"));
    arena_free(&r.arena);
    o = before_last;
    o += (size_t)sprintf(obj + o, ",\"extra\":0}");
    CU_ASSERT(check_err(obj, o, NULL, "object has more than 10000 members", 1, (uint32_t)(before_last + 2)));
    free(obj);

    /* max_bytes: 1 MiB of blanks around a 0 is fine; one byte more is not. */
    size_t mib = 1024 * 1024;
    b = malloc(mib + 1);
    CU_ASSERT_FATAL(b != NULL);
    memset(b, ' ', mib + 1);
    b[0] = '0';
    CU_ASSERT(parse_n(&r, b, mib, NULL));
    arena_free(&r.arena);
    CU_ASSERT(check_err(b, mib + 1, NULL, "input too large: 1048577 bytes (max_bytes is 1048576)", 1,
                        (uint32_t)mib + 1));
    free(b);
}

static void test_depth_ceiling(void)
{
    /* A caller cannot ask for unbounded recursion: depth is capped. */
    JsonLimits lim = JSON_DEFAULT_LIMITS;
    lim.max_depth = SIZE_MAX;
    Parsed r;
    size_t len;
    char *b = nest(JSON_DEPTH_CEILING, &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(parse_n(&r, b, len, &lim));
    arena_free(&r.arena);
    free(b);
    b = nest(JSON_DEPTH_CEILING + 1, &len);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(check_err(b, len, &lim, "nesting deeper than 512", 1, (uint32_t)JSON_DEPTH_CEILING + 1));
    free(b);
}

/* ---- API ---- */

static void test_object_get(void)
{
    Parsed r;
    CU_ASSERT_FATAL(PARSE(&r, "{\"a\":1,\"bb\":\"x\",\"a\\u0000b\":true,\"\":null}"));
    const JsonValue *a = json_object_get(&r.v, "a");
    CU_ASSERT(a && a->kind == JSON_NUMBER && a->as.number.value == 1.0);
    CU_ASSERT(str_is(json_object_get(&r.v, "bb"), "x", 1));
    CU_ASSERT_PTR_NULL(json_object_get(&r.v, "b"));
    CU_ASSERT_PTR_NULL(json_object_get(&r.v, "bbb"));
    CU_ASSERT_PTR_NULL(json_object_get(&r.v, "A"));
    const JsonValue *e = json_object_get(&r.v, "");
    CU_ASSERT(e && e->kind == JSON_NULL);
    const JsonValue *nul = json_object_getn(&r.v, "a\0b", 3);
    CU_ASSERT(nul && nul->kind == JSON_TRUE);
    CU_ASSERT_PTR_NULL(json_object_get(&r.v, NULL));
    CU_ASSERT_PTR_NULL(json_object_get(NULL, "a"));
    arena_free(&r.arena);

    CU_ASSERT_FATAL(PARSE(&r, "[{\"a\":1}]"));
    CU_ASSERT_PTR_NULL(json_object_get(&r.v, "a"));   /* not an object */
    CU_ASSERT_PTR_NOT_NULL(json_object_get(&r.v.as.array.items[0], "a"));
    arena_free(&r.arena);
}

static void test_arguments(void)
{
    Arena a;
    arena_init(&a, 0);
    JsonValue v;
    JsonError e;
    /* err may be NULL; the result is still reported. */
    CU_ASSERT_TRUE(json_parse("[1]", 3, NULL, &a, &v, NULL));
    CU_ASSERT_EQUAL(v.kind, JSON_ARRAY);
    CU_ASSERT_FALSE(json_parse("[1", 2, NULL, &a, &v, NULL));
    /* Only len bytes are read: a valid prefix of a longer buffer parses. */
    CU_ASSERT_TRUE(json_parse("12x", 2, NULL, &a, &v, &e));
    CU_ASSERT_DOUBLE_EQUAL(v.as.number.value, 12.0, 0.0);
    CU_ASSERT_FALSE(json_parse(NULL, 0, NULL, &a, &v, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "unexpected end of input"));
    CU_ASSERT_FALSE(json_parse(NULL, 3, NULL, &a, &v, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "invalid argument"));
    CU_ASSERT_FALSE(json_parse("1", 1, NULL, NULL, &v, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "invalid argument"));
    CU_ASSERT_FALSE(json_parse("1", 1, NULL, &a, NULL, &e));
    arena_free(&a);
}

static void test_arena_reuse(void)
{
    /* The tree lives in the arena only; resetting it between parses is safe. */
    Arena a;
    arena_init(&a, 256);
    JsonValue v;
    JsonError e;
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_TRUE(json_parse("{\"k\":[\"abcdefghijklmnop\",1.5,{\"z\":null}]}", 41, NULL, &a, &v, &e));
        CU_ASSERT(a.total > 0);
        const JsonValue *k = json_object_get(&v, "k");
        CU_ASSERT(k && k->as.array.count == 3);
        arena_reset(&a);
    }
    arena_free(&a);
}

void test_json_register(void)
{
    static const UnitTest tests[] = {
        {"scalars", test_scalars},
        {"containers", test_containers},
        {"nested", test_nested},
        {"kind_names", test_kind_names},
        {"numbers", test_numbers},
        {"number_edges", test_number_edges},
        {"number_whole", test_number_whole},
        {"number_rejections", test_number_rejections},
        {"literal_rejections", test_literal_rejections},
        {"string_escapes", test_string_escapes},
        {"string_rejections", test_string_rejections},
        {"structure_rejections", test_structure_rejections},
        {"positions", test_positions},
        {"utf8_valid", test_utf8_valid},
        {"utf8_invalid", test_utf8_invalid},
        {"bom", test_bom},
        {"nul", test_nul},
        {"duplicate_keys", test_duplicate_keys},
        {"limits_custom", test_limits_custom},
        {"limits_default", test_limits_default},
        {"depth_ceiling", test_depth_ceiling},
        {"object_get", test_object_get},
        {"arguments", test_arguments},
        {"arena_reuse", test_arena_reuse},
    };
    UNIT_REGISTER("json", tests);
}
