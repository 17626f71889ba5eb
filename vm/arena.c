/* arena.c - chunked bump allocator (see arena.h). */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct ArenaChunk {
    ArenaChunk *next;
    size_t size;   /* usable bytes in data[] */
    size_t used;
    max_align_t data[];
};

enum { ARENA_ALIGN = _Alignof(max_align_t) };

void arena_init(Arena *a, size_t chunk_size)
{
    arena_init_mem(a, chunk_size, NULL);
}

void arena_init_mem(Arena *a, size_t chunk_size, const GdlMem *mem)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
    a->total = 0;
    a->mem = mem;
}

static ArenaChunk *chunk_new(const GdlMem *mem, size_t size)
{
    if (size > SIZE_MAX - sizeof(ArenaChunk))
        return NULL;
    ArenaChunk *c = mem_alloc(mem, sizeof(ArenaChunk) + size);
    if (!c)
        return NULL;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

void *arena_alloc(Arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded == 0)
        rounded = ARENA_ALIGN;
    ArenaChunk *c = a->head;
    if (!c || c->size - c->used < rounded) {
        size_t want = rounded > a->chunk_size ? rounded : a->chunk_size;
        ArenaChunk *n = chunk_new(a->mem, want);
        if (!n)
            return NULL;
        n->next = c;
        a->head = c = n;
    }
    void *p = (char *)c->data + c->used;
    c->used += rounded;
    a->total += rounded;
    return p;
}

void *arena_zalloc(Arena *a, size_t size)
{
    void *p = arena_alloc(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void arena_reset(Arena *a)
{
    ArenaChunk *keep = NULL;
    for (ArenaChunk *c = a->head, *next; c; c = next) {
        next = c->next;
        if (!keep || c->size > keep->size) {
            mem_free(a->mem, keep);
            keep = c;
        } else {
            mem_free(a->mem, c);
        }
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->total = 0;
}

void arena_free(Arena *a)
{
    for (ArenaChunk *c = a->head, *next; c; c = next) {
        next = c->next;
        mem_free(a->mem, c);
    }
    a->head = NULL;
    a->total = 0;
}
