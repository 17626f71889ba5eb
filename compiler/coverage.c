/* coverage.c - gdl test --coverage: what the guideline's own tests exercise.
 * Each test's case runs through the VM (compiled with a fact per table row)
 * and leaves marks: an outcome that fired and one shown not firing, the row
 * that chose a table's value, and every input value at a threshold or one
 * step beside it. The thresholds are the constants each input is compared
 * with, found by symexec.c's first pass. */
#include "coverage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "buf.h"
#include "case_json.h"
#include "symexec.h"
#include "test_runner.h"
#include "vm.h"

enum { SEEN_AT = 1, SEEN_BELOW = 2, SEEN_ABOVE = 4, SEEN_ALL = 7 };

/* The sides of threshold c that input f's range allows (SEEN_*): a value
 * one step below 1 in an int [1, 3] cannot be tested, so it is not asked for. */
static uint8_t possible_sides(const GdlFact *f, double c)
{
    bool integral = f->type == GT_INT || f->type == GT_DATE;
    uint8_t sides = 0;
    if (gdl_in_range(f->flags, f->min, f->max, c))
        sides |= SEEN_AT;
    if (integral ? gdl_in_range(f->flags, f->min, f->max, c - 1) : !(f->flags & IN_HAS_MIN) || f->min < c)
        sides |= SEEN_BELOW;
    if (integral ? gdl_in_range(f->flags, f->min, f->max, c + 1) : !(f->flags & IN_HAS_MAX) || f->max > c)
        sides |= SEEN_ABOVE;
    return sides;
}

typedef struct {
    Compiler *c;
    const GdlProgram *p;
    uint8_t *fired, *not_fired;     /* per outcome */
    Symbol **tables;                /* classifications in declaration order */
    uint32_t ntables;
    uint8_t **chosen;               /* per table, per row */
    SxEngine e;                     /* domains only: the thresholds */
    uint8_t **threshold_seen;       /* per input, per threshold: SEEN_* */
} Cov;

/* Which row of table t gave its value for the case in vm, or -1 (override
 * known, or a row unknown). */
static int chosen_row(const Cov *cv, const GdlVm *vm, const Symbol *t)
{
    const AstNode *d = t->decl;
    if (d->name2) {
        const Symbol *ov = sym_lookup(cv->c, d->name2);
        if (ov && ov->fact >= 0 && vm->facts[ov->fact].tag != VT_UNKNOWN)
            return -1;
    }
    for (uint32_t i = 0; i < d->list.count; i++) {
        const AstNode *row = d->list.items[i];
        if (!row->a)
            return (int)i;
        const Symbol *rs = row->ref;
        int truth = rs && rs->fact >= 0 ? gdl_fact_truth(vm, (uint32_t)rs->fact) : -1;
        if (truth == 1)
            return (int)i;
        if (truth != 0)
            return -1;
    }
    return -1;
}

static void mark_thresholds(Cov *cv, const GdlVm *vm)
{
    const GdlProgram *p = cv->p;
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const SxDomain *d = &cv->e.dom[i];
        const GdlValue *v = &vm->facts[i];
        if (!d->nthresholds || v->tag != VT_NUM)
            continue;
        bool integral = p->facts[i].type == GT_INT || p->facts[i].type == GT_DATE;
        for (uint32_t k = 0; k < d->nthresholds; k++) {
            double c = d->thresholds[k], x = v->as.num;
            if (x == c)
                cv->threshold_seen[i][k] |= SEEN_AT;
            else if (integral ? x == c - 1 : x < c)
                cv->threshold_seen[i][k] |= SEEN_BELOW;
            else if (integral ? x == c + 1 : x > c)
                cv->threshold_seen[i][k] |= SEEN_ABOVE;
        }
    }
}

typedef struct {
    uint32_t covered, total;
} Tally;

static void put_percent(ByteBuf *b, Tally t)
{
    buf_printf(b, "%.1f", t.total ? 100.0 * t.covered / t.total : 100.0);
}

/* One uncovered item: text line or JSON object. */
static void uncovered(ByteBuf *b, bool json, bool *first, const char *kind, const char *rule, uint32_t line,
                      const char *what)
{
    if (json) {
        buf_puts(b, *first ? "\n  " : ",\n  ");
        buf_puts(b, "{\"kind\": ");
        buf_json_string(b, kind, strlen(kind));
        buf_puts(b, ", \"rule\": ");
        buf_json_string(b, rule, strlen(rule));
        if (line)
            buf_printf(b, ", \"line\": %u, \"missing\": ", line);
        else
            buf_puts(b, ", \"line\": null, \"missing\": ");      /* a threshold: no one line */
        buf_json_string(b, what, strlen(what));
        buf_putc(b, '}');
    } else if (line) {
        buf_printf(b, "  %-10s %s (line %u): %s\n", kind, rule, line, what);
    } else {
        buf_printf(b, "  %-10s %s: %s\n", kind, rule, what);
    }
    *first = false;
}

static uint32_t line_of(const Compiler *c, SrcSpan s)
{
    uint32_t line, col;
    source_line_col(&c->sources, s.file, s.start, &line, &col);
    return line;
}

static void report(Cov *cv, const char *path, bool json, FILE *out)
{
    const GdlProgram *p = cv->p;
    Compiler *c = cv->c;
    Tally outcomes = { 0, 0 }, rows = { 0, 0 }, thresholds = { 0, 0 };
    ByteBuf list = { 0 };
    bool first = true;
    for (uint32_t i = 0; i < c->nderived; i++) {
        Symbol *s = c->derived[i];
        if (s->kind != SYM_OUTCOME || s->decl->span.file != c->main_file)
            continue;
        uint32_t o = 0;
        while (o < p->noutcomes && p->outcomes[o].cond != (uint32_t)s->fact)
            o++;
        if (o == p->noutcomes)
            continue;
        outcomes.total++;
        char rule[160];
        snprintf(rule, sizeof rule, "%s:%s", gdl_outcome_kind_name((OutcomeKind)s->decl->op), s->decl->name);
        if (cv->fired[o] && cv->not_fired[o])
            outcomes.covered++;
        else
            uncovered(&list, json, &first, "outcome", rule, line_of(c, s->decl->name_span),
                      !cv->fired[o] && !cv->not_fired[o] ? "no test" : !cv->fired[o] ? "never fired in a test"
                                                                                       : "never shown not firing");
    }
    for (uint32_t t = 0; t < cv->ntables; t++) {
        const AstNode *d = cv->tables[t]->decl;
        if (d->span.file != c->main_file)
            continue;
        for (uint32_t r = 0; r < d->list.count; r++) {
            rows.total++;
            if (cv->chosen[t][r]) {
                rows.covered++;
                continue;
            }
            char rule[160], what[64];
            snprintf(rule, sizeof rule, "classify:%s row %u", d->name, r + 1);
            snprintf(what, sizeof what, "never chosen");
            uncovered(&list, json, &first, "row", rule, line_of(c, d->list.items[r]->span), what);
        }
    }
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const SxDomain *d = &cv->e.dom[i];
        for (uint32_t k = 0; k < d->nthresholds; k++) {
            thresholds.total++;
            uint8_t need = possible_sides(&p->facts[i], d->thresholds[k]);
            uint8_t seen = cv->threshold_seen[i][k] | (uint8_t)(SEEN_ALL & ~need);
            if (seen == SEEN_ALL) {
                thresholds.covered++;
                continue;
            }
            char rule[160], what[128];
            ByteBuf v = { 0 };
            buf_json_number(&v, d->thresholds[k]);
            snprintf(rule, sizeof rule, "%s at %.*s", gdl_str(p, p->facts[i].name), (int)v.len, (const char *)v.data);
            buf_free(&v);
            size_t n = (size_t)snprintf(what, sizeof what, "not tested");
            static const struct { uint8_t bit; const char *word; } SIDES[] = {
                { SEEN_BELOW, "one step below" }, { SEEN_AT, "at it" }, { SEEN_ABOVE, "one step above" },
            };
            bool any = false;
            for (size_t j = 0; j < 3 && n < sizeof what; j++)
                if (!(seen & SIDES[j].bit)) {
                    n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", any ? ", " : " ", SIDES[j].word);
                    any = true;
                }
            uncovered(&list, json, &first, "threshold", rule, 0, what);
        }
    }
    ByteBuf b = { 0 };
    Tally all[3] = { outcomes, rows, thresholds };
    static const char *const NAMES[3] = { "outcomes", "rows", "thresholds" };
    if (json) {
        buf_puts(&b, "{\"file\": ");
        buf_json_string(&b, path, strlen(path));
        buf_printf(&b, ", \"tests\": %u, \"kinds\": {", c->tests.count);
        for (int k = 0; k < 3; k++) {
            buf_printf(&b, "%s\"%s\": {\"covered\": %u, \"total\": %u, \"percent\": ", k ? ", " : "", NAMES[k],
                       all[k].covered, all[k].total);
            put_percent(&b, all[k]);
            buf_putc(&b, '}');
        }
        buf_puts(&b, "},\n \"uncovered\": [");
        buf_put(&b, list.data, list.len);
        buf_puts(&b, first ? "]}\n" : "\n ]}\n");
    } else {
        buf_printf(&b, "coverage of %s by its %u tests\n", path, c->tests.count);
        buf_puts(&b, "  kind        covered  total  percent\n");
        for (int k = 0; k < 3; k++) {
            buf_printf(&b, "  %-10s %8u %6u  ", NAMES[k], all[k].covered, all[k].total);
            put_percent(&b, all[k]);
            buf_puts(&b, "%\n");
        }
        if (!first) {
            buf_puts(&b, "not covered (outcomes: fired in one test and shown not firing in another; thresholds: "
                         "tested at the value and one step either side):\n");
            buf_put(&b, list.data, list.len);
        }
    }
    fwrite(b.data, 1, b.len, out);
    buf_free(&b);
    buf_free(&list);
}

int coverage_run(Compiler *c, const GdlProgram *p, const char *path, bool json, FILE *out, char *err, size_t errlen)
{
    Cov cv = { .c = c, .p = p };
    double *params = calloc(p->nparams + 1, sizeof(double));
    for (uint32_t i = 0; params && i < p->nparams; i++)
        params[i] = p->params[i].value;
    GdlVm vm;
    bool vm_ok = false;
    int rc = -1;
    cv.fired = calloc(p->noutcomes + 1, 1);
    cv.not_fired = calloc(p->noutcomes + 1, 1);
    for (Symbol *s = c->syms.first; s; s = s->order_next)
        cv.ntables += s->kind == SYM_CLASSIFY;
    cv.tables = calloc(cv.ntables + 1, sizeof(Symbol *));
    cv.chosen = calloc(cv.ntables + 1, sizeof(uint8_t *));
    cv.threshold_seen = calloc(p->ninputs + 1, sizeof(uint8_t *));
    if (!params || !cv.fired || !cv.not_fired || !cv.tables || !cv.chosen || !cv.threshold_seen)
        goto done;
    uint32_t t = 0;
    for (Symbol *s = c->syms.first; s; s = s->order_next)
        if (s->kind == SYM_CLASSIFY) {
            cv.tables[t] = s;
            if (!(cv.chosen[t++] = calloc(s->decl->list.count + 1, 1)))
                goto done;
        }
    if (sx_domains(&cv.e, p, params)) {
        snprintf(err, errlen, "%s", cv.e.error);
        goto done;
    }
    for (uint32_t i = 0; i < p->ninputs; i++)
        if (!(cv.threshold_seen[i] = calloc(cv.e.dom[i].nthresholds + 1, 1)))
            goto done;
    if (gdl_vm_init(&vm, p) != 0)
        goto done;
    vm_ok = true;
    ByteBuf json_case = { 0 }, msg = { 0 };
    GdlValue *defaults = p->nparams ? malloc(p->nparams * sizeof *defaults) : NULL;
    if (p->nparams && !defaults)
        goto done;
    if (defaults)
        memcpy(defaults, vm.params, p->nparams * sizeof *defaults);
    for (uint32_t k = 0; k < c->tests.count; k++) {
        json_case.len = 0;
        test_given_json(c->tests.items[k], &json_case);
        GdlCaseErrors errs;
        const AstNode *bad = NULL;
        if (test_set_params(&vm, c->tests.items[k], defaults, &msg, &bad) != 0
            || gdl_case_load_json(&vm, (const char *)json_case.data, json_case.len, &errs) != 0)
            continue;       /* gdl test reports it */
        gdl_vm_run(&vm);
        for (uint32_t o = 0; o < p->noutcomes; o++) {
            if (gdl_fact_truth(&vm, p->outcomes[o].cond) == 1)
                cv.fired[o] = 1;
            else
                cv.not_fired[o] = 1;
        }
        for (uint32_t i = 0; i < cv.ntables; i++) {
            int r = chosen_row(&cv, &vm, cv.tables[i]);
            if (r >= 0)
                cv.chosen[i][r] = 1;
        }
        mark_thresholds(&cv, &vm);
    }
    buf_free(&json_case);
    buf_free(&msg);
    free(defaults);
    report(&cv, path, json, out);
    rc = 0;
done:
    if (rc && !err[0])
        snprintf(err, errlen, "out of memory");
    if (vm_ok)
        gdl_vm_free(&vm);
    sx_free(&cv.e);
    for (uint32_t i = 0; cv.chosen && i < cv.ntables; i++)
        free(cv.chosen[i]);
    for (uint32_t i = 0; cv.threshold_seen && i < p->ninputs; i++)
        free(cv.threshold_seen[i]);
    free(cv.chosen);
    free(cv.threshold_seen);
    free(cv.tables);
    free(cv.fired);
    free(cv.not_fired);
    free(params);
    return rc;
}
