/* lower.c - lowers the checked tree to bytecode: expressions (constant
 * folding, fact-versus-constant compares, function expansion), the rows of
 * a classification table, and an outcome's condition, dose and start date. */
#include "codegen.h"
#include "builtins.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int outcome_action(const char *word);
int outcome_strength(const char *word);
int outcome_moment(const char *word);

static bool const_number(AstNode *e, double *v)
{
    if (e->kind == AST_NUM) {
        *v = e->num;
        return true;
    }
    double a, b;
    if (e->kind == AST_UNARY && e->op == OP_NEG_ && const_number(e->a, &a)) {
        *v = -a;
        return true;
    }
    if (e->kind == AST_BINARY && e->op >= OP_ADD_ && e->op <= OP_DIV_ && const_number(e->a, &a) && const_number(e->b, &b)) {
        switch (e->op) {
        case OP_ADD_: *v = a + b; return true;
        case OP_SUB_: *v = a - b; return true;
        case OP_MUL_: *v = a * b; return true;
        default:
            if (b == 0)
                return false;   /* unknown at run time, like any division by zero */
            *v = a / b;
            return true;
        }
    }
    return false;
}

/* A compare operand that is an enum value pushes its ordinal. */
static void gen_operand(Gen *g, AstNode *e, Ty other)
{
    if (other.kind == TY_ENUM && e->member) {
        emit(g, OP_PUSH_NUM, number(g, e->ordinal), 0);
        return;
    }
    gen_expr(g, e);
}

/* The fact a bare name reads, or -1 (a parameter, a function argument). */
static int fact_of(const AstNode *e)
{
    if (e->kind != AST_NAME || e->member || e->arg)
        return -1;
    const Symbol *s = e->ref;
    return s && s->kind != SYM_PARAM && s->fact >= 0 ? s->fact : -1;
}

/* The constant a compare operand stands for: a number, a date, a boolean, an enum value. */
static bool const_operand(AstNode *e, Ty other, double *v)
{
    if (other.kind == TY_ENUM && e->member) {
        *v = e->ordinal;
        return true;
    }
    if (e->kind == AST_DATE)
        return gdl_date_parse_str(e->str, v);
    if (e->kind == AST_BOOL) {          /* booleans are the numbers 0 and 1 */
        *v = e->flags ? 1 : 0;
        return true;
    }
    return const_number(e, v);
}

/* l <op> r for operands of types tl, tr (already checked). fact <op>
 * constant, the commonest test, is the one instruction FACT_CMP_K. */
static void gen_cmp(Gen *g, AstNode *l, int op, AstNode *r, Ty tl, Ty tr)
{
    static const uint8_t CMP_OF[] = { [OP_EQ_] = CMP_EQ, [OP_NE_] = CMP_NE, [OP_LT_] = CMP_LT,
                                      [OP_LE_] = CMP_LE, [OP_GT_] = CMP_GT, [OP_GE_] = CMP_GE };
    static const uint8_t MIRROR[] = { [CMP_EQ] = CMP_EQ, [CMP_NE] = CMP_NE, [CMP_LT] = CMP_GT,
                                      [CMP_LE] = CMP_GE, [CMP_GT] = CMP_LT, [CMP_GE] = CMP_LE };
    if (tl.kind == TY_ANY)
        tl = tr;
    if (tr.kind == TY_ANY)
        tr = tl;
    if (tl.kind != TY_STRING && tl.kind != TY_LIST) {
        double k;
        int f;
        if ((f = fact_of(l)) >= 0 && const_operand(r, tl, &k)) {
            mark_line(g, l->span);
            emit(g, OP_FACT_CMP_K, (uint32_t)f, number(g, k) | (uint32_t)CMP_OF[op] << 16);
            return;
        }
        if ((f = fact_of(r)) >= 0 && const_operand(l, tr, &k)) {
            mark_line(g, r->span);
            emit(g, OP_FACT_CMP_K, (uint32_t)f, number(g, k) | (uint32_t)MIRROR[CMP_OF[op]] << 16);
            return;
        }
    }
    gen_operand(g, l, tr);
    gen_operand(g, r, tl);
    if (tl.kind == TY_STRING) {
        emit(g, OP_STR_EQ, 0, 0);
        if (op == OP_NE_)
            emit(g, OP_NOT, 0, 0);
        return;
    }
    static const Opcode CMP[] = { [OP_EQ_] = OP_EQ, [OP_NE_] = OP_NE, [OP_LT_] = OP_LT,
                                  [OP_LE_] = OP_LE, [OP_GT_] = OP_GT, [OP_GE_] = OP_GE };
    emit(g, CMP[op], 0, 0);
}

static void gen_compare(Gen *g, AstNode *e)
{
    gen_cmp(g, e->a, e->op, e->b, e->a->ty, e->b->ty);
}

static void gen_name(Gen *g, AstNode *e)
{
    if (e->arg) {           /* a function's parameter: its argument, as the caller wrote it */
        gen_expr(g, e->arg);
        return;
    }
    const Symbol *s = e->ref;
    if (!s) {
        gen_error(g, e->span, "internal error: unresolved name");
        return;
    }
    if (s->kind == SYM_PARAM)
        emit(g, OP_LOAD_PARAM, (uint32_t)s->param, 0);
    else
        emit(g, OP_LOAD_FACT, (uint32_t)s->fact, 0);
}

/* args[0] op args[1] op ...; a fact or a comparison with a constant as the
 * right operand of and/or is folded into the operator by the peephole pass. */
static void gen_chain(Gen *g, AstNode **args, uint32_t n, Opcode op)
{
    gen_expr(g, args[0]);
    for (uint32_t i = 1; i < n; i++) {
        gen_expr(g, args[i]);
        emit(g, op, 0, 0);
    }
}

static void gen_args(Gen *g, AstNode **args, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        gen_expr(g, args[i]);
}

static void gen_call(Gen *g, AstNode *e)
{
    AstNode **args = e->list.items;
    uint32_t n = e->list.count;
    int bf = e->builtin;   /* check.c found it; lowered as builtins.def says */
    if (bf >= 0) {
        const BuiltinInfo *b = &BUILTINS[bf];
        switch (b->lowering) {
        case BL_FOLD: gen_chain(g, args, n, b->op); return;
        case BL_ARGS: gen_args(g, args, n); emit(g, b->op, 0, 0); return;
        case BL_COUNT_ALL: gen_args(g, args, n); emit(g, b->op, n, 0); return;
        case BL_COUNT_REST: gen_args(g, args, n); emit(g, b->op, n - 1, 0); return;
        case BL_SUM:
            gen_expr(g, args[0]);
            if (n == 3)
                emit(g, OP_SUM_ITEMS, (uint32_t)args[1]->num, (uint32_t)args[2]->num);
            else
                emit(g, b->op, 0, 0);
            return;
        }
    }
    if (!e->expansion) {
        gen_error(g, e->span, "internal error: a function call the checker did not expand");
        return;
    }
    gen_expr(g, e->expansion);  /* this call's copy of the body (check.c), its parameters bound */
}

void gen_expr(Gen *g, AstNode *e)
{
    if (g->failed)
        return;
    mark_line(g, e->span);
    double v;
    switch (e->kind) {
    case AST_NUM: emit(g, OP_PUSH_NUM, number(g, e->num), 0); return;
    case AST_STR: emit(g, OP_PUSH_STR, intern(g, e->str), 0); return;
    case AST_DATE: {
        double days = 0;
        gdl_date_parse_str(e->str, &days);
        emit(g, OP_PUSH_NUM, number(g, days), 0);
        return;
    }
    case AST_BOOL: emit(g, e->flags ? OP_PUSH_TRUE : OP_PUSH_FALSE, 0, 0); return;
    case AST_UNKNOWN_LIT: emit(g, OP_PUSH_UNKNOWN, 0, 0); return;
    case AST_NAME: gen_name(g, e); return;
    case AST_CALL: gen_call(g, e); return;
    case AST_FIRED: {   /* coalesce(cond, false) of every matching outcome, or-ed */
        uint32_t n = 0;
        for (uint32_t i = 0; i < g->c->outcomes.count; i++) {
            AstNode *o = g->c->outcomes.items[i];
            const Symbol *s = o->ref;
            if (!s || s->fact < 0 || strcmp(gdl_outcome_kind_name((OutcomeKind)o->op), e->name) != 0
                || strcmp(o->name, e->name2) != 0 || (e->str && (!o->name2 || strcmp(o->name2, e->str) != 0)))
                continue;
            emit(g, OP_LOAD_FACT, (uint32_t)s->fact, 0);
            emit(g, OP_PUSH_FALSE, 0, 0);
            emit(g, OP_COALESCE, 0, 0);
            if (n++)
                emit(g, OP_OR, 0, 0);
        }
        if (n == 0)
            emit(g, OP_PUSH_FALSE, 0, 0);
        return;
    }
    case AST_UNARY:
        if (e->op == OP_NEG_ && const_number(e, &v)) {
            emit(g, OP_PUSH_NUM, number(g, v), 0);
            return;
        }
        gen_expr(g, e->a);
        emit(g, e->op == OP_NOT_ ? OP_NOT : OP_NEG, 0, 0);
        return;
    case AST_RANGE_TEST: {
        AstNode *r = e->b;
        gen_cmp(g, e->a, (r->flags & RANGE_LO_EXCL) ? OP_GT_ : OP_GE_, r->a, e->a->ty, r->a->ty);
        gen_cmp(g, e->a, (r->flags & RANGE_HI_EXCL) ? OP_LT_ : OP_LE_, r->b, e->a->ty, r->b->ty);
        emit(g, OP_AND, 0, 0);
        return;
    }
    case AST_SET_TEST: {
        for (uint32_t i = 0; i < e->list.count; i++) {
            AstNode *m = e->list.items[i];
            gen_cmp(g, e->a, OP_EQ_, m, e->a->ty, m->ty);
            if (i)
                emit(g, OP_OR, 0, 0);
        }
        return;
    }
    case AST_BINARY:
        switch (e->op) {
        case OP_OR_:
        case OP_AND_: {
            AstNode *operands[2] = { e->a, e->b };
            gen_chain(g, operands, 2, e->op == OP_OR_ ? OP_OR : OP_AND);
            return;
        }
        case OP_EQ_: case OP_NE_: case OP_LT_: case OP_LE_: case OP_GT_: case OP_GE_:
            gen_compare(g, e);
            return;
        default:
            if (const_number(e, &v)) {
                emit(g, OP_PUSH_NUM, number(g, v), 0);
                return;
            }
            gen_expr(g, e->a);
            gen_expr(g, e->b);
            static const Opcode ARITH[] = { [OP_ADD_] = OP_ADD, [OP_SUB_] = OP_SUB, [OP_MUL_] = OP_MUL, [OP_DIV_] = OP_DIV };
            emit(g, ARITH[e->op], 0, 0);
            return;
        }
    default:
        gen_error(g, e->span, "internal error: not an expression");
    }
}

void store(Gen *g, Symbol *s)
{
    emit(g, OP_STORE_FACT, (uint32_t)s->fact, 0);
    if (g->depth != 0 && !g->failed)
        gen_error(g, s->decl ? s->decl->span : (SrcSpan){ 0, 0, 0 }, "internal error: unbalanced stack");
}

/* A table with 'when' first reads its applies fact (s->fact + 1): GUARD
 * jumps past the table with unknown when it is unknown, and with unknown
 * without provenance when it is false (the writer then leaves the
 * classification out). */
void gen_classify(Gen *g, Symbol *s)
{
    AstNode *d = s->decl;
    const Symbol *ov = d->name2_sym;
    uint32_t guard = 0;
    if (d->a) {
        emit(g, OP_LOAD_FACT, (uint32_t)s->fact + 1, 0);
        guard = g->p->ncode + 1;
        emit(g, OP_GUARD, 0, 0);
    }
    if (ov)
        emit(g, OP_LOAD_FACT, (uint32_t)ov->fact, 0);
    uint32_t patches[1024], npatch = 0;
    int base = g->depth;
    for (uint32_t i = 0; i < d->list.count; i++) {
        AstNode *row = d->list.items[i];
        double v = row->b->kind == AST_NAME ? row->b->ordinal : row->b->num;
        mark_line(g, row->span);
        if (!row->a) {
            emit(g, OP_OTHERWISE, number(g, v), 0);
            break;
        }
        gen_expr(g, row->a);
        if (npatch >= 1024) {
            gen_error(g, row->span, "classification has more than 1024 rows");
            return;
        }
        patches[npatch++] = g->p->ncode + 1;
        emit(g, OP_CLASSIFY_ROW, 0, number(g, v));
    }
    AstNode *last = d->list.items[d->list.count - 1];
    if (last->a)    /* a unique table without otherwise: no row holds, the value is unknown */
        emit(g, OP_PUSH_UNKNOWN, 0, 0);
    for (uint32_t i = 0; i < npatch && !g->failed; i++) {
        g->p->code[patches[i]] = (uint8_t)(g->p->ncode & 0xff);
        g->p->code[patches[i] + 1] = (uint8_t)(g->p->ncode >> 8);
    }
    if (npatch)
        g->prev_at = NO_PREV;   /* a jump target: the next instruction starts here */
    g->depth = base + 1;
    if (ov)
        emit(g, OP_COALESCE, 0, 0);
    if (d->a && !g->failed) {
        g->p->code[guard] = (uint8_t)(g->p->ncode & 0xff);
        g->p->code[guard + 1] = (uint8_t)(g->p->ncode >> 8);
        g->prev_at = NO_PREV;
    }
}

/* JSON text of a dose: keys in written order; numbers shortest round-trip. */
static void json_number(char *buf, size_t len, double v)
{
    v += 0.0;       /* -0 is 0: "-0" would say something the guideline does not */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, len, "%.0f", v);
        return;
    }
    snprintf(buf, len, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, len, "%.17g", v);
}

static uint16_t dose_json(Gen *g, AstNode *dose)
{
    if (!dose)
        return GDL_NONE;
    char buf[4096];
    size_t n = 0;
    buf[n++] = '{';
    for (uint32_t i = 0; i < dose->list.count && n < sizeof buf - 64; i++) {
        AstNode *d = dose->list.items[i];
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"%s\": ", i ? ", " : "", d->name);
        AstNode *v = d->a;
        /* a rate (3 per week) has the unit "per week", which a key that names
         * it (sessions_per_week) carries in its name: a plain number there */
        char rate[48];
        const char *unit = v->unit;
        if (v->name2 && v->kind != AST_NAME) {
            snprintf(rate, sizeof rate, "per %.32s", v->name2);
            unit = strstr(d->name, "_per_") ? NULL : rate;
        }
        if (v->kind == AST_NAME) {
            /* a parameter: the VM puts in the run's value (param_render.c) */
            n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"$param\": \"%s\"}", v->name);
        } else if (v->kind == AST_RANGE) {
            /* advice format, "Dose keys": [10, 15], with a unit {"value": [10, 15], "unit": "min"} */
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[", unit ? "{\"value\": " : "");
            json_number(buf + n, sizeof buf - n, v->a->num);
            n += strlen(buf + n);
            n += (size_t)snprintf(buf + n, sizeof buf - n, ", ");
            json_number(buf + n, sizeof buf - n, v->b->num);
            n += strlen(buf + n);
            n += (size_t)snprintf(buf + n, sizeof buf - n, "]");
            if (unit)
                n += (size_t)snprintf(buf + n, sizeof buf - n, ", \"unit\": \"%.32s\"}", unit);
        } else if (v->kind == AST_NUM) {
            /* A number written with a unit keeps it (advice format, "Dose keys"):
             * {"value": 30, "unit": "min"}; a unit name is an ASCII identifier. */
            if (unit)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"value\": ");
            json_number(buf + n, sizeof buf - n, v->num);
            n += strlen(buf + n);
            if (unit && n < sizeof buf - 64)
                n += (size_t)snprintf(buf + n, sizeof buf - n, ", \"unit\": \"%.32s\"}", unit);
        } else if (v->kind == AST_BOOL) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", v->flags ? "true" : "false");
        } else {
            const char *s = v->str ? v->str : "";
            buf[n++] = '"';
            for (; *s && n < sizeof buf - 8; s++) {
                unsigned char ch = (unsigned char)*s;
                if (ch == '"' || ch == '\\') { buf[n++] = '\\'; buf[n++] = (char)ch; }
                else if (ch == '\n') { buf[n++] = '\\'; buf[n++] = 'n'; }
                else if (ch == '\t') { buf[n++] = '\\'; buf[n++] = 't'; }
                else if (ch < 0x20) n += (size_t)snprintf(buf + n, sizeof buf - n, "\\u%04x", ch);
                else buf[n++] = (char)ch;
            }
            buf[n++] = '"';
        }
    }
    if (n >= sizeof buf - 64) {
        gen_error(g, dose->span, "dose too long");
        return GDL_NONE;
    }
    buf[n++] = '}';
    return intern_n(g, buf, n);
}

/* An advice's texts in the header's languages other than nl and en. */
static void add_texts(Gen *g, AstNode *d, uint16_t outcome)
{
    GdlProgram *p = g->p;
    for (uint32_t i = 0; i < d->list.count; i++) {
        AstNode *t = d->list.items[i];
        if (strcmp(t->name, "nl") == 0 || strcmp(t->name, "en") == 0)
            continue;
        GROW(g, p->texts, p->ntexts, g->cap_texts, GdlText);
        if (g->failed)
            return;
        p->texts[p->ntexts++] = (GdlText){ .outcome = outcome, .lang = intern(g, t->name), .text = intern(g, t->str) };
    }
}

void gen_outcome(Gen *g, Symbol *s, GdlOutcome *o)
{
    AstNode *d = s->decl;
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)d->op;
    o->id = intern(g, d->name);
    o->section = intern(g, d->b ? d->b->str : "");
    o->cond = (uint16_t)s->fact;
    o->cluster = GDL_NONE;
    o->text_nl = o->text_en = o->dose = o->from = o->after_param = GDL_NONE;
    switch (o->kind) {
    case OK_RED_FLAG:
        o->cluster = intern(g, d->cluster);
        /* fall through */
    case OK_REFERRAL:
        o->action = (uint8_t)outcome_action(d->action);
        o->urgent = (uint8_t)d->urgent;
        break;
    case OK_ADVICE:
        o->strength = (uint8_t)outcome_strength(d->strength);
        o->text_nl = intern(g, text_of(d, "nl"));
        o->text_en = intern(g, text_of(d, "en"));
        add_texts(g, d, (uint16_t)(o - g->p->outcomes));
        o->dose = dose_json(g, d->dose);
        break;
    case OK_SCHEDULE:
        if (d->after_param) {   /* after PARAM: its default here, the run's value in the VM */
            const Symbol *pa = d->name2_sym;
            o->after_param = (uint16_t)pa->param;
            o->after = (uint32_t)pa->decl->a->num;
            o->after_unit = (uint8_t)gdl_after_unit_by_word(pa->decl->a->unit);   /* checked: weeks or days */
        } else {
            o->after = (uint32_t)d->num;
            o->after_unit = (uint8_t)gdl_after_unit_by_word(d->unit);   /* checked: a unit of after_units.def */
        }
        o->from = (uint16_t)(s->fact + 1);   /* the date fact follows the condition */
        break;
    case OK_MEASUREMENT:
        for (uint32_t i = 0; i < d->list2.count; i++)
            o->moments |= (uint8_t)outcome_moment(d->list2.items[i]->name);
        break;
    }
    if (d->a)
        gen_expr(g, d->a);
    else
        emit(g, OP_PUSH_TRUE, 0, 0);
    store(g, s);
    if (o->kind == OK_SCHEDULE) {
        mark_fact(g, (uint16_t)(s->fact + 1), d->from ? d->from : d);
        if (d->from) {
            gen_expr(g, d->from);
        } else {
            /* advice format: dates count from first_contact_on, else assessed_on */
            const Symbol *first = g->c->schedule_from[0], *assessed = g->c->schedule_from[1];
            bool fd = first != NULL, ad = assessed != NULL;
            if (fd) emit(g, OP_LOAD_FACT, (uint32_t)first->fact, 0);
            if (ad) emit(g, OP_LOAD_FACT, (uint32_t)assessed->fact, 0);
            if (fd && ad) emit(g, OP_COALESCE, 0, 0);
            if (!fd && !ad) emit(g, OP_PUSH_UNKNOWN, 0, 0);
        }
        emit(g, OP_STORE_FACT, (uint32_t)s->fact + 1, 0);
    }
}
