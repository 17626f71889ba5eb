/* explain_tree.c - a derived fact's expression tree, rebuilt from its
 * bytecode, and evaluated on a run (explain.h). The verifier guarantees
 * that no jump crosses a store, so each fact's code is the straight run
 * between the previous store and its own; inside it the stack is simulated
 * with trees instead of values. Fused instructions come apart into the pair
 * they stand for (opcodes.def), so the tree is the same with or without the
 * peephole pass. Jumps only come from classification tables (CLASSIFY_ROW
 * rows to one end) and their 'when' (GUARD past the table): each opens a
 * construct closed at its target. */
#include "explain.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opcodes.h"

enum { MAX_OPEN = 64 };     /* nested tables and guards in one fact's code */

static uint16_t rd16(const uint8_t *c)
{
    return (uint16_t)(c[0] | c[1] << 8);
}

int explain_index_init(ExplainIndex *x, const GdlProgram *p)
{
    x->p = p;
    x->start = calloc(p->nfacts + 1u, sizeof *x->start);
    x->end = calloc(p->nfacts + 1u, sizeof *x->end);
    if (!x->start || !x->end) {
        explain_index_free(x);
        return -1;
    }
    uint32_t segment = 0;
    for (uint32_t pc = 0; pc < p->ncode;) {
        const OpInfo *info = &OP_INFO[p->code[pc]];
        uint32_t size = OP_FORMAT_SIZE[info->format];
        if (info->flags & OPF_STORE) {
            uint16_t f = rd16(p->code + pc + (info->format == FMT_FF ? 3 : 1));
            x->start[f] = segment;
            x->end[f] = pc + size;
            segment = pc + size;
        }
        pc += size;
    }
    return 0;
}

void explain_index_free(ExplainIndex *x)
{
    free(x->start);
    free(x->end);
    x->start = x->end = NULL;
}

/* ---- building ---------------------------------------------------------- */

typedef struct {
    const GdlProgram *p;
    Arena *a;
    bool failed;
} Builder;

static ExplainNode *node(Builder *b, ExplainNodeKind kind, uint8_t op, uint8_t type)
{
    ExplainNode *n = arena_zalloc(b->a, sizeof *n);
    if (!n) {
        b->failed = true;
        return NULL;
    }
    n->kind = (uint8_t)kind;
    n->height = 1;
    n->op = op;
    n->type = type;
    n->index = n->sym_fact = n->unit = GDL_NONE;
    return n;
}

static void add_kid(Builder *b, ExplainNode *n, ExplainNode *kid)
{
    if (!n || !kid) {
        b->failed = true;
        return;
    }
    if (n->nkids == n->cap) {
        uint32_t cap = n->cap ? n->cap * 2 : 4;
        ExplainNode **kids = arena_alloc(b->a, sizeof *kids * cap);
        double *rows = n->kind == XN_TABLE ? arena_alloc(b->a, sizeof *rows * cap) : NULL;
        if (!kids || (n->kind == XN_TABLE && !rows)) {
            b->failed = true;
            return;
        }
        if (n->nkids) {
            memcpy(kids, n->kids, sizeof *kids * n->nkids);
            if (rows)
                memcpy(rows, n->row_values, sizeof *rows * n->nkids);
        }
        n->kids = kids;
        n->row_values = rows;
        n->cap = cap;
    }
    n->kids[n->nkids++] = kid;
    if (kid->height >= n->height)
        n->height = kid->height + 1;
    if (n->height > EXPLAIN_MAX_HEIGHT)
        b->failed = true;
}

static ExplainNode *fact_node(Builder *b, uint16_t f)
{
    const GdlFact *fact = &b->p->facts[f];
    ExplainNode *n = node(b, XN_FACT, 0, fact->type);
    if (n) {
        n->index = f;
        n->unit = fact->unit;
        n->sym_fact = fact->type == GT_ENUM ? f : GDL_NONE;
    }
    return n;
}

static ExplainNode *number_node(Builder *b, double v)
{
    ExplainNode *n = node(b, XN_CONST, OP_PUSH_NUM, GT_NUMBER);
    if (n)
        n->konst = (GdlValue){ VT_NUM, 0, { .num = v } };
    return n;
}

/* A literal compared with, or the alternative of, a typed operand reads as
 * that operand's kind of value: an enum symbol, a date, a number with its
 * unit. */
static void adopt_type(ExplainNode *lit, const ExplainNode *other)
{
    if (!lit || !other || lit->kind != XN_CONST || lit->op != OP_PUSH_NUM)
        return;
    if (other->type == GT_ENUM || other->type == GT_DATE || other->type == GT_INT || other->type == GT_NUMBER
        || other->type == GT_BOOL) {
        lit->type = other->type;
        lit->sym_fact = other->sym_fact;
        lit->unit = other->unit;
    }
}

static uint8_t result_type(uint8_t op, ExplainNode *const *kids)
{
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_NEG: return GT_NUMBER;
    case OP_COUNT: case OP_DAYS_BETWEEN: case OP_WEEKS_BETWEEN: case OP_SUM_LIST: case OP_SUM_ITEMS: return GT_INT;
    case OP_COALESCE: return kids[0]->type ? kids[0]->type : kids[1]->type;
    default: return GT_BOOL;
    }
}

/* op over kids (popped in order); and/or chains become one n-ary node. */
static ExplainNode *op_node(Builder *b, uint8_t op, ExplainNode *const *kids, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!kids[i]) {
            b->failed = true;
            return NULL;
        }
    if ((op == OP_AND || op == OP_OR) && kids[0]->kind == XN_OP && kids[0]->op == op) {
        add_kid(b, kids[0], kids[1]);
        return kids[0];
    }
    ExplainNode *r = node(b, XN_OP, op, result_type(op, kids));
    for (uint32_t i = 0; i < n && r; i++)
        add_kid(b, r, kids[i]);
    if (r && n == 2 && op >= OP_EQ && op <= OP_GE) {
        adopt_type(kids[1], kids[0]);
        adopt_type(kids[0], kids[1]);
    }
    if (r && op == OP_COALESCE) {
        adopt_type(kids[1], kids[0]);
        r->sym_fact = kids[0]->sym_fact != GDL_NONE ? kids[0]->sym_fact : kids[1]->sym_fact;
        r->unit = kids[0]->unit != GDL_NONE ? kids[0]->unit : kids[1]->unit;
        r->type = result_type(op, kids);
    }
    if (r && (op == OP_DAYS_BETWEEN || op == OP_WEEKS_BETWEEN))
        r->unit = GDL_NONE;
    return r;
}

/* fact f <c> K[k]: the FACT_CMP_K family. */
static ExplainNode *cmp_k_node(Builder *b, const uint8_t *operands)
{
    ExplainNode *kids[2] = { fact_node(b, rd16(operands)), number_node(b, b->p->numbers[rd16(operands + 2)]) };
    return op_node(b, (uint8_t)(OP_EQ + operands[4]), kids, 2);
}

typedef struct {
    ExplainNode *node;      /* XN_TABLE or XN_GUARD */
    uint32_t target;        /* where it closes */
    uint32_t depth;         /* stack depth below it */
} Open;

typedef struct {
    ExplainNode **stack;
    uint32_t sp;            /* values on the stack */
    Open open[MAX_OPEN];
    uint32_t nopen;
} Sim;

static ExplainNode *pop(Sim *s)
{
    return s->sp ? s->stack[--s->sp] : NULL;
}

/* Closes the constructs that end at pc: the value on top is a table's
 * otherwise, or the result a guard lets through. -1 when the depth does
 * not fit (code the compiler does not emit). */
static int close_at(Builder *b, Sim *s, uint32_t pc)
{
    while (s->nopen && s->open[s->nopen - 1].target == pc) {
        Open *o = &s->open[--s->nopen];
        if (s->sp != o->depth + 1)
            return -1;
        add_kid(b, o->node, pop(s));
        s->stack[s->sp++] = o->node;
    }
    return 0;
}

static int open_construct(Builder *b, Sim *s, ExplainNodeKind kind, uint32_t target, ExplainNode *cond, double row)
{
    Open *top = s->nopen ? &s->open[s->nopen - 1] : NULL;
    if (kind == XN_TABLE && top && top->node->kind == XN_TABLE && top->target == target && top->depth == s->sp) {
        add_kid(b, top->node, cond);
        if (!b->failed)
            top->node->row_values[top->node->nkids - 1] = row;
        return 0;
    }
    if (s->nopen == MAX_OPEN)
        return -1;
    ExplainNode *n = node(b, kind, 0, GT_BOOL);
    if (!n)
        return -1;
    s->open[s->nopen++] = (Open){ n, target, s->sp };
    add_kid(b, n, cond);
    if (kind == XN_TABLE && !b->failed)
        n->row_values[0] = row;
    return b->failed ? -1 : 0;
}

ExplainNode *explain_build(const ExplainIndex *x, uint32_t fact, Arena *a, char *err, size_t errlen)
{
    const GdlProgram *p = x->p;
    if (fact < p->ninputs || fact >= p->nfacts || x->end[fact] == 0) {
        snprintf(err, errlen, "fact %u has no code", fact);
        return NULL;
    }
    Builder b = { p, a, false };
    Sim s = { 0 };
    s.stack = arena_alloc(a, sizeof *s.stack * ((size_t)p->max_stack + 2));
    if (!s.stack) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ExplainNode *root = NULL;
    const uint8_t *code = p->code;
    for (uint32_t pc = x->start[fact]; pc < x->end[fact] && !b.failed;) {
        if (close_at(&b, &s, pc) != 0)
            break;
        uint8_t op = code[pc];
        const OpInfo *info = &OP_INFO[op];
        const uint8_t *o = code + pc + 1;
        uint32_t size = OP_FORMAT_SIZE[info->format];
        ExplainNode *kids[256];
        ExplainNode *r = NULL;
        switch ((Opcode)op) {
        case OP_PUSH_TRUE: case OP_PUSH_FALSE:
            if ((r = node(&b, XN_CONST, op, GT_BOOL)))
                r->konst = (GdlValue){ VT_NUM, 0, { .num = op == OP_PUSH_TRUE } };
            break;
        case OP_PUSH_UNKNOWN:
            if ((r = node(&b, XN_CONST, op, 0)))
                r->konst = (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_LITERAL), { 0 } };
            break;
        case OP_PUSH_NUM: case OP_OTHERWISE: r = number_node(&b, p->numbers[rd16(o)]); break;
        case OP_PUSH_STR:
            if ((r = node(&b, XN_CONST, op, GT_STRING)))
                r->konst = (GdlValue){ VT_STR, p->string_lens[rd16(o)], { .str = p->strings[rd16(o)] } };
            break;
        case OP_LOAD_FACT: r = fact_node(&b, rd16(o)); break;
        case OP_LOAD_PARAM:
            if ((r = node(&b, XN_PARAM, 0, p->params[rd16(o)].type))) {
                r->index = rd16(o);
                r->unit = p->params[rd16(o)].unit;
            }
            break;
        case OP_FACT_CMP_K: r = cmp_k_node(&b, o); break;
        case OP_AND_FACT: case OP_OR_FACT: case OP_AND_FACT_STORE: case OP_OR_FACT_STORE:
            kids[0] = pop(&s);
            kids[1] = fact_node(&b, rd16(o));
            r = op_node(&b, op == OP_AND_FACT || op == OP_AND_FACT_STORE ? OP_AND : OP_OR, kids, 2);
            break;
        case OP_AND_CMP_K: case OP_OR_CMP_K:
            kids[0] = pop(&s);
            kids[1] = cmp_k_node(&b, o);
            r = op_node(&b, op == OP_AND_CMP_K ? OP_AND : OP_OR, kids, 2);
            break;
        case OP_AND_STORE: case OP_OR_STORE:
            kids[1] = pop(&s);
            kids[0] = pop(&s);
            r = op_node(&b, op == OP_AND_STORE ? OP_AND : OP_OR, kids, 2);
            break;
        case OP_COPY_FACT: r = fact_node(&b, rd16(o)); break;
        case OP_STORE_FACT: r = pop(&s); break;
        case OP_NOT: case OP_NEG: case OP_KNOWN: case OP_SUM_LIST: case OP_SUM_ITEMS:
            kids[0] = pop(&s);
            r = op_node(&b, op, kids, 1);
            if (r && op == OP_SUM_ITEMS) {
                r->item_first = o[0];
                r->item_last = o[1];
            }
            break;
        case OP_AT_LEAST: case OP_COUNT: {
            uint32_t n = o[0] + (op == OP_AT_LEAST);
            if (n > s.sp) {
                b.failed = true;
                break;
            }
            s.sp -= n;
            memcpy(kids, s.stack + s.sp, sizeof *kids * n);
            r = op_node(&b, op, kids, n);
            break;
        }
        case OP_CLASSIFY_ROW: case OP_GUARD: {
            ExplainNode *cond = pop(&s);
            if (!cond || open_construct(&b, &s, op == OP_GUARD ? XN_GUARD : XN_TABLE, rd16(o), cond,
                                        op == OP_GUARD ? 0 : p->numbers[rd16(o + 2)]) != 0)
                b.failed = true;
            pc += size;
            continue;
        }
        case OP_JUMP:
            /* hand-made tables end their otherwise with a jump to the end */
            if (rd16(o) != pc + size)
                b.failed = true;
            pc += size;
            continue;
        default:
            if (info->pop == 2 && info->push == 1 && info->format == FMT_NONE) {   /* binary operators */
                kids[1] = pop(&s);
                kids[0] = pop(&s);
                r = op_node(&b, op, kids, 2);
                break;
            }
            b.failed = true;
            break;
        }
        if (b.failed || !r)
            break;
        if (info->flags & OPF_STORE) {
            if (s.sp != 0 || s.nopen != 0)
                break;
            root = r;
        } else {
            s.stack[s.sp++] = r;
        }
        pc += size;
    }
    if (!root || b.failed) {
        snprintf(err, errlen, "the code of fact '%s' has a shape gdl explain does not know",
                 gdl_str(p, p->facts[fact].name));
        return NULL;
    }
    if (p->facts[fact].kind == FK_CLASSIFY) {
        /* the table's values are the classification's: its enum symbols */
        for (ExplainNode *t = root; t; t = t->kind == XN_GUARD ? t->kids[1]
                                          : (t->kind == XN_OP && t->op == OP_COALESCE) ? t->kids[1] : NULL) {
            t->type = p->facts[fact].type;
            t->sym_fact = p->facts[fact].type == GT_ENUM ? (uint16_t)fact : GDL_NONE;
            if (t->kind == XN_TABLE)
                adopt_type(t->kids[t->nkids - 1], t);
        }
    }
    return root;
}

/* ---- evaluating -------------------------------------------------------- */

static const GdlValue UNKNOWN = { VT_UNKNOWN, 0, { 0 } };

static GdlValue boolean(bool v)
{
    return (GdlValue){ VT_NUM, 0, { .num = v } };
}

static GdlValue unknown_from(const GdlValue *a, const GdlValue *b)
{
    GdlValue u = UNKNOWN;
    u.len = (a && a->tag == VT_UNKNOWN ? a->len : 0) | (b && b->tag == VT_UNKNOWN ? b->len : 0);
    return u;
}

/* Kleene and/or over the kids: the deciding value wins, then unknown. */
static GdlValue kleene(const ExplainNode *n, bool is_or)
{
    GdlValue r = boolean(!is_or);
    for (uint32_t i = 0; i < n->nkids; i++) {
        const GdlValue *v = &n->kids[i]->value;
        if (v->tag == VT_NUM && (v->as.num != 0) == is_or)
            return boolean(is_or);
        if (v->tag == VT_UNKNOWN)
            r = unknown_from(&r, v);
    }
    return r;
}

static GdlValue at_least(const ExplainNode *n)
{
    uint32_t t = 0, u = 0;
    GdlValue r = UNKNOWN;
    for (uint32_t i = n->op == OP_AT_LEAST; i < n->nkids; i++) {     /* AT_LEAST: kids[0] is n */
        const GdlValue *v = &n->kids[i]->value;
        t += gdl_is_true(v);
        if (v->tag == VT_UNKNOWN) {
            u++;
            r = unknown_from(&r, v);
        }
    }
    if (n->op == OP_COUNT)
        return u ? r : (GdlValue){ VT_NUM, 0, { .num = t } };
    const GdlValue *need = &n->kids[0]->value;
    if (need->tag == VT_UNKNOWN)
        return *need;
    if (t >= need->as.num)
        return boolean(true);
    if (t + u < need->as.num)
        return boolean(false);
    return r;
}

static GdlValue strict(const ExplainNode *n)
{
    const GdlValue *a = &n->kids[0]->value, *b = n->nkids > 1 ? &n->kids[1]->value : NULL;
    if (a->tag == VT_UNKNOWN || (b && b->tag == VT_UNKNOWN))
        return unknown_from(a, b);
    double x = a->as.num, y = b ? b->as.num : 0;
    switch (n->op) {
    case OP_EQ: return boolean(x == y);
    case OP_NE: return boolean(x != y);
    case OP_LT: return boolean(x < y);
    case OP_LE: return boolean(x <= y);
    case OP_GT: return boolean(x > y);
    case OP_GE: return boolean(x >= y);
    case OP_STR_EQ:
        return boolean(a->tag == VT_STR && b->tag == VT_STR && a->len == b->len && memcmp(a->as.str, b->as.str, a->len) == 0);
    case OP_ADD: return (GdlValue){ VT_NUM, 0, { .num = x + y } };
    case OP_SUB: return (GdlValue){ VT_NUM, 0, { .num = x - y } };
    case OP_MUL: return (GdlValue){ VT_NUM, 0, { .num = x * y } };
    case OP_DIV:
        if (y == 0)
            return (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_DIV_ZERO), { 0 } };
        return (GdlValue){ VT_NUM, 0, { .num = x / y } };
    case OP_DAYS_BETWEEN: return (GdlValue){ VT_NUM, 0, { .num = y - x } };
    case OP_WEEKS_BETWEEN: return (GdlValue){ VT_NUM, 0, { .num = trunc((y - x) / 7) } };
    default: return UNKNOWN;
    }
}

static GdlValue sum(const ExplainNode *n)
{
    const GdlValue *a = &n->kids[0]->value;
    if (a->tag == VT_UNKNOWN)
        return *a;
    uint32_t from = n->op == OP_SUM_ITEMS ? n->item_first - 1u : 0, to = n->op == OP_SUM_ITEMS ? n->item_last : a->len;
    if (a->tag != VT_LIST || to > a->len)
        return (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_SHORT_LIST), { 0 } };
    double s = 0;
    for (uint32_t i = from; i < to; i++)
        s += a->as.items[i];
    return (GdlValue){ VT_NUM, 0, { .num = s } };
}

static GdlValue operator(const ExplainNode *n)
{
    const GdlValue *a = &n->kids[0]->value;
    switch (n->op) {
    case OP_AND: return kleene(n, false);
    case OP_OR: return kleene(n, true);
    case OP_NOT: return a->tag == VT_NUM ? boolean(a->as.num == 0) : *a;
    case OP_NEG: return a->tag == VT_NUM ? (GdlValue){ VT_NUM, 0, { .num = -a->as.num } } : *a;
    case OP_KNOWN: return boolean(a->tag != VT_UNKNOWN);
    case OP_COALESCE:
        return a->tag != VT_UNKNOWN ? *a : n->kids[1]->value.tag != VT_UNKNOWN ? n->kids[1]->value
                                                                              : unknown_from(a, &n->kids[1]->value);
    case OP_AT_LEAST: case OP_COUNT: return at_least(n);
    case OP_SUM_LIST: case OP_SUM_ITEMS: return sum(n);
    default: return strict(n);
    }
}

/* The first row whose condition is not false decides: true gives its
 * value, unknown leaves the table unknown; no such row, the otherwise. */
static GdlValue table(const ExplainNode *n)
{
    uint32_t rows = n->nkids - 1;
    for (uint32_t i = 0; i < rows; i++) {
        const GdlValue *c = &n->kids[i]->value;
        if (gdl_is_false(c))
            continue;
        return c->tag == VT_UNKNOWN ? *c : (GdlValue){ VT_NUM, 0, { .num = n->row_values[i] } };
    }
    return n->kids[rows]->value;
}

void explain_eval(const GdlVm *vm, ExplainNode *n)
{
    for (uint32_t i = 0; i < n->nkids; i++)
        explain_eval(vm, n->kids[i]);
    switch ((ExplainNodeKind)n->kind) {
    case XN_CONST: n->value = n->konst; break;
    case XN_FACT: n->value = vm->facts[n->index]; break;
    case XN_PARAM: n->value = vm->params[n->index]; break;
    case XN_OP: n->value = operator(n); break;
    case XN_TABLE: n->value = table(n); break;
    case XN_GUARD: {
        const GdlValue *c = &n->kids[0]->value;
        n->value = gdl_is_true(c) ? n->kids[1]->value
                 : c->tag == VT_UNKNOWN ? *c : (GdlValue){ VT_UNKNOWN, GDL_WHY_BIT(GDL_WHY_NOT_APPLICABLE), { 0 } };
        break;
    }
    }
}

bool explain_same_value(const GdlValue *a, const GdlValue *b)
{
    if (a->tag != b->tag)
        return false;
    switch (a->tag) {
    case VT_UNKNOWN: return true;
    case VT_NUM: return a->as.num == b->as.num || (a->as.num != a->as.num && b->as.num != b->as.num);
    case VT_STR: return a->len == b->len && memcmp(a->as.str, b->as.str, a->len) == 0;
    default: return a->len == b->len && (a->len == 0 || memcmp(a->as.items, b->as.items, sizeof *a->as.items * a->len) == 0);
    }
}
