/* mem.h - the embedder's allocator inside the library (gdl.h: gdl_alloc_fn,
 * like lua_Alloc). Arenas, output buffers, the VM, the verifier and the
 * compiler allocate through a GdlMem when one is given, through malloc when
 * it is NULL; every failure comes back as NULL to a caller that reports it. */
#ifndef GDL_MEM_H
#define GDL_MEM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdl.h"

typedef struct GdlMem {
    gdl_alloc_fn fn;
    void *ud;
} GdlMem;

/* size 0 is never passed to the embedder's function as an allocation:
 * there, 0 means free. */
static inline void *mem_alloc(const GdlMem *m, size_t size)
{
    if (!m)
        return malloc(size ? size : 1);
    return m->fn(m->ud, NULL, size ? size : 1);
}

static inline void *mem_realloc(const GdlMem *m, void *ptr, size_t size)
{
    if (!m)
        return realloc(ptr, size ? size : 1);
    return m->fn(m->ud, ptr, size ? size : 1);
}

static inline void *mem_calloc(const GdlMem *m, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = mem_alloc(m, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

static inline void mem_free(const GdlMem *m, void *ptr)
{
    if (!ptr)
        return;
    if (!m)
        free(ptr);
    else
        m->fn(m->ud, ptr, 0);
}

#endif
