/* report_text.c - the clinician's report: `gdl run --format text`. The
 * same result as the JSON (advice.c), ordered by what the clinician must act
 * on and worded in the chosen language; docs/report.md states the rules:
 *   1. red flags, then referrals          5. planning, dated, overdue marked
 *   2. scope and classifications          6. what to measure
 *   3. what to do now                     7. what is missing, red flags first
 *   4. what not to do
 * By default a summary: advice that applies to everyone (is_generic) is
 * collapsed to one line per group; --detail full shows every item, --ids
 * every item's id. */
#include "advice.h"

#include <stdio.h>
#include <string.h>

#include "advice_query.h"
#include "date.h"
#include "json.h"

/* Summary limits: an advice text's length, reasons per item, findings per
 * group of missing findings that is not about safety (red flags, scope,
 * referral: those are listed whole), specific advice items per group. */
enum { WRAP_WIDTH = 100, SUMMARY_TEXT_MAX = 160, SUMMARY_REASONS_MAX = 4, SUMMARY_MISSING_MAX = 4,
       SUMMARY_ADVICE_MAX = 10 };

typedef struct {
    const GdlVm *vm;
    const GdlProgram *p;
    ByteBuf *b;
    bool en, full, ids;
    bool has_today;
    int32_t today;          /* assessed_on: the date planning is measured from */
} Report;

static const char *L(const Report *r, const char *nl, const char *en)
{
    return r->en ? en : nl;
}

static const char *S(const Report *r, uint16_t s)
{
    return s == GDL_NONE ? "" : gdl_str(r->p, s);
}

/* ---- words for ids ---------------------------------------------------- */

typedef enum {
    LABEL_CLASSIFICATION, LABEL_VALUE, LABEL_CLUSTER, LABEL_EXCLUSION, LABEL_SCHEDULE, LABEL_DOSE, LABEL_UNIT, LABEL_UNIT_ONE
} LabelKind;

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
    [STR_DO] = { "Doen", "Do" },
    [STR_CONSIDER] = { "Overweeg", "Consider" },
    [STR_PREFERABLY] = { "Bij voorkeur", "Preferably" },
    [STR_PREFERABLY_NOT] = { "Bij voorkeur niet", "Preferably not" },
    [STR_DO_NOT] = { "Niet doen", "Do not" },
};

static const char *const ACTION_WORDS[ACT__COUNT][2] = {
    [ACT_NONE] = { "Let op (de bron noemt geen actie)", "Note (the source names no action)" },
    [ACT_REFER_GP] = { "Verwijs naar de huisarts", "Refer to the GP" },
    [ACT_CONTACT_GP] = { "Neem contact op met de huisarts", "Contact the GP" },
    [ACT_ADVISE_PATIENT_CONTACT_GP] = { "Adviseer de patiënt contact op te nemen met de huisarts",
                                        "Advise the patient to contact the GP" },
    [ACT_REFER_BACK_SPECIALIST] = { "Verwijs terug naar de medisch specialist", "Refer back to the medical specialist" },
    [ACT_REFER_SPECIALIST_WITH_GP] = { "Verwijs in overleg met de huisarts naar de medisch specialist",
                                       "Refer to a medical specialist in consultation with the GP" },
    [ACT_ASSESS] = { "Beoordelen (weeg met de andere kenmerken)", "Assess (weigh with the other features)" },
};

/* The moments of measurement, in the order of their bits (MOMENT_INTAKE ...). */
static const char *const MOMENT_WORDS[3][2] = {
    { "intake", "intake" }, { "tussenevaluatie", "interim evaluation" }, { "afsluiting", "discharge" },
};
static const char *const MOMENT_IDS[3] = { "intake", "interim", "discharge" };

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

/* An id as words: its label, else the id with spaces for '_'. */
static void put_label(const Report *r, LabelKind kind, const char *id)
{
    const char *l = label_of(kind, id, r->en);
    if (l) {
        buf_puts(r->b, l);
        return;
    }
    for (const char *c = id; *c; c++)
        buf_putc(r->b, *c == '_' ? ' ' : *c);
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

/* A reason: the fact in words, with its value where the words alone do not
 * say it (a false finding, a number, a classification's value). */
static void put_fact_with_value(const Report *r, uint32_t f)
{
    const GdlFact *fact = &r->p->facts[f];
    const GdlValue *v = &r->vm->facts[f];
    put_fact_name(r, f);
    if (fact->kind == FK_CLASSIFY) {
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

/* Writes text (len bytes) wrapped at WRAP_WIDTH columns: the first line
 * after `first`, the others after `next`. Columns count UTF-8 characters. */
static void put_wrapped(ByteBuf *b, const char *text, size_t len, const char *first, const char *next)
{
    buf_puts(b, first);
    size_t col = strlen(first), i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] == ' ')
            j++;
        size_t k = j, width = 0;
        while (k < len && text[k] != ' ') {
            width += ((unsigned char)text[k] & 0xC0) != 0x80;
            k++;
        }
        if (col > strlen(next) && col + (j - i) + width > WRAP_WIDTH) {
            buf_putc(b, '\n');
            buf_puts(b, next);
            col = strlen(next);
        } else {
            buf_put(b, text + i, j - i);
            col += j - i;
        }
        buf_put(b, text + j, k - j);
        col += width;
        i = k;
    }
    buf_putc(b, '\n');
}

/* ---- header ----------------------------------------------------------- */

static void put_header(Report *r)
{
    const GdlMeta *m = &r->p->meta;
    if (strcmp(S(r, m->title), S(r, m->id)) == 0)
        buf_printf(r->b, "%s %s\n", S(r, m->id), S(r, m->version));
    else
        buf_printf(r->b, "%s (%s %s)\n", S(r, m->title), S(r, m->id), S(r, m->version));
    buf_printf(r->b, "%s: %s", L(r, "Casus", "Case"), gdl_case_id(r->vm, "-"));
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
    for (int k = 0; moment && k < 3; k++)
        if (strcmp(moment, MOMENT_IDS[k]) == 0)
            buf_printf(r->b, " · %s", MOMENT_WORDS[k][r->en]);
    buf_putc(r->b, '\n');
}

static void put_errors(const Report *r, const GdlCaseErrors *errs)
{
    buf_printf(r->b, "\n%s\n", L(r, "De casus kon niet worden beoordeeld:", "The case could not be evaluated:"));
    for (uint32_t i = 0; i < errs->count; i++) {
        const GdlCaseError *e = &errs->items[i];
        if (e->has_field)
            buf_printf(r->b, "  %s: %s\n", e->field, e->message);
        else if (e->line == 0)      /* the file as a whole: too large, blank line */
            buf_printf(r->b, "  %s\n", e->message);
        else
            buf_printf(r->b, "  %u:%u: %s\n", e->line, e->col, e->message);
    }
    if (errs->truncated)    /* as in the JSON result */
        buf_printf(r->b, "  %s\n", L(r, "(meer fouten niet getoond)", "(more errors not shown)"));
}

/* The fired outcomes of one kind, under a heading when there are any. */
static uint32_t fired_under(const Report *r, OutcomeKind kind, const char *nl, const char *en, uint16_t **list)
{
    uint32_t n = advice_fired(r->vm, kind, list);
    if (n)
        buf_printf(r->b, "\n%s\n", L(r, nl, en));
    return n;
}

/* ---- 1. red flags and referrals --------------------------------------- */

static void put_red_flags(const Report *r)
{
    uint16_t *list;
    uint32_t n = fired_under(r, OK_RED_FLAG, "RODE VLAGGEN", "RED FLAGS", &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        buf_printf(r->b, "  %s%s%s — ", o->urgent ? "!! " : " ! ", o->urgent ? L(r, "SPOED: ", "URGENT: ") : "",
                   ACTION_WORDS[o->action][r->en]);
        put_label(r, LABEL_CLUSTER, S(r, o->cluster));
        buf_puts(r->b, ": ");
        uint16_t finding = find_input(r->p, S(r, o->id));
        if (finding != GDL_NONE)    /* one finding, named as the flag */
            put_fact_name(r, finding);
        else if (!put_reasons(r, o->cond, ""))
            put_label(r, LABEL_VALUE, S(r, o->id));
        put_section(r, o->section);
        put_id(r, "red_flag", S(r, o->id));
        buf_putc(r->b, '\n');
    }
    n = fired_under(r, OK_REFERRAL, "VERWIJZING", "REFERRAL", &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        buf_printf(r->b, "  %s%s%s", o->urgent ? "!! " : " > ", o->urgent ? L(r, "SPOED: ", "URGENT: ") : "",
                   ACTION_WORDS[o->action][r->en]);
        put_because(r, o->cond);
        put_section(r, o->section);
        put_id(r, "referral", S(r, o->id));
        buf_putc(r->b, '\n');
    }
}

/* ---- 2. scope and classifications ------------------------------------- */

/* A classification: name, value, reasons, section. */
static void put_classification(const Report *r, uint32_t f)
{
    put_fact_name(r, f);
    buf_puts(r->b, ": ");
    put_classification_value(r, f);
    if (r->vm->facts[f].tag == VT_NUM)
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
    buf_printf(r->b, "\n%s: %s\n", L(r, "Binnen de richtlijn", "In scope"),
               scope < 0 ? undecided : scope ? L(r, "ja", "yes") : L(r, "nee", "no"));
    uint16_t *list;
    uint32_t n = advice_fired(r->vm, OK_EXCLUSION, &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        buf_puts(r->b, L(r, "  uitgesloten: ", "  excluded: "));
        uint16_t input = find_input(r->p, S(r, o->id));
        if (input != GDL_NONE)
            put_fact_name(r, input);
        else
            put_label(r, LABEL_EXCLUSION, S(r, o->id));
        put_because(r, o->cond);
        put_section(r, o->section);
        put_id(r, "exclusion", S(r, o->id));
        buf_putc(r->b, '\n');
    }
    /* In the summary the classifications without a reason of their own
     * (undecided, or decided by the gates alone) share one line. */
    ByteBuf plain = { 0 };
    bool any = false;
    uint32_t nplain = 0;
    for (uint32_t k = 0; k < r->vm->advice->nclassifications; k++) {
        uint32_t f = r->vm->advice->classifications[k];
        if (!advice_classification_applies(r->vm, f))
            continue;
        if (!any)
            buf_printf(r->b, "\n%s\n", L(r, "Classificatie", "Classification"));
        any = true;
        bool decided = r->vm->facts[f].tag == VT_NUM;
        if (!r->full && (!decided || is_generic(r, f))) {
            ByteBuf *keep = r->b;
            r->b = &plain;
            buf_puts(&plain, nplain++ ? "; " : "");
            put_classification(r, f);
            r->b = keep;
            continue;
        }
        buf_puts(r->b, "  ");
        put_classification(r, f);
        buf_putc(r->b, '\n');
    }
    if (nplain)
        put_wrapped(r->b, plain.failed ? "" : (const char *)plain.data, plain.failed ? 0 : plain.len, "  ", "    ");
    buf_free(&plain);
}

/* ---- 3, 4. advice ----------------------------------------------------- */

/* The dose in words: each key's label and value; strings only in English,
 * the language the guidelines write them in (in Dutch the advice text
 * carries the dose). */
static void put_dose(const Report *r, const GdlOutcome *o)
{
    if (o->dose == GDL_NONE)
        return;
    const char *text = S(r, o->dose);
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
        if (x->kind != JSON_NUMBER && !(x->kind == JSON_STRING && r->en))
            continue;
        buf_puts(r->b, first ? L(r, " — dosering: ", " — dose: ") : "; ");
        first = false;
        put_label(r, LABEL_DOSE, mb->key);
        buf_putc(r->b, ' ');
        if (x->kind == JSON_NUMBER)
            buf_json_number(r->b, x->as.number.value);
        else
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
    const char *t = S(r, advice_text_for(o, r->en));
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
    return s == STR_DO_NOT || s == STR_PREFERABLY_NOT;
}

/* One advice line. */
static void put_advice_item(const Report *r, const GdlOutcome *o)
{
    buf_printf(r->b, "  %s:", STRENGTH_WORDS[o->strength][r->en]);
    put_section(r, o->section);
    buf_putc(r->b, ' ');
    put_advice_text(r, o);
    if (r->full)
        put_dose(r, o);
    put_because(r, o->cond);
    put_id(r, "advice", S(r, o->id));
    buf_putc(r->b, '\n');
}

/* What to do (negative false) or not to do. In full: every item, in the
 * advice format's order. In the summary: the items specific to this case,
 * strongest first ("Doen" before "Bij voorkeur" before "Overweeg"), at most
 * SUMMARY_ADVICE_MAX, then one line counting the rest. */
static void put_advice(const Report *r, bool negative)
{
    static const uint8_t BY_FORCE[] = { STR_DO, STR_DO_NOT, STR_PREFERABLY, STR_PREFERABLY_NOT, STR_CONSIDER };
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
    buf_printf(r->b, "\n%s\n", negative ? L(r, "Niet doen", "Do not") : L(r, "Nu doen", "To do now"));
    for (size_t k = 0; k < (r->full ? 1 : sizeof BY_FORCE); k++)
        for (uint32_t i = 0; i < n; i++) {
            const GdlOutcome *o = &r->p->outcomes[list[i]];
            if (strength_is_negative(o->strength) != negative)
                continue;
            if (!r->full && (o->strength != BY_FORCE[k] || is_generic(r, o->cond) || shown == SUMMARY_ADVICE_MAX))
                continue;
            put_advice_item(r, o);
            shown++;
        }
    if (shown == total)
        return;
    uint32_t specific = total - generic - shown;
    if (specific)
        buf_printf(r->b, r->en ? "  + %u more specific and %u general recommendations, see --detail full\n"
                               : "  + %u andere specifieke en %u algemene aanbevelingen, zie --detail full\n",
                   specific, generic);
    else
        buf_printf(r->b, r->en ? "  + %u general recommendation%s, see --detail full\n"
                               : "  + %u algemene aanbeveling%s, zie --detail full\n",
                   generic, generic == 1 ? "" : (r->en ? "s" : "en"));
}

/* ---- 5, 6. planning and measurement ----------------------------------- */

static void put_schedule(const Report *r)
{
    uint16_t *list;
    uint32_t n = fired_under(r, OK_SCHEDULE, "Planning", "Schedule", &list);
    for (uint32_t i = 0; i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        int32_t day;
        bool dated = advice_schedule_day(r->vm, o, &day);
        char date[11] = "----------";
        if (dated)
            gdl_date_format(day, date);
        buf_printf(r->b, "  %s  ", date);
        put_label(r, LABEL_SCHEDULE, S(r, o->id));
        bool days = o->after_unit == AFTER_DAYS;
        buf_printf(r->b, " (%s %u %s)", L(r, "na", "after"), o->after,
                   days ? L(r, o->after == 1 ? "dag" : "dagen", o->after == 1 ? "day" : "days")
                        : L(r, o->after == 1 ? "week" : "weken", o->after == 1 ? "week" : "weeks"));
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
        buf_putc(r->b, '\n');
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
    for (int k = 0; k < 3; k++)
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
    uint32_t n = fired_under(r, OK_MEASUREMENT, "Meten", "Measure", &list);
    for (uint32_t i = 0; r->full && i < n; i++) {
        const GdlOutcome *o = &r->p->outcomes[list[i]];
        buf_puts(r->b, "  ");
        put_instrument(r, S(r, o->id));
        buf_puts(r->b, L(r, " — bij ", " — at "));
        put_moments(r, o->moments);
        put_section(r, o->section);
        put_id(r, "measurement", S(r, o->id));
        buf_putc(r->b, '\n');
    }
    for (uint8_t moments = 1; !r->full && moments <= MOMENT__ALL; moments++) {
        ByteBuf line = { 0 }, head = { 0 };
        ByteBuf *keep = r->b;   /* the instruments go to the line to wrap */
        r->b = &line;
        uint32_t count = 0;
        for (uint32_t i = 0; i < n; i++) {
            const GdlOutcome *o = &r->p->outcomes[list[i]];
            if (o->moments != moments)
                continue;
            buf_puts(&line, count++ ? "; " : "");
            put_instrument(r, S(r, o->id));
            put_section(r, o->section);
            put_id(r, "measurement", S(r, o->id));
        }
        r->b = &head;
        buf_puts(&head, L(r, "  bij ", "  at "));
        put_moments(r, moments);
        buf_puts(&head, ": ");
        buf_putc(&head, '\0');
        r->b = keep;
        if (count && !head.failed)
            put_wrapped(r->b, line.failed ? "" : (const char *)line.data, line.failed ? 0 : line.len,
                        (const char *)head.data, "    ");
        buf_free(&line);
        buf_free(&head);
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
    bool heading = false;
    for (int g = 0; g < GROUP__COUNT; g++) {
        ByteBuf line = { 0 };
        uint32_t shown = 0, more = 0;
        for (uint32_t k = 0; k < m->nfields; k++) {
            if (group_of_field(m, k) != g)
                continue;
            if (!r->full && g >= GROUP_CLASSIFICATION && (shown == SUMMARY_MISSING_MAX || out_of_scope)) {
                more++;
                continue;
            }
            ByteBuf *keep = r->b;   /* the field names go to the line to wrap */
            r->b = &line;
            buf_puts(&line, shown++ ? "; " : "");
            put_fact_name(r, m->fields[k]);
            if (r->full) {
                buf_puts(&line, " (");
                put_conclusion_counts(r, m, m->needed + m->needed_off[k], m->needed_off[k + 1] - m->needed_off[k]);
                buf_putc(&line, ')');
            }
            r->b = keep;
        }
        if (more && shown)
            buf_printf(&line, r->en ? " and %u more, see --detail full" : " en %u andere, zie --detail full", more);
        else if (more)
            buf_printf(&line, r->en ? "%u finding%s, see --detail full" : "%u bevinding%s, zie --detail full", more,
                       more == 1 ? "" : (r->en ? "s" : "en"));
        if (shown || more) {
            if (!heading)
                buf_printf(r->b, "\n%s\n", L(r, "Ontbreekt (kan het advies veranderen)", "Missing (could change the advice)"));
            heading = true;
            char first[160];
            snprintf(first, sizeof first, "  %s: ", GROUP_HEADINGS[g][r->en]);
            put_wrapped(r->b, line.failed ? "" : (const char *)line.data, line.failed ? 0 : line.len, first, "    ");
        }
        buf_free(&line);
        for (uint32_t k = 0; r->ids && k < m->nfields; k++) {
            if (group_of_field(m, k) != g)
                continue;
            buf_printf(r->b, "    {%s: ", S(r, r->p->facts[m->fields[k]].name));
            advice_put_needed_for(r->b, r->vm, m, k, " ", false);
            buf_puts(r->b, "}\n");
        }
    }
    if (m->reason_off[GDL_WHY__COUNT])
        buf_printf(r->b, "\n%s\n", L(r, "Onbeslist, en geen bevinding beslist het", "Undecided, and no finding would decide it"));
    for (uint32_t k = 0; k < GDL_WHY__COUNT; k++) {
        uint32_t from = m->reason_off[k], count = m->reason_off[k + 1] - from;
        if (!count)
            continue;
        buf_printf(r->b, "  %s: ", gdl_unknown_reason_text(gdl_unknown_reason_order()[k], r->en));
        put_conclusion_counts(r, m, m->by_reason + from, count);
        if (r->ids) {
            buf_puts(r->b, " {");
            advice_put_conclusions(r->b, r->vm, m, m->by_reason + from, count, " ", false);
            buf_putc(r->b, '}');
        }
        buf_putc(r->b, '\n');
    }
}

void gdl_report_text(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out)
{
    Report r = { .vm = vm, .p = vm->p, .b = out, .en = strcmp(opt->lang, "en") == 0, .full = opt->detail_full,
                 .ids = opt->ids };
    put_header(&r);
    if (errs && errs->count) {
        put_errors(&r, errs);
        return;
    }
    Missing miss = advice_find_missing(vm);
    put_red_flags(&r);
    put_scope(&r, &miss);
    put_advice(&r, false);
    put_advice(&r, true);
    put_schedule(&r);
    put_measurements(&r);
    put_missing(&r, &miss);
}
