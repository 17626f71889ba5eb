/* advice_prep.c - tables the advice writer derives once per program, so that
 * writing a case's result copies and filters instead of escaping, sorting
 * and formatting: every string already as a JSON literal, the outcomes of
 * each kind in output order, and the conclusions in "missing" order. */
#include "advice_prep.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "buf.h"
#include "mem.h"
#include "param_render.h"

const char *const ADVICE_RANK_NAMES[RANK__COUNT] = { "scope", "exclusion", "red_flag", "referral", "classification",
                                                     "advice", "schedule", "measurement" };

/* Natural order of section numbers: "C.2.10" after "C.2.9". */
int advice_section_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            unsigned long x = 0, y = 0;
            while (*a >= '0' && *a <= '9') x = x * 10 + (unsigned long)(*a++ - '0');
            while (*b >= '0' && *b <= '9') y = y * 10 + (unsigned long)(*b++ - '0');
            if (x != y)
                return x < y ? -1 : 1;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

/* Hundredths of a day per unit of `after`, for the order: a calendar month
 * counts as the mean Gregorian month, 30.44 days (docs/language.md). */
static uint64_t after_hundredths(const GdlOutcome *o)
{
    unsigned days = gdl_after_unit_days(o->after_unit);
    return days ? 100u * days : 3044;
}

/* The advice format's order within one kind: red flags and referrals by
 * urgency then id, advice by section then id, schedule by time then id;
 * exclusions and measurements as declared. */
static int outcome_cmp(const GdlProgram *p, const AdviceTables *t, const GdlOutcome *x, const GdlOutcome *y)
{
    int c;
    switch (x->kind) {
    case OK_RED_FLAG:
    case OK_REFERRAL:
        if (x->urgent != y->urgent)
            return x->urgent ? -1 : 1;
        break;
    case OK_ADVICE:
        if ((c = advice_section_cmp(gdl_str(p, x->section), gdl_str(p, y->section))) != 0)
            return c;
        break;
    case OK_SCHEDULE: {
        uint64_t dx = (uint64_t)t->after[x - p->outcomes] * after_hundredths(x);
        uint64_t dy = (uint64_t)t->after[y - p->outcomes] * after_hundredths(y);
        if (dx != dy)
            return dx < dy ? -1 : 1;
        break;
    }
    default:
        return 0;
    }
    return strcmp(gdl_str(p, x->id), gdl_str(p, y->id));
}

static int rank_of(OutcomeKind k)
{
    switch (k) {
    case OK_EXCLUSION: return RANK_EXCLUSION;
    case OK_RED_FLAG: return RANK_RED_FLAG;
    case OK_REFERRAL: return RANK_REFERRAL;
    case OK_ADVICE: return RANK_ADVICE;
    case OK_SCHEDULE: return RANK_SCHEDULE;
    default: return RANK_MEASUREMENT;
    }
}

static int conclusion_cmp(const GdlProgram *p, const Conclusion *x, const Conclusion *y)
{
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->id == y->id)
        return 0;
    if (x->id == GDL_NONE || y->id == GDL_NONE)
        return x->id == GDL_NONE ? -1 : 1;
    return strcmp(gdl_str(p, x->id), gdl_str(p, y->id));
}

/* Stable insertion sorts: run once per program, on at most a few hundred items. */
static void sort_outcomes(const GdlProgram *p, const AdviceTables *t, uint16_t *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint16_t x = v[i];
        uint32_t j = i;
        while (j > 0 && outcome_cmp(p, t, &p->outcomes[v[j - 1]], &p->outcomes[x]) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void sort_conclusions(const GdlProgram *p, Conclusion *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        Conclusion x = v[i];
        uint32_t j = i;
        while (j > 0 && conclusion_cmp(p, &v[j - 1], &x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

void advice_put_json_str(ByteBuf *b, const GdlProgram *p, const AdviceTables *t, uint16_t s)
{
    if (s == GDL_NONE || s >= p->nstrings)
        buf_puts(b, "null");
    else
        buf_put(b, t->json + t->json_off[s], t->json_off[s + 1] - t->json_off[s]);
}

bool advice_next_language(const GdlProgram *p, uint32_t *at, char *code, size_t n)
{
    const char *list = p->meta.languages == GDL_NONE ? "" : gdl_str(p, p->meta.languages);
    size_t i = *at;
    while (list[i] == ',' || list[i] == ' ')
        i++;
    size_t len = strcspn(list + i, ", ");
    if (len == 0 || len >= n)
        return false;
    memcpy(code, list + i, len);
    code[len] = '\0';
    *at = (uint32_t)(i + len);
    return true;
}

static uint16_t text_in(const GdlProgram *p, const GdlOutcome *o, const char *lang)
{
    if (strcmp(lang, "nl") == 0)
        return o->text_nl;
    if (strcmp(lang, "en") == 0)
        return o->text_en;
    uint32_t i = (uint32_t)(o - p->outcomes);
    for (uint32_t k = 0; k < p->ntexts; k++)
        if (p->texts[k].outcome == i && strcmp(gdl_str(p, p->texts[k].lang), lang) == 0)
            return p->texts[k].text;
    return GDL_NONE;
}

uint16_t advice_text_for(const GdlProgram *p, const GdlOutcome *o, const char *lang)
{
    uint16_t t = text_in(p, o, lang);
    char first[16];
    uint32_t at = 0;
    if (t == GDL_NONE && advice_next_language(p, &at, first, sizeof first))
        t = text_in(p, o, first);
    return t != GDL_NONE ? t : (o->text_nl != GDL_NONE ? o->text_nl : o->text_en);
}

int gdl_language_check(const GdlProgram *p, const char *lang, char *err, size_t n)
{
    if (strcmp(lang, "nl") == 0 || strcmp(lang, "en") == 0)
        return 1;
    char code[16], list[160] = "";
    size_t len = 0;
    uint32_t at = 0;
    while (advice_next_language(p, &at, code, sizeof code)) {
        if (strcmp(code, lang) == 0)
            return 1;
        if (len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", code);
    }
    snprintf(err, n, "language '%.40s' is not one of the guideline's (language %s; nl and en are always accepted)", lang,
             len ? list : "none");
    return 0;
}

/* The advice format's item for outcome o up to the part that varies by
 * case: "because" for exclusions, red flags, referrals and advice, the
 * date for a schedule, nothing for a measurement. */
void advice_put_item_head(ByteBuf *b, const GdlProgram *p, const AdviceTables *t, const GdlOutcome *o, const char *lang)
{
    buf_puts(b, o->kind == OK_MEASUREMENT ? "{\"instrument\": " : "{\"id\": ");
    advice_put_json_str(b, p, t, o->id);
    switch ((OutcomeKind)o->kind) {
    case OK_RED_FLAG:
        buf_puts(b, ", \"cluster\": ");
        advice_put_json_str(b, p, t, o->cluster);
        /* fall through */
    case OK_REFERRAL:
        /* a red flag whose source names no action (`-> none`) has "action": null */
        if (o->action == ACT_NONE) {
            buf_puts(b, ", \"action\": null");
        } else {
            buf_puts(b, ", \"action\": \"");
            buf_puts(b, gdl_action_name((GdlAction)o->action));
            buf_putc(b, '"');
        }
        buf_puts(b, o->urgent ? ", \"urgent\": true" : ", \"urgent\": false");
        break;
    case OK_ADVICE:
        buf_puts(b, ", \"strength\": \"");
        buf_puts(b, gdl_strength_name((GdlStrength)o->strength));
        buf_putc(b, '"');
        break;
    case OK_SCHEDULE:
        buf_puts(b, ", \"on\": ");
        return;
    case OK_MEASUREMENT: {
        buf_puts(b, ", \"moments\": [");
        bool any = false;
        for (unsigned k = 0; k < MOMENT__COUNT; k++)
            if (o->moments & (1u << k)) {
                buf_puts(b, any ? ", \"" : "\"");
                buf_puts(b, gdl_moment_name(k));
                buf_putc(b, '"');
                any = true;
            }
        buf_putc(b, ']');
        break;
    }
    default:
        break;
    }
    buf_puts(b, ", \"section\": ");
    advice_put_json_str(b, p, t, o->section);
    if (o->kind == OK_ADVICE) {
        buf_puts(b, ", \"text\": ");
        advice_put_json_str(b, p, t, advice_text_for(p, o, lang));
    }
    if (o->kind != OK_MEASUREMENT)
        buf_puts(b, ", \"because\": ");
}

const char *advice_str(const AdviceTables *t, const GdlProgram *p, uint16_t s)
{
    return t->rendered[s] ? t->rendered[s] : gdl_str(p, s);
}

/* The rest of the item after the part that varies. */
static void put_item_tail(ByteBuf *b, const GdlProgram *p, const AdviceTables *t, const GdlOutcome *o)
{
    if (o->kind == OK_SCHEDULE && gdl_after_unit_days(o->after_unit)) {  /* calendar: after_days varies (advice.c) */
        buf_printf(b, ", \"%s\": ", gdl_after_unit_key(o->after_unit));
        buf_json_number(b, t->after[o - p->outcomes]);
    }
    if (o->kind == OK_SCHEDULE) {
        buf_puts(b, ", \"section\": ");
        advice_put_json_str(b, p, t, o->section);
    }
    if (o->kind == OK_ADVICE) {
        buf_puts(b, ", \"dose\": ");
        if (o->dose == GDL_NONE)
            buf_puts(b, "null");
        else
            buf_puts(b, advice_str(t, p, o->dose));     /* JSON already (verify.c, param_render.c) */
    }
    buf_putc(b, '}');
}

static int render_items(const GdlProgram *p, AdviceTables *t)
{
    ByteBuf items = { .mem = t->mem };
    t->item_off = mem_alloc(t->mem, sizeof(uint32_t) * (ITEM__SEGMENTS * p->noutcomes + 1));
    if (!t->item_off)
        return -1;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        uint32_t *off = t->item_off + ITEM__SEGMENTS * i;
        off[ITEM_HEAD_NL] = (uint32_t)items.len;
        advice_put_item_head(&items, p, t, o, "nl");
        off[ITEM_HEAD_EN] = (uint32_t)items.len;
        advice_put_item_head(&items, p, t, o, "en");
        off[ITEM_TAIL] = (uint32_t)items.len;
        put_item_tail(&items, p, t, o);
    }
    t->item_off[ITEM__SEGMENTS * p->noutcomes] = (uint32_t)items.len;
    t->item_text = (char *)items.data;
    return items.failed ? -1 : 0;
}

/* Renders every advice text and dose that names a parameter, and every
 * outcome's `after`, with the run's values. */
/* Program string s rendered with the run's parameters, when it names any
 * (a dose, or a text with unit words in English or Dutch). */
static int render_string(const GdlProgram *p, const GdlValue *params, AdviceTables *t, uint16_t s, bool dose, bool en)
{
    if (s == GDL_NONE || t->rendered[s]
        || !(dose ? param_dose_is_template(gdl_str(p, s)) : param_text_is_template(gdl_str(p, s))))
        return 0;
    ByteBuf out = { .mem = t->mem };
    if (dose)
        param_render_dose(&out, p, params, gdl_str(p, s));
    else
        param_render_text(&out, p, params, gdl_str(p, s), en);
    buf_putc(&out, '\0');
    if (out.failed) {
        buf_free(&out);
        return -1;
    }
    t->rendered[s] = (char *)out.data;
    return 0;
}

static int render_params(const GdlProgram *p, const GdlValue *params, AdviceTables *t)
{
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        t->after[i] = o->after_param != GDL_NONE && params ? (uint32_t)params[o->after_param].as.num : o->after;
        if (o->kind != OK_ADVICE || !params)
            continue;
        if (render_string(p, params, t, o->text_nl, false, false) != 0
            || render_string(p, params, t, o->text_en, false, true) != 0
            || render_string(p, params, t, o->dose, true, false) != 0)
            return -1;
    }
    for (uint32_t k = 0; params && k < p->ntexts; k++)     /* units in the English words (gdl_labels_en) */
        if (render_string(p, params, t, p->texts[k].text, false, true) != 0)
            return -1;
    return 0;
}

AdviceTables *advice_tables_new(const GdlProgram *p, const GdlValue *params, const GdlMem *mem)
{
    AdviceTables *t = mem_calloc(mem, 1, sizeof *t);
    if (!t)
        return NULL;
    t->mem = mem;
    ByteBuf json = { .mem = mem };
    t->rendered = mem_calloc(mem, p->nstrings + 1, sizeof(char *));
    t->nrendered = t->rendered ? p->nstrings : 0;
    t->after = mem_calloc(mem, p->noutcomes + 1, sizeof(uint32_t));
    if (!t->rendered || !t->after || render_params(p, params, t) != 0) {
        advice_tables_free(t);
        return NULL;
    }
    t->json_off = mem_alloc(mem, sizeof(uint32_t) * (p->nstrings + 1));
    t->by_kind = mem_alloc(mem, sizeof(uint16_t) * (p->noutcomes + 1));
    t->conclusions = mem_alloc(mem, sizeof(Conclusion) * (p->noutcomes + p->nfacts + 2));
    t->classifications = mem_alloc(mem, sizeof(uint16_t) * (p->nfacts + 1));
    if (!t->json_off || !t->by_kind || !t->conclusions || !t->classifications) {
        advice_tables_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < p->nstrings; i++) {
        t->json_off[i] = (uint32_t)json.len;
        if (t->rendered[i])
            buf_json_string(&json, t->rendered[i], strlen(t->rendered[i]));
        else
            buf_json_string(&json, p->strings[i], p->string_lens[i]);
    }
    t->json_off[p->nstrings] = (uint32_t)json.len;
    if (json.failed) {
        buf_free(&json);
        advice_tables_free(t);
        return NULL;
    }
    t->json = (char *)json.data;

    uint32_t n = 0;
    for (int k = OK_EXCLUSION; k < OK__COUNT; k++) {
        t->kind_first[k] = n;
        for (uint32_t i = 0; i < p->noutcomes; i++)
            if (p->outcomes[i].kind == k)
                t->by_kind[n++] = (uint16_t)i;
        t->kind_count[k] = n - t->kind_first[k];
        sort_outcomes(p, t, t->by_kind + t->kind_first[k], t->kind_count[k]);
    }

    n = 0;
    if (p->in_scope_fact != GDL_NONE)
        t->conclusions[n++] = (Conclusion){ p->in_scope_fact, RANK_SCOPE, GDL_NONE, 0, 0 };
    for (uint32_t i = 0; i < p->noutcomes; i++)
        t->conclusions[n++] = (Conclusion){ p->outcomes[i].cond, (uint8_t)rank_of((OutcomeKind)p->outcomes[i].kind),
                                            p->outcomes[i].id, 0, 0 };
    for (uint32_t f = p->ninputs; f < p->nfacts; f++)
        if (p->facts[f].kind == FK_CLASSIFY) {
            t->conclusions[n++] = (Conclusion){ (uint16_t)f, RANK_CLASSIFICATION, p->facts[f].name, 0, 0 };
            t->classifications[t->nclassifications++] = (uint16_t)f;
        }
    sort_conclusions(p, t->conclusions, n);
    t->nconclusions = n;

    ByteBuf labels = { .mem = mem };
    for (uint32_t i = 0; i < n; i++) {
        Conclusion *c = &t->conclusions[i];
        ByteBuf text = { .mem = mem };
        buf_puts(&text, ADVICE_RANK_NAMES[c->rank]);
        if (c->id != GDL_NONE) {
            buf_putc(&text, ':');
            buf_put(&text, p->strings[c->id], p->string_lens[c->id]);
        }
        c->label = (uint32_t)labels.len;
        buf_json_string(&labels, text.len ? (const char *)text.data : "", text.len);
        c->label_len = (uint32_t)labels.len - c->label;
        labels.failed |= text.failed;   /* else an empty label, silently */
        buf_free(&text);
    }
    if (labels.failed) {
        buf_free(&labels);
        advice_tables_free(t);
        return NULL;
    }
    t->label_text = (char *)labels.data;
    if (render_items(p, t) != 0) {
        advice_tables_free(t);
        return NULL;
    }
    return t;
}

void advice_tables_free(AdviceTables *t)
{
    if (!t)
        return;
    const GdlMem *mem = t->mem;
    mem_free(mem, t->json);
    mem_free(mem, t->json_off);
    mem_free(mem, t->by_kind);
    mem_free(mem, t->conclusions);
    mem_free(mem, t->label_text);
    mem_free(mem, t->item_text);
    mem_free(mem, t->item_off);
    mem_free(mem, t->classifications);
    if (t->rendered)
        for (uint32_t i = 0; i < t->nrendered; i++)
            mem_free(mem, t->rendered[i]);
    mem_free(mem, t->rendered);
    mem_free(mem, t->after);
    mem_free(mem, t);
}
