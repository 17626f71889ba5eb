/* outputs.h - a result as named values, for putting the results of several
 * guidelines on one case side by side (gdl diff's behaviour, gdl compare).
 * An output key names one thing a result can say: "status", "in_scope",
 * "exclusion:ID", "red_flag:ID", "classification:NAME", "advice:ID",
 * "referral:ID", "schedule:ID", "measurement:ID". Its value in a result is
 * a short word (docs/diff-compare.md, "Output values"); a guideline that
 * has no such output says "-", as when it does not fire. */
#ifndef GDL_OUTPUTS_H
#define GDL_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "vm.h"

typedef enum { OUT_STATUS, OUT_IN_SCOPE, OUT_OUTCOME, OUT_CLASSIFICATION } OutputWhat;

enum { OUTPUT_VALUE_MAX = 256 };    /* a value longer than this is cut (several advice of one id at most) */

typedef struct {
    char *key;              /* "red_flag:cauda_equina" */
    const char *name;       /* the id or classification name: inside key */
    uint8_t what;           /* OutputWhat */
    uint8_t kind;           /* OutcomeKind, for OUT_OUTCOME */
} OutputKey;

typedef struct {
    OutputKey *keys;        /* the result's order: status, in_scope, exclusions, red flags, ... */
    uint32_t nkeys;
} OutputKeys;

/* Where each key is in one program: outcome indices or a classification fact. */
typedef struct {
    uint32_t *first, *count;    /* per key: outcomes[first .. first + count) */
    uint16_t *outcomes;
    uint16_t *fact;             /* per key: classification fact or GDL_NONE */
} OutputMap;

/* The keys of all the programs together, each once. -1 when out of memory. */
int outputs_collect(const GdlProgram *const *progs, uint32_t n, OutputKeys *out);
void outputs_free(OutputKeys *k);
int outputs_map(const OutputKeys *k, const GdlProgram *p, OutputMap *m);
void outputs_map_free(OutputMap *m);

/* The value of key i in the case the VM evaluated (loaded false: the case
 * did not load). */
void outputs_value(const GdlVm *vm, const OutputMap *m, const OutputKeys *k, uint32_t i, bool loaded,
                   char buf[OUTPUT_VALUE_MAX]);

/* Reads one line (without "\n" or "\r\n") into line, NUL-terminated: 1, or
 * 0 at the end of input, -1 on a read error or out of memory. */
int outputs_read_line(FILE *in, ByteBuf *line);
/* Whether line holds only blanks. */
bool outputs_blank(const char *line, size_t n);

/* "<id>@<version>" of a program. */
void outputs_guideline_key(const GdlProgram *p, char *buf, size_t len);

#endif
