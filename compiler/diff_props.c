/* diff_props.c - a guideline's properties as gdl diff compares them (see
 * diff_props.h). */
#include "diff_props.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "source.h"

static char *dup_or_null(const char *s, size_t n, bool *oom)
{
    char *d = malloc(n + 1);
    if (!d) {
        *oom = true;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static uint32_t premise_fact(const GdlProgram *p, const char *name)
{
    char want[512];
    snprintf(want, sizeof want, "property:%s", name);
    for (uint32_t f = 0; f < p->nfacts; f++)
        if (strcmp(gdl_str(p, p->facts[f].name), want) == 0)
            return f;
    return UINT32_MAX;
}

int diff_properties_read(const Compiler *c, const GdlProgram *p, DiffProperties *out)
{
    memset(out, 0, sizeof *out);
    Canon canon;
    if (canon_init(&canon, p) != 0)
        return -1;
    bool oom = false;
    out->items = calloc(c->properties.count ? c->properties.count : 1, sizeof *out->items);
    oom = !out->items;
    for (uint32_t i = 0; !oom && i < c->properties.count; i++) {
        const AstNode *prop = c->properties.items[i];
        if (prop->span.file != c->main_file)
            continue;       /* an imported module's: not this guideline's */
        DiffProperty *d = &out->items[out->n++];
        d->name = dup_or_null(prop->name, strlen(prop->name), &oom);
        if (prop->b && prop->b->str)
            d->section = dup_or_null(prop->b->str, strlen(prop->b->str), &oom);
        ByteBuf b = { 0 };
        /* without a premise check.c synthesizes one on the property's name */
        if (prop->a && prop->a->span.start != prop->name_span.start) {
            source_quote(&c->sources, prop->a->span, false, &b);
            d->when = dup_or_null(b.data ? (const char *)b.data : "", b.len, &oom);
            b.len = 0;
        }
        for (uint32_t k = 0; k < prop->list2.count; k++) {
            buf_puts(&b, k ? "; " : "");
            source_quote(&c->sources, prop->list2.items[k]->span, false, &b);
        }
        d->expects = dup_or_null(b.data ? (const char *)b.data : "", b.len, &oom);
        oom |= b.failed != 0;
        buf_free(&b);
        uint32_t f = premise_fact(p, prop->name);
        const char *cond = f == UINT32_MAX ? "" : canon_fact(&canon, f);
        if (!cond)
            oom = true;
        else
            d->condition = dup_or_null(cond, strlen(cond), &oom);
    }
    canon_free(&canon);
    return oom ? -1 : 0;
}

void diff_properties_free(DiffProperties *props)
{
    for (uint32_t i = 0; props->items && i < props->n; i++) {
        free(props->items[i].name);
        free(props->items[i].section);
        free(props->items[i].when);
        free(props->items[i].condition);
        free(props->items[i].expects);
    }
    free(props->items);
    memset(props, 0, sizeof *props);
}
