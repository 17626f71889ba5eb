/* report_model.c - what the clinician's report shows (report_model.h): the
 * same result as the JSON (advice.c), ordered by what the clinician must act
 * on and worded in the chosen language; docs/report.md states the rules:
 *   1. red flags, then referrals          5. planning, dated, overdue marked
 *   2. scope and classifications          6. what to measure
 *   3. what to do now                     7. what is missing, red flags first
 *   4. what not to do
 * By default a summary: advice that applies to everyone (is_generic) is
 * collapsed to one line per group; full shows every item, ids every item's
 * id. How it is laid out is left to the writers (report_text.c, ...). */
#include "report_model.h"

#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "advice_query.h"
#include "date.h"
#include "json.h"

/* Summary limits: an advice text's length, reasons per item, findings per
 * group of missing findings that is not about safety (red flags, scope,
 * referral: those are listed whole), specific advice items per group. */
enum { SUMMARY_TEXT_MAX = 160, SUMMARY_REASONS_MAX = 4, SUMMARY_MISSING_MAX = 4, SUMMARY_ADVICE_MAX = 10 };

#define REPORT_SECTION_CLASS_(name, cls) [SEC_##name] = cls,
const char *const REPORT_SECTION_CLASS[SEC__COUNT] = { REPORT_SECTIONS(REPORT_SECTION_CLASS_) };
#undef REPORT_SECTION_CLASS_

typedef struct {
    const GdlVm *vm;
    const GdlProgram *p;
    ReportModel *m;
    ByteBuf *b;             /* the row being worded */
    size_t key_end;         /* its key is b[0 .. key_end), when has_key */
    bool has_key;
    bool en, full, ids;
    bool has_today;
    int32_t today;          /* assessed_on: the date planning is measured from */
    ReportRow spare;        /* what a failed allocation hands back: written, never read */
} Report;

static const char *L(const Report *r, const char *nl, const char *en)
{
    return r->en ? en : nl;
}

static const char *S(const Report *r, uint16_t s)
{
    return s == GDL_NONE ? "" : gdl_str(r->p, s);
}

const char *report_word(const ReportModel *m, const char *nl, const char *en)
{
    return m->en ? en : nl;
}

/* ---- rows ------------------------------------------------------------- */

static const char *keep(Report *r, const char *s, size_t n)
{
    char *c = arena_strndup(&r->m->arena, s, n);
    if (!c)
        r->m->failed = true;
    return c ? c : "";
}

/* A row's words go to r->b: row_start, the key (if any), row_key_ends,
 * the text, row_end. */
static void row_start(Report *r)
{
    r->b->len = 0;
    r->has_key = false;
}

static void row_key_ends(Report *r)
{
    r->key_end = r->b->len;
    r->has_key = true;
}

/* Appends the row worded since row_start to section sec. */
static ReportRow *row_end(Report *r, ReportSectionKind sec, uint8_t indent, const char *mark, const char *key_sep,
                          bool wrap)
{
    ReportRow *row = arena_zalloc(&r->m->arena, sizeof *row);
    if (!row || r->b->failed) {
        r->m->failed = true;
        return &r->spare;
    }
    const char *words = r->b->len ? (const char *)r->b->data : "";
    size_t key_end = r->has_key ? r->key_end : 0;
    row->indent = indent;
    row->mark = mark;
    row->key = r->has_key ? keep(r, words, key_end) : NULL;
    row->key_sep = key_sep;
    row->text = keep(r, words + key_end, r->b->len - key_end);
    row->wrap = wrap;
    ReportSection *s = &r->m->sections[sec];
    if (s->last)
        s->last->next = row;
    else
        s->first = row;
    s->last = row;
    s->nrows++;
    return row;
}

/* The text of r->b from `from` to its end, kept, and r->b back to `from`. */
static const char *take_from(Report *r, size_t from)
{
    bool none = r->b->failed || r->b->len == from;     /* then data may be NULL */
    const char *t = keep(r, none ? "" : (const char *)r->b->data + from, none ? 0 : r->b->len - from);
    r->b->len = from;
    return t;
}

/* ---- words for ids ---------------------------------------------------- */

typedef struct {
    LabelKind kind;
    const char *id, *nl, *en;
} Label;

static const Label LABELS[] = {
#define X(kind, id, nl, en) { kind, id, nl, en },
#include "report_labels.def"
#undef X
};

static const char *const STRENGTH_WORDS[STR__COUNT][2] = {
    [STR_NONE] = { "", "" },
#define X(id, name, direction, force, nl, en) [STR_##id] = { nl, en },
#include "strengths.def"
#undef X
};

static const char *const ACTION_WORDS[ACT__COUNT][2] = {
#define X(id, name, nl, en) [ACT_##id] = { nl, en },
#include "actions.def"
#undef X
};

/* The moments of measurement, in the order of their bits (MOMENT_INTAKE ...). */
static const char *const MOMENT_WORDS[MOMENT__COUNT][2] = {
#define X(id, name, nl, en) [MOMENT_ROW_##id] = { nl, en },
#include "moments.def"
#undef X
};

/* Facts that only say whether the guideline's treatment applies at this
 * contact: an advice whose reasons are all among them applies to everyone
 * treated (docs/report.md, "generic items"). */
static const char *const GATE_FACTS[] = { "in_scope", "red_flagged", "indication", "treatment_status", "contact" };

static const char *label_of(LabelKind kind, const char *id, bool en)
{
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++)
        if (LABELS[i].kind == kind && strcmp(LABELS[i].id, id) == 0)
            return en ? LABELS[i].en : LABELS[i].nl;
    return NULL;
}

const char *report_label(LabelKind kind, const char *id, bool en)
{
    return label_of(kind, id, en);
}

/* An id as words: its label, else the id with spaces for '_'. */
void report_put_label(ByteBuf *b, LabelKind kind, const char *id, bool en)
{
    const char *l = label_of(kind, id, en);
    if (l) {
        buf_puts(b, l);
        return;
    }
    for (const char *c = id; *c; c++)
        buf_putc(b, *c == '_' ? ' ' : *c);
}

static void put_label(const Report *r, LabelKind kind, const char *id)
{
    report_put_label(r->b, kind, id, r->en);
}

/* " {id}" after an item, with --ids. */
static void put_id(const Report *r, const char *kind, const char *id)
{
    if (!r->ids)
        return;
    buf_printf(r->b, " {%s%s%s}", kind, *kind ? ":" : "", id);
}

static uint16_t find_input(const GdlProgram *p, const char *name)
{
    for (uint32_t f = 0; f < p->ninputs; f++)
        if (strcmp(gdl_str(p, p->facts[f].name), name) == 0)
            return (uint16_t)f;
    return GDL_NONE;
}

static bool is_gate(const Report *r, uint32_t fact)
{
    const char *name = S(r, r->p->facts[fact].name);
    for (size_t i = 0; i < sizeof GATE_FACTS / sizeof GATE_FACTS[0]; i++)
        if (strcmp(name, GATE_FACTS[i]) == 0)
            return true;
    return false;
}

/* An enum fact's current symbol, or NULL. */
static const char *enum_symbol(const Report *r, uint32_t f)
{
    const GdlFact *fact = &r->p->facts[f];
    const GdlValue *v = &r->vm->facts[f];
    if (fact->type != GT_ENUM || v->tag != VT_NUM || !(v->as.num >= 0 && v->as.num < fact->sym_count))
        return NULL;
    return S(r, r->p->syms[fact->sym_first + (uint32_t)v->as.num]);
}

/* What a fact is, in words: an input's vocabulary description, a
 * classification's name, a built-in's meaning. */
static void put_fact_name(const Report *r, uint32_t f)
{
    const GdlFact *fact = &r->p->facts[f];
    const char *name = S(r, fact->name);
    if (fact->kind == FK_INPUT) {
        uint16_t t = r->en ? fact->text_en : fact->text_nl;
        if (t == GDL_NONE)
            t = r->en ? fact->text_nl : fact->text_en;
        if (t != GDL_NONE) {
            buf_puts(r->b, S(r, t));
            return;
        }
    } else if (fact->kind == FK_CLASSIFY) {
        put_label(r, LABEL_CLASSIFICATION, name);
        return;
    } else if (strcmp(name, "in_scope") == 0) {
        buf_puts(r->b, L(r, "binnen de richtlijn", "in scope"));
        return;
    } else if (strcmp(name, "red_flagged") == 0) {
        buf_puts(r->b, L(r, "rode vlag", "red flag"));
        return;
    }
    put_label(r, LABEL_VALUE, name);
}

static void put_number(const Report *r, double v, uint16_t unit)
{
    buf_json_number(r->b, v);
    if (unit != GDL_NONE) {
        buf_putc(r->b, ' ');
        put_label(r, v == 1 && label_of(LABEL_UNIT_ONE, S(r, unit), r->en) ? LABEL_UNIT_ONE : LABEL_UNIT, S(r, unit));
    }
}

/* A classification's value in words. */
static void put_classification_value(const Report *r, uint32_t f)
{
    const GdlValue *v = &r->vm->facts[f];
    const char *sym = enum_symbol(r, f);
    if (v->tag != VT_NUM)
        buf_puts(r->b, L(r, "onbeslist", "undecided"));
    else if (sym)
        put_label(r, LABEL_VALUE, sym);
    else
        buf_json_number(r->b, v->as.num);
}

/* How much of an enum input's description to show before its value: all of
 * it, less a closing list of its values ("nachtelijke pijn en/of pijn in rust
 * (geen / soms / aanwezig)", "beloop: activiteiten nemen toe / 3 weken geen
 * toename"): a list in brackets at the end, or after the last ": ", with as
 * many items (split at " / ", ", ", " or ", " of ") as the enum has symbols; 0 when the
 * description is nothing but the list ("fysiotherapeut / oefentherapeut"). */
static size_t without_value_list(const char *text, uint32_t nsyms)
{
    size_t n = strlen(text);
    const char *open = n && text[n - 1] == ')' ? strrchr(text, '(') : NULL;
    const char *colon = NULL;
    for (const char *c = strstr(text, ": "); c; c = strstr(c + 1, ": "))
        colon = c;
    const char *list[3] = { open ? open + 1 : NULL, colon ? colon + 2 : NULL, text };
    size_t cut[3] = { open ? (size_t)(open - text) : 0, colon ? (size_t)(colon - text) : 0, 0 };
    for (int i = 0; i < 3; i++) {
        if (!list[i])
            continue;
        uint32_t items = 1;
        const char *end = i == 0 ? text + n - 1 : text + n;
        for (const char *c = list[i]; c < end; c++)
            items += (c + 3 <= end && strncmp(c, " / ", 3) == 0) || (c + 2 <= end && strncmp(c, ", ", 2) == 0)
                  || (i < 2 && c + 4 <= end && (strncmp(c, " or ", 4) == 0 || strncmp(c, " of ", 4) == 0));
        if (items == nsyms && items > 1) {
            while (cut[i] > 0 && text[cut[i] - 1] == ' ')
                cut[i]--;
            return cut[i];
        }
    }
    return n;
}

/* A reason: the fact in words, with its value where the words alone do not
 * say it (a false finding, a number, an enum finding's value, a
 * classification's value). */
static void put_fact_with_value(const Report *r, uint32_t f)
{
    const GdlFact *fact = &r->p->facts[f];
    const GdlValue *v = &r->vm->facts[f];
    const char *sym = fact->kind == FK_INPUT ? enum_symbol(r, f) : NULL;
    uint16_t t = r->en ? fact->text_en : fact->text_nl;
    if (t == GDL_NONE)
        t = r->en ? fact->text_nl : fact->text_en;
    if (sym && t != GDL_NONE) {
        size_t n = without_value_list(S(r, t), fact->sym_count);
        buf_put(r->b, S(r, t), n);
        buf_puts(r->b, n ? ": " : "");
        put_label(r, LABEL_VALUE, sym);
        return;
    }
    put_fact_name(r, f);
    if (sym) {
        buf_puts(r->b, ": ");
        put_label(r, LABEL_VALUE, sym);
    } else if (fact->kind == FK_CLASSIFY) {
        buf_puts(r->b, ": ");
        put_classification_value(r, f);
    } else if (fact->kind == FK_INPUT && fact->type == GT_BOOL && gdl_is_false(v)) {
        buf_puts(r->b, L(r, ": nee", ": no"));
    } else if (fact->kind == FK_INPUT && v->tag == VT_NUM && (fact->type == GT_INT || fact->type == GT_NUMBER)) {
        buf_puts(r->b, ": ");
        put_number(r, v->as.num, fact->unit);
    } else if (fact->kind == FK_INPUT && v->tag == VT_NUM && fact->type == GT_DATE) {
        char date[11];
        gdl_date_format((int32_t)v->as.num, date);
        buf_printf(r->b, ": %s", date);
    }
}

/* "<lead>a; b" for the facts behind fact that are not gates (in the
 * summary the first SUMMARY_REASONS_MAX, then how many more); how many. */
static uint32_t put_reasons(const Report *r, uint32_t fact, const char *lead)
{
    const uint64_t *d = gdl_fact_deps(r->vm, fact);
    uint32_t n = 0;
    FOR_EACH_BIT(d, r->vm->words, bit) {
        if (bit >= r->p->ndep_bits)
            continue;
        uint32_t f = r->vm->dep_fact[bit];
        if (is_gate(r, f))
            continue;
        if (r->full || n < SUMMARY_REASONS_MAX) {
            buf_puts(r->b, n ? "; " : lead);
            put_fact_with_value(r, f);
        }
        n++;
    }
    if (n > SUMMARY_REASONS_MAX && !r->full)
        buf_printf(r->b, r->en ? " and %u more" : " en %u andere", n - SUMMARY_REASONS_MAX);
    return n;
}

static void put_because(const Report *r, uint32_t fact)
{
    put_reasons(r, fact, L(r, " — omdat: ", " — because: "));
}

/* An advice applies to everyone treated when all its reasons are gates. */
static bool is_generic(const Report *r, uint32_t fact)
{
    const uint64_t *d = gdl_fact_deps(r->vm, fact);
    bool generic = true;
    FOR_EACH_BIT(d, r->vm->words, bit)
        generic &= bit >= r->p->ndep_bits || is_gate(r, r->vm->dep_fact[bit]);
    return generic;
}

static void put_section(const Report *r, uint16_t section)
{
    if (section != GDL_NONE)
        buf_printf(r->b, " [%s]", S(r, section));
}

/* ---- header ----------------------------------------------------------- */

static void put_header(Report *r)
{
    const GdlMeta *m = &r->p->meta;
    r->m->guideline_title = S(r, m->title);
    r->m->guideline_id = S(r, m->id);
    r->m->guideline_version = S(r, m->version);
    r->m->case_id = keep(r, gdl_case_id(r->vm, "-"), strlen(gdl_case_id(r->vm, "-")));
    row_start(r);
    if (strcmp(S(r, m->title), S(r, m->id)) == 0)
        buf_printf(r->b, "%s %s", S(r, m->id), S(r, m->version));
    else
        buf_printf(r->b, "%s (%s %s)", S(r, m->title), S(r, m->id), S(r, m->version));
    r->m->title_line = take_from(r, 0);
    buf_printf(r->b, "%s: %s", L(r, "Casus", "Case"), r->m->case_id);
    uint16_t on = find_input(r->p, "assessed_on");
    if (on != GDL_NONE && r->vm->facts[on].tag == VT_NUM) {
        r->has_today = true;
        r->today = (int32_t)r->vm->facts[on].as.num;
        char date[11];
        gdl_date_format(r->today, date);
        buf_printf(r->b, " · %s %s", L(r, "beoordeeld op", "assessed on"), date);
    }
    uint16_t contact = find_input(r->p, "contact");
    const char *moment = contact == GDL_NONE ? NULL : enum_symbol(r, contact);
    for (unsigned k = 0; moment && k < MOMENT__COUNT; k++)
        if (strcmp(moment, gdl_moment_name(k)) == 0)
            buf_printf(r->b, " · %s", MOMENT_WORDS[k][r->en]);
    r->m->case_line = take_from(r, 0);
}

static void put_errors(Report *r, const GdlCaseErrors *errs)
{
    r->m->sections[SEC_ERRORS].heading = L(r, "De casus kon niet worden beoordeeld:", "The case could not be evaluated:");
    for (uint32_t i = 0; i < errs->count; i++) {
        const GdlCaseError *e = &errs->items[i];
        row_start(r);
        if (e->has_field)
            buf_printf(r->b, "%s: %s", e->field, e->message);
        else if (e->line == 0)      /* the file as a whole: too large, blank line */
            buf_printf(r->b, "%s", e->message);
        else
            buf_printf(r->b, "%u:%u: %s", e->line, e->col, e->message);
        row_end(r, SEC_ERRORS, 2, "", NULL, false);
    }
    if (errs->truncated) {  /* as in the JSON result */
        row_start(r);
        buf_puts(r->b, L(r, "(meer fouten niet getoond)", "(more errors not shown)"));
        row_end(r, SEC_ERRORS, 2, "", NULL, false);
    }
}

/* The fired outcomes of one kind, under a heading when there are any. */
static uint32_t fired_under(const Report *r, OutcomeKind kind, ReportSectionKind sec, const char *nl, const char *en,
                            uint16_t **list)
{
    uint32_t n = advice_fired(r->vm, kind, list);
    if (n)
        r->m->sections[sec].heading = L(r, nl, en);
    return n;
}

/* ---- 1. red flags and referrals --------------------------------------- */

/* Records what a CDS card needs of a red flag's or referral's row: the
 * outcome and its section. */
static void row_outcome(const Report *r, ReportRow *row, const GdlOutcome *o)
{
    row->urgent = o->urgent;
    row->outcome_id = S(r, o->id);
    row->section = o->section == GDL_NONE ? NULL : S(r, o->section);
}

static void put_red_flags(Report *r)
{
    uint16_t *list;
    uint32_t n = fired_under(r, OK_RED_FLAG, SEC_RED_FLAGS, "RODE VLAGGEN", "RED FLAGS", &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        row_start(r);
        buf_printf(r->b, "%s%s — ", o->urgent ? L(r, "SPOED: ", "URGENT: ") : "", ACTION_WORDS[o->action][r->en]);
        put_label(r, LABEL_CLUSTER, S(r, o->cluster));
        buf_puts(r->b, ": ");
        uint16_t finding = find_input(r->p, S(r, o->id));
        if (finding != GDL_NONE)    /* one finding, named as the flag */
            put_fact_name(r, finding);
        else if (!put_reasons(r, o->cond, ""))
            put_label(r, LABEL_VALUE, S(r, o->id));
        put_section(r, o->section);
        put_id(r, "red_flag", S(r, o->id));
        row_outcome(r, row_end(r, SEC_RED_FLAGS, 2, o->urgent ? "!! " : " ! ", NULL, false), o);
    }
    n = fired_under(r, OK_REFERRAL, SEC_REFERRALS, "VERWIJZING", "REFERRAL", &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        row_start(r);
        buf_printf(r->b, "%s%s", o->urgent ? L(r, "SPOED: ", "URGENT: ") : "", ACTION_WORDS[o->action][r->en]);
        put_because(r, o->cond);
        put_section(r, o->section);
        put_id(r, "referral", S(r, o->id));
        row_outcome(r, row_end(r, SEC_REFERRALS, 2, o->urgent ? "!! " : " > ", NULL, false), o);
    }
}

/* ---- 2. scope and classifications ------------------------------------- */

/* A classification: name (the key, when keyed), value, reasons, section. */
static void put_classification(Report *r, uint32_t f, bool keyed)
{
    put_fact_name(r, f);
    buf_putc(r->b, ':');
    if (keyed)
        row_key_ends(r);
    else
        buf_putc(r->b, ' ');
    put_classification_value(r, f);
    /* On the summary's shared line (not keyed) a table's default needs no reason. */
    if (r->vm->facts[f].tag == VT_NUM && (r->vm->facts[f].len & GDL_FROM_OTHERWISE)) {
        if (keyed)
            buf_puts(r->b, L(r, " — omdat: geen andere rij van de tabel geldt", " — because: no other row of the table holds"));
    }
    else if (r->vm->facts[f].tag == VT_NUM)
        put_because(r, f);
    put_section(r, r->p->facts[f].section);
    if (r->ids) {
        const char *sym = enum_symbol(r, f);
        buf_printf(r->b, " {%s = ", S(r, r->p->facts[f].name));
        if (sym)
            buf_puts(r->b, sym);
        else if (r->vm->facts[f].tag == VT_NUM)
            buf_json_number(r->b, r->vm->facts[f].as.num);
        else
            buf_puts(r->b, "undecided");
        buf_putc(r->b, '}');
    }
}

static void put_scope(Report *r, const Missing *miss)
{
    int scope = r->p->in_scope_fact == GDL_NONE ? -1 : gdl_fact_truth(r->vm, r->p->in_scope_fact);
    const char *undecided = advice_scope_waits_for_findings(miss)
        ? L(r, "onbeslist (bevindingen ontbreken, zie onder)", "undecided (findings missing, see below)")
        : L(r, "onbeslist (geen bevinding beslist het, zie onder)", "undecided (no finding would decide it, see below)");
    row_start(r);
    buf_printf(r->b, "%s: %s", L(r, "Binnen de richtlijn", "In scope"),
               scope < 0 ? undecided : scope ? L(r, "ja", "yes") : L(r, "nee", "no"));
    r->m->sections[SEC_SCOPE].heading = take_from(r, 0);
    uint16_t *list;
    uint32_t n = advice_fired(r->vm, OK_EXCLUSION, &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        row_start(r);
        buf_puts(r->b, L(r, "uitgesloten:", "excluded:"));
        row_key_ends(r);
        uint16_t input = find_input(r->p, S(r, o->id));
        if (input != GDL_NONE)
            put_fact_name(r, input);
        else
            put_label(r, LABEL_EXCLUSION, S(r, o->id));
        put_because(r, o->cond);
        put_section(r, o->section);
        put_id(r, "exclusion", S(r, o->id));
        row_end(r, SEC_SCOPE, 2, "", " ", false);
    }
    /* In the summary the classifications without a reason of their own
     * (undecided, or decided by the gates alone) share one line, worded
     * after the others. */
    uint32_t nplain = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && nplain)
            row_start(r);
        for (uint32_t k = 0; k < r->vm->advice->nclassifications; k++) {
            uint32_t f = r->vm->advice->classifications[k];
            if (!advice_classification_applies(r->vm, f))
                continue;
            r->m->sections[SEC_CLASSIFICATION].heading = L(r, "Classificatie", "Classification");
            bool plain = !r->full && (r->vm->facts[f].tag != VT_NUM || is_generic(r, f));
            if (pass == 0 && !plain) {
                row_start(r);
                put_classification(r, f, true);
                row_end(r, SEC_CLASSIFICATION, 2, "", " ", false);
            } else if (pass == 0) {
                nplain++;
            } else if (plain) {
                buf_puts(r->b, r->b->len ? "; " : "");
                put_classification(r, f, false);
            }
        }
    }
    if (nplain)
        row_end(r, SEC_CLASSIFICATION, 2, "", NULL, true);
}
/* ---- 3, 4. advice ----------------------------------------------------- */

/* The dose in words: each key's label and value; strings only in English,
 * the language the guidelines write them in (in Dutch the advice text
 * carries the dose). */
static void put_dose(const Report *r, const GdlOutcome *o)
{
    if (o->dose == GDL_NONE)
        return;
    const char *text = advice_str(r->vm->advice, r->p, o->dose);
    JsonValue v;
    if (!json_parse(text, strlen(text), NULL, &((GdlVm *)r->vm)->case_arena, &v, NULL) || v.kind != JSON_OBJECT)
        return;
    bool first = true;
    for (size_t i = 0; i < v.as.object.count; i++) {
        const JsonMember *mb = &v.as.object.members[i];
        const JsonValue *x = &mb->value;
        const JsonValue *unit = NULL;
        if (x->kind == JSON_OBJECT) {   /* {"value": 30, "unit": "min"} */
            unit = json_object_get(x, "unit");
            x = json_object_get(x, "value");
            if (!x)
                continue;
        }
        bool range = x->kind == JSON_ARRAY && x->as.array.count == 2 && x->as.array.items[0].kind == JSON_NUMBER
                     && x->as.array.items[1].kind == JSON_NUMBER;
        if (x->kind != JSON_NUMBER && !range && !(x->kind == JSON_STRING && r->en))
            continue;
        buf_puts(r->b, first ? L(r, " — dosering: ", " — dose: ") : "; ");
        first = false;
        put_label(r, LABEL_DOSE, mb->key);
        buf_putc(r->b, ' ');
        if (x->kind == JSON_NUMBER)
            buf_json_number(r->b, x->as.number.value);
        else if (range) {                   /* [10, 15] reads 10-15 */
            buf_json_number(r->b, x->as.array.items[0].as.number.value);
            buf_putc(r->b, '-');
            buf_json_number(r->b, x->as.array.items[1].as.number.value);
        } else
            buf_put(r->b, x->as.string.chars, x->as.string.len);
        if (unit && unit->kind == JSON_STRING) {
            buf_putc(r->b, ' ');
            put_label(r, LABEL_UNIT, unit->as.string.chars);
        }
    }
}

/* Text on one line: a line break or tab in it shows as a space (the
 * report is read line by line, and by programs too). */
static void put_one_line(const Report *r, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_putc(r->b, t[i] == '\n' || t[i] == '\r' || t[i] == '\t' ? ' ' : t[i]);
}

/* An advice's text: whole, or (summary) its first sentence, cut at a word
 * when longer than SUMMARY_TEXT_MAX. */
static void put_advice_text(const Report *r, const GdlOutcome *o)
{
    const char *t = advice_str(r->vm->advice, r->p, advice_text_for(r->p, o, r->m->lang));
    size_t len = strlen(t);
    if (r->full) {
        put_one_line(r, t, len);
        return;
    }
    const char *stop = strstr(t, ". ");
    size_t n = stop ? (size_t)(stop - t) + 1 : len;
    if (n > SUMMARY_TEXT_MAX) {
        n = SUMMARY_TEXT_MAX;
        while (n > 0 && t[n] != ' ')
            n--;
    }
    put_one_line(r, t, n);
    if (n < len)
        buf_puts(r->b, " …");
}

static bool strength_is_negative(uint8_t s)
{
    return gdl_strength_direction((GdlStrength)s) < 0;
}

/* One advice line. */
static void put_advice_item(Report *r, const GdlOutcome *o, ReportSectionKind sec)
{
    row_start(r);
    buf_printf(r->b, "%s:", STRENGTH_WORDS[o->strength][r->en]);
    row_key_ends(r);
    if (o->section != GDL_NONE)
        buf_printf(r->b, "[%s] ", S(r, o->section));
    put_advice_text(r, o);
    if (r->full)
        put_dose(r, o);
    put_because(r, o->cond);
    put_id(r, "advice", S(r, o->id));
    ReportRow *row = row_end(r, sec, 2, "", " ", false);
    row->section = o->section == GDL_NONE ? NULL : S(r, o->section);
}

/* What to do (negative false) or not to do. In full: every item, in the
 * advice format's order. In the summary: the items specific to this case,
 * strongest first ("Doen" before "Bij voorkeur" before "Overweeg": the force
 * of strengths.def), at most SUMMARY_ADVICE_MAX, then one line counting the
 * rest. */
static void put_advice(Report *r, bool negative)
{
    uint16_t *list;
    uint32_t n = advice_fired(r->vm, OK_ADVICE, &list), generic = 0, total = 0, shown = 0;
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        if (strength_is_negative(o->strength) != negative)
            continue;
        total++;
        generic += is_generic(r, o->cond);
    }
    if (!total)
        return;
    ReportSectionKind sec = negative ? SEC_DONOT : SEC_TODO;
    r->m->sections[sec].heading = negative ? L(r, "Niet doen", "Do not") : L(r, "Nu doen", "To do now");
    unsigned weakest = r->full ? GDL_STRENGTH_FORCE_MAX : 1;   /* full: one pass, every strength */
    for (unsigned force = GDL_STRENGTH_FORCE_MAX; force >= weakest; force--)
        for (uint32_t i = 0; i < n; i++) {
            const GdlOutcome *o = &r->p->outcomes[list[i]];
            if (strength_is_negative(o->strength) != negative)
                continue;
            if (!r->full
                && (gdl_strength_force((GdlStrength)o->strength) != force || is_generic(r, o->cond)
                    || shown == SUMMARY_ADVICE_MAX))
                continue;
            put_advice_item(r, o, sec);
            shown++;
        }
    if (shown == total)
        return;
    uint32_t specific = total - generic - shown;
    row_start(r);
    if (specific)
        buf_printf(r->b, r->en ? "+ %u more specific and %u general recommendations, see --detail full"
                               : "+ %u andere specifieke en %u algemene aanbevelingen, zie --detail full",
                   specific, generic);
    else
        buf_printf(r->b, r->en ? "+ %u general recommendation%s, see --detail full"
                               : "+ %u algemene aanbeveling%s, zie --detail full",
                   generic, generic == 1 ? "" : (r->en ? "s" : "en"));
    row_end(r, sec, 2, "", NULL, false);
}

/* ---- 5, 6. planning and measurement ----------------------------------- */

static void put_schedule(Report *r)
{
    uint16_t *list;
    uint32_t n = fired_under(r, OK_SCHEDULE, SEC_SCHEDULE, "Planning", "Schedule", &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        int32_t day;
        bool dated = advice_schedule_day(r->vm, o, &day);
        char date[11] = "----------";
        if (dated)
            gdl_date_format(day, date);
        row_start(r);
        buf_puts(r->b, date);
        row_key_ends(r);
        put_label(r, LABEL_SCHEDULE, S(r, o->id));
        uint32_t after = r->vm->advice->after[o - r->p->outcomes];
        static const char *const UNIT_WORDS[AFTER__COUNT][2][2] = {    /* [after_unit][en][plural] */
#define X(id, name, one, days, key, nl_one, nl_many, en_one, en_many) [AFTER_##id] = { { nl_one, nl_many }, { en_one, en_many } },
#include "after_units.def"
#undef X
        };
        buf_printf(r->b, " (%s %u %s)", L(r, "na", "after"), after,
                   UNIT_WORDS[o->after_unit % AFTER__COUNT][r->en][after != 1]);
        if (dated && r->has_today) {
            int32_t d = day - r->today;
            if (d < 0)
                buf_printf(r->b, r->en ? " OVERDUE by %d day%s" : " ACHTERSTALLIG, %d dag%s geleden", -d,
                           d == -1 ? "" : (r->en ? "s" : "en"));
            else if (d == 0)
                buf_puts(r->b, L(r, " vandaag", " today"));
            else
                buf_printf(r->b, r->en ? " in %d day%s" : " over %d dag%s", d, d == 1 ? "" : (r->en ? "s" : "en"));
        }
        put_section(r, o->section);
        put_id(r, "schedule", S(r, o->id));
        row_end(r, SEC_SCHEDULE, 2, "", "  ", false);
    }
}

/* An instrument: the input it scores, else its id as an acronym. */
static void put_instrument(const Report *r, const char *id)
{
    uint16_t input = find_input(r->p, id);
    if (input != GDL_NONE) {
        put_fact_name(r, input);
        return;
    }
    for (const char *c = id; *c; c++)
        buf_putc(r->b, *c == '_' ? ' ' : (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c);
}

/* "intake, tussenevaluatie, afsluiting" for a set of moments. */
static void put_moments(const Report *r, uint8_t moments)
{
    bool sep = false;
    for (int k = 0; k < MOMENT__COUNT; k++)
        if (moments & (1u << k)) {
            buf_printf(r->b, "%s%s", sep ? ", " : "", MOMENT_WORDS[k][r->en]);
            sep = true;
        }
}

/* What to measure. In full one line per instrument, in the advice format's
 * order; in the summary one (wrapped) line per set of moments. */
static void put_measurements(Report *r)
{
    uint16_t *list;
    uint32_t n = fired_under(r, OK_MEASUREMENT, SEC_MEASURE, "Meten", "Measure", &list);
    for (uint32_t i = 0; r->full && i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        row_start(r);
        put_instrument(r, S(r, o->id));
        buf_puts(r->b, L(r, " — bij ", " — at "));
        put_moments(r, o->moments);
        put_section(r, o->section);
        put_id(r, "measurement", S(r, o->id));
        row_end(r, SEC_MEASURE, 2, "", NULL, false);
    }
    for (uint8_t moments = 1; !r->full && moments <= MOMENT__ALL; moments++) {
        row_start(r);
        buf_puts(r->b, L(r, "bij ", "at "));
        put_moments(r, moments);
        buf_putc(r->b, ':');
        row_key_ends(r);
        uint32_t count = 0;
        for (uint32_t i = 0; i < n; i++) {
            const GdlOutcome *o = &r->p->outcomes[list[i]];
            if (o->moments != moments)
                continue;
            buf_puts(r->b, count++ ? "; " : "");
            put_instrument(r, S(r, o->id));
            put_section(r, o->section);
            put_id(r, "measurement", S(r, o->id));
        }
        if (count)
            row_end(r, SEC_MEASURE, 2, "", " ", true);
    }
}

/* ---- 7. what is missing ----------------------------------------------- */

/* The groups of missing findings, by the most urgent kind of conclusion
 * each field blocks; red flags first (they are safety). */
enum { GROUP_RED_FLAG, GROUP_SCOPE, GROUP_REFERRAL, GROUP_CLASSIFICATION, GROUP_ADVICE, GROUP_PLANNING, GROUP__COUNT };

static const char *const GROUP_HEADINGS[GROUP__COUNT][2] = {
    { "Rode vlaggen niet beoordeeld", "Red flags not assessed" },
    { "Om te bepalen of de richtlijn van toepassing is ontbreekt", "To decide whether the guideline applies, missing" },
    { "Voor de verwijzing ontbreekt", "For the referral, missing" },
    { "Voor de classificatie ontbreekt", "For the classification, missing" },
    { "Voor het advies ontbreekt", "For the advice, missing" },
    { "Voor planning en metingen ontbreekt", "For planning and measurement, missing" },
};

static int group_of_rank(uint8_t rank)
{
    switch (rank) {
    case RANK_RED_FLAG: return GROUP_RED_FLAG;
    case RANK_SCOPE: case RANK_EXCLUSION: return GROUP_SCOPE;
    case RANK_REFERRAL: return GROUP_REFERRAL;
    case RANK_CLASSIFICATION: return GROUP_CLASSIFICATION;
    case RANK_ADVICE: return GROUP_ADVICE;
    default: return GROUP_PLANNING;
    }
}

static int group_of_field(const Missing *m, uint32_t k)
{
    int g = GROUP__COUNT - 1;
    for (uint32_t n = m->needed_off[k]; n < m->needed_off[k + 1]; n++) {
        int x = group_of_rank(m->open[m->needed[n]]->rank);
        if (x < g)
            g = x;
    }
    return g;
}

/* The conclusions open[idx[0 .. count)] in words: per kind how many, the
 * classifications by name ("2 rode vlaggen, Behandelprofiel"). */
static void put_conclusion_counts(const Report *r, const Missing *m, const uint16_t *idx, uint32_t count)
{
    static const char *const KIND_WORDS[RANK__COUNT][2][2] = {     /* [rank][en][plural] */
        [RANK_SCOPE] = { { "de afbakening", "de afbakening" }, { "the scope", "the scope" } },
        [RANK_EXCLUSION] = { { "uitsluiting", "uitsluitingen" }, { "exclusion", "exclusions" } },
        [RANK_RED_FLAG] = { { "rode vlag", "rode vlaggen" }, { "red flag", "red flags" } },
        [RANK_REFERRAL] = { { "verwijzing", "verwijzingen" }, { "referral", "referrals" } },
        [RANK_CLASSIFICATION] = { { "classificatie", "classificaties" }, { "classification", "classifications" } },
        [RANK_ADVICE] = { { "advies", "adviezen" }, { "advice", "advice items" } },
        [RANK_SCHEDULE] = { { "planning", "planning" }, { "schedule item", "schedule items" } },
        [RANK_MEASUREMENT] = { { "meting", "metingen" }, { "measurement", "measurements" } },
    };
    bool first = true;
    for (uint8_t rank = 0; rank < RANK__COUNT; rank++) {
        uint32_t k = 0;
        for (uint32_t i = 0; i < count; i++) {
            const Conclusion *c = m->open[idx[i]];
            if (c->rank != rank || (i && m->open[idx[i - 1]]->rank == rank && m->open[idx[i - 1]]->id == c->id))
                continue;
            if (rank == RANK_CLASSIFICATION) {
                buf_puts(r->b, first ? "" : ", ");
                first = false;
                put_label(r, LABEL_CLASSIFICATION, S(r, c->id));
            } else {
                k++;
            }
        }
        if (k == 0)
            continue;
        buf_puts(r->b, first ? "" : ", ");
        first = false;
        if (rank == RANK_SCOPE)
            buf_puts(r->b, KIND_WORDS[rank][r->en][0]);
        else
            buf_printf(r->b, "%u %s", k, KIND_WORDS[rank][r->en][k != 1]);
    }
}

/* The missing findings, grouped. In the summary, a group not about safety
 * lists SUMMARY_MISSING_MAX findings, and none when the case is out of scope
 * (then only the count: they would not change what to do). */
static void put_missing(Report *r, const Missing *m)
{
    bool out_of_scope = r->p->in_scope_fact != GDL_NONE && gdl_fact_truth(r->vm, r->p->in_scope_fact) == 0;
    for (int g = 0; g < GROUP__COUNT; g++) {
        uint32_t shown = 0, more = 0;
        row_start(r);
        buf_printf(r->b, "%s:", GROUP_HEADINGS[g][r->en]);
        row_key_ends(r);
        for (uint32_t k = 0; k < m->nfields; k++) {
            if (group_of_field(m, k) != g)
                continue;
            if (!r->full && g >= GROUP_CLASSIFICATION && (shown == SUMMARY_MISSING_MAX || out_of_scope)) {
                more++;
                continue;
            }
            buf_puts(r->b, shown++ ? "; " : "");
            put_fact_name(r, m->fields[k]);
            if (r->full) {
                buf_puts(r->b, " (");
                put_conclusion_counts(r, m, m->needed + m->needed_off[k], m->needed_off[k + 1] - m->needed_off[k]);
                buf_putc(r->b, ')');
            }
        }
        if (more && shown)
            buf_printf(r->b, r->en ? " and %u more, see --detail full" : " en %u andere, zie --detail full", more);
        else if (more)
            buf_printf(r->b, r->en ? "%u finding%s, see --detail full" : "%u bevinding%s, zie --detail full", more,
                       more == 1 ? "" : (r->en ? "s" : "en"));
        if (shown || more) {
            r->m->sections[SEC_MISSING].heading =
                L(r, "Ontbreekt (kan het advies veranderen)", "Missing (could change the advice)");
            row_end(r, SEC_MISSING, 2, "", " ", true);
        }
        for (uint32_t k = 0; r->ids && k < m->nfields; k++) {
            if (group_of_field(m, k) != g)
                continue;
            row_start(r);
            buf_printf(r->b, "{%s: ", S(r, r->p->facts[m->fields[k]].name));
            advice_put_needed_for(r->b, r->vm, m, k, " ", false);
            buf_putc(r->b, '}');
            row_end(r, SEC_MISSING, 4, "", NULL, false);
        }
    }
    if (m->reason_off[GDL_WHY__COUNT])
        r->m->sections[SEC_UNDECIDED].heading =
            L(r, "Onbeslist, en geen bevinding beslist het", "Undecided, and no finding would decide it");
    for (uint32_t k = 0; k < GDL_WHY__COUNT; k++) {
        uint32_t from = m->reason_off[k], count = m->reason_off[k + 1] - from;
        if (!count)
            continue;
        row_start(r);
        buf_printf(r->b, "%s:", gdl_unknown_reason_text(gdl_unknown_reason_order()[k], r->en));
        row_key_ends(r);
        put_conclusion_counts(r, m, m->by_reason + from, count);
        if (r->ids) {
            buf_puts(r->b, " {");
            advice_put_conclusions(r->b, r->vm, m, m->by_reason + from, count, " ", false);
            buf_putc(r->b, '}');
        }
        row_end(r, SEC_UNDECIDED, 2, "", " ", false);
    }
}

void report_model_build(ReportModel *m, const GdlVm *vm, const GdlCaseErrors *errs, const char *lang, bool full, bool ids)
{
    bool en = gdl_labels_en(lang);
    *m = (ReportModel){ .en = en, .lang = lang, .full = full, .ids = ids };
    arena_init_mem(&m->arena, 0, vm->mem);
    ByteBuf words = { .mem = vm->mem };
    Report r = { .vm = vm, .p = vm->p, .m = m, .b = &words, .en = en, .full = full, .ids = ids };
    put_header(&r);
    if (errs && errs->count) {
        put_errors(&r, errs);
    } else {
        Missing miss = advice_find_missing(vm);
        put_red_flags(&r);
        put_scope(&r, &miss);
        put_advice(&r, false);
        put_advice(&r, true);
        put_schedule(&r);
        put_measurements(&r);
        put_missing(&r, &miss);
    }
    if (words.failed)
        m->failed = true;
    buf_free(&words);
}

void report_model_free(ReportModel *m)
{
    arena_free(&m->arena);
}
