/* program.h - a compiled guideline in memory: the tables the VM runs.
 * The compiler fills one in and writes it (bcfile.c); the loader reads one back
 * from bytes and the verifier checks it before any case runs. All strings are
 * indices into the string table, so the file has no pointers. */
#ifndef GDL_PROGRAM_H
#define GDL_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Limits fixed by the encoding: u16 operands address facts, params, numbers
 * and strings; jump targets are u16 code offsets. */
enum {
    GDL_MAX_FACTS = 65535,
    GDL_MAX_PARAMS = 65535,
    GDL_MAX_NUMBERS = 65535,
    GDL_MAX_STRINGS = 65535,
    GDL_MAX_CODE = 65535,
    GDL_MAX_STACK = 255,        /* the compiler rejects deeper expressions */
    GDL_MAX_NAMED_DEPS = 4096,  /* inputs + named classifications (policy: provenance sets stay small) */
    GDL_MAX_DEP_BITS = GDL_MAX_NAMED_DEPS + 2,  /* + the builtins in_scope and red_flagged */
    GDL_MAX_SCHEDULE_DAYS = 520 * 7,    /* `after`: 10 years of whole weeks (policy, not encoding) */
    GDL_MAX_SCHEDULE_MONTHS = 119,      /* `after N months`: within those 3640 days, whatever the months */
};

#define GDL_NONE 0xFFFFu        /* "no string / no fact" in a u16 field */

typedef enum {
    GT_BOOL = 1, GT_INT, GT_NUMBER, GT_DATE, GT_STRING, GT_ENUM, GT_LIST_INT,
    GT__COUNT
} GdlType;

typedef enum {
    FK_INPUT = 1,   /* from the case file */
    FK_DEFINE,      /* define name = expr: provenance passes through */
    FK_CLASSIFY,    /* classification table: reported by its own name */
    FK_BUILTIN,     /* in_scope, red_flagged: reported by name */
    FK_OUTCOME,     /* the condition of one outcome */
    FK_DATE,        /* the start date of a schedule item */
    FK__COUNT
} FactKind;

/* Input flags. */
enum {
    IN_REQUIRED = 1, IN_HAS_MIN = 2, IN_MIN_EXCL = 4, IN_HAS_MAX = 8, IN_MAX_EXCL = 16,
    IN_HAS_LEN = 32,
};

/* Whether v lies in the range that flags (IN_HAS_MIN ...), min and max
 * describe: the one test for case values, list items and parameters. NaN
 * is never in a bounded range. */
static inline bool gdl_in_range(uint16_t flags, double min, double max, double v)
{
    if ((flags & IN_HAS_MIN) && ((flags & IN_MIN_EXCL) ? !(v > min) : !(v >= min)))
        return false;
    if ((flags & IN_HAS_MAX) && ((flags & IN_MAX_EXCL) ? !(v < max) : !(v <= max)))
        return false;
    return true;
}

typedef struct {
    uint16_t name;          /* string */
    uint8_t kind;           /* FactKind */
    uint8_t type;           /* GdlType of its value */
    uint16_t dep_bit;       /* bit in provenance sets, or GDL_NONE (defines) */
    uint16_t sym_first;     /* enum symbols: syms[sym_first .. +sym_count] */
    uint16_t sym_count;
    /* inputs */
    uint16_t flags;
    uint16_t unit;          /* string or GDL_NONE */
    uint16_t text_nl, text_en;
    double min, max;        /* value range (list: item range) */
    uint32_t len_min, len_max; /* string length in bytes, list length */
    /* classifications */
    uint16_t section;
    uint16_t override;      /* input fact or GDL_NONE */
    uint16_t applies;       /* the bool define of 'classify ... when', or GDL_NONE (format 1.3) */
} GdlFact;

typedef struct {
    uint16_t name;
    uint8_t type;
    uint16_t flags;         /* IN_HAS_MIN ... as for inputs */
    uint16_t unit;
    uint16_t section;       /* string or GDL_NONE */
    double value, min, max;
    uint16_t text;          /* string parameters: the default text (a string); else GDL_NONE */
} GdlParam;

typedef enum {
    OK__NONE = 0,       /* no kind: the verifier rejects it */
#define X(id, name, keyword, doc_one, doc_many) OK_##id,
#include "outcome_kinds.def"
#undef X
    OK__COUNT
} OutcomeKind;

typedef enum {
#define X(id, name, nl, en) ACT_##id,
#include "actions.def"
#undef X
    ACT__COUNT
} GdlAction;

typedef enum {
    STR_NONE = 0,       /* not an advice */
#define X(id, name, direction, force, nl, en) STR_##id,
#include "strengths.def"
#undef X
    STR__COUNT
} GdlStrength;
enum { GDL_STRENGTH_FORCE_MAX = 3 };   /* the largest force column of strengths.def */

/* A set of moments is a byte of bits, MOMENT_ID = 1 << its row in moments.def. */
enum {
#define X(id, name, nl, en) MOMENT_ROW_##id,
#include "moments.def"
#undef X
    MOMENT__COUNT
};
enum {
#define X(id, name, nl, en) MOMENT_##id = 1 << MOMENT_ROW_##id,
#include "moments.def"
#undef X
    MOMENT__ALL = (1 << MOMENT__COUNT) - 1
};
_Static_assert(MOMENT__COUNT <= 8, "a set of moments is one byte");
enum {
#define X(id, name, one, days, key, nl_one, nl_many, en_one, en_many) AFTER_##id,
#include "after_units.def"
#undef X
    AFTER__COUNT
};

typedef struct {
    uint8_t kind;           /* OutcomeKind */
    uint8_t action;         /* GdlAction (red flags, referrals) */
    uint8_t strength;       /* GdlStrength (advice) */
    uint8_t urgent;
    uint8_t moments;        /* measurement moments */
    uint8_t after_unit;     /* AFTER_ID of after_units.def */
    uint16_t id, section;   /* strings */
    uint16_t cluster;       /* red flags: string */
    uint16_t text_nl, text_en; /* advice: strings or GDL_NONE */
    uint16_t dose;          /* advice: JSON text or GDL_NONE */
    uint16_t cond;          /* fact holding the condition */
    uint16_t from;          /* schedule: fact holding the start date, or GDL_NONE */
    uint32_t after;         /* schedule: amount of after_unit (a parameter's default when after_param is set) */
    uint16_t after_param;   /* schedule: the parameter that sets `after` per run, or GDL_NONE (since 1.5) */
} GdlOutcome;

/* An advice text in a language other than nl and en (those are the outcome's
 * text_nl and text_en): one per outcome and language (since format 1.6). */
typedef struct {
    uint16_t outcome;       /* index into outcomes: an advice */
    uint16_t lang;          /* string: a language code of the header */
    uint16_t text;          /* string */
} GdlText;

/* Header metadata shown in every result. */
typedef struct {
#define X(member, name) uint16_t member;
#include "meta_fields.def"
#undef X
    uint16_t source_count;
    uint16_t *sources;
} GdlMeta;

typedef struct {
    uint32_t pc;            /* first instruction of the run */
    uint32_t line;
    uint16_t file;          /* string: the source file */
    uint16_t fact;          /* the fact whose code this is */
} GdlLine;

typedef struct GdlProgram {
    GdlMeta meta;
    uint32_t nstrings;  const char **strings;  uint32_t *string_lens;
    uint32_t nnumbers;  double *numbers;
    uint32_t nsyms;     uint16_t *syms;        /* enum symbol names (strings) */
    uint32_t nfacts;    GdlFact *facts;        /* inputs first, then derived */
    uint32_t ninputs;
    uint32_t nparams;   GdlParam *params;
    uint32_t noutcomes; GdlOutcome *outcomes;
    uint32_t ntexts;    GdlText *texts;        /* advice texts in further languages, by outcome */
    uint32_t ncode;     uint8_t *code;
    uint32_t nlines;    GdlLine *lines;
    uint16_t source_file; /* string: the guideline file, for runtime errors */
    uint32_t ndep_bits;   /* size of provenance sets */
    uint32_t max_stack;
    uint16_t in_scope_fact, red_flagged_fact;  /* GDL_NONE when absent */
} GdlProgram;

static inline const char *gdl_str(const GdlProgram *p, uint32_t s)
{
    return s < p->nstrings ? p->strings[s] : "";
}

const char *gdl_type_name(GdlType t);
const char *gdl_action_name(GdlAction a);
const char *gdl_strength_name(GdlStrength s);
/* strengths.def: +1 recommends, -1 advises against (0: STR_NONE or not a
 * strength); the force, from 1 (consider) to GDL_STRENGTH_FORCE_MAX (do,
 * do_not), orders the report's summary (0: STR_NONE or not a strength). */
int gdl_strength_direction(GdlStrength s);
unsigned gdl_strength_force(GdlStrength s);
const char *gdl_after_unit_name(unsigned after_unit);   /* weeks, days, months */
/* Days in one unit, or 0 for a calendar unit (months: gdl_date_add_months). */
unsigned gdl_after_unit_days(unsigned after_unit);
/* The advice format's key for a schedule in that unit: after_weeks or after_days. */
const char *gdl_after_unit_key(unsigned after_unit);
/* The AFTER_ID a schedule's unit word names: its name, or its word for
 * exactly 1 ("month"); -1 when none. */
int gdl_after_unit_by_word(const char *word);
const char *gdl_outcome_kind_name(OutcomeKind k);   /* as in "missing": exclusion, red_flag, ... */
OutcomeKind gdl_outcome_kind_by_name(const char *name);   /* OK__NONE when it names none */
const char *gdl_moment_name(unsigned row);          /* intake, interim, discharge: row of moments.def */
const char *gdl_fact_kind_name(unsigned kind);      /* input, define, classify, builtin, outcome, date */

#endif
