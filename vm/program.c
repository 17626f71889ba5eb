/* program.c - names of the program-level enums, one table each. */
#include "program.h"

#include <string.h>

#define NAME_OF(table, i) ((size_t)(i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

static const char *const TYPE_NAMES[GT__COUNT] = {
    [GT_BOOL] = "bool", [GT_INT] = "int", [GT_NUMBER] = "number", [GT_DATE] = "date",
    [GT_STRING] = "string", [GT_ENUM] = "enum", [GT_LIST_INT] = "list of int",
};
static const char *const ACTION_NAMES[ACT__COUNT] = {
#define X(id, name, nl, en) [ACT_##id] = name,
#include "actions.def"
#undef X
};
static const char *const STRENGTH_NAMES[STR__COUNT] = {
    [STR_NONE] = "none",
#define X(id, name, nl, en) [STR_##id] = name,
#include "strengths.def"
#undef X
};
static const char *const OUTCOME_NAMES[OK__COUNT] = {
#define X(id, name, keyword, doc_one, doc_many) [OK_##id] = name,
#include "outcome_kinds.def"
#undef X
};
static const char *const MOMENT_NAMES[MOMENT__COUNT] = {
#define X(id, name, nl, en) [MOMENT_ROW_##id] = name,
#include "moments.def"
#undef X
};

static const char *const FACT_KIND_NAMES[FK__COUNT] = {
    [FK_INPUT] = "input", [FK_DEFINE] = "define", [FK_CLASSIFY] = "classify",
    [FK_BUILTIN] = "builtin", [FK_OUTCOME] = "outcome", [FK_DATE] = "date",
};

const char *gdl_fact_kind_name(unsigned kind) { return NAME_OF(FACT_KIND_NAMES, kind); }
const char *gdl_type_name(GdlType t) { return NAME_OF(TYPE_NAMES, t); }
const char *gdl_action_name(GdlAction a) { return NAME_OF(ACTION_NAMES, a); }
const char *gdl_strength_name(GdlStrength s) { return NAME_OF(STRENGTH_NAMES, s); }
const char *gdl_outcome_kind_name(OutcomeKind k) { return NAME_OF(OUTCOME_NAMES, k); }
const char *gdl_moment_name(unsigned row) { return NAME_OF(MOMENT_NAMES, row); }

OutcomeKind gdl_outcome_kind_by_name(const char *name)
{
    for (unsigned k = OK__NONE + 1; k < OK__COUNT; k++)
        if (strcmp(OUTCOME_NAMES[k], name) == 0)
            return (OutcomeKind)k;
    return OK__NONE;
}
