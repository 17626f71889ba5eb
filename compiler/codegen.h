/* codegen.h - the code generator's shared state, internal to the four
 * files that turn the checked tree into a GdlProgram:
 *   const_pool.c  the string and number pools, enum symbol lists
 *   emit.c        instructions, the line table, the peephole fusion table
 *   lower.c       expressions, classification tables and outcomes to bytecode
 *   codegen.c     the program's tables (header, facts, parameters) and the order of facts */
#ifndef GDL_CODEGEN_H
#define GDL_CODEGEN_H

#include <string.h>

#include "compile.h"
#include "opcodes.h"

typedef struct {
    Compiler *c;
    Arena *out;
    GdlProgram *p;
    uint32_t cap_strings, cap_lens, cap_numbers, cap_code, cap_lines, cap_syms, cap_texts;
    uint16_t *string_hash;      /* open addressing: index + 1, 0 = empty */
    uint32_t string_hash_cap;
    int depth;                  /* current stack depth */
    uint32_t prev_at;           /* the last instruction, for the peephole pass; NO_PREV: none to fuse with */
    uint32_t prev_a, prev_b;
    int prev_depth;             /* stack depth before it */
    uint32_t prev_max_stack;    /* max_stack before it */
    uint8_t prev_op;
    uint32_t last_line, last_file;
    uint16_t cur_fact, last_fact;
    bool failed;
} Gen;

#define NO_PREV UINT32_MAX

#define GROW(g, arr, count, cap, type)                                        \
    do {                                                                      \
        if ((count) == (cap)) {                                               \
            uint32_t ncap = (cap) ? (cap) * 2 : 64;                           \
            type *grown = arena_alloc((g)->out, sizeof(type) * ncap);         \
            if (!grown) { (g)->failed = true; break; }                        \
            if (count) memcpy(grown, (arr), sizeof(type) * (count));          \
            (arr) = grown;                                                    \
            (cap) = ncap;                                                     \
        }                                                                     \
    } while (0)

void gen_error(Gen *g, SrcSpan at, const char *msg);
/* A limit of the bytecode format (fmt has one %d, the limit): reported for
 * the file, once, since everything after it fails too. */
void gen_limit_error(Gen *g, const char *fmt, int limit);

/* const_pool.c */
uint16_t intern_n(Gen *g, const char *s, size_t n);
uint16_t intern(Gen *g, const char *s);
uint16_t number(Gen *g, double v);
uint16_t add_syms(Gen *g, const Symbol *owner);

/* emit.c */
void mark_line(Gen *g, SrcSpan at);
void mark_fact(Gen *g, uint16_t fact, const AstNode *decl);
void emit(Gen *g, Opcode op, uint32_t a, uint32_t b);

/* lower.c */
void gen_expr(Gen *g, AstNode *e);
void store(Gen *g, Symbol *s);
void gen_classify(Gen *g, Symbol *s);
void gen_outcome(Gen *g, Symbol *s, GdlOutcome *o);

/* codegen.c */
const char *text_of(AstNode *owner, const char *lang);

#endif
