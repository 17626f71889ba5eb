/* outputs.c - the output keys of several programs and their values in one
 * evaluated case (see outputs.h); plus the line reading gdl diff and gdl
 * compare share. Printing is theirs. */
#include "outputs.h"

#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "advice_query.h"
#include "date.h"

/* Output order of the outcome kinds and classifications, as in a result. */
static unsigned key_rank(const OutputKey *k)
{
    static const unsigned KIND_RANK[OK__COUNT] = {
        [OK_EXCLUSION] = 2, [OK_RED_FLAG] = 3, [OK_ADVICE] = 5, [OK_REFERRAL] = 6,
        [OK_SCHEDULE] = 7, [OK_MEASUREMENT] = 8,
    };
    switch ((OutputWhat)k->what) {
    case OUT_STATUS: return 0;
    case OUT_IN_SCOPE: return 1;
    case OUT_CLASSIFICATION: return 4;
    case OUT_OUTCOME: break;
    }
    return k->kind < OK__COUNT ? KIND_RANK[k->kind] : 9;
}

static int key_cmp(const void *x, const void *y)
{
    const OutputKey *a = x, *b = y;
    unsigned ra = key_rank(a), rb = key_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(a->key, b->key);
}

static bool add_key(OutputKeys *k, uint32_t cap, OutputWhat what, uint8_t kind, const char *prefix, const char *name)
{
    if (k->nkeys == cap)
        return true;
    size_t n = strlen(prefix) + strlen(name) + 2;
    char *s = malloc(n);
    if (!s)
        return false;
    snprintf(s, n, "%s%s%s", prefix, *prefix ? ":" : "", name);
    OutputKey *o = &k->keys[k->nkeys++];
    o->key = s;
    o->name = s + (*prefix ? strlen(prefix) + 1 : 0);
    o->what = (uint8_t)what;
    o->kind = kind;
    return true;
}

int outputs_collect(const GdlProgram *const *progs, uint32_t n, OutputKeys *out)
{
    uint32_t cap = 2;
    for (uint32_t i = 0; i < n; i++)
        cap += progs[i]->noutcomes + progs[i]->nfacts;
    out->nkeys = 0;
    out->keys = malloc(sizeof *out->keys * cap);
    if (!out->keys)
        return -1;
    bool ok = add_key(out, cap, OUT_STATUS, 0, "", "status") && add_key(out, cap, OUT_IN_SCOPE, 0, "", "in_scope");
    for (uint32_t i = 0; ok && i < n; i++) {
        const GdlProgram *p = progs[i];
        for (uint32_t j = 0; ok && j < p->noutcomes; j++)
            ok = add_key(out, cap, OUT_OUTCOME, p->outcomes[j].kind, gdl_outcome_kind_name((OutcomeKind)p->outcomes[j].kind),
                         gdl_str(p, p->outcomes[j].id));
        for (uint32_t f = 0; ok && f < p->nfacts; f++)
            if (p->facts[f].kind == FK_CLASSIFY)
                ok = add_key(out, cap, OUT_CLASSIFICATION, 0, "classification", gdl_str(p, p->facts[f].name));
    }
    if (!ok) {
        outputs_free(out);
        return -1;
    }
    qsort(out->keys, out->nkeys, sizeof *out->keys, key_cmp);
    uint32_t w = 0;
    for (uint32_t i = 0; i < out->nkeys; i++) {
        if (w && strcmp(out->keys[w - 1].key, out->keys[i].key) == 0)
            free(out->keys[i].key);
        else
            out->keys[w++] = out->keys[i];
    }
    out->nkeys = w;
    return 0;
}

void outputs_free(OutputKeys *k)
{
    for (uint32_t i = 0; k->keys && i < k->nkeys; i++)
        free(k->keys[i].key);
    free(k->keys);
    k->keys = NULL;
    k->nkeys = 0;
}

static bool key_is_outcome(const OutputKey *k, const GdlProgram *p, const GdlOutcome *o)
{
    return k->what == OUT_OUTCOME && k->kind == o->kind && strcmp(k->name, gdl_str(p, o->id)) == 0;
}

int outputs_map(const OutputKeys *k, const GdlProgram *p, OutputMap *m)
{
    size_t n = k->nkeys ? k->nkeys : 1;
    m->first = calloc(n, sizeof *m->first);
    m->count = calloc(n, sizeof *m->count);
    m->fact = malloc(n * sizeof *m->fact);
    m->outcomes = malloc((p->noutcomes + 1) * sizeof *m->outcomes);
    if (!m->first || !m->count || !m->fact || !m->outcomes) {
        outputs_map_free(m);
        return -1;
    }
    uint32_t used = 0;
    for (uint32_t i = 0; i < k->nkeys; i++) {
        const OutputKey *key = &k->keys[i];
        m->first[i] = used;
        m->fact[i] = GDL_NONE;
        for (uint32_t j = 0; j < p->noutcomes && used < p->noutcomes; j++)
            if (key_is_outcome(key, p, &p->outcomes[j]))
                m->outcomes[used++] = (uint16_t)j;
        m->count[i] = used - m->first[i];
        for (uint32_t f = 0; key->what == OUT_CLASSIFICATION && f < p->nfacts; f++)
            if (p->facts[f].kind == FK_CLASSIFY && strcmp(gdl_str(p, p->facts[f].name), key->name) == 0)
                m->fact[i] = (uint16_t)f;
    }
    return 0;
}

void outputs_map_free(OutputMap *m)
{
    free(m->first);
    free(m->count);
    free(m->fact);
    free(m->outcomes);
    memset(m, 0, sizeof *m);
}

static void append(char *buf, const char *word)
{
    size_t n = strlen(buf);
    snprintf(buf + n, OUTPUT_VALUE_MAX - n, "%s%s", n ? "," : "", word);
}

/* One outcome's word when it fires ("do", "on 2021-03-01", "yes") or is undecided. */
static void outcome_word(const GdlVm *vm, const GdlOutcome *o, int truth, char *w, size_t len)
{
    const char *strength = o->kind == OK_ADVICE ? gdl_strength_name((GdlStrength)o->strength) : NULL;
    if (truth < 0) {
        snprintf(w, len, "unknown%s%s", strength ? " " : "", strength ? strength : "");
        return;
    }
    int32_t day;
    char date[11];
    if (strength)
        snprintf(w, len, "%s", strength);
    else if (o->kind == OK_SCHEDULE && advice_schedule_day(vm, o, &day)) {
        gdl_date_format(day, date);
        snprintf(w, len, "on %s", date);
    } else
        snprintf(w, len, "yes");
}

void outputs_value(const GdlVm *vm, const OutputMap *m, const OutputKeys *k, uint32_t i, bool loaded,
                   char buf[OUTPUT_VALUE_MAX])
{
    const GdlProgram *p = vm->p;
    const OutputKey *key = &k->keys[i];
    buf[0] = '\0';
    if (key->what == OUT_STATUS) {
        snprintf(buf, OUTPUT_VALUE_MAX, "%s", loaded ? "ok" : "error");
        return;
    }
    if (!loaded) {
        snprintf(buf, OUTPUT_VALUE_MAX, "-");
        return;
    }
    if (key->what == OUT_IN_SCOPE) {
        int t = p->in_scope_fact == GDL_NONE ? -2 : gdl_fact_truth(vm, p->in_scope_fact);
        snprintf(buf, OUTPUT_VALUE_MAX, "%s", t == -2 ? "-" : t < 0 ? "unknown" : t ? "true" : "false");
        return;
    }
    if (key->what == OUT_CLASSIFICATION) {
        uint32_t f = m->fact[i];
        const GdlValue *v = f == GDL_NONE ? NULL : &vm->facts[f];
        if (!v)
            snprintf(buf, OUTPUT_VALUE_MAX, "-");
        else if (!advice_classification_applies(vm, f))
            snprintf(buf, OUTPUT_VALUE_MAX, "n/a");
        else if (v->tag != VT_NUM)
            snprintf(buf, OUTPUT_VALUE_MAX, "unknown");
        else if (p->facts[f].type == GT_ENUM && v->as.num >= 0 && v->as.num < p->facts[f].sym_count)
            snprintf(buf, OUTPUT_VALUE_MAX, "%s", gdl_str(p, p->syms[p->facts[f].sym_first + (uint32_t)v->as.num]));
        else
            snprintf(buf, OUTPUT_VALUE_MAX, "%.17g", v->as.num);
        return;
    }
    for (uint32_t j = m->first[i]; j < m->first[i] + m->count[i]; j++) {
        const GdlOutcome *o = &p->outcomes[m->outcomes[j]];
        int t = gdl_fact_truth(vm, o->cond);
        if (t == 0)
            continue;
        char w[64];
        outcome_word(vm, o, t, w, sizeof w);
        append(buf, w);
    }
    if (!buf[0])
        snprintf(buf, OUTPUT_VALUE_MAX, "-");
}

int outputs_read_line(FILE *in, ByteBuf *line)
{
    line->len = 0;
    int ch = EOF;
    while ((ch = getc(in)) != EOF && ch != '\n')
        buf_putc(line, (char)ch);
    if (ferror(in))
        return -1;
    if (ch == EOF && line->len == 0)
        return 0;
    if (line->len && line->data[line->len - 1] == '\r')
        line->len--;
    buf_putc(line, '\0');
    line->len--;
    return line->failed ? -1 : 1;
}

bool outputs_blank(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return false;
    return true;
}

void outputs_guideline_key(const GdlProgram *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s@%s", gdl_str(p, p->meta.id), gdl_str(p, p->meta.version));
}
