/* advice_query.h - what both renderings of a result ask of an evaluated
 * case (advice.c answers): the fired outcomes in output order, schedule
 * dates, and the "missing" analysis. Internal to libgdlvm: the JSON writer
 * (advice.c) and the clinician's report (report_model.c) share it. */
#ifndef GDL_ADVICE_QUERY_H
#define GDL_ADVICE_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "advice_prep.h"
#include "buf.h"
#include "vm.h"

/* Iterates over the set bits of a provenance set, lowest first. */
#define FOR_EACH_BIT(set, words, bit)                                              \
    for (uint32_t w_ = 0; w_ < (words); w_++)                                      \
        for (uint64_t m_ = (set)[w_]; m_; m_ &= m_ - 1)                            \
            for (uint32_t bit = w_ * 64 + gdl_ctz64(m_), once_ = 1; once_; once_ = 0)

/* What "missing" lists: the input fields behind undecided conclusions, in
 * name order, and for each the conclusions it blocks, in "needed_for"
 * order (open[needed[needed_off[k]] ..] for field k); then the undecided
 * conclusions no absent input explains, under each reason they are unknown
 * for (in the order of the reasons' phrases), in "needed_for" order. */
typedef struct {
    uint16_t *fields;       /* input facts */
    uint32_t nfields;
    const Conclusion **open;
    uint32_t nopen;
    uint32_t *needed_off;   /* list k is needed[needed_off[k] .. needed_off[k + 1]) */
    uint16_t *needed;       /* indices into open */
    /* Reason k (the k-th of gdl_unknown_reason_order) blocks open[by_reason[reason_off[k]] ..
     * by_reason[reason_off[k + 1]]): the open conclusions with no absent input behind them
     * and that reason among theirs, in the order of open. */
    uint16_t *by_reason;
    uint32_t reason_off[GDL_WHY__COUNT + 1];
} Missing;

/* The kinds of words in report_labels.def, and (report_text.c) the words
 * for an id of that kind, or NULL: the report and the explanation
 * (explain.c) name things alike. */
typedef enum {
    LABEL_CLASSIFICATION, LABEL_VALUE, LABEL_CLUSTER, LABEL_EXCLUSION, LABEL_SCHEDULE, LABEL_DOSE, LABEL_UNIT, LABEL_UNIT_ONE
} LabelKind;
const char *report_label(LabelKind kind, const char *id, bool en);
/* The words for an id, else the id with spaces for '_'. */
void report_put_label(ByteBuf *b, LabelKind kind, const char *id, bool en);

/* Indices of the fired outcomes of one kind, in output order (case arena). */
uint32_t advice_fired(const GdlVm *vm, OutcomeKind kind, uint16_t **out);
/* The day a schedule item falls on (days since 1970-01-01); false when it has none. */
bool advice_schedule_day(const GdlVm *vm, const GdlOutcome *o, int32_t *day);
/* Whether a classification is in the result ('classify ... when' not known false). */
bool advice_classification_applies(const GdlVm *vm, uint32_t fact);
Missing advice_find_missing(const GdlVm *vm);
/* The conclusions open[idx[0 .. count)], each once: as JSON string literals
 * separated by sep, or (json false) as kind:id words. */
void advice_put_conclusions(ByteBuf *b, const GdlVm *vm, const Missing *m, const uint16_t *idx, uint32_t count,
                            const char *sep, bool json);
/* The conclusions missing field k blocks (m->fields[k]), as advice_put_conclusions. */
void advice_put_needed_for(ByteBuf *b, const GdlVm *vm, const Missing *m, uint32_t k, const char *sep, bool json);
/* Is an undecided scope explained by absent inputs (else by reasons only)? */
bool advice_scope_waits_for_findings(const Missing *m);

#endif
