/* advice.c - formats an evaluated case: the advice JSON with keys in the
 * contract's order and arrays sorted as it says (so output is byte-for-byte
 * reproducible), the text rendering, and the "missing" list computed from
 * the provenance of every undecided conclusion. */
#include "advice.h"

#include <stdio.h>
#include <string.h>

#include "advice_prep.h"
#include "advice_query.h"
#include "date.h"

/* ---- small helpers --------------------------------------------------- */

int gdl_fact_truth(const GdlVm *vm, uint32_t fact)
{
    const GdlValue *v = &vm->facts[fact];
    return v->tag == VT_UNKNOWN ? -1 : gdl_is_true(v);
}

static const char *S(const GdlVm *vm, uint16_t s)
{
    return s == GDL_NONE ? "" : gdl_str(vm->p, s);
}

/* A program string as JSON: copied, escaped once per program in advice_prep.c. */
static void put_str(ByteBuf *b, const GdlVm *vm, uint16_t s)
{
    advice_put_json_str(b, vm->p, vm->advice, s);
}

/* ---- "because" and "missing" ----------------------------------------- */

static void put_because(ByteBuf *b, const GdlVm *vm, uint32_t fact)
{
    const uint64_t *d = gdl_fact_deps(vm, fact);
    buf_putc(b, '[');
    /* a classification from its table's 'otherwise' row says so ('otherwise'
     * is a keyword, so no field or fact has that name) */
    bool otherwise = vm->p->facts[fact].kind == FK_CLASSIFY && vm->facts[fact].tag == VT_NUM
                  && (vm->facts[fact].len & GDL_FROM_OTHERWISE);
    if (otherwise)
        buf_puts(b, "\"otherwise\"");
    bool first = !otherwise;
    FOR_EACH_BIT(d, vm->words, bit) {
        if (bit >= vm->p->ndep_bits)
            continue;   /* never set in a verified run; FOR_EACH_BIT cannot break */
        if (!first)
            buf_puts(b, ", ");
        first = false;
        put_str(b, vm, vm->p->facts[vm->dep_fact[bit]].name);
    }
    buf_putc(b, ']');
}

/* A classification declared with 'when' is left out of the result where
 * that condition is known to be false (e.g. tissue reactivity without LRS). */
bool advice_classification_applies(const GdlVm *vm, uint32_t f)
{
    uint16_t a = vm->p->facts[f].applies;
    return a == GDL_NONE || gdl_fact_truth(vm, a) != 0;
}

/* The reasons of the open conclusions no absent input explains. */
static bool find_unexplained(GdlVm *vm, Missing *m, const uint32_t *field_of)
{
    const GdlProgram *p = vm->p;
    uint32_t *why = arena_alloc(&vm->case_arena, sizeof(uint32_t) * (m->nopen + 1));   /* 0: explained */
    m->by_reason = arena_alloc(&vm->case_arena, sizeof(uint16_t) * (GDL_WHY__COUNT * m->nopen + 1));
    if (!why || !m->by_reason)
        return false;
    for (uint32_t i = 0; i < m->nopen; i++) {
        const uint64_t *d = gdl_fact_deps(vm, m->open[i]->fact);
        bool explained = false;
        FOR_EACH_BIT(d, vm->words, bit)
            explained |= bit < p->ndep_bits && field_of[bit] != 0;
        why[i] = explained ? 0 : vm->facts[m->open[i]->fact].len;
        if (!explained && why[i] == 0)      /* never dropped, even without a reason */
            why[i] = GDL_WHY_BIT(GDL_WHY_OTHER);
    }
    const uint8_t *order = gdl_unknown_reason_order();
    uint32_t n = 0;
    for (uint32_t k = 0; k < GDL_WHY__COUNT; k++) {
        m->reason_off[k] = n;
        for (uint32_t i = 0; i < m->nopen; i++)
            if (why[i] & GDL_WHY_BIT(order[k]))
                m->by_reason[n++] = (uint16_t)i;
    }
    m->reason_off[GDL_WHY__COUNT] = n;
    return true;
}

Missing advice_find_missing(const GdlVm *cvm)
{
    GdlVm *vm = (GdlVm *)cvm;   /* only the case arena is written */
    const GdlProgram *p = vm->p;
    const AdviceTables *t = vm->advice;
    Arena *a = &vm->case_arena;
    Missing m = { 0 };
    uint64_t *all = arena_zalloc(a, sizeof(uint64_t) * vm->words);
    m.open = arena_alloc(a, sizeof(Conclusion *) * (t->nconclusions + 1));
    if (!all || !m.open)
        return (Missing){ 0 };
    for (uint32_t i = 0; i < t->nconclusions; i++) {
        const Conclusion *c = &t->conclusions[i];
        if (vm->facts[c->fact].tag != VT_UNKNOWN)
            continue;
        if (c->rank == RANK_CLASSIFICATION && !advice_classification_applies(vm, c->fact))
            continue;   /* left out of the result, so nothing is missing for it */
        m.open[m.nopen++] = c;
        const uint64_t *d = gdl_fact_deps(vm, c->fact);
        for (uint32_t w = 0; w < vm->words; w++)
            all[w] |= d[w];
    }
    if (!m.nopen)
        return m;
    m.fields = arena_alloc(a, sizeof(uint16_t) * (p->ninputs + 1));
    /* field_of[bit]: the field's position + 1, for the bits of missing fields */
    uint32_t *field_of = arena_zalloc(a, sizeof(uint32_t) * (p->ndep_bits + 1));
    if (!m.fields || !field_of)
        return (Missing){ 0 };
    /* Name order: mark each missing field's rank, then read the marks in order. */
    uint32_t rank_words = (p->ninputs + 63) / 64;
    uint64_t *by_rank = arena_zalloc(a, sizeof(uint64_t) * (rank_words + 1));
    if (!by_rank)
        return (Missing){ 0 };
    FOR_EACH_BIT(all, vm->words, bit) {
        if (bit >= p->ndep_bits)
            continue;
        uint16_t f = vm->dep_fact[bit];
        if (f < p->ninputs && vm->facts[f].tag == VT_UNKNOWN)    /* absent, so missing */
            by_rank[vm->input_rank[f] >> 6] |= 1ull << (vm->input_rank[f] & 63);
    }
    FOR_EACH_BIT(by_rank, rank_words, rank)
        m.fields[m.nfields++] = vm->input_order[rank];
    for (uint32_t k = 0; k < m.nfields; k++)
        field_of[p->facts[m.fields[k]].dep_bit] = k + 1;
    /* Each open conclusion goes to the lists of the missing fields it waits
     * for: count (list k's size at k + 2), add up (its start at k + 1), then
     * place, so each list keeps the order of open. */
    m.needed_off = arena_zalloc(a, sizeof(uint32_t) * (m.nfields + 2));
    if (!m.needed_off)
        return (Missing){ 0 };
    uint32_t total = 0;
    for (uint32_t i = 0; i < m.nopen; i++) {
        const uint64_t *d = gdl_fact_deps(vm, m.open[i]->fact);
        FOR_EACH_BIT(d, vm->words, bit)
            if (bit < p->ndep_bits && field_of[bit]) {
                m.needed_off[field_of[bit] + 1]++;
                total++;
            }
    }
    for (uint32_t k = 0; k < m.nfields; k++)
        m.needed_off[k + 2] += m.needed_off[k + 1];
    m.needed = arena_alloc(a, sizeof(uint16_t) * (total + 1));
    if (!m.needed)
        return (Missing){ 0 };
    for (uint32_t i = 0; i < m.nopen; i++) {
        const uint64_t *d = gdl_fact_deps(vm, m.open[i]->fact);
        FOR_EACH_BIT(d, vm->words, bit)
            if (bit < p->ndep_bits && field_of[bit])
                m.needed[m.needed_off[field_of[bit]]++] = (uint16_t)i;
    }
    /* placing moved needed_off[k + 1] from list k's start to its end */
    if (!find_unexplained(vm, &m, field_of))
        return (Missing){ 0 };
    return m;
}

/* The conclusions open[idx[0 .. n)] (one missing field's, or one
 * reason's), each once: as JSON string literals separated by sep, or (json
 * false) as plain words. */
void advice_put_conclusions(ByteBuf *b, const GdlVm *vm, const Missing *m, const uint16_t *idx, uint32_t count,
                            const char *sep, bool json)
{
    const AdviceTables *t = vm->advice;
    const Conclusion *last = NULL;
    bool first = true;
    for (uint32_t n = 0; n < count; n++) {
        const Conclusion *c = m->open[idx[n]];
        if (last && last->rank == c->rank && last->id == c->id)
            continue;   /* one id under two strengths or sections */
        last = c;
        if (!first)
            buf_puts(b, sep);
        first = false;
        if (json) {
            buf_put(b, t->label_text + c->label, c->label_len);
        } else {
            buf_puts(b, ADVICE_RANK_NAMES[c->rank]);
            if (c->id != GDL_NONE) {
                buf_putc(b, ':');
                buf_puts(b, S(vm, c->id));
            }
        }
    }
}

bool advice_scope_waits_for_findings(const Missing *m)
{
    for (uint32_t k = 0; k < m->nfields; k++)
        for (uint32_t n = m->needed_off[k]; n < m->needed_off[k + 1]; n++)
            if (m->open[m->needed[n]]->rank == RANK_SCOPE)
                return true;
    return false;
}

void advice_put_needed_for(ByteBuf *b, const GdlVm *vm, const Missing *m, uint32_t k, const char *sep, bool json)
{
    advice_put_conclusions(b, vm, m, m->needed + m->needed_off[k], m->needed_off[k + 1] - m->needed_off[k], sep, json);
}

bool gdl_field_missing(const GdlVm *vm, const char *field)
{
    Missing m = advice_find_missing(vm);
    for (uint32_t i = 0; i < m.nfields; i++)
        if (strcmp(S(vm, vm->p->facts[m.fields[i]].name), field) == 0)
            return true;
    return false;
}

bool gdl_outcome_fired(const GdlVm *vm, OutcomeKind kind, const char *id, const char *strength)
{
    const GdlProgram *p = vm->p;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        if (o->kind != kind || strcmp(S(vm, o->id), id) != 0)
            continue;
        if (strength && strcmp(gdl_strength_name((GdlStrength)o->strength), strength) != 0)
            continue;
        if (gdl_fact_truth(vm, o->cond) == 1)
            return true;
    }
    return false;
}

/* ---- the fired outcomes, in output order ------------------------------ */

static void sort_schedule(const GdlVm *vm, uint16_t *list, uint32_t n);

/* Indices of the fired outcomes of one kind, in output order. */
uint32_t advice_fired(const GdlVm *cvm, OutcomeKind kind, uint16_t **out)
{
    GdlVm *vm = (GdlVm *)cvm;
    const AdviceTables *t = vm->advice;
    const uint16_t *group = t->by_kind + t->kind_first[kind];
    uint16_t *list = arena_alloc(&vm->case_arena, sizeof(uint16_t) * (t->kind_count[kind] + 1));
    uint32_t n = 0;
    for (uint32_t i = 0; list && i < t->kind_count[kind]; i++)
        if (gdl_fact_truth(vm, vm->p->outcomes[group[i]].cond) == 1)
            list[n++] = group[i];
    if (kind == OK_SCHEDULE)
        sort_schedule(vm, list, n);
    *out = list;
    return list ? n : 0;
}

/* The day a schedule item falls on: its start date plus `after`. False
 * when it has none: no start date, or a day that has no date to print
 * (before 0001-01-01 or after 9999-12-31; "on" is then null, decision 5). */
bool advice_schedule_day(const GdlVm *vm, const GdlOutcome *o, int32_t *day)
{
    if (o->from == GDL_NONE || vm->facts[o->from].tag != VT_NUM)
        return false;
    double start = vm->facts[o->from].as.num;
    uint32_t after = vm->advice->after[o - vm->p->outcomes];
    unsigned per = gdl_after_unit_days(o->after_unit);
    if (per == 0)       /* calendar months: 01-31 + 1 month = 02-28 */
        return start >= GDL_DAY_FIRST && start <= GDL_DAY_LAST && gdl_date_add_months((int32_t)start, after, day);
    double d = start + (double)after * per;
    if (!(d >= GDL_DAY_FIRST && d <= GDL_DAY_LAST))     /* also NaN, from crafted bytecode */
        return false;
    *day = (int32_t)d;
    return true;
}

static bool schedule_date(const GdlVm *vm, const GdlOutcome *o, char date[11])
{
    int32_t day;
    if (!advice_schedule_day(vm, o, &day))
        return false;
    gdl_date_format(day, date);
    return true;
}

/* The schedule in time order (decision 3): by the day each item falls on,
 * undated ones last; ties keep the program's order (after, then id). */
static void sort_schedule(const GdlVm *vm, uint16_t *list, uint32_t n)
{
    int64_t *key = arena_alloc(&((GdlVm *)vm)->case_arena, sizeof(int64_t) * (n + 1));
    if (!key)
        return;
    for (uint32_t i = 0; i < n; i++) {
        int32_t day;
        key[i] = advice_schedule_day(vm, &vm->p->outcomes[list[i]], &day) ? day : INT64_MAX;
    }
    for (uint32_t i = 1; i < n; i++) {      /* stable insertion sort: a schedule is short */
        uint16_t x = list[i];
        int64_t k = key[i];
        uint32_t j = i;
        while (j > 0 && key[j - 1] > k) {
            list[j] = list[j - 1];
            key[j] = key[j - 1];
            j--;
        }
        list[j] = x;
        key[j] = k;
    }
}

/* ---- JSON ------------------------------------------------------------ */

static void put_guideline(ByteBuf *b, const GdlVm *vm)
{
    const GdlMeta *m = &vm->p->meta;
    buf_puts(b, "{\"id\": ");
    put_str(b, vm, m->id);
    buf_puts(b, ", \"version\": ");
    put_str(b, vm, m->version);
    buf_puts(b, ", \"title\": ");
    put_str(b, vm, m->title);
    buf_putc(b, '}');
}

static void put_classification_value(ByteBuf *b, const GdlVm *vm, uint32_t f)
{
    const GdlFact *fact = &vm->p->facts[f];
    const GdlValue *v = &vm->facts[f];
    if (v->tag != VT_NUM)
        buf_puts(b, "null");
    else if (fact->type == GT_ENUM && v->as.num >= 0 && v->as.num < fact->sym_count)
        put_str(b, vm, vm->p->syms[fact->sym_first + (uint32_t)v->as.num]);
    else
        buf_json_number(b, v->as.num);
}


/* One fired outcome as the advice format's item for its kind: the parts
 * rendered once per program (advice_prep.c) around the one that varies. */
static void put_outcome(ByteBuf *b, const GdlVm *vm, uint32_t i, const char *lang)
{
    const AdviceTables *t = vm->advice;
    const GdlOutcome *o = &vm->p->outcomes[i];
    const uint32_t *off = t->item_off + ITEM__SEGMENTS * i;
    if (strcmp(lang, "nl") == 0 || strcmp(lang, "en") == 0) {  /* rendered once per program */
        uint32_t head = strcmp(lang, "en") == 0 ? ITEM_HEAD_EN : ITEM_HEAD_NL;
        buf_put(b, t->item_text + off[head], off[head + 1] - off[head]);
    } else {
        advice_put_item_head(b, vm->p, t, o, lang);
    }
    if (o->kind == OK_SCHEDULE) {
        char date[11];
        bool dated = schedule_date(vm, o, date);
        if (dated) {
            buf_putc(b, '"');
            buf_put(b, date, 10);
            buf_putc(b, '"');
        } else {
            buf_puts(b, "null");
        }
        if (gdl_after_unit_days(o->after_unit) == 0) {     /* the days those calendar months have here */
            int32_t day;
            buf_printf(b, ", \"%s\": ", gdl_after_unit_key(o->after_unit));
            if (dated && advice_schedule_day(vm, o, &day))
                buf_printf(b, "%d", day - (int32_t)vm->facts[o->from].as.num);
            else
                buf_puts(b, "null");
        }
    } else if (o->kind != OK_MEASUREMENT) {
        put_because(b, vm, o->cond);
    }
    buf_put(b, t->item_text + off[ITEM_TAIL], off[ITEM_TAIL + 1] - off[ITEM_TAIL]);
}

/* ", \"key\": [items]" for the fired outcomes of one kind (none when the case failed). */
static void put_outcomes(ByteBuf *b, const GdlVm *vm, bool failed, const AdviceOptions *opt, OutcomeKind kind,
                         const char *key)
{
    uint16_t *list;
    uint32_t n = failed ? 0 : advice_fired(vm, kind, &list);
    buf_puts(b, ", \"");
    buf_puts(b, key);
    buf_puts(b, "\": [");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ", ");
        put_outcome(b, vm, list[i], opt->lang);
    }
    buf_putc(b, ']');
}

static void json_result(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *b)
{
    const GdlProgram *p = vm->p;
    bool failed = errs && errs->count;
    buf_puts(b, "{\"case_id\": ");
    const char *id = gdl_case_id(vm, NULL);
    if (id)
        buf_json_string(b, id, strlen(id));
    else
        buf_puts(b, "null");
    buf_puts(b, ", \"guideline\": ");
    put_guideline(b, vm);
    buf_puts(b, failed ? ", \"status\": \"error\", \"errors\": [" : ", \"status\": \"ok\", \"errors\": [");
    for (uint32_t i = 0; failed && i < errs->count; i++) {
        const GdlCaseError *e = &errs->items[i];
        buf_puts(b, i ? ", {\"field\": " : "{\"field\": ");
        if (e->has_field)
            buf_json_string(b, e->field, strlen(e->field));
        else
            buf_puts(b, "null");
        buf_puts(b, ", \"message\": ");
        buf_json_string(b, e->message, strlen(e->message));
        if (opt->batch_line > 0)
            buf_printf(b, ", \"line\": %ld", opt->batch_line);
        else if (e->line)
            buf_printf(b, ", \"line\": %u", e->line);
        if (e->col && (!e->has_field || opt->batch_line <= 0))
            buf_printf(b, ", \"col\": %u", e->col);
        buf_putc(b, '}');
    }
    if (failed && errs->truncated)
        buf_puts(b, ", {\"field\": null, \"message\": \"more errors not shown\"}");
    buf_puts(b, "], \"in_scope\": ");
    int scope = (failed || p->in_scope_fact == GDL_NONE) ? -1 : gdl_fact_truth(vm, p->in_scope_fact);
    buf_puts(b, scope < 0 ? "null" : scope ? "true" : "false");

    put_outcomes(b, vm, failed, opt, OK_EXCLUSION, "exclusions");
    put_outcomes(b, vm, failed, opt, OK_RED_FLAG, "red_flags");
    buf_puts(b, ", \"classifications\": {");
    bool first = true;
    for (uint32_t i = 0; !failed && i < vm->advice->nclassifications; i++) {
        uint32_t f = vm->advice->classifications[i];
        if (!advice_classification_applies(vm, f))
            continue;
        if (!first)
            buf_puts(b, ", ");
        first = false;
        put_str(b, vm, p->facts[f].name);
        buf_puts(b, ": {\"value\": ");
        put_classification_value(b, vm, f);
        buf_puts(b, ", \"section\": ");
        put_str(b, vm, p->facts[f].section);
        buf_puts(b, ", \"because\": ");
        if (vm->facts[f].tag == VT_UNKNOWN)
            buf_puts(b, "[]");
        else
            put_because(b, vm, f);
        buf_putc(b, '}');
    }
    buf_putc(b, '}');
    put_outcomes(b, vm, failed, opt, OK_ADVICE, "advice");
    put_outcomes(b, vm, failed, opt, OK_REFERRAL, "referrals");
    put_outcomes(b, vm, failed, opt, OK_SCHEDULE, "schedule");
    put_outcomes(b, vm, failed, opt, OK_MEASUREMENT, "measurements");
    buf_puts(b, ", \"missing\": [");
    Missing m = failed ? (Missing){ 0 } : advice_find_missing(vm);
    for (uint32_t i = 0; i < m.nfields; i++) {
        buf_puts(b, i ? ", {\"field\": " : "{\"field\": ");
        put_str(b, vm, p->facts[m.fields[i]].name);
        buf_puts(b, ", \"needed_for\": [");
        advice_put_needed_for(b, vm, &m, i, ", ", true);
        buf_puts(b, "]}");
    }
    bool any = m.nfields > 0;
    for (uint32_t k = 0; k < GDL_WHY__COUNT; k++) {
        uint32_t from = m.reason_off[k], count = m.reason_off[k + 1] - from;
        if (!count)
            continue;
        buf_puts(b, any ? ", {\"field\": null, \"needed_for\": [" : "{\"field\": null, \"needed_for\": [");
        any = true;
        advice_put_conclusions(b, vm, &m, m.by_reason + from, count, ", ", true);
        buf_puts(b, "], \"reason\": ");
        const char *why = gdl_unknown_reason_text(gdl_unknown_reason_order()[k], true);
        buf_json_string(b, why, strlen(why));
        buf_putc(b, '}');
    }
    buf_puts(b, "]}\n");
}

/* The index of the ']' closing the array at s[open] when it holds no
 * object or array, else 0. */
static size_t flat_array_end(const uint8_t *s, size_t n, size_t open)
{
    bool in_str = false;
    for (size_t i = open + 1; i < n; i++) {
        if (in_str) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_str = false;
        } else if (s[i] == '"') {
            in_str = true;
        } else if (s[i] == '[' || s[i] == '{') {
            return 0;
        } else if (s[i] == ']') {
            return i;
        }
    }
    return 0;
}

/* Re-indents compact JSON (two spaces per level); strings are copied as is. */
static void pretty(const uint8_t *s, size_t n, ByteBuf *out)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = (char)s[i];
        if (in_str) {
            buf_putc(out, c);
            if (c == '\\' && i + 1 < n)
                buf_putc(out, (char)s[++i]);
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"': in_str = true; buf_putc(out, c); break;
        case '{': case '[': {
            size_t end = c == '[' ? flat_array_end(s, n, i) : 0;
            if (end) {      /* a list of scalars stays on one line */
                buf_put(out, s + i, end - i + 1);
                i = end;
                break;
            }
            if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
                buf_putc(out, c);
                buf_putc(out, (char)s[++i]);
                break;
            }
            buf_putc(out, c);
            depth++;
            buf_putc(out, '\n');
            for (int k = 0; k < depth; k++) buf_puts(out, "  ");
            break;
        }
        case '}': case ']':
            depth--;
            buf_putc(out, '\n');
            for (int k = 0; k < depth; k++) buf_puts(out, "  ");
            buf_putc(out, c);
            break;
        case ',':
            buf_putc(out, ',');
            buf_putc(out, '\n');
            for (int k = 0; k < depth; k++) buf_puts(out, "  ");
            if (i + 1 < n && s[i + 1] == ' ')
                i++;
            break;
        default: buf_putc(out, c);
        }
    }
}

void gdl_advice_write(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out)
{
    if (opt->format == ADVICE_TEXT) {
        size_t start = out->len;
        gdl_report_text(vm, errs, opt, out);
        /* Text goes to terminals: a control character from a case file (say
         * "\u001b[2J" in case_id) must not act, so it shows as '?'. */
        for (size_t i = start; !out->failed && i < out->len; i++)
            if ((out->data[i] < 0x20 && out->data[i] != '\n' && out->data[i] != '\t') || out->data[i] == 0x7f)
                out->data[i] = '?';
        return;
    }
    if (opt->format == ADVICE_HTML) {
        gdl_report_html(vm, errs, opt, out);
        return;
    }
    if (opt->format == ADVICE_JSON) {
        json_result(vm, errs, opt, out);
        return;
    }
    ByteBuf compact = { .mem = out->mem };
    if (opt->format == ADVICE_CDS)
        gdl_report_cds(vm, errs, opt, &compact);
    else
        json_result(vm, errs, opt, &compact);
    if (compact.len)
        pretty(compact.data, compact.len - 1, out);   /* without the final newline */
    buf_putc(out, '\n');
    buf_free(&compact);
}
