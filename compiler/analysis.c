/* analysis.c - the findings of gdl verify (analysis.h). Two symbolic runs:
 * the global one (facts as the program computes them) answers "can this
 * ever fire / hold"; the local one (every derived boolean or enum fact read
 * as a free variable) tells a condition that contradicts itself
 * (unsatisfiable) from one that the facts it reads rule out (dead_outcome,
 * unreachable_row). Every counterexample is replayed through the VM and
 * reduced, field by field, to the fields that matter. */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "buf.h"
#include "case_json.h"
#include "date.h"
#include "symexec.h"
#include "test_runner.h"
#include "vm.h"

const char *const FINDING_WORD[FINDING__COUNT] = {
#define K(name, word, level, doc) word,
    FINDING_KINDS(K)
#undef K
};
const Severity FINDING_LEVEL[FINDING__COUNT] = {
#define K(name, word, level, doc) level,
    FINDING_KINDS(K)
#undef K
};
const char *const FINDING_DOC[FINDING__COUNT] = {
#define K(name, word, level, doc) doc,
    FINDING_KINDS(K)
#undef K
};

typedef struct {
    Compiler *c;
    const GdlProgram *p;
    Findings *out;
    SxEngine global, local;
    bool local_done;
    Symbol **sym_of_fact;
    double *params;
    GdlVm vm;
} Ctx;

/* ---- findings -------------------------------------------------------- */

static Finding *add(Ctx *x, FindingKind kind, SrcSpan span, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A new finding of kind at level, counted. */
static Finding *append(Findings *o, FindingKind kind, Severity level)
{
    if (o->count == o->cap) {
        uint32_t cap = o->cap ? o->cap * 2 : 32;
        Finding *n = realloc(o->items, sizeof(Finding) * cap);
        if (!n)
            return NULL;
        o->items = n;
        o->cap = cap;
    }
    Finding *f = &o->items[o->count++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->level = level;
    if (level == SEV_ERROR) o->errors++;
    if (level == SEV_WARNING) o->warnings++;
    if (kind == FINDING_PROPERTY_PROVED) o->proved++;
    if (kind == FINDING_PROPERTY_VIOLATED) o->violated++;
    return f;
}

void findings_add_diag(void *findings, Severity sev, const char *path, uint32_t line, uint32_t col, const char *msg)
{
    Finding *f = append(findings, FINDING_COMPILE, sev);
    if (!f)
        return;
    snprintf(f->file, sizeof f->file, "%s", path);
    f->line = line;
    f->col = col;
    snprintf(f->rule, sizeof f->rule, "compile");
    snprintf(f->message, sizeof f->message, "%s", msg);
}

static Finding *add(Ctx *x, FindingKind kind, SrcSpan span, const char *rule, const char *fmt, ...)
{
    Finding *f = append(x->out, kind, FINDING_LEVEL[kind]);
    if (!f)
        return NULL;
    f->span = span;
    snprintf(f->file, sizeof f->file, "%s", x->c->sources.files[span.file].path);
    source_line_col(&x->c->sources, span.file, span.start, &f->line, &f->col);
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    return f;
}

static void relate(Ctx *x, Finding *f, const char *rule, SrcSpan span)
{
    if (!f || f->nrelated == FINDING_MAX_RELATED)
        return;
    uint32_t col;
    snprintf(f->related[f->nrelated].rule, sizeof f->related[0].rule, "%s", rule);
    snprintf(f->related[f->nrelated].file, sizeof f->related[0].file, "%s", x->c->sources.files[span.file].path);
    source_line_col(&x->c->sources, span.file, span.start, &f->related[f->nrelated].line, &col);
    f->nrelated++;
}

void findings_free(Findings *f)
{
    for (uint32_t i = 0; i < f->count; i++)
        free(f->items[i].counterexample);
    free(f->items);
    memset(f, 0, sizeof *f);
}

static const char *kind_word(const AstNode *o)
{
    return gdl_outcome_kind_name((OutcomeKind)o->op);
}

static void outcome_rule(const AstNode *o, char *buf, size_t len)
{
    if (o->op == OK_ADVICE)
        snprintf(buf, len, "advice:%s %s", o->name, o->strength);
    else
        snprintf(buf, len, "%s:%s", kind_word(o), o->name);
}

/* ---- counterexamples ------------------------------------------------- */

/* The case of one assignment: every input at its point; unknown ones absent. */
char *analysis_case_json(const SxEngine *e, const uint32_t *point, const bool *drop, const char *case_id)
{
    const GdlProgram *p = e->p;
    ByteBuf b = { 0 };
    bool first = true;
    buf_putc(&b, '{');
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const SxDomain *d = &e->dom[i];
        if ((d->has_unknown && point[i] == 0) || (drop && drop[i]))
            continue;
        const GdlFact *f = &p->facts[i];
        double v = d->points[point[i]];
        buf_puts(&b, first ? "" : ", ");
        first = false;
        buf_json_string(&b, gdl_str(p, f->name), strlen(gdl_str(p, f->name)));
        buf_puts(&b, ": ");
        char date[11];
        switch (f->type) {
        case GT_BOOL: buf_puts(&b, v ? "true" : "false"); break;
        case GT_ENUM: {
            const char *s = gdl_str(p, p->syms[f->sym_first + (uint32_t)v]);
            buf_json_string(&b, s, strlen(s));
            break;
        }
        case GT_DATE:
            gdl_date_format((int32_t)v, date);
            buf_json_string(&b, date, 10);
            break;
        case GT_STRING: {
            const char *text = case_id && strcmp(gdl_str(p, f->name), "case_id") == 0 ? case_id : d->strings[point[i]];
            buf_json_string(&b, text, strlen(text));
            break;
        }
        case GT_LIST_INT:
            buf_putc(&b, '[');
            for (uint32_t k = 0; k < d->list_lens[point[i]]; k++) {
                buf_puts(&b, k ? ", " : "");
                buf_json_number(&b, d->lists[point[i]][k]);
            }
            buf_putc(&b, ']');
            break;
        default: buf_json_number(&b, v); break;
        }
    }
    buf_putc(&b, '}');
    buf_putc(&b, '\0');
    return (char *)b.data;
}

/* The replay finds what it checks again from the finding's rule names. */
static AstNode *property_named(Compiler *c, const char *rule)
{
    const char *name = rule + strlen("property:");
    for (uint32_t i = 0; i < c->properties.count; i++)
        if (strcmp(c->properties.items[i]->name, name) == 0)
            return c->properties.items[i];
    return NULL;
}

/* The fact of an outcome rule "kind:id" or "advice:id strength". */
static int outcome_fact(const GdlProgram *p, const char *rule)
{
    char kind[32], id[128], strength[32] = "";
    if (sscanf(rule, "%31[^:]:%127s %31s", kind, id, strength) < 2)
        return -1;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        if (strcmp(gdl_outcome_kind_name((OutcomeKind)o->kind), kind) == 0 && strcmp(gdl_str(p, o->id), id) == 0
            && (!strength[0] || strcmp(gdl_strength_name((GdlStrength)o->strength), strength) == 0))
            return o->cond;
    }
    return -1;
}

/* The row facts of a unique table named in a rule "classify:NAME". */
static AstNode *unique_table(Compiler *c, const char *rule)
{
    Symbol *s = strncmp(rule, "classify:", 9) == 0 ? sym_lookup(c, rule + 9) : NULL;
    return s && s->kind == SYM_CLASSIFY && (s->decl->flags & CLASSIFY_UNIQUE) ? s->decl : NULL;
}

static int row_truth(const GdlVm *vm, const AstNode *row)
{
    const Symbol *s = row->a ? row->ref : NULL;
    return s && s->fact >= 0 ? gdl_fact_truth(vm, (uint32_t)s->fact) : -2;
}

/* The multi-column table named in a rule "classify:NAME". */
static AstNode *column_table(Compiler *c, const char *rule)
{
    Symbol *s = strncmp(rule, "classify:", 9) == 0 ? sym_lookup(c, rule + 9) : NULL;
    return s && s->kind == SYM_CLASSIFY && s->decl->b ? s->decl : NULL;
}

/* The cell of a row of cells in column j, when the row tests it (verify made
 * its test a fact), else NULL. */
static const AstNode *tested_cell(const AstNode *row, uint32_t j)
{
    if (!row->cells || j >= row->cells->list.count)
        return NULL;
    const AstNode *cell = row->cells->list.items[j];
    const Symbol *s = cell->a ? cell->ref : NULL;
    return s && s->fact >= 0 ? cell : NULL;
}

/* The truth of a tested cell in the VM's run: 1, 0, -1 unknown. */
static int cell_truth(const GdlVm *vm, const AstNode *cell)
{
    return gdl_fact_truth(vm, (uint32_t)((const Symbol *)cell->ref)->fact);
}

static bool replay_column(Compiler *c, const GdlVm *vm, const Finding *f)
{
    AstNode *t = column_table(c, f->rule);
    if (!t)
        return false;
    if (f->kind == FINDING_COLUMN_OVERLAP) {
        const AstNode *a = f->rows[0] < t->list.count ? tested_cell(t->list.items[f->rows[0]], f->column) : NULL;
        const AstNode *b = f->rows[1] < t->list.count ? tested_cell(t->list.items[f->rows[1]], f->column) : NULL;
        return a && b && cell_truth(vm, a) == 1 && cell_truth(vm, b) == 1;
    }
    for (uint32_t i = 0; i < t->list.count; i++) {
        const AstNode *cell = tested_cell(t->list.items[i], f->column);
        if (t->list.items[i]->cells && (!cell || cell_truth(vm, cell) != 0))
            return false;
    }
    return true;
}

static bool replay(Compiler *c, GdlVm *vm, const Finding *f, const char *json, char *why, size_t whylen)
{
    const GdlProgram *p = vm->p;
    GdlCaseErrors errs;
    if (why && whylen)
        why[0] = '\0';
    if (gdl_case_load_json(vm, json, strlen(json), &errs) != 0) {
        if (why)
            snprintf(why, whylen, "the case is not valid: %s%s%s", errs.items[0].has_field ? errs.items[0].field : "",
                     errs.items[0].has_field ? ": " : "", errs.items[0].message);
        return false;
    }
    gdl_vm_run(vm);
    if (f->kind == FINDING_CONTRADICTION) {
        int a = outcome_fact(p, f->rule), b = outcome_fact(p, f->related[0].rule);
        return a >= 0 && b >= 0 && gdl_fact_truth(vm, (uint32_t)a) == 1 && gdl_fact_truth(vm, (uint32_t)b) == 1;
    }
    if (f->kind == FINDING_COLUMN_OVERLAP || f->kind == FINDING_COLUMN_GAP)
        return replay_column(c, vm, f);
    if (f->kind == FINDING_OVERLAP || f->kind == FINDING_GAP) {
        AstNode *t = unique_table(c, f->rule);
        if (!t)
            return false;
        if (f->kind == FINDING_OVERLAP)
            return f->rows[0] < t->list.count && f->rows[1] < t->list.count
                && row_truth(vm, t->list.items[f->rows[0]]) == 1 && row_truth(vm, t->list.items[f->rows[1]]) == 1;
        for (uint32_t i = 0; i < t->list.count; i++)
            if (t->list.items[i]->a && row_truth(vm, t->list.items[i]) != 0)
                return false;
        return true;
    }
    if (f->kind == FINDING_PROPERTY_VIOLATED) {
        AstNode *prop = property_named(c, f->rule);
        Symbol *s = prop ? prop->ref : NULL;
        if (!s || s->fact < 0 || gdl_fact_truth(vm, (uint32_t)s->fact) != 1)
            return false;
        bool failed = false;
        ByteBuf msg = { 0 };
        size_t used = 0;
        for (uint32_t i = 0; i < prop->list2.count; i++) {
            msg.len = 0;
            if (!test_expect_holds(vm, prop->list2.items[i], &msg)) {
                if (why && used + 4 < whylen) {
                    int n = snprintf(why + used, whylen - used, "%s%.*s", failed ? "; " : "", (int)msg.len,
                                     (const char *)msg.data);
                    used += n > 0 ? (size_t)n : 0;
                    if (used >= whylen)
                        used = whylen - 1;
                }
                failed = true;
            }
        }
        buf_free(&msg);
        return failed;
    }
    return false;
}

bool analysis_reproduces(Compiler *c, const GdlProgram *p, const Finding *f, const char *json, char *why, size_t whylen)
{
    GdlVm vm;
    if (gdl_vm_init(&vm, p) != 0)
        return false;
    bool ok = replay(c, &vm, f, json, why, whylen);
    gdl_vm_free(&vm);
    return ok;
}

/* A counterexample for f from the cases in `where`: the least assignment,
 * checked by the VM, then every field dropped that the finding does not
 * need. -1 (internal error) when the VM does not agree. */
static int counterexample(Ctx *x, Finding *f, Bdd where, char *why, size_t whylen)
{
    const GdlProgram *p = x->p;
    uint32_t *point = calloc(p->ninputs + 1, sizeof(uint32_t));
    bool *drop = calloc(p->ninputs + 1, sizeof(bool));
    int rc = 0;
    if (!point || !drop || !sx_pick(&x->global, where, point)) {
        snprintf(x->out->internal, sizeof x->out->internal, "%s: no case found for %s", f->rule, FINDING_WORD[f->kind]);
        rc = -1;
    }
    char *json = rc ? NULL : analysis_case_json(&x->global, point, NULL, NULL);
    if (!rc && (!json || !replay(x->c, &x->vm, f, json, why, whylen))) {
        snprintf(x->out->internal, sizeof x->out->internal,
                 "%.200s:%u:%u: the counterexample for %s '%.100s' does not reproduce in the VM: %.150s", f->file, f->line, f->col,
                 FINDING_WORD[f->kind], f->rule, json ? json : "(out of memory)");
        rc = -1;
    }
    for (uint32_t i = 0; !rc && i < p->ninputs; i++) {
        const SxDomain *d = &x->global.dom[i];
        if (!d->has_unknown || point[i] == 0)
            continue;
        drop[i] = true;
        char *smaller = analysis_case_json(&x->global, point, drop, NULL);
        if (smaller && replay(x->c, &x->vm, f, smaller, why, whylen)) {
            free(json);
            json = smaller;
        } else {
            drop[i] = false;
            free(smaller);
        }
    }
    if (!rc)
        replay(x->c, &x->vm, f, json, why, whylen);     /* why: of the case reported */
    f->counterexample = rc ? NULL : json;
    if (rc)
        free(json);
    free(point);
    free(drop);
    return rc;
}

/* ---- the checks ------------------------------------------------------ */

static bool never(SxEngine *e, Bdd g)
{
    return bdd_and(&e->bdd, g, e->valid) == BDD_FALSE;
}

static int need_local(Ctx *x)
{
    if (x->local_done)
        return 0;
    x->local_done = true;
    if (sx_run(&x->local, x->p, x->params, true)) {
        snprintf(x->out->internal, sizeof x->out->internal, "%s", x->local.error);
        return -1;
    }
    return 0;
}

static int check_outcomes(Ctx *x)
{
    const GdlProgram *p = x->p;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        uint32_t fact = p->outcomes[i].cond;
        Symbol *s = x->sym_of_fact[fact];
        if (!s || !s->decl)
            continue;
        AstNode *o = s->decl;
        if (!never(&x->global, sx_true(&x->global, &x->global.facts[fact])))
            continue;
        if (need_local(x))
            return -1;
        char rule[160];
        outcome_rule(o, rule, sizeof rule);
        if (never(&x->local, sx_true(&x->local, &x->local.computed[fact])))
            add(x, FINDING_UNSATISFIABLE, o->a ? o->a->span : o->name_span, rule,
                "the condition of %s '%s' is never true, whatever the facts it reads", kind_word(o), o->name);
        else
            add(x, FINDING_DEAD_OUTCOME, o->name_span, rule,
                "%s '%s' can never fire: the facts its condition reads are never as it requires for any case",
                kind_word(o), o->name);
    }
    return 0;
}

static int check_defines(Ctx *x)
{
    const GdlProgram *p = x->p;
    for (uint32_t f = p->ninputs; f < p->nfacts; f++) {
        Symbol *s = x->sym_of_fact[f];
        if (!s || s->kind != SYM_DEFINE || !s->decl || s->decl->kind != AST_DEFINE || p->facts[f].type != GT_BOOL)
            continue;
        if (!never(&x->global, sx_true(&x->global, &x->global.facts[f])))
            continue;
        if (need_local(x))
            return -1;
        if (never(&x->local, sx_true(&x->local, &x->local.computed[f]))) {
            char rule[160];
            snprintf(rule, sizeof rule, "define:%s", s->name);
            add(x, FINDING_UNSATISFIABLE, s->decl->a->span, rule, "define '%s' is never true, whatever the facts it reads",
                s->name);
        }
    }
    return 0;
}

static int check_rows(Ctx *x)
{
    SxEngine *g = &x->global;
    for (uint32_t i = 0; i < g->nrows; i++) {
        const SxRow *r = &g->rows[i];
        Symbol *s = r->fact < x->p->nfacts ? x->sym_of_fact[r->fact] : NULL;
        if (!s || s->kind != SYM_CLASSIFY || r->row >= s->decl->list.count)
            continue;
        AstNode *row = s->decl->list.items[r->row];
        bool unique = s->decl->flags & CLASSIFY_UNIQUE;
        if (!never(g, r->chosen) || (unique && (r->otherwise || !never(g, r->cond_true))))
            continue;       /* a unique table's shadowed rows are overlaps (check_unique_tables) */
        char rule[160];
        snprintf(rule, sizeof rule, "classify:%s", s->name);
        if (!r->otherwise && never(g, r->cond_true)) {
            if (need_local(x))
                return -1;
            if (i < x->local.nrows && never(&x->local, x->local.rows[i].cond_true)) {
                add(x, FINDING_UNSATISFIABLE, row->a->span, rule,
                    "the condition of row %u of classification '%s' is never true, whatever the facts it reads", r->row + 1,
                    s->name);
                continue;
            }
        }
        add(x, FINDING_UNREACHABLE_ROW, row->span, rule,
            "row %u of classification '%s' can never be chosen: %s", r->row + 1, s->name,
            r->otherwise ? "the rows above decide every case" : "the rows above take every case where it holds");
    }
    return 0;
}

/* Unique tables: no two rows hold for one case (overlap), and for every
 * case some row does not fail (gap: every row known false). */
static int check_unique_tables(Ctx *x)
{
    SxEngine *g = &x->global;
    char why[256];
    for (Symbol *s = x->c->syms.first; s; s = s->order_next) {
        if (s->kind != SYM_CLASSIFY || !(s->decl->flags & CLASSIFY_UNIQUE))
            continue;
        AstList *rows = &s->decl->list;
        char rule[160];
        snprintf(rule, sizeof rule, "classify:%s", s->name);
        Bdd none = BDD_TRUE;
        for (uint32_t i = 0; i < rows->count; i++) {
            AstNode *ri = rows->items[i];
            Symbol *fi = ri->a ? ri->ref : NULL;
            if (!fi || fi->fact < 0)
                continue;
            Bdd ti = sx_true(g, &g->facts[fi->fact]);
            none = bdd_and(&g->bdd, none, sx_false(g, &g->facts[fi->fact]));
            for (uint32_t j = i + 1; j < rows->count; j++) {
                AstNode *rj = rows->items[j];
                Symbol *fj = rj->a ? rj->ref : NULL;
                if (!fj || fj->fact < 0)
                    continue;
                Bdd both = bdd_and(&g->bdd, ti, sx_true(g, &g->facts[fj->fact]));
                if (never(g, both))
                    continue;
                Finding *f = add(x, FINDING_OVERLAP, rj->span, rule, "rows %u and %u of unique classification '%s' both hold for one case",
                                 i + 1, j + 1, s->name);
                if (!f)
                    return -1;
                f->rows[0] = i;
                f->rows[1] = j;
                char other[192];
                snprintf(other, sizeof other, "%.160s row %u", rule, i + 1);
                relate(x, f, other, ri->span);
                if (counterexample(x, f, both, why, sizeof why))
                    return -1;
            }
        }
        if (never(g, none))
            continue;
        Finding *f = add(x, FINDING_GAP, s->decl->name_span, rule,
                         "no row of unique classification '%s' holds for some case (every row is false)", s->name);
        if (!f || counterexample(x, f, none, why, sizeof why))
            return -1;
    }
    return 0;
}

static bool same_value(const AstNode *a, const AstNode *b)
{
    return a->kind == AST_NAME ? b->kind == AST_NAME && strcmp(a->name, b->name) == 0 : b->kind == AST_NUM && a->num == b->num;
}

/* Multi-column tables, column by column (docs/verify.md): two cells of rows
 * with different values that hold for one value of the column overlap; for a
 * column every row of cells tests, a known value no cell holds for is a gap.
 * Warnings: the hit policy decides such a case, the guideline says why. */
static int check_table_columns(Ctx *x)
{
    SxEngine *g = &x->global;
    char why[256];
    for (Symbol *s = x->c->syms.first; s; s = s->order_next) {
        if (s->kind != SYM_CLASSIFY || !s->decl->b)
            continue;
        AstNode *cols = s->decl->b;
        AstList *rows = &s->decl->list;
        char rule[160];
        snprintf(rule, sizeof rule, "classify:%s", s->name);
        for (uint32_t j = 0; j < cols->list.count; j++) {
            const char *col = cols->list.items[j]->name;
            Bdd none = BDD_TRUE;
            bool every_row = true;
            for (uint32_t i = 0; i < rows->count; i++) {
                AstNode *ri = rows->items[i];
                const AstNode *ci = tested_cell(ri, j);
                if (!ci) {
                    every_row &= !ri->cells;
                    continue;
                }
                Bdd ti = sx_true(g, &g->facts[((Symbol *)ci->ref)->fact]);
                none = bdd_and(&g->bdd, none, sx_false(g, &g->facts[((Symbol *)ci->ref)->fact]));
                for (uint32_t k = i + 1; k < rows->count; k++) {
                    const AstNode *ck = tested_cell(rows->items[k], j);
                    if (!ck || same_value(ri->b, rows->items[k]->b))
                        continue;
                    Bdd both = bdd_and(&g->bdd, ti, sx_true(g, &g->facts[((Symbol *)ck->ref)->fact]));
                    if (never(g, both))
                        continue;
                    Finding *f = add(x, FINDING_COLUMN_OVERLAP, ck->span, rule,
                                     "column '%s' of classification '%s': the cells of rows %u and %u both hold for one value",
                                     col, s->name, i + 1, k + 1);
                    if (!f)
                        return -1;
                    f->rows[0] = i;
                    f->rows[1] = k;
                    f->column = j;
                    char other[192];
                    snprintf(other, sizeof other, "%.160s row %u", rule, i + 1);
                    relate(x, f, other, ci->span);
                    if (counterexample(x, f, both, why, sizeof why))
                        return -1;
                }
            }
            if (!every_row || never(g, none))
                continue;
            Finding *f = add(x, FINDING_COLUMN_GAP, cols->list.items[j]->span, rule,
                             "column '%s' of classification '%s': a known value matches no row's cell", col, s->name);
            if (!f)
                return -1;
            f->column = j;
            if (counterexample(x, f, none, why, sizeof why))
                return -1;
        }
    }
    return 0;
}

static int check_contradictions(Ctx *x)
{
    const GdlProgram *p = x->p;
    SxEngine *g = &x->global;
    char why[512];
    for (uint32_t i = 0; i < p->noutcomes; i++)
        for (uint32_t j = 0; j < p->noutcomes; j++) {
            const GdlOutcome *a = &p->outcomes[i], *b = &p->outcomes[j];
            if (a->kind != OK_ADVICE || b->kind != OK_ADVICE || a->id != b->id
                || gdl_strength_direction((GdlStrength)a->strength) <= 0
                || gdl_strength_direction((GdlStrength)b->strength) >= 0)
                continue;
            Bdd both = bdd_and(&g->bdd, sx_true(g, &g->facts[a->cond]), sx_true(g, &g->facts[b->cond]));
            if (never(g, both))
                continue;
            Symbol *sa = x->sym_of_fact[a->cond], *sb = x->sym_of_fact[b->cond];
            char ra[160], rb[160];
            outcome_rule(sa->decl, ra, sizeof ra);
            outcome_rule(sb->decl, rb, sizeof rb);
            Finding *f = add(x, FINDING_CONTRADICTION, sa->decl->name_span, ra,
                             "advice '%s' can be both '%s' and '%s' for one case", gdl_str(p, a->id),
                             gdl_strength_name((GdlStrength)a->strength), gdl_strength_name((GdlStrength)b->strength));
            relate(x, f, rb, sb->decl->name_span);
            if (f && counterexample(x, f, both, why, sizeof why))
                return -1;
        }
    return 0;
}

static Bdd expectation(Ctx *x, const AstNode *e)
{
    const GdlProgram *p = x->p;
    SxEngine *g = &x->global;
    Bdd holds = BDD_FALSE;
    const char *kind = e->name;
    if (strcmp(kind, "classification") == 0 || strcmp(kind, "value") == 0) {
        int f = test_fact_by_name(p, e->name2);
        if (f < 0)
            return BDD_FALSE;
        const SxVal *v = &g->facts[f];
        const AstNode *want = e->a;
        const GdlFact *fact = &p->facts[f];
        if (want->kind == AST_UNKNOWN_LIT) {
            holds = v->unk;
        } else if (want->kind == AST_NAME) {
            for (uint32_t i = 0; i < fact->sym_count; i++)
                if (strcmp(gdl_str(p, p->syms[fact->sym_first + i]), want->name) == 0)
                    holds = sx_equals(g, v, i);
        } else if (want->kind == AST_BOOL) {
            holds = want->flags ? sx_true(g, v) : sx_false(g, v);
        } else {
            holds = sx_equals(g, v, want->num);
        }
    } else {
        bool urgent = e->str && strcmp(e->str, "urgent") == 0;
        for (uint32_t i = 0; i < p->noutcomes; i++) {
            const GdlOutcome *o = &p->outcomes[i];
            if (strcmp(gdl_outcome_kind_name((OutcomeKind)o->kind), kind) != 0 || strcmp(gdl_str(p, o->id), e->name2) != 0)
                continue;
            if (urgent ? !o->urgent : (e->str && strcmp(gdl_strength_name((GdlStrength)o->strength), e->str) != 0))
                continue;
            holds = bdd_or(&g->bdd, holds, sx_true(g, &g->facts[o->cond]));
        }
    }
    return (e->flags & EXPECT_NEGATED) ? bdd_not(&g->bdd, holds) : holds;
}

static int check_properties(Ctx *x)
{
    SxEngine *g = &x->global;
    char why[1024];
    for (uint32_t i = 0; i < x->c->properties.count; i++) {
        AstNode *prop = x->c->properties.items[i];
        Symbol *s = prop->ref;
        if (!s || s->fact < 0)
            continue;
        char rule[160];
        snprintf(rule, sizeof rule, "property:%s", prop->name);
        const char *section = prop->b ? prop->b->str : "";
        Bdd premise = sx_true(g, &g->facts[s->fact]);
        if (never(g, premise)) {
            add(x, FINDING_UNSATISFIABLE, prop->a ? prop->a->span : prop->name_span, rule,
                "the premise of property '%s' is never true: the property says nothing", prop->name);
            continue;
        }
        Bdd all = BDD_TRUE;
        for (uint32_t k = 0; k < prop->list2.count; k++)
            all = bdd_and(&g->bdd, all, expectation(x, prop->list2.items[k]));
        Bdd violated = bdd_and_not(&g->bdd, premise, all);
        if (g->bdd.overflow) {
            snprintf(x->out->internal, sizeof x->out->internal, "property '%s': the decision diagrams grew too large",
                     prop->name);
            return -1;
        }
        if (never(g, violated)) {
            add(x, FINDING_PROPERTY_PROVED, prop->name_span, rule, "property '%s' (%s) holds for every case", prop->name,
                section);
            continue;
        }
        Finding *f = add(x, FINDING_PROPERTY_VIOLATED, prop->name_span, rule, "property '%s' (%s) does not hold",
                         prop->name, section);
        if (!f || counterexample(x, f, violated, why, sizeof why))
            return -1;
        size_t n = strlen(f->message);
        snprintf(f->message + n, sizeof f->message - n, ": %s", why);
    }
    return 0;
}

static int check_unused(Ctx *x)
{
    Compiler *c = x->c;
    for (Symbol *s = c->syms.first; s; s = s->order_next) {
        if (s->used || !s->decl || s->decl->span.file != c->main_file)
            continue;
        static const struct { SymKind kind; const char *rule, *word; } WHAT[] = {
            { SYM_PARAM, "param", "parameter" }, { SYM_DEFINE, "define", "define" }, { SYM_FN, "fn", "function" },
            { SYM_INPUT, "input", "input" },
        };
        for (size_t k = 0; k < sizeof WHAT / sizeof WHAT[0]; k++) {
            if (WHAT[k].kind != s->kind || (s->kind == SYM_INPUT && (s->decl->flags & INPUT_REQUIRED)))
                continue;
            char rule[160];
            snprintf(rule, sizeof rule, "%s:%s", WHAT[k].rule, s->name);
            add(x, FINDING_UNUSED, s->decl->name_span, rule, "%s '%s' is never read", WHAT[k].word, s->name);
        }
    }
    /* Imported inputs never read: one finding per module, at its import. */
    for (uint32_t i = 0; i < c->items.count; i++) {
        AstNode *imp = c->items.items[i];
        if (imp->kind != AST_IMPORT || imp->span.file != c->main_file)
            continue;
        ByteBuf names = { 0 };
        uint32_t n = 0;
        for (Symbol *s = c->syms.first; s; s = s->order_next) {
            if (s->kind != SYM_INPUT || s->used || !s->decl || s->decl->span.file == c->main_file
                || (s->decl->flags & INPUT_REQUIRED))
                continue;
            /* the module's file is <dir>/a/b.gdl for import a.b */
            const char *path = c->sources.files[s->decl->span.file].path;
            char want[256];
            snprintf(want, sizeof want, "%s.gdl", imp->name);
            for (char *d = want; *d; d++)
                if (*d == '.' && strcmp(d, ".gdl") != 0)
                    *d = '/';
            size_t lp = strlen(path), lw = strlen(want);
            if (lp < lw || strcmp(path + lp - lw, want) != 0 || (lp > lw && path[lp - lw - 1] != '/'))
                continue;
            buf_printf(&names, "%s%s", n ? ", " : "", s->name);
            n++;
        }
        if (n) {
            char rule[160];
            snprintf(rule, sizeof rule, "import:%s", imp->name);
            add(x, FINDING_UNUSED, imp->name_span, rule, "%u input%s of %s %s never read by this guideline: %.*s", n,
                n == 1 ? "" : "s", imp->name, n == 1 ? "is" : "are", (int)names.len, (const char *)names.data);
        }
        buf_free(&names);
    }
    return 0;
}

static void note_inexact(Ctx *x)
{
    Compiler *c = x->c;
    for (Symbol *s = c->syms.first; s; s = s->order_next) {
        if (s->kind != SYM_INPUT || s->fact < 0 || !x->global.dom[s->fact].inexact)
            continue;
        char rule[160];
        snprintf(rule, sizeof rule, "input:%s", s->name);
        add(x, FINDING_INEXACT, s->decl->name_span, rule, "'%s' is not covered exactly (%s); findings that depend on it may be incomplete",
            s->name, x->global.dom[s->fact].inexact);
    }
}

/* Findings in source order: file, line, column, then kind and rule. */
static int by_location(const void *a, const void *b)
{
    const Finding *x = a, *y = b;
    if (x->span.file != y->span.file) return x->span.file < y->span.file ? -1 : 1;
    if (x->span.start != y->span.start) return x->span.start < y->span.start ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    int r = strcmp(x->rule, y->rule);
    return r ? r : strcmp(x->message, y->message);
}

int analysis_run(Compiler *c, const GdlProgram *p, Findings *out)
{
    Ctx x = { .c = c, .p = p, .out = out };
    uint32_t first = out->count;
    int rc = -1;
    x.sym_of_fact = calloc(p->nfacts + 1, sizeof(Symbol *));
    x.params = calloc(p->nparams + 1, sizeof(double));
    if (!x.sym_of_fact || !x.params || gdl_vm_init(&x.vm, p) != 0) {
        snprintf(out->internal, sizeof out->internal, "out of memory");
        free(x.sym_of_fact);
        free(x.params);
        return -1;
    }
    for (uint32_t i = 0; i < p->nparams; i++)
        x.params[i] = p->params[i].value;
    for (Symbol *s = c->syms.first; s; s = s->order_next)
        if (s->fact >= 0 && (uint32_t)s->fact < p->nfacts)
            x.sym_of_fact[s->fact] = s;
    for (uint32_t i = 0; i < c->nderived; i++)
        if (c->derived[i]->fact >= 0 && (uint32_t)c->derived[i]->fact < p->nfacts)
            x.sym_of_fact[c->derived[i]->fact] = c->derived[i];
    if (sx_run(&x.global, p, x.params, false)) {
        snprintf(out->internal, sizeof out->internal, "%s", x.global.error);
    } else if (!check_outcomes(&x) && !check_defines(&x) && !check_rows(&x) && !check_contradictions(&x) && !check_unique_tables(&x)
               && !check_table_columns(&x)
               && !check_properties(&x) && !check_unused(&x)) {
        note_inexact(&x);
        rc = 0;
    }
    sx_free(&x.global);
    if (x.local_done)
        sx_free(&x.local);
    gdl_vm_free(&x.vm);
    free(x.sym_of_fact);
    free(x.params);
    if (out->count > first)
        qsort(out->items + first, out->count - first, sizeof(Finding), by_location);
    return rc;
}

int analysis_boundary_cases(const GdlProgram *p, FILE *out, char *err, size_t errlen)
{
    double *params = calloc(p->nparams + 1, sizeof(double));
    uint32_t *point = calloc(p->ninputs + 1, sizeof(uint32_t));
    SxEngine e;
    int rc = 0;
    if (!params || !point) {
        snprintf(err, errlen, "out of memory");
        free(params);
        free(point);
        return -1;
    }
    for (uint32_t i = 0; i < p->nparams; i++)
        params[i] = p->params[i].value;
    if (sx_domains(&e, p, params)) {
        snprintf(err, errlen, "%s", e.error);
        rc = -1;
    }
    uint32_t n = 0;
    /* First every input at point 0 (unknown, or the first value of a required
     * one), then input by input, each of its other points. */
    for (uint32_t step = 0; rc == 0 && step <= p->ninputs; step++) {
        uint32_t i = step == 0 ? p->ninputs : step - 1;
        const SxDomain *d = i < p->ninputs ? &e.dom[i] : NULL;
        if (d && !d->read)
            continue;
        for (uint32_t k = d ? d->has_unknown : 0; rc == 0 && k < (d ? d->npoints : 1); k++) {
            memset(point, 0, sizeof(uint32_t) * p->ninputs);
            if (d) {
                point[i] = k;
                if (d->partner >= 0)    /* a from-date counts from its to-date */
                    point[d->partner] = e.dom[d->partner].has_unknown;
            }
            char id[32];
            snprintf(id, sizeof id, "boundary-%u", ++n);
            char *json = analysis_case_json(&e, point, NULL, id);
            if (!json) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            fprintf(out, "%s\n", json);
            free(json);
        }
    }
    sx_free(&e);
    free(params);
    free(point);
    return rc;
}
