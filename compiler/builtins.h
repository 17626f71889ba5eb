/* builtins.h - the built-in functions, expanded from builtins.def: what the
 * checker needs to type a call and codegen to lower it. The rules themselves
 * are code, in check_call (check.c) and gen_call (lower.c). */
#ifndef GDL_BUILTINS_H
#define GDL_BUILTINS_H

#include <stdint.h>

#include "opcodes.h"

typedef enum {
#define X(id, name, min, max, typing, unit, lowering, op) BF_##id,
#include "builtins.def"
#undef X
    BF__COUNT
} BuiltinFn;

/* How check_call types a call (builtins.def explains each). */
typedef enum { BT_ANY_ARG, BT_BOOLS, BT_COUNT_BOOLS, BT_AT_LEAST, BT_SAME_TYPE, BT_DATES, BT_SUM } BuiltinTyping;
/* How gen_call lowers a call (builtins.def explains each). */
typedef enum { BL_ARGS, BL_FOLD, BL_COUNT_ALL, BL_COUNT_REST, BL_SUM } BuiltinLowering;

typedef struct {
    const char *name;
    int min, max;           /* arity; max 255: no limit */
    BuiltinTyping typing;
    const char *unit;       /* DATES: the unit of the result, or NULL */
    BuiltinLowering lowering;
    Opcode op;
} BuiltinInfo;

extern const BuiltinInfo BUILTINS[BF__COUNT];

/* The BuiltinFn called `name`, or -1. */
int builtin_fn(const char *name);

#endif
