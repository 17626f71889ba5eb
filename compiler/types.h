/* types.h - the static type of an expression, as check.c works it out and
 * stores it on each node (AstNode.ty) for codegen. */
#ifndef GDL_TYPES_H
#define GDL_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* A static type: kind, unit (interned name or NULL), enum symbols. */
typedef enum { TY_ERROR = 0, TY_BOOL, TY_NUM, TY_DATE, TY_STRING, TY_ENUM, TY_LIST, TY_ANY } TyKind;

typedef struct Symbol Symbol;

/* The values an expression can take, as far as the checker knows (interval
 * arithmetic over declared ranges, docs/language.md "Ranges"): numbers, the
 * value; lists, the number of items. Unbounded when `bounded` is false. */
typedef struct {
    bool bounded;
    uint8_t flags;          /* RANGE_LO_EXCL, RANGE_HI_EXCL */
    double lo, hi;
} Bounds;

typedef struct {
    TyKind kind;
    bool integral;          /* int rather than number (inputs) */
    const char *unit;       /* NULL: dimensionless */
    const Symbol *enum_of;  /* owner of the enum's symbol list */
    Bounds range;
} Ty;

#endif
