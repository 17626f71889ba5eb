/* ast.h - the syntax tree. Nodes live in the compile arena and are never
 * freed one by one. One node shape serves all kinds (see ast_kinds.def for
 * which fields each kind uses), so grammar actions stay one-liners; where a
 * field means something else for one kind it has that kind's name too (an
 * anonymous union: a red flag's `action` is stored where a number's `unit`
 * is), and an outcome's dose and `from` have fields of their own. */
#ifndef GDL_AST_H
#define GDL_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "program.h"
#include "source.h"
#include "types.h"

typedef enum {
#define AK(kind, name) AST_##kind,
#include "ast_kinds.def"
#undef AK
    AST__COUNT
} AstKind;

typedef enum {
    OP_NONE_, OP_OR_, OP_AND_, OP_NOT_, OP_EQ_, OP_NE_, OP_LT_, OP_LE_, OP_GT_, OP_GE_,
    OP_ADD_, OP_SUB_, OP_MUL_, OP_DIV_, OP_NEG_,
} AstOp;

enum { RANGE_LO_EXCL = 1, RANGE_HI_EXCL = 2 };
enum { INPUT_REQUIRED = 1 };
enum { EXPECT_NEGATED = 1 };
enum { CLASSIFY_UNIQUE = 1 };
enum { CELL_IN_SET = 1 };      /* a cell 'in { ... }' */
enum { FIRED_CHECKED = 1 };     /* checked in a property premise, where it may stand */   /* hit policy: exactly one row holds for every case */

typedef struct AstNode AstNode;

typedef struct {
    AstNode **items;
    uint32_t count, cap;
} AstList;

struct AstNode {
    AstKind kind;
    SrcSpan span;
    const char *name;   SrcSpan name_span;
    union {             /* a second name; an OUTCOME's qualifier, named by its kind: */
        struct { const char *name2; SrcSpan name2_span; };
        struct { const char *cluster; SrcSpan cluster_span; };          /* red_flag */
        struct { const char *strength; SrcSpan strength_span; };        /* advice */
        struct { const char *after_param; SrcSpan after_param_span; };  /* schedule after PARAM */
    };
    const char *str;    SrcSpan str_span;
    union {
        struct { const char *unit; SrcSpan unit_span; };
        struct { const char *action; SrcSpan action_span; };            /* OUTCOME red_flag, refer */
    };
    double num;
    int op;             /* AstOp, or the OutcomeKind of an OUTCOME */
    union {
        int flags;
        int urgent;     /* OUTCOME red_flag, refer: 1 when 'urgent' */
    };
    AstNode *a, *b;
    union {             /* a third child, named by the kind that has one (no expression has one): */
        AstNode *length;    /* INPUT: the 'length' RANGE */
        AstNode *policy;    /* CLASSIFY: the hit policy word (NAME 'first'); NULL: first, or unique (flags) */
        AstNode *cells;     /* ROW: its CELLS, kept after table.c lowers them into a */
        AstNode *count;     /* CELLS: at_least's count (NUM) */
    };
    AstNode *dose;      /* OUTCOME (advice only: check.c), EXPECT: ARRAY of DOSE_ENTRY */
    AstNode *from;      /* OUTCOME schedule: the date it counts from; NULL: first_contact_on, else assessed_on */
    AstList list, list2;
    void *ref;          /* set by check.c: the Symbol an OUTCOME or NAME stands for */
    /* Set by check.c where it resolves them, so that codegen only lowers
     * (it calls nothing in check.c and looks up no name): */
    Ty ty;              /* an expression's type where it stands */
    AstNode *arg;       /* NAME of a function parameter: the argument it stands for */
    AstNode *expansion; /* CALL of a function: the body, copied for this call and checked there */
    int builtin;        /* CALL: the built-in function (BuiltinFn, builtins.def); -1: none (ast_new) */
    bool member;        /* NAME: a value of the enum on the other side (`trauma == minor`) */
    int ordinal;        /* that value's index in its enum; a classification row's symbolic value too */
    Symbol *name2_sym;  /* CLASSIFY: the override input; OUTCOME: the 'after' parameter */
};

typedef struct {
    Arena *arena;
    bool oom;
    AstNode dummy;      /* handed out when the arena fails, so actions never see NULL */
} AstBuilder;

AstNode *ast_new(AstBuilder *b, AstKind kind, SrcSpan span);
AstNode *ast_named(AstBuilder *b, AstKind kind, SrcSpan span, const char *name, SrcSpan name_span);
AstNode *ast_binary(AstBuilder *b, int op, AstNode *l, AstNode *r);
AstNode *ast_unary(AstBuilder *b, int op, AstNode *x, SrcSpan span);
void ast_push(AstBuilder *b, AstList *list, AstNode *item);
/* A copy of the tree e, node by node (function expansion: check.c checks and
 * annotates each call's copy of the body). Below `depth` levels the nodes are
 * shared, not copied: the checker rejects a tree that deep. Each copied node
 * takes one from *budget. NULL: no memory, or the budget ran out (then 0). */
AstNode *ast_clone(Arena *arena, AstNode *e, uint32_t depth, uint32_t *budget);
SrcSpan span_join(SrcSpan a, SrcSpan b);
const char *ast_kind_name(AstKind k);

#endif
