/* json.c - strict RFC 8259 reader (see json.h).
 * Order of checks: arguments, max_bytes, byte-order mark, UTF-8 of the whole
 * input, then a recursive-descent parse bounded by max_depth. Every allocation
 * goes through the caller's Arena; the first error found stops the parse. */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const JsonLimits JSON_DEFAULT_LIMITS = {
    .max_bytes = JSON_DEFAULT_MAX_BYTES,
    .max_depth = JSON_DEFAULT_MAX_DEPTH,
    .max_string_bytes = JSON_DEFAULT_MAX_STRING_BYTES,
    .max_array_items = JSON_DEFAULT_MAX_ARRAY_ITEMS,
    .max_object_members = JSON_DEFAULT_MAX_OBJECT_MEMBERS,
};

enum {
    JSON_INITIAL_CAPACITY = 4,    /* first item/member buffer; doubles after */
    JSON_KEYSET_MIN_SLOTS = 16,   /* first duplicate-key table; power of two */
    JSON_QUOTE_MAX = 40,          /* bytes of a key or word quoted in a message */
    JSON_QUOTE_BUF = JSON_QUOTE_MAX * 6 + 4,  /* worst case: every byte as \u00XX, then "..." */
};

typedef struct {
    const unsigned char *s;
    size_t len;
    size_t pos;
    uint32_t line;          /* line of s[line_start] */
    size_t line_start;      /* offset of the first byte of the current line */
    JsonLimits lim;         /* max_depth already capped at JSON_DEPTH_CEILING */
    Arena *arena;
    JsonError *err;
    bool failed;
} JsonParser;

/* Where a container was opened, for "to close '[' opened at line L:C". */
typedef struct {
    char bracket;
    uint32_t line, col;
} JsonOpen;

static uint32_t json_clamp_u32(size_t n)
{
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Position of offset, which must lie in the current line (strings hold no raw
 * line breaks, so every offset the parser reports does). */
static void json_here(const JsonParser *p, size_t offset, uint32_t *line, uint32_t *col)
{
    *line = p->line;
    *col = json_clamp_u32(offset - p->line_start + 1);
}

/* Position of any offset <= len, by scanning from the start; used only for
 * errors found before parsing begins. Same line rules as json_skip_ws. */
static void json_locate(const unsigned char *s, size_t len, size_t offset, uint32_t *line, uint32_t *col)
{
    size_t ln = 1, start = 0;
    for (size_t i = 0; i < offset; i++) {
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) {
            ln++;
            start = i + 1;
        }
    }
    *line = json_clamp_u32(ln);
    *col = json_clamp_u32(offset - start + 1);
}

#if defined(__GNUC__)
#define JSON_PRINTF(fmt_arg) __attribute__((format(printf, fmt_arg, fmt_arg + 1)))
#define JSON_VPRINTF(fmt_arg) __attribute__((format(printf, fmt_arg, 0)))
#else
#define JSON_PRINTF(fmt_arg)
#define JSON_VPRINTF(fmt_arg)
#endif

/* Record the first error only; later ones are consequences of it. */
JSON_VPRINTF(4)
static bool json_vfail(JsonParser *p, uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
    if (p->failed)
        return false;
    p->failed = true;
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    p->err->line = line;
    p->err->col = col;
    return false;
}

/* Record the first error at an explicit position; always returns false. */
JSON_PRINTF(4)
static bool json_fail_pos(JsonParser *p, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_vfail(p, line, col, fmt, ap);
    va_end(ap);
    return false;
}

/* Record the first error at an offset in the current line; always returns false. */
JSON_PRINTF(3)
static bool json_fail_at(JsonParser *p, size_t offset, const char *fmt, ...)
{
    uint32_t line, col;
    json_here(p, offset, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    json_vfail(p, line, col, fmt, ap);
    va_end(ap);
    return false;
}

/* Copy up to JSON_QUOTE_MAX bytes of b for a message: control bytes become
 * \u00XX, a multi-byte UTF-8 sequence is never cut, "..." marks truncation. */
static void json_quote(char *dst, size_t dst_size, const char *b, size_t n)
{
    size_t o = 0, i = 0;
    while (i < n && i < JSON_QUOTE_MAX) {
        unsigned char c = (unsigned char)b[i];
        size_t seq = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + seq > n || i + seq > JSON_QUOTE_MAX)
            break;
        if (c < 0x20 || c == 0x7F) {
            if (o + 6 >= dst_size)
                break;
            snprintf(dst + o, dst_size - o, "\\u%04x", c);
            o += 6;
        } else {
            if (o + seq >= dst_size)
                break;
            memcpy(dst + o, b + i, seq);
            o += seq;
        }
        i += seq;
    }
    if (i < n && o + 3 < dst_size) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

static void *json_alloc(JsonParser *p, size_t size)
{
    void *m = arena_alloc(p->arena, size);
    if (!m)
        json_fail_at(p, p->pos, "out of memory");
    return m;
}

/* ---- encoding checks (whole input, before parsing) ---- */

/* Length of the valid UTF-8 sequence at s[i], or 0 with *why set (RFC 3629 table). */
size_t json_utf8_seq(const unsigned char *s, size_t len, size_t i, const char **why)
{
    unsigned char c = s[i];
    if (c < 0x80)
        return 1;
    if (c < 0xC2) {
        *why = c < 0xC0 ? "unexpected continuation byte" : "overlong encoding";
        return 0;
    }
    if (c > 0xF4) {
        *why = c < 0xF8 ? "code point above U+10FFFF" : "byte that never appears in UTF-8";
        return 0;
    }
    size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    for (size_t k = 1; k < n; k++) {
        if (i + k >= len || (s[i + k] & 0xC0) != 0x80) {
            *why = "truncated sequence";
            return 0;
        }
    }
    unsigned char c1 = s[i + 1];
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xF0 && c1 < 0x90)) {
        *why = "overlong encoding";
        return 0;
    }
    if (c == 0xED && c1 >= 0xA0) {
        *why = "encoded surrogate";
        return 0;
    }
    if (c == 0xF4 && c1 >= 0x90) {
        *why = "code point above U+10FFFF";
        return 0;
    }
    return n;
}

static bool json_check_encoding(JsonParser *p)
{
    const unsigned char *s = p->s;
    if (p->len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return json_fail_pos(p, 1, 1, "byte-order mark not allowed (JSON text must start with the value)");
    for (size_t i = 0; i < p->len;) {
        const char *why = "";
        size_t n = json_utf8_seq(s, p->len, i, &why);
        if (n == 0) {
            uint32_t line, col;
            json_locate(s, p->len, i, &line, &col);
            return json_fail_pos(p, line, col, "invalid UTF-8: %s (byte 0x%02x)", why, s[i]);
        }
        i += n;
    }
    return true;
}

/* ---- lexical helpers ---- */

/* ws -> (' ' | '\t' | '\n' | '\r')* */
static void json_skip_ws(JsonParser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == ' ' || c == '\t') {
            p->pos++;
        } else if (c == '\n' || c == '\r') {
            /* "\r\n" is one break: the '\r' is skipped and the '\n' counts. */
            p->pos++;
            if (c == '\n' || p->pos >= p->len || p->s[p->pos] != '\n') {
                if (p->line < UINT32_MAX)
                    p->line++;
                p->line_start = p->pos;
            }
        } else {
            break;
        }
    }
}

static bool json_at(const JsonParser *p, unsigned char c)
{
    return p->pos < p->len && p->s[p->pos] == c;
}

static bool json_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool json_is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Report that the byte at the cursor is not `expected`, naming end of input,
 * NUL bytes and comments specially. open, if set, is the unclosed container. */
static bool json_fail_expected(JsonParser *p, const char *expected, const JsonOpen *open)
{
    if (p->pos >= p->len) {
        if (open)
            return json_fail_at(p, p->pos,
                                "unexpected end of input, expected %s (to close '%c' opened at line %u:%u)",
                                expected, open->bracket, (unsigned)open->line, (unsigned)open->col);
        return json_fail_at(p, p->pos, "unexpected end of input, expected %s", expected);
    }
    unsigned char c = p->s[p->pos];
    if (c == '\0')
        return json_fail_at(p, p->pos, "unexpected NUL byte in input, expected %s", expected);
    if (c == '/' && p->pos + 1 < p->len && (p->s[p->pos + 1] == '/' || p->s[p->pos + 1] == '*'))
        return json_fail_at(p, p->pos, "expected %s (comments are not allowed in JSON)", expected);
    return json_fail_at(p, p->pos, "expected %s", expected);
}

/* ---- strings ---- */

static int json_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The 4 hex digits at s[i..i+3] as a code unit, or -1. */
static long json_hex4(const JsonParser *p, size_t i)
{
    long u = 0;
    for (size_t k = 0; k < 4; k++) {
        if (i + k >= p->len)
            return -1;
        int h = json_hex(p->s[i + k]);
        if (h < 0)
            return -1;
        u = u * 16 + h;
    }
    return u;
}

static size_t json_put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode the escape at s[i] == '\\' into o; returns bytes written, sets *used
 * to the input bytes consumed, or fails. Escapes never grow: output <= input. */
static bool json_escape(JsonParser *p, size_t i, const JsonOpen *open, char *o, size_t *wrote, size_t *used)
{
    if (i + 1 >= p->len)
        return json_fail_at(p, p->len, "unterminated string (opened at line %u:%u)",
                            (unsigned)open->line, (unsigned)open->col);
    unsigned char e = p->s[i + 1];
    static const char simple_in[] = "\"\\/bfnrt";
    static const char simple_out[] = "\"\\/\b\f\n\r\t";
    const char *hit = e ? strchr(simple_in, e) : NULL;
    if (hit) {
        *o = simple_out[hit - simple_in];
        *wrote = 1;
        *used = 2;
        return true;
    }
    if (e != 'u') {
        if (e > 0x20 && e < 0x7F)
            return json_fail_at(p, i, "invalid escape '\\%c' in string (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", e);
        return json_fail_at(p, i, "invalid escape in string ('\\' must be followed by one of \"\\/bfnrtu)");
    }
    long u = json_hex4(p, i + 2);
    if (u < 0)
        return json_fail_at(p, i, "invalid \\u escape in string (expected 4 hex digits)");
    unsigned long cp = (unsigned long)u;
    *used = 6;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return json_fail_at(p, i, "unpaired low surrogate \\u%04lX in string", cp);
    if (u >= 0xD800 && u <= 0xDBFF) {
        long lo = -1;
        if (i + 7 < p->len && p->s[i + 6] == '\\' && p->s[i + 7] == 'u')
            lo = json_hex4(p, i + 8);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return json_fail_at(p, i, "unpaired high surrogate \\u%04lX in string (expected a \\uDC00-\\uDFFF escape after it)", cp);
        cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
        *used = 12;
    }
    *wrote = json_put_utf8(o, cp);
    return true;
}

/* string -> '"' (unescaped-char | escape)* '"'
 * The cursor is on the opening quote. Output is NUL-terminated in the arena. */
static bool json_parse_string(JsonParser *p, const char **chars, size_t *out_len)
{
    const unsigned char *s = p->s;
    JsonOpen open = {'"', 0, 0};
    json_here(p, p->pos, &open.line, &open.col);
    size_t open_pos = p->pos;
    size_t start = p->pos + 1;

    /* Find where the string stops: closing quote, control byte or end. */
    size_t stop = start;
    while (stop < p->len && s[stop] != '"' && s[stop] >= 0x20)
        stop += s[stop] == '\\' ? 2 : 1;
    if (stop > p->len)
        stop = p->len;

    char *buf = json_alloc(p, stop - start + 1);
    if (!buf)
        return false;
    size_t n = 0;
    for (size_t i = start; i < stop;) {
        if (s[i] == '\\') {
            size_t wrote = 0, used = 0;
            if (!json_escape(p, i, &open, buf + n, &wrote, &used))
                return false;
            n += wrote;
            i += used;
        } else {
            buf[n++] = (char)s[i++];
        }
    }
    buf[n] = '\0';

    if (stop >= p->len)
        return json_fail_at(p, p->len, "unterminated string (opened at line %u:%u)",
                            (unsigned)open.line, (unsigned)open.col);
    unsigned char c = s[stop];
    if (c == '\0')
        return json_fail_at(p, stop, "unescaped NUL byte in string (write it as \\u0000)");
    if (c == '\n' || c == '\r')
        return json_fail_at(p, stop, "unescaped line break in string opened at line %u:%u (missing closing '\"'?)",
                            (unsigned)open.line, (unsigned)open.col);
    if (c < 0x20)
        return json_fail_at(p, stop, "unescaped control character 0x%02x in string (write it as \\u%04x)", c, c);
    if (n > p->lim.max_string_bytes)
        return json_fail_at(p, open_pos, "string longer than %zu bytes (max_string_bytes)",
                            p->lim.max_string_bytes);
    p->pos = stop + 1;
    *chars = buf;
    *out_len = n;
    return true;
}

/* ---- numbers ---- */

/* Digits at or after the decimal point's place (int and frac digits in
 * order, the point moved by the exponent) must all be '0'. The exponent
 * saturates: past the digit count its size no longer matters. */
bool json_number_is_whole(const char *text, size_t len)
{
    enum { EXP_SATURATE = 1 << 20 };
    size_t i = 0, ndigits = 0, first_frac = 0;
    if (i < len && text[i] == '-')
        i++;
    size_t digits_at = i;
    while (i < len && json_is_digit((unsigned char)text[i])) {
        i++;
        ndigits++;
    }
    first_frac = ndigits;
    bool has_frac = i < len && text[i] == '.';
    if (has_frac) {
        i++;
        while (i < len && json_is_digit((unsigned char)text[i])) {
            i++;
            ndigits++;
        }
    }
    long exp = 0;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        bool neg = i < len && text[i] == '-';
        if (i < len && (text[i] == '+' || text[i] == '-'))
            i++;
        while (i < len && json_is_digit((unsigned char)text[i])) {
            if (exp < EXP_SATURATE)
                exp = exp * 10 + (text[i] - '0');
            i++;
        }
        if (neg)
            exp = -exp;
    }
    long point = (long)first_frac + exp;     /* digits before the point */
    for (size_t k = 0, pos = digits_at; k < ndigits; k++, pos++) {
        if (has_frac && k == first_frac)
            pos++;                            /* skip the '.' */
        if ((long)k >= point && text[pos] != '0')
            return false;
    }
    return true;
}

/* number -> '-'? int frac? exp?
 * int -> '0' | [1-9] [0-9]*    frac -> '.' [0-9]+    exp -> [eE] [+-]? [0-9]+ */
static bool json_parse_number(JsonParser *p, JsonValue *v)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, i = p->pos;
    bool integer = true;
    if (s[i] == '-')
        i++;
    if (i >= p->len || !json_is_digit(s[i])) {
        if (i < p->len && s[i] == 'I')
            return json_fail_at(p, start, "invalid number: NaN and Infinity are not allowed in JSON");
        p->pos = i;
        return json_fail_expected(p, "a digit after '-'", NULL);
    }
    if (s[i] == '0') {
        i++;
        if (i < p->len && json_is_digit(s[i]))
            return json_fail_at(p, i, "invalid number: leading zeros are not allowed");
    } else {
        while (i < p->len && json_is_digit(s[i]))
            i++;
    }
    if (i < p->len && s[i] == '.') {
        integer = false;
        i++;
        if (i >= p->len || !json_is_digit(s[i])) {
            p->pos = i;
            return json_fail_expected(p, "a digit after '.' in number", NULL);
        }
        while (i < p->len && json_is_digit(s[i]))
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        integer = false;
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->len || !json_is_digit(s[i])) {
            p->pos = i;
            return json_fail_expected(p, "a digit in the exponent of number", NULL);
        }
        while (i < p->len && json_is_digit(s[i]))
            i++;
    }

    char *text = arena_strndup(p->arena, (const char *)s + start, i - start);
    if (!text)
        return json_fail_at(p, start, "out of memory");
    char *end = NULL;
    double d = strtod(text, &end);
    if (end != text + (i - start))
        return json_fail_at(p, start, "number could not be converted (is the C locale in effect?)");
    if (isinf(d))
        return json_fail_at(p, start, "number out of range");
    v->kind = JSON_NUMBER;
    v->as.number.value = d;
    v->as.number.is_integer = integer;
    v->as.number.text = text;
    v->as.number.text_len = i - start;
    p->pos = i;
    return true;
}

/* ---- literals ---- */

static bool json_word_is(const unsigned char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* literal -> 'null' | 'true' | 'false'  (the whole run of letters must match) */
static bool json_parse_literal(JsonParser *p, JsonValue *v)
{
    const unsigned char *w = p->s + p->pos;
    size_t n = 0;
    while (p->pos + n < p->len && json_is_alpha(w[n]))
        n++;
    if (json_word_is(w, n, "null"))
        v->kind = JSON_NULL;
    else if (json_word_is(w, n, "true"))
        v->kind = JSON_TRUE;
    else if (json_word_is(w, n, "false"))
        v->kind = JSON_FALSE;
    else if (json_word_is(w, n, "NaN") || json_word_is(w, n, "Infinity"))
        return json_fail_at(p, p->pos, "invalid number: NaN and Infinity are not allowed in JSON");
    else {
        char q[JSON_QUOTE_BUF];
        json_quote(q, sizeof q, (const char *)w, n);
        return json_fail_at(p, p->pos, "invalid literal '%s' (expected null, true or false)", q);
    }
    p->pos += n;
    return true;
}

/* ---- containers ---- */

/* Double *cap (from JSON_INITIAL_CAPACITY) and copy count elements over. */
static void *json_grow(JsonParser *p, void *old, size_t count, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : JSON_INITIAL_CAPACITY;
    if (ncap < *cap || ncap > SIZE_MAX / elem) {
        json_fail_at(p, p->pos, "out of memory");
        return NULL;
    }
    void *m = json_alloc(p, ncap * elem);
    if (!m)
        return NULL;
    if (count)
        memcpy(m, old, count * elem);
    *cap = ncap;
    return m;
}

static bool json_parse_value(JsonParser *p, JsonValue *v, size_t depth);

static bool json_enter(JsonParser *p, size_t depth, JsonOpen *open)
{
    open->bracket = (char)p->s[p->pos];
    json_here(p, p->pos, &open->line, &open->col);
    if (depth + 1 > p->lim.max_depth)
        return json_fail_at(p, p->pos, "nesting deeper than %zu (max_depth)", p->lim.max_depth);
    p->pos++;
    json_skip_ws(p);
    return true;
}

/* After an item of the array or object `open`: true with *closed when its
 * closing bracket follows (consumed), true when a ',' and another item do
 * (the ',' and the whitespace after it consumed), false on an error. */
static bool json_after_item(JsonParser *p, const JsonOpen *open, const char *expected, const char *next,
                            bool *closed)
{
    unsigned char close = open->bracket == '[' ? ']' : '}';
    json_skip_ws(p);
    *closed = json_at(p, close);
    if (*closed) {
        p->pos++;
        return true;
    }
    if (!json_at(p, ','))
        return json_fail_expected(p, expected, open);
    p->pos++;
    json_skip_ws(p);
    if (json_at(p, close))
        return json_fail_at(p, p->pos, "expected %s after ',' (trailing commas are not allowed)", next);
    return true;
}

/* array -> '[' ws ']' | '[' value (',' value)* ']' */
static bool json_parse_array(JsonParser *p, JsonValue *v, size_t depth)
{
    JsonOpen open;
    if (!json_enter(p, depth, &open))
        return false;
    JsonValue *items = NULL;
    size_t count = 0, cap = 0;
    if (json_at(p, ']')) {
        p->pos++;
    } else {
        for (;;) {
            if (count == p->lim.max_array_items)
                return json_fail_at(p, p->pos, "array has more than %zu items (max_array_items)",
                                    p->lim.max_array_items);
            if (count == cap && !(items = json_grow(p, items, count, &cap, sizeof *items)))
                return false;
            if (!json_parse_value(p, &items[count], depth + 1))
                return false;
            count++;
            bool closed;
            if (!json_after_item(p, &open, "',' or ']' after array item", "a value", &closed))
                return false;
            if (closed)
                break;
        }
    }
    v->kind = JSON_ARRAY;
    v->as.array.items = items;
    v->as.array.count = count;
    return true;
}

/* Open-addressing set of member indexes, for duplicate keys in O(1) per key. */
typedef struct {
    size_t *slots;   /* member index + 1; 0 = empty */
    size_t mask;     /* slot count - 1; slot count is a power of two */
} JsonKeySet;

static uint32_t json_hash(const char *k, size_t n)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

/* Index of the member with the same key as members[count], or SIZE_MAX after
 * adding it. Grows the table to keep it at most half full. */
static bool json_keyset_add(JsonParser *p, JsonKeySet *set, const JsonMember *members, size_t count,
                            size_t *dup)
{
    size_t slots = set->slots ? set->mask + 1 : 0;
    if ((count + 1) * 2 > slots) {
        size_t nslots = slots ? slots * 2 : JSON_KEYSET_MIN_SLOTS;
        if (nslots < slots || nslots > SIZE_MAX / sizeof(size_t))
            return json_fail_at(p, p->pos, "out of memory");
        size_t *t = arena_zalloc(p->arena, nslots * sizeof *t);
        if (!t)
            return json_fail_at(p, p->pos, "out of memory");
        for (size_t i = 0; i < count; i++) {
            size_t h = json_hash(members[i].key, members[i].key_len) & (nslots - 1);
            while (t[h])
                h = (h + 1) & (nslots - 1);
            t[h] = i + 1;
        }
        set->slots = t;
        set->mask = nslots - 1;
    }
    const JsonMember *m = &members[count];
    size_t h = json_hash(m->key, m->key_len) & set->mask;
    for (; set->slots[h]; h = (h + 1) & set->mask) {
        const JsonMember *o = &members[set->slots[h] - 1];
        if (o->key_len == m->key_len && memcmp(o->key, m->key, m->key_len) == 0) {
            *dup = set->slots[h] - 1;
            return true;
        }
    }
    set->slots[h] = count + 1;
    *dup = SIZE_MAX;
    return true;
}

/* object -> '{' ws '}' | '{' member (',' member)* '}'
 * member -> ws string ws ':' value */
static bool json_parse_object(JsonParser *p, JsonValue *v, size_t depth)
{
    JsonOpen open;
    if (!json_enter(p, depth, &open))
        return false;
    JsonMember *members = NULL;
    size_t count = 0, cap = 0;
    JsonKeySet keys = {NULL, 0};
    const char *want_key = "a string key or '}'";
    if (json_at(p, '}')) {
        p->pos++;
    } else {
        for (;;) {
            if (!json_at(p, '"')) {
                if (json_at(p, '\''))
                    return json_fail_at(p, p->pos, "expected %s (single quotes are not allowed, use '\"')", want_key);
                return json_fail_expected(p, want_key, &open);
            }
            if (count == p->lim.max_object_members)
                return json_fail_at(p, p->pos, "object has more than %zu members (max_object_members)",
                                    p->lim.max_object_members);
            if (count == cap && !(members = json_grow(p, members, count, &cap, sizeof *members)))
                return false;
            JsonMember *m = &members[count];
            json_here(p, p->pos, &m->line, &m->col);
            size_t key_pos = p->pos;
            if (!json_parse_string(p, &m->key, &m->key_len))
                return false;
            size_t dup = SIZE_MAX;
            if (!json_keyset_add(p, &keys, members, count, &dup))
                return false;
            if (dup != SIZE_MAX) {
                char q[JSON_QUOTE_BUF];
                json_quote(q, sizeof q, m->key, m->key_len);
                return json_fail_at(p, key_pos, "duplicate key '%s' (first at line %u:%u)", q,
                                    (unsigned)members[dup].line, (unsigned)members[dup].col);
            }
            json_skip_ws(p);
            if (!json_at(p, ':'))
                return json_fail_expected(p, "':' after object key", &open);
            p->pos++;
            json_skip_ws(p);
            if (!json_parse_value(p, &m->value, depth + 1))
                return false;
            count++;
            bool closed;
            if (!json_after_item(p, &open, "',' or '}' after object member", "a string key", &closed))
                return false;
            if (closed)
                break;
            want_key = "a string key after ','";
        }
    }
    v->kind = JSON_OBJECT;
    v->as.object.members = members;
    v->as.object.count = count;
    return true;
}

/* value -> object | array | string | number | 'true' | 'false' | 'null'
 * The cursor is on the value's first byte (whitespace already skipped). */
static bool json_parse_value(JsonParser *p, JsonValue *v, size_t depth)
{
    memset(v, 0, sizeof *v);
    json_here(p, p->pos, &v->line, &v->col);
    if (p->pos >= p->len)
        return json_fail_expected(p, "a value", NULL);
    unsigned char c = p->s[p->pos];
    switch (c) {
    case '{':
        return json_parse_object(p, v, depth);
    case '[':
        return json_parse_array(p, v, depth);
    case '"':
        v->kind = JSON_STRING;
        return json_parse_string(p, &v->as.string.chars, &v->as.string.len);
    case '-':
        return json_parse_number(p, v);
    case '+':
        return json_fail_at(p, p->pos, "invalid number: leading '+' is not allowed");
    case '.':
        return json_fail_at(p, p->pos, "invalid number: a digit is required before '.'");
    case '\'':
        return json_fail_at(p, p->pos, "expected a value (single quotes are not allowed, use '\"')");
    default:
        if (json_is_digit(c))
            return json_parse_number(p, v);
        if (json_is_alpha(c))
            return json_parse_literal(p, v);
        return json_fail_expected(p, "a value", NULL);
    }
}

bool json_parse(const char *text, size_t len, const JsonLimits *limits, Arena *arena,
                JsonValue *out, JsonError *err)
{
    JsonError scratch;
    JsonParser p = {
        .s = (const unsigned char *)text,
        .len = len,
        .line = 1,
        .lim = limits ? *limits : JSON_DEFAULT_LIMITS,
        .arena = arena,
        .err = err ? err : &scratch,
    };
    if (p.lim.max_depth > JSON_DEPTH_CEILING)
        p.lim.max_depth = JSON_DEPTH_CEILING;
    bool ok = false;
    JsonValue v;
    memset(&v, 0, sizeof v);

    if ((!text && len) || !arena || !out) {
        json_fail_pos(&p, 1, 1, "invalid argument to json_parse (NULL text, arena or out)");
    } else if (len > p.lim.max_bytes) {
        uint32_t line, col;
        json_locate(p.s, p.len, p.lim.max_bytes, &line, &col);
        json_fail_pos(&p, line, col, "input too large: %zu bytes (max_bytes is %zu)", len, p.lim.max_bytes);
    } else if (json_check_encoding(&p)) {
        json_skip_ws(&p);
        if (json_parse_value(&p, &v, 0)) {
            json_skip_ws(&p);
            if (p.pos >= p.len)
                ok = true;
            else if (p.s[p.pos] == '\0')
                json_fail_at(&p, p.pos, "unexpected NUL byte in input after JSON value");
            else
                json_fail_at(&p, p.pos, "trailing characters after JSON value");
        }
    }
    if (out) {
        if (ok)
            *out = v;
        else
            memset(out, 0, sizeof *out);
    }
    return ok;
}

const JsonValue *json_object_getn(const JsonValue *obj, const char *key, size_t key_len)
{
    if (!obj || obj->kind != JSON_OBJECT || !key)
        return NULL;
    for (size_t i = 0; i < obj->as.object.count; i++) {
        const JsonMember *m = &obj->as.object.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0)
            return &m->value;
    }
    return NULL;
}

const JsonValue *json_object_get(const JsonValue *obj, const char *key)
{
    return key ? json_object_getn(obj, key, strlen(key)) : NULL;
}

#define JSON_KIND_NAME_(name, text) [name] = text,
static const char *const json_kind_names[JSON_KIND_COUNT] = { JSON_KIND_LIST(JSON_KIND_NAME_) };

const char *json_kind_name(JsonKind k)
{
    return (unsigned)k < JSON_KIND_COUNT ? json_kind_names[k] : "invalid";
}
