/* resolve.c - declares every name in one table (units, inputs, params,
 * defines, functions, classifications, built-in facts), reads the header and
 * collects outcomes, tests and properties. Types are left to check.c. */
#include "compile.h"
#include "suggest.h"

#include <string.h>

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

Symbol *sym_lookup(const Compiler *c, const char *name)
{
    for (Symbol *s = c->syms.buckets[hash_name(name) % SYMTAB_BUCKETS]; s; s = s->hash_next)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

static const char *sym_kind_name(SymKind k)
{
    switch (k) {
    case SYM_UNIT: return "a unit";
    case SYM_INPUT: return "an input";
    case SYM_PARAM: return "a param";
    case SYM_DEFINE: return "a define";
    case SYM_FN: return "a function";
    case SYM_CLASSIFY: return "a classification";
    case SYM_BUILTIN: return "a built-in fact";
    case SYM_OUTCOME: return "an outcome";
    }
    return "a name";
}

static Symbol *sym_new(Compiler *c, SymKind kind, const char *name, AstNode *decl)
{
    Symbol *s = arena_zalloc(&c->arena, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->name = name;
    s->decl = decl;
    s->fact = -1;
    s->param = -1;
    return s;
}

Symbol *sym_declare(Compiler *c, SymKind kind, const char *name, AstNode *decl)
{
    Symbol *old = sym_lookup(c, name);
    if (old) {
        if (old->decl && old->decl->span.file != decl->span.file)
            /* one namespace for all files: a module's name never hides the importer's */
            diag_report(&c->diag, SEV_ERROR, decl->name_span,
                        "'%s' is already declared as %s in %s: names from different files must differ (rename one)",
                        name, sym_kind_name(old->kind), c->sources.files[old->decl->span.file].path);
        else
            diag_report(&c->diag, SEV_ERROR, decl->name_span, "'%s' is already declared as %s",
                        name, sym_kind_name(old->kind));
        if (old->decl)
            diag_report(&c->diag, SEV_NOTE, old->decl->name_span, "'%s' declared here", name);
        return NULL;
    }
    Symbol *s = sym_new(c, kind, name, decl);
    if (!s)
        return NULL;
    uint32_t h = hash_name(name) % SYMTAB_BUCKETS;
    s->hash_next = c->syms.buckets[h];
    c->syms.buckets[h] = s;
    if (c->syms.last)
        c->syms.last->order_next = s;
    else
        c->syms.first = s;
    c->syms.last = s;
    return s;
}

const char *sym_suggest(const Compiler *c, const char *name)
{
    GdlSuggest near;
    gdl_suggest_begin(&near, name, strlen(name));
    for (Symbol *s = c->syms.first; s; s = s->order_next)
        if (s->kind != SYM_OUTCOME)
            gdl_suggest_offer(&near, s->name);
    return near.best;
}

static void read_header(Compiler *c, AstNode *h)
{
    if (c->header) {
        diag_report(&c->diag, SEV_ERROR, h->span, "a file has one guideline header");
        diag_report(&c->diag, SEV_NOTE, c->header->span, "first header here");
        return;
    }
    c->header = h;
    for (uint32_t i = 0; i < h->list.count; i++) {
        AstNode *f = h->list.items[i];
        if (strcmp(f->name, "language") == 0) {
            for (uint32_t j = 0; j < f->list.count && c->nlanguages < 8; j++)
                if (f->list.items[j]->kind == AST_NAME)     /* check_header reports the others */
                    c->languages[c->nlanguages++] = f->list.items[j]->name;
        }
    }
}

/* A vocabulary module: its name's last part is `vocabulary` (lbp.vocabulary). */
static bool is_vocabulary_name(const char *module)
{
    const char *dot = strrchr(module, '.');
    return strcmp(dot ? dot + 1 : module, "vocabulary") == 0;
}

/* The vocabulary contract (docs/language.md "Inputs"): a case file valid for one guideline
 * of a family is valid for all, so the case fields are declared in vocabulary modules only;
 * a guideline that imports none may declare its own (a self-contained guideline). */
static void check_input_place(Compiler *c, const AstNode *input, const char *module)
{
    if (module) {
        if (!is_vocabulary_name(module))
            diag_report(&c->diag, SEV_ERROR, input->name_span,
                        "input '%s' declared in module '%s', which is not a vocabulary: case fields are declared in a vocabulary module (named *.vocabulary, such as lbp.vocabulary)",
                        input->name, module);
        return;
    }
    for (uint32_t i = 0; i < c->nloaded; i++)
        if (is_vocabulary_name(c->loaded_modules[i])) {
            diag_report(&c->diag, SEV_ERROR, input->name_span,
                        "input '%s' declared in a guideline that imports the vocabulary '%s': declare it there, so every guideline that shares the vocabulary accepts the same case files",
                        input->name, c->loaded_modules[i]);
            return;
        }
}

void resolve_declarations(Compiler *c)
{
    AstBuilder b = { .arena = &c->arena };
    const char *module = NULL;      /* the module whose declarations these are; NULL: the main file */
    uint32_t module_file = UINT32_MAX;
    for (uint32_t i = 0; i < c->items.count; i++) {
        AstNode *it = c->items.items[i];
        bool in_main = it->span.file == c->main_file;
        switch (it->kind) {
        case AST_HEADER:
            read_header(c, it);
            break;
        case AST_MODULE:
            module = it->name;
            module_file = it->span.file;
            if (in_main)
                diag_report(&c->diag, SEV_ERROR, it->span, "a module cannot be run as a guideline: it has no header (import it instead)");
            break;
        case AST_UNIT:
            for (uint32_t j = 0; j < it->list.count; j++) {
                AstNode *u = it->list.items[j];
                sym_declare(c, SYM_UNIT, u->name, u);
            }
            break;
        case AST_INPUT:
            if (!in_main)
                check_input_place(c, it, module_file == it->span.file ? module : "(no module line)");
            else if (!module || module_file != it->span.file)
                check_input_place(c, it, NULL);
            sym_declare(c, SYM_INPUT, it->name, it);
            break;
        case AST_PARAM: sym_declare(c, SYM_PARAM, it->name, it); break;
        case AST_DEFINE: sym_declare(c, SYM_DEFINE, it->name, it); break;
        case AST_FN: sym_declare(c, SYM_FN, it->name, it); break;
        case AST_CLASSIFY: sym_declare(c, SYM_CLASSIFY, it->name, it); break;
        case AST_OUTCOME: ast_push(&b, &c->outcomes, it); break;
        case AST_TEST:
            if (in_main)
                ast_push(&b, &c->tests, it);
            break;
        case AST_PROPERTY:
            if (in_main)
                ast_push(&b, &c->properties, it);
            break;
        case AST_GIVEN:
            if (in_main)
                ast_push(&b, &c->bases, it);
            break;
        default:
            break;
        }
    }
    /* An empty file has no header either (without it codegen has no META);
     * after syntax errors that left nothing to resolve, it would only echo them. */
    if (!c->header && c->main_file < c->sources.count && (c->items.count || c->diag.errors == 0))
        diag_file(&c->diag, SEV_ERROR, c->sources.files[c->main_file].path,
                  "no 'guideline' header: a guideline file starts with guideline NAME { ... }");
    /* Built-in facts, declared after user names so a user 'in_scope' is the error. */
    c->in_scope = arena_zalloc(&c->arena, sizeof(Symbol));
    c->red_flagged = arena_zalloc(&c->arena, sizeof(Symbol));
    if (b.oom || !c->in_scope || !c->red_flagged) {
        diag_file(&c->diag, SEV_ERROR, "gdl", "out of memory");
        return;
    }
    const char *names[2] = { "in_scope", "red_flagged" };
    Symbol *syms[2] = { c->in_scope, c->red_flagged };
    for (int k = 0; k < 2; k++) {
        Symbol *old = sym_lookup(c, names[k]);
        if (old) {
            if (old->decl)
                diag_report(&c->diag, SEV_ERROR, old->decl->name_span, "'%s' is a built-in fact and cannot be declared", names[k]);
            continue;
        }
        Symbol *s = syms[k];
        s->kind = SYM_BUILTIN;
        s->name = names[k];
        s->fact = -1;
        s->param = -1;
        uint32_t h = hash_name(names[k]) % SYMTAB_BUCKETS;
        s->hash_next = c->syms.buckets[h];
        c->syms.buckets[h] = s;
    }
}
