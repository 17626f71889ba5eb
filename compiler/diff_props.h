/* diff_props.h - the `property` declarations of a guideline for gdl diff
 * (docs/diff-compare.md, "Properties"). They are not in the bytecode: a
 * .gdl is compiled once more with them (Compiler.with_properties), each
 * premise becomes a fact compared in canonical form (canon.h) like an
 * outcome's condition, the expectations are compared as source text. */
#ifndef GDL_DIFF_PROPS_H
#define GDL_DIFF_PROPS_H

#include <stdint.h>

#include "compile.h"
#include "program.h"

typedef struct {
    char *name;
    char *section;          /* NULL without one */
    char *when;             /* the premise as written, NULL for "every case" */
    char *condition;        /* the premise in canonical form */
    char *expects;          /* the expectations as written, joined by "; " */
} DiffProperty;

typedef struct {
    DiffProperty *items;
    uint32_t n;
} DiffProperties;

/* The properties of the main file c compiled into p (c->with_properties,
 * p verified). 0, or -1 when out of memory (then *out holds what was read). */
int diff_properties_read(const Compiler *c, const GdlProgram *p, DiffProperties *out);
void diff_properties_free(DiffProperties *props);

#endif
