/* test_runner.c - runs the `test` blocks of a guideline: each `given` becomes
 * a case file that goes through the same reader as a clinician's, then
 * every `expect` is checked against the evaluated result. */
#include "test_runner.h"

#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "buf.h"
#include "case_json.h"
#include "explain.h"

static void given_value(ByteBuf *b, const AstNode *v)
{
    switch (v->kind) {
    case AST_NUM: buf_json_number(b, v->num); break;
    case AST_STR: buf_json_string(b, v->str, strlen(v->str)); break;
    case AST_DATE: buf_json_string(b, v->str, strlen(v->str)); break;
    case AST_BOOL: buf_puts(b, v->flags ? "true" : "false"); break;
    case AST_ARRAY:
        buf_putc(b, '[');
        for (uint32_t i = 0; i < v->list.count; i++) {
            if (i)
                buf_putc(b, ',');
            given_value(b, v->list.items[i]);
        }
        buf_putc(b, ']');
        break;
    default: buf_puts(b, "null"); break;
    }
}

/* The fields of a case: its base's (and theirs, first), then its own, each
 * replacing a field of the same name in place or added at the end. */
static uint32_t case_fields(const AstNode *n, const AstNode **fields, uint32_t count)
{
    if (n->b)
        count = case_fields(n->b, fields, count);
    for (uint32_t i = 0; i < n->list.count; i++) {
        const AstNode *kv = n->list.items[i];
        uint32_t k = 0;
        while (k < count && strcmp(fields[k]->name, kv->name) != 0)
            k++;
        fields[k] = kv;
        if (k == count)
            count++;
    }
    return count;
}

void test_given_json(const AstNode *test, ByteBuf *b)
{
    uint32_t most = 0;
    for (const AstNode *n = test; n; n = n->b)
        most += n->list.count;
    const AstNode **fields = malloc((most ? most : 1) * sizeof *fields);
    if (!fields) {
        b->failed = 1;
        return;
    }
    uint32_t count = case_fields(test, fields, 0);
    buf_putc(b, '{');
    for (uint32_t i = 0; i < count; i++) {
        const AstNode *kv = fields[i];
        if (i)
            buf_putc(b, ',');
        buf_json_string(b, kv->name, strlen(kv->name));
        buf_putc(b, ':');
        given_value(b, kv->a);
    }
    buf_putc(b, '}');
    free(fields);
}

/* A test's own `param NAME = value` lines, on top of the run's values
 * (saved in defaults). 0, or -1 with the reason in msg and *at. */
int test_set_params(GdlVm *vm, const AstNode *test, const GdlValue *defaults, ByteBuf *msg, const AstNode **at)
{
    if (vm->p->nparams)
        memcpy(vm->params, defaults, vm->p->nparams * sizeof *defaults);
    ByteBuf text = { 0 };
    int rc = 0;
    for (uint32_t i = 0; i < test->list2.count && rc == 0; i++) {
        const AstNode *x = test->list2.items[i];
        if (x->kind != AST_PARAM)
            continue;
        text.len = 0;
        if (x->a->kind == AST_NUM)
            buf_json_number(&text, x->a->num);
        else if (x->a->kind == AST_BOOL)
            buf_puts(&text, x->a->flags ? "true" : "false");
        else
            buf_puts(&text, x->a->str ? x->a->str : "");
        buf_putc(&text, '\0');
        char err[512];
        if (text.failed || gdl_vm_set_param(vm, x->name, (const char *)text.data, err, sizeof err) != 0) {
            buf_printf(msg, "%s", text.failed ? "out of memory" : err);
            *at = x;
            rc = -1;
        }
    }
    buf_free(&text);
    return rc;
}


int test_fact_by_name(const GdlProgram *p, const char *name)
{
    for (uint32_t f = 0; f < p->nfacts; f++)
        if (p->facts[f].kind != FK_OUTCOME && p->facts[f].kind != FK_DATE && strcmp(gdl_str(p, p->facts[f].name), name) == 0)
            return (int)f;
    return -1;
}

/* The fired outcomes of one kind, for the failure message. */
static void list_fired(const GdlVm *vm, OutcomeKind k, ByteBuf *b)
{
    const GdlProgram *p = vm->p;
    bool any = false;
    for (uint32_t i = 0; i < p->noutcomes; i++)
        if (p->outcomes[i].kind == k && gdl_fact_truth(vm, p->outcomes[i].cond) == 1) {
            buf_printf(b, "%s%s", any ? ", " : "", gdl_str(p, p->outcomes[i].id));
            any = true;
        }
    if (!any)
        buf_puts(b, "none");
}

static void describe_value(const GdlVm *vm, uint32_t f, ByteBuf *b)
{
    const GdlFact *fact = &vm->p->facts[f];
    const GdlValue *v = &vm->facts[f];
    if (v->tag == VT_UNKNOWN)
        buf_puts(b, "unknown");
    else if (fact->type == GT_ENUM && v->as.num >= 0 && v->as.num < fact->sym_count)
        buf_puts(b, gdl_str(vm->p, vm->p->syms[fact->sym_first + (uint32_t)v->as.num]));
    else if (fact->type == GT_BOOL)
        buf_puts(b, v->as.num ? "true" : "false");
    else
        buf_json_number(b, v->as.num);
}

/* Whether an outcome of kind k with this id fired; `urgent` in place of a
 * strength asks for one declared urgent. */
static bool outcome_fired(const GdlVm *vm, OutcomeKind k, const char *id, const char *strength)
{
    if (!strength || strcmp(strength, "urgent") != 0)
        return gdl_outcome_fired(vm, k, id, strength);
    const GdlProgram *p = vm->p;
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        if (o->kind == k && o->urgent && strcmp(gdl_str(p, o->id), id) == 0 && gdl_fact_truth(vm, o->cond) == 1)
            return true;
    }
    return false;
}

/* An expectation with a section, dose or text: whether one of the outcome
 * declarations it picks (check_tests.c) fired. */
static bool picked_fired(const GdlVm *vm, const AstNode *x)
{
    for (uint32_t i = 0; i < x->list2.count; i++) {
        const Symbol *s = x->list2.items[i]->ref;
        if (s && s->fact >= 0 && gdl_fact_truth(vm, (uint32_t)s->fact) == 1)
            return true;
    }
    return false;
}

bool test_expect_holds(const GdlVm *vm, const AstNode *x, ByteBuf *msg)
{
    const GdlProgram *p = vm->p;
    bool negated = x->flags & EXPECT_NEGATED;
    const char *kind = x->name;
    if (strcmp(kind, "missing") == 0) {
        bool missing = gdl_field_missing(vm, x->name2);
        if (missing != negated)
            return true;
        buf_printf(msg, "expected '%s' %s missing, but it %s", x->name2, negated ? "not to be" : "to be",
                   missing ? "is" : "is not");
        return false;
    }
    if (strcmp(kind, "classification") == 0 || strcmp(kind, "value") == 0) {
        int f = test_fact_by_name(p, x->name2);
        if (f < 0) {
            buf_printf(msg, "no fact '%s'", x->name2);
            return false;
        }
        const AstNode *want = x->a;
        const GdlFact *fact = &p->facts[f];
        const GdlValue *v = &vm->facts[f];
        bool ok;
        if (want->kind == AST_UNKNOWN_LIT) {
            ok = v->tag == VT_UNKNOWN;
        } else if (v->tag != VT_NUM) {
            ok = false;
        } else if (want->kind == AST_NAME) {
            ok = false;
            for (uint32_t i = 0; i < fact->sym_count; i++)
                if (strcmp(gdl_str(p, p->syms[fact->sym_first + i]), want->name) == 0)
                    ok = v->as.num == i;
        } else if (want->kind == AST_BOOL) {
            ok = (v->as.num != 0) == (want->flags != 0);
        } else {
            ok = v->as.num == want->num;
        }
        if (ok != negated)
            return true;
        buf_printf(msg, "expected %s %s", x->name2, negated ? "not to be " : "== ");
        if (want->kind == AST_NAME) buf_puts(msg, want->name);
        else if (want->kind == AST_UNKNOWN_LIT) buf_puts(msg, "unknown");
        else if (want->kind == AST_BOOL) buf_puts(msg, want->flags ? "true" : "false");
        else buf_json_number(msg, want->num);
        buf_puts(msg, ", got ");
        describe_value(vm, (uint32_t)f, msg);
        return false;
    }
    OutcomeKind k = gdl_outcome_kind_by_name(kind);
    bool fired = x->list2.count ? picked_fired(vm, x) : outcome_fired(vm, k, x->name2, x->str);
    if (fired != negated)
        return true;
    buf_printf(msg, "expected %s %s%s%s", kind, x->name2, x->str ? " " : "", x->str ? x->str : "");
    if (x->b)
        buf_printf(msg, " \"%s\"", x->b->str);
    buf_printf(msg, "%s%s%s %s, but it %s (%s fired: ", x->dose || x->list.count ? " with that " : "", x->dose ? "dose" : "",
               x->dose && x->list.count ? " and text" : x->list.count ? "text" : "",
               negated ? "not to fire" : "to fire", fired ? "did" : "did not", kind);
    list_fired(vm, k, msg);
    buf_putc(msg, ')');
    return false;
}

/* Under a failed expectation, the explanation of what it is about
 * (docs/explain.md), indented: the same as `gdl explain` in lang. */
static void explain_failure(const GdlVm *vm, const AstNode *x, const char *lang, FILE *out)
{
    char target[256];
    if (strcmp(x->name, "classification") == 0 || strcmp(x->name, "value") == 0) {
        int f = test_fact_by_name(vm->p, x->name2);
        uint8_t kind = f < 0 ? 0 : vm->p->facts[f].kind;
        if (kind == FK_CLASSIFY || kind == FK_DEFINE)
            snprintf(target, sizeof target, "%s:%s", kind == FK_CLASSIFY ? "classification" : "define", x->name2);
        else if (kind == FK_BUILTIN && (uint32_t)f == vm->p->in_scope_fact)
            snprintf(target, sizeof target, "scope");
        else
            return;     /* an input's value is the given case's; a red_flagged builtin has no id */
    } else if (gdl_outcome_kind_by_name(x->name) != OK__NONE) {
        snprintf(target, sizeof target, "%s:%s", x->name, x->name2);
    } else {
        return;         /* missing: the result's "missing" list, not a condition */
    }
    const char *targets[1] = { target };
    ExplainOptions opt = { .lang = lang, .bare = true, .depth = EXPLAIN_DEFAULT_DEPTH };
    ByteBuf b = { 0 };
    char err[512];
    if (explain_check_targets(vm->p, targets, 1, err, sizeof err) != 0)
        return;
    if (explain_write(vm, targets, 1, &opt, &b, err, sizeof err) != 0) {
        fprintf(out, "    (no explanation: %s)\n", err);
    } else {
        for (size_t i = 0; i < b.len;) {
            const uint8_t *nl = memchr(b.data + i, '\n', b.len - i);
            size_t end = nl ? (size_t)(nl - b.data) + 1 : b.len;
            fprintf(out, "  %.*s", (int)(end - i), (const char *)b.data + i);
            i = end;
        }
    }
    buf_free(&b);
}

void write_test_cases(const Compiler *c, FILE *out)
{
    ByteBuf json = { 0 };
    for (uint32_t t = 0; t < c->tests.count; t++) {
        json.len = 0;
        test_given_json(c->tests.items[t], &json);
        buf_putc(&json, '\n');
        if (!json.failed)
            fwrite(json.data, 1, json.len, out);
    }
    buf_free(&json);
}

int run_guideline_tests(Compiler *c, const GdlProgram *p, const TestRunOptions *opt, FILE *out, unsigned *passed,
                        unsigned *failed)
{
    const char *lang = opt->lang ? opt->lang : "en";
    char err[512];
    if (!gdl_language_check(p, lang, err, sizeof err)) {
        fprintf(stderr, "gdl: --lang: %s\n", err);
        return -2;
    }
    GdlVm vm;
    if (gdl_vm_init(&vm, p) != 0) {
        fprintf(out, "gdl: out of memory\n");
        (*failed)++;
        return 0;
    }
    ByteBuf json = { 0 }, msg = { 0 };
    GdlValue *defaults = NULL;
    int rc = 0;
    for (int i = 0; i < opt->nparams && rc == 0; i++) {
        rc = gdl_vm_set_param_arg(&vm, opt->params[i], err, sizeof err);
        if (rc)
            fprintf(stderr, "gdl: %s%s\n", rc == -2 ? "" : "--param: ", err);
    }
    if (rc == 0 && p->nparams && !(defaults = malloc(p->nparams * sizeof *defaults))) {
        fprintf(stderr, "gdl: out of memory\n");
        rc = -1;
    }
    if (rc != 0) {
        gdl_vm_free(&vm);
        return rc;
    }
    if (defaults)
        memcpy(defaults, vm.params, p->nparams * sizeof *defaults);
    for (uint32_t t = 0; t < c->tests.count; t++) {
        const AstNode *test = c->tests.items[t];
        uint32_t line, col;
        source_line_col(&c->sources, test->span.file, test->span.start, &line, &col);
        const char *path = c->sources.files[test->span.file].path;
        json.len = 0;
        test_given_json(test, &json);
        GdlCaseErrors errs;
        bool ok = true;
        const AstNode *bad_param = NULL;
        msg.len = 0;
        if (test_set_params(&vm, test, defaults, &msg, &bad_param) != 0) {
            uint32_t pl, pc;
            source_line_col(&c->sources, bad_param->span.file, bad_param->span.start, &pl, &pc);
            fprintf(out, "%s:%u:%u: test \"%s\": %.*s\n", path, pl, pc, test->str, (int)msg.len, (const char *)msg.data);
            ok = false;
        } else if (gdl_case_load_json(&vm, (const char *)json.data, json.len, &errs) != 0) {
            for (uint32_t i = 0; i < errs.count; i++)
                fprintf(out, "%s:%u:%u: test \"%s\": given case is invalid: %s%s%s\n", path, line, col, test->str,
                        errs.items[i].has_field ? errs.items[i].field : "", errs.items[i].has_field ? ": " : "",
                        errs.items[i].message);
            ok = false;
        } else {
            gdl_vm_run(&vm);
            for (uint32_t i = 0; i < test->list2.count; i++) {
                const AstNode *x = test->list2.items[i];
                if (x->kind == AST_PARAM)
                    continue;
                msg.len = 0;
                if (!test_expect_holds(&vm, x, &msg)) {
                    uint32_t xl, xc;
                    source_line_col(&c->sources, x->span.file, x->span.start, &xl, &xc);
                    fprintf(out, "%s:%u:%u: test \"%s\" failed: %.*s\n", path, xl, xc, test->str, (int)msg.len,
                            (const char *)msg.data);
                    explain_failure(&vm, x, lang, out);
                    ok = false;
                }
            }
        }
        if (ok)
            (*passed)++;
        else
            (*failed)++;
    }
    buf_free(&json);
    buf_free(&msg);
    free(defaults);
    gdl_vm_free(&vm);
    return 0;
}
