/* vm.h - the GDL virtual machine: evaluates a verified program over one
 * case at a time. All state lives in GdlVm (several VMs per process); the
 * arrays are sized once from the program, so evaluating a case allocates
 * nothing. Each value carries its provenance: the set of inputs and named
 * classifications that decided it (when known) or that it waits for (when
 * unknown). That is what the advice's "because" and "missing" report. */
#ifndef GDL_VM_H
#define GDL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "program.h"

typedef enum { VT_UNKNOWN = 0, VT_NUM, VT_STR, VT_LIST } ValueTag;

/* What made a value unknown besides absent inputs (which its provenance
 * names; the advice lists them under "missing"): an unknown value's len is
 * the set of these reasons behind it, one bit each (GDL_WHY_BIT), joined
 * like provenance. When no absent input is behind an undecided conclusion,
 * the advice reports these phrases instead (docs/language.md, "Unknown").
 * OTHER only stands in for an empty set, which no compiled program gives. */
#define GDL_UNKNOWN_REASONS(X)                                                  \
    X(NOT_APPLICABLE, "a classification that does not apply", "een classificatie die niet van toepassing is") \
    X(DIV_ZERO, "division by zero", "deling door nul")                         \
    X(LITERAL, "the literal unknown", "de waarde unknown in de richtlijn")     \
    X(SHORT_LIST, "a list shorter than the items summed", "een lijst korter dan de opgetelde items") \
    X(OTHER, "no finding would decide it", "geen bevinding beslist het")

typedef enum {
#define X(name, en, nl) GDL_WHY_##name,
    GDL_UNKNOWN_REASONS(X)
#undef X
    GDL_WHY__COUNT
} GdlUnknownReason;

#define GDL_WHY_BIT(why) (1u << (why))

/* The phrase for reason `why` (a GdlUnknownReason), in English (the JSON
 * output) or Dutch; *order: the reasons in the order of their English
 * phrases (GDL_WHY__COUNT of them). */
const char *gdl_unknown_reason_text(uint32_t why, bool en);
const uint8_t *gdl_unknown_reason_order(void);

/* A known number's len: the value of a table's 'otherwise' row (OP_OTHERWISE),
 * which the advice's "because" names (docs/language.md, tables). */
#define GDL_FROM_OTHERWISE 1u

/* Booleans, dates (day numbers) and enum ordinals are numbers too. */
typedef struct {
    uint32_t tag;
    uint32_t len;           /* string bytes, list items; unknown: its reasons (GDL_WHY_BIT);
                             * a classification's number: GDL_FROM_OTHERWISE or 0 */
    union {
        double num;
        const char *str;
        const double *items;
    } as;
} GdlValue;

struct AdviceTables;
struct GdlMem;

typedef struct GdlVm {
    const GdlProgram *p;
    uint32_t words;         /* 64-bit words per provenance set */
    GdlValue *facts;        /* one per fact: inputs first */
    uint64_t *fact_deps;    /* nfacts * words */
    GdlValue *stack;
    uint64_t *stack_deps;   /* max_stack * words */
    GdlValue *params;       /* this run's parameter values */
    Arena param_arena;      /* texts of string parameters set by gdl_vm_set_param */
    uint16_t *input_order;  /* inputs sorted by name, for the case reader */
    uint16_t *input_rank;   /* position of each input in that order */
    uint16_t *dep_fact;     /* the fact behind each provenance bit */
    uint16_t *self_bit;     /* per fact: its own provenance bit, GDL_NONE for defines (a
                             * copy of facts[].dep_bit the dispatch loop reads without
                             * touching the wide fact records) */
    uint16_t *name_slots;   /* open-addressing table: field name -> input + 1 */
    uint32_t name_mask;     /* slots - 1 (a power of two, at least twice the inputs) */
    uint64_t *seen;         /* inputs given in the case being read, for duplicates */
    uint16_t *required;     /* the inputs a case must give */
    uint32_t nrequired;
    Arena case_arena;       /* strings, lists and the JSON tree of one case */
    void *block;            /* the one allocation behind the arrays */
    struct AdviceTables *advice;    /* output tables derived from the program */
    const struct GdlMem *mem;       /* the embedder's allocator (mem.h); NULL: malloc */
} GdlVm;

/* Prepares a VM for a verified program. -1 when out of memory. */
int gdl_vm_init(GdlVm *vm, const GdlProgram *p);
/* The same with the embedder's allocator for everything the VM allocates. */
int gdl_vm_init_mem(GdlVm *vm, const GdlProgram *p, const struct GdlMem *mem);
void gdl_vm_free(GdlVm *vm);
/* Forgets the previous case: every input unknown, the case arena reset. */
void gdl_vm_reset_case(GdlVm *vm);
/* Sets parameter `name` from text ("7", "8 weeks" is not accepted: the unit
 * is the parameter's; a string parameter takes the text as it is, valid
 * UTF-8 without control characters). -1 with a message when unknown or out
 * of range. */
int gdl_vm_set_param(GdlVm *vm, const char *name, const char *text, char *err, size_t errlen);
/* The same from "NAME=VALUE" (gdl run and gdl test --param): -2 when arg
 * has no name or no '=', -1 when the value is refused; err says why. */
int gdl_vm_set_param_arg(GdlVm *vm, const char *arg, char *err, size_t errlen);
/* Evaluates every derived fact in program order. */
void gdl_vm_run(GdlVm *vm);

uint32_t gdl_name_hash(const char *s, size_t len);
/* Input index by field name, or -1. */
int gdl_vm_find_input(const GdlVm *vm, const char *name, size_t len);

/* Index of the lowest set bit of a non-zero word. */
static inline unsigned gdl_ctz64(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

static inline bool gdl_is_true(const GdlValue *v) { return v->tag == VT_NUM && v->as.num != 0; }
static inline bool gdl_is_false(const GdlValue *v) { return v->tag == VT_NUM && v->as.num == 0; }
static inline const uint64_t *gdl_fact_deps(const GdlVm *vm, uint32_t fact) { return vm->fact_deps + (size_t)fact * vm->words; }

#endif
