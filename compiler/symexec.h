/* symexec.h - the compiled program run over every case at once, for gdl
 * verify. Each input gets a finite domain of points (unknown, and one value
 * per class of values the program cannot tell apart), encoded in BDD
 * variables; each fact then becomes a guarded value set: for every value it
 * can take, the BDD of the cases where it takes it, plus the BDD of the cases
 * where it is unknown. What the findings ask of it is in analysis.c. */
#ifndef GDL_SYMEXEC_H
#define GDL_SYMEXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "bdd.h"
#include "program.h"

enum {
    SX_MAX_ENUMERATED = 4096,   /* points of an input enumerated value by value (ints, lists) */
    SX_MAX_PAIRS = 1u << 22,    /* value pairs one arithmetic instruction may combine */
    SX_GC_MIN_NODES = 1u << 16, /* BDD nodes in use before the first garbage collection */
};

typedef struct {
    double v;
    Bdd g;
} SxItem;

/* A value over all cases: `it` are distinct values with disjoint guards;
 * `unk` guards unknown. Booleans are 0 and 1, like in the VM. */
typedef struct {
    Bdd unk;
    uint32_t n;
    SxItem *it;
} SxVal;

typedef enum { SXP_UNKNOWN, SXP_VALUE } SxPointKind;

/* The points of one input. Point 0 is unknown unless the input is required. */
typedef struct {
    uint32_t npoints;
    bool has_unknown;
    double *points;             /* value of each point (a list: index into lists) */
    double **lists;             /* list inputs: the items of each point */
    uint32_t *list_lens;
    const char **strings;       /* string inputs: the text of each point */
    uint32_t first_var, nbits;
    const char *inexact;        /* NULL when the points cover every class exactly */
    int32_t partner;            /* a from-date of weeks/days_between: the to-date input, else -1 */
    double *thresholds;         /* the constants it is compared with, sorted (numbers and dates) */
    uint32_t nthresholds;
    bool read;                  /* the program reads it */
} SxDomain;

/* One classification row, as the table decides it. */
typedef struct {
    uint32_t fact;              /* the classification */
    uint32_t row;               /* 0-based, in written order; the otherwise row last */
    bool otherwise;
    Bdd chosen;                 /* the cases where this row gives the value */
    Bdd cond_true;              /* the cases where its condition is true (otherwise: every case) */
} SxRow;

typedef struct SxEngine {
    const GdlProgram *p;
    const double *params;       /* the parameter values verified */
    BddMgr bdd;
    Arena arena;
    SxDomain *dom;              /* per input */
    uint32_t nvars_inputs;
    Bdd valid;                  /* the assignments that encode a point of every input */
    SxVal *facts;               /* per fact: its value over all cases */
    SxVal *computed;            /* local mode: each fact's own expression over free facts */
    SxRow *rows;
    uint32_t nrows, cap_rows;
    bool local;                 /* read derived bool/enum facts as free variables */
    char error[256];
} SxEngine;

/* Builds the domains and runs the program. local: every derived boolean or
 * enum fact is read as a free variable (any of its values, or unknown), so
 * facts[f] is what f's own expression allows whatever the facts it reads.
 * 0 on success; -1 with e->error set (out of memory, too large, an
 * instruction it cannot follow). */
int sx_run(SxEngine *e, const GdlProgram *p, const double *params, bool local);
/* Only the first pass: the points of every input (e->dom), no execution.
 * sx_free releases it too. */
int sx_domains(SxEngine *e, const GdlProgram *p, const double *params);
void sx_free(SxEngine *e);

Bdd sx_true(SxEngine *e, const SxVal *v);       /* cases where v is known and not 0 */
Bdd sx_false(SxEngine *e, const SxVal *v);      /* cases where v is known 0 */
Bdd sx_equals(SxEngine *e, const SxVal *v, double x);

/* The point of every input in one satisfying assignment of f (and of the
 * domain constraint). False when f has none. */
bool sx_pick(SxEngine *e, Bdd f, uint32_t *point);
Bdd sx_point_guard(SxEngine *e, uint32_t input, uint32_t point);
/* Whether the assignment that puts every input at point[] lies in g. */
bool sx_holds_at(const SxEngine *e, Bdd g, const uint32_t *point);

#endif
