/* program.c - names of the program-level enums, one table each. */
#include "program.h"

#define NAME_OF(table, i) ((size_t)(i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

static const char *const TYPE_NAMES[GT__COUNT] = {
    [GT_BOOL] = "bool", [GT_INT] = "int", [GT_NUMBER] = "number", [GT_DATE] = "date",
    [GT_STRING] = "string", [GT_ENUM] = "enum", [GT_LIST_INT] = "list of int",
};
static const char *const ACTION_NAMES[ACT__COUNT] = {
    [ACT_NONE] = "none", [ACT_REFER_GP] = "refer_gp", [ACT_CONTACT_GP] = "contact_gp",
    [ACT_ADVISE_PATIENT_CONTACT_GP] = "advise_patient_contact_gp",
    [ACT_REFER_BACK_SPECIALIST] = "refer_back_specialist",
    [ACT_REFER_SPECIALIST_WITH_GP] = "refer_specialist_with_gp", [ACT_ASSESS] = "assess",
};
static const char *const STRENGTH_NAMES[STR__COUNT] = {
    [STR_NONE] = "none", [STR_DO] = "do", [STR_CONSIDER] = "consider",
    [STR_PREFERABLY] = "preferably", [STR_PREFERABLY_NOT] = "preferably_not",
    [STR_DO_NOT] = "do_not",
};
static const char *const OUTCOME_NAMES[OK__COUNT] = {
    [OK_EXCLUSION] = "exclusion", [OK_RED_FLAG] = "red_flag", [OK_REFERRAL] = "referral",
    [OK_ADVICE] = "advice", [OK_SCHEDULE] = "schedule", [OK_MEASUREMENT] = "measurement",
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

static const char *const AFTER_UNIT_NAMES[] = { [AFTER_WEEKS] = "weeks", [AFTER_DAYS] = "days", [AFTER_MONTHS] = "months" };
const char *gdl_after_unit_name(unsigned after_unit) { return NAME_OF(AFTER_UNIT_NAMES, after_unit); }
