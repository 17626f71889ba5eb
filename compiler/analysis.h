/* analysis.h - gdl verify: what is proved about a whole guideline. It asks
 * symexec.c (every case at once) for dead and contradictory rules and for the
 * declared properties, turns each answer into a finding located at its rule,
 * and checks every counterexample by running it through the VM. Printing is
 * in analysis_report.c. */
#ifndef GDL_ANALYSIS_H
#define GDL_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "compile.h"

/* Every kind of finding, once:
 *  name               word                 level        what it means */
#define FINDING_KINDS(K)                                                                            \
    K(COMPILE,           "compile",           SEV_ERROR,   "the guideline does not compile (syntax, names, types, units)") \
    K(UNSATISFIABLE,     "unsatisfiable",     SEV_ERROR,   "a condition is never true for any case")  \
    K(UNREACHABLE_ROW,   "unreachable_row",   SEV_ERROR,   "a table row can never be chosen")         \
    K(DEAD_OUTCOME,      "dead_outcome",      SEV_WARNING, "an outcome can never fire")               \
    K(CONTRADICTION,     "contradiction",     SEV_ERROR,   "conflicting advice can fire for one case") \
    K(OVERLAP,           "overlap",           SEV_ERROR,   "two rows of a unique table hold for one case") \
    K(GAP,               "gap",               SEV_ERROR,   "no row of a unique table holds for some case") \
    K(COLUMN_OVERLAP,    "column_overlap",    SEV_WARNING, "two cells of a table column, in rows of different values, hold for one value") \
    K(COLUMN_GAP,        "column_gap",        SEV_WARNING, "a known value of a column every row tests matches no cell") \
    K(UNUSED,            "unused",            SEV_WARNING, "a declaration is never read")             \
    K(PROPERTY_VIOLATED, "property_violated", SEV_ERROR,   "a declared property fails for some case") \
    K(PROPERTY_PROVED,   "property_proved",   SEV_NOTE,    "a declared property holds for every case") \
    K(INEXACT,           "inexact",           SEV_NOTE,    "an input whose values are sampled, not covered")

typedef enum {
#define K(name, word, level, doc) FINDING_##name,
    FINDING_KINDS(K)
#undef K
    FINDING__COUNT
} FindingKind;

extern const char *const FINDING_WORD[FINDING__COUNT];
extern const Severity FINDING_LEVEL[FINDING__COUNT];
extern const char *const FINDING_DOC[FINDING__COUNT];

enum { FINDING_MAX_RELATED = 2 };

typedef struct {
    FindingKind kind;
    Severity level;             /* FINDING_LEVEL[kind], or the diagnostic's for COMPILE */
    SrcSpan span;
    char file[512];             /* path, line and column of span */
    uint32_t line, col;
    char rule[160];             /* kind:id, e.g. advice:massage */
    char message[768];
    char *counterexample;       /* a case file (JSON), or NULL */
    uint32_t rows[2];           /* overlap, column_overlap: the two rows (0-based) */
    uint32_t column;            /* column_overlap, column_gap: the column (0-based) */
    uint32_t nrelated;
    struct {
        char rule[160];
        char file[512];
        uint32_t line;
    } related[FINDING_MAX_RELATED];
} Finding;

typedef struct {
    Finding *items;
    uint32_t count, cap;
    uint32_t errors, warnings, proved, violated;
    char internal[1024];         /* set when the verifier itself failed */
} Findings;

/* Verifies one compiled guideline (compiled with c->with_properties; p has
 * passed gdl_verify). Appends to out in a fixed order. 0 on success, -1 on
 * an internal failure (out->internal says what). */
int analysis_run(Compiler *c, const GdlProgram *p, Findings *out);
void findings_free(Findings *f);
/* A DiagSink (diag.h) that keeps compile diagnostics as COMPILE findings. */
void findings_add_diag(void *findings, Severity sev, const char *path, uint32_t line, uint32_t col, const char *msg);

/* Runs a counterexample through the VM and says whether it shows the
 * finding again (for verify itself and for its tests). why gets the
 * expectations that fail, for property_violated. */
bool analysis_reproduces(Compiler *c, const GdlProgram *p, const Finding *f, const char *case_json, char *why,
                         size_t whylen);

/* The case file of one point per input (symexec.h): unknown points and
 * inputs with drop[i] set are left out; case_id, when given, is the value
 * of a string input named case_id. Heap text; NULL when out of memory. */
struct SxEngine;
char *analysis_case_json(const struct SxEngine *e, const uint32_t *point, const bool *drop, const char *case_id);

/* gdl cases --boundary: one case per point of every input the program reads
 * (each threshold at its edges, each enum value), the others unknown. */
int analysis_boundary_cases(const GdlProgram *p, FILE *out, char *err, size_t errlen);

/* analysis_report.c */
typedef enum { REPORT_TEXT, REPORT_JSON, REPORT_SARIF } ReportFormat;
/* Text: the findings from index `from` on, all of one compile (its sources). */
void report_text(const Findings *f, uint32_t from, const SourceSet *sources, FILE *out);
void report_json(const Findings *f, const char *const *files, uint32_t nfiles, double seconds, bool timing, FILE *out);
void report_sarif(const Findings *f, FILE *out);

#endif
