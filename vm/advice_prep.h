/* advice_prep.h - per-program tables for writing results fast (see
 * advice_prep.c). A VM builds them once, in gdl_vm_init. */
#ifndef GDL_ADVICE_PREP_H
#define GDL_ADVICE_PREP_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "program.h"
#include "vm.h"

/* Kinds of conclusion in "missing", in the advice format's order. */
extern const char *const ADVICE_RANK_NAMES[];

enum { RANK_SCOPE, RANK_EXCLUSION, RANK_RED_FLAG, RANK_REFERRAL, RANK_CLASSIFICATION, RANK_ADVICE,
       RANK_SCHEDULE, RANK_MEASUREMENT, RANK__COUNT };

typedef struct {
    uint16_t fact;      /* the fact whose unknown value blocks the conclusion */
    uint8_t rank;
    uint16_t id;        /* string, or GDL_NONE for scope */
    uint32_t label;     /* its "kind:id" JSON literal in label_text, ... */
    uint32_t label_len; /* ... and that literal's length */
} Conclusion;

typedef struct AdviceTables {
    const struct GdlMem *mem;   /* allocated all of this (NULL: malloc) */
    char *json;                 /* every program string as a JSON literal, quotes included */
    uint32_t *json_off;         /* string i is json[json_off[i], json_off[i + 1]) */
    uint16_t *by_kind;          /* outcome indices grouped by kind, each group in output order */
    uint32_t kind_first[OK__COUNT], kind_count[OK__COUNT];
    Conclusion *conclusions;    /* in_scope, outcomes, classifications, in "needed_for" order */
    uint32_t nconclusions;
    char *label_text;           /* the conclusions' labels, as JSON string literals */
    /* Each outcome's JSON item around its one part that varies by case
     * (because, or a schedule's date): segment 3i + lang is the head in
     * Dutch (0) or English (1), 3i + 2 the tail; segment k is
     * item_text[item_off[k], item_off[k + 1]). */
    char *item_text;
    uint32_t *item_off;
    uint16_t *classifications;  /* the classification facts, in fact order */
    uint32_t nclassifications;
    /* With the run's parameter values: each advice text or dose that names a
     * parameter, rendered (param_render.h; NULL for the others), and each
     * outcome's `after` (a schedule's parameter, else its constant). */
    char **rendered;
    uint32_t nrendered;
    uint32_t *after;
} AdviceTables;

enum { ITEM_HEAD_NL, ITEM_HEAD_EN, ITEM_TAIL, ITEM__SEGMENTS };

/* params: the run's parameter values (gdl_vm_set_param rebuilds the tables). */
AdviceTables *advice_tables_new(const GdlProgram *p, const GdlValue *params, const struct GdlMem *mem);
void advice_tables_free(AdviceTables *t);
int advice_section_cmp(const char *a, const char *b);
/* Program string s as its JSON literal (null for GDL_NONE or out of range). */
void advice_put_json_str(ByteBuf *b, const GdlProgram *p, const AdviceTables *t, uint16_t s);
/* An advice's text in language lang; where it has none, in the header's
 * first language; else in nl, else in en (docs/language.md). */
uint16_t advice_text_for(const GdlProgram *p, const GdlOutcome *o, const char *lang);
/* The header's language codes one by one: *k from 0; false after the last. */
bool advice_next_language(const GdlProgram *p, uint32_t *at, char *code, size_t n);
/* The advice format's item for outcome o up to its varying part, texts in lang. */
void advice_put_item_head(ByteBuf *b, const GdlProgram *p, const AdviceTables *t, const GdlOutcome *o, const char *lang);
/* Program string s as the advice shows it: rendered with the run's parameters when it names any. */
const char *advice_str(const AdviceTables *t, const GdlProgram *p, uint16_t s);

#endif
