/* case_json.h - reading a case file (JSON) into a VM's inputs. */
#ifndef GDL_CASE_JSON_H
#define GDL_CASE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

enum {
    GDL_MAX_CASE_ERRORS = 32,   /* per case; more are counted as "truncated" */
    GDL_CASE_FIELD_MAX = 128,
};

/* Whole numbers in an int field or list are below 2^53 in magnitude: from
 * there on not every whole number is a double (2^53 + 1 would silently
 * read as 2^53). */
#define GDL_CASE_INT_LIMIT 9007199254740992.0

typedef struct {
    char field[GDL_CASE_FIELD_MAX];
    bool has_field;         /* false: a syntax error of the file (line/col set) */
    uint32_t line, col;     /* 0 when not tied to a position */
    char message[256];
} GdlCaseError;

typedef struct {
    GdlCaseError items[GDL_MAX_CASE_ERRORS];
    uint32_t count;
    bool truncated;
} GdlCaseErrors;

/* Sets e to "no errors"; only the counters are touched. */
static inline void gdl_case_errors_clear(GdlCaseErrors *e)
{
    e->count = 0;
    e->truncated = false;
}

/* Resets the VM's case and loads text. 0 when the case is valid, else -1
 * with every error found in e (the inputs that did load stay loaded). */
int gdl_case_load_json(GdlVm *vm, const char *text, size_t len, GdlCaseErrors *e);
/* The same without the fast path: every case through json.c. For tests
 * that hold the two readers to the same result. */
int gdl_case_load_json_strict(GdlVm *vm, const char *text, size_t len, GdlCaseErrors *e);
/* The loaded case_id string, or fallback. */
const char *gdl_case_id(const GdlVm *vm, const char *fallback);

#endif
