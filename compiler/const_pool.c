/* const_pool.c - the program's constant pools: strings (hashed,
 * deduplicated) and numbers (deduplicated bitwise), each numbered by first
 * use, and the lists of enum symbol names. */
#include "codegen.h"

#include <string.h>

#include "mem.h"

static uint32_t str_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

uint16_t intern_n(Gen *g, const char *s, size_t n)
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
                gen_limit_error(g, "too many strings (limit is %d)", GDL_MAX_STRINGS);
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

uint16_t intern(Gen *g, const char *s)
{
    return s ? intern_n(g, s, strlen(s)) : GDL_NONE;
}

uint16_t number(Gen *g, double v)
{
    GdlProgram *p = g->p;
    for (uint32_t i = 0; i < p->nnumbers; i++)   /* pools are small; bitwise so -0 stays -0 */
        if (memcmp(&p->numbers[i], &v, sizeof v) == 0)
            return (uint16_t)i;
    if (p->nnumbers >= GDL_MAX_NUMBERS) {
        gen_limit_error(g, "too many constants (limit is %d)", GDL_MAX_NUMBERS);
        return 0;
    }
    GROW(g, p->numbers, p->nnumbers, g->cap_numbers, double);
    if (g->failed)
        return 0;
    p->numbers[p->nnumbers] = v;
    return (uint16_t)p->nnumbers++;
}

uint16_t add_syms(Gen *g, const Symbol *owner)
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
