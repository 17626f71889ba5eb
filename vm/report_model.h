/* report_model.h - the clinician's report as data: what is shown, in which
 * section and order, worded in one language (report_model.c decides it, by
 * the rules of docs/report.md). The writers only lay it out: report_text.c
 * (text), report_html.c (HTML), report_cds.c (CDS Hooks cards, Markdown). */
#ifndef GDL_REPORT_MODEL_H
#define GDL_REPORT_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "case_json.h"
#include "vm.h"

/* The report's sections in output order: X(name, HTML class). */
#define REPORT_SECTIONS(X)                                                     \
    X(ERRORS, "errors")                                                         \
    X(RED_FLAGS, "red-flags")                                                   \
    X(REFERRALS, "referrals")                                                   \
    X(SCOPE, "scope")                                                           \
    X(CLASSIFICATION, "classification")                                         \
    X(TODO, "todo")                                                             \
    X(DONOT, "donot")                                                           \
    X(SCHEDULE, "schedule")                                                     \
    X(MEASURE, "measure")                                                       \
    X(MISSING, "missing")                                                       \
    X(UNDECIDED, "undecided")

#define REPORT_SECTION_ENUM_(name, cls) SEC_##name,
typedef enum { REPORT_SECTIONS(REPORT_SECTION_ENUM_) SEC__COUNT } ReportSectionKind;
#undef REPORT_SECTION_ENUM_

extern const char *const REPORT_SECTION_CLASS[SEC__COUNT];

/* One line of the report. The text form is indent, mark, key, key_sep,
 * text; `wrap` lines wrap with four blanks before each continuation. A
 * keyed row is a table row in HTML (key the row header). */
typedef struct ReportRow {
    struct ReportRow *next;
    uint8_t indent;             /* blanks before the line: 2, or 4 for --ids details */
    const char *mark;           /* "!! ", " ! ", " > " or "": a sign for the eye, not a word */
    const char *key, *key_sep;  /* row header and the blanks after it, or NULL */
    const char *text;
    bool wrap, urgent;
    /* What the CDS cards need: for red flags and referrals, */
    const char *outcome_id;     /* the outcome's id, else NULL */
    const char *section;        /* (and advice) the guideline section, else NULL */
} ReportRow;

typedef struct {
    const char *heading;        /* NULL: the section is not shown */
    ReportRow *first, *last;
    uint32_t nrows;
} ReportSection;

typedef struct {
    Arena arena;
    bool en, full, ids;         /* en: the report's words in English (gdl_labels_en) */
    const char *lang;           /* the language of the advice texts */
    bool failed;                /* out of memory: the model is incomplete */
    const char *title_line;     /* "title (id version)" */
    const char *case_line;      /* "Casus: x · beoordeeld op ..." */
    const char *guideline_title, *guideline_id, *guideline_version, *case_id;
    ReportSection sections[SEC__COUNT];
} ReportModel;

/* Builds the report of the evaluated case in vm (or, with errs holding
 * errors, of a case that failed to load): advice texts in lang, the report's
 * own words in English unless lang is nl, every item in full when full, with
 * ids when ids. Free with report_model_free. */
void report_model_build(ReportModel *m, const GdlVm *vm, const GdlCaseErrors *errs, const char *lang, bool full, bool ids);
void report_model_free(ReportModel *m);

/* Words both the HTML and the CDS writers add around the model. */
const char *report_word(const ReportModel *m, const char *nl, const char *en);

#endif
