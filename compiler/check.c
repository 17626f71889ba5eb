/* check.c - static checks: types, units, declared ranges, citations, the
 * closed vocabularies of the advice format, and the dependency order of
 * derived facts (a cycle is an error). Codegen runs only on a clean result
 * and calls check_expr again to learn types, which then reports nothing. */
#include "compile.h"
#include "builtins.h"
#include "header_fields.h"
#include "suggest.h"
#include "parse_ctx.h"
#include "date.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ERR(span, ...) diag_report(&c->diag, SEV_ERROR, (span), __VA_ARGS__)

/* "; did you mean 'best'?" into buf, or "" when there is no suggestion. */
static const char *hint_text(const char *best, char *buf, size_t len)
{
    if (!best)
        return "";
    snprintf(buf, len, "; did you mean '%s'?", best);
    return buf;
}
#define NOTE(span, ...) diag_report(&c->diag, SEV_NOTE, (span), __VA_ARGS__)

static const Ty T_ERR = { .kind = TY_ERROR };
static const Ty T_BOOL = { .kind = TY_BOOL };
static const Ty T_DATE = { .kind = TY_DATE };
static const Ty T_STRING = { .kind = TY_STRING };
static const Ty T_ANY = { .kind = TY_ANY };

static Ty ty_num(const char *unit, bool integral)
{
    Ty t = { .kind = TY_NUM, .integral = integral, .unit = unit };
    return t;
}

static Ty ty_enum(const Symbol *owner)
{
    Ty t = { .kind = TY_ENUM, .enum_of = owner };
    return t;
}

/* The tri enum (absent / present / dominant) is shared by every input. */
static const char *const TRI_NAMES[] = { "absent", "present", "dominant" };
static const Symbol tri_owner = { .kind = SYM_INPUT, .name = "tri", .enum_names = (const char **)TRI_NAMES, .nenum = 3 };

int enum_index(const Symbol *owner, const char *name)
{
    for (uint32_t i = 0; i < owner->nenum; i++)
        if (strcmp(owner->enum_names[i], name) == 0)
            return (int)i;
    return -1;
}

bool ty_equal(Ty a, Ty b)
{
    if (a.kind == TY_ANY || b.kind == TY_ANY)
        return true;
    if (a.kind != b.kind)
        return false;
    if (a.kind == TY_NUM)
        return (a.unit == NULL) == (b.unit == NULL) && (!a.unit || strcmp(a.unit, b.unit) == 0);
    if (a.kind == TY_ENUM)
        return a.enum_of == b.enum_of;
    return true;
}

const char *ty_describe(const Compiler *c, Ty t, char *buf, size_t len)
{
    (void)c;
    switch (t.kind) {
    case TY_ERROR: return "an invalid value";
    case TY_BOOL: return "a boolean";
    case TY_DATE: return "a date";
    case TY_STRING: return "a string";
    case TY_LIST: return "a list of int";
    case TY_ANY: return "unknown";
    case TY_ENUM:
        snprintf(buf, len, "a value of '%s' (%s%s%s%s)", t.enum_of->name, t.enum_of->nenum ? t.enum_of->enum_names[0] : "",
                 t.enum_of->nenum > 1 ? ", " : "", t.enum_of->nenum > 1 ? t.enum_of->enum_names[1] : "",
                 t.enum_of->nenum > 2 ? ", ..." : "");
        return buf;
    case TY_NUM:
        if (t.unit)
            snprintf(buf, len, "a number in %s", t.unit);
        else
            snprintf(buf, len, "a number without unit");
        return buf;
    }
    return "?";
}

static const char *describe(const Compiler *c, Ty t, char buf[96])
{
    return ty_describe(c, t, buf, 96);
}

/* ---- declarations ---------------------------------------------------- */

static const char *check_unit(Compiler *c, const char *unit, SrcSpan at)
{
    if (!unit)
        return NULL;
    Symbol *s = sym_lookup(c, unit);
    if (!s || s->kind != SYM_UNIT) {
        const char *hint = sym_suggest(c, unit);
        if (hint)
            ERR(at, "unknown unit '%s'; did you mean '%s'?", unit, hint);
        else
            ERR(at, "unknown unit '%s' (declare it with: unit %s)", unit, unit);
        return NULL;
    }
    s->used = true;
    return s->name;
}

/* An empty citation, or one of blanks only, cites nothing. */
static bool is_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

/* A named source in the header: `source MSK, "msk-leidraad-lrs.txt"`. */
static const char *source_name(const AstNode *field)
{
    if (strcmp(field->name, "source") != 0 || field->list.count != 2 || field->list.items[0]->kind != AST_NAME)
        return NULL;
    return field->list.items[0]->name;
}

/* When the header names its sources, a citation starts with one of those
 * names and a blank ("MSK Rode vlaggen", "KNGF B.1.3"), so that a section
 * of a guideline built from several sources says which source it is in.
 * Without named sources a citation is the guideline's own section. */
static void check_citation_source(Compiler *c, SrcSpan at, const char *cite)
{
    if (!c->header)
        return;
    char names[256];
    size_t len = 0;
    bool named = false, cited = false;
    for (uint32_t i = 0; i < c->header->list.count; i++) {
        const char *name = source_name(c->header->list.items[i]);
        if (!name)
            continue;
        size_t n = strlen(name);
        cited |= strncmp(cite, name, n) == 0 && cite[n] == ' ' && !is_blank(cite + n);
        if (len < sizeof names)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", named ? ", " : "", name);
        named = true;
    }
    if (named && !cited)
        ERR(at, "section \"%s\" does not start with the name of a source (the header names its sources: %s; write e.g. \"%.*s B.1\")",
            cite, names, (int)strcspn(names, ","), names);
}

static bool check_texts(Compiler *c, AstNode *owner, const char *what)
{
    bool ok = true;
    for (uint32_t i = 0; i < owner->list.count; i++) {
        AstNode *t = owner->list.items[i];
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(owner->list.items[j]->name, t->name) == 0) {
                ERR(t->name_span, "second '%s' text for %s '%s'", t->name, what, owner->name);
                ok = false;
            }
    }
    return ok;
}

/* A declared range's bound: a bare number takes the declared unit. */
static bool check_decl_bound(Compiler *c, AstNode *bound, const char *unit, const char *name)
{
    if (!bound->unit)
        return true;
    const char *u = check_unit(c, bound->unit, bound->unit_span);
    if (u && (!unit || strcmp(u, unit) != 0)) {
        ERR(bound->unit_span, "range of '%s' is in %s, but '%s' is %s", name, bound->unit, name,
            unit ? unit : "without unit");
        return false;
    }
    return u != NULL;
}

static void check_decl_range(Compiler *c, AstNode *range, const char *unit, const char *name)
{
    if (!range)
        return;
    check_decl_bound(c, range->a, unit, name);
    check_decl_bound(c, range->b, unit, name);
    double lo = range->a->num, hi = range->b->num;
    if (lo > hi || (lo == hi && range->flags))
        ERR(range->span, "empty range for '%s': %g is not below %g", name, lo, hi);
}

/* A declared range [lo, hi] as Bounds (unbounded when there is none). */
static Bounds decl_bounds(const AstNode *range)
{
    if (!range)
        return (Bounds){ 0 };
    return (Bounds){ true, (uint8_t)range->flags, range->a->num, range->b->num };
}

static bool in_bounds(double v, Bounds r)
{
    if (!r.bounded)
        return true;
    bool lo_ok = (r.flags & RANGE_LO_EXCL) ? v > r.lo : v >= r.lo;
    bool hi_ok = (r.flags & RANGE_HI_EXCL) ? v < r.hi : v <= r.hi;
    return lo_ok && hi_ok;
}

static void format_bounds(Bounds r, const char *unit, char *buf, size_t len)
{
    snprintf(buf, len, "%c%g, %g%c%s%s", (r.flags & RANGE_LO_EXCL) ? '(' : '[', r.lo, r.hi,
             (r.flags & RANGE_HI_EXCL) ? ')' : ']', unit ? " " : "", unit ? unit : "");
}

/* ---- interval arithmetic --------------------------------------------- */

/* The ranges below over-approximate: an exclusive end may become inclusive,
 * never the other way round, so a literal reported outside a range is
 * outside every value the expression can take at run time (rounding is
 * monotonic, so the computed ends bound the computed values). */

static Bounds bounds_point(double v)
{
    return (Bounds){ true, 0, v, v };
}

/* The smallest range holding both. */
static Bounds bounds_hull(Bounds a, Bounds b)
{
    if (!a.bounded || !b.bounded)
        return (Bounds){ 0 };
    Bounds r = { true, 0, fmin(a.lo, b.lo), fmax(a.hi, b.hi) };
    bool lo_a = a.lo == r.lo, lo_b = b.lo == r.lo, hi_a = a.hi == r.hi, hi_b = b.hi == r.hi;
    if ((!lo_a || (a.flags & RANGE_LO_EXCL)) && (!lo_b || (b.flags & RANGE_LO_EXCL)))
        r.flags |= RANGE_LO_EXCL;
    if ((!hi_a || (a.flags & RANGE_HI_EXCL)) && (!hi_b || (b.flags & RANGE_HI_EXCL)))
        r.flags |= RANGE_HI_EXCL;
    return r;
}

static Bounds bounds_neg(Bounds a)
{
    if (!a.bounded)
        return a;
    uint8_t f = (uint8_t)(((a.flags & RANGE_LO_EXCL) ? RANGE_HI_EXCL : 0) | ((a.flags & RANGE_HI_EXCL) ? RANGE_LO_EXCL : 0));
    return (Bounds){ true, f, -a.hi + 0.0, -a.lo + 0.0 };     /* + 0.0: -0 prints as 0 */
}

/* a op b over all pairs of ends; unbounded when either operand is. */
static Bounds bounds_arith(int op, Bounds a, Bounds b)
{
    if (!a.bounded || !b.bounded)
        return (Bounds){ 0 };
    switch (op) {
    case OP_ADD_: return (Bounds){ true, 0, a.lo + b.lo, a.hi + b.hi };
    case OP_SUB_: return (Bounds){ true, 0, a.lo - b.hi, a.hi - b.lo };
    case OP_DIV_:
        if (b.lo <= 0 && b.hi >= 0)     /* a divisor of 0 (or near it): anything */
            return (Bounds){ 0 };
        break;
    default:
        break;
    }
    double v[4];
    for (int i = 0; i < 4; i++) {
        double x = i & 1 ? a.hi : a.lo, y = i & 2 ? b.hi : b.lo;
        v[i] = op == OP_MUL_ ? x * y : x / y;
    }
    Bounds r = { true, 0, v[0], v[0] };
    for (int i = 1; i < 4; i++) {
        r.lo = fmin(r.lo, v[i]);
        r.hi = fmax(r.hi, v[i]);
    }
    return isfinite(r.lo) && isfinite(r.hi) ? r : (Bounds){ 0 };
}

static void check_input(Compiler *c, Symbol *s)
{
    AstNode *d = s->decl, *type = d->a;
    const char *tn = type->name;
    const char *unit = check_unit(c, d->unit, d->unit_span);
    if (strcmp(tn, "bool") == 0) s->ty = T_BOOL;
    else if (strcmp(tn, "int") == 0) s->ty = ty_num(unit, true);
    else if (strcmp(tn, "number") == 0) s->ty = ty_num(unit, false);
    else if (strcmp(tn, "date") == 0) s->ty = T_DATE;
    else if (strcmp(tn, "string") == 0) s->ty = T_STRING;
    else if (strcmp(tn, "tri") == 0) {
        s->ty = ty_enum(&tri_owner);
    } else if (strcmp(tn, "enum") == 0) {
        s->enum_names = arena_alloc(&c->arena, sizeof(char *) * (type->list.count ? type->list.count : 1));
        s->nenum = s->enum_names ? type->list.count : 0;    /* out of memory: no values, not values at NULL */
        for (uint32_t i = 0; i < type->list.count && s->enum_names; i++) {
            AstNode *m = type->list.items[i];
            for (uint32_t j = 0; j < i; j++)
                if (strcmp(s->enum_names[j], m->name) == 0)
                    ERR(m->name_span, "'%s' appears twice in the enum of '%s'", m->name, s->name);
            s->enum_names[i] = m->name;
        }
        s->ty = ty_enum(s);
    } else if (strcmp(tn, "list") == 0) {
        if (strcmp(type->a->name, "int") != 0)
            ERR(type->a->name_span, "lists hold int values (got '%s')", type->a->name);
        s->ty = (Ty){ .kind = TY_LIST, .integral = true };
    } else {
        ERR(type->name_span, "unknown type '%s' (types: bool, int, number, date, string, enum {...}, tri, list of int)", tn);
        s->ty = T_ERR;
        return;
    }
    if (unit && s->ty.kind != TY_NUM)
        ERR(d->unit_span, "only numbers have units ('%s' is %s)", s->name, tn);
    if (s->ty.kind == TY_NUM)
        s->ty.range = decl_bounds(d->b);
    else if (s->ty.kind == TY_LIST && d->length) {   /* whole numbers of items: the ends made inclusive */
        Bounds n = decl_bounds(d->length);
        s->ty.range = (Bounds){ true, 0, n.lo + ((n.flags & RANGE_LO_EXCL) ? 1 : 0),
                                n.hi - ((n.flags & RANGE_HI_EXCL) ? 1 : 0) };
    }
    if (d->b) {
        if (s->ty.kind != TY_NUM && s->ty.kind != TY_LIST)
            ERR(d->b->span, "only numbers and lists have a value range ('%s' is %s)", s->name, tn);
        check_decl_range(c, d->b, unit, s->name);
    }
    if (d->length) {
        if (s->ty.kind != TY_STRING && s->ty.kind != TY_LIST)
            ERR(d->length->span, "only strings and lists have a length ('%s' is %s)", s->name, tn);
        else if (d->length->a->num < 0 || d->length->a->num != floor(d->length->a->num) || d->length->b->num != floor(d->length->b->num))
            ERR(d->length->span, "a length range holds whole numbers from 0");
        check_decl_range(c, d->length, NULL, s->name);
    }
    check_texts(c, d, "input");
}

static Ty literal_type(Compiler *c, AstNode *lit)
{
    switch (lit->kind) {
    case AST_NUM: return ty_num(check_unit(c, lit->unit, lit->unit_span), lit->num == floor(lit->num));
    case AST_BOOL: return T_BOOL;
    case AST_STR: return T_STRING;
    case AST_DATE: return T_DATE;
    default: return T_ERR;
    }
}


static void check_param(Compiler *c, Symbol *s)
{
    AstNode *d = s->decl;
    s->ty = literal_type(c, d->a);
    if (s->ty.kind == TY_NUM)
        s->ty.integral = false;     /* an override may bring a fraction */
    if (d->a->kind == AST_DATE) {
        double days;
        if (!gdl_date_parse_str(d->a->str, &days))
            ERR(d->a->span, "invalid date '%s'", d->a->str);
    }
    if (d->b) {
        if (s->ty.kind != TY_NUM) {
            ERR(d->b->span, "only numeric parameters have a range");
            return;
        }
        check_decl_range(c, d->b, s->ty.unit, s->name);
        if (!in_bounds(d->a->num, decl_bounds(d->b))) {
            char r[96];
            format_bounds(decl_bounds(d->b), s->ty.unit, r, sizeof r);
            ERR(d->a->span, "value %g of parameter '%s' is outside its range %s", d->a->num, s->name, r);
        }
        s->ty.range = decl_bounds(d->b);    /* --param may move it within */
    }
}

/* ---- expressions ----------------------------------------------------- */

static void check_derived(Compiler *c, Symbol *s);
static void check_outcome_body(Compiler *c, AstNode *o);

/* The literal `unknown` takes the type its context expects; where nothing
 * expects one (a define of it alone, unknown == unknown) it has none. */
static const char UNTYPED_UNKNOWN[] =
    "cannot infer the type of 'unknown' here; compare it or combine it with a typed value";
static Ty check_arith_types(Compiler *c, AstNode *e, Ty a, Ty b);

static Symbol *lookup_name(Compiler *c, const char *name, AstNode **param_arg, FnEnv **arg_env)
{
    for (FnEnv *env = c->env; env; env = NULL) {   /* only the innermost function's parameters are visible */
        AstNode *fn = env->fn;
        for (uint32_t i = 0; i < fn->list.count; i++)
            if (strcmp(fn->list.items[i]->name, name) == 0) {
                *param_arg = env->args[i];
                *arg_env = env->outer;
                return NULL;
            }
    }
    *param_arg = NULL;
    return sym_lookup(c, name);
}

static int arg_index(const FnEnv *env, const char *name)
{
    for (uint32_t i = 0; i < env->fn->list.count; i++)
        if (strcmp(env->fn->list.items[i]->name, name) == 0)
            return (int)i;
    return -1;
}

static Ty symbol_type(Compiler *c, Symbol *s, AstNode *use)
{
    s->used = true;
    switch (s->kind) {
    case SYM_INPUT:
    case SYM_PARAM:
        return s->ty;
    case SYM_DEFINE:
    case SYM_CLASSIFY:
    case SYM_BUILTIN:
        check_derived(c, s);
        return s->ty;
    case SYM_UNIT:
        ERR(use->span, "'%s' is a unit; write it after a number, as in '6 %s'", s->name, s->name);
        return T_ERR;
    case SYM_FN:
        ERR(use->span, "'%s' is a function; call it as %s(...)", s->name, s->name);
        return T_ERR;
    case SYM_OUTCOME:
        break;
    }
    return T_ERR;
}

static Ty check_name(Compiler *c, AstNode *e)
{
    AstNode *arg;
    FnEnv *arg_env;
    Symbol *s = lookup_name(c, e->name, &arg, &arg_env);
    if (arg) {
        e->arg = arg;
        FnEnv *env = c->env;
        uint32_t i = (uint32_t)(arg_index(env, e->name));
        if (env->arg_checked[i])
            return env->arg_types[i];
        c->env = arg_env;
        Ty t = check_expr(c, arg);
        c->env = env;
        env->arg_types[i] = t;
        env->arg_checked[i] = true;
        return t;
    }
    if (!s) {
        const char *hint = sym_suggest(c, e->name);
        if (hint)
            ERR(e->span, "unknown name '%s'; did you mean '%s'?", e->name, hint);
        else
            ERR(e->span, "unknown name '%s'", e->name);
        return T_ERR;
    }
    e->ref = s;
    return symbol_type(c, s, e);
}

/* A bare name that is not declared may be a value of the enum on the other side. */
bool check_is_member(Compiler *c, AstNode *e)
{
    if (e->kind != AST_NAME)
        return false;
    AstNode *arg;
    FnEnv *env;
    return !lookup_name(c, e->name, &arg, &env) && !arg;
}

static Ty check_member(Compiler *c, AstNode *name, Ty other)
{
    if (other.kind == TY_ENUM) {
        if ((name->ordinal = enum_index(other.enum_of, name->name)) >= 0) {
            name->member = true;
            name->ty = other;
            return other;
        }
        const Symbol *o = other.enum_of;
        char list[200];
        size_t n = 0;
        for (uint32_t i = 0; i < o->nenum && n < sizeof list - 64; i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", o->enum_names[i]);
        GdlSuggest near;
        gdl_suggest_begin(&near, name->name, strlen(name->name));
        for (uint32_t i = 0; i < o->nenum; i++)
            gdl_suggest_offer(&near, o->enum_names[i]);
        char hint[96];
        ERR(name->span, "'%s' is not a value of '%s' (values: %s)%s", name->name, o->name, list,
            hint_text(near.best, hint, sizeof hint));
        return T_ERR;
    }
    if (other.kind == TY_ERROR)
        return T_ERR;
    return check_name(c, name);    /* reports the unknown name */
}

/* The source text of e for a message: its first bytes, "..." when cut
 * (at a character boundary: the source is UTF-8). */
static const char *expr_text(const Compiler *c, const AstNode *e, char *buf, size_t len)
{
    const char *text = c->sources.files[e->span.file].text + e->span.start;
    size_t n = e->span.end - e->span.start, max = len - 4;
    if (n <= max) {
        snprintf(buf, len, "%.*s", (int)n, text);
        return buf;
    }
    while (max > 0 && ((unsigned char)text[max] & 0xc0) == 0x80)
        max--;
    snprintf(buf, len, "%.*s...", (int)max, text);
    return buf;
}

static bool is_numeric_literal(const AstNode *e)
{
    return e->kind == AST_NUM || (e->kind == AST_UNARY && e->op == OP_NEG_ && e->a->kind == AST_NUM);
}

static double literal_value(const AstNode *e)
{
    return e->kind == AST_NUM ? e->num : -e->a->num;
}

/* `nprs >= 11` can never be true: a literal outside the range of what it
 * is compared with (type t of expression e: an input's declared range, or
 * what the checker derives through defines, functions, coalesce and
 * arithmetic) is an error. */
static void check_literal_in_range(Compiler *c, AstNode *e, Ty t, AstNode *lit)
{
    if (!is_numeric_literal(lit) || t.kind != TY_NUM || in_bounds(literal_value(lit), t.range))
        return;
    char r[96];
    format_bounds(t.range, t.unit, r, sizeof r);
    AstNode *arg = NULL;
    FnEnv *arg_env;
    Symbol *s = e->kind == AST_NAME ? lookup_name(c, e->name, &arg, &arg_env) : NULL;
    if (s && s->kind == SYM_INPUT) {
        ERR(lit->span, "%g is outside the declared range of '%s' %s", literal_value(lit), s->name, r);
        NOTE(s->decl->name_span, "'%s' declared here", s->name);
        return;
    }
    if (e->kind == AST_NAME) {
        ERR(lit->span, "%g is outside the range of '%s' %s", literal_value(lit), e->name, r);
        if (arg)
            NOTE(arg->span, "'%s' is this argument", e->name);
        else if (s && s->decl)
            NOTE(s->decl->name_span, "'%s' declared here", s->name);
        return;
    }
    char text[64];
    ERR(lit->span, "%g is outside the range of '%s' %s", literal_value(lit), expr_text(c, e, text, sizeof text), r);
}

static void unit_mismatch(Compiler *c, AstNode *e, Ty a, Ty b, const char *what)
{
    char ba[96], bb[96];
    ERR(e->span, "%s %s and %s", what, describe(c, a, ba), describe(c, b, bb));
}

/* The types of a comparison's operands; a bare undeclared name on one side
 * is a value of the enum on the other (`trauma == minor`). */
void check_operands(Compiler *c, AstNode *l, AstNode *r, Ty *tl, Ty *tr)
{
    if (check_is_member(c, l) && !check_is_member(c, r)) {
        *tr = check_expr(c, r);
        *tl = check_member(c, l, *tr);
    } else if (check_is_member(c, r)) {
        *tl = check_expr(c, l);
        *tr = check_member(c, r, *tl);
    } else {
        *tl = check_expr(c, l);
        *tr = check_expr(c, r);
    }
}

/* `level == high` where `high` is declared (a define, an input) and is also
 * a value of level's enum: the declaration wins, which is rarely what the
 * editor meant, so it is an error either way. */
static bool check_not_shadowed(Compiler *c, const AstNode *name, Ty other)
{
    if (name->kind != AST_NAME || other.kind != TY_ENUM || check_is_member(c, (AstNode *)name)
        || enum_index(other.enum_of, name->name) < 0)
        return true;
    ERR(name->span, "'%s' is a value of '%s' and also a declared name; rename the declaration", name->name,
        other.enum_of->name);
    const Symbol *s = c->env ? NULL : sym_lookup(c, name->name);
    if (s && s->decl)
        NOTE(s->decl->name_span, "'%s' declared here", name->name);
    return false;
}

static Ty check_compare(Compiler *c, AstNode *e)
{
    AstNode *l = e->a, *r = e->b;
    Ty tl, tr;
    check_operands(c, l, r, &tl, &tr);
    if (!check_not_shadowed(c, r, tl) || !check_not_shadowed(c, l, tr))
        return T_BOOL;      /* the mismatch that usually follows says nothing new */
    if (tl.kind == TY_ERROR || tr.kind == TY_ERROR)
        return T_BOOL;
    if (!ty_equal(tl, tr)) {
        if (tl.kind == TY_NUM && tr.kind == TY_NUM)
            unit_mismatch(c, e, tl, tr, "unit mismatch: cannot compare");
        else
            unit_mismatch(c, e, tl, tr, "type mismatch: cannot compare");
        return T_BOOL;
    }
    TyKind k = tl.kind == TY_ANY ? tr.kind : tl.kind;
    if (k == TY_ANY) {
        ERR(e->span, "%s", UNTYPED_UNKNOWN);
        return T_BOOL;
    }
    bool ordered = e->op != OP_EQ_ && e->op != OP_NE_;
    if (ordered && (k == TY_BOOL || k == TY_STRING || k == TY_LIST)) {
        char b[96];
        ERR(e->span, "'%s' values have no order", describe(c, tl, b));
    }
    if (k == TY_LIST)
        ERR(e->span, "lists cannot be compared; use sum(...)");
    check_literal_in_range(c, l, tl, r);
    check_literal_in_range(c, r, tr, l);
    return T_BOOL;
}

/* The type the literal `unknown` takes as operand of an arithmetic operator
 * whose other operand is `other`: the same type for + and - (and as the
 * dividend), a number without unit as a factor or divisor, so that
 * `x_kg * unknown` and `x_kg / unknown` are unknown numbers in kg. */
static Ty unknown_operand(int op, Ty other, bool left)
{
    if (other.kind == TY_NUM && (op == OP_MUL_ || (op == OP_DIV_ && !left)))
        return ty_num(NULL, other.integral);
    other.range = (Bounds){ 0 };
    return other;
}

static Ty check_arith(Compiler *c, AstNode *e)
{
    Ty a = check_expr(c, e->a), b = check_expr(c, e->b);
    if (a.kind == TY_ERROR || b.kind == TY_ERROR)
        return T_ERR;
    if (a.kind == TY_ANY && b.kind == TY_ANY)
        return T_ANY;       /* the context decides, as for a lone `unknown` */
    if (a.kind == TY_ANY) a = unknown_operand(e->op, b, true);
    if (b.kind == TY_ANY) b = unknown_operand(e->op, a, false);
    Ty t = check_arith_types(c, e, a, b);
    if (t.kind == TY_NUM)
        t.range = bounds_arith(e->op, a.range, b.range);
    return t;
}

static Ty check_arith_types(Compiler *c, AstNode *e, Ty a, Ty b)
{
    if (a.kind != TY_NUM || b.kind != TY_NUM) {
        unit_mismatch(c, e, a, b, "arithmetic needs numbers, not");
        return T_ERR;
    }
    switch (e->op) {
    case OP_ADD_:
    case OP_SUB_:
        if (!ty_equal(a, b)) {
            unit_mismatch(c, e, a, b, e->op == OP_ADD_ ? "unit mismatch: cannot add" : "unit mismatch: cannot subtract");
            return T_ERR;
        }
        return ty_num(a.unit, a.integral && b.integral);
    case OP_MUL_:
        if (a.unit && b.unit) {
            unit_mismatch(c, e, a, b, "cannot multiply");
            return T_ERR;
        }
        return ty_num(a.unit ? a.unit : b.unit, a.integral && b.integral);
    default: /* OP_DIV_ */
        if (a.unit && b.unit) {
            if (!ty_equal(a, b)) {
                unit_mismatch(c, e, a, b, "unit mismatch: cannot divide");
                return T_ERR;
            }
            return ty_num(NULL, false);
        }
        if (b.unit) {
            unit_mismatch(c, e, a, b, "cannot divide");
            return T_ERR;
        }
        return ty_num(a.unit, false);
    }
}

static Ty expect_bool(Compiler *c, AstNode *e, const char *where)
{
    Ty t = check_expr(c, e);
    if (t.kind != TY_BOOL && t.kind != TY_ERROR && t.kind != TY_ANY) {
        char b[96];
        ERR(e->span, "%s needs a condition (true/false), but this is %s", where, describe(c, t, b));
    }
    return T_BOOL;
}

static Ty check_range_test(Compiler *c, AstNode *e)
{
    Ty x = check_expr(c, e->a);
    Ty lo = check_expr(c, e->b->a), hi = check_expr(c, e->b->b);
    if (x.kind == TY_ERROR || lo.kind == TY_ERROR || hi.kind == TY_ERROR)
        return T_BOOL;
    if (x.kind != TY_NUM && x.kind != TY_DATE && x.kind != TY_ANY) {
        char b[96];
        ERR(e->a->span, "a range test needs a number or a date, but this is %s", describe(c, x, b));
    } else if (!ty_equal(x, lo)) {
        unit_mismatch(c, e->b->a, x, lo, "unit mismatch in range: testing");
    } else if (!ty_equal(x, hi)) {
        unit_mismatch(c, e->b->b, x, hi, "unit mismatch in range: testing");
    }
    check_literal_in_range(c, e->a, x, e->b->a);
    check_literal_in_range(c, e->a, x, e->b->b);
    return T_BOOL;
}

static Ty check_set_test(Compiler *c, AstNode *e)
{
    Ty x = check_expr(c, e->a);
    for (uint32_t i = 0; i < e->list.count; i++) {
        AstNode *m = e->list.items[i];
        Ty t = check_is_member(c, m) ? check_member(c, m, x) : check_expr(c, m);
        if (!check_not_shadowed(c, m, x))
            continue;
        if (t.kind != TY_ERROR && x.kind != TY_ERROR && !ty_equal(x, t))
            unit_mismatch(c, m, x, t, "set member does not match: testing");
        check_literal_in_range(c, e->a, x, m);
    }
    return T_BOOL;
}

/* sum(l, i, j) reads item j: every valid case must have it, so j may not
 * exceed the list's declared minimum length (a shorter list could only
 * give unknown, though the list is present). */
static void check_sum_length(Compiler *c, AstNode *e, Ty list)
{
    double last = e->list.items[2]->num;
    double min = list.range.bounded ? list.range.lo : 0;
    if (last <= min)
        return;
    char len[96];
    if (list.range.bounded)
        format_bounds(list.range, NULL, len, sizeof len);
    char text[64];
    expr_text(c, e->list.items[0], text, sizeof text);
    ERR(e->span, "sum(%s, %g, %g) reads item %g, but '%s' may have %g item%s (%s%s)", text, e->list.items[1]->num,
        last, last, text, min, min == 1 ? "" : "s", list.range.bounded ? "length " : "no length declared",
        list.range.bounded ? len : "");
}

static Ty check_user_call(Compiler *c, AstNode *e, Symbol *fn)
{
    AstNode *decl = fn->decl;
    fn->used = true;
    if (e->list.count != decl->list.count) {
        ERR(e->span, "'%s' takes %u argument%s, not %u", fn->name, decl->list.count,
            decl->list.count == 1 ? "" : "s", e->list.count);
        return T_ERR;
    }
    if (decl->list.count > FN_MAX_PARAMS) {
        ERR(decl->name_span, "function '%s' has more than %d parameters", fn->name, FN_MAX_PARAMS);
        return T_ERR;
    }
    /* The callers of this call are the scopes its arguments were written in;
     * meeting the same function there means it calls itself. Nesting calls
     * in arguments (f(f(x))) is not recursion. */
    for (const FnEnv *caller = c->env; caller; caller = caller->outer)
        if (caller->fn == decl) {
            ERR(e->span, "function '%s' calls itself (functions are expanded, so they cannot recurse)", fn->name);
            return T_ERR;
        }
    if (c->checking && ++c->expansions > COMPILE_MAX_EXPANSIONS) {
        if (c->expansions == COMPILE_MAX_EXPANSIONS + 1)     /* at the expression that used them up */
            ERR(c->depth_root->span, "function calls expand too much (limit is %d expansions: each call of a "
                "function repeats its body, so functions calling functions grow fast)", COMPILE_MAX_EXPANSIONS);
        return T_ERR;
    }
    FnEnv *env = c->env_free;
    if (env)
        c->env_free = env->outer;
    else if (!(env = arena_alloc(&c->arena, sizeof *env)))
        return T_ERR;
    memset(env, 0, sizeof *env);
    env->fn = decl;
    env->args = e->list.items;
    env->outer = c->env;
    /* This call's own copy of the body: its annotations (types, enum values)
     * hold for these arguments, and codegen lowers it as it stands. */
    uint32_t budget = COMPILE_MAX_EXPANDED_NODES - c->expanded_nodes;
    e->expansion = ast_clone(&c->arena, decl->a, COMPILE_MAX_EXPR_DEPTH, &budget);
    if (!e->expansion && budget == 0 && c->expanded_nodes < COMPILE_MAX_EXPANDED_NODES)
        ERR(c->depth_root->span, "function calls expand too much (limit is %d expression nodes in the expanded "
            "bodies: each call of a function repeats its body, so long bodies called often grow fast)",
            COMPILE_MAX_EXPANDED_NODES);
    c->expanded_nodes = COMPILE_MAX_EXPANDED_NODES - budget;
    if (!e->expansion) {
        env->outer = c->env_free;
        c->env_free = env;
        return T_ERR;
    }
    c->env = env;
    Ty t = check_expr(c, e->expansion);
    c->env = env->outer;
    env->outer = c->env_free;   /* nothing keeps a pointer to it */
    c->env_free = env;
    return t;
}

static Ty check_call(Compiler *c, AstNode *e)
{
    int bf = e->builtin = builtin_fn(e->name);
    if (bf < 0) {
        AstNode *arg;
        FnEnv *env;
        Symbol *s = lookup_name(c, e->name, &arg, &env);
        if (s && s->kind == SYM_FN)
            return check_user_call(c, e, s);
        const char *hint = sym_suggest(c, e->name);
        ERR(e->name_span, "unknown function '%s'%s%s%s", e->name, hint ? "; did you mean '" : "",
            hint ? hint : "", hint ? "'?" : "");
        return T_ERR;
    }
    uint32_t n = e->list.count;
    const BuiltinInfo *fn = &BUILTINS[bf];
    if ((int)n < fn->min || (int)n > fn->max) {
        if (fn->min == fn->max)
            ERR(e->span, "'%s' takes %d argument%s, not %u", e->name, fn->min, fn->min == 1 ? "" : "s", n);
        else if (fn->max == 255)
            ERR(e->span, "'%s' takes at least %d argument%s, not %u", e->name, fn->min, fn->min == 1 ? "" : "s", n);
        else
            ERR(e->span, "'%s' takes %d to %d arguments, not %u", e->name, fn->min, fn->max, n);
        return T_ERR;
    }
    AstNode **args = e->list.items;
    switch (fn->typing) {
    case BT_ANY_ARG:
        check_expr(c, args[0]);
        return T_BOOL;
    case BT_BOOLS:
        for (uint32_t i = 0; i < n; i++)
            expect_bool(c, args[i], e->name);
        return T_BOOL;
    case BT_COUNT_BOOLS: {
        for (uint32_t i = 0; i < n; i++)
            expect_bool(c, args[i], e->name);
        Ty t = ty_num(NULL, true);
        t.range = (Bounds){ true, 0, 0, n };
        return t;
    }
    case BT_AT_LEAST: {
        Ty t = check_expr(c, args[0]);
        if (t.kind != TY_ERROR && t.kind != TY_ANY && (t.kind != TY_NUM || t.unit))
            ERR(args[0]->span, "%s needs a count (a number without unit) first", e->name);
        for (uint32_t i = 1; i < n; i++)
            expect_bool(c, args[i], e->name);
        return T_BOOL;
    }
    case BT_SAME_TYPE: {
        /* its value, when known, is one of the arguments': the hull of their
         * ranges (an `unknown` argument gives no value) */
        Ty t = check_expr(c, args[0]);
        for (uint32_t i = 1; i < n; i++) {
            Ty u = check_expr(c, args[i]);
            if (t.kind == TY_ANY)
                t = u;
            else if (u.kind != TY_ERROR && t.kind != TY_ERROR && !ty_equal(t, u))
                unit_mismatch(c, args[i], t, u, "coalesce needs values of one type:");
            else if (u.kind != TY_ANY)
                t.range = bounds_hull(t.range, u.range);
        }
        return t;
    }
    case BT_DATES:
        for (uint32_t i = 0; i < 2; i++) {
            Ty t = check_expr(c, args[i]);
            if (t.kind != TY_DATE && t.kind != TY_ERROR && t.kind != TY_ANY)
                ERR(args[i]->span, "%s needs two dates", e->name);
        }
        return ty_num(sym_lookup(c, fn->unit) ? fn->unit : NULL, true);
    case BT_SUM: {
        Ty t = check_expr(c, args[0]);
        if (t.kind != TY_LIST && t.kind != TY_ERROR && t.kind != TY_ANY)
            ERR(args[0]->span, "sum needs a list");
        if (n == 2) {
            ERR(e->span, "sum takes a list, or a list and the first and last item (1-based)");
        } else if (n == 3) {
            bool items_ok = true;
            for (int i = 1; i < 3; i++)
                if (args[i]->kind != AST_NUM || args[i]->num < 1 || args[i]->num > 255 || args[i]->num != floor(args[i]->num)) {
                    ERR(args[i]->span, "item numbers of sum are whole numbers from 1 to 255");
                    items_ok = false;
                }
            if (items_ok && args[1]->num > args[2]->num)
                ERR(e->span, "sum from item %g to item %g is empty", args[1]->num, args[2]->num);
            else if (items_ok && t.kind == TY_LIST)
                check_sum_length(c, e, t);
        }
        return ty_num(NULL, true);
    }
    }
    return T_ERR;
}

static Ty check_expr_kind(Compiler *c, AstNode *e);

/* Every recursion of the checker passes here (operands, the defines a name
 * stands for, function bodies), so one counter bounds the C stack. The error
 * names the outermost expression: the one whose nesting, or chain of
 * definitions, is too deep. */
Ty check_expr(Compiler *c, AstNode *e)
{
    if (c->depth == 0)
        c->depth_root = e;
    if (c->depth >= COMPILE_MAX_EXPR_DEPTH) {
        if (!c->too_deep)
            ERR(c->depth_root->span, "expression nested too deep (limit is %d levels, counting the definitions it uses)",
                COMPILE_MAX_EXPR_DEPTH);
        c->too_deep = true;
        return T_ERR;
    }
    c->depth++;
    Ty t = e->ty = check_expr_kind(c, e);
    c->depth--;
    return t;
}

static Ty check_fired(Compiler *c, AstNode *e);

static Ty check_expr_kind(Compiler *c, AstNode *e)
{
    switch (e->kind) {
    case AST_FIRED: return check_fired(c, e);
    case AST_NUM: {
        Ty t = ty_num(check_unit(c, e->unit, e->unit_span), e->num == floor(e->num));
        t.range = bounds_point(e->num);
        return t;
    }
    case AST_STR: return T_STRING;
    case AST_BOOL: return T_BOOL;
    case AST_UNKNOWN_LIT: return T_ANY;
    case AST_DATE: {
        double days;
        if (!gdl_date_parse_str(e->str, &days))
            ERR(e->span, "invalid date '%s'", e->str);
        return T_DATE;
    }
    case AST_NAME: return check_name(c, e);
    case AST_CALL: return check_call(c, e);
    case AST_RANGE_TEST: return check_range_test(c, e);
    case AST_SET_TEST: return check_set_test(c, e);
    case AST_UNARY:
        if (e->op == OP_NOT_)
            return expect_bool(c, e->a, "'not'");
        else {
            Ty t = check_expr(c, e->a);
            if (t.kind != TY_NUM && t.kind != TY_ERROR && t.kind != TY_ANY) {
                char b[96];
                ERR(e->span, "cannot negate %s", describe(c, t, b));
                return T_ERR;
            }
            t.range = bounds_neg(t.range);
            return t;
        }
    case AST_BINARY:
        switch (e->op) {
        case OP_AND_: expect_bool(c, e->a, "'and'"); return expect_bool(c, e->b, "'and'");
        case OP_OR_: expect_bool(c, e->a, "'or'"); return expect_bool(c, e->b, "'or'");
        case OP_EQ_: case OP_NE_: case OP_LT_: case OP_LE_: case OP_GT_: case OP_GE_:
            return check_compare(c, e);
        default:
            return check_arith(c, e);
        }
    default:
        ERR(e->span, "not an expression");
        return T_ERR;
    }
}

/* ---- derived facts and outcomes -------------------------------------- */

static void add_derived(Compiler *c, Symbol *s)
{
    if (c->nderived == c->cap_derived) {
        uint32_t cap = c->cap_derived ? c->cap_derived * 2 : 64;
        Symbol **d = arena_alloc(&c->arena, sizeof(Symbol *) * cap);
        if (!d)
            return;
        if (c->nderived)
            memcpy(d, c->derived, sizeof(Symbol *) * c->nderived);
        c->derived = d;
        c->cap_derived = cap;
    }
    c->derived[c->nderived++] = s;
}

static void check_classify(Compiler *c, Symbol *s)
{
    AstNode *d = s->decl;
    if (!d->str)
        ERR(d->name_span, "classification '%s' has no section citation (write the guideline section after the name, e.g. \"B.2\")", s->name);
    else if (is_blank(d->str))
        ERR(d->str_span, "classification '%s' has an empty section citation (write the guideline section, e.g. \"B.2\")", s->name);
    else
        check_citation_source(c, d->str_span, d->str);
    if (d->list.count == 0) {
        ERR(d->span, "classification '%s' has no rows", s->name);
        s->ty = T_ERR;
        return;
    }
    AstNode *last = d->list.items[d->list.count - 1];
    if (last->a && !(d->flags & CLASSIFY_UNIQUE))
        ERR(last->span, "classification '%s' must end with 'otherwise -> VALUE' so that every case is classified "
            "(or declare it 'unique': exactly one row holds, which gdl verify checks)", s->name);
    bool symbolic = d->list.items[0]->b->kind == AST_NAME;
    s->enum_names = arena_alloc(&c->arena, sizeof(char *) * d->list.count);
    s->nenum = 0;
    for (uint32_t i = 0; i < d->list.count; i++) {
        AstNode *row = d->list.items[i];
        if (row->a)
            expect_bool(c, row->a, "a classification row");
        else if (i + 1 < d->list.count)
            ERR(row->span, "'otherwise' must be the last row");
        bool sym = row->b->kind == AST_NAME;
        if (sym != symbolic) {
            ERR(row->b->span, "classification values must be all names or all numbers");
            continue;
        }
        if (!sym && (row->b->num != floor(row->b->num))) {
            ERR(row->b->span, "numeric classification values are whole numbers");
            continue;
        }
        if (sym && s->enum_names && enum_index(s, row->b->name) < 0)
            s->enum_names[s->nenum++] = row->b->name;
    }
    s->ty = symbolic ? ty_enum(s) : ty_num(NULL, true);
    for (uint32_t i = 0; symbolic && i < d->list.count; i++)
        if (d->list.items[i]->b->kind == AST_NAME)
            d->list.items[i]->b->ordinal = enum_index(s, d->list.items[i]->b->name);
    if (d->a)
        expect_bool(c, d->a, "a classification's 'when'");
    if (d->name2) {
        Symbol *o = sym_lookup(c, d->name2);
        if (!o || o->kind != SYM_INPUT) {
            ERR(d->name2_span, "override '%s' must be an input of the case vocabulary", d->name2);
        } else {
            o->used = true;
            d->name2_sym = o;
            bool fits = symbolic ? (o->ty.kind == TY_ENUM && o->ty.enum_of->nenum == s->nenum)
                                 : (o->ty.kind == TY_NUM && !o->ty.unit);
            for (uint32_t i = 0; fits && symbolic && i < s->nenum; i++)
                fits = strcmp(o->ty.enum_of->enum_names[i], s->enum_names[i]) == 0;
            if (!fits) {
                char b1[96], b2[96];
                ERR(d->name2_span, "override '%s' is %s, but '%s' is %s", o->name, describe(c, o->ty, b1),
                    s->name, describe(c, s->ty, b2));
            }
        }
    }
}

static void check_derived(Compiler *c, Symbol *s)
{
    if (s->state == 2)
        return;
    if (s->state == 1) {
        if (s->decl)
            ERR(s->decl->name_span, "'%s' depends on itself", s->name);
        else
            diag_file(&c->diag, SEV_ERROR, c->sources.files[c->main_file].path,
                      "'%s' depends on itself (an exclusion or red flag uses it)", s->name);
        s->ty = T_ERR;
        s->state = 2;
        return;
    }
    s->state = 1;
    FnEnv *saved = c->env;
    c->env = NULL;
    switch (s->kind) {
    case SYM_DEFINE:
        s->ty = check_expr(c, s->decl->a);
        if (s->ty.kind == TY_ANY) {
            ERR(s->decl->a->span, "%s", UNTYPED_UNKNOWN);
            s->ty = T_ERR;
        }
        break;
    case SYM_CLASSIFY:
        check_classify(c, s);
        break;
    case SYM_BUILTIN:
        for (uint32_t i = 0; i < s->ndeps; i++)
            check_derived(c, s->deps[i]);
        s->ty = T_BOOL;
        break;
    case SYM_OUTCOME:
        check_outcome_body(c, s->decl);
        s->ty = T_BOOL;
        break;
    default:
        break;
    }
    c->env = saved;
    if (s->state == 1) {
        s->state = 2;
        add_derived(c, s);
    }
}

typedef struct {
    const char *word;
    int value;
} NamedValue;

static const NamedValue OUTCOME_KINDS[] = {
#define X(id, name, keyword, doc_one, doc_many) { name, OK_##id },
#include "outcome_kinds.def"
#undef X
};
static const NamedValue ACTIONS[] = {
#define X(id, name, nl, en) { name, ACT_##id },
#include "actions.def"
#undef X
};
static const NamedValue STRENGTHS[] = {
#define X(id, name, direction, force, nl, en) { name, STR_##id },
#include "strengths.def"
#undef X
};
static const NamedValue MOMENTS[] = {
#define X(id, name, nl, en) { name, MOMENT_##id },
#include "moments.def"
#undef X
};

static int named_value(const NamedValue *t, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].word, word) == 0)
            return t[i].value;
    return -1;
}
#define NAMED(t, w) named_value(t, sizeof t / sizeof t[0], w)

/* "; did you mean 'X'?" for the closest word of a table, or "" (into buf). */
static const char *named_hint(const NamedValue *t, size_t n, const char *word, char *buf, size_t len)
{
    GdlSuggest near;
    gdl_suggest_begin(&near, word, strlen(word));
    for (size_t i = 0; i < n; i++)
        gdl_suggest_offer(&near, t[i].word);
    return hint_text(near.best, buf, len);
}
#define NAMED_HINT(t, w, buf) named_hint(t, sizeof t / sizeof t[0], w, buf, sizeof buf)

/* "w1, w2, ..." of a table's words into buf, starting at row `first` and
 * wrapping round, for the list in an "unknown ..." error. */
static const char *named_list(const NamedValue *t, size_t n, size_t first, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t[(first + i) % n].word);
    return buf;
}
#define NAMED_LIST(t, first, buf) named_list(t, sizeof t / sizeof t[0], first, buf, sizeof buf)

int outcome_action(const char *word);
int outcome_strength(const char *word);
int outcome_moment(const char *word);
int outcome_action(const char *word) { return NAMED(ACTIONS, word); }
int outcome_strength(const char *word) { return NAMED(STRENGTHS, word); }
int outcome_moment(const char *word) { return NAMED(MOMENTS, word); }

/* `advice X [STRENGTH]`, `red_flag X`, `refer X`, `exclude X` in a
 * property premise: true when such an outcome fires, else false. */
static Ty check_fired(Compiler *c, AstNode *e)
{
    if (!c->in_premise && !(e->flags & FIRED_CHECKED)) {
        ERR(e->span, "'%s %s' (whether an outcome fires) can only stand in a property premise", e->name, e->name2);
        return T_BOOL;
    }
    e->flags |= FIRED_CHECKED;
    bool found = false;
    for (uint32_t j = 0; j < c->outcomes.count; j++) {
        AstNode *o = c->outcomes.items[j];
        found |= strcmp(gdl_outcome_kind_name((OutcomeKind)o->op), e->name) == 0 && strcmp(o->name, e->name2) == 0;
    }
    if (!found)
        ERR(e->name2_span, "no %s '%s' in this guideline", e->name, e->name2);
    if (e->str && NAMED(STRENGTHS, e->str) < 0)
        ERR(e->str_span, "unknown strength '%s'", e->str);
    return T_BOOL;
}


/* Outcome symbols exist before any expression is checked, so that in_scope
 * can depend on the exclusions whatever the declaration order. */
static void make_outcome_symbols(Compiler *c)
{
    uint32_t nexcl = 0, nflags = 0;
    for (uint32_t i = 0; i < c->outcomes.count; i++) {
        AstNode *o = c->outcomes.items[i];
        Symbol *s = arena_zalloc(&c->arena, sizeof *s);
        if (!s)
            return;
        s->kind = SYM_OUTCOME;
        s->name = o->name;
        s->decl = o;
        s->fact = -1;
        s->param = -1;
        o->ref = s;
        const char *w = gdl_outcome_kind_name((OutcomeKind)o->op);
        nexcl += strcmp(w, "exclusion") == 0;
        nflags += strcmp(w, "red_flag") == 0;
    }
    c->in_scope->deps = arena_alloc(&c->arena, sizeof(Symbol *) * (nexcl + 1));
    c->red_flagged->deps = arena_alloc(&c->arena, sizeof(Symbol *) * (nflags + 1));
    if (!c->in_scope->deps || !c->red_flagged->deps)
        return;
    for (uint32_t i = 0; i < c->outcomes.count; i++) {
        AstNode *o = c->outcomes.items[i];
        const char *w = gdl_outcome_kind_name((OutcomeKind)o->op);
        if (strcmp(w, "exclusion") == 0)
            c->in_scope->deps[c->in_scope->ndeps++] = o->ref;
        else if (strcmp(w, "red_flag") == 0)
            c->red_flagged->deps[c->red_flagged->ndeps++] = o->ref;
    }
}

/* A parameter named where a text, a dose or a schedule takes one (docs/language.md
 * "Parameters in texts, doses and schedules"); NULL, reported, when it is none. */
static Symbol *param_ref(Compiler *c, const char *name, SrcSpan at, const char *where)
{
    Symbol *s = sym_lookup(c, name);
    if (!s) {
        char hint[96];
        ERR(at, "unknown parameter '%s' in %s%s", name, where, hint_text(sym_suggest(c, name), hint, sizeof hint));
        return NULL;
    }
    if (s->kind != SYM_PARAM) {
        ERR(at, "'%s' is not a parameter (%s can show only a parameter's value)", name, where);
        return NULL;
    }
    if (s->decl->a->kind == AST_DATE) {
        ERR(at, "'%s' is a date parameter: %s shows numbers, booleans and texts", name, where);
        return NULL;
    }
    s->used = true;
    return s;
}

/* `{name}` in a text is parameter name's value; `{{` and `}}` are braces.
 * Scans the literal as written, so each error points at its placeholder. */
static void check_text_params(Compiler *c, const AstNode *t)
{
    const char *src = c->sources.files[t->str_span.file].text;
    for (uint32_t i = t->str_span.start + 1; i + 1 < t->str_span.end; i++) {
        char ch = src[i];
        if ((ch == '{' || ch == '}') && src[i + 1] == ch) {
            i++;
            continue;
        }
        SrcSpan at = { t->str_span.file, i, i + 1 };
        if (ch == '}') {
            ERR(at, "a '}' without its '{' in a text (write '}}' for a brace)");
            continue;
        }
        if (ch != '{')
            continue;
        uint32_t end = i + 1;
        while (end + 1 < t->str_span.end && (src[end] == '_' || (src[end] >= 'a' && src[end] <= 'z')
                                             || (src[end] >= 'A' && src[end] <= 'Z') || (src[end] >= '0' && src[end] <= '9')))
            end++;
        if (end == i + 1 || src[end] != '}' || end - i - 1 >= LEX_MAX_IDENT) {
            ERR(at, "a '{' in a text opens a parameter, {name} (write '{{' for a brace)");
            while (i + 2 < t->str_span.end && src[i + 1] != '}' && src[i + 1] != '{')
                i++;                    /* its '}', if any, is part of this error */
            if (src[i + 1] == '}')
                i++;
            continue;
        }
        char name[LEX_MAX_IDENT + 1];
        snprintf(name, sizeof name, "%.*s", (int)(end - i - 1), src + i + 1);
        at.end = end + 1;
        param_ref(c, name, at, "a text");
        i = end;
    }
}

static void check_advice_texts(Compiler *c, AstNode *o)
{
    for (uint32_t i = 0; i < o->list.count; i++)
        check_text_params(c, o->list.items[i]);
    check_texts(c, o, "advice");
    for (uint32_t i = 0; i < o->list.count; i++) {
        AstNode *t = o->list.items[i];
        bool declared = false;
        for (uint32_t j = 0; j < c->nlanguages; j++)
            declared |= strcmp(c->languages[j], t->name) == 0;
        if (!declared && c->header)
            ERR(t->name_span, "text in '%s', which the guideline header does not list under 'language'", t->name);
    }
    for (uint32_t j = 0; j < c->nlanguages; j++) {
        bool found = false;
        for (uint32_t i = 0; i < o->list.count; i++)
            found |= strcmp(o->list.items[i]->name, c->languages[j]) == 0;
        if (!found)
            ERR(o->name_span, "advice '%s' has no '%s' text (the header lists language %s)", o->name,
                c->languages[j], c->languages[j]);
    }
}

/* A rate in a dose, `3 per week` or `2..3 per day` (docs/language.md): per
 * week or per day; a key that names its rate (sessions_per_week) takes that one. */
static void check_dose_rate(Compiler *c, const AstNode *d)
{
    const AstNode *v = d->a;
    static const NamedValue PERIODS[] = { { "week", 7 }, { "day", 1 } };
    if (strcmp(v->name, "per") != 0) {
        ERR(v->name_span, "a rate is written N per week or N per day, not '%s %s'", v->name, v->name2);
        return;
    }
    char hint[96];
    if (NAMED(PERIODS, v->name2) < 0) {
        ERR(v->name2_span, "a rate is per week or per day, not per '%s'%s", v->name2, NAMED_HINT(PERIODS, v->name2, hint));
        return;
    }
    const char *per = strstr(d->name, "_per_");
    if (per && strcmp(per + 5, v->name2) != 0)
        ERR(v->name2_span, "'%s' counts per %s, not per %s", d->name, per + 5, v->name2);
}

/* The units of after_units.def (without the calendar ones, months, when
 * calendar is false), "weeks, days or months", into buf, for the schedule
 * errors. */
static const char *after_unit_list(bool calendar, char *buf, size_t len)
{
    size_t n = 0, used = 0;
    for (unsigned u = 0; u < AFTER__COUNT; u++)
        n += calendar || gdl_after_unit_days(u) != 0;
    buf[0] = '\0';
    for (unsigned u = 0, k = 0; u < AFTER__COUNT && used < len; u++)
        if (calendar || gdl_after_unit_days(u) != 0)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", diag_or_separator(k++, n), gdl_after_unit_name(u));
    return buf;
}

/* `after PARAM`: a parameter in weeks or days whose every value (its range, which
 * --param keeps to) is a whole schedule of at most 10 years; the VM refuses a fraction. */
static void check_schedule_param(Compiler *c, AstNode *o)
{
    Symbol *s = o->name2_sym = param_ref(c, o->after_param, o->after_param_span, "'after'");
    if (!s)
        return;
    const AstNode *v = s->decl->a, *r = s->decl->b;
    int unit = v->kind == AST_NUM && v->unit ? gdl_after_unit_by_word(v->unit) : -1;
    unsigned days = unit < 0 ? 0 : gdl_after_unit_days((unsigned)unit);   /* 0: calendar, or no unit */
    if (days == 0 || strcmp(v->unit, gdl_after_unit_name((unsigned)unit)) != 0) {
        char units[64];
        after_unit_list(false, units, sizeof units);
        ERR(o->after_param_span, "parameter '%s' is not in %s: a schedule counts in %s", o->after_param, units, units);
        diag_report(&c->diag, SEV_NOTE, s->decl->name_span, "'%s' declared here", o->after_param);
        return;
    }
    if (!r || v->num != floor(v->num) || r->a->num < 0 || r->b->num * days > GDL_MAX_SCHEDULE_DAYS) {
        ERR(o->after_param_span, "parameter '%s' sets a schedule: it needs a whole value and a range within [0, %u %s] (every value --param may give it is a schedule)",
            o->after_param, GDL_MAX_SCHEDULE_DAYS / days, v->unit);
        diag_report(&c->diag, SEV_NOTE, s->decl->name_span, "'%s' declared here", o->after_param);
    }
}

static void check_outcome_body(Compiler *c, AstNode *o)
{
    const char *kind = gdl_outcome_kind_name((OutcomeKind)o->op);
    if (!o->b)
        ERR(o->name_span, "%s '%s' has no section citation (write the guideline section after the id, e.g. \"B.1.3\")",
            kind, o->name);
    else if (is_blank(o->b->str))
        ERR(o->b->span, "%s '%s' has an empty section citation (write the guideline section, e.g. \"B.1.3\")",
            kind, o->name);
    else
        check_citation_source(c, o->b->span, o->b->str);
    if (o->a)
        expect_bool(c, o->a, kind);
    if (strcmp(kind, "red_flag") == 0 || strcmp(kind, "referral") == 0) {
        int action = NAMED(ACTIONS, o->action);
        if (action < 0) {
            char names[256], hint[96];  /* 'none', the row of ACT_NONE, last: it is the fallback */
            ERR(o->action_span, "unknown action '%s' (actions: %s)%s", o->action, NAMED_LIST(ACTIONS, ACT_NONE + 1, names),
                NAMED_HINT(ACTIONS, o->action, hint));
        } else if ((action == ACT_ASSESS || action == ACT_NONE) && strcmp(kind, "red_flag") != 0) {
            /* assess weighs a single red-flag feature, none marks an alert whose
             * source names no action; a referral always acts */
            ERR(o->action_span, "action '%s' is for red flags only (a referral names what to do: refer_gp, contact_gp, ...)", o->action);
        } else if (action == ACT_NONE && o->urgent) {
            ERR(o->action_span, "an urgent red flag needs an action; 'none' says the source gives no action at all");
        }
    }
    if (strcmp(kind, "advice") == 0) {
        char names[128], hint[96];
        if (NAMED(STRENGTHS, o->strength) < 0)
            ERR(o->strength_span, "unknown strength '%s' (strengths: %s)%s", o->strength, NAMED_LIST(STRENGTHS, 0, names),
                NAMED_HINT(STRENGTHS, o->strength, hint));
        check_advice_texts(c, o);
        if (o->dose)
            for (uint32_t i = 0; i < o->dose->list.count; i++) {
                AstNode *d = o->dose->list.items[i];
                if (d->a->name2)
                    check_dose_rate(c, d);
                if (d->a->kind == AST_NAME)
                    param_ref(c, d->a->name, d->a->span, "a dose");
                else if (d->a->kind == AST_RANGE) {
                    if (d->a->unit)
                        check_unit(c, d->a->unit, d->a->unit_span);
                    if (!(d->a->a->num < d->a->b->num))
                        ERR(d->a->span, "a dose range runs from low to high: %g..%g", d->a->a->num, d->a->b->num);
                } else
                    literal_type(c, d->a);
                for (uint32_t j = 0; j < i; j++)
                    if (strcmp(o->dose->list.items[j]->name, d->name) == 0)
                        ERR(d->name_span, "dose has '%s' twice", d->name);
            }
    } else {
        if (o->list.count)
            ERR(o->list.items[0]->span, "only advice has texts");
        if (o->dose)
            ERR(o->dose->span, "only advice has a dose");
    }
    if (strcmp(kind, "schedule") == 0) {
        int unit = o->after_param ? -1 : gdl_after_unit_by_word(o->unit);
        char units[64];
        if (o->after_param)
            check_schedule_param(c, o);
        else if (unit >= 0 && strcmp(o->unit, gdl_after_unit_name((unsigned)unit)) != 0 && o->num != 1)
            ERR(o->unit_span, "'%s' is for 1 %s: write %g %s", o->unit, o->unit, o->num, gdl_after_unit_name((unsigned)unit));
        else if (unit == AFTER_MONTHS) {
            if (o->num != floor(o->num) || o->num > GDL_MAX_SCHEDULE_MONTHS)
                ERR(o->span, "a schedule in %s is a whole number of calendar months (at most %d)", gdl_after_unit_name(AFTER_MONTHS),
                    GDL_MAX_SCHEDULE_MONTHS);
        } else if (unit < 0)
            ERR(o->unit_span, "a schedule counts in %s, not '%s'", after_unit_list(true, units, sizeof units), o->unit);
        else if (o->num != floor(o->num) || o->num * gdl_after_unit_days((unsigned)unit) > GDL_MAX_SCHEDULE_DAYS)
            ERR(o->span, "a schedule is a whole number of %s (at most 10 years)", after_unit_list(false, units, sizeof units));
        if (o->from) {
            Ty t = check_expr(c, o->from);
            if (t.kind != TY_DATE && t.kind != TY_ERROR && t.kind != TY_ANY) {
                char b[96];
                ERR(o->from->span, "'from' needs a date, but this is %s", describe(c, t, b));
            }
        }
    }
    if (strcmp(kind, "measurement") == 0)
        for (uint32_t i = 0; i < o->list2.count; i++)
            if (NAMED(MOMENTS, o->list2.items[i]->name) < 0) {
                char names[128], hint[96];
                ERR(o->list2.items[i]->span, "unknown moment '%s' (moments: %s)%s", o->list2.items[i]->name,
                    NAMED_LIST(MOMENTS, 0, names), NAMED_HINT(MOMENTS, o->list2.items[i]->name, hint));
            }
    /* One id per kind and section. */
    for (uint32_t i = 0; i < c->outcomes.count; i++) {
        AstNode *p = c->outcomes.items[i];
        if (p == o)
            break;
        if (p->op == o->op && strcmp(p->name, o->name) == 0 && o->b && p->b && strcmp(p->b->str, o->b->str) == 0
            && (!o->name2 || !p->name2 || strcmp(o->name2, p->name2) == 0)) {
            ERR(o->name_span, "%s '%s' is already declared for section %s", kind, o->name, o->b->str);
            NOTE(p->name_span, "first declared here");
        }
    }
}

/* ---- tests and properties ------------------------------------------- */

/* The expectations of a test or a property: the same vocabulary for both. A
 * property holds for every case, so it cannot speak of `missing` (which
 * depends on how the case was written down, not on what it means). */
static void check_expects(Compiler *c, const AstList *expects, bool in_property)
{
    for (uint32_t i = 0; i < expects->count; i++) {
        AstNode *x = expects->items[i];
        if (x->kind == AST_PARAM) {     /* a test's own parameter value: check_tests */
            if (in_property)
                ERR(x->span, "a property cannot set a parameter (it holds for the parameters of the run)");
            continue;
        }
        if (in_property && (x->b || x->dose || x->list.count))
            ERR(x->span, "a property's expectation names an outcome by kind, id and strength only (no section, dose or text)");
        const char *kind = x->name;
        if (strcmp(kind, "classification") == 0 || strcmp(kind, "value") == 0) {
            Symbol *s = sym_lookup(c, x->name2);
            if (!s || (s->kind != SYM_CLASSIFY && s->kind != SYM_BUILTIN && s->kind != SYM_DEFINE)) {
                ERR(x->name2_span, "'%s' is not a classification or fact that a %s can check", x->name2,
                    in_property ? "property" : "test");
                continue;
            }
            if (x->a->kind == AST_NAME && (s->ty.kind != TY_ENUM || enum_index(s->ty.enum_of, x->a->name) < 0))
                ERR(x->a->span, "'%s' is not a value of '%s'", x->a->name, s->name);
            if (in_property)
                s->used = true;     /* a fact a property speaks of is not unused */
            continue;
        }
        if (strcmp(kind, "missing") == 0) {
            Symbol *s = sym_lookup(c, x->name2);
            if (in_property)
                ERR(x->name_span, "a property cannot expect 'missing' (it holds for every case; put known(%s) in its premise instead)",
                    x->name2);
            else if (!s || s->kind != SYM_INPUT)
                ERR(x->name2_span, "'%s' is not an input field", x->name2);
            continue;
        }
        bool found = false, known_kind = false;
        char hint[96];
        GdlSuggest near;
        gdl_suggest_begin(&near, x->name2, strlen(x->name2));
        for (uint32_t j = 0; j < c->outcomes.count && !found; j++) {
            AstNode *o = c->outcomes.items[j];
            if (strcmp(gdl_outcome_kind_name((OutcomeKind)o->op), kind) != 0)
                continue;
            known_kind = true;
            found = strcmp(o->name, x->name2) == 0;
        }
        /* Near names only for an error: edit distances over every outcome of
         * every expectation were most of a guideline's compile time. */
        for (uint32_t j = 0; j < c->outcomes.count && !found; j++) {
            AstNode *o = c->outcomes.items[j];
            if (strcmp(gdl_outcome_kind_name((OutcomeKind)o->op), kind) == 0)
                gdl_suggest_offer(&near, o->name);
        }
        char kinds[128];
        if (NAMED(OUTCOME_KINDS, kind) < 0)
            ERR(x->name_span, "unknown expectation '%s' (expect %s, %sor NAME == value)", kind,
                NAMED_LIST(OUTCOME_KINDS, 0, kinds), in_property ? "" : "missing, ");
        else if (!found)
            ERR(x->name2_span, "no %s '%s' in this guideline%s%s", kind, x->name2, known_kind ? "" : " (it has none of that kind)",
                hint_text(near.best, hint, sizeof hint));
        if (x->str && strcmp(x->str, "urgent") == 0) {
            if (strcmp(kind, "red_flag") != 0 && strcmp(kind, "referral") != 0)
                ERR(x->str_span, "only a red_flag or a referral is urgent");
        } else if (x->str && NAMED(STRENGTHS, x->str) < 0) {
            ERR(x->str_span, "unknown strength '%s'", x->str);
        }
    }
}

/* An anonymous boolean fact for gdl verify (c->with_properties): a property
 * premise or the condition of a row of a unique table. decl->a is its
 * expression, already checked; it is derived after everything it reads. */
static Symbol *verify_fact(Compiler *c, AstNode *decl, const char *kind, const char *name, uint32_t index)
{
    Symbol *s = arena_zalloc(&c->arena, sizeof *s);
    size_t n = strlen(kind) + strlen(name) + 16;
    char *label = arena_alloc(&c->arena, n);
    if (!s || !label)
        return NULL;
    if (index)
        snprintf(label, n, "%s:%s:%u", kind, name, index);
    else
        snprintf(label, n, "%s:%s", kind, name);
    s->kind = SYM_DEFINE;
    s->name = label;
    s->decl = decl;
    s->ty = T_BOOL;
    s->state = 2;
    s->fact = -1;
    s->param = -1;
    decl->ref = s;
    add_derived(c, s);
    return s;
}

/* gdl verify's column checks (analysis.c) read every tested cell of a
 * multi-column table as a fact of its own: "cell:TABLE:rowR:COLUMN". */
static void cell_facts(Compiler *c, Symbol *s)
{
    for (uint32_t i = 0; i < s->decl->list.count; i++) {
        AstNode *cells = s->decl->list.items[i]->cells;
        char *row = arena_alloc(&c->arena, strlen(s->name) + 16);
        if (!cells || !row)
            continue;
        sprintf(row, "%s:row%u", s->name, i + 1);
        for (uint32_t j = 0; j < cells->list.count; j++)
            if (cells->list.items[j]->a)
                verify_fact(c, cells->list.items[j], "cell", row, j + 1);
    }
}

/* A property: a section it protects, a boolean premise over inputs and
 * facts, expectations. With c->with_properties its premise becomes a fact. */
static void check_property(Compiler *c, AstNode *p, uint32_t index)
{
    if (!p->b)
        ERR(p->name_span, "property '%s' has no section citation (write the section it protects after the name, e.g. \"B.1.3\")",
            p->name);
    else
        check_citation_source(c, p->b->span, p->b->str);
    for (uint32_t i = 0; i < index; i++)
        if (strcmp(c->properties.items[i]->name, p->name) == 0) {
            ERR(p->name_span, "property '%s' is already declared", p->name);
            NOTE(c->properties.items[i]->name_span, "first declared here");
            break;
        }
    if (p->list2.count == 0)
        ERR(p->name_span, "property '%s' has no expectations (write at least one 'expect ...')", p->name);
    if (p->a) {
        c->in_premise = true;
        expect_bool(c, p->a, "a property premise");
        c->in_premise = false;
    }
    check_expects(c, &p->list2, true);
    if (!c->with_properties || c->diag.errors)
        return;
    if (!p->a) {    /* no premise: every case; a synthesized node borrows the property's span */
        AstBuilder b = { .arena = &c->arena };
        p->a = ast_new(&b, AST_BOOL, p->name_span);
        p->a->flags = 1;
    }
    verify_fact(c, p, "property", p->name, 0);
}

/* ---- the pass -------------------------------------------------------- */

static const char *const GUIDELINE_STATUSES[] = {
#define X(name) name,
#include "guideline_statuses.def"
#undef X
};
enum { GUIDELINE_STATUS_COUNT = sizeof GUIDELINE_STATUSES / sizeof GUIDELINE_STATUSES[0] };

/* `status WORD`: one of guideline_statuses.def. */
static void check_status(Compiler *c, const AstNode *v)
{
    for (size_t i = 0; v->kind == AST_NAME && i < GUIDELINE_STATUS_COUNT; i++)
        if (strcmp(v->name, GUIDELINE_STATUSES[i]) == 0)
            return;
    char words[128];
    size_t used = 0;
    for (size_t i = 0; i < GUIDELINE_STATUS_COUNT && used < sizeof words; i++)
        used += (size_t)snprintf(words + used, sizeof words - used, "%s%s", diag_or_separator(i, GUIDELINE_STATUS_COUNT),
                                 GUIDELINE_STATUSES[i]);
    ERR(v->span, "status is %s", words);
}

static void check_header(Compiler *c)
{
    AstNode *h = c->header;
    if (!h)
        return;
    bool seen[HF__COUNT] = { false };
    for (uint32_t i = 0; i < h->list.count; i++) {
        AstNode *f = h->list.items[i];
        int k = header_field(f->name);
        if (k < 0) {
            char names[128], hint[96];
            size_t used = 0;
            for (int j = 0; j < HF__COUNT; j++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", j ? ", " : "", HEADER_FIELD_NAMES[j]);
            ERR(f->name_span, "unknown header field '%s' (fields: %s)%s", f->name, names,
                hint_text(gdl_suggest_word(f->name, HEADER_FIELD_NAMES, HF__COUNT), hint, sizeof hint));
            continue;
        }
        HeaderValue value = HEADER_FIELDS[k].value;
        if (seen[k] && HEADER_FIELDS[k].count != HC_REPEATED)
            ERR(f->name_span, "header field '%s' given twice", f->name);
        seen[k] = true;
        AstNode *v = f->list.items[0];
        if (value == HV_DATE && v->kind != AST_DATE)
            ERR(v->span, "'%s' is a date (YYYY-MM-DD)", f->name);
        if (value == HV_DATE && v->kind == AST_DATE) {
            double d;
            if (!gdl_date_parse_str(v->str, &d))
                ERR(v->span, "invalid date '%s'", v->str);
        }
        if (value == HV_STATUS)
            check_status(c, v);
        if ((value == HV_STRING || (value == HV_SOURCE && !source_name(f))) && v->kind != AST_STR)
            ERR(v->span, "header field '%s' is a string", f->name);
        if (value == HV_SOURCE && source_name(f) && f->list.items[1]->kind != AST_STR)
            ERR(f->list.items[1]->span, "a named source is a name and a file: source MSK, \"msk-leidraad-lrs.txt\"");
        for (uint32_t j = 0; value == HV_SOURCE && j < i; j++)
            if (source_name(f) && source_name(h->list.items[j]) && strcmp(source_name(f), source_name(h->list.items[j])) == 0)
                ERR(f->list.items[0]->span, "source '%s' is named twice", source_name(f));

        for (uint32_t j = 0; value == HV_LANGUAGES && j < f->list.count; j++)
            if (f->list.items[j]->kind != AST_NAME)
                ERR(f->list.items[j]->span, "'language' lists language codes (e.g. language nl, en)");
    }
    /* Named sources are for citations: all named, or none. */
    const AstNode *named = NULL, *unnamed = NULL;
    for (uint32_t i = 0; i < h->list.count; i++)
        if (header_field(h->list.items[i]->name) == HF_SOURCE) {
            if (source_name(h->list.items[i]))
                named = named ? named : h->list.items[i];
            else
                unnamed = unnamed ? unnamed : h->list.items[i];
        }
    if (named && unnamed)
        ERR(unnamed->span, "this source has no name, but '%s' has one: name every source (source NAME, \"file\") or none",
            source_name(named));
    for (int k = 0; k < HF__COUNT; k++)
        if (HEADER_FIELDS[k].count == HC_REQUIRED && !seen[k])
            ERR(h->name_span, "guideline header has no '%s'", HEADER_FIELD_NAMES[k]);
    if (c->nlanguages == 0)
        ERR(h->name_span, "guideline header has no 'language' (e.g. language nl, en)");
}

void check_program(Compiler *c)
{
    c->checking = true;
    check_header(c);
    for (Symbol *s = c->syms.first; s; s = s->order_next) {
        if (s->kind == SYM_INPUT) check_input(c, s);
        else if (s->kind == SYM_PARAM) check_param(c, s);
    }
    static const char *const SCHEDULE_FROM[] = { "first_contact_on", "assessed_on" };
    for (int i = 0; i < 2; i++) {
        Symbol *from = sym_lookup(c, SCHEDULE_FROM[i]);
        c->schedule_from[i] = from && from->kind == SYM_INPUT && from->ty.kind == TY_DATE ? from : NULL;
    }
    make_outcome_symbols(c);
    for (Symbol *s = c->syms.first; s; s = s->order_next)
        if (s->kind == SYM_CLASSIFY)
            table_lower(c, s->decl);
    for (Symbol *s = c->syms.first; s; s = s->order_next)
        if (s->kind == SYM_DEFINE || s->kind == SYM_CLASSIFY)
            check_derived(c, s);
    for (uint32_t i = 0; i < c->outcomes.count; i++)
        if (c->outcomes.items[i]->ref)
            check_derived(c, c->outcomes.items[i]->ref);
    check_derived(c, c->in_scope);
    check_derived(c, c->red_flagged);
    for (uint32_t i = 0; i < c->tests.count; i++)
        check_expects(c, &c->tests.items[i]->list2, false);
    check_tests(c);
    for (uint32_t i = 0; i < c->properties.count; i++)
        check_property(c, c->properties.items[i], i);
    for (Symbol *s = c->syms.first; s && (c->with_properties || c->with_row_facts) && !c->diag.errors; s = s->order_next)
        if (s->kind == SYM_CLASSIFY && (c->with_row_facts || (s->decl->flags & CLASSIFY_UNIQUE)))
            for (uint32_t i = 0; i < s->decl->list.count; i++)
                if (s->decl->list.items[i]->a)
                    verify_fact(c, s->decl->list.items[i], "row", s->name, i + 1);
    for (Symbol *s = c->syms.first; s && c->with_properties && !c->diag.errors; s = s->order_next)
        if (s->kind == SYM_CLASSIFY && s->decl->b)
            cell_facts(c, s);
    c->checking = false;
}
