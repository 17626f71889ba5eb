/* compare_dose.h - gdl compare's comparison of the doses several guidelines
 * give for one intervention (docs/diff-compare.md, "Doses"): a dose key that
 * two guidelines both give, with another value, is a dose conflict; a key
 * only some give, or a dose against none, is a difference that is shown but
 * is not a conflict (a dose given only in words stays in the advice text). */
#ifndef GDL_COMPARE_DOSE_H
#define GDL_COMPARE_DOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

enum { DOSE_MAX_KEYS = 32 };    /* conflicting keys reported per intervention */

typedef struct {
    bool differs;               /* the doses are not all the same */
    uint32_t nconflicts;
    const char *conflicts[DOSE_MAX_KEYS];   /* keys, in the order of the first dose that has them */
    bool lacks[16];             /* per guideline: a key another dose has is missing from its own */
} DoseComparison;

/* Compares doses[0 .. n) (n <= 16): each a dose's JSON object text, NULL
 * for an advice without a dose, or skipped when given[i] is false (the
 * guideline gives no recommendation whose dose counts). The conflict keys
 * live in arena. 0, or -1 when a dose is not a JSON object (a verified
 * program's doses always are) or out of memory. */
int compare_doses(const char *const *doses, const bool *given, uint32_t n, DoseComparison *out, Arena *arena);

#endif
