/* canon.h - the canonical form of what a compiled guideline computes, for
 * gdl diff: a fact's code with every operand written by what it means (fact
 * and parameter names, numbers, strings, jumps relative to the fact's code)
 * instead of by slot, so two programs that compute the same thing give the
 * same text whatever their numbering. Parameters stay names: a threshold
 * that moves is a parameter change, not a condition change. */
#ifndef GDL_CANON_H
#define GDL_CANON_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "program.h"

typedef struct {
    const GdlProgram *p;
    uint32_t *start, *end;  /* per fact: its code is [start, end); start == end for inputs */
    char **expanded;        /* per fact: canon_fact's text, made on first use */
} Canon;

/* Finds every fact's code in a verified program. -1 when out of memory. */
int canon_init(Canon *c, const GdlProgram *p);
void canon_free(Canon *c);

/* Appends the instructions [from, to) of the code: one per line, operands
 * by name and value, jump targets relative to base. */
void canon_code(const Canon *c, uint32_t from, uint32_t to, uint32_t base, ByteBuf *out);
/* Appends, sorted by name, "name := code" for every define the code
 * [from, to) reads, directly or through other defines. Classifications and
 * the builtins are not expanded: each is compared on its own. */
void canon_defines(const Canon *c, uint32_t from, uint32_t to, ByteBuf *out);
/* The fact's own code and the defines it reads (canon_code, canon_defines),
 * or NULL when out of memory. Owned by c. */
const char *canon_fact(Canon *c, uint32_t fact);

/* Decoding, for walking one fact's code. */
uint32_t canon_insn_size(const GdlProgram *p, uint32_t pc);
uint32_t canon_u16(const uint8_t *at);

#endif
