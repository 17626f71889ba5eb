/* verify.c - checks a GdlProgram before the VM may run it (see verify.h).
 * Tables first (every index in range, kinds and types valid), then one forward
 * pass over the code driven by OP_INFO (operands, jumps, stack depth, fact
 * stores), then the line table. The first failure stops the check. */
#include "verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "mem.h"
#include "opcodes.h"

enum {
    VERIFY_WHERE_MAX = 32,      /* longest location: "CODE+0xffff", "OUTC[4294967295]" */
    VERIFY_NO_DEPTH = -1,       /* no jump recorded to this pc yet */
    VERIFY_IN_FLAGS = IN_REQUIRED | IN_HAS_MIN | IN_MIN_EXCL | IN_HAS_MAX | IN_MAX_EXCL | IN_HAS_LEN,
};
#define VERIFY_NO_PC UINT32_MAX /* derived fact not stored yet */

typedef struct {
    const GdlProgram *p;
    const GdlMem *mem;      /* for the scratch arrays */
    char *err;
    size_t errlen;
    char where[VERIFY_WHERE_MAX];   /* location of the item being checked */
    /* Scratch, sized from the counts once they are known to be within limits. */
    int16_t *jump_depth;    /* [ncode + 1]: depth the first jump to a pc brings, or VERIFY_NO_DEPTH */
    uint16_t *jump_from;    /* [ncode + 1]: pc of that jump */
    uint8_t *is_start;      /* [ncode + 1]: 1 at each instruction start */
    uint32_t *store_pc;     /* [nfacts]: pc of the fact's STORE_FACT, or VERIFY_NO_PC */
    uint16_t *dep_owner;    /* [ndep_bits]: fact holding the bit, or GDL_NONE */
} Verifier;

/* ---- reporting ------------------------------------------------------- */

static void at_section(Verifier *v, const char *section)
{
    snprintf(v->where, sizeof v->where, "%s", section);
}

static void at_item(Verifier *v, const char *section, uint32_t i)
{
    snprintf(v->where, sizeof v->where, "%s[%u]", section, i);
}

static void at_pc(Verifier *v, uint32_t pc)
{
    snprintf(v->where, sizeof v->where, "CODE+0x%04x", pc);
}

/* Writes "<where>: <message>" and returns false, so checks read `return fail(...)`. */
static bool fail(Verifier *v, const char *fmt, ...)
{
    if (!v->err || v->errlen == 0)
        return false;
    int n = snprintf(v->err, v->errlen, "%s: ", v->where);
    if (n >= 0 && (size_t)n < v->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(v->err + n, v->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ---- shared checks --------------------------------------------------- */

static const char *fact_name(const Verifier *v, uint32_t f)
{
    return f < v->p->nfacts ? gdl_str(v->p, v->p->facts[f].name) : "?";
}

static bool check_str(Verifier *v, const char *field, uint32_t s, bool none_ok)
{
    if (s < v->p->nstrings || (none_ok && s == GDL_NONE))
        return true;
    if (s == GDL_NONE)
        return fail(v, "%s string missing (GDL_NONE where one is required)", field);
    return fail(v, "%s string %u out of range (%u strings)", field, s, v->p->nstrings);
}

/* f must be a fact of kind `kind` (described as `what`), or GDL_NONE when none_ok. */
static bool check_fact_ref(Verifier *v, const char *field, uint32_t f, unsigned kind, const char *what,
                           bool none_ok)
{
    if (none_ok && f == GDL_NONE)
        return true;
    if (f >= v->p->nfacts)
        return fail(v, "%s fact %u out of range (%u facts)", field, f, v->p->nfacts);
    unsigned k = v->p->facts[f].kind;
    if (k != kind)
        return fail(v, "%s fact %u is not %s (kind %s)", field, f, what, gdl_fact_kind_name(k));
    return true;
}

/* The range flags of an input or parameter: bounds are numbers, not empty. */
static bool check_range(Verifier *v, unsigned flags, double min, double max)
{
    if (flags & ~(unsigned)VERIFY_IN_FLAGS)
        return fail(v, "unknown flags 0x%x", flags & ~(unsigned)VERIFY_IN_FLAGS);
    if ((flags & IN_HAS_MIN) && isnan(min))
        return fail(v, "range minimum is NaN");
    if ((flags & IN_HAS_MAX) && isnan(max))
        return fail(v, "range maximum is NaN");
    if ((flags & IN_HAS_MIN) && (flags & IN_HAS_MAX) && min > max)
        return fail(v, "range [%g, %g] is empty (min > max)", min, max);
    return true;
}

/* ---- tables ---------------------------------------------------------- */

typedef struct {
    const char *section, *what;
    uint32_t count, limit;
    const void *table;
} CountCheck;

/* Counts within the encoding's limits (so GDL_NONE is never a valid index)
 * and a table behind every non-zero count. */
static bool verify_counts(Verifier *v)
{
    const GdlProgram *p = v->p;
    const CountCheck checks[] = {
        { "STRS", "strings", p->nstrings, GDL_MAX_STRINGS, p->strings },
        { "STRS", "string lengths", p->nstrings, GDL_MAX_STRINGS, p->string_lens },
        { "NUMS", "numbers", p->nnumbers, GDL_MAX_NUMBERS, p->numbers },
        { "SYMS", "enum symbols", p->nsyms, UINT32_MAX, p->syms },
        { "FACT", "facts", p->nfacts, GDL_MAX_FACTS, p->facts },
        { "PARM", "parameters", p->nparams, GDL_MAX_PARAMS, p->params },
        { "OUTC", "outcomes", p->noutcomes, UINT32_MAX, p->outcomes },
        { "CODE", "code bytes", p->ncode, GDL_MAX_CODE, p->code },
        { "LINE", "line entries", p->nlines, UINT32_MAX, p->lines },
        { "META", "sources", p->meta.source_count, UINT32_MAX, p->meta.sources },
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        const CountCheck *c = &checks[i];
        at_section(v, c->section);
        if (c->count > c->limit)
            return fail(v, "%u %s exceed the limit of %u", c->count, c->what, c->limit);
        if (c->count && !c->table)
            return fail(v, "%u %s but no table", c->count, c->what);
    }
    at_section(v, "FACT");
    if (p->ninputs > p->nfacts)
        return fail(v, "%u inputs but only %u facts", p->ninputs, p->nfacts);
    if (p->ndep_bits > GDL_MAX_DEP_BITS)
        return fail(v, "%u dependency bits exceed the limit of %d", p->ndep_bits, GDL_MAX_DEP_BITS);
    at_section(v, "CODE");
    if (p->ncode == 0)
        return fail(v, "no code (it must end with HALT)");
    if (p->max_stack > GDL_MAX_STACK)
        return fail(v, "max_stack %u exceeds the limit of %d", p->max_stack, GDL_MAX_STACK);
    return true;
}

static bool scratch_alloc(Verifier *v)
{
    const GdlProgram *p = v->p;
    size_t n = (size_t)p->ncode + 1;
    v->jump_depth = mem_alloc(v->mem, n * sizeof *v->jump_depth);
    v->jump_from = mem_alloc(v->mem, n * sizeof *v->jump_from);
    v->is_start = mem_calloc(v->mem, n, 1);
    v->store_pc = mem_alloc(v->mem, ((size_t)p->nfacts + 1) * sizeof *v->store_pc);
    v->dep_owner = mem_alloc(v->mem, ((size_t)p->ndep_bits + 1) * sizeof *v->dep_owner);
    if (!v->jump_depth || !v->jump_from || !v->is_start || !v->store_pc || !v->dep_owner) {
        at_section(v, "verify");
        return fail(v, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        v->jump_depth[i] = VERIFY_NO_DEPTH;
    for (uint32_t i = 0; i < p->nfacts; i++)
        v->store_pc[i] = VERIFY_NO_PC;
    for (uint32_t i = 0; i < p->ndep_bits; i++)
        v->dep_owner[i] = GDL_NONE;
    return true;
}

static void scratch_free(Verifier *v)
{
    mem_free(v->mem, v->jump_depth);
    mem_free(v->mem, v->jump_from);
    mem_free(v->mem, v->is_start);
    mem_free(v->mem, v->store_pc);
    mem_free(v->mem, v->dep_owner);
}

/* Each string is non-NULL and NUL-terminated exactly at its recorded length
 * (the VM compares strings by length). Reads stop at the first NUL. */
static bool verify_strings(Verifier *v)
{
    const GdlProgram *p = v->p;
    for (uint32_t i = 0; i < p->nstrings; i++) {
        at_item(v, "STRS", i);
        const char *s = p->strings[i];
        if (!s)
            return fail(v, "no text");
        uint32_t n = p->string_lens[i], j = 0;
        while (j < n && s[j] != '\0')
            j++;
        if (j < n)
            return fail(v, "length %u but a NUL after %u bytes", n, j);
        if (s[n] != '\0')
            return fail(v, "length %u but the text is longer", n);
    }
    return true;
}

static bool verify_meta(Verifier *v)
{
    const GdlProgram *p = v->p;
    const GdlMeta *m = &p->meta;
    at_section(v, "META");
    const struct { const char *field; uint16_t s; } fields[] = {
#define X(member, name) { name, m->member },
#include "meta_fields.def"
#undef X
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!check_str(v, fields[i].field, fields[i].s, true))
            return false;
    if (!check_str(v, "source file", p->source_file, false))
        return false;
    for (uint32_t i = 0; i < m->source_count; i++) {
        char field[32];
        snprintf(field, sizeof field, "source %u", i);
        if (!check_str(v, field, m->sources[i], false))
            return false;
    }
    return true;
}

static bool verify_syms(Verifier *v)
{
    for (uint32_t i = 0; i < v->p->nsyms; i++) {
        at_item(v, "SYMS", i);
        if (!check_str(v, "symbol", v->p->syms[i], false))
            return false;
    }
    return true;
}

static bool has_dep_bit(unsigned kind)
{
    return kind == FK_INPUT || kind == FK_CLASSIFY || kind == FK_BUILTIN;
}

static bool verify_fact(Verifier *v, uint32_t i)
{
    const GdlProgram *p = v->p;
    const GdlFact *f = &p->facts[i];
    at_item(v, "FACT", i);
    if (!check_str(v, "name", f->name, false))
        return false;
    if (f->kind < FK_INPUT || f->kind >= FK__COUNT)
        return fail(v, "invalid kind %u", f->kind);
    if (i < p->ninputs && f->kind != FK_INPUT)
        return fail(v, "%s fact among the inputs (the first %u facts must be inputs)",
                    gdl_fact_kind_name(f->kind), p->ninputs);
    if (i >= p->ninputs && f->kind == FK_INPUT)
        return fail(v, "input fact after the first %u facts (inputs come first)", p->ninputs);
    if (f->type < GT_BOOL || f->type >= GT__COUNT)
        return fail(v, "invalid type %u", f->type);

    if (has_dep_bit(f->kind)) {
        if (f->dep_bit >= p->ndep_bits)
            return fail(v, "dep_bit %u out of range (%u dependency bits)", f->dep_bit, p->ndep_bits);
        if (v->dep_owner[f->dep_bit] != GDL_NONE)
            return fail(v, "dep_bit %u already used by fact %u", f->dep_bit, v->dep_owner[f->dep_bit]);
        v->dep_owner[f->dep_bit] = (uint16_t)i;
    } else if (f->dep_bit != GDL_NONE) {
        return fail(v, "%s fact has dep_bit %u (must be GDL_NONE)", gdl_fact_kind_name(f->kind), f->dep_bit);
    }

    if ((uint32_t)f->sym_first + f->sym_count > p->nsyms)
        return fail(v, "enum symbols %u..%u out of range (%u symbols)", f->sym_first,
                    (uint32_t)f->sym_first + f->sym_count, p->nsyms);
    if (f->type == GT_ENUM && f->sym_count == 0)
        return fail(v, "enum fact has no symbols");
    if (!check_range(v, f->flags, f->min, f->max))
        return false;
    if ((f->flags & IN_HAS_LEN) && f->len_min > f->len_max)
        return fail(v, "length range [%u, %u] is empty (min > max)", f->len_min, f->len_max);

    const struct { const char *field; uint16_t s; } opt[] = {
        { "unit", f->unit }, { "text_nl", f->text_nl }, { "text_en", f->text_en }, { "section", f->section },
    };
    for (size_t k = 0; k < sizeof opt / sizeof opt[0]; k++)
        if (!check_str(v, opt[k].field, opt[k].s, true))
            return false;
    if (f->override != GDL_NONE && f->override >= p->ninputs)
        return fail(v, "override fact %u is not an input (%u inputs)", f->override, p->ninputs);
    if (f->applies != GDL_NONE) {
        if (f->kind != FK_CLASSIFY)
            return fail(v, "applies fact %u on a fact that is not a classification", f->applies);
        if (f->applies >= p->nfacts || p->facts[f->applies].kind != FK_DEFINE || p->facts[f->applies].type != GT_BOOL)
            return fail(v, "applies fact %u is not a boolean define", f->applies);
    }
    return true;
}

static bool verify_facts(Verifier *v)
{
    const GdlProgram *p = v->p;
    for (uint32_t i = 0; i < p->nfacts; i++)
        if (!verify_fact(v, i))
            return false;
    at_section(v, "FACT");
    return check_fact_ref(v, "in_scope", p->in_scope_fact, FK_BUILTIN, "a builtin", true) &&
           check_fact_ref(v, "red_flagged", p->red_flagged_fact, FK_BUILTIN, "a builtin", true);
}

static bool verify_params(Verifier *v)
{
    const GdlProgram *p = v->p;
    for (uint32_t i = 0; i < p->nparams; i++) {
        const GdlParam *pa = &p->params[i];
        at_item(v, "PARM", i);
        if (!check_str(v, "name", pa->name, false) || !check_str(v, "unit", pa->unit, true) ||
            !check_str(v, "section", pa->section, true))
            return false;
        if (pa->type < GT_BOOL || pa->type >= GT__COUNT)
            return fail(v, "invalid type %u", pa->type);
        /* a string parameter's value is its text (format 1.3); no other has one */
        if (pa->type == GT_STRING) {
            if (!check_str(v, "text", pa->text, false))
                return false;
        } else if (pa->text != GDL_NONE) {
            return fail(v, "text string %u on a %s parameter", pa->text, gdl_type_name((GdlType)pa->type));
        }
        if (!isfinite(pa->value))
            return fail(v, "value %g is not finite", pa->value);
        if (!check_range(v, pa->flags, pa->min, pa->max))
            return false;
        if ((pa->flags & IN_HAS_MIN) && (pa->value < pa->min || ((pa->flags & IN_MIN_EXCL) && pa->value == pa->min)))
            return fail(v, "value %g below its minimum %s%g", pa->value, (pa->flags & IN_MIN_EXCL) ? "(exclusive) " : "",
                        pa->min);
        if ((pa->flags & IN_HAS_MAX) && (pa->value > pa->max || ((pa->flags & IN_MAX_EXCL) && pa->value == pa->max)))
            return fail(v, "value %g above its maximum %s%g", pa->value, (pa->flags & IN_MAX_EXCL) ? "(exclusive) " : "",
                        pa->max);
    }
    return true;
}

/* A dose is written into the advice as it is: it must be a JSON object. */
static bool check_dose(Verifier *v, uint16_t dose)
{
    const GdlProgram *p = v->p;
    Arena scratch;
    arena_init_mem(&scratch, 0, v->mem);
    JsonValue value;
    JsonError err;
    bool ok = json_parse(p->strings[dose], p->string_lens[dose], NULL, &scratch, &value, &err);
    bool object = ok && value.kind == JSON_OBJECT;
    arena_free(&scratch);
    if (!ok)
        return fail(v, "dose string %u is not JSON: %u:%u: %s", dose, err.line, err.col, err.message);
    if (!object)
        return fail(v, "dose string %u is not a JSON object", dose);
    return true;
}

static bool verify_outcomes(Verifier *v)
{
    const GdlProgram *p = v->p;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        at_item(v, "OUTC", i);
        if (o->kind < OK_EXCLUSION || o->kind >= OK__COUNT)
            return fail(v, "invalid kind %u", o->kind);
        if (o->action >= ACT__COUNT)
            return fail(v, "invalid action %u", o->action);
        if (o->kind == OK_REFERRAL && o->action == ACT_NONE)
            return fail(v, "a referral without an action");
        if (o->strength >= STR__COUNT)
            return fail(v, "invalid strength %u", o->strength);
        if (o->moments > MOMENT__ALL)
            return fail(v, "invalid moments 0x%x", o->moments);
        if (o->after_unit >= AFTER__COUNT)
            return fail(v, "invalid after unit %u", o->after_unit);
        if (o->after_unit == AFTER_MONTHS && (o->after > GDL_MAX_SCHEDULE_MONTHS || o->after_param != GDL_NONE))
            return fail(v, "after %u months: at most %d, and no parameter", o->after, GDL_MAX_SCHEDULE_MONTHS);
        if (o->after_unit != AFTER_MONTHS && (uint64_t)o->after * gdl_after_unit_days(o->after_unit) > GDL_MAX_SCHEDULE_DAYS)
            return fail(v, "after %u %s is more than %d days", o->after, gdl_after_unit_name(o->after_unit),
                        GDL_MAX_SCHEDULE_DAYS);
        if (o->after_param != GDL_NONE) {
            /* every value the run may give it (its range) is a whole schedule of at most 10 years */
            if (o->kind != OK_SCHEDULE || o->after_param >= p->nparams)
                return fail(v, "after parameter %u is not a parameter of a schedule", o->after_param);
            const GdlParam *pa = &p->params[o->after_param];
            double per = gdl_after_unit_days(o->after_unit);
            if ((pa->type != GT_INT && pa->type != GT_NUMBER) || !(pa->flags & IN_HAS_MIN) || !(pa->flags & IN_HAS_MAX)
                || pa->min < 0 || pa->max * per > GDL_MAX_SCHEDULE_DAYS || pa->value != (double)o->after)
                return fail(v, "after parameter %u is not a number in [0, %d days] whose default is after", o->after_param,
                            GDL_MAX_SCHEDULE_DAYS);
        }
        const struct { const char *field; uint16_t s; bool none_ok; } strs[] = {
            { "id", o->id, false }, { "section", o->section, false }, { "cluster", o->cluster, true },
            { "text_nl", o->text_nl, true }, { "text_en", o->text_en, true }, { "dose", o->dose, true },
        };
        for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
            if (!check_str(v, strs[k].field, strs[k].s, strs[k].none_ok))
                return false;
        if (o->dose != GDL_NONE && !check_dose(v, o->dose))
            return false;
        if (!check_fact_ref(v, "condition", o->cond, FK_OUTCOME, "an outcome condition", false) ||
            !check_fact_ref(v, "start date", o->from, FK_DATE, "a schedule date", true))
            return false;
    }
    for (uint32_t i = 0; i < p->ntexts; i++) {     /* 1.6: advice texts in further languages */
        const GdlText *t = &p->texts[i];
        at_item(v, "OUTC text", i);
        if (t->outcome >= p->noutcomes || p->outcomes[t->outcome].kind != OK_ADVICE)
            return fail(v, "text of outcome %u, which is not an advice", t->outcome);
        if (!check_str(v, "language", t->lang, false) || !check_str(v, "text", t->text, false))
            return false;
        if (strcmp(gdl_str(p, t->lang), "nl") == 0 || strcmp(gdl_str(p, t->lang), "en") == 0)
            return fail(v, "a text in '%s' belongs in the outcome's text_%s", gdl_str(p, t->lang), gdl_str(p, t->lang));
    }
    return true;
}

/* ---- code ------------------------------------------------------------ */

typedef struct {
    uint32_t pc, size;
    const OpInfo *info;
    uint32_t a, b, c;       /* operands in format order; 0 when absent */
} Insn;

static uint32_t rd_u16(const uint8_t *c)
{
    return (uint32_t)c[0] | (uint32_t)c[1] << 8;
}

/* Reads the operands of the format: u8 for counts and items, u16 otherwise. */
static void decode_operands(const uint8_t *c, Insn *in)
{
    in->a = in->b = in->c = 0;
    switch ((OpFormat)in->info->format) {
    case FMT_NONE: break;
    case FMT_C: in->a = c[1]; break;
    case FMT_II: in->a = c[1]; in->b = c[2]; break;
    case FMT_JK: in->a = rd_u16(c + 1); in->b = rd_u16(c + 3); break;
    case FMT_FKC: in->a = rd_u16(c + 1); in->b = rd_u16(c + 3); in->c = c[5]; break;
    case FMT_FF: in->a = rd_u16(c + 1); in->b = rd_u16(c + 3); break;
    case FMT_K: case FMT_S: case FMT_F: case FMT_P: case FMT_J: in->a = rd_u16(c + 1); break;
    case FMT__COUNT: break;
    }
}

static bool check_index(Verifier *v, const Insn *in, const char *what, uint32_t i, uint32_t n)
{
    if (i < n)
        return true;
    return fail(v, "%s %s %u out of range (%u %ss)", in->info->name, what, i, n, what);
}

/* A target must lie strictly ahead (no loops, so every run ends) and inside
 * the code. The end of code is no target: it would skip the final HALT. A
 * target inside this instruction fails here; one inside a later instruction
 * fails when the pass decodes that instruction. */
static bool check_target(Verifier *v, const Insn *in, uint32_t t)
{
    uint32_t ncode = v->p->ncode;
    if (t <= in->pc)
        return fail(v, "jump target 0x%04x is not ahead of the jump (jumps go forward only)", t);
    if (t > ncode)
        return fail(v, "jump target %u outside code (size %u)", t, ncode);
    if (t == ncode)
        return fail(v, "jump target %u is the end of code, past the final HALT", t);
    if (t < in->pc + in->size)
        return fail(v, "jump target 0x%04x is inside the instruction at 0x%04x", t, in->pc);
    return true;
}

/* One case per operand format, none per opcode. */
static bool check_operands(Verifier *v, const Insn *in)
{
    const GdlProgram *p = v->p;
    switch ((OpFormat)in->info->format) {
    case FMT_NONE: return true;
    case FMT_K: return check_index(v, in, "number", in->a, p->nnumbers);
    case FMT_S: return check_index(v, in, "string", in->a, p->nstrings);
    case FMT_F: return check_index(v, in, "fact", in->a, p->nfacts);
    case FMT_P: return check_index(v, in, "parameter", in->a, p->nparams);
    case FMT_C:
        if (in->a < 1)
            return fail(v, "%s count 0 (must be at least 1)", in->info->name);
        return true;
    case FMT_II:
        if (in->a < 1 || in->a > in->b)
            return fail(v, "%s items %u..%u invalid (need 1 <= first <= last)", in->info->name, in->a, in->b);
        return true;
    case FMT_J: return check_target(v, in, in->a);
    case FMT_JK: return check_target(v, in, in->a) && check_index(v, in, "number", in->b, p->nnumbers);
    case FMT_FKC:
        if (in->c >= CMP__COUNT)
            return fail(v, "%s comparison %u unknown (0 to %d)", in->info->name, in->c, CMP__COUNT - 1);
        return check_index(v, in, "fact", in->a, p->nfacts) && check_index(v, in, "number", in->b, p->nnumbers);
    case FMT_FF: return check_index(v, in, "fact", in->a, p->nfacts) && check_index(v, in, "fact", in->b, p->nfacts);
    case FMT__COUNT: break;
    }
    return fail(v, "opcode table: %s has an invalid operand format %u", in->info->name, in->info->format);
}

typedef struct {
    int depth;                  /* stack depth before the current instruction */
    uint32_t far_target;        /* furthest jump target since the last STORE_FACT (0: none) */
    uint32_t far_from;          /* the jump that has it */
    bool halted;                /* the last instruction decoded was OPF_TERM */
} CodeState;

/* A store ends its fact's code: into a derived fact, once, with nothing
 * left on the stack (depth before = what the instruction pops beyond what
 * it pushes), and no jump may land beyond it. */
static bool check_store(Verifier *v, CodeState *st, const Insn *in, uint32_t f, int pop)
{
    const GdlProgram *p = v->p;
    const char *name = in->info->name;
    int need = pop - in->info->push;
    if (f < p->ninputs)
        return fail(v, "%s into input fact %u '%s' (only derived facts are stored)", name, f, fact_name(v, f));
    if (st->depth != need)
        return fail(v, "%s at stack depth %d (must be %d)", name, st->depth, need);
    if (v->store_pc[f] != VERIFY_NO_PC)
        return fail(v, "fact %u '%s' stored twice (first at 0x%04x)", f, fact_name(v, f), v->store_pc[f]);
    if (st->far_target > in->pc) {
        at_pc(v, st->far_from);
        return fail(v, "jump to 0x%04x crosses the %s at 0x%04x", st->far_target, name, in->pc);
    }
    v->store_pc[f] = in->pc;
    st->far_target = 0;
    return true;
}

static bool record_jump(Verifier *v, CodeState *st, const Insn *in, int depth)
{
    uint32_t t = in->a;
    if (depth > (int)v->p->max_stack)
        return fail(v, "stack depth %d on the jump exceeds max_stack %u", depth, v->p->max_stack);
    if (v->jump_depth[t] == VERIFY_NO_DEPTH) {
        v->jump_depth[t] = (int16_t)depth;
        v->jump_from[t] = (uint16_t)in->pc;
    } else if (v->jump_depth[t] != depth) {
        return fail(v, "stack depth %d on this jump to 0x%04x but %d on the jump from 0x%04x", depth, t,
                    v->jump_depth[t], v->jump_from[t]);
    }
    if (t > st->far_target) {
        st->far_target = t;
        st->far_from = in->pc;
    }
    return true;
}

/* Stack effect from OP_INFO: pop (or the count operand), then push on fall
 * through and branch_push on a taken jump. Every instruction but OPF_TERM is
 * treated as falling through: OP_INFO has no flag for unconditional jumps, and
 * assuming more paths than exist only makes the check stricter. */
static bool step(Verifier *v, CodeState *st, const Insn *in)
{
    const GdlProgram *p = v->p;
    const OpInfo *info = in->info;
    int pop = info->pop;
    if (pop < 0) {
        if (info->format != FMT_C || pop < -2)
            return fail(v, "opcode table: %s pops a count but has no count operand", info->name);
        pop = (int)in->a + (pop == -2);
    }
    if (st->depth < pop)
        return fail(v, "stack underflow: %s pops %d at stack depth %d", info->name, pop, st->depth);

    /* Any instruction that reads a fact operand (the first F, FKC or FF
     * operand, unless the instruction stores into it) reads it after its
     * store; the store comes after the read (COPY_FACT f f reads too early). */
    bool stores = (info->flags & OPF_STORE) != 0;
    bool reads_fact = (info->format == FMT_F && !stores) || info->format == FMT_FKC || info->format == FMT_FF;
    if (reads_fact && in->a >= p->ninputs && v->store_pc[in->a] == VERIFY_NO_PC)
        return fail(v, "%s of fact %u '%s' before its STORE_FACT", info->name, in->a, fact_name(v, in->a));
    if (stores) {
        if (info->format != FMT_F && info->format != FMT_FF)
            return fail(v, "opcode table: %s stores but has no fact operand", info->name);
        if (!check_store(v, st, in, info->format == FMT_FF ? in->b : in->a, pop))
            return false;
    }

    int after = st->depth - pop;
    if (info->flags & OPF_JUMP) {
        if (info->format != FMT_J && info->format != FMT_JK)
            return fail(v, "opcode table: %s jumps but has no target operand", info->name);
        if (!record_jump(v, st, in, after + info->branch_push))
            return false;
    }
    if (info->flags & OPF_TERM) {
        if (in->pc + in->size != p->ncode)
            return fail(v, "%s before the end of code (size %u)", info->name, p->ncode);
        if (st->depth != 0)
            return fail(v, "%s at stack depth %d (must be 0)", info->name, st->depth);
    }
    st->halted = (info->flags & OPF_TERM) != 0;
    st->depth = after + info->push;
    if (st->depth > (int)p->max_stack)
        return fail(v, "stack depth %d exceeds max_stack %u", st->depth, p->max_stack);
    return true;
}

static bool verify_code(Verifier *v)
{
    const GdlProgram *p = v->p;
    CodeState st = { 0, 0, 0, false };
    uint32_t pc = 0, last = 0;
    while (pc < p->ncode) {
        at_pc(v, pc);
        last = pc;
        v->is_start[pc] = 1;
        uint8_t op = p->code[pc];
        if (op >= NUM_OPCODES)
            return fail(v, "invalid opcode %u (there are %d)", op, (int)NUM_OPCODES);
        if (op == OP_INVALID)
            return fail(v, "opcode 0 (%s): zeroed or corrupt code", OP_INFO[op].name);
        Insn in = { pc, 0, &OP_INFO[op], 0, 0, 0 };
        if (in.info->format >= FMT__COUNT)
            return fail(v, "opcode table: %s has an invalid operand format %u", in.info->name, in.info->format);
        in.size = OP_FORMAT_SIZE[in.info->format];
        if (in.size == 0 || in.size > p->ncode - pc)
            return fail(v, "%s needs %u bytes, %u left in code", in.info->name, in.size, p->ncode - pc);
        if (v->jump_depth[pc] != VERIFY_NO_DEPTH && v->jump_depth[pc] != st.depth)
            return fail(v, "stack depth %d here but %d on the jump from 0x%04x", st.depth, v->jump_depth[pc],
                        v->jump_from[pc]);
        /* A target inside this instruction, from an earlier jump (check_target catches its own). */
        for (uint32_t k = 1; k < in.size; k++) {
            if (v->jump_depth[pc + k] != VERIFY_NO_DEPTH) {
                at_pc(v, v->jump_from[pc + k]);
                return fail(v, "jump target 0x%04x is inside the instruction at 0x%04x", pc + k, pc);
            }
        }
        decode_operands(p->code + pc, &in);
        if (!check_operands(v, &in) || !step(v, &st, &in))
            return false;
        pc += in.size;
    }
    at_pc(v, last);
    if (!st.halted)
        return fail(v, "code does not end with a terminator (HALT)");
    for (uint32_t f = p->ninputs; f < p->nfacts; f++) {
        if (v->store_pc[f] == VERIFY_NO_PC) {
            at_item(v, "FACT", f);
            return fail(v, "derived fact '%s' is never stored", fact_name(v, f));
        }
    }
    return true;
}

/* ---- lines ----------------------------------------------------------- */

static bool verify_lines(Verifier *v)
{
    const GdlProgram *p = v->p;
    for (uint32_t i = 0; i < p->nlines; i++) {
        const GdlLine *l = &p->lines[i];
        at_item(v, "LINE", i);
        if (l->pc >= p->ncode)
            return fail(v, "pc %u outside code (size %u)", l->pc, p->ncode);
        if (!v->is_start[l->pc])
            return fail(v, "pc 0x%04x is not an instruction start", l->pc);
        if (i > 0 && l->pc < p->lines[i - 1].pc)
            return fail(v, "pc 0x%04x before the previous entry's 0x%04x (entries must ascend)", l->pc,
                        p->lines[i - 1].pc);
        if (!check_str(v, "file", l->file, false))
            return false;
        if (l->fact >= p->nfacts)
            return fail(v, "fact %u out of range (%u facts)", l->fact, p->nfacts);
    }
    return true;
}

/* ---- entry ----------------------------------------------------------- */

int gdl_verify(const GdlProgram *p, char *err, size_t errlen)
{
    return gdl_verify_mem(p, NULL, err, errlen);
}

int gdl_verify_mem(const GdlProgram *p, const GdlMem *mem, char *err, size_t errlen)
{
    Verifier v = { .p = p, .mem = mem, .err = err, .errlen = errlen };
    if (err && errlen)
        err[0] = '\0';
    if (!p) {
        at_section(&v, "program");
        fail(&v, "no program");
        return -1;
    }
    bool ok = verify_counts(&v) && scratch_alloc(&v) && verify_strings(&v) && verify_meta(&v) &&
              verify_syms(&v) && verify_facts(&v) && verify_params(&v) && verify_outcomes(&v) &&
              verify_code(&v) && verify_lines(&v);
    scratch_free(&v);
    return ok ? 0 : -1;
}
