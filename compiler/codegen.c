/* codegen.c - turns the checked tree into a GdlProgram: the string and
 * number pools (deduplicated, numbered by first use), the fact, parameter
 * and outcome tables, and one straight-line block of bytecode per derived
 * fact, in dependency order. Runs only when check.c found no error. The
 * pools are in const_pool.c, the emitter in emit.c, lowering in lower.c. */
#include "codegen.h"
#include "header_fields.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "mem.h"

void gen_error(Gen *g, SrcSpan at, const char *msg)
{
    diag_report(&g->c->diag, SEV_ERROR, at, "%s", msg);
    g->failed = true;
}

void gen_limit_error(Gen *g, const char *fmt, int limit)
{
    if (!g->failed)
        diag_file(&g->c->diag, SEV_ERROR, g->c->sources.files[g->c->main_file].path, fmt, limit);
    g->failed = true;
}

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

const char *text_of(AstNode *owner, const char *lang)
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
    if (d->length) {
        f->flags |= IN_HAS_LEN;
        f->len_min = (uint32_t)d->length->a->num + ((d->length->flags & RANGE_LO_EXCL) ? 1 : 0);
        f->len_max = (uint32_t)d->length->b->num - ((d->length->flags & RANGE_HI_EXCL) ? 1 : 0);
    }
}

static void meta(Gen *g)
{
    Compiler *c = g->c;
    GdlMeta *m = &g->p->meta;
    AstNode *h = c->header;
#define X(member, name) m->member = GDL_NONE;
#include "meta_fields.def"
#undef X
    m->id = intern(g, h->name);     /* the guideline's name, unless the header gives an id */
    uint32_t nsources = 0;
    for (uint32_t i = 0; i < h->list.count; i++)
        nsources += header_field(h->list.items[i]->name) == HF_SOURCE;
    m->sources = arena_alloc(g->out, sizeof(uint16_t) * (nsources + 1));
    m->source_count = 0;
    for (uint32_t i = 0; i < h->list.count; i++) {
        AstNode *f = h->list.items[i];
        AstNode *v = f->list.items[0];
        int k = header_field(f->name);
        if (k < 0)
            continue;
        uint16_t *at = (uint16_t *)((char *)m + HEADER_FIELDS[k].meta_at);
        switch (HEADER_FIELDS[k].value) {
        case HV_SOURCE:     /* the file: last of `source [NAME,] "file"` */
            if (m->sources)
                m->sources[m->source_count++] = intern(g, f->list.items[f->list.count - 1]->str);
            break;
        case HV_LANGUAGES: {
            char buf[128];
            size_t n = 0;
            for (uint32_t j = 0; j < f->list.count && n < sizeof buf - 16; j++)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", j ? "," : "", f->list.items[j]->name);
            *at = intern(g, buf);
            break;
        }
        case HV_STRING: case HV_DATE: case HV_STATUS:
            *at = intern(g, v->kind == AST_NAME ? v->name : v->str);
            break;
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
                f->override = (uint16_t)s->decl->name2_sym->fact;
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
