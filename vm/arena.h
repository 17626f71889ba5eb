/* arena.h - bump allocator for compile-time trees and per-case memory.
 * Memory comes in chunks and is released all at once (arena_reset keeps the
 * first chunk for reuse, arena_free returns everything). No per-object free. */
#ifndef GDL_ARENA_H
#define GDL_ARENA_H

#include <stddef.h>

typedef struct ArenaChunk ArenaChunk;
struct GdlMem;

typedef struct Arena {
    ArenaChunk *head;      /* current chunk; older chunks follow via ->next */
    size_t chunk_size;     /* default size of a new chunk */
    size_t total;          /* bytes handed out since the last reset (for limits/stats) */
    const struct GdlMem *mem;   /* the embedder's allocator (mem.h); NULL: malloc */
} Arena;

void arena_init(Arena *a, size_t chunk_size);
/* The same with the embedder's allocator (NULL: malloc). */
void arena_init_mem(Arena *a, size_t chunk_size, const struct GdlMem *mem);
/* NULL when the system is out of memory; callers report it, never abort. */
void *arena_alloc(Arena *a, size_t size);
void *arena_zalloc(Arena *a, size_t size);
char *arena_strndup(Arena *a, const char *s, size_t n);
/* Forget everything allocated but keep the largest chunk, so a loop over cases
 * reaches a steady state with no calls to malloc. */
void arena_reset(Arena *a);
void arena_free(Arena *a);

#endif
