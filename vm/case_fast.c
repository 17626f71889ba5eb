/* case_fast.c - the fast path of the case reader: one pass over a case
 * object straight into the input slots, with no tree of JSON values.
 * It accepts only what the strict reader (json.c + case_json.c) would
 * accept with the same result; at the first thing it does not handle -
 * an escape, a non-ASCII byte, nesting, an unknown or repeated field, any
 * error - it gives up, and the strict reader reads the case again and
 * reports precisely. Valid cases, the common kind, never take that path. */
#include "case_fast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case_json.h"
#include "case_rules.h"
#include "date.h"
#include "json.h"

typedef struct {
    const unsigned char *s;
    size_t pos, len;
} Cursor;

static inline void skip_ws(Cursor *c)
{
    while (c->pos < c->len) {
        unsigned char ch = c->s[c->pos];
        if (ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r')
            return;
        c->pos++;
    }
}

static inline bool eat(Cursor *c, char ch)
{
    if (c->pos < c->len && c->s[c->pos] == (unsigned char)ch) {
        c->pos++;
        return true;
    }
    return false;
}

/* Eight bytes, the first in the low byte whatever the machine's order. */
static inline uint64_t load_le64(const unsigned char *s)
{
    uint64_t x;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&x, s, 8);
#else
    x = 0;
    for (int k = 7; k >= 0; k--)
        x = x << 8 | s[k];
#endif
    return x;
}

/* A string of printable ASCII without escapes: [*start, +*n). One pass,
 * eight bytes at a time (SWAR): the first quote ends it, and any control
 * character, non-ASCII byte or backslash before that quote gives up. */
static bool plain_string(Cursor *c, const char **start, size_t *n)
{
    if (!eat(c, '"'))
        return false;
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const unsigned char *from = c->s + c->pos;
    size_t left = c->len - c->pos, i = 0;
    for (; i + 8 <= left; i += 8) {
        uint64_t x = load_le64(from + i);
        uint64_t q = x ^ ('"' * ones), y = x ^ ('\\' * ones);
        /* Each mask is exact up to its first marked byte, which is all that is read. */
        uint64_t quote = (q - ones) & ~q & highs;
        uint64_t bad = (x & highs) | ((x - 0x20 * ones) & ~x & highs) | ((y - ones) & ~y & highs);
        if (quote | bad) {
            uint64_t first_quote = quote & (~quote + 1);     /* the first byte's mark */
            if (!quote || (bad & (first_quote - 1)))
                return false;
            i += gdl_ctz64(quote) / 8;
            goto found;
        }
    }
    for (; i < left; i++) {
        unsigned char ch = from[i];
        if (ch == '"')
            goto found;
        if (ch < 0x20 || ch >= 0x80 || ch == '\\')
            return false;
    }
    return false;
found:
    *start = (const char *)from;
    *n = i;
    c->pos += i + 1;
    return i <= JSON_DEFAULT_MAX_STRING_BYTES;
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(Cursor *c, double *out)
{
    size_t from = c->pos;
    bool neg = eat(c, '-');
    if (c->pos >= c->len || c->s[c->pos] < '0' || c->s[c->pos] > '9')
        return false;
    uint64_t whole = 0;
    size_t digits = 0;
    if (c->s[c->pos] == '0') {
        c->pos++;
        digits = 1;
    } else {
        while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
            whole = whole * 10 + (uint64_t)(c->s[c->pos++] - '0');
            digits++;
        }
    }
    bool plain = true;
    if (eat(c, '.')) {
        plain = false;
        size_t d = c->pos;
        while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9')
            c->pos++;
        if (c->pos == d)
            return false;
    }
    if (c->pos < c->len && (c->s[c->pos] == 'e' || c->s[c->pos] == 'E')) {
        plain = false;
        c->pos++;
        if (c->pos < c->len && (c->s[c->pos] == '+' || c->s[c->pos] == '-'))
            c->pos++;
        size_t d = c->pos;
        while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9')
            c->pos++;
        if (c->pos == d)
            return false;
    }
    if (plain && digits <= 15) {    /* exact in a double: no strtod needed */
        *out = neg ? -(double)whole : (double)whole;
        return true;
    }
    char buf[64];
    size_t n = c->pos - from;
    if (n >= sizeof buf)
        return false;
    memcpy(buf, c->s + from, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return isfinite(*out);
}

/* Whether the number just read, from `from`, keeps f's value rules
 * (case_rules.c, the strict reader's own). */
static bool number_ok(const Cursor *c, const GdlFact *f, bool whole_only, size_t from, double v)
{
    return gdl_case_number_rule(f, whole_only, (const char *)c->s + from, c->pos - from, v) == CASE_NUMBER_OK;
}

static bool literal(Cursor *c, const char *word, size_t n)
{
    if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
        return false;
    c->pos += n;
    return true;
}

/* One member's value, checked against its input's type; false: give up. */
static bool value(GdlVm *vm, Cursor *c, const GdlFact *f, GdlValue *out)
{
    const GdlProgram *p = vm->p;
    if (literal(c, "null", 4))
        return true;    /* unknown */
    switch ((GdlType)f->type) {
    case GT_BOOL:
        if (literal(c, "true", 4)) {
            *out = (GdlValue){ VT_NUM, 0, { .num = 1 } };
            return true;
        }
        if (literal(c, "false", 5)) {
            *out = (GdlValue){ VT_NUM, 0, { .num = 0 } };
            return true;
        }
        return false;
    case GT_INT:
    case GT_NUMBER: {
        double v;
        size_t from = c->pos;
        if (!number(c, &v) || !number_ok(c, f, false, from, v))
            return false;
        *out = (GdlValue){ VT_NUM, 0, { .num = v + 0.0 } };     /* -0 becomes 0 */
        return true;
    }
    case GT_DATE: {
        const char *s;
        size_t n;
        int32_t days;
        if (!plain_string(c, &s, &n) || !gdl_date_parse(s, n, &days))
            return false;
        *out = (GdlValue){ VT_NUM, 0, { .num = days } };
        return true;
    }
    case GT_STRING: {
        const char *s;
        size_t n;
        if (!plain_string(c, &s, &n))
            return false;
        if (!gdl_case_length_ok(f, n))
            return false;   /* ASCII: bytes are characters */
        char *copy = arena_strndup(&vm->case_arena, s, n);
        if (!copy)
            return false;
        *out = (GdlValue){ VT_STR, (uint32_t)n, { .str = copy } };
        return true;
    }
    case GT_ENUM: {
        const char *s;
        size_t n;
        if (!plain_string(c, &s, &n))
            return false;
        int ordinal = gdl_case_enum_ordinal(p, f, s, n);
        if (ordinal < 0)
            return false;
        *out = (GdlValue){ VT_NUM, 0, { .num = ordinal } };
        return true;
    }
    case GT_LIST_INT: {
        if (!eat(c, '['))
            return false;
        /* Items land in the arena; a list is short (the limit is checked). */
        enum { FAST_MAX_ITEMS = 256 };
        double tmp[FAST_MAX_ITEMS];
        uint32_t n = 0;
        skip_ws(c);
        if (!eat(c, ']')) {
            for (;;) {
                double v;
                skip_ws(c);
                size_t from = c->pos;
                if (n == FAST_MAX_ITEMS || !number(c, &v) || !number_ok(c, f, true, from, v))
                    return false;
                tmp[n++] = v + 0.0;
                skip_ws(c);
                if (eat(c, ']'))
                    break;
                if (!eat(c, ','))
                    return false;
            }
        }
        if (!gdl_case_length_ok(f, n))
            return false;
        double *items = arena_alloc(&vm->case_arena, sizeof(double) * (n ? n : 1));
        if (!items)
            return false;
        memcpy(items, tmp, sizeof(double) * n);
        *out = (GdlValue){ VT_LIST, n, { .items = items } };
        return true;
    }
    default:
        return false;
    }
}

bool gdl_case_fast_load(GdlVm *vm, const char *text, size_t len)
{
    const GdlProgram *p = vm->p;
    if (len > JSON_DEFAULT_MAX_BYTES)
        return false;
    Cursor c = { (const unsigned char *)text, 0, len };
    memset(vm->seen, 0, sizeof(uint64_t) * ((p->ninputs + 63) / 64));
    skip_ws(&c);
    if (!eat(&c, '{'))
        return false;
    skip_ws(&c);
    if (!eat(&c, '}')) {
        for (;;) {
            const char *key;
            size_t n;
            skip_ws(&c);
            if (!plain_string(&c, &key, &n))
                return false;
            int f = gdl_vm_find_input(vm, key, n);
            if (f < 0 || (vm->seen[f >> 6] >> (f & 63) & 1))
                return false;   /* unknown or repeated: the strict reader says which */
            vm->seen[f >> 6] |= 1ull << (f & 63);
            skip_ws(&c);
            if (!eat(&c, ':'))
                return false;
            skip_ws(&c);
            if (!value(vm, &c, &p->facts[f], &vm->facts[f]))
                return false;
            skip_ws(&c);
            if (eat(&c, '}'))
                break;
            if (!eat(&c, ','))
                return false;
        }
    }
    skip_ws(&c);
    if (c.pos != c.len)
        return false;
    for (uint32_t i = 0; i < vm->nrequired; i++)
        if (vm->facts[vm->required[i]].tag == VT_UNKNOWN)
            return false;
    return true;
}
