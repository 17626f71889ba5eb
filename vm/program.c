/* program.c - names of the program-level enums, one table each. */
#include "program.h"

#include <stddef.h>
#include <string.h>

#define NAME_OF(table, i) ((size_t)(i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

static const char *const TYPE_NAMES[GT__COUNT] = {
    [GT_BOOL] = "bool", [GT_INT] = "int", [GT_NUMBER] = "number", [GT_DATE] = "date",
    [GT_STRING] = "string", [GT_ENUM] = "enum", [GT_LIST_INT] = "list of int",
};
/* The names of the .def lists hold no pointers, which would be relocated
 * (writable) data: a list's names are the members of one const struct,
 * found by offset; offset 0, the first member, is "?" for a value without
 * a name. */
#define TEXT_OF(texts, at, i) \
    ((size_t)(i) < sizeof(at) / sizeof((at)[0]) ? (const char *)&(texts) + (at)[i] : (const char *)&(texts))

static const struct ActionTexts {
    char unnamed[2];
#define X(id, name, nl, en) char id[sizeof name];
#include "actions.def"
#undef X
} ACTION_TEXTS = { "?",
#define X(id, name, nl, en) name,
#include "actions.def"
#undef X
};
static const uint16_t ACTION_AT[ACT__COUNT] = {
#define X(id, name, nl, en) [ACT_##id] = offsetof(struct ActionTexts, id),
#include "actions.def"
#undef X
};
static const struct StrengthTexts {
    char unnamed[2];
    char none[sizeof "none"];
#define X(id, name, direction, force, nl, en) char id[sizeof name];
#include "strengths.def"
#undef X
} STRENGTH_TEXTS = { "?", "none",
#define X(id, name, direction, force, nl, en) name,
#include "strengths.def"
#undef X
};
static const uint16_t STRENGTH_AT[STR__COUNT] = {
    [STR_NONE] = offsetof(struct StrengthTexts, none),
#define X(id, name, direction, force, nl, en) [STR_##id] = offsetof(struct StrengthTexts, id),
#include "strengths.def"
#undef X
};
/* Which way a strength points and how strongly (strengths.def). */
static const struct { int8_t direction; uint8_t force; } STRENGTH_WEIGHT[STR__COUNT] = {
#define X(id, name, direction, force, nl, en) [STR_##id] = { direction, force },
#include "strengths.def"
#undef X
};
#define X(id, name, direction, force, nl, en)                                                  \
    _Static_assert((direction) == 1 || (direction) == -1, "strengths.def: direction of " name); \
    _Static_assert((force) >= 1 && (force) <= GDL_STRENGTH_FORCE_MAX, "strengths.def: force of " name);
#include "strengths.def"
#undef X
static const struct OutcomeTexts {
    char unnamed[2];
#define X(id, name, keyword, doc_one, doc_many) char id[sizeof name];
#include "outcome_kinds.def"
#undef X
} OUTCOME_TEXTS = { "?",
#define X(id, name, keyword, doc_one, doc_many) name,
#include "outcome_kinds.def"
#undef X
};
static const uint16_t OUTCOME_AT[OK__COUNT] = {
#define X(id, name, keyword, doc_one, doc_many) [OK_##id] = offsetof(struct OutcomeTexts, id),
#include "outcome_kinds.def"
#undef X
};
static const struct MomentTexts {
    char unnamed[2];
#define X(id, name, nl, en) char id[sizeof name];
#include "moments.def"
#undef X
} MOMENT_TEXTS = { "?",
#define X(id, name, nl, en) name,
#include "moments.def"
#undef X
};
static const uint16_t MOMENT_AT[MOMENT__COUNT] = {
#define X(id, name, nl, en) [MOMENT_ROW_##id] = offsetof(struct MomentTexts, id),
#include "moments.def"
#undef X
};

static const char *const FACT_KIND_NAMES[FK__COUNT] = {
    [FK_INPUT] = "input", [FK_DEFINE] = "define", [FK_CLASSIFY] = "classify",
    [FK_BUILTIN] = "builtin", [FK_OUTCOME] = "outcome", [FK_DATE] = "date",
};

const char *gdl_fact_kind_name(unsigned kind) { return NAME_OF(FACT_KIND_NAMES, kind); }
const char *gdl_type_name(GdlType t) { return NAME_OF(TYPE_NAMES, t); }
const char *gdl_action_name(GdlAction a) { return TEXT_OF(ACTION_TEXTS, ACTION_AT, a); }
const char *gdl_strength_name(GdlStrength s) { return TEXT_OF(STRENGTH_TEXTS, STRENGTH_AT, s); }
int gdl_strength_direction(GdlStrength s) { return (unsigned)s < STR__COUNT ? STRENGTH_WEIGHT[s].direction : 0; }
unsigned gdl_strength_force(GdlStrength s) { return (unsigned)s < STR__COUNT ? STRENGTH_WEIGHT[s].force : 0; }
const char *gdl_outcome_kind_name(OutcomeKind k) { return TEXT_OF(OUTCOME_TEXTS, OUTCOME_AT, k); }
const char *gdl_moment_name(unsigned row) { return TEXT_OF(MOMENT_TEXTS, MOMENT_AT, row); }

OutcomeKind gdl_outcome_kind_by_name(const char *name)
{
    for (unsigned k = OK__NONE + 1; k < OK__COUNT; k++)
        if (strcmp(gdl_outcome_kind_name((OutcomeKind)k), name) == 0)
            return (OutcomeKind)k;
    return OK__NONE;
}

/* A schedule unit's words, days and advice key (after_units.def). */
static const struct AfterUnit {
    const char *name, *one, *key;
    uint8_t days;
} AFTER_UNITS[AFTER__COUNT] = {
#define X(id, name, one, days, key, nl_one, nl_many, en_one, en_many) [AFTER_##id] = { name, one, key, days },
#include "after_units.def"
#undef X
};
const char *gdl_after_unit_name(unsigned after_unit) { return after_unit < AFTER__COUNT ? AFTER_UNITS[after_unit].name : "?"; }
unsigned gdl_after_unit_days(unsigned after_unit) { return after_unit < AFTER__COUNT ? AFTER_UNITS[after_unit].days : 0; }
const char *gdl_after_unit_key(unsigned after_unit) { return after_unit < AFTER__COUNT ? AFTER_UNITS[after_unit].key : "?"; }

int gdl_after_unit_by_word(const char *word)
{
    for (unsigned u = 0; u < AFTER__COUNT; u++)
        if (strcmp(AFTER_UNITS[u].name, word) == 0 || (AFTER_UNITS[u].one && strcmp(AFTER_UNITS[u].one, word) == 0))
            return (int)u;
    return -1;
}
