/* explain.h - "why did it say that?" (`gdl explain`, `gdl run --why`,
 * docs/explain.md). An explanation needs only the verified program and the
 * VM after a run, so it works on a .gdlb as well as on a .gdl:
 *   explain_tree.c  rebuilds each derived fact's expression tree from its
 *                   bytecode (the run of code that ends in its store, fused
 *                   instructions taken apart) and evaluates it on the run's
 *                   fact and parameter values;
 *   explain.c       finds the targets (kind:id) and writes the trees as
 *                   text for people or as JSON. */
#ifndef GDL_EXPLAIN_H
#define GDL_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "vm.h"

typedef enum {
    XN_CONST,   /* a literal: PUSH_* */
    XN_FACT,    /* a fact as read: LOAD_FACT and the fact operand of fused instructions */
    XN_PARAM,   /* the run's value of a parameter */
    XN_OP,      /* an operator (op: the unfused opcode) over kids */
    XN_TABLE,   /* a classification table: kids are the row conditions, then the otherwise */
    XN_GUARD,   /* 'classify ... when': kids[0] the condition, kids[1] the table */
} ExplainNodeKind;

typedef struct ExplainNode {
    uint8_t kind;           /* ExplainNodeKind */
    uint8_t op;             /* XN_OP: Opcode (AND, OR, NOT, EQ..GE, ADD..DIV, AT_LEAST, ...) */
    uint8_t type;           /* GdlType of the value, 0 when not known (the literal unknown) */
    uint8_t item_first, item_last;  /* SUM_ITEMS */
    uint16_t index;         /* XN_FACT: fact; XN_PARAM: parameter */
    uint16_t sym_fact;      /* enum values: the fact whose symbols name them, or GDL_NONE */
    uint16_t unit;          /* string: the unit of a number, or GDL_NONE */
    GdlValue konst;         /* XN_CONST: the literal */
    uint32_t height;        /* 1 for a leaf; explain_build refuses trees over EXPLAIN_MAX_HEIGHT */
    uint32_t nkids, cap;
    struct ExplainNode **kids;
    double *row_values;     /* XN_TABLE: the value of each row (nkids - 1 rows) */
    GdlValue value;         /* set by explain_eval */
} ExplainNode;

/* The code ranges of every derived fact: fact f's code is
 * code[start[f], end[f]), the last instruction its store. */
typedef struct {
    const GdlProgram *p;
    uint32_t *start, *end;  /* per fact; inputs have start == end == 0 */
} ExplainIndex;

int explain_index_init(ExplainIndex *x, const GdlProgram *p);
void explain_index_free(ExplainIndex *x);

/* The expression tree of derived fact `fact`, in arena a; NULL (with a
 * message) when its code has a shape the compiler does not emit (hand-made
 * bytecode) or memory runs out. */
ExplainNode *explain_build(const ExplainIndex *x, uint32_t fact, Arena *a, char *err, size_t errlen);

/* Sets value in every node of the tree from the run in vm: Kleene logic as
 * the VM's, without provenance (that is the fact's own, in the VM). */
void explain_eval(const GdlVm *vm, ExplainNode *n);

/* Whether two values are the same (tag and content): an evaluated tree's
 * root must equal the fact the VM stored. */
bool explain_same_value(const GdlValue *a, const GdlValue *b);

typedef struct {
    const char *lang;       /* nl or en; another language gets the English words */
    bool ids;               /* text: ids as well as words */
    bool json;
    bool bare;              /* text: no heading (gdl test puts it under a failure) */
    uint32_t depth;         /* levels of derived facts expanded below a target's condition */
} ExplainOptions;

/* EXPLAIN_MAX_HEIGHT: above the compiler's limit on nesting (1000 levels), so
 * it only stops hand-made code whose trees would make the writers recurse
 * without bound (a chain of ADD on a stack of two is a tree as high as the
 * code is long). */
enum { EXPLAIN_DEFAULT_DEPTH = 2, EXPLAIN_MAX_DEPTH = 16, EXPLAIN_MAX_HEIGHT = 1024 };

/* Checks targets ("kind:id", "scope"): 0, or -1 with a message naming the
 * first one that is not in the program (with the kinds, or a near id). */
int explain_check_targets(const GdlProgram *p, const char *const *targets, uint32_t ntargets, char *err,
                          size_t errlen);

/* Explains the targets (none: every exclusion, red flag and referral that
 * fired and every classification in the result) of the evaluated case in
 * vm. -1 when out of memory or the program cannot be explained (err). */
int explain_write(const GdlVm *vm, const char *const *targets, uint32_t ntargets, const ExplainOptions *opt,
                  ByteBuf *out, char *err, size_t errlen);

#endif
