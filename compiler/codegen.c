/* codegen.c - turns the checked tree into a GdlProgram: the string and
 * number pools (deduplicated, numbered by first use), the fact, parameter
 * and outcome tables, and one straight-line block of bytecode per derived
 * fact, in dependency order. Runs only when check.c found no error. */
#include "compile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "mem.h"
#include "opcodes.h"

int builtin_fn(const char *name);
int outcome_action(const char *word);
int outcome_strength(const char *word);
int outcome_moment(const char *word);

typedef struct {
    Compiler *c;
    Arena *out;
    GdlProgram *p;
    uint32_t cap_strings, cap_lens, cap_numbers, cap_code, cap_lines, cap_syms;
    uint16_t *string_hash;      /* open addressing: index + 1, 0 = empty */
    uint32_t string_hash_cap;
    int depth;                  /* current stack depth */
    uint32_t prev_at;           /* the last instruction, for the peephole pass; NO_PREV: none to fuse with */
    uint32_t prev_a, prev_b;
    int prev_depth;             /* stack depth before it */
    uint32_t prev_max_stack;    /* max_stack before it */
    uint8_t prev_op;
    uint32_t last_line, last_file;
    uint16_t cur_fact, last_fact;
    bool failed;
} Gen;

#define NO_PREV UINT32_MAX

#define GROW(g, arr, count, cap, type)                                        \
    do {                                                                      \
        if ((count) == (cap)) {                                               \
            uint32_t ncap = (cap) ? (cap) * 2 : 64;                           \
            type *grown = arena_alloc((g)->out, sizeof(type) * ncap);         \
            if (!grown) { (g)->failed = true; break; }                        \
            if (count) memcpy(grown, (arr), sizeof(type) * (count));          \
            (arr) = grown;                                                    \
            (cap) = ncap;                                                     \
        }                                                                     \
    } while (0)

static void gen_error(Gen *g, SrcSpan at, const char *msg)
{
    diag_report(&g->c->diag, SEV_ERROR, at, "%s", msg);
    g->failed = true;
}

/* ---- pools ----------------------------------------------------------- */

static uint32_t str_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static uint16_t intern_n(Gen *g, const char *s, size_t n)
{
    GdlProgram *p = g->p;
    if (2 * (p->nstrings + 1) > g->string_hash_cap) {    /* keep the table at most half full */
        uint32_t cap = g->string_hash_cap ? g->string_hash_cap * 2 : 1024;
        uint16_t *table = mem_calloc(g->out->mem, cap, sizeof(uint16_t));
        if (!table) {
            g->failed = true;
            return 0;
        }
        for (uint32_t i = 0; i < p->nstrings; i++) {
            uint32_t h = str_hash(p->strings[i], p->string_lens[i]) & (cap - 1);
            while (table[h])
                h = (h + 1) & (cap - 1);
            table[h] = (uint16_t)(i + 1);
        }
        mem_free(g->out->mem, g->string_hash);
        g->string_hash = table;
        g->string_hash_cap = cap;
    }
    uint32_t mask = g->string_hash_cap - 1;
    for (uint32_t h = str_hash(s, n) & mask;; h = (h + 1) & mask) {
        uint16_t slot = g->string_hash[h];
        if (!slot) {
            if (p->nstrings >= GDL_MAX_STRINGS) {
                if (!g->failed)
                    diag_file(&g->c->diag, SEV_ERROR, g->c->sources.files[g->c->main_file].path,
                              "too many strings (limit is %d)", GDL_MAX_STRINGS);
                g->failed = true;
                return 0;
            }
            GROW(g, p->string_lens, p->nstrings, g->cap_lens, uint32_t);
            GROW(g, p->strings, p->nstrings, g->cap_strings, const char *);
            if (g->failed)
                return 0;
            p->strings[p->nstrings] = arena_strndup(g->out, s, n);
            p->string_lens[p->nstrings] = (uint32_t)n;
            g->string_hash[h] = (uint16_t)(p->nstrings + 1);
            return (uint16_t)p->nstrings++;
        }
        uint32_t i = slot - 1u;
        if (p->string_lens[i] == n && memcmp(p->strings[i], s, n) == 0)
            return (uint16_t)i;
    }
}

static uint16_t intern(Gen *g, const char *s)
{
    return s ? intern_n(g, s, strlen(s)) : GDL_NONE;
}

static uint16_t number(Gen *g, double v)
{
    GdlProgram *p = g->p;
    for (uint32_t i = 0; i < p->nnumbers; i++)   /* pools are small; bitwise so -0 stays -0 */
        if (memcmp(&p->numbers[i], &v, sizeof v) == 0)
            return (uint16_t)i;
    if (p->nnumbers >= GDL_MAX_NUMBERS) {
        if (!g->failed)
            diag_file(&g->c->diag, SEV_ERROR, g->c->sources.files[g->c->main_file].path,
                      "too many constants (limit is %d)", GDL_MAX_NUMBERS);
        g->failed = true;
        return 0;
    }
    GROW(g, p->numbers, p->nnumbers, g->cap_numbers, double);
    if (g->failed)
        return 0;
    p->numbers[p->nnumbers] = v;
    return (uint16_t)p->nnumbers++;
}

/* ---- code ------------------------------------------------------------ */

static void byte(Gen *g, uint8_t b)
{
    GdlProgram *p = g->p;
    if (p->ncode >= GDL_MAX_CODE) {
        if (!g->failed)
            diag_file(&g->c->diag, SEV_ERROR, g->c->sources.files[g->c->main_file].path,
                      "guideline too large: more than %d bytes of code", GDL_MAX_CODE);
        g->failed = true;
        return;
    }
    GROW(g, p->code, p->ncode, g->cap_code, uint8_t);
    if (!g->failed)
        p->code[p->ncode++] = b;
}

static void u16(Gen *g, uint32_t v)
{
    byte(g, (uint8_t)(v & 0xff));
    byte(g, (uint8_t)(v >> 8));
}

/* An entry that no instruction followed is replaced, unless it is its
 * fact's first (the disassembler's heading): function expansions switch
 * lines without emitting, and the table has a limit (one u16 pc space). */
static void add_line(Gen *g, uint32_t line, uint32_t file)
{
    GdlProgram *p = g->p;
    const GdlLine *l = p->lines;
    uint32_t n = p->nlines;
    if (n >= 2 && l[n - 1].pc == p->ncode && l[n - 2].pc == p->ncode && l[n - 1].fact == g->cur_fact &&
        l[n - 2].fact == g->cur_fact)
        p->nlines--;
    if (p->nlines >= GDL_MAX_CODE) {
        if (!g->failed)
            diag_file(&g->c->diag, SEV_ERROR, g->c->sources.files[g->c->main_file].path,
                      "guideline too large: more than %d line-table entries", GDL_MAX_CODE);
        g->failed = true;
        return;
    }
    GROW(g, p->lines, p->nlines, g->cap_lines, GdlLine);
    if (g->failed)
        return;
    p->lines[p->nlines++] = (GdlLine){ p->ncode, line, intern(g, g->c->sources.files[file].path), g->cur_fact };
    g->last_line = line;
    g->last_file = file;
    g->last_fact = g->cur_fact;
}

static void mark_line(Gen *g, SrcSpan at)
{
    uint32_t line, col;
    source_line_col(&g->c->sources, at.file, at.start, &line, &col);
    if (line == g->last_line && at.file == g->last_file && g->cur_fact == g->last_fact)
        return;
    add_line(g, line, at.file);
}

/* Every fact's code opens a line-table run, so the debug info names the
 * right fact; built-in facts have no source line (0). */
static void mark_fact(Gen *g, uint16_t fact, const AstNode *decl)
{
    g->cur_fact = fact;
    if (decl)
        mark_line(g, decl->span);
    else
        add_line(g, 0, g->c->main_file);
}

/* Pairs the VM runs as one instruction (the peephole pass): one dispatch
 * instead of two for the commonest shapes of guideline conditions. */
enum { FIRSTS_OPERANDS, SECONDS_OPERANDS, FIRSTS_THEN_SECONDS };

static const struct {
    uint8_t first, second, fused, operands;
} FUSIONS[] = {
    { OP_LOAD_FACT, OP_AND, OP_AND_FACT, FIRSTS_OPERANDS },
    { OP_LOAD_FACT, OP_OR, OP_OR_FACT, FIRSTS_OPERANDS },
    { OP_FACT_CMP_K, OP_AND, OP_AND_CMP_K, FIRSTS_OPERANDS },
    { OP_FACT_CMP_K, OP_OR, OP_OR_CMP_K, FIRSTS_OPERANDS },
    { OP_LOAD_FACT, OP_STORE_FACT, OP_COPY_FACT, FIRSTS_THEN_SECONDS },
    { OP_AND, OP_STORE_FACT, OP_AND_STORE, SECONDS_OPERANDS },
    { OP_OR, OP_STORE_FACT, OP_OR_STORE, SECONDS_OPERANDS },
    { OP_AND_FACT, OP_STORE_FACT, OP_AND_FACT_STORE, FIRSTS_THEN_SECONDS },
    { OP_OR_FACT, OP_STORE_FACT, OP_OR_FACT_STORE, FIRSTS_THEN_SECONDS },
};

static void emit_one(Gen *g, Opcode op, uint32_t a, uint32_t b);

/* Emits an instruction, fused with the previous one where a rule says so
 * and nothing can land between them: no jump target (gen_classify clears
 * prev_at where it places one) and no line-table entry. */
static void emit(Gen *g, Opcode op, uint32_t a, uint32_t b)
{
    GdlProgram *p = g->p;
    if (g->failed)
        return;     /* operands were dropped: counting operators would corrupt the depth */
    bool line_between = p->nlines && p->lines[p->nlines - 1].pc == p->ncode;
    if (g->prev_at != NO_PREV && !line_between) {
        for (size_t i = 0; i < sizeof FUSIONS / sizeof FUSIONS[0]; i++) {
            if (FUSIONS[i].first != g->prev_op || FUSIONS[i].second != op)
                continue;
            uint32_t fa = g->prev_a, fb = g->prev_b;
            if (FUSIONS[i].operands == SECONDS_OPERANDS)
                fa = a, fb = b;
            else if (FUSIONS[i].operands == FIRSTS_THEN_SECONDS)
                fb = a;
            p->ncode = g->prev_at;
            g->depth = g->prev_depth;
            p->max_stack = g->prev_max_stack;
            emit_one(g, (Opcode)FUSIONS[i].fused, fa, fb);
            return;
        }
    }
    emit_one(g, op, a, b);
}

/* Emits an instruction and tracks the stack depth from the opcode table. */
static void emit_one(Gen *g, Opcode op, uint32_t a, uint32_t b)
{
    const OpInfo *info = &OP_INFO[op];
    int pop = info->pop == -1 ? (int)a : info->pop == -2 ? (int)a + 1 : info->pop;
    g->prev_at = g->p->ncode;
    g->prev_op = (uint8_t)op;
    g->prev_a = a;
    g->prev_b = b;
    g->prev_depth = g->depth;
    g->prev_max_stack = g->p->max_stack;
    g->depth -= pop;
    g->depth += info->push;
    if ((uint32_t)g->depth > g->p->max_stack)
        g->p->max_stack = (uint32_t)g->depth;
    byte(g, (uint8_t)op);
    switch ((OpFormat)info->format) {
    case FMT_NONE: break;
    case FMT_C: byte(g, (uint8_t)a); break;
    case FMT_II: byte(g, (uint8_t)a); byte(g, (uint8_t)b); break;
    case FMT_JK: u16(g, a); u16(g, b); break;
    case FMT_FKC: u16(g, a); u16(g, b & 0xffff); byte(g, (uint8_t)(b >> 16)); break;
    case FMT_FF: u16(g, a); u16(g, b); break;
    default: u16(g, a); break;
    }
}

static void gen_expr(Gen *g, AstNode *e);

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
    if (other.kind == TY_ENUM && check_is_member(g->c, e)) {
        emit(g, OP_PUSH_NUM, number(g, enum_index(other.enum_of, e->name)), 0);
        return;
    }
    gen_expr(g, e);
}

static Ty type_of(Gen *g, AstNode *e)
{
    return check_expr(g->c, e);
}

/* The fact a bare name reads, or -1 (a parameter, a function argument). */
static int fact_of(Gen *g, AstNode *e)
{
    if (e->kind != AST_NAME || check_is_member(g->c, e))
        return -1;
    if (g->c->env)
        for (uint32_t i = 0; i < g->c->env->fn->list.count; i++)
            if (strcmp(g->c->env->fn->list.items[i]->name, e->name) == 0)
                return -1;
    Symbol *s = sym_lookup(g->c, e->name);
    return s && s->kind != SYM_PARAM && s->fact >= 0 ? s->fact : -1;
}

/* The constant a compare operand stands for: a number, a date, a boolean, an enum value. */
static bool const_operand(Gen *g, AstNode *e, Ty other, double *v)
{
    if (other.kind == TY_ENUM && check_is_member(g->c, e)) {
        *v = enum_index(other.enum_of, e->name);
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
        if ((f = fact_of(g, l)) >= 0 && const_operand(g, r, tl, &k)) {
            mark_line(g, l->span);
            emit(g, OP_FACT_CMP_K, (uint32_t)f, number(g, k) | (uint32_t)CMP_OF[op] << 16);
            return;
        }
        if ((f = fact_of(g, r)) >= 0 && const_operand(g, l, tr, &k)) {
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
    Ty tl, tr;
    check_operands(g->c, e->a, e->b, &tl, &tr);
    gen_cmp(g, e->a, e->op, e->b, tl, tr);
}

static void gen_name(Gen *g, AstNode *e)
{
    Compiler *c = g->c;
    if (c->env) {
        AstNode *fn = c->env->fn;
        for (uint32_t i = 0; i < fn->list.count; i++)
            if (strcmp(fn->list.items[i]->name, e->name) == 0) {
                FnEnv *saved = c->env;
                c->env = saved->outer;
                gen_expr(g, saved->args[i]);
                c->env = saved;
                return;
            }
    }
    Symbol *s = sym_lookup(c, e->name);
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

static void gen_call(Gen *g, AstNode *e)
{
    Compiler *c = g->c;
    AstNode **args = e->list.items;
    uint32_t n = e->list.count;
    int bf = builtin_fn(e->name);
    switch (bf) {
    case 0: gen_expr(g, args[0]); emit(g, OP_KNOWN, 0, 0); return;          /* known */
    case 1: gen_chain(g, args, n, OP_OR); return;                           /* any */
    case 2: gen_chain(g, args, n, OP_AND); return;                          /* all */
    case 3:                                                                 /* at_least */
        for (uint32_t i = 0; i < n; i++)
            gen_expr(g, args[i]);
        emit(g, OP_AT_LEAST, n - 1, 0);
        return;
    case 4:                                                                 /* count */
        for (uint32_t i = 0; i < n; i++)
            gen_expr(g, args[i]);
        emit(g, OP_COUNT, n, 0);
        return;
    case 5: gen_chain(g, args, n, OP_COALESCE); return;                     /* coalesce */
    case 6: gen_expr(g, args[0]); gen_expr(g, args[1]); emit(g, OP_WEEKS_BETWEEN, 0, 0); return;
    case 7: gen_expr(g, args[0]); gen_expr(g, args[1]); emit(g, OP_DAYS_BETWEEN, 0, 0); return;
    case 8:                                                                 /* sum */
        gen_expr(g, args[0]);
        if (n == 3)
            emit(g, OP_SUM_ITEMS, (uint32_t)args[1]->num, (uint32_t)args[2]->num);
        else
            emit(g, OP_SUM_LIST, 0, 0);
        return;
    default: break;
    }
    Symbol *fn = sym_lookup(c, e->name);
    FnEnv *env = arena_zalloc(&c->arena, sizeof *env);
    if (!env) {
        g->failed = true;
        return;
    }
    env->fn = fn->decl;
    env->args = args;
    env->outer = c->env;
    c->env = env;
    gen_expr(g, fn->decl->a);
    c->env = env->outer;
}

static void gen_expr(Gen *g, AstNode *e)
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
        Ty tx = type_of(g, e->a), tlo = type_of(g, r->a), thi = type_of(g, r->b);
        gen_cmp(g, e->a, (r->flags & RANGE_LO_EXCL) ? OP_GT_ : OP_GE_, r->a, tx, tlo);
        gen_cmp(g, e->a, (r->flags & RANGE_HI_EXCL) ? OP_LT_ : OP_LE_, r->b, tx, thi);
        emit(g, OP_AND, 0, 0);
        return;
    }
    case AST_SET_TEST: {
        Ty tx = type_of(g, e->a);
        for (uint32_t i = 0; i < e->list.count; i++) {
            AstNode *m = e->list.items[i];
            gen_cmp(g, e->a, OP_EQ_, m, tx, check_is_member(g->c, m) ? tx : type_of(g, m));
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

/* ---- facts ----------------------------------------------------------- */

static GdlType fact_type(Ty t)
{
    switch (t.kind) {
    case TY_BOOL: return GT_BOOL;
    case TY_NUM: return t.integral ? GT_INT : GT_NUMBER;
    case TY_DATE: return GT_DATE;
    case TY_STRING: return GT_STRING;
    case TY_ENUM: return GT_ENUM;
    case TY_LIST: return GT_LIST_INT;
    default: return GT_BOOL;
    }
}

static uint16_t add_syms(Gen *g, const Symbol *owner)
{
    GdlProgram *p = g->p;
    uint16_t first = (uint16_t)p->nsyms;
    for (uint32_t i = 0; i < owner->nenum; i++) {
        GROW(g, p->syms, p->nsyms, g->cap_syms, uint16_t);
        if (g->failed)
            return 0;
        p->syms[p->nsyms++] = intern(g, owner->enum_names[i]);
    }
    return first;
}

static const char *text_of(AstNode *owner, const char *lang)
{
    for (uint32_t i = 0; i < owner->list.count; i++)
        if (strcmp(owner->list.items[i]->name, lang) == 0)
            return owner->list.items[i]->str;
    return NULL;
}

static void fill_input(Gen *g, GdlFact *f, Symbol *s)
{
    AstNode *d = s->decl;
    f->flags = (d->flags & INPUT_REQUIRED) ? IN_REQUIRED : 0;
    f->unit = intern(g, s->ty.unit);
    f->text_nl = intern(g, text_of(d, "nl"));
    f->text_en = intern(g, text_of(d, "en"));
    if (d->b) {
        f->flags |= IN_HAS_MIN | IN_HAS_MAX;
        f->flags |= (d->b->flags & RANGE_LO_EXCL) ? IN_MIN_EXCL : 0;
        f->flags |= (d->b->flags & RANGE_HI_EXCL) ? IN_MAX_EXCL : 0;
        f->min = d->b->a->num;
        f->max = d->b->b->num;
    }
    if (d->c) {
        f->flags |= IN_HAS_LEN;
        f->len_min = (uint32_t)d->c->a->num + ((d->c->flags & RANGE_LO_EXCL) ? 1 : 0);
        f->len_max = (uint32_t)d->c->b->num - ((d->c->flags & RANGE_HI_EXCL) ? 1 : 0);
    }
}

static void store(Gen *g, Symbol *s)
{
    emit(g, OP_STORE_FACT, (uint32_t)s->fact, 0);
    if (g->depth != 0 && !g->failed)
        gen_error(g, s->decl ? s->decl->span : (SrcSpan){ 0, 0, 0 }, "internal error: unbalanced stack");
}

/* A table with 'when' first reads its applies fact (s->fact + 1): GUARD
 * jumps past the table with unknown when it is unknown, and with unknown
 * without provenance when it is false (the writer then leaves the
 * classification out). */
static void gen_classify(Gen *g, Symbol *s)
{
    AstNode *d = s->decl;
    Symbol *ov = d->name2 ? sym_lookup(g->c, d->name2) : NULL;
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
        double v = row->b->kind == AST_NAME ? enum_index(s, row->b->name) : row->b->num;
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
        if (v->kind == AST_NAME) {
            /* a parameter: the VM puts in the run's value (param_render.c) */
            n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"$param\": \"%s\"}", v->name);
        } else if (v->kind == AST_RANGE) {
            /* advice format, "Dose keys": [10, 15], with a unit {"value": [10, 15], "unit": "min"} */
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[", v->unit ? "{\"value\": " : "");
            json_number(buf + n, sizeof buf - n, v->a->num);
            n += strlen(buf + n);
            n += (size_t)snprintf(buf + n, sizeof buf - n, ", ");
            json_number(buf + n, sizeof buf - n, v->b->num);
            n += strlen(buf + n);
            n += (size_t)snprintf(buf + n, sizeof buf - n, "]");
            if (v->unit)
                n += (size_t)snprintf(buf + n, sizeof buf - n, ", \"unit\": \"%.32s\"}", v->unit);
        } else if (v->kind == AST_NUM) {
            /* A number written with a unit keeps it (advice format, "Dose keys"):
             * {"value": 30, "unit": "min"}; a unit name is an ASCII identifier. */
            if (v->unit)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"value\": ");
            json_number(buf + n, sizeof buf - n, v->num);
            n += strlen(buf + n);
            if (v->unit && n < sizeof buf - 64)
                n += (size_t)snprintf(buf + n, sizeof buf - n, ", \"unit\": \"%.32s\"}", v->unit);
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

static void gen_outcome(Gen *g, Symbol *s, GdlOutcome *o)
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
        o->cluster = intern(g, d->name2);
        /* fall through */
    case OK_REFERRAL:
        o->action = (uint8_t)outcome_action(d->unit);
        o->urgent = (uint8_t)d->flags;
        break;
    case OK_ADVICE:
        o->strength = (uint8_t)outcome_strength(d->name2);
        o->text_nl = intern(g, text_of(d, "nl"));
        o->text_en = intern(g, text_of(d, "en"));
        o->dose = dose_json(g, d->c);
        break;
    case OK_SCHEDULE:
        if (d->name2) {     /* after PARAM: its default here, the run's value in the VM */
            Symbol *pa = sym_lookup(g->c, d->name2);
            o->after_param = (uint16_t)pa->param;
            o->after = (uint32_t)pa->decl->a->num;
            o->after_unit = strcmp(pa->decl->a->unit, "days") == 0 ? AFTER_DAYS : AFTER_WEEKS;
        } else {
            o->after = (uint32_t)d->num;
            o->after_unit = strcmp(d->unit, "days") == 0 ? AFTER_DAYS : AFTER_WEEKS;
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
        mark_fact(g, (uint16_t)(s->fact + 1), d->c ? d->c : d);
        if (d->c) {
            gen_expr(g, d->c);
        } else {
            /* advice format: dates count from first_contact_on, else assessed_on */
            Symbol *first = sym_lookup(g->c, "first_contact_on"), *assessed = sym_lookup(g->c, "assessed_on");
            bool fd = first && first->kind == SYM_INPUT && first->ty.kind == TY_DATE;
            bool ad = assessed && assessed->kind == SYM_INPUT && assessed->ty.kind == TY_DATE;
            if (fd) emit(g, OP_LOAD_FACT, (uint32_t)first->fact, 0);
            if (ad) emit(g, OP_LOAD_FACT, (uint32_t)assessed->fact, 0);
            if (fd && ad) emit(g, OP_COALESCE, 0, 0);
            if (!fd && !ad) emit(g, OP_PUSH_UNKNOWN, 0, 0);
        }
        emit(g, OP_STORE_FACT, (uint32_t)s->fact + 1, 0);
    }
}

static void meta(Gen *g)
{
    Compiler *c = g->c;
    GdlMeta *m = &g->p->meta;
    AstNode *h = c->header;
    m->id = intern(g, h->name);
    m->title = m->version = m->published = m->publisher = m->status = m->languages = GDL_NONE;
    uint32_t nsources = 0;
    for (uint32_t i = 0; i < h->list.count; i++)
        nsources += strcmp(h->list.items[i]->name, "source") == 0;
    m->sources = arena_alloc(g->out, sizeof(uint16_t) * (nsources + 1));
    m->source_count = 0;
    for (uint32_t i = 0; i < h->list.count; i++) {
        AstNode *f = h->list.items[i];
        AstNode *v = f->list.items[0];
        const char *text = v->kind == AST_NAME ? v->name : v->str;
        if (strcmp(f->name, "id") == 0) m->id = intern(g, text);
        else if (strcmp(f->name, "title") == 0) m->title = intern(g, text);
        else if (strcmp(f->name, "version") == 0) m->version = intern(g, text);
        else if (strcmp(f->name, "published") == 0) m->published = intern(g, text);
        else if (strcmp(f->name, "publisher") == 0) m->publisher = intern(g, text);
        else if (strcmp(f->name, "status") == 0) m->status = intern(g, text);
        else if (strcmp(f->name, "source") == 0 && m->sources)  /* the file: last of `source [NAME,] "file"` */
            m->sources[m->source_count++] = intern(g, f->list.items[f->list.count - 1]->str);
        else if (strcmp(f->name, "language") == 0) {
            char buf[128];
            size_t n = 0;
            for (uint32_t j = 0; j < f->list.count && n < sizeof buf - 16; j++)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", j ? "," : "", f->list.items[j]->name);
            m->languages = intern(g, buf);
        }
    }
}

static GdlProgram *generate(Gen *g);

GdlProgram *codegen_program(Compiler *c, Arena *out)
{
    Gen g = { .c = c, .out = out, .prev_at = NO_PREV };
    g.p = arena_zalloc(out, sizeof(GdlProgram));
    if (!g.p)
        return NULL;
    /* The string hash is the one heap block outside the arena: freed here so
     * that every early return in generate() is leak-free. */
    GdlProgram *p = generate(&g);
    mem_free(out->mem, g.string_hash);
    return p;
}

static GdlProgram *generate(Gen *g)
{
    Compiler *c = g->c;
    Arena *out = g->out;
    GdlProgram *p = g->p;
    p->in_scope_fact = p->red_flagged_fact = GDL_NONE;
    meta(g);
    p->source_file = intern(g, c->sources.files[c->main_file].path);

    /* Number the facts: inputs in declaration order, then derived facts in
     * dependency order (a schedule takes two: condition and start date). */
    uint32_t nfacts = 0, nparams = 0, noutcomes = 0;
    for (Symbol *s = c->syms.first; s; s = s->order_next) {
        if (s->kind == SYM_INPUT) s->fact = (int32_t)nfacts++;
        if (s->kind == SYM_PARAM) s->param = (int32_t)nparams++;
    }
    p->ninputs = nfacts;
    for (uint32_t i = 0; i < c->nderived; i++) {
        Symbol *s = c->derived[i];
        s->fact = (int32_t)nfacts++;
        if (s->kind == SYM_OUTCOME) {
            noutcomes++;
            if (s->decl->op == OK_SCHEDULE)
                nfacts++;
        }
        if (s->kind == SYM_CLASSIFY && s->decl->a)
            nfacts++;       /* its 'when': the applies fact */
    }
    if (nfacts > GDL_MAX_FACTS || nparams > GDL_MAX_PARAMS) {
        diag_file(&c->diag, SEV_ERROR, c->sources.files[c->main_file].path, "too many facts or parameters (limit is 65535)");
        return NULL;
    }
    p->nfacts = nfacts;
    p->facts = arena_zalloc(out, sizeof(GdlFact) * (nfacts + 1));
    p->nparams = nparams;
    p->params = arena_zalloc(out, sizeof(GdlParam) * (nparams + 1));
    p->outcomes = arena_zalloc(out, sizeof(GdlOutcome) * (noutcomes + 1));
    if (!p->facts || !p->params || !p->outcomes)
        return NULL;
    for (uint32_t i = 0; i < nfacts; i++)
        p->facts[i].applies = GDL_NONE;

    uint32_t dep_bits = 0, named_deps = 0;    /* all bits; those of inputs and classifications */
    for (Symbol *s = c->syms.first; s; s = s->order_next) {
        if (s->kind == SYM_INPUT) {
            GdlFact *f = &p->facts[s->fact];
            f->name = intern(g, s->name);
            f->kind = FK_INPUT;
            f->type = (uint8_t)fact_type(s->ty);
            f->dep_bit = (uint16_t)dep_bits++;
            named_deps++;
            f->section = f->override = GDL_NONE;
            if (s->ty.kind == TY_ENUM) {
                f->sym_first = add_syms(g, s->ty.enum_of);
                f->sym_count = (uint16_t)s->ty.enum_of->nenum;
            }
            fill_input(g, f, s);
        } else if (s->kind == SYM_PARAM) {
            GdlParam *pa = &p->params[s->param];
            AstNode *d = s->decl;
            pa->name = intern(g, s->name);
            pa->type = (uint8_t)fact_type(s->ty);
            pa->unit = intern(g, s->ty.unit);
            pa->section = GDL_NONE;
            pa->text = d->a->kind == AST_STR ? intern(g, d->a->str) : GDL_NONE;
            double days = 0;
            if (d->a->kind == AST_NUM) pa->value = d->a->num;
            else if (d->a->kind == AST_BOOL) pa->value = d->a->flags;
            else if (d->a->kind == AST_DATE && gdl_date_parse_str(d->a->str, &days)) pa->value = days;
            if (d->b) {
                pa->flags = IN_HAS_MIN | IN_HAS_MAX;
                pa->flags |= (d->b->flags & RANGE_LO_EXCL) ? IN_MIN_EXCL : 0;
                pa->flags |= (d->b->flags & RANGE_HI_EXCL) ? IN_MAX_EXCL : 0;
                pa->min = d->b->a->num;
                pa->max = d->b->b->num;
            }
        }
    }
    for (uint32_t i = 0; i < c->nderived && !g->failed; i++) {
        Symbol *s = c->derived[i];
        GdlFact *f = &p->facts[s->fact];
        f->name = intern(g, s->name);
        f->type = (uint8_t)fact_type(s->ty);
        f->dep_bit = GDL_NONE;
        f->section = f->override = f->unit = f->text_nl = f->text_en = GDL_NONE;
        g->depth = 0;
        mark_fact(g, (uint16_t)s->fact, s->decl);
        switch (s->kind) {
        case SYM_DEFINE:
            f->kind = FK_DEFINE;
            if (s->ty.kind == TY_ENUM) {
                f->sym_first = add_syms(g, s->ty.enum_of);
                f->sym_count = (uint16_t)s->ty.enum_of->nenum;
            }
            gen_expr(g, s->decl->a);
            store(g, s);
            break;
        case SYM_CLASSIFY:
            f->kind = FK_CLASSIFY;
            f->dep_bit = (uint16_t)dep_bits++;
            named_deps++;
            f->section = intern(g, s->decl->str ? s->decl->str : "");
            if (s->ty.kind == TY_ENUM) {
                f->sym_first = add_syms(g, s);
                f->sym_count = (uint16_t)s->nenum;
            }
            if (s->decl->name2)
                f->override = (uint16_t)sym_lookup(c, s->decl->name2)->fact;
            if (s->decl->a) {
                GdlFact *af = &p->facts[s->fact + 1];
                char label[160];
                snprintf(label, sizeof label, "classify-applies:%s", s->name);
                af->name = intern(g, label);
                af->kind = FK_DEFINE;
                af->type = GT_BOOL;
                af->dep_bit = af->section = af->override = af->unit = af->text_nl = af->text_en = GDL_NONE;
                f->applies = (uint16_t)(s->fact + 1);
                gen_expr(g, s->decl->a);
                emit(g, OP_STORE_FACT, (uint32_t)s->fact + 1, 0);
            }
            gen_classify(g, s);
            store(g, s);
            break;
        case SYM_BUILTIN:
            f->kind = FK_BUILTIN;
            f->dep_bit = (uint16_t)dep_bits++;
            if (s->ndeps == 0) {
                emit(g, s == c->in_scope ? OP_PUSH_TRUE : OP_PUSH_FALSE, 0, 0);
            } else {
                for (uint32_t j = 0; j < s->ndeps; j++) {
                    emit(g, OP_LOAD_FACT, (uint32_t)s->deps[j]->fact, 0);
                    if (j)
                        emit(g, OP_OR, 0, 0);
                }
                if (s == c->in_scope)
                    emit(g, OP_NOT, 0, 0);
            }
            if (s == c->in_scope) p->in_scope_fact = (uint16_t)s->fact;
            else p->red_flagged_fact = (uint16_t)s->fact;
            store(g, s);
            break;
        case SYM_OUTCOME: {
            f->kind = FK_OUTCOME;
            char label[160];
            snprintf(label, sizeof label, "%s:%s", gdl_outcome_kind_name((OutcomeKind)s->decl->op), s->name);
            f->name = intern(g, label);
            GdlOutcome *o = &p->outcomes[p->noutcomes++];
            gen_outcome(g, s, o);
            if (o->kind == OK_SCHEDULE) {
                GdlFact *df = &p->facts[s->fact + 1];
                snprintf(label, sizeof label, "schedule-start:%s", s->name);
                df->name = intern(g, label);
                df->kind = FK_DATE;
                df->type = GT_DATE;
                df->dep_bit = df->section = df->override = df->unit = df->text_nl = df->text_en = GDL_NONE;
            }
            break;
        }
        default:
            break;
        }
    }
    emit(g, OP_HALT, 0, 0);
    if (named_deps > GDL_MAX_NAMED_DEPS) {      /* the builtins in_scope and red_flagged have two more */
        diag_file(&c->diag, SEV_ERROR, c->sources.files[c->main_file].path,
                  "too many inputs and classifications (limit is %d)", GDL_MAX_NAMED_DEPS);
        return NULL;
    }
    p->ndep_bits = dep_bits;
    if (!g->failed && p->max_stack > GDL_MAX_STACK) {
        diag_file(&c->diag, SEV_ERROR, c->sources.files[c->main_file].path,
                  "expressions nest too deeply (stack of %u, limit is %d)", p->max_stack, GDL_MAX_STACK);
        return NULL;
    }
    return g->failed ? NULL : p;
}

/* resolve, check, generate: after the main file and its imports loaded. */
static GdlProgram *compile_loaded(Compiler *c, Arena *out)
{
    if (c->import_failed)
        return NULL;
    resolve_declarations(c);
    check_program(c);
    if (c->diag.errors)
        return NULL;
    GdlProgram *p = codegen_program(c, out);
    return c->diag.errors ? NULL : p;
}

GdlProgram *compile_file(Compiler *c, const char *path, Arena *out)
{
    compile_load(c, path);
    return compile_loaded(c, out);
}

GdlProgram *compile_text(Compiler *c, const char *path, const char *text, size_t len, Arena *out)
{
    compile_load_text(c, path, text, len);
    return compile_loaded(c, out);
}
