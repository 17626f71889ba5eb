/* ast.c - node constructors; the only functions grammar actions call. */
#include "ast.h"

#include <string.h>

static const char *const AST_NAMES[AST__COUNT] = {
#define AK(kind, name) name,
#include "ast_kinds.def"
#undef AK
};

const char *ast_kind_name(AstKind k)
{
    return (unsigned)k < AST__COUNT ? AST_NAMES[k] : "?";
}

AstNode *ast_new(AstBuilder *b, AstKind kind, SrcSpan span)
{
    AstNode *n = arena_zalloc(b->arena, sizeof *n);
    if (!n) {
        /* the compile fails with one "out of memory" error */
        b->oom = true;
        memset(&b->dummy, 0, sizeof b->dummy);
        return &b->dummy;
    }
    n->kind = kind;
    n->span = span;
    n->builtin = -1;
    return n;
}

AstNode *ast_named(AstBuilder *b, AstKind kind, SrcSpan span, const char *name, SrcSpan name_span)
{
    AstNode *n = ast_new(b, kind, span);
    n->name = name;
    n->name_span = name_span;
    return n;
}

SrcSpan span_join(SrcSpan a, SrcSpan b)
{
    SrcSpan s = a;
    if (b.file == a.file) {
        if (b.start < s.start) s.start = b.start;
        if (b.end > s.end) s.end = b.end;
    }
    return s;
}

AstNode *ast_binary(AstBuilder *b, int op, AstNode *l, AstNode *r)
{
    AstNode *n = ast_new(b, AST_BINARY, span_join(l->span, r->span));
    n->op = op;
    n->a = l;
    n->b = r;
    return n;
}

AstNode *ast_unary(AstBuilder *b, int op, AstNode *x, SrcSpan span)
{
    AstNode *n = ast_new(b, AST_UNARY, span_join(span, x->span));
    n->op = op;
    n->a = x;
    return n;
}

void ast_push(AstBuilder *b, AstList *list, AstNode *item)
{
    if (list->count == list->cap) {
        uint32_t cap = list->cap ? list->cap * 2 : 4;
        AstNode **items = arena_alloc(b->arena, sizeof(AstNode *) * cap);
        if (!items) {
            b->oom = true;
            return;
        }
        if (list->count)
            memcpy(items, list->items, sizeof(AstNode *) * list->count);
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count++] = item;
}

static bool clone_list(Arena *arena, AstList *list, uint32_t depth, uint32_t *budget)
{
    if (!list->count)
        return true;
    AstNode **items = arena_alloc(arena, sizeof(AstNode *) * list->count);
    if (!items)
        return false;
    for (uint32_t i = 0; i < list->count; i++)
        if (!(items[i] = ast_clone(arena, list->items[i], depth, budget)))
            return false;
    list->items = items;
    list->cap = list->count;
    return true;
}

AstNode *ast_clone(Arena *arena, AstNode *e, uint32_t depth, uint32_t *budget)
{
    if (!e || depth == 0)
        return e;
    if (*budget == 0)
        return NULL;
    AstNode *n = arena_alloc(arena, sizeof *n);
    if (!n)
        return NULL;
    --*budget;
    *n = *e;
    if ((e->a && !(n->a = ast_clone(arena, e->a, depth - 1, budget)))
        || (e->b && !(n->b = ast_clone(arena, e->b, depth - 1, budget)))
        || !clone_list(arena, &n->list, depth - 1, budget) || !clone_list(arena, &n->list2, depth - 1, budget))
        return NULL;
    return n;
}
