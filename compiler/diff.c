/* diff.c - gdl diff (see diff.h, docs/diff-compare.md): matches the two
 * programs' parameters, outcomes and classification tables by name,
 * compares each part in canonical form (canon.c), runs both on the same
 * cases (outputs.c), then writes the result as JSON or as text. Matching
 * and comparing build a Diff; the writers only read it. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "canon.h"
#include "case_json.h"
#include "date.h"
#include "opcodes.h"
#include "outputs.h"
#include "param_render.h"
#include "vm.h"

/* The parts of a parameter, outcome or table that can change, in output order. */
#define DIFF_PARTS(X)                                                           \
    X(TYPE, "type") X(VALUE, "value") X(UNIT, "unit") X(RANGE, "range")          \
    X(CONDITION, "condition") X(STRENGTH, "strength") X(ACTION, "action")        \
    X(URGENCY, "urgency") X(CLUSTER, "cluster") X(SECTION, "section")            \
    X(TEXT_NL, "text_nl") X(TEXT_EN, "text_en")                                   \
    X(TEXT_OTHER, "text_other") X(DOSE, "dose")                                 \
    X(SCHEDULE, "schedule") X(MOMENTS, "moments")                                \
    X(VALUES, "values") X(ROWS, "rows") X(OVERRIDE, "override") X(APPLIES, "applies") \
    X(EXPECTATIONS, "expectations")

enum {
#define X(name, word) PART_##name,
    DIFF_PARTS(X)
#undef X
    PART__COUNT
};
static const char *const PART_WORD[PART__COUNT] = {
#define X(name, word) word,
    DIFF_PARTS(X)
#undef X
};
#define BIT(part) (1u << PART_##part)

typedef enum { CH_ADDED, CH_REMOVED, CH_CHANGED } Change;
static const char *const CHANGE_WORD[] = { "added", "removed", "changed" };
enum { ABSENT = UINT32_MAX };

/* One thing matched by name: its index in the old and the new program
 * (ABSENT when only in one) and the parts that differ. */
typedef struct {
    uint32_t a, b;
    uint32_t parts;
} Pair;

static Change pair_change(const Pair *p)
{
    return p->a == ABSENT ? CH_ADDED : p->b == ABSENT ? CH_REMOVED : CH_CHANGED;
}

/* A classification table row: its condition in canonical form and its value. */
typedef struct {
    char *cond;
    double value;
    bool otherwise;
    uint32_t line;              /* its source line, for people to look it up */
} Row;

typedef struct {
    Row *rows;
    uint32_t n;
} Table;

typedef struct {
    uint32_t row;
    Change change;
    bool cond, value;
} RowChange;

typedef struct {
    Pair pair;
    Table t[2];
    RowChange *rows;
    uint32_t nrows;
    bool meaning_changed;       /* same name and values, other rows */
} TableChange;

typedef struct {
    const char *field;
    const char *v[2];           /* NULL: absent */
} MetaChange;

typedef struct {
    char source[32];            /* "cases:12", "boundary:old" */
    char case_id[64];
    char v[2][OUTPUT_VALUE_MAX];
} Example;

typedef struct {
    bool ran;
    char what[256];             /* where the cases came from */
    uint32_t cases, changed;
    OutputKeys keys;
    uint32_t *count;            /* per key */
    uint32_t *decided;          /* per key: changes with neither side unknown */
    uint32_t *nex;              /* per key */
    Example *ex;                /* per key, examples of them */
} Behaviour;

typedef struct {
    const GdlProgram *p[2];
    Canon canon[2];
    MetaChange *meta;
    uint32_t nmeta;
    Pair *params;
    uint32_t nparams;
    Pair *outcomes;
    uint32_t noutcomes;
    TableChange *tables;
    uint32_t ntables;
    Pair *props;                /* indices into o->props[0], [1] */
    uint32_t nprops;
    Behaviour beh;
    const DiffOptions *o;
    bool oom;
} Diff;

static const char *S(const GdlProgram *p, uint16_t s)
{
    return s == GDL_NONE ? NULL : gdl_str(p, s);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* An advice text (text) or dose (!text) as a run without --param shows it:
 * parameters in it rendered with their defaults (param_render.h). */
static void put_shown(ByteBuf *b, const GdlProgram *p, uint16_t s, bool text, bool en)
{
    if (s == GDL_NONE)
        return;
    if (text)
        param_render_text(b, p, NULL, gdl_str(p, s), en);
    else
        param_render_dose(b, p, NULL, gdl_str(p, s));
    buf_putc(b, '\0');
}

static bool same_shown(const GdlProgram *a, uint16_t x, const GdlProgram *b, uint16_t y, bool text, bool en)
{
    ByteBuf bx = { 0 }, by = { 0 };
    put_shown(&bx, a, x, text, en);
    put_shown(&by, b, y, text, en);
    bool same = bx.len == by.len && (bx.len == 0 || memcmp(bx.data, by.data, bx.len) == 0);
    buf_free(&bx);
    buf_free(&by);
    return same;
}

/* ---- metadata ------------------------------------------------------------- */

static void add_meta(Diff *d, const char *field, const char *a, const char *b)
{
    if (same_str(a, b))
        return;
    d->meta[d->nmeta++] = (MetaChange){ field, { a, b } };
}

static bool has_source(const GdlProgram *p, const char *s)
{
    for (uint32_t i = 0; i < p->meta.source_count; i++)
        if (strcmp(gdl_str(p, p->meta.sources[i]), s) == 0)
            return true;
    return false;
}

static int diff_meta(Diff *d)
{
    const GdlProgram *a = d->p[0], *b = d->p[1];
    d->meta = malloc(sizeof *d->meta * (8u + a->meta.source_count + b->meta.source_count));
    if (!d->meta)
        return -1;
    const GdlMeta *ma = &a->meta, *mb = &b->meta;
#define X(member, name) add_meta(d, name, S(a, ma->member), S(b, mb->member));
#include "meta_fields.def"
#undef X
    for (uint32_t i = 0; i < ma->source_count; i++)
        if (!has_source(b, gdl_str(a, ma->sources[i])))
            add_meta(d, "source", gdl_str(a, ma->sources[i]), NULL);
    for (uint32_t i = 0; i < mb->source_count; i++)
        if (!has_source(a, gdl_str(b, mb->sources[i])))
            add_meta(d, "source", NULL, gdl_str(b, mb->sources[i]));
    return 0;
}

/* ---- parameters ----------------------------------------------------------- */

static uint32_t param_parts(const GdlProgram *a, const GdlParam *x, const GdlProgram *b, const GdlParam *y)
{
    uint32_t parts = 0;
    if (x->type != y->type)
        parts |= BIT(TYPE);
    if (x->type == GT_STRING ? !same_str(S(a, x->text), S(b, y->text)) : x->value != y->value)
        parts |= BIT(VALUE);
    if (!same_str(S(a, x->unit), S(b, y->unit)))
        parts |= BIT(UNIT);
    if (x->flags != y->flags || ((x->flags & IN_HAS_MIN) && x->min != y->min) || ((x->flags & IN_HAS_MAX) && x->max != y->max))
        parts |= BIT(RANGE);
    if (!same_str(S(a, x->section), S(b, y->section)))
        parts |= BIT(SECTION);
    return parts;
}

static uint32_t find_param(const GdlProgram *p, const char *name)
{
    for (uint32_t i = 0; i < p->nparams; i++)
        if (strcmp(gdl_str(p, p->params[i].name), name) == 0)
            return i;
    return ABSENT;
}

/* Pairs up by name: the old program's order, then what only the new one has. */
static int diff_params(Diff *d)
{
    const GdlProgram *a = d->p[0], *b = d->p[1];
    d->params = malloc(sizeof *d->params * (a->nparams + b->nparams + 1));
    if (!d->params)
        return -1;
    for (uint32_t i = 0; i < a->nparams; i++) {
        uint32_t j = find_param(b, gdl_str(a, a->params[i].name));
        Pair pr = { i, j, 0 };
        if (j != ABSENT && !(pr.parts = param_parts(a, &a->params[i], b, &b->params[j])))
            continue;
        d->params[d->nparams++] = pr;
    }
    for (uint32_t j = 0; j < b->nparams; j++)
        if (find_param(a, gdl_str(b, b->params[j].name)) == ABSENT)
            d->params[d->nparams++] = (Pair){ ABSENT, j, 0 };
    return 0;
}

/* ---- outcomes ------------------------------------------------------------- */

static bool same_canon(Diff *d, uint32_t fa, uint32_t fb)
{
    if (fa == GDL_NONE || fb == GDL_NONE)
        return fa == fb;
    const char *x = canon_fact(&d->canon[0], fa), *y = canon_fact(&d->canon[1], fb);
    if (!x || !y) {
        d->oom = true;
        return true;
    }
    return strcmp(x, y) == 0;
}

/* An outcome's text in a language beyond nl and en (format 1.6), or GDL_NONE. */
static uint16_t text_in(const GdlProgram *p, const GdlOutcome *o, const char *lang)
{
    uint32_t index = (uint32_t)(o - p->outcomes);
    for (uint32_t i = 0; i < p->ntexts; i++)
        if (p->texts[i].outcome == index && strcmp(gdl_str(p, p->texts[i].lang), lang) == 0)
            return p->texts[i].text;
    return GDL_NONE;
}

/* Every further-language text of x is shown as y's text in that language
 * (such texts take the report's English unit words). */
static bool texts_within(const GdlProgram *a, const GdlOutcome *x, const GdlProgram *b, const GdlOutcome *y)
{
    uint32_t index = (uint32_t)(x - a->outcomes);
    for (uint32_t i = 0; i < a->ntexts; i++)
        if (a->texts[i].outcome == index
            && !same_shown(a, a->texts[i].text, b, text_in(b, y, gdl_str(a, a->texts[i].lang)), true, true))
            return false;
    return true;
}

static uint32_t outcome_parts(Diff *d, const GdlOutcome *x, const GdlOutcome *y)
{
    const GdlProgram *a = d->p[0], *b = d->p[1];
    uint32_t parts = 0;
    if (!same_canon(d, x->cond, y->cond))
        parts |= BIT(CONDITION);
    if (x->strength != y->strength)
        parts |= BIT(STRENGTH);
    if (x->action != y->action)
        parts |= BIT(ACTION);
    if (x->urgent != y->urgent)
        parts |= BIT(URGENCY);
    if (!same_str(S(a, x->cluster), S(b, y->cluster)))
        parts |= BIT(CLUSTER);
    if (!same_str(S(a, x->section), S(b, y->section)))
        parts |= BIT(SECTION);
    if (!same_shown(a, x->text_nl, b, y->text_nl, true, false))
        parts |= BIT(TEXT_NL);
    if (!same_shown(a, x->text_en, b, y->text_en, true, true))
        parts |= BIT(TEXT_EN);
    if (!texts_within(a, x, b, y) || !texts_within(b, y, a, x))
        parts |= BIT(TEXT_OTHER);
    if (!same_shown(a, x->dose, b, y->dose, false, false))
        parts |= BIT(DOSE);
    if (x->after != y->after || x->after_unit != y->after_unit || !same_canon(d, x->from, y->from))
        parts |= BIT(SCHEDULE);
    if (x->moments != y->moments)
        parts |= BIT(MOMENTS);
    return parts;
}

static bool same_outcome_id(const GdlProgram *a, const GdlOutcome *x, const GdlProgram *b, const GdlOutcome *y)
{
    return x->kind == y->kind && strcmp(gdl_str(a, x->id), gdl_str(b, y->id)) == 0;
}

/* An id can have several outcomes (advice manipulation consider, and
 * preferably_not for LRS): those with the same strength pair first, in
 * program order, then the rest of the id in program order. */
static int diff_outcomes(Diff *d)
{
    const GdlProgram *a = d->p[0], *b = d->p[1];
    uint32_t *match = malloc(sizeof *match * (a->noutcomes + 1));
    uint8_t *taken = calloc(b->noutcomes + 1, 1);
    d->outcomes = malloc(sizeof *d->outcomes * (a->noutcomes + b->noutcomes + 1));
    if (!match || !taken || !d->outcomes) {
        free(match);
        free(taken);
        return -1;
    }
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < a->noutcomes; i++) {
            if (pass == 0)
                match[i] = ABSENT;
            if (match[i] != ABSENT)
                continue;
            const GdlOutcome *x = &a->outcomes[i];
            for (uint32_t j = 0; j < b->noutcomes; j++) {
                const GdlOutcome *y = &b->outcomes[j];
                if (!taken[j] && same_outcome_id(a, x, b, y) && (pass == 1 || x->strength == y->strength)) {
                    match[i] = j;
                    taken[j] = 1;
                    break;
                }
            }
        }
    for (uint32_t i = 0; i < a->noutcomes; i++) {
        Pair pr = { i, match[i], 0 };
        if (pr.b != ABSENT && !(pr.parts = outcome_parts(d, &a->outcomes[i], &b->outcomes[pr.b])))
            continue;
        d->outcomes[d->noutcomes++] = pr;
    }
    for (uint32_t j = 0; j < b->noutcomes; j++)
        if (!taken[j])
            d->outcomes[d->noutcomes++] = (Pair){ ABSENT, j, 0 };
    free(match);
    free(taken);
    return 0;
}

/* ---- classification tables ----------------------------------------------- */

static uint32_t next_pc(const GdlProgram *p, uint32_t pc)
{
    return pc + canon_insn_size(p, pc);
}

/* The rows of a table from its code (codegen.c, gen_classify): [the 'when',
 * LOAD_FACT applies, GUARD], [LOAD_FACT override], then per row its condition and
 * CLASSIFY_ROW, then OTHERWISE (PUSH_NUM before format 1.5) or PUSH_UNKNOWN, [COALESCE],
 * STORE_FACT. A row's condition leaves out the CLASSIFY_ROW, whose jump
 * depends on the rows after it. */
/* The source line of the code at pc: the last line-table entry at or before it. */
static uint32_t line_at(const GdlProgram *p, uint32_t pc)
{
    uint32_t line = 0;
    for (uint32_t i = 0; i < p->nlines && p->lines[i].pc <= pc; i++)
        line = p->lines[i].line;
    return line;
}

static int table_rows(Canon *c, uint32_t fact, Table *t)
{
    const GdlProgram *p = c->p;
    const GdlFact *f = &p->facts[fact];
    uint32_t pc = c->start[fact], end = c->end[fact];
    if (f->applies != GDL_NONE) {       /* the 'when' (see canon_init), up to its GUARD */
        while (pc < end && p->code[pc] != OP_GUARD)
            pc = next_pc(p, pc);
        if (pc < end)
            pc = next_pc(p, pc);
    }
    if (f->override != GDL_NONE && pc < end)
        pc = next_pc(p, pc);
    uint32_t cap = 8;
    t->n = 0;
    t->rows = malloc(sizeof *t->rows * cap);
    if (!t->rows)
        return -1;
    for (uint32_t row = pc; pc < end; pc = next_pc(p, pc)) {
        uint8_t op = p->code[pc];
        uint32_t after = next_pc(p, pc);
        bool last = after >= end || p->code[after] == OP_COALESCE || p->code[after] == OP_STORE_FACT;
        bool otherwise = pc == row && (op == OP_OTHERWISE || op == OP_PUSH_NUM) && last;
        if (pc == row && op == OP_PUSH_UNKNOWN && last)
            break;
        if (op != OP_CLASSIFY_ROW && !otherwise)
            continue;
        if (t->n == cap) {
            Row *r = realloc(t->rows, sizeof *t->rows * (cap *= 2));
            if (!r)
                return -1;
            t->rows = r;
        }
        ByteBuf b = { 0 };
        canon_code(c, row, pc, row, &b);
        canon_defines(c, row, pc, &b);
        buf_putc(&b, '\0');
        if (b.failed) {
            buf_free(&b);
            return -1;
        }
        uint32_t k = canon_u16(p->code + pc + (otherwise ? 1 : 3));
        t->rows[t->n++] = (Row){ (char *)b.data, p->numbers[k], otherwise, line_at(p, row) };
        if (otherwise)
            break;
        row = after;
    }
    return 0;
}

static void table_free(Table *t)
{
    for (uint32_t i = 0; t->rows && i < t->n; i++)
        free(t->rows[i].cond);
    free(t->rows);
}

/* The values a table can take: its enum's symbols, else its rows' values. */
static void table_values(const GdlProgram *p, uint32_t fact, const Table *t, ByteBuf *out)
{
    const GdlFact *f = &p->facts[fact];
    if (f->type == GT_ENUM) {
        for (uint32_t i = 0; i < f->sym_count; i++)
            buf_printf(out, "%s%s", i ? ", " : "", gdl_str(p, p->syms[f->sym_first + i]));
        return;
    }
    /* distinct row values, ascending */
    double last = 0;
    for (bool first = true;;) {
        bool found = false;
        double next = 0;
        for (uint32_t i = 0; i < t->n; i++)
            if ((first || t->rows[i].value > last) && (!found || t->rows[i].value < next)) {
                next = t->rows[i].value;
                found = true;
            }
        if (!found)
            break;
        buf_puts(out, first ? "" : ", ");
        buf_json_number(out, next);
        last = next;
        first = false;
    }
}

static void row_value(const GdlProgram *p, uint32_t fact, double v, ByteBuf *out)
{
    const GdlFact *f = &p->facts[fact];
    if (f->type == GT_ENUM && v >= 0 && v < f->sym_count)
        buf_puts(out, gdl_str(p, p->syms[f->sym_first + (uint32_t)v]));
    else
        buf_json_number(out, v);
}

static bool same_values(Diff *d, const TableChange *tc)
{
    ByteBuf x = { 0 }, y = { 0 };
    table_values(d->p[0], tc->pair.a, &tc->t[0], &x);
    table_values(d->p[1], tc->pair.b, &tc->t[1], &y);
    bool same = x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    d->oom |= x.failed || y.failed;
    buf_free(&x);
    buf_free(&y);
    return same;
}

static const char *fact_name(const GdlProgram *p, uint16_t f)
{
    return f == GDL_NONE ? NULL : gdl_str(p, p->facts[f].name);
}

/* Rows pair by position: row i of the old table with row i of the new. */
static int compare_tables(Diff *d, TableChange *tc)
{
    const GdlProgram *a = d->p[0], *b = d->p[1];
    const GdlFact *x = &a->facts[tc->pair.a], *y = &b->facts[tc->pair.b];
    Table *ta = &tc->t[0], *tb = &tc->t[1];
    uint32_t n = ta->n > tb->n ? ta->n : tb->n;
    tc->rows = malloc(sizeof *tc->rows * (n + 1));
    if (!tc->rows)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        RowChange rc = { i, i >= ta->n ? CH_ADDED : i >= tb->n ? CH_REMOVED : CH_CHANGED, false, false };
        if (rc.change == CH_CHANGED) {
            const Row *r = &ta->rows[i], *s = &tb->rows[i];
            rc.cond = r->otherwise != s->otherwise || strcmp(r->cond, s->cond) != 0;
            ByteBuf va = { 0 }, vb = { 0 };
            row_value(a, tc->pair.a, r->value, &va);
            row_value(b, tc->pair.b, s->value, &vb);
            rc.value = va.len != vb.len || memcmp(va.data, vb.data, va.len) != 0;
            buf_free(&va);
            buf_free(&vb);
            if (!rc.cond && !rc.value)
                continue;
        }
        tc->rows[tc->nrows++] = rc;
    }
    if (tc->nrows)
        tc->pair.parts |= BIT(ROWS);
    if (!same_values(d, tc))
        tc->pair.parts |= BIT(VALUES);
    if (!same_str(S(a, x->section), S(b, y->section)))
        tc->pair.parts |= BIT(SECTION);
    if (!same_str(fact_name(a, x->override), fact_name(b, y->override)))
        tc->pair.parts |= BIT(OVERRIDE);
    if (!same_canon(d, x->applies, y->applies))
        tc->pair.parts |= BIT(APPLIES);
    if (x->type != y->type)
        tc->pair.parts |= BIT(TYPE);
    tc->meaning_changed = (tc->pair.parts & BIT(ROWS)) && !(tc->pair.parts & BIT(VALUES));
    return 0;
}

static uint32_t find_table(const GdlProgram *p, const char *name)
{
    for (uint32_t f = 0; f < p->nfacts; f++)
        if (p->facts[f].kind == FK_CLASSIFY && strcmp(gdl_str(p, p->facts[f].name), name) == 0)
            return f;
    return ABSENT;
}

static int add_table(Diff *d, uint32_t fa, uint32_t fb)
{
    TableChange *tc = &d->tables[d->ntables];
    memset(tc, 0, sizeof *tc);
    tc->pair = (Pair){ fa, fb, 0 };
    if ((fa != ABSENT && table_rows(&d->canon[0], fa, &tc->t[0]) != 0) ||
        (fb != ABSENT && table_rows(&d->canon[1], fb, &tc->t[1]) != 0)) {
        d->ntables++;   /* freed with the rest */
        return -1;
    }
    d->ntables++;
    if (fa == ABSENT || fb == ABSENT)
        return 0;
    if (compare_tables(d, tc) != 0)
        return -1;
    if (!tc->pair.parts) {
        table_free(&tc->t[0]);
        table_free(&tc->t[1]);
        free(tc->rows);
        d->ntables--;
    }
    return 0;
}

static int diff_tables(Diff *d)
{
    const GdlProgram *a = d->p[0], *b = d->p[1];
    d->tables = calloc(a->nfacts + b->nfacts + 1, sizeof *d->tables);
    if (!d->tables)
        return -1;
    for (uint32_t f = 0; f < a->nfacts; f++)
        if (a->facts[f].kind == FK_CLASSIFY && add_table(d, f, find_table(b, gdl_str(a, a->facts[f].name))) != 0)
            return -1;
    for (uint32_t f = 0; f < b->nfacts; f++)
        if (b->facts[f].kind == FK_CLASSIFY && find_table(a, gdl_str(b, b->facts[f].name)) == ABSENT &&
            add_table(d, ABSENT, f) != 0)
            return -1;
    return 0;
}

/* ---- behaviour ------------------------------------------------------------ */

/* ---- properties ------------------------------------------------------------ */

static uint32_t find_property(const DiffProperties *ps, const char *name)
{
    for (uint32_t i = 0; i < ps->n; i++)
        if (strcmp(ps->items[i].name, name) == 0)
            return i;
    return ABSENT;
}

/* Matched by name: the premise in canonical form, the expectations as written, the section. */
static int diff_properties(Diff *d)
{
    const DiffProperties *a = d->o->props[0], *b = d->o->props[1];
    if (!a || !b)
        return 0;
    d->props = calloc((size_t)a->n + b->n + 1, sizeof *d->props);
    if (!d->props)
        return -1;
    for (uint32_t i = 0; i < a->n; i++) {
        const DiffProperty *x = &a->items[i];
        uint32_t j = find_property(b, x->name);
        uint32_t parts = 0;
        if (j != ABSENT) {
            const DiffProperty *y = &b->items[j];
            parts |= strcmp(x->condition, y->condition) ? BIT(CONDITION) : 0;
            parts |= strcmp(x->expects, y->expects) ? BIT(EXPECTATIONS) : 0;
            parts |= !same_str(x->section, y->section) ? BIT(SECTION) : 0;
            if (!parts)
                continue;
        }
        d->props[d->nprops++] = (Pair){ i, j, parts };
    }
    for (uint32_t j = 0; j < b->n; j++)
        if (find_property(a, b->items[j].name) == ABSENT)
            d->props[d->nprops++] = (Pair){ ABSENT, j, 0 };
    return 0;
}

typedef struct {
    GdlVm vm[2];
    OutputMap map[2];
    GdlCaseErrors errs;
    char v[2][OUTPUT_VALUE_MAX];
} Runner;

static void run_case(Diff *d, Runner *r, const char *line, size_t n, const char *source)
{
    Behaviour *be = &d->beh;
    bool loaded[2];
    for (int s = 0; s < 2; s++) {
        loaded[s] = gdl_case_load_json(&r->vm[s], line, n, &r->errs) == 0;
        if (loaded[s])
            gdl_vm_run(&r->vm[s]);
    }
    be->cases++;
    bool any = false;
    for (uint32_t k = 0; k < be->keys.nkeys; k++) {
        for (int s = 0; s < 2; s++)
            outputs_value(&r->vm[s], &r->map[s], &be->keys, k, loaded[s], r->v[s]);
        if (strcmp(r->v[0], r->v[1]) == 0)
            continue;
        any = true;
        be->count[k]++;
        be->decided[k] += !strstr(r->v[0], "unknown") && !strstr(r->v[1], "unknown");
        if (be->nex[k] < d->o->examples) {
            Example *e = &be->ex[(size_t)k * d->o->examples + be->nex[k]++];
            snprintf(e->source, sizeof e->source, "%s", source);
            const GdlVm *vm = &r->vm[loaded[0] ? 0 : 1];
            snprintf(e->case_id, sizeof e->case_id, "%s", gdl_case_id(vm, ""));
            memcpy(e->v, r->v, sizeof e->v);
        }
    }
    be->changed += any;
}

/* Runs every line of in; source_prefix labels the examples ("cases" gets
 * the line number). 0, or 2 on a read error. */
static int run_stream(Diff *d, Runner *r, FILE *in, const char *label, bool numbered)
{
    ByteBuf line = { 0 };
    int rc = 0, got;
    for (uint32_t lineno = 1; (got = outputs_read_line(in, &line)) == 1; lineno++) {
        if (outputs_blank((const char *)line.data, line.len))
            continue;
        char source[32];
        if (numbered)
            snprintf(source, sizeof source, "%s:%u", label, lineno);
        else
            snprintf(source, sizeof source, "%s", label);
        run_case(d, r, (const char *)line.data, line.len, source);
    }
    if (got < 0)
        rc = 2;
    buf_free(&line);
    return rc;
}

static int boundary_stream(Diff *d, Runner *r, int side)
{
    FILE *tmp = tmpfile();
    char err[512] = "";
    if (!tmp) {
        fprintf(stderr, "gdl: diff: cannot make a temporary file\n");
        return 3;
    }
    if (analysis_boundary_cases(d->p[side], tmp, err, sizeof err) != 0) {
        fprintf(stderr, "gdl: diff: boundary cases: %s\n", err);
        fclose(tmp);
        return 3;
    }
    rewind(tmp);
    int rc = run_stream(d, r, tmp, side ? "boundary:new" : "boundary:old", false);
    fclose(tmp);
    return rc == 2 ? 3 : rc;
}

static int diff_behaviour(Diff *d)
{
    Behaviour *be = &d->beh;
    const DiffOptions *o = d->o;
    if (!o->cases_path && !o->boundary)
        return 0;
    be->ran = true;
    snprintf(be->what, sizeof be->what, "%s%s%s", o->cases_path ? o->cases_path : "",
             o->cases_path && o->boundary ? " and " : "", o->boundary ? "the boundary cases of both versions" : "");
    if (outputs_collect(d->p, 2, &be->keys) != 0)
        return 3;
    size_t nk = be->keys.nkeys ? be->keys.nkeys : 1;
    be->count = calloc(nk, sizeof *be->count);
    be->decided = calloc(nk, sizeof *be->decided);
    be->nex = calloc(nk, sizeof *be->nex);
    be->ex = calloc(nk * (o->examples ? o->examples : 1), sizeof *be->ex);
    Runner *r = calloc(1, sizeof *r);
    if (!be->count || !be->decided || !be->nex || !be->ex || !r) {
        free(r);
        return 3;
    }
    int inited = 0, rc = 0;
    for (; inited < 2; inited++) {
        if (gdl_vm_init(&r->vm[inited], d->p[inited]) != 0) {
            rc = 3;
            break;
        }
        if (outputs_map(&be->keys, d->p[inited], &r->map[inited]) != 0) {
            gdl_vm_free(&r->vm[inited]);
            rc = 3;
            break;
        }
    }
    if (rc == 0 && o->cases_path) {
        FILE *in = fopen(o->cases_path, "rb");
        if (!in) {
            fprintf(stderr, "%s: error: cannot read the cases\n", o->cases_path);
            rc = 2;
        } else {
            rc = run_stream(d, r, in, "cases", true);
            if (rc)
                fprintf(stderr, "%s: error: cannot read the cases\n", o->cases_path);
            fclose(in);
        }
    }
    for (int s = 0; rc == 0 && o->boundary && s < 2; s++)
        rc = boundary_stream(d, r, s);
    for (int s = 0; s < inited; s++) {
        gdl_vm_free(&r->vm[s]);
        outputs_map_free(&r->map[s]);
    }
    free(r);
    return rc;
}

/* ---- shared by the writers -------------------------------------------------- */

/* The red-flag clusters of p that q lacks, sorted, comma-separated. */
static void clusters_only_in(const GdlProgram *p, const GdlProgram *q, ByteBuf *out, bool json)
{
    const char *last = NULL;
    for (bool first = true;;) {
        const char *next = NULL;
        for (uint32_t i = 0; i < p->noutcomes; i++) {
            const GdlOutcome *o = &p->outcomes[i];
            const char *c = o->kind == OK_RED_FLAG ? S(p, o->cluster) : NULL;
            if (c && (!last || strcmp(c, last) > 0) && (!next || strcmp(c, next) < 0))
                next = c;
        }
        if (!next)
            return;
        last = next;
        bool in_q = false;
        for (uint32_t i = 0; i < q->noutcomes && !in_q; i++)
            in_q = q->outcomes[i].kind == OK_RED_FLAG && same_str(S(q, q->outcomes[i].cluster), next);
        if (in_q)
            continue;
        buf_puts(out, first ? "" : ", ");
        first = false;
        if (json)
            buf_json_string(out, next, strlen(next));
        else
            buf_puts(out, next);
    }
}

static void put_param_value(ByteBuf *b, const GdlProgram *p, const GdlParam *x, double v, bool json)
{
    char date[11];
    if (x->type == GT_STRING) {
        const char *t = S(p, x->text);
        if (json)
            buf_json_string(b, t ? t : "", t ? strlen(t) : 0);
        else
            buf_printf(b, "\"%s\"", t ? t : "");
    } else if (x->type == GT_BOOL) {
        buf_puts(b, v != 0 ? "true" : "false");
    } else if (x->type == GT_DATE && v >= GDL_DAY_FIRST && v <= GDL_DAY_LAST) {
        gdl_date_format((int32_t)v, date);
        buf_printf(b, json ? "\"%s\"" : "%s", date);
    } else {
        buf_json_number(b, v);
    }
}

static void put_jstr(ByteBuf *b, const char *s)
{
    if (s)
        buf_json_string(b, s, strlen(s));
    else
        buf_puts(b, "null");
}

static void put_parts(ByteBuf *b, uint32_t parts, const char *sep, bool json)
{
    bool first = true;
    for (int i = 0; i < PART__COUNT; i++)
        if (parts & (1u << i)) {
            buf_puts(b, first ? "" : sep);
            first = false;
            if (json)
                buf_printf(b, "\"%s\"", PART_WORD[i]);
            else
                buf_puts(b, PART_WORD[i]);
        }
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_param(ByteBuf *b, const GdlProgram *p, uint32_t i)
{
    if (i == ABSENT) {
        buf_puts(b, "null");
        return;
    }
    const GdlParam *x = &p->params[i];
    buf_puts(b, "{\"value\": ");
    put_param_value(b, p, x, x->value, true);
    buf_puts(b, ", \"unit\": ");
    put_jstr(b, S(p, x->unit));
    buf_puts(b, ", \"section\": ");
    put_jstr(b, S(p, x->section));
    buf_printf(b, ", \"type\": \"%s\"", gdl_type_name((GdlType)x->type));
    buf_puts(b, ", \"min\": ");
    if (x->flags & IN_HAS_MIN)
        put_param_value(b, p, x, x->min, true);
    else
        buf_puts(b, "null");
    buf_puts(b, ", \"max\": ");
    if (x->flags & IN_HAS_MAX)
        put_param_value(b, p, x, x->max, true);
    else
        buf_puts(b, "null");
    buf_putc(b, '}');
}

static void json_outcome(ByteBuf *b, const GdlProgram *p, uint32_t i)
{
    if (i == ABSENT) {
        buf_puts(b, "null");
        return;
    }
    const GdlOutcome *o = &p->outcomes[i];
    buf_puts(b, "{\"section\": ");
    put_jstr(b, S(p, o->section));
    if (o->kind == OK_ADVICE)
        buf_printf(b, ", \"strength\": \"%s\"", gdl_strength_name((GdlStrength)o->strength));
    if (o->kind == OK_RED_FLAG || o->kind == OK_REFERRAL)
        buf_printf(b, ", \"action\": \"%s\", \"urgent\": %s", gdl_action_name((GdlAction)o->action),
                   o->urgent ? "true" : "false");
    if (o->kind == OK_RED_FLAG) {
        buf_puts(b, ", \"cluster\": ");
        put_jstr(b, S(p, o->cluster));
    }
    if (o->kind == OK_SCHEDULE)
        buf_printf(b, ", \"after\": \"%u %s\"", o->after, gdl_after_unit_name(o->after_unit));
    if (o->dose != GDL_NONE) {
        buf_puts(b, ", \"dose\": ");
        param_render_dose(b, p, NULL, gdl_str(p, o->dose));  /* JSON text, checked by the verifier */
    }
    buf_putc(b, '}');
}

static void json_guideline(ByteBuf *b, const GdlProgram *p)
{
    buf_puts(b, "{\"id\": ");
    put_jstr(b, S(p, p->meta.id));
    buf_puts(b, ", \"version\": ");
    put_jstr(b, S(p, p->meta.version));
    buf_putc(b, '}');
}

static void json_table_side(ByteBuf *b, const Diff *d, int s, uint32_t f, const Table *t)
{
    if (f == ABSENT) {
        buf_puts(b, "null");
        return;
    }
    const GdlProgram *p = d->p[s];
    buf_puts(b, "{\"section\": ");
    put_jstr(b, S(p, p->facts[f].section));
    buf_puts(b, ", \"values\": [");
    ByteBuf v = { 0 };
    table_values(p, f, t, &v);
    /* values are names or numbers without commas: split them back up as JSON */
    for (size_t i = 0, start = 0; i <= v.len; i++)
        if (i == v.len || v.data[i] == ',') {
            if (i > start) {
                if (start)
                    buf_puts(b, ", ");
                if (p->facts[f].type == GT_ENUM)
                    buf_json_string(b, (const char *)v.data + start, i - start);
                else
                    buf_put(b, v.data + start, i - start);
            }
            start = i + 2;
        }
    buf_free(&v);
    buf_printf(b, "], \"rows\": %u, \"override\": ", t->n);
    put_jstr(b, fact_name(p, p->facts[f].override));
    buf_putc(b, '}');
}

static void json_row_value(ByteBuf *b, const Diff *d, int s, uint32_t f, const Table *t, uint32_t row)
{
    if (row >= t->n) {
        buf_puts(b, "null");
        return;
    }
    ByteBuf v = { 0 };
    row_value(d->p[s], f, t->rows[row].value, &v);
    buf_puts(b, "{\"value\": ");
    if (d->p[s]->facts[f].type == GT_ENUM)
        buf_json_string(b, (const char *)v.data, v.len);
    else
        buf_put(b, v.data, v.len);
    buf_printf(b, ", \"otherwise\": %s}", t->rows[row].otherwise ? "true" : "false");
    buf_free(&v);
}

/* The rest of a param's or outcome's entry: change, parts, old, new. */
static void json_pair_rest(ByteBuf *b, const Diff *d, const Pair *pr,
                           void (*side)(ByteBuf *b, const GdlProgram *p, uint32_t i))
{
    buf_printf(b, ", \"change\": \"%s\", \"parts\": [", CHANGE_WORD[pair_change(pr)]);
    put_parts(b, pr->parts, ", ", true);
    buf_puts(b, "], \"old\": ");
    side(b, d->p[0], pr->a);
    buf_puts(b, ", \"new\": ");
    side(b, d->p[1], pr->b);
    buf_putc(b, '}');
}

/* {"<output key>": count, ...} for the keys with a count. */
static void json_counts(ByteBuf *b, const Behaviour *be, const uint32_t *count)
{
    buf_putc(b, '{');
    bool first = true;
    for (uint32_t k = 0; k < be->keys.nkeys; k++)
        if (count[k]) {
            buf_puts(b, first ? "\n   " : ",\n   ");
            first = false;
            put_jstr(b, be->keys.keys[k].key);
            buf_printf(b, ": %u", count[k]);
        }
    buf_putc(b, '}');
}

static void json_property(ByteBuf *b, const DiffProperties *ps, uint32_t i)
{
    if (i == ABSENT) {
        buf_puts(b, "null");
        return;
    }
    const DiffProperty *x = &ps->items[i];
    buf_puts(b, "{\"section\": ");
    put_jstr(b, x->section);
    buf_puts(b, ", \"when\": ");
    put_jstr(b, x->when);
    buf_puts(b, ", \"expect\": ");
    put_jstr(b, x->expects);
    buf_putc(b, '}');
}

/* null when a side has no source (a .gdlb): its properties are not known. */
static void json_properties(ByteBuf *b, const Diff *d)
{
    if (!d->o->props[0] || !d->o->props[1]) {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '[');
    for (uint32_t i = 0; i < d->nprops; i++) {
        const Pair *pr = &d->props[i];
        const char *name = pr->a != ABSENT ? d->o->props[0]->items[pr->a].name : d->o->props[1]->items[pr->b].name;
        buf_printf(b, "%s\n  {\"name\": ", i ? "," : "");
        put_jstr(b, name);
        buf_printf(b, ", \"change\": \"%s\", \"parts\": [", CHANGE_WORD[pair_change(pr)]);
        put_parts(b, pr->parts, ", ", true);
        buf_puts(b, "], \"old\": ");
        json_property(b, d->o->props[0], pr->a);
        buf_puts(b, ", \"new\": ");
        json_property(b, d->o->props[1], pr->b);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

static void write_json(const Diff *d, ByteBuf *b)
{
    const GdlProgram *a = d->p[0], *n = d->p[1];
    buf_puts(b, "{\"old\": ");
    json_guideline(b, a);
    buf_puts(b, ", \"new\": ");
    json_guideline(b, n);
    buf_puts(b, ",\n \"metadata\": [");
    for (uint32_t i = 0; i < d->nmeta; i++) {
        buf_printf(b, "%s\n  {\"field\": \"%s\", \"old\": ", i ? "," : "", d->meta[i].field);
        put_jstr(b, d->meta[i].v[0]);
        buf_puts(b, ", \"new\": ");
        put_jstr(b, d->meta[i].v[1]);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\n \"params\": [");
    for (uint32_t i = 0; i < d->nparams; i++) {
        const Pair *pr = &d->params[i];
        const char *name = pr->a != ABSENT ? gdl_str(a, a->params[pr->a].name) : gdl_str(n, n->params[pr->b].name);
        buf_printf(b, "%s\n  {\"name\": ", i ? "," : "");
        put_jstr(b, name);
        json_pair_rest(b, d, pr, json_param);
    }
    buf_puts(b, "],\n \"outcomes\": [");
    for (uint32_t i = 0; i < d->noutcomes; i++) {
        const Pair *pr = &d->outcomes[i];
        const GdlOutcome *o = pr->a != ABSENT ? &a->outcomes[pr->a] : &n->outcomes[pr->b];
        const GdlProgram *p = pr->a != ABSENT ? a : n;
        buf_printf(b, "%s\n  {\"kind\": \"%s\", \"id\": ", i ? "," : "", gdl_outcome_kind_name((OutcomeKind)o->kind));
        put_jstr(b, gdl_str(p, o->id));
        json_pair_rest(b, d, pr, json_outcome);
    }
    buf_puts(b, "],\n \"red_flag_clusters\": {\"removed\": [");
    clusters_only_in(a, n, b, true);
    buf_puts(b, "], \"added\": [");
    ByteBuf added = { 0 };
    clusters_only_in(n, a, &added, true);
    if (added.len)
        buf_put(b, added.data, added.len);
    buf_free(&added);
    buf_puts(b, "]},\n \"classifications\": [");
    for (uint32_t i = 0; i < d->ntables; i++) {
        const TableChange *tc = &d->tables[i];
        const Pair *pr = &tc->pair;
        const char *name = pr->a != ABSENT ? gdl_str(a, a->facts[pr->a].name) : gdl_str(n, n->facts[pr->b].name);
        buf_printf(b, "%s\n  {\"id\": ", i ? "," : "");
        put_jstr(b, name);
        buf_printf(b, ", \"change\": \"%s\", \"meaning_changed\": %s, \"parts\": [", CHANGE_WORD[pair_change(pr)],
                   tc->meaning_changed ? "true" : "false");
        put_parts(b, pr->parts, ", ", true);
        buf_puts(b, "], \"rows\": [");
        for (uint32_t r = 0; r < tc->nrows; r++) {
            const RowChange *rc = &tc->rows[r];
            buf_printf(b, "%s{\"row\": %u, \"change\": \"%s\", \"parts\": [%s%s%s], \"old\": ", r ? ", " : "",
                       rc->row + 1, CHANGE_WORD[rc->change], rc->cond ? "\"condition\"" : "",
                       rc->cond && rc->value ? ", " : "", rc->value ? "\"value\"" : "");
            json_row_value(b, d, 0, pr->a, &tc->t[0], rc->row);
            buf_puts(b, ", \"new\": ");
            json_row_value(b, d, 1, pr->b, &tc->t[1], rc->row);
            buf_putc(b, '}');
        }
        buf_puts(b, "], \"old\": ");
        json_table_side(b, d, 0, pr->a, &tc->t[0]);
        buf_puts(b, ", \"new\": ");
        json_table_side(b, d, 1, pr->b, &tc->t[1]);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\n \"properties\": ");
    json_properties(b, d);
    buf_puts(b, ",\n \"behaviour\": ");
    const Behaviour *be = &d->beh;
    if (!be->ran) {
        buf_puts(b, "null}\n");
        return;
    }
    buf_printf(b, "{\"cases\": %u, \"changed\": %u, \"by_output\": ", be->cases, be->changed);
    json_counts(b, be, be->count);
    buf_puts(b, ",\n  \"by_output_decided\": ");
    json_counts(b, be, be->decided);
    buf_puts(b, ",\n  \"examples\": [");
    bool first = true;
    for (uint32_t k = 0; k < be->keys.nkeys; k++)
        for (uint32_t j = 0; j < be->nex[k]; j++) {
            const Example *e = &be->ex[(size_t)k * d->o->examples + j];
            buf_puts(b, first ? "\n   {\"output\": " : ",\n   {\"output\": ");
            first = false;
            put_jstr(b, be->keys.keys[k].key);
            buf_puts(b, ", \"case_id\": ");
            put_jstr(b, e->case_id);
            buf_puts(b, ", \"source\": ");
            put_jstr(b, e->source);
            buf_puts(b, ", \"old\": ");
            put_jstr(b, e->v[0]);
            buf_puts(b, ", \"new\": ");
            put_jstr(b, e->v[1]);
            buf_putc(b, '}');
        }
    buf_puts(b, "]}}\n");
}

/* ---- text ----------------------------------------------------------------- */

enum { C_ADD, C_DEL, C_CHG, C_BOLD, C_OFF };
static const char *const COLOUR[] = { "\033[32m", "\033[31m", "\033[33m", "\033[1;31m", "\033[0m" };

static void mark(ByteBuf *b, const Diff *d, Change ch)
{
    static const int C[] = { C_ADD, C_DEL, C_CHG };
    static const char SIGN[] = { '+', '-', '~' };
    if (d->o->colour)
        buf_puts(b, COLOUR[C[ch]]);
    buf_printf(b, "  %c ", SIGN[ch]);
    if (d->o->colour)
        buf_puts(b, COLOUR[C_OFF]);
}

static void text_param(ByteBuf *b, const GdlProgram *p, uint32_t i)
{
    const GdlParam *x = &p->params[i];
    const char *unit = S(p, x->unit);
    put_param_value(b, p, x, x->value, false);
    if (unit && x->type != GT_STRING)
        buf_printf(b, " %s", unit);
}

static void text_param_range(ByteBuf *b, const GdlProgram *p, uint32_t i)
{
    const GdlParam *x = &p->params[i];
    buf_puts(b, (x->flags & IN_MIN_EXCL) ? "(" : "[");
    if (x->flags & IN_HAS_MIN)
        put_param_value(b, p, x, x->min, false);
    buf_puts(b, ", ");
    if (x->flags & IN_HAS_MAX)
        put_param_value(b, p, x, x->max, false);
    buf_puts(b, (x->flags & IN_MAX_EXCL) ? ")" : "]");
}

static void text_section(ByteBuf *b, const char *x, const char *y)
{
    buf_printf(b, "section %s -> %s", x ? x : "-", y ? y : "-");
}

static void text_params(ByteBuf *b, const Diff *d)
{
    const GdlProgram *a = d->p[0], *n = d->p[1];
    uint32_t count[3] = { 0 };
    for (uint32_t i = 0; i < d->nparams; i++)
        count[pair_change(&d->params[i])]++;
    buf_printf(b, "\nparameters: %u added, %u removed, %u changed\n", count[CH_ADDED], count[CH_REMOVED],
               count[CH_CHANGED]);
    for (uint32_t i = 0; i < d->nparams; i++) {
        const Pair *pr = &d->params[i];
        Change ch = pair_change(pr);
        const GdlProgram *p = ch == CH_ADDED ? n : a;
        uint32_t idx = ch == CH_ADDED ? pr->b : pr->a;
        mark(b, d, ch);
        buf_printf(b, "%s", gdl_str(p, p->params[idx].name));
        if (ch != CH_CHANGED) {
            buf_puts(b, " = ");
            text_param(b, p, idx);
            const char *sec = S(p, p->params[idx].section);
            buf_printf(b, "%s%s%s\n", sec ? " (" : "", sec ? sec : "", sec ? ")" : "");
            continue;
        }
        buf_puts(b, ": ");
        bool sep = false;
        if (pr->parts & (BIT(VALUE) | BIT(UNIT) | BIT(TYPE))) {
            text_param(b, a, pr->a);
            buf_puts(b, " -> ");
            text_param(b, n, pr->b);
            sep = true;
        }
        if (pr->parts & BIT(RANGE)) {
            buf_puts(b, sep ? "; range " : "range ");
            text_param_range(b, a, pr->a);
            buf_puts(b, " -> ");
            text_param_range(b, n, pr->b);
            sep = true;
        }
        if (pr->parts & BIT(SECTION)) {
            buf_puts(b, sep ? "; " : "");
            text_section(b, S(a, a->params[pr->a].section), S(n, n->params[pr->b].section));
        }
        buf_putc(b, '\n');
    }
}

static void text_outcome_head(ByteBuf *b, const GdlProgram *p, const GdlOutcome *o)
{
    buf_printf(b, "%s %s", gdl_outcome_kind_name((OutcomeKind)o->kind), gdl_str(p, o->id));
    if (o->kind == OK_ADVICE)
        buf_printf(b, " %s", gdl_strength_name((GdlStrength)o->strength));
}

/* The text lists the removed, then the added, then the changed. */
static const Change CHANGE_ORDER[] = { CH_REMOVED, CH_ADDED, CH_CHANGED };

static void text_counts(ByteBuf *b, const char *what, const Pair *pairs, uint32_t n)
{
    uint32_t count[3] = { 0 };
    for (uint32_t i = 0; i < n; i++)
        count[pair_change(&pairs[i])]++;
    buf_printf(b, "\n%s: %u added, %u removed, %u changed\n", what, count[CH_ADDED], count[CH_REMOVED],
               count[CH_CHANGED]);
}

static void text_outcomes(ByteBuf *b, const Diff *d)
{
    const GdlProgram *a = d->p[0], *n = d->p[1];
    text_counts(b, "outcomes", d->outcomes, d->noutcomes);
    /* removed and added first (kind by kind, as in a result), then the changed */
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t i = 0; i < d->noutcomes; i++) {
            const Pair *pr = &d->outcomes[i];
            Change ch = pair_change(pr);
            if (ch != CHANGE_ORDER[pass])
                continue;
            const GdlProgram *p = ch == CH_ADDED ? n : a;
            const GdlOutcome *o = &p->outcomes[ch == CH_ADDED ? pr->b : pr->a];
            mark(b, d, ch);
            text_outcome_head(b, p, o);
            if (ch != CH_CHANGED) {
                const char *cl = o->kind == OK_RED_FLAG ? S(p, o->cluster) : NULL;
                buf_printf(b, " (%s%s%s)\n", gdl_str(p, o->section), cl ? ", cluster " : "", cl ? cl : "");
                continue;
            }
            const GdlOutcome *y = &n->outcomes[pr->b];
            buf_puts(b, ": ");
            put_parts(b, pr->parts & ~(BIT(STRENGTH) | BIT(SECTION) | BIT(CLUSTER) | BIT(ACTION)), ", ", false);
            uint32_t shown = pr->parts & ~(BIT(STRENGTH) | BIT(SECTION) | BIT(CLUSTER) | BIT(ACTION));
            const char *sep = shown ? "; " : "";
            if (pr->parts & BIT(STRENGTH)) {
                buf_printf(b, "%sstrength %s -> %s", sep, gdl_strength_name((GdlStrength)o->strength),
                           gdl_strength_name((GdlStrength)y->strength));
                sep = "; ";
            }
            if (pr->parts & BIT(ACTION)) {
                buf_printf(b, "%saction %s -> %s", sep, gdl_action_name((GdlAction)o->action),
                           gdl_action_name((GdlAction)y->action));
                sep = "; ";
            }
            if (pr->parts & BIT(CLUSTER)) {
                const char *x = S(a, o->cluster), *z = S(n, y->cluster);
                buf_printf(b, "%scluster %s -> %s", sep, x ? x : "-", z ? z : "-");
                sep = "; ";
            }
            if (pr->parts & BIT(SECTION)) {
                buf_puts(b, sep);
                text_section(b, S(a, o->section), S(n, y->section));
            }
            buf_putc(b, '\n');
        }
}

static void text_row(ByteBuf *b, const Diff *d, int s, uint32_t f, const Table *t, uint32_t row)
{
    if (t->rows[row].otherwise)
        buf_puts(b, "otherwise ");
    buf_puts(b, "-> ");
    row_value(d->p[s], f, t->rows[row].value, b);
}

static void text_tables(ByteBuf *b, const Diff *d)
{
    const GdlProgram *a = d->p[0], *n = d->p[1];
    buf_printf(b, "\nclassifications: %u changed, added or removed\n", d->ntables);
    for (uint32_t i = 0; i < d->ntables; i++) {
        const TableChange *tc = &d->tables[i];
        const Pair *pr = &tc->pair;
        Change ch = pair_change(pr);
        int s = ch == CH_ADDED ? 1 : 0;
        uint32_t f = s ? pr->b : pr->a;
        const GdlProgram *p = d->p[s];
        mark(b, d, ch);
        buf_printf(b, "%s (%s): values ", gdl_str(p, p->facts[f].name), gdl_str(p, p->facts[f].section));
        table_values(p, f, &tc->t[s], b);
        if (ch != CH_CHANGED) {
            buf_printf(b, "; %u rows\n", tc->t[s].n);
            continue;
        }
        if (pr->parts & BIT(VALUES)) {
            buf_puts(b, " -> ");
            table_values(n, pr->b, &tc->t[1], b);
        }
        if (pr->parts & BIT(SECTION)) {
            buf_puts(b, "; ");
            text_section(b, S(a, a->facts[pr->a].section), S(n, n->facts[pr->b].section));
        }
        if (pr->parts & BIT(OVERRIDE))
            buf_puts(b, "; override changed");
        if (pr->parts & BIT(APPLIES))
            buf_puts(b, "; 'when' changed");
        buf_putc(b, '\n');
        if (tc->meaning_changed) {
            buf_puts(b, "      ");
            if (d->o->colour)
                buf_puts(b, COLOUR[C_BOLD]);
            buf_puts(b, "same name and values, new meaning: the rows that choose them changed");
            if (d->o->colour)
                buf_puts(b, COLOUR[C_OFF]);
            buf_putc(b, '\n');
        }
        for (uint32_t r = 0; r < tc->nrows; r++) {
            const RowChange *rc = &tc->rows[r];
            buf_printf(b, "      row %u (line ", rc->row + 1);
            if (rc->change != CH_ADDED)
                buf_printf(b, "%u", tc->t[0].rows[rc->row].line);
            buf_puts(b, rc->change == CH_CHANGED ? " -> " : "");
            if (rc->change != CH_REMOVED)
                buf_printf(b, "%u", tc->t[1].rows[rc->row].line);
            buf_puts(b, ") ");
            if (rc->change == CH_ADDED) {
                buf_puts(b, "added: ");
                text_row(b, d, 1, pr->b, &tc->t[1], rc->row);
            } else if (rc->change == CH_REMOVED) {
                buf_puts(b, "removed: ");
                text_row(b, d, 0, pr->a, &tc->t[0], rc->row);
            } else {
                buf_puts(b, rc->cond && rc->value ? "condition and value changed: "
                            : rc->cond              ? "condition changed: "
                                                    : "value changed: ");
                text_row(b, d, 0, pr->a, &tc->t[0], rc->row);
                buf_puts(b, "  =>  ");
                text_row(b, d, 1, pr->b, &tc->t[1], rc->row);
            }
            buf_putc(b, '\n');
        }
    }
}

static void text_behaviour(ByteBuf *b, const Diff *d)
{
    const Behaviour *be = &d->beh;
    if (!be->ran)
        return;
    buf_printf(b, "\nbehaviour: %u of %u case%s change (%s)\n", be->changed, be->cases, be->cases == 1 ? "" : "s",
               be->what);
    for (uint32_t k = 0; k < be->keys.nkeys; k++) {
        if (!be->count[k])
            continue;
        buf_printf(b, "  %-44s %6u case%s, %u decided\n", be->keys.keys[k].key, be->count[k],
                   be->count[k] == 1 ? "" : "s", be->decided[k]);
        for (uint32_t j = 0; j < be->nex[k]; j++) {
            const Example *e = &be->ex[(size_t)k * d->o->examples + j];
            buf_printf(b, "      %s (%s): %s -> %s\n", e->case_id[0] ? e->case_id : "(no case_id)", e->source, e->v[0],
                       e->v[1]);
        }
    }
}

static void text_properties(ByteBuf *b, const Diff *d)
{
    const DiffProperties *pa = d->o->props[0], *pb = d->o->props[1];
    if (!pa || !pb) {
        buf_printf(b, "\nproperties: not compared (%s is bytecode: properties are only in the source)\n",
                   !pa ? d->o->old_path : d->o->new_path);
        return;
    }
    text_counts(b, "properties", d->props, d->nprops);
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t i = 0; i < d->nprops; i++) {
            const Pair *pr = &d->props[i];
            Change ch = pair_change(pr);
            if (ch != CHANGE_ORDER[pass])
                continue;
            const DiffProperty *x = ch == CH_ADDED ? &pb->items[pr->b] : &pa->items[pr->a];
            mark(b, d, ch);
            if (ch != CH_CHANGED) {
                buf_printf(b, "property %s (%s)\n", x->name, x->section ? x->section : "-");
                continue;
            }
            const DiffProperty *y = &pb->items[pr->b];
            buf_printf(b, "property %s: ", x->name);
            put_parts(b, pr->parts & ~BIT(SECTION), ", ", false);
            if (pr->parts & BIT(SECTION)) {
                buf_puts(b, pr->parts & ~BIT(SECTION) ? "; " : "");
                text_section(b, x->section, y->section);
            }
            buf_putc(b, '\n');
            if (pr->parts & BIT(CONDITION))
                buf_printf(b, "      %s%s  =>  %s%s\n", x->when ? "when " : "", x->when ? x->when : "(every case)",
                           y->when ? "when " : "", y->when ? y->when : "(every case)");
            if (pr->parts & BIT(EXPECTATIONS))
                buf_printf(b, "      %s  =>  %s\n", x->expects, y->expects);
        }
}

static void write_text(const Diff *d, ByteBuf *b)
{
    const GdlProgram *a = d->p[0], *n = d->p[1];
    buf_printf(b, "gdl diff: %s %s (%s) -> %s %s (%s)\n", gdl_str(a, a->meta.id), gdl_str(a, a->meta.version),
               d->o->old_path, gdl_str(n, n->meta.id), gdl_str(n, n->meta.version), d->o->new_path);
    buf_printf(b, "\nmetadata: %u change%s\n", d->nmeta, d->nmeta == 1 ? "" : "s");
    for (uint32_t i = 0; i < d->nmeta; i++) {
        const MetaChange *m = &d->meta[i];
        mark(b, d, !m->v[0] ? CH_ADDED : !m->v[1] ? CH_REMOVED : CH_CHANGED);
        if (m->v[0] && m->v[1])
            buf_printf(b, "%s: \"%s\" -> \"%s\"\n", m->field, m->v[0], m->v[1]);
        else
            buf_printf(b, "%s \"%s\"\n", m->field, m->v[0] ? m->v[0] : m->v[1]);
    }
    text_params(b, d);
    ByteBuf gone = { 0 }, came = { 0 };
    clusters_only_in(a, n, &gone, false);
    clusters_only_in(n, a, &came, false);
    if (gone.len || came.len) {
        buf_puts(b, "\nred-flag clusters:\n");
        if (gone.len) {
            mark(b, d, CH_REMOVED);
            buf_put(b, gone.data, gone.len);
            buf_putc(b, '\n');
        }
        if (came.len) {
            mark(b, d, CH_ADDED);
            buf_put(b, came.data, came.len);
            buf_putc(b, '\n');
        }
    }
    buf_free(&gone);
    buf_free(&came);
    text_outcomes(b, d);
    text_tables(b, d);
    text_properties(b, d);
    text_behaviour(b, d);
}

/* ---- the command ---------------------------------------------------------- */

static void diff_free(Diff *d)
{
    for (int s = 0; s < 2; s++)
        canon_free(&d->canon[s]);
    free(d->meta);
    free(d->params);
    free(d->outcomes);
    for (uint32_t i = 0; d->tables && i < d->ntables; i++) {
        table_free(&d->tables[i].t[0]);
        table_free(&d->tables[i].t[1]);
        free(d->tables[i].rows);
    }
    free(d->tables);
    free(d->props);
    outputs_free(&d->beh.keys);
    free(d->beh.count);
    free(d->beh.decided);
    free(d->beh.nex);
    free(d->beh.ex);
}

int diff_run(const GdlProgram *old, const GdlProgram *new_, const DiffOptions *o, FILE *out)
{
    Diff d = { .p = { old, new_ }, .o = o };
    int rc = 0;
    if (canon_init(&d.canon[0], old) != 0 || canon_init(&d.canon[1], new_) != 0 || diff_meta(&d) != 0 ||
        diff_params(&d) != 0 || diff_outcomes(&d) != 0 || diff_tables(&d) != 0 || diff_properties(&d) != 0)
        rc = 3;
    if (rc == 0)
        rc = diff_behaviour(&d);
    if (rc == 0 && d.oom)
        rc = 3;
    if (rc == 3)
        fprintf(stderr, "gdl: diff: out of memory\n");
    if (rc == 0) {
        ByteBuf b = { 0 };
        if (o->json)
            write_json(&d, &b);
        else
            write_text(&d, &b);
        if (b.failed) {
            fprintf(stderr, "gdl: diff: out of memory\n");
            rc = 3;
        } else {
            fwrite(b.data, 1, b.len, out);
            bool differ = d.nmeta || d.nparams || d.noutcomes || d.ntables || d.nprops || d.beh.changed;
            rc = differ ? 1 : 0;
        }
        buf_free(&b);
    }
    diff_free(&d);
    return rc;
}
