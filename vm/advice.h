/* advice.h - what an evaluated case says, as the advice format
 * (../shared/spec/advice-format.md) in JSON, or as text for a clinician,
 * plus the queries `gdl test` uses. */
#ifndef GDL_ADVICE_H
#define GDL_ADVICE_H

#include <stdbool.h>

#include "buf.h"
#include "case_json.h"
#include "vm.h"

typedef enum { ADVICE_JSON, ADVICE_JSON_PRETTY, ADVICE_TEXT, ADVICE_HTML, ADVICE_CDS } AdviceFormat;

typedef struct {
    AdviceFormat format;
    const char *lang;       /* a language code: nl, en, or one the guideline declares (gdl_language_check) */
    long batch_line;        /* > 0: errors carry this input line */
    bool detail_full;       /* text: every item, not the summary */
    bool ids;               /* text: each item's id as well */
} AdviceOptions;

/* Appends the result of the evaluated case in vm; with errs (count > 0) the
 * case failed to load and the result has status "error". JSON ends in '\n'. */
void gdl_advice_write(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out);

/* The clinician's report (report_text.c, docs/report.md): the text form. */
void gdl_report_text(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out);
/* The same report as a self-contained HTML page (report_html.c). */
void gdl_report_html(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out);
/* The result as a CDS Hooks 2.0 response, {"cards": [...]}, compact (report_cds.c, docs/cds-hooks.md). */
void gdl_report_cds(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out);

/* Whether a run may ask for language lang: nl and en always (the report's own
 * words exist in them), any other code only when the guideline's header
 * declares it. Else 0 with a message naming the declared ones in err. */
int gdl_language_check(const GdlProgram *p, const char *lang, char *err, size_t n);
/* The report's own words (vm/report_labels.def, unit words) are in nl and en:
 * any other language gets the English ones (docs/language.md). */
static inline bool gdl_labels_en(const char *lang)
{
    return lang[0] != 'n' || lang[1] != 'l' || lang[2] != '\0';
}

/* For tests: three-valued state of a fact: 1 true, 0 false, -1 unknown. */
int gdl_fact_truth(const GdlVm *vm, uint32_t fact);
/* Did an outcome of this kind and id fire (with this strength, if given)? */
bool gdl_outcome_fired(const GdlVm *vm, OutcomeKind kind, const char *id, const char *strength);
/* Is input `field` listed under "missing"? */
bool gdl_field_missing(const GdlVm *vm, const char *field);

#endif
