/* doc.c - `gdl doc`: a compiled guideline summarised as Markdown for
 * reviewers: the header, the parameters (default, range, the sections of
 * the rules that read them), every outcome and table grouped by section,
 * the properties and the number of tests. Conditions and values are quoted
 * from the source with blanks collapsed; nothing here evaluates anything. */
#include "doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { DOC_MAX_VISITED = 4096 };    /* symbols one rule reaches; past it the walk stops (the list is then partial) */

typedef struct {
    const Compiler *c;
    FILE *out;
    const char *lang;           /* language of the texts shown: the header's first */
} Doc;

/* ---- source text ------------------------------------------------------- */

/* The source of a span on one line (source_quote), `|` escaped in a table. */
static void put_source(const Doc *d, SrcSpan s, bool in_table)
{
    ByteBuf b = { 0 };
    source_quote(&d->c->sources, s, in_table, &b);
    fwrite(b.data ? (const char *)b.data : "", 1, b.len, d->out);
    buf_free(&b);
}

static void put_code(const Doc *d, const AstNode *n, bool in_table)
{
    fputc('`', d->out);
    put_source(d, n->span, in_table);
    fputc('`', d->out);
}

/* A text as Markdown: characters that would start markup are escaped. */
static void put_text(const Doc *d, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|#", *s))
            fputc('\\', d->out);
        fputc(*s == '\n' || *s == '\t' ? ' ' : *s, d->out);
    }
}

/* ---- sections ---------------------------------------------------------- */

/* Natural order: "B.2" < "B.10" < "C.1"; runs of digits compare as numbers. */
static int section_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
            if (x != y)
                return x < y ? -1 : 1;
            a = ea;
            b = eb;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int section_qsort(const void *x, const void *y)
{
    return section_cmp(*(const char *const *)x, *(const char *const *)y);
}

static const char *section_of(const AstNode *n)
{
    if (n->kind == AST_CLASSIFY)
        return n->str;
    return n->b && n->b->kind == AST_STR ? n->b->str : NULL;
}

/* ---- which parameters a rule reads ------------------------------------- */

typedef struct {
    const Symbol *seen[DOC_MAX_VISITED];
    uint32_t nseen;
    bool *params;               /* by parameter index */
    uint32_t nparams;
} Reach;

static bool reach_visit(Reach *r, const Symbol *s)
{
    for (uint32_t i = 0; i < r->nseen; i++)
        if (r->seen[i] == s)
            return false;
    if (r->nseen == DOC_MAX_VISITED)
        return false;
    r->seen[r->nseen++] = s;
    return true;
}

static void reach_expr(const Compiler *c, Reach *r, const AstNode *e);

static void reach_list(const Compiler *c, Reach *r, const AstList *l)
{
    for (uint32_t i = 0; i < l->count; i++)
        reach_expr(c, r, l->items[i]);
}

static void reach_symbol(const Compiler *c, Reach *r, const Symbol *s)
{
    if (!s || !reach_visit(r, s))
        return;
    if (s->kind == SYM_PARAM && s->param >= 0 && (uint32_t)s->param < r->nparams)
        r->params[s->param] = true;
    else if ((s->kind == SYM_DEFINE || s->kind == SYM_FN) && s->decl)
        reach_expr(c, r, s->decl->a);
    /* not through a table: it is a rule of its own section, listed there */
}

/* A function's parameter names are looked up globally as well; one that
 * shadows a global name can only add a section, never lose one. */
static void reach_expr(const Compiler *c, Reach *r, const AstNode *e)
{
    if (!e)
        return;
    if (e->kind == AST_NAME || e->kind == AST_CALL)
        reach_symbol(c, r, sym_lookup(c, e->name));
    reach_expr(c, r, e->a);
    reach_expr(c, r, e->b);
    reach_expr(c, r, e->from);
    if (e->kind == AST_CALL || e->kind == AST_SET_TEST)
        reach_list(c, r, &e->list);
}

/* ---- the parts of the summary ------------------------------------------ */

static bool in_main(const Doc *d, const AstNode *n)
{
    return n->span.file == d->c->main_file;
}

/* What the contents line counts: parameters, then each outcome kind at its
 * OutcomeKind, then tables, properties and tests. */
enum { DOC_COUNT_PARAMS = OK__NONE, DOC_COUNT_TABLES = OK__COUNT, DOC_COUNT_PROPERTIES, DOC_COUNT_TESTS, DOC_COUNT__N };
static const char *const KIND_WORDS[DOC_COUNT__N][2] = {
    [DOC_COUNT_PARAMS] = { "parameter", "parameters" },
#define X(id, name, keyword, doc_one, doc_many) [OK_##id] = { doc_one, doc_many },
#include "outcome_kinds.def"
#undef X
    [DOC_COUNT_TABLES] = { "table", "tables" }, [DOC_COUNT_PROPERTIES] = { "property", "properties" },
    [DOC_COUNT_TESTS] = { "test", "tests" } };

static void put_header(const Doc *d, uint32_t counts[])
{
    const AstNode *h = d->c->header;
    const char *title = NULL;
    for (uint32_t i = 0; h && i < h->list.count; i++) {
        const AstNode *f = h->list.items[i];
        if (strcmp(f->name, "title") == 0 && f->list.count && f->list.items[0]->kind == AST_STR)
            title = f->list.items[0]->str;
    }
    fprintf(d->out, "# ");
    put_text(d, title ? title : h ? h->name : d->c->sources.files[d->c->main_file].path);
    fprintf(d->out, "\n\n");
    if (h) {
        fprintf(d->out, "| header | |\n|---|---|\n");
        fprintf(d->out, "| guideline | `%s` |\n", h->name);
        for (uint32_t i = 0; i < h->list.count; i++) {
            const AstNode *f = h->list.items[i];
            if (strcmp(f->name, "title") == 0)
                continue;
            fprintf(d->out, "| %s | ", f->name);
            for (uint32_t k = 0; k < f->list.count; k++) {
                fprintf(d->out, "%s", k ? ", " : "");
                put_source(d, f->list.items[k]->span, true);
            }
            fprintf(d->out, " |\n");
        }
        fprintf(d->out, "\n");
    }
    bool any = false;
    for (uint32_t i = 0; i < d->c->items.count; i++) {
        const AstNode *n = d->c->items.items[i];
        if (n->kind == AST_IMPORT && in_main(d, n)) {
            fprintf(d->out, "%s`%s`", any ? ", " : "Imports: ", n->name);
            any = true;
        }
    }
    if (any)
        fprintf(d->out, ".\n\n");
    for (int k = 0; k < DOC_COUNT__N; k++)
        fprintf(d->out, "%s%u %s", k ? ", " : "Contents: ", counts[k], KIND_WORDS[k][counts[k] != 1]);
    fprintf(d->out, ".\n");
}

/* Sections of the rules (outcomes and tables) that read each parameter. */
static void put_params(const Doc *d)
{
    const Compiler *c = d->c;
    uint32_t nparams = 0;
    for (const Symbol *s = c->syms.first; s; s = s->order_next)
        if (s->kind == SYM_PARAM && s->param >= 0 && (uint32_t)s->param + 1 > nparams)
            nparams = (uint32_t)s->param + 1;
    if (!nparams)
        return;
    /* used[p * nrules + r]: rule r reads parameter p */
    const AstNode **rules = malloc((c->items.count + 1) * sizeof *rules);
    uint32_t nrules = 0;
    for (uint32_t i = 0; rules && i < c->items.count; i++) {
        const AstNode *n = c->items.items[i];
        if ((n->kind == AST_OUTCOME || n->kind == AST_CLASSIFY) && section_of(n))
            rules[nrules++] = n;
    }
    bool *used = calloc((size_t)nparams * (nrules ? nrules : 1), sizeof *used);
    Reach *r = malloc(sizeof *r);
    bool *params = calloc(nparams, sizeof *params);
    const char **secs = malloc((nrules ? nrules : 1) * sizeof *secs);
    if (!rules || !used || !r || !params || !secs) {
        fprintf(d->out, "\n(out of memory: parameters left out)\n");
        goto done;
    }
    for (uint32_t k = 0; k < nrules; k++) {
        memset(params, 0, nparams * sizeof *params);
        r->nseen = 0;
        r->params = params;
        r->nparams = nparams;
        const AstNode *n = rules[k];
        reach_expr(c, r, n->a);
        if (n->kind == AST_CLASSIFY)
            for (uint32_t i = 0; i < n->list.count; i++)
                reach_expr(c, r, n->list.items[i]->a);
        else
            reach_expr(c, r, n->from);
        for (uint32_t p = 0; p < nparams; p++)
            used[(size_t)p * nrules + k] = params[p];
    }
    fprintf(d->out, "\n## Parameters\n\n");
    fprintf(d->out, "Thresholds a run may change with `--param NAME=VALUE`. *Read by* lists the sections of the\n"
                    "outcomes and tables whose conditions read the parameter, directly or through defines and\n"
                    "functions (not through another table: that table's section is listed).\n\n");
    fprintf(d->out, "| parameter | default | range | read by |\n|---|---|---|---|\n");
    for (const Symbol *s = c->syms.first; s; s = s->order_next) {
        if (s->kind != SYM_PARAM || !s->decl || !in_main(d, s->decl) || s->param < 0)
            continue;
        const AstNode *p = s->decl;
        fprintf(d->out, "| `%s` | ", p->name);
        put_code(d, p->a, true);
        fprintf(d->out, " | ");
        if (p->b)
            put_code(d, p->b, true);
        fprintf(d->out, " | ");
        uint32_t n = 0;
        for (uint32_t k = 0; k < nrules; k++)
            if (used[(size_t)s->param * nrules + k])
                secs[n++] = section_of(rules[k]);
        qsort(secs, n, sizeof *secs, section_qsort);
        uint32_t shown = 0;
        for (uint32_t k = 0; k < n; k++)
            if (k == 0 || strcmp(secs[k], secs[k - 1]) != 0) {
                fprintf(d->out, "%s", shown++ ? ", " : "");
                put_text(d, secs[k]);
            }
        fprintf(d->out, "%s |\n", shown ? "" : "(none)");
    }
done:
    free(rules);
    free(used);
    free(r);
    free(params);
    free(secs);
}

static const AstNode *text_in(const Doc *d, const AstNode *n)
{
    for (uint32_t i = 0; i < n->list.count; i++)
        if (n->list.items[i]->kind == AST_TEXT && d->lang && strcmp(n->list.items[i]->name, d->lang) == 0)
            return n->list.items[i];
    return n->list.count && n->list.items[0]->kind == AST_TEXT ? n->list.items[0] : NULL;
}

static void put_outcome(const Doc *d, const AstNode *n)
{
    FILE *o = d->out;
    fprintf(o, "- **%s** `%s`", n->op > OK__NONE && n->op < OK__COUNT ? KIND_WORDS[n->op][0] : "outcome", n->name);
    switch (n->op) {
    case OK_RED_FLAG:
        fprintf(o, " in `%s`%s → `%s`", n->cluster, n->urgent ? ", urgent" : "", n->action);
        break;
    case OK_REFERRAL:
        fprintf(o, "%s → `%s`", n->urgent ? " urgent" : "", n->action);
        break;
    case OK_ADVICE:
        fprintf(o, " (%s)", n->strength);
        break;
    case OK_SCHEDULE:
        fprintf(o, " after %g %s", n->num, n->unit);
        if (n->from) {
            fprintf(o, " from ");
            put_code(d, n->from, false);
        }
        break;
    case OK_MEASUREMENT:
        fprintf(o, " at");
        for (uint32_t i = 0; i < n->list2.count; i++)
            fprintf(o, "%s %s", i ? "," : "", n->list2.items[i]->name);
        break;
    default:
        break;
    }
    if (n->a) {
        fprintf(o, " when ");
        put_code(d, n->a, false);
    }
    if (n->op == OK_ADVICE && n->dose) {
        fprintf(o, "; dose:");
        for (uint32_t i = 0; i < n->dose->list.count; i++) {
            const AstNode *e = n->dose->list.items[i];
            fprintf(o, "%s %s ", i ? "," : "", e->name);
            put_code(d, e->a, false);
        }
    }
    fprintf(o, "\n");
    const AstNode *t = text_in(d, n);
    if (t) {
        fprintf(o, "  > ");
        put_text(d, t->str);
        fprintf(o, "\n");
    }
}

static void put_table(const Doc *d, const AstNode *n)
{
    FILE *o = d->out;
    fprintf(o, "- **table** `%s`%s", n->name, n->flags & CLASSIFY_UNIQUE ? " (unique)" : "");
    if (n->name2)
        fprintf(o, ", overridden by `%s`", n->name2);
    if (n->a) {
        fprintf(o, " when ");
        put_code(d, n->a, false);
    }
    fprintf(o, "\n");
    for (uint32_t i = 0; i < n->list.count; i++) {
        const AstNode *row = n->list.items[i];
        fprintf(o, "  - ");
        if (row->a)
            put_code(d, row->a, false);
        else
            fprintf(o, "otherwise");
        fprintf(o, " → ");
        put_code(d, row->b, false);
        fprintf(o, "\n");
    }
}

/* Outcomes and tables of the main file (each cites a section), by section
 * in natural order, each section's in declaration order. */
static void put_sections(const Doc *d)
{
    const Compiler *c = d->c;
    const char **secs = malloc((c->items.count + 1) * sizeof *secs);
    if (!secs)
        return;
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->items.count; i++) {
        const AstNode *it = c->items.items[i];
        if ((it->kind == AST_OUTCOME || it->kind == AST_CLASSIFY) && in_main(d, it) && section_of(it))
            secs[n++] = section_of(it);
    }
    qsort(secs, n, sizeof *secs, section_qsort);
    fprintf(d->out, "\n## Outcomes and tables by section\n");
    for (uint32_t k = 0; k < n; k++) {
        if (k > 0 && strcmp(secs[k], secs[k - 1]) == 0)
            continue;
        fprintf(d->out, "\n### ");
        put_text(d, secs[k]);
        fprintf(d->out, "\n\n");
        for (uint32_t i = 0; i < c->items.count; i++) {
            const AstNode *it = c->items.items[i];
            const char *s = (it->kind == AST_OUTCOME || it->kind == AST_CLASSIFY) && in_main(d, it) ? section_of(it) : NULL;
            if (!s || strcmp(s, secs[k]) != 0)
                continue;
            if (it->kind == AST_OUTCOME)
                put_outcome(d, it);
            else
                put_table(d, it);
        }
    }
    free(secs);
}

static void put_properties(const Doc *d)
{
    bool any = false;
    for (uint32_t i = 0; i < d->c->properties.count; i++) {
        const AstNode *p = d->c->properties.items[i];
        if (!in_main(d, p))
            continue;
        if (!any)
            fprintf(d->out, "\n## Properties\n\nProved for every case by `gdl verify`.\n\n");
        any = true;
        fprintf(d->out, "- `%s` (", p->name);
        put_text(d, section_of(p) ? section_of(p) : "");
        fprintf(d->out, ")%s", p->a ? " when " : ", every case");
        if (p->a)
            put_code(d, p->a, false);
        fprintf(d->out, ":");
        for (uint32_t k = 0; k < p->list2.count; k++) {
            fprintf(d->out, "%s ", k ? ";" : "");
            put_code(d, p->list2.items[k], false);
        }
        fprintf(d->out, "\n");
    }
}

void doc_write(const Compiler *c, FILE *out)
{
    Doc d = { c, out, NULL };
    if (c->nlanguages)
        d.lang = c->languages[0];
    uint32_t counts[DOC_COUNT__N] = { 0 };
    for (uint32_t i = 0; i < c->items.count; i++) {
        const AstNode *n = c->items.items[i];
        if (!in_main(&d, n))
            continue;
        if (n->kind == AST_PARAM)
            counts[DOC_COUNT_PARAMS]++;
        else if (n->kind == AST_OUTCOME && n->op > OK__NONE && n->op < OK__COUNT)
            counts[n->op]++;
        else if (n->kind == AST_CLASSIFY)
            counts[DOC_COUNT_TABLES]++;
        else if (n->kind == AST_PROPERTY)
            counts[DOC_COUNT_PROPERTIES]++;
        else if (n->kind == AST_TEST)
            counts[DOC_COUNT_TESTS]++;
    }
    put_header(&d, counts);
    put_params(&d);
    put_sections(&d);
    put_properties(&d);
    fprintf(out, "\n## Tests\n\n%u test%s: `gdl test %s` runs %s.\n", counts[DOC_COUNT_TESTS],
            counts[DOC_COUNT_TESTS] == 1 ? "" : "s", c->sources.files[c->main_file].path,
            counts[DOC_COUNT_TESTS] == 1 ? "it" : "them");
}
