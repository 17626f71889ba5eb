/* json.h - strict RFC 8259 JSON reader (libc only) for case files and fixtures.
 * Parses one value into a tree allocated entirely in the caller's Arena, with
 * 1-based line:col on every value and every error. What the values mean is left
 * to the caller (case_json.c); this module only checks the syntax and limits. */
#ifndef GDL_JSON_H
#define GDL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* The value kinds, defined once: the enum and json_kind_name() both come from
 * this list. true and false are separate kinds but share the name "boolean". */
#define JSON_KIND_LIST(X)          \
    X(JSON_NULL,   "null")         \
    X(JSON_FALSE,  "boolean")      \
    X(JSON_TRUE,   "boolean")      \
    X(JSON_NUMBER, "number")       \
    X(JSON_STRING, "string")       \
    X(JSON_ARRAY,  "array")        \
    X(JSON_OBJECT, "object")

#define JSON_KIND_ENUM_(name, text) name,
#define JSON_KIND_ONE_(name, text) +1
typedef enum { JSON_KIND_LIST(JSON_KIND_ENUM_) } JsonKind;
enum { JSON_KIND_COUNT = 0 JSON_KIND_LIST(JSON_KIND_ONE_) };

typedef struct JsonValue JsonValue;
typedef struct JsonMember JsonMember;

struct JsonValue {
    JsonKind kind;
    uint32_t line, col;               /* 1-based position of the value's first byte */
    union {
        /* text = raw lexeme (NUL-terminated copy in the arena);
         * is_integer = the lexeme has no fraction and no exponent ("-0" is one). */
        struct { double value; bool is_integer; const char *text; size_t text_len; } number;
        /* decoded UTF-8, NUL-terminated; may contain \u0000, so use len */
        struct { const char *chars; size_t len; } string;
        struct { JsonValue *items; size_t count; } array;      /* items NULL when empty */
        struct { JsonMember *members; size_t count; } object;  /* in input order; keys unique */
    } as;
};

/* line:col is the position of the key's opening quote. */
struct JsonMember { const char *key; size_t key_len; uint32_t line, col; JsonValue value; };

/* Every bound the parser enforces; a value of exactly the limit is accepted,
 * one more is a located error that names the limit. */
typedef struct {
    size_t max_bytes;           /* whole input, in bytes */
    size_t max_depth;           /* nested arrays/objects; a top-level '[' is depth 1 */
    size_t max_string_bytes;    /* decoded bytes of one string or key */
    size_t max_array_items;
    size_t max_object_members;
} JsonLimits;

/* Defaults (JSON_DEFAULT_LIMITS): policy for case files, not fixed by any encoding. */
#define JSON_DEFAULT_MAX_BYTES          ((size_t)1 << 20)   /* 1 MiB */
#define JSON_DEFAULT_MAX_DEPTH          ((size_t)64)
#define JSON_DEFAULT_MAX_STRING_BYTES   ((size_t)64 << 10)  /* 64 KiB */
#define JSON_DEFAULT_MAX_ARRAY_ITEMS    ((size_t)10000)
#define JSON_DEFAULT_MAX_OBJECT_MEMBERS ((size_t)10000)

/* The parser recurses once per nesting level, so max_depth is capped here to
 * keep the C stack bounded whatever the caller asks for. */
#define JSON_DEPTH_CEILING              ((size_t)512)

extern const JsonLimits JSON_DEFAULT_LIMITS;

/* Size of JsonError.message, terminating NUL included; longer messages are cut. */
#define JSON_ERROR_MESSAGE_SIZE 256

/* message: lowercase, no final period, says what was expected.
 * line:col: 1-based; col counts bytes, not code points. "\n", "\r\n" and a lone
 * "\r" each end one line. At end of input the position is just past the last byte. */
typedef struct { char message[JSON_ERROR_MESSAGE_SIZE]; uint32_t line, col; } JsonError;

/* Parse exactly one JSON value (surrounding whitespace allowed, nothing else).
 * true on success. On failure fills err (if not NULL) with the position of the
 * offending byte, zeroes *out and returns false; never reads text past len.
 * limits may be NULL for JSON_DEFAULT_LIMITS. Memory comes only from arena and
 * stays there on failure too (reset or free the arena to reclaim it). */
bool json_parse(const char *text, size_t len, const JsonLimits *limits, Arena *arena,
                JsonValue *out, JsonError *err);

/* Member value by key, NULL if absent or obj is not an object. */
const JsonValue *json_object_get(const JsonValue *obj, const char *key);
/* Same, for keys that may contain NUL bytes. */
const JsonValue *json_object_getn(const JsonValue *obj, const char *key, size_t key_len);

/* Whether a number lexeme (JsonValue.as.number.text) denotes a whole number
 * exactly, judged on its digits, not on the double it rounds to: "45",
 * "45.0", "4.5e1" and "-0" do; "45.5", "1e-400" and "120.0000000000000001"
 * do not. text must be a valid JSON number. */
bool json_number_is_whole(const char *text, size_t len);

/* Length of the valid UTF-8 sequence at s[i] (1 to 4; i < len), or 0 with
 * *why set: RFC 3629, so no overlong forms, surrogates or code points above
 * U+10FFFF. The compiler checks .gdl sources with it too. */
size_t json_utf8_seq(const unsigned char *s, size_t len, size_t i, const char **why);

/* "null", "boolean" (for true and false), "number", "string", "array", "object";
 * "invalid" for a value outside JsonKind. */
const char *json_kind_name(JsonKind k);

#endif
