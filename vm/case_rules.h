/* case_rules.h - the value rules of a case input (type aside: range, whole
 * numbers, length, enum symbol), one copy for both case readers: the strict
 * reader (case_json.c) turns a broken rule into its message, the fast path
 * (case_fast.c) only tokenizes and gives up on any broken rule. */
#ifndef GDL_CASE_RULES_H
#define GDL_CASE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "program.h"

typedef enum {
    CASE_NUMBER_OK,
    CASE_NUMBER_NOT_WHOLE,      /* an int written with a fraction or exponent */
    CASE_NUMBER_TOO_LARGE,      /* an int of 2^53 or more: not exact in a double */
    CASE_NUMBER_OUT_OF_RANGE,
} CaseNumberRule;

/* A number written as text[0, len) with the value v, for an int or number
 * input f, or (whole_only) an item of an int list. */
CaseNumberRule gdl_case_number_rule(const GdlFact *f, bool whole_only, const char *text, size_t len, double v);

/* Whether a string of n characters, or a list of n items, has a length f allows. */
static inline bool gdl_case_length_ok(const GdlFact *f, size_t n)
{
    return !(f->flags & IN_HAS_LEN) || (n >= f->len_min && n <= f->len_max);
}

/* The ordinal of the enum symbol s[0, n) of input f, or -1. */
int gdl_case_enum_ordinal(const GdlProgram *p, const GdlFact *f, const char *s, size_t n);

#endif
