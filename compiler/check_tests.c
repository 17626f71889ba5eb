/* check_tests.c - the parts of `test` blocks beyond the expectations'
 * vocabulary (check.c): base cases (`given NAME { ... }`, `test ... from
 * NAME`), a test's own parameter values, and the outcome declarations an
 * expectation with a section, dose or text picks. Running them is
 * test_runner.c's. */
#include "compile.h"

#include <string.h>

#define ERR(span, ...) diag_report(&c->diag, SEV_ERROR, (span), __VA_ARGS__)
#define NOTE(span, ...) diag_report(&c->diag, SEV_NOTE, (span), __VA_ARGS__)

static AstNode *find_base(Compiler *c, const char *name)
{
    for (uint32_t i = 0; i < c->bases.count; i++)
        if (strcmp(c->bases.items[i]->name, name) == 0)
            return c->bases.items[i];
    return NULL;
}

/* n->b := the base named n->name2 (a test or a base may have one). */
static void link_base(Compiler *c, AstNode *n)
{
    if (!n->name2)
        return;
    n->b = find_base(c, n->name2);
    if (!n->b)
        ERR(n->name2_span, "no base case '%s' (declare it with: given %s { ... })", n->name2, n->name2);
}

static void check_bases(Compiler *c)
{
    for (uint32_t i = 0; i < c->bases.count; i++) {
        AstNode *g = c->bases.items[i];
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(c->bases.items[k]->name, g->name) == 0) {
                ERR(g->name_span, "base case '%s' is already declared", g->name);
                NOTE(c->bases.items[k]->name_span, "first declared here");
                break;
            }
        link_base(c, g);
    }
    /* a chain of bases ends: one that comes back to itself never would */
    for (uint32_t i = 0; i < c->bases.count; i++) {
        AstNode *g = c->bases.items[i];
        uint32_t steps = 0;
        for (AstNode *b = g->b; b && steps <= c->bases.count; b = b->b, steps++)
            if (b == g) {
                ERR(g->name2_span, "base case '%s' is built from itself (through 'from')", g->name);
                g->b = NULL;
                break;
            }
    }
}

/* A test's `param NAME = value`: a parameter of the guideline, a value of
 * its type and unit, inside its range. */
static void check_test_param(Compiler *c, const AstNode *x)
{
    Symbol *s = sym_lookup(c, x->name);
    if (!s || s->kind != SYM_PARAM) {
        ERR(x->name_span, "'%s' is not a parameter of this guideline", x->name);
        return;
    }
    const AstNode *v = x->a;
    const char *unit = s->ty.unit;
    switch (s->ty.kind) {
    case TY_NUM:
        if (v->kind != AST_NUM)
            ERR(v->span, "parameter '%s' is a number%s%s", s->name, unit ? " in " : "", unit ? unit : "");
        else if ((v->unit == NULL) != (unit == NULL) || (unit && strcmp(v->unit, unit) != 0))
            ERR(v->span, "parameter '%s' is in %s (write it as in its declaration)", s->name, unit ? unit : "no unit");
        else if (s->ty.range.bounded) {
            const Bounds *r = &s->ty.range;
            bool below = (r->flags & RANGE_LO_EXCL) ? v->num <= r->lo : v->num < r->lo;
            bool above = (r->flags & RANGE_HI_EXCL) ? v->num >= r->hi : v->num > r->hi;
            if (below || above)
                ERR(v->span, "value %g of parameter '%s' is outside its range %c%g, %g%c", v->num, s->name,
                    (r->flags & RANGE_LO_EXCL) ? '(' : '[', r->lo, r->hi, (r->flags & RANGE_HI_EXCL) ? ')' : ']');
        }
        break;
    case TY_BOOL:
        if (v->kind != AST_BOOL)
            ERR(v->span, "parameter '%s' is true or false", s->name);
        break;
    case TY_STRING:
        if (v->kind != AST_STR)
            ERR(v->span, "parameter '%s' is a string", s->name);
        break;
    default:
        ERR(x->span, "parameter '%s' cannot be set by a test (only numbers, true/false and strings)", s->name);
        break;
    }
}

static bool same_word(const char *a, const char *b)
{
    return (a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0);
}

static bool same_literal(const AstNode *a, const AstNode *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case AST_NUM:    /* with its unit, and its rate (3 per week) */
        return a->num == b->num && same_word(a->unit, b->unit) && same_word(a->name2, b->name2);
    case AST_RANGE:  /* a dose range: 10..15 min, 2..3 per week */
        return a->a->num == b->a->num && a->b->num == b->b->num && same_word(a->unit, b->unit)
               && same_word(a->name2, b->name2);
    case AST_BOOL:
        return a->flags == b->flags;
    default:
        return a->str && b->str && strcmp(a->str, b->str) == 0;
    }
}

/* Whether outcome o has what x asks for: its section, every dose entry
 * (others may be there too), a text in each language containing x's. */
static bool picks(const AstNode *x, const AstNode *o)
{
    if (x->b && (!o->b || strcmp(o->b->str, x->b->str) != 0))
        return false;
    for (uint32_t i = 0; x->dose && i < x->dose->list.count; i++) {
        const AstNode *want = x->dose->list.items[i];
        bool found = false;
        for (uint32_t k = 0; o->dose && k < o->dose->list.count && !found; k++) {
            const AstNode *have = o->dose->list.items[k];
            found = strcmp(have->name, want->name) == 0 && same_literal(have->a, want->a);
        }
        if (!found)
            return false;
    }
    for (uint32_t i = 0; i < x->list.count; i++) {
        const AstNode *want = x->list.items[i];
        bool found = false;
        for (uint32_t k = 0; k < o->list.count && !found; k++) {
            const AstNode *have = o->list.items[k];
            found = have->kind == AST_TEXT && strcmp(have->name, want->name) == 0 && strstr(have->str, want->str);
        }
        if (!found)
            return false;
    }
    return true;
}

/* x->list2 := the declarations of x's kind and id (and strength, or
 * urgency) that x's section, dose and texts pick; none is an error. */
static void pick_outcomes(Compiler *c, AstNode *x)
{
    AstBuilder b = { .arena = &c->arena };
    bool urgent = x->str && strcmp(x->str, "urgent") == 0;
    uint32_t same_id = 0;
    for (uint32_t i = 0; i < c->outcomes.count; i++) {
        AstNode *o = c->outcomes.items[i];
        if (strcmp(gdl_outcome_kind_name((OutcomeKind)o->op), x->name) != 0 || strcmp(o->name, x->name2) != 0)
            continue;
        if (x->str && (urgent ? !o->urgent : !o->name2 || strcmp(o->name2, x->str) != 0))
            continue;
        same_id++;
        if (picks(x, o))
            ast_push(&b, &x->list2, o);
    }
    if (b.oom)
        ERR(x->span, "out of memory");
    else if (same_id && !x->list2.count) {
        ERR(x->span, "no %s '%s'%s%s matches the section, dose and texts of this expectation", x->name, x->name2,
            x->str ? " " : "", x->str ? x->str : "");
        for (uint32_t i = 0; i < c->outcomes.count; i++) {
            const AstNode *o = c->outcomes.items[i];
            if (strcmp(gdl_outcome_kind_name((OutcomeKind)o->op), x->name) == 0 && strcmp(o->name, x->name2) == 0)
                NOTE(o->name_span, "%s '%s' declared here, in section %s", x->name, o->name, o->b ? o->b->str : "(none)");
        }
    }
}

void check_tests(Compiler *c)
{
    check_bases(c);
    for (uint32_t i = 0; i < c->tests.count; i++) {
        AstNode *t = c->tests.items[i];
        link_base(c, t);
        if (!t->a && !t->name2)
            ERR(t->str_span, "test \"%s\" has no case (write given { ... }, or 'from' a base case)", t->str);
        for (uint32_t k = 0; k < t->list2.count; k++) {
            AstNode *x = t->list2.items[k];
            if (x->kind == AST_PARAM) {
                check_test_param(c, x);
                for (uint32_t j = 0; j < k; j++)
                    if (t->list2.items[j]->kind == AST_PARAM && strcmp(t->list2.items[j]->name, x->name) == 0) {
                        ERR(x->name_span, "parameter '%s' is set twice in this test", x->name);
                        break;
                    }
            } else if (x->b || x->dose || x->list.count) {
                if (strcmp(x->name, "classification") == 0 || strcmp(x->name, "value") == 0 || strcmp(x->name, "missing") == 0)
                    ERR(x->span, "only an outcome's expectation has a section, dose or text");
                else
                    pick_outcomes(c, x);
            }
        }
    }
}
